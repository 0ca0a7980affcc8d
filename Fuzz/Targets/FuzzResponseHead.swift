import SwitchyardCore

/// libFuzzer target: `ResponseHeadParser` on arbitrary bytes.
///
/// Input layout: byte 0 picks the request method (bit 0: HEAD or GET) and the split point, the rest
/// is the response. Checks: no crash; two-piece parse equals the one-shot parse; every error is
/// `upstreamUnavailable` (502); a complete head has ranges inside the head, a status in 100...599,
/// never Content-Length with Transfer-Encoding, and framing consistent with the method and status.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzResponseHead(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 1 else { return 0 }
    let selector = Int(data[0])
    let method: HTTPMethod = selector & 1 == 0 ? .get : .head
    let bytes = UnsafeRawBufferPointer(start: data + 1, count: size - 1)
    let limits = HTTPLimits(maxHeaderBytes: 2048, maxHeaderCount: 32, maxBody: 1 << 16, maxChunkLine: 256)

    var parser = ResponseHeadParser(limits: limits)
    var head = ResponseHead()
    let whole = parser.parse(bytes, requestMethod: method, into: &head)

    let cut = bytes.count * (selector >> 1) / 128
    var splitParser = ResponseHeadParser(limits: limits)
    var splitHead = ResponseHead()
    var split = splitParser.parse(UnsafeRawBufferPointer(rebasing: bytes[..<cut]), requestMethod: method, into: &splitHead)
    if case .needMore = split { split = splitParser.parse(bytes, requestMethod: method, into: &splitHead) }
    precondition(whole == split, "split parse disagrees: \(whole) vs \(split)")

    switch whole {
    case .needMore:
        return 0
    case .error(let e):
        precondition(e.error == .upstreamUnavailable, "response error is not a 502")
        return 0
    case .complete(let consumed):
        precondition(head == splitHead, "split parse disagrees on the head")
        precondition(consumed == head.headLength && consumed <= bytes.count, "consumed out of range")
        precondition(head.status >= 100 && head.status <= 599 && head.status != 101, "status out of range")
        precondition(head.reason.start >= 0 && head.reason.end <= consumed, "reason outside the head")
        var contentLengths = 0
        var transferEncodings = 0
        for field in head.headers {
            precondition(field.name.end <= consumed && field.value.end <= consumed, "field outside the head")
            if field.kind == .contentLength { contentLengths += 1 }
            if field.kind == .transferEncoding { transferEncodings += 1 }
        }
        let bodyless = method == .head || head.status < 200 || head.status == 204 || head.status == 304
        switch head.framing {
        case .none: precondition(bodyless, "no body on a response that has one")
        case .contentLength(let n):
            precondition(!bodyless && n >= 0 && contentLengths == 1 && transferEncodings == 0, "bad length framing")
        case .chunked: precondition(!bodyless && contentLengths == 0 && head.version == .http11, "bad chunked framing")
        case .untilClose:
            precondition(!bodyless && contentLengths == 0 && transferEncodings == 0 && !head.keepAlive, "bad close framing")
        }
        return 0
    }
}
