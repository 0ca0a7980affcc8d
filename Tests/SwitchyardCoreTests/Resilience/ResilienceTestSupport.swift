import Testing
@testable import SwitchyardCore

/// Helpers shared by the resilience tests, namespaced so they cannot clash with other suites'.
enum RT {
    /// SplitMix64: a seeded generator so distributions are reproducible.
    struct SplitMix64: RandomNumberGenerator {
        var state: UInt64
        init(seed: UInt64) { state = seed }
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// Nearest-rank percentile of a sorted array: the oracle the histogram is checked against.
    static func oraclePercentile(_ sorted: [Int64], _ p: Double) -> Int64 {
        let exact = p * Double(sorted.count)
        var rank = Int(exact)
        if Double(rank) < exact { rank += 1 }
        return sorted[min(max(rank, 1), sorted.count) - 1]
    }

    static func relativeError(_ got: Duration, _ want: Int64) -> Double {
        let g = Double(got.nanoseconds), w = Double(want)
        return (g > w ? g - w : w - g) / w
    }

    /// `#expect` and `#require` cannot take mutating calls: these plain functions can.
    static func check(_ condition: Bool, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(condition, sourceLocation: sourceLocation)
    }

    static func unwrap<T>(_ value: T?, sourceLocation: SourceLocation = #_sourceLocation) throws -> T {
        try #require(value, sourceLocation: sourceLocation)
    }
}
