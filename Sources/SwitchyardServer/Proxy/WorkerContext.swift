import Glibc
import SwitchyardCore

/// What the connections of one worker share and use: the loop, the current snapshot with this
/// worker's views and upstream pools, the selector randomness, the JSON validator, request ids and
/// the access-log buffer. The narrow side of a worker that `ClientConnection` and
/// `UpstreamConnection` see; `Worker` keeps listeners, the client list, drain and reload to itself.
/// Loop-confined: only the worker's thread touches it.
final class WorkerContext {
    let loop: EventLoop
    let log: ErrorLog
    /// Workers in the process: each keeps `1/workerCount` of every retry budget's reserve.
    let workerCount: Int
    private(set) var state: ProxyState
    /// This worker's view of each service of `state` (selector state, eligible set, retry budget).
    private(set) var views: [ServiceView]
    /// Idle upstream connections, `[service][instance]` of the current snapshot.
    var pools: [[UpstreamPool]]
    var rng: SplitMix64
    var validator = JSONValidator()
    /// This worker's access-log lines, written out once per loop turn (nil when the log is off).
    let accessLog: AccessLogBuffer?
    private lazy var accessLogFlusher = TurnEndAction { [unowned self] in self.accessLog?.flush() }
    private var requestIDs: RequestIDGenerator
    /// Set by the worker when it drains: answers then close their connections.
    fileprivate(set) var draining = false
    /// Client connections open on this worker (idle ones trim their buffers above a bound).
    fileprivate(set) var clientCount = 0
    /// libcurl for batch parts to URLs, made on first use (`curl()`).
    private var curlTransfers: CurlTransfers?
    /// The worker's bookkeeping for a client connection that closed.
    fileprivate var onClientClosed: (ClientConnection) -> Void = { _ in }

    init(loop: EventLoop, state: ProxyState, log: ErrorLog, workerCount: Int, seed: UInt64, accessLog: AccessLog?) {
        self.loop = loop
        self.log = log
        self.workerCount = workerCount
        self.state = state
        self.views = state.services.map { ServiceView(service: $0, workers: workerCount) }
        self.pools = state.services.map { s in s.instances.map { _ in UpstreamPool() } }
        self.rng = SplitMix64(seed: seed)
        self.requestIDs = RequestIDGenerator(prefix: rng.next())
        self.accessLog = accessLog.flatMap { $0.isEnabled ? AccessLogBuffer(log: $0) : nil }
    }

    /// A client connection closed (called once, from `ClientConnection.close`).
    func connectionClosed(_ client: ClientConnection) { onClientClosed(client) }

    /// Flushes the access-log lines of this turn once the turn ends (one write per turn).
    func scheduleAccessLogFlush() {
        loop.callAtTurnEnd(accessLogFlusher)
    }

    // MARK: Upstreams

    /// Picks an instance of the view's service not in `tried`, by the service's selector.
    func select(_ view: ServiceView, excluding tried: TriedInstances) -> Int? {
        let instances = view.service.instances
        return view.selector.select(from: view.eligible, excluding: tried,
                                    inFlight: { instances[$0].inFlight.load(ordering: .relaxed) }, using: &rng)
    }

    /// What opening an upstream connection gave.
    enum ConnectOutcome {
        case connection(UpstreamConnection)
        /// The instance refused or is unreachable: its failure.
        case failed
        /// This process is out of descriptors or memory (EMFILE, ENFILE, ENOBUFS, ENOMEM): not the
        /// instance's fault, so not recorded against it.
        case localResources(Int32)
    }

    /// Opens a new connection to `instance`.
    func connect(to instance: InstanceState, serviceIndex: Int) -> ConnectOutcome {
        switch Socket.connect(instance.address) {
        case .connected(let fd):
            let u = UpstreamConnection(context: self, instance: instance, serviceIndex: serviceIndex, fd: fd, connected: true)
            instance.totals.connectionsOpened.add(1, ordering: .relaxed)
            guard loop.register(u, interest: .readable) else { Posix.close(fd); return .localResources(ENOMEM) }
            return .connection(u)
        case .inProgress(let fd):
            let u = UpstreamConnection(context: self, instance: instance, serviceIndex: serviceIndex, fd: fd, connected: false)
            guard loop.register(u, interest: .writable) else { Posix.close(fd); return .localResources(ENOMEM) }
            return .connection(u)
        case .failed(let e):
            if e == EMFILE || e == ENFILE || e == ENOBUFS || e == ENOMEM { return .localResources(e) }
            return .failed
        }
    }

    /// The worker's libcurl transfers (driven by this loop), made on first use; nil when libcurl
    /// cannot make a multi handle.
    func curl() -> CurlTransfers? {
        if let curlTransfers { return curlTransfers }
        curlTransfers = try? CurlTransfers(loop: loop)
        return curlTransfers
    }

    /// A request id: 16 hex digits from this worker's `RequestIDGenerator` (a per-worker counter
    /// salted with a random prefix). Replaces `out`'s contents, reusing its storage.
    func nextRequestID(into out: inout [UInt8]) {
        requestIDs.next(into: &out)
    }

    // MARK: Reload

    /// Switches to a new snapshot. Requests in flight finish on the one they started with (they hold
    /// its `ServiceView`); pools of instances that stay move to their new position, the others are closed.
    func apply(_ next: ProxyState) {
        // The plan says which instances keep their state object: their pools move with them; every
        // other pool closes (a moved instance has a new state object, so new connections).
        var taken = Set<Int>()
        let width = state.services.map(\.instances.count).max() ?? 0
        var nextPools: [[UpstreamPool]] = []
        for (s, service) in next.services.enumerated() {
            var row: [UpstreamPool] = []
            for i in service.instances.indices {
                if let (os, oi) = next.plan.keptPosition(service: s, instance: i), os < pools.count, oi < pools[os].count,
                   taken.insert(os * width + oi).inserted {
                    var pool = pools[os][oi]
                    pool.renumber(service: s)
                    row.append(pool)
                } else {
                    row.append(UpstreamPool())
                }
            }
            nextPools.append(row)
        }
        for s in pools.indices {
            for i in pools[s].indices where !taken.contains(s * width + i) { pools[s][i].closeAll() }
        }
        pools = nextPools
        state = next
        // Retry budgets carry over by service name while the service's retry rules stay.
        var budgets: [String: (RetryConfig, RetryBudget)] = [:]
        for v in views { budgets[v.service.config.name] = (v.service.config.retries, v.budget) }
        views = next.services.map { service in
            let view = ServiceView(service: service, workers: workerCount)
            if let (retries, budget) = budgets[service.config.name], retries == service.config.retries { view.budget = budget }
            return view
        }
    }

}

extension Worker {
    /// Connects the worker's bookkeeping to its context.
    func attach(_ context: WorkerContext) {
        context.onClientClosed = { [unowned self] client in self.connectionClosed(client) }
    }

    /// Mirrors the worker's drain flag and client count into the context the connections read.
    func publish(draining: Bool? = nil, clientCount: Int) {
        if let draining { context.draining = draining }
        context.clientCount = clientCount
    }
}
