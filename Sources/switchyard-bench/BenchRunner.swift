import Glibc

/// Times benchmarks with the monotonic clock: grows the iteration count until one run takes at
/// least `minRunNanoseconds`, then reports the median ns/op of `runs` runs.
struct BenchRunner {
    var runs = 7
    var minRunNanoseconds: UInt64 = 20_000_000

    /// Keeps results observable so the optimiser cannot drop the benchmark loops.
    nonisolated(unsafe) static var sink = 0

    static func now() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }

    /// Nanoseconds of one run of `iterations` operations.
    static func time(_ bench: BenchCase, iterations: Int) -> UInt64 {
        let start = now()
        sink &+= bench.run(iterations)
        return now() - start
    }

    /// The median nanoseconds per operation, and the iterations per run used.
    func measure(_ bench: BenchCase) -> (nsPerOp: Double, iterations: Int) {
        var iterations = 16
        while Self.time(bench, iterations: iterations) < minRunNanoseconds / 4 && iterations < 1 << 30 {
            iterations *= 4
        }
        var samples: [Double] = []
        for _ in 0..<runs {
            samples.append(Double(Self.time(bench, iterations: iterations)) / Double(iterations))
        }
        samples.sort()
        return (samples[samples.count / 2], iterations)
    }
}
