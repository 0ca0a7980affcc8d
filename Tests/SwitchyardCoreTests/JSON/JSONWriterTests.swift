import Testing
@testable import SwitchyardCore

@Suite struct JSONWriterTests {
    static func text(_ out: borrowing ByteBuffer) -> String {
        String(decoding: out.readableArray(), as: UTF8.self)
    }

    static func isValidJSON(_ out: borrowing ByteBuffer) -> Bool {
        var v = JSONValidator()
        return out.withReadableBytes { v.validate($0) } == .valid
    }

    @Test("nested objects and arrays get their commas and colons; the validator accepts the result")
    func nested() {
        var out = ByteBuffer()
        var w = JSONWriter()
        w.beginObject(into: &out)
        w.key("service", into: &out); w.value("orders", into: &out)
        w.key("instances", into: &out)
        w.beginArray(into: &out)
        for (name, healthy) in [("a", true), ("b", false)] {
            w.beginObject(into: &out)
            w.key("name", into: &out); w.value(name, into: &out)
            w.key("healthy", into: &out); w.value(healthy, into: &out)
            w.key("state", into: &out); w.value(healthy ? "healthy" as StaticString : "open", into: &out)
            w.key("latency_ms", into: &out); w.value(12.5, into: &out)
            w.key("cooldown_until", into: &out); w.null(into: &out)
            w.key("history", into: &out); w.beginArray(into: &out); w.endArray(into: &out)
            w.endObject(into: &out)
        }
        w.endArray(into: &out)
        w.key(String("tötal\"s"), into: &out); w.value(-3, into: &out)
        w.key("empty", into: &out); w.beginObject(into: &out); w.endObject(into: &out)
        w.endObject(into: &out)
        #expect(w.isComplete)
        #expect(Self.text(out) == """
            {"service":"orders","instances":[\
            {"name":"a","healthy":true,"state":"healthy","latency_ms":12.5,"cooldown_until":null,"history":[]},\
            {"name":"b","healthy":false,"state":"open","latency_ms":12.5,"cooldown_until":null,"history":[]}],\
            "tötal\\"s":-3,"empty":{}}
            """)
        let isValid = Self.isValidJSON(out); #expect(isValid)
    }

    @Test("doubles: at most N decimals, rounded half away from zero, trailing zeros trimmed, non-finite as null", arguments: [
        (0.0, 3, "0"), (-0.0, 3, "0"), (2.0, 3, "2"), (1.5, 3, "1.5"), (0.1 + 0.2, 3, "0.3"),
        (0.05, 3, "0.05"), (0.001, 3, "0.001"), (0.0004, 3, "0"), (-0.0004, 3, "0"), (-0.0006, 3, "-0.001"),
        (123.4567, 3, "123.457"), (-1.25, 1, "-1.3"), (99.99, 1, "100"), (7.0, 0, "7"), (2.5, 0, "3"),
        (0.123456789, 9, "0.123456789"), (1234567.125, 2, "1234567.13"), (1e20, 3, "1e+20"),
        (-1e300, 3, "-1e+300"), (Double.nan, 3, "null"), (Double.infinity, 3, "null"), (-Double.infinity, 3, "null"),
    ] as [(Double, Int, String)])
    func doubles(number: Double, digits: Int, expected: String) {
        var out = ByteBuffer()
        var w = JSONWriter()
        w.value(number, fractionDigits: digits, into: &out)
        #expect(Self.text(out) == expected)
        let isValid = Self.isValidJSON(out); #expect(isValid)
    }

    @Test("top-level scalars and integer extremes")
    func scalars() {
        for (write, expected) in [
            ({ (w: inout JSONWriter, o: inout ByteBuffer) in w.value(Int.min, into: &o) }, "-9223372036854775808"),
            ({ (w: inout JSONWriter, o: inout ByteBuffer) in w.value(Int.max, into: &o) }, "9223372036854775807"),
            ({ (w: inout JSONWriter, o: inout ByteBuffer) in w.value(false, into: &o) }, "false"),
            ({ (w: inout JSONWriter, o: inout ByteBuffer) in w.null(into: &o) }, "null"),
            ({ (w: inout JSONWriter, o: inout ByteBuffer) in w.value("a\nb\u{1}", into: &o) }, "\"a\\nb\\u0001\""),
        ] {
            var out = ByteBuffer()
            var w = JSONWriter()
            #expect(!w.isComplete)
            write(&w, &out)
            #expect(w.isComplete)
            #expect(Self.text(out) == expected)
            let isValid = Self.isValidJSON(out); #expect(isValid)
        }
    }

    @Test("arrays of arrays and the writer leaves surrounding buffer bytes alone")
    func arraysAndPrefix() {
        var out = ByteBuffer()
        out.write("data: ")
        var w = JSONWriter()
        w.beginArray(into: &out)
        w.beginArray(into: &out); w.value(1, into: &out); w.value(2, into: &out); w.endArray(into: &out)
        w.beginArray(into: &out); w.endArray(into: &out)
        w.value(0.5, into: &out)
        w.beginObject(into: &out); w.key("k", into: &out); w.beginArray(into: &out); w.null(into: &out); w.endArray(into: &out); w.endObject(into: &out)
        w.endArray(into: &out)
        #expect(w.isComplete)
        #expect(Self.text(out) == "data: [[1,2],[],0.5,{\"k\":[null]}]")
        out.consume(6)
        let isValid = Self.isValidJSON(out); #expect(isValid)
    }

    @Test("64 levels of nesting alternate objects and arrays correctly")
    func deepNesting() {
        var out = ByteBuffer()
        var w = JSONWriter()
        for k in 0..<JSONWriter.maxDepth {
            if k % 2 == 0 { w.beginObject(into: &out); w.key("k", into: &out) } else { w.beginArray(into: &out); w.value(k, into: &out) }
        }
        w.value(true, into: &out)
        for k in stride(from: JSONWriter.maxDepth - 1, through: 0, by: -1) {
            if k % 2 == 0 { w.key("z", into: &out); w.value(k, into: &out); w.endObject(into: &out) } else { w.endArray(into: &out) }
        }
        #expect(w.isComplete)
        let isValid = Self.isValidJSON(out); #expect(isValid)
    }
}
