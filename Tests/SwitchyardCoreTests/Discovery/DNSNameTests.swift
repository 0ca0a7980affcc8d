import Testing
@testable import SwitchyardCore

@Suite struct DNSNameTests {
    @Test("a name becomes length-prefixed labels ending in the root's zero byte; a trailing dot changes nothing")
    func wireForm() throws {
        let name = try DNSName("web.service.consul")
        #expect(name.wire == [3] + Array("web".utf8) + [7] + Array("service".utf8) + [6] + Array("consul".utf8) + [0])
        #expect(try DNSName("web.service.consul.") == name)
        #expect(name.description == "web.service.consul")
        #expect(name.labels.count == 3)
    }

    @Test("SRV owner names with underscores are accepted")
    func underscores() throws {
        #expect(try DNSName("_http._tcp.web.default.svc.cluster.local").labels.count == 7)
    }

    @Test("comparison and hashing ignore ASCII case (RFC 4343)")
    func caseInsensitive() throws {
        let a = try DNSName("Web.Service.CONSUL"), b = try DNSName("web.service.consul")
        #expect(a == b)
        #expect(Set([a, b]).count == 1)
        #expect(a.description == "Web.Service.CONSUL")
        #expect(try DNSName("web.service.consul") != DNSName("web.service.consun"))
    }

    @Test("invalid names report the first problem with its offset",
          arguments: [("", DNSNameError.empty), (".", .empty), ("a..b", .emptyLabel(offset: 2)), (".a", .emptyLabel(offset: 0)),
                      ("a.b..", .emptyLabel(offset: 4)), ("a b", .invalidCharacter(32, offset: 1)),
                      ("é.com", .invalidCharacter(0xC3, offset: 0)),
                      (String(repeating: "x", count: 64) + ".com", .labelTooLong(length: 64, offset: 0))])
    func rejected(text: String, error: DNSNameError) {
        #expect(throws: error) { try DNSName(text) }
    }

    @Test("253 bytes is the longest name; 254 is refused")
    func lengthLimit() throws {
        let label = String(repeating: "a", count: 63)
        let name253 = [label, label, label, String(repeating: "b", count: 61)].joined(separator: ".")
        #expect(name253.utf8.count == 253)
        #expect(try DNSName(name253).wire.count == 255)
        #expect(try DNSName(name253 + ".").wire.count == 255)
        #expect(throws: DNSNameError.tooLong(length: 254)) { try DNSName(name253 + "b") }
    }

    @Test("names read from the wire print odd bytes as \\DDD")
    func escapes() {
        let name = DNSName(wire: [3, UInt8(ascii: "a"), UInt8(ascii: "."), 0x07, 0])
        #expect(name.description == "a\\046\\007")
        #expect(DNSName.root.description == ".")
    }

    @Test("errors read as sentences")
    func messages() {
        #expect(DNSNameError.labelTooLong(length: 64, offset: 4).description
                == "the label at byte 4 is 64 bytes long; a label has at most 63")
        #expect(DNSNameError.invalidCharacter(UInt8(ascii: "*"), offset: 0).description
                == "`*` at byte 0 is not allowed in a name (letters, digits, `-`, `_` and dots)")
    }
}
