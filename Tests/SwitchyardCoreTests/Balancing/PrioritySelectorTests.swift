import Testing
@testable import SwitchyardCore

@Suite struct PrioritySelectorTests {
    // Instances: 0, 1 high (3); 2 med (2); 3 low (1).
    let priorities = [3, 3, 2, 1]

    func picks(_ s: inout PrioritySelector, eligible: [Int], tried: [Int] = [], count: Int) -> [Int?] {
        var rng = SplitMix64(seed: 9)
        return (0..<count).map { _ in
            s.select(from: EligibleSet(eligible), excluding: TriedInstances(tried), inFlight: { _ in 0 }, using: &rng)
        }
    }

    @Test("only the highest tier takes traffic, round robin inside it")
    func highestTier() {
        var s = PrioritySelector(priorities: priorities, weights: [1, 1, 1, 1])
        #expect(picks(&s, eligible: [0, 1, 2, 3], count: 4) == [0, 1, 0, 1])
    }

    @Test("weights apply inside the tier")
    func weightedTier() {
        var s = PrioritySelector(priorities: priorities, weights: [2, 1, 5, 5])
        #expect(picks(&s, eligible: [0, 1, 2, 3], count: 6) == [0, 1, 0, 0, 1, 0])
    }

    @Test("fails over tier by tier as instances drop out, and returns when they recover")
    func failoverAndRecovery() {
        var s = PrioritySelector(priorities: priorities, weights: [1, 1, 1, 1])
        #expect(picks(&s, eligible: [1, 2, 3], count: 2) == [1, 1])
        #expect(picks(&s, eligible: [2, 3], count: 2) == [2, 2])
        #expect(picks(&s, eligible: [3], count: 2) == [3, 3])
        #expect(picks(&s, eligible: [], count: 1) == [nil])
        #expect(picks(&s, eligible: [2, 3], count: 1) == [2])
        let back = picks(&s, eligible: [0, 1, 2, 3], count: 4)
        #expect(back.allSatisfy { $0 == 0 || $0 == 1 })
        #expect(back.filter { $0 == 0 }.count == 2)
    }

    @Test("a retry moves to the next tier once the higher tier was tried")
    func retryFailover() {
        var s = PrioritySelector(priorities: priorities, weights: [1, 1, 1, 1])
        #expect(picks(&s, eligible: [0, 1, 2, 3], tried: [0], count: 2) == [1, 1])
        #expect(picks(&s, eligible: [0, 1, 2, 3], tried: [0, 1], count: 2) == [2, 2])
        #expect(picks(&s, eligible: [0, 1, 2, 3], tried: [0, 1, 2, 3], count: 1) == [nil])
    }

    @Test("any integer priority works, higher preferred")
    func integerPriorities() {
        var s = PrioritySelector(priorities: [-5, 10, 7], weights: [1, 1, 1])
        #expect(picks(&s, eligible: [0, 1, 2], count: 2) == [1, 1])
        #expect(picks(&s, eligible: [0, 2], count: 2) == [2, 2])
        #expect(picks(&s, eligible: [0], count: 1) == [0])
    }
}
