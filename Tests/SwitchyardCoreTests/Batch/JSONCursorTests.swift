import Testing
@testable import SwitchyardCore

@Suite struct JSONCursorTests {
    static func withCursor<R>(_ text: String, _ body: (inout JSONCursor) -> R) -> R {
        Array(text.utf8).withUnsafeBytes { bytes in
            var cursor = JSONCursor(bytes)
            return body(&cursor)
        }
    }

    @Test("strings decode every RFC 8259 escape; surrogate pairs join and a lone surrogate becomes U+FFFD", arguments: [
        (#""plain""#, "plain"),
        (#""a\"b\\c\/d""#, "a\"b\\c/d"),
        (#""\b\f\n\r\t""#, "\u{08}\u{0C}\n\r\t"),
        (#""caf\u00E9 \u20ac""#, "café €"),
        (#""\ud83d\ude00!""#, "😀!"),
        (#""\ud800x""#, "\u{FFFD}x"),
        (#""\udc00""#, "\u{FFFD}"),
        (#""\ud800\u0041""#, "\u{FFFD}A"),
        ("\"é😀\"", "é😀"),
    ])
    func strings(_ json: String, _ decoded: String) {
        let (text, range) = Self.withCursor(json) { $0.readString() }
        #expect(text == decoded)
        #expect(range == ByteRange(start: 0, count: json.utf8.count))
    }

    @Test("skipValue spans a whole value, brackets inside strings included, without surrounding whitespace", arguments: [
        (#"  {"a": "]}", "b": [1, {"c": "\"}"}]}  ,"#, 2, 35),
        (#"[[], [[]], "[" ]"#, 0, 16),
        (#" -1.5e+3 ]"#, 1, 7),
        (#"true,"#, 0, 4),
        (#"null}"#, 0, 4),
        (#""x\\" ,"#, 0, 5),
    ])
    func skip(_ json: String, _ start: Int, _ count: Int) {
        let range = Self.withCursor(json) { $0.skipValue() }
        #expect(range == ByteRange(start: start, count: count))
    }

    @Test("kinds are told from the first byte after whitespace")
    func kinds() {
        let kinds = Self.withCursor(#" {"#) { c in c.kind() }
        #expect(kinds == .object)
        #expect(Self.withCursor("") { $0.kind() } == .end)
        #expect(Self.withCursor("\t\n -0") { $0.kind() } == .number)
    }

    @Test("reads stop at the end of a cut input instead of running past it")
    func cutInput() {
        #expect(Self.withCursor(#""abc"#) { $0.readString().0 } == "abc")
        #expect(Self.withCursor(#""\u12"#) { c in c.readString().1.end } == 5)
        #expect(Self.withCursor(#"{"a": ["#) { $0.skipValue() } == ByteRange(start: 0, count: 7))
    }
}
