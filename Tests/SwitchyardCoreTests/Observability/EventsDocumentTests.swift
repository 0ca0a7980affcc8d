import Foundation
import Testing
@testable import SwitchyardCore

@Suite struct EventsDocumentTests {
    typealias F = ObservabilityFixtures

    static func results(_ pattern: String) -> [HealthCheckResult] {
        pattern.enumerated().map { n, c in
            HealthCheckResult(at: Instant(nanoseconds: UInt64(n + 1) * 1_000_000_000), ok: c == "+",
                              latency: .milliseconds(1), detail: c == "+" ? "HTTP 200" : "HTTP 503")
        }
    }

    static func render(_ s: ProxySnapshot, rates: LiveRates = LiveRates(), reactions: String? = nil) -> String {
        var out = ByteBuffer()
        EventsDocument.write(s, rates: rates, reactions: reactions.map { Array($0.utf8) }, into: &out)
        let isValid = F.isValidJSON(out)
        #expect(isValid)
        return F.text(out)
    }

    @Test("a small snapshot renders to exactly the documented event")
    func exactMinimal() {
        #expect(Self.render(F.minimal()) == """
            {"version":"0.1.0","now_unix_ms":1714566896789,"uptime_seconds":61.5,"draining":false,\
            "services":[{"name":"orders","eligible":1,"instances":[{"url":"http://127.0.0.1:9001",\
            "state":"healthy","flapping":false,"in_flight":0,"rps":null,"errors_per_s":null,\
            "window_requests":0,"error_rate":0,"p50_ms":0,"p99_ms":0,\
            "breaker":{"state":"closed","trips":0,"reason":null,"cooldown_left_ms":null},"health":null}]}],\
            "transitions":[]}
            """)
    }

    @Test("an open breaker carries the reason of its last transition and the cooldown left; rates come from LiveRates")
    func breakerAndRates() throws {
        var s = F.busy()
        s.transitions = [
            TransitionRecord(at: Instant(nanoseconds: 80_000_000_000), subject: "breaker http://10.0.0.12:8080",
                             from: "closed", to: "open", reason: "old reason"),
            TransitionRecord(at: Instant(nanoseconds: 85_000_000_000), subject: "breaker http://10.0.0.12:8080",
                             from: "half_open", to: "open", reason: "probe failed"),
        ]
        var rates = LiveRates()
        var before = s
        before.now = Instant(nanoseconds: 98_000_000_000)
        before.services[0].instances[0].totals.requests = 1100
        rates.advance(to: before)
        rates.advance(to: s)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(Self.render(s, rates: rates).utf8)) as? [String: Any])
        let instances = try #require((json["services"] as? [[String: Any]])?.first?["instances"] as? [[String: Any]])
        #expect(instances[0]["rps"] as? Double == 50)
        #expect(instances[0]["p99_ms"] as? Double == 700)
        let open = try #require(instances[1]["breaker"] as? [String: Any])
        #expect(open["state"] as? String == "open")
        #expect(open["reason"] as? String == "probe failed")
        #expect(open["cooldown_left_ms"] as? Int == 15_000)
        let closed = try #require(instances[0]["breaker"] as? [String: Any])
        #expect(closed["reason"] is NSNull)
        let health = try #require(instances[0]["health"] as? [String: Any])
        #expect(health["strip"] as? String == "-+")
        #expect(health["last"] as? String == "HTTP 200")
        #expect((json["transitions"] as? [Any])?.count == 2)
    }

    @Test("the strip keeps the newest rounds, oldest first")
    func strip() {
        let many = Self.results(String(repeating: "-", count: 10) + String(repeating: "+", count: 70))
        #expect(EventsDocument.strip(many) == String(repeating: "+", count: EventsDocument.stripLength))
        #expect(EventsDocument.strip(Self.results("+-+")) == "+-+")
    }

    @Test("flapping: enough switches between passing and failing among the recent rounds", arguments: [
        ("", false), ("++++++++", false), ("++++----", false), ("++--++-", false), ("++--++--+", true),
        ("+-+-+", true), ("+-+-+" + String(repeating: "+", count: 20), false), ("-+-+-" + String(repeating: "+", count: 16), true),
    ])
    func flapping(_ pattern: String, _ expected: Bool) {
        #expect(EventsDocument.isFlapping(Self.results(pattern)) == expected)
    }

    @Test("only the newest transitions are sent; the reactions value is embedded as it is")
    func transitionsAndReactions() throws {
        var s = F.minimal()
        s.transitions = (0..<30).map {
            TransitionRecord(at: Instant(nanoseconds: UInt64($0) * 1_000_000_000), subject: "t\($0)", from: "a", to: "b",
                             reason: "r")
        }
        let reactions = #"{"configured":[{"name":"page","kind":"webhook"}],"recent":[]}"#
        let text = Self.render(s, reactions: reactions)
        #expect(text.hasSuffix(",\"reactions\":" + reactions + "}"))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let transitions = try #require(json["transitions"] as? [[String: Any]])
        #expect(transitions.count == EventsDocument.transitionLimit)
        #expect(transitions.first?["subject"] as? String == "t10")
        #expect(transitions.last?["subject"] as? String == "t29")
        #expect(!Self.render(s).contains("reactions"))
    }
}
