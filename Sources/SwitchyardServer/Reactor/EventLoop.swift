import CLinuxShims
import Glibc
import SwitchyardCore

/// A single-threaded, level-triggered epoll reactor: I/O readiness, timers, cross-thread tasks.
///
/// Confined to the thread that calls `run()`; everything except `handle` must be used on that
/// thread (set-up before `run()` on the creating thread is fine). One turn:
/// `epoll_pwait2` (up to 256 events, its timeout the earliest timer) → read the clock into `now` →
/// dispatch I/O events → fire due timers → run tasks from `handle.execute` → `turnEnded` callbacks →
/// release deregistered handlers.
///
/// Timers cost no system call of their own: the wait's nanosecond timeout is the earliest deadline
/// (a timerfd re-armed for each new earliest deadline was about 7% of a health checker's thread).
/// Kernels before 5.11 (no `epoll_pwait2`, or a seccomp filter refusing it) fall back to a
/// timerfd in the epoll set, re-armed when the earliest deadline changes.
///
/// Handlers live in a registry indexed by fd. The epoll data of each registration carries the fd
/// and a registration generation, so an event for a handler deregistered earlier in the same batch,
/// or for a reused fd registered anew, is dropped instead of reaching the wrong handler.
public final class EventLoop {
    /// The worker index (0-based), for logs and per-worker state.
    public let index: Int
    /// The thread-safe side of this loop: `execute` and `stop`.
    public let handle: EventLoopHandle
    /// The monotonic time read once at the start of the current turn.
    public private(set) var now: Instant

    private let epollFd: Int32
    /// The fallback timer (-1 when `epoll_pwait2` carries the timeout).
    private let timerFd: Int32

    /// A registry slot. The handler is retained manually (`passRetained` on register, released at
    /// the end of the turn that deregistered it), so dispatch reads it without retain/release.
    private struct Slot {
        var handler: Unmanaged<EventHandler>?
        var generation: UInt32 = 0
    }
    private var slots: [Slot] = []
    private var nextGeneration: UInt32 = 1
    private var timers = TimerHeap()
    /// The absolute deadline the timerfd is armed for (nil when not armed).
    private var armedDeadline: UInt64?
    private var turnEndQueue: [EventHandler] = []
    private var turnEndRunning: [EventHandler] = []
    private var tasks: [@Sendable () -> Void] = []
    /// Deregistered handlers whose registry reference is dropped at the end of the turn.
    private var releaseQueue: [Unmanaged<EventHandler>] = []
    private var isInTurn = false
    private let events: UnsafeMutablePointer<epoll_event>
    private static let maxEvents: Int32 = 256
    /// Generation 0 marks the loop's own descriptors in the epoll data.
    private static let internalGeneration: UInt64 = 0

    /// Creates the epoll instance and the wake-up eventfd (and, without `epoll_pwait2`, a timerfd).
    public convenience init(index: Int) throws {
        try self.init(index: index, forceTimerFd: false)
    }

    /// `forceTimerFd`: use the timerfd fallback even where `epoll_pwait2` works (tests).
    init(index: Int, forceTimerFd: Bool) throws {
        self.index = index
        handle = try EventLoopHandle(index: index)
        epollFd = epoll_create1(SY_EPOLL_CLOEXEC)
        guard epollFd >= 0 else { throw SystemError.last("epoll_create1") }
        events = .allocate(capacity: Int(Self.maxEvents))
        var zero = timespec()
        if forceTimerFd || epoll_pwait2(epollFd, events, 1, &zero, nil) < 0 {
            timerFd = timerfd_create(CLOCK_MONOTONIC, SY_TFD_NONBLOCK | SY_TFD_CLOEXEC)
            guard timerFd >= 0 else {
                let error = SystemError.last("timerfd_create")
                Glibc.close(epollFd)
                events.deallocate()
                throw error
            }
        } else {
            timerFd = -1
        }
        now = MonotonicClock.now()
        for fd in [handle.wakeFd, timerFd] where fd >= 0 {
            var ev = epoll_event()
            ev.events = SY_EPOLLIN
            ev.data.u64 = UInt64(UInt32(bitPattern: fd))
            guard epoll_ctl(epollFd, SY_EPOLL_CTL_ADD, fd, &ev) == 0 else {
                let error = SystemError.last("epoll_ctl(ADD internal)")
                Glibc.close(epollFd)
                if timerFd >= 0 { Glibc.close(timerFd) }
                events.deallocate()
                throw error
            }
        }
    }

