/// Call outcomes of one instance over the last `window`, kept in a ring of `buckets` time buckets.
///
/// Bucket `i` covers the time slice `[e * width, (e + 1) * width)` for some epoch `e` with
/// `e % buckets == i`, where `width = window / buckets`. A bucket whose epoch is older than the
/// current slice is stale; it is cleared when a record lands on it, and ignored by readers, so
/// nothing needs a timer. The window thus covers between `window - width` and `window` of history.
/// Recording is O(1) amortised (plus one pass over the ring when a record opens a new time slice)
/// and never allocates (the ring is allocated once, in `init`).
public struct SlidingWindow: Sendable {
    struct Bucket: Sendable {
        var epoch: UInt64 = .max          // .max: never used
        var requests = 0
        var errors = 0
        var connectErrors = 0
        var timeouts = 0
        var status5xx = 0
        var protocolErrors = 0
        var slowCalls = 0
        var latency = LatencyHistogram()
    }

    /// The span the window covers.
    public let window: Duration
    /// The number of time buckets.
    public let buckets: Int
    /// `window / buckets` in nanoseconds, at least 1.
    let width: UInt64
    var ring: [Bucket]
    /// The counts of the buckets live in the window ending at epoch `totalsEpoch`, kept current by
    /// `record`: `counts(at:)`, which the breaker reads after every call, then need not sum the
    /// ring. Re-summed only when a record opens a later epoch (once per bucket width at most).
    var totals = WindowSnapshot()
    var totalsEpoch: UInt64 = 0

    /// - Parameters:
    ///   - window: the span of history kept; at least 1 ns.
    ///   - buckets: how many slices it is cut into (at least 1); more buckets expire old calls more
    ///     smoothly at the cost of memory (each holds a ~1.9 KB histogram).
    public init(window: Duration, buckets: Int) {
        let n = max(buckets, 1)
        self.window = window
        self.buckets = n
        self.width = max(UInt64(max(window.nanoseconds, 1)) / UInt64(n), 1)
        self.ring = Array(repeating: Bucket(), count: n)
    }

    func epoch(of t: Instant) -> UInt64 { t.nanoseconds / width }

    /// Counts one call that ended at `now`. A record older than the window (it would land on a
    /// bucket already reused for a later slice) is dropped.
    /// - Parameter slow: the call took longer than the caller's slow-call threshold.
    public mutating func record(_ outcome: CallOutcome, latency: Duration, slow: Bool, at now: Instant) {
        record(outcome, latencyNanoseconds: latency.nanoseconds, slow: slow, at: now)
    }

    /// The same with the latency in nanoseconds (the per-request form, no `Duration` arithmetic).
    public mutating func record(_ outcome: CallOutcome, latencyNanoseconds latency: Int64, slow: Bool, at now: Instant) {
        let e = epoch(of: now)
        let i = Int(e % UInt64(buckets))
        if ring[i].epoch != e {
            if ring[i].epoch != .max && ring[i].epoch > e { return }
            ring[i].epoch = e
            ring[i].requests = 0
            ring[i].errors = 0
            ring[i].connectErrors = 0
            ring[i].timeouts = 0
            ring[i].status5xx = 0
            ring[i].protocolErrors = 0
            ring[i].slowCalls = 0
            ring[i].latency.reset()
        }
        ring[i].requests += 1
        if slow { ring[i].slowCalls += 1 }
        if case .failure(let kind) = outcome {
            ring[i].errors += 1
            switch kind {
            case .connect: ring[i].connectErrors += 1
            case .timeout: ring[i].timeouts += 1
            case .status5xx: ring[i].status5xx += 1
            case .protocolError: ring[i].protocolErrors += 1
            }
        }
        ring[i].latency.record(nanoseconds: latency)

        if e > totalsEpoch {
            // A later slice: buckets may have left the window.
            totalsEpoch = e
            totals = sum(current: e)
        } else if totalsEpoch - e < UInt64(buckets) {
            // Bucket i is live at `totalsEpoch`. (Had it been reset just now, its old slice lay a
            // whole ring before `e`, so outside that window and not in `totals`.)
            totals.requests += 1
            if slow { totals.slowCalls += 1 }
            if case .failure(let kind) = outcome {
                totals.errors += 1
                switch kind {
                case .connect: totals.connectErrors += 1
                case .timeout: totals.timeouts += 1
                case .status5xx: totals.status5xx += 1
                case .protocolError: totals.protocolErrors += 1
                }
            }
        }
    }

    /// Whether bucket `b` belongs to the window ending at epoch `current`.
    func isLive(_ i: Int, current: UInt64) -> Bool {
        let e = ring[i].epoch
        return e != .max && e <= current && current - e < UInt64(buckets)
    }

    /// The counts over the window ending at `now`, without latency percentiles (p50/p90/p99 are
    /// zero). Cheap: what the breaker reads after every call.
    public func counts(at now: Instant) -> WindowSnapshot {
        let current = epoch(of: now)
        return current == totalsEpoch ? totals : sum(current: current)
    }

    /// Sums the counts of the buckets live in the window ending at epoch `current`.
    func sum(current: UInt64) -> WindowSnapshot {
        var s = WindowSnapshot()
        // By index: iterating the elements would copy each bucket's histogram.
        for i in 0..<ring.count where isLive(i, current: current) {
            s.requests += ring[i].requests
            s.errors += ring[i].errors
            s.connectErrors += ring[i].connectErrors
            s.timeouts += ring[i].timeouts
            s.status5xx += ring[i].status5xx
            s.protocolErrors += ring[i].protocolErrors
            s.slowCalls += ring[i].slowCalls
        }
        return s
    }

    /// The latencies of every call in the window ending at `now`, merged.
    public func latency(at now: Instant) -> LatencyHistogram {
        let current = epoch(of: now)
        var h = LatencyHistogram()
        for i in 0..<ring.count where isLive(i, current: current) { h.merge(ring[i].latency) }
        return h
    }

    /// Counts and latency percentiles over the window ending at `now`. Merges the bucket
    /// histograms: meant for `/stats`, not for every call.
    public func snapshot(at now: Instant) -> WindowSnapshot {
        var s = counts(at: now)
        let h = latency(at: now)
        s.p50 = h.percentile(0.5)
        s.p90 = h.percentile(0.9)
        s.p99 = h.percentile(0.99)
        return s
    }

    /// Forgets every call (the breaker does this when it closes).
    public mutating func reset() {
        for i in 0..<ring.count { ring[i].epoch = .max }
        totals = WindowSnapshot()
    }
}
