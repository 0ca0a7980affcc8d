/// The result of one health-check round of one instance (after its in-round retries).
public struct HealthCheckResult: Sendable, Equatable {
    /// When the round ended.
    public var at: Instant
    /// Whether the instance passed: connected (tcp) or answered an expected status (http).
    public var ok: Bool
    /// How long the last try of the round took.
    public var latency: Duration
    /// Short human text for `/stats`, e.g. `HTTP 200`, `connect refused`, `timeout after 1s`.
    public var detail: String

    public init(at: Instant, ok: Bool, latency: Duration, detail: String) {
        self.at = at
        self.ok = ok
        self.latency = latency
        self.detail = detail
    }
}

/// A change of an instance's health verdict, for the shell to log and react to.
public struct HealthTransition: Sendable, Equatable, CustomStringConvertible {
    public var from: HealthVerdict
    public var to: HealthVerdict
    /// Why, e.g. `3 consecutive checks failed (last: connect refused)`.
    public var reason: String
    public var at: Instant

    public init(from: HealthVerdict, to: HealthVerdict, reason: String, at: Instant) {
        self.from = from
        self.to = to
        self.reason = reason
        self.at = at
    }

    /// E.g. `healthy -> unhealthy: 3 consecutive checks failed (last: HTTP 503)`.
    public var description: String { "\(from.rawValue) -> \(to.rawValue): \(reason)" }
}
