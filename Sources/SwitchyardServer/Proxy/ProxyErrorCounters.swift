import Synchronization
import SwitchyardCore

/// Live counters of the error answers the proxy writes itself (`ProxyError`), for one service or for
/// requests no service matched; read into a `ProxyErrorCounts` for `/stats` and `/metrics`.
///
/// Shared by every worker: one relaxed atomic add per error answer, no lock, no allocation (the
/// cells are made once, one per `ProxyError`, indexed by `ProxyError.index`). A reload hands the
/// counters of a service that stays (same name) to its new `ServiceState`, so they only grow.
final class ProxyErrorCounters: Sendable {
    private final class Cell: Sendable {
        let value = Atomic<Int>(0)
    }

    private let cells: [Cell] = ProxyError.allCases.map { _ in Cell() }

    /// Counts one answer with `error`. Callable from any thread.
    func count(_ error: ProxyError) {
        cells[error.index].value.add(1, ordering: .relaxed)
    }

    /// The counts now (each counter read once; answers written meanwhile may or may not show).
    var counts: ProxyErrorCounts {
        ProxyErrorCounts { cells[$0.index].value.load(ordering: .relaxed) }
    }
}
