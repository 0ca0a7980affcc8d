import Glibc
import Testing
import SwitchyardCore
@testable import SwitchyardServer

/// The cost of health checking 1,000 instances every second (docs/BENCHMARKS.md, "Health checks").
/// Slow (about 14 s), so it runs only when asked: `SWITCHYARD_BENCH=1 swift test --filter HealthCheckerBenchmark`.
@Suite("HealthCheckerBenchmark", .serialized, .timeLimit(.minutes(1)),
       .enabled(if: getenv("SWITCHYARD_BENCH") != nil))
struct HealthCheckerBenchmark {
    @Test("1,000 targets (500 http + 500 tcp) at a 1 s interval: CPU time of the checker's thread")
    func thousandTargets() throws {
        Signals.ignoreSIGPIPE()
        // Each target is its own instance (its own port, so its own connection in curl's cache), as
        // in a fleet; SWITCHYARD_BENCH_SHARED=1 points all 1,000 at 4 addresses instead.
        let shared = getenv("SWITCHYARD_BENCH_SHARED") != nil
        let servers = try (0..<4).map { _ in try KeepAliveHTTPServer(listeners: shared ? 1 : 250) }
        defer { servers.forEach { $0.stop() } }
        let seconds = Int(getenv("SWITCHYARD_BENCH_SECONDS").map { String(cString: $0) } ?? "") ?? 10
        let mix = getenv("SWITCHYARD_BENCH_MIX").map { String(cString: $0) } ?? "both"
        let count = Int(getenv("SWITCHYARD_BENCH_TARGETS").map { String(cString: $0) } ?? "") ?? 1000
        let targets = (0..<count).map { i in
            let type: HealthCheckType = mix == "both" ? (i % 2 == 0 ? .http : .tcp) : (mix == "http" ? .http : .tcp)
            let server = servers[i % servers.count]
            return healthTarget(i, port: server.ports[(i / servers.count) % server.ports.count],
                                fastCheck(type, interval: .seconds(1), timeout: .seconds(1)))
        }
        let loop = try EventLoop(index: 0)
        var rounds = 0, failures = 0
        let checker = try HealthChecker(loop: loop, targets: targets) { _, result, _, _ in
            rounds += 1
            if !result.ok { failures += 1 }
        }
        // The steady state: CPU is measured from the end of a warm-up (default 2 s), so the first
        // round's one-off work (opening 500 kept-alive connections) is not in the figure.
        let warmup = Int(getenv("SWITCHYARD_BENCH_WARMUP").map { String(cString: $0) } ?? "") ?? 2
        let threadsBefore = threadCount()
        var cpuBefore = Self.threadCPU()
        var wallBefore = MonotonicClock.now()
        let mark = ClosureHandler(fd: -1)
        mark.onTimer = { _, _ in
            cpuBefore = Self.threadCPU()
            wallBefore = MonotonicClock.now()
            rounds = 0
        }
        if warmup > 0 { loop.wakeUp(mark, at: wallBefore + .seconds(Int64(warmup))) }
        checker.start()
        loop.runBounded(limit: .seconds(Int64(warmup + seconds)))
        let wall = MonotonicClock.now() - wallBefore
        let cpuAfter = Self.threadCPU()
        let user = cpuAfter.user - cpuBefore.user, system = cpuAfter.system - cpuBefore.system
        let cpu = user + system
        let threadsAfter = threadCount()
        checker.stop()
        let share = cpu.milliseconds / wall.milliseconds * 100
        print("health bench (\(mix), \(shared ? "4 shared addresses" : "\(count) addresses"), after \(warmup) s warm-up): \(rounds) rounds (\(failures) failed) in \(wall), checker thread CPU \(cpu) (user \(user), system \(system)) = \(share)% of one core; threads \(threadsBefore) -> \(threadsAfter)")
        #expect(rounds >= count * (seconds - 1))
        #expect(failures == 0)
        #expect(threadsAfter <= threadsBefore)   // curl starts no resolver threads
    }

    /// User + system time of the calling thread.
    private static func threadCPU() -> (user: Duration, system: Duration) {
        var u = rusage()
        _ = getrusage(1, &u)   // RUSAGE_THREAD (a GNU constant Glibc does not export)
        return (.seconds(u.ru_utime.tv_sec) + .microseconds(u.ru_utime.tv_usec),
                .seconds(u.ru_stime.tv_sec) + .microseconds(u.ru_stime.tv_usec))
    }

    /// Threads in this process (`/proc/self/task`).
    private func threadCount() -> Int {
        guard let dir = opendir("/proc/self/task") else { return -1 }
        defer { closedir(dir) }
        var n = 0
        while let e = readdir(dir) {
            if e.pointee.d_name.0 != UInt8(ascii: ".") { n += 1 }
        }
        return n
    }
}
