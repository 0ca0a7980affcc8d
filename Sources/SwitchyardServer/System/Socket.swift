import CLinuxShims
import Glibc

/// The outcome of a non-blocking `connect`.
public enum ConnectResult: Sendable {
    /// Connected at once (common on loopback); the descriptor is ready for I/O.
    case connected(Int32)
    /// `EINPROGRESS`: register for `.writable`, then check `Socket.pendingError(fd)`.
    case inProgress(Int32)
    /// The call failed with this `errno`; no descriptor is left open.
    case failed(Int32)
}

/// TCP socket set-up: listeners, accept, non-blocking connect and socket options.
///
/// Every descriptor made here is non-blocking and close-on-exec; connected sockets have
/// `TCP_NODELAY` (we write whole heads and bodies ourselves, Nagle would only add latency).
public enum Socket {
    /// A listening socket bound to `address` with `SO_REUSEADDR` and, when `reusePort`,
    /// `SO_REUSEPORT` (one listener per worker, the kernel spreads connections).
    public static func makeListener(_ address: SocketAddress, reusePort: Bool, backlog: Int32 = 4096) throws -> Int32 {
        let fd = Glibc.socket(address.family, SY_SOCK_STREAM | SY_SOCK_NONBLOCK | SY_SOCK_CLOEXEC, 0)
        guard fd >= 0 else { throw SystemError.last("socket(\(address))") }
        do {
            try setOption(fd, SOL_SOCKET, SO_REUSEADDR, 1, "SO_REUSEADDR")
            if reusePort { try setOption(fd, SOL_SOCKET, SO_REUSEPORT, 1, "SO_REUSEPORT") }
            let rc = address.withSockAddr { Glibc.bind(fd, $0, $1) }
            guard rc == 0 else { throw SystemError.last("bind(\(address))") }
            guard Glibc.listen(fd, backlog) == 0 else { throw SystemError.last("listen(\(address))") }
        } catch {
            Glibc.close(fd)
            throw error
        }
        return fd
    }

    /// Accepts one connection: non-blocking, close-on-exec, `TCP_NODELAY`.
    /// `EINTR` and `ECONNABORTED` (the client gave up in the backlog) are retried.
    /// `EMFILE`/`ENFILE` come back as `.failed`; the caller must back off rather than spin.
    @inlinable
    public static func accept(_ listener: Int32) -> IOResult<(Int32, SocketAddress)> {
        var storage = sockaddr_storage()
        while true {
            var len = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let fd = withUnsafeMutablePointer(to: &storage) { p in
                p.withMemoryRebound(to: sockaddr.self, capacity: 1) { sy_accept4(listener, $0, &len) }
            }
            if fd >= 0 {
                setNoDelay(fd)
                return .done((fd, SocketAddress(storage: storage, length: len)))
            }
            let e = errno
            if e == EINTR || e == ECONNABORTED { continue }
            if e == EAGAIN || e == EWOULDBLOCK { return .wouldBlock }
            return .failed(e)
        }
    }

    /// Starts a non-blocking TCP connect to `address`, with `TCP_NODELAY` unless `noDelay` is false
    /// (a health check's connect that sends nothing saves the `setsockopt`).
    public static func connect(_ address: SocketAddress, noDelay: Bool = true) -> ConnectResult {
        let fd = Glibc.socket(address.family, SY_SOCK_STREAM | SY_SOCK_NONBLOCK | SY_SOCK_CLOEXEC, 0)
        guard fd >= 0 else { return .failed(errno) }
        if noDelay { setNoDelay(fd) }
        while true {
            let rc = address.withSockAddr { Glibc.connect(fd, $0, $1) }
            if rc == 0 { return .connected(fd) }
            let e = errno
            if e == EINTR { continue }
            if e == EINPROGRESS { return .inProgress(fd) }
            Glibc.close(fd)
            return .failed(e)
        }
    }

    /// Starts connecting an existing non-blocking stream socket `fd` (a new one, or one reset by
    /// `disconnect`). Nothing is closed on failure: the caller owns `fd`.
    public static func connect(_ fd: Int32, to address: SocketAddress) -> ConnectResult {
        while true {
            let rc = address.withSockAddr { Glibc.connect(fd, $0, $1) }
            if rc == 0 { return .connected(fd) }
            let e = errno
            if e == EINTR { continue }
            return e == EINPROGRESS ? .inProgress(fd) : .failed(e)
        }
    }

