import Glibc
import SwitchyardCore

/// A `tcp` check's connect in progress: watches the socket for writability, then reads `SO_ERROR`.
///
/// Created by `HealthProbe` when a non-blocking connect returned `EINPROGRESS`; the probe owns the
/// timeout. The socket is closed with `SO_LINGER` 0 (a reset, as HAProxy's checks do), so a check
/// per second per instance leaves no TIME_WAIT sockets behind.
final class TCPConnectCheck: EventHandler {
    private unowned let loop: EventLoop
    /// Called once with the outcome; not called after `cancel()`.
    private let done: (Bool, String) -> Void

    init(fd: Int32, loop: EventLoop, done: @escaping (Bool, String) -> Void) {
        self.loop = loop
        self.done = done
        super.init(fd: fd)
    }

    override func handleEvent(_ events: IOEvents) {
        // Level-triggered: only writable (connected) or error/hangup (failed) reach here. The
        // kernel reports `EPOLLERR` whenever the socket has a pending error, so writable without
        // error or hangup is a completed connect: `SO_ERROR` is read only to name a failure.
        if events.contains(.writable) && events.isDisjoint(with: [.error, .hangup]) {
            cancel()
            done(true, CheckDetail.connected)
            return
        }
        let e = Socket.pendingError(fd)
        let ok = e == 0 && events.contains(.writable)
        cancel()
        done(ok, ok ? CheckDetail.connected : CheckDetail.connectError(e == 0 ? ECONNREFUSED : e))
    }

    /// Stops watching and closes the socket (closing removes it from epoll: no `EPOLL_CTL_DEL`).
    func cancel() {
        guard isRegistered else { return }
        loop.deregister(self, closing: true)
        Self.resetAndClose(fd)
    }

    /// Closes with an immediate reset instead of a FIN handshake.
    static func resetAndClose(_ fd: Int32) {
        var l = linger(l_onoff: 1, l_linger: 0)
        _ = setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, socklen_t(MemoryLayout<linger>.size))
        Posix.close(fd)
    }
}
