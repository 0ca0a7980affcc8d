import Testing
@testable import SwitchyardCore

@Suite struct ReactionDispatcherTests {
    let t0 = Instant(nanoseconds: 1_000_000_000_000)
    func at(_ seconds: UInt64) -> Instant { t0.advanced(byNanoseconds: seconds * 1_000_000_000) }

    func event(_ kind: ReactionEvent.Kind, service: String = "orders", _ instance: String? = "http://10.0.0.1:80") -> ReactionEvent {
        ReactionEvent(kind: kind, service: service, instance: instance, reason: "r", timeUnixMs: 0, counts: .init())
    }

    func config(global: [ReactionConfig], orders: [ReactionConfig] = []) -> Config {
        var orderService = ServiceConfig(name: "orders", routes: ["/o"], instances: [])
        orderService.reactions = orders
        var c = Config(services: [orderService, ServiceConfig(name: "billing", routes: ["/b"], instances: [])])
        c.reactions = global
        return c
    }

    @Test("a global reaction sees every service; a service's reaction only its own")
    func scope() {
        var d = ReactionDispatcher(config(global: [ReactionConfig(name: "g", on: [.instanceDown], action: .log)],
                                          orders: [ReactionConfig(name: "o", on: [.instanceDown], action: .log)]))
        #expect(d.dispatch(event(.instanceDown), at: t0) == [.run(reaction: 0, event: event(.instanceDown)),
                                                              .run(reaction: 1, event: event(.instanceDown))])
        let billing = event(.instanceDown, service: "billing", "http://10.0.0.9:80")
        #expect(d.dispatch(billing, at: t0) == [.run(reaction: 0, event: billing)])
        #expect(d.entries.map(\.id) == [ReactionID(service: nil, name: "g"), ReactionID(service: "orders", name: "o")])
    }

    @Test("an exec reaction at max_running is skipped, not queued; below it, it runs")
    func maxRunning() {
        let exec = ReactionConfig(name: "x", on: [.instanceDown],
                                  action: .exec(command: ["/bin/true"], timeout: .seconds(1), maxRunning: 2))
        var d = ReactionDispatcher(config(global: [exec, ReactionConfig(name: "l", on: [.instanceDown], action: .log)]))
        let down = event(.instanceDown)
        #expect(d.dispatch(down, at: t0, running: { $0.name == "x" ? 1 : 9 })
            == [.run(reaction: 0, event: down), .run(reaction: 1, event: down)])
        #expect(d.dispatch(down, at: t0, running: { _ in 2 })
            == [.skipped(reaction: 0, event: down, detail: "max_running 2 reached"), .run(reaction: 1, event: down)])
    }

    @Test("every turns a repeat into a skip that says when the next run is allowed")
    func every() {
        var d = ReactionDispatcher(config(global: [ReactionConfig(name: "g", on: [.instanceDown, .instanceUp], every: .seconds(60), action: .log)]))
        #expect(d.dispatch(event(.instanceDown), at: at(0)) == [.run(reaction: 0, event: event(.instanceDown))])
        #expect(d.dispatch(event(.instanceUp), at: at(15)) == [.skipped(reaction: 0, event: event(.instanceUp),
                                                                      detail: "within `every`: next run allowed in 45 s")])
        #expect(d.dispatch(event(.instanceDown), at: at(60)) == [.run(reaction: 0, event: event(.instanceDown))])
    }

    @Test("a reload keeps the gate of an unchanged reaction and resets a changed one")
    func reconfigureKeepsGates() {
        let g = ReactionConfig(name: "g", on: [.instanceDown], trigger: 2, action: .log)
        var d = ReactionDispatcher(config(global: [g]))
        #expect(d.dispatch(event(.instanceDown), at: at(0)).isEmpty)
        d.reconfigure(config(global: [g, ReactionConfig(name: "h", on: [.instanceDown], action: .log)]))
        #expect(d.dispatch(event(.instanceDown), at: at(1)) == [.run(reaction: 0, event: event(.instanceDown)),
                                                                 .run(reaction: 1, event: event(.instanceDown))])
        var changed = g
        changed.trigger = 3
        d.reconfigure(config(global: [changed]))
        #expect(d.dispatch(event(.instanceDown), at: at(2)).isEmpty)
    }

    @Test("the ledger counts outcomes per reaction, tracks runs in progress and caps the recent list")
    func ledger() {
        let d = ReactionDispatcher(config(global: [ReactionConfig(name: "g", on: [.instanceDown], action: .log)]))
        var ledger = ReactionLedger()
        let id = d.entries[0].id
        ledger.started(id)
        #expect(ledger.snapshot(d.entries).configured[0].counts.running == 1)
        ledger.record(.executed, of: id, kind: "log", event: event(.instanceDown), detail: "ok", atUnixMs: 5, wasRunning: true)
        for i in 0..<60 {
            ledger.record(.skipped, of: id, kind: "log", event: event(.instanceDown), detail: "\(i)", atUnixMs: 6 + i, wasRunning: false)
        }
        let s = ledger.snapshot(d.entries)
        #expect(s.configured == [.init(name: "g", kind: "log", on: ["instance_down"], service: nil,
                                       counts: { var c = ReactionLedger.Counts(); c.executed = 1; c.skipped = 60; return c }())])
        #expect(s.recent.count == ReactionLedger.recentCapacity)
        #expect(s.recent.last?.detail == "59" && s.recent.first?.detail == "10")
    }

    @Test("webhook attempts: 2xx succeeds; transport failures, 408, 429 and 5xx retry with doubling delays; others give up",
          arguments: [
              (1, WebhookAttemptPolicy.Result.status(204), WebhookAttemptPolicy.Decision.succeeded),
              (1, .status(503), .retry(after: .milliseconds(500))),
              (2, .transportFailure("timeout"), .retry(after: .seconds(1))),
              (3, .status(429), .retry(after: .seconds(2))),
              (4, .status(500), .giveUp),
              (1, .status(404), .giveUp),
              (1, .status(408), .retry(after: .milliseconds(500))),
          ])
    func webhookPolicy(attempt: Int, result: WebhookAttemptPolicy.Result, expected: WebhookAttemptPolicy.Decision) {
        #expect(WebhookAttemptPolicy(retries: 3, retryDelay: .milliseconds(500)).decide(attempt: attempt, result: result) == expected)
    }

    @Test("a mail carries the filled subject on one line, the event as text and JSON, CRLF line ends")
    func mail() {
        let e = ReactionEvent(kind: .instanceDown, service: "orders", instance: "http://10.0.0.1:80",
                              reason: "3 consecutive checks failed\r\nBcc: x@y", timeUnixMs: 1_796_400_000_000,
                              counts: .init(healthy: 1, unhealthy: 1))
        let text = MailMessage.compose(e, from: "sy@example.com", to: ["a@example.com", "b@example.com"],
                                       subject: "[{{kind}}] {{service}}: {{reason}}")
        let lines = text.components(separatedBy: "\r\n")
        #expect(lines[0] == "From: <sy@example.com>")
        #expect(lines[1] == "To: <a@example.com>, <b@example.com>")
        #expect(lines[2] == "Subject: [instance_down] orders: 3 consecutive checks failed Bcc: x@y")
        #expect(lines[3] == "Date: Fri, 04 Dec 2026 16:00:00 +0000")
        #expect(text.contains("  instance: http://10.0.0.1:80\r\n"))
        #expect(text.contains(#""kind":"instance_down""#))
        #expect(!lines.contains { $0.hasPrefix(".") })
    }
}
