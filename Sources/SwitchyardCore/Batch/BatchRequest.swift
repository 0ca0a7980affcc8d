/// One batch (SPEC section 8) as the client sent it, checked: what `BatchRequest.parse` accepts.
///
///     {"timeout_ms": 250, "requests": [
///       {"id": "a", "service": "orders", "method": "POST", "path": "/orders/7",
///        "headers": {"k": "v"}, "body": {...}, "timeout_ms": 100},
///       {"url": "https://api.example.com/x", "method": "GET"}]}
///
/// Byte ranges point into the buffer that was parsed: the shell keeps that buffer until every part
/// has been sent (bodies are forwarded byte for byte from it).
public struct BatchRequest: Sendable, Equatable {
    /// The client's `timeout_ms` for the whole batch; nil: `multiplex.default_timeout`.
    public var timeout: Duration?
    /// The parts in request order (1 ... `limits.maxParts`); answers keep this order.
    public var parts: [BatchPart]

    public init(timeout: Duration? = nil, parts: [BatchPart]) {
        self.timeout = timeout
        self.parts = parts
    }

    /// What `parse` enforces, from `multiplex:` (`BatchConfig`).
    public struct Limits: Sendable, Equatable {
        /// Most parts (`multiplex.max_parts`).
        public var maxParts: Int
        /// Most bytes of the whole request (`multiplex.max_body`).
        public var maxBody: Int
        /// Deepest nesting of arrays and objects anywhere in the request, part bodies included.
        public var maxDepth: Int

        public init(maxParts: Int = 50, maxBody: Int = 1 << 20, maxDepth: Int = 64) {
            self.maxParts = maxParts
            self.maxBody = maxBody
            self.maxDepth = maxDepth
        }

        public init(_ config: BatchConfig) {
            self.init(maxParts: config.maxParts, maxBody: config.maxBody)
        }
    }

    /// Parses and checks a whole batch request body. Never traps, on any bytes.
    public static func parse(_ bytes: UnsafeRawBufferPointer, limits: Limits) -> Result<BatchRequest, BatchRequestError> {
        var parser = BatchRequestParser(bytes, limits: limits)
        do { return .success(try parser.parse()) } catch { return .failure(error) }
    }

    /// `parse` over an array.
    public static func parse(_ bytes: [UInt8], limits: Limits) -> Result<BatchRequest, BatchRequestError> {
        bytes.withUnsafeBytes { parse($0, limits: limits) }
    }
}

/// One part of a batch: a call to a configured service or to an allowed URL.
public struct BatchPart: Sendable, Equatable {
    /// Where the part goes: exactly one of `service` and `url` was given.
    public enum Target: Sendable, Equatable {
        /// A configured service's name (not yet checked against the configuration).
        case service(String)
        /// An absolute URL as written (checked against `multiplex.allow_urls` by `BatchExchange`).
        case url(String)
    }

    /// Echoed in the part's answer; unique within the batch.
    public var id: String?
    public var target: Target
    /// An RFC 9110 token; default `POST`.
    public var method: String
    /// For service parts: the path and query sent upstream, starting with `/` (default `/`). Always
    /// `/` for URL parts (the URL carries its path).
    public var path: String
    /// Header fields to send, in the order given; names are tokens, no hop-by-hop or framing names,
    /// values without CR, LF or NUL.
    public var headers: [BatchHeader]
    /// The exact bytes of the `body` value (any JSON value), nil when the part has none.
    public var body: ByteRange?
    /// The part's own `timeout_ms`; capped by the batch deadline.
    public var timeout: Duration?

    public init(id: String? = nil, target: Target, method: String = "POST", path: String = "/",
                headers: [BatchHeader] = [], body: ByteRange? = nil, timeout: Duration? = nil) {
        self.id = id
        self.target = target
        self.method = method
        self.path = path
        self.headers = headers
        self.body = body
        self.timeout = timeout
    }
}

/// One header field of a part, as given in its `headers` object.
public struct BatchHeader: Sendable, Equatable {
    public var name: String
    public var value: String
    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}
