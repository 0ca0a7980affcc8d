import Glibc
import SwitchyardCore
@testable import SwitchyardServer

/// A handler whose callbacks are closures, for tests.
final class ClosureHandler: EventHandler {
    var onEvent: (ClosureHandler, IOEvents) -> Void = { _, _ in }
    var onTimer: (ClosureHandler, Instant) -> Void = { _, _ in }
    var onTurnEnd: (ClosureHandler) -> Void = { _ in }
    var eventCount = 0
    var timerCount = 0

    override func handleEvent(_ events: IOEvents) { eventCount += 1; onEvent(self, events) }
    override func timerFired(now: Instant) { timerCount += 1; onTimer(self, now) }
    override func turnEnded() { onTurnEnd(self) }
}

extension EventLoop {
    /// Runs the loop on the calling thread, stopping it after `limit` whatever happens.
    /// Returns true when something else stopped it first.
    @discardableResult
    func runBounded(limit: Duration = .seconds(2)) -> Bool {
        var timedOut = false
        let guardTimer = ClosureHandler(fd: -1)
        guardTimer.onTimer = { [handle] _, _ in timedOut = true; handle.stop() }
        wakeUp(guardTimer, at: MonotonicClock.now() + limit)
        run()
        cancelWakeUp(guardTimer)
        return !timedOut
    }
}

/// A non-blocking pipe: (read end, write end).
func makePipe() -> (Int32, Int32) {
    var fds: [Int32] = [-1, -1]
    let rc = pipe(&fds)
    precondition(rc == 0, "pipe failed")
    for fd in fds { _ = fcntl(fd, F_SETFL, O_NONBLOCK) }
    return (fds[0], fds[1])
}

/// Writes a string to a descriptor (test set-up; must not block).
func writeAll(_ fd: Int32, _ s: String) {
    var bytes = Array(s.utf8)
    _ = bytes.withUnsafeMutableBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
}

/// Reads whatever is available (up to 4 KiB) as a string.
func readAvailable(_ fd: Int32) -> String? {
    var buf = [UInt8](repeating: 0, count: 4096)
    let r = buf.withUnsafeMutableBytes { Posix.read(fd, into: $0) }
    if case .done(let n) = r { return String(decoding: buf[0..<n], as: UTF8.self) }
    return nil
}
