/// Parses a request head strictly (RFC 9112, SPEC section 5), incrementally and without allocating
/// once `RequestHead.headers` has grown to its working size.
///
/// Call `parse` with the connection's unread bytes; after `.needMore`, call again with the same bytes
/// plus what arrived (the buffer may move, offsets are relative to its start): scanning resumes
/// where it stopped. After `.complete` or `.error` the parser is ready for the next request (`reset()`
/// does the same explicitly, e.g. when a connection is reused). Pass the same `head` throughout.
///
/// Decisions where RFC 9112 leaves room (all refusals close the connection):
/// - Lines end in CRLF only; a bare LF or CR is 400. Empty lines before the request line are skipped.
/// - Origin-form targets only (`/path?query`, visible ASCII, no `#`); absolute and asterisk forms are 400.
///   Only `HTTP/1.1` and `HTTP/1.0` are accepted; any other version is 400.
/// - `Content-Length` must be a single field of plain digits: identical duplicates and `5, 5` lists are
///   400 too (nothing legitimate sends them, and they are a smuggling vector).
/// - `Transfer-Encoding` fields form one list. Exactly `chunked` is accepted. `chunked` twice or not last,
///   an empty or non-token element, or any TE on HTTP/1.0 is 400 (RFC 9112 section 6.3). A well-formed
///   list without `chunked` (`gzip`, `xchunked`) or with codings before a final `chunked` is 501.
/// - Two `Host` or two `Content-Type` fields are 400; a `Host` with whitespace or a comma is 400.
/// - Expectations other than `100-continue` are ignored (no 417).
public struct RequestHeadParser: Sendable {
    public var limits: HTTPLimits
    private var lines = HeadLineScanner()
    private var sawRequestLine = false

    public init(limits: HTTPLimits = HTTPLimits()) {
        self.limits = limits
    }

    /// Forgets any partial head.
    public mutating func reset() {
        lines.reset()
        sawRequestLine = false
    }

    public mutating func parse(_ bytes: UnsafeRawBufferPointer, into head: inout RequestHead) -> HeadParseResult {
        if lines.lineStart == 0 && !sawRequestLine { head.clear() }
        let result = run(bytes, &head)
        if case .needMore = result { return result }
        reset()
        return result
    }

    private mutating func run(_ bytes: UnsafeRawBufferPointer, _ head: inout RequestHead) -> HeadParseResult {
        while true {
            switch lines.next(bytes, limit: limits.maxHeaderBytes) {
            case .needMore:
                return .needMore
            case .tooLong:
                return .error(HTTPError(.headersTooLarge, "request head too large"))
            case .bareLF:
                return .error(HTTPError(.badRequest, "line not terminated by CRLF"))
            case let .line(start, end):
                if !sawRequestLine {
                    // RFC 9112 section 2.2: empty lines before the request line are ignored.
                    if start == end { continue }
                    if let error = parseRequestLine(bytes, start, end, &head) { return .error(error) }
                    sawRequestLine = true
                } else if start == end {
                    head.headLength = end + 2
                    if let error = finish(bytes, &head) { return .error(error) }
                    return .complete(consumed: head.headLength)
                } else {
                    guard head.headers.count < limits.maxHeaderCount else {
                        return .error(HTTPError(.headersTooLarge, "too many header fields"))
                    }
                    switch HeaderSemantics.parseField(bytes, start: start, end: end) {
                    case let .success(field): head.headers.append(field)
                    case let .failure(error): return .error(error)
                    }
                }
            }
        }
    }

    /// `method SP request-target SP HTTP-version` (RFC 9112 section 3), origin form only.
    private func parseRequestLine(_ bytes: UnsafeRawBufferPointer, _ start: Int, _ end: Int,
                                  _ head: inout RequestHead) -> HTTPError? {
        var i = start
        while i < end && ASCII.isTokenChar(bytes[i]) { i += 1 }
        guard i > start, i < end, bytes[i] == ASCII.space else {
            return HTTPError(.badRequest, "invalid method in request line")
        }
        head.methodRange = ByteRange(start: start, count: i - start)
        head.method = Self.method(head.methodRange.bytes(in: bytes))
        i += 1
        let targetStart = i
        var queryAt = -1
        while i < end && bytes[i] != ASCII.space {
            let b = bytes[i]
            guard ASCII.isVisible(b), b != UInt8(ascii: "#") else {
                return HTTPError(.badRequest, "invalid character in request target")
            }
            if b == UInt8(ascii: "?") && queryAt < 0 { queryAt = i }
            i += 1
        }
        guard i > targetStart, bytes[targetStart] == UInt8(ascii: "/") else {
            return HTTPError(.badRequest, "request target is not an absolute path")
        }
        guard i < end else { return HTTPError(.badRequest, "missing HTTP version in request line") }
        head.target = ByteRange(start: targetStart, count: i - targetStart)
        head.path = ByteRange(start: targetStart, count: (queryAt < 0 ? i : queryAt) - targetStart)
        let version = UnsafeRawBufferPointer(rebasing: bytes[(i + 1)..<end])
        if ASCII.equals(version, "HTTP/1.1") {
            head.version = .http11
        } else if ASCII.equals(version, "HTTP/1.0") {
            head.version = .http10
        } else {
            return HTTPError(.badRequest, "unsupported HTTP version")
        }
        return nil
    }

