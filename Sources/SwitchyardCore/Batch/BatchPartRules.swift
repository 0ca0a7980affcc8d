/// The small rules a batch part's shell applies, kept here so that both kinds of part follow them
/// and each has a test: which answer headers a part's answer keeps, which parts may use the
/// service's cache and under which key, and the errors a part ends with when its answer is too big.
public enum BatchPartRules {
    /// Whether a response header field is kept in the part's answer: end-to-end fields and
    /// `Content-Type` are; hop-by-hop, framing (`Content-Length`, `Transfer-Encoding`) and the
    /// proxy's own fields are not (the answer is re-encoded inside the batch's JSON).
    public static func keepsAnswerHeader(_ kind: HeaderKind) -> Bool {
        switch kind {
        case .other, .contentType, .xRequestID: true
        default: false
        }
    }

    /// `keepsAnswerHeader` for a field name as text (libcurl hands over header lines).
    public static func keepsAnswerHeader(named name: String) -> Bool {
        var name = name
        return name.withUTF8 { keepsAnswerHeader(HeaderKind.classify(UnsafeRawBufferPointer($0))) }
    }

    /// The cache key of a service part: its method, path and exact body bytes; nil when the part must
    /// not use the cache (it carries `Authorization`: its answer may be for that caller only).
    public static func cacheKey(_ part: BatchPart, body: [UInt8]) -> ResponseCache<BatchPartAnswer>.Key? {
        if part.headers.contains(where: { $0.name.lowercased() == "authorization" }) { return nil }
        return ResponseCache<BatchPartAnswer>.Key(method: part.method, path: part.path, body: body)
    }

    /// How long `answer` may be kept in a cache whose `ttl` is `ttl` (`CacheLifetime`, over the
    /// answer's `Cache-Control` fields); nil: not kept.
    public static func cacheLifetime(of answer: BatchPartAnswer, ttl: Duration) -> Duration? {
        let cacheControl = answer.headers.filter { $0.name.lowercased() == "cache-control" }.map(\.value)
        return CacheLifetime.of(status: answer.status, cacheControl: cacheControl, configured: ttl)
    }
}

extension BatchPartError {
    /// A part whose answer is over `maxBody` bytes (`multiplex.max_body`).
    public static func answerTooLarge(maxBody: Int) -> BatchPartError {
        BatchPartError(code: "upstream_unavailable", message: "the answer is over \(maxBody) bytes (multiplex.max_body)")
    }
}
