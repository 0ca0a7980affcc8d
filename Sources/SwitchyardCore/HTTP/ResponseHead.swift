/// A parsed upstream response head: positions into the buffer it was parsed from plus the framing
/// the proxy derived. Reused across responses; the parser clears it, keeping `headers`' capacity.
public struct ResponseHead: Sendable, Equatable {
    /// The status code, 100...599.
    public var status = 0
    /// The reason phrase (may be empty).
    public var reason = ByteRange(start: 0, count: 0)
    public var version: HTTPVersion = .http11
    /// Every field in the order received.
    public var headers: [HeaderField] = []
    public var framing: BodyFraming = .none
    /// Whether the upstream connection may be reused after this response.
    public var keepAlive = true
    /// Bytes of the head including the final CRLF: where the body starts.
    public var headLength = 0

    public init() {}

    /// A 1xx response other than 101: informational, followed by the real response on the same
    /// connection. The caller consumes `headLength` bytes, resets the parser and parses again.
    public var isInterim: Bool { status >= 100 && status < 200 && status != 101 }

    /// Back to the empty state, keeping the header storage.
    public mutating func clear() {
        status = 0
        reason = ByteRange(start: 0, count: 0)
        version = .http11
        headers.removeAll(keepingCapacity: true)
        framing = .none
        keepAlive = true
        headLength = 0
    }
}
