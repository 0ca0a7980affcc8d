@testable import SwitchyardCore

/// Shared fixtures of the balancing tests, namespaced so other suites' helpers cannot collide.
enum BalancingFixtures {
    /// Runs `picks` selections over `eligible` with nothing tried and no load, counting picks per instance.
    static func pickCounts<S: InstanceSelector>(_ selector: inout S, eligible: EligibleSet, instances: Int, picks: Int,
                                                seed: UInt64 = 42) -> [Int] {
        var rng = SplitMix64(seed: seed)
        var counts = Array(repeating: 0, count: instances)
        for _ in 0..<picks {
            if let i = selector.select(from: eligible, excluding: TriedInstances(), inFlight: { _ in 0 }, using: &rng) {
                counts[i] += 1
            }
        }
        return counts
    }

    /// Whether `count` is within `tolerance` (a fraction) of `expected`.
    static func isNear(_ count: Int, _ expected: Double, tolerance: Double = 0.05) -> Bool {
        let c = Double(count)
        return c >= expected * (1 - tolerance) && c <= expected * (1 + tolerance)
    }

    /// A generator that replays fixed outputs, for exact draws.
    struct Scripted: RandomNumberGenerator {
        var outputs: [UInt64]
        var position = 0
        init(_ outputs: [UInt64]) { self.outputs = outputs }
        mutating func next() -> UInt64 {
            precondition(position < 1000, "scripted generator drained: a rejection loop?")
            defer { position += 1 }
            return outputs[position % outputs.count]
        }
    }

    /// One instance per weight, on distinct hosts, with the given priorities (default `med`).
    static func instances(weights: [Int], priorities: [Int]? = nil) -> [InstanceConfig] {
        weights.indices.map { i in
            InstanceConfig(url: UpstreamURL(host: "10.0.0.\(i + 1)", port: 8080),
                           priority: priorities?[i] ?? 2, weight: weights[i])
        }
    }
}
