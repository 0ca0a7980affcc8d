import Testing
@testable import SwitchyardCore

@Suite struct SlidingWindowTests {
    static func t(_ ms: UInt64) -> Instant { Instant(nanoseconds: ms * 1_000_000) }

    @Test("counts each failure kind, slow calls and rates")
    func counting() {
        var w = SlidingWindow(window: .seconds(10), buckets: 10)
        let outcomes: [CallOutcome] = [.success, .success, .failure(.connect), .failure(.timeout),
                                       .failure(.status5xx), .failure(.protocolError), .success, .success]
        for (i, o) in outcomes.enumerated() {
            w.record(o, latency: .milliseconds(10), slow: i < 2, at: Self.t(UInt64(i) * 300))
        }
        let s = w.snapshot(at: Self.t(3_000))
        #expect(s.requests == 8)
        #expect(s.errors == 4)
        #expect(s.connectErrors == 1 && s.timeouts == 1 && s.status5xx == 1 && s.protocolErrors == 1)
        #expect(s.slowCalls == 2)
        #expect(s.errorRate == 0.5)
        #expect(s.slowCallRate == 0.25)
        #expect(s.p50 == .milliseconds(10) && s.p99 == .milliseconds(10))
        #expect(WindowSnapshot().errorRate == 0 && WindowSnapshot().slowCallRate == 0)
    }

    @Test("old buckets roll out of the window one slice at a time")
    func rollover() {
        var w = SlidingWindow(window: .seconds(10), buckets: 10)   // 1 s slices
        w.record(.failure(.connect), latency: .milliseconds(1), slow: false, at: Self.t(500))    // slice 0
        w.record(.success, latency: .milliseconds(1), slow: false, at: Self.t(4_200))           // slice 4
        w.record(.success, latency: .milliseconds(1), slow: false, at: Self.t(9_999))           // slice 9
        #expect(w.counts(at: Self.t(9_999)).requests == 3)
        #expect(w.counts(at: Self.t(10_000)).requests == 2)   // slice 10 replaces slice 0
        #expect(w.counts(at: Self.t(10_000)).errors == 0)
        #expect(w.counts(at: Self.t(14_999)).requests == 1)
        #expect(w.counts(at: Self.t(18_999)).requests == 1)   // slice 9 lives through slice 18
        #expect(w.counts(at: Self.t(19_000)).requests == 0)
        #expect(w.snapshot(at: Self.t(60_000)) == WindowSnapshot())
    }

    @Test("a reused bucket starts from zero and late records are dropped")
    func reuse() {
        var w = SlidingWindow(window: .seconds(2), buckets: 2)
        for _ in 0..<5 { w.record(.failure(.timeout), latency: .seconds(1), slow: true, at: Self.t(100)) }
        w.record(.success, latency: .milliseconds(3), slow: false, at: Self.t(2_100))   // same ring slot, new slice
        var s = w.snapshot(at: Self.t(2_100))
        #expect(s.requests == 1 && s.errors == 0 && s.slowCalls == 0 && s.timeouts == 0)
        #expect(s.p99 == .milliseconds(3))
        w.record(.failure(.connect), latency: .zero, slow: false, at: Self.t(150))     // older than the slot: dropped
        s = w.counts(at: Self.t(2_100))
        #expect(s.requests == 1)
        // A slightly late record within the window still counts.
        w.record(.success, latency: .zero, slow: false, at: Self.t(1_500))
        #expect(w.counts(at: Self.t(2_100)).requests == 2)
    }

    @Test("window percentiles match a sorted-array oracle across buckets")
    func percentiles() {
        var rng = RT.SplitMix64(seed: 42)
        var w = SlidingWindow(window: .seconds(10), buckets: 10)
        var values: [Int64] = []
        for i in 0..<3_000 {
            let v = Int64.random(in: 100_000...80_000_000, using: &rng)
            let at = Self.t(UInt64(i) * 5)   // 0 .. 15 s: the first 5 s leave the window
            w.record(.success, latency: .nanoseconds(v), slow: false, at: at)
            if at >= Self.t(6_000) { values.append(v) }
        }
        let now = Self.t(15_000)
        values.sort()
        let s = w.snapshot(at: now)
        #expect(s.requests == values.count)
        #expect(RT.relativeError(s.p50, RT.oraclePercentile(values, 0.5)) <= 0.032)
        #expect(RT.relativeError(s.p90, RT.oraclePercentile(values, 0.9)) <= 0.032)
        #expect(RT.relativeError(s.p99, RT.oraclePercentile(values, 0.99)) <= 0.032)
        #expect(w.latency(at: now).count == UInt64(values.count))
    }

    @Test("reset forgets everything")
    func reset() {
        var w = SlidingWindow(window: .seconds(1), buckets: 4)
        w.record(.failure(.connect), latency: .zero, slow: false, at: Self.t(10))
        w.reset()
        #expect(w.counts(at: Self.t(10)).requests == 0)
        w.record(.success, latency: .zero, slow: false, at: Self.t(20))
        #expect(w.counts(at: Self.t(20)).requests == 1)
    }

    @Test("the running totals always equal a fresh sum of the ring: records in and out of order, jumps, resets", arguments: [1, 3, 10])
    func runningTotals(buckets: Int) {
        var rng = RT.SplitMix64(seed: UInt64(buckets))
        var w = SlidingWindow(window: .seconds(10), buckets: buckets)
        var latest: UInt64 = 5_000_000_000
        let outcomes: [CallOutcome] = [.success, .failure(.connect), .failure(.timeout), .failure(.status5xx),
                                       .failure(.protocolError)]
        var mismatches = 0
        for step in 0..<5_000 {
            let r = rng.next()
            var at = latest
            switch r % 16 {
            case 0: latest += 15_000_000_000                            // a jump past the whole window
            case 1: at = latest - min(latest, (r >> 8) % 12_000_000_000) // late, maybe older than the window
            case 2 where step % 500 == 0: w.reset()
            default: latest += (r >> 8) % 400_000_000; at = latest
            }
            let outcome = outcomes[Int((r >> 40) % UInt64(outcomes.count))]
            w.record(outcome, latencyNanoseconds: Int64((r >> 20) % 5_000_000), slow: r & (1 << 7) != 0,
                     at: Instant(nanoseconds: at))
            for probe in [latest, latest &- 700_000_000, latest + 2_000_000_000, at] {
                let now = Instant(nanoseconds: probe)
                if w.counts(at: now) != w.sum(current: w.epoch(of: now)) { mismatches += 1 }
            }
        }
        #expect(mismatches == 0)
        #expect(w.counts(at: Instant(nanoseconds: latest)).requests > 0)
    }
}
