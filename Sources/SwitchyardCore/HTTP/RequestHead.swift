/// A parsed request head: positions into the buffer it was parsed from plus what the proxy derived
/// from it. Reused across requests on a connection; the parser clears it, keeping `headers`' capacity.
public struct RequestHead: Sendable, Equatable {
    public var method: HTTPMethod = .other
    /// The method as sent (for `.other` and for writing upstream).
    public var methodRange = ByteRange(start: 0, count: 0)
    /// The request target in origin form: path and query, byte for byte.
    public var target = ByteRange(start: 0, count: 0)
    /// The path alone: `target` up to the first `?`.
    public var path = ByteRange(start: 0, count: 0)
    public var version: HTTPVersion = .http11
    /// Every field in the order received.
    public var headers: [HeaderField] = []
    public var framing: BodyFraming = .none
    /// Whether the connection may carry another request after this one: HTTP/1.1 unless
    /// `Connection: close`; HTTP/1.0 only with `Connection: keep-alive`.
    public var keepAlive = true
    /// `Expect: 100-continue` on an HTTP/1.1 request (ignored on 1.0, RFC 9110 section 10.1.1).
    public var expectContinue = false
    /// The `Host` value, `nil` when absent or empty.
    public var host: ByteRange?
    public var contentType: ByteRange?
    /// The client's `X-Request-Id`, only when it is 1...128 visible ASCII bytes; else the proxy makes one.
    public var requestID: ByteRange?
    /// Bytes of the head including leading empty lines and the final CRLF: where the body starts.
    public var headLength = 0

    public init() {}

    /// Back to the empty state, keeping the header storage.
    public mutating func clear() {
        method = .other
        methodRange = ByteRange(start: 0, count: 0)
        target = methodRange
        path = methodRange
        version = .http11
        headers.removeAll(keepingCapacity: true)
        framing = .none
        keepAlive = true
        expectContinue = false
        host = nil
        contentType = nil
        requestID = nil
        headLength = 0
    }
}
