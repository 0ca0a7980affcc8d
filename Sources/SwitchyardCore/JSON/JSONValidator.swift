/// A strict RFC 8259 JSON validator: checks that bytes form exactly one JSON text without building
/// anything. The proxy runs it over request bodies (`accept.require_json`); a rejection carries the
/// byte offset of the first error for the `invalid_json` answer.
///
/// - One top-level value of any type (RFC 8259 section 2), surrounded only by space, tab, CR or LF.
/// - Strings: no unescaped control characters (section 7); escapes `\" \\ \/ \b \f \n \r \t \uXXXX`.
///   Lone UTF-16 surrogate escapes such as `"\uD800"` are accepted: the grammar allows them and
///   section 8.2 only calls their behaviour unpredictable (JSONTestSuite files them under `i_`).
/// - UTF-8 is checked strictly (section 8.1, RFC 3629): no overlong forms, no encoded surrogates
///   (U+D800..U+DFFF), nothing above U+10FFFF, no stray continuation bytes.
/// - Numbers follow the section 6 grammar exactly (no leading zeros, no `+`, no bare `.`), any size.
/// - Nesting deeper than `maxDepth` is rejected at the bracket that goes too deep.
///
/// The validator allocates once, in `init` (the container stack is a bit stack of `maxDepth` bits);
/// validating allocates nothing. It is a byte-at-a-time state machine, so `feed(_:)` can be called
/// with a document cut at any byte boundary, including inside strings, escapes, numbers, literals
/// and UTF-8 sequences.
public struct JSONValidator: Sendable {
    /// The deepest nesting of arrays and objects accepted; `[[1]]` has depth 2.
    public let maxDepth: Int

    private var state: State = .value
    /// Open containers.
    private var depth = 0
    /// Whether the innermost open container is an object.
    private var inObject = false
    /// Whether the string being read is an object key.
    private var inKey = false
    /// Per state scratch: the expected rest of a literal (one byte per 8 bits), or the hex digits left in `\uXXXX`.
    private var pending: UInt64 = 0
    /// Bytes consumed by earlier `feed` calls: turns an index in the current chunk into a document offset.
    private var consumed = 0
    private var errorOffset = 0
    private var errorReason: StaticString? = nil
    /// Bit `k` set: the container at nesting level `k` (0-based) is an object, clear: an array.
    private var containerBits: [UInt64]

    /// A validator accepting nesting up to `maxDepth` levels (at least 1).
    public init(maxDepth: Int = 128) {
        precondition(maxDepth >= 1, "maxDepth must be at least 1")
        self.maxDepth = maxDepth
        self.containerBits = [UInt64](repeating: 0, count: (maxDepth + 63) / 64)
    }

    /// Validates one whole document; resets the validator first. Never answers `.incomplete`.
    public mutating func validate(_ bytes: UnsafeRawBufferPointer) -> JSONValidation {
        reset()
        if case .invalid(let offset, let reason) = run(bytes) { return .invalid(offset: offset, reason: reason) }
        return finish()
    }

    /// Validates the next piece of a document. Answers `.invalid` as soon as an error is certain
    /// (and again on every later call, until `reset()`), else `.incomplete`: only `finish()` knows
    /// whether the document is complete.
    public mutating func feed(_ bytes: UnsafeRawBufferPointer) -> JSONValidation {
        run(bytes)
    }

    /// Ends the document: `.valid` when the bytes fed so far form one complete JSON text, else
    /// `.invalid` (at the input length when it ended too early, at offset 0 when it was empty).
    public mutating func finish() -> JSONValidation {
        if let reason = errorReason { return .invalid(offset: errorOffset, reason: reason) }
        switch state {
        case .done:
            return .valid
        case .zero, .integer, .fraction, .exponentDigits:
            if depth == 0 { return .valid }
            return fail(at: consumed, "unexpected end of input")
        case .value where depth == 0:
            return fail(at: consumed, consumed == 0 ? "empty input" : "no value, only whitespace")
        default:
            return fail(at: consumed, "unexpected end of input")
        }
    }

