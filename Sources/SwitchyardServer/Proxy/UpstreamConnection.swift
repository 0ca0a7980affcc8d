import Glibc
import SwitchyardCore

/// What an upstream connection reports to the client connection whose request it carries.
enum UpstreamEvent {
    /// The connect completed: the request can go out.
    case connected
    /// Response bytes arrived, or the upstream closed (the client reads to find out).
    case readable
    /// The attempt failed before a response started.
    case failed(UpstreamFailure)
}

/// One TCP connection from a worker to an upstream instance. It lives either in the worker's pool
/// (idle, watched for the upstream closing it) or attached to the `ClientConnection` whose request it
/// carries. It owns the socket, the request write and the response-head parse, and reports one event
/// type; the client connection executes the exchange's decisions.
final class UpstreamConnection: EventHandler {
    enum Phase {
        case connecting
        case idle
        case active
        case closed
    }

    /// What this connection's worker shares with its connections (lives as long as the worker).
    unowned(unsafe) let context: WorkerContext
    /// The worker's loop (both live as long as the worker; cached to spare a reference count per use).
    unowned(unsafe) let loop: EventLoop
    let instance: InstanceState
    /// Position of the instance's service in the worker's current snapshot (renumbered on reload).
    var serviceIndex: Int
    var phase: Phase
    // Both buffers start empty and grow on first use (the request written, the first read): a
    // connection that never connects (an instance that refuses, which the `max_ejected` cap may
    // still send traffic to) allocates nothing for them. Pooled connections keep theirs.
    /// The request bytes not yet written.
    var output = ByteBuffer(capacity: 0)
    /// Response bytes read and not yet forwarded to the client.
    var input = ByteBuffer(capacity: 0)
    /// The client whose exchange this connection carries while active. The client clears it before it
    /// lets go of the connection, so the reference never dangles (both live on the same loop).
    unowned(unsafe) var client: ClientConnection?
    /// Or the batch part whose request it carries (one of the two at most, cleared the same way).
    unowned(unsafe) var part: ServicePartCall?
    /// Requests this connection carried (a reused connection may have been closed by the upstream).
    var served = 0
    /// Index in the pool's idle list while idle.
    var poolSlot = -1
    var responseParser: ResponseHeadParser
    var responseHead = ResponseHead()
    /// Bytes of the final response head at the front of `input`, once parsed.
    var headLength = 0

    init(context: WorkerContext, instance: InstanceState, serviceIndex: Int, fd: Int32, connected: Bool) {
        self.context = context
        self.loop = context.loop
        self.instance = instance
        self.serviceIndex = serviceIndex
        self.phase = connected ? .active : .connecting
        self.responseParser = ResponseHeadParser(limits: context.state.limits)
        super.init(fd: fd)
    }

    func setInterest(_ events: IOEvents) { loop.modify(self, interest: events) }

    override func handleEvent(_ events: IOEvents) {
        switch phase {
        case .connecting:
            let err = Socket.pendingError(fd)
            if err != 0 || events.contains(.error) {
                report(.failed(.connectFailed))
                return
            }
            if events.contains(.writable) || events.contains(.hangup) {
                if events.contains(.hangup) && !events.contains(.writable) {
                    report(.failed(.connectFailed))
                    return
                }
                phase = .active
                loop.cancelWakeUp(self)
                instance.totals.connectionsOpened.add(1, ordering: .relaxed)
                report(.connected)
            }
        case .idle:
            // An idle pooled connection has nothing to say: data or EOF means it is no longer usable.
            context.pools[serviceIndex][instance.index].remove(self)
            close()
        case .active:
            if events.contains(.writable) && !output.isEmpty {
                flushRequest()
                if phase != .active { return }
            }
            if events.contains(.readable) || events.contains(.hangup) || events.contains(.error) {
                report(.readable)
            }
        case .closed:
            break
        }
    }

    /// Tells the owner of the request this connection carries.
    @inline(__always)
    private func report(_ event: UpstreamEvent) {
        if let client {
            client.upstreamEvent(self, event)
        } else {
            part?.upstreamEvent(self, event)
        }
    }

    /// Writes as much of the pending request as the socket takes; the rest waits for writability.
    func flushRequest() {
        guard !output.isEmpty else { return }
        let r = output.withReadableBytes { Posix.write(fd, $0) }
        switch r {
        case .done(let n):
            output.consume(n)
        case .wouldBlock:
            break
        case .closed, .failed:
            report(.failed(.closedBeforeResponse))
            return
        }
        setInterest(output.isEmpty ? .readable : [.readable, .writable])
    }

    /// Reads what the upstream sent into `input`. Returns false on EOF or error.
    func readResponse() -> IOResult<Int> {
        input.writeWithUnsafeMutableBytes(minimum: 8192) { buffer in
            switch Posix.read(fd, into: buffer) {
            case .done(let n): n
            case .wouldBlock: -1
            case .closed: 0
            case .failed: -2
            }
        }.asIOResult
    }

    /// What parsing the response head found.
    enum HeadParse {
        case needMore
        case malformed
        /// The final (non-1xx) head is in `responseHead`, `consumed` bytes at the front of `input`.
        case head(consumed: Int)
    }

    /// Parses the response head at the front of `input`, dropping interim (1xx) heads.
    func parseResponseHead(requestMethod: HTTPMethod) -> HeadParse {
        while true {
            let result = input.withReadableBytes { responseParser.parse($0, requestMethod: requestMethod, into: &responseHead) }
            switch result {
            case .needMore: return .needMore
            case .error: return .malformed
            case .complete(let consumed):
                responseParser.reset()
                if responseHead.isInterim {
                    input.consume(consumed)
                    continue
                }
                return .head(consumed: consumed)
            }
        }
    }

    override func timerFired(now: Instant) {
        switch phase {
        case .connecting: report(.failed(.connectFailed))
        case .idle:
            context.pools[serviceIndex][instance.index].remove(self)
            close()
        case .active, .closed: break
        }
    }

    func close() {
        guard phase != .closed else { return }
        phase = .closed
        client = nil
        part = nil
        loop.cancelWakeUp(self)
        loop.deregister(self)
        Posix.close(fd)
    }
}

private extension Int {
    /// Maps `writeWithUnsafeMutableBytes`'s count back to an I/O result (see `readResponse`).
    var asIOResult: IOResult<Int> {
        switch self {
        case 1...: .done(self)
        case 0: .closed
        case -1: .wouldBlock
        default: .failed(errno)
        }
    }
}