    static func method(_ m: UnsafeRawBufferPointer) -> HTTPMethod {
        switch m.count {
        case 3:
            if ASCII.equals(m, "GET") { return .get }
            if ASCII.equals(m, "PUT") { return .put }
        case 4:
            if ASCII.equals(m, "POST") { return .post }
            if ASCII.equals(m, "HEAD") { return .head }
        case 5: if ASCII.equals(m, "PATCH") { return .patch }
        case 6: if ASCII.equals(m, "DELETE") { return .delete }
        case 7: if ASCII.equals(m, "OPTIONS") { return .options }
        default: break
        }
        return .other
    }

    /// Derives framing, keep-alive and the fields the proxy needs once all fields are in.
    private func finish(_ bytes: UnsafeRawBufferPointer, _ head: inout RequestHead) -> HTTPError? {
        let options = HeaderSemantics.applyConnection(bytes, &head.headers)
        head.keepAlive = head.version == .http11 ? !options.close : (options.keepAlive && !options.close)

        var hostCount = 0
        var contentLengthCount = 0
        var contentLength: Int? = nil
        var hasTransferEncoding = false
        var contentTypeCount = 0
        var sawRequestID = false
        for field in head.headers {
            switch field.kind {
            case .host:
                hostCount += 1
                let v = field.value.bytes(in: bytes)
                if v.contains(where: { ASCII.isWhitespace($0) || $0 == ASCII.comma }) {
                    return HTTPError(.badRequest, "invalid Host header")
                }
                head.host = field.value.count > 0 ? field.value : nil
            case .contentLength:
                contentLengthCount += 1
                contentLength = HeaderSemantics.contentLength(bytes, field.value)
                if contentLength == nil { return HTTPError(.badRequest, "invalid Content-Length") }
            case .transferEncoding:
                hasTransferEncoding = true
            case .contentType:
                contentTypeCount += 1
                head.contentType = field.value
            case .expect:
                if head.version == .http11 && ASCII.equalsLowercased(field.value.bytes(in: bytes), "100-continue") {
                    head.expectContinue = true
                }
            case .xRequestID:
                if !sawRequestID {
                    sawRequestID = true
                    let v = field.value.bytes(in: bytes)
                    if v.count >= 1 && v.count <= 128 && v.allSatisfy(ASCII.isVisible) { head.requestID = field.value }
                }
            default:
                break
            }
        }
        // RFC 9112 section 3.2: exactly one Host in HTTP/1.1.
        if hostCount > 1 { return HTTPError(.badRequest, "more than one Host header") }
        if hostCount == 0 && head.version == .http11 { return HTTPError(.badRequest, "missing Host header") }
        if contentTypeCount > 1 { return HTTPError(.badRequest, "more than one Content-Type header") }
        // RFC 9112 section 6.3 item 3: CL with TE is a smuggling signal; SPEC: refuse.
        if hasTransferEncoding && contentLengthCount > 0 {
            return HTTPError(.badRequest, "Content-Length and Transfer-Encoding together")
        }
        if hasTransferEncoding {
            // RFC 9112 section 6.1: Transfer-Encoding in HTTP/1.0 means faulty framing.
            if head.version == .http10 { return HTTPError(.badRequest, "Transfer-Encoding in an HTTP/1.0 request") }
            switch HeaderSemantics.transferCoding(bytes, head.headers) {
            case .chunked: head.framing = .chunked
            case .unsupported: return HTTPError(.notImplemented, "unsupported Transfer-Encoding")
            case .invalid: return HTTPError(.badRequest, "invalid Transfer-Encoding")
            }
        } else if let length = contentLength {
            // Even identical repeats ("5" twice) are refused: a lone, plain value is the only safe one.
            if contentLengthCount > 1 { return HTTPError(.badRequest, "more than one Content-Length header") }
            if length > limits.maxBody { return HTTPError(.bodyTooLarge, "Content-Length exceeds the body limit") }
            head.framing = .contentLength(length)
        } else {
            head.framing = .none
        }
        return nil
    }
}
