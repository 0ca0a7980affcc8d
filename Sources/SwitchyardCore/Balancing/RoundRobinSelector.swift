/// `round_robin`: smooth weighted round robin over the eligible instances, exactly as nginx.
///
/// Deterministic (ignores the generator and the load). With weights 5, 1, 1 the sequence is
/// a, a, b, a, c, a, a, then it repeats.
public struct RoundRobinSelector: InstanceSelector, Sendable, Equatable {
    var wrr: SmoothWeightedRoundRobin

    /// `weights[i]` is instance `i`'s weight (values below 1 count as 1).
    public init(weights: [Int]) { wrr = SmoothWeightedRoundRobin(weights: weights) }

    public mutating func select<R: RandomNumberGenerator>(from eligible: EligibleSet, excluding tried: TriedInstances,
                                                          inFlight: (Int) -> Int, using rng: inout R) -> Int? {
        wrr.pick(from: eligible, excluding: tried)
    }
}
