/// Why a call to an instance counted as failed. The shell maps what it observed: connect refused or
/// timed out -> `connect`, no full response in time -> `timeout`, a 5xx status -> `status5xx`,
/// a broken or malformed response -> `protocolError`. A 4xx answer is the client's fault: `success`.
public enum FailureKind: Sendable, Equatable, Hashable, CustomStringConvertible {
    case connect
    case timeout
    case status5xx
    case protocolError

    /// Short text for logs: `connect`, `timeout`, `5xx`, `protocol error`.
    public var description: String {
        switch self {
        case .connect: "connect"
        case .timeout: "timeout"
        case .status5xx: "5xx"
        case .protocolError: "protocol error"
        }
    }
}

/// The outcome of one call as sliding windows and breakers count it.
public enum CallOutcome: Sendable, Equatable, Hashable {
    case success
    case failure(FailureKind)

    /// Whether the call counts as an error.
    @inlinable public var isFailure: Bool {
        if case .failure = self { return true }
        return false
    }
}
