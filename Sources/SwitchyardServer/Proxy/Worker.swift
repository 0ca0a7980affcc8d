import Glibc
import SwitchyardCore

/// Everything one worker thread owns: its event loop, its listeners, its client connections and the
/// `WorkerContext` its connections share (snapshot, views, pools). Only its own thread touches it;
/// the supervisor reaches it through `EventLoopHandle.execute`.
final class Worker {
    let index: Int
    let loop: EventLoop
    let log: ErrorLog
    let limit: ConnectionLimit
    /// What the connections use.
    let context: WorkerContext
    var state: ProxyState { context.state }
    /// One acceptor per listen address (each worker has its own SO_REUSEPORT socket).
    private var listeners: [(address: ListenAddress, acceptor: Acceptor)] = []
    /// Open client connections, for drain.
    private var clients: [ClientConnection] = []
    var clientCount: Int { clients.count }
    private(set) var draining = false
    /// Called once, on this worker's thread, when draining and the last client connection closed.
    var onDrained: (() -> Void)?

    init(index: Int, workerCount: Int = 1, loop: EventLoop, state: ProxyState, log: ErrorLog, limit: ConnectionLimit, seed: UInt64,
         accessLog: AccessLog?) {
        self.index = index
        self.loop = loop
        self.log = log
        self.limit = limit
        self.context = WorkerContext(loop: loop, state: state, log: log, workerCount: workerCount, seed: seed,
                                     accessLog: accessLog)
        attach(context)
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
        let client = ClientConnection(context: context, fd: fd, peer: peer.readableArray())
        guard loop.register(client, interest: .readable) else {
            Posix.close(fd)
            limit.release()
            return
        }
        client.clientSlot = clients.count
        clients.append(client)
        publish(clientCount: clients.count)
        loop.wakeUp(client, at: loop.now.advanced(byNanoseconds: state.timeoutNanos.clientIdle))
    }

    func connectionClosed(_ client: ClientConnection) {
        let slot = client.clientSlot
        if slot >= 0 && slot < clients.count && clients[slot] === client {
            clients.swapAt(slot, clients.count - 1)
            clients[slot].clientSlot = slot
            clients.removeLast()
            client.clientSlot = -1
            publish(clientCount: clients.count)
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

    // MARK: Reload and drain

    /// Switches to a new snapshot (`WorkerContext.apply`). Requests in flight finish on the one they
    /// started with.
    func apply(_ next: ProxyState) { context.apply(next) }

    /// Stops accepting (the listening sockets close, so new connections are refused), closes idle
    /// keep-alive connections and pooled upstream connections, and lets requests in flight finish;
    /// their answers carry `Connection: close`.
    func beginDrain() {
        guard !draining else { return }
        draining = true
        publish(draining: true, clientCount: clients.count)
        for l in listeners {
            l.acceptor.stop()
            Posix.close(l.acceptor.fd)
        }
        listeners.removeAll()
        for s in context.pools.indices { for i in context.pools[s].indices { context.pools[s][i].closeAll() } }
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
