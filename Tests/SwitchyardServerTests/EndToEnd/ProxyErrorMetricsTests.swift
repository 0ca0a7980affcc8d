import Foundation
import Glibc
import Testing

/// End-to-end: the proxy's own error answers are counted in `/metrics` and `/stats` by service,
/// code and status (issue 12 item 6).
@Suite(.serialized, .timeLimit(.minutes(2))) struct ProxyErrorMetricsTests {
    @Test("404, 405, 400 and 503 answered by the proxy show in /metrics and /stats with their service, code and status")
    func countedByServiceCodeAndStatus() throws {
        let dead = "http://127.0.0.1:\(Net.freePort())"
        let proxy = try ProxyUnderTest(services: serviceYAML(name: "orders", routes: ["/orders"], instances: [dead], extra: """
            health_check:
              type: tcp
              interval: 100ms
              timeout: 100ms
              unhealthy_after: 1
            circuit_breaker:
              max_ejected: 100%
            """))
        #expect(try ObservabilityTests.eventually { try ObservabilityTests.instanceStats(proxy, dead)?["state"] as? String == "unhealthy" })

        for _ in 0..<2 { #expect(try proxy.request("POST", "/nowhere").status == 404) }
        #expect(try proxy.request("GET", "/orders").status == 405)
        let malformed = try proxy.connect()
        try malformed.send("POST /orders HTTP/1.1\r\nHost: t\r\nBad Header: x\r\n\r\n")
        #expect(try malformed.readResponse().status == 400)
        #expect(try proxy.request("POST", "/orders", body: "{nope").status == 400)
        for _ in 0..<3 { #expect(try proxy.request("POST", "/orders/7").status == 503) }

        let expected: [String: Double] = [
            "|no_route|404": 2, "|method_not_allowed|405": 1, "|bad_request|400": 1,
            "orders|invalid_json|400": 1, "orders|no_healthy_instance|503": 3,
        ]
        var seen: [String: Double] = [:]
        // The 400 that closed its connection is counted before its answer is written: no waiting needed.
        let samples = try PrometheusText.parse(try ObservabilityTests.admin(proxy, "/metrics").bodyString)
        for s in samples where s.name == "switchyard_proxy_errors_total" && s.value != 0 {
            seen["\(s.labels["service"] ?? "?")|\(s.labels["code"] ?? "?")|\(s.labels["status"] ?? "?")"] = s.value
        }
        #expect(seen == expected)
        // Zero series are exposed too, for every code that can occur: 9 without a service (no 502,
        // 503, 504), 11 for the service (no no_route).
        #expect(samples.filter { $0.name == "switchyard_proxy_errors_total" }.count == 20)

        let stats = try ObservabilityTests.admin(proxy, "/stats").json
        let rows = (stats?["proxy_errors"] as? [[String: Any]] ?? []).map { e in
            "\(e["service"] as? String ?? "")|\(e["code"] as? String ?? "?")|\(e["status"] as? Int ?? 0)=\(e["count"] as? Int ?? 0)"
        }
        #expect(Set(rows) == Set(expected.map { "\($0.key)=\(Int($0.value))" }))
    }

    @Test("a reload keeps the counts of a service that stays")
    func keptAcrossReload() throws {
        let a = try EchoUpstream(name: "a")
        let services = serviceYAML(name: "orders", routes: ["/orders"], instances: [a.url])
        let proxy = try ProxyUnderTest(services: services)
        #expect(try proxy.request("POST", "/orders", body: "{nope").status == 400)
        #expect(try proxy.request("POST", "/else").status == 404)
        #expect(try proxy.reloadAndWait(services: services + "\n" + serviceYAML(name: "other", routes: ["/other"], instances: [a.url])))
        let samples = try PrometheusText.parse(try ObservabilityTests.admin(proxy, "/metrics").bodyString)
        func value(_ service: String, _ code: String) -> Double? {
            samples.first { $0.name == "switchyard_proxy_errors_total" && $0.labels["service"] == service && $0.labels["code"] == code }?.value
        }
        #expect(value("orders", "invalid_json") == 1)
        #expect(value("", "no_route") == 1)
        #expect(value("other", "invalid_json") == 0)
    }
}
