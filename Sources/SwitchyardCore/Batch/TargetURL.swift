/// An absolute `http://` or `https://` URL split into the parts `URLAllowList` compares: a part's
/// `url` and each `multiplex.allow_urls` prefix (RFC 3986 section 3 syntax, a strict subset).
///
/// Accepted: `scheme://host[:port][/path][?query]`, the scheme and host case-insensitive (kept
/// lower-cased), the host a name, an IPv4 literal or a bracketed IPv6 literal, the port 1 ... 65535
/// (80 or 443 when left out). Refused: any other scheme, user info (`user@host`: the classic way to
/// make `https://allowed.example@evil.example` read as allowed), fragments, spaces, control bytes and
/// backslashes, and `.`/`..` path segments, also percent-encoded (they would climb out of an allowed
/// path prefix at the upstream).
public struct TargetURL: Sendable, Hashable, CustomStringConvertible {
    /// `http` or `https`.
    public var scheme: String
    /// Lower-cased; an IPv6 literal without its brackets.
    public var host: String
    public var port: UInt16
    /// Starts with `/` (`/` when the URL had none); without the query.
    public var path: String
    /// The text after `?`, nil without one.
    public var query: String?

    /// Whether `host` is an IPv6 literal.
    public var isIPv6: Bool { host.contains(":") }

    public var description: String {
        let h = isIPv6 ? "[\(host)]" : host
        return "\(scheme)://\(h):\(port)\(path)" + (query.map { "?\($0)" } ?? "")
    }

    /// Why a text is not a `TargetURL`.
    public struct Problem: Error, Sendable, Equatable {
        public var message: String
        public init(_ message: String) { self.message = message }
    }

    /// Parses `text`; `allowsQuery` false for allow-list prefixes (a prefix is scheme, host, port and path).
    public static func parse(_ text: String, allowsQuery: Bool = true) -> Result<TargetURL, Problem> {
        let bytes = Array(text.utf8)
        for b in bytes where b <= 0x20 || b == 0x7F || b == UInt8(ascii: "\\") {
            return .failure(Problem("`\(text)` contains a space, a control character or a backslash"))
        }
        guard let sep = text.firstRange(of: "://") else {
            return .failure(Problem("`\(text)` is not an absolute URL; write `https://host/path`"))
        }
        let scheme = text[..<sep.lowerBound].lowercased()
        guard scheme == "http" || scheme == "https" else {
            return .failure(Problem("URL scheme `\(scheme)` is not allowed; only `http` and `https` are"))
        }
        let rest = text[sep.upperBound...]
        if rest.contains("#") { return .failure(Problem("`\(text)` has a fragment (`#`)")) }
        let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        if authority.contains("@") { return .failure(Problem("`\(text)` has user info (`@`); it is not allowed")) }
        guard let (host, port) = hostAndPort(authority, defaultPort: scheme == "https" ? 443 : 80) else {
            return .failure(Problem("`\(text)` has no valid host and port"))
        }
        var pathAndQuery = rest[authorityEnd...]
        var query: String? = nil
        if let q = pathAndQuery.firstIndex(of: "?") {
            guard allowsQuery else { return .failure(Problem("a URL prefix cannot have a query (`?`)")) }
            query = String(pathAndQuery[pathAndQuery.index(after: q)...])
            pathAndQuery = pathAndQuery[..<q]
        }
        let path = pathAndQuery.isEmpty ? "/" : String(pathAndQuery)
        for segment in path.split(separator: "/", omittingEmptySubsequences: false) {
            let dots = segment.lowercased().replacing("%2e", with: ".")
            if dots == "." || dots == ".." {
                return .failure(Problem("`\(text)` has a `.` or `..` path segment"))
            }
        }
        return .success(TargetURL(scheme: scheme, host: host, port: port, path: path, query: query))
    }

    /// `host[:port]` or `[v6][:port]`; the host lower-cased.
    static func hostAndPort(_ authority: Substring, defaultPort: UInt16) -> (String, UInt16)? {
        var host: Substring
        var portText: Substring? = nil
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return nil }
            host = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { return nil }
                portText = after.dropFirst()
            }
            guard IPAddress(String(host))?.isIPv6 == true else { return nil }
        } else {
            if let colon = authority.firstIndex(of: ":") {
                host = authority[..<colon]
                portText = authority[authority.index(after: colon)...]
            } else {
                host = authority
            }
            guard !host.isEmpty, host.utf8.count <= 253, host.utf8.allSatisfy(isHostByte) else { return nil }
        }
        var port = defaultPort
        if let portText {
            guard !portText.isEmpty, portText.count <= 5, let n = Int(portText), n >= 1, n <= 65535 else { return nil }
            port = UInt16(n)
        }
        return (host.lowercased(), port)
    }

    private static func isHostByte(_ b: UInt8) -> Bool {
        (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) || (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z"))
            || (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9")) || b == UInt8(ascii: "-") || b == UInt8(ascii: ".")
            || b == UInt8(ascii: "_")
    }
}
