/// A service's response cache for batch parts (`services[].cache`, SPEC section 8): optional, off
/// when absent. Only the model and its decoding exist; the cache itself is the shell's next step.
public struct CacheConfig: Sendable, Equatable {
    /// How long an answer is kept when the upstream gives no `max-age`; default 30 s.
    public var ttl: Duration
    /// Most answers kept per service (1 ... 1,000,000), least recently used evicted first; default 1,000.
    public var maxEntries: Int

    public init(ttl: Duration = .seconds(30), maxEntries: Int = 1000) {
        self.ttl = ttl
        self.maxEntries = maxEntries
    }
}
