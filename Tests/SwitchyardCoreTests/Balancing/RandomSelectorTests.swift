import Testing
@testable import SwitchyardCore

@Suite struct RandomSelectorTests {
    @Test("counts over many picks are proportional to weights", arguments: [
        [1, 1], [5, 1, 1], [3, 2, 1], [1, 2, 3, 4],
    ])
    func proportional(weights: [Int]) {
        var s = RandomSelector(weights: weights)
        let n = 60_000
        let counts = BalancingFixtures.pickCounts(&s, eligible: EligibleSet(all: weights.count), instances: weights.count, picks: n)
        let total = Double(weights.reduce(0, +))
        for (i, w) in weights.enumerated() {
            #expect(BalancingFixtures.isNear(counts[i], Double(n) * Double(w) / total), "instance \(i): \(counts)")
        }
    }

    @Test("a draw maps onto the weight ranges in eligible order")
    func exactDraws() {
        var s = RandomSelector(weights: [2, 1, 3])
        // upperBound 6: Lemire's method maps x to (x * 6) >> 64; x = k * (2^64 / 6) + k + 1 lands on k, unrejected.
        func draw(_ k: UInt64) -> Int? {
            var rng = BalancingFixtures.Scripted([k * (UInt64.max / 6) + k + 1])
            return s.select(from: EligibleSet(all: 3), excluding: TriedInstances(), inFlight: { _ in 0 }, using: &rng)
        }
        #expect([0, 1, 2, 3, 4, 5].map(draw) == [0, 0, 1, 2, 2, 2])
    }

    @Test("tried and ineligible instances are never picked")
    func excluding() {
        var s = RandomSelector(weights: [1, 1, 1, 1])
        var rng = SplitMix64(seed: 3)
        let tried = TriedInstances([1])
        for _ in 0..<500 {
            let pick = s.select(from: EligibleSet([0, 1, 3]), excluding: tried, inFlight: { _ in 0 }, using: &rng)
            #expect(pick == 0 || pick == 3)
        }
        #expect(s.select(from: EligibleSet([1]), excluding: tried, inFlight: { _ in 0 }, using: &rng) == nil)
    }
}
