import SwitchyardCore

/// One admin client connection: reads requests (keep-alive, pipelined), lets `AdminServer` answer
/// them, writes the answers in order, and closes after `Connection: close`, a malformed request,
/// end of stream or `AdminServer.idleTimeout`.
///
/// While answers are waiting to be written it stops reading, so a client that pipelines without
/// reading cannot make the buffers grow without bound. Loop-confined.
final class AdminConnection: EventHandler {
    private unowned let server: AdminServer
    private var input = ByteBuffer(capacity: 4096)
    private var output = ByteBuffer(capacity: 16 << 10)
    private var parser = RequestHeadParser(limits: HTTPLimits(maxHeaderBytes: 16 << 10, maxHeaderCount: 100,
                                                              maxBody: AdminServer.maxBody))
    private var head = RequestHead()
    /// Body bytes of the current request still to be read and discarded.
    private var bodyToSkip = 0
    /// No more requests: close once `output` is written.
    private var closeAfterWrite = false
    private var isClosed = false
    /// Answering `GET /events`: no more requests are read (input is discarded); `AdminEventFeed`
    /// pushes events until the client leaves or stops reading.
    private var isStreaming = false

    init(fd: Int32, server: AdminServer) {
        self.server = server
        super.init(fd: fd)
    }

    func armIdleTimer() {
        server.loop.wakeUp(self, at: server.loop.now + AdminServer.idleTimeout)
    }

    override func handleEvent(_ events: IOEvents) {
        if events.contains(.writable) {
            flush()
            if isClosed { return }
        }
        if events.contains(.readable) || events.contains(.hangup) || events.contains(.error) {
            readAvailable()
        }
    }

    override func timerFired(now: Instant) {
        close()
    }

    private func readAvailable() {
        if isStreaming { return discardInput() }
        guard !closeAfterWrite else { return }
        var sawEnd = false
        reading: while input.readableCount < 64 << 10 {
            let r = input.writeWithUnsafeMutableBytes(minimum: 4096) { buffer -> Int in
                switch Posix.read(fd, into: buffer) {
                case .done(let n): return n
                case .wouldBlock: return 0
                case .closed: return -1
                case .failed: return -2
                }
            }
            switch r {
            case 0: break reading
            case -1: sawEnd = true; break reading
            case ..<0: close(); return
            default: continue
            }
        }
        armIdleTimer()
        process()
        if sawEnd { closeAfterWrite = true }
        flush()
    }

    /// Answers every complete request in `input`.
    private func process() {
        while !closeAfterWrite {
            if bodyToSkip > 0 {
                let n = min(bodyToSkip, input.readableCount)
                input.consume(n)
                bodyToSkip -= n
                if bodyToSkip > 0 { return }
            }
            if input.isEmpty { return }
            let result = input.withReadableBytes { parser.parse($0, into: &head) }
            switch result {
            case .needMore:
                return
            case .error(let error):
                AdminResponse.error(status: error.error.status, code: error.error.code,
                                    message: String(describing: error.message), requestID: server.nextRequestID(),
                                    keepAlive: false, into: &output)
                closeAfterWrite = true
            case .complete(let consumed):
                let request = input.withReadableBytes { AdminRequest(head: head, bytes: $0, makeID: server.nextRequestID) }
                input.consume(consumed)
                switch head.framing {
                case .contentLength(let n):
                    bodyToSkip = n
                case .chunked:
                    AdminResponse.error(status: 400, code: "bad_request",
                                        message: "chunked request bodies are not accepted by the admin API",
                                        requestID: request.requestID, keepAlive: false, into: &output)
                    closeAfterWrite = true
                    continue
                case .none, .untilClose:
                    break
                }
                switch server.respond(to: request, from: self, into: &output) {
                case .keepAlive: break
                case .close: closeAfterWrite = true
                case .stream:
                    isStreaming = true
                    server.loop.cancelWakeUp(self)   // a stream is not idle
                    Socket.setSendBuffer(fd, bytes: AdminServer.streamSendBuffer)
                    input.clear()
                    return
                }
            }
        }
    }

    /// Writes as much of `output` as the socket takes; then reads again, waits for room, or closes.
    private func flush() {
        while !output.isEmpty {
            let r = output.withReadableBytes { Posix.write(fd, $0) }
            switch r {
            case .done(let n) where n > 0:
                output.consume(n)
            case .done, .wouldBlock:
                server.loop.modify(self, interest: .writable)
                return
            case .closed, .failed:
                close()
                return
            }
        }
        if closeAfterWrite {
            close()
            return
        }
        output.shrinkIfIdle(to: 16 << 10)
        server.loop.modify(self, interest: .readable)
        // Requests that arrived while answers were pending are already buffered.
        if !isStreaming && !input.isEmpty && bodyToSkip == 0 {
            process()
            if !output.isEmpty || closeAfterWrite { flush() }
        }
    }

    /// Appends one event of a `GET /events` stream and writes what the socket takes. Closes the
    /// connection instead when more than `AdminServer.maxStreamBacklog` bytes of earlier events are
    /// still unsent (so a stream holds at most that plus one event, however large one event is).
    func pushEvent(_ event: UnsafeRawBufferPointer) {
        guard isStreaming, !isClosed else { return }
        guard output.readableCount <= AdminServer.maxStreamBacklog else {
            close()
            return
        }
        output.write(event)
        flush()
    }

    /// A streaming client sends nothing more that matters: read and drop it, and close on end of
    /// stream or error (that is how a departed dashboard is noticed between two events).
    private func discardInput() {
        while true {
            input.clear()
            let r = input.writeWithUnsafeMutableBytes(minimum: 4096) { buffer -> Int in
                switch Posix.read(fd, into: buffer) {
                case .done(let n): return n
                case .wouldBlock: return 0
                case .closed, .failed: return -1
                }
            }
            if r == 0 { input.clear(); return }
            if r < 0 { close(); return }
        }
    }

    func close() {
        guard !isClosed else { return }
        isClosed = true
        server.loop.cancelWakeUp(self)
        server.loop.deregister(self)
        Posix.close(fd)
        server.connectionClosed(self)
    }
}
