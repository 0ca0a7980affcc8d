import Glibc
import SwitchyardCore

/// The admin API listener (SPEC section 6) on the control loop: `GET /health`, `/stats`, `/dump`,
/// `/metrics`, `/` (the dashboard), `/events` (the dashboard's Server-Sent Events stream, see
/// `AdminEventFeed`) and `POST /reload`. HEAD is answered wherever GET is.
///
/// - `POST` endpoints and `GET /events` need the token when `admin.token` is configured, else 401
///   with `WWW-Authenticate: Bearer`: `Authorization: Bearer <admin.token>`, or for `/events` also
///   `?token=<admin.token>` (a browser's `EventSource` cannot send headers). The token is compared
///   in constant time; the other GET endpoints are open (the listener is loopback by default) and
///   `/dump` never shows the token.
/// - Unknown paths are 404 `not_found`, a wrong method 405 `method_not_allowed` with `Allow`.
/// - Every request has an id: the client's `X-Request-Id` when it is sane, else 16 hex digits made
///   here (`RequestIDGenerator`, as the proxy makes them). Every answer echoes it in `X-Request-Id`,
///   and every error body carries it as `request_id` (SPEC section 4).
/// - Request bodies are read and ignored up to `maxBody`; chunked bodies are refused (400).
/// - Keep-alive and pipelining work; idle connections close after `idleTimeout`.
///
/// Loop-confined. While listening, the loop keeps the server alive (through its acceptor); `stop()`
/// closes the listener and every admin connection. The server holds `backend` strongly.
public final class AdminServer {
    public let backend: AdminBackend
    /// The bound address (with the real port when `admin.listen` asked for port 0).
    public let boundAddress: SocketAddress
    /// Admin connections open at once; more wait in the kernel backlog.
    public static let maxConnections = 64
    /// Largest request body accepted (and discarded).
    public static let maxBody = 64 << 10
    /// An admin connection with nothing to do is closed after this long (event streams excepted).
    public static let idleTimeout: Duration = .seconds(30)
    /// `GET /events` streams open at once; one more is answered 503 `too_many_streams`.
    public static let maxStreams = 16
    /// Time between two events of a stream.
    public static let eventInterval: Duration = .seconds(1)
    /// The `retry:` a stream announces: how long a browser waits before reconnecting.
    public static let eventRetryMilliseconds = 2000
    /// A stream with more unsent bytes than this when the next event is due (a client that stopped
    /// reading) is closed.
    public static let maxStreamBacklog = 256 << 10
    /// The kernel send buffer of a stream's socket (`SO_SNDBUF`), fixed so that the bytes held for a
    /// client that stopped reading stay bounded: about twice this in the kernel plus the backlog.
    public static let streamSendBuffer: Int32 = 64 << 10

    unowned let loop: EventLoop
    private let listener: Int32
    private var acceptor: Acceptor?
    let limit = ConnectionLimit(maximum: AdminServer.maxConnections)
    private var connections: [ObjectIdentifier: AdminConnection] = [:]
    private var requestIDs: RequestIDGenerator
    /// The open `/events` streams and their timer.
    private(set) lazy var events = AdminEventFeed(server: self)

    /// Binds `address` (`admin.listen`) and starts accepting on `loop`. Throws when the address
    /// cannot be resolved or bound.
    public init(loop: EventLoop, address: ListenAddress, backend: AdminBackend) throws {
        self.loop = loop
        self.backend = backend
        var random = SystemRandomNumberGenerator()
        requestIDs = RequestIDGenerator(prefix: random.next())
        let socketAddress = try SocketAddress.resolve(host: address.host, port: address.port)
        listener = try Socket.makeListener(socketAddress, reusePort: false, backlog: 128)
        boundAddress = Socket.localAddress(listener) ?? socketAddress
        let acceptor = Acceptor(listener: listener, loop: loop, limit: limit) { [self] fd, _ in accepted(fd) }
        self.acceptor = acceptor
        guard acceptor.start() else {
            self.acceptor = nil
            Posix.close(listener)
            throw SystemError(call: "epoll_ctl(admin listener)", errno: errno)
        }
    }

    /// The bound port.
    public var port: UInt16 { boundAddress.port }

    /// Admin connections open now.
    public var connectionCount: Int { connections.count }

    /// `GET /events` streams open now.
    public var streamCount: Int { events.count }

