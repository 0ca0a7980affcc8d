import Testing
@testable import SwitchyardCore

@Suite struct JSONValidatorTests {
    static func validate(_ bytes: [UInt8], maxDepth: Int = 128) -> JSONValidation {
        var v = JSONValidator(maxDepth: maxDepth)
        return bytes.withUnsafeBytes { v.validate($0) }
    }

    static func validate(_ text: String, maxDepth: Int = 128) -> JSONValidation {
        validate(Array(text.utf8), maxDepth: maxDepth)
    }

    @Test("valid documents of every top-level type", arguments: [
        "{}", "[]", "\"\"", "0", "-0", "12", "-1.5e+10", "0.25E-3", "1E2", "true", "false", "null",
        " \t\r\n[ 1 , \"a\" , { \"k\" : [ null , true , false ] } ] \n",
        "{\"a\":{\"b\":[[],{}]},\"c\":\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\uD83D\\uDE00\"}",
        "\"\\uD800\"", "\"\\uDC00x\"",   // lone surrogate escapes: accepted (JSONTestSuite i_)
        "\"é✓😀\"",
    ])
    func valid(text: String) {
        #expect(Self.validate(text) == .valid)
    }

    @Test("the error offset points at the first bad byte", arguments: [
        ("{\"a\":tru}", 8, "invalid literal"),
        ("", 0, "empty input"),
        ("   ", 3, "no value, only whitespace"),
        ("[1,]", 3, "expected a value"),
        ("{\"a\":1,}", 7, "expected a string key"),
        ("{\"a\" 1}", 5, "expected ':'"),
        ("{\"a\":1 \"b\":2}", 7, "expected ',' or '}'"),
        ("[1 2]", 3, "expected ',' or ']'"),
        ("[1}", 2, "expected ',' or ']'"),
        ("{\"a\":1]", 6, "expected ',' or '}'"),
        ("1 2", 2, "unexpected data after the value"),
        ("{} x", 3, "unexpected data after the value"),
        ("01", 1, "leading zero in number"),
        ("-a", 1, "expected a digit"),
        ("1.", 2, "unexpected end of input"),
        ("1.e3", 2, "expected a digit"),
        ("1e+", 3, "unexpected end of input"),
        ("[1e]", 3, "expected a digit"),
        ("+1", 0, "expected a value"),
        (".5", 0, "expected a value"),
        ("\"a\\x\"", 3, "invalid escape"),
        ("\"\\u12g4\"", 5, "invalid \\u escape"),
        ("\"a\tb\"", 2, "control character in string"),
        ("[\"abc", 5, "unexpected end of input"),
        ("[", 1, "unexpected end of input"),
        ("{\"a\":", 5, "unexpected end of input"),
        ("nul", 3, "unexpected end of input"),
        ("nulL", 3, "invalid literal"),
        ("True", 0, "expected a value"),
        ("truex", 4, "unexpected data after the value"),
        ("[-]", 2, "expected a digit"),
        ("'a'", 0, "expected a value"),
        ("[1,\u{0C}2]", 3, "expected a value"),  // form feed is not JSON whitespace
    ] as [(String, Int, StaticString)])
    func offsets(text: String, offset: Int, reason: StaticString) {
        #expect(Self.validate(text) == .invalid(offset: offset, reason: reason))
    }

    @Test("strict UTF-8: overlongs, surrogates, out of range and truncated sequences", arguments: [
        ([0x22, 0xC0, 0x80, 0x22], 1),            // overlong NUL
        ([0x22, 0xC1, 0xBF, 0x22], 1),            // overlong
        ([0x22, 0xE0, 0x80, 0x80, 0x22], 2),      // overlong 3-byte
        ([0x22, 0xED, 0xA0, 0x80, 0x22], 2),      // encoded surrogate U+D800
        ([0x22, 0xF0, 0x80, 0x80, 0x80, 0x22], 2),// overlong 4-byte
        ([0x22, 0xF4, 0x90, 0x80, 0x80, 0x22], 2),// above U+10FFFF
        ([0x22, 0xF5, 0x80, 0x80, 0x80, 0x22], 1),
        ([0x22, 0x80, 0x22], 1),                  // stray continuation
        ([0x22, 0xE2, 0x9C, 0x22], 3),            // truncated
        ([0x22, 0xFF, 0x22], 1),
        ([0xEF, 0xBB, 0xBF, 0x5B, 0x5D], 0),      // a byte order mark is not JSON
    ] as [([UInt8], Int)])
    func utf8Errors(bytes: [UInt8], offset: Int) {
        #expect(Self.validate(bytes).errorOffset == offset)
    }

    @Test("UTF-8 boundary code points are accepted", arguments: [
        [0xC2, 0x80], [0xDF, 0xBF], [0xE0, 0xA0, 0x80], [0xED, 0x9F, 0xBF], [0xEE, 0x80, 0x80],
        [0xEF, 0xBF, 0xBF], [0xF0, 0x90, 0x80, 0x80], [0xF4, 0x8F, 0xBF, 0xBF], [0x7F],
    ] as [[UInt8]])
    func utf8Boundaries(scalar: [UInt8]) {
        #expect(Self.validate([0x22] + scalar + [0x22]) == .valid)
    }

