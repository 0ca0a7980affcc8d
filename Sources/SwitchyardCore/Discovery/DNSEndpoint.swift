/// One address a resolution found: where to connect, and the SRV preferences that came with it.
///
/// For an `.a` lookup every address gets the configured port, priority 0 and weight 1. For `.srv`,
/// each address of a target gets that SRV record's port, priority and weight (RFC 2782: lower
/// priority first; weight is the relative share within a priority, 0 meaning "only if nothing else").
public struct DNSEndpoint: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var address: IPAddress
    public var port: UInt16
    public var priority: UInt16
    public var weight: UInt16

    public init(address: IPAddress, port: UInt16, priority: UInt16 = 0, weight: UInt16 = 1) {
        self.address = address
        self.port = port
        self.priority = priority
        self.weight = weight
    }

    /// By priority, then address, then port, then the heavier first.
    public static func < (a: DNSEndpoint, b: DNSEndpoint) -> Bool {
        if a.priority != b.priority { return a.priority < b.priority }
        if a.address != b.address { return a.address < b.address }
        if a.port != b.port { return a.port < b.port }
        return a.weight > b.weight
    }

    /// `10.0.0.1:8080`, `[fd00::1]:8080`: the form `AddressParser` and the shell's socket addresses read.
    public var description: String {
        address.text(withPort: port)
    }

    /// `endpoints` sorted, with one entry per address and port: the first in sort order, so the lowest
    /// priority and, within it, the highest weight.
    public static func normalized(_ endpoints: [DNSEndpoint]) -> [DNSEndpoint] {
        struct Place: Hashable { var address: IPAddress; var port: UInt16 }
        var seen = Set<Place>()
        return endpoints.sorted().filter { seen.insert(Place(address: $0.address, port: $0.port)).inserted }
    }
}
