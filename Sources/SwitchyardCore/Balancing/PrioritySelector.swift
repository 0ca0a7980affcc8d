/// `priority`: only the highest-priority tier that still has an eligible, untried instance takes
/// traffic; smooth weighted round robin inside that tier.
///
/// Lower tiers get traffic only while every higher tier is empty (ejected by the supplier or already
/// tried by this request); as soon as a higher-tier instance is eligible again, traffic returns to it.
public struct PrioritySelector: InstanceSelector, Sendable, Equatable {
    let priorities: [Int]
    var wrr: SmoothWeightedRoundRobin

    /// `priorities[i]` and `weights[i]` belong to instance `i`; higher priority is preferred
    /// (`high` = 3, `med` = 2, `low` = 1). Both arrays have one entry per instance.
    public init(priorities: [Int], weights: [Int]) {
        precondition(priorities.count == weights.count, "one priority and one weight per instance")
        self.priorities = priorities
        wrr = SmoothWeightedRoundRobin(weights: weights)
    }

    public mutating func select<R: RandomNumberGenerator>(from eligible: EligibleSet, excluding tried: TriedInstances,
                                                          inFlight: (Int) -> Int, using rng: inout R) -> Int? {
        var top = Int.min
        var found = false
        for i in eligible where wrr.weights.isCandidate(i, excluding: tried) {
            if !found || priorities[i] > top {
                top = priorities[i]
                found = true
            }
        }
        guard found else { return nil }
        let priorities = self.priorities
        return wrr.pick(from: eligible, excluding: tried) { priorities[$0] == top }
    }
}
