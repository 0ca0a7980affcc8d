import Glibc
import Synchronization
import SwitchyardCore

/// The error log: one line per event on stderr, `2026-12-02T15:04:05.123Z level message`, each line
/// written with a single write(2) so that lines from different threads never interleave.
///
/// The level can change while threads log (`log.level` on reload): it is an atomic, read relaxed
/// on every call, so a change shows in every thread's next line.
public final class ErrorLog: Sendable {
    let fd: Int32
    /// Recent transitions, for `/dump`.
    let journal = TransitionJournal()
    /// `LogLevel.rawValue` of the lowest level written.
    private let levelRaw: Atomic<Int>
    /// Told of every breaker transition, on the thread that made it (reactions forward them to the
    /// control loop). Set once at start, before the workers run.
    private let breakerObserver = Mutex<(@Sendable (InstanceState, BreakerTransition) -> Void)?>(nil)

    public init(level: LogLevel, fd: Int32 = 2) {
        levelRaw = Atomic(level.rawValue)
        self.fd = fd
    }

    /// The lowest level written; lines below it are dropped without formatting their message.
    public var level: LogLevel {
        get { LogLevel(rawValue: levelRaw.load(ordering: .relaxed)) ?? .info }
        set { levelRaw.store(newValue.rawValue, ordering: .relaxed) }
    }

    public func debug(_ message: @autoclosure () -> String) { write(.debug, message) }
    public func info(_ message: @autoclosure () -> String) { write(.info, message) }
    public func warning(_ message: @autoclosure () -> String) { write(.warning, message) }
    public func error(_ message: @autoclosure () -> String) { write(.error, message) }

    /// A circuit-breaker transition with its reason (SPEC: every transition carries its reason).
    func breaker(instance: InstanceState, transition: BreakerTransition) {
        let lvl: LogLevel = transition.to == .open ? .warning : .info
        write(lvl, { "breaker \(instance.label): \(transition.from.rawValue) -> \(transition.to.rawValue) (\(transition.reason))" })
        journal.append(TransitionRecord(at: transition.at, subject: "breaker \(instance.label)", from: transition.from.rawValue,
                                        to: transition.to.rawValue, reason: "\(transition.reason)"))
        breakerObserver.withLock { $0 }?(instance, transition)
    }

    /// Calls `observer` with every breaker transition from now on, on the thread that made it: it
    /// must not block (a worker's loop is waiting). Callable from any thread.
    func observeBreakers(_ observer: @escaping @Sendable (InstanceState, BreakerTransition) -> Void) {
        breakerObserver.withLock { $0 = observer }
    }

    private func write(_ lvl: LogLevel, _ message: () -> String) {
        guard lvl >= level else { return }
        var line = ByteBuffer(capacity: 256)
        WallClock.rfc3339(into: &line)
        line.write(byte: UInt8(ascii: " "))
        line.write(string: lvl.name)
        line.write(byte: UInt8(ascii: " "))
        line.write(string: message())
        line.write(byte: UInt8(ascii: "\n"))
        line.withReadableBytes { _ = Glibc.write(fd, $0.baseAddress, $0.count) }
    }
}
