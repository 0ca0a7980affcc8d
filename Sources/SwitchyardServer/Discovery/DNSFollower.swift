import Glibc
import SwitchyardCore

/// Follows one DNS name on the control loop: the executor of one `DNSResolution`. It owns the
/// socket of the query in flight (a connected UDP socket, or a TCP connection after a truncated
/// answer) and one timer; the resolution decides what to ask, whom, when, and what the answer
/// means. Nothing here blocks: sockets are non-blocking and registered on the loop.
/// Loop-confined: only the control thread touches it.
final class DNSFollower: EventHandler {
    /// The service and entry this follower serves.
    let service: String
    let entry: DiscoveryConfig
    private(set) var resolution: DNSResolution
    private unowned(unsafe) let loop: EventLoop
    private var rng: SplitMix64
    /// Called on the control thread whenever the endpoint set changed.
    private let onChange: (DNSFollower) -> Void
    /// The socket of the query in flight, nil when none.
    private var socket: DNSQuerySocket?
    private var socketFD: Int32 { socket?.fd ?? -1 }
    private var transport: DNSTransport = .udp
    /// TCP: the framed query still to write, and the bytes read so far.
    private var pending = ByteBuffer(capacity: 0)
    private var received = ByteBuffer(capacity: 0)
    private var seenGeneration: UInt64 = 0
    private var stopped = false

    init(service: String, entry: DiscoveryConfig, config: DNSResolutionConfig, loop: EventLoop, seed: UInt64,
         onChange: @escaping (DNSFollower) -> Void) {
        self.service = service
        self.entry = entry
        self.resolution = DNSResolution(config: config)
        self.loop = loop
        self.rng = SplitMix64(seed: seed)
        self.onChange = onChange
        super.init(fd: -1)
    }

    /// Starts following: the first query goes out at once.
    func start() { perform(resolution.tick(at: loop.now, using: &rng)) }

    /// Stops following: closes the socket, cancels the timer. The last set stays readable.
    func stop() {
        stopped = true
        closeSocket()
        loop.cancelWakeUp(self)
    }

    override func timerFired(now: Instant) {
        guard !stopped else { return }
        perform(resolution.tick(at: now, using: &rng))
    }

    /// Events of the query's socket.
    func socketEvent(_ events: IOEvents) {
        guard !stopped, socketFD >= 0 else { return }
        if transport == .tcp && events.contains(.writable) {
            flushTCP()
            if socketFD < 0 { return }
        }
        if events.contains(.readable) || events.contains(.error) || events.contains(.hangup) {
            transport == .udp ? readDatagram() : readStream()
        }
    }

    // MARK: Executing the resolution's actions

    private func perform(_ action: DNSResolution.Action) {
        switch action {
        case .send(let request):
            closeSocket()
            open(request)
            loop.wakeUp(self, at: request.deadline)
        case .wait(let until):
            if resolution.inFlight == nil { closeSocket() }
            loop.wakeUp(self, at: until)
        }
        if resolution.generation != seenGeneration {
            seenGeneration = resolution.generation
            onChange(self)
        }
    }

    private func open(_ request: DNSResolution.Request) {
        let resolver = resolution.config.resolvers[request.resolver]
        guard let address = try? SocketAddress.resolve(host: resolver.address.description, port: resolver.port) else {
            perform(resolution.transportFailed("bad resolver address \(resolver)", over: request.transport, at: loop.now, using: &rng))
            return
        }
        transport = request.transport
        received.clear()
        switch request.transport {
        case .udp:
            switch Socket.connectedDatagram(address) {
            case .connected(let fd), .inProgress(let fd):
                let s = DNSQuerySocket(fd: fd, follower: self)
                socket = s
                if !loop.register(s, interest: .readable) {
                    failSocket("cannot watch the socket")
                    return
                }
                if case .failed(let e) = Socket.send(fd, request.bytes) { failSocket(String(cString: strerror(e))) }
            case .failed(let e):
                perform(resolution.transportFailed(String(cString: strerror(e)), over: .udp, at: loop.now, using: &rng))
            }
        case .tcp:
            switch Socket.connect(address, noDelay: true) {
            case .connected(let fd), .inProgress(let fd):
                let s = DNSQuerySocket(fd: fd, follower: self)
                socket = s
                pending.clear()
                request.bytes.withUnsafeBytes { pending.write($0) }
                if !loop.register(s, interest: [.readable, .writable]) { failSocket("cannot watch the socket") }
            case .failed(let e):
                perform(resolution.transportFailed(String(cString: strerror(e)), over: .tcp, at: loop.now, using: &rng))
            }
        }
    }

    private func readDatagram() {
        var buffer = [UInt8](repeating: 0, count: 65_535)
        while let s = socket, transport == .udp {
            switch Socket.receive(s.fd, into: &buffer) {
            case .done(let n):
                perform(resolution.received(Array(buffer[0 ..< n]), over: .udp, at: loop.now, using: &rng))
                if socket !== s { return }   // the answer ended this query (or moved it to TCP)
            case .wouldBlock, .closed:
                return
            case .failed(let e):
                // ICMP port unreachable on a connected UDP socket: nobody serves DNS there.
                failSocket(String(cString: strerror(e)))
                return
            }
        }
    }

    private func flushTCP() {
        if Socket.pendingError(socketFD) != 0 {
            failSocket("connection refused")
            return
        }
        while !pending.isEmpty {
            switch pending.withReadableBytes({ Posix.write(socketFD, $0) }) {
            case .done(let n): pending.consume(n)
            case .wouldBlock: return
            case .closed, .failed:
                failSocket("connection closed")
                return
            }
        }
        if let socket { loop.modify(socket, interest: .readable) }
    }

    private func readStream() {
        while socketFD >= 0 {
            let n = received.writeWithUnsafeMutableBytes(minimum: 4096) { buffer in
                switch Posix.read(socketFD, into: buffer) {
                case .done(let n): n
                case .wouldBlock: -1
                case .closed: 0
                case .failed: -2
                }
            }
            if n == -1 { return }
            if n <= 0 {
                failSocket("connection closed before a whole answer")
                return
            }
            if let message = DNSTCPFraming.takeMessage(from: &received) {
                perform(resolution.received(message, over: .tcp, at: loop.now, using: &rng))
                return
            }
        }
    }

    private func failSocket(_ reason: String) {
        let over = transport
        closeSocket()
        perform(resolution.transportFailed(reason, over: over, at: loop.now, using: &rng))
    }

    private func closeSocket() {
        guard let s = socket else { return }
        socket = nil
        loop.deregister(s)
        Posix.close(s.fd)
    }
}

/// The socket of one DNS query, registered on the loop; its events go to its follower.
final class DNSQuerySocket: EventHandler {
    private unowned(unsafe) let follower: DNSFollower

    init(fd: Int32, follower: DNSFollower) {
        self.follower = follower
        super.init(fd: fd)
    }

    override func handleEvent(_ events: IOEvents) { follower.socketEvent(events) }
}
