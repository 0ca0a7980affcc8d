import Foundation
import Glibc
import Testing

/// End-to-end: reactions (issue 15, SPEC section 9) against the real binary on loopback.
@Suite(.serialized, .timeLimit(.minutes(3))) struct ReactionsTests {
    static let check = """
        health_check:
          type: http
          interval: 100ms
          timeout: 100ms
          retries: 0
          healthy_after: 2
          unhealthy_after: 3
        circuit_breaker:
          max_ejected: 100%
        """

    static let ok = RawUpstream.Answer("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")

    /// The `reactions` member of `/stats`.
    static func stats(_ proxy: ProxyUnderTest) throws -> [String: Any] {
        try ObservabilityTests.admin(proxy, "/stats").json?["reactions"] as? [String: Any] ?? [:]
    }

    static func configured(_ proxy: ProxyUnderTest, _ name: String) throws -> [String: Any]? {
        (try stats(proxy)["configured"] as? [[String: Any]])?.first { $0["name"] as? String == name }
    }

    static func recent(_ proxy: ProxyUnderTest) throws -> [[String: Any]] {
        try stats(proxy)["recent"] as? [[String: Any]] ?? []
    }

    static func events(_ receiver: RawUpstream) -> [[String: Any]] {
        receiver.bodies.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }

    /// A proxy with one checked instance `a` and `reactions` (YAML lines) on its service.
    static func proxy(_ a: EchoUpstream, reactions: String) throws -> ProxyUnderTest {
        let proxy = try ProxyUnderTest(services: serviceYAML(name: "orders", instances: [a.url],
                                                             extra: check + "\nreactions:\n" + reactions))
        #expect(ObservabilityTests.eventually { proxy.process.output.contains(" ready: ") })
        return proxy
    }

    /// An instance `a`, a receiver answering 200, and a proxy whose reaction `hook` posts
    /// instance_down and instance_up to the receiver's `/hook` (`settings`: more YAML lines of it).
    static func hooked(_ settings: String) throws -> (EchoUpstream, RawUpstream, ProxyUnderTest) {
        let a = try EchoUpstream(name: "a")
        let receiver = try RawUpstream { _ in Self.ok }
        let proxy = try Self.proxy(a, reactions: """
              - name: hook
                on: [instance_down, instance_up]
            \(settings.replacingOccurrences(of: "RECEIVER", with: receiver.url))
            """)
        return (a, receiver, proxy)
    }

    @Test("a webhook gets exactly one instance_down after unhealthy_after failed checks and one instance_up on recovery")
    func webhookDownAndUp() throws {
        let (a, receiver, proxy) = try Self.hooked("""
                webhook:
                  url: "RECEIVER/hook"
                  headers: {Authorization: "Bearer t0ken"}
            """)
        defer { receiver.stop() }
        try ObservabilityTests.setHealth(a, 503)
        #expect(ObservabilityTests.eventually { Self.events(receiver).count >= 1 })
        usleep(600_000) // six more failing rounds: still one event
        var events = Self.events(receiver)
        #expect(events.count == 1)
        let down = try #require(events.first)
        #expect(down["kind"] as? String == "instance_down")
        #expect(down["service"] as? String == "orders")
        #expect(down["instance"] as? String == a.url)
        #expect((down["reason"] as? String ?? "").contains("3 consecutive"), "\(down)")
        #expect((down["counts"] as? [String: Any])?["unhealthy"] as? Int == 1)
        #expect(down["time"] is String)
        #expect(receiver.requests.first?.contains("Authorization: Bearer t0ken") == true)
        #expect(receiver.requests.first?.hasPrefix("POST /hook HTTP/1.1") == true)

        try ObservabilityTests.setHealth(a, 200)
        #expect(ObservabilityTests.eventually { Self.events(receiver).count >= 2 })
        usleep(400_000)
        events = Self.events(receiver)
        #expect(events.map { $0["kind"] as? String } == ["instance_down", "instance_up"])

        let hook = try #require(try Self.configured(proxy, "hook"))
        #expect(hook["kind"] as? String == "webhook" && hook["service"] as? String == "orders")
        #expect(hook["executed"] as? Int == 2 && hook["failed"] as? Int == 0 && hook["running"] as? Int == 0)
        let recent = try Self.recent(proxy)
        #expect(recent.map { $0["event"] as? String } == ["instance_down", "instance_up"])
        #expect(recent.allSatisfy { ($0["detail"] as? String ?? "").hasPrefix("HTTP 200 in ") && $0["outcome"] as? String == "executed" })
        let metrics = try ObservabilityTests.admin(proxy, "/metrics").bodyString
        #expect(metrics.contains(#"switchyard_reactions_total{service="orders",reaction="hook",kind="webhook",outcome="executed"} 2"#))
    }

    @Test("the dashboard's /events carries the reactions and their recent outcomes, as /stats does")
    func eventsCarryReactions() throws {
        let a = try EchoUpstream(name: "a")
        let proxy = try Self.proxy(a, reactions: """
              - name: journal
                on: [instance_down, instance_up]
                log: null
            """)
        try ObservabilityTests.setHealth(a, 503)
        #expect(ObservabilityTests.eventually { (try? Self.configured(proxy, "journal")?["executed"] as? Int) == 1 })
        let c = try RawConnection(port: proxy.adminPort)
        try c.send("GET /events HTTP/1.1\r\nHost: admin\r\n\r\n")
        _ = try c.readResponse(headRequest: true)
        let json = try #require(AdminEventsTests.data(try c.readEvent()))
        let reactions = json["reactions"] as? [String: Any]
        let configured = (reactions?["configured"] as? [[String: Any]])?.first
        #expect(configured?["name"] as? String == "journal" && configured?["kind"] as? String == "log")
        #expect(configured?["executed"] as? Int == 1)
        let recent = (reactions?["recent"] as? [[String: Any]])?.last
        #expect(recent?["event"] as? String == "instance_down" && recent?["outcome"] as? String == "executed")
    }

    @Test("a service whose only instance goes down is unavailable once, and available once when it is back")
    func serviceUnavailableAndBack() throws {
        let a = try EchoUpstream(name: "a")
        let receiver = try RawUpstream { _ in Self.ok }
        defer { receiver.stop() }
        let proxy = try Self.proxy(a, reactions: """
              - name: service
                on: [service_unavailable, service_available]
                webhook: {url: "\(receiver.url)/"}
            """)
        try ObservabilityTests.setHealth(a, 503)
        #expect(ObservabilityTests.eventually { Self.events(receiver).count == 1 })
        usleep(400_000)
        try ObservabilityTests.setHealth(a, 200)
        #expect(ObservabilityTests.eventually { Self.events(receiver).count == 2 })
        usleep(300_000)
        let events = Self.events(receiver)
        #expect(events.map { $0["kind"] as? String } == ["service_unavailable", "service_available"])
        #expect(events.allSatisfy { $0["instance"] is NSNull && $0["service"] as? String == "orders" })
        #expect((events.first?["reason"] as? String ?? "").hasPrefix("no instance can take traffic (\(a.url): health "))
        #expect((events.first?["counts"] as? [String: Any])?["unhealthy"] as? Int == 1)
        #expect((events.last?["counts"] as? [String: Any])?["healthy"] as? Int == 1)
        #expect(try Self.configured(proxy, "service")?["executed"] as? Int == 2)
    }

    @Test("every suppresses a repeat for the same instance, which /stats shows as skipped")
    func everySuppresses() throws {
        let (a, receiver, proxy) = try Self.hooked("""
                every: 1m
                webhook: {url: "RECEIVER/hook"}
            """)
        defer { receiver.stop() }
        try ObservabilityTests.setHealth(a, 503)
        #expect(ObservabilityTests.eventually { Self.events(receiver).count == 1 })
        try ObservabilityTests.setHealth(a, 200)
        #expect(try ObservabilityTests.eventually { try Self.configured(proxy, "hook")?["skipped"] as? Int == 1 })
        try ObservabilityTests.setHealth(a, 503)
        #expect(try ObservabilityTests.eventually { try Self.configured(proxy, "hook")?["skipped"] as? Int == 2 })
        #expect(Self.events(receiver).count == 1)
        let skipped = try Self.recent(proxy).filter { $0["outcome"] as? String == "skipped" }
        #expect(skipped.map { $0["event"] as? String } == ["instance_up", "instance_down"])
        #expect((skipped.first?["detail"] as? String ?? "").hasPrefix("within `every`: next run allowed in "))
    }

    @Test("a reload applies reactions: a global reaction added by a reload fires, one removed no longer does")
    func reloadApplies() throws {
        let a = try EchoUpstream(name: "a")
        let receiver = try RawUpstream { _ in Self.ok }
        defer { receiver.stop() }
        let services = serviceYAML(name: "orders", instances: [a.url], extra: Self.check)
        let proxy = try ProxyUnderTest(services: services)
        #expect(ObservabilityTests.eventually { proxy.process.output.contains(" ready: ") })
        #expect(try (Self.stats(proxy)["configured"] as? [Any])?.isEmpty == true)
        let global = "reactions:\n  - {name: global, on: [instance_down, instance_up], webhook: {url: \"\(receiver.url)/\"}}"
        #expect(try proxy.reloadAndWait(services: services, extra: global))
        let entry = try #require(try Self.configured(proxy, "global"))
        #expect(entry["service"] is NSNull)
        try ObservabilityTests.setHealth(a, 503)
        #expect(ObservabilityTests.eventually { Self.events(receiver).count == 1 })
        #expect(try proxy.reloadAndWait(services: services, extra: ""))
        try ObservabilityTests.setHealth(a, 200)
        #expect(try ObservabilityTests.eventually { try Self.instanceState(proxy, a.url) == "healthy" })
        usleep(300_000)
        #expect(Self.events(receiver).count == 1)
    }

    static func instanceState(_ proxy: ProxyUnderTest, _ url: String) throws -> String? {
        try ObservabilityTests.instanceStats(proxy, url)?["state"] as? String
    }

    @Test("exec runs a program with the event in its environment; its output goes to the log")
    func execWritesEvent() throws {
        let dir = TestPaths.tempDir()
        let script = dir.appendingPathComponent("record.sh").path
        let out = dir.appendingPathComponent("events.jsonl").path
        try "#!/bin/sh\nprintf '%s\\n' \"$SWITCHYARD_EVENT_JSON\" >> \"$1\"\necho \"recorded $SWITCHYARD_EVENT of $SWITCHYARD_INSTANCE\"\n"
            .write(toFile: script, atomically: true, encoding: .utf8)
        chmod(script, 0o755)
        let a = try EchoUpstream(name: "a")
        let proxy = try Self.proxy(a, reactions: """
              - name: record
                on: instance_down
                exec: {command: ["\(script)", "\(out)"], timeout: 5s}
            """)
        try ObservabilityTests.setHealth(a, 503)
        #expect(try ObservabilityTests.eventually { try Self.configured(proxy, "record")?["executed"] as? Int == 1 })
        let written = (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
        let event = try #require(try JSONSerialization.jsonObject(with: Data(written.utf8)) as? [String: Any])
        #expect(event["kind"] as? String == "instance_down" && event["instance"] as? String == a.url)
        #expect(ObservabilityTests.eventually { proxy.process.output.contains("reaction record output: recorded instance_down of \(a.url)") })
        #expect((try Self.recent(proxy).last?["detail"] as? String ?? "").hasPrefix("exit 0 in "))
    }

    @Test("an exec program that hangs is killed at its time limit, with the processes it started")
    func execKilledAtLimit() throws {
        let dir = TestPaths.tempDir()
        let script = dir.appendingPathComponent("hang.sh").path
        let pidFile = dir.appendingPathComponent("pid").path
        try "#!/bin/sh\nsleep 30 &\necho $! > \"$1\"\nwait\n".write(toFile: script, atomically: true, encoding: .utf8)
        chmod(script, 0o755)
        let a = try EchoUpstream(name: "a")
        let proxy = try Self.proxy(a, reactions: """
              - name: hang
                on: instance_down
                exec: {command: ["\(script)", "\(pidFile)"], timeout: 300ms}
            """)
        let start = Date()
        try ObservabilityTests.setHealth(a, 503)
        #expect(try ObservabilityTests.eventually { try Self.configured(proxy, "hang")?["running"] as? Int == 1 })
        #expect(try ObservabilityTests.eventually { try Self.configured(proxy, "hang")?["failed"] as? Int == 1 })
        #expect(Date().timeIntervalSince(start) < 4, "the run was not ended at its limit")
        #expect(try Self.recent(proxy).last?["detail"] as? String == "killed after the 300 ms time limit")
        let sleeper = pid_t((try? String(contentsOfFile: pidFile, encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines) ?? "") ?? 0
        #expect(sleeper > 0)
        // The grandchild went with the group (it is not our child: kill(0) fails once it is gone).
        #expect(ObservabilityTests.eventually { kill(sleeper, 0) != 0 })
        // The proxy still serves.
        #expect(try proxy.request("POST", "/").status != 0)
    }

    @Test("an exec reaction at max_running skips further events instead of queueing them")
    func maxRunningSkips() throws {
        let a = try EchoUpstream(name: "a"), b = try EchoUpstream(name: "b")
        let proxy = try ProxyUnderTest(services: serviceYAML(name: "orders", instances: [a.url, b.url], extra: Self.check + """

            reactions:
              - name: slow
                on: instance_down
                exec: {command: ["/bin/sleep", "2"], timeout: 5s, max_running: 1}
            """))
        #expect(ObservabilityTests.eventually { proxy.process.output.contains(" ready: ") })
        try ObservabilityTests.setHealth(a, 503)
        try ObservabilityTests.setHealth(b, 503)
        #expect(try ObservabilityTests.eventually { try Self.configured(proxy, "slow")?["skipped"] as? Int == 1 })
        let entry = try #require(try Self.configured(proxy, "slow"))
        #expect(entry["running"] as? Int == 1 && entry["executed"] as? Int == 0)
        #expect(try Self.recent(proxy).last?["detail"] as? String == "max_running 1 reached")
        #expect(try ObservabilityTests.eventually(timeout: 5) { try Self.configured(proxy, "slow")?["executed"] as? Int == 1 })
    }

    @Test("email reaches an SMTP relay with the event in subject and body")
    func emailReachesSink() throws {
        let sink = try SMTPSink()
        defer { sink.stop() }
        let a = try EchoUpstream(name: "a")
        let proxy = try Self.proxy(a, reactions: """
              - name: mail
                on: instance_down
                email:
                  relay: "\(sink.url)"
                  from: switchyard@example.com
                  to: [oncall@example.com, ops@example.com]
                  subject: "[switchyard] {{service}}: {{kind}}"
            """)
        try ObservabilityTests.setHealth(a, 503)
        #expect(ObservabilityTests.eventually { sink.messages.count == 1 })
        let message = try #require(sink.messages.first)
        #expect(message.from == "<switchyard@example.com>")
        #expect(message.to == ["<oncall@example.com>", "<ops@example.com>"])
        #expect(message.data.contains("Subject: [switchyard] orders: instance_down\r\n"))
        #expect(message.data.contains("  instance: \(a.url)\r\n"))
        #expect(try ObservabilityTests.eventually { try Self.configured(proxy, "mail")?["executed"] as? Int == 1 })
        #expect((try Self.recent(proxy).last?["detail"] as? String ?? "").hasPrefix("SMTP 250 in "))
    }
}

/// End-to-end: breaker events from the workers, webhook retries and templates, and a hanging webhook
/// against the proxy's latency.
@Suite(.serialized, .timeLimit(.minutes(3))) struct ReactionsDeliveryTests {
    @Test("a breaker opening on a worker reaches the reactions, and so does the service left with no instance")
    func breakerAndServiceEvents() throws {
        try breakerEvents(maxEjected: "100%", unavailable: true)
    }

    @Test("a one-instance service the max_ejected cap keeps serving is not reported unavailable")
    func capKeepsServiceAvailable() throws {
        try breakerEvents(maxEjected: "50%", unavailable: false)
    }

    func breakerEvents(maxEjected: String, unavailable expectsUnavailable: Bool) throws {
        let failing = try RawUpstream { _ in RawUpstream.Answer("HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n\r\n") }
        let receiver = try RawUpstream { _ in ReactionsTests.ok }
        defer { failing.stop(); receiver.stop() }
        let proxy = try ProxyUnderTest(services: serviceYAML(name: "orders", instances: [failing.url], extra: """
            circuit_breaker:
              consecutive_failures: 3
              cooldown: 1m
              max_ejected: \(maxEjected)
            reactions:
              - name: hook
                on: [breaker_open, service_unavailable]
                webhook: {url: "\(receiver.url)/"}
            """), workers: 2)
        for _ in 0..<3 { _ = try proxy.request() }
        #expect(ObservabilityTests.eventually { ReactionsTests.events(receiver).count == (expectsUnavailable ? 2 : 1) })
        // The two deliveries run side by side: they may arrive in either order.
        let events = ReactionsTests.events(receiver)
        let open = try #require(events.first { $0["kind"] as? String == "breaker_open" })
        #expect(open["instance"] as? String == failing.url)
        #expect((open["reason"] as? String ?? "").contains("3 consecutive failures"), "\(events)")
        #expect((open["counts"] as? [String: Any])?["open"] as? Int == 1)
        if expectsUnavailable {
            let unavailable = try #require(events.first { $0["kind"] as? String == "service_unavailable" })
            #expect(unavailable["instance"] is NSNull && unavailable["service"] as? String == "orders")
            #expect(try proxy.request().status == 503)
        } else {
            // The cap readmits the only instance: requests still reach it (and get its 500).
            #expect(try proxy.request().status == 500)
            usleep(300_000)
            #expect(ReactionsTests.events(receiver).count == 1)
        }
    }

    @Test("a webhook answered 503 is tried again with backoff until a 2xx; a body template is filled")
    func retriesAndTemplate() throws {
        let a = try EchoUpstream(name: "a")
        let calls = Counter()
        let receiver = try RawUpstream { _ in
            calls.next() <= 2 ? RawUpstream.Answer("HTTP/1.1 503 Busy\r\nContent-Length: 0\r\n\r\n") : ReactionsTests.ok
        }
        defer { receiver.stop() }
        let proxy = try ReactionsTests.proxy(a, reactions: #"""
              - name: slack
                on: instance_down
                webhook:
                  url: "\#(receiver.url)/slack"
                  body: '{"text":"{{service}}: {{instance}} is {{kind}} ({{reason}})"}'
                  retries: 3
                  retry_delay: 100ms
            """#)
        let start = Date()
        try ObservabilityTests.setHealth(a, 503)
        #expect(try ObservabilityTests.eventually { try ReactionsTests.configured(proxy, "slack")?["executed"] as? Int == 1 })
        #expect(Date().timeIntervalSince(start) >= 0.3, "100 ms then 200 ms of backoff")
        #expect(receiver.bodies.count == 3)
        let body = try #require(try JSONSerialization.jsonObject(with: Data((receiver.bodies.last ?? "").utf8)) as? [String: String])
        #expect(body["text"]?.hasPrefix("orders: \(a.url) is instance_down (health ") == true, "\(body)")
        #expect((try ReactionsTests.recent(proxy).last?["detail"] as? String ?? "").hasSuffix("(attempt 3)"))
    }

    @Test("a webhook nobody answers fails after its retries: logged as a warning, counted in /metrics and /stats")
    func unreachableWebhookFails() throws {
        let a = try EchoUpstream(name: "a")
        let closedPort = Net.freePort()
        let proxy = try ReactionsTests.proxy(a, reactions: """
              - name: gone
                on: instance_down
                webhook: {url: "http://127.0.0.1:\(closedPort)/", retries: 1, retry_delay: 50ms}
            """)
        try ObservabilityTests.setHealth(a, 503)
        #expect(try ObservabilityTests.eventually { try ReactionsTests.configured(proxy, "gone")?["failed"] as? Int == 1 })
        let detail = try ReactionsTests.recent(proxy).last?["detail"] as? String ?? ""
        #expect(detail.hasPrefix("Couldn't connect to server after ") && detail.hasSuffix("(2 attempts)"), "\(detail)")
        #expect(proxy.process.output.contains("warning reaction gone (webhook) on instance_down orders \(a.url): failed: Couldn't connect"))
        let metrics = try ObservabilityTests.admin(proxy, "/metrics").bodyString
        #expect(metrics.contains(#"switchyard_reactions_total{service="orders",reaction="gone",kind="webhook",outcome="failed"} 1"#))
        #expect(metrics.contains(#"switchyard_reactions_total{service="orders",reaction="gone",kind="webhook",outcome="executed"} 0"#))
    }

    /// The 99th percentile, in seconds, of POSTs sent for `seconds` over `connections` concurrent
    /// keep-alive connections (each waits for its answer before the next: a bounded load).
    static func p99(_ proxy: ProxyUnderTest, connections: Int = 4, seconds: Double = 1.5) throws -> (p99: Double, count: Int) {
        let samples = Samples()
        let port = proxy.port
        let end = Date().addingTimeInterval(seconds)
        DispatchQueue.concurrentPerform(iterations: connections) { _ in
            guard let c = try? RawConnection(port: port) else { return samples.fail() }
            while Date() < end {
                let t = Date()
                guard (try? c.request("POST", "/", body: "{}"))?.status == 200 else { return samples.fail() }
                samples.add(Date().timeIntervalSince(t))
            }
        }
        #expect(samples.failures == 0)
        let sorted = samples.values.sorted()
        return (sorted.isEmpty ? .infinity : sorted[min(sorted.count - 1, sorted.count * 99 / 100)], sorted.count)
    }

    @Test("a webhook that never answers does not delay proxied requests (p99 with and without it)")
    func hangingWebhookDoesNotDelayRequests() throws {
        let a = try EchoUpstream(name: "a"), flapping = try EchoUpstream(name: "flap")
        // Accepts, reads the request, and answers only after the webhook's timeout.
        let hanging = try RawUpstream { _ in sleep(3); return ReactionsTests.ok }
        defer { hanging.stop() }
        func services(_ reactions: String) -> String {
            serviceYAML(name: "orders", routes: ["/"], instances: [a.url]) + "\n"
                + serviceYAML(name: "flappy", routes: ["/flap"], instances: [flapping.url], extra: """
                    health_check: {type: http, interval: 50ms, timeout: 100ms, retries: 0, healthy_after: 1, unhealthy_after: 1}
                    """ + reactions)
        }
        let withHook = "\nreactions:\n  - {on: [instance_down, instance_up], webhook: {url: \"\(hanging.url)/\", timeout: 2s, retries: 1, retry_delay: 100ms}}"
        let stop = SharedFlag(false)
        let flapPort = flapping.port
        let flapper = Thread {
            var status = 503
            while !stop.isSet {
                _ = try? RawConnection(port: flapPort).request("POST", "/_echo/health", body: #"{"status":\#(status)}"#)
                status = status == 503 ? 200 : 503
                usleep(150_000)
            }
        }
        flapper.start()
        defer { stop.isSet = true }
        var results: [(hook: Bool, p99: Double, count: Int)] = []
        for hook in [false, true, false, true] {
            let proxy = try ProxyUnderTest(services: services(hook ? withHook : ""), workers: 2)
            #expect(ObservabilityTests.eventually { proxy.process.output.contains(" ready: ") })
            let before = hanging.requests.count
            if hook { #expect(ObservabilityTests.eventually { hanging.requests.count > before }, "no webhook started") }
            _ = try Self.p99(proxy, connections: 2, seconds: 0.2) // warm-up
            let (p99, count) = try Self.p99(proxy)
            results.append((hook, p99, count))
            if hook {
                let configured = try #require(try ReactionsTests.stats(proxy)["configured"] as? [[String: Any]])
                #expect((configured.first?["running"] as? Int ?? 0) >= 1, "no webhook was hanging during the load")
                #expect(hanging.requests.count - before >= 3, "too few webhooks during the load")
            }
            proxy.process.stop()
        }
        func text(_ hook: Bool) -> String {
            results.filter { $0.hook == hook }.map { String(format: "%.2f ms (%d requests)", $0.p99 * 1000, $0.count) }
                .joined(separator: ", ")
        }
        print("reactions p99 of a bounded load (4 connections, 1.5 s): without a webhook \(text(false)); with a hanging webhook \(text(true))")
        let without = results.filter { !$0.hook }.map(\.p99).min() ?? 0
        let with = results.filter { $0.hook }.map(\.p99).min() ?? 0
        #expect(with <= max(without * 3, without + 0.020), "p99 \(with) s with a hanging webhook, \(without) s without")
    }
}

/// Latencies gathered by concurrent clients.
final class Samples: @unchecked Sendable {
    private let lock = NSLock()
    private var list: [Double] = []
    private var failed = 0
    func add(_ seconds: Double) { lock.withLock { list.append(seconds) } }
    func fail() { lock.withLock { failed += 1 } }
    var values: [Double] { lock.withLock { list } }
    var failures: Int { lock.withLock { failed } }
}

/// A counter shared with an upstream's answer closure.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    /// Increments and returns the new value.
    func next() -> Int { lock.withLock { value += 1; return value } }
}
