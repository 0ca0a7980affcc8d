/// Parses an upstream response head (RFC 9112 sections 4 and 6.3), incrementally, like
/// `RequestHeadParser`. Every error is reported as `.upstreamUnavailable`: the proxy answers 502 and
/// closes the upstream connection.
public struct ResponseHeadParser: Sendable {
    public var limits: HTTPLimits
    private var lines = HeadLineScanner()
    private var sawStatusLine = false

    public init(limits: HTTPLimits = HTTPLimits()) {
        self.limits = limits
    }

    /// Forgets any partial head.
    public mutating func reset() {
        lines.reset()
        sawStatusLine = false
    }

    /// Parses the head of the response to a `requestMethod` request (HEAD responses have no body).
    public mutating func parse(_ bytes: UnsafeRawBufferPointer, requestMethod: HTTPMethod,
                               into head: inout ResponseHead) -> HeadParseResult {
        if lines.lineStart == 0 && !sawStatusLine { head.clear() }
        let result = run(bytes, requestMethod, &head)
        if case .needMore = result { return result }
        reset()
        return result
    }

    private mutating func run(_ bytes: UnsafeRawBufferPointer, _ method: HTTPMethod,
                              _ head: inout ResponseHead) -> HeadParseResult {
        while true {
            switch lines.next(bytes, limit: limits.maxHeaderBytes) {
            case .needMore:
                return .needMore
            case .tooLong:
                return .error(HTTPError(.upstreamUnavailable, "upstream response head too large"))
            case .bareLF:
                return .error(HTTPError(.upstreamUnavailable, "upstream line not terminated by CRLF"))
            case let .line(start, end):
                if !sawStatusLine {
                    if let error = parseStatusLine(bytes, start, end, &head) { return .error(error) }
                    sawStatusLine = true
                } else if start == end {
                    head.headLength = end + 2
                    if let error = finish(bytes, method, &head) { return .error(error) }
                    return .complete(consumed: head.headLength)
                } else {
                    guard head.headers.count < limits.maxHeaderCount else {
                        return .error(HTTPError(.upstreamUnavailable, "too many upstream header fields"))
                    }
                    switch HeaderSemantics.parseField(bytes, start: start, end: end) {
                    case let .success(field): head.headers.append(field)
                    case let .failure(error): return .error(HTTPError(.upstreamUnavailable, error.message))
                    }
                }
            }
        }
    }

    /// `HTTP-version SP 3DIGIT SP [reason]`; a missing SP before an empty reason is tolerated, as
    /// most clients do.
    private func parseStatusLine(_ bytes: UnsafeRawBufferPointer, _ start: Int, _ end: Int,
                                 _ head: inout ResponseHead) -> HTTPError? {
        guard end - start >= 12 else { return HTTPError(.upstreamUnavailable, "invalid upstream status line") }
        let version = UnsafeRawBufferPointer(rebasing: bytes[start..<start + 8])
        if ASCII.equals(version, "HTTP/1.1") {
            head.version = .http11
        } else if ASCII.equals(version, "HTTP/1.0") {
            head.version = .http10
        } else {
            return HTTPError(.upstreamUnavailable, "unsupported upstream HTTP version")
        }
        guard bytes[start + 8] == ASCII.space else { return HTTPError(.upstreamUnavailable, "invalid upstream status line") }
        var status = 0
        for i in start + 9..<start + 12 {
            let d = bytes[i] &- 0x30
            guard d <= 9 else { return HTTPError(.upstreamUnavailable, "invalid upstream status code") }
            status = status * 10 + Int(d)
        }
        guard status >= 100 && status <= 599 else { return HTTPError(.upstreamUnavailable, "invalid upstream status code") }
        head.status = status
        var reasonStart = start + 12
        if reasonStart < end {
            guard bytes[reasonStart] == ASCII.space else { return HTTPError(.upstreamUnavailable, "invalid upstream status line") }
            reasonStart += 1
            for i in reasonStart..<end where !ASCII.isFieldValueChar(bytes[i]) {
                return HTTPError(.upstreamUnavailable, "control character in upstream reason phrase")
            }
        }
        head.reason = ByteRange(start: reasonStart, count: end - reasonStart)
        return nil
    }

    private func finish(_ bytes: UnsafeRawBufferPointer, _ method: HTTPMethod, _ head: inout ResponseHead) -> HTTPError? {
        let options = HeaderSemantics.applyConnection(bytes, &head.headers)
        head.keepAlive = head.version == .http11 ? !options.close : (options.keepAlive && !options.close)
        // 101 answers an upgrade the proxy never asks for (it strips `Upgrade`).
        if head.status == 101 { return HTTPError(.upstreamUnavailable, "unexpected 101 from upstream") }
        // RFC 9112 section 6.3 items 1 and 2: no body whatever the fields say.
        if method == .head || head.status < 200 || head.status == 204 || head.status == 304 {
            head.framing = .none
            return nil
        }
        var contentLengthCount = 0
        var contentLength: Int? = nil
        var hasTransferEncoding = false
        for field in head.headers {
            if field.kind == .contentLength {
                contentLengthCount += 1
                contentLength = HeaderSemantics.contentLength(bytes, field.value)
                if contentLength == nil { return HTTPError(.upstreamUnavailable, "invalid upstream Content-Length") }
            } else if field.kind == .transferEncoding {
                hasTransferEncoding = true
            }
        }
        if hasTransferEncoding {
            if contentLengthCount > 0 {
                return HTTPError(.upstreamUnavailable, "upstream sent Content-Length and Transfer-Encoding")
            }
            if head.version == .http10 { return HTTPError(.upstreamUnavailable, "Transfer-Encoding in HTTP/1.0 response") }
            guard HeaderSemantics.transferCoding(bytes, head.headers) == .chunked else {
                return HTTPError(.upstreamUnavailable, "unsupported upstream Transfer-Encoding")
            }
            head.framing = .chunked
        } else if let length = contentLength {
            if contentLengthCount > 1 { return HTTPError(.upstreamUnavailable, "more than one upstream Content-Length") }
            head.framing = .contentLength(length)
        } else {
            head.framing = .untilClose
            head.keepAlive = false
        }
        return nil
    }
}
