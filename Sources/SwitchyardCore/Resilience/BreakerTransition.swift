/// Why a circuit breaker changed phase. `description` is the text for logs and `/dump`.
public enum BreakerReason: Sendable, Equatable, CustomStringConvertible {
    /// closed -> open: over at least `min_requests` calls the error rate reached the threshold.
    case errorRate(rate: Double, threshold: Double, requests: Int)
    /// closed -> open: over at least `min_requests` calls the slow-call rate reached the threshold.
    case slowCallRate(rate: Double, threshold: Double, requests: Int)
    /// closed -> open: this many failures in a row.
    case consecutiveFailures(count: Int)
    /// open -> half-open.
    case cooldownElapsed
    /// half-open -> closed.
    case probeSucceeded
    /// half-open -> open.
    case probeFailed(FailureKind)

    /// E.g. `error rate 62% >= 50% over 24 requests`, `5 consecutive failures`, `probe failed: timeout`.
    public var description: String {
        switch self {
        case let .errorRate(rate, threshold, requests):
            "error rate \(Self.percent(rate)) >= \(Self.percent(threshold)) over \(requests) requests"
        case let .slowCallRate(rate, threshold, requests):
            "slow-call rate \(Self.percent(rate)) >= \(Self.percent(threshold)) over \(requests) requests"
        case let .consecutiveFailures(count):
            "\(count) consecutive failures"
        case .cooldownElapsed:
            "cooldown elapsed"
        case .probeSucceeded:
            "probe succeeded"
        case let .probeFailed(kind):
            "probe failed: \(kind)"
        }
    }

    /// A 0...1 rate as a whole percentage, rounded half up (no libm in the core).
    static func percent(_ rate: Double) -> String {
        let scaled = rate * 100 + 0.5
        return "\(scaled > 0 ? Int(scaled) : 0)%"
    }
}

/// One change of a breaker's phase, returned by `CircuitBreaker.record` and `tick` for the shell
/// to log, count and react to.
public struct BreakerTransition: Sendable, Equatable, CustomStringConvertible {
    public var from: BreakerPhase
    public var to: BreakerPhase
    public var reason: BreakerReason
    public var at: Instant

    public init(from: BreakerPhase, to: BreakerPhase, reason: BreakerReason, at: Instant) {
        self.from = from
        self.to = to
        self.reason = reason
        self.at = at
    }

    /// E.g. `closed -> open: 5 consecutive failures`.
    public var description: String { "\(from.rawValue) -> \(to.rawValue): \(reason)" }
}
