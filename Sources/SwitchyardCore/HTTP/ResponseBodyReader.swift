/// Reads a whole upstream response body into a buffer, by its framing (RFC 9112 section 6.3), up to
/// a size bound: what a batch part needs, where the answer is collected rather than streamed.
public struct ResponseBodyReader: Sendable {
    public enum Progress: Sendable, Equatable {
        /// More bytes are needed; `consumed` bytes of `input` were taken (the rest waits for more).
        case needMore(consumed: Int)
        /// The body is complete after `consumed` bytes of `input`.
        case done(consumed: Int)
        /// The body is over the bound.
        case tooLarge
        /// The chunked framing is malformed.
        case malformed
    }

    private let framing: BodyFraming
    private let maxBody: Int
    private var remaining: Int
    private var chunked: ChunkedDecoder

    /// `maxBody`: the most body bytes accepted.
    public init(framing: BodyFraming, maxBody: Int) {
        self.framing = framing
        self.maxBody = maxBody
        var limits = HTTPLimits()
        limits.maxBody = maxBody
        chunked = ChunkedDecoder(limits: limits)
        if case .contentLength(let n) = framing { remaining = n } else { remaining = 0 }
    }

    /// Whether the body ends when the upstream closes the connection (`untilClose` framing): then
    /// the close completes it.
    public var endsAtClose: Bool { framing == .untilClose }

    /// Takes the body bytes at the front of `input`, appending them to `body`.
    public mutating func read(_ input: UnsafeRawBufferPointer, into body: inout ByteBuffer) -> Progress {
        switch framing {
        case .none:
            return .done(consumed: 0)
        case .contentLength:
            if remaining > maxBody { return .tooLarge }
            let n = min(remaining, input.count)
            body.write(UnsafeRawBufferPointer(rebasing: input[0..<n]))
            remaining -= n
            return remaining == 0 ? .done(consumed: n) : .needMore(consumed: n)
        case .untilClose:
            if body.readableCount + input.count > maxBody { return .tooLarge }
            body.write(input)
            return .needMore(consumed: input.count)
        case .chunked:
            switch chunked.decode(input, into: &body) {
            case .needMore(let consumed): return .needMore(consumed: consumed)
            case .done(let consumed): return .done(consumed: consumed)
            case .error(let e): return e.error == .bodyTooLarge ? .tooLarge : .malformed
            }
        }
    }
}
