/// A resource record TYPE (RFC 1035 section 3.2.2): an open set of 16-bit codes, with names for
/// those discovery uses. Unknown types print as `TYPE<n>` (RFC 3597 section 5).
public struct DNSRecordType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    /// An IPv4 address (RFC 1035 section 3.4.1).
    public static let a = DNSRecordType(rawValue: 1)
    public static let ns = DNSRecordType(rawValue: 2)
    /// An alias (RFC 1035 section 3.3.1); the answer continues at its target.
    public static let cname = DNSRecordType(rawValue: 5)
    /// The zone's start of authority; in a negative answer it carries the negative TTL (RFC 2308).
    public static let soa = DNSRecordType(rawValue: 6)
    public static let txt = DNSRecordType(rawValue: 16)
    /// An IPv6 address (RFC 3596 section 2.1).
    public static let aaaa = DNSRecordType(rawValue: 28)
    /// A service location: priority, weight, port and target (RFC 2782).
    public static let srv = DNSRecordType(rawValue: 33)
    /// The EDNS0 pseudo-record (RFC 6891 section 6.1).
    public static let opt = DNSRecordType(rawValue: 41)

    public var description: String {
        switch self {
        case .a: return "A"
        case .ns: return "NS"
        case .cname: return "CNAME"
        case .soa: return "SOA"
        case .txt: return "TXT"
        case .aaaa: return "AAAA"
        case .srv: return "SRV"
        case .opt: return "OPT"
        default: return "TYPE\(rawValue)"
        }
    }
}
