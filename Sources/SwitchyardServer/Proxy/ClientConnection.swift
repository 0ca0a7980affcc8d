import Glibc
import SwitchyardCore

/// One client connection on a worker, and the exchange it is running. Requests are handled one at
/// a time, in order (pipelined requests wait in `input`), so an exchange needs no object of its own.
///
/// Phases: `idle` (keep-alive, waiting for a request) -> `readingHead` -> `readingBody` ->
/// `forwarding` (an upstream attempt is connecting, sending or waiting for the response head) ->
/// `responding` (the response streams back) -> `idle` again, or `closing` (flush, then close).
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

    unowned(unsafe) let worker: Worker
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
    var chunked: ChunkedDecoder

    // The current request.
    var state: ProxyState
    var headLength = 0
    /// Bytes of `input` the request occupies (head and body as received).
    var requestLength = 0
    var chunkOffset = 0
    var keepAlive = true
    var pendingError: ProxyError?
    var serviceIndex = -1
    var requestID: [UInt8] = []
    var requestStart: Instant = .zero
    /// Whether `head` describes the current request (false until its head parsed).
    var headValid = false
    /// Bytes written to the client for the current request (access log).
    var bytesOut = 0

    // The current attempt.
    var upstream: UpstreamConnection?
    var instance: InstanceState?
    var tried = TriedInstances()
    var attempt = 0
    var isProbe = false
    var freshRetryUsed = false
    var attemptStart: Instant = .zero
    var responseStatus = 0
    var plan = ClientResponsePlan(body: .none, closesConnection: false)
    /// Body bytes still expected for a `copy` plan.
    var remaining = 0
    /// Leading bytes of `upstream.input` already scanned as part of a chunked body.
    var scanned = 0
    var bodyDone = false
    var responseScanner: ChunkedDecoder

    init(worker: Worker, fd: Int32, peer: [UInt8]) {
        self.worker = worker
        self.loop = worker.loop
        self.peer = peer
        self.state = worker.state
        parser = RequestHeadParser(limits: worker.state.limits)
        chunked = ChunkedDecoder(limits: worker.state.limits)
        responseScanner = ChunkedDecoder(limits: worker.state.limits)
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
        case .forwarding:
            attemptFailed(.timedOut)
        case .responding:
            // The response started: nothing can be answered any more.
            recordOutcome(.failure(.timeout))
            abortExchange()
            close()
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
        if phase == .idle {
            phase = .readingHead
            loop.wakeUp(self, at: loop.now.advanced(byNanoseconds: state.timeoutNanos.clientHeader))
        }
        process()
    }

    /// Advances the request state machine over what `input` holds.
    private func process() {
        while true {
            switch phase {
            case .idle, .readingHead:
                if input.isEmpty {
                    phase = .idle
                    return
                }
                if phase == .idle {
                    phase = .readingHead
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

    private func onHead() {
        requestStart = loop.now
        headValid = true
        bytesOut = 0
        attempt = 0
        instance = nil
        if state !== worker.state {
            // A reload happened since the last request: this request runs on the new snapshot.
            state = worker.state
        }
        keepAlive = head.keepAlive && !worker.draining
        pendingError = nil
        serviceIndex = -1
        if let r = head.requestID {
            requestID.removeAll(keepingCapacity: true)
            input.withReadableBytes { requestID.append(contentsOf: $0[r.start ..< r.start + r.count]) }
        } else {
            worker.nextRequestID(into: &requestID)
        }

        let allowed = input.withReadableBytes { bytes -> Bool in
            let m = UnsafeRawBufferPointer(rebasing: bytes[head.methodRange.start ..< head.methodRange.start + head.methodRange.count])
            return state.allowedMethods.contains { $0.elementsEqual(m) }
        }
        if !allowed {
            pendingError = .methodNotAllowed
        } else if let s = input.withReadableBytes({ state.routes.match(path: UnsafeRawBufferPointer(rebasing: $0[head.path.start ..< head.path.start + head.path.count])) }) {
            serviceIndex = s
            if state.config.accept.requireJSON {
                let json = input.withReadableBytes { bytes -> Bool in
                    guard let ct = head.contentType else { return false }
                    return MediaType.isJSON(UnsafeRawBufferPointer(rebasing: bytes[ct.start ..< ct.start + ct.count]))
                }
                if !json { pendingError = .unsupportedMediaType }
            }
        } else {
            pendingError = .noRoute
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
        loop.wakeUp(self, at: loop.now.advanced(byNanoseconds: state.timeoutNanos.clientHeader))
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
    private func withBody<R>(_ f: (UnsafeRawBufferPointer) -> R) -> R {
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
        if state.config.accept.requireJSON {
            let verdict = withBody { worker.validator.validate($0) }
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
        tried = TriedInstances()
        attempt = 0
        freshRetryUsed = false
        phase = .forwarding
        loop.wakeUp(self, at: loop.now.advanced(byNanoseconds: state.timeoutNanos.response))
        dispatch()
    }

    // MARK: Upstream attempts

    /// Picks an instance and starts an attempt on it, or answers 503.
    private func dispatch() {
        if state !== worker.state {
            // A reload landed since this request's head was read and nothing was sent yet: pick among
            // the current instances of the same service (the worker's views follow the new snapshot).
            let name = state.services[serviceIndex].config.name
            state = worker.state
            guard let s = state.services.firstIndex(where: { $0.config.name == name }) else {
                respondError(.noHealthyInstance, close: !keepAlive)
                return
            }
            serviceIndex = s
            tried = TriedInstances()
        }
        let view = worker.views[serviceIndex]
        let service = view.service
        let now = loop.now
        var pick: Int?
        view.refreshIfNeeded(now: now, log: worker.log)
        while true {
            pick = worker.select(view, excluding: tried)
            guard let i = pick else { break }
            if view.phases[i] == .closed { isProbe = false; break }
            // Half-open: only if a probe slot is free. The static supplier takes every instance
            // whatever its breaker says (SPEC 1.4); a free probe slot still lets the breaker close.
            if service.instances[i].shared.withLock({ $0.breaker.acquireProbe(at: now) }) {
                isProbe = true
                break
            }
            if service.config.supplier == .static {
                isProbe = false
                break
            }
            tried.insert(i)
        }
        guard let index = pick else {
            if attempt == 0 {
                respondError(.noHealthyInstance, close: !keepAlive)
            } else {
                respondError(.upstreamUnavailable, close: !keepAlive)
            }
            return
        }
        attempt += 1
        tried.insert(index)
        startAttempt(on: service.instances[index], fresh: false)
    }

    private func startAttempt(on target: InstanceState, fresh: Bool) {
        instance = target
        attemptStart = loop.now
        responseStatus = 0
        target.inFlight.add(1, ordering: .relaxed)
        target.totals.requests.add(1, ordering: .relaxed)
        let u: UpstreamConnection
        if !fresh, let pooled = worker.pools[serviceIndex][target.index].acquire() {
            u = pooled
            u.phase = .active
            // Its idle deadline stays armed (a no-op while active) and only moves later when it is
            // parked again: no timer-heap work per request.
        } else {
            switch worker.connect(to: target, serviceIndex: serviceIndex) {
            case .connection(let c): u = c
            case .failed:
                target.inFlight.subtract(1, ordering: .relaxed)
                attemptFailed(.connectFailed, connection: nil)
                return
            case .localResources(let e):
                target.inFlight.subtract(1, ordering: .relaxed)
                if isProbe {
                    isProbe = false
                    target.shared.withLock { $0.breaker.releaseProbe() }
                }
                worker.log.warning("cannot open a connection to \(target.label): \(String(cString: strerror(e))) (not counted against the instance)")
                instance = nil
                respondError(.upstreamUnavailable, close: true)
                return
            }
        }
        upstream = u
        u.client = self
        u.input.clear()
        u.output.clear()
        writeUpstreamRequest(into: u)
        if u.phase == .active {
            u.flushRequest()
        } else {
            u.setInterest(.writable)
            loop.wakeUp(u, at: loop.now.advanced(byNanoseconds: state.timeoutNanos.connect))
        }
    }

    private func writeUpstreamRequest(into u: UpstreamConnection) {
        let target = u.instance
        input.withReadableBytes { bytes in
            target.basePath.withUnsafeBytes { base in
                target.hostHeader.withUnsafeBytes { host in
                    peer.withUnsafeBytes { client in
                        requestID.withUnsafeBytes { rid in
                            let bodyLength: Int
                            if case .chunked = head.framing { bodyLength = body.readableCount } else { bodyLength = requestLength - headLength }
                            UpstreamRequestWriter.write(head: head, from: bytes, basePath: base, upstreamHost: host,
                                                        clientAddress: client, requestID: rid, bodyLength: bodyLength,
                                                        into: &u.output)
                        }
                    }
                }
            }
        }
        withBody { u.output.write($0) }
    }

    func upstreamConnected(_ u: UpstreamConnection) {
        u.instance.totals.connectionsOpened.add(1, ordering: .relaxed)
        u.flushRequest()
    }

    /// The attempt failed before anything was sent to the client.
    func upstreamFailed(_ u: UpstreamConnection, _ failure: UpstreamFailure) {
        guard u === upstream else { u.close(); return }
        if phase == .responding {
            responseBroken()
            return
        }
        let reused = u.served > 0
        upstream = nil
        u.close()
        instance?.inFlight.subtract(1, ordering: .relaxed)
        attemptFailed(failure, connection: reused)
    }

    private func attemptFailed(_ failure: UpstreamFailure, connection reused: Bool? = nil) {
        if let u = upstream {
            // Timed out while the attempt was running.
            upstream = nil
            u.close()
            instance?.inFlight.subtract(1, ordering: .relaxed)
        }
        let wasReused = reused ?? false
        guard let target = instance else { return }
        let stale = failure == .closedBeforeResponse && wasReused && !freshRetryUsed
        if !stale {
            switch failure {
            case .connectFailed:
                target.totals.connectFailures.add(1, ordering: .relaxed)
                recordOutcome(.failure(.connect))
            case .timedOut:
                target.totals.timeouts.add(1, ordering: .relaxed)
                recordOutcome(.failure(.timeout))
            case .malformedResponse, .closedBeforeResponse, .closedMidResponse:
                target.totals.protocolErrors.add(1, ordering: .relaxed)
                recordOutcome(.failure(.protocolError))
            }
        }
        // A stale pooled connection is retried at once on a fresh one to the same instance: a probe slot
        // this attempt held stays with the retry.
        let service = state.services[serviceIndex]
        let canTryAnother = tried.count < service.instances.count
        let timeLeft = loop.now < (deadline ?? .zero)
        let decision = service.attemptPolicy.decide(after: failure, attempt: attempt, reusedConnection: wasReused,
                                                    freshRetryUsed: freshRetryUsed, canTryAnother: canTryAnother && timeLeft)
        switch decision {
        case .retryOnFreshConnection:
            freshRetryUsed = true
            startAttempt(on: target, fresh: true)
        case .retryElsewhere:
            dispatch()
        case .fail(let status):
            if worker.log.level <= .info {
                worker.log.info("upstream \(target.label): \(failure) on attempt \(attempt)")
            }
            respondError(status == .gatewayTimeout ? .upstreamTimeout : .upstreamUnavailable, close: !keepAlive)
        }
    }

    /// Bytes arrived from the upstream (or it closed).
    func upstreamReadable(_ u: UpstreamConnection) {
        let r = u.readResponse()
        switch r {
        case .done:
            break
        case .wouldBlock:
            return
        case .closed, .failed:
            if phase == .responding, case .untilCloseRaw = plan.body {
                bodyDone = true
                pumpResponse(u, upstreamClosed: true)
            } else if phase == .responding, case .untilCloseChunked = plan.body {
                bodyDone = true
                pumpResponse(u, upstreamClosed: true)
            } else if phase == .responding {
                responseBroken()
            } else {
                upstreamFailed(u, u.input.isEmpty ? .closedBeforeResponse : .malformedResponse)
            }
            return
        }
        if phase == .forwarding {
            parseResponseHead(u)
        } else if phase == .responding {
            pumpResponse(u, upstreamClosed: false)
        }
    }

    private func parseResponseHead(_ u: UpstreamConnection) {
        while true {
            let method = head.method
            let result = u.input.withReadableBytes { u.responseParser.parse($0, requestMethod: method, into: &u.responseHead) }
            switch result {
            case .needMore:
                return
            case .error:
                upstreamFailed(u, .malformedResponse)
                return
            case .complete(let consumed):
                u.responseParser.reset()
                if u.responseHead.isInterim {
                    u.input.consume(consumed)
                    continue
                }
                responseStatus = u.responseHead.status
                if worker.draining { keepAlive = false }
                let before = output.readableCount
                plan = u.input.withReadableBytes { bytes in
                    requestID.withUnsafeBytes { rid in
                        ClientResponseWriter.write(head: u.responseHead, from: bytes, requestID: rid, clientVersion: head.version,
                                                   requestMethod: head.method, keepAlive: keepAlive, into: &output)
                    }
                }
                responseHeadLength = output.readableCount - before
                responseStarted = false
                u.input.consume(consumed)
                u.served += 1
                if plan.closesConnection { keepAlive = false }
                upstreamKeepAlive = u.responseHead.keepAlive
                phase = .responding
                scanned = 0
                bodyDone = false
                switch plan.body {
                case .none: bodyDone = true
                case .copy(let n): remaining = n; bodyDone = n == 0
                case .chunkedPassThrough, .dechunkThenClose:
                    var limits = state.limits
                    limits.maxBody = .max
                    responseScanner = ChunkedDecoder(limits: limits)
                case .untilCloseRaw, .untilCloseChunked: upstreamKeepAlive = false
                }
                pumpResponse(u, upstreamClosed: false)
                return
            }
        }
    }

    var upstreamKeepAlive = false
    /// Bytes of the rewritten response head at the end of `output`, and whether any byte went out
    /// since: until then a broken upstream response can still become a 502.
    var responseHeadLength = 0
    var responseStarted = false

    /// The upstream response broke (bad chunk, early close) after its head was parsed. If nothing of
    /// it reached the client, the client gets a 502 (an accepted request always gets an answer);
    /// otherwise the only honest signal left is closing the connection.
    private func responseBroken() {
        instance?.totals.protocolErrors.add(1, ordering: .relaxed)
        recordOutcome(.failure(.protocolError))
        if !responseStarted && output.readableCount >= responseHeadLength {
            output.removeLast(responseHeadLength)
            abortExchange()
            respondError(.upstreamUnavailable, close: true)
        } else {
            abortExchange()
            close()
        }
    }

    /// Moves response bytes from the upstream's buffer to the client, as many as the client takes.
    private func pumpResponse(_ u: UpstreamConnection, upstreamClosed: Bool) {
        // How many leading bytes of u.input belong to the body and may go out now.
        var forwardable = 0
        switch plan.body {
        case .none:
            forwardable = 0
        case .copy:
            forwardable = min(u.input.readableCount, remaining)
        case .chunkedPassThrough:
            if !bodyDone && scanned < u.input.readableCount {
                let progress = u.input.withReadableBytes { responseScanner.scan(UnsafeRawBufferPointer(rebasing: $0[scanned...])) }
                switch progress {
                case .needMore(let c): scanned += c
                case .done(let c): scanned += c; bodyDone = true
                case .error:
                    responseBroken()
                    return
                }
            }
            forwardable = scanned
        case .untilCloseRaw:
            forwardable = u.input.readableCount
        case .dechunkThenClose:
            // An HTTP/1.0 client cannot take chunked framing: send the decoded data, then close.
            if !bodyDone && !u.input.isEmpty {
                let progress = u.input.withReadableBytes { responseScanner.decode($0, into: &output) }
                switch progress {
                case .needMore(let c): u.input.consume(c)
                case .done(let c): u.input.consume(c); bodyDone = true
                case .error:
                    responseBroken()
                    return
                }
            }
        case .untilCloseChunked:
            // Re-chunk what arrived (an HTTP/1.0-style upstream answering a 1.1 client).
            let n = u.input.readableCount
            if n > 0 {
                ChunkedEncoder.write(chunkOf: n, into: &output)
                u.input.withReadableBytes { output.write($0) }
                output.write("\r\n")
                u.input.consume(n)
            }
            if bodyDone { ChunkedEncoder.writeLast(into: &output) }
        }

        // One writev for the rewritten head (or chunk framing) and the body bytes.
        let pendingOut = output.readableCount
        if pendingOut + forwardable > 0 {
            let written = output.withReadableBytes { head in
                u.input.withReadableBytes { bodyBytes in
                    Posix.writev(fd, head, UnsafeRawBufferPointer(rebasing: bodyBytes[0 ..< forwardable]))
                }
            }
            switch written {
            case .done(let n):
                bytesOut += n
                if n > 0 { responseStarted = true }
                let fromHead = min(n, pendingOut)
                output.consume(fromHead)
                let fromBody = n - fromHead
                if fromBody > 0 {
                    u.input.consume(fromBody)
                    if case .copy = plan.body { remaining -= fromBody; if remaining == 0 { bodyDone = true } }
                    if case .chunkedPassThrough = plan.body { scanned -= fromBody }
                    if case .untilCloseRaw = plan.body {}
                }
            case .wouldBlock:
                break
            case .closed, .failed:
                abortExchange()
                close()
                return
            }
        }
        let allSent = output.isEmpty && (forwardable == 0 || pendingForwardable(u) == 0)
        if !allSent {
            // Backpressure: stop reading the upstream until the client drains.
            u.setInterest([])
            setInterest(.writable)
            return
        }
        if bodyDone {
            completeExchange(u)
        } else {
            u.setInterest(.readable)
            setInterest(.readable)
        }
    }

    /// Body bytes at the front of u.input still to send under the current plan.
    private func pendingForwardable(_ u: UpstreamConnection) -> Int {
        switch plan.body {
        case .none, .untilCloseChunked, .dechunkThenClose: 0
        case .copy: min(u.input.readableCount, remaining)
        case .chunkedPassThrough: scanned
        case .untilCloseRaw: u.input.readableCount
        }
    }

    /// The client socket became writable: flush what waits (error answers, or a backpressured response).
    private func flushOutput() {
        if phase == .responding, let u = upstream {
            pumpResponse(u, upstreamClosed: false)
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
        guard worker.clientCount > Self.trimAboveConnections, input.isEmpty, output.isEmpty,
              input.allocatedBytes > 16 || output.allocatedBytes > 16 || body.allocatedBytes > 16 else { return }
        input.shrinkIfIdle(to: 16)
        output.shrinkIfIdle(to: 16)
        body.shrinkIfIdle(to: 16)
        head = RequestHead()
    }

    // MARK: Finishing

    private func recordOutcome(_ outcome: CallOutcome) {
        guard let target = instance else { return }
        let latency = loop.now.nanoseconds(since: attemptStart)
        let probe = isProbe
        isProbe = false
        let now = loop.now
        let transition = target.shared.withLock { shared -> BreakerTransition? in
            shared.latency.record(nanoseconds: latency)
            return shared.breaker.record(outcome, latencyNanoseconds: latency, isProbe: probe, at: now)
        }
        if let t = transition {
            worker.log.breaker(instance: target, transition: t)
            target.generation.bump()
        }
    }

    /// The response went out completely.
    private func completeExchange(_ u: UpstreamConnection) {
        let target = u.instance
        logAccess(status: responseStatus, error: nil)
        target.totals.countStatus(responseStatus)
        recordOutcome(responseStatus >= 500 ? .failure(.status5xx) : .success)
        target.inFlight.subtract(1, ordering: .relaxed)
        upstream = nil
        u.client = nil
        // A reload since the attempt started may have renumbered the pools: then the connection is not parked.
        if upstreamKeepAlive && u.input.isEmpty && !worker.draining && state === worker.state
            && worker.pools[serviceIndex][target.index].park(u) {
            u.phase = .idle
            u.setInterest(.readable)
            loop.wakeUp(u, at: loop.now.advanced(byNanoseconds: state.timeoutNanos.upstreamIdle))
        } else {
            u.close()
        }
        instance = nil
        finishRequest()
    }

    /// Drops the exchange after a failure that cannot be answered (the response had started).
    private func abortExchange() {
        if let u = upstream {
            upstream = nil
            u.close()
        }
        if isProbe {
            // The client left before the probe's outcome was known: free the slot for another request.
            isProbe = false
            instance?.shared.withLock { $0.breaker.releaseProbe() }
        }
        instance?.inFlight.subtract(1, ordering: .relaxed)
        instance = nil
    }

    /// The answer for the current request is written (or queued): move on to the next one.
    private func finishRequest() {
        headValid = false
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

    // MARK: Access log

    /// One access-log line for the current request (when the access log is on).
    private func logAccess(status: Int, error: ProxyError?) {
        guard let log = worker.accessLog else { return }
        let wall = WallClock.now()
        let now = loop.now
        let record = AccessLogRecord(
            timeUnixMs: wall.seconds * 1000 + wall.nanoseconds / 1_000_000, status: status,
            bytesIn: headValid ? max(requestLength, headLength) : 0, bytesOut: bytesOut,
            upstreamMicros: attempt > 0 && instance != nil ? Int(now.nanoseconds(since: attemptStart) / 1000) : nil,
            totalMicros: Int(now.nanoseconds(since: requestStart) / 1000), attempts: attempt, errorCode: error?.code)
        let service = headValid && serviceIndex >= 0 ? state.services[serviceIndex] : nil
        let target = instance
        input.withReadableBytes { bytes in
            let method = headValid ? UnsafeRawBufferPointer(rebasing: bytes[head.methodRange.start ..< head.methodRange.end]) : UnsafeRawBufferPointer(start: nil, count: 0)
            let path = headValid ? UnsafeRawBufferPointer(rebasing: bytes[head.path.start ..< head.path.end]) : UnsafeRawBufferPointer(start: nil, count: 0)
            requestID.withUnsafeBytes { rid in
                peer.withUnsafeBytes { client in
                    withOptionalBytes(service?.nameBytes) { svc in
                        withOptionalBytes(target?.labelBytes) { inst in
                            log.append(record, requestID: rid, client: client, method: method, path: path,
                                       service: svc, instance: inst)
                        }
                    }
                }
            }
        }
        worker.scheduleAccessLogFlush()
    }

    // MARK: Errors

    func respondError(_ error: ProxyError, detail: StaticString? = nil, close: Bool) {
        if let detail {
            var d = ByteBuffer(capacity: 64)
            d.write(detail)
            respondError(error, detailBuffer: d, close: close)
        } else {
            writeError(error, detail: nil, close: close)
        }
    }

    func respondError(_ error: ProxyError, detailBuffer: consuming ByteBuffer, close: Bool) {
        detailBuffer.withReadableBytes { writeError(error, detail: $0, close: close) }
    }

    private func writeError(_ error: ProxyError, detail: UnsafeRawBufferPointer?, close: Bool) {
        if !headValid {
            worker.nextRequestID(into: &requestID)
            requestStart = loop.now
            bytesOut = 0
        }
        state.countError(error, serviceIndex: headValid ? serviceIndex : -1)
        let closing = close || !keepAlive || worker.draining
        keepAlive = !closing
        requestID.withUnsafeBytes { rid in
            state.allowHeader.withUnsafeBytes { allow in
                ErrorResponse.write(error, detail: detail, requestID: rid, keepAlive: !closing,
                                    allow: error == .methodNotAllowed ? allow : nil,
                                    retryAfterSeconds: error == .noHealthyInstance ? 1 : nil, into: &output)
            }
        }
        bytesOut += output.readableCount
        logAccess(status: error.status, error: error)
        if closing {
            // A framing error may leave unread bytes that must not be taken as a request.
            phase = .closing
            setInterest(.writable)
            flushOutput()
        } else {
            finishRequest()
        }
    }

    func close() {
        guard phase != .closed else { return }
        if upstream != nil { abortExchange() }
        phase = .closed
        loop.cancelWakeUp(self)
        loop.deregister(self)
        Posix.close(fd)
        worker.connectionClosed(self)
    }
}

/// Calls `body` with the bytes of `array`, or nil.
private func withOptionalBytes<R>(_ array: [UInt8]?, _ body: (UnsafeRawBufferPointer?) -> R) -> R {
    guard let array else { return body(nil) }
    return array.withUnsafeBytes { body($0) }
}
