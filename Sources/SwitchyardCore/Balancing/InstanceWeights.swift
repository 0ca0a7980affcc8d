/// The configured weights of a service's instances, with the candidate test and the weighted draw
/// the selectors share.
///
/// Weights below 1 are treated as 1 (config validation rejects them anyway). An index outside the
/// array is never a candidate, so a stale eligible set cannot make a selector trap.
struct InstanceWeights: Sendable, Equatable {
    let values: [Int]

    init(_ weights: [Int]) { values = weights.map { max(1, $0) } }

    var count: Int { values.count }

    subscript(instance: Int) -> Int { values[instance] }

    /// Whether `instance` may be picked: a known index that was not tried yet.
    @inline(__always)
    func isCandidate(_ instance: Int, excluding tried: TriedInstances) -> Bool {
        instance >= 0 && instance < values.count && !tried.contains(instance)
    }

    /// The sum of the candidates' weights.
    func totalWeight(of eligible: EligibleSet, excluding tried: TriedInstances) -> Int {
        var total = 0
        for i in eligible where isCandidate(i, excluding: tried) { total += values[i] }
        return total
    }

    /// One candidate drawn with probability proportional to its weight; `skipping` (if >= 0) is left
    /// out, and `total` must be the candidates' weight sum without it.
    func draw<R: RandomNumberGenerator>(from eligible: EligibleSet, excluding tried: TriedInstances,
                                        skipping: Int = -1, total: Int, using rng: inout R) -> Int? {
        guard total > 0 else { return nil }
        var r = Int(Self.uniform(below: UInt64(total), using: &rng))
        for i in eligible where i != skipping && isCandidate(i, excluding: tried) {
            r -= values[i]
            if r < 0 { return i }
        }
        return nil
    }

    /// A uniform draw in `0..<bound` (`bound` > 0), the same values and the same number of
    /// generator calls as the standard library's `rng.next(upperBound:)` (Lemire's nearly
    /// divisionless method). Written out because the selectors are generic over the generator and
    /// called from another module unspecialised: the library's generic entry point then costs
    /// ~300 instructions of metadata look-ups per draw; this costs one `next()` call.
    @inline(__always)
    static func uniform<R: RandomNumberGenerator>(below bound: UInt64, using rng: inout R) -> UInt64 {
        var m = rng.next().multipliedFullWidth(by: bound)
        if m.low < bound {
            let threshold = (0 &- bound) % bound
            while m.low < threshold { m = rng.next().multipliedFullWidth(by: bound) }
        }
        return m.high
    }
}
