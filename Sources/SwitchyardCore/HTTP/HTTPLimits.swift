/// Size limits applied while parsing one message. Defaults follow SPEC section 2 (`accept`).
public struct HTTPLimits: Sendable, Equatable {
    /// Bytes of the head: request or status line, header fields and the final CRLF (leading empty
    /// lines included). Over it: 431 for a request.
    public var maxHeaderBytes: Int
    /// Number of header fields. Over it: 431 for a request.
    public var maxHeaderCount: Int
    /// Bytes of a request body: a larger `Content-Length` is refused at once, a chunked body while
    /// decoding. Over it: 413.
    public var maxBody: Int
    /// Bytes of one chunk-size line (extensions and CRLF included) or one trailer line. Over it: 400.
    public var maxChunkLine: Int

    public init(maxHeaderBytes: Int = 16 << 10, maxHeaderCount: Int = 100, maxBody: Int = 1 << 20,
                maxChunkLine: Int = 4096) {
        self.maxHeaderBytes = maxHeaderBytes
        self.maxHeaderCount = maxHeaderCount
        self.maxBody = maxBody
        self.maxChunkLine = maxChunkLine
    }

    /// Limits for requests taken from the listener's `accept` section.
    public init(accept: AcceptConfig) {
        self.init(maxHeaderBytes: accept.maxHeader, maxBody: accept.maxBody)
    }
}
