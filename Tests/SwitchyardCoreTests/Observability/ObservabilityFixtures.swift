@testable import SwitchyardCore

/// Snapshots and configs shared by the observability tests.
enum ObservabilityFixtures {
    /// 2024-05-01T12:34:56.789Z
    static let nowUnixMs = 1_714_566_896_789
    static let now = Instant(nanoseconds: 100_000_000_000)

    static func text(_ out: borrowing ByteBuffer) -> String {
        String(decoding: out.readableArray(), as: UTF8.self)
    }

    static func isValidJSON(_ out: borrowing ByteBuffer) -> Bool {
        var v = JSONValidator()
        return out.withReadableBytes { v.validate($0) } == .valid
    }

    /// The smallest interesting snapshot: one service, one idle instance, no health checks.
    static func minimal() -> ProxySnapshot {
        ProxySnapshot(
            version: "0.1.0", startedAtUnixMs: nowUnixMs - 61_500, nowUnixMs: nowUnixMs, now: now,
            clientConnections: 2,
            services: [ServiceSnapshot(name: "orders", routes: ["/orders"], balancer: "round_robin",
                                       supplier: "cooldown", eligible: 1,
                                       instances: [InstanceSnapshot(url: "http://127.0.0.1:9001", state: "healthy")])])
    }

    /// A busier snapshot: latencies, an open breaker, health history, transitions, awkward names.
    static func busy() -> ProxySnapshot {
        var latency = LatencyHistogram()
        for ms in [1, 2, 2, 3, 4, 8, 12, 30, 120, 700] { latency.record(.milliseconds(ms)) }
        latency.record(.seconds(20))
        var window = WindowSnapshot()
        window.requests = 40
        window.errors = 3
        window.timeouts = 1
        window.status5xx = 2
        window.slowCalls = 1
        window.p50 = .microseconds(2_500)
        window.p90 = .milliseconds(12)
        window.p99 = .milliseconds(700)
        let healthy = InstanceSnapshot(
            url: "http://10.0.0.11:8080", state: "healthy", trips: 1, window: window, inFlight: 3,
            totals: InstanceTotalsSnapshot(requests: 1200, responses2xx: 1150, responses3xx: 2, responses4xx: 30,
                                           responses5xx: 10, connectFailures: 5, timeouts: 2, protocolErrors: 1,
                                           connectionsOpened: 14),
            latency: latency,
            health: HealthSnapshot(verdict: .healthy, consecutiveSuccesses: 4, consecutiveFailures: 0, history: [
                HealthCheckResult(at: Instant(nanoseconds: 90_000_000_000), ok: false,
                                  latency: .milliseconds(1000), detail: "timeout after 1s"),
                HealthCheckResult(at: Instant(nanoseconds: 95_000_000_000), ok: true,
                                  latency: .microseconds(1_234), detail: "HTTP 200"),
            ]))
        let open = InstanceSnapshot(
            url: "http://10.0.0.12:8080", state: "open", breaker: .open, trips: 3,
            openUntil: Instant(nanoseconds: 115_000_000_000),
            totals: InstanceTotalsSnapshot(requests: 80, responses5xx: 60, connectFailures: 20))
        let odd = InstanceSnapshot(url: "http://[::1]:9000/a\"b\\c", state: "half_open", breaker: .halfOpen,
                                   health: HealthSnapshot(verdict: .unhealthy, consecutiveFailures: 3))
        var ordersErrors = ProxyErrorCounts()
        ordersErrors[.noHealthyInstance] = 4
        ordersErrors[.invalidJSON] = 2
        var unrouted = ProxyErrorCounts()
        unrouted[.noRoute] = 7
        unrouted[.badRequest] = 1
        return ProxySnapshot(
            version: "0.1.0", startedAtUnixMs: nowUnixMs - 3_600_000, nowUnixMs: nowUnixMs, now: now,
            draining: false, reloads: 2, reloadFailures: 1, clientConnections: 17,
            services: [
                ServiceSnapshot(name: "orders", routes: ["/orders", "/v2/orders"], balancer: "round_robin",
                                supplier: "cooldown", eligible: 1, instances: [healthy, open], proxyErrors: ordersErrors),
                ServiceSnapshot(name: "we\"ird\nname", routes: ["/"], balancer: "least_requests",
                                supplier: "static", eligible: 1, instances: [odd]),
            ],
            unroutedProxyErrors: unrouted,
            transitions: [
                TransitionRecord(at: Instant(nanoseconds: 85_000_000_000), subject: "orders http://10.0.0.12:8080 breaker",
                                 from: "closed", to: "open", reason: "error rate 75% over 20 requests"),
                TransitionRecord(at: Instant(nanoseconds: 95_000_000_000), subject: "orders http://10.0.0.11:8080 health",
                                 from: "unknown", to: "healthy", reason: "2 consecutive checks passed"),
            ])
    }

    /// A config exercising every optional part, with a token to redact.
    static func config(token: String? = "s3cret-token") -> Config {
        Config(
            listen: [ListenAddress(host: "0.0.0.0", port: 8080), ListenAddress(host: "::1", port: 8081)],
            workers: 2,
            admin: AdminConfig(listen: ListenAddress(host: "127.0.0.1", port: 9901), token: token),
            log: LogConfig(access: .file("/var/log/switchyard/access.log"), level: .warning),
            services: [
                ServiceConfig(name: "orders", routes: ["/orders"], balancer: .priority, supplier: .cooldown,
                              instances: [InstanceConfig(url: UpstreamURL(host: "10.0.0.11", port: 8080), priority: 3),
                                          InstanceConfig(url: UpstreamURL(host: "10.0.0.12", port: 8080, basePath: "/api"),
                                                         weight: 2)],
                              healthCheck: HealthCheckConfig(interval: .milliseconds(2500)),
                              retries: RetryConfig(attempts: 3, on: [.connectFailure, .timeout])),
                ServiceConfig(name: "search", routes: ["/"], instances: [
                    InstanceConfig(url: UpstreamURL(host: "search.internal", port: 80)),
                ]),
            ])
    }
}
