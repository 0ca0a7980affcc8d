import Glibc
import SwitchyardCore

/// Accepts connections on a listening socket and hands each to `onAccept`.
///
/// Up to 64 accepts per readable event, so one busy listener cannot starve the loop's connections.
/// Three things stop it listening (interest `.none`) without spinning a core:
/// - the `ConnectionLimit` is reached: it listens again on `limitReleased()` (call it after
///   `limit.release()` on this loop, or after `limit.setMaximum` raised the cap) or, for permits
///   released on other workers, when a 10 ms poll timer sees capacity;
/// - `EMFILE`/`ENFILE`/`ENOBUFS`/`ENOMEM`: it retries after 50 ms;
/// - `pause()` (draining), until `resume()`.
/// Each accepted connection holds one permit of `limit`; its owner must `release()` it on close.
/// Loop-confined. The acceptor does not close the listener; `stop()` deregisters it.
public final class Acceptor: EventHandler {
    /// Called for each accepted socket (non-blocking, close-on-exec, `TCP_NODELAY`) and peer address.
    public let onAccept: (Int32, SocketAddress) -> Void
    /// The shared cap, or nil for none.
    public let limit: ConnectionLimit?
    /// The loop this acceptor runs on. `unowned`: the loop owns the acceptor while it is
    /// registered, never the reverse; a checked reference since acceptors are not on the hot path.
    private unowned let loop: EventLoop
    /// Why the acceptor is not listening, besides `isPaused`.
    private enum Block { case none, limit, backoff }
    private var block = Block.none
    /// Set by `pause()`, cleared by `resume()`.
    public private(set) var isPaused = false
    /// Accept errors other than would-block seen so far (for stats).
    public private(set) var errorCount = 0

    static let acceptsPerEvent = 64
    static let limitPoll: Duration = .milliseconds(10)
    static let resourceBackoff: Duration = .milliseconds(50)

    /// An acceptor for `listener` on `loop`; call `start()` to register it.
    public init(listener: Int32, loop: EventLoop, limit: ConnectionLimit? = nil,
                onAccept: @escaping (Int32, SocketAddress) -> Void) {
        self.loop = loop
        self.limit = limit
        self.onAccept = onAccept
        super.init(fd: listener)
    }

    /// Registers with the loop and starts accepting. Returns false if epoll refused the listener.
    @discardableResult
    public func start() -> Bool {
        loop.register(self, interest: wantedInterest)
    }

    /// Deregisters (the listener stays open; close it afterwards if wanted).
    public func stop() {
        loop.cancelWakeUp(self)
        loop.deregister(self)
    }

    /// Stops accepting (drain); queued connections wait in the kernel backlog.
    public func pause() {
        isPaused = true
        loop.modify(self, interest: wantedInterest)
    }

    /// Accepts again after `pause()`.
    public func resume() {
        isPaused = false
        loop.modify(self, interest: wantedInterest)
    }

    /// A permit was released on this loop, or the cap was raised (reload): listen again at once if
    /// the limit held us back.
    public func limitReleased() {
        guard block == .limit, limit?.hasCapacity ?? true else { return }
        block = .none
        loop.cancelWakeUp(self)
        loop.modify(self, interest: wantedInterest)
    }

    private var wantedInterest: IOEvents { isPaused || block != .none ? .none : .readable }

    public override func handleEvent(_ events: IOEvents) {
        guard block == .none, !isPaused else { return }
        for _ in 0..<Self.acceptsPerEvent {
            if let limit, !limit.tryAcquire() {
                hold(.limit, for: Self.limitPoll)
                return
            }
            switch Socket.accept(fd) {
            case .done(let (socket, address)):
                onAccept(socket, address)
            case .wouldBlock, .closed:
                limit?.release()
                return
            case .failed(let e):
                limit?.release()
                errorCount += 1
                if e == EMFILE || e == ENFILE || e == ENOBUFS || e == ENOMEM {
                    hold(.backoff, for: Self.resourceBackoff)
                }
                return
            }
        }
    }

    public override func timerFired(now: Instant) {
        switch block {
        case .none:
            return
        case .limit where !(limit?.hasCapacity ?? true):
            loop.wakeUp(self, at: now + Self.limitPoll)
        case .limit, .backoff:
            block = .none
            loop.modify(self, interest: wantedInterest)
        }
    }

    private func hold(_ reason: Block, for delay: Duration) {
        block = reason
        loop.modify(self, interest: .none)
        loop.wakeUp(self, at: loop.now + delay)
    }
}