    /// A new request id, for a request without a sane `X-Request-Id` of its own.
    func nextRequestID() -> String { requestIDs.next() }

    /// Stops listening, closes the listener and every admin connection. Call on the loop's thread.
    public func stop() {
        guard let acceptor else { return }
        acceptor.stop()
        self.acceptor = nil   // breaks the acceptor -> closure -> server cycle
        Posix.close(listener)
        events.stop()
        for c in Array(connections.values) { c.close() }
    }

    private func accepted(_ fd: Int32) {
        let c = AdminConnection(fd: fd, server: self)
        guard loop.register(c, interest: .readable) else {
            Posix.close(fd)
            limit.release()
            return
        }
        connections[ObjectIdentifier(c)] = c
        c.armIdleTimer()
    }

    /// Called by a connection after it closed its descriptor.
    func connectionClosed(_ c: AdminConnection) {
        connections[ObjectIdentifier(c)] = nil
        events.remove(c)
        limit.release()
        acceptor?.limitReleased()
    }

    // MARK: Routing

    /// What a connection does after an answer.
    enum AfterAnswer: Equatable {
        /// Read the next request.
        case keepAlive
        /// Close once the answer is written.
        case close
        /// The answer was the head and first event of a `GET /events` stream: send events from now on.
        case stream
    }

    /// Answers one request from `c` into `out`.
    func respond(to r: AdminRequest, from c: AdminConnection, into out: inout ByteBuffer) -> AfterAnswer {
        if r.path == "/events" { return events(r, c, &out) }
        return respond(to: r, into: &out) ? .keepAlive : .close
    }

    /// Answers one request other than `/events` into `out`. Returns whether the connection may stay open.
    func respond(to r: AdminRequest, into out: inout ByteBuffer) -> Bool {
        let keepAlive = r.keepAlive
        let id = r.requestID
        let headOnly = r.method == .head
        let isRead = r.method == .get || r.method == .head
        switch r.path {
        case "/health", "/stats", "/dump", "/metrics", "/":
            guard isRead else { return methodNotAllowed("GET, HEAD", r, &out) }
            var body = ByteBuffer(capacity: 16 << 10)
            var status = 200
            var contentType = AdminResponse.json
            switch r.path {
            case "/health":
                let draining = backend.isDraining
                status = draining ? 503 : 200
                body.write(draining ? "{\"status\":\"draining\"}\n" : "{\"status\":\"serving\"}\n")
            case "/stats":
                StatsDocument.write(backend.snapshot(), into: &body)
                body.write(byte: 0x0A)
            case "/dump":
                StatsDocument.writeDump(backend.snapshot(), config: backend.config, into: &body)
                body.write(byte: 0x0A)
            case "/metrics":
                PrometheusExposition.write(backend.snapshot(), into: &body)
                contentType = PrometheusExposition.contentType
            default:
                for part in AdminDashboard.parts { body.write(part) }
                contentType = AdminResponse.html
            }
            AdminResponse.write(status: status, contentType: contentType, body: body, requestID: id,
                                keepAlive: keepAlive, headOnly: headOnly, into: &out)
        case "/reload":
            guard r.method == .post else { return methodNotAllowed("POST", r, &out) }
            guard isAuthorized(r.authorization) else {
                unauthorized("POST endpoints need Authorization: Bearer <admin.token>", r, &out)
                return keepAlive
            }
            reload(r, &out)
        default:
            AdminResponse.error(status: 404, code: "not_found", message: "no admin endpoint at this path",
                                requestID: id, keepAlive: keepAlive, headOnly: headOnly, into: &out)
        }
        return keepAlive
    }

    /// `GET /events`: the token (header or `?token=`), the stream cap, then the head and first event.
    private func events(_ r: AdminRequest, _ c: AdminConnection, _ out: inout ByteBuffer) -> AfterAnswer {
        let headOnly = r.method == .head
        guard r.method == .get || headOnly else { return methodNotAllowed("GET, HEAD", r, &out) ? .keepAlive : .close }
        guard isAuthorized(r.authorization) || isAuthorized(queryToken: r.query) else {
            unauthorized("GET /events needs Authorization: Bearer <admin.token> or ?token=<admin.token>", r, &out)
            return r.keepAlive ? .keepAlive : .close
        }
        guard !events.isFull else {
            AdminResponse.error(status: 503, code: "too_many_streams",
                                message: "at most \(Self.maxStreams) event streams are open at once",
                                extraHeaders: "Retry-After: 5\r\n", requestID: r.requestID, keepAlive: false,
                                headOnly: headOnly, into: &out)
            return .close
        }
        AdminResponse.writeEventStreamHead(requestID: r.requestID, keepAlive: r.keepAlive, headOnly: headOnly,
                                           into: &out)
        if headOnly { return r.keepAlive ? .keepAlive : .close }
        events.open(c, into: &out)
        return .stream
    }

