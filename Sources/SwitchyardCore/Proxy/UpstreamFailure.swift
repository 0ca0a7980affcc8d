/// Why one attempt to get a response from an instance failed. The proxy's shell observes these;
/// `AttemptPolicy` decides what happens next.
public enum UpstreamFailure: Sendable, Equatable {
    /// TCP connect refused, unreachable, or not done within `timeouts.connect`. Nothing was sent.
    case connectFailed
    /// The connection was reset or closed after the request was (partly) sent and before any byte of
    /// the response arrived.
    case closedBeforeResponse
    /// No full response within the attempt's time (`timeouts.attempt`) or the request's (`timeouts.response`).
    case timedOut
    /// The upstream's response is not valid HTTP/1.1 (bad status line, CL+TE, bad chunk, ...).
    case malformedResponse
    /// The connection broke after the response had started.
    case closedMidResponse

    /// Whether any request byte may have reached the upstream application.
    public var mayHaveBeenSent: Bool { self != .connectFailed }
}

/// What the shell does after an attempt failed.
public enum AttemptDecision: Sendable, Equatable {
    /// Try the same instance again on a new connection: a pooled connection turned out to be closed
    /// by the upstream before it read anything (the keep-alive race); not counted as an attempt.
    case retryOnFreshConnection
    /// Try another instance, excluding the ones already tried.
    case retryElsewhere
    /// Answer the client with this error.
    case fail(HTTPStatusCode)
}

/// The client-visible error for each failure (SPEC section 4).
public enum HTTPStatusCode: Int, Sendable {
    case badGateway = 502
    case gatewayTimeout = 504
}
