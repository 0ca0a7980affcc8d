import Foundation
import Glibc
import Synchronization
import Testing

/// End-to-end: instances followed through a real DNS server (dnsmasq on loopback) while load runs
/// (issue 13). Instances live on 127.0.0.x, one address each, so that A records can tell them apart.
@Suite(.serialized, .timeLimit(.minutes(2)))
struct DiscoveryTests {
    /// Requests sent one after another on keep-alive connections by a background thread, until stopped.
    final class Load: @unchecked Sendable {
        private let lock = NSLock()
        private var answers: [(at: Date, status: Int, name: String?)] = []
        private let stopped = Atomic<Bool>(false)
        private let done = DispatchSemaphore(value: 0)

        init(port: UInt16) {
            Thread { [self] in
                var c: RawConnection?
                while !stopped.load(ordering: .relaxed) {
                    do {
                        if c == nil { c = try RawConnection(port: port, timeout: 5) }
                        let r = try c!.request()
                        record(r.status, r.upstreamName)
                        if r.header("Connection")?.lowercased() == "close" { c = nil }
                    } catch {
                        record(0, "\(error)")
                        c = nil
                    }
                    usleep(2_000)
                }
                done.signal()
            }.start()
        }

        private func record(_ status: Int, _ name: String?) {
            lock.lock(); answers.append((Date(), status, name)); lock.unlock()
        }

        /// Stops the thread and waits for it (once; later calls return at once).
        func stop() {
            guard !stopped.exchange(true, ordering: .relaxed) else { return }
            _ = done.wait(timeout: .now() + 10)
        }

        var all: [(at: Date, status: Int, name: String?)] { lock.lock(); defer { lock.unlock() }; return answers }
        /// Upstream names answering since `since`.
        func names(since: Date) -> Set<String> { Set(all.filter { $0.at >= since }.compactMap(\.name)) }
        var failures: [(at: Date, status: Int, name: String?)] { all.filter { $0.status != 200 } }
    }

    static func waitFor(_ timeout: Double, _ condition: () -> Bool) -> Bool {
        let end = Date().addingTimeInterval(timeout)
        while Date() < end {
            if condition() { return true }
            usleep(50_000)
        }
        return false
    }

    static func discovery(_ dns: DNSServer, name: String, type: String, port: UInt16? = nil,
                          extra: String = "") -> String {
        let p = port.map { ", port: \($0)" } ?? ""
        return "{discover: {name: \(name), type: \(type)\(p), resolvers: [\"\(dns.resolver)\"], interval: 1s, min_interval: 200ms\(extra)}}"
    }

    @Test("traffic follows the A records within one interval, and no request fails while instances come and go")
    func followsARecords() throws {
        let port = Net.freePort()
        let e1 = try EchoUpstream(name: "e1", host: "127.0.0.1", port: port)
        let e2 = try EchoUpstream(name: "e2", host: "127.0.0.2", port: port)
        let e3 = try EchoUpstream(name: "e3", host: "127.0.0.3", port: port)
        let dns = try DNSServer(.init(a: ["web.test.internal": ["127.0.0.1"]]))
        let proxy = try ProxyUnderTest(services: serviceYAML(instances: [
            Self.discovery(dns, name: "web.test.internal", type: "a", port: port)]))
        #expect(Self.waitFor(5) { (try? proxy.request().status) == 200 })
        let load = Load(port: proxy.port)
        defer { load.stop() }
        usleep(300_000)
        #expect(load.names(since: .distantPast) == ["e1"])

        try dns.setA(["web.test.internal": ["127.0.0.1", "127.0.0.2"]])
        var changed = Date()
        #expect(Self.waitFor(2.5) { load.names(since: changed).contains("e2") }, "e2 gets traffic within an interval")
        try dns.setA(["web.test.internal": ["127.0.0.2", "127.0.0.3"]])
        changed = Date()
        #expect(Self.waitFor(2.5) { load.names(since: changed).contains("e3") })
        // Once the set no longer has e1, it gets nothing.
        usleep(1_500_000)
        let later = Date()
        usleep(700_000)
        #expect(load.names(since: later) == ["e2", "e3"])
        load.stop()
        #expect(load.failures.isEmpty, "failed: \(load.failures.prefix(5))")
        #expect(load.all.count > 100)
        let stats = try ObservabilityTests.admin(proxy, "/stats").json
        let service = (stats?["services"] as? [[String: Any]])?.first
        let d = (service?["discovery"] as? [[String: Any]])?.first
        #expect(d?["name"] as? String == "web.test.internal")
        #expect(d?["instances"] as? [String] == [e2.url, e3.url])
        #expect(d?["last_error"] is NSNull)
        let metrics = try ObservabilityTests.admin(proxy, "/metrics").bodyString
        #expect(metrics.contains("switchyard_discovery_instances{service=\"demo\",name=\"web.test.internal\",type=\"a\"} 2"))
        _ = (e1, e2, e3)
    }