    private func unauthorized(_ message: String, _ r: AdminRequest, _ out: inout ByteBuffer) {
        AdminResponse.error(status: 401, code: "unauthorized", message: message,
                            extraHeaders: "WWW-Authenticate: Bearer realm=\"switchyard\"\r\n",
                            requestID: r.requestID, keepAlive: r.keepAlive, headOnly: r.method == .head, into: &out)
    }

    private func reload(_ r: AdminRequest, _ out: inout ByteBuffer) {
        let keepAlive = r.keepAlive
        switch backend.reload() {
        case .reloaded(let summary):
            var body = ByteBuffer(capacity: 256)
            var w = JSONWriter()
            w.beginObject(into: &body)
            w.key("status", into: &body); w.value("reloaded" as StaticString, into: &body)
            w.key("summary", into: &body); w.value(summary, into: &body)
            w.endObject(into: &body)
            body.write(byte: 0x0A)
            AdminResponse.write(status: 200, contentType: AdminResponse.json, body: body, requestID: r.requestID,
                                keepAlive: keepAlive, headOnly: false, into: &out)
        case .failed(let errors):
            let body = AdminResponse.errorBody(code: "reload_failed",
                                               message: "the new configuration is invalid; the old one keeps serving",
                                               requestID: r.requestID) { w, body in
                w.key("errors", into: &body)
                w.beginArray(into: &body)
                for e in errors { w.value(e, into: &body) }
                w.endArray(into: &body)
            }
            AdminResponse.write(status: 422, contentType: AdminResponse.json, body: body, requestID: r.requestID,
                                keepAlive: keepAlive, headOnly: false, into: &out)
        case .notSupported:
            AdminResponse.error(status: 501, code: "not_implemented", message: "this process cannot reload",
                                requestID: r.requestID, keepAlive: keepAlive, into: &out)
        }
    }

    private func methodNotAllowed(_ allow: String, _ r: AdminRequest, _ out: inout ByteBuffer) -> Bool {
        AdminResponse.error(status: 405, code: "method_not_allowed", message: "method not allowed on this endpoint",
                            extraHeaders: "Allow: \(allow)\r\n", requestID: r.requestID, keepAlive: r.keepAlive,
                            into: &out)
        return r.keepAlive
    }

    /// True when no token is configured, or `authorization` is `Bearer <token>` (scheme in any case).
    func isAuthorized(_ authorization: String?) -> Bool {
        guard let token = backend.config.admin.token else { return true }
        guard let authorization else { return false }
        let value = Array(authorization.utf8)
        let scheme = Array("bearer ".utf8)
        guard value.count > scheme.count else { return false }
        for i in 0..<scheme.count where (value[i] | (i < 6 ? 0x20 : 0)) != scheme[i] { return false }
        var given = value[scheme.count...].drop { $0 == 0x20 }
        while given.last == 0x20 { given.removeLast() }
        return Self.constantTimeEquals(Array(given), Array(token.utf8))
    }

    /// True when no token is configured, or `query` has `token=<token>` (percent-decoded).
    func isAuthorized(queryToken query: String) -> Bool {
        guard let token = backend.config.admin.token else { return true }
        guard let given = QueryString.value(named: "token", in: query[...]) else { return false }
        return Self.constantTimeEquals(Array(given.utf8), Array(token.utf8))
    }

    /// Compares without an early exit, so the time taken does not reveal how much of the token matched.
    static func constantTimeEquals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        var diff = UInt8(truncatingIfNeeded: a.count ^ b.count) | (a.count == b.count ? 0 : 1)
        for i in 0..<max(a.count, b.count) {
            diff |= (i < a.count ? a[i] : 0) ^ (i < b.count ? b[i] : 0)
        }
        return diff == 0
    }
}

@available(*, unavailable)
extension AdminServer: Sendable {}
