import Testing
@testable import SwitchyardCore

@Suite struct HealthStateTests {
    static func result(_ s: UInt64, _ ok: Bool, _ detail: String = "") -> HealthCheckResult {
        HealthCheckResult(at: Instant(nanoseconds: s * 1_000_000_000), ok: ok, latency: .milliseconds(2),
                          detail: detail.isEmpty ? (ok ? "HTTP 200" : "HTTP 503") : detail)
    }

    @Test("the first round decides directly", arguments: [true, false])
    func firstRound(ok: Bool) throws {
        var h = HealthState(healthyAfter: 3, unhealthyAfter: 3, history: 10)
        #expect(h.verdict == .unknown && h.lastResult == nil)
        let r = Self.result(1, ok)
        let tr = try RT.unwrap(h.record(r))
        #expect(tr.from == .unknown && tr.to == (ok ? .healthy : .unhealthy) && tr.at == r.at)
        #expect(tr.description == (ok ? "unknown -> healthy: first check passed (HTTP 200)"
                                      : "unknown -> unhealthy: first check failed (HTTP 503)"))
        #expect(h.lastResult == r)
    }

    @Test("a healthy instance falls after unhealthy_after failed rounds in a row")
    func fall() throws {
        var h = HealthState(healthyAfter: 2, unhealthyAfter: 3, history: 10)
        _ = h.record(Self.result(0, true))
        RT.check(h.record(Self.result(1, false)) == nil)
        RT.check(h.record(Self.result(2, false)) == nil)
        RT.check(h.record(Self.result(3, true)) == nil)     // resets the failure count
        #expect(h.consecutiveFailures == 0 && h.consecutiveSuccesses == 1)
        RT.check(h.record(Self.result(4, false)) == nil)
        RT.check(h.record(Self.result(5, false)) == nil)
        let tr = try RT.unwrap(h.record(Self.result(6, false, "connect refused")))
        #expect(tr == HealthTransition(from: .healthy, to: .unhealthy,
                                       reason: "3 consecutive checks failed (last: connect refused)",
                                       at: Instant(nanoseconds: 6_000_000_000)))
        RT.check(h.record(Self.result(7, false)) == nil)
        #expect(h.verdict == .unhealthy && h.consecutiveFailures == 4)
    }

    @Test("an unhealthy instance rises after healthy_after passed rounds in a row")
    func rise() throws {
        var h = HealthState(healthyAfter: 2, unhealthyAfter: 3, history: 10)
        _ = h.record(Self.result(0, false))
        RT.check(h.record(Self.result(1, true)) == nil)
        RT.check(h.record(Self.result(2, false)) == nil)
        RT.check(h.record(Self.result(3, true)) == nil)
        let tr = try RT.unwrap(h.record(Self.result(4, true)))
        #expect(tr.from == .unhealthy && tr.to == .healthy)
        #expect(tr.reason == "2 consecutive checks passed (last: HTTP 200)")
        #expect(h.verdict == .healthy)
    }

    @Test("the history ring keeps the last results, oldest first")
    func history() {
        var h = HealthState(healthyAfter: 1, unhealthyAfter: 1, history: 3)
        for s in 0..<5 { _ = h.record(Self.result(UInt64(s), s % 2 == 0)) }
        #expect(h.recentResults.map(\.at.nanoseconds) == [2, 3, 4].map { $0 * 1_000_000_000 })
        #expect(h.lastResult?.at == Instant(nanoseconds: 4_000_000_000))
        #expect(h.ring.capacity >= 3)
        var seen: [Bool] = []
        h.forEachRecent { seen.append($0.ok) }
        #expect(seen == [true, false, true])
        h.reconfigure(healthyAfter: 1, unhealthyAfter: 1, history: 2)
        #expect(h.recentResults.map(\.at.nanoseconds) == [3, 4].map { $0 * 1_000_000_000 })
        _ = h.record(Self.result(5, true))
        #expect(h.recentResults.map(\.at.nanoseconds) == [4, 5].map { $0 * 1_000_000_000 })
        #expect(h.verdict == .healthy)

        var none = HealthState(healthyAfter: 1, unhealthyAfter: 1, history: 0)
        _ = none.record(Self.result(0, true))
        #expect(none.recentResults.isEmpty && none.lastResult == nil && none.verdict == .healthy)
    }
}

@Suite struct ProbeScheduleTests {
    @Test("rounds are interval apart, moved by at most the jitter")
    func jitter() {
        let s = ProbeSchedule(interval: .seconds(10), retryDelay: .milliseconds(200), jitter: 0.1)
        let end = Instant(nanoseconds: 50_000_000_000)
        // random % (2 * spread + 1) - spread: 0 -> earliest, 2 * spread -> latest, spread -> exact.
        let spread: UInt64 = 1_000_000_000
        #expect(s.nextCheck(after: end, random: 0) == end + .seconds(9))
        #expect(s.nextCheck(after: end, random: spread) == end + .seconds(10))
        #expect(s.nextCheck(after: end, random: 2 * spread) == end + .seconds(11))
        var rng = RT.SplitMix64(seed: 7)
        for _ in 0..<1_000 {
            let next = s.nextCheck(after: end, using: &rng)
            #expect(next >= end + .seconds(9) && next <= end + .seconds(11))
        }
        #expect(s.nextRetry(after: end) == end + .milliseconds(200))
        #expect(ProbeSchedule(interval: .seconds(10), jitter: 0).nextCheck(after: end, random: 12345) == end + .seconds(10))
    }

    @Test("the first round falls in [start, start + interval)")
    func first() {
        let s = ProbeSchedule(config: HealthCheckConfig(interval: .seconds(5)))
        let start = Instant(nanoseconds: 1_000)
        #expect(s.firstCheck(after: start, random: 0) == start)
        #expect(s.firstCheck(after: start, random: 5_000_000_000) == start)
        #expect(s.firstCheck(after: start, random: 4_999_999_999) == start + .nanoseconds(4_999_999_999))
    }
}
