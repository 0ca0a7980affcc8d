/// The circuit breaker of one instance: closed -> open -> half-open -> closed.
///
/// - closed: every call is recorded in the sliding window. It trips (to open) when, over at least
///   `minRequests` calls in the window, the error rate reaches `errorRate` or the slow-call rate
///   reaches `slowCallRate` (a rate threshold of 0 disables that rule), or when `consecutiveFailures`
///   (> 0) calls failed in a row.
/// - open: no traffic for the current cooldown: `cooldown` after a trip from closed, doubled on each
///   trip from half-open, capped at `maxCooldown`, back to `cooldown` once the breaker closes.
///   `tick(at:)` moves it to half-open when the cooldown is over.
/// - half-open: admits `halfOpenRequests` probes (`acquireProbe`). It closes once that many probes
///   have all succeeded (with the default of 1, the first success); any probe failure reopens it.
///   Closing clears the window so that old failures do not trip it again at once.
///
/// Outcomes of ordinary (non-probe) calls that end while the breaker is open or half-open, e.g. calls
/// that started before it tripped, are recorded in the window but never change the phase.
/// A slow probe that succeeded counts as a success. Pure: the caller passes the time.
public struct CircuitBreaker: Sendable {
    public private(set) var config: CircuitBreakerConfig
    public private(set) var phase: BreakerPhase = .closed
    /// How many times the breaker opened (from closed or from half-open).
    public private(set) var trips = 0
    /// When the current open phase ends; nil unless open.
    public private(set) var openUntil: Instant?
    /// When the breaker last left closed.
    public private(set) var openedAt: Instant = .zero
    /// The cooldown the next (or current) open phase lasts.
    public private(set) var currentCooldown: Duration
    /// Failures in a row while closed.
    public private(set) var consecutiveFailures = 0
    /// The calls recorded over the last `config.window`, for the trip rules and `/stats`.
    public private(set) var window: SlidingWindow
    /// Probes admitted in this half-open phase and not released (finished or still running).
    var probesAdmitted = 0
    /// Admitted probes whose outcome is still unknown.
    var probesInFlight = 0
    var probeSuccesses = 0
    /// When the current (or last) open phase began.
    var openStartedAt: Instant = .zero

    /// `config.slowCall` in nanoseconds: compared on every record without `Duration` arithmetic.
    var slowCallNanoseconds: Int64

    public init(config: CircuitBreakerConfig) {
        self.config = config
        self.currentCooldown = config.cooldown
        self.window = SlidingWindow(window: config.window, buckets: config.buckets)
        self.slowCallNanoseconds = config.slowCall.nanoseconds
    }

    var probeQuota: Int { max(config.halfOpenRequests, 1) }

    /// Records the outcome of a call that ended at `now` and applies the trip and probe rules.
    /// - Parameters:
    ///   - latency: how long the call took; above `slowCall` it counts as slow.
    ///   - isProbe: the call was admitted by `acquireProbe`. A probe outcome arriving after its
    ///     half-open phase ended (another probe already decided) is counted as an ordinary call.
    /// - Returns: the transition, if the phase changed.
    public mutating func record(_ outcome: CallOutcome, latency: Duration, isProbe: Bool,
                                at now: Instant) -> BreakerTransition? {
        record(outcome, latencyNanoseconds: latency.nanoseconds, isProbe: isProbe, at: now)
    }

    /// `record(_:latency:isProbe:at:)` with the latency in nanoseconds: the proxy's per-request form
    /// (`Duration` arithmetic goes through 128-bit multiplications and divisions).
    public mutating func record(_ outcome: CallOutcome, latencyNanoseconds latency: Int64, isProbe: Bool,
                                at now: Instant) -> BreakerTransition? {
        window.record(outcome, latencyNanoseconds: latency, slow: latency > slowCallNanoseconds, at: now)
        switch phase {
        case .closed:
            if outcome.isFailure { consecutiveFailures += 1 } else { consecutiveFailures = 0 }
            // The window's running totals when they are current (the usual case); read field by
            // field, as `window.counts(at:)` here made a copy of the whole window.
            let counts = window.epoch(of: now) == window.totalsEpoch ? window.totals : window.counts(at: now)
            guard let reason = tripReason(counts) else { return nil }
            return open(from: .closed, reason: reason, at: now)
        case .halfOpen:
            guard isProbe, probesInFlight > 0 else { return nil }
            probesInFlight -= 1
            switch outcome {
            case .failure(let kind):
                currentCooldown = min(currentCooldown * 2, maxCooldown)
                return open(from: .halfOpen, reason: .probeFailed(kind), at: now)
            case .success:
                probeSuccesses += 1
                guard probeSuccesses >= probeQuota else { return nil }
                return close(at: now)
            }
        case .open:
            return nil
        }
    }

