import Glibc
import SwitchyardCore

/// One client connection on a worker: the socket, its buffers, the request being read, and the
/// executor of that request's `ProxyExchange`. Requests are handled one at a time, in order
/// (pipelined requests wait in `input`).
///
/// Phases: `idle` (keep-alive, waiting for a request) -> `readingHead` -> `readingBody` ->
/// `forwarding` (the exchange picks, connects, sends and waits for the response head) ->
/// `responding` (the response streams back) -> `idle` again, or `closing` (flush, then close).
/// The exchange's decisions (which instance, retries, deadlines, what to answer) are the core's;
/// `ClientConnection+Exchange.swift` executes them.
final class ClientConnection: EventHandler {
    enum Phase {
        case idle
        case readingHead
        case readingBody
        case forwarding
        case responding
        case closing
        case closed
    }

    /// What this connection's worker shares with its connections (lives as long as the worker).
    unowned(unsafe) let context: WorkerContext
    /// The worker's loop (both live as long as the worker; cached to spare a reference count per use).
    unowned(unsafe) let loop: EventLoop
    /// Client address as text, for `X-Forwarded-For` and the access log.
    let peer: [UInt8]
    var phase: Phase = .idle
    /// Index in the worker's list of open client connections.
    var clientSlot = -1

    // Buffers start tiny and grow on first use. While the worker holds many connections, each one
    // gives its buffers back as soon as it goes idle, so ten thousand idle clients cost a few
    // kilobytes each; with few connections they keep them (no allocation per request).
    var input = ByteBuffer(capacity: 16)
    var output = ByteBuffer(capacity: 16)
    /// The de-chunked body of a chunked request.
    var body = ByteBuffer(capacity: 16)
    /// Above this many open connections on the worker, idle connections give their buffers back.
    static let trimAboveConnections = 256
    var parser: RequestHeadParser
    var head = RequestHead()
    /// The request body's chunked decoder, then (the body being complete) the response's chunk scanner.
    var chunked: ChunkedDecoder

    // The current request. It runs on the snapshot (`state`, `view`) current when its head was read:
    // a reload meanwhile changes neither its service nor the instances it already tried.
    var state: ProxyState
    /// The worker's views of `state`'s services: held here so that `view` outlives a reload.
    var views: [ServiceView]
    /// The request's service view (one of `views`; not retained per request).
    unowned(unsafe) var view: ServiceView?
    var headLength = 0
    /// Bytes of `input` the request occupies (head and body as received).
    var requestLength = 0
    var chunkOffset = 0
    var keepAlive = true
    var pendingError: ProxyError?
    /// The current request is a batch (`multiplex.path`), and the batch running for it.
    var isBatch = false
    var batch: BatchRun?
    var serviceIndex = -1
    var requestID: [UInt8] = []
    var requestStart: Instant = .zero
    /// Whether `head` describes the current request (false until its head parsed).
    var headValid = false
    /// Bytes written to the client for the current request (access log).
    var bytesOut = 0

    // The exchange and what executes it.
    var exchange = ProxyExchange()
    var upstream: UpstreamConnection?
    var relay: ResponseRelay
    /// The instance of the request's last attempt and when it started (access log; `state` holds it).
    unowned(unsafe) var lastInstance: InstanceState?
    var lastAttemptStart: Instant = .zero

    init(context: WorkerContext, fd: Int32, peer: [UInt8]) {
        self.context = context
        self.loop = context.loop
        self.peer = peer
        self.state = context.state
        self.views = context.views
        parser = RequestHeadParser(limits: context.state.limits)
        chunked = ChunkedDecoder(limits: context.state.limits)
        relay = ResponseRelay()
        requestID.reserveCapacity(64)
        super.init(fd: fd)
    }

    func setInterest(_ events: IOEvents) { loop.modify(self, interest: events) }

    // MARK: Events

    override func handleEvent(_ events: IOEvents) {
        if events.contains(.writable) {
            flushOutput()
            if phase == .closed { return }
        }
        if events.contains(.readable) {
            readRequestBytes()
        } else if events.contains(.error) || events.contains(.hangup) {
            // The client went away while nothing was being read (an exchange in progress).
            close()
        }
    }

