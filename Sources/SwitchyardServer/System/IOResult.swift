/// The outcome of one non-blocking system call.
///
/// Would-block and end-of-stream are ordinary results on a non-blocking socket, so they are cases,
/// not errors (SwiftNIO's `IOResult` does the same). Callers switch on it; nothing throws on the hot path.
public enum IOResult<T> {
    /// The call succeeded with this value (a byte count, an accepted socket, ...).
    case done(T)
    /// `EAGAIN`/`EWOULDBLOCK`: try again after the next readiness event.
    case wouldBlock
    /// `read(2)` returned 0: the peer closed its sending side.
    case closed
    /// The call failed with this `errno` (never `EINTR`, which the wrappers retry).
    case failed(Int32)
}

extension IOResult: Sendable where T: Sendable {}
