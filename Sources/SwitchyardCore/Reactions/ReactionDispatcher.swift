/// Which configured reactions run for an event (SPEC section 9): the global reactions see every
/// service's events, a service's own reactions only that service's. Each reaction keeps its
/// `ReactionGate` (trigger streaks, `every` spacing) across reloads while its scope, name and
/// settings stay the same.
///
/// A state machine: `dispatch` takes an event and the instant it is handled, and returns what the
/// shell must do per reaction (`.run`, or `.skipped` for an event `every` suppressed). Events a
/// reaction does not listen to, or that only count towards its `trigger`, return nothing.
public struct ReactionDispatcher: Sendable {
    /// One configured reaction.
    public struct Entry: Sendable {
        public let id: ReactionID
        public let config: ReactionConfig
        fileprivate var gate: ReactionGate
    }

    public enum Decision: Sendable, Equatable {
        /// Run `entries[reaction]` with `event`.
        case run(reaction: Int, event: ReactionEvent)
        /// `every` suppressed the run; `detail` says until when, for `/stats`.
        case skipped(reaction: Int, event: ReactionEvent, detail: String)
    }

    public private(set) var entries: [Entry] = []

    public init(_ config: Config = Config()) { reconfigure(config) }

    /// Takes the reactions of `config`. A reaction whose scope, name and settings are unchanged keeps
    /// its gate; any other starts with empty streaks and no `every` spacing.
    public mutating func reconfigure(_ config: Config) {
        var next: [Entry] = []
        let scoped = config.reactions.map { (nil as String?, $0) }
            + config.services.flatMap { s in s.reactions.map { (Optional(s.name), $0) } }
        for (service, reaction) in scoped {
            let id = ReactionID(service: service, name: reaction.name)
            if let kept = entries.first(where: { $0.id == id && $0.config == reaction }) {
                next.append(kept)
            } else {
                next.append(Entry(id: id, config: reaction, gate: ReactionGate(reaction)))
            }
        }
        entries = next
    }

    /// The decisions of every reaction in scope for `event`, in configuration order.
    /// `running` says how many runs of a reaction are still going (`ReactionLedger.running`): an
    /// `exec` reaction at its `max_running` is skipped rather than queued (a queue behind a hung
    /// program would deliver stale alerts).
    public mutating func dispatch(_ event: ReactionEvent, at now: Instant, running: (ReactionID) -> Int = { _ in 0 })
        -> [Decision] {
        var out: [Decision] = []
        for i in entries.indices {
            if let service = entries[i].id.service, service != event.service { continue }
            switch entries[i].gate.decide(event, at: now) {
            case .run:
                if case .exec(_, _, let maxRunning) = entries[i].config.action, running(entries[i].id) >= maxRunning {
                    out.append(.skipped(reaction: i, event: event, detail: "max_running \(maxRunning) reached"))
                } else {
                    out.append(.run(reaction: i, event: event))
                }
            case .suppressed(let until):
                let seconds = (until.nanoseconds(since: now) + 999_999_999) / 1_000_000_000
                out.append(.skipped(reaction: i, event: event,
                                    detail: "within `every`: next run allowed in \(seconds) s"))
            case .ignored, .counting:
                break
            }
        }
        return out
    }
}

/// A reaction's identity across reloads and in `/stats`: its scope (a service, or nil for a global
/// reaction) and its name, unique within that scope.
public struct ReactionID: Sendable, Hashable {
    public var service: String?
    public var name: String
    public init(service: String?, name: String) {
        self.service = service
        self.name = name
    }
}
