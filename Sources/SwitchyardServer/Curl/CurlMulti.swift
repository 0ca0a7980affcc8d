import CCurl
import Glibc
import SwitchyardCore

/// libcurl's multi-socket interface driven by an `EventLoop`: no threads, no `curl_multi_poll`.
///
/// curl tells us which sockets to watch (`CURLMOPT_SOCKETFUNCTION`: one `CurlSocket` handler per
/// socket, registered with the loop) and when to call it back (`CURLMOPT_TIMERFUNCTION`: one
/// timer-only handler). Readiness and that timer both end in `curl_multi_socket_action`; finished
/// transfers are then read with `curl_multi_info_read`, removed from the multi handle and reported
/// through `onDone`. Loop-confined. `curl_multi_socket_action` is never called from inside a curl
/// callback: the timer callback only arms the loop's timer.
///
/// Kept-alive connections stay in epoll between transfers ("parked"): curl stops watching a
/// socket when its transfer ends (`CURL_POLL_REMOVE`) and watches it again when the next transfer
/// reuses the connection, which would cost an `EPOLL_CTL_DEL` and an `EPOLL_CTL_ADD` per check.
/// A parked socket keeps its read interest, so an idle connection costs nothing until the peer
/// closes it or sends something; then it leaves epoll (curl notices the dead connection itself
/// before reusing it). Easy handles made for this multi (`adopt`) close their sockets through
/// `CURLOPT_CLOSESOCKETFUNCTION`, so a parked socket is forgotten (without a system call: closing
/// removes it from epoll) before its descriptor number can be reused.
final class CurlMulti {
    let loop: EventLoop
    /// The `CURLM *`.
    let multi: UnsafeMutableRawPointer
    /// Called for each finished transfer, after it left the multi handle: the easy handle and
    /// curl's result code. The handle may be added again right away or later.
    var onDone: (UnsafeMutableRawPointer, CURLcode) -> Void = { _, _ in }
    /// Transfers in the multi handle.
    private(set) var activeTransfers = 0

    private var sockets: [Int32: CurlSocket] = [:]
    /// Sockets registered with the loop, and how many of them are parked (for tests).
    var socketCounts: (registered: Int, parked: Int) {
        (sockets.count, sockets.values.count { $0.isParked })
    }
    private var timer: CurlTimer!
    private var isClosed = false

    /// `curl_global_init`, once per process, before the first multi handle (thread-safe lazy init).
    static let globalInit: Void = { _ = curl_global_init(SY_CURL_GLOBAL_DEFAULT) }()

    init(loop: EventLoop) throws {
        _ = Self.globalInit
        guard let m = curl_multi_init() else {
            throw SystemError(call: "curl_multi_init", errno: 0, message: "libcurl could not create a multi handle")
        }
        self.loop = loop
        multi = m
        timer = CurlTimer(multi: self)
        let me = Unmanaged.passUnretained(self).toOpaque()
        _ = sy_multi_setopt_socketfn(m) { _, s, what, userp, socketp in
            guard let userp else { return 0 }
            return Unmanaged<CurlMulti>.fromOpaque(userp).takeUnretainedValue()
                .watch(s, what: what, isKnown: socketp != nil)
        }
        _ = sy_multi_setopt_ptr(m, CURLMOPT_SOCKETDATA, me)
        _ = sy_multi_setopt_timerfn(m) { _, ms, userp in
            guard let userp else { return 0 }
            Unmanaged<CurlMulti>.fromOpaque(userp).takeUnretainedValue().armTimer(milliseconds: ms)
            return 0
        }
        _ = sy_multi_setopt_ptr(m, CURLMOPT_TIMERDATA, me)
    }

