/// nginx's smooth weighted round robin (`ngx_http_upstream_get_peer`), shared by the round-robin and
/// priority selectors.
///
/// Each pick adds every candidate's weight to its current weight, chooses the largest current weight
/// (the first one on a tie, in eligible order), and subtracts the candidates' total weight from the
/// chosen one. Weights 5, 1, 1 give a, a, b, a, c, a, a: the heavy instance is spread out rather than
/// picked five times in a row. Instances that are not candidates keep their current weight, as in nginx.
/// (nginx's `effective_weight`, lowered on failures, is not modelled: breakers and suppliers do that job.)
struct SmoothWeightedRoundRobin: Sendable, Equatable {
    let weights: InstanceWeights
    private(set) var current: [Int]

    init(weights: [Int]) {
        self.weights = InstanceWeights(weights)
        current = Array(repeating: 0, count: weights.count)
    }

    /// Picks among the eligible, untried instances for which `admit` holds.
    mutating func pick(from eligible: EligibleSet, excluding tried: TriedInstances,
                       admitting admit: (Int) -> Bool = { _ in true }) -> Int? {
        let weights = self.weights
        // One uniqueness check for the whole pass rather than one per `current[i]` update;
        // `isCandidate` keeps every index inside `weights`, which has `current`'s count.
        return current.withUnsafeMutableBufferPointer { current in
            var best = -1
            var total = 0
            for i in eligible where weights.isCandidate(i, excluding: tried) && admit(i) {
                let w = weights[i]
                current[i] &+= w
                total &+= w
                if best < 0 || current[i] > current[best] { best = i }
            }
            guard best >= 0 else { return nil }
            current[best] &-= total
            return best
        }
    }
}
