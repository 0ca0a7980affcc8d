/// A setting that a reload cannot apply: the running process keeps its old value until it
/// restarts, and the reload says so in a warning.
///
/// Every other key is applied by a reload (docs/CONFIG.md lists when each one takes effect). The
/// restart-only ones are those that shape the process itself: `workers` (threads and their
/// listening sockets are made at start), `admin.listen` (the admin listener is bound once) and
/// `log.access` (the access log is opened once; SIGUSR1 reopens the same target).
public struct RestartOnlyChange: Sendable, Equatable, CustomStringConvertible {
    /// The key path, e.g. `admin.listen`.
    public var key: String
    /// The value in force, as written in a config file.
    public var running: String
    /// The value the new file asks for.
    public var requested: String

    public init(key: String, running: String, requested: String) {
        self.key = key
        self.running = running
        self.requested = requested
    }

    /// `workers changed from 2 to 4; this takes effect at restart only`
    public var description: String {
        "\(key) changed from \(running) to \(requested); this takes effect at restart only"
    }

    /// The restart-only settings that differ between the running configuration and `next`.
    /// `workers` compares thread counts (`auto` resolved by the caller to the online cores), so
    /// `auto` on a 4-core host and `workers: 4` are the same.
    public static func changes(from running: Config, to next: Config, runningWorkers: Int,
                               requestedWorkers: Int) -> [RestartOnlyChange] {
        var out: [RestartOnlyChange] = []
        if runningWorkers != requestedWorkers {
            out.append(RestartOnlyChange(key: "workers", running: "\(runningWorkers)", requested: "\(requestedWorkers)"))
        }
        if running.admin.listen != next.admin.listen {
            out.append(RestartOnlyChange(key: "admin.listen", running: text(running.admin.listen),
                                         requested: text(next.admin.listen)))
        }
        if running.log.access != next.log.access {
            out.append(RestartOnlyChange(key: "log.access", running: text(running.log.access),
                                         requested: text(next.log.access)))
        }
        return out
    }

    private static func text(_ address: ListenAddress?) -> String { address?.description ?? "off" }

    private static func text(_ target: AccessLogTarget) -> String {
        switch target {
        case .stdout: "stdout"
        case .off: "off"
        case .file(let path): path
        }
    }
}
