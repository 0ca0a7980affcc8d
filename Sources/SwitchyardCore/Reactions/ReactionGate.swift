/// Decides whether a reaction runs for an event: the `on` filter, the `trigger` streak and the
/// `every` spacing (SPEC section 9), as a state machine fed with events and instants. One gate per
/// configured reaction; its counts are kept per subject (an instance URL, or a service).
///
/// - `trigger: n`: the reaction fires on the n-th occurrence of a listed kind for a subject in a row;
///   the opposite kind (instance_up for instance_down, ...) resets the streak. Further occurrences
///   in the same streak fire again (subject to `every`).
/// - `every: d`: after a run for a subject, further runs for that subject wait until `d` has passed;
///   an event in between is skipped (and reported as such, for `/stats`).
public struct ReactionGate: Sendable {
    public enum Decision: Sendable, Equatable {
        /// Run the reaction now.
        case run
        /// The kind is not in `on`.
        case ignored
        /// Counted: `count` of `trigger` occurrences so far.
        case counting(count: Int, trigger: Int)
        /// Suppressed by `every` until this instant.
        case suppressed(until: Instant)
    }

    public let on: Set<ReactionEvent.Kind>
    public let trigger: Int
    public let everyNanos: UInt64
    private var streaks: [String: (kind: ReactionEvent.Kind, count: Int)] = [:]
    private var lastRun: [String: Instant] = [:]

    public init(on: Set<ReactionEvent.Kind>, trigger: Int = 1, every: Duration = .zero) {
        self.on = on
        self.trigger = max(trigger, 1)
        self.everyNanos = UInt64(max(every.nanoseconds, 0))
    }

    public init(_ config: ReactionConfig) {
        self.init(on: Set(config.on), trigger: config.trigger, every: config.every)
    }

    /// Feeds one event that happened at `now`.
    public mutating func decide(_ event: ReactionEvent, at now: Instant) -> Decision {
        let subject = event.subject
        // The opposite kind ends a streak, whether or not this reaction listens to it.
        if let s = streaks[subject], s.kind == event.kind.opposite { streaks[subject] = nil }
        guard on.contains(event.kind) else { return .ignored }
        var streak = streaks[subject] ?? (event.kind, 0)
        if streak.kind != event.kind { streak = (event.kind, 0) }
        streak.count += 1
        streaks[subject] = streak
        guard streak.count >= trigger else { return .counting(count: streak.count, trigger: trigger) }
        if let last = lastRun[subject], everyNanos > 0 {
            let until = last.advanced(byNanoseconds: everyNanos)
            if now < until { return .suppressed(until: until) }
        }
        lastRun[subject] = now
        return .run
    }
}
