import Synchronization
import SwitchyardCore

/// One upstream instance as every worker sees it: its address, and the verdict state shared across
/// workers (SPEC section 1: one verdict per instance, whichever worker sees the failures).
///
/// The circuit breaker and its sliding window sit behind a `Mutex`; the in-flight count (for
/// `least_requests`) and the health verdict are atomics read without locking on the request path.
public final class InstanceState: Sendable {
    public let config: InstanceConfig
    /// Index in the service's instance list (selectors work on indices).
    public let index: Int
    public let address: SocketAddress
    /// `http://host:port[/base]`: the instance's identity and its name in logs and `/stats`.
    public let label: String
    /// `Host` header value and path prefix sent upstream, as bytes.
    let hostHeader: [UInt8]
    let labelBytes: [UInt8]
    let basePath: [UInt8]
    /// The breaker (with its sliding window) and the lifetime latency histogram, behind one lock.
    let shared: Mutex<InstanceShared>
    let inFlight = Atomic<Int>(0)
    /// `HealthVerdict` raw value, written by the health checker.
    let healthRaw = Atomic<UInt8>(0)
    /// Totals since start (for `/stats` and `/metrics`).
    let totals = InstanceTotals()
    /// The owning service's change counter: bumped on every breaker or health transition so that
    /// workers recompute their eligible sets.
    let generation: ServiceGeneration

    /// Added after the first load to a service with health checks: no traffic while the verdict is
    /// still `unknown` (until the first check answered).
    let awaitsFirstCheck: Bool

    init(config: InstanceConfig, index: Int, address: SocketAddress, breakerConfig: CircuitBreakerConfig,
         generation: ServiceGeneration, awaitsFirstCheck: Bool = false) {
        self.awaitsFirstCheck = awaitsFirstCheck
        self.config = config
        self.index = index
        self.address = address
        self.label = config.url.description
        self.labelBytes = Array(config.url.description.utf8)
        self.hostHeader = Array(config.url.hostHeader.utf8)
        self.basePath = Array(config.url.basePath.utf8)
        self.shared = Mutex(InstanceShared(breaker: CircuitBreaker(config: breakerConfig)))
        self.generation = generation
    }

    /// Waiting for its first health check: left out of the eligible set whatever the supplier says.
    var isPending: Bool { awaitsFirstCheck && healthRaw.load(ordering: .relaxed) == 0 }

    var health: HealthVerdict {
        switch healthRaw.load(ordering: .relaxed) {
        case 1: .healthy
        case 2: .unhealthy
        default: .unknown
        }
    }

    func setHealth(_ verdict: HealthVerdict) {
        let raw: UInt8 = switch verdict {
        case .unknown: 0
        case .healthy: 1
        case .unhealthy: 2
        }
        if healthRaw.exchange(raw, ordering: .relaxed) != raw { generation.bump() }
    }
}

/// A service's change counter, shared by its instances.
public final class ServiceGeneration: Sendable {
    let value = Atomic<UInt64>(0)
    init() {}
    func bump() { value.add(1, ordering: .releasing) }
    func load() -> UInt64 { value.load(ordering: .acquiring) }
}

/// Monotonic counters of one instance since start.
public final class InstanceTotals: Sendable {
    let requests = Atomic<Int>(0)
    let responses2xx = Atomic<Int>(0)
    let responses3xx = Atomic<Int>(0)
    let responses4xx = Atomic<Int>(0)
    let responses5xx = Atomic<Int>(0)
    let connectFailures = Atomic<Int>(0)
    let timeouts = Atomic<Int>(0)
    let protocolErrors = Atomic<Int>(0)
    let connectionsOpened = Atomic<Int>(0)

    func countStatus(_ status: Int) {
        switch status {
        case ..<300: responses2xx.add(1, ordering: .relaxed)
        case ..<400: responses3xx.add(1, ordering: .relaxed)
        case ..<500: responses4xx.add(1, ordering: .relaxed)
        default: responses5xx.add(1, ordering: .relaxed)
        }
    }
}

/// The part of an instance's state that changes with every request, shared by the workers.
struct InstanceShared {
    var breaker: CircuitBreaker
    /// Every response latency since start (for `/metrics` histograms).
    var latency = LatencyHistogram()
}
