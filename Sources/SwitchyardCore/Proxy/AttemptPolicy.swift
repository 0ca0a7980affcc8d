/// Retry rules for one request: `retries.attempts` tries in total, each on a different instance, only
/// for the conditions listed in `retries.on` (default: `connect_failure`, because a POST is not
/// idempotent and only a request that was never sent is safe to repeat).
///
/// The one rule for requests that may have reached the upstream application (every method counts
/// as non-idempotent; Switchyard does not read the method for this): a request that was never sent
/// (`connect_failure`) is retried by default; one that was sent is retried only when `retries.on`
/// says so (`timeout`: the attempt's time ran out, `5xx`: the instance answered a server error);
/// the keep-alive race (a pooled connection the upstream had closed before reading anything) is
/// always retried once on a fresh connection, because nothing reached the application. A malformed
/// or cut response is never retried. Every retry elsewhere also needs room in the retry budget.
///
/// Compact (two bytes) because every request's `ProxyExchange` holds one.
public struct AttemptPolicy: Sendable, Equatable {
    /// Total tries on distinct instances, 1...10.
    public let attempts: Int8
    @usableFromInline let conditions: UInt8

    public init(retries: RetryConfig) {
        attempts = Int8(clamping: retries.attempts)
        var bits: UInt8 = 0
        for c in retries.on { bits |= Self.bit(c) }
        conditions = bits
    }

    /// Whether `retries.on` lists `condition`.
    @inlinable public func retries(on condition: RetryCondition) -> Bool { conditions & Self.bit(condition) != 0 }

    @usableFromInline static func bit(_ c: RetryCondition) -> UInt8 {
        switch c {
        case .connectFailure: 1
        case .timeout: 2
        case .status5xx: 4
        }
    }

    /// Decides after `failure` on attempt number `attempt` (1-based).
    /// - Parameters:
    ///   - reusedConnection: the attempt ran on a pooled connection that had served earlier requests.
    ///   - freshRetryUsed: this attempt already was a `retryOnFreshConnection`.
    ///   - canTryAnother: an instance not tried yet exists and the request has time left.
    public func decide(after failure: UpstreamFailure, attempt: Int, reusedConnection: Bool,
                       freshRetryUsed: Bool = false, canTryAnother: Bool = true) -> AttemptDecision {
        if failure == .closedBeforeResponse && reusedConnection && !freshRetryUsed {
            return .retryOnFreshConnection
        }
        let condition: RetryCondition? = switch failure {
        case .connectFailed: .connectFailure
        case .timedOut: .timeout
        case .closedBeforeResponse, .malformedResponse, .closedMidResponse: nil
        }
        if let condition, retries(on: condition), attempt < Int(attempts), canTryAnother {
            return .retryElsewhere
        }
        return .fail(failure == .timedOut ? .gatewayTimeout : .badGateway)
    }
}
