/// Finds the CRLF-terminated lines of a head incrementally: each byte is looked at once, however
/// the head arrives. Shared by the request and response parsers.
struct HeadLineScanner: Sendable {
    /// Start of the line being scanned.
    private(set) var lineStart = 0
    /// Where the search for the next LF resumes.
    private var scanIndex = 0

    enum Line: Equatable {
        /// No LF yet: wait for more bytes.
        case needMore
        /// A complete line: content `[start, end)`; the CRLF follows `end`.
        case line(start: Int, end: Int)
        /// An LF not preceded by CR (RFC 9112 section 2.2: we accept CRLF only).
        case bareLF
        /// No line end within `limit` bytes of the buffer start.
        case tooLong
    }

    mutating func reset() {
        lineStart = 0
        scanIndex = 0
    }

    /// The next line, looking at most at the first `limit` bytes of `bytes`.
    mutating func next(_ bytes: UnsafeRawBufferPointer, limit: Int) -> Line {
        let end = min(bytes.count, limit)
        var i = scanIndex
        if i < end, let base = bytes.baseAddress {
            i = SWAR.firstLF(base, from: i, end: end)
            if i < end {
                let start = lineStart
                guard i > start, bytes[i - 1] == ASCII.cr else { return .bareLF }
                lineStart = i + 1
                scanIndex = i + 1
                return .line(start: start, end: i - 1)
            }
        }
        scanIndex = i
        return bytes.count >= limit ? .tooLong : .needMore
    }
}