    /// Idle connections curl keeps for reuse (`CURLMOPT_MAXCONNECTS`); the checker sets one per
    /// http target. curl's default (4 x the transfers running now) would close most of them.
    func setMaxConnections(_ n: Int) {
        _ = sy_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, max(n, 1))
    }

    deinit { close() }

    /// Sets up an easy handle for this multi: curl closes its sockets through us (see the type's
    /// comment on parked sockets). Call once per easy handle, before its first transfer.
    func adopt(_ easy: UnsafeMutableRawPointer) {
        _ = sy_easy_setopt_closesocketfn(easy) { clientp, fd in
            if let clientp { Unmanaged<CurlMulti>.fromOpaque(clientp).takeUnretainedValue().socketClosed(fd) }
            return Glibc.close(fd)
        }
        _ = sy_easy_setopt_ptr(easy, CURLOPT_CLOSESOCKETDATA, Unmanaged.passUnretained(self).toOpaque())
    }

    /// Starts a transfer. Returns curl's error text on failure.
    func add(_ easy: UnsafeMutableRawPointer) -> String? {
        precondition(!isClosed, "CurlMulti used after close")
        let rc = curl_multi_add_handle(multi, easy)
        guard rc == CURLM_OK else { return String(cString: curl_multi_strerror(rc)) }
        activeTransfers += 1
        return nil
    }

    /// Abandons a transfer in progress (no `onDone` for it).
    func remove(_ easy: UnsafeMutableRawPointer) {
        if curl_multi_remove_handle(multi, easy) == CURLM_OK { activeTransfers -= 1 }
    }

    /// Deregisters every socket and frees the multi handle. Remove the easy handles first.
    func close() {
        guard !isClosed else { return }
        isClosed = true
        for h in sockets.values { loop.deregister(h) }
        sockets.removeAll()
        loop.cancelWakeUp(timer)
        curl_multi_cleanup(multi)
    }

    // MARK: Driving curl

    /// Tells curl that `fd` is ready (or, for `SY_CURL_SOCKET_TIMEOUT`, that its timer expired),
    /// then reports finished transfers.
    func socketAction(_ fd: Int32, flags: Int32) {
        guard !isClosed else { return }
        var running: Int32 = 0
        _ = curl_multi_socket_action(multi, fd, flags, &running)
        reportFinished()
    }

    private func reportFinished() {
        var left: Int32 = 0
        while !isClosed, let msg = curl_multi_info_read(multi, &left) {
            // Read the message before removing the handle: removal frees it.
            guard msg.pointee.msg == CURLMSG_DONE, let easy = msg.pointee.easy_handle else { continue }
            let code = sy_multi_msg_result(msg)
            remove(easy)
            onDone(easy, code)
        }
    }

    // MARK: curl's callbacks

    /// `CURLMOPT_SOCKETFUNCTION`: start, change or stop watching `fd`. `isKnown` says curl already
    /// holds our pointer for this socket (`curl_multi_assign`); a handler we still have for an
    /// unknown socket belongs to an earlier socket with the same number that curl closed without
    /// telling us, and is replaced. Returns -1 when the loop refuses the descriptor, which fails
    /// that transfer.
    private func watch(_ fd: Int32, what: Int32, isKnown: Bool) -> Int32 {
        if what == SY_CURL_POLL_REMOVE {
            guard let h = sockets[fd] else { return 0 }
            if isClosed || h.interest.contains(.writable) {
                // Write interest would report an idle connection every turn: leave epoll.
                sockets[fd] = nil
                loop.deregister(h)
            } else {
                h.isParked = true
            }
            return 0
        }
        guard !isClosed else { return 0 }
        var interest: IOEvents = .none
        if what == SY_CURL_POLL_IN || what == SY_CURL_POLL_INOUT { interest.insert(.readable) }
        if what == SY_CURL_POLL_OUT || what == SY_CURL_POLL_INOUT { interest.insert(.writable) }
        if let h = sockets[fd] {
            if isKnown || h.isParked {
                // A parked socket is the same connection: every close of curl's goes through
                // `socketClosed`, which forgets the handler.
                if !isKnown { _ = curl_multi_assign(multi, fd, Unmanaged.passUnretained(h).toOpaque()) }
                h.isParked = false
                loop.modify(h, interest: interest)
                return 0
            }
            sockets[fd] = nil
            loop.deregister(h)
        }
        let h = CurlSocket(fd: fd, multi: self)
        guard loop.register(h, interest: interest) else { return -1 }
        sockets[fd] = h
        _ = curl_multi_assign(multi, fd, Unmanaged.passUnretained(h).toOpaque())
        return 0
    }

    /// A parked socket became readable (the peer closed the idle connection or sent something):
    /// stop watching it; curl finds the connection dead before it would reuse it.
    fileprivate func parkedSocketReady(_ h: CurlSocket) {
        sockets[h.fd] = nil
        loop.deregister(h)
    }

    /// `CURLOPT_CLOSESOCKETFUNCTION`: curl is about to close `fd`. Curl has stopped watching it
    /// (`CURL_POLL_REMOVE` comes first); a parked handler is forgotten without `EPOLL_CTL_DEL`.
    private func socketClosed(_ fd: Int32) {
        if let h = sockets.removeValue(forKey: fd) { loop.deregister(h, closing: true) }
    }

    /// `CURLMOPT_TIMERFUNCTION`: call back in `ms` milliseconds (0: as soon as possible), or never (-1).
    private func armTimer(milliseconds ms: Int) {
        guard !isClosed else { return }
        if ms < 0 {
            loop.cancelWakeUp(timer)
        } else {
            loop.wakeUp(timer, at: MonotonicClock.now() + .milliseconds(ms))
        }
    }
}

@available(*, unavailable)
extension CurlMulti: Sendable {}

/// A socket curl asked us to watch.
private final class CurlSocket: EventHandler {
    unowned let multi: CurlMulti
    /// Curl stopped watching the socket (its connection is idle in curl's cache); it stays in
    /// epoll with read interest.
    var isParked = false

    init(fd: Int32, multi: CurlMulti) {
        self.multi = multi
        super.init(fd: fd)
    }

    override func handleEvent(_ events: IOEvents) {
        if isParked {
            multi.parkedSocketReady(self)
            return
        }
        var flags: Int32 = 0
        // A hangup is reported as readable so curl reads the end of stream itself.
        if !events.isDisjoint(with: [.readable, .hangup]) { flags |= SY_CURL_CSELECT_IN }
        if events.contains(.writable) { flags |= SY_CURL_CSELECT_OUT }
        if events.contains(.error) { flags |= SY_CURL_CSELECT_ERR }
        multi.socketAction(fd, flags: flags)
    }
}

/// curl's single timeout.
private final class CurlTimer: EventHandler {
    unowned let multi: CurlMulti

    init(multi: CurlMulti) {
        self.multi = multi
        super.init(fd: -1)
    }

    override func timerFired(now: Instant) {
        multi.socketAction(SY_CURL_SOCKET_TIMEOUT, flags: 0)
    }
}
