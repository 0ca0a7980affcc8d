/// The reactions as `/stats` (`reactions`) and `/metrics` (`switchyard_reactions_total`) show them.
public struct ReactionsSnapshot: Sendable, Equatable {
    /// One configured reaction and its counts.
    public struct Configured: Sendable, Equatable {
        public var name: String
        /// `webhook`, `exec`, `email` or `log`.
        public var kind: String
        /// The event kinds it listens to.
        public var on: [String]
        /// Its service; nil for a global reaction.
        public var service: String?
        public var counts: ReactionLedger.Counts
        public init(name: String, kind: String, on: [String], service: String?, counts: ReactionLedger.Counts) {
            self.name = name
            self.kind = kind
            self.on = on
            self.service = service
            self.counts = counts
        }
    }

    /// One outcome: a run that ended (executed or failed) or an event skipped by `every` (or by
    /// `max_running`).
    public struct Record: Sendable, Equatable {
        /// When the outcome was known, Unix milliseconds.
        public var atUnixMs: Int
        public var reaction: String
        public var kind: String
        /// The event kind (`instance_down`, ...).
        public var event: String
        public var service: String
        public var instance: String?
        public var outcome: ReactionLedger.Outcome
        /// E.g. `HTTP 200 in 3 ms`, `exit 1`, `killed after the 2 s time limit`.
        public var detail: String

        public init(atUnixMs: Int, reaction: String, kind: String, event: String, service: String, instance: String?,
                    outcome: ReactionLedger.Outcome, detail: String) {
            self.atUnixMs = atUnixMs
            self.reaction = reaction
            self.kind = kind
            self.event = event
            self.service = service
            self.instance = instance
            self.outcome = outcome
            self.detail = detail
        }
    }

    public var configured: [Configured]
    /// Newest last.
    public var recent: [Record]

    public init(configured: [Configured] = [], recent: [Record] = []) {
        self.configured = configured
        self.recent = recent
    }
}
