/// How the body of a message is delimited (RFC 9112 section 6.3).
public enum BodyFraming: Sendable, Equatable {
    /// No body: no `Content-Length` nor `Transfer-Encoding` in a request; HEAD, 1xx, 204 and 304
    /// responses.
    case none
    /// Exactly this many bytes (may be zero).
    case contentLength(Int)
    /// `Transfer-Encoding: chunked`.
    case chunked
    /// Responses only: the body runs until the upstream closes the connection.
    case untilClose
}
