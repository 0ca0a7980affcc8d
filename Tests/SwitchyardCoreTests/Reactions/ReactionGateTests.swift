import Testing
@testable import SwitchyardCore

@Suite struct ReactionGateTests {
    let t0 = Instant(nanoseconds: 1_000_000_000_000)
    func at(_ seconds: UInt64) -> Instant { t0.advanced(byNanoseconds: seconds * 1_000_000_000) }

    func event(_ kind: ReactionEvent.Kind, _ instance: String? = "http://10.0.0.1:80") -> ReactionEvent {
        ReactionEvent(kind: kind, service: "orders", instance: instance, reason: "3 consecutive checks failed",
                      timeUnixMs: 1_796_400_000_000, counts: .init(healthy: 1, unhealthy: 1))
    }

    @Test("a reaction runs on the kinds it listens to and ignores the others")
    func filter() {
        var gate = ReactionGate(on: [.instanceDown])
        #expect(gate.decide(event(.instanceDown), at: t0) == .run)
        #expect(gate.decide(event(.instanceUp), at: t0) == .ignored)
        #expect(gate.decide(event(.breakerOpen), at: t0) == .ignored)
    }

    @Test("trigger counts occurrences in a row per subject; the opposite kind resets the streak")
    func trigger() {
        var gate = ReactionGate(on: [.instanceDown], trigger: 3)
        #expect(gate.decide(event(.instanceDown), at: at(1)) == .counting(count: 1, trigger: 3))
        #expect(gate.decide(event(.instanceDown, "http://10.0.0.2:80"), at: at(1)) == .counting(count: 1, trigger: 3))
        #expect(gate.decide(event(.instanceDown), at: at(2)) == .counting(count: 2, trigger: 3))
        #expect(gate.decide(event(.instanceUp), at: at(3)) == .ignored)
        #expect(gate.decide(event(.instanceDown), at: at(4)) == .counting(count: 1, trigger: 3))
        #expect(gate.decide(event(.instanceDown), at: at(5)) == .counting(count: 2, trigger: 3))
        #expect(gate.decide(event(.instanceDown), at: at(6)) == .run)
        #expect(gate.decide(event(.instanceDown), at: at(7)) == .run)
    }

    @Test("every spaces runs per subject; what falls inside is suppressed, not queued")
    func every() {
        var gate = ReactionGate(on: [.instanceDown, .instanceUp], every: .seconds(60))
        #expect(gate.decide(event(.instanceDown), at: at(0)) == .run)
        #expect(gate.decide(event(.instanceUp), at: at(10)) == .suppressed(until: at(60)))
        #expect(gate.decide(event(.instanceDown, "http://10.0.0.2:80"), at: at(10)) == .run)
        #expect(gate.decide(event(.instanceDown), at: at(59)) == .suppressed(until: at(60)))
        #expect(gate.decide(event(.instanceDown), at: at(60)) == .run)
    }

    @Test("service events are counted per service")
    func serviceSubject() {
        var gate = ReactionGate(on: [.serviceUnavailable], trigger: 2)
        #expect(gate.decide(event(.serviceUnavailable, nil), at: t0) == .counting(count: 1, trigger: 2))
        #expect(gate.decide(event(.serviceUnavailable, nil), at: t0) == .run)
    }

    @Test("one instance URL in two services is two subjects: one transition does not make a streak of two")
    func subjectPerService() {
        var gate = ReactionGate(on: [.instanceDown], trigger: 2)
        var other = event(.instanceDown)
        other.service = "billing"
        #expect(gate.decide(event(.instanceDown), at: at(1)) == .counting(count: 1, trigger: 2))
        #expect(gate.decide(other, at: at(1)) == .counting(count: 1, trigger: 2))
        #expect(gate.decide(event(.instanceDown), at: at(2)) == .run)
    }
}

@Suite struct ReactionEventTests {
    let event = ReactionEvent(kind: .instanceDown, service: "orders", instance: "http://10.0.0.1:80",
                              reason: "3 consecutive checks failed (last: \"503\")", timeUnixMs: 1_796_400_000_123,
                              counts: .init(healthy: 1, unhealthy: 1, open: 0, halfOpen: 0))

    @Test("the event renders as the documented JSON")
    func json() {
        #expect(event.json == #"{"kind":"instance_down","service":"orders","instance":"http://10.0.0.1:80","reason":"3 consecutive checks failed (last: \"503\")","time":"2026-12-04T16:00:00.123Z","time_unix_ms":1796400000123,"counts":{"healthy":1,"unhealthy":1,"open":0,"half_open":0}}"#)
    }

    @Test("an exec program gets the event in SWITCHYARD_* variables")
    func environment() {
        let env = Dictionary(uniqueKeysWithValues: event.environment)
        #expect(env["SWITCHYARD_EVENT"] == "instance_down")
        #expect(env["SWITCHYARD_INSTANCE"] == "http://10.0.0.1:80")
        #expect(env["SWITCHYARD_UNHEALTHY"] == "1")
        #expect(env["SWITCHYARD_EVENT_JSON"] == event.json)
    }

    @Test("a body template gets JSON-escaped values, the whole event, and keeps unknown placeholders")
    func template() {
        let filled = event.fill(#"{"text":"{{service}}: {{ instance }} is down ({{reason}}) {{nope}}","event":{{event}}}"#)
        #expect(filled == #"{"text":"orders: http://10.0.0.1:80 is down (3 consecutive checks failed (last: \"503\")) {{nope}}","event":"# + event.json + "}")
        #expect(event.fill("no placeholders {{") == "no placeholders {{")
    }
}

@Suite struct ServiceAvailabilityTests {
    @Test("one event per change of whether the service has an available instance")
    func changes() {
        var a = ServiceAvailability()
        #expect(a.update(service: "orders", eligible: 2) == nil)
        #expect(a.update(service: "orders", eligible: 1) == nil)
        #expect(a.update(service: "orders", eligible: 0) == .serviceUnavailable)
        #expect(a.update(service: "orders", eligible: 0) == nil)
        #expect(a.update(service: "orders", eligible: 3) == .serviceAvailable)
        #expect(a.update(service: "users", eligible: 0) == .serviceUnavailable)
    }
}