    override func timerFired(now: Instant) {
        switch phase {
        case .idle:
            close()
        case .readingHead, .readingBody:
            if input.isEmpty && phase == .readingHead { close(); return }
            respondError(.requestTimeout, close: true)
        case .forwarding, .responding:
            exchangeTimerFired(now: now)
        case .closing, .closed:
            close()
        }
    }

    // MARK: Reading the request

    private func readRequestBytes() {
        let n = input.writeWithUnsafeMutableBytes(minimum: 4096) { buffer in
            switch Posix.read(fd, into: buffer) {
            case .done(let n): n
            case .wouldBlock: -1
            case .closed: 0
            case .failed: -2
            }
        }
        if n == 0 || n < -1 {
            close()
            return
        }
        if n == -1 { return }
        switch phase {
        case .forwarding, .responding, .closing, .closed:
            // Pipelined bytes wait in `input` until this exchange ends. The client stays registered for
            // reading during an exchange (one epoll_ctl less each way per request); past a bound it stops.
            if input.readableCount > state.config.accept.maxHeader + state.config.accept.maxBody {
                setInterest(interest.subtracting(.readable))
            }
            return
        case .idle, .readingHead, .readingBody:
            break
        }
        process()
    }

    /// Advances the request state machine over what `input` holds.
    func process() {
        while true {
            switch phase {
            case .idle, .readingHead:
                if input.isEmpty {
                    phase = .idle
                    return
                }
                if phase == .idle {
                    phase = .readingHead
                    adoptCurrentSnapshot()
                    loop.wakeUp(self, at: loop.now.advanced(byNanoseconds: state.timeoutNanos.clientHeader))
                }
                let result = input.withReadableBytes { parser.parse($0, into: &head) }
                switch result {
                case .needMore:
                    setInterest(.readable)
                    return
                case .error(let e):
                    respondError(e.error, detail: e.message, close: true)
                    return
                case .complete(let consumed):
                    headLength = consumed
                    onHead()
                }
            case .readingBody:
                guard bodyComplete() else {
                    setInterest(.readable)
                    return
                }
                onRequestComplete()
                return
            default:
                return
            }
        }
    }

    /// A new request starts on the worker's current snapshot and keeps it to its end: its limits,
    /// routes, services and service views (a reload meanwhile changes none of them).
    private func adoptCurrentSnapshot() {
        guard state !== context.state else { return }
        state = context.state
        views = context.views
        parser.limits = state.limits
    }

    private func onHead() {
        requestStart = loop.now
        headValid = true
        bytesOut = 0
        lastInstance = nil
        keepAlive = head.keepAlive && !context.draining
        if let r = head.requestID {
            requestID.removeAll(keepingCapacity: true)
            input.withReadableBytes { requestID.append(contentsOf: $0[r.start ..< r.start + r.count]) }
        } else {
            context.nextRequestID(into: &requestID)
        }
        let method = head.methodRange, path = head.path, contentType = head.contentType
        let verdict = input.withReadableBytes { bytes in
            state.admission.admit(
                method: UnsafeRawBufferPointer(rebasing: bytes[method.start ..< method.start + method.count]),
                path: UnsafeRawBufferPointer(rebasing: bytes[path.start ..< path.start + path.count]),
                contentType: contentType.map { UnsafeRawBufferPointer(rebasing: bytes[$0.start ..< $0.start + $0.count]) })
        }
        switch verdict {
        case .service(let s):
            serviceIndex = s
            view = views[s]
            pendingError = nil
            isBatch = false
        case .rejected(let error, let s):
            serviceIndex = s ?? -1
            view = nil
            pendingError = error
            isBatch = false
        case .batch:
            serviceIndex = -1
            view = nil
            pendingError = nil
            isBatch = true
        }

        if head.expectContinue {
            if let e = pendingError {
                respondError(e, close: true)
                return
            }
            if input.readableCount == headLength {
                output.write("HTTP/1.1 100 Continue\r\n\r\n")
                flushOutput()
                if phase == .closed { return }
            }
        }
        body.clear()
        chunked = ChunkedDecoder(limits: state.limits)
        chunkOffset = headLength
        phase = .readingBody
        // `client_body` bounds the body; `client_header` covered the head only.
        loop.wakeUp(self, at: loop.now.advanced(byNanoseconds: state.timeoutNanos.clientBody))
    }

