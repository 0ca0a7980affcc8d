import SwitchyardCore

/// libFuzzer target: `RequestHeadParser` on arbitrary bytes.
///
/// Input layout: byte 0 picks the split point (as a fraction of the rest), the rest is the message.
/// Checks: no crash; the parse fed in two pieces (prefix, then everything) equals the one-shot parse,
/// head included; a complete head has every range inside the head, at most one Content-Length, never
/// Content-Length with Transfer-Encoding, and a Content-Length body within the limit. Pipelined heads
/// after the first are parsed too (up to 8).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRequestHead(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 1 else { return 0 }
    let selector = Int(data[0])
    let bytes = UnsafeRawBufferPointer(start: data + 1, count: size - 1)
    let limits = HTTPLimits(maxHeaderBytes: 2048, maxHeaderCount: 32, maxBody: 1 << 16, maxChunkLine: 256)

    var parser = RequestHeadParser(limits: limits)
    var head = RequestHead()
    var offset = 0
    for round in 0..<8 {
        let rest = UnsafeRawBufferPointer(rebasing: bytes[offset...])
        let whole = parser.parse(rest, into: &head)

        // The same bytes in two pieces: the prefix first (must not be complete unless the head fits in it).
        let cut = rest.count * ((selector + round * 37) & 0xFF) / 256
        var splitParser = RequestHeadParser(limits: limits)
        var splitHead = RequestHead()
        var split = splitParser.parse(UnsafeRawBufferPointer(rebasing: rest[..<cut]), into: &splitHead)
        if case .needMore = split { split = splitParser.parse(rest, into: &splitHead) }
        switch (whole, split) {
        case (.needMore, .needMore), (.error, .error):
            precondition(whole == split, "split parse disagrees: \(whole) vs \(split)")
        case (.complete, .complete):
            precondition(whole == split && head == splitHead, "split parse disagrees on the head")
        default:
            // The prefix alone may complete (then the head ends before the cut) or fail earlier: it
            // must then agree with the whole parse, which saw the same bytes up to that point.
            preconditionFailure("split parse disagrees: \(whole) vs \(split)")
        }

        guard case let .complete(consumed) = whole else { return 0 }
        precondition(consumed == head.headLength && consumed <= rest.count, "consumed out of range")
        checkRange(head.methodRange, consumed)
        checkRange(head.target, consumed)
        checkRange(head.path, consumed)
        if let r = head.host { checkRange(r, consumed) }
        if let r = head.contentType { checkRange(r, consumed) }
        if let r = head.requestID { checkRange(r, consumed) }
        var contentLengths = 0
        var transferEncodings = 0
        for field in head.headers {
            checkRange(field.name, consumed)
            checkRange(field.value, consumed)
            if field.kind == .contentLength { contentLengths += 1 }
            if field.kind == .transferEncoding { transferEncodings += 1 }
        }
        precondition(contentLengths <= 1, "accepted more than one Content-Length")
        precondition(contentLengths == 0 || transferEncodings == 0, "accepted Content-Length with Transfer-Encoding")
        switch head.framing {
        case .contentLength(let n): precondition(n >= 0 && n <= limits.maxBody, "Content-Length out of range")
        case .chunked: precondition(transferEncodings > 0 && head.version == .http11, "chunked without TE")
        case .untilClose: preconditionFailure("request framed until close")
        case .none: precondition(contentLengths == 0 && transferEncodings == 0, "framing none with a length")
        }
        offset += consumed
        if offset >= bytes.count { return 0 }
    }
    return 0
}

@inline(__always) private func checkRange(_ r: ByteRange, _ limit: Int) {
    precondition(r.start >= 0 && r.count >= 0 && r.end <= limit, "range outside the head")
}
