import Glibc
import Synchronization
@testable import SwitchyardServer

/// A keep-alive HTTP/1.1 upstream on its own event loop thread, answering every request
/// `200 ok`: the benchmark's upstream (many connections at once, connections reused). It listens
/// on `listeners` ports of 127.0.0.1, so one server can stand for many instances.
final class KeepAliveHTTPServer: @unchecked Sendable {
    /// The ports it listens on.
    let ports: [UInt16]
    /// The first port.
    var port: UInt16 { ports[0] }
    /// Connections accepted so far.
    var connectionCount: Int { accepted.load(ordering: .relaxed) }
    private let accepted = Atomic<Int>(0)
    private let handle: EventLoopHandle
    private var thread: TestThread?

    init(listeners: Int = 1) throws {
        let loop = try EventLoop(index: 99)
        var fds: [Int32] = []
        for _ in 0..<max(listeners, 1) {
            fds.append(try Socket.makeListener(SocketAddress.resolve(host: "127.0.0.1", port: 0), reusePort: false))
        }
        ports = fds.map(Socket.localPort)
        handle = loop.handle
        for fd in fds {
            let acceptor = Acceptor(listener: fd, loop: loop) { [unowned loop, unowned self] conn, _ in
                accepted.add(1, ordering: .relaxed)
                let c = KeepAliveConnection(fd: conn, loop: loop)
                if !loop.register(c, interest: .readable) { Posix.close(conn) }
            }
            _ = acceptor.start()
        }
        let box = LoopBox(loop: loop, listeners: fds)
        thread = TestThread { box.loop.run(); box.listeners.forEach(Posix.close) }
    }

    func stop() {
        handle.stop()
        thread?.join()
        thread = nil
    }
}

private final class LoopBox: @unchecked Sendable {
    let loop: EventLoop
    let listeners: [Int32]
    init(loop: EventLoop, listeners: [Int32]) { self.loop = loop; self.listeners = listeners }
}

/// Reads requests (heads only) and answers each; closes on end of stream or error.
private final class KeepAliveConnection: EventHandler {
    unowned let loop: EventLoop
    private var pending: [UInt8] = []
    private static let response = Array("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".utf8)

    init(fd: Int32, loop: EventLoop) {
        self.loop = loop
        super.init(fd: fd)
    }

    override func handleEvent(_ events: IOEvents) {
        var buf = [UInt8](repeating: 0, count: 4096)
        switch buf.withUnsafeMutableBytes({ Posix.read(fd, into: $0) }) {
        case .done(let n):
            pending += buf[0..<n]
            while let end = headEnd() {
                pending.removeFirst(end)
                _ = Self.response.withUnsafeBytes { Posix.write(fd, $0) }
            }
        case .wouldBlock:
            break
        case .closed, .failed:
            loop.deregister(self)
            Posix.close(fd)
        }
    }

    private func headEnd() -> Int? {
        guard pending.count >= 4 else { return nil }
        for i in 3..<pending.count where pending[i] == 10 && pending[i - 1] == 13 && pending[i - 2] == 10 {
            return i + 1
        }
        return nil
    }
}
