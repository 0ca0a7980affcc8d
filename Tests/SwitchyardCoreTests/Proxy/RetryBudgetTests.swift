import Testing
@testable import SwitchyardCore

@Suite struct RetryBudgetTests {
    let t0 = Instant(nanoseconds: 5_000_000_000_000)
    func at(seconds: Double) -> Instant { t0.advanced(byNanoseconds: UInt64(seconds * 1e9)) }

    @Test("retries stay within the ratio of requests plus the reserve")
    func ratio() {
        var b = RetryBudget(ratio: 0.2, minPerSecond: 1)   // reserve: 10 per window
        for _ in 0 ..< 100 { b.deposit(at: t0) }
        var granted = 0
        for _ in 0 ..< 100 where b.withdraw(at: t0) { granted += 1 }
        #expect(granted == 30)
        #expect(b.refused == 70)
    }

    @Test("requests and retries older than 10 s fall out of the window")
    func window() {
        var b = RetryBudget(ratio: 0.5, minPerSecond: 0)
        for _ in 0 ..< 10 { b.deposit(at: t0) }
        for _ in 0 ..< 5 { #expect(run { b.withdraw(at: at(seconds: 1)) }) }
        #expect(!run { b.withdraw(at: at(seconds: 9.9)) })
        #expect(b.window == (10, 5))
        // 10.5 s later the first second's requests are gone; the retries of second 1 still count.
        #expect(!run { b.withdraw(at: at(seconds: 10.5)) })
        #expect(b.window == (0, 5))
        #expect(!run { b.withdraw(at: at(seconds: 30)) } && b.window == (0, 0))
    }

    @Test("the reserve is split between workers")
    func reservePerWorker() {
        var b = RetryBudget(ratio: 0, minPerSecond: 3, workers: 2)   // 15 per window on this worker
        var granted = 0
        for _ in 0 ..< 40 where b.withdraw(at: t0) { granted += 1 }
        #expect(granted == 15)
    }
}
