import Glibc
import SwitchyardCore

/// The process-wide settings of a reload: those applied live and those that wait for a restart.
extension Supervisor {
    /// The thread count `workers: auto` stands for.
    static var onlineCores: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }

    /// Applies `log.level` and `accept.max_connections` of a valid new file. Both are read by every
    /// thread through atomics, so the change shows at each thread's next log line or `accept`.
    /// A lower connection cap closes nothing: acceptors stop taking connections until enough
    /// have closed. Acceptors waiting for a raised cap are woken by the workers after the swap
    /// (`Worker.limitMayAllowMore`).
    func applyLiveSettings(_ next: Config) {
        let level = next.log.level
        let before = log.level
        if level != before {
            // Said at the more verbose of the two levels, so it shows whenever either level shows info.
            log.level = min(level, before)
            log.info("reload: log.level changed from \(before.name) to \(level.name)")
            log.level = level
        }
        let maximum = next.accept.maxConnections
        let previous = limit.maximum
        if maximum != previous {
            limit.setMaximum(maximum)
            log.info("reload: accept.max_connections changed from \(previous) to \(maximum) (\(limit.count) open now)")
        }
    }
}
