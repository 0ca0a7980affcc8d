import Glibc
import SwitchyardCore

/// The JSON validator as a filter for `scripts/json-differential.py`: reads records from stdin, each a
/// 4-byte little-endian length then that many bytes, and prints one line per record: `valid`, or
/// `invalid <offset>`. One process serves a whole run, so the script can compare many thousands of
/// documents against Python's `json` module quickly.
@main
enum JSONVerdict {
    static func main() {
        var validator = JSONValidator()
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        var header = [UInt8](repeating: 0, count: 4)
        while readExactly(&header, 4) {
            let count = Int(header[0]) | Int(header[1]) << 8 | Int(header[2]) << 16 | Int(header[3]) << 24
            if buffer.count < count { buffer = [UInt8](repeating: 0, count: count) }
            guard readExactly(&buffer, count) else { break }
            let verdict = buffer.withUnsafeBytes { validator.validate(UnsafeRawBufferPointer(rebasing: $0[..<count])) }
            switch verdict {
            case .valid: print("valid")
            case .invalid(let offset, _): print("invalid \(offset)")
            case .incomplete: print("incomplete")
            }
        }
    }

    /// Fills the first `count` bytes of `into` from stdin; false at end of input.
    static func readExactly(_ into: inout [UInt8], _ count: Int) -> Bool {
        var got = 0
        while got < count {
            let n = into.withUnsafeMutableBytes { read(0, $0.baseAddress! + got, count - got) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return false }
            got += n
        }
        return true
    }
}
