import Testing
@testable import SwitchyardCore

@Suite struct LeastRequestsSelectorTests {
    @Test("with equal load, counts are proportional to weights", arguments: [[1, 1, 1], [3, 1], [1, 2, 3, 4]])
    func proportional(weights: [Int]) {
        var s = LeastRequestsSelector(weights: weights)
        let n = 60_000
        let counts = BalancingFixtures.pickCounts(&s, eligible: EligibleSet(all: weights.count), instances: weights.count, picks: n)
        let total = Double(weights.reduce(0, +))
        // Ties go to the first draw, so with no load the first draw decides: its distribution is the weights'.
        for (i, w) in weights.enumerated() {
            #expect(BalancingFixtures.isNear(counts[i], Double(n) * Double(w) / total), "instance \(i): \(counts)")
        }
    }

    @Test("the less loaded of the two draws wins")
    func prefersLessLoaded() {
        var s = LeastRequestsSelector(weights: [1, 1, 1])
        var rng = SplitMix64(seed: 5)
        let load = [10, 0, 10]
        var counts = [0, 0, 0]
        for _ in 0..<3000 {
            let i = s.select(from: EligibleSet(all: 3), excluding: TriedInstances(), inFlight: { load[$0] }, using: &rng)!
            counts[i] += 1
        }
        // Instance 1 is in 2 of the 3 possible pairs and wins each of them.
        #expect(BalancingFixtures.isNear(counts[1], 2000, tolerance: 0.06), "\(counts)")
        // With two candidates the idle one always wins.
        for _ in 0..<100 {
            #expect(s.select(from: EligibleSet([0, 1]), excluding: TriedInstances(), inFlight: { load[$0] }, using: &rng) == 1)
        }
    }

    @Test("load is compared per unit of weight")
    func loadPerWeight() {
        var s = LeastRequestsSelector(weights: [4, 1])
        var rng = SplitMix64(seed: 6)
        // 6/4 < 2/1: the heavy instance has more requests but less per weight.
        for _ in 0..<100 {
            #expect(s.select(from: EligibleSet(all: 2), excluding: TriedInstances(), inFlight: { [6, 2][$0] }, using: &rng) == 0)
        }
    }

    @Test("a single candidate is returned without drawing; none gives nil")
    func singleCandidate() {
        var s = LeastRequestsSelector(weights: [1, 1, 1])
        var rng = BalancingFixtures.Scripted([0])
        #expect(s.select(from: EligibleSet(all: 3), excluding: TriedInstances([0, 2]), inFlight: { _ in 99 }, using: &rng) == 1)
        #expect(rng.position == 0)
        #expect(s.select(from: EligibleSet(all: 3), excluding: TriedInstances([0, 1, 2]), inFlight: { _ in 0 }, using: &rng) == nil)
        #expect(s.select(from: EligibleSet(), excluding: TriedInstances(), inFlight: { _ in 0 }, using: &rng) == nil)
    }

    @Test("the two draws are distinct and skip tried instances")
    func distinctDraws() {
        var s = LeastRequestsSelector(weights: [1, 1, 1, 1])
        var rng = SplitMix64(seed: 8)
        var seen = Set<Int>()
        for _ in 0..<1000 {
            // Both remaining candidates are busy the same: the first draw wins the tie, so either can come out.
            let i = s.select(from: EligibleSet(all: 4), excluding: TriedInstances([0, 3]), inFlight: { _ in 1 }, using: &rng)!
            seen.insert(i)
        }
        #expect(seen == [1, 2])
    }
}
