import Glibc
import SwitchyardCore

/// One instance to health-check: where it is and how to check it.
///
/// The runtime makes one per distinct instance URL and `health_check` among the services that have
/// one (services that list the same URL with the same check share it). `label` is the instance URL
/// and identifies the instance's health state across reloads: `HealthChecker.replaceTargets` keeps
/// the state of a label that stays, whatever service lists it. `address` is resolved at configuration time, so checks never block
/// on DNS; `host` and `port` only name the instance (the HTTP `Host` header, logs).
public struct HealthTarget: Sendable {
    /// The runtime's id for the instance (for example an index into its instance table).
    public var id: Int
    /// The identity across reloads: the instance URL (`http://host:port[/base]`).
    public var label: String
    public var host: String
    public var port: UInt16
    /// The resolved address the checks connect to.
    public var address: SocketAddress
    public var config: HealthCheckConfig

    public init(id: Int, label: String, host: String, port: UInt16, address: SocketAddress, config: HealthCheckConfig) {
        self.id = id
        self.label = label
        self.host = host
        self.port = port
        self.address = address
        self.config = config
    }

    /// The `Host` header value: `host:port`, IPv6 literals in brackets.
    var hostHeader: String {
        let h = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        return "\(h):\(port)"
    }

    /// The URL curl fetches: the numeric address (so curl never resolves a name, which its
    /// threaded resolver would do on a thread of its own) and the configured path.
    var checkURL: String {
        let a = address.family == AF_INET6 ? "[\(address.numericHost)]" : address.numericHost
        let path = config.path.hasPrefix("/") ? config.path : "/" + config.path
        return "http://\(a):\(address.port)\(path)"
    }
}
