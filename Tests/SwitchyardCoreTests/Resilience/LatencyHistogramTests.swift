import Testing
@testable import SwitchyardCore

@Suite struct LatencyHistogramTests {
    @Test("bins are contiguous and each holds the values that map to it")
    func binEdges() {
        for i in 0..<(LatencyHistogram.binCount - 1) {
            let lower = LatencyHistogram.lowerEdgeMicros(i)
            let width = LatencyHistogram.widthMicros(i)
            #expect(LatencyHistogram.lowerEdgeMicros(i + 1) == lower + width)
            #expect(LatencyHistogram.binIndex(nanoseconds: lower * 1_000) == i)
            #expect(LatencyHistogram.binIndex(nanoseconds: (lower + width) * 1_000 - 1) == i)
            if i >= 16 { #expect(width * 16 <= lower) }
        }
        #expect(LatencyHistogram.binIndex(nanoseconds: .max) == LatencyHistogram.binCount - 1)
    }

    @Test("percentiles stay within 3.2% of a sorted-array oracle",
          arguments: [(UInt64(1), 200_000 as Int64, 2_000_000 as Int64),  // 200 µs .. 2 ms
                      (UInt64(2), 1_000_000, 5_000_000_000),                 // 1 ms .. 5 s
                      (UInt64(3), 20_000, 40_000)])                          // narrow: 20 .. 40 µs
    func percentilesAgainstOracle(seed: UInt64, low: Int64, high: Int64) {
        var rng = RT.SplitMix64(seed: seed)
        var h = LatencyHistogram()
        var values: [Int64] = []
        for _ in 0..<5_000 {
            // Skewed towards the low end, like real latencies.
            let u = Int64.random(in: 0...1_000_000, using: &rng)
            let v = low + (high - low) / 1_000_000 * (u * u / 1_000_000)
            values.append(v)
            h.record(nanoseconds: v)
        }
        values.sort()
        for p in [0.01, 0.5, 0.9, 0.99, 0.999, 1.0] {
            let want = RT.oraclePercentile(values, p)
            #expect(RT.relativeError(h.percentile(p), want) <= 0.032, "p\(p): \(h.percentile(p)) vs \(want)ns")
        }
        #expect(h.count == 5_000)
        #expect(h.sum == .nanoseconds(values.reduce(0, +)))
    }

    @Test("an empty histogram answers zero; one value answers itself")
    func edgeCases() {
        var h = LatencyHistogram()
        #expect(h.percentile(0.5) == .zero)
        #expect(h.cumulativeCount(atMost: .seconds(1)) == 0)
        h.record(.milliseconds(7))
        #expect(h.percentile(0) == .milliseconds(7))
        #expect(h.percentile(0.99) == .milliseconds(7))
        h.record(.seconds(10_000))   // beyond the top bin: still counted, clamped to max
        #expect(h.percentile(1) == .seconds(10_000))
        h.record(.nanoseconds(-5))
        #expect(h.count == 3)
        #expect(h.percentile(0) == .zero)
    }

    @Test("merging equals recording everything into one histogram")
    func merge() {
        var a = LatencyHistogram(), b = LatencyHistogram(), all = LatencyHistogram()
        for i in 1...100 {
            let v = Duration.microseconds(i * 37)
            if i % 3 == 0 { a.record(v) } else { b.record(v) }
            all.record(v)
        }
        a.merge(b)
        #expect(a == all)
        #expect(a.percentile(0.9) == all.percentile(0.9))
        a.reset()
        #expect(a.count == 0 && a == LatencyHistogram())
    }

    @Test("cumulative counts are exact on bin edges and never over-count")
    func cumulative() {
        var h = LatencyHistogram()
        for ms in [1, 2, 3, 5, 8, 13, 21, 34] { h.record(.milliseconds(ms)) }
        // 1024 µs and 2048 µs are bin edges: 1 ms lies below 1.024 ms, 2 ms below 2.048 ms.
        #expect(h.cumulativeCount(atMost: .microseconds(1_024)) == 1)
        #expect(h.cumulativeCount(atMost: .microseconds(2_048)) == 2)
        #expect(h.cumulativeCount(atMost: .milliseconds(10)) == 5)
        #expect(h.cumulativeCount(atMost: .milliseconds(34)) == 8)
        #expect(h.cumulativeCount(atMost: .seconds(1)) == 8)
        #expect(h.cumulativeCount(atMost: .zero) == 0)
        var last: UInt64 = 0
        for us in stride(from: 0, through: 40_000, by: 250) {
            let c = h.cumulativeCount(atMost: .microseconds(us))
            #expect(c >= last)
            last = c
        }
    }
}
