/// One service in a `ProxySnapshot`: its configuration summary and its instances' state.
public struct ServiceSnapshot: Sendable, Equatable {
    public var name: String
    /// Path prefixes the service answers.
    public var routes: [String]
    /// The selector's config name (`round_robin`, ...).
    public var balancer: String
    /// The supplier's config name (`static`, `cooldown`).
    public var supplier: String
    /// How many instances the supplier yields now.
    public var eligible: Int
    public var instances: [InstanceSnapshot]
    /// Retries sent to another instance, and retries the retry budget refused, since start.
    public var retries: Int
    public var retriesRefusedByBudget: Int
    /// Error answers the proxy wrote itself for requests routed to this service.
    public var proxyErrors: ProxyErrorCounts
    /// The DNS names the service follows (empty without `discover` entries).
    public var discovery: [DiscoverySnapshot] = []
    /// The batch parts' answer cache; nil without `cache:`.
    public var cache: CacheSnapshot?

    public init(name: String, routes: [String], balancer: String, supplier: String, eligible: Int,
                instances: [InstanceSnapshot], proxyErrors: ProxyErrorCounts = ProxyErrorCounts(), retries: Int = 0,
                retriesRefusedByBudget: Int = 0) {
        self.retries = retries
        self.retriesRefusedByBudget = retriesRefusedByBudget
        self.name = name
        self.routes = routes
        self.balancer = balancer
        self.supplier = supplier
        self.eligible = eligible
        self.instances = instances
        self.proxyErrors = proxyErrors
    }
}
