/// The URL prefixes (`multiplex.allow_urls`) that batch parts may call directly, and the check of a
/// part's `url` against them.
///
/// A URL is allowed when some prefix has the same scheme, host and port (scheme and host compared
/// case-insensitively, a left-out port counting as 80 or 443) and its path starts with the prefix's
/// path on a segment boundary: prefix `/v1` allows `/v1`, `/v1/` and `/v1/x`, not `/v10`; a prefix
/// ending in `/` (`/v1/`) allows only what is below it. Paths compare byte for byte (case-sensitive).
///
/// The string check is half of the request-forgery defence: the shell must also check the address
/// the host resolves to with `AddressPolicy.isForbidden(_:)` before connecting, unless the allowed
/// prefix itself names that address as an IP literal.
public struct URLAllowList: Sendable, Equatable {
    /// The parsed prefixes, in configuration order.
    public let prefixes: [TargetURL]

    /// The allow-list of `config.allowURLs`; prefixes that do not parse are skipped (the config
    /// decoder has already refused them).
    public init(_ prefixes: [String]) {
        self.prefixes = prefixes.compactMap { try? TargetURL.parse($0, allowsQuery: false).get() }
    }

    /// Why a part's URL is refused; the message goes into the part's `url_not_allowed` answer.
    public struct Refusal: Error, Sendable, Equatable {
        public var message: String
    }

    /// The parsed `url` when a prefix allows it, else why not.
    public func check(_ url: String) -> Result<TargetURL, Refusal> {
        switch TargetURL.parse(url) {
        case .failure(let problem):
            return .failure(Refusal(message: problem.message))
        case .success(let target):
            if prefixes.contains(where: { Self.matches(target, prefix: $0) }) { return .success(target) }
            return .failure(Refusal(message: "`\(url)` is not under any prefix of multiplex.allow_urls"))
        }
    }

    /// The resolved-address check the shell runs before connecting a part to `target` (an URL
    /// `check` allowed): true when `ip` (4 or 16 bytes) is not forbidden by `AddressPolicy`, or when
    /// a prefix that allows `target` names exactly that address as an IP literal (the operator
    /// allowed it by name: `http://10.0.0.5:8080`).
    public func allowsConnection(to ip: [UInt8], for target: TargetURL) -> Bool {
        if !AddressPolicy.isForbidden(ip) { return true }
        return prefixes.contains { prefix in
            Self.matches(target, prefix: prefix) && IPAddress(prefix.host)?.bytes == ip
        }
    }

    /// Whether `prefix` allows `target` (see the type's rules).
    public static func matches(_ target: TargetURL, prefix: TargetURL) -> Bool {
        guard target.scheme == prefix.scheme, target.host == prefix.host, target.port == prefix.port else { return false }
        let p = prefix.path
        if p == "/" || target.path == p { return true }
        guard target.path.hasPrefix(p) else { return false }
        if p.hasSuffix("/") { return true }
        return target.path.utf8.dropFirst(p.utf8.count).first == UInt8(ascii: "/")
    }
}
