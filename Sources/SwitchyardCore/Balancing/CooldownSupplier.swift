/// `cooldown`: leaves out instances that should not take traffic now, within the `max_ejected` cap.
///
/// An instance is *unavailable* when its breaker is `open`, when health checks say `unhealthy`, or
/// when its breaker is `half_open` and has no probe left (`probesAvailable == 0`). A half-open
/// instance with probes left is admitted so it can be probed.
///
/// `max_ejected` caps how many instances may be left out at once: at most `floor(maxEjected * n)` of
/// the service's `n` instances. The cap has no minimum of one (unlike Envoy's outlier detection):
/// with `n = 1` and the default 50% the only instance is never left out, so a one-instance service
/// keeps sending traffic to it rather than answering 503. When more instances are unavailable than
/// the cap allows, the ones ejected earliest stay out and the most recently ejected are readmitted
/// (they take ordinary traffic, like any admitted instance): an instance that has been failing for
/// longer is the less likely to be fine. Ejection time is `openedAt`; an instance left out by health
/// checks alone (breaker closed) counts as ejected at `Instant.zero`, i.e. before any breaker
/// ejection, because a health verdict already took several failed rounds to reach. Ties go to the
/// lower instance index. The set is empty only when `n == 0`, or `max_ejected` is 100% and every
/// instance is unavailable.
public struct CooldownSupplier: InstanceSupplier, Sendable, Equatable {
    /// The share of instances that may be left out, clamped to `0...1` (NaN counts as 0).
    public let maxEjected: Double

    public init(maxEjected: Double) {
        self.maxEjected = maxEjected >= 0 ? (maxEjected <= 1 ? maxEjected : 1) : 0
    }

    /// Whether `status` lets the instance take traffic, before the cap is applied.
    public static func isAvailable(_ status: InstanceStatus) -> Bool {
        switch status.breaker {
        case .open: return false
        case .halfOpen where status.probesAvailable <= 0: return false
        case .closed, .halfOpen: return status.health != .unhealthy
        }
    }

    /// The largest number of a service's `count` instances this supplier leaves out:
    /// `floor(maxEjected * count)`. A tiny epsilon absorbs binary rounding (0.29 * 100 is
    /// 28.999999999999996 in `Double`, yet 29 is meant).
    public func ejectionCap(instances count: Int) -> Int {
        guard count > 0 else { return 0 }
        return Swift.min(count, Int(maxEjected * Double(count) + 1e-9))
    }

    public func refresh(_ eligible: inout EligibleSet, from statuses: [InstanceStatus]) {
        eligible.removeAll()
        var unavailable = 0
        for s in statuses where !Self.isAvailable(s) { unavailable += 1 }
        let cap = ejectionCap(instances: statuses.count)
        for i in statuses.indices {
            if Self.isAvailable(statuses[i]) || (unavailable > cap && ejectedBefore(i, statuses) >= cap) {
                eligible.append(i)
            }
        }
    }

    /// How many unavailable instances were ejected before instance `i`. Quadratic, but only when the
    /// cap is hit, over a service's handful of instances, and without allocating.
    private func ejectedBefore(_ i: Int, _ statuses: [InstanceStatus]) -> Int {
        let key = Self.ejectedAt(statuses[i])
        var earlier = 0
        for j in statuses.indices where j != i && !Self.isAvailable(statuses[j]) {
            let other = Self.ejectedAt(statuses[j])
            if other < key || (other == key && j < i) { earlier += 1 }
        }
        return earlier
    }

    private static func ejectedAt(_ status: InstanceStatus) -> Instant {
        status.breaker == .closed ? .zero : status.openedAt
    }
}
