extension ConfigDecoder {
    static let discoveryKeys = ["name", "type", "port", "resolvers", "interval", "min_interval", "hold", "timeout",
                                "priority", "weight", "base_path"]

    /// `- discover: {name, type, port, resolvers, interval, min_interval, hold, timeout, priority, weight,
    /// base_path}` in a service's `instances`.
    mutating func discovery(_ node: YAMLNode, at path: ConfigPath) -> DiscoveryConfig? {
        guard let f = fields(node, at: path, keys: Self.discoveryKeys) else { return nil }
        require(f, "name", what: "the DNS name to follow, e.g. orders.service.consul")
        var d = DiscoveryConfig(name: "", type: .srv)
        d.type = choice(f, "type", default: DiscoveryConfig.RecordType.srv, aliases: ["aaaa": .a])
        if f["name"] != nil {
            d.name = scalar(f, "name", default: "", expected: "a DNS name") { text, _ throws(ConfigValueError) in
                guard Self.isDNSName(text) else {
                    throw ConfigValueError("`\(text)` is not a DNS name (labels of 1-63 letters, digits, `-` or `_`, separated by dots; 253 characters at most)")
                }
                return text.lowercased()
            }
        }
        if f["port"] != nil {
            d.port = UInt16(integer(f, "port", default: 80, in: 1...65535))
        } else if d.type == .a {
            report(f.mark, f.path.key("port"), "missing required key `port` (`type: a` records carry no port)")
        }
        if let list = f["resolvers"] { d.resolvers = resolvers(list, at: f.path.key("resolvers")) }
        d.interval = duration(f, "interval", default: d.interval)
        d.minInterval = duration(f, "min_interval", default: d.minInterval)
        if let node = f["min_interval"], d.minInterval > d.interval {
            report(node.mark, f.path.key("min_interval"), "min_interval (\(d.minInterval)) must not exceed interval (\(d.interval))")
        }
        d.hold = duration(f, "hold", default: d.hold)
        d.timeout = duration(f, "timeout", default: d.timeout)
        d.priority = priority(f, default: d.priority)
        d.weight = integer(f, "weight", default: d.weight, in: 1...10_000)
        if f["base_path"] != nil {
            d.basePath = scalar(f, "base_path", default: "", expected: "a path like /api") { text, _ throws(ConfigValueError) in
                guard text.hasPrefix("/"), !text.contains(where: { $0 == "?" || $0 == "#" || $0 == " " }) else {
                    throw ConfigValueError("`\(text)` must be a path starting with `/` (no `?`, `#` or spaces)")
                }
                return text.hasSuffix("/") ? String(text.dropLast()) : text
            }
        }
        return d.name.isEmpty ? nil : d
    }

    /// `resolvers`: a non-empty list of `host:port` DNS servers (IP literals; port 53 when left out).
    mutating func resolvers(_ node: YAMLNode, at path: ConfigPath) -> [ListenAddress] {
        guard case .sequence(let list) = node.kind, !list.isEmpty else {
            report(node.mark, path, "expected a non-empty list of DNS servers like [\"127.0.0.1:8600\"], got \(node.typeDescription)")
            return []
        }
        var out: [ListenAddress] = []
        for (i, item) in list.enumerated() {
            guard let text = item.scalarText, !item.isNull else {
                report(item.mark, path.index(i), "expected `host:port`, got \(item.typeDescription)")
                continue
            }
            let withPort = text.contains("]:") || (!text.contains("[") && text.split(separator: ":").count == 2) ? text
                : (text.contains(":") && !text.hasPrefix("[") ? "[\(text)]:53" : "\(text):53")
            do throws(ConfigValueError) {
                let address = try AddressParser.listenAddress(withPort)
                guard address.port != 0 else { throw ConfigValueError("port 0 is not a DNS server's port") }
                out.append(address)
            } catch {
                report(item.mark, path.index(i), error.message)
            }
        }
        return out
    }

    private static func isDNSLabelByte(_ b: UInt8) -> Bool {
        (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) || (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z"))
            || (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9")) || b == UInt8(ascii: "-") || b == UInt8(ascii: "_")
    }

    /// RFC 1035 section 2.3.4 limits, plus `_` (SRV owner names such as `_orders._tcp`); one trailing dot allowed.
    static func isDNSName(_ text: String) -> Bool {
        let name = text.hasSuffix(".") ? String(text.dropLast()) : text
        guard !name.isEmpty, name.utf8.count <= 253 else { return false }
        for label in name.split(separator: ".", omittingEmptySubsequences: false) {
            guard (1...63).contains(label.utf8.count), !label.hasPrefix("-"), !label.hasSuffix("-") else { return false }
            for b in label.utf8 where !Self.isDNSLabelByte(b) {
                return false
            }
        }
        return true
    }
}
