import SwitchyardCore

/// How one run of a reaction ended, as the runners report it: `executed` or `failed`, and a short
/// detail for `/stats` and the log (`HTTP 200 in 3 ms`, `exit 1 in 20 ms`).
struct ReactionOutcome {
    var outcome: ReactionLedger.Outcome
    var detail: String

    static func executed(_ detail: String) -> ReactionOutcome { ReactionOutcome(outcome: .executed, detail: detail) }
    static func failed(_ detail: String) -> ReactionOutcome { ReactionOutcome(outcome: .failed, detail: detail) }

    /// `3 ms`, `1.2 s`, `10 s`.
    static func elapsed(since start: Instant, now: Instant) -> String {
        let ms = Int(now.nanoseconds(since: start) / 1_000_000)
        if ms < 1000 { return "\(ms) ms" }
        if ms % 1000 == 0 { return "\(ms / 1000) s" }
        return "\(ms / 1000).\(ms % 1000 / 100) s"
    }
}
