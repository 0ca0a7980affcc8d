/// Active health-check state of one instance: the verdict, the current streak and recent rounds.
public struct HealthSnapshot: Sendable, Equatable {
    public var verdict: HealthVerdict
    public var consecutiveSuccesses: Int
    public var consecutiveFailures: Int
    /// The last rounds (at most `health_check.history`), oldest first.
    public var history: [HealthCheckResult]

    public init(verdict: HealthVerdict, consecutiveSuccesses: Int = 0, consecutiveFailures: Int = 0,
                history: [HealthCheckResult] = []) {
        self.verdict = verdict
        self.consecutiveSuccesses = consecutiveSuccesses
        self.consecutiveFailures = consecutiveFailures
        self.history = history
    }
}
