import Glibc
import SwitchyardCore

/// Everything one worker thread owns: its event loop, its listeners, its client connections, its
/// upstream pools and its view of every service. Only its own thread touches it; the supervisor
/// reaches it through `EventLoopHandle.execute`.
final class Worker {
    let index: Int
    /// Workers in the process: each keeps `1/workerCount` of every retry budget's reserve.
    let workerCount: Int
    let loop: EventLoop
    let log: ErrorLog
    let limit: ConnectionLimit
    private(set) var state: ProxyState
    var views: [ServiceView]
    /// Idle upstream connections, `[service][instance]` of the current snapshot.
    var pools: [[UpstreamPool]]
    var rng: SplitMix64
    var validator = JSONValidator()
    /// One acceptor per listen address (each worker has its own SO_REUSEPORT socket).
    private var listeners: [(address: ListenAddress, acceptor: Acceptor)] = []
    /// Open client connections, for drain.
    private var clients: [ClientConnection] = []
    var clientCount: Int { clients.count }
    private(set) var draining = false
    /// Called once, on this worker's thread, when draining and the last client connection closed.
    var onDrained: (() -> Void)?
    /// This worker's access-log lines, written out once per loop turn (nil when the log is off).
    let accessLog: AccessLogBuffer?
    private lazy var accessLogFlusher = TurnEndAction { [unowned self] in self.accessLog?.flush() }
    private var requestIDs: RequestIDGenerator

    init(index: Int, workerCount: Int = 1, loop: EventLoop, state: ProxyState, log: ErrorLog, limit: ConnectionLimit, seed: UInt64,
         accessLog: AccessLog?) {
        self.index = index
        self.workerCount = workerCount
        self.accessLog = accessLog.flatMap { $0.isEnabled ? AccessLogBuffer(log: $0) : nil }
        self.loop = loop
        self.log = log
        self.limit = limit
        self.state = state
        self.views = state.services.map { ServiceView(service: $0, workers: workerCount) }
        self.pools = state.services.map { s in s.instances.map { _ in UpstreamPool() } }
        self.rng = SplitMix64(seed: seed)
        self.requestIDs = RequestIDGenerator(prefix: rng.next())
    }

    // MARK: Listeners and client connections

    /// Starts accepting on listener sockets made for this worker. The acceptors hold the worker
    /// strongly: the loop's registry keeps them, and so the worker, alive.
    func listen(on sockets: [(ListenAddress, Int32)]) {
        for (address, fd) in sockets {
            let acceptor = Acceptor(listener: fd, loop: loop, limit: limit) { fd, peer in
                self.accepted(fd: fd, address: peer)
            }
            if draining { acceptor.pause() }
            listeners.append((address, acceptor))
            if !acceptor.start() { log.error("worker \(index): cannot watch the listener for \(address)") }
        }
    }

    /// Stops accepting on `address` and closes this worker's socket for it (reload removed it).
    func stopListening(on address: ListenAddress) {
        listeners.removeAll { entry in
            guard entry.address == address else { return false }
            entry.acceptor.stop()
            Posix.close(entry.acceptor.fd)
            return true
        }
    }

    private func accepted(fd: Int32, address: SocketAddress) {
        var peer = ByteBuffer(capacity: 48)
        address.writeNumericHost(into: &peer)
        let client = ClientConnection(worker: self, fd: fd, peer: peer.readableArray())
        guard loop.register(client, interest: .readable) else {
            Posix.close(fd)
            limit.release()
            return
        }
        client.clientSlot = clients.count
        clients.append(client)
        loop.wakeUp(client, at: loop.now.advanced(byNanoseconds: state.timeoutNanos.clientIdle))
    }

    func connectionClosed(_ client: ClientConnection) {
        let slot = client.clientSlot
        if slot >= 0 && slot < clients.count && clients[slot] === client {
            clients.swapAt(slot, clients.count - 1)
            clients[slot].clientSlot = slot
            clients.removeLast()
            client.clientSlot = -1
        }
        limit.release()
        limitMayAllowMore()
        if draining && clients.isEmpty { finishDrain() }
    }

    /// A permit came back or `accept.max_connections` was raised (reload): acceptors that the limit
    /// held back listen again at once instead of at their next poll.
    func limitMayAllowMore() {
        for l in listeners { l.acceptor.limitReleased() }
    }

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
            let u = UpstreamConnection(worker: self, instance: instance, serviceIndex: serviceIndex, fd: fd, connected: true)
            instance.totals.connectionsOpened.add(1, ordering: .relaxed)
            guard loop.register(u, interest: .readable) else { Posix.close(fd); return .localResources(ENOMEM) }
            return .connection(u)
        case .inProgress(let fd):
            let u = UpstreamConnection(worker: self, instance: instance, serviceIndex: serviceIndex, fd: fd, connected: false)
            guard loop.register(u, interest: .writable) else { Posix.close(fd); return .localResources(ENOMEM) }
            return .connection(u)
        case .failed(let e):
            if e == EMFILE || e == ENFILE || e == ENOBUFS || e == ENOMEM { return .localResources(e) }
            return .failed
        }
    }

    /// A request id: 16 hex digits from this worker's `RequestIDGenerator` (a per-worker counter
    /// salted with a random prefix). Replaces `out`'s contents, reusing its storage.
    func nextRequestID(into out: inout [UInt8]) {
        requestIDs.next(into: &out)
    }

    // MARK: Reload and drain

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

    /// Stops accepting (the listening sockets close, so new connections are refused), closes idle
    /// keep-alive connections and pooled upstream connections, and lets requests in flight finish;
    /// their answers carry `Connection: close`.
    func beginDrain() {
        guard !draining else { return }
        draining = true
        for l in listeners {
            l.acceptor.stop()
            Posix.close(l.acceptor.fd)
        }
        listeners.removeAll()
        for s in pools.indices { for i in pools[s].indices { pools[s][i].closeAll() } }
        for c in clients where c.phase == .idle { c.close() }
        if clients.isEmpty { finishDrain() }
    }

    private func finishDrain() {
        let done = onDrained
        onDrained = nil
        done?()
    }
}

/// Runs an action when the loop turn in which it was scheduled ends.
final class TurnEndAction: EventHandler {
    private let action: () -> Void
    init(_ action: @escaping () -> Void) {
        self.action = action
        super.init(fd: -1)
    }
    override func turnEnded() { action() }
}
