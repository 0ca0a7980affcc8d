import Foundation
import Testing
@testable import SwitchyardCore

@Suite struct ConfigDocumentTests {
    typealias F = ObservabilityFixtures

    static func render(_ c: Config) throws -> (String, [String: Any]) {
        var out = ByteBuffer()
        ConfigDocument.write(c, into: &out)
        let isValid = F.isValidJSON(out)
        #expect(isValid)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(out.readableArray())) as? [String: Any])
        return (F.text(out), json)
    }

    @Test("a followed DNS name renders with its keys beside the instances it yielded")
    func discoverEntries() throws {
        var service = ServiceConfig(name: "orders", routes: ["/"], instances: [
            InstanceConfig(url: UpstreamURL(host: "10.0.0.9", port: 9001)),
        ])
        service.discover = [DiscoveryConfig(name: "orders.service.consul", type: .srv,
                                            resolvers: [ListenAddress(host: "127.0.0.1", port: 8600)])]
        let (_, json) = try Self.render(Config(services: [service]))
        let s = try #require((json["services"] as? [[String: Any]])?.first)
        #expect((s["instances"] as? [[String: Any]])?.count == 1)
        let d = try #require((s["discover"] as? [[String: Any]])?.first)
        #expect(d["name"] as? String == "orders.service.consul" && d["type"] as? String == "srv")
        #expect(d["port"] is NSNull && d["resolvers"] as? [String] == ["127.0.0.1:8600"])
        #expect(d["interval"] as? String == "5s" && d["min_interval"] as? String == "1s" && d["hold"] as? String == "30s")
    }

    @Test("the config renders with config.yaml's key names, and a set token only as <redacted>")
    func fullConfig() throws {
        let (text, json) = try Self.render(F.config())
        #expect(!text.contains("s3cret"))
        #expect(json["listen"] as? [String] == ["0.0.0.0:8080", "[::1]:8081"])
        #expect(json["workers"] as? Int == 2)
        let admin = try #require(json["admin"] as? [String: Any])
        #expect(admin["listen"] as? String == "127.0.0.1:9901")
        #expect(admin["token"] as? String == "<redacted>")
        let timeouts = try #require(json["timeouts"] as? [String: String])
        #expect(timeouts == ["connect": "1s", "response": "15s", "attempt": "off", "client_header": "10s",
                             "client_body": "30s", "client_idle": "1m", "upstream_idle": "30s", "drain": "30s"])
        #expect((json["log"] as? [String: String]) == ["access": "/var/log/switchyard/access.log", "level": "warning"])
        #expect((json["accept"] as? [String: Any])?["max_body"] as? Int == 1 << 20)
        let services = try #require(json["services"] as? [[String: Any]])
        let orders = services[0]
        #expect(orders["balancer"] as? String == "priority")
        let instances = try #require(orders["instances"] as? [[String: Any]])
        #expect(instances[1]["url"] as? String == "http://10.0.0.12:8080/api")
        #expect(instances[0]["priority"] as? Int == 3)
        let health = try #require(orders["health_check"] as? [String: Any])
        #expect(health["interval"] as? String == "2500ms")
        #expect(health["expect_status"] as? [String] == ["200-399"])
        let breaker = try #require(orders["circuit_breaker"] as? [String: Any])
        #expect(breaker["error_rate"] as? Double == 0.5)
        #expect(breaker["max_cooldown"] as? String == "5m")
        #expect((orders["retries"] as? [String: Any])?["on"] as? [String] == ["connect_failure", "timeout"])
        #expect((orders["retries"] as? [String: Any])?["budget"] as? Double == 0.2)
        #expect((orders["retries"] as? [String: Any])?["min_per_second"] as? Int == 3)
        #expect(services[1]["health_check"] is NSNull)
        #expect(json["multiplex"] is NSNull)
        #expect(orders["cache"] is NSNull)
    }

    @Test("the batch endpoint and a service's cache render with their keys when configured")
    func multiplexAndCache() throws {
        var c = F.config()
        c.multiplex = BatchConfig(maxParts: 20, maxTimeout: .seconds(2), defaultTimeout: .milliseconds(500),
                                  allowURLs: ["https://api.example.com/v1"])
        c.services[0].cache = CacheConfig(ttl: .seconds(30), maxEntries: 100)
        let (_, json) = try Self.render(c)
        let m = try #require(json["multiplex"] as? [String: Any])
        #expect(m["path"] as? String == "/_multiplex")
        #expect(m["max_parts"] as? Int == 20)
        #expect(m["max_body"] as? Int == 1 << 20)
        #expect(m["max_timeout"] as? String == "2s")
        #expect(m["default_timeout"] as? String == "500ms")
        #expect(m["allow_urls"] as? [String] == ["https://api.example.com/v1"])
        let services = try #require(json["services"] as? [[String: Any]])
        let cache = try #require(services[0]["cache"] as? [String: Any])
        #expect(cache["ttl"] as? String == "30s")
        #expect(cache["max_entries"] as? Int == 100)
        #expect(services[1]["cache"] is NSNull)
    }

    @Test("no token, no admin listener and automatic workers render as null, null and \"auto\"")
    func defaults() throws {
        var c = Config()
        c.admin.listen = nil
        let (_, json) = try Self.render(c)
        #expect(json["workers"] as? String == "auto")
        let admin = try #require(json["admin"] as? [String: Any])
        #expect(admin["token"] is NSNull)
        #expect(admin["listen"] is NSNull)
        #expect(json["services"] as? [Any] != nil)
    }

    @Test("durations use the largest exact unit", arguments: [
        (Duration.zero, "0s"), (.milliseconds(250), "250ms"), (.seconds(5), "5s"), (.seconds(120), "2m"),
        (.seconds(90), "90s"), (.seconds(3600), "60m"), (.microseconds(1500), "1500000ns"),
    ])
    func durations(_ d: Duration, _ text: String) {
        #expect(ConfigDocument.durationText(d) == text)
    }
}
