/// What reactions did: per reaction the runs executed, failed and skipped and those running now,
/// and the most recent outcomes (newest last, at most `recentCapacity`), for `/stats` and
/// `/metrics`. Counts are kept by `ReactionID`, so a reaction a reload keeps keeps its counts.
public struct ReactionLedger: Sendable {
    public enum Outcome: String, Sendable, CaseIterable {
        case executed, failed, skipped
    }

    public struct Counts: Sendable, Equatable {
        public var executed = 0
        public var failed = 0
        public var skipped = 0
        public var running = 0
        public init() {}
    }

    public static let recentCapacity = 50
    private var counts: [ReactionID: Counts] = [:]
    public private(set) var recent: [ReactionsSnapshot.Record] = []

    public init() {}

    /// A run of `id` started (it counts as running until `record` reports its outcome).
    public mutating func started(_ id: ReactionID) {
        counts[id, default: Counts()].running += 1
    }

    /// How many runs of `id` are running now.
    public func running(_ id: ReactionID) -> Int { counts[id]?.running ?? 0 }

    /// The outcome of a run (`wasRunning`: it had been `started`), or a skip, at `atUnixMs` (wall clock).
    public mutating func record(_ outcome: Outcome, of id: ReactionID, kind: String, event: ReactionEvent,
                                detail: String, atUnixMs: Int, wasRunning: Bool) {
        var c = counts[id, default: Counts()]
        if wasRunning { c.running = max(c.running - 1, 0) }
        switch outcome {
        case .executed: c.executed += 1
        case .failed: c.failed += 1
        case .skipped: c.skipped += 1
        }
        counts[id] = c
        if recent.count >= Self.recentCapacity { recent.removeFirst(recent.count - Self.recentCapacity + 1) }
        recent.append(ReactionsSnapshot.Record(atUnixMs: atUnixMs, reaction: id.name, kind: kind, event: event.kind.rawValue,
                                               service: event.service, instance: event.instance, outcome: outcome,
                                               detail: detail))
    }

    /// The counts of `id` (all zero for a reaction that never ran).
    public func counts(_ id: ReactionID) -> Counts { counts[id] ?? Counts() }

    /// The `/stats` view of the reactions `entries` configures.
    public func snapshot(_ entries: [ReactionDispatcher.Entry]) -> ReactionsSnapshot {
        ReactionsSnapshot(configured: entries.map { e in
            ReactionsSnapshot.Configured(name: e.id.name, kind: e.config.action.kindName, on: e.config.on.map(\.rawValue),
                                         service: e.id.service, counts: counts(e.id))
        }, recent: recent)
    }
}
