import Foundation
import Glibc
import Testing

/// End-to-end: reload applies `accept.max_connections` and `log.level`, and warns about each
/// restart-only setting it cannot apply (issue 12 item 5).
@Suite(.serialized, .timeLimit(.minutes(2))) struct ReloadSettingsTests {
    static func limitYAML(_ n: Int, level: String = "info") -> String {
        "accept:\n  max_connections: \(n)\nlog:\n  access: off\n  level: \(level)"
    }

    /// A client connection that has sent one request: `answered` reads its response (false when
    /// none comes within the connection's receive timeout, i.e. the proxy has not accepted it).
    final class Client {
        let connection: RawConnection
        init(_ proxy: ProxyUnderTest) throws {
            connection = try RawConnection(port: proxy.port, timeout: 0.4)
            try send()
        }
        func send() throws {
            try connection.send("POST / HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}")
        }
        func answered() -> Bool { (try? connection.readResponse().status) == 200 }
        /// Polls for the response of the request already sent for up to `timeout` seconds.
        func answered(within timeout: Double) -> Bool {
            ObservabilityTests.eventually(timeout: timeout) { answered() }
        }
        /// Sends another request on the same connection and reads its answer.
        func roundTrip() throws -> Bool {
            try send()
            return answered()
        }
    }

    @Test("a reload raising accept.max_connections accepts the waiting client; lowering it closes nothing and holds new ones")
    func maxConnectionsLive() throws {
        let a = try EchoUpstream(name: "a")
        let services = serviceYAML(instances: [a.url])
        let proxy = try ProxyUnderTest(services: services, extra: Self.limitYAML(2))
        let c1 = try Client(proxy), c2 = try Client(proxy)
        #expect(c1.answered() && c2.answered())
        let c3 = try Client(proxy)
        #expect(!c3.answered(), "a third connection was served under max_connections 2")

        #expect(try proxy.reloadAndWait(services: services, extra: Self.limitYAML(3)))
        #expect(c3.answered(within: 3), "the raised limit did not let the waiting connection in")
        let c4 = try Client(proxy)
        #expect(!c4.answered(), "a fourth connection was served under max_connections 3")

        #expect(try proxy.reloadAndWait(services: services, extra: Self.limitYAML(1)))
        // Three open connections over the new limit of 1: all keep working.
        for c in [c1, c2, c3] { #expect(try c.roundTrip()) }
        #expect(!c4.answered())
        c1.connection.close()
        c2.connection.close()
        // One still open: not below the limit of 1 yet.
        #expect(!c4.answered())
        c3.connection.close()
        #expect(c4.answered(within: 3), "the client was not accepted once the count fell below the lowered limit")
        #expect(proxy.process.output.contains("reload: accept.max_connections changed from 3 to 1"))
    }

    @Test("a reload changing log.level changes which lines reach stderr")
    func logLevelLive() throws {
        let a = try EchoUpstream(name: "a")
        let services = serviceYAML(instances: [a.url])
        let proxy = try ProxyUnderTest(services: services, extra: "log:\n  access: off\n  level: warning")
        func reloadedLines() -> Int { proxy.process.output.components(separatedBy: " info reloaded ").count - 1 }
        #expect(try proxy.reloadAndWait(services: services))
        #expect(reloadedLines() == 0, "an info line was written at level warning")

        #expect(try proxy.reloadAndWait(services: services, extra: "log:\n  access: off\n  level: info"))
        #expect(ObservabilityTests.eventually { reloadedLines() == 1 }, "\(proxy.process.output)")
        #expect(proxy.process.output.contains("reload: log.level changed from warning to info"))

        #expect(try proxy.reloadAndWait(services: services, extra: "log:\n  access: off\n  level: error"))
        #expect(try proxy.reloadAndWait(services: services, extra: "log:\n  access: off\n  level: error"))
        usleep(100_000)
        #expect(reloadedLines() == 1, "info lines were written at level error")
        // Errors still show.
        try "services: []\n".write(toFile: proxy.configPath, atomically: true, encoding: .utf8)
        proxy.process.signal(SIGHUP)
        #expect(ObservabilityTests.eventually { proxy.process.output.contains(" error reload failed") })
    }

    @Test("every restart-only setting a reload changes is warned about, on every reload until a restart")
    func restartOnlyWarnings() throws {
        let a = try EchoUpstream(name: "a")
        let services = serviceYAML(instances: [a.url])
        let proxy = try ProxyUnderTest(services: services)
        let otherAdmin = Net.freePort()
        let accessPath = TestPaths.tempDir().appendingPathComponent("access.log").path
        let workers = proxy.workers + 1
        for _ in 0..<2 {
            try "listen: \"127.0.0.1:\(proxy.port)\"\nworkers: \(workers)\nadmin:\n  listen: \"127.0.0.1:\(otherAdmin)\"\n"
                .appending("log:\n  access: \"\(accessPath)\"\n  level: info\nservices:\n\(services)\n")
                .write(toFile: proxy.configPath, atomically: true, encoding: .utf8)
            proxy.process.signal(SIGHUP)
            usleep(300_000)
        }
        let out = proxy.process.output
        func count(_ s: String) -> Int { out.components(separatedBy: s).count - 1 }
        #expect(count("reload: workers changed from \(proxy.workers) to \(workers); this takes effect at restart only") == 2, "\(out)")
        #expect(count("reload: admin.listen changed from 127.0.0.1:\(proxy.adminPort) to 127.0.0.1:\(otherAdmin); this takes effect at restart only") == 2)
        #expect(count("reload: log.access changed from off to \(accessPath); this takes effect at restart only") == 2)
        // The admin listener stayed where it was.
        #expect(try ObservabilityTests.admin(proxy, "/health").status == 200)
    }
}
