import Foundation
import Glibc
import Testing

/// End-to-end: the real binary in front of real upstreams on 127.0.0.1 (issue 3).
@Suite(.serialized) struct ProxyBalancingTests {
    @Test("round robin alternates between two upstreams")
    func roundRobin() throws {
        let a = try EchoUpstream(name: "a"), b = try EchoUpstream(name: "b")
        let proxy = try ProxyUnderTest(services: serviceYAML(instances: [a.url, b.url]))
        let c = try proxy.connect()
        var names: [String] = []
        for i in 0..<6 {
            let r = try c.request("POST", "/orders/\(i)", body: #"{"n":\#(i)}"#)
            #expect(r.status == 200)
            names.append(r.upstreamName ?? "?")
        }
        #expect(names == ["a", "b", "a", "b", "a", "b"])
    }

    @Test("priority fails over to the lower tier when the high instance's port is closed, and comes back")
    func priorityFailover() throws {
        let low = try EchoUpstream(name: "low")
        let highPort = Net.freePort()
        let proxy = try ProxyUnderTest(services: serviceYAML(balancer: "priority", instances: [
            "{url: \"http://127.0.0.1:\(highPort)\", priority: high}", "{url: \"\(low.url)\", priority: low}",
        ], extra: """
            circuit_breaker:
              consecutive_failures: 2
              cooldown: 500ms
            """))
        // The high instance refuses connections: each request is retried on the low tier.
        for _ in 0..<4 {
            let r = try proxy.request()
            #expect(r.status == 200)
            #expect(r.upstreamName == "low")
        }
        // The high instance comes up; after the cooldown its probe succeeds and it takes the traffic back.
        let high = try EchoUpstream(name: "high", port: highPort)
        usleep(700_000)
        var names: [String] = []
        for _ in 0..<4 { names.append(try proxy.request().upstreamName ?? "?") }
        #expect(names == ["high", "high", "high", "high"])
        _ = high
    }

    @Test("an always-failing instance is taken out after min_requests and probed again after cooldown")
    func breakerEjectsAndProbes() throws {
        let bad = try EchoUpstream(name: "bad", arguments: ["--fail-rate", "1"])
        let good = try EchoUpstream(name: "good")
        let proxy = try ProxyUnderTest(services: serviceYAML(instances: [bad.url, good.url], extra: """
            circuit_breaker:
              min_requests: 4
              error_rate: 50%
              consecutive_failures: 0
              cooldown: 1s
              max_ejected: 50%
            """))
        let c = try proxy.connect()
        var badCount = 0
        for _ in 0..<8 {
            let r = try c.request()
            if r.upstreamName == "bad" { badCount += 1; #expect(r.status == 500) }
        }
        #expect(badCount == 4)
        // Open: everything goes to the good instance.
        for _ in 0..<10 { #expect(try c.request().upstreamName == "good") }
        // After the cooldown one probe reaches the bad instance, fails, and the breaker opens again.
        usleep(1_200_000)
        var afterCooldown: [String] = []
        for _ in 0..<6 { afterCooldown.append(try c.request().upstreamName ?? "?") }
        #expect(afterCooldown.filter { $0 == "bad" }.count == 1)
    }

    @Test("a half-open probe whose client leaves early frees its slot: the next request probes (not 503)")
    func abandonedProbe() throws {
        let bad = try EchoUpstream(name: "bad", arguments: ["--fail-rate", "1"])
        let proxy = try ProxyUnderTest(services: serviceYAML(instances: [bad.url], extra: """
            circuit_breaker:
              consecutive_failures: 1
              cooldown: 800ms
              max_ejected: 100%
            """))
        #expect(try proxy.request().status == 500)   // trips the breaker
        #expect(try proxy.request().status == 503)   // open: nothing to pick (well inside the cooldown, even under TSan)
        usleep(900_000)                                // cooldown over: half-open, one probe slot
        let leaving = try proxy.connect()
        try leaving.send("POST / HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nX-Echo-Delay-Ms: 800\r\n"
                         + "Content-Length: 2\r\n\r\n{}")
        usleep(150_000)                                // the proxy has sent it as the probe
        leaving.close()
        usleep(100_000)
        #expect(try proxy.request().status == 500)   // the slot was freed: this request is the probe
    }

    @Test("keep-alive reuse: the upstream sees far fewer connections than requests")
    func upstreamKeepAlive() throws {
        let a = try EchoUpstream(name: "a")
        let proxy = try ProxyUnderTest(services: serviceYAML(instances: [a.url]))
        var maxConnection = 0
        for _ in 0..<50 {
            let r = try proxy.request() // a new client connection each time
            #expect(r.status == 200)
            maxConnection = max(maxConnection, (r.json?["connection"] as? Int) ?? 0)
        }
        #expect(maxConnection >= 1 && maxConnection <= 3)
    }

    @Test("X-Forwarded-For, X-Forwarded-Host and X-Request-Id reach the upstream; the id is echoed back")
    func forwardedHeaders() throws {
        let a = try EchoUpstream(name: "a")
        let proxy = try ProxyUnderTest(services: serviceYAML(instances: [a.url]))
        let r = try proxy.request(headers: ["X-Request-Id": "abc-123", "Connection": "keep-alive, X-Secret", "X-Secret": "s"])
        #expect(r.status == 200)
        let h = r.echoedHeaders
        #expect(h["x-forwarded-for"] == "127.0.0.1")
        #expect(h["x-forwarded-host"] == "test")
        #expect(h["x-forwarded-proto"] == "http")
        #expect(h["x-request-id"] == "abc-123")
        #expect(h["connection"] == nil)
        #expect(h["x-secret"] == nil)
        #expect(r.header("X-Request-Id") == "abc-123")
        let generated = try proxy.request()
        let id = generated.header("X-Request-Id") ?? ""
        #expect(id.count == 16)
        #expect(generated.echoedHeaders["x-request-id"] == id)
    }
}
