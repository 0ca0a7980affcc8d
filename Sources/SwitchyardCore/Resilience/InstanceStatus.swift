/// The phase of an instance's circuit breaker, as suppliers and `/stats` see it.
public enum BreakerPhase: String, Sendable, Equatable {
    case closed
    case open
    case halfOpen = "half_open"
}

/// What active health checks last concluded about an instance. `unknown` until the first round
/// ends, or when the service has no `health_check`; `unknown` counts as available.
public enum HealthVerdict: String, Sendable, Equatable {
    case unknown
    case healthy
    case unhealthy
}

/// The read-only view of one instance that suppliers decide on.
public struct InstanceStatus: Sendable, Equatable {
    public var breaker: BreakerPhase
    /// Probes a half-open breaker still admits now; ignored in other phases.
    public var probesAvailable: Int
    public var health: HealthVerdict
    /// When the breaker last left `closed` (meaningful while it is open or half-open); the cooldown
    /// supplier keeps the earliest ejections when `max_ejected` forces it to readmit some.
    public var openedAt: Instant
    /// Added while running to a service with health checks, and not checked yet: takes no traffic.
    public var awaitsFirstCheck: Bool
    public init(breaker: BreakerPhase = .closed, probesAvailable: Int = 0, health: HealthVerdict = .unknown,
                openedAt: Instant = .zero, awaitsFirstCheck: Bool = false) {
        self.awaitsFirstCheck = awaitsFirstCheck
        self.breaker = breaker
        self.probesAvailable = probesAvailable
        self.health = health
        self.openedAt = openedAt
    }
    public static let available = InstanceStatus()
}
