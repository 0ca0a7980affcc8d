/// When the next health check of an instance is due. Pure: randomness comes in as a drawn
/// `UInt64` (or a generator), so tests can script it.
///
/// Jitter spreads checks of many instances (and of several proxies) so they do not hit upstreams
/// in lockstep: each round is scheduled `interval ± jitter × interval` after the previous one ended,
/// and the first round of a new instance at a uniformly random point in `[0, interval)`.
public struct ProbeSchedule: Sendable, Equatable {
    public var interval: Duration
    /// Pause before a retry inside one round (`retry_delay`).
    public var retryDelay: Duration
    /// Fraction of `interval` by which rounds move early or late; clamped to 0...0.5.
    public var jitter: Double

    public init(interval: Duration, retryDelay: Duration = .zero, jitter: Double = 0.1) {
        self.interval = interval
        self.retryDelay = retryDelay
        self.jitter = jitter
    }

    public init(config: HealthCheckConfig, jitter: Double = 0.1) {
        self.init(interval: config.interval, retryDelay: config.retryDelay, jitter: jitter)
    }

    var intervalNanoseconds: UInt64 { UInt64(max(interval.nanoseconds, 1)) }

    /// The first round for an instance that appeared at `start` (startup or reload).
    public func firstCheck(after start: Instant, random: UInt64) -> Instant {
        start + .nanoseconds(Int64(random % intervalNanoseconds))
    }

    /// The next round after one that ended at `roundEnd`. Scheduling from the end of the round means
    /// a slow round (timeouts, retries) never overlaps the next one.
    public func nextCheck(after roundEnd: Instant, random: UInt64) -> Instant {
        let j = jitter.isNaN ? 0 : min(max(jitter, 0), 0.5)
        let spread = UInt64(Double(intervalNanoseconds) * j)
        let offset = Int64(random % (2 * spread + 1)) - Int64(spread)   // -spread ... +spread
        return roundEnd + .nanoseconds(Int64(intervalNanoseconds) + offset)
    }

    /// The next try inside a round whose previous try failed at `failedAt`.
    public func nextRetry(after failedAt: Instant) -> Instant { failedAt + retryDelay }

    /// `firstCheck(after:random:)` drawing from `rng`.
    public func firstCheck(after start: Instant, using rng: inout some RandomNumberGenerator) -> Instant {
        firstCheck(after: start, random: rng.next())
    }

    /// `nextCheck(after:random:)` drawing from `rng`.
    public func nextCheck(after roundEnd: Instant, using rng: inout some RandomNumberGenerator) -> Instant {
        nextCheck(after: roundEnd, random: rng.next())
    }
}