    /// True once the whole body is in (`requestLength` set); answers and closes on a bad chunk.
    private func bodyComplete() -> Bool {
        switch head.framing {
        case .none, .untilClose:
            requestLength = headLength
            return true
        case .contentLength(let n):
            guard input.readableCount >= headLength + n else { return false }
            requestLength = headLength + n
            return true
        case .chunked:
            let progress = input.withReadableBytes { bytes in
                chunked.decode(UnsafeRawBufferPointer(rebasing: bytes[chunkOffset...]), into: &body)
            }
            switch progress {
            case .needMore(let consumed):
                chunkOffset += consumed
                return false
            case .done(let consumed):
                chunkOffset += consumed
                requestLength = chunkOffset
                return true
            case .error(let e):
                respondError(e.error, detail: e.message, close: true)
                return false
            }
        }
    }

    /// Runs `body` over the request body bytes, wherever they are.
    func withBody<R>(_ f: (UnsafeRawBufferPointer) -> R) -> R {
        if case .chunked = head.framing {
            return body.withReadableBytes(f)
        }
        return input.withReadableBytes { f(UnsafeRawBufferPointer(rebasing: $0[headLength ..< requestLength])) }
    }

    private func onRequestComplete() {
        if let e = pendingError {
            respondError(e, close: !keepAlive)
            return
        }
        if isBatch {
            startBatch()
            return
        }
        if state.config.accept.requireJSON {
            let verdict = withBody { context.validator.validate($0) }
            if case .invalid(let offset, let reason) = verdict {
                var detail = ByteBuffer(capacity: 96)
                detail.write("invalid JSON at byte ")
                detail.write(decimal: offset)
                detail.write(": ")
                detail.write(reason)
                respondError(.invalidJSON, detailBuffer: detail, close: !keepAlive)
                return
            }
        }
        startExchange()
    }

    // MARK: Writing to the client

    /// The client socket became writable: flush what waits (error answers, or a backpressured response).
    func flushOutput() {
        if phase == .responding, let u = upstream, let view {
            pumpResponse(u, view)
            return
        }
        if !output.isEmpty {
            let r = output.withReadableBytes { Posix.write(fd, $0) }
            switch r {
            case .done(let n):
                output.consume(n)
                bytesOut += n
            case .wouldBlock: break
            case .closed, .failed:
                close()
                return
            }
        }
        if !output.isEmpty {
            setInterest(.writable)
            return
        }
        if phase == .closing {
            close()
            return
        }
        if phase == .idle { trimIfCrowded() }
        setInterest(.readable)
    }

    /// While the worker holds over `trimAboveConnections` connections, an idle one with nothing
    /// buffered gives its buffers back (ten thousand idle clients then cost a few kilobytes each);
    /// with fewer it keeps them, so a busy connection allocates nothing per request.
    private func trimIfCrowded() {
        guard context.clientCount > Self.trimAboveConnections, input.isEmpty, output.isEmpty,
              input.allocatedBytes > 16 || output.allocatedBytes > 16 || body.allocatedBytes > 16 else { return }
        input.shrinkIfIdle(to: 16)
        output.shrinkIfIdle(to: 16)
        body.shrinkIfIdle(to: 16)
        head = RequestHead()
    }

    /// The answer for the current request is written (or queued): move on to the next one.
    func finishRequest() {
        headValid = false
        view = nil
        input.consume(min(requestLength, input.readableCount))
        requestLength = 0
        headLength = 0
        parser.reset()
        if !keepAlive {
            phase = .closing
            flushOutput()
            return
        }
        phase = .idle
        // Deadlines only ever move later on the request path: the timer heap then has nothing to re-sort.
        loop.wakeUp(self, at: loop.now.advanced(byNanoseconds: state.timeoutNanos.clientIdle))
        if !output.isEmpty {
            flushOutput()   // trims once the answer is out
            if phase == .closed { return }
        } else {
            trimIfCrowded()
        }
        if !input.isEmpty {
            process()
        } else {
            setInterest(output.isEmpty ? .readable : [.readable, .writable])
        }
    }

    func close() {
        guard phase != .closed else { return }
        abandonExchange()
        abandonBatch()
        phase = .closed
        loop.cancelWakeUp(self)
        loop.deregister(self)
        Posix.close(fd)
        context.connectionClosed(self)
    }
}
