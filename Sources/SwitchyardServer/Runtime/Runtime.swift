import Glibc
import SwitchyardCore

/// Boots the proxy and runs it until it has drained: the entry point of `switchyard` run mode.
public enum Runtime {
    /// Returns the process exit status.
    public static func run(config: Config, configPath: String) -> Int32 {
        let log = ErrorLog(level: config.log.level)
        Signals.ignoreSIGPIPE()
        do {
            try Signals.block()
        } catch {
            log.error("cannot block signals: \(error)")
            return 1
        }
        let supervisor: Supervisor
        do {
            supervisor = try Supervisor(config: config, configPath: configPath, log: log)
        } catch {
            log.error("\(error)")
            return 1
        }
        return supervisor.run()
    }
}

/// A boot or reload failure with a message for the error log.
struct RuntimeError: Error, CustomStringConvertible {
    let description: String
}

/// A timer on the control loop.
final class ControlTimer: EventHandler {
    private let action: (Instant) -> Void
    init(_ action: @escaping (Instant) -> Void) {
        self.action = action
        super.init(fd: -1)
    }
    override func timerFired(now: Instant) { action(now) }
}

/// A worker as the supervisor knows it: its loop handle, and the `Worker` itself, which only
/// closures run on that worker's thread (through `handle.execute`) may touch.
final class WorkerSlot: @unchecked Sendable {
    var worker: Worker?
}

/// The supervisor, on the control thread, from anywhere: only `execute`d closures touch it.
final class SupervisorRef: @unchecked Sendable {
    unowned(unsafe) var supervisor: Supervisor?
    let handle: EventLoopHandle
    init(handle: EventLoopHandle) { self.handle = handle }
}
