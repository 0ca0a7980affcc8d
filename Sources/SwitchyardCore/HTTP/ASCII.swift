/// Byte classes and comparisons for HTTP syntax (RFC 9110 section 5.6). Internal helpers for the
/// parsers and writers; no allocation, no `String`.
enum ASCII {
    static let cr: UInt8 = 0x0D
    static let lf: UInt8 = 0x0A
    static let space: UInt8 = 0x20
    static let tab: UInt8 = 0x09
    static let colon: UInt8 = 0x3A
    static let comma: UInt8 = 0x2C

    /// `tchar`: the characters of a token (method, field name, coding name): digits, letters and
    /// ``!#$%&'*+-.^_`|~``. One bit per byte value in two constant words: no table to load or
    /// initialise, no branch per character class.
    @inline(__always) static func isTokenChar(_ b: UInt8) -> Bool {
        let low: UInt64 = 0x03FF_6CFA_0000_0000     // bytes 0x00...0x3F
        let high: UInt64 = 0x57FF_FFFF_C7FF_FFFE    // bytes 0x40...0x7F
        let word = b < 0x40 ? low : (b < 0x80 ? high : 0)
        return word & (1 &<< UInt64(b & 0x3F)) != 0
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
    @inline(__always)
    static func equalsLowercased(_ bytes: UnsafeRawBufferPointer, _ lowercased: StaticString) -> Bool {
        guard bytes.count == lowercased.utf8CodeUnitCount else { return false }
        return compare(bytes.baseAddress, UnsafeRawPointer(lowercased.utf8Start), count: bytes.count,
                       foldFirst: true, foldSecond: false)
    }

    /// Whether two byte strings are equal ignoring ASCII case.
    static func equalsIgnoringCase(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
        guard a.count == b.count else { return false }
        return compare(a.baseAddress, b.baseAddress, count: a.count, foldFirst: true, foldSecond: true)
    }

    /// Whether `a` equals the static ASCII string `s` exactly.
    @inline(__always)
    static func equals(_ a: UnsafeRawBufferPointer, _ s: StaticString) -> Bool {
        guard a.count == s.utf8CodeUnitCount else { return false }
        return compare(a.baseAddress, UnsafeRawPointer(s.utf8Start), count: a.count, foldFirst: false, foldSecond: false)
    }

    /// Compares `count` bytes at `a` and `b`, lower-casing the side(s) asked for. Eight bytes at a
    /// time: whole words, then one last word overlapping the previous one; four bytes at a time
    /// for 4...7 bytes; byte by byte below that.
    @inline(__always) private static func compare(_ a: UnsafeRawPointer?, _ b: UnsafeRawPointer?, count: Int,
                                                  foldFirst: Bool, foldSecond: Bool) -> Bool {
        guard count > 0, let a, let b else { return true }
        @inline(__always) func same(_ x: UInt64, _ y: UInt64) -> Bool {
            (foldFirst ? SWAR.lowercased(x) : x) == (foldSecond ? SWAR.lowercased(y) : y)
        }
        if count >= 8 {
            var i = 0
            while i &+ 8 <= count {
                if !same(SWAR.load(a, i), SWAR.load(b, i)) { return false }
                i &+= 8
            }
            return i == count || same(SWAR.load(a, count &- 8), SWAR.load(b, count &- 8))
        }
        if count >= 4 {
            @inline(__always) func load4(_ p: UnsafeRawPointer, _ offset: Int) -> UInt64 {
                UInt64(UInt32(littleEndian: p.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
            }
            return same(load4(a, 0), load4(b, 0)) && same(load4(a, count &- 4), load4(b, count &- 4))
        }
        let p = a.assumingMemoryBound(to: UInt8.self)
        let q = b.assumingMemoryBound(to: UInt8.self)
        for i in 0..<count where same(UInt64(p[i]), UInt64(q[i])) == false { return false }
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
