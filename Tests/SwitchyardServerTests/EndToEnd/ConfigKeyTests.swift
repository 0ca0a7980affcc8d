import Foundation
import Glibc
import Testing

/// End-to-end: each configuration key does what it says (issue 12), on the real binary.
@Suite(.serialized) struct ConfigKeyTests {
    /// A breaker that never trips, so only the key under test decides.
    static let noBreaker = """
        circuit_breaker:
          min_requests: 100000
          consecutive_failures: 0
        """

    static func totals(_ proxy: ProxyUnderTest, _ url: String) throws -> [String: Any] {
        (try ObservabilityTests.instanceStats(proxy, url)?["totals"] as? [String: Any]) ?? [:]
    }

    static func retryStats(_ proxy: ProxyUnderTest) throws -> [String: Any] {
        let stats = try ObservabilityTests.admin(proxy, "/stats").json
        let service = (stats?["services"] as? [[String: Any]])?.first
        return (service?["retries"] as? [String: Any]) ?? [:]
    }

    @Test("retries.on: 5xx sends a 5xx answer to another instance instead of the client (item 1)")
    func retryOn5xx() throws {
        let bad = try EchoUpstream(name: "bad", arguments: ["--fail-rate", "1"])
        let good = try EchoUpstream(name: "good")
        let proxy = try ProxyUnderTest(services: serviceYAML(instances: [bad.url, good.url], extra: Self.noBreaker + """

            retries:
              attempts: 2
              on: [5xx]
            """))
        let c = try proxy.connect()
        for i in 0 ..< 6 {
            let r = try c.request("POST", "/o/\(i)")
            #expect(r.status == 200)
            #expect(r.upstreamName == "good")
        }
        let badTotals = try Self.totals(proxy, bad.url)
        #expect((badTotals["responses"] as? [String: Any])?["5xx"] as? Int == 3)
        #expect(try Self.retryStats(proxy)["sent"] as? Int == 3)
    }

    @Test("without 5xx in retries.on the upstream's 5xx reaches the client")
    func no5xxRetry() throws {
        let bad = try EchoUpstream(name: "bad", arguments: ["--fail-rate", "1"])
        let good = try EchoUpstream(name: "good")
        let proxy = try ProxyUnderTest(services: serviceYAML(instances: [bad.url, good.url], extra: Self.noBreaker))
        let c = try proxy.connect()
        var statuses: [Int] = []
        for _ in 0 ..< 4 { statuses.append(try c.request().status) }
        #expect(statuses.sorted() == [200, 200, 500, 500])
    }

    @Test("timeouts.attempt cuts a slow attempt and retries.on: timeout retries it inside timeouts.response (item 2)")
    func attemptTimeout() throws {
        let slow = try EchoUpstream(name: "slow", arguments: ["--delay", "3s"])
        let fast = try EchoUpstream(name: "fast")
        let proxy = try ProxyUnderTest(services: serviceYAML(instances: [slow.url, fast.url], extra: Self.noBreaker + """

            retries:
              attempts: 2
              on: [timeout]
            """), extra: "timeouts:\n  attempt: 300ms\n  response: 5s")
        let c = try proxy.connect()
        for _ in 0 ..< 4 {
            let start = Date()
            let r = try c.request()
            let elapsed = Date().timeIntervalSince(start)
            #expect(r.status == 200)
            #expect(r.upstreamName == "fast")
            #expect(elapsed < 2)
        }
        #expect(try Self.totals(proxy, slow.url)["timeouts"] as? Int == 2)
    }

