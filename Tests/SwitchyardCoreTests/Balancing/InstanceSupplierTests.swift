import Testing
@testable import SwitchyardCore

private let up = InstanceStatus.available
private func open(at seconds: Int64) -> InstanceStatus {
    InstanceStatus(breaker: .open, openedAt: .zero + .seconds(seconds))
}
private func halfOpen(probes: Int, at seconds: Int64 = 1) -> InstanceStatus {
    InstanceStatus(breaker: .halfOpen, probesAvailable: probes, openedAt: .zero + .seconds(seconds))
}
private let unhealthy = InstanceStatus(health: .unhealthy)

private func refreshed(_ supplier: some InstanceSupplier, _ statuses: [InstanceStatus]) -> [Int] {
    var eligible = EligibleSet()
    supplier.refresh(&eligible, from: statuses)
    return Array(eligible)
}

@Suite struct StaticSupplierTests {
    @Test("admits every instance whatever its status")
    func admitsAll() {
        #expect(refreshed(StaticSupplier(), [up, open(at: 1), unhealthy, halfOpen(probes: 0)]) == [0, 1, 2, 3])
        #expect(refreshed(StaticSupplier(), []) == [])
    }
}

@Suite struct CooldownSupplierTests {
    let full = CooldownSupplier(maxEjected: 1)

    @Test("open breakers, unhealthy instances and half-open ones without probes are left out")
    func filters() {
        let statuses = [up, open(at: 1), unhealthy, halfOpen(probes: 0), halfOpen(probes: 1),
                        InstanceStatus(health: .healthy), InstanceStatus(health: .unknown)]
        #expect(refreshed(full, statuses) == [0, 4, 5, 6])
    }

    @Test("a half-open instance is admitted while probes remain and dropped when the quota is used")
    func probeQuota() {
        #expect(refreshed(full, [up, halfOpen(probes: 2)]) == [0, 1])
        #expect(refreshed(full, [up, halfOpen(probes: 1)]) == [0, 1])
        #expect(refreshed(full, [up, halfOpen(probes: 0)]) == [0])
        // A half-open breaker on an instance health checks call down stays out.
        #expect(refreshed(full, [up, InstanceStatus(breaker: .halfOpen, probesAvailable: 1, health: .unhealthy)]) == [0])
    }

    @Test("everything unavailable with a 100% cap yields an empty set; no instances too")
    func empty() {
        #expect(refreshed(full, [open(at: 1), unhealthy, halfOpen(probes: 0)]) == [])
        #expect(refreshed(CooldownSupplier(maxEjected: 0.5), []) == [])
    }

    @Test("the cap is floor(max_ejected * n)", arguments: [
        (0.5, 1, 0), (0.5, 2, 1), (0.5, 3, 1), (0.5, 4, 2), (0.29, 100, 29), (0.1, 5, 0), (1.0, 3, 3),
        (0.0, 10, 0), (1.5, 4, 4), (-1.0, 4, 0), (Double.nan, 4, 0),
    ])
    func cap(maxEjected: Double, instances: Int, expected: Int) {
        #expect(CooldownSupplier(maxEjected: maxEjected).ejectionCap(instances: instances) == expected)
    }

    @Test("when the cap is hit, the earliest ejections stay out and the latest are readmitted")
    func capReadmitsLatest() {
        let half = CooldownSupplier(maxEjected: 0.5)
        // 4 instances, cap 2; three are open, ejected at 30 s, 10 s and 20 s.
        #expect(refreshed(half, [open(at: 30), up, open(at: 10), open(at: 20)]) == [0, 1])
        // All four down: the two earliest (1 and 3) stay out.
        #expect(refreshed(half, [open(at: 40), open(at: 5), open(at: 50), open(at: 6)]) == [0, 2])
        // Within the cap nothing is readmitted.
        #expect(refreshed(half, [open(at: 30), up, open(at: 10), up]) == [1, 3])
    }

    @Test("a single instance is never left out at 50%, and ties go to the lower index")
    func capEdges() {
        let half = CooldownSupplier(maxEjected: 0.5)
        #expect(refreshed(half, [open(at: 1)]) == [0])
        #expect(refreshed(half, [open(at: 7), open(at: 7)]) == [1])
        // Health-only ejections count as the earliest, so a breaker ejection is readmitted first.
        #expect(refreshed(half, [open(at: 1), unhealthy]) == [0])
        // Half-open without probes is ejected at its openedAt too.
        #expect(refreshed(half, [halfOpen(probes: 0, at: 9), open(at: 3)]) == [0])
    }

    @Test("refresh rebuilds the set in place without growing its storage")
    func reusesStorage() {
        var eligible = EligibleSet(capacity: 3)
        let capacity = eligible.capacity
        full.refresh(&eligible, from: [up, up, up])
        full.refresh(&eligible, from: [up, open(at: 1), up])
        #expect(Array(eligible) == [0, 2])
        #expect(eligible.capacity == capacity)
    }
}

@Suite struct AnyInstanceSupplierTests {
    @Test("each supplier kind maps to its supplier", arguments: SupplierKind.allCases)
    func registry(kind: SupplierKind) {
        let s = AnyInstanceSupplier(kind: kind, maxEjected: 1)
        #expect(s.kind == kind)
        let statuses = [up, open(at: 1), unhealthy]
        #expect(refreshed(s, statuses) == (kind == .static ? [0, 1, 2] : [0]))
    }
}
