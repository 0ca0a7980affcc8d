import CLinuxShims
import Glibc
import Synchronization

/// The part of an event loop other threads may touch: run a closure on it, or stop it.
///
/// Owns the loop's wake-up `eventfd` (closed when the last reference goes away), so a handle
/// kept after its loop stopped is still safe to call; the work then simply never runs.
public final class EventLoopHandle: Sendable {
    /// The worker index of the loop (0-based).
    public let index: Int
    /// The eventfd that interrupts `epoll_wait`.
    let wakeFd: Int32
    private let tasks = Mutex<[@Sendable () -> Void]>([])
    private let stopRequested = Atomic<Bool>(false)

    init(index: Int) throws {
        self.index = index
        let fd = eventfd(0, SY_EFD_NONBLOCK | SY_EFD_CLOEXEC)
        guard fd >= 0 else { throw SystemError.last("eventfd") }
        wakeFd = fd
    }

    deinit { Glibc.close(wakeFd) }

    /// Runs `work` on the loop's thread during a coming turn, in submission order.
    /// Callable from any thread, including the loop's own.
    public func execute(_ work: @escaping @Sendable () -> Void) {
        // Only the first task into an empty queue writes the eventfd: the loop reads the eventfd
        // before taking the queue, so later tasks are taken by that same pass or wake it again.
        let wasEmpty = tasks.withLock { q in
            q.append(work)
            return q.count == 1
        }
        if wasEmpty { wake() }
    }

    /// Asks the loop to return from `run()` after the current turn. Callable from any thread.
    public func stop() {
        stopRequested.store(true, ordering: .releasing)
        wake()
    }

    /// Whether `stop()` was called.
    public var isStopRequested: Bool { stopRequested.load(ordering: .acquiring) }

    /// Interrupts `epoll_wait`.
    func wake() {
        var one: UInt64 = 1
        _ = Glibc.write(wakeFd, &one, 8)
    }

    /// Clears the eventfd, then moves the queued tasks into `batch` (which must be empty).
    func takeTasks(into batch: inout [@Sendable () -> Void]) {
        var count: UInt64 = 0
        _ = Glibc.read(wakeFd, &count, 8)
        tasks.withLock { swap(&$0, &batch) }
    }
}
