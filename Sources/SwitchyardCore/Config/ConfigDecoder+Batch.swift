extension ConfigDecoder {
    static let multiplexKeys = ["path", "max_parts", "max_body", "max_timeout", "default_timeout", "allow_urls", "ca_file"]

    /// `multiplex: {path, max_parts, max_body, max_timeout, default_timeout, allow_urls, ca_file}`; an empty
    /// section turns the endpoint on with every default.
    mutating func multiplex(_ node: YAMLNode, at path: ConfigPath) -> BatchConfig {
        var m = BatchConfig()
        guard let f = fields(node, at: path, keys: Self.multiplexKeys) else { return m }
        m.path = scalar(f, "path", default: m.path, expected: "a path like /_multiplex") { text, _ throws(ConfigValueError) in
            guard text.hasPrefix("/"), !text.contains(where: { $0 == "?" || $0 == "#" || $0 == " " || $0 == "*" }) else {
                throw ConfigValueError("`\(text)` must be a path starting with `/` (no `?`, `#`, `*` or spaces)")
            }
            return text
        }
        m.maxParts = integer(f, "max_parts", default: m.maxParts, in: 1...1000)
        m.maxBody = size(f, "max_body", default: m.maxBody, minimum: 64)
        m.maxTimeout = duration(f, "max_timeout", default: m.maxTimeout)
        m.defaultTimeout = duration(f, "default_timeout", default: m.maxTimeout)
        if let node = f["default_timeout"], m.defaultTimeout > m.maxTimeout {
            report(node.mark, path.key("default_timeout"),
                   "default_timeout (\(m.defaultTimeout)) must not exceed max_timeout (\(m.maxTimeout))")
        }
        if let node = f["allow_urls"] { m.allowURLs = allowURLs(node, at: path.key("allow_urls")) }
        if f["ca_file"] != nil {
            m.caFile = scalar(f, "ca_file", default: "", expected: "an absolute path to a PEM file") { text, _ throws(ConfigValueError) in
                guard text.hasPrefix("/") else { throw ConfigValueError("`\(text)` must be an absolute path") }
                return text
            }
        }
        return m
    }

    /// `allow_urls`: a list (possibly empty) of distinct `http://` or `https://` URL prefixes.
    mutating func allowURLs(_ node: YAMLNode, at path: ConfigPath) -> [String] {
        if node.isNull { return [] }
        guard case .sequence(let list) = node.kind else {
            report(node.mark, path, "expected a list of URL prefixes like [\"https://api.example.com/v1\"], got \(node.typeDescription)")
            return []
        }
        var result: [String] = []
        var seen: [TargetURL] = []
        for (i, item) in list.enumerated() {
            guard case .scalar(let text, _) = item.kind, !item.isNull else {
                report(item.mark, path.index(i), "expected a URL prefix like \"https://api.example.com/v1\", got \(item.typeDescription)")
                continue
            }
            switch TargetURL.parse(text, allowsQuery: false) {
            case .failure(let problem):
                report(item.mark, path.index(i), problem.message)
            case .success(let url):
                if seen.contains(url) {
                    report(item.mark, path.index(i), "`\(text)` is listed twice")
                } else {
                    seen.append(url)
                    result.append(text)
                }
            }
        }
        return result
    }

    /// `services[].cache: {ttl, max_entries}`.
    mutating func cache(_ node: YAMLNode, at path: ConfigPath) -> CacheConfig {
        var c = CacheConfig()
        guard let f = fields(node, at: path, keys: ["ttl", "max_entries"]) else { return c }
        c.ttl = duration(f, "ttl", default: c.ttl)
        c.maxEntries = integer(f, "max_entries", default: c.maxEntries, in: 1...1_000_000)
        return c
    }
}
