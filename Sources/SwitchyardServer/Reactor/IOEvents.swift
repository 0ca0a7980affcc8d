import CLinuxShims

/// Readiness a handler asks for (its interest) or was told about (an event).
///
/// Interest uses `readable` and `writable` only: epoll always reports `hangup` and `error`,
/// whatever the interest, and level-triggered, so a handler must react to them (usually by
/// closing) or it will be told again every turn.
public struct IOEvents: OptionSet, Sendable, Hashable {
    public let rawValue: UInt32
    @inlinable public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// Data (or a connection, or end of stream) is waiting: `EPOLLIN`.
    public static let readable = IOEvents(rawValue: 1)
    /// The send buffer has room (or a connect finished): `EPOLLOUT`.
    public static let writable = IOEvents(rawValue: 2)
    /// The peer hung up: `EPOLLHUP` or `EPOLLRDHUP`.
    public static let hangup = IOEvents(rawValue: 4)
    /// An error is pending on the descriptor (read it with `Socket.pendingError`): `EPOLLERR`.
    public static let error = IOEvents(rawValue: 8)

    /// Report once, then nothing (not even hangups or errors) until the interest is set again
    /// (`EPOLLONESHOT`). Never reported as an event.
    public static let oneShot = IOEvents(rawValue: 16)

    /// No interest: the descriptor stays registered but only hangups and errors are reported.
    public static let none: IOEvents = []

    /// The epoll event mask for this interest.
    @inlinable var epollMask: UInt32 {
        var m: UInt32 = 0
        if contains(.readable) { m |= SY_EPOLLIN }
        if contains(.writable) { m |= SY_EPOLLOUT }
        if contains(.oneShot) { m |= SY_EPOLLONESHOT }
        return m
    }

    /// The events an epoll mask reports.
    @inlinable init(epollMask m: UInt32) {
        var r: UInt32 = 0
        if m & SY_EPOLLIN != 0 { r |= 1 }
        if m & SY_EPOLLOUT != 0 { r |= 2 }
        if m & (SY_EPOLLHUP | SY_EPOLLRDHUP) != 0 { r |= 4 }
        if m & SY_EPOLLERR != 0 { r |= 8 }
        self.init(rawValue: r)
    }
}
