import CLinuxShims
import Glibc

/// Delivers blocked signals on an event loop through a `signalfd`.
///
/// The signals must be blocked (`Signals.block`) in every thread, or the kernel may run their
/// default action on another thread instead. Loop-confined; `onSignal` runs on the loop's thread.
public final class SignalSource: EventHandler {
    private let onSignal: (Int32) -> Void
    /// The loop the source is registered on; it owns the source while registered, never the reverse.
    private unowned let loop: EventLoop

    /// Creates the signalfd for `signals` and registers it with `loop`.
    public init(loop: EventLoop, signals: [Int32] = Signals.handled, onSignal: @escaping (Int32) -> Void) throws {
        var set = Signals.makeSet(signals)
        let fd = signalfd(-1, &set, SY_SFD_NONBLOCK | SY_SFD_CLOEXEC)
        guard fd >= 0 else { throw SystemError.last("signalfd") }
        self.loop = loop
        self.onSignal = onSignal
        super.init(fd: fd)
        guard loop.register(self, interest: .readable) else {
            let error = SystemError.last("epoll_ctl(signalfd)")
            Glibc.close(fd)
            throw error
        }
    }

    /// Deregisters and closes the signalfd.
    public func close() {
        guard isRegistered else { return }
        loop.deregister(self)
        Posix.close(fd)
    }

    public override func handleEvent(_ events: IOEvents) {
        var info = signalfd_siginfo()
        let size = MemoryLayout<signalfd_siginfo>.size
        while true {
            let r = withUnsafeMutableBytes(of: &info) { Posix.read(fd, into: $0) }
            guard case .done(let n) = r, n == size else { return }
            onSignal(Int32(bitPattern: info.ssi_signo))
        }
    }
}
