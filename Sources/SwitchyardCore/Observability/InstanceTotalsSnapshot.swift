/// Lifetime counters of one instance: what `/stats` shows as `totals` and `/metrics` as counters.
public struct InstanceTotalsSnapshot: Sendable, Equatable {
    /// Attempts sent to the instance (a retried request counts once per instance tried).
    public var requests: Int
    public var responses2xx: Int
    public var responses3xx: Int
    public var responses4xx: Int
    public var responses5xx: Int
    /// Connects refused, reset or failed.
    public var connectFailures: Int
    /// No full response within `timeouts.response` (or connect timeouts).
    public var timeouts: Int
    /// Malformed upstream responses.
    public var protocolErrors: Int
    /// Upstream TCP connections opened (reuse shows as requests growing faster than this).
    public var connectionsOpened: Int

    public init(requests: Int = 0, responses2xx: Int = 0, responses3xx: Int = 0, responses4xx: Int = 0,
                responses5xx: Int = 0, connectFailures: Int = 0, timeouts: Int = 0, protocolErrors: Int = 0,
                connectionsOpened: Int = 0) {
        self.requests = requests
        self.responses2xx = responses2xx
        self.responses3xx = responses3xx
        self.responses4xx = responses4xx
        self.responses5xx = responses5xx
        self.connectFailures = connectFailures
        self.timeouts = timeouts
        self.protocolErrors = protocolErrors
        self.connectionsOpened = connectionsOpened
    }
}
