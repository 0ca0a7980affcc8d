import Foundation
import Glibc
import Synchronization
import Testing
@testable import SwitchyardServer

/// End-to-end: reload under load, invalid reloads, drain and the systemd notifications (issue 5).
@Suite(.serialized) struct OperationsTests {
    @Test("50 reloads alternating instance lists under steady load: no failed request, traffic follows the lists")
    func reloadUnderLoad() throws {
        let a = try EchoUpstream(name: "a"), b = try EchoUpstream(name: "b"), c = try EchoUpstream(name: "c")
        let listAB = serviceYAML(instances: [a.url, b.url])
        let listAC = serviceYAML(instances: [a.url, c.url])
        let proxy = try ProxyUnderTest(services: listAB, workers: 2)
        let stop = SharedCounter(), ok = SharedCounter(), failed = SharedCounter()
        let failures = Mutex<[String]>([])
        let port = proxy.port
        let threads = (0..<3).map { _ in
            Thread {
                var conn: RawConnection?
                var sent = 0
                while stop.value == 0 && sent < 5000 {
                    sent += 1
                    do {
                        if conn == nil { conn = try RawConnection(port: port) }
                        let r = try conn!.request()
                        if r.status == 200 { ok.increment() } else {
                            failed.increment()
                            failures.withLock { $0.append("status \(r.status): \(r.bodyString)") }
                        }
                        if sent % 7 == 0 { conn = nil } // mix new and kept-alive connections
                    } catch {
                        failed.increment()
                        failures.withLock { $0.append("\(error)") }
                        conn = nil
                    }
                }
            }
        }
        for t in threads { t.start() }
        for i in 0..<50 {
            try proxy.reload(services: i % 2 == 0 ? listAC : listAB)
            usleep(40_000)
        }
        stop.increment()
        usleep(300_000)
        #expect(failed.value == 0, "\(failures.withLock { $0.prefix(5) })")
        #expect(ok.value > 100)
        // The last reload (i = 49) installed [a, b].
        var seen = Set<String>()
        for _ in 0..<8 { seen.insert(try proxy.request().upstreamName ?? "?") }
        #expect(seen == ["a", "b"])
        #expect(proxy.process.output.contains("reloaded"))
        _ = c
    }

    @Test("an invalid config on reload keeps the old one serving and logs the errors with line:column")
    func invalidReload() throws {
        let a = try EchoUpstream(name: "a")
        let proxy = try ProxyUnderTest(services: serviceYAML(instances: [a.url]))
        #expect(try proxy.request().status == 200)
        try "services:\n  - name: x\n    routes: [\"/\"]\n    instances: [\"ftp://nope\"]\n    balancer: round_robbin\n"
            .write(toFile: proxy.configPath, atomically: true, encoding: .utf8)
        proxy.process.signal(SIGHUP)
        usleep(300_000)
        #expect(try proxy.request().upstreamName == "a")
        let out = proxy.process.output
        #expect(out.contains("reload failed"))
        #expect(out.contains("config.yaml:4:"), "\(out)")
        #expect(out.contains("config.yaml:5:"), "\(out)")
    }

    @Test("reload: watch picks up a rewritten file without a signal")
    func watchReload() throws {
        let a = try EchoUpstream(name: "a"), b = try EchoUpstream(name: "b")
        let proxy = try ProxyUnderTest(services: serviceYAML(instances: [a.url]), extra: "reload: watch")
        #expect(try proxy.request().upstreamName == "a")
        try proxy.rewrite(services: serviceYAML(instances: [b.url]))
        #expect(try ObservabilityTests.eventually { try proxy.request().upstreamName == "b" })
        #expect(proxy.process.output.contains("changed: reloading"))
    }

    @Test("SIGTERM drains: slow requests in flight complete, new connections are refused, exit 0")
    func drain() throws {
        let slow = try EchoUpstream(name: "slow", arguments: ["--delay", "600ms"])
        let proxy = try ProxyUnderTest(services: serviceYAML(instances: [slow.url]), extra: """
            timeouts:
              drain: 5s
            """, workers: 2)
        let results = Mutex<[Int]>([])
        let port = proxy.port
        let inFlight = (0..<3).map { _ in
            Thread {
                let status = (try? RawConnection(port: port).request().status) ?? -1
                results.withLock { $0.append(status) }
            }
        }
        for t in inFlight { t.start() }
        usleep(200_000)
        proxy.process.signal(SIGTERM)
        usleep(150_000)
        #expect((try? RawConnection(port: port, timeout: 1)) == nil, "a new connection was accepted while draining")
        let status = proxy.process.waitForExit(timeout: 10)
        #expect(status == 0)
        #expect(results.withLock { $0.sorted() } == [200, 200, 200])
    }

    @Test("systemd notifications: READY, RELOADING/READY around a reload, STOPPING")
    func notify() throws {
        let a = try EchoUpstream(name: "a")
        let socketPath = TestPaths.tempDir().appendingPathComponent("notify.sock").path
        let receiver = try DatagramReceiver(notifySocket: socketPath)
        let proxy = try ProxyUnderTest(services: serviceYAML(instances: [a.url]), environment: ["NOTIFY_SOCKET": socketPath])
        usleep(100_000)
        try proxy.reload(services: serviceYAML(instances: [a.url]))
        usleep(300_000)
        proxy.process.signal(SIGTERM)
        #expect(proxy.process.waitForExit(timeout: 10) == 0)
        let messages = receiver.drain()
        #expect(messages.count == 4, "\(messages)")
        guard messages.count == 4 else { return }
        #expect(messages[0].hasPrefix("READY=1\nSTATUS=serving 1 service"))
        #expect(messages[1].hasPrefix("RELOADING=1\nMONOTONIC_USEC="))
        #expect(messages[2].hasPrefix("READY=1"))
        #expect(messages[3] == "STOPPING=1")
    }
}

/// An atomic counter that closures on other threads can share.
final class SharedCounter: Sendable {
    private let count = Atomic<Int>(0)
    func increment() { count.add(1, ordering: .relaxed) }
    var value: Int { count.load(ordering: .relaxed) }
}
