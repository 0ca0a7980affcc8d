/// The batch endpoint (`multiplex:`, SPEC section 8): off unless the section is present.
///
/// One `POST path` runs several calls in parallel under one deadline and answers them together.
/// This is the validated configuration; the shell serves the endpoint (`BatchRun`).
public struct BatchConfig: Sendable, Equatable {
    /// The listener path that takes batches; default `/_multiplex`. Starts with `/`.
    public var path: String
    /// Most parts one batch may name (1 ... 1,000); default 50. Over it: 400 `too_many_parts`.
    public var maxParts: Int
    /// Bytes of the whole batch request body; default 1 MiB. Over it: 400 `body_too_large`.
    public var maxBody: Int
    /// The ceiling of a batch's deadline; default 10 s. A client's larger `timeout_ms` is capped to it.
    public var maxTimeout: Duration
    /// The deadline of a batch whose client gives no `timeout_ms`; default `maxTimeout`, never above it.
    public var defaultTimeout: Duration
    /// URL prefixes parts may call directly (`http://` or `https://`); default none: services only.
    public var allowURLs: [String]
    /// A PEM file of certificate authorities that `https://` parts trust instead of the system's
    /// (an internal CA); nil: the system's bundle.
    public var caFile: String?

    public init(path: String = "/_multiplex", maxParts: Int = 50, maxBody: Int = 1 << 20,
                maxTimeout: Duration = .seconds(10), defaultTimeout: Duration? = nil, allowURLs: [String] = [],
                caFile: String? = nil) {
        self.caFile = caFile
        self.path = path
        self.maxParts = maxParts
        self.maxBody = maxBody
        self.maxTimeout = maxTimeout
        self.defaultTimeout = defaultTimeout ?? maxTimeout
        self.allowURLs = allowURLs
    }
}
