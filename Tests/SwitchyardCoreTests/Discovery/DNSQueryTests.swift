import Testing
@testable import SwitchyardCore

@Suite struct DNSQueryTests {
    static let header: [UInt8] = [0xAB, 0xCD, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00]
    static let exampleCom: [UInt8] = [7] + Array("example".utf8) + [3] + Array("com".utf8) + [0]

    @Test("an A query without EDNS is byte-exact: header with RD, one question, class IN")
    func plainQuery() throws {
        let query = try DNSQuery(id: 0xABCD, name: "example.com", type: .a, advertisesEDNS: false)
        let expected = Self.header + [0x00, 0x00] + Self.exampleCom + [0x00, 0x01, 0x00, 0x01]
        #expect(query.encoded() == expected)
        #expect(query.encodedCount == expected.count)
    }

    @Test("EDNS0 adds one OPT record advertising a 1232-byte UDP payload (RFC 6891)")
    func ednsQuery() throws {
        let query = try DNSQuery(id: 0xABCD, name: "example.com.", type: .srv)
        let opt: [UInt8] = [0x00, 0x00, 0x29, 0x04, 0xD0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00]
        let expected = Self.header + [0x00, 0x01] + Self.exampleCom + [0x00, 0x21, 0x00, 0x01] + opt
        #expect(query.encoded() == expected)
        #expect(query.encodedCount == expected.count)
    }

    @Test("the query writes the same bytes into a ByteBuffer")
    func byteBuffer() throws {
        let query = try DNSQuery(id: 7, name: "db.service.consul", type: .aaaa)
        var buffer = ByteBuffer()
        query.write(into: &buffer)
        #expect(buffer.readableArray() == query.encoded())
    }

    @Test("an invalid name is a typed error, not a query")
    func invalidName() {
        #expect(throws: DNSNameError.emptyLabel(offset: 4)) { try DNSQuery(id: 1, name: "web..consul", type: .a) }
    }
}
