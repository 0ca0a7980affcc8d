import Foundation
import Glibc
import Synchronization
import SwitchyardCore
@testable import SwitchyardServer

/// A scripted `AdminBackend`.
final class FakeAdminBackend: AdminBackend {
    var snapshotValue: ProxySnapshot
    var config: Config
    var isDraining: Bool
    var outcome: ReloadOutcome
    var reloadCount = 0
    /// What `reactionsJSON()` answers (the `/events` member); nil: no reactions.
    var reactions: [UInt8]?

    init(snapshot: ProxySnapshot, config: Config, isDraining: Bool, outcome: ReloadOutcome) {
        self.snapshotValue = snapshot
        self.config = config
        self.isDraining = isDraining
        self.outcome = outcome
    }

    func snapshot() -> ProxySnapshot { snapshotValue }

    func reactionsJSON() -> [UInt8]? { reactions }

    func reload() -> ReloadOutcome {
        reloadCount += 1
        return outcome
    }
}

/// Hands a loop-confined object to the test thread once its loop has stopped (or to a task on the loop).
final class AdminTestBox<T>: @unchecked Sendable {
    var value: T?
}

/// The worker's report that the server is listening (or failed to).
final class AdminStartSignal: Sendable {
    let port = Atomic<UInt16>(0)
    let failed = Atomic<Bool>(false)
}

/// An `AdminServer` on 127.0.0.1:0 with a fake backend, running on its own worker thread.
final class AdminHarness {
    let group: WorkerGroup
    let port: UInt16
    private let server: AdminTestBox<AdminServer>
    private let backendBox: AdminTestBox<FakeAdminBackend>
    private var stopped = false

    init(snapshot: ProxySnapshot = AdminSamples.snapshot(), config: Config = Config(), draining: Bool = false,
         outcome: ReloadOutcome = .reloaded(summary: "1 service, 2 instances"), reactions: String? = nil) throws {
        let server = AdminTestBox<AdminServer>()
        let backendBox = AdminTestBox<FakeAdminBackend>()
        let started = AdminStartSignal()
        group = try WorkerGroup(count: 1) { loop in
            let backend = FakeAdminBackend(snapshot: snapshot, config: config, isDraining: draining, outcome: outcome)
            backend.reactions = reactions.map { Array($0.utf8) }
            backendBox.value = backend
            do {
                let s = try AdminServer(loop: loop, address: ListenAddress(host: "127.0.0.1", port: 0), backend: backend)
                server.value = s
                started.port.store(s.port, ordering: .releasing)
            } catch {
                started.failed.store(true, ordering: .releasing)
            }
        }
        var waited = 0
        while started.port.load(ordering: .acquiring) == 0 && !started.failed.load(ordering: .acquiring)
                && waited < 5_000 {
            usleep(1_000)
            waited += 1
        }
        self.port = started.port.load(ordering: .acquiring)
        self.server = server
        self.backendBox = backendBox
        if self.port == 0 {
            group.stopAll()
            group.join()
            stopped = true
            throw TestError("admin server did not start")
        }
    }

    /// Stops the server on its loop, then the loop; returns the backend for inspection.
    @discardableResult
    func stop() -> FakeAdminBackend? {
        if !stopped {
            stopped = true
            let server = self.server
            group.handles[0].execute { server.value?.stop(); server.value = nil }
            group.stopAll()
            group.join()
        }
        return backendBox.value
    }

    deinit { stop() }

    func connect() throws -> RawConnection { try RawConnection(port: port, timeout: 5) }

    /// One request on a fresh connection.
    func send(_ method: String, _ path: String, headers: [String] = [], body: String = "") throws -> TestResponse {
        let c = try connect()
        try c.send(Self.raw(method, path, headers: headers, body: body))
        return try c.readResponse(headRequest: method == "HEAD")
    }

    static func raw(_ method: String, _ path: String, headers: [String] = [], body: String = "") -> String {
        var s = "\(method) \(path) HTTP/1.1\r\nHost: admin\r\n"
        for h in headers { s += h + "\r\n" }
        if !body.isEmpty || method == "POST" { s += "Content-Length: \(body.utf8.count)\r\n" }
        return s + "\r\n" + body
    }
}

enum AdminSamples {
    static let nowUnixMs = 1_714_566_896_789
    static let now = Instant(nanoseconds: 100_000_000_000)

    /// One service with a healthy instance and an open one: used by the tests and docs/ADMIN.md.
    static func snapshot() -> ProxySnapshot {
        var latency = LatencyHistogram()
        for ms in [2, 3, 3, 4, 5, 7, 9, 14, 40, 180] { latency.record(.milliseconds(ms)) }
        var window = WindowSnapshot()
        window.requests = 48
        window.errors = 2
        window.status5xx = 2
        window.slowCalls = 1
        window.p50 = .microseconds(3_900)
        window.p90 = .microseconds(13_700)
        window.p99 = .microseconds(176_000)
        let a = InstanceSnapshot(
            url: "http://10.0.0.11:8080", state: "healthy", window: window, inFlight: 1,
            totals: InstanceTotalsSnapshot(requests: 1204, responses2xx: 1190, responses4xx: 8, responses5xx: 6,
                                           connectionsOpened: 9),
            latency: latency,
            health: HealthSnapshot(verdict: .healthy, consecutiveSuccesses: 12, history: [
                HealthCheckResult(at: Instant(nanoseconds: 95_000_000_000), ok: true, latency: .microseconds(812),
                                  detail: "HTTP 200"),
            ]))
        let b = InstanceSnapshot(
            url: "http://10.0.0.12:8080", state: "open", breaker: .open, trips: 1,
            openUntil: Instant(nanoseconds: 112_000_000_000),
            totals: InstanceTotalsSnapshot(requests: 31, responses2xx: 10, connectFailures: 21, connectionsOpened: 4),
            health: HealthSnapshot(verdict: .unhealthy, consecutiveFailures: 4, history: [
                HealthCheckResult(at: Instant(nanoseconds: 95_000_000_000), ok: false, latency: .milliseconds(1),
                                  detail: "connect refused"),
            ]))
        var ordersErrors = ProxyErrorCounts()
        ordersErrors[.noHealthyInstance] = 2
        var unrouted = ProxyErrorCounts()
        unrouted[.noRoute] = 3
        return ProxySnapshot(
            version: "0.1.0", startedAtUnixMs: nowUnixMs - 3_600_000, nowUnixMs: nowUnixMs, now: now,
            reloads: 1, clientConnections: 5,
            services: [ServiceSnapshot(name: "orders", routes: ["/orders"], balancer: "round_robin",
                                       supplier: "cooldown", eligible: 1, instances: [a, b], proxyErrors: ordersErrors)],
            unroutedProxyErrors: unrouted,
            transitions: [TransitionRecord(at: Instant(nanoseconds: 97_000_000_000),
                                           subject: "orders http://10.0.0.12:8080 breaker", from: "closed", to: "open",
                                           reason: "5 consecutive failures")])
    }

    static func config(token: String? = nil) -> Config {
        Config(admin: AdminConfig(listen: ListenAddress(host: "127.0.0.1", port: 9901), token: token),
               services: [ServiceConfig(name: "orders", routes: ["/orders"], instances: [
                   InstanceConfig(url: UpstreamURL(host: "10.0.0.11", port: 8080)),
                   InstanceConfig(url: UpstreamURL(host: "10.0.0.12", port: 8080)),
               ], healthCheck: HealthCheckConfig())])
    }
}
