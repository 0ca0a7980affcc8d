import Foundation
import Testing
@testable import SwitchyardCore

@Suite struct StatsDocumentTests {
    typealias F = ObservabilityFixtures

    @Test("a small snapshot renders to exactly the documented /stats JSON")
    func exactMinimal() {
        var out = ByteBuffer()
        StatsDocument.write(F.minimal(), into: &out)
        #expect(F.text(out) == """
            {"version":"0.1.0","started_at_unix_ms":1714566835289,"now_unix_ms":1714566896789,"uptime_seconds":61.5,\
            "draining":false,"reloads":0,"reload_failures":0,"client_connections":2,"proxy_errors":[],\
            "services":[{"name":"orders",\
            "routes":["/orders"],"balancer":"round_robin","supplier":"cooldown","eligible":1,\
            "retries":{"sent":0,"refused_by_budget":0},"instances":[{\
            "url":"http://127.0.0.1:9001","state":"healthy","in_flight":0,\
            "breaker":{"state":"closed","trips":0,"open_until_unix_ms":null},\
            "window":{"requests":0,"errors":0,"error_rate":0,"connect_errors":0,"timeouts":0,"status_5xx":0,\
            "protocol_errors":0,"slow_calls":0,"slow_call_rate":0,"p50_ms":0,"p90_ms":0,"p99_ms":0},\
            "totals":{"requests":0,"responses":{"2xx":0,"3xx":0,"4xx":0,"5xx":0},"connect_failures":0,"timeouts":0,\
            "protocol_errors":0,"connections_opened":0},\
            "latency":{"count":0,"sum_ms":0,"p50_ms":0,"p90_ms":0,"p99_ms":0},"health":null}]}],\
            "reactions":{"configured":[],"recent":[]}}
            """)
        let isValid = F.isValidJSON(out)
        #expect(isValid)
    }

    @Test("a busy snapshot is valid JSON and converts instants to Unix milliseconds around now")
    func busy() throws {
        var out = ByteBuffer()
        StatsDocument.write(F.busy(), into: &out)
        let isValid = F.isValidJSON(out)
        #expect(isValid)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(out.readableArray())) as? [String: Any])
        let services = try #require(json["services"] as? [[String: Any]])
        #expect(services.count == 2)
        #expect(services[1]["name"] as? String == "we\"ird\nname")
        let instances = try #require(services[0]["instances"] as? [[String: Any]])
        let first = instances[0]
        let window = try #require(first["window"] as? [String: Any])
        #expect(window["error_rate"] as? Double == 0.075)
        #expect(window["p50_ms"] as? Double == 2.5)
        let totals = try #require(first["totals"] as? [String: Any])
        #expect((totals["responses"] as? [String: Any])?["2xx"] as? Int == 1150)
        let health = try #require(first["health"] as? [String: Any])
        #expect(health["verdict"] as? String == "healthy")
        let last = try #require(health["last"] as? [String: Any])
        #expect(last["at_unix_ms"] as? Int == F.nowUnixMs - 5_000)
        #expect(last["latency_ms"] as? Double == 1.234)
        #expect(last["detail"] as? String == "HTTP 200")
        #expect((health["history"] as? [Any])?.count == 2)
        let latency = try #require(first["latency"] as? [String: Any])
        #expect(latency["count"] as? Int == 11)
        let breaker = try #require(instances[1]["breaker"] as? [String: Any])
        #expect(breaker["state"] as? String == "open")
        #expect(breaker["open_until_unix_ms"] as? Int == F.nowUnixMs + 15_000)
        #expect(json["transitions"] == nil)
    }

    @Test("proxy_errors lists each error answered at least once, unrouted ones first with a null service")
    func proxyErrors() throws {
        var out = ByteBuffer()
        StatsDocument.write(F.busy(), into: &out)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(out.readableArray())) as? [String: Any])
        let entries = try #require(json["proxy_errors"] as? [[String: Any]])
        let rows = entries.map { e in
            "\((e["service"] as? String) ?? "null") \(e["code"] as? String ?? "?") \(e["status"] as? Int ?? 0) \(e["count"] as? Int ?? 0)"
        }
        #expect(rows == ["null bad_request 400 1", "null no_route 404 7",
                         "orders invalid_json 400 2", "orders no_healthy_instance 503 4"])
        #expect(entries[0]["service"] is NSNull)
    }

    @Test("/dump is /stats plus the effective config with the token redacted and the transitions")
    func dump() throws {
        var out = ByteBuffer()
        StatsDocument.writeDump(F.busy(), config: F.config(), into: &out)
        let isValid = F.isValidJSON(out)
        #expect(isValid)
        #expect(!F.text(out).contains("s3cret"))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(out.readableArray())) as? [String: Any])
        #expect((json["services"] as? [Any])?.count == 2)
        let config = try #require(json["config"] as? [String: Any])
        #expect((config["admin"] as? [String: Any])?["token"] as? String == "<redacted>")
        let transitions = try #require(json["transitions"] as? [[String: Any]])
        #expect(transitions.count == 2)
        #expect(transitions[0]["at_unix_ms"] as? Int == F.nowUnixMs - 15_000)
        #expect(transitions[0]["to"] as? String == "open")
        #expect(transitions[1]["reason"] as? String == "2 consecutive checks passed")
    }

    @Test("unixMs maps past and future instants around the snapshot's clock pair")
    func unixMs() {
        let s = F.minimal()
        #expect(s.unixMs(F.now) == F.nowUnixMs)
        #expect(s.unixMs(Instant(nanoseconds: 99_000_000_000)) == F.nowUnixMs - 1_000)
        #expect(s.unixMs(Instant(nanoseconds: 100_250_000_000)) == F.nowUnixMs + 250)
    }
}
