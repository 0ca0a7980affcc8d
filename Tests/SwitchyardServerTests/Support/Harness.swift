import Foundation
import Glibc

/// A running `switchyard-echo` on a free loopback port.
final class EchoUpstream {
    let process: TestProcess
    let port: UInt16
    let name: String
    /// The loopback address it listens on (127.0.0.1 unless the test spreads instances over 127/8).
    let host: String
    var url: String { "http://\(host):\(port)" }

    init(name: String, host: String = "127.0.0.1", port fixedPort: UInt16? = nil, arguments: [String] = []) throws {
        self.name = name
        self.host = host
        port = fixedPort ?? Net.freePort()
        process = try TestProcess(TestPaths.echo, ["--listen", "\(host):\(port)", "--name", name] + arguments,
                                  name: "echo-\(name)-\(host)-\(port)")
        guard Net.waitForPort(port, host: host) else { throw TestError("echo \(name) did not start: \(process.output)") }
    }

    /// Sends one request straight to the upstream (bypassing the proxy).
    func direct(_ method: String = "POST", _ path: String, body: String = "{}") throws -> TestResponse {
        let c = try RawConnection(host: host, port: port)
        return try c.request(method, path, body: body)
    }
}

/// A running `switchyard` on a generated config with a free listen port and admin port.
final class ProxyUnderTest {
    let process: TestProcess
    let port: UInt16
    let adminPort: UInt16
    let configPath: String

    /// `services` is the YAML of the `services:` list (indented by two spaces), `extra` top-level keys.
    /// `$SWITCHYARD_TEST_WORKERS`, when set, replaces `workers` (`make tsan` runs every suite with 2).
    /// `launcher` runs the proxy through a wrapper that execs it (e.g. `["prlimit", "--nofile=64:64"]`).
    init(services: String, extra: String = "", workers: Int = 1, environment: [String: String]? = nil,
         launcher: [String] = []) throws {
        port = Net.freePort()
        adminPort = Net.freePort()
        let dir = TestPaths.tempDir()
        configPath = dir.appendingPathComponent("config.yaml").path
        self.extra = extra
        let workers = ProcessInfo.processInfo.environment["SWITCHYARD_TEST_WORKERS"].flatMap { Int($0) } ?? workers
        self.workers = workers
        let yaml = Self.yaml(port: port, adminPort: adminPort, workers: workers, extra: extra, services: services)
        try yaml.write(toFile: configPath, atomically: true, encoding: .utf8)
        let command = launcher + [TestPaths.switchyard, "--config", configPath]
        process = try TestProcess(command[0], Array(command.dropFirst()), name: "switchyard-\(port)",
                                  environment: environment)
        guard Net.waitForPort(port) else {
            process.stop()
            throw TestError("switchyard did not start:\n\(process.output)\nconfig:\n\(yaml)")
        }
    }

    let extra: String
    let workers: Int

    /// Rewrites the config file with other services (same ports) and sends SIGHUP. `extra` and
    /// `workers`, when given, replace the ones the proxy started with for this file.
    func reload(services: String, extra: String? = nil, workers: Int? = nil) throws {
        try rewrite(services: services, extra: extra, workers: workers)
        process.signal(SIGHUP)
    }

    /// Rewrites the config file (write to a temporary name, then rename) without signalling.
    func rewrite(services: String, extra: String? = nil, workers: Int? = nil) throws {
        let yaml = Self.yaml(port: port, adminPort: adminPort, workers: workers ?? self.workers,
                             extra: extra ?? self.extra, services: services)
        try yaml.write(toFile: configPath, atomically: true, encoding: .utf8)
    }

    /// The config text; `extra` may replace the default `log:` section (access log off).
    static func yaml(port: UInt16, adminPort: UInt16, workers: Int, extra: String, services: String) -> String {
        let log = extra.hasPrefix("log:") || extra.contains("\nlog:") ? "" : "log:\n  access: off\n  level: info"
        return """
            listen: "127.0.0.1:\(port)"
            workers: \(workers)
            admin:
              listen: "127.0.0.1:\(adminPort)"
            \(log)
            \(extra)
            services:
            \(services)
            """
    }

    func connect(timeout: Double = 10) throws -> RawConnection { try RawConnection(port: port, timeout: timeout) }

    /// One request on a fresh connection.
    func request(_ method: String = "POST", _ path: String = "/", body: String = "{}",
                 headers: [String: String] = [:]) throws -> TestResponse {
        try connect().request(method, path, body: body, headers: headers)
    }
}

extension TestResponse {
    /// The echo's `name` field: which upstream answered.
    var upstreamName: String? { json?["name"] as? String }
    /// The echo's view of the request headers, lower-cased names.
    var echoedHeaders: [String: String] {
        var out: [String: String] = [:]
        for pair in (json?["headers"] as? [[String]]) ?? [] where pair.count == 2 { out[pair[0].lowercased()] = pair[1] }
        return out
    }
}

extension ProxyUnderTest {
    /// Reloads applied plus reloads refused, from `/stats`.
    func reloadCount() throws -> Int {
        let stats = try ObservabilityTests.admin(self, "/stats").json
        return (stats?["reloads"] as? Int ?? 0) + (stats?["reload_failures"] as? Int ?? 0)
    }

    /// `reload(services:extra:workers:)`, then waits up to 5 s until the proxy has applied or refused
    /// the file. Returns false on timeout.
    func reloadAndWait(services: String, extra: String? = nil, workers: Int? = nil) throws -> Bool {
        let before = try reloadCount()
        try reload(services: services, extra: extra, workers: workers)
        return try ObservabilityTests.eventually { try reloadCount() > before }
    }
}
