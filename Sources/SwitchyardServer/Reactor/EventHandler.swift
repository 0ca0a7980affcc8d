import SwitchyardCore

/// Something the event loop calls back: I/O readiness on one descriptor, a timer, the end of a turn.
///
/// Subclass it (connections, listeners, signal sources) and override what you need; the defaults
/// do nothing. All calls come on the loop's thread; a handler belongs to one loop.
///
/// Ownership: while registered (`EventLoop.register`), the loop's registry retains the handler,
/// so a connection needs no other owner. `EventLoop.deregister` drops that reference at the end of
/// the current turn, never during a callback. A pending wake-up (`EventLoop.wakeUp`) or a
/// `callAtTurnEnd` request also retains it until it is served or cancelled.
/// A handler used only for timers may pass `fd: -1` and never register.
open class EventHandler {
    /// The descriptor this handler watches, or -1 for a timer-only handler.
    public let fd: Int32
    /// When `timerFired` is due, or nil. Set through `EventLoop.wakeUp` / `cancelWakeUp`.
    public internal(set) var deadline: Instant?
    /// The interest registered with epoll (`.none` when not registered).
    public internal(set) var interest: IOEvents = .none

    // Loop bookkeeping; see EventLoop.
    /// Non-zero while registered: the generation packed into the epoll data with the fd.
    var generation: UInt32 = 0
    /// Identifies the handler's one valid timer-heap entry; bumped to invalidate older entries.
    var timerSequence: UInt32 = 0
    /// The deadline of the handler's valid heap entry, nil when it has none.
    var queuedDeadline: Instant?
    /// True while queued for `turnEnded`.
    var isTurnEndPending = false

    /// A handler for `fd` (-1 for timers only). It does nothing until registered with a loop.
    public init(fd: Int32) {
        self.fd = fd
    }

    /// Whether the handler is registered with a loop.
    public var isRegistered: Bool { generation != 0 }

    /// Readiness on `fd`. Level-triggered: unread data or unwritten room is reported again next turn.
    open func handleEvent(_ events: IOEvents) {}

    /// The deadline set with `EventLoop.wakeUp` has passed; `now` is the loop's time this turn.
    /// The deadline is cleared before the call, so re-arm inside if needed.
    open func timerFired(now: Instant) {}

    /// Called once after this turn's events, timers and tasks, when requested through
    /// `EventLoop.callAtTurnEnd`: the place to flush writes batched during the turn.
    open func turnEnded() {}
}

@available(*, unavailable)
extension EventHandler: Sendable {}
