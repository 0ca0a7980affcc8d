import Glibc
import SwitchyardCore

/// `CLOCK_REALTIME` and allocation-free UTC formatting for logs and the HTTP `Date` header.
///
/// Use it only for timestamps people read; durations and deadlines use `MonotonicClock`.
public enum WallClock {
    /// Seconds and nanoseconds since the Unix epoch.
    public static func now() -> (seconds: Int, nanoseconds: Int) {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return (ts.tv_sec, ts.tv_nsec)
    }

    /// Milliseconds since the Unix epoch.
    public static func nowUnixMs() -> Int {
        let t = now()
        return t.seconds * 1000 + t.nanoseconds / 1_000_000
    }

    /// Appends the current time as RFC 3339 UTC with milliseconds: `2024-05-01T12:34:56.789Z`.
    public static func rfc3339(into buffer: inout ByteBuffer) {
        let t = now()
        rfc3339(seconds: t.seconds, nanoseconds: t.nanoseconds, into: &buffer)
    }

    /// Appends the given epoch time as RFC 3339 UTC with milliseconds (milliseconds truncated).
    public static func rfc3339(seconds: Int, nanoseconds: Int, into buffer: inout ByteBuffer) {
        let c = Civil(epochSeconds: seconds)
        writeDigits(c.year, width: 4, into: &buffer)
        buffer.write(byte: UInt8(ascii: "-"))
        writeDigits(c.month, width: 2, into: &buffer)
        buffer.write(byte: UInt8(ascii: "-"))
        writeDigits(c.day, width: 2, into: &buffer)
        buffer.write(byte: UInt8(ascii: "T"))
        writeDigits(c.hour, width: 2, into: &buffer)
        buffer.write(byte: UInt8(ascii: ":"))
        writeDigits(c.minute, width: 2, into: &buffer)
        buffer.write(byte: UInt8(ascii: ":"))
        writeDigits(c.second, width: 2, into: &buffer)
        buffer.write(byte: UInt8(ascii: "."))
        writeDigits(nanoseconds / 1_000_000, width: 3, into: &buffer)
        buffer.write(byte: UInt8(ascii: "Z"))
    }

    /// Appends an RFC 9110 IMF-fixdate (section 5.6.7) for the `Date` header:
    /// `Sun, 06 Nov 1994 08:49:37 GMT`.
    public static func httpDate(seconds: Int, into buffer: inout ByteBuffer) {
        let c = Civil(epochSeconds: seconds)
        let days: StaticString = "SunMonTueWedThuFriSat"
        let months: StaticString = "JanFebMarAprMayJunJulAugSepOctNovDec"
        buffer.write(UnsafeRawBufferPointer(start: days.utf8Start + c.weekday * 3, count: 3))
        buffer.write(", ")
        writeDigits(c.day, width: 2, into: &buffer)
        buffer.write(byte: 0x20)
        buffer.write(UnsafeRawBufferPointer(start: months.utf8Start + (c.month - 1) * 3, count: 3))
        buffer.write(byte: 0x20)
        writeDigits(c.year, width: 4, into: &buffer)
        buffer.write(byte: 0x20)
        writeDigits(c.hour, width: 2, into: &buffer)
        buffer.write(byte: UInt8(ascii: ":"))
        writeDigits(c.minute, width: 2, into: &buffer)
        buffer.write(byte: UInt8(ascii: ":"))
        writeDigits(c.second, width: 2, into: &buffer)
        buffer.write(" GMT")
    }

    /// `value` in decimal, left-padded with zeros to `width` digits.
    private static func writeDigits(_ value: Int, width: Int, into buffer: inout ByteBuffer) {
        var divisor = 1
        for _ in 1..<width { divisor *= 10 }
        var v = value
        if v >= divisor * 10 { buffer.write(decimal: v / (divisor * 10)); v %= divisor * 10 }
        while divisor > 0 {
            buffer.write(byte: UInt8(truncatingIfNeeded: (v / divisor) % 10) &+ 48)
            divisor /= 10
        }
    }

    /// A UTC calendar date and time from epoch seconds (Howard Hinnant's `civil_from_days`).
    private struct Civil {
        var year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0, weekday = 0

        init(epochSeconds: Int) {
            var days = epochSeconds / 86_400
            var rem = epochSeconds % 86_400
            if rem < 0 { rem += 86_400; days -= 1 }
            hour = rem / 3600
            minute = rem % 3600 / 60
            second = rem % 60
            weekday = ((days % 7) + 11) % 7 // 1970-01-01 was a Thursday (4).
            let z = days + 719_468
            let era = (z >= 0 ? z : z - 146_096) / 146_097
            let doe = z - era * 146_097
            let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
            let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
            let mp = (5 * doy + 2) / 153
            day = doy - (153 * mp + 2) / 5 + 1
            month = mp < 10 ? mp + 3 : mp - 9
            year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        }
    }
}
