import SwitchyardCore

/// Moves one response from the upstream connection's buffer to the client socket under the
/// `ClientResponsePlan` decided with its head: the byte mechanics of the `relay` phase (framing,
/// backpressure, one `writev` for head and body). The exchange's decisions stay in `ProxyExchange`.
struct ResponseRelay {
    /// Where the relay stands after a `pump`.
    enum Progress {
        /// The client's socket is full: wait for it to become writable (stop reading the upstream).
        case waitingForClient
        /// Everything received went out: read more from the upstream.
        case waitingForUpstream
        /// The last byte went out.
        case complete
        /// The upstream's body is malformed (a bad chunk).
        case broken
        /// The client's socket failed.
        case clientGone
    }

    private(set) var plan = ClientResponsePlan(body: .none, closesConnection: false)
    /// The response status (for the access log and the instance's totals).
    private(set) var status = 0
    /// The upstream connection may carry another request once this body is complete.
    private(set) var upstreamKeepAlive = false
    /// Some byte of this response reached the client: it can no longer become an error answer.
    private(set) var clientSawBytes = false
    /// Bytes of the rewritten head at the end of the client's output, until the first write.
    private(set) var headLength = 0
    /// Body bytes still expected for a `copy` plan.
    private var remaining = 0
    /// Leading bytes of the upstream's input already scanned as part of a chunked body.
    private var scanned = 0
    private var bodyDone = false

    init() {}

    /// Starts relaying a response whose rewritten head (`headLength` bytes) was just written to the
    /// client's output. `scanner` is the connection's chunked decoder: the request body it decoded is
    /// complete by now, so it serves the response's chunked framing.
    mutating func begin(plan: ClientResponsePlan, status: Int, headLength: Int, upstreamKeepAlive: Bool,
                        limits: HTTPLimits, scanner: inout ChunkedDecoder) {
        self.plan = plan
        self.status = status
        self.headLength = headLength
        self.upstreamKeepAlive = upstreamKeepAlive
        clientSawBytes = false
        scanned = 0
        bodyDone = false
        switch plan.body {
        case .none: bodyDone = true
        case .copy(let n): remaining = n; bodyDone = n == 0
        case .chunkedPassThrough, .dechunkThenClose:
            var unlimited = limits
            unlimited.maxBody = .max
            scanner = ChunkedDecoder(limits: unlimited)
        case .untilCloseRaw, .untilCloseChunked: self.upstreamKeepAlive = false
        }
    }

    /// The upstream closed its connection. True when that ends the body (a body delimited by the
    /// close); false when the response is cut short.
    mutating func upstreamClosed() -> Bool {
        switch plan.body {
        case .untilCloseRaw, .untilCloseChunked:
            bodyDone = true
            return true
        default:
            return false
        }
    }

    /// Sends what `output` holds and the body bytes at the front of `input` that may go out, as many
    /// as the client socket `fd` takes.
    @inline(__always)
    mutating func pump(fd: Int32, output: inout ByteBuffer, input: inout ByteBuffer, scanner: inout ChunkedDecoder,
                       bytesOut: inout Int) -> Progress {
        // How many leading bytes of `input` belong to the body and may go out now.
        var forwardable = 0
        switch plan.body {
        case .none:
            break
        case .copy:
            forwardable = min(input.readableCount, remaining)
        case .chunkedPassThrough:
            if !bodyDone && scanned < input.readableCount {
                let offset = scanned
                let progress = input.withReadableBytes { scanner.scan(UnsafeRawBufferPointer(rebasing: $0[offset...])) }
                switch progress {
                case .needMore(let c): scanned += c
                case .done(let c): scanned += c; bodyDone = true
                case .error: return .broken
                }
            }
            forwardable = scanned
        case .untilCloseRaw:
            forwardable = input.readableCount
        case .dechunkThenClose:
            // An HTTP/1.0 client cannot take chunked framing: send the decoded data, then close.
            if !bodyDone && !input.isEmpty {
                let progress = input.withReadableBytes { scanner.decode($0, into: &output) }
                switch progress {
                case .needMore(let c): input.consume(c)
                case .done(let c): input.consume(c); bodyDone = true
                case .error: return .broken
                }
            }
        case .untilCloseChunked:
            // Re-chunk what arrived (an HTTP/1.0-style upstream answering a 1.1 client).
            let n = input.readableCount
            if n > 0 {
                ChunkedEncoder.write(chunkOf: n, into: &output)
                input.withReadableBytes { output.write($0) }
                output.write("\r\n")
                input.consume(n)
            }
            if bodyDone { ChunkedEncoder.writeLast(into: &output) }
        }

        // One writev for the rewritten head (or chunk framing) and the body bytes.
        let pendingOut = output.readableCount
        if pendingOut + forwardable > 0 {
            let written = output.withReadableBytes { head in
                input.withReadableBytes { body in
                    Posix.writev(fd, head, UnsafeRawBufferPointer(rebasing: body[0 ..< forwardable]))
                }
            }
            switch written {
            case .done(let n):
                bytesOut += n
                if n > 0 { clientSawBytes = true }
                let fromHead = min(n, pendingOut)
                output.consume(fromHead)
                let fromBody = n - fromHead
                if fromBody > 0 {
                    input.consume(fromBody)
                    switch plan.body {
                    case .copy:
                        remaining -= fromBody
                        if remaining == 0 { bodyDone = true }
                    case .chunkedPassThrough: scanned -= fromBody
                    default: break
                    }
                }
            case .wouldBlock:
                break
            case .closed, .failed:
                return .clientGone
            }
        }
        if !output.isEmpty || (forwardable > 0 && pendingForwardable(input) > 0) { return .waitingForClient }
        return bodyDone ? .complete : .waitingForUpstream
    }

    /// Body bytes at the front of `input` still to send under the current plan.
    private func pendingForwardable(_ input: borrowing ByteBuffer) -> Int {
        switch plan.body {
        case .none, .untilCloseChunked, .dechunkThenClose: 0
        case .copy: min(input.readableCount, remaining)
        case .chunkedPassThrough: scanned
        case .untilCloseRaw: input.readableCount
        }
    }
}
