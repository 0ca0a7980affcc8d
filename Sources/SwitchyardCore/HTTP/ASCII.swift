/// Byte classes and comparisons for HTTP syntax (RFC 9110 section 5.6). Internal helpers for the
/// parsers and writers; no allocation, no `String`.
enum ASCII {
    static let cr: UInt8 = 0x0D
    static let lf: UInt8 = 0x0A
    static let space: UInt8 = 0x20
    static let tab: UInt8 = 0x09
    static let colon: UInt8 = 0x3A
    static let comma: UInt8 = 0x2C

    /// `tchar`: the characters of a token (method, field name, coding name).
    @inline(__always) static func isTokenChar(_ b: UInt8) -> Bool {
        switch b {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: true
        case 0x21, 0x23, 0x24, 0x25, 0x26, 0x27, 0x2A, 0x2B, 0x2D, 0x2E, 0x5E, 0x5F, 0x60, 0x7C, 0x7E: true
        default: false
        }
    }

    /// A byte allowed inside a field value, a reason phrase or a chunk extension: HTAB, SP, VCHAR or
    /// obs-text; no other control byte (NUL, CR, LF, DEL...).
    @inline(__always) static func isFieldValueChar(_ b: UInt8) -> Bool {
        b == tab || (b >= 0x20 && b != 0x7F)
    }

    /// Optional whitespace (SP or HTAB).
    @inline(__always) static func isWhitespace(_ b: UInt8) -> Bool { b == space || b == tab }

    /// Visible ASCII (0x21...0x7E).
    @inline(__always) static func isVisible(_ b: UInt8) -> Bool { b >= 0x21 && b <= 0x7E }

    /// Whether `bytes` equals `lowercased` ignoring ASCII case. `lowercased` holds only lower-case
    /// letters, digits, `-`, `/`, `+` and `.`; `bytes` may hold anything.
    static func equalsLowercased(_ bytes: UnsafeRawBufferPointer, _ lowercased: StaticString) -> Bool {
        guard bytes.count == lowercased.utf8CodeUnitCount else { return false }
        let p = lowercased.utf8Start
        for i in 0..<bytes.count where toLower(bytes[i]) != p[i] { return false }
        return true
    }

    /// Whether two byte strings are equal ignoring ASCII case.
    static func equalsIgnoringCase(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
        guard a.count == b.count else { return false }
        for i in 0..<a.count where toLower(a[i]) != toLower(b[i]) { return false }
        return true
    }

    /// Whether `a` equals the static ASCII string `s` exactly.
    static func equals(_ a: UnsafeRawBufferPointer, _ s: StaticString) -> Bool {
        guard a.count == s.utf8CodeUnitCount else { return false }
        let p = s.utf8Start
        for i in 0..<a.count where a[i] != p[i] { return false }
        return true
    }

    @inline(__always) static func toLower(_ b: UInt8) -> UInt8 {
        (b >= 0x41 && b <= 0x5A) ? b | 0x20 : b
    }

    /// `range` with leading and trailing SP/HTAB removed.
    static func trimmed(_ bytes: UnsafeRawBufferPointer, _ range: ByteRange) -> ByteRange {
        var s = range.start
        var e = range.end
        while s < e && isWhitespace(bytes[s]) { s += 1 }
        while e > s && isWhitespace(bytes[e - 1]) { e -= 1 }
        return ByteRange(start: s, count: e - s)
    }

    /// Calls `body` with each element of a comma-separated list (RFC 9110 section 5.6.1) inside
    /// `range`, whitespace-trimmed; empty elements are passed too. Stops when `body` returns false.
    static func forEachListElement(_ bytes: UnsafeRawBufferPointer, _ range: ByteRange,
                                   _ body: (ByteRange) -> Bool) {
        var start = range.start
        var i = range.start
        while i <= range.end {
            if i == range.end || bytes[i] == comma {
                if !body(trimmed(bytes, ByteRange(start: start, count: i - start))) { return }
                start = i + 1
            }
            i += 1
        }
    }
}
