/// The batch settings one configuration gives every batch, prepared once per configuration (the
/// allow-list parsed): what `BatchExchange.start` needs besides the request.
public struct BatchPolicy: Sendable, Equatable {
    public var limits: BatchRequest.Limits
    /// The deadline ceiling (`multiplex.max_timeout`).
    public var maxTimeout: Duration
    /// The deadline when the client gives no `timeout_ms` (`multiplex.default_timeout`).
    public var defaultTimeout: Duration
    public var allowList: URLAllowList

    public init(_ config: BatchConfig) {
        limits = BatchRequest.Limits(config)
        maxTimeout = config.maxTimeout
        defaultTimeout = min(config.defaultTimeout, config.maxTimeout)
        allowList = URLAllowList(config.allowURLs)
    }

    /// The batch's time: min(the client's `timeout_ms` or `default_timeout`, `max_timeout`).
    public func batchTimeout(_ requested: Duration?) -> Duration {
        min(requested ?? defaultTimeout, maxTimeout)
    }
}
