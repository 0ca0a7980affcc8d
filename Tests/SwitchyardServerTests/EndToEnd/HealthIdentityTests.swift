import Foundation
import Glibc
import Testing

/// End-to-end: an instance's health state follows its URL, whatever service lists it (issue 12 item 8).
@Suite(.serialized, .timeLimit(.minutes(2))) struct HealthIdentityTests {
    static func check(history: Int) -> String {
        """
        health_check:
          type: http
          interval: 100ms
          timeout: 100ms
          retries: 0
          healthy_after: 3
          unhealthy_after: 2
          history: \(history)
        circuit_breaker:
          max_ejected: 100%
        """
    }

    /// `/stats`' entry of the instance `url` in service `service`.
    static func instance(_ proxy: ProxyUnderTest, service: String, _ url: String) throws -> [String: Any]? {
        let services = try ObservabilityTests.admin(proxy, "/stats").json?["services"] as? [[String: Any]] ?? []
        let entry = services.first { $0["name"] as? String == service }
        return (entry?["instances"] as? [[String: Any]])?.first { $0["url"] as? String == url }
    }

    /// A history entry as compared across two `/stats` reads: its latency (to the microsecond) and
    /// detail. Not its Unix time, which may read 1 ms apart (each snapshot anchors monotonic times
    /// to the wall clock anew).
    static func round(_ entry: [String: Any]) -> String {
        "\(entry["latency_ms"] as? Double ?? -1) \(entry["detail"] as? String ?? "")"
    }

    static func health(_ proxy: ProxyUnderTest, service: String, _ url: String) throws -> [String: Any]? {
        try instance(proxy, service: service, url)?["health"] as? [String: Any]
    }

    @Test("an instance moved to another service by a reload keeps its health history and verdict",
          arguments: [false, true])
    func movedInstanceKeepsHealth(otherCheck: Bool) throws {
        let x = try EchoUpstream(name: "x"), y = try EchoUpstream(name: "y")
        let check = Self.check(history: 100)
        let checkB = otherCheck ? Self.check(history: 50) : check
        let before = serviceYAML(name: "a", routes: ["/a"], instances: [x.url], extra: check) + "\n"
            + serviceYAML(name: "b", routes: ["/b"], instances: [y.url], extra: checkB)
        let proxy = try ProxyUnderTest(services: before)
        #expect(try ObservabilityTests.eventually {
            try Self.health(proxy, service: "a", x.url)?["verdict"] as? String == "healthy"
        })
        try ObservabilityTests.setHealth(x, 503)
        #expect(try ObservabilityTests.eventually {
            (try Self.health(proxy, service: "a", x.url)?["consecutive_failures"] as? Int ?? 0) >= 3
        })
        let old = try #require(try Self.health(proxy, service: "a", x.url))
        #expect(old["verdict"] as? String == "unhealthy")
        let oldHistory = old["history"] as? [[String: Any]] ?? []
        let first = try #require(oldHistory.first.map(Self.round))
        let failures = old["consecutive_failures"] as? Int ?? 0

        // x moves from a to b (and y from b to a).
        let after = serviceYAML(name: "a", routes: ["/a"], instances: [y.url], extra: check) + "\n"
            + serviceYAML(name: "b", routes: ["/b"], instances: [x.url], extra: checkB)
        #expect(try proxy.reloadAndWait(services: after))
        let moved = try #require(try Self.health(proxy, service: "b", x.url))
        #expect(moved["verdict"] as? String == "unhealthy")
        let history = moved["history"] as? [[String: Any]] ?? []
        #expect(history.first.map(Self.round) == first, "the history before the move is gone")
        #expect(history.contains { $0["ok"] as? Bool == true }, "the passed rounds before the move are gone")
        #expect((moved["consecutive_failures"] as? Int ?? 0) >= failures)
        // The streak goes on from where it was rather than starting over.
        #expect(try ObservabilityTests.eventually {
            (try Self.health(proxy, service: "b", x.url)?["consecutive_failures"] as? Int ?? 0) > failures
        })
        #expect(try Self.instance(proxy, service: "b", x.url)?["state"] as? String == "unhealthy")
        // And y, moved the other way, was not judged afresh either.
        #expect(!proxy.process.output.contains("health a \(y.url): unknown"))
        #expect(!proxy.process.output.contains("health b \(x.url): unknown"))
    }

    @Test("one URL in two services with the same check is checked once, with one history for both")
    func sharedTarget() throws {
        let x = try EchoUpstream(name: "x")
        let check = Self.check(history: 100)
        let proxy = try ProxyUnderTest(services: serviceYAML(name: "a", routes: ["/a"], instances: [x.url], extra: check)
            + "\n" + serviceYAML(name: "b", routes: ["/b"], instances: [x.url], extra: check))
        #expect(try ObservabilityTests.eventually {
            (try Self.health(proxy, service: "a", x.url)?["history"] as? [Any])?.count ?? 0 >= 3
        })
        let a = try Self.health(proxy, service: "a", x.url)?["history"] as? [[String: Any]] ?? []
        let b = try Self.health(proxy, service: "b", x.url)?["history"] as? [[String: Any]] ?? []
        // Read one after the other, b may have one round more than a.
        #expect(Array(b.map(Self.round).prefix(a.count)) == a.map(Self.round))
        #expect(proxy.process.output.contains("health a,b \(x.url): unknown -> healthy"))
    }
}
