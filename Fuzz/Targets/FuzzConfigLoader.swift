import SwitchyardCore

/// libFuzzer target: `ConfigLoader.load(bytes:file:)` (libyaml reader and config decoder) on
/// arbitrary bytes. Checks: never crashes; a failure carries at least one diagnostic with a line and
/// column that are not negative.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzConfigLoader(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    switch ConfigLoader.load(bytes: bytes, file: "fuzz.yaml") {
    case .success(let config):
        precondition(!config.services.isEmpty, "a config without services was accepted")
    case .failure(let failure):
        precondition(!failure.diagnostics.isEmpty, "a failure without diagnostics")
        for d in failure.diagnostics { precondition(d.line >= 0 && d.column >= 0, "negative mark") }
    }
    return 0
}