    /// A non-blocking UDP socket connected to `address`, so that only that address can answer it
    /// (and an ICMP port-unreachable shows as `ECONNREFUSED`). `.connected(fd)` or `.failed(errno)`.
    public static func connectedDatagram(_ address: SocketAddress) -> ConnectResult {
        let fd = Glibc.socket(address.family, SY_SOCK_DGRAM | SY_SOCK_NONBLOCK | SY_SOCK_CLOEXEC, 0)
        guard fd >= 0 else { return .failed(errno) }
        if address.withSockAddr({ Glibc.connect(fd, $0, $1) }) != 0 {
            let e = errno
            Glibc.close(fd)
            return .failed(e)
        }
        return .connected(fd)
    }

    /// Sends one datagram on a connected socket; the count sent or the error.
    public static func send(_ fd: Int32, _ bytes: [UInt8]) -> IOResult<Int> {
        while true {
            let n = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n >= 0 { return .done(n) }
            if errno == EINTR { continue }
            return errno == EAGAIN || errno == EWOULDBLOCK ? .wouldBlock : .failed(errno)
        }
    }

    /// Receives one datagram into `buffer`; its length, `.wouldBlock`, or the error.
    public static func receive(_ fd: Int32, into buffer: inout [UInt8]) -> IOResult<Int> {
        while true {
            let n = buffer.withUnsafeMutableBytes { Glibc.recv(fd, $0.baseAddress, $0.count, 0) }
            if n >= 0 { return .done(n) }
            if errno == EINTR { continue }
            return errno == EAGAIN || errno == EWOULDBLOCK ? .wouldBlock : .failed(errno)
        }
    }

    /// A new non-blocking, close-on-exec stream socket of `family`, or -1 (see `errno`).
    public static func stream(family: Int32) -> Int32 {
        Glibc.socket(family, SY_SOCK_STREAM | SY_SOCK_NONBLOCK | SY_SOCK_CLOEXEC, 0)
    }

    /// Dissolves the connection of a TCP socket, or a connect in progress, and leaves the socket
    /// free to connect again (`connect` with `AF_UNSPEC`). An established connection is reset
    /// (the kernel sends RST: no FIN exchange, no TIME_WAIT); the local port is given back.
    @discardableResult
    public static func disconnect(_ fd: Int32) -> Bool {
        var a = sockaddr()
        a.sa_family = sa_family_t(AF_UNSPEC)
        return Glibc.connect(fd, &a, socklen_t(MemoryLayout<sockaddr>.size)) == 0
    }

    /// `SO_ERROR`: 0 when a connect in progress succeeded, else its `errno` (reading clears it).
    public static func pendingError(_ fd: Int32) -> Int32 {
        var value: Int32 = 0
        var len = socklen_t(MemoryLayout<Int32>.size)
        if getsockopt(fd, SOL_SOCKET, SO_ERROR, &value, &len) != 0 { return errno }
        return value
    }

    /// The local port a socket is bound to (for listeners bound to port 0), or 0 on failure.
    public static func localPort(_ fd: Int32) -> UInt16 {
        localAddress(fd)?.port ?? 0
    }

    /// The local address of a socket (`getsockname`).
    public static func localAddress(_ fd: Int32) -> SocketAddress? {
        var storage = sockaddr_storage()
        var len = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let rc = withUnsafeMutablePointer(to: &storage) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
        }
        return rc == 0 ? SocketAddress(storage: storage, length: len) : nil
    }

    /// Turns Nagle's algorithm off; failures (non-TCP sockets) are ignored.
    @inlinable
    public static func setNoDelay(_ fd: Int32) {
        var one: Int32 = 1
        _ = setsockopt(fd, SY_IPPROTO_TCP, SY_TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
    }

    /// Fixes the kernel's send buffer at `bytes` (Linux doubles it for bookkeeping) instead of letting
    /// it grow up to `tcp_wmem`'s maximum; failures are ignored. The admin API's event streams use it,
    /// so that a client that stops reading is noticed after a bounded number of bytes.
    public static func setSendBuffer(_ fd: Int32, bytes: Int32) {
        var v = bytes
        _ = setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &v, socklen_t(MemoryLayout<Int32>.size))
    }

    private static func setOption(_ fd: Int32, _ level: Int32, _ name: Int32, _ value: Int32, _ label: String) throws {
        var v = value
        guard setsockopt(fd, level, name, &v, socklen_t(MemoryLayout<Int32>.size)) == 0 else {
            throw SystemError.last("setsockopt(\(label))")
        }
    }
}
