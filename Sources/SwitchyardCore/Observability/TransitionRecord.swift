/// One state change for `/dump`: a breaker phase or a health verdict of an instance, or a proxy-wide
/// event such as a reload.
public struct TransitionRecord: Sendable, Equatable {
    public var at: Instant
    /// What changed, e.g. `orders http://10.0.0.11:8080 breaker` or `config`.
    public var subject: String
    public var from: String
    public var to: String
    /// Why, e.g. `error rate 62% over 20 requests`.
    public var reason: String

    public init(at: Instant, subject: String, from: String, to: String, reason: String) {
        self.at = at
        self.subject = subject
        self.from = from
        self.to = to
        self.reason = reason
    }
}
