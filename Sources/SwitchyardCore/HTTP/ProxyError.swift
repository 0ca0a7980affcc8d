/// Every error the proxy answers a client with (SPEC section 4): its status, the `code` in the JSON
/// body, the reason phrase of the status line, and a default message.
public enum ProxyError: Sendable, Equatable, Hashable, CaseIterable {
    case badRequest
    case invalidJSON
    case noRoute
    case methodNotAllowed
    case requestTimeout
    case bodyTooLarge
    case unsupportedMediaType
    case headersTooLarge
    case notImplemented
    case upstreamUnavailable
    case noHealthyInstance
    case upstreamTimeout

    /// The position in `allCases`, 0 ..< `allCases.count`: the index of per-error counters.
    public var index: Int {
        switch self {
        case .badRequest: 0
        case .invalidJSON: 1
        case .noRoute: 2
        case .methodNotAllowed: 3
        case .requestTimeout: 4
        case .bodyTooLarge: 5
        case .unsupportedMediaType: 6
        case .headersTooLarge: 7
        case .notImplemented: 8
        case .upstreamUnavailable: 9
        case .noHealthyInstance: 10
        case .upstreamTimeout: 11
        }
    }

    /// Whether a request answered with this error has a service: `no_route` never does (no route
    /// matched), the upstream errors (502, 503, 504) always do (an instance of a service was being
    /// chosen or called), and the others may or may not, depending on whether the head got as far
    /// as routing. `/metrics` exposes zero series only for the combinations that can occur.
    public var serviceScope: ServiceScope {
        switch self {
        case .noRoute: .unrouted
        case .upstreamUnavailable, .noHealthyInstance, .upstreamTimeout: .routed
        default: .either
        }
    }

    /// See `serviceScope`.
    public enum ServiceScope: Sendable {
        case unrouted, routed, either
    }

    /// The HTTP status code.
    public var status: Int {
        switch self {
        case .badRequest, .invalidJSON: 400
        case .noRoute: 404
        case .methodNotAllowed: 405
        case .requestTimeout: 408
        case .bodyTooLarge: 413
        case .unsupportedMediaType: 415
        case .headersTooLarge: 431
        case .notImplemented: 501
        case .upstreamUnavailable: 502
        case .noHealthyInstance: 503
        case .upstreamTimeout: 504
        }
    }

    /// The machine-readable `error.code` of the JSON body.
    public var code: StaticString {
        switch self {
        case .badRequest: "bad_request"
        case .invalidJSON: "invalid_json"
        case .noRoute: "no_route"
        case .methodNotAllowed: "method_not_allowed"
        case .requestTimeout: "request_timeout"
        case .bodyTooLarge: "body_too_large"
        case .unsupportedMediaType: "unsupported_media_type"
        case .headersTooLarge: "headers_too_large"
        case .notImplemented: "not_implemented"
        case .upstreamUnavailable: "upstream_unavailable"
        case .noHealthyInstance: "no_healthy_instance"
        case .upstreamTimeout: "upstream_timeout"
        }
    }

    /// The reason phrase of the status line (RFC 9110 section 15).
    public var reason: StaticString {
        switch self {
        case .badRequest, .invalidJSON: "Bad Request"
        case .noRoute: "Not Found"
        case .methodNotAllowed: "Method Not Allowed"
        case .requestTimeout: "Request Timeout"
        case .bodyTooLarge: "Content Too Large"
        case .unsupportedMediaType: "Unsupported Media Type"
        case .headersTooLarge: "Request Header Fields Too Large"
        case .notImplemented: "Not Implemented"
        case .upstreamUnavailable: "Bad Gateway"
        case .noHealthyInstance: "Service Unavailable"
        case .upstreamTimeout: "Gateway Timeout"
        }
    }

    /// The `error.message` used when the caller gives no detail.
    public var defaultMessage: StaticString {
        switch self {
        case .badRequest: "malformed HTTP request"
        case .invalidJSON: "request body is not valid JSON"
        case .noRoute: "no service matches the request path"
        case .methodNotAllowed: "method not allowed"
        case .requestTimeout: "request not received in time"
        case .bodyTooLarge: "request body is too large"
        case .unsupportedMediaType: "Content-Type must be JSON"
        case .headersTooLarge: "request headers are too large"
        case .notImplemented: "Transfer-Encoding not supported"
        case .upstreamUnavailable: "upstream unavailable"
        case .noHealthyInstance: "no healthy instance available"
        case .upstreamTimeout: "upstream did not respond in time"
        }
    }
}
