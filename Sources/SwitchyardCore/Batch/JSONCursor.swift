/// A forward-only reader over bytes that `JSONValidator` has already accepted: it reads strings
/// (decoded), numbers and whole values as byte ranges, and walks objects and arrays, without
/// building a tree. Used by `BatchRequestParser`, which validates first so that every syntax error
/// carries the validator's exact offset; the cursor then only has to find boundaries.
///
/// Robust on any input anyway (the fuzz target runs it on what the validator accepted only, but a
/// mistake must not read out of bounds): every read is bounds-checked and stops at the end.
struct JSONCursor {
    let bytes: UnsafeRawBufferPointer
    /// The next byte to read.
    var position = 0

    init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    /// What the value at the cursor is, from its first byte (after whitespace).
    enum Kind: Equatable {
        case object, array, string, number, bool, null, end

        /// For messages: "an object", "a number".
        var described: String {
            switch self {
            case .object: "an object"
            case .array: "an array"
            case .string: "a string"
            case .number: "a number"
            case .bool: "a boolean"
            case .null: "null"
            case .end: "nothing"
            }
        }
    }

    var isAtEnd: Bool { position >= bytes.count }

    func peek() -> UInt8? { position < bytes.count ? bytes[position] : nil }

    mutating func skipWhitespace() {
        while let b = peek(), b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D { position += 1 }
    }

    /// The kind of the next value; skips whitespace first.
    mutating func kind() -> Kind {
        skipWhitespace()
        switch peek() {
        case UInt8(ascii: "{"): return .object
        case UInt8(ascii: "["): return .array
        case UInt8(ascii: "\""): return .string
        case UInt8(ascii: "t"), UInt8(ascii: "f"): return .bool
        case UInt8(ascii: "n"): return .null
        case nil: return .end
        default: return .number
        }
    }

    /// Consumes `byte` (after whitespace) when it is next.
    mutating func consume(_ byte: UInt8) -> Bool {
        skipWhitespace()
        guard peek() == byte else { return false }
        position += 1
        return true
    }

    /// Skips the whole value at the cursor; returns its bytes' range (without surrounding whitespace).
    mutating func skipValue() -> ByteRange {
        skipWhitespace()
        let start = position
        switch kind() {
        case .string:
            skipString()
        case .object, .array:
            var depth = 0
            while let b = peek() {
                if b == UInt8(ascii: "\"") { skipString(); continue }
                position += 1
                if b == UInt8(ascii: "{") || b == UInt8(ascii: "[") { depth += 1 }
                if b == UInt8(ascii: "}") || b == UInt8(ascii: "]") {
                    depth -= 1
                    if depth == 0 { break }
                }
            }
        case .number, .bool, .null:
            while let b = peek(), !Self.endsScalar(b) { position += 1 }
        case .end:
            break
        }
        return ByteRange(start: start, count: position - start)
    }

    private static func endsScalar(_ b: UInt8) -> Bool {
        b == UInt8(ascii: ",") || b == UInt8(ascii: "}") || b == UInt8(ascii: "]")
            || b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D
    }

    /// Skips a string starting at its opening quote, escapes included.
    private mutating func skipString() {
        position += 1
        while let b = peek() {
            position += 1
            if b == UInt8(ascii: "\\") { position += 1; continue }
            if b == UInt8(ascii: "\"") { return }
        }
    }

    /// Reads the string at the cursor: its decoded text (RFC 8259 section 7 escapes; a lone
    /// surrogate escape becomes U+FFFD) and the range of its raw bytes, quotes included.
    mutating func readString() -> (String, ByteRange) {
        skipWhitespace()
        let start = position
        guard peek() == UInt8(ascii: "\"") else { return ("", ByteRange(start: start, count: 0)) }
        position += 1
        var out: [UInt8] = []
        var runStart = position
        while let b = peek() {
            if b == UInt8(ascii: "\"") { break }
            guard b == UInt8(ascii: "\\") else { position += 1; continue }
            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[runStart..<position]))
            position += 1
            let e = peek() ?? 0
            position += 1
            switch e {
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"): appendUTF8(of: readEscapedScalar(), to: &out)
            default: out.append(e)   // `"`, `\`, `/`
            }
            runStart = position
        }
        let end = min(position, bytes.count)
        if runStart < end { out.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[runStart..<end])) }
        if peek() == UInt8(ascii: "\"") { position += 1 }
        return (String(decoding: out, as: UTF8.self), ByteRange(start: start, count: position - start))
    }

    /// After `\u`: four hex digits, and a low surrogate's escape when they were a high surrogate.
    private mutating func readEscapedScalar() -> Unicode.Scalar {
        let first = readHex4()
        if (0xD800...0xDBFF).contains(first), position + 1 < bytes.count,
           bytes[position] == UInt8(ascii: "\\"), bytes[position + 1] == UInt8(ascii: "u") {
            let save = position
            position += 2
            let second = readHex4()
            if (0xDC00...0xDFFF).contains(second) {
                return Unicode.Scalar(0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)) ?? "\u{FFFD}"
            }
            position = save
        }
        return Unicode.Scalar(first) ?? "\u{FFFD}"
    }

    private mutating func readHex4() -> UInt32 {
        var v: UInt32 = 0
        for _ in 0..<4 {
            guard let b = peek() else { return 0xFFFD }
            position += 1
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): v = v << 4 | UInt32(b - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): v = v << 4 | UInt32(b - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): v = v << 4 | UInt32(b - UInt8(ascii: "A") + 10)
            default: return 0xFFFD
            }
        }
        return v
    }

    private func appendUTF8(of scalar: Unicode.Scalar, to out: inout [UInt8]) {
        out.append(contentsOf: scalar.utf8)
    }
}
