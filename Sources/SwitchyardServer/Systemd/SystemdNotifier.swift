import CLinuxShims
import Glibc

/// Tells systemd how the service is doing: the `sd_notify(3)` protocol written by hand, no libsystemd.
///
/// Each state is one datagram of newline-separated `KEY=VALUE` assignments sent to the
/// `AF_UNIX` `SOCK_DGRAM` socket named by `$NOTIFY_SOCKET`: a filesystem path (`/run/systemd/notify`)
/// or an abstract name written `@name` (sent with a leading NUL byte). `vsock:` addresses are not
/// supported (`init` returns nil for them).
///
/// The runtime decides *when* to send (READY=1 once listeners are bound and the first health round
/// is done, RELOADING=1/READY=1 around reloads, STOPPING=1 on drain, WATCHDOG=1 while the loops
/// answer); this type only knows *how*. `$NOTIFY_SOCKET` is read, never unset: children the proxy
/// starts (exec reactions) may see it, which is harmless with the unit's `NotifyAccess=main`.
///
/// One close-on-exec socket is opened in `init` and kept until `deinit`. Sends never block
/// (`MSG_DONTWAIT`), so calling from an event loop is safe; all state is immutable, so any thread may
/// call `send`.
public final class SystemdNotifier: Sendable {
    /// The socket the datagrams leave from (internal for tests).
    let fd: Int32
    /// The raw bytes of the destination `sockaddr_un`, `addressLength` of them significant.
    private let address: [UInt8]
    private let addressLength: socklen_t

    /// The `$NOTIFY_SOCKET` value this notifier sends to, as found in the environment.
    public let socketPath: String

    /// A notifier for `$NOTIFY_SOCKET`; nil when the variable is unset or empty (not run by systemd),
    /// names an unsupported address or one longer than `sun_path` holds (108 bytes), or the socket cannot be created.
    public init?(environment: [String: String]) {
        guard let path = environment["NOTIFY_SOCKET"],
              let (bytes, length) = SystemdNotifier.socketAddress(path) else { return nil }
        let fd = socket(AF_UNIX, SY_SOCK_DGRAM | SY_SOCK_CLOEXEC, 0)
        guard fd >= 0 else { return nil }
        self.fd = fd
        self.address = bytes
        self.addressLength = length
        self.socketPath = path
    }

    deinit { close(fd) }

    /// Sends `state` (e.g. `"READY=1\nSTATUS=serving 2 services"`) as one datagram.
    ///
    /// Returns false when the datagram was not delivered: the socket is gone, the manager's queue is
    /// full (`EAGAIN`, the send never waits) or the message is too large. Retries on `EINTR`.
    @discardableResult
    public func send(_ state: String) -> Bool {
        var message = state
        return message.withUTF8 { text in
            address.withUnsafeBytes { raw in
                let target = raw.baseAddress!.assumingMemoryBound(to: sockaddr.self)
                while true {
                    let sent = sendto(fd, text.baseAddress, text.count, Int32(MSG_DONTWAIT | MSG_NOSIGNAL),
                                      target, addressLength)
                    if sent >= 0 { return sent == text.count }
                    if errno != EINTR { return false }
                }
            }
        }
    }

    /// `READY=1`, with a `STATUS=` line when `status` is given: startup or a reload finished.
    @discardableResult
    public func ready(status: String? = nil) -> Bool {
        send(status.map { "READY=1\nSTATUS=\(SystemdNotifier.oneLine($0))" } ?? "READY=1")
    }

    /// `RELOADING=1` with `MONOTONIC_USEC`, the `CLOCK_MONOTONIC` time the reload began in microseconds
    /// (systemd 253+ needs it with `Type=notify-reload`; older versions ignore it). Follow with `ready`.
    @discardableResult
    public func reloading(monotonicMicros: UInt64) -> Bool {
        send("RELOADING=1\nMONOTONIC_USEC=\(monotonicMicros)")
    }

    /// `STOPPING=1`: the drain began.
    @discardableResult
    public func stopping() -> Bool { send("STOPPING=1") }

    /// `WATCHDOG=1`: the event loops are responsive; send every half `watchdogInterval`.
    @discardableResult
    public func watchdog() -> Bool { send("WATCHDOG=1") }

    /// `STATUS=<text>`: a free-form line `systemctl status` shows. Newlines become spaces.
    @discardableResult
    public func status(_ text: String) -> Bool { send("STATUS=\(SystemdNotifier.oneLine(text))") }

    /// `text` with line breaks replaced by spaces, so it stays one assignment.
    static func oneLine(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == 0x0A || $0 == 0x0D }) else { return text }
        return String(decoding: text.utf8.map { $0 == 0x0A || $0 == 0x0D ? 0x20 : $0 }, as: UTF8.self)
    }

    /// The current `CLOCK_MONOTONIC` time in microseconds, the clock `MONOTONIC_USEC` is read on.
    public static func monotonicMicrosNow() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000 + UInt64(ts.tv_nsec) / 1_000
    }

    /// The watchdog timeout systemd expects pings within, from `WATCHDOG_USEC`; ping at half of it.
    ///
    /// Nil when `WATCHDOG_USEC` is unset, zero or malformed, or when `WATCHDOG_PID` is set and is not
    /// `pid` (the variable was meant for another process). `pid` defaults to this process.
    public static func watchdogInterval(environment: [String: String], pid: Int32 = getpid()) -> Duration? {
        guard let text = environment["WATCHDOG_USEC"], let usec = UInt64(text), usec > 0 else { return nil }
        if let owner = environment["WATCHDOG_PID"] {
            guard let ownerPID = Int32(owner), ownerPID == pid else { return nil }
        }
        return .microseconds(Int64(clamping: usec))
    }

    /// The bytes of a `sockaddr_un` for a `$NOTIFY_SOCKET` value and its significant length.
    ///
    /// `/path`: the path plus its terminating NUL. `@name`: a NUL followed by the name, no terminator
    /// (abstract names are length-delimited, so the length must not cover trailing zeros).
    static func socketAddress(_ path: String) -> (bytes: [UInt8], length: socklen_t)? {
        let utf8 = Array(path.utf8)
        guard let first = utf8.first, first == UInt8(ascii: "/") || first == UInt8(ascii: "@"),
              !utf8.contains(0) else { return nil }
        let pathOffset = MemoryLayout<sockaddr_un>.offset(of: \sockaddr_un.sun_path)!
        let capacity = MemoryLayout.size(ofValue: sockaddr_un().sun_path)
        let isAbstract = first == UInt8(ascii: "@")
        if isAbstract ? utf8.count < 2 : utf8.count >= capacity { return nil }
        if isAbstract && utf8.count > capacity { return nil }

        var storage = sockaddr_un()
        storage.sun_family = sa_family_t(AF_UNIX)
        var bytes = withUnsafeBytes(of: &storage) { Array($0) }
        for (i, b) in utf8.enumerated() { bytes[pathOffset + i] = b }
        if isAbstract { bytes[pathOffset] = 0 }
        let used = isAbstract ? utf8.count : utf8.count + 1
        return (bytes, socklen_t(pathOffset + used))
    }
}