    deinit {
        for slot in slots { slot.handler?.release() }
        for h in releaseQueue { h.release() }
        timers.releaseAll()
        if timerFd >= 0 { Glibc.close(timerFd) }
        Glibc.close(epollFd)
        events.deallocate()
    }

    // MARK: Registration

    /// Registers `h` for `interest` on `h.fd`; the loop retains `h` until `deregister`.
    /// Returns false (and leaves `h` unregistered) when the kernel refuses, for example a
    /// descriptor epoll cannot watch or `ENOMEM`. Registering twice is a programming error.
    @discardableResult
    public func register(_ h: EventHandler, interest: IOEvents) -> Bool {
        precondition(h.fd >= 0, "register: handler has no descriptor")
        precondition(!h.isRegistered, "register: handler already registered")
        let fd = Int(h.fd)
        if fd >= slots.count {
            slots.append(contentsOf: repeatElement(Slot(), count: max(fd + 1, slots.count * 2, 64) - slots.count))
        }
        precondition(slots[fd].handler == nil, "register: fd \(fd) already has a handler (deregister before close)")
        let generation = nextGeneration
        nextGeneration = nextGeneration == UInt32.max ? 1 : nextGeneration + 1
        var ev = epoll_event()
        ev.events = interest.epollMask
        ev.data.u64 = UInt64(generation) << 32 | UInt64(UInt32(bitPattern: h.fd))
        guard epoll_ctl(epollFd, SY_EPOLL_CTL_ADD, h.fd, &ev) == 0 else { return false }
        slots[fd] = Slot(handler: .passRetained(h), generation: generation)
        h.generation = generation
        h.interest = interest
        return true
    }

    /// Changes the interest of a registered handler; no system call when it is unchanged, except
    /// that a `.oneShot` interest is always re-armed.
    public func modify(_ h: EventHandler, interest: IOEvents) {
        if (h.interest == interest && !interest.contains(.oneShot)) || !h.isRegistered { return }
        var ev = epoll_event()
        ev.events = interest.epollMask
        ev.data.u64 = UInt64(h.generation) << 32 | UInt64(UInt32(bitPattern: h.fd))
        _ = epoll_ctl(epollFd, SY_EPOLL_CTL_MOD, h.fd, &ev)
        h.interest = interest
    }

    /// Removes `h` from epoll and the registry. Call before closing its descriptor. Pending events
    /// for it in this turn are dropped; the loop's reference is released at the end of the turn.
    /// Timers and turn-end requests are kept (cancel them if unwanted). No-op when not registered.
    ///
    /// `closing: true` promises that the descriptor is closed right after and is its file's only
    /// descriptor (not `dup`ed, not shared with a child): closing it then removes it from epoll,
    /// so the `EPOLL_CTL_DEL` is skipped. The generation guard still drops this turn's events.
    public func deregister(_ h: EventHandler, closing: Bool = false) {
        guard h.isRegistered else { return }
        let fd = Int(h.fd)
        if !closing {
            var ev = epoll_event()
            _ = epoll_ctl(epollFd, SY_EPOLL_CTL_DEL, h.fd, &ev)
        }
        let slot = slots[fd]
        slots[fd] = Slot()
        h.generation = 0
        h.interest = .none
        if let u = slot.handler {
            // During a turn the dispatcher may be inside one of this handler's methods without
            // holding a reference; release once the turn is over.
            if isInTurn { releaseQueue.append(u) } else { u.release() }
        }
    }

    // MARK: Timers and turn ends

    /// Calls `h.timerFired(now:)` once the loop's time reaches `at`. Re-arming replaces the previous
    /// deadline; moving it later costs no heap work. Retains `h` until it fires or is cancelled.
    public func wakeUp(_ h: EventHandler, at: Instant) {
        if h.deadline == at { return }
        timers.schedule(h, at: at)
    }

    /// Cancels a pending wake-up (sets `h.deadline` to nil).
    public func cancelWakeUp(_ h: EventHandler) {
        if h.deadline == nil && h.queuedDeadline == nil { return }
        timers.cancel(h)
    }

    /// Calls `h.turnEnded()` once after this turn's events, timers and tasks (for batching writes).
    /// Requests during `turnEnded` itself run in the same turn, after the current batch.
    public func callAtTurnEnd(_ h: EventHandler) {
        if h.isTurnEndPending { return }
        h.isTurnEndPending = true
        turnEndQueue.append(h)
    }

