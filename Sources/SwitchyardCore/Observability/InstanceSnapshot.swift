/// One upstream instance in a `ProxySnapshot`: breaker, window, totals, latency and health.
public struct InstanceSnapshot: Sendable, Equatable {
    /// The instance's identity, `http://host:port[/base]`.
    public var url: String
    /// The summary state SPEC section 6 names: `healthy`, `unhealthy` (health checks say down),
    /// `open` or `half_open` (the breaker's phase wins over health when not closed).
    public var state: String
    public var breaker: BreakerPhase
    /// How many times the breaker opened since start.
    public var trips: Int
    /// When an open breaker lets probes through again; nil unless open.
    public var openUntil: Instant?
    /// The breaker's sliding window at the snapshot.
    public var window: WindowSnapshot
    /// Requests sent to the instance and not finished yet, over every worker.
    public var inFlight: Int
    /// Counters since start (or since the instance was first configured).
    public var totals: InstanceTotalsSnapshot
    /// Every upstream latency since start (for the Prometheus histogram and lifetime percentiles).
    public var latency: LatencyHistogram
    /// Active health checking; nil when the service has no `health_check`.
    public var health: HealthSnapshot?

    public init(url: String, state: String, breaker: BreakerPhase = .closed, trips: Int = 0, openUntil: Instant? = nil,
                window: WindowSnapshot = WindowSnapshot(), inFlight: Int = 0,
                totals: InstanceTotalsSnapshot = InstanceTotalsSnapshot(), latency: LatencyHistogram = LatencyHistogram(),
                health: HealthSnapshot? = nil) {
        self.url = url
        self.state = state
        self.breaker = breaker
        self.trips = trips
        self.openUntil = openUntil
        self.window = window
        self.inFlight = inFlight
        self.totals = totals
        self.latency = latency
        self.health = health
    }
}
