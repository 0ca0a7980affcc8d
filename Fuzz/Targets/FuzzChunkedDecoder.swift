import SwitchyardCore

/// libFuzzer target: `ChunkedDecoder` on arbitrary bytes.
///
/// Input layout: byte 0 picks the split point, the rest is a chunked body (and whatever follows it).
/// Checks: `decode` and `scan` agree on the outcome and end offset (unless `decode` refused the body
/// as too large, a limit `scan` does not apply); `decode` in two pieces gives the same outcome, end
/// offset and data bytes as in one; the data bytes number `bodyCount`.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzChunkedDecoder(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 1 else { return 0 }
    let selector = Int(data[0])
    let bytes = UnsafeRawBufferPointer(start: data + 1, count: size - 1)
    let limits = HTTPLimits(maxHeaderBytes: 512, maxHeaderCount: 32, maxBody: 1 << 12, maxChunkLine: 64)

    var decoder = ChunkedDecoder(limits: limits)
    var out = ByteBuffer(capacity: 256)
    let decoded = decoder.decode(bytes, into: &out)
    precondition(out.readableCount == decoder.bodyCount, "bodyCount differs from the bytes written")

    var scanner = ChunkedDecoder(limits: limits)
    let scanned = scanner.scan(bytes)
    if case .error(let e) = decoded, e.error == .bodyTooLarge {
        // `scan` has no body limit: it may go on; it must not fail earlier with another error.
    } else {
        precondition(decoded == scanned, "decode and scan disagree: \(decoded) vs \(scanned)")
        precondition(scanner.bodyCount == decoder.bodyCount, "decode and scan disagree on bodyCount")
    }

    // Two pieces: the end offset of the second call counts from the cut.
    let cut = bytes.count * selector / 256
    var pieces = ChunkedDecoder(limits: limits)
    var piecesOut = ByteBuffer(capacity: 256)
    var combined = pieces.decode(UnsafeRawBufferPointer(rebasing: bytes[..<cut]), into: &piecesOut)
    if case .needMore(let consumed) = combined {
        precondition(consumed == cut, "needMore did not consume the whole input")
        switch pieces.decode(UnsafeRawBufferPointer(rebasing: bytes[cut...]), into: &piecesOut) {
        case .done(let n): combined = .done(consumed: cut + n)
        case .needMore(let n): combined = .needMore(consumed: cut + n)
        case .error(let e): combined = .error(e)
        }
    }
    precondition(combined == decoded, "split decode disagrees: \(combined) vs \(decoded)")
    let a = out.readableArray()
    let b = piecesOut.readableArray()
    precondition(a == b, "split decode produced other data bytes")
    if case .done(let n) = decoded { precondition(n >= 5 && n <= bytes.count, "end offset out of range") }
    return 0
}
