import Testing
@testable import SwitchyardCore

@Suite struct CircuitBreakerTests {
    static func t(_ ms: UInt64) -> Instant { Instant(nanoseconds: ms * 1_000_000) }
    static let fast = Duration.milliseconds(5)

    /// A config where only the rule under test can fire.
    static func config(minRequests: Int = 10, errorRate: Double = 0, slowCallRate: Double = 0,
                       consecutive: Int = 0, cooldown: Duration = .seconds(10), maxCooldown: Duration = .seconds(35),
                       probes: Int = 1) -> CircuitBreakerConfig {
        CircuitBreakerConfig(window: .seconds(10), buckets: 10, minRequests: minRequests, errorRate: errorRate,
                             slowCall: .seconds(1), slowCallRate: slowCallRate, consecutiveFailures: consecutive,
                             cooldown: cooldown, maxCooldown: maxCooldown, halfOpenRequests: probes)
    }

    /// Drives a closed breaker open through consecutive failures at `at`.
    static func tripped(_ config: CircuitBreakerConfig, at ms: UInt64 = 0) -> CircuitBreaker {
        var b = CircuitBreaker(config: config)
        var tr: BreakerTransition?
        while tr == nil { tr = b.record(.failure(.connect), latency: fast, isProbe: false, at: t(ms)) }
        #expect(b.phase == .open)
        return b
    }

