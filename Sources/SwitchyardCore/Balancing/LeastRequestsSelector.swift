/// `least_requests`: power of two choices over in-flight requests.
///
/// Draws two distinct candidates at random, each with probability proportional to its weight, and
/// picks the one with fewer in-flight requests per unit of weight (`inFlight / weight`); on a tie the
/// first draw wins. With a single candidate it is returned without touching the generator. Two random
/// choices avoid the herd behaviour of always choosing the global minimum, which every worker would
/// agree on at once (Mitzenmacher; Envoy's `LEAST_REQUEST`).
public struct LeastRequestsSelector: InstanceSelector, Sendable, Equatable {
    let weights: InstanceWeights

    /// `weights[i]` is instance `i`'s weight (values below 1 count as 1).
    public init(weights: [Int]) { self.weights = InstanceWeights(weights) }

    public mutating func select<R: RandomNumberGenerator>(from eligible: EligibleSet, excluding tried: TriedInstances,
                                                          inFlight: (Int) -> Int, using rng: inout R) -> Int? {
        var candidates = 0
        var total = 0
        var last = -1
        for i in eligible where weights.isCandidate(i, excluding: tried) {
            candidates += 1
            total += weights[i]
            last = i
        }
        if candidates <= 1 { return candidates == 1 ? last : nil }
        guard let a = weights.draw(from: eligible, excluding: tried, total: total, using: &rng),
              let b = weights.draw(from: eligible, excluding: tried, skipping: a, total: total - weights[a], using: &rng)
        else { return nil }
        // inFlight(a) / w(a) <= inFlight(b) / w(b), compared exactly by cross-multiplying.
        let lhs = inFlight(a).multipliedFullWidth(by: weights[b])
        let rhs = inFlight(b).multipliedFullWidth(by: weights[a])
        return (lhs.high, lhs.low) <= (rhs.high, rhs.low) ? a : b
    }
}