    @Test("the eight-bytes-at-a-time string scan finds special bytes at every position of a word")
    func wordScan() {
        for position in 0..<17 {
            func doc(_ special: [UInt8]) -> [UInt8] {
                [0x22] + [UInt8](repeating: 0x61, count: position) + special + [UInt8](repeating: 0x62, count: 20) + [0x22]
            }
            for control: UInt8 in [0x00, 0x01, 0x0A, 0x1F] {
                #expect(Self.validate(doc([control])) == .invalid(offset: 1 + position, reason: "control character in string"))
            }
            #expect(Self.validate(doc([0x22])) == .invalid(offset: 2 + position, reason: "unexpected data after the value"))
            #expect(Self.validate(doc([0x5C, 0x78])) == .invalid(offset: 2 + position, reason: "invalid escape"))
            #expect(Self.validate(doc([0xFF])) == .invalid(offset: 1 + position, reason: "invalid UTF-8"))
            // Neighbours of the special values are plain; escapes and UTF-8 sequences pass.
            #expect(Self.validate(doc([0x20, 0x21, 0x23, 0x5B, 0x5D, 0x7F, 0x5C, 0x5C, 0xC3, 0xA9, 0xF0, 0x9F, 0x98, 0x80])) == .valid)
        }
    }

    @Test("nesting up to maxDepth passes; one more fails at the offending bracket")
    func depthLimit() {
        #expect(Self.validate("[[[1]]]", maxDepth: 3) == .valid)
        #expect(Self.validate("[[[[1]]]]", maxDepth: 3) == .invalid(offset: 3, reason: "nesting too deep"))
        #expect(Self.validate("{\"a\":{\"b\":{}}}", maxDepth: 2) == .invalid(offset: 10, reason: "nesting too deep"))
        let ok = String(repeating: "[", count: 128) + String(repeating: "]", count: 128)
        let deep = String(repeating: "[", count: 129) + String(repeating: "]", count: 129)
        #expect(Self.validate(ok) == .valid)
        #expect(Self.validate(deep) == .invalid(offset: 128, reason: "nesting too deep"))
    }

    @Test("objects and arrays alternate correctly across the bit stack's 64-bit words")
    func deepMixedNesting() {
        // Level k is an object when k % 3 == 0, else an array; closing checks each level's kind.
        let depth = 200
        var open = "", close = ""
        for k in 0..<depth {
            if k % 3 == 0 { open += "{\"k\":"; close = "}" + close } else { open += "["; close = "]" + close }
        }
        let doc = open + "1" + close
        #expect(Self.validate(doc, maxDepth: depth) == .valid)
        // After the innermost value, close every level and add a sibling to each container.
        var siblings = open + "1"
        for k in stride(from: depth - 1, through: 0, by: -1) {
            siblings += k % 3 == 0 ? ",\"x\":2}" : ",2]"
        }
        #expect(Self.validate(siblings, maxDepth: depth) == .valid)
        #expect(Self.validate(open + "1" + String(repeating: "]", count: depth), maxDepth: depth).errorOffset != nil)
    }

    @Test("feeding in two or three pieces at every split point agrees with validate", arguments: [
        "{\"key\":[1,-2.5e+3,true,false,null,\"\\u00e9\\n\",\"é😀\"]}",
        "[0,1.0,1e1,-0E-0,\"\\\\\"]",
        "{\"a\":tru}",
        "[\"\u{7F}\",\"\\uDBFF\\uDFFF\"] ",
        "123",
        "[1,2,",
        "\"é\\q\"",
        // The `"key":` and `,"key"` shortcuts, and their near misses.
        "{\"a\":1,\"b\":\"x\",\"c\" : 2 , \"d\":{},\"e\":[\"f\",\"g\"]}",
        "{\"a\":1,\"b\"x}",
        "{\"a\":1,}",
        "{\"a\":1,\"b\":2,\"\"",
    ])
    func splits(text: String) {
        let bytes = Array(text.utf8)
        let expected = Self.validate(bytes)
        var v = JSONValidator()
        bytes.withUnsafeBytes { buf in
            for a in 0...buf.count {
                for b in a...buf.count {
                    let got = JSONTestSuiteTests.feedPieces(buf, cuts: [0, a, b, buf.count], validator: &v)
                    #expect(got == expected, "cut at \(a), \(b)")
                }
            }
        }
    }

    @Test("feed answers incomplete until finish, stays invalid after an error, and reset reuses the validator")
    func streamingLifecycle() {
        var v = JSONValidator()
        #expect(Array("12".utf8).withUnsafeBytes { v.feed($0) } == .incomplete)
        #expect(Array("3".utf8).withUnsafeBytes { v.feed($0) } == .incomplete)
        #expect(v.finish() == .valid)

        v.reset()
        #expect(Array("[1,".utf8).withUnsafeBytes { v.feed($0) } == .incomplete)
        let bad = Array("]".utf8).withUnsafeBytes { v.feed($0) }
        #expect(bad == .invalid(offset: 3, reason: "expected a value"))
        #expect(Array("2]".utf8).withUnsafeBytes { v.feed($0) } == bad)
        #expect(v.finish() == bad)

        v.reset()
        #expect(v.feed(UnsafeRawBufferPointer(start: nil, count: 0)) == .incomplete)
        #expect(v.finish() == .invalid(offset: 0, reason: "empty input"))
        #expect(Array("{}".utf8).withUnsafeBytes { v.validate($0) } == .valid)
        #expect(Array("{".utf8).withUnsafeBytes { v.validate($0) } == .invalid(offset: 1, reason: "unexpected end of input"))
    }
}
