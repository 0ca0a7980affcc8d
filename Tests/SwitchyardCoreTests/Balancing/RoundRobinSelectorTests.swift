import Testing
@testable import SwitchyardCore

@Suite struct RoundRobinSelectorTests {
    func sequence(weights: [Int], eligible: EligibleSet? = nil, picks: Int) -> [Int?] {
        var s = RoundRobinSelector(weights: weights)
        var rng = SplitMix64(seed: 1)
        let set = eligible ?? EligibleSet(all: weights.count)
        return (0..<picks).map { _ in s.select(from: set, excluding: TriedInstances(), inFlight: { _ in 0 }, using: &rng) }
    }

    @Test("weights 5, 1, 1 give nginx's smooth sequence a, a, b, a, c, a, a, twice over")
    func nginxSequence() {
        let a = 0, b = 1, c = 2
        #expect(sequence(weights: [5, 1, 1], picks: 14) == [a, a, b, a, c, a, a, a, a, b, a, c, a, a])
    }

    @Test("equal weights rotate in order")
    func plainRotation() {
        #expect(sequence(weights: [1, 1, 1], picks: 6) == [0, 1, 2, 0, 1, 2])
    }

    @Test("counts are exactly proportional to weights over whole cycles", arguments: [
        [1, 1], [5, 1, 1], [3, 2, 1], [10, 1], [1, 2, 3, 4],
    ])
    func proportional(weights: [Int]) {
        var s = RoundRobinSelector(weights: weights)
        let cycle = weights.reduce(0, +)
        let counts = BalancingFixtures.pickCounts(&s, eligible: EligibleSet(all: weights.count), instances: weights.count, picks: cycle * 50)
        #expect(counts == weights.map { $0 * 50 })
    }

    @Test("only eligible instances are picked")
    func eligibleOnly() {
        let picks = sequence(weights: [1, 1, 1, 1], eligible: EligibleSet([1, 3]), picks: 4)
        #expect(picks == [1, 3, 1, 3])
    }

    @Test("tried instances are skipped; nil when every eligible one was tried")
    func excludingTried() {
        var s = RoundRobinSelector(weights: [1, 1, 1])
        var rng = SplitMix64(seed: 1)
        let all = EligibleSet(all: 3)
        var tried = TriedInstances()
        for _ in 0..<3 {
            let pick = s.select(from: all, excluding: tried, inFlight: { _ in 0 }, using: &rng)
            #expect(pick != nil && !tried.contains(pick!))
            tried.insert(pick!)
        }
        #expect(s.select(from: all, excluding: tried, inFlight: { _ in 0 }, using: &rng) == nil)
        #expect(s.select(from: EligibleSet(), excluding: TriedInstances(), inFlight: { _ in 0 }, using: &rng) == nil)
    }

    @Test("indices beyond the configured instances are ignored")
    func staleIndices() {
        #expect(sequence(weights: [1], eligible: EligibleSet([0, 5]), picks: 2) == [0, 0])
        #expect(sequence(weights: [1], eligible: EligibleSet([5]), picks: 1) == [nil])
    }
}
