import Testing
@testable import SwitchyardCore

@Suite struct EligibilityTests {
    func settle(_ statuses: [InstanceStatus], _ kind: SupplierKind, maxEjected: Double = 0.5) -> ([Int], [Bool]) {
        var eligible = EligibleSet()
        AnyInstanceSupplier(kind: kind, maxEjected: maxEjected).refresh(&eligible, from: statuses)
        var readmitted = Array(repeating: true, count: statuses.count)
        Eligibility.settle(&eligible, statuses: statuses, supplier: kind, readmitted: &readmitted)
        return (Array(eligible), readmitted)
    }

    @Test("an instance waiting for its first check takes no traffic, under static too")
    func pending() {
        let statuses = [InstanceStatus(health: .healthy), InstanceStatus(awaitsFirstCheck: true)]
        #expect(settle(statuses, .cooldown).0 == [0])
        #expect(settle(statuses, .static).0 == [0])
        // Even when the cap would have to let it in.
        #expect(settle([InstanceStatus(awaitsFirstCheck: true)], .cooldown).0 == [])
    }

    @Test("the instances the max_ejected cap let in are marked readmitted; available ones are not")
    func readmitted() {
        let t = Instant(nanoseconds: 5)
        let statuses = [InstanceStatus(breaker: .open, openedAt: t),
                        InstanceStatus(breaker: .open, openedAt: t.advanced(byNanoseconds: 1)),
                        InstanceStatus(health: .healthy)]
        // Two of three out with a cap of one: the later ejection comes back.
        let (eligible, readmitted) = settle(statuses, .cooldown, maxEjected: 0.34)
        #expect(eligible == [1, 2])
        #expect(readmitted == [false, true, false])
        #expect(settle(statuses, .static).1 == [false, false, false])
    }
}
