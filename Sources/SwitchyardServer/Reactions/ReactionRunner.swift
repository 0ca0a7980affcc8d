import SwitchyardCore

/// The reactions of the running configuration, executed on the control loop (SPEC section 9).
///
/// `handle` takes an event, asks the core's `ReactionDispatcher` which reactions run (or are skipped
/// by `every`), and starts each one without waiting: a `log` line at once, a `WebhookDelivery` or an
/// `EmailDelivery` through libcurl's multi interface on this loop, an `ExecRun` watched through a
/// pidfd. Outcomes go to the `ReactionLedger` (for `/stats` and `/metrics`) and to the error log (a
/// failure as a warning). Nothing here blocks the control loop, and the workers never see reactions.
///
/// Loop-confined to the control loop.
final class ReactionRunner {
    private let loop: EventLoop
    private let log: ErrorLog
    private var dispatcher: ReactionDispatcher
    private var ledger = ReactionLedger()
    /// Made at the first webhook or mail.
    private var transfers: CurlTransfers?

    init(loop: EventLoop, log: ErrorLog, config: Config) {
        self.loop = loop
        self.log = log
        dispatcher = ReactionDispatcher(config)
    }

    /// A reload's (or discovery's) configuration: unchanged reactions keep their streaks and `every`
    /// spacing; runs in progress finish and are counted.
    func reconfigure(_ config: Config) { dispatcher.reconfigure(config) }

    /// The `/stats` and `/metrics` view.
    func snapshot() -> ReactionsSnapshot { ledger.snapshot(dispatcher.entries) }

    /// Whether any reaction is configured (events are not even built otherwise).
    var isEmpty: Bool { dispatcher.entries.isEmpty }

    /// Runs the reactions `event` calls for.
    func handle(_ event: ReactionEvent) {
        for decision in dispatcher.dispatch(event, at: loop.now, running: { [ledger] in ledger.running($0) }) {
            switch decision {
            case let .run(i, e):
                run(dispatcher.entries[i], e)
            case let .skipped(i, e, detail):
                record(ReactionOutcome(outcome: .skipped, detail: detail), dispatcher.entries[i], e, wasRunning: false)
            }
        }
    }

    private func run(_ entry: ReactionDispatcher.Entry, _ event: ReactionEvent) {
        let done: (ReactionOutcome) -> Void = { [unowned self] outcome in record(outcome, entry, event, wasRunning: true) }
        switch entry.config.action {
        case .log:
            let line = "reaction \(entry.id.name): \(event.kind.rawValue) \(event.service)"
                + (event.instance.map { " \($0)" } ?? "") + " (\(event.reason); \(Self.counts(event)))"
            if Self.isBad(event.kind) { log.warning(line) } else { log.info(line) }
            record(.executed("logged"), entry, event, wasRunning: false)
        case let .webhook(url, headers, template, timeout, retries, retryDelay):
            guard let transfers = curlTransfers(entry, event) else { return }
            let body = template.map { event.fill($0) } ?? event.json
            guard let delivery = WebhookDelivery(loop: loop, transfers: transfers, url: url, headers: headers, body: body,
                                                 timeout: timeout, policy: WebhookAttemptPolicy(retries: retries, retryDelay: retryDelay),
                                                 finished: done) else {
                return record(.failed("libcurl could not make a handle"), entry, event, wasRunning: false)
            }
            ledger.started(entry.id)
            delivery.start()
        case let .email(relay, from, to, subject, timeout):
            guard let transfers = curlTransfers(entry, event) else { return }
            let message = MailMessage.compose(event, from: from, to: to, subject: subject)
            guard let delivery = EmailDelivery(transfers: transfers, relay: relay, from: from, to: to, message: message,
                                               timeout: timeout, now: loop.now, finished: done) else {
                return record(.failed("libcurl could not make a handle"), entry, event, wasRunning: false)
            }
            ledger.started(entry.id)
            delivery.start()
        case let .exec(command, timeout, _):
            do {
                _ = try ExecRun(loop: loop, command: command, environment: event.environment, timeout: timeout) { [unowned self] outcome, output in
                    logOutput(output, of: entry, failed: outcome.outcome == .failed)
                    record(outcome, entry, event, wasRunning: true)
                }
                ledger.started(entry.id)
            } catch {
                record(.failed("\(error)"), entry, event, wasRunning: false)
            }
        }
    }

    private func curlTransfers(_ entry: ReactionDispatcher.Entry, _ event: ReactionEvent) -> CurlTransfers? {
        if let transfers { return transfers }
        do {
            transfers = try CurlTransfers(loop: loop)
        } catch {
            record(.failed("\(error)"), entry, event, wasRunning: false)
        }
        return transfers
    }

    private func record(_ outcome: ReactionOutcome, _ entry: ReactionDispatcher.Entry, _ event: ReactionEvent, wasRunning: Bool) {
        ledger.record(outcome.outcome, of: entry.id, kind: entry.config.action.kindName, event: event, detail: outcome.detail,
                      atUnixMs: WallClock.nowUnixMs(), wasRunning: wasRunning)
        guard entry.config.action != .log else { return }
        let line = "reaction \(entry.id.name) (\(entry.config.action.kindName)) on \(event.kind.rawValue) \(event.service)"
            + (event.instance.map { " \($0)" } ?? "") + ": \(outcome.outcome.rawValue): \(outcome.detail)"
        if outcome.outcome == .failed { log.warning(line) } else { log.info(line) }
    }

    /// An exec program's output, one log line per line (bounded by `ExecRun.outputLimit`).
    private func logOutput(_ output: [UInt8], of entry: ReactionDispatcher.Entry, failed: Bool) {
        guard !output.isEmpty else { return }
        for line in String(decoding: output, as: UTF8.self).split(whereSeparator: \.isNewline) {
            let text = "reaction \(entry.id.name) output: \(line)"
            if failed { log.warning(text) } else { log.info(text) }
        }
        if output.count >= ExecRun.outputLimit { log.info("reaction \(entry.id.name) output: (cut at \(ExecRun.outputLimit) bytes)") }
    }

    private static func isBad(_ kind: ReactionEvent.Kind) -> Bool {
        kind == .instanceDown || kind == .breakerOpen || kind == .serviceUnavailable
    }

    private static func counts(_ event: ReactionEvent) -> String {
        let c = event.counts
        return "\(c.healthy) healthy, \(c.unhealthy) unhealthy, \(c.open) open, \(c.halfOpen) half-open"
    }
}

@available(*, unavailable)
extension ReactionRunner: Sendable {}
