import Glibc
import SwitchyardCore

/// The socket of a `tcp` check, kept from try to try: each try connects it, and the end of a try
/// dissolves the connection again (`Socket.disconnect`, which resets an established one, as
/// HAProxy's checks do, so a check per second per instance leaves no TIME_WAIT sockets behind).
///
/// Against a socket and a close per try this saves, per check, the `socket`, the `SO_LINGER`
/// `setsockopt` and the `close` (and the kernel's allocation and release of a socket and a file),
/// for one `disconnect`; and the epoll registration stays, re-armed by an `EPOLLONESHOT` `MOD`
/// instead of an `ADD`. Costs one idle descriptor per `tcp` target between checks.
///
/// Writability of a connect in progress is watched one-shot: after it fires (or before a try
/// starts) the socket reports nothing, although a disconnected socket is "hung up" to epoll. A try
/// abandoned while its connect is still pending (timeout, cancel) closes the socket instead: the
/// armed one-shot could otherwise fire into the next try. The probe owns the timeout.
final class TCPConnectCheck: EventHandler {
    private unowned let loop: EventLoop
    /// The address family the socket was made for (a reload may change the target's).
    let family: Int32
    /// Called once per try with its outcome; not called for abandoned tries.
    private let done: (Bool, String) -> Void
    /// A connect is pending and watched.
    private var isWaiting = false
    /// The socket was closed: make a new check for the next try.
    private(set) var isClosed = false

    /// A check with a new socket of `family`; nil (with `errno` set) when the socket cannot be made.
    init?(family: Int32, loop: EventLoop, done: @escaping (Bool, String) -> Void) {
        let fd = Socket.stream(family: family)
        guard fd >= 0 else { return nil }
        self.loop = loop
        self.family = family
        self.done = done
        super.init(fd: fd)
    }

    /// Starts a try against `address`. The outcome comes through `done`, at once when the kernel
    /// knows it during the `connect` call, else from the loop.
    func start(_ address: SocketAddress) {
        precondition(!isClosed && !isWaiting, "TCPConnectCheck.start: socket closed or try pending")
        switch Socket.connect(fd, to: address) {
        case .connected:
            Socket.disconnect(fd)
            done(true, CheckDetail.connected)
        case .failed(let e):
            Socket.disconnect(fd)
            done(false, CheckDetail.connectError(e))
        case .inProgress:
            let armed: Bool
            if isRegistered {
                loop.modify(self, interest: [.writable, .oneShot])
                armed = true
            } else {
                armed = loop.register(self, interest: [.writable, .oneShot])
            }
            guard armed else {
                close()
                done(false, "cannot watch socket")
                return
            }
            isWaiting = true
        }
    }

    override func handleEvent(_ events: IOEvents) {
        guard isWaiting else { return }
        isWaiting = false
        // Only writable (connected) or error/hangup (failed) reach here. The kernel reports
        // `EPOLLERR` whenever the socket has a pending error, so writable without error or hangup
        // is a completed connect: `SO_ERROR` is read only to name a failure (reading clears it).
        let ok: Bool
        var e: Int32 = 0
        if events.contains(.writable) && events.isDisjoint(with: [.error, .hangup]) {
            ok = true
        } else {
            e = Socket.pendingError(fd)
            ok = e == 0 && events.contains(.writable)
        }
        Socket.disconnect(fd)
        done(ok, ok ? CheckDetail.connected : CheckDetail.connectError(e == 0 ? ECONNREFUSED : e))
    }

    /// Abandons a pending try, if any: the socket is closed (see the type's comment).
    func abandon() {
        if isWaiting { close() }
    }

    /// Stops watching and closes the socket (closing removes it from epoll: no `EPOLL_CTL_DEL`).
    func close() {
        guard !isClosed else { return }
        isClosed = true
        isWaiting = false
        loop.deregister(self, closing: true)
        Posix.close(fd)
    }
}
