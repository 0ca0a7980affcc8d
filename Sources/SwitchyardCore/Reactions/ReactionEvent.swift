/// A state change reactions can act on (SPEC section 9).
public struct ReactionEvent: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        /// The instance's health verdict went unhealthy.
        case instanceDown = "instance_down"
        /// The instance's health verdict came back healthy.
        case instanceUp = "instance_up"
        case breakerOpen = "breaker_open"
        case breakerClosed = "breaker_closed"
        /// The service's supplier yields no instance: requests get 503.
        case serviceUnavailable = "service_unavailable"
        /// The service has an available instance again.
        case serviceAvailable = "service_available"

        /// The kind that ends a streak of this one (instance_up ends instance_down's, and so on).
        public var opposite: Kind {
            switch self {
            case .instanceDown: .instanceUp
            case .instanceUp: .instanceDown
            case .breakerOpen: .breakerClosed
            case .breakerClosed: .breakerOpen
            case .serviceUnavailable: .serviceAvailable
            case .serviceAvailable: .serviceUnavailable
            }
        }
    }

    /// How many instances of the service are in each state when the event happens.
    public struct StateCounts: Sendable, Equatable {
        public var healthy: Int
        public var unhealthy: Int
        public var open: Int
        public var halfOpen: Int
        public init(healthy: Int = 0, unhealthy: Int = 0, open: Int = 0, halfOpen: Int = 0) {
            self.healthy = healthy
            self.unhealthy = unhealthy
            self.open = open
            self.halfOpen = halfOpen
        }
    }

    public var kind: Kind
    public var service: String
    /// The instance URL; nil for service events.
    public var instance: String?
    /// The breaker's or the health check's reason, with its figures.
    public var reason: String
    /// Wall-clock time, Unix milliseconds.
    public var timeUnixMs: Int
    public var counts: StateCounts

    public init(kind: Kind, service: String, instance: String?, reason: String, timeUnixMs: Int, counts: StateCounts) {
        self.kind = kind
        self.service = service
        self.instance = instance
        self.reason = reason
        self.timeUnixMs = timeUnixMs
        self.counts = counts
    }

    /// What the event is about: the instance URL, or the service for service events. Streaks and
    /// `every` are counted per subject, so one flapping instance does not silence another. An
    /// instance's subject names its service too: a URL listed by two services yields one event per
    /// service for one transition, and a global reaction must not count them as two in a row.
    public var subject: String { instance.map { "\(service) \($0)" } ?? service }
}
