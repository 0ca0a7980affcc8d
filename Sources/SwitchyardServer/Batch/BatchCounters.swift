import Synchronization
import SwitchyardCore

/// The batch endpoint's counters, summed over the workers and kept across reloads: batches
/// answered, and parts by how they ended (`/metrics`, `/stats`).
final class BatchCounters: Sendable {
    /// Part outcomes, in `outcomeNames` order.
    static let outcomeNames = ["answered", "cached", "upstream_timeout", "upstream_unavailable", "no_healthy_instance",
                               "no_route", "url_not_allowed"]
    let batches = Atomic<Int>(0)
    /// Batches refused with a 400 (a malformed or over-limit request).
    let refused = Atomic<Int>(0)
    private let parts = Mutex<[Int]>(Array(repeating: 0, count: BatchCounters.outcomeNames.count))

    init() {}

    /// Counts one part's end.
    func count(_ outcome: BatchPartResult.Outcome, cached: Bool) {
        let name: String
        switch outcome {
        case .answer: name = cached ? "cached" : "answered"
        case .error(let e): name = e.code
        }
        let i = Self.outcomeNames.firstIndex(of: name) ?? 3
        parts.withLock { $0[i] += 1 }
    }

    /// Parts by outcome name, in `outcomeNames` order.
    var partCounts: [(String, Int)] {
        let counts = parts.withLock { $0 }
        return Array(zip(Self.outcomeNames, counts))
    }
}
