import Glibc
import Testing
import SwitchyardCore
@testable import SwitchyardServer

/// `HealthChecker.replaceTargets`: the instance URL (the label) is a target's identity across
/// reloads (issue 12 item 8).
@Suite("HealthCheckerReload", .serialized, .timeLimit(.minutes(1)))
struct HealthCheckerReloadTests {
    private func target(_ id: Int, _ label: String, port: UInt16, _ config: HealthCheckConfig) -> HealthTarget {
        HealthTarget(id: id, label: label, host: "127.0.0.1", port: port,
                     address: try! SocketAddress.resolve(host: "127.0.0.1", port: port), config: config)
    }

    @Test("a URL keeps its state through new settings; checked two ways it is two targets, both from its history")
    func urlIsTheIdentity() throws {
        let server = try TestHTTPServer()
        defer { server.stop() }
        let loop = try EventLoop(index: 0)
        let url = "http://127.0.0.1:\(server.port)"
        let fast = fastCheck(.tcp, interval: .milliseconds(10))
        let out = try #require(try runChecks(loop, targets: [target(0, url, port: server.port, fast)],
                                             until: { rounds, _ in rounds.count == 3 }))
        let checker = out.checker
        #expect(checker.state(for: url)?.recentResults.count == 3)

        // The URL now checked with two other settings (two services checking it differently).
        let slowTCP = fastCheck(.tcp, interval: .seconds(5), history: 50)
        let slowHTTP = fastCheck(.http, interval: .seconds(5))
        checker.replaceTargets([target(7, url, port: server.port, slowTCP), target(8, url, port: server.port, slowHTTP)])
        #expect(checker.targetCount == 2)
        let tcpState = try #require(checker.state(for: url, config: slowTCP))
        let httpState = try #require(checker.state(for: url, config: slowHTTP))
        #expect(tcpState.recentResults == out.rounds.map(\.result) && tcpState.history == 50)
        #expect(httpState.recentResults == out.rounds.map(\.result) && httpState.verdict == .healthy)
        var ids: [Int] = []
        checker.forEachState { t, _ in ids.append(t.id) }
        #expect(ids == [7, 8])

        // The same (URL, settings) twice is one target; a new URL starts with no history.
        let other = "http://127.0.0.1:1"
        checker.replaceTargets([target(9, url, port: server.port, slowHTTP), target(10, url, port: server.port, slowHTTP),
                                target(11, other, port: 1, slowHTTP)])
        #expect(checker.targetCount == 2)
        #expect(checker.state(for: url, config: slowHTTP)?.recentResults.count == 3)
        #expect(checker.state(for: url, config: slowTCP) == nil)
        #expect(checker.state(for: other)?.verdict == .unknown)
        #expect(checker.state(for: other)?.recentResults.isEmpty == true)
    }
}