    @Test("with the DNS server gone, the last set keeps serving and the failure shows in /stats")
    func serverStopped() throws {
        let port = Net.freePort()
        let e1 = try EchoUpstream(name: "e1", host: "127.0.0.1", port: port)
        let e2 = try EchoUpstream(name: "e2", host: "127.0.0.2", port: port)
        let dns = try DNSServer(.init(a: ["web.test.internal": ["127.0.0.1", "127.0.0.2"]]))
        let proxy = try ProxyUnderTest(services: serviceYAML(instances: [
            Self.discovery(dns, name: "web.test.internal", type: "a", port: port, extra: ", timeout: 300ms")]))
        #expect(Self.waitFor(5) { (try? proxy.request().status) == 200 })
        dns.stop()
        usleep(3_000_000)   // several intervals of failed lookups
        let c = try proxy.connect()
        var names = Set<String>()
        for _ in 0 ..< 10 {
            let r = try c.request()
            #expect(r.status == 200)
            if let n = r.upstreamName { names.insert(n) }
        }
        #expect(names == ["e1", "e2"])
        let stats = try ObservabilityTests.admin(proxy, "/stats").json
        let d = ((stats?["services"] as? [[String: Any]])?.first?["discovery"] as? [[String: Any]])?.first
        #expect((d?["consecutive_failures"] as? Int ?? 0) > 0)
        #expect(d?["last_error"] is String)
        #expect((d?["instances"] as? [String])?.count == 2)
        _ = (e1, e2)
    }

    @Test("SRV weights 3:1 split the traffic within 10% of 3:1")
    func srvWeights() throws {
        let heavy = try EchoUpstream(name: "heavy", host: "127.0.0.1")
        let light = try EchoUpstream(name: "light", host: "127.0.0.2")
        let dns = try DNSServer(.init(a: ["h.test.internal": ["127.0.0.1"], "l.test.internal": ["127.0.0.2"]],
                                      srv: [("_web._tcp.test.internal", "h.test.internal", heavy.port, 0, 3),
                                            ("_web._tcp.test.internal", "l.test.internal", light.port, 0, 1)]))
        let proxy = try ProxyUnderTest(services: serviceYAML(instances: [
            Self.discovery(dns, name: "_web._tcp.test.internal", type: "srv")]))
        #expect(Self.waitFor(5) { (try? proxy.request().status) == 200 })
        usleep(300_000)
        let c = try proxy.connect()
        var counts: [String: Int] = [:]
        for _ in 0 ..< 400 { counts[try c.request().upstreamName ?? "?", default: 0] += 1 }
        let ratio = Double(counts["heavy"] ?? 0) / Double(max(counts["light"] ?? 0, 1))
        #expect(ratio >= 2.7 && ratio <= 3.3, "split \(counts)")
    }

