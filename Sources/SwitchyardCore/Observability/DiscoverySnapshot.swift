/// One followed DNS name in a `ServiceSnapshot`: what it asked, what it last found, and how fresh
/// that is (SPEC section 10; `/stats`, `/dump`, `/metrics`).
public struct DiscoverySnapshot: Sendable, Equatable {
    public var name: String
    /// `a` or `srv`.
    public var type: String
    /// The DNS servers asked, `host:port`.
    public var resolvers: [String]
    /// The URLs of the instances the last set produced.
    public var instances: [String]
    /// When the last answer (empty or not) arrived; nil before the first.
    public var lastAnswerAt: Instant?
    /// Why the last lookup failed or came back empty; nil after a complete answer.
    public var lastError: String?
    /// Lookups failed in a row (0 after any answer).
    public var consecutiveFailures: Int
    /// When the next lookup is due.
    public var nextQueryAt: Instant?

    public init(name: String, type: String, resolvers: [String], instances: [String], lastAnswerAt: Instant?,
                lastError: String?, consecutiveFailures: Int, nextQueryAt: Instant?) {
        self.name = name
        self.type = type
        self.resolvers = resolvers
        self.instances = instances
        self.lastAnswerAt = lastAnswerAt
        self.lastError = lastError
        self.consecutiveFailures = consecutiveFailures
        self.nextQueryAt = nextQueryAt
    }
}
