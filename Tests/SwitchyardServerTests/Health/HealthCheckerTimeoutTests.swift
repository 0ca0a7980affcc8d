import Glibc
import Testing
import SwitchyardCore
@testable import SwitchyardServer

/// A check `timeout` longer than its `interval` (issue 12 item 10): rounds of one target never
/// overlap, the next starting `interval` after the previous one ended.
@Suite("HealthCheckerTimeout", .serialized, .timeLimit(.minutes(1)))
struct HealthCheckerTimeoutTests {
    @Test("timeout 150ms over interval 30ms against an upstream gone silent: one connection at a time, down after unhealthy_after rounds")
    func timeoutLongerThanInterval() throws {
        let server = try TestHTTPServer(status: 200)
        defer { server.stop() }
        let loop = try EventLoop(index: 0)
        let interval = Duration.milliseconds(30), timeout = Duration.milliseconds(150)
        let config = fastCheck(.http, interval: interval, timeout: timeout, unhealthyAfter: 3)
        let out = try #require(try runChecks(loop, targets: [healthTarget(1, port: server.port, config)],
            until: { rounds, _ in rounds.last?.verdict == .unhealthy },
            afterRound: { _, _ in server.isSilent.store(true, ordering: .relaxed) }))
        let rounds = out.rounds
        // Healthy on the first round (answered), then three timeouts: down on the third.
        #expect(rounds.map(\.result.ok) == [true, false, false, false])
        #expect(rounds.map(\.verdict) == [.healthy, .healthy, .healthy, .unhealthy])
        #expect(rounds.dropFirst().allSatisfy { $0.result.detail == "timeout" && $0.result.latency >= timeout - .milliseconds(5) })
        // Each failed round started after the one before it ended (at least interval minus jitter
        // later), so it ended at least that plus its own timeout after the previous end.
        for (previous, next) in zip(rounds.dropFirst(), rounds.dropFirst(2)) {
            #expect(next.result.at - previous.result.at >= timeout + interval * 0.9 - .milliseconds(5))
        }
        // Never two checks open to the instance: each timed-out connection was closed before the next.
        #expect(server.maxOpenSilent.load(ordering: .relaxed) == 1)
        #expect(server.requests.load(ordering: .relaxed) == 4)
    }
}
