/// Turns a service's eligible-instance count into `service_unavailable` / `service_available`
/// events: one event per change, none while the state stays (SPEC section 9).
public struct ServiceAvailability: Sendable, Equatable {
    private var available: [String: Bool] = [:]

    public init() {}

    /// Records that `service` has `eligible` instances now; the event kind when that changed whether
    /// it can take traffic. A service seen for the first time produces an event only when it has none.
    public mutating func update(service: String, eligible: Int) -> ReactionEvent.Kind? {
        let now = eligible > 0
        let before = available.updateValue(now, forKey: service)
        switch (before, now) {
        case (nil, false), (true?, false): return .serviceUnavailable
        case (false?, true): return .serviceAvailable
        default: return nil
        }
    }
}
