/// Which resolved addresses a batch part may not connect to (server-side request forgery): the
/// shell calls `isForbidden(_:)` on every address a part's host resolves to, before connecting.
///
/// Forbidden: "this network" `0.0.0.0/8`, loopback `127.0.0.0/8` and `::1`, private `10/8`,
/// `172.16/12`, `192.168/16`, carrier-grade NAT `100.64/10`, link-local `169.254/16` (cloud metadata
/// lives at 169.254.169.254) and `fe80::/10`, unique-local `fc00::/7`, multicast `224/4` and
/// `ff00::/8`, reserved `240/4` and broadcast, the unspecified `::`, and IPv4-mapped
/// (`::ffff:a.b.c.d`), IPv4-compatible (`::a.b.c.d`), NAT64 (`64:ff9b::/96`) IPv6 forms of forbidden
/// IPv4 addresses (RFC 6890 special-purpose registries).
///
/// The exception belongs to the caller: when the allow-listed prefix itself names the address as
/// an IP literal (`http://10.0.0.5:8080/`), the operator allowed exactly that address.
public enum AddressPolicy {
    /// Whether a part may not connect to `ip` (4 or 16 bytes, network order). Other lengths: true.
    public static func isForbidden(_ ip: [UInt8]) -> Bool {
        switch ip.count {
        case 4: return isForbiddenIPv4(ip[0], ip[1], ip[2], ip[3])
        case 16: return isForbiddenIPv6(ip)
        default: return true
        }
    }

    /// `isForbidden(address.bytes)`.
    public static func isForbidden(_ address: IPAddress) -> Bool { isForbidden(address.bytes) }

    static func isForbiddenIPv4(_ a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8) -> Bool {
        switch a {
        case 0, 10, 127: return true
        case 100 where b & 0xC0 == 64: return true            // 100.64.0.0/10
        case 169 where b == 254: return true                  // 169.254.0.0/16
        case 172 where b & 0xF0 == 16: return true            // 172.16.0.0/12
        case 192 where b == 168: return true                  // 192.168.0.0/16
        case 192 where b == 0 && c == 0: return true          // 192.0.0.0/24 (IETF protocol assignments)
        case 198 where b & 0xFE == 18: return true            // 198.18.0.0/15 (benchmarking)
        case 224...255: return true                           // multicast, reserved, broadcast
        default: return false
        }
    }

    static func isForbiddenIPv6(_ ip: [UInt8]) -> Bool {
        let firstTen = ip[0..<10].allSatisfy { $0 == 0 }
        if firstTen && ip[10] == 0xFF && ip[11] == 0xFF {     // ::ffff:a.b.c.d
            return isForbiddenIPv4(ip[12], ip[13], ip[14], ip[15])
        }
        if firstTen && ip[10] == 0 && ip[11] == 0 {           // ::, ::1 and ::a.b.c.d
            if ip[12..<15].allSatisfy({ $0 == 0 }) && ip[15] <= 1 { return true }
            return isForbiddenIPv4(ip[12], ip[13], ip[14], ip[15])
        }
        if ip[0] == 0x00 && ip[1] == 0x64 && ip[2] == 0xFF && ip[3] == 0x9B && ip[4..<12].allSatisfy({ $0 == 0 }) {
            return isForbiddenIPv4(ip[12], ip[13], ip[14], ip[15])   // 64:ff9b::/96
        }
        if ip[0] & 0xFE == 0xFC { return true }               // fc00::/7
        if ip[0] == 0xFE && ip[1] & 0xC0 == 0x80 { return true }  // fe80::/10
        if ip[0] == 0xFF { return true }                      // ff00::/8
        return false
    }
}
