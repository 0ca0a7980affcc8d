/// `random`: each eligible, untried instance is picked with probability proportional to its weight.
///
/// Stateless apart from the weights; one draw from the generator per pick.
public struct RandomSelector: InstanceSelector, Sendable, Equatable {
    let weights: InstanceWeights

    /// `weights[i]` is instance `i`'s weight (values below 1 count as 1).
    public init(weights: [Int]) { self.weights = InstanceWeights(weights) }

    public mutating func select<R: RandomNumberGenerator>(from eligible: EligibleSet, excluding tried: TriedInstances,
                                                          inFlight: (Int) -> Int, using rng: inout R) -> Int? {
        let total = weights.totalWeight(of: eligible, excluding: tried)
        return weights.draw(from: eligible, excluding: tried, total: total, using: &rng)
    }
}
