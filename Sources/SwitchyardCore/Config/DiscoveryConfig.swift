/// One DNS name a service follows for its instances (SPEC section 10): an entry of `instances`
/// written as `- discover: {...}` beside (or instead of) static URLs.
///
/// `a` makes every A and AAAA address of `name` an instance on `port`; `srv` makes every SRV target
/// an instance on the record's port, with the record's weight, and its priority mapped onto the
/// `priority` selector's tiers (the lowest SRV priority value is the primary tier, at `priority`;
/// each further SRV priority value is one tier lower). Instances are named
/// `http://<address>:<port><base_path>` (the URL is their identity, as for static instances).
public struct DiscoveryConfig: Sendable, Equatable, Hashable {
    public enum RecordType: String, Sendable, CaseIterable {
        /// A and AAAA records of the name.
        case a
        /// SRV records (RFC 2782), e.g. `_orders._tcp.service.consul` or `orders.service.consul`.
        case srv
    }

    public var name: String
    public var type: RecordType
    /// The instances' port for `a`; nil for `srv` (each record has its own).
    public var port: UInt16?
    /// DNS servers (`host:port`, IP literals). Empty: the `nameserver` lines of /etc/resolv.conf.
    public var resolvers: [ListenAddress]
    /// The longest time between two lookups (the ceiling on a record's TTL).
    public var interval: Duration
    /// The shortest time between two lookups (the floor on a record's TTL; Consul's default TTL is 0).
    public var minInterval: Duration
    /// How long instances stay after an empty answer or NXDOMAIN (a failed lookup never removes them).
    public var hold: Duration
    /// How long one query waits for its answer before the next resolver is asked.
    public var timeout: Duration
    /// The priority of the instances (`a`) or of the primary SRV tier (`srv`).
    public var priority: Int
    /// The weight of each instance for `a` (SRV records carry their own).
    public var weight: Int
    /// Prepended to request paths, as an instance URL's path is.
    public var basePath: String

    public init(name: String, type: RecordType, port: UInt16? = nil, resolvers: [ListenAddress] = [],
                interval: Duration = .seconds(5), minInterval: Duration = .seconds(1), hold: Duration = .seconds(30),
                timeout: Duration = .seconds(2), priority: Int = 2, weight: Int = 1, basePath: String = "") {
        self.name = name
        self.type = type
        self.port = port
        self.resolvers = resolvers
        self.interval = interval
        self.minInterval = minInterval
        self.hold = hold
        self.timeout = timeout
        self.priority = priority
        self.weight = weight
        self.basePath = basePath
    }

    /// `srv orders.service.consul` or `a orders.internal:8080`, for logs and the admin API.
    public var label: String {
        switch type {
        case .a: "a \(name):\(port ?? 0)"
        case .srv: "srv \(name)"
        }
    }
}
