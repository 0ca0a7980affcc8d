import Glibc
import Synchronization
import SwitchyardCore
@testable import SwitchyardServer

/// A tiny blocking HTTP server on 127.0.0.1 for health-check tests: one thread, one connection at a
/// time, answers every request with `status` and closes; when `isSilent`, it reads the request and
/// never answers (the connection stays open until `stop()`).
final class TestHTTPServer: @unchecked Sendable {
    let port: UInt16
    let status: Atomic<Int>
    let isSilent = Atomic<Bool>(false)
    /// When false, answers without `Connection: close` and then closes anyway, as an upstream
    /// dropping an idle keep-alive connection does (the client keeps the connection until it
    /// notices).
    let announcesClose = Atomic<Bool>(true)
    /// Requests read so far.
    let requests = Atomic<Int>(0)
    /// The most connections held unanswered at once (while `isSilent`) that their client had not
    /// closed yet, counted at each new one: 1 means the client never had two checks open at a time.
    let maxOpenSilent = Atomic<Int>(0)
    private let listenFd: Int32
    private let stopping = Atomic<Bool>(false)
    private let held = Mutex<[Int32]>([])
    private var thread: TestThread?

    init(status: Int = 200) throws {
        self.status = Atomic(status)
        let fd = try Socket.makeListener(SocketAddress.resolve(host: "127.0.0.1", port: 0), reusePort: false)
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
        listenFd = fd
        port = Socket.localPort(fd)
        thread = TestThread { [self] in serve() }
    }

    private func serve() {
        while !stopping.load(ordering: .acquiring) {
            let fd = accept(listenFd, nil, nil)
            if fd < 0 { continue }
            var tv = timeval(tv_sec: 2, tv_usec: 0)
            _ = setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
            var request: [UInt8] = []
            var buf = [UInt8](repeating: 0, count: 2048)
            while !request.ends(with: Array("\r\n\r\n".utf8)) {
                let n = buf.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if n <= 0 { break }
                request += buf[0..<n]
            }
            requests.add(1, ordering: .relaxed)
            if isSilent.load(ordering: .relaxed) {
                let open = held.withLock { held -> Int in
                    held.removeAll { fd in
                        guard peerClosed(fd) else { return false }
                        close(fd)
                        return true
                    }
                    held.append(fd)
                    return held.count
                }
                if open > maxOpenSilent.load(ordering: .relaxed) { maxOpenSilent.store(open, ordering: .relaxed) }
                continue
            }
            let code = status.load(ordering: .relaxed)
            let closeHeader = announcesClose.load(ordering: .relaxed) ? "Connection: close\r\n" : ""
            let response = "HTTP/1.1 \(code) X\r\nContent-Length: 2\r\n\(closeHeader)\r\nok"
            var bytes = Array(response.utf8)
            _ = bytes.withUnsafeMutableBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            close(fd)
        }
    }

    func stop() {
        stopping.store(true, ordering: .releasing)
        _ = shutdown(listenFd, Int32(SHUT_RDWR))
        thread?.join()
        thread = nil
        close(listenFd)
        held.withLock { for fd in $0 { close(fd) }; $0.removeAll() }
    }
}

/// Whether the peer of `fd` closed or reset the connection (without consuming anything).
private func peerClosed(_ fd: Int32) -> Bool {
    var byte: UInt8 = 0
    let n = recv(fd, &byte, 1, Int32(MSG_PEEK | MSG_DONTWAIT))
    return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
}

extension Array where Element: Equatable {
    func ends(with suffix: [Element]) -> Bool { count >= suffix.count && Array(self[(count - suffix.count)...]) == suffix }
}

/// A loopback port nothing listens on: a bound socket that never listens (closed by `close`).
func closedPort() -> (fd: Int32, port: UInt16) {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    var sin = sockaddr_in()
    sin.sin_family = sa_family_t(AF_INET)
    sin.sin_addr.s_addr = inet_addr("127.0.0.1")
    _ = withUnsafePointer(to: &sin) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
    return (fd, Socket.localPort(fd))
}

/// A target on 127.0.0.1:`port`.
func healthTarget(_ id: Int, port: UInt16, _ config: HealthCheckConfig) -> HealthTarget {
    HealthTarget(id: id, label: "http://127.0.0.1:\(port)#\(id)", host: "127.0.0.1", port: port,
                 address: try! SocketAddress.resolve(host: "127.0.0.1", port: port), config: config)
}

/// A quick check configuration for tests: short interval, no retries unless asked.
func fastCheck(_ type: HealthCheckType, interval: Duration = .milliseconds(20), timeout: Duration = .milliseconds(500),
               retries: Int = 0, retryDelay: Duration = .milliseconds(5), healthyAfter: Int = 2,
               unhealthyAfter: Int = 3, history: Int = 100) -> HealthCheckConfig {
    HealthCheckConfig(type: type, path: "/health", interval: interval, timeout: timeout, retries: retries,
                      retryDelay: retryDelay, healthyAfter: healthyAfter, unhealthyAfter: unhealthyAfter,
                      expectStatus: [200...399], history: history)
}

/// One `onResult` call, as recorded by tests.
struct RecordedRound {
    var target: HealthTarget
    var result: HealthCheckResult
    var transition: HealthTransition?
    var verdict: HealthVerdict
}

/// TCP sockets towards 127.0.0.1:`port` still closing after a FIN (FIN_WAIT1, FIN_WAIT2 or
/// TIME_WAIT, states 04 to 06 in `/proc/net/tcp`): a connection ended by a reset leaves none.
func closingSocketCount(port: UInt16) -> Int {
    guard let f = fopen("/proc/net/tcp", "r") else { return -1 }
    defer { fclose(f) }
    let remote = String(format: "0100007F:%04X", port)
    var n = 0
    var line = [CChar](repeating: 0, count: 512)
    while fgets(&line, 512, f) != nil {
        let fields = String(cString: line).split(separator: " ")
        if fields.count > 3 && fields[2] == remote && ["04", "05", "06"].contains(fields[3]) { n += 1 }
    }
    return n
}

/// Runs `checker` until `until` says stop (checked after every round) or `limit` passes.
/// Returns the rounds seen, or nil on timeout.
func runChecks(_ loop: EventLoop, targets: [HealthTarget], limit: Duration = .seconds(4),
               until: @escaping ([RecordedRound], HealthChecker) -> Bool = { _, _ in true },
               afterRound: @escaping (RecordedRound, HealthChecker) -> Void = { _, _ in })
    throws -> (rounds: [RecordedRound], checker: HealthChecker)? {
    var rounds: [RecordedRound] = []
    var checkerRef: HealthChecker?
    let checker = try HealthChecker(loop: loop, targets: targets) { target, result, transition, verdict in
        let r = RecordedRound(target: target, result: result, transition: transition, verdict: verdict)
        rounds.append(r)
        guard let c = checkerRef else { return }
        afterRound(r, c)
        if until(rounds, c) { c.stop(); loop.handle.stop() }
    }
    checkerRef = checker
    checker.start()
    let finished = loop.runBounded(limit: limit)
    checker.stop()
    return finished ? (rounds, checker) : nil
}
