import Testing
@testable import SwitchyardCore

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
