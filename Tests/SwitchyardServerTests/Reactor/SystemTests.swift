import Glibc
import Synchronization
import Testing
import SwitchyardCore
@testable import SwitchyardServer

@Suite("System", .serialized, .timeLimit(.minutes(1)))
struct SystemTests {
    @Test("numeric IPv4 and IPv6 addresses resolve and print", arguments: [
        ("10.1.2.3", UInt16(80), "10.1.2.3:80", "10.1.2.3"),
        ("::1", UInt16(8080), "[::1]:8080", "::1"),
        ("[2001:db8::7]", UInt16(443), "[2001:db8::7]:443", "2001:db8::7"),
    ])
    func numericAddresses(host: String, port: UInt16, description: String, numeric: String) throws {
        let a = try SocketAddress.resolve(host: host, port: port)
        #expect(a.description == description)
        #expect(a.port == port)
        var b = ByteBuffer()
        a.writeNumericHost(into: &b)
        #expect(String(decoding: b.readableArray(), as: UTF8.self) == numeric)
    }

    @Test("localhost resolves through getaddrinfo; a bad name throws")
    func names() throws {
        let a = try SocketAddress.resolve(host: "localhost", port: 9)
        #expect(a.port == 9)
        #expect(a.numericHost == "127.0.0.1" || a.numericHost == "::1")
        #expect(throws: SystemError.self) { try SocketAddress.resolve(host: "no such host.invalid", port: 1) }
    }

    @Test("a listener on a busy port reports bind's errno")
    func bindError() throws {
        let a = try SocketAddress.resolve(host: "127.0.0.1", port: 0)
        let first = try Socket.makeListener(a, reusePort: false)
        defer { Posix.close(first) }
        let busy = try SocketAddress.resolve(host: "127.0.0.1", port: Socket.localPort(first))
        do {
            let fd = try Socket.makeListener(busy, reusePort: false)
            Posix.close(fd)
            Issue.record("bound a busy port")
        } catch let e as SystemError {
            #expect(e.errno == EADDRINUSE)
            #expect(e.description.hasPrefix("bind(127.0.0.1:"))
        }
    }

    @Test("RFC 3339 and IMF-fixdate formatting", arguments: [
        (0, 0, "1970-01-01T00:00:00.000Z", "Thu, 01 Jan 1970 00:00:00 GMT"),
        (784_111_777, 999_999_999, "1994-11-06T08:49:37.999Z", "Sun, 06 Nov 1994 08:49:37 GMT"),
        (951_782_400, 5_000_000, "2000-02-29T00:00:00.005Z", "Tue, 29 Feb 2000 00:00:00 GMT"),
        (4_102_444_799, 0, "2099-12-31T23:59:59.000Z", "Thu, 31 Dec 2099 23:59:59 GMT"),
    ])
    func dates(seconds: Int, nanos: Int, rfc3339: String, http: String) {
        var b = ByteBuffer()
        WallClock.rfc3339(seconds: seconds, nanoseconds: nanos, into: &b)
        #expect(String(decoding: b.readableArray(), as: UTF8.self) == rfc3339)
        var h = ByteBuffer()
        WallClock.httpDate(seconds: seconds, into: &h)
        #expect(String(decoding: h.readableArray(), as: UTF8.self) == http)
    }

    @Test("the clocks move forward")
    func clocks() {
        let a = MonotonicClock.now()
        let b = MonotonicClock.now()
        #expect(b >= a)
        #expect(WallClock.now().seconds > 1_700_000_000)
    }

    @Test("Posix wrappers report would-block, data and end of stream")
    func posix() {
        let (r, w) = makePipe()
        var buf = [UInt8](repeating: 0, count: 16)
        let empty = buf.withUnsafeMutableBytes { Posix.read(r, into: $0) }
        guard case .wouldBlock = empty else { Issue.record("expected wouldBlock"); return }
        var first = Array("ab".utf8), second = Array("cd".utf8)
        let written: IOResult<Int> = first.withUnsafeMutableBytes { p0 in
            second.withUnsafeMutableBytes { p1 in
                let iov = [iovec(iov_base: p0.baseAddress, iov_len: 2), iovec(iov_base: p1.baseAddress, iov_len: 2)]
                return iov.withUnsafeBufferPointer { Posix.writev(w, $0) }
            }
        }
        guard case .done(4) = written else { Issue.record("writev wrote \(written)"); return }
        #expect(readAvailable(r) == "abcd")
        Posix.close(w)
        let end = buf.withUnsafeMutableBytes { Posix.read(r, into: $0) }
        guard case .closed = end else { Issue.record("expected closed"); return }
        Posix.close(r)
    }

    @Test("a SignalSource delivers a blocked signal on the loop")
    func signalSource() throws {
        let loop = try EventLoop(index: 0)
        try Signals.block([SIGUSR2])
        defer { try? Signals.unblock([SIGUSR2]) }
        var received: [Int32] = []
        let source = try SignalSource(loop: loop, signals: [SIGUSR2]) { signal in
            received.append(signal)
            loop.handle.stop()
        }
        // Thread-directed, so it stays pending for this thread, which reads the signalfd.
        pthread_kill(pthread_self(), SIGUSR2)
        #expect(loop.runBounded())
        source.close()
        #expect(received == [SIGUSR2])
    }

    @Test("a worker group runs set-up and tasks on its own threads and stops")
    func workerGroup() throws {
        let ran = Mutex<Set<Int>>([])
        let group = try WorkerGroup(count: 2) { loop in
            let index = loop.index
            ran.withLock { _ = $0.insert(index) }
        }
        #expect(group.handles.count == 2)
        let tasks = Atomic<Int>(0)
        for h in group.handles { h.execute { tasks.add(1, ordering: .relaxed) } }
        for h in group.handles { h.execute { h.stop() } }
        group.join()
        #expect(tasks.load(ordering: .relaxed) == 2)
        #expect(ran.withLock { $0 } == [0, 1])
    }
}
