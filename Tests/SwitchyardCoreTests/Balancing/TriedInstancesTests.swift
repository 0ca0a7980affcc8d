import Testing
@testable import SwitchyardCore

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
