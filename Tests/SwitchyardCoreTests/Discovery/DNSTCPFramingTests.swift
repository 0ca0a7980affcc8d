import Testing
@testable import SwitchyardCore

@Suite struct DNSTCPFramingTests {
    @Test("a framed query is its two-byte big-endian length then the message (RFC 1035 4.2.2)")
    func frame() throws {
        let query = try DNSQuery(id: 0xABCD, name: "example.com", type: .a, advertisesEDNS: false)
        let framed = DNSTCPFraming.frame(query.encoded())
        #expect(framed.count == 2 + 29 && Array(framed.prefix(4)) == [0x00, 0x1D, 0xAB, 0xCD])
        var buffer = ByteBuffer()
        DNSTCPFraming.write(query.encoded(), into: &buffer)
        #expect(buffer.readableArray() == framed)
    }

    @Test("a message is extracted only once all its bytes are in the stream, one byte at a time")
    func incremental() throws {
        let first = try DNSMessageTests.consulSRV(), second = DNSMessageTests.capturedA
        let stream = DNSTCPFraming.frame(first) + DNSTCPFraming.frame(second)
        var buffer = ByteBuffer(capacity: 16)
        var messages: [[UInt8]] = []
        for byte in stream {
            buffer.write(byte: byte)
            if let message = DNSTCPFraming.takeMessage(from: &buffer) { messages.append(message) }
        }
        #expect(messages == [first, second] && buffer.isEmpty)
    }

    @Test("the array form reports what it consumed and waits on a partial prefix or body")
    func arrayForm() {
        #expect(DNSTCPFraming.nextMessage(in: []) == nil)
        #expect(DNSTCPFraming.nextMessage(in: [0x00]) == nil)
        #expect(DNSTCPFraming.nextMessage(in: [0x00, 0x03, 1, 2]) == nil)
        let found = DNSTCPFraming.nextMessage(in: [0x00, 0x03, 1, 2, 3, 9])
        #expect(found?.message == [1, 2, 3] && found?.consumed == 5)
        let empty = DNSTCPFraming.nextMessage(in: [0x00, 0x00, 7])
        #expect(empty?.message == [] && empty?.consumed == 2)
    }
}
