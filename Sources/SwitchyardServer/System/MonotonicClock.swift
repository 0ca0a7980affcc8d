import Glibc
import SwitchyardCore

/// `CLOCK_MONOTONIC` as an `Instant`.
///
/// The event loop reads it once per turn (`EventLoop.now`); read it directly only off the loop.
/// Its nanoseconds are the kernel's, so an `Instant` can arm a `timerfd` with `TFD_TIMER_ABSTIME`.
public enum MonotonicClock {
    /// The current monotonic time.
    public static func now() -> Instant {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Instant(nanoseconds: UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec))
    }
}
