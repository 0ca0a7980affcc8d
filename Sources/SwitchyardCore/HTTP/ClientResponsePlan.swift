/// How the proxy relays an upstream response body to the client, decided with the response head.
public struct ClientResponsePlan: Sendable, Equatable {
    public enum Body: Sendable, Equatable {
        /// No body (HEAD, 1xx, 204, 304).
        case none
        /// Copy exactly this many bytes (the upstream's `Content-Length`, passed on).
        case copy(Int)
        /// Relay the chunked body unchanged; `ChunkedDecoder.scan` finds its end.
        case chunkedPassThrough
        /// HTTP/1.0 client, chunked upstream body: decode it and send the data, then close.
        case dechunkThenClose
        /// HTTP/1.1 client, body until the upstream closes: re-chunk it with `ChunkedEncoder`.
        case untilCloseChunked
        /// HTTP/1.0 client, body until the upstream closes: copy it, then close.
        case untilCloseRaw
    }

    public var body: Body
    /// Whether the client connection is closed after this response (`Connection: close` was written).
    public var closesConnection: Bool

    public init(body: Body, closesConnection: Bool) {
        self.body = body
        self.closesConnection = closesConnection
    }
}
