import Testing
@testable import SwitchyardCore

@Suite struct SplitMix64Tests {
    @Test("the same seed gives the same stream; different seeds differ")
    func reproducible() {
        var a = SplitMix64(seed: 7), b = SplitMix64(seed: 7), c = SplitMix64(seed: 8)
        let xs = (0..<5).map { _ in a.next() }
        #expect(xs == (0..<5).map { _ in b.next() })
        #expect(xs != (0..<5).map { _ in c.next() })
    }

    @Test("matches the reference SplitMix64 output for seed 0")
    func reference() {
        var g = SplitMix64(seed: 0)
        #expect(g.next() == 0xE220_A839_7B1D_CDAF)
        #expect(g.next() == 0x6E78_9E6A_A1B9_65F4)
    }
}

@Suite struct EligibleSetTests {
    @Test("a refresh of the same size reuses the storage")
    func reuse() {
        var s = EligibleSet(capacity: 4)
        for i in [0, 2, 3] { s.append(i) }
        let capacity = s.capacity
        s.removeAll()
        for i in [1, 2, 3] { s.append(i) }
        #expect(s.capacity == capacity)
        #expect(Array(s) == [1, 2, 3])
        #expect(s.count == 3 && !s.isEmpty && s[0] == 1)
        #expect(s.contains(2) && !s.contains(0))
        #expect(EligibleSet(all: 3) == EligibleSet([0, 1, 2]))
        #expect(EligibleSet(all: 0).isEmpty)
    }
}

@Suite struct TriedInstancesTests {
    @Test("small and large indices are remembered", arguments: [[0], [3, 63], [1, 64, 200], [0, 0, 5]])
    func remembers(indices: [Int]) {
        var t = TriedInstances()
        #expect(t.isEmpty)
        for i in indices { t.insert(i) }
        for i in indices { #expect(t.contains(i)) }
        #expect(!t.contains(2) && !t.contains(65))
        #expect(t.count == Set(indices).count)
        t.removeAll()
        #expect(t.isEmpty && !t.contains(indices[0]))
    }
}
