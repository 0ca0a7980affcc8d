/// A log-linear latency histogram with fixed inline storage: recording never allocates.
///
/// Bins are in microseconds. Values below 16 µs get one bin per microsecond; above, every power of
/// two `[2^k, 2^(k+1))` is split into 16 equal sub-bins, so a bin is at most 1/16 of its lower edge
/// wide and a percentile read from a bin's midpoint is within 1/32 (~3.1%) of the true value.
/// The top bin ends at 2^32 µs (~71 minutes); larger values are counted there.
/// `percentile` is also clamped to the smallest and largest value recorded.
public struct LatencyHistogram: Sendable, Equatable {
    /// Sub-bins per power of two, as a shift: 16 sub-bins.
    static let subBits = 4
    static let subCount = 1 << subBits
    /// Powers of two covered above the linear region: `2^4 ... 2^32` µs.
    static let topBits = 32
    /// 16 linear bins + 16 sub-bins for each of 28 octaves.
    public static let binCount = 16 + (32 - 4) * 16

    var bins = InlineArray<464, UInt32>(repeating: 0)
    /// Number of values recorded.
    public private(set) var count: UInt64 = 0
    /// Sum of the recorded values, in nanoseconds (saturating).
    public private(set) var sumNanoseconds: UInt64 = 0
    var minNanoseconds: UInt64 = .max
    var maxNanoseconds: UInt64 = 0

    public init() {}

    /// Sum of the recorded values.
    public var sum: Duration { .nanoseconds(Int64(clamping: sumNanoseconds)) }

    /// The bin a value falls in.
    static func binIndex(nanoseconds: UInt64) -> Int {
        let micros = nanoseconds / 1_000
        if micros < UInt64(subCount) { return Int(micros) }
        let k = UInt64.bitWidth - 1 - micros.leadingZeroBitCount   // floor(log2), >= 4
        if k >= topBits { return binCount - 1 }
        let sub = Int((micros >> UInt64(k - subBits)) & UInt64(subCount - 1))
        return subCount + (k - subBits) * subCount + sub
    }

    /// The lower edge of bin `index`, in microseconds (inclusive).
    static func lowerEdgeMicros(_ index: Int) -> UInt64 {
        if index < subCount { return UInt64(index) }
        let octave = (index - subCount) / subCount + subBits   // k
        let sub = (index - subCount) % subCount
        return (UInt64(1) << UInt64(octave)) + UInt64(sub) << UInt64(octave - subBits)
    }

    /// The width of bin `index`, in microseconds.
    static func widthMicros(_ index: Int) -> UInt64 {
        if index < subCount { return 1 }
        let octave = (index - subCount) / subCount + subBits
        return UInt64(1) << UInt64(octave - subBits)
    }

    /// Counts one value. Negative durations count as zero.
    public mutating func record(nanoseconds: Int64) {
        let v = UInt64(max(nanoseconds, 0))
        bins[Self.binIndex(nanoseconds: v)] &+= 1
        count &+= 1
        let (s, o) = sumNanoseconds.addingReportingOverflow(v)
        sumNanoseconds = o ? .max : s
        if v < minNanoseconds { minNanoseconds = v }
        if v > maxNanoseconds { maxNanoseconds = v }
    }

    /// Counts one duration.
    public mutating func record(_ latency: Duration) {
        record(nanoseconds: latency.nanoseconds)
    }

    /// Adds every value of `other` to this histogram.
    public mutating func merge(_ other: LatencyHistogram) {
        guard other.count > 0 else { return }
        for i in 0..<Self.binCount { bins[i] &+= other.bins[i] }
        count &+= other.count
        let (s, o) = sumNanoseconds.addingReportingOverflow(other.sumNanoseconds)
        sumNanoseconds = o ? .max : s
        minNanoseconds = min(minNanoseconds, other.minNanoseconds)
        maxNanoseconds = max(maxNanoseconds, other.maxNanoseconds)
    }

    public static func == (a: LatencyHistogram, b: LatencyHistogram) -> Bool {
        guard a.count == b.count, a.sumNanoseconds == b.sumNanoseconds else { return false }
        for i in 0..<binCount where a.bins[i] != b.bins[i] { return false }
        return true
    }

    /// Forgets every value.
    public mutating func reset() { self = LatencyHistogram() }

    /// The value at quantile `p` (0...1, clamped) by nearest rank: the smallest value such that at
    /// least `p` of the values are at or below it, read as its bin's midpoint. `.zero` when empty.
    public func percentile(_ p: Double) -> Duration {
        guard count > 0 else { return .zero }
        let q = p.isNaN ? 0 : min(max(p, 0), 1)
        // rank = ceil(q * count), at least 1, computed without libm.
        let exact = q * Double(count)
        var rank = UInt64(exact)
        if Double(rank) < exact { rank += 1 }
        rank = min(max(rank, 1), count)
        // The extremes are known exactly.
        if rank == 1 { return .nanoseconds(Int64(clamping: minNanoseconds)) }
        if rank == count { return .nanoseconds(Int64(clamping: maxNanoseconds)) }
        var seen: UInt64 = 0
        for i in 0..<Self.binCount {
            seen += UInt64(bins[i])
            if seen >= rank {
                if i == Self.binCount - 1 { break }   // the open-ended top bin: answer the maximum
                let lower = Self.lowerEdgeMicros(i) * 1_000
                let mid = lower + Self.widthMicros(i) * 500
                let clamped = min(max(mid, minNanoseconds), maxNanoseconds)
                return .nanoseconds(Int64(clamping: clamped))
            }
        }
        return .nanoseconds(Int64(clamping: maxNanoseconds))
    }

    /// How many values lie in bins wholly at or below `bound`: a Prometheus `le` bucket. Values in
    /// the bin that straddles `bound` are left out, so the count may fall short by that bin's share
    /// (bins are at most 1/16 of their value wide). Monotone in `bound`; `count` for `+Inf`.
    public func cumulativeCount(atMost bound: Duration) -> UInt64 {
        let ns = bound.nanoseconds
        guard ns >= 0 else { return 0 }
        if UInt64(ns) >= maxNanoseconds { return count }
        var total: UInt64 = 0
        for i in 0..<Self.binCount {
            // The bin holds [lower, upper) µs; every value in it is <= bound when upper - 1ns <= bound.
            let upperNs = (Self.lowerEdgeMicros(i) + Self.widthMicros(i)) * 1_000
            if upperNs - 1 > UInt64(ns) { break }
            total += UInt64(bins[i])
        }
        return total
    }
}
