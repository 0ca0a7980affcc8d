import Synchronization
import SwitchyardCore

/// One configured service as every worker sees it: its config, its shared instances and the policy
/// for failed attempts. Immutable once built; a reload builds new ones (keeping the `InstanceState`s
/// of instances that stay).
public final class ServiceState: Sendable {
    public let config: ServiceConfig
    public let index: Int
    public let instances: [InstanceState]
    let generation: ServiceGeneration
    /// Retries sent and refused by the budget, summed over the workers (kept across reloads).
    let retryTotals: RetryTotals
    let attemptPolicy: AttemptPolicy
    let nameBytes: [UInt8]
    /// Error answers the proxy wrote itself for requests routed here (kept across reloads).
    let proxyErrors: ProxyErrorCounters
    /// The batch parts' answer cache (`cache:`), nil when off; kept across reloads while its settings stay.
    let cache: PartCache?

    init(config: ServiceConfig, index: Int, instances: [InstanceState], generation: ServiceGeneration,
         retryTotals: RetryTotals, proxyErrors: ProxyErrorCounters, cache: PartCache? = nil) {
        self.cache = cache
        self.config = config
        self.retryTotals = retryTotals
        self.index = index
        self.instances = instances
        self.generation = generation
        self.proxyErrors = proxyErrors
        self.attemptPolicy = AttemptPolicy(retries: config.retries)
        self.nameBytes = Array(config.name.utf8)
    }
}

/// Everything a worker needs to handle requests under one configuration: services, routes, limits.
/// Immutable; swapped as a whole on reload so that a request runs on the snapshot it started with.
public final class ProxyState: Sendable {
    public let config: Config
    public let services: [ServiceState]
    let routes: RouteTable
    /// Method, route and Content-Type rules for request heads.
    let admission: RequestAdmission
    let limits: HTTPLimits
    /// The `Allow` header value for 405.
    let allowHeader: [UInt8]
    /// The timeouts in nanoseconds: deadlines are re-armed several times per request, and `Duration`
    /// arithmetic goes through 128-bit multiplications.
    let timeoutNanos: TimeoutNanoseconds
    /// Error answers the proxy wrote itself before a service was matched (kept across reloads).
    let unroutedErrors: ProxyErrorCounters
    /// The batch endpoint's settings, nil when `multiplex:` is absent.
    let batchPolicy: BatchPolicy?
    /// The batch endpoint's counters (kept across reloads).
    let batchCounters: BatchCounters
    /// Each service's position, by name (batch parts name their service).
    let serviceIndex: [String: Int]

    /// The plan this snapshot was built by (`ReloadPlan(first:)` for the first one); workers move
    /// their pools by it.
    let plan: ReloadPlan

    /// Builds the snapshot `plan` describes, resolving the address of every instance that does not
    /// keep its state. With `previous` (a reload), a `kept` instance is the same `InstanceState`; a
    /// `moved` one is a new state that starts from a copy of the old breaker, window and health.
    /// With `newAwaitFirstCheck` (a reload or a discovery change, not the first load), an instance new
    /// to a service with a `health_check` takes no traffic until its first check passed.
    init(config: Config, previous: ProxyState? = nil, plan: ReloadPlan? = nil, newAwaitFirstCheck: Bool = false) throws {
        let plan = plan ?? previous.map { ReloadPlan(running: $0.config, next: config, runningWorkers: 1, requestedWorkers: 1) }
            ?? ReloadPlan(first: config)
        self.config = config
        self.plan = plan
        var oldServices: [String: ServiceState] = [:]
        for s in previous?.services ?? [] { oldServices[s.config.name] = s }
        var services: [ServiceState] = []
        for (si, sc) in config.services.enumerated() {
            let old = oldServices[sc.name]
            let generation = old?.generation ?? ServiceGeneration()
            var instances: [InstanceState] = []
            for (ii, ic) in sc.instances.enumerated() {
                let fate = previous == nil ? .new : plan.fates[si][ii]
                if case .kept(let os, let oi, let reconfigure) = fate, let same = previous?.services[os].instances[oi] {
                    if reconfigure { same.shared.withLock { $0.breaker.reconfigure(sc.circuitBreaker) } }
                    instances.append(same)
                    continue
                }
                let address = try SocketAddress.resolve(host: ic.url.host, port: ic.url.port)
                let state = InstanceState(config: ic, index: ii, address: address,
                                          breakerConfig: sc.circuitBreaker, generation: generation,
                                          awaitsFirstCheck: newAwaitFirstCheck && fate == .new && sc.healthCheck != nil)
                if case .moved(let os, let oi) = fate, let moved = previous?.services[os].instances[oi] {
                    let copy = moved.shared.withLock { $0 }
                    state.shared.withLock { $0 = copy; $0.breaker.reconfigure(sc.circuitBreaker) }
                    state.healthRaw.store(moved.healthRaw.load(ordering: .relaxed), ordering: .relaxed)
                }
                instances.append(state)
            }
            generation.bump()
            services.append(ServiceState(config: sc, index: si, instances: instances, generation: generation,
                                         retryTotals: old?.retryTotals ?? RetryTotals(),
                                         proxyErrors: old?.proxyErrors ?? ProxyErrorCounters(),
                                         cache: sc.cache.map { c in old?.cache.flatMap { $0.config == c ? $0 : nil } ?? PartCache(c) }))
        }
        self.services = services
        self.routes = RouteTable(services: config.services)
        self.admission = RequestAdmission(methods: config.accept.methods, routes: routes, requireJSON: config.accept.requireJSON,
                                          batchPath: config.multiplex?.path)
        self.batchPolicy = config.multiplex.map(BatchPolicy.init)
        self.batchCounters = previous?.batchCounters ?? BatchCounters()
        self.serviceIndex = Dictionary(config.services.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { a, _ in a })
        var limits = HTTPLimits()
        limits.maxHeaderBytes = config.accept.maxHeader
        limits.maxBody = config.accept.maxBody
        self.limits = limits
        self.allowHeader = Array(config.accept.methods.joined(separator: ", ").utf8)
        self.timeoutNanos = TimeoutNanoseconds(config.timeouts)
        self.unroutedErrors = previous?.unroutedErrors ?? ProxyErrorCounters()
    }

    /// Counts an error answer the proxy wrote itself, against the service at `serviceIndex` of this
    /// snapshot, or against no service when it is -1 (no route matched, or the head never parsed).
    /// Lock-free and allocation-free; any thread.
    func countError(_ error: ProxyError, serviceIndex: Int) {
        let counters = services.indices.contains(serviceIndex) ? services[serviceIndex].proxyErrors : unroutedErrors
        counters.count(error)
    }
}

/// `TimeoutsConfig` in nanoseconds.
struct TimeoutNanoseconds: Sendable {
    let connect, response, clientHeader, clientBody, clientIdle, upstreamIdle: UInt64
    /// `timeouts.attempt`, 0 when off.
    let attempt: UInt64
    init(_ t: TimeoutsConfig) {
        func ns(_ d: Duration) -> UInt64 { UInt64(max(d.nanoseconds, 0)) }
        connect = ns(t.connect)
        response = ns(t.response)
        clientHeader = ns(t.clientHeader)
        clientBody = ns(t.clientBody)
        attempt = t.attempt.map(ns) ?? 0
        clientIdle = ns(t.clientIdle)
        upstreamIdle = ns(t.upstreamIdle)
    }
}

/// A service's retry counters, shared by the workers.
final class RetryTotals: Sendable {
    let sent = Atomic<Int>(0)
    let refused = Atomic<Int>(0)
}
