import Testing
@testable import SwitchyardCore

@Suite struct ReactionsSnapshotTests {
    typealias F = ObservabilityFixtures

    static var snapshot: ReactionsSnapshot {
        var counts = ReactionLedger.Counts()
        counts.executed = 2
        counts.failed = 1
        counts.running = 1
        return ReactionsSnapshot(
            configured: [.init(name: "page", kind: "webhook", on: ["instance_down", "instance_up"], service: "orders", counts: counts),
                         .init(name: "log#0", kind: "log", on: ["breaker_open"], service: nil, counts: .init())],
            recent: [.init(atUnixMs: 1_796_400_000_123, reaction: "page", kind: "webhook", event: "instance_down", service: "orders",
                           instance: "http://127.0.0.1:9001", outcome: .executed, detail: "HTTP 200 in 3 ms")])
    }

    @Test("/stats renders reactions as configured (service null for global ones) and recent outcomes with RFC 3339 times")
    func stats() {
        var s = F.minimal()
        s.services = []
        s.reactions = Self.snapshot
        var out = ByteBuffer()
        StatsDocument.write(s, into: &out)
        let text = F.text(out)
        #expect(text.hasSuffix("""
            "services":[],"reactions":{"configured":[\
            {"name":"page","kind":"webhook","on":["instance_down","instance_up"],"service":"orders","executed":2,"failed":1,"skipped":0,"running":1},\
            {"name":"log#0","kind":"log","on":["breaker_open"],"service":null,"executed":0,"failed":0,"skipped":0,"running":0}],\
            "recent":[{"at":"2026-12-04T16:00:00.123Z","reaction":"page","kind":"webhook","event":"instance_down","service":"orders",\
            "instance":"http://127.0.0.1:9001","outcome":"executed","detail":"HTTP 200 in 3 ms"}]}}
            """))
    }

    @Test("/metrics has switchyard_reactions_total per reaction and outcome, zeros included")
    func metrics() {
        var s = F.minimal()
        s.reactions = Self.snapshot
        var out = ByteBuffer()
        PrometheusExposition.write(s, into: &out)
        let text = F.text(out)
        #expect(text.contains("# TYPE switchyard_reactions_total counter\n"))
        #expect(text.contains("switchyard_reactions_total{service=\"orders\",reaction=\"page\",kind=\"webhook\",outcome=\"executed\"} 2\n"))
        #expect(text.contains("switchyard_reactions_total{service=\"orders\",reaction=\"page\",kind=\"webhook\",outcome=\"failed\"} 1\n"))
        #expect(text.contains("switchyard_reactions_total{service=\"\",reaction=\"log#0\",kind=\"log\",outcome=\"skipped\"} 0\n"))
    }
}

@Suite struct ConfigDocumentReactionsTests {
    @Test("/dump's config shows reactions with their keys, header values and webhook paths redacted")
    func reactionsInDump() throws {
        var service = ServiceConfig(name: "orders", routes: ["/"], instances: [InstanceConfig(url: UpstreamURL(host: "10.0.0.9", port: 9001))])
        service.reactions = [ReactionConfig(name: "run", on: [.instanceDown], trigger: 2, every: .seconds(300),
                                            action: .exec(command: ["/bin/notify", "-u"], timeout: .seconds(10), maxRunning: 4))]
        var config = Config(services: [service])
        config.reactions = [
            ReactionConfig(name: "slack", on: [.instanceDown, .instanceUp],
                           action: .webhook(url: "https://hooks.slack.com/services/T0/B0/s3cret", headers: [("Authorization", "Bearer t0ken")],
                                            bodyTemplate: #"{"text":"{{kind}}"}"#, timeout: .seconds(5), retries: 2, retryDelay: .seconds(1))),
            ReactionConfig(name: "log#1", on: [.breakerOpen], action: .log),
        ]
        var out = ByteBuffer()
        ConfigDocument.write(config, into: &out)
        let text = ObservabilityFixtures.text(out)
        #expect(!text.contains("s3cret") && !text.contains("t0ken"))
        #expect(text.hasSuffix("""
            "reactions":[{"name":"slack","on":["instance_down","instance_up"],"trigger":1,"every":"0s","webhook":{\
            "url":"https://hooks.slack.com:443/<redacted>","headers":{"Authorization":"<redacted>"},"body":"{\\"text\\":\\"{{kind}}\\"}",\
            "timeout":"5s","retries":2,"retry_delay":"1s"}},{"name":"log#1","on":["breaker_open"],"trigger":1,"every":"0s","log":null}]}
            """))
        #expect(text.contains("""
            "reactions":[{"name":"run","on":["instance_down"],"trigger":2,"every":"5m","exec":{"command":["/bin/notify","-u"],\
            "timeout":"10s","max_running":4}}]}
            """))
    }
}