    /// Whether this loop uses the timerfd fallback (for tests).
    var usesTimerFd: Bool { timerFd >= 0 }

    /// Entries in the timer heap, valid or not (for tests and stats).
    var timerEntryCount: Int { timers.entries.count }

    // MARK: Running

    /// Runs turns until `handle.stop()`. Call on the loop's thread.
    public func run() {
        while !handle.isStopRequested {
            let n = waitForEvents()
            if n < 0 {
                if errno == EINTR { continue }
                preconditionFailure("epoll_wait: errno \(errno)")
            }
            now = MonotonicClock.now()
            isInTurn = true
            var tasksReady = false
            for i in 0..<Int(n) {
                let ev = events[i]
                let data = ev.data.u64
                let fd = Int32(truncatingIfNeeded: data & 0xFFFF_FFFF)
                let generation = UInt32(truncatingIfNeeded: data >> 32)
                if UInt64(generation) == Self.internalGeneration {
                    if fd == handle.wakeFd { tasksReady = true } else { clearTimerFd() }
                    continue
                }
                let slot = slots[Int(fd)]
                // The stale-event guard: deregistered earlier in this batch, or the fd was reused.
                guard slot.generation == generation, let u = slot.handler else { continue }
                // The registry retains the handler, and deregistration defers the release to the
                // end of the turn, so it stays alive through this call without a retain.
                u._withUnsafeGuaranteedRef { $0.handleEvent(IOEvents(epollMask: ev.events)) }
            }
            fireTimers()
            if tasksReady { runTasks() }
            runTurnEnds()
            isInTurn = false
            if !releaseQueue.isEmpty {
                for u in releaseQueue { u.release() }
                releaseQueue.removeAll(keepingCapacity: true)
            }
        }
    }

    private func fireTimers() {
        // Bounded so a handler re-arming for `now` inside timerFired cannot hold the loop forever;
        // leftovers fire next turn (the timerfd is then armed in the past and fires at once).
        var budget = timers.entries.count
        while budget > 0, let h = timers.popExpired(now: now) {
            budget -= 1
            h.timerFired(now: now)
        }
    }

    private func runTasks() {
        handle.takeTasks(into: &tasks)
        for task in tasks { task() }
        tasks.removeAll(keepingCapacity: true)
    }

    private func runTurnEnds() {
        while !turnEndQueue.isEmpty {
            swap(&turnEndQueue, &turnEndRunning)
            for h in turnEndRunning {
                h.isTurnEndPending = false
                h.turnEnded()
            }
            turnEndRunning.removeAll(keepingCapacity: true)
        }
    }

    /// Timer entries due further away than this are not re-examined before each wait (see
    /// `TimerHeap.nextDeadline(horizon:)`).
    static let timerHorizon: UInt64 = 50_000_000

    /// Waits for I/O events until the earliest timer is due.
    private func waitForEvents() -> Int32 {
        if timerFd >= 0 {
            armTimerIfNeeded()
            return epoll_wait(epollFd, events, Self.maxEvents, -1)
        }
        let at = MonotonicClock.now().nanoseconds
        guard let earliest = timers.nextDeadline(horizon: at &+ Self.timerHorizon) else {
            return epoll_pwait2(epollFd, events, Self.maxEvents, nil, nil)
        }
        let wait = earliest > at ? earliest - at : 0
        var timeout = timespec(tv_sec: Int(wait / 1_000_000_000), tv_nsec: Int(wait % 1_000_000_000))
        return epoll_pwait2(epollFd, events, Self.maxEvents, &timeout, nil)
    }

    private func clearTimerFd() {
        var expirations: UInt64 = 0
        _ = Glibc.read(timerFd, &expirations, 8)
        armedDeadline = nil
    }

    /// Points the timerfd at the earliest heap entry, skipping the call when already armed so.
    private func armTimerIfNeeded() {
        guard let earliest = timers.nextDeadline(horizon: MonotonicClock.now().nanoseconds &+ Self.timerHorizon),
              earliest != armedDeadline else { return }
        var spec = itimerspec()
        let ns = max(earliest, 1) // an all-zero it_value would disarm the timer
        spec.it_value.tv_sec = Int(ns / 1_000_000_000)
        spec.it_value.tv_nsec = Int(ns % 1_000_000_000)
        _ = timerfd_settime(timerFd, SY_TFD_TIMER_ABSTIME, &spec, nil)
        armedDeadline = earliest
    }
}

@available(*, unavailable)
extension EventLoop: Sendable {}
