import Glibc

/// One event loop per worker thread.
///
/// Loops are created on the calling thread (so creation errors throw here), then each is handed to
/// its own pthread, which calls `setUp(loop)` and then `loop.run()`. Threads inherit the caller's
/// signal mask: call `Signals.blockHandled()` before creating the group.
public final class WorkerGroup: Sendable {
    /// The loops' thread-safe handles, by worker index.
    public let handles: [EventLoopHandle]
    private let threads: [pthread_t]

    /// Starts `count` workers (at least 1). `setUp` runs on each worker's thread before its loop runs:
    /// register listeners and create per-worker state there.
    public init(count: Int, setUp: @escaping @Sendable (EventLoop) -> Void) throws {
        var loops: [EventLoop] = []
        for i in 0..<max(1, count) { loops.append(try EventLoop(index: i)) }
        handles = loops.map(\.handle)
        var started: [pthread_t] = []
        for loop in loops {
            let start = WorkerStart(loop: loop, setUp: setUp)
            var thread = pthread_t()
            let context = Unmanaged.passRetained(start).toOpaque()
            let rc = pthread_create(&thread, nil, { raw in
                let start = Unmanaged<WorkerStart>.fromOpaque(raw!).takeRetainedValue()
                start.run()
                return nil
            }, context)
            guard rc == 0 else {
                Unmanaged<WorkerStart>.fromOpaque(context).release()
                for h in handles { h.stop() }
                for t in started { pthread_join(t, nil) }
                throw SystemError(call: "pthread_create", errno: rc)
            }
            started.append(thread)
        }
        loops.removeAll() // from here on each loop is owned by its thread only
        threads = started
    }

    /// Asks every loop to stop after its current turn.
    public func stopAll() {
        for h in handles { h.stop() }
    }

    /// Waits for every worker thread to return from `run()`. Call once.
    public func join() {
        for t in threads { pthread_join(t, nil) }
    }
}

/// The hand-off of a loop to its new thread.
///
/// `@unchecked Sendable`: the creating thread gives up the loop before the worker starts
/// (`pthread_create` orders the two), so the loop is only ever used by one thread at a time.
private final class WorkerStart: @unchecked Sendable {
    var loop: EventLoop?
    let setUp: @Sendable (EventLoop) -> Void

    init(loop: EventLoop, setUp: @escaping @Sendable (EventLoop) -> Void) {
        self.loop = loop
        self.setUp = setUp
    }

    func run() {
        guard let loop else { return }
        self.loop = nil
        setUp(loop)
        loop.run()
    }
}
