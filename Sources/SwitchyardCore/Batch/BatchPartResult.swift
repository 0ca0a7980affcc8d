/// A part's upstream answer, as the shell reports it to `BatchExchange.partAnswered`.
public struct BatchPartAnswer: Sendable, Equatable {
    public var status: Int
    /// Response header fields to echo (the shell leaves out hop-by-hop fields), in arrival order.
    public var headers: [BatchHeader]
    /// The response body, de-chunked. Written raw when it is one JSON text, else as a JSON string.
    public var body: [UInt8]
    /// The instance that answered (its URL), or the origin of a `url` part.
    public var instance: String
    /// Served from the service's cache (`"cache":"hit"` in the part's answer).
    public var cached: Bool

    public init(status: Int, headers: [BatchHeader] = [], body: [UInt8] = [], instance: String, cached: Bool = false) {
        self.status = status
        self.headers = headers
        self.body = body
        self.instance = instance
        self.cached = cached
    }
}

/// Why a part has no upstream answer: `{"error": {"code", "message"}}` in its place. One failing
/// part never fails the batch.
public struct BatchPartError: Sendable, Equatable {
    /// A SPEC section 4 code (`upstream_timeout`, `upstream_unavailable`, `no_healthy_instance`,
    /// `no_route`) or `url_not_allowed`.
    public var code: String
    public var message: String

    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }

    /// The proxy's own error for a part (`message` nil: its default message).
    public init(_ error: ProxyError, message: String? = nil) {
        self.init(code: "\(error.code)", message: message ?? "\(error.defaultMessage)")
    }

    /// A `url` part outside `multiplex.allow_urls`, or whose host resolved to a forbidden address.
    public static func urlNotAllowed(_ message: String) -> BatchPartError {
        BatchPartError(code: "url_not_allowed", message: message)
    }
}

/// What a part ended with, in the batch's answer.
public struct BatchPartResult: Sendable, Equatable {
    public enum Outcome: Sendable, Equatable {
        case answer(BatchPartAnswer)
        case error(BatchPartError)
    }

    /// The part's `id`, echoed.
    public var id: String?
    public var outcome: Outcome
    /// From the batch's start to the part's end (its deadline when it timed out).
    public var duration: Duration

    public init(id: String?, outcome: Outcome, duration: Duration) {
        self.id = id
        self.outcome = outcome
        self.duration = duration
    }
}

extension BatchPartError {
    /// The status an access-log line records for a part that ended with this error: the status the
    /// proxy's own answer would have had (`url_not_allowed`: 403).
    public var status: Int {
        switch code {
        case "upstream_timeout": 504
        case "upstream_unavailable": 502
        case "no_healthy_instance": 503
        case "no_route": 404
        case "url_not_allowed": 403
        default: 502
        }
    }

    /// `code` as the access log's static text.
    public var staticCode: StaticString {
        switch code {
        case "upstream_timeout": "upstream_timeout"
        case "no_healthy_instance": "no_healthy_instance"
        case "no_route": "no_route"
        case "url_not_allowed": "url_not_allowed"
        default: "upstream_unavailable"
        }
    }
}
