import Testing
@testable import SwitchyardCore

@Suite struct AnyInstanceSelectorTests {
    @Test("each balancer kind builds its selector from the instance configs", arguments: BalancerKind.allCases)
    func registry(kind: BalancerKind) {
        var s = AnyInstanceSelector(kind: kind, instances: BalancingFixtures.instances(weights: [5, 1, 1], priorities: [1, 3, 3]))
        #expect(s.kind == kind)
        var rng = SplitMix64(seed: 11)
        var counts = [0, 0, 0]
        for _ in 0..<7000 {
            let i = s.select(from: EligibleSet(all: 3), excluding: TriedInstances(), inFlight: { _ in 0 }, using: &rng)!
            counts[i] += 1
        }
        switch kind {
        case .roundRobin: #expect(counts == [5000, 1000, 1000])
        case .priority: #expect(counts == [0, 3500, 3500])
        case .random, .leastRequests:
            #expect(BalancingFixtures.isNear(counts[0], 5000) && BalancingFixtures.isNear(counts[1], 1000, tolerance: 0.1), "\(counts)")
        }
    }

    @Test("the wrapped round robin keeps its state across calls")
    func keepsState() {
        var s = AnyInstanceSelector(kind: .roundRobin, instances: BalancingFixtures.instances(weights: [5, 1, 1]))
        var rng = SplitMix64(seed: 1)
        let seq = (0..<7).map { _ in s.select(from: EligibleSet(all: 3), excluding: TriedInstances(), inFlight: { _ in 0 }, using: &rng) }
        #expect(seq == [0, 0, 1, 0, 2, 0, 0])
    }
}
