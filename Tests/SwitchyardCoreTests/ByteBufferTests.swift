import Testing
@testable import SwitchyardCore

@Suite struct ByteBufferTests {
    @Test("writes, consumes, compacts and grows without losing bytes")
    func roundTrip() {
        var b = ByteBuffer(capacity: 16)
        b.write("hello ")
        b.write(string: "wörld")
        b.write(decimal: -1234)
        b.write(byte: 0x20)
        b.write(hex: 0x1af)
        #expect(String(decoding: b.readableArray(), as: UTF8.self) == "hello wörld-1234 1af")
        b.consume(6)
        b.write([UInt8](repeating: 65, count: 100))
        #expect(b.readableCount == 21 - 6 + 100)
        b.consume(b.readableCount)
        #expect(b.isEmpty && b.readerIndex == 0 && b.writerIndex == 0)
        b.shrinkIfIdle(to: 32)
        #expect(b.allocatedCapacity == 32)
    }

    @Test("removeLast takes back the bytes just written")
    func removeLast() {
        var b = ByteBuffer(capacity: 16)
        b.write("previous|")
        b.consume(3)
        b.write("HEAD")
        b.removeLast(4)
        #expect(b.readableArray() == Array("vious|".utf8))
        b.removeLast(6)
        #expect(b.isEmpty && b.readerIndex == 0)
    }

    @Test("decimal and hex of zero and large values")
    func numbers() {
        var b = ByteBuffer()
        b.write(decimal: 0); b.write(byte: 32); b.write(decimal: Int.max); b.write(byte: 32); b.write(hex: 0)
        #expect(String(decoding: b.readableArray(), as: UTF8.self) == "0 9223372036854775807 0")
    }
}

@Suite struct JSONEscapingTests {
    @Test("JSON strings escape quotes, backslashes and control characters", arguments: [
        ("plain", "\"plain\""),
        ("a\"b\\c", "\"a\\\"b\\\\c\""),
        ("line\nnext\ttab\r", "\"line\\nnext\\ttab\\r\""),
        ("\u{01}x\u{1f}", "\"\\u0001x\\u001f\""),
        ("é✓", "\"é✓\""),
    ])
    func escapes(input: String, expected: String) {
        var b = ByteBuffer()
        b.writeJSONString(input)
        #expect(String(decoding: b.readableArray(), as: UTF8.self) == expected)
    }
}
