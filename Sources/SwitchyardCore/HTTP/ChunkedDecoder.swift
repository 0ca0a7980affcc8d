/// An incremental decoder for the chunked transfer coding (RFC 9112 section 7.1).
///
/// Feed it whatever bytes arrived; it keeps its place between calls, so the input can be split
/// anywhere and the caller drops the consumed bytes each time. `decode` copies the data bytes out
/// (for a request body the proxy forwards with a `Content-Length`); `scan` only finds where the
/// message ends (for relaying an upstream chunked response unchanged). Chunk extensions and trailer
/// fields are checked for syntax and dropped. After `.done` or `.error`, `reset()` before reuse.
public struct ChunkedDecoder: Sendable {
    public var limits: HTTPLimits
    /// Data bytes seen so far in this body.
    public private(set) var bodyCount = 0

    private enum State: Sendable {
        case size, sizeWhitespace, chunkExtension, sizeLF, data, dataCR, dataLF
        case trailerStart, trailerLine, trailerLF, finalLF, done, failed
    }

    private var state = State.size
    /// The chunk size being read, then the data bytes left in the current chunk.
    private var size = 0
    private var sawDigit = false
    /// Bytes of the current chunk-size or trailer line.
    private var lineLength = 0
    /// Bytes of the trailer section.
    private var trailerLength = 0
    private var failure: HTTPError? = nil

    public init(limits: HTTPLimits = HTTPLimits()) {
        self.limits = limits
    }

    /// Ready for a new body.
    public mutating func reset() {
        bodyCount = 0
        state = .size
        size = 0
        sawDigit = false
        lineLength = 0
        trailerLength = 0
        failure = nil
    }

    /// Whether the last chunk and the trailer section have been read.
    public var isDone: Bool { if case .done = state { true } else { false } }

    /// Decodes `input`, appending the data bytes to `out`. A body over `limits.maxBody` is refused
    /// (413) as soon as a chunk size announces it.
    public mutating func decode(_ input: UnsafeRawBufferPointer, into out: inout ByteBuffer) -> ChunkedProgress {
        run(input, limitsBody: true) { out.write($0) }
    }

    /// Reads `input` only to find where the chunked message ends; no body limit applies.
    public mutating func scan(_ input: UnsafeRawBufferPointer) -> ChunkedProgress {
        run(input, limitsBody: false) { _ in }
    }

    private mutating func fail(_ error: HTTPError) -> ChunkedProgress {
        state = .failed
        failure = error
        return .error(error)
    }

    private mutating func run(_ input: UnsafeRawBufferPointer, limitsBody: Bool,
                              _ sink: (UnsafeRawBufferPointer) -> Void) -> ChunkedProgress {
        var i = 0
        let n = input.count
        while i < n {
            let b = input[i]
            // Line lengths count every byte of the line, CRLF included.
            switch state {
            case .size, .sizeWhitespace, .chunkExtension, .sizeLF:
                lineLength += 1
                if lineLength > limits.maxChunkLine { return fail(HTTPError(.badRequest, "chunk size line too long")) }
            case .trailerStart, .trailerLine, .trailerLF, .finalLF:
                lineLength += 1
                trailerLength += 1
                if lineLength > limits.maxChunkLine || trailerLength > limits.maxHeaderBytes {
                    return fail(HTTPError(.badRequest, "trailer section too large"))
                }
            default:
                break
            }
            switch state {
            case .size:
                if let digit = Self.hexValue(b) {
                    // Refuse before the shift could overflow (RFC 9112 section 7.1: anticipate it).
                    guard size <= (Int.max >> 4) else { return fail(HTTPError(.badRequest, "chunk size too large")) }
                    size = size << 4 | digit
                    sawDigit = true
                } else if !sawDigit {
                    return fail(HTTPError(.badRequest, "invalid chunk size"))
                } else if b == ASCII.cr {
                    state = .sizeLF
                } else if b == UInt8(ascii: ";") {
                    state = .chunkExtension
                } else if ASCII.isWhitespace(b) {
                    state = .sizeWhitespace
                } else {
                    return fail(HTTPError(.badRequest, "invalid chunk size"))
                }
            case .sizeWhitespace:
                // BWS is allowed only before an extension's `;`.
                if b == UInt8(ascii: ";") {
                    state = .chunkExtension
                } else if !ASCII.isWhitespace(b) {
                    return fail(HTTPError(.badRequest, "invalid chunk size line"))
                }
            case .chunkExtension:
                if b == ASCII.cr {
                    state = .sizeLF
                } else if !ASCII.isFieldValueChar(b) {
                    return fail(HTTPError(.badRequest, "control character in chunk extension"))
                }
            case .sizeLF:
                guard b == ASCII.lf else { return fail(HTTPError(.badRequest, "chunk size line not terminated by CRLF")) }
                lineLength = 0
                if size == 0 {
                    state = .trailerStart
                } else {
                    if limitsBody && size > limits.maxBody - bodyCount {
                        return fail(HTTPError(.bodyTooLarge, "chunked body exceeds the body limit"))
                    }
                    state = .data
                }
            case .data:
                let take = min(size, n - i)
                sink(UnsafeRawBufferPointer(rebasing: input[i..<i + take]))
                bodyCount += take
                size -= take
                i += take
                if size == 0 { state = .dataCR }
                continue
            case .dataCR:
                guard b == ASCII.cr else { return fail(HTTPError(.badRequest, "missing CRLF after chunk data")) }
                state = .dataLF
            case .dataLF:
                guard b == ASCII.lf else { return fail(HTTPError(.badRequest, "missing CRLF after chunk data")) }
                state = .size
                sawDigit = false
            case .trailerStart:
                if b == ASCII.cr {
                    state = .finalLF
                } else if ASCII.isWhitespace(b) || !ASCII.isFieldValueChar(b) {
                    return fail(HTTPError(.badRequest, "invalid trailer field"))
                } else {
                    state = .trailerLine
                }
            case .trailerLine:
                if b == ASCII.cr {
                    state = .trailerLF
                } else if !ASCII.isFieldValueChar(b) {
                    return fail(HTTPError(.badRequest, "control character in trailer field"))
                }
            case .trailerLF:
                guard b == ASCII.lf else { return fail(HTTPError(.badRequest, "trailer line not terminated by CRLF")) }
                lineLength = 0
                state = .trailerStart
            case .finalLF:
                guard b == ASCII.lf else { return fail(HTTPError(.badRequest, "chunked body not terminated by CRLF")) }
                state = .done
                return .done(consumed: i + 1)
            case .done:
                return .done(consumed: 0)
            case .failed:
                return .error(failure!)
            }
            i += 1
        }
        switch state {
        case .done: return .done(consumed: 0)
        case .failed: return .error(failure!)
        default: return .needMore(consumed: n)
        }
    }

    @inline(__always) private static func hexValue(_ b: UInt8) -> Int? {
        switch b {
        case 0x30...0x39: Int(b &- 0x30)
        case 0x41...0x46: Int(b &- 0x37)
        case 0x61...0x66: Int(b &- 0x57)
        default: nil
        }
    }
}
