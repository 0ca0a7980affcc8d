import CLinuxShims
import Glibc

/// Process signal set-up: ignore `SIGPIPE`, and route the control signals to a `SignalSource`.
///
/// `signalfd` only sees signals that are blocked in every thread, so block them on the main thread
/// before any thread starts (threads inherit the mask), then read them on a loop.
public enum Signals {
    /// The signals the server reacts to: `SIGHUP` (reload), `SIGTERM`/`SIGINT` (graceful stop),
    /// `SIGUSR1` (reopen logs / dump state).
    public static let handled: [Int32] = [SIGHUP, SIGTERM, SIGINT, SIGUSR1]

    /// Ignores `SIGPIPE`, so writing to a reset socket returns `EPIPE` instead of killing us.
    public static func ignoreSIGPIPE() {
        _ = sy_ignore_signal(SIGPIPE)
    }

    /// Blocks `signals` in the calling thread (and so in threads it creates afterwards).
    public static func block(_ signals: [Int32] = handled) throws {
        var set = makeSet(signals)
        let rc = pthread_sigmask(SIG_BLOCK, &set, nil)
        guard rc == 0 else { throw SystemError(call: "pthread_sigmask(SIG_BLOCK)", errno: rc) }
    }

    /// Unblocks `signals` in the calling thread.
    public static func unblock(_ signals: [Int32] = handled) throws {
        var set = makeSet(signals)
        let rc = pthread_sigmask(SIG_UNBLOCK, &set, nil)
        guard rc == 0 else { throw SystemError(call: "pthread_sigmask(SIG_UNBLOCK)", errno: rc) }
    }

    static func makeSet(_ signals: [Int32]) -> sigset_t {
        var set = sigset_t()
        sigemptyset(&set)
        for s in signals { sigaddset(&set, s) }
        return set
    }
}
