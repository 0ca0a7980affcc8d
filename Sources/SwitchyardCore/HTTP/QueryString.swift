/// Reads parameters of a request target's query (`application/x-www-form-urlencoded`, as browsers
/// build it: `name=value` pairs joined by `&`, `+` for a space, `%XX` escapes). The admin API takes
/// the token of `GET /events` from `?token=` with it, because a browser's `EventSource` cannot send
/// an `Authorization` header.
public enum QueryString {
    /// The query part of `target` (after the first `?`, before any `#`), empty when there is none.
    public static func query(ofTarget target: String) -> Substring {
        guard let q = target.firstIndex(of: "?") else { return "" }
        let rest = target[target.index(after: q)...]
        return rest.firstIndex(of: "#").map { rest[..<$0] } ?? rest
    }

    /// The decoded value of the first parameter called `name` (compared after decoding), nil when
    /// absent or when its escapes are malformed. `name` alone, without `=`, has the empty value.
    public static func value(named name: String, in query: Substring) -> String? {
        for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
            let eq = pair.firstIndex(of: "=")
            let rawName = eq.map { pair[..<$0] } ?? pair[...]
            guard decode(rawName) == name else { continue }
            return eq.map { decode(pair[pair.index(after: $0)...]) } ?? ""
        }
        return nil
    }

    /// Percent-decodes `s` and turns `+` into a space; nil for a `%` not followed by two hex digits
    /// or bytes that are not UTF-8.
    static func decode(_ s: Substring) -> String? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(s.utf8.count)
        var it = s.utf8.makeIterator()
        while let b = it.next() {
            switch b {
            case UInt8(ascii: "+"):
                bytes.append(0x20)
            case UInt8(ascii: "%"):
                guard let h = it.next().flatMap(hexValue), let l = it.next().flatMap(hexValue) else { return nil }
                bytes.append(h << 4 | l)
            default:
                bytes.append(b)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hexValue(_ b: UInt8) -> UInt8? {
        switch b {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): b - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): b - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): b - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
