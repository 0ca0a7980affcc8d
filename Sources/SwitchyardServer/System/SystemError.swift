import Glibc

/// A failed system call: which call, its `errno`, and a readable message.
///
/// Thrown from set-up paths (listeners, event loops, signal sources); hot-path wrappers return
/// `IOResult.failed(errno)` instead.
public struct SystemError: Error, CustomStringConvertible, Sendable {
    /// The call that failed, with context (for example `"bind(0.0.0.0:8080)"`).
    public let call: String
    /// The `errno` value (or another library's error code, see `description`).
    public let errno: Int32
    /// `"<call>: <strerror> (errno N)"` or a message supplied by the thrower.
    public let description: String

    /// An error described by `strerror(errno)`.
    public init(call: String, errno: Int32) {
        self.call = call
        self.errno = errno
        self.description = "\(call): \(String(cString: strerror(errno))) (errno \(errno))"
    }

    /// An error with its own message (for example a `getaddrinfo` failure, which has no errno).
    public init(call: String, errno: Int32, message: String) {
        self.call = call
        self.errno = errno
        self.description = "\(call): \(message)"
    }

    /// An error from the current thread's `errno`; call right after the failing call.
    static func last(_ call: @autoclosure () -> String) -> SystemError {
        let e = Glibc.errno
        return SystemError(call: call(), errno: e)
    }
}
