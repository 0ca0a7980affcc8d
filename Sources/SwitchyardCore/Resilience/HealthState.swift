/// The active-health verdict of one instance, with rise/fall counters and recent results.
///
/// The verdict is `unknown` until the first round; the first round decides directly (no waiting
/// for `healthyAfter` passes at startup). Afterwards a healthy instance goes down after
/// `unhealthyAfter` failed rounds in a row, and an unhealthy one comes back after `healthyAfter`
/// passed rounds in a row (HAProxy's `fall`/`rise`). The last `history` results are kept in a ring
/// whose storage is allocated once, for `/stats`.
public struct HealthState: Sendable {
    /// Passed rounds in a row that bring an unhealthy instance back (at least 1).
    public private(set) var healthyAfter: Int
    /// Failed rounds in a row that take a healthy instance down (at least 1).
    public private(set) var unhealthyAfter: Int
    /// How many results are kept.
    public private(set) var history: Int
    public private(set) var verdict: HealthVerdict = .unknown
    /// Passed rounds since the last failed one.
    public private(set) var consecutiveSuccesses = 0
    /// Failed rounds since the last passed one.
    public private(set) var consecutiveFailures = 0
    /// Ring storage: grows to `history` elements, then the oldest is overwritten at `oldest`.
    var ring: [HealthCheckResult] = []
    var oldest = 0

    public init(healthyAfter: Int, unhealthyAfter: Int, history: Int) {
        self.healthyAfter = max(healthyAfter, 1)
        self.unhealthyAfter = max(unhealthyAfter, 1)
        self.history = max(history, 0)
        ring.reserveCapacity(self.history)
    }

    /// Records one round and applies the rise/fall rules.
    /// - Returns: the transition, if the verdict changed.
    public mutating func record(_ result: HealthCheckResult) -> HealthTransition? {
        remember(result)
        if result.ok {
            consecutiveSuccesses += 1
            consecutiveFailures = 0
        } else {
            consecutiveFailures += 1
            consecutiveSuccesses = 0
        }
        let to: HealthVerdict
        let reason: String
        switch verdict {
        case .unknown:
            to = result.ok ? .healthy : .unhealthy
            reason = result.ok ? "first check passed (\(result.detail))" : "first check failed (\(result.detail))"
        case .healthy:
            guard !result.ok, consecutiveFailures >= unhealthyAfter else { return nil }
            to = .unhealthy
            reason = "\(consecutiveFailures) consecutive checks failed (last: \(result.detail))"
        case .unhealthy:
            guard result.ok, consecutiveSuccesses >= healthyAfter else { return nil }
            to = .healthy
            reason = "\(consecutiveSuccesses) consecutive checks passed (last: \(result.detail))"
        }
        let transition = HealthTransition(from: verdict, to: to, reason: reason, at: result.at)
        verdict = to
        return transition
    }

    func indexOfRecent(_ n: Int) -> Int { (oldest + n) % ring.count }

    mutating func remember(_ result: HealthCheckResult) {
        guard history > 0 else { return }
        if ring.count < history {
            ring.append(result)
        } else {
            ring[oldest] = result
            oldest = (oldest + 1) % history
        }
    }

    /// The most recent result, if any.
    public var lastResult: HealthCheckResult? {
        ring.isEmpty ? nil : ring[indexOfRecent(ring.count - 1)]
    }

    /// The kept results, oldest first (allocates: for `/stats` and `/dump`).
    public var recentResults: [HealthCheckResult] {
        var out: [HealthCheckResult] = []
        out.reserveCapacity(ring.count)
        forEachRecent { out.append($0) }
        return out
    }

    /// Calls `body` with each kept result, oldest first, without copying the ring.
    public func forEachRecent(_ body: (HealthCheckResult) -> Void) {
        for n in 0..<ring.count { body(ring[indexOfRecent(n)]) }
    }

    /// Applies reloaded thresholds, keeping the verdict, the counters and the newest results that
    /// fit the new `history`. A verdict the new thresholds would already flip changes at the next round.
    public mutating func reconfigure(healthyAfter: Int, unhealthyAfter: Int, history: Int) {
        self.healthyAfter = max(healthyAfter, 1)
        self.unhealthyAfter = max(unhealthyAfter, 1)
        let newHistory = max(history, 0)
        guard newHistory != self.history else { return }
        let kept = recentResults.suffix(newHistory)
        self.history = newHistory
        ring = []
        ring.reserveCapacity(newHistory)
        ring.append(contentsOf: kept)
        oldest = 0
    }
}
