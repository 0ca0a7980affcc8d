/// RFC 3339 UTC timestamps with milliseconds (`2024-05-01T12:34:56.789Z`) for the access log,
/// computed by hand from Unix time (the core has no Foundation or libc): Howard Hinnant's
/// `civil_from_days`, valid for the proleptic Gregorian calendar, negative times included.
public enum RFC3339Timestamp {
    /// Appends the UTC time `unixMs` milliseconds after the epoch. Years outside 0...9999 are
    /// written with as many digits as they need.
    public static func write(unixMs: Int, into out: inout ByteBuffer) {
        var seconds = unixMs / 1000
        var millis = unixMs % 1000
        if millis < 0 { millis += 1000; seconds -= 1 }
        var days = seconds / 86_400
        var rem = seconds % 86_400
        if rem < 0 { rem += 86_400; days -= 1 }
        let (year, month, day) = civil(fromDays: days)
        digits(year, 4, &out)
        out.write(byte: UInt8(ascii: "-"))
        digits(month, 2, &out)
        out.write(byte: UInt8(ascii: "-"))
        digits(day, 2, &out)
        out.write(byte: UInt8(ascii: "T"))
        digits(rem / 3600, 2, &out)
        out.write(byte: UInt8(ascii: ":"))
        digits(rem % 3600 / 60, 2, &out)
        out.write(byte: UInt8(ascii: ":"))
        digits(rem % 60, 2, &out)
        out.write(byte: UInt8(ascii: "."))
        digits(millis, 3, &out)
        out.write(byte: UInt8(ascii: "Z"))
    }

    /// Year, month (1...12) and day (1...31) of the day `days` after 1970-01-01.
    static func civil(fromDays days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097                                            // [0, 146096]
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365      // [0, 399]
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)                      // [0, 365]
        let mp = (5 * doy + 2) / 153                                           // [0, 11], March first
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// `value` zero-padded to `width` digits (negative years keep their sign).
    private static func digits(_ value: Int, _ width: Int, _ out: inout ByteBuffer) {
        if value < 0 {
            out.write(byte: UInt8(ascii: "-"))
            digits(-value, width, &out)
            return
        }
        var limit = 1
        for _ in 1..<width { limit *= 10 }
        var pad = limit
        while pad > 1 && value < pad { out.write(byte: UInt8(ascii: "0")); pad /= 10 }
        out.write(decimal: value)
    }
}
