extension ByteBuffer {
    /// Appends `string` as a JSON string literal, quotes included (RFC 8259 section 7): `"` and `\`
    /// escaped, control characters as `\n`, `\r`, `\t` or `\u00XX`; everything else as UTF-8.
    public mutating func writeJSONString(_ string: String) {
        var s = string
        s.withUTF8 { writeJSONString(bytes: UnsafeRawBufferPointer($0)) }
    }

    /// Appends raw bytes as a JSON string literal. Bytes that are not valid UTF-8 are passed through;
    /// callers that cannot vouch for their bytes (request paths, upstream details) should prefer
    /// `writeJSONString(_:)` on a decoded `String`, which repairs them.
    public mutating func writeJSONString(bytes: UnsafeRawBufferPointer) {
        write(byte: UInt8(ascii: "\""))
        var runStart = 0
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            if b >= 0x20 && b != UInt8(ascii: "\"") && b != UInt8(ascii: "\\") { i += 1; continue }
            if i > runStart { write(UnsafeRawBufferPointer(rebasing: bytes[runStart..<i])) }
            switch b {
            case UInt8(ascii: "\""): write("\\\"")
            case UInt8(ascii: "\\"): write("\\\\")
            case 0x0A: write("\\n")
            case 0x0D: write("\\r")
            case 0x09: write("\\t")
            default:
                write("\\u00")
                let hex: StaticString = "0123456789abcdef"
                write(byte: hex.utf8Start[Int(b >> 4)])
                write(byte: hex.utf8Start[Int(b & 15)])
            }
            i += 1
            runStart = i
        }
        if i > runStart { write(UnsafeRawBufferPointer(rebasing: bytes[runStart..<i])) }
        write(byte: UInt8(ascii: "\""))
    }
}
