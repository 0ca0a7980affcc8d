import Testing
@testable import SwitchyardCore

/// The word-at-a-time scans and comparisons against byte-at-a-time references: every start and end
/// offset, the interesting bytes at every position (word boundaries included), and bytes before the
/// start that must not leak into the result.
@Suite struct SWARTests {
    /// Bytes at the edges of every class the scans tell apart.
    static let alphabet: [UInt8] = [0x00, 0x09, 0x0A, 0x0D, 0x1F, 0x20, 0x21, 0x2C, 0x2D, 0x2F, 0x30, 0x39, 0x3A,
                                    0x40, 0x41, 0x5A, 0x5B, 0x5F, 0x60, 0x61, 0x7A, 0x7B, 0x7E, 0x7F, 0x80, 0xC3, 0xFF]

    /// The `tchar` set of RFC 9110 section 5.6.2, spelled out.
    static func referenceToken(_ b: UInt8) -> Bool {
        switch b {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: true
        case 0x21, 0x23, 0x24, 0x25, 0x26, 0x27, 0x2A, 0x2B, 0x2D, 0x2E, 0x5E, 0x5F, 0x60, 0x7C, 0x7E: true
        default: false
        }
    }

    static func referenceFieldValue(_ b: UInt8) -> Bool { b == 0x09 || (b >= 0x20 && b != 0x7F) }

    static func referenceFirst(_ bytes: [UInt8], _ from: Int, _ end: Int, while ok: (UInt8) -> Bool) -> Int {
        var i = from
        while i < end && ok(bytes[i]) { i += 1 }
        return i
    }

    /// Random buffers over `alphabet` (seeded), plus runs of one byte that put it at every offset.
    static func buffers() -> [[UInt8]] {
        var rng = RT.SplitMix64(seed: 7)
        var result: [[UInt8]] = []
        for length in 0...40 {
            for _ in 0..<12 {
                result.append((0..<length).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] })
            }
        }
        for special in alphabet {
            for position in 0..<24 {
                var b = [UInt8](repeating: UInt8(ascii: "a"), count: 24)
                b[position] = special
                result.append(b)
            }
        }
        return result
    }

    @Test("isTokenChar agrees with the tchar list for all 256 bytes")
    func tokenChar() {
        for b in 0...255 { #expect(ASCII.isTokenChar(UInt8(b)) == Self.referenceToken(UInt8(b)), "byte \(b)") }
    }

    @Test("lowercased changes exactly A-Z, in every byte of the word")
    func lowercasedWord() {
        for b in 0...255 {
            for position in 0..<8 {
                let filler: UInt64 = 0x4161_5A7A_405B_607B      // A a Z z @ [ ` {
                let shift = UInt64(position * 8)
                let mask: UInt64 = 0xFF << shift
                let word: UInt64 = (filler & ~mask) | (UInt64(b) << shift)
                var expected: UInt64 = 0
                for k in 0..<8 {
                    let byte = UInt8(truncatingIfNeeded: word >> UInt64(k * 8))
                    expected |= UInt64(ASCII.toLower(byte)) << UInt64(k * 8)
                }
                #expect(SWAR.lowercased(word) == expected, "byte \(b) at \(position)")
            }
        }
    }

    @Test("firstLF, firstNonTokenByte and firstNonFieldValueByte match byte-by-byte scans at every offset")
    func scans() {
        var mismatches: [String] = []
        for buffer in Self.buffers() {
            buffer.withUnsafeBytes { raw in
                guard let base = raw.baseAddress else { return }
                for from in 0...buffer.count {
                    for end in from...buffer.count {
                        let lf = Self.referenceFirst(buffer, from, end) { $0 != 0x0A }
                        let token = Self.referenceFirst(buffer, from, end, while: Self.referenceToken)
                        let value = Self.referenceFirst(buffer, from, end, while: Self.referenceFieldValue)
                        if SWAR.firstLF(base, from: from, end: end) != lf
                            || SWAR.firstNonTokenByte(base, from: from, end: end) != token
                            || SWAR.firstNonFieldValueByte(base, from: from, end: end) != value {
                            mismatches.append("\(buffer) \(from)..<\(end)")
                        }
                    }
                }
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(5))")
    }

    @Test("the comparisons match byte-by-byte ones for every length and a difference at every position")
    func comparisons() {
        let names: [StaticString] = ["", "te", "age", "host", "close", "expect", "trailer", "x-cache", "keep-alive",
                                     "content-type", "x-request-id", "content-length", "x-forwarded-proto",
                                     "application/json", "a-much-longer-lowercase-name-1.2+x"]
        for name in names {
            let lower = Array(UnsafeRawBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
            var variants: [[UInt8]] = [lower, lower.map { $0 >= 0x61 && $0 <= 0x7A ? $0 - 0x20 : $0 }]
            for position in lower.indices {
                for replacement in Self.alphabet + [lower[position] ^ 0x20, lower[position] &+ 1] {
                    var v = lower
                    v[position] = replacement
                    variants.append(v)
                }
            }
            variants.append(lower + [0x61])
            for v in variants {
                let expectedFolded = v.count == lower.count && zip(v, lower).allSatisfy { ASCII.toLower($0) == $1 }
                let expectedExact = v == lower
                v.withUnsafeBytes { a in
                    lower.withUnsafeBytes { b in
                        #expect(ASCII.equalsLowercased(a, name) == expectedFolded, "\(v) vs \(name)")
                        #expect(ASCII.equalsIgnoringCase(a, b) == expectedFolded, "\(v) vs \(name)")
                        #expect(ASCII.equalsIgnoringCase(b, a) == expectedFolded, "\(name) vs \(v)")
                        #expect(ASCII.equals(a, name) == expectedExact, "\(v) vs \(name)")
                    }
                }
            }
        }
    }
}
