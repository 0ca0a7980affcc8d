/// When a webhook is tried again (SPEC section 9: bounded retries): after a transport failure (no
/// connection, a timeout) or an answer that may be temporary (408, 429, 5xx), up to `retries` more
/// attempts, waiting `retryDelay`, then twice as long each time (capped at `maxDelay`). A 2xx is
/// success; any other status is final (repeating a request the receiver refused changes nothing).
public struct WebhookAttemptPolicy: Sendable, Equatable {
    public enum Result: Sendable, Equatable {
        /// The receiver answered with this status.
        case status(Int)
        /// No answer: connect failure, timeout, TLS error (curl's text).
        case transportFailure(String)
    }

    public enum Decision: Sendable, Equatable {
        case succeeded
        case retry(after: Duration)
        case giveUp
    }

    public static let maxDelay = Duration.seconds(300)
    public var retries: Int
    public var retryDelay: Duration

    public init(retries: Int, retryDelay: Duration) {
        self.retries = max(retries, 0)
        self.retryDelay = retryDelay
    }

    /// The decision after attempt number `attempt` (1-based) ended with `result`.
    public func decide(attempt: Int, result: Result) -> Decision {
        let isTemporary: Bool
        switch result {
        case .status(let s) where (200...299).contains(s): return .succeeded
        case .status(let s): isTemporary = s == 408 || s == 429 || s >= 500
        case .transportFailure: isTemporary = true
        }
        guard isTemporary, attempt <= retries else { return .giveUp }
        var delay = retryDelay
        for _ in 1..<max(attempt, 1) where delay < Self.maxDelay { delay *= 2 }
        return .retry(after: min(delay, Self.maxDelay))
    }
}
