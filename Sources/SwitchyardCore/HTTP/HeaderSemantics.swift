/// Rules shared by the request and response parsers: one field line, the `Connection` options, the
/// `Content-Length` and `Transfer-Encoding` values (RFC 9110 sections 5 and 7.6.1, RFC 9112 section 6).
enum HeaderSemantics {
    /// Parses the field line `[start, end)` (CRLF excluded) as `name ":" OWS value OWS`.
    static func parseField(_ bytes: UnsafeRawBufferPointer, start: Int, end: Int) -> Result<HeaderField, HTTPError> {
        let first = bytes[start]
        // RFC 9112 section 5.2: obsolete line folding is rejected.
        if ASCII.isWhitespace(first) { return .failure(HTTPError(.badRequest, "obsolete line folding in header")) }
        // A line has at least one byte (empty lines end the head), so the buffer has a base address.
        let base = bytes.baseAddress!
        let i = SWAR.firstNonTokenByte(base, from: start, end: end)
        guard i < end, bytes[i] == ASCII.colon else {
            if i < end && ASCII.isWhitespace(bytes[i]) {
                // RFC 9112 section 5.1: no whitespace between the field name and the colon.
                return .failure(HTTPError(.badRequest, "whitespace before colon in header"))
            }
            if i == end { return .failure(HTTPError(.badRequest, "header line without colon")) }
            return .failure(HTTPError(.badRequest, "invalid character in header name"))
        }
        guard i > start else { return .failure(HTTPError(.badRequest, "empty header name")) }
        let name = ByteRange(start: start, count: i - start)
        if SWAR.firstNonFieldValueByte(base, from: i + 1, end: end) < end {
            return .failure(HTTPError(.badRequest, "control character in header value"))
        }
        let value = ASCII.trimmed(bytes, ByteRange(start: i + 1, count: end - i - 1))
        return .success(HeaderField(name: name, value: value, kind: HeaderKind.classify(name.bytes(in: bytes))))
    }

    /// Connection options found in the `Connection` fields.
    struct ConnectionOptions {
        var close = false
        var keepAlive = false
    }

    /// Reads every `Connection` field: notes `close` and `keep-alive`, and marks each `.other` field
    /// whose name is listed as `.listedInConnection`. Fields the proxy gives a role (framing, `Host`,
    /// `X-Forwarded-*`, `X-Request-Id`, ...) keep their kind: listing them must not change framing
    /// nor let a client strip what the proxy adds.
    static func applyConnection(_ bytes: UnsafeRawBufferPointer, _ headers: inout [HeaderField]) -> ConnectionOptions {
        var options = ConnectionOptions()
        for c in headers.indices where headers[c].kind == .connection {
            ASCII.forEachListElement(bytes, headers[c].value) { token in
                let t = token.bytes(in: bytes)
                if ASCII.equalsLowercased(t, "close") {
                    options.close = true
                } else if ASCII.equalsLowercased(t, "keep-alive") {
                    options.keepAlive = true
                } else if t.count > 0 {
                    for h in headers.indices where headers[h].kind == .other
                        && ASCII.equalsIgnoringCase(headers[h].name.bytes(in: bytes), t) {
                        headers[h].kind = .listedInConnection
                    }
                }
                return true
            }
        }
        return options
    }

    /// The value of a `Content-Length` field: 1 to 18 decimal digits, nothing else (no sign, no list,
    /// no whitespace inside). `nil` when malformed or too large to be real.
    static func contentLength(_ bytes: UnsafeRawBufferPointer, _ value: ByteRange) -> Int? {
        guard value.count >= 1 && value.count <= 18 else { return nil }
        var n = 0
        for i in value.start..<value.end {
            let d = bytes[i] &- 0x30
            guard d <= 9 else { return nil }
            n = n * 10 + Int(d)
        }
        return n
    }

    /// The verdict on the `Transfer-Encoding` fields of a message.
    enum TransferCoding: Equatable {
        /// Exactly one coding, `chunked`.
        case chunked
        /// Well-formed but not plain `chunked`: an unknown coding (`gzip`, `xchunked`), or codings
        /// before a final `chunked`. A request gets 501.
        case unsupported
        /// Malformed or ambiguous: an empty value or element, a non-token element, `chunked` twice
        /// or `chunked` not last. A request gets 400 (RFC 9112 section 6.3).
        case invalid
    }

    /// Evaluates all `Transfer-Encoding` fields as one list, in order (RFC 9110 section 5.3).
    static func transferCoding(_ bytes: UnsafeRawBufferPointer, _ headers: [HeaderField]) -> TransferCoding {
        var elements = 0
        var chunkedCount = 0
        var lastIsChunked = false
        var malformed = false
        for h in headers where h.kind == .transferEncoding {
            ASCII.forEachListElement(bytes, h.value) { element in
                let e = element.bytes(in: bytes)
                guard e.count > 0, e.allSatisfy(ASCII.isTokenChar) else { malformed = true; return false }
                elements += 1
                lastIsChunked = ASCII.equalsLowercased(e, "chunked")
                if lastIsChunked { chunkedCount += 1 }
                return true
            }
            if malformed { return .invalid }
        }
        if elements == 0 || chunkedCount > 1 || (chunkedCount == 1 && !lastIsChunked) { return .invalid }
        if chunkedCount == 1 && elements == 1 { return .chunked }
        return .unsupported
    }
}
