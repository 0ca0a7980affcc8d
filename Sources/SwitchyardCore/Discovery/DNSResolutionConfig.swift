/// What one `DNSResolution` follows and how often it asks. Durations are wall-clock spans on the
/// shell's monotonic clock; the defaults suit Consul (TTL 0 unless configured) and Kubernetes
/// (CoreDNS answers with TTL 5 to 30 s).
public struct DNSResolutionConfig: Sendable, Equatable {
    /// The name asked: `web.service.consul`, `_http._tcp.web.default.svc.cluster.local`.
    public var name: DNSName
    public var lookup: DNSLookup
    /// Asked in turn: the one that last answered first, the next after a failure. Never empty in a
    /// valid config (with none, every round fails with a `lastError`).
    public var resolvers: [DNSResolverAddress]
    /// The ceiling: the set is asked for again at least this often, whatever the TTL. Default 30 s.
    public var interval: Duration
    /// The floor: rounds start at least this long after the previous one ended, so TTL 0 never makes
    /// a busy loop. Wins over `interval` if larger. Default 1 s.
    public var ttlFloor: Duration
    /// Each wait is shortened by a random fraction in `0...jitter` of itself (clamped to 0...0.5), so
    /// proxies started together drift apart; never below `ttlFloor`. Default 0.1.
    public var jitter: Double
    /// How long the endpoints survive empty answers (NXDOMAIN, no records): they are removed by the
    /// first empty answer at least `hold` after the last non-empty one. Failures never remove them.
    /// Default 30 s.
    public var hold: Duration
    /// How long one query waits for its answer before the next resolver is asked. Default 2 s.
    public var queryTimeout: Duration
    /// The wait after a round in which every resolver failed; doubled after each further failed
    /// round, up to `interval`. Default 1 s.
    public var initialBackoff: Duration
    /// Whether queries carry the EDNS0 OPT record (1232-byte UDP payload). Default true.
    public var advertisesEDNS: Bool

    public init(name: DNSName, lookup: DNSLookup, resolvers: [DNSResolverAddress], interval: Duration = .seconds(30),
                ttlFloor: Duration = .seconds(1), jitter: Double = 0.1, hold: Duration = .seconds(30),
                queryTimeout: Duration = .seconds(2), initialBackoff: Duration = .seconds(1),
                advertisesEDNS: Bool = true) {
        self.name = name
        self.lookup = lookup
        self.resolvers = resolvers
        self.interval = interval
        self.ttlFloor = ttlFloor
        self.jitter = jitter
        self.hold = hold
        self.queryTimeout = queryTimeout
        self.initialBackoff = initialBackoff
        self.advertisesEDNS = advertisesEDNS
    }
}

/// Which records make the endpoint set.
public enum DNSLookup: Sendable, Equatable {
    /// A and/or AAAA records of the name (a Consul service name, a Kubernetes headless Service):
    /// every address with `port`, priority 0, weight 1. With both families, one round asks A, then
    /// AAAA, and the set is the union.
    case a(port: UInt16, families: DNSAddressFamilies = .ipv4AndIPv6)
    /// SRV records (RFC 2782), each target's addresses taken from the same answer.
    case srv

    /// The questions of one round, in order.
    public var recordTypes: [DNSRecordType] {
        switch self {
        case .a(_, .ipv4): return [.a]
        case .a(_, .ipv6): return [.aaaa]
        case .a(_, .ipv4AndIPv6): return [.a, .aaaa]
        case .srv: return [.srv]
        }
    }
}

public enum DNSAddressFamilies: Sendable, Equatable {
    case ipv4, ipv6, ipv4AndIPv6
}

/// A resolver to ask: an IP address and a port (Consul's DNS interface listens on 8600).
public struct DNSResolverAddress: Hashable, Sendable, CustomStringConvertible {
    public var address: IPAddress
    public var port: UInt16

    public init(address: IPAddress, port: UInt16 = 53) {
        self.address = address
        self.port = port
    }

    /// `127.0.0.1:8600`, `[fd00::53]:53`, or an address alone for port 53. The host must be an IP
    /// address: resolving the resolver would need a resolver.
    public init(_ text: String) throws(ConfigValueError) {
        let (host, port) = try AddressParser.hostAndPort(text, defaultPort: 53,
                                                         what: "a resolver address like `127.0.0.1:8600`")
        guard let address = IPAddress(host) else {
            throw ConfigValueError("resolver `\(text)` must be an IP address (e.g. `127.0.0.1:8600`, `[::1]:53`)")
        }
        guard port != 0 else { throw ConfigValueError("resolver `\(text)`: port 0 is not a valid port") }
        self.init(address: address, port: port)
    }

    public var description: String { address.text(withPort: port) }
}
