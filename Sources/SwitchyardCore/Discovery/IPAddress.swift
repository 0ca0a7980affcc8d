/// An IPv4 or IPv6 address as its bytes in network order: 4 for IPv4 (the RDATA of an A record,
/// RFC 1035 section 3.4.1), 16 for IPv6 (an AAAA record, RFC 3596 section 2.2).
///
/// The text form is the dotted quad or the RFC 5952 canonical IPv6 text, which the shell can hand to
/// `inet_pton` unchanged. Ordered IPv4 before IPv6, then by bytes, so endpoint sets sort stably.
public struct IPAddress: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// 4 or 16 bytes, most significant first.
    public let bytes: [UInt8]

    /// An address from 4 (IPv4) or 16 (IPv6) bytes; nil for any other count.
    public init?(bytes: [UInt8]) {
        guard bytes.count == 4 || bytes.count == 16 else { return nil }
        self.bytes = bytes
    }

    /// An address from text: a dotted quad (`10.0.0.1`, no leading zeros) or IPv6 text
    /// (RFC 4291 section 2.2: `::1`, `fe80::1:2`, `::ffff:10.0.0.1`), without brackets or zone.
    public init?(_ text: String) {
        if let v4 = Self.parseIPv4(Substring(text)) {
            bytes = v4
        } else if let v6 = Self.parseIPv6(Substring(text)) {
            bytes = v6
        } else {
            return nil
        }
    }

    public var isIPv6: Bool { bytes.count == 16 }

    public static func < (a: IPAddress, b: IPAddress) -> Bool {
        if a.bytes.count != b.bytes.count { return a.bytes.count < b.bytes.count }
        return a.bytes.lexicographicallyPrecedes(b.bytes)
    }

    /// The dotted quad, or RFC 5952 text: lower-case hex without leading zeros, the longest run of two
    /// or more zero groups (the first of equal runs) as `::`, IPv4-mapped addresses as `::ffff:a.b.c.d`.
    public var description: String {
        guard isIPv6 else { return bytes.map { String($0) }.joined(separator: ".") }
        if bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xFF && bytes[11] == 0xFF {
            return "::ffff:" + bytes[12...].map { String($0) }.joined(separator: ".")
        }
        let groups = (0..<8).map { UInt16(bytes[2 * $0]) << 8 | UInt16(bytes[2 * $0 + 1]) }
        var best = (start: -1, count: 0)
        var run = (start: -1, count: 0)
        for (i, g) in groups.enumerated() {
            if g == 0 {
                run = run.start < 0 ? (i, 1) : (run.start, run.count + 1)
                if run.count > best.count { best = run }
            } else {
                run = (-1, 0)
            }
        }
        let hex = groups.map { String($0, radix: 16) }
        guard best.count >= 2 else { return hex.joined(separator: ":") }
        let head = hex[..<best.start].joined(separator: ":")
        let tail = hex[(best.start + best.count)...].joined(separator: ":")
        return head + "::" + tail
    }

    /// `address:port`, with the IPv6 address in brackets (`[::1]:53`, RFC 3986 section 3.2.2).
    public func text(withPort port: UInt16) -> String {
        isIPv6 ? "[\(self)]:\(port)" : "\(self):\(port)"
    }

    /// Four decimal parts 0...255, no leading zeros (`AddressParser.isIPv4`).
    static func parseIPv4(_ text: Substring) -> [UInt8]? {
        guard AddressParser.isIPv4(String(text)) else { return nil }
        return text.split(separator: ".").map { UInt8($0)! }
    }

    /// RFC 4291 section 2.2: eight groups of 1...4 hex digits, at most one `::` standing for one or
    /// more zero groups, optionally an IPv4 dotted quad as the last 32 bits.
    static func parseIPv6(_ text: Substring) -> [UInt8]? {
        guard text.contains(":"), text.count <= 45 else { return nil }
        let gaps = text.ranges(of: "::")
        guard gaps.count <= 1 else { return nil }
        if let gap = gaps.first {
            guard let head = groups(text[..<gap.lowerBound], allowsIPv4: false),
                  let tail = groups(text[gap.upperBound...], allowsIPv4: true), head.count + tail.count <= 7 else { return nil }
            let zeros = [UInt16](repeating: 0, count: 8 - head.count - tail.count)
            return bytes(of: head + zeros + tail)
        }
        guard let all = groups(text, allowsIPv4: true), all.count == 8 else { return nil }
        return bytes(of: all)
    }

    static func bytes(of groups: [UInt16]) -> [UInt8] {
        groups.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
    }

    /// The 16-bit groups of a colon-separated run (empty text: none). A trailing dotted quad, when
    /// allowed, counts as two groups.
    static func groups(_ text: Substring, allowsIPv4: Bool) -> [UInt16]? {
        guard !text.isEmpty else { return [] }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        var result: [UInt16] = []
        for (i, part) in parts.enumerated() {
            if allowsIPv4 && i == parts.count - 1 && part.contains(".") {
                guard let v4 = parseIPv4(part) else { return nil }
                result.append(UInt16(v4[0]) << 8 | UInt16(v4[1]))
                result.append(UInt16(v4[2]) << 8 | UInt16(v4[3]))
            } else {
                guard (1...4).contains(part.count), part.allSatisfy(\.isHexDigit),
                      let group = UInt16(part, radix: 16) else { return nil }
                result.append(group)
            }
        }
        return result
    }
}
