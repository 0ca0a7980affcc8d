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
        var r = Int(rng.next(upperBound: UInt64(total)))
        for i in eligible where i != skipping && isCandidate(i, excluding: tried) {
            r -= values[i]
            if r < 0 { return i }
        }
        return nil
    }
}