    @Test("an SRV priority tier takes over when the primary tier dies")
    func srvPriorityTiers() throws {
        let primary = try EchoUpstream(name: "primary", host: "127.0.0.1")
        let backup = try EchoUpstream(name: "backup", host: "127.0.0.2")
        let dns = try DNSServer(.init(a: ["p.test.internal": ["127.0.0.1"], "b.test.internal": ["127.0.0.2"]],
                                      srv: [("_web._tcp.test.internal", "p.test.internal", primary.port, 10, 1),
                                            ("_web._tcp.test.internal", "b.test.internal", backup.port, 20, 1)]))
        let proxy = try ProxyUnderTest(services: serviceYAML(balancer: "priority", instances: [
            Self.discovery(dns, name: "_web._tcp.test.internal", type: "srv")], extra: """
            circuit_breaker:
              consecutive_failures: 2
              cooldown: 30s
            """))
        #expect(Self.waitFor(5) { (try? proxy.request().status) == 200 })
        let c = try proxy.connect()
        for _ in 0 ..< 10 { #expect(try c.request().upstreamName == "primary") }
        primary.process.stop()
        var names: [String] = []
        for _ in 0 ..< 10 {
            let r = try c.request()
            #expect(r.status == 200, "a connect failure on the dead tier is retried on the next one")
            names.append(r.upstreamName ?? "?")
        }
        #expect(names.allSatisfy { $0 == "backup" })
    }

    @Test("an instance that appears takes no traffic before its first health check answered")
    func checkedBeforeTraffic() throws {
        let port = Net.freePort()
        let e1 = try EchoUpstream(name: "e1", host: "127.0.0.1", port: port)
        // e2 answers everything, /health included, after 3 s: its first check times out after 1 s.
        let e2 = try EchoUpstream(name: "e2", host: "127.0.0.2", port: port, arguments: ["--delay", "3s"])
        let dns = try DNSServer(.init(a: ["web.test.internal": ["127.0.0.1"]]))
        let proxy = try ProxyUnderTest(services: serviceYAML(instances: [
            Self.discovery(dns, name: "web.test.internal", type: "a", port: port)], extra: """
            health_check:
              type: http
              path: /health
              interval: 500ms
              timeout: 1s
              retries: 0
            """))
        #expect(Self.waitFor(5) { (try? proxy.request().status) == 200 })
        let load = Load(port: proxy.port)
        defer { load.stop() }
        try dns.setA(["web.test.internal": ["127.0.0.1", "127.0.0.2"]])
        // Discovery adds e2 within an interval; its first check fails after 1 s: it never takes traffic.
        usleep(3_000_000)
        load.stop()
        #expect(load.failures.isEmpty, "failed: \(load.failures.prefix(5))")
        #expect(load.names(since: .distantPast) == ["e1"])
        let stats = try ObservabilityTests.instanceStats(proxy, e2.url)
        #expect(stats?["state"] as? String == "unhealthy")
        _ = e1
    }
}

extension DiscoveryTests {
    @Test("a reload that changes a discover entry's settings keeps its instances; one that drops it removes them")
    func reloadKeepsSets() throws {
        let port = Net.freePort()
        let e1 = try EchoUpstream(name: "e1", host: "127.0.0.1", port: port)
        let stat = try EchoUpstream(name: "static", host: "127.0.0.1")
        let dns = try DNSServer(.init(a: ["web.test.internal": ["127.0.0.1"]]))
        let entry = Self.discovery(dns, name: "web.test.internal", type: "a", port: port)
        let proxy = try ProxyUnderTest(services: serviceYAML(instances: [entry]))
        #expect(Self.waitFor(5) { (try? proxy.request().upstreamName) == "e1" })
        let warm = try proxy.connect()
        for _ in 0 ..< 5 { #expect(try warm.request().upstreamName == "e1") }
        let before = try ConfigKeyTests.totals(proxy, e1.url)["requests"] as? Int ?? 0
        // Other settings (a longer interval): the instance and its state stay through the reload (a
        // dropped and re-found instance would start again from zero), and no request fails.
        #expect(try proxy.reloadAndWait(services: serviceYAML(instances: [
            entry.replacingOccurrences(of: "interval: 1s", with: "interval: 2s")])))
        let c = try proxy.connect()
        for _ in 0 ..< 20 { #expect(try c.request().upstreamName == "e1") }
        #expect(try ConfigKeyTests.totals(proxy, e1.url)["requests"] as? Int ?? 0 >= before + 20)
        // Dropped: only the static instance is left.
        #expect(try proxy.reloadAndWait(services: serviceYAML(instances: [stat.url])))
        let d = try proxy.connect()
        for _ in 0 ..< 10 { #expect(try d.request().upstreamName == "static") }
        _ = e1
    }
}
