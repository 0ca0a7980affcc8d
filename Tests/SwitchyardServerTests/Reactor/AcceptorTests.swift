import Glibc
import Testing
import SwitchyardCore
@testable import SwitchyardServer

/// Echoes what it reads; closes on end of stream.
private final class EchoHandler: EventHandler {
    unowned let loop: EventLoop
    var onClose: (EchoHandler) -> Void = { _ in }

    init(fd: Int32, loop: EventLoop) {
        self.loop = loop
        super.init(fd: fd)
    }

    override func handleEvent(_ events: IOEvents) {
        var buf = [UInt8](repeating: 0, count: 4096)
        let r = buf.withUnsafeMutableBytes { Posix.read(fd, into: $0) }
        switch r {
        case .done(let n): _ = buf.withUnsafeBytes { Posix.write(fd, UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
        case .wouldBlock: break
        case .closed, .failed: close()
        }
    }

    func close() {
        guard isRegistered else { return }
        loop.deregister(self)
        Posix.close(fd)
        onClose(self)
    }
}

/// Connects, sends `message` once connected, collects the echo, then calls `done`.
private final class EchoClient: EventHandler {
    unowned let loop: EventLoop
    let message: String
    var received = ""
    var connectError: Int32 = 0
    var done: (EchoClient) -> Void = { _ in }

    init(fd: Int32, loop: EventLoop, message: String) {
        self.loop = loop
        self.message = message
        super.init(fd: fd)
    }

    override func handleEvent(_ events: IOEvents) {
        if interest.contains(.writable) {
            connectError = Socket.pendingError(fd)
            guard connectError == 0 else { finish(); return }
            writeAll(fd, message)
            loop.modify(self, interest: .readable)
            return
        }
        if let s = readAvailable(fd) { received += s }
        if received.utf8.count >= message.utf8.count || events.contains(.hangup) { finish() }
    }

    func finish() {
        loop.deregister(self)
        Posix.close(fd)
        done(self)
    }
}

private func loopback(_ port: UInt16) throws -> SocketAddress {
    try SocketAddress.resolve(host: "127.0.0.1", port: port)
}

@Suite("Acceptor", .serialized, .timeLimit(.minutes(1)))
struct AcceptorTests {
    @Test("an acceptor and an echo handler round-trip bytes over loopback")
    func echoRoundTrip() throws {
        let loop = try EventLoop(index: 0)
        let listener = try Socket.makeListener(try loopback(0), reusePort: false)
        defer { Posix.close(listener) }
        let port = Socket.localPort(listener)
        #expect(port != 0)
        var peers: [SocketAddress] = []
        let acceptor = Acceptor(listener: listener, loop: loop) { [unowned loop] fd, peer in
            peers.append(peer)
            loop.register(EchoHandler(fd: fd, loop: loop), interest: .readable)
        }
        #expect(acceptor.start())
        var echoed = ""
        switch Socket.connect(try loopback(port)) {
        case .connected(let fd), .inProgress(let fd):
            let client = EchoClient(fd: fd, loop: loop, message: "hello, reactor")
            client.done = { c in echoed = c.received; loop.handle.stop() }
            loop.register(client, interest: .writable)
        case .failed(let e):
            Issue.record("connect failed: errno \(e)")
            return
        }
        #expect(loop.runBounded())
        #expect(echoed == "hello, reactor")
        #expect(peers.count == 1)
        #expect(peers.first?.numericHost == "127.0.0.1")
        acceptor.stop()
    }

    @Test("at the connection limit the next connection waits until one closes")
    func connectionLimit() throws {
        let loop = try EventLoop(index: 0)
        let listener = try Socket.makeListener(try loopback(0), reusePort: false)
        defer { Posix.close(listener) }
        let limit = ConnectionLimit(maximum: 2)
        var accepted: [EchoHandler] = []
        var acceptor: Acceptor!
        acceptor = Acceptor(listener: listener, loop: loop, limit: limit) { [unowned loop] fd, _ in
            let h = EchoHandler(fd: fd, loop: loop)
            h.onClose = { _ in limit.release() }
            accepted.append(h)
            loop.register(h, interest: .readable)
        }
        acceptor.start()
        var clients: [Int32] = []
        for _ in 0..<4 {
            switch Socket.connect(try loopback(Socket.localPort(listener))) {
            case .connected(let fd), .inProgress(let fd): clients.append(fd)
            case .failed(let e): Issue.record("connect failed: errno \(e)")
            }
        }
        defer { clients.forEach(Posix.close) }
        var counts: [Int] = []
        var phase = 0
        let driver = ClosureHandler(fd: -1)
        driver.onTimer = { d, now in
            counts.append(accepted.count)
            phase += 1
            switch phase {
            case 1:
                // Same-loop release: the acceptor is told at once.
                accepted[0].close()
                acceptor.limitReleased()
            case 2:
                // A release it is not told about (as from another worker): its poll timer notices.
                accepted[1].close()
            default:
                loop.handle.stop()
                return
            }
            loop.wakeUp(d, at: now + .milliseconds(100))
        }
        loop.wakeUp(driver, at: loop.now + .milliseconds(100))
        #expect(loop.runBounded())
        #expect(counts == [2, 3, 4])
        #expect(limit.count == 2)
        #expect(!limit.tryAcquire())
        for h in accepted { h.close() }
        #expect(limit.count == 0)
        acceptor.stop()
    }

    @Test("pause stops accepting and resume starts again")
    func pauseResume() throws {
        let loop = try EventLoop(index: 0)
        let listener = try Socket.makeListener(try loopback(0), reusePort: true)
        defer { Posix.close(listener) }
        var accepted: [Int32] = []
        let acceptor = Acceptor(listener: listener, loop: loop) { fd, _ in accepted.append(fd) }
        acceptor.start()
        acceptor.pause()
        guard case .inProgress(let client) = Socket.connect(try loopback(Socket.localPort(listener))) else {
            Issue.record("expected an in-progress connect"); return
        }
        defer { Posix.close(client) }
        var countWhilePaused = -1
        let driver = ClosureHandler(fd: -1)
        driver.onTimer = { d, now in
            if countWhilePaused < 0 {
                countWhilePaused = accepted.count
                acceptor.resume()
                loop.wakeUp(d, at: now + .milliseconds(50))
            } else {
                loop.handle.stop()
            }
        }
        loop.wakeUp(driver, at: loop.now + .milliseconds(50))
        #expect(loop.runBounded())
        #expect(countWhilePaused == 0)
        #expect(accepted.count == 1)
        accepted.forEach(Posix.close)
        acceptor.stop()
    }

    @Test("a non-blocking connect to a closed port fails")
    func connectRefused() throws {
        let listener = try Socket.makeListener(try loopback(0), reusePort: false)
        let port = Socket.localPort(listener)
        Posix.close(listener)
        let loop = try EventLoop(index: 0)
        var error: Int32 = 0
        switch Socket.connect(try loopback(port)) {
        case .failed(let e):
            error = e
        case .connected(let fd):
            Posix.close(fd)
            Issue.record("connected to a closed port")
        case .inProgress(let fd):
            let client = EchoClient(fd: fd, loop: loop, message: "x")
            client.done = { c in error = c.connectError; loop.handle.stop() }
            loop.register(client, interest: .writable)
            #expect(loop.runBounded())
        }
        #expect(error == ECONNREFUSED)
    }
}