    /// Forgets everything fed so far; the validator is ready for a new document. Allocates nothing.
    public mutating func reset() {
        state = .value
        depth = 0
        inObject = false
        inKey = false
        pending = 0
        consumed = 0
        errorOffset = 0
        errorReason = nil
    }

    private mutating func fail(at offset: Int, _ reason: StaticString) -> JSONValidation {
        errorOffset = offset
        errorReason = reason
        return .invalid(offset: offset, reason: reason)
    }
}

extension JSONValidator {
    /// Lexical states. Values start in `value`/`valueOrClose`, end in `afterValue` (inside a
    /// container) or `done` (top level). Numbers end on the first byte that cannot extend them;
    /// that byte is then read again in the following state.
    private enum State: UInt8, Sendable {
        case value, valueOrClose, keyOrClose, key, colon, afterValue, done
        case string, escape, hex
        case tail1, tail2, tail2E0, tail2ED, tail3, tail3F0, tail3F4
        case minus, zero, integer, dot, fraction, exponent, exponentSign, exponentDigits
        case literal
    }

    /// Byte classes inside a string: 0 plain ASCII, 1 `"`, 2 `\`, 3 control, 4 never valid in UTF-8,
    /// 5 lead of 2, 6 E0, 7 other lead of 3, 8 ED, 9 F0, 10 F1-F3, 11 F4.
    private static let stringClass: [UInt8] = [
        3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,  // 0_
        3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,  // 1_
        0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  // 2_
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  // 3_
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  // 4_
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0,  // 5_
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  // 6_
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  // 7_
        4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,  // 8_
        4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,  // 9_
        4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,  // A_
        4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,  // B_
        4, 4, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5,  // C_
        5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5,  // D_
        6, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 8, 7, 7,  // E_
        9, 10, 10, 10, 11, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,  // F_
    ]

    /// Whitespace per RFC 8259 section 2: space, tab, LF, CR.
    @inline(__always) private static func isSpace(_ b: UInt8) -> Bool {
        b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09
    }

    @inline(__always) private static func isDigit(_ b: UInt8) -> Bool { b &- 0x30 < 10 }

    @inline(__always) private static func isHex(_ b: UInt8) -> Bool {
        b &- 0x30 < 10 || (b | 0x20) &- 0x61 < 6
    }

    /// Flags (high bit) the bytes of `word`, read little-endian, that are not plain string ASCII:
    /// below 0x20, 0x80 or above, `"` or `\`. The lowest flag is exact (a borrow can flag bytes
    /// above a real match, never below one), so it locates the first such byte.
    @inline(__always) private static func specialBytes(_ word: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let quote = word ^ (ones &* 0x22)
        let backslash = word ^ (ones &* 0x5C)
        let control = (word &- ones &* 0x20) & ~word              // high bit where a byte < 0x20
        let quoteZero = (quote &- ones) & ~quote                  // high bit where a byte == '"'
        let backslashZero = (backslash &- ones) & ~backslash      // high bit where a byte is a backslash
        return (control | quoteZero | backslashZero | word) & highs
    }

    /// The rest of a literal after its first byte, packed low byte first: "rue", "alse", "ull".
    private static let trueRest: UInt64 = 0x65_75_72
    private static let falseRest: UInt64 = 0x65_73_6C_61
    private static let nullRest: UInt64 = 0x6C_6C_75

