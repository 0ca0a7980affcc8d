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

    @Test("writes of every length from 0 to 40 (the inline small copy and memcpy) keep every byte, across growth and compaction")
    func everyLength() {
        let source = (0..<64).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
        for start in 0..<3 {
            var b = ByteBuffer(capacity: 16)
            var expected: [UInt8] = []
            for length in 0...40 {
                let slice = Array(source[start..<start + length])
                slice.withUnsafeBytes { b.write($0) }
                expected += slice
                if length % 7 == 6 {
                    // Leaves unread bytes at a non-zero reader index: the next growth compacts first.
                    b.consume(5)
                    expected.removeFirst(5)
                }
            }
            #expect(b.readableArray() == expected)
        }
    }

    @Test("decimals of every width, negative ones included")
    func decimals() {
        var b = ByteBuffer(capacity: 16)
        var expected = ""
        for value in [0, 7, -7, 10, 99, 100, -1000, 65_535, Int.max, Int.min, Int.min + 1] {
            b.write(decimal: value)
            b.write(byte: UInt8(ascii: ","))
            expected += "\(value),"
        }
        #expect(String(decoding: b.readableArray(), as: UTF8.self) == expected)
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
