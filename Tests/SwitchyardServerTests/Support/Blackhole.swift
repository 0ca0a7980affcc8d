import Foundation
import Glibc

/// A loopback port whose connects hang: a listener with a backlog of 0 that never accepts, its queue
/// filled by the test's own connections, so the kernel drops further SYNs (an unreachable host,
/// without leaving loopback).
final class Blackhole {
    let port: UInt16
    var url: String { "http://127.0.0.1:\(port)" }
    private let listener: Int32
    private var fillers: [Int32] = []

    init() throws {
        (listener, port) = try loopbackListener(backlog: 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = port.bigEndian
        // Fill the accept queue until a connect no longer completes within 100 ms.
        for _ in 0 ..< 8 {
            let c = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
            let r = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(c, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
            if r != 0 && errno != EINPROGRESS { Glibc.close(c); break }
            var p = pollfd(fd: c, events: Int16(POLLOUT), revents: 0)
            let ready = poll(&p, 1, 100)
            fillers.append(c)
            if ready == 0 { return }
        }
        throw TestError("the blackhole's accept queue did not fill")
    }

    deinit {
        for fd in fillers { Glibc.close(fd) }
        Glibc.close(listener)
    }
}

/// A flag shared with an upstream's answer closure.
final class SharedFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Bool
    init(_ value: Bool) { self.value = value }
    var isSet: Bool {
        get { lock.lock(); defer { lock.unlock() }; return value }
        set { lock.lock(); value = newValue; lock.unlock() }
    }
}