    /// The state machine: consumes `bytes` from the current state. Locals mirror the hot fields
    /// and are written back on every exit.
    @discardableResult
    private mutating func run(_ bytes: UnsafeRawBufferPointer) -> JSONValidation {
        if let reason = errorReason { return .invalid(offset: errorOffset, reason: reason) }
        let n = bytes.count
        guard n > 0, let base = bytes.baseAddress else { return .incomplete }
        let p = base.assumingMemoryBound(to: UInt8.self)
        var i = 0
        var state = self.state
        var pending = self.pending
        var reason: StaticString = ""

        scan: while i < n {
            let b = p[i]
            switch state {
            case .value, .valueOrClose:
                switch b {
                case UInt8(ascii: "\""): inKey = false; state = .string
                case UInt8(ascii: "{"):
                    guard push(object: true) else { reason = "nesting too deep"; break scan }
                    state = .keyOrClose
                case UInt8(ascii: "["):
                    guard push(object: false) else { reason = "nesting too deep"; break scan }
                    state = .valueOrClose
                case UInt8(ascii: "-"): state = .minus
                case UInt8(ascii: "0"): state = .zero
                case UInt8(ascii: "1")...UInt8(ascii: "9"): state = .integer
                case UInt8(ascii: "t"): pending = Self.trueRest; state = .literal
                case UInt8(ascii: "f"): pending = Self.falseRest; state = .literal
                case UInt8(ascii: "n"): pending = Self.nullRest; state = .literal
                case UInt8(ascii: "]") where state == .valueOrClose: state = pop()
                case 0x20, 0x0A, 0x0D, 0x09: break
                default: reason = "expected a value"; break scan
                }
                i += 1

            case .afterValue:
                switch b {
                case UInt8(ascii: ","):
                    if inObject {
                        // `,"key"` without whitespace, the usual form: open the key string here.
                        if i &+ 1 < n && p[i &+ 1] == UInt8(ascii: "\"") { inKey = true; state = .string; i &+= 2; continue scan }
                        state = .key
                    } else {
                        state = .value
                    }
                case UInt8(ascii: "}") where inObject: state = pop()
                case UInt8(ascii: "]") where !inObject: state = pop()
                case 0x20, 0x0A, 0x0D, 0x09: break
                default: reason = inObject ? "expected ',' or '}'" : "expected ',' or ']'"; break scan
                }
                i += 1

            case .keyOrClose, .key:
                switch b {
                case UInt8(ascii: "\""): inKey = true; state = .string
                case UInt8(ascii: "}") where state == .keyOrClose: state = pop()
                case 0x20, 0x0A, 0x0D, 0x09: break
                default: reason = "expected a string key"; break scan
                }
                i += 1

            case .colon:
                if b == UInt8(ascii: ":") { state = .value } else if !Self.isSpace(b) { reason = "expected ':'"; break scan }
                i += 1

            case .done:
                guard Self.isSpace(b) else { reason = "unexpected data after the value"; break scan }
                i += 1

            case .string:
                // The hot loop: skip plain ASCII eight bytes at a time and land on the first byte
                // that is not plain, which the switch below handles; byte by byte near the end.
                var c: UInt8
                while true {
                    if i &+ 8 <= n {
                        let flags = Self.specialBytes(UInt64(littleEndian: base.loadUnaligned(fromByteOffset: i, as: UInt64.self)))
                        if flags == 0 { i &+= 8; continue }
                        i &+= flags.trailingZeroBitCount &>> 3
                        c = Self.stringClass[Int(p[i])]
                        break
                    }
                    if i == n { break scan }
                    c = Self.stringClass[Int(p[i])]
                    if c != 0 { break }
                    i &+= 1
                }
                switch c {
                case 1:
                    if inKey {
                        // `"key":` without whitespace, the usual form: take the colon here.
                        if i &+ 1 < n && p[i &+ 1] == UInt8(ascii: ":") { state = .value; i &+= 2; continue scan }
                        state = .colon
                    } else {
                        state = depth == 0 ? .done : .afterValue
                    }
                case 2: state = .escape
                case 3: reason = "control character in string"; break scan
                case 5: state = .tail1
                case 6: state = .tail2E0
                case 7: state = .tail2
                case 8: state = .tail2ED
                case 9: state = .tail3F0
                case 10: state = .tail3
                case 11: state = .tail3F4
                default: reason = "invalid UTF-8"; break scan
                }
                i += 1

            case .escape:
                switch b {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"),
                     UInt8(ascii: "f"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    state = .string
                case UInt8(ascii: "u"): pending = 4; state = .hex
                default: reason = "invalid escape"; break scan
                }
                i += 1

            case .hex:
                guard Self.isHex(b) else { reason = "invalid \\u escape"; break scan }
                pending -= 1
                if pending == 0 { state = .string }
                i += 1

            // UTF-8 continuation bytes; the first one after E0, ED, F0 and F4 has a narrower range
            // that rules out overlong forms, surrogates and code points above U+10FFFF.
            case .tail1, .tail2, .tail3:
                guard b & 0xC0 == 0x80 else { reason = "invalid UTF-8"; break scan }
                state = state == .tail1 ? .string : (state == .tail2 ? .tail1 : .tail2)
                i += 1
            case .tail2E0:
                guard b >= 0xA0 && b <= 0xBF else { reason = "invalid UTF-8"; break scan }
                state = .tail1
                i += 1
            case .tail2ED:
                guard b >= 0x80 && b <= 0x9F else { reason = "invalid UTF-8"; break scan }
                state = .tail1
                i += 1
            case .tail3F0:
                guard b >= 0x90 && b <= 0xBF else { reason = "invalid UTF-8"; break scan }
                state = .tail2
                i += 1
            case .tail3F4:
                guard b >= 0x80 && b <= 0x8F else { reason = "invalid UTF-8"; break scan }
                state = .tail2
                i += 1

            // Numbers (RFC 8259 section 6): -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?
            case .minus:
                if b == UInt8(ascii: "0") { state = .zero }
                else if Self.isDigit(b) { state = .integer }
                else { reason = "expected a digit"; break scan }
                i += 1
            case .zero, .integer, .fraction, .exponentDigits:
                if state != .zero {
                    while Self.isDigit(p[i]) {
                        i += 1
                        if i == n { break scan }
                    }
                }
                let c = p[i]
                if c == UInt8(ascii: ".") && (state == .zero || state == .integer) {
                    state = .dot; i += 1
                } else if (c | 0x20) == UInt8(ascii: "e") && state != .exponentDigits {
                    state = .exponent; i += 1
                } else if state == .zero && Self.isDigit(c) {
                    reason = "leading zero in number"; break scan
                } else {
                    state = depth == 0 ? .done : .afterValue   // the byte is read again there
                }
            case .dot:
                guard Self.isDigit(b) else { reason = "expected a digit"; break scan }
                state = .fraction
                i += 1
            case .exponent:
                if b == UInt8(ascii: "+") || b == UInt8(ascii: "-") { state = .exponentSign }
                else if Self.isDigit(b) { state = .exponentDigits }
                else { reason = "expected a digit"; break scan }
                i += 1
            case .exponentSign:
                guard Self.isDigit(b) else { reason = "expected a digit"; break scan }
                state = .exponentDigits
                i += 1

            case .literal:
                guard UInt64(b) == pending & 0xFF else { reason = "invalid literal"; break scan }
                pending >>= 8
                if pending == 0 { state = depth == 0 ? .done : .afterValue }
                i += 1
            }
        }

        self.state = state
        self.pending = pending
        if i < n { return fail(at: consumed + i, reason) }
        consumed += n
        return .incomplete
    }

    /// Opens a container; false when that would exceed `maxDepth`.
    @inline(__always) private mutating func push(object: Bool) -> Bool {
        guard depth < maxDepth else { return false }
        let mask: UInt64 = 1 << UInt64(depth & 63)
        if object { containerBits[depth >> 6] |= mask } else { containerBits[depth >> 6] &= ~mask }
        depth += 1
        inObject = object
        return true
    }

    /// Closes the innermost container and answers the state that follows the value it ended.
    @inline(__always) private mutating func pop() -> State {
        depth -= 1
        if depth == 0 { inObject = false; return .done }
        let level = depth - 1
        inObject = containerBits[level >> 6] & (1 << UInt64(level & 63)) != 0
        return .afterValue
    }
}
