import Glibc

/// The short texts a health-check result carries in `detail` (shown in `/stats` and logs).
///
/// Stable, lower-case phrases that tests and operators can match: `status 200`, `connected`,
/// `connection refused`, `timeout`, otherwise the system's or libcurl's own wording.
enum CheckDetail {
    static let connected = "connected"
    static let timeout = "timeout"
    static let connectionRefused = "connection refused"

    /// `status 503`.
    static func status(_ code: Int) -> String { "status \(code)" }

    /// A failed connect or socket error.
    static func connectError(_ e: Int32) -> String {
        switch e {
        case ECONNREFUSED: return connectionRefused
        case ETIMEDOUT: return timeout
        case ECONNRESET: return "connection reset"
        case EHOSTUNREACH: return "host unreachable"
        case ENETUNREACH: return "network unreachable"
        default: return String(cString: strerror(e)).lowercased()
        }
    }
}
