/// Byte searches eight bytes at a time in one 64-bit word ("SIMD within a register"), for the head
/// parsers' line and field-value scans and for case-insensitive comparisons. Words are read
/// little-endian, so byte `k` of a word is bits `8k..<8k+8` and the lowest flagged byte comes first.
///
/// The flag functions set the high bit of each matching byte. They are exact for the *lowest*
/// matching byte (a borrow can flag bytes above a true match, never below one), which is all the
/// searches need: `first(_:)` then gives its index.
enum SWAR {
    static let ones: UInt64 = 0x0101_0101_0101_0101
    static let highs: UInt64 = 0x8080_8080_8080_8080

    /// The 8 bytes at `offset` (no alignment needed).
    @inline(__always) static func load(_ base: UnsafeRawPointer, _ offset: Int) -> UInt64 {
        UInt64(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }

    /// Flags the bytes of `word` that are zero.
    @inline(__always) static func zeroBytes(_ word: UInt64) -> UInt64 {
        (word &- ones) & ~word & highs
    }

    /// Flags exactly the bytes of `word` equal to `byte` (no borrow between bytes; a few more
    /// operations than `bytes(_:equalTo:)`, for when flags are negated or combined).
    @inline(__always) static func bytes(_ word: UInt64, exactlyEqualTo byte: UInt8) -> UInt64 {
        let t = word ^ (ones &* UInt64(byte))
        return ~(((t & ~highs) &+ ~highs) | t) & highs
    }

    /// Flags the bytes of `word` equal to `byte`.
    @inline(__always) static func bytes(_ word: UInt64, equalTo byte: UInt8) -> UInt64 {
        zeroBytes(word ^ (ones &* UInt64(byte)))
    }

    /// Flags the bytes of `word` below `limit` (at most 0x80).
    @inline(__always) static func bytes(_ word: UInt64, below limit: UInt8) -> UInt64 {
        (word &- ones &* UInt64(limit)) & ~word & highs
    }

    /// The index (0...7) of the lowest flagged byte of a non-zero `flags`.
    @inline(__always) static func first(_ flags: UInt64) -> Int {
        flags.trailingZeroBitCount &>> 3
    }

    /// `word` with every ASCII upper-case letter turned to lower case, other bytes unchanged (exact).
    @inline(__always) static func lowercased(_ word: UInt64) -> UInt64 {
        let low7 = word & ~highs
        let atLeastA = low7 &+ ones &* (0x80 - 0x41)    // high bit set where the low 7 bits are >= 'A'
        let pastZ = low7 &+ ones &* (0x80 - 0x5B)       // ... where they are > 'Z'
        let upper = atLeastA & ~pastZ & ~word & highs
        return word | (upper &>> 2)
    }

    /// Flags the bytes of `word` in `lo...hi` (both below 0x80); exact for every byte.
    @inline(__always) static func bytes(_ word: UInt64, in lo: UInt8, _ hi: UInt8) -> UInt64 {
        let low7 = word & ~highs
        let atLeastLo = low7 &+ ones &* UInt64(0x80 &- lo)
        let aboveHi = low7 &+ ones &* UInt64(0x7F &- hi)
        return atLeastLo & ~aboveHi & ~word & highs
    }

    /// The index of the first byte in `[from, end)` of `base` that is not a token character
    /// (`ASCII.isTokenChar`), or `end`. Words of letters, digits and `-` (the bytes of nearly every
    /// field name) are passed eight at a time; any other byte is classified on its own.
    @inline(__always) static func firstNonTokenByte(_ base: UnsafeRawPointer, from: Int, end: Int) -> Int {
        let p = base.assumingMemoryBound(to: UInt8.self)
        var i = from
        while i &+ 8 <= end {
            let word = load(base, i)
            let common = bytes(word | ones &* 0x20, in: 0x61, 0x7A)     // letters, either case
                | bytes(word, in: 0x30, 0x39) | bytes(word, exactlyEqualTo: 0x2D)
            let other = ~common & highs
            if other == 0 { i &+= 8; continue }
            i &+= first(other)
            if !ASCII.isTokenChar(p[i]) { return i }
            i &+= 1                                      // a rarer token character such as `_`
        }
        while i < end && ASCII.isTokenChar(p[i]) { i &+= 1 }
        return i
    }

    /// The index of the first LF in `[from, end)` of `base`, or `end` when there is none.
    @inline(__always) static func firstLF(_ base: UnsafeRawPointer, from: Int, end: Int) -> Int {
        var i = from
        while i &+ 8 <= end {
            let flags = bytes(load(base, i), equalTo: 0x0A)
            if flags != 0 { return i &+ first(flags) }
            i &+= 8
        }
        let p = base.assumingMemoryBound(to: UInt8.self)
        while i < end && p[i] != 0x0A { i &+= 1 }
        return i
    }

    /// The index of the first byte in `[from, end)` of `base` that may not appear in a field value
    /// (a control byte other than HTAB, or DEL; see `ASCII.isFieldValueChar`), or `end`.
    ///
    /// The last partial word is read as the 8 bytes ending at `end` (when `end >= 8`), the bytes
    /// before `from` masked off: the memory from `base` on is readable. A flagged byte is checked
    /// on its own, so HTAB and the rare false flag above a masked-off control byte only cost a step.
    @inline(__always) static func firstNonFieldValueByte(_ base: UnsafeRawPointer, from: Int, end: Int) -> Int {
        let p = base.assumingMemoryBound(to: UInt8.self)
        var i = from
        while i < end {
            let word: UInt64
            var keep = UInt64.max
            if i &+ 8 <= end {
                word = load(base, i)
            } else if end >= 8 {
                let skip = 8 &- (end &- i)               // bytes of the word before `i`
                word = load(base, end &- 8)
                keep = UInt64.max &<< UInt64(skip &* 8)
                i = end &- 8
            } else {
                while i < end && ASCII.isFieldValueChar(p[i]) { i &+= 1 }
                return i
            }
            let flags = (bytes(word, below: 0x20) | bytes(word, equalTo: 0x7F)) & keep
            if flags == 0 { i &+= 8; continue }
            i &+= first(flags)
            if !ASCII.isFieldValueChar(p[i]) { return i }
            i &+= 1                                      // HTAB (allowed), or a false flag
        }
        return end
    }
}