    /// Moves an open breaker whose cooldown is over to half-open. The shell calls it before it reads
    /// `status(at:)` or asks for a probe (each loop turn, or from a timer at `openUntil`).
    public mutating func tick(at now: Instant) -> BreakerTransition? {
        guard phase == .open, let until = openUntil, now >= until else { return nil }
        phase = .halfOpen
        openUntil = nil
        resetProbes()
        return BreakerTransition(from: .open, to: .halfOpen, reason: .cooldownElapsed, at: now)
    }

    /// Admits one probe if the breaker is half-open and its quota is not used up. Does not move an
    /// open breaker to half-open: `tick(at:)` does.
    public mutating func acquireProbe(at now: Instant) -> Bool {
        guard phase == .halfOpen, probesAdmitted < probeQuota else { return false }
        probesAdmitted += 1
        probesInFlight += 1
        return true
    }

    /// Gives back a probe that ended without an outcome (the request was cancelled or the client went
    /// away before the instance was tried), so another request can probe.
    public mutating func releaseProbe() {
        guard phase == .halfOpen, probesInFlight > 0 else { return }
        probesInFlight -= 1
        probesAdmitted -= 1
    }

    /// The breaker's side of the instance status; `health` is left `.unknown` for the shell to fill.
    /// Reflects the stored phase: call `tick(at:)` first.
    public func status(at now: Instant) -> InstanceStatus {
        InstanceStatus(breaker: phase,
                       probesAvailable: phase == .halfOpen ? max(probeQuota - probesAdmitted, 0) : 0,
                       health: .unknown, openedAt: openedAt)
    }

    /// Applies a reloaded config, keeping phase, trips and counters. A different window or bucket
    /// count starts an empty window. The cooldown is clamped to the new bounds, and a running open
    /// phase is shortened if the new `maxCooldown` ends it earlier.
    public mutating func reconfigure(_ new: CircuitBreakerConfig) {
        if new.window != config.window || new.buckets != config.buckets {
            window = SlidingWindow(window: new.window, buckets: new.buckets)
        }
        config = new
        slowCallNanoseconds = new.slowCall.nanoseconds
        currentCooldown = phase == .closed ? new.cooldown : min(max(currentCooldown, new.cooldown), maxCooldown)
        if let until = openUntil { openUntil = min(until, openStartedAt + currentCooldown) }
    }

    /// `maxCooldown`, but never below `cooldown`.
    var maxCooldown: Duration { max(config.maxCooldown, config.cooldown) }

    /// The first trip rule that holds for the window's `counts` now, if any.
    @inline(__always)
    func tripReason(_ counts: WindowSnapshot) -> BreakerReason? {
        if counts.requests >= max(config.minRequests, 1) {
            if config.errorRate > 0, counts.errorRate >= config.errorRate {
                return .errorRate(rate: counts.errorRate, threshold: config.errorRate, requests: counts.requests)
            }
            if config.slowCallRate > 0, counts.slowCallRate >= config.slowCallRate {
                return .slowCallRate(rate: counts.slowCallRate, threshold: config.slowCallRate,
                                     requests: counts.requests)
            }
        }
        if config.consecutiveFailures > 0, consecutiveFailures >= config.consecutiveFailures {
            return .consecutiveFailures(count: consecutiveFailures)
        }
        return nil
    }

    mutating func open(from: BreakerPhase, reason: BreakerReason, at now: Instant) -> BreakerTransition {
        phase = .open
        trips += 1
        if from == .closed { openedAt = now }
        openStartedAt = now
        openUntil = now + currentCooldown
        consecutiveFailures = 0
        resetProbes()
        return BreakerTransition(from: from, to: .open, reason: reason, at: now)
    }

    mutating func close(at now: Instant) -> BreakerTransition {
        phase = .closed
        openUntil = nil
        currentCooldown = config.cooldown
        consecutiveFailures = 0
        window.reset()
        resetProbes()
        return BreakerTransition(from: .halfOpen, to: .closed, reason: .probeSucceeded, at: now)
    }

    mutating func resetProbes() {
        probesAdmitted = 0
        probesInFlight = 0
        probeSuccesses = 0
    }
}
