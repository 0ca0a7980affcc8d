/// The numeric facts of one finished request for the access log (SPEC section 1, step 8).
///
/// Plain values only, so the proxy fills it on the hot path without allocating; the byte fields
/// (request id, client, method, path, service, instance) are lent to `AccessLogFormatter.write`
/// alongside, straight from the connection's buffers.
public struct AccessLogRecord: Sendable, Equatable {
    /// When the request finished, Unix milliseconds (wall clock).
    public var timeUnixMs: Int
    /// The status sent to the client; 0 when the client went away before any answer.
    public var status: Int
    /// Request bytes read from the client, head and body.
    public var bytesIn: Int
    /// Response bytes written to the client, head and body.
    public var bytesOut: Int
    /// Upstream time of the last attempt, connect to last response byte, in microseconds; nil when
    /// no upstream was reached (a 404, a 400, no healthy instance).
    public var upstreamMicros: Int?
    /// First request byte to last response byte, in microseconds.
    public var totalMicros: Int
    /// Upstream attempts made (0 when none).
    public var attempts: Int
    /// The SPEC section 4 `error.code` of a proxy-made answer (`ProxyError.code`), nil for relayed answers.
    public var errorCode: StaticString?

    public init(timeUnixMs: Int, status: Int, bytesIn: Int, bytesOut: Int, upstreamMicros: Int?, totalMicros: Int,
                attempts: Int, errorCode: StaticString? = nil) {
        self.timeUnixMs = timeUnixMs
        self.status = status
        self.bytesIn = bytesIn
        self.bytesOut = bytesOut
        self.upstreamMicros = upstreamMicros
        self.totalMicros = totalMicros
        self.attempts = attempts
        self.errorCode = errorCode
    }

    public static func == (a: AccessLogRecord, b: AccessLogRecord) -> Bool {
        a.timeUnixMs == b.timeUnixMs && a.status == b.status && a.bytesIn == b.bytesIn && a.bytesOut == b.bytesOut
            && a.upstreamMicros == b.upstreamMicros && a.totalMicros == b.totalMicros && a.attempts == b.attempts
            && a.errorCode?.description == b.errorCode?.description
    }
}
