import SwitchyardCore

/// What the admin API asks of the running proxy. The composition root implements it; tests fake it.
///
/// Called on the admin server's loop (the control loop), one request at a time. `snapshot()` and
/// `reload()` may take a while (they gather state from workers, parse a file); the admin listener
/// is not on the request path, so that only delays other admin requests.
public protocol AdminBackend: AnyObject {
    /// The state `/stats`, `/dump` and `/metrics` render.
    func snapshot() -> ProxySnapshot
    /// The effective configuration: `/dump` renders it (token redacted) and `POST /reload` checks
    /// `admin.token` against it.
    var config: Config { get }
    /// Re-reads and applies the configuration file, as on SIGHUP.
    func reload() -> ReloadOutcome
    /// True once draining started (SIGTERM): `/health` answers 503.
    var isDraining: Bool { get }
    /// The `reactions` member of the dashboard's `/events` stream, exactly one JSON value of the shape
    /// `/stats` gives it (`{"configured":[...],"recent":[...]}`), or nil when this proxy has none
    /// (the page then says "no reactions configured"). Called once per event, on the admin loop.
    /// The default answers nil; the reactions runner is the one place that fills it.
    func reactionsJSON() -> [UInt8]?
}

extension AdminBackend {
    public func reactionsJSON() -> [UInt8]? { nil }
}

/// The result of `AdminBackend.reload()`.
public enum ReloadOutcome: Sendable, Equatable {
    /// The new configuration is in force; `summary` says what changed (e.g. `2 services, 1 instance added`).
    case reloaded(summary: String)
    /// The new file was refused and the old configuration keeps serving; one message per error.
    case failed([String])
    /// This process cannot reload (for example it was started without a config file).
    case notSupported
}
