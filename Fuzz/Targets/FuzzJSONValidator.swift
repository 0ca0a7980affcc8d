import SwitchyardCore

/// libFuzzer target: `JSONValidator` on arbitrary bytes.
///
/// Checks: `validate` on the whole input equals `feed` one byte at a time then `finish()`, and `feed`
/// in two pieces (split point from the input's length and first byte), error offset included; an
/// error offset lies within the input. Maximum depth is small (16) so deep nesting is reached.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSONValidator(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    var validator = JSONValidator(maxDepth: 16)
    let whole = validator.validate(bytes)
    precondition(whole != .incomplete, "validate answered incomplete")
    if case .invalid(let offset, _) = whole { precondition(offset >= 0 && offset <= size, "offset out of range") }

    validator.reset()
    var bytewise = JSONValidation.incomplete
    for i in 0..<size {
        bytewise = validator.feed(UnsafeRawBufferPointer(rebasing: bytes[i..<i + 1]))
        if case .invalid = bytewise { break }
    }
    if case .incomplete = bytewise { bytewise = validator.finish() }
    precondition(whole == bytewise, "byte-at-a-time disagrees: \(whole) vs \(bytewise)")

    let cut = size == 0 ? 0 : (Int(data[0]) * 7 + size / 2) % (size + 1)
    validator.reset()
    var split = validator.feed(UnsafeRawBufferPointer(rebasing: bytes[..<cut]))
    if case .incomplete = split { split = validator.feed(UnsafeRawBufferPointer(rebasing: bytes[cut...])) }
    if case .incomplete = split { split = validator.finish() }
    precondition(whole == split, "two-piece feed disagrees: \(whole) vs \(split)")
    return 0
}
