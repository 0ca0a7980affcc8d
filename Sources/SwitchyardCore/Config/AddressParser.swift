/// Parses the network addresses config files contain: listen addresses and upstream URLs.
public enum AddressParser {
    /// A listen address: `host:port`, `[v6]:port` or `:port` (all IPv4 interfaces).
    ///
    /// The host must be an IP literal (binding never waits on DNS); `localhost` is taken as
    /// `127.0.0.1`. Port 0 is allowed and means "any free port" (tests use it).
    public static func listenAddress(_ text: String) throws(ConfigValueError) -> ListenAddress {
        let (host, port) = try hostAndPort(text, defaultPort: nil, what: "a listen address like `0.0.0.0:8080`")
        var literal = host.isEmpty ? "0.0.0.0" : host
        if literal == "localhost" { literal = "127.0.0.1" }
        guard isIPv4(literal) || isIPv6(literal) else {
            throw ConfigValueError("listen host `\(host)` must be an IP address (e.g. `0.0.0.0`, `127.0.0.1`, `[::]`)")
        }
        return ListenAddress(host: literal, port: port)
    }

    /// An upstream instance URL: `http://host[:port][/base/path]`; the port defaults to 80.
    ///
    /// Only `http` is accepted (the proxy speaks cleartext HTTP/1.1 to instances). User info,
    /// query strings and fragments are rejected; a trailing `/` on the base path is dropped.
    public static func upstreamURL(_ text: String) throws(ConfigValueError) -> UpstreamURL {
        guard let schemeEnd = text.firstRange(of: "://") else {
            throw ConfigValueError("`\(text)` is not a URL; write `http://\(text)`")
        }
        let scheme = text[..<schemeEnd.lowerBound].lowercased()
        guard scheme == "http" else {
            throw ConfigValueError("URL scheme `\(scheme)` is not supported for instances; only `http` is")
        }
        let rest = text[schemeEnd.upperBound...]
        let slash = rest.firstIndex(of: "/") ?? rest.endIndex
        let authority = String(rest[..<slash])
        var path = String(rest[slash...])
        guard !authority.contains("@") else { throw ConfigValueError("`\(text)`: user info in URLs is not supported") }
        guard !path.contains("?"), !path.contains("#") else {
            throw ConfigValueError("`\(text)`: a query or fragment is not allowed in an instance URL")
        }
        guard !path.contains(" ") else { throw ConfigValueError("`\(text)`: spaces are not allowed in a URL") }
        while path.hasSuffix("/") { path.removeLast() }
        let (host, port) = try hostAndPort(authority, defaultPort: 80, what: "a URL like `http://10.0.0.1:8080`")
        guard !host.isEmpty else { throw ConfigValueError("`\(text)` has no host") }
        guard port != 0 else { throw ConfigValueError("`\(text)`: port 0 is not a valid upstream port") }
        guard isIPv6(host) || isHostName(host) else { throw ConfigValueError("`\(host)` is not a valid host name") }
        return UpstreamURL(host: host.lowercased(), port: port, basePath: path)
    }

    /// Splits `host:port` / `[v6]:port`; brackets are removed from the host.
    static func hostAndPort(_ text: String, defaultPort: UInt16?,
                            what: String) throws(ConfigValueError) -> (String, UInt16) {
        var host: Substring
        var portText: Substring?
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { throw ConfigValueError("`\(text)`: missing `]`") }
            host = text[text.index(after: text.startIndex)..<close]
            let after = text[text.index(after: close)...]
            if after.hasPrefix(":") { portText = after.dropFirst() } else if !after.isEmpty {
                throw ConfigValueError("expected \(what), got `\(text)`")
            }
            guard isIPv6(String(host)) else { throw ConfigValueError("`\(host)` is not an IPv6 address") }
        } else if let colon = text.lastIndex(of: ":") {
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
            guard !host.contains(":") else {
                throw ConfigValueError("IPv6 addresses need brackets: `[\(host)]:\(portText ?? "")`")
            }
        } else {
            host = Substring(text)
        }
        let port: UInt16
        if let portText {
            guard let p = UInt16(portText), portText.allSatisfy({ $0.isASCII && $0.isNumber }) else {
                throw ConfigValueError("`\(portText)` is not a port (0...65535) in `\(text)`")
            }
            port = p
        } else if let defaultPort {
            port = defaultPort
        } else {
            throw ConfigValueError("expected \(what), got `\(text)` (no port)")
        }
        return (String(host), port)
    }

    /// Dotted-quad IPv4, each part 0...255 without leading zeros.
    public static func isIPv4(_ text: String) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return false }
        return parts.allSatisfy { part in
            guard !part.isEmpty, part.count <= 3, part.allSatisfy({ $0.isASCII && $0.isNumber }),
                  let n = Int(part), n <= 255 else { return false }
            return part.count == 1 || part.first != "0"
        }
    }

    /// A plausible IPv6 literal: hex groups and colons (at most one `::`), optionally an IPv4 tail.
    /// The kernel's `inet_pton` has the last word when binding.
    public static func isIPv6(_ text: String) -> Bool {
        guard text.contains(":"), text.count <= 45, text.ranges(of: "::").count <= 1 else { return false }
        var groups = text.split(separator: ":", omittingEmptySubsequences: false)
        if let last = groups.last, last.contains(".") {
            guard isIPv4(String(last)) else { return false }
            groups.removeLast()
        }
        return groups.count <= 8 && groups.allSatisfy { $0.count <= 4 && $0.allSatisfy(\.isHexDigit) }
    }

    /// A DNS name or IPv4 literal: letters, digits, `-`, `.`, `_`; labels not empty.
    static func isHostName(_ text: String) -> Bool {
        guard !text.isEmpty, text.count <= 253 else { return false }
        return text.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { label in
            !label.isEmpty && label.count <= 63
                && label.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }
        }
    }
}