    @Test("error rate trips once min_requests calls are in the window")
    func errorRateTrip() throws {
        var b = CircuitBreaker(config: Self.config(minRequests: 10, errorRate: 0.5))
        // 9 failures: rate 100% but under min_requests, so no verdict.
        for i in 0..<9 {
            RT.check(b.record(.failure(.status5xx), latency: Self.fast, isProbe: false, at: Self.t(UInt64(i))) == nil)
        }
        #expect(b.phase == .closed)
        let tr = try RT.unwrap(b.record(.success, latency: Self.fast, isProbe: false, at: Self.t(9)))
        #expect(tr == BreakerTransition(from: .closed, to: .open,
                                        reason: .errorRate(rate: 0.9, threshold: 0.5, requests: 10), at: Self.t(9)))
        #expect(tr.description == "closed -> open: error rate 90% >= 50% over 10 requests")
        #expect(b.trips == 1)
        #expect(b.openUntil == Self.t(10_009))
        #expect(b.status(at: Self.t(9)) == InstanceStatus(breaker: .open, openedAt: Self.t(9)))
    }

    @Test("error rate just under the threshold does not trip")
    func errorRateBelow() {
        var b = CircuitBreaker(config: Self.config(minRequests: 10, errorRate: 0.5))
        for i in 0..<20 {
            let o: CallOutcome = i % 5 >= 3 ? .failure(.timeout) : .success   // at most 40% from 10 calls on
            let tr = b.record(o, latency: Self.fast, isProbe: false, at: Self.t(UInt64(i)))
            #expect(tr == nil)
        }
        #expect(b.window.counts(at: Self.t(20)).errorRate == 0.4)
    }

    @Test("4xx answers are recorded as successes and never trip")
    func clientErrorsDoNotCount() {
        var b = CircuitBreaker(config: Self.config(minRequests: 5, errorRate: 0.1, consecutive: 3))
        for i in 0..<50 {   // the shell maps 4xx to .success
            RT.check(b.record(.success, latency: Self.fast, isProbe: false, at: Self.t(UInt64(i))) == nil)
        }
        #expect(b.phase == .closed && b.window.counts(at: Self.t(50)).requests == 50)
    }

    @Test("slow-call rate trips; a call exactly at slow_call is not slow")
    func slowCallTrip() throws {
        var b = CircuitBreaker(config: Self.config(minRequests: 4, slowCallRate: 0.75))
        RT.check(b.record(.success, latency: .milliseconds(1_500), isProbe: false, at: Self.t(0)) == nil)
        RT.check(b.record(.success, latency: .seconds(1), isProbe: false, at: Self.t(1)) == nil)
        RT.check(b.record(.success, latency: .seconds(2), isProbe: false, at: Self.t(2)) == nil)
        let tr = try RT.unwrap(b.record(.failure(.timeout), latency: .seconds(3), isProbe: false, at: Self.t(3)))
        #expect(tr.reason == .slowCallRate(rate: 0.75, threshold: 0.75, requests: 4))
        #expect(tr.reason.description == "slow-call rate 75% >= 75% over 4 requests")
    }

    @Test("consecutive failures trip regardless of min_requests; a success resets the count")
    func consecutiveTrip() throws {
        var b = CircuitBreaker(config: Self.config(minRequests: 100, errorRate: 0.5, consecutive: 3))
        _ = b.record(.failure(.connect), latency: Self.fast, isProbe: false, at: Self.t(0))
        _ = b.record(.failure(.connect), latency: Self.fast, isProbe: false, at: Self.t(1))
        _ = b.record(.success, latency: Self.fast, isProbe: false, at: Self.t(2))
        #expect(b.consecutiveFailures == 0)
        _ = b.record(.failure(.timeout), latency: Self.fast, isProbe: false, at: Self.t(3))
        _ = b.record(.failure(.protocolError), latency: Self.fast, isProbe: false, at: Self.t(4))
        let tr = try RT.unwrap(b.record(.failure(.status5xx), latency: Self.fast, isProbe: false, at: Self.t(5)))
        #expect(tr.reason == .consecutiveFailures(count: 3))
        #expect(tr.reason.description == "3 consecutive failures")
    }

    @Test("consecutive_failures 0 and rate thresholds 0 disable their rules")
    func disabledRules() {
        var b = CircuitBreaker(config: Self.config(minRequests: 1, errorRate: 0, slowCallRate: 0, consecutive: 0))
        for i in 0..<100 {
            RT.check(b.record(.failure(.connect), latency: .seconds(5), isProbe: false, at: Self.t(UInt64(i))) == nil)
        }
    }

    @Test("open until the cooldown ends, then half-open; outcomes while open change nothing")
    func cooldown() throws {
        var b = Self.tripped(Self.config(consecutive: 2), at: 1_000)
        #expect(b.openUntil == Self.t(11_000))
        RT.check(b.record(.success, latency: Self.fast, isProbe: false, at: Self.t(2_000)) == nil)
        RT.check(b.record(.success, latency: Self.fast, isProbe: true, at: Self.t(2_000)) == nil)
        #expect(b.phase == .open)
        #expect(b.window.counts(at: Self.t(2_000)).requests == 4)   // still recorded
        RT.check(b.acquireProbe(at: Self.t(5_000)) == false)
        RT.check(b.tick(at: Self.t(10_999)) == nil)
        let tr = try RT.unwrap(b.tick(at: Self.t(11_000)))
        #expect(tr == BreakerTransition(from: .open, to: .halfOpen, reason: .cooldownElapsed, at: Self.t(11_000)))
        #expect(b.openUntil == nil)
        RT.check(b.tick(at: Self.t(12_000)) == nil)
        #expect(b.status(at: Self.t(11_000)) ==
                InstanceStatus(breaker: .halfOpen, probesAvailable: 1, openedAt: Self.t(1_000)))
    }

    @Test("half-open admits half_open_requests probes; a released probe frees its slot")
    func probeQuota() {
        var b = Self.tripped(Self.config(consecutive: 1, probes: 2))
        _ = b.tick(at: Self.t(10_000))
        RT.check(b.acquireProbe(at: Self.t(10_000)))
        #expect(b.status(at: Self.t(10_000)).probesAvailable == 1)
        RT.check(b.acquireProbe(at: Self.t(10_000)))
        RT.check(b.acquireProbe(at: Self.t(10_000)) == false)
        #expect(b.status(at: Self.t(10_000)).probesAvailable == 0)
        b.releaseProbe()
        RT.check(b.acquireProbe(at: Self.t(10_001)))
        RT.check(b.acquireProbe(at: Self.t(10_001)) == false)
    }

    @Test("all probes must succeed to close; closing clears the window and the cooldown")
    func probesClose() throws {
        var b = Self.tripped(Self.config(consecutive: 1, probes: 2))
        _ = b.tick(at: Self.t(10_000))
        RT.check(b.acquireProbe(at: Self.t(10_000)) && b.acquireProbe(at: Self.t(10_000)))
        // A non-probe outcome in half-open is recorded but does not close.
        RT.check(b.record(.success, latency: Self.fast, isProbe: false, at: Self.t(10_001)) == nil)
        RT.check(b.record(.success, latency: Self.fast, isProbe: true, at: Self.t(10_002)) == nil)
        #expect(b.phase == .halfOpen)
        let tr = try RT.unwrap(b.record(.success, latency: Self.fast, isProbe: true, at: Self.t(10_003)))
        #expect(tr == BreakerTransition(from: .halfOpen, to: .closed, reason: .probeSucceeded, at: Self.t(10_003)))
        #expect(b.window.counts(at: Self.t(10_003)).requests == 0)
        #expect(b.status(at: Self.t(10_003)) == InstanceStatus(breaker: .closed, openedAt: Self.t(0)))
        #expect(b.trips == 1)
        // A probe outcome after the phase ended counts as an ordinary call.
        RT.check(b.record(.failure(.connect), latency: Self.fast, isProbe: true, at: Self.t(10_004))?.to == .open)
    }

    @Test("a probe failure reopens with double the cooldown, capped at max_cooldown, reset after closing")
    func cooldownDoubling() throws {
        var b = Self.tripped(Self.config(consecutive: 1, cooldown: .seconds(10), maxCooldown: .seconds(35)))
        #expect(b.openUntil == Self.t(10_000))
        var now: UInt64 = 10_000
        for expected: UInt64 in [20_000, 35_000, 35_000] {
            _ = try RT.unwrap(b.tick(at: Self.t(now)))
            RT.check(b.acquireProbe(at: Self.t(now)))
            let tr = try RT.unwrap(b.record(.failure(.timeout), latency: Self.fast, isProbe: true, at: Self.t(now)))
            #expect(tr == BreakerTransition(from: .halfOpen, to: .open, reason: .probeFailed(.timeout), at: Self.t(now)))
            #expect(tr.description == "half_open -> open: probe failed: timeout")
            #expect(b.openUntil == Self.t(now + expected))
            #expect(b.status(at: Self.t(now)).openedAt == Self.t(0))   // still the first ejection
            now += expected
        }
        #expect(b.trips == 4)
        _ = b.tick(at: Self.t(now))
        RT.check(b.acquireProbe(at: Self.t(now)))
        RT.check(b.record(.success, latency: Self.fast, isProbe: true, at: Self.t(now))?.to == .closed)
        #expect(b.currentCooldown == .seconds(10))
        _ = b.record(.failure(.connect), latency: Self.fast, isProbe: false, at: Self.t(now + 1))
        #expect(b.openUntil == Self.t(now + 1 + 10_000))
        #expect(b.status(at: Self.t(now + 1)).openedAt == Self.t(now + 1))
    }

    @Test("reconfigure keeps the phase, resizes the window only when its shape changes, clamps the cooldown")
    func reconfigure() {
        var b = Self.tripped(Self.config(consecutive: 1, cooldown: .seconds(10), maxCooldown: .seconds(60)))
        _ = b.tick(at: Self.t(10_000))
        _ = b.acquireProbe(at: Self.t(10_000))
        _ = b.record(.failure(.connect), latency: Self.fast, isProbe: true, at: Self.t(10_000))
        #expect(b.openUntil == Self.t(30_000))
        var c = Self.config(consecutive: 1, cooldown: .seconds(5), maxCooldown: .seconds(8))
        b.reconfigure(c)
        #expect(b.phase == .open && b.trips == 2)
        #expect(b.currentCooldown == .seconds(8))
        #expect(b.openUntil == Self.t(18_000))
        #expect(b.window.counts(at: Self.t(10_000)).requests == 1)   // same shape: kept
        c.buckets = 5
        b.reconfigure(c)
        #expect(b.window.buckets == 5 && b.window.counts(at: Self.t(10_000)).requests == 0)
    }
}
