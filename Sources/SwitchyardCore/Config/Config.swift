/// The whole validated configuration: immutable, produced by `ConfigDecoder` from a YAML node tree.
///
/// Field names follow SPEC section 2; defaults are the spec's. A `Config` is never partially valid:
/// decoding either yields one or a list of `ConfigDiagnostic`s.
public struct Config: Sendable, Equatable {
    public var listen: [ListenAddress]
    /// Event-loop threads; `nil` means `auto` (the online cores).
    public var workers: Int?
    public var admin: AdminConfig
    public var accept: AcceptConfig
    public var timeouts: TimeoutsConfig
    public var log: LogConfig
    public var reload: ReloadMode
    public var services: [ServiceConfig]
    /// The batch endpoint (`multiplex:`); nil (the section absent) leaves it off.
    public var multiplex: BatchConfig?
    /// Reactions to state changes of every service (`reactions:`, SPEC section 9); a service's own
    /// are in `ServiceConfig.reactions`.
    public var reactions: [ReactionConfig] = []

    public init(listen: [ListenAddress] = [ListenAddress(host: "0.0.0.0", port: 8080)], workers: Int? = nil,
                admin: AdminConfig = AdminConfig(), accept: AcceptConfig = AcceptConfig(),
                timeouts: TimeoutsConfig = TimeoutsConfig(), log: LogConfig = LogConfig(),
                reload: ReloadMode = .signal, services: [ServiceConfig] = [], multiplex: BatchConfig? = nil) {
        self.listen = listen
        self.workers = workers
        self.admin = admin
        self.accept = accept
        self.timeouts = timeouts
        self.log = log
        self.reload = reload
        self.services = services
        self.multiplex = multiplex
    }
}

/// A `host:port` to bind. IPv6 hosts are written `[::1]:8080` in the file and stored without brackets.
public struct ListenAddress: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: UInt16
    public init(host: String, port: UInt16) { self.host = host; self.port = port }
    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

public struct AdminConfig: Sendable, Equatable {
    /// `nil` turns the admin listener off.
    public var listen: ListenAddress?
    /// Bearer token required on POST endpoints and `GET /events` when set.
    public var token: String?
    public init(listen: ListenAddress? = ListenAddress(host: "127.0.0.1", port: 9901), token: String? = nil) {
        self.listen = listen
        self.token = token
    }
}

public struct AcceptConfig: Sendable, Equatable {
    /// Upper-case method names; default `["POST"]`.
    public var methods: [String]
    public var requireJSON: Bool
    /// Bytes; default 1 MiB. Over it: 413.
    public var maxBody: Int
    /// Bytes of request line plus headers; default 16 KiB. Over it: 431.
    public var maxHeader: Int
    public var maxConnections: Int
    public init(methods: [String] = ["POST"], requireJSON: Bool = true, maxBody: Int = 1 << 20,
                maxHeader: Int = 16 << 10, maxConnections: Int = 10_000) {
        self.methods = methods
        self.requireJSON = requireJSON
        self.maxBody = maxBody
        self.maxHeader = maxHeader
        self.maxConnections = maxConnections
    }
}

public struct TimeoutsConfig: Sendable, Equatable {
    public var connect: Duration
    public var response: Duration
    public var clientHeader: Duration
    public var clientIdle: Duration
    public var upstreamIdle: Duration
    public var drain: Duration
    /// One upstream attempt, from its start (connect included) to the response's last byte; nil = off
    /// (only `response` bounds the request). Lets `retries.on: timeout` retry inside `response`.
    public var attempt: Duration?
    /// The request body, from the end of the head to its last byte (`client_header` covers the head only).
    public var clientBody: Duration
    public init(connect: Duration = .seconds(1), response: Duration = .seconds(15),
                clientHeader: Duration = .seconds(10), clientIdle: Duration = .seconds(60),
                upstreamIdle: Duration = .seconds(30), drain: Duration = .seconds(30),
                attempt: Duration? = nil, clientBody: Duration = .seconds(30)) {
        self.connect = connect
        self.response = response
        self.attempt = attempt
        self.clientBody = clientBody
        self.clientHeader = clientHeader
        self.clientIdle = clientIdle
        self.upstreamIdle = upstreamIdle
        self.drain = drain
    }
}

public enum AccessLogTarget: Sendable, Equatable {
    case stdout
    case off
    case file(String)
}

public enum LogLevel: Int, Sendable, Comparable, CaseIterable {
    case debug, info, warning, error
    public static func < (a: LogLevel, b: LogLevel) -> Bool { a.rawValue < b.rawValue }
    public var name: String {
        switch self {
        case .debug: "debug"
        case .info: "info"
        case .warning: "warning"
        case .error: "error"
        }
    }
}

public struct LogConfig: Sendable, Equatable {
    public var access: AccessLogTarget
    public var level: LogLevel
    public init(access: AccessLogTarget = .stdout, level: LogLevel = .info) {
        self.access = access
        self.level = level
    }
}

/// How the running proxy learns about a new file: signals and `POST /reload` always; `watch` adds inotify.
public enum ReloadMode: Sendable, Equatable {
    case signal
    case watch
}