    @Test("an instance the max_ejected cap lets back in takes traffic although its breaker is open (item 3)")
    func maxEjectedReadmits() throws {
        let failing = SharedFlag(true)
        let answer: @Sendable (String) -> RawUpstream.Answer = { _ in
            failing.isSet
                ? .init("HTTP/1.1 500 Internal Server Error\r\nContent-Length: 2\r\n\r\n{}", close: false)
                : .init("HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\n{\"ok\":true}", close: false)
        }
        let a = try RawUpstream(answer: answer), b = try RawUpstream(answer: answer)
        defer { a.stop(); b.stop() }
        let proxy = try ProxyUnderTest(services: serviceYAML(instances: [a.url, b.url], extra: """
            circuit_breaker:
              min_requests: 100000
              consecutive_failures: 2
              cooldown: 60s
              max_ejected: 50%
            """))
        let c = try proxy.connect()
        // Both breakers open; the cap (one of two) lets the later one back in.
        for _ in 0 ..< 4 { #expect(try c.request().status == 500) }
        // The worker records an outcome just after the answer's last byte went out: /stats may lag by that.
        #expect(try ObservabilityTests.eventually {
            try [a.url, b.url].map { try ObservabilityTests.instanceStats(proxy, $0)?["state"] as? String } == ["open", "open"]
        })
        failing.isSet = false
        for _ in 0 ..< 3 {
            let r = try c.request()
            #expect(r.status == 200, "the cap promised an instance, not a 503")
        }
    }

    @Test("a retry after a reload stays on the request's configuration and never retries the instance that failed (item 4)")
    func retryAcrossReload() throws {
        let hole = try Blackhole()
        let good = try EchoUpstream(name: "good")
        let services = serviceYAML(instances: [hole.url, good.url], extra: Self.noBreaker)
        let proxy = try ProxyUnderTest(services: services, extra: "timeouts:\n  connect: 800ms")
        let result = SharedResult()
        let port = proxy.port
        let client = Thread {
            result.set(Result { try RawConnection(port: port).request() })
        }
        client.start()
        // The request's first attempt (the blackhole, first in round robin) hangs in connect; reload meanwhile.
        usleep(300_000)
        try proxy.reload(services: services)
        let r = try result.wait(seconds: 5).get()
        #expect(r.status == 200)
        #expect(r.upstreamName == "good")
        #expect(try Self.totals(proxy, hole.url)["connect_failures"] as? Int == 1)
    }

    @Test("timeouts.client_body, not client_header, bounds a slowly sent body (item 9)")
    func slowBody() throws {
        let echo = try EchoUpstream(name: "a")
        let proxy = try ProxyUnderTest(services: serviceYAML(instances: [echo.url]),
                                       extra: "timeouts:\n  client_header: 300ms\n  client_body: 3s")
        let c = try proxy.connect()
        let body = #"{"slowly":"sent body"}"#
        try c.send("POST /slow HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n")
        for piece in body.map(String.init) {
            usleep(40_000)
            try c.send(piece)
        }
        let r = try c.readResponse()
        #expect(r.status == 200)
        // The whole body past client_body is still a 408.
        let strict = try ProxyUnderTest(services: serviceYAML(instances: [echo.url]),
                                        extra: "timeouts:\n  client_header: 5s\n  client_body: 300ms")
        let s = try strict.connect()
        try s.send("POST /slow HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 10\r\n\r\n{")
        #expect(try s.readResponse().status == 408)
    }

    @Test("under a full outage of one of two instances, retries stay within retries.budget")
    func retryBudget() throws {
        let deadPort = Net.freePort()
        let good = try EchoUpstream(name: "good")
        let proxy = try ProxyUnderTest(services: serviceYAML(supplier: "static", instances: ["http://127.0.0.1:\(deadPort)", good.url],
                                                             extra: Self.noBreaker + """

            retries:
              attempts: 2
              on: [connect_failure]
              budget: 20%
              min_per_second: 0
            """))
        let c = try proxy.connect()
        let n = 400
        var ok = 0
        for _ in 0 ..< n where try c.request().status == 200 { ok += 1 }
        let dead = try Self.totals(proxy, "http://127.0.0.1:\(deadPort)")["requests"] as? Int ?? -1
        let alive = try Self.totals(proxy, good.url)["requests"] as? Int ?? -1
        let retries = try Self.retryStats(proxy)
        let sent = retries["sent"] as? Int ?? -1, refused = retries["refused_by_budget"] as? Int ?? -1
        // Every first attempt on the dead instance failed and asked for a retry.
        #expect(sent + refused == dead)
        // The budget is 20% of the requests the live instance answered on their first attempt.
        let normal = n - dead
        #expect(sent <= normal / 5)
        #expect(sent >= normal / 5 - 3)
        // So the live instance took its own share plus retries: at most (1 + budget) times its normal load.
        #expect(alive == normal + sent)
        #expect(Double(alive) <= 1.2 * Double(normal))
        #expect(ok == alive)
        let metrics = try ObservabilityTests.admin(proxy, "/metrics").bodyString
        #expect(metrics.contains("switchyard_retries_refused_total{service=\"demo\"} \(refused)"))
    }
}

/// A value handed from a client thread to the test.
final class SharedResult: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var value: Result<TestResponse, any Error>?
    func set(_ v: Result<TestResponse, any Error>) { value = v; done.signal() }
    func wait(seconds: Double) throws -> Result<TestResponse, any Error> {
        guard done.wait(timeout: .now() + seconds) == .success, let value else { throw TestError("no answer in time") }
        return value
    }
}
