/// A point on a monotonic clock, in nanoseconds since an arbitrary origin.
///
/// The core never reads a clock: the shell reads `CLOCK_MONOTONIC` once per loop turn and passes
/// an `Instant` down (`at now:` parameters). Tests build instants from plain numbers.
public struct Instant: Comparable, Hashable, Sendable, CustomStringConvertible {
    public var nanoseconds: UInt64

    @inlinable public init(nanoseconds: UInt64) { self.nanoseconds = nanoseconds }

    /// The clock's origin; handy in tests.
    public static let zero = Instant(nanoseconds: 0)

    @inlinable public static func < (a: Instant, b: Instant) -> Bool { a.nanoseconds < b.nanoseconds }

    /// `self` moved forward by `d` (saturating; negative durations move backwards, floored at zero).
    @inlinable public static func + (a: Instant, d: Duration) -> Instant {
        let n = d.nanoseconds
        if n >= 0 {
            let (r, o) = a.nanoseconds.addingReportingOverflow(UInt64(n))
            return Instant(nanoseconds: o ? .max : r)
        }
        let m = UInt64(-n)
        return Instant(nanoseconds: a.nanoseconds > m ? a.nanoseconds - m : 0)
    }

    /// The time from `b` to `a`; negative when `a` is earlier.
    @inlinable public static func - (a: Instant, b: Instant) -> Duration {
        if a.nanoseconds >= b.nanoseconds { return .nanoseconds(Int64(clamping: a.nanoseconds - b.nanoseconds)) }
        return .nanoseconds(-Int64(clamping: b.nanoseconds - a.nanoseconds))
    }

    /// `self` moved forward by `n` nanoseconds (saturating): the hot-path form of `+ Duration`.
    @inlinable public func advanced(byNanoseconds n: UInt64) -> Instant {
        let (r, o) = nanoseconds.addingReportingOverflow(n)
        return Instant(nanoseconds: o ? .max : r)
    }

    /// Nanoseconds from `earlier` to `self`, 0 if `earlier` is later.
    @inlinable public func nanoseconds(since earlier: Instant) -> Int64 {
        nanoseconds >= earlier.nanoseconds ? Int64(clamping: nanoseconds - earlier.nanoseconds) : 0
    }

    public var description: String { "Instant(\(nanoseconds)ns)" }
}

extension Duration {
    /// The whole duration in nanoseconds, saturating at the bounds of `Int64`.
    @inlinable public var nanoseconds: Int64 {
        let (s, a) = components
        let (m, o1) = s.multipliedReportingOverflow(by: 1_000_000_000)
        if o1 { return s < 0 ? .min : .max }
        let (r, o2) = m.addingReportingOverflow(a / 1_000_000_000)
        if o2 { return s < 0 ? .min : .max }
        return r
    }

    /// The duration in (fractional) milliseconds, for logs and JSON.
    @inlinable public var milliseconds: Double { Double(nanoseconds) / 1_000_000 }
}
