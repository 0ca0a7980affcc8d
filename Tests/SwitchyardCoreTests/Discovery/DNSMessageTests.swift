import Testing
@testable import SwitchyardCore

@Suite struct DNSMessageTests {
    /// `dig example.com A` as a recursive resolver answers it: the answer's owner is a pointer to
    /// the question name (0xC00C), TTL 3600, 93.184.216.34.
    static let capturedA: [UInt8] = [
        0x1A, 0x2B, 0x81, 0x80, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
        0x07, 0x65, 0x78, 0x61, 0x6D, 0x70, 0x6C, 0x65, 0x03, 0x63, 0x6F, 0x6D, 0x00, 0x00, 0x01, 0x00, 0x01,
        0xC0, 0x0C, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x0E, 0x10, 0x00, 0x04, 0x5D, 0xB8, 0xD8, 0x22,
    ]

    /// An SRV answer as Consul sends it: SRV records in the answer, the targets' A records in the
    /// additional section, names compressed.
    static func consulSRV() throws -> [UInt8] {
        var m = DNSTestMessage(answering: try DNSQuery(id: 0x4242, name: "web.service.consul", type: .srv))
        m.answers = [DNSTestMessage.record("web.service.consul", .srv, ttl: 0,
                                           .srv(priority: 1, weight: 1, port: 21000, target: "0a000001.addr.dc1.consul")),
                     DNSTestMessage.record("web.service.consul", .srv, ttl: 0,
                                           .srv(priority: 1, weight: 1, port: 21001, target: "0a000002.addr.dc1.consul"))]
        m.additionals = [DNSTestMessage.record("0a000001.addr.dc1.consul", .a, ttl: 0, .a("10.0.0.1")),
                         DNSTestMessage.record("0a000002.addr.dc1.consul", .a, ttl: 0, .a("10.0.0.2"))]
        return m.bytes()
    }

    @Test("a captured A answer: header flags, the question, one compressed record")
    func capturedAnswer() throws {
        let message = try DNSMessage(parsing: Self.capturedA)
        #expect(message.header.id == 0x1A2B && message.header.isResponse && !message.header.isTruncated)
        #expect(message.header.recursionAvailable && message.header.opcode == 0 && message.responseCode == .noError)
        #expect(message.questions == [DNSQuestion(name: try DNSName("example.com"), type: .a)])
        #expect(message.answers == [DNSRecord(name: try DNSName("example.com"), type: .a, ttl: 3600,
                                              data: .address(IPAddress("93.184.216.34")!))])
    }

    @Test("the encoded query reads back as itself, OPT record included")
    func queryReadsBack() throws {
        let query = try DNSQuery(id: 7, name: "db.service.consul", type: .aaaa)
        let message = try DNSMessage(parsing: query.encoded())
        #expect(message.header.id == 7 && !message.header.isResponse && message.header.recursionDesired)
        #expect(message.questions == [DNSQuestion(name: try DNSName("db.service.consul"), type: .aaaa)])
        #expect(message.additionals.first?.type == .opt && message.additionals.first?.classCode == 1232)
    }

    @Test("SRV targets and additional A records decode through compression pointers")
    func srvWithAdditionals() throws {
        let message = try DNSMessage(parsing: try Self.consulSRV())
        let target = try DNSName("0a000002.addr.dc1.consul")
        #expect(message.answers[1].data == .service(DNSServiceRecord(priority: 1, weight: 1, port: 21001, target: target)))
        #expect(message.additionals[1].name == target && message.additionals[1].data == .address(IPAddress("10.0.0.2")!))
    }

    @Test("AAAA, CNAME and SOA RDATA decode; other types are skipped by length")
    func otherTypes() throws {
        var m = DNSTestMessage(id: 1)
        m.answers = [DNSTestMessage.record("a.example", .cname, .cname("b.example")),
                     DNSTestMessage.record("b.example", .aaaa, .aaaa("2001:db8::1")),
                     DNSTestMessage.record("b.example", .txt, .raw([3, 0x61, 0x62, 0x63]))]
        m.authorities = [DNSTestMessage.record("example", .soa, ttl: 900, .soa(minimum: 5))]
        let message = try DNSMessage(parsing: m.bytes())
        #expect(message.answers.map(\.data) == [.canonicalName(try DNSName("b.example")),
                                                .address(IPAddress("2001:db8::1")!), .other(length: 4)])
        guard case .startOfAuthority(let soa) = message.authorities[0].data else { Issue.record("no SOA"); return }
        let primary = try DNSName("ns.example")
        #expect(soa.minimum == 5 && soa.primary == primary)
    }

    @Test("a TTL with the top bit set reads as 0 (RFC 2181 section 8)")
    func negativeTTL() throws {
        var m = DNSTestMessage(id: 1)
        m.answers = [DNSTestMessage.record("a.example", .a, ttl: 0x8000_0001, .a("10.0.0.1"))]
        #expect(try DNSMessage(parsing: m.bytes()).answers[0].ttl == 0)
    }

    @Test("an OPT record extends the RCODE (BADVERS is 16: header 0, OPT upper bits 1)")
    func extendedRCode() throws {
        var m = DNSTestMessage(id: 1)
        m.additionals = [DNSTestMessage.Record(name: ".", type: .opt, classCode: 1232, ttl: 0x0100_0000, data: .raw([]))]
        #expect(try DNSMessage(parsing: m.bytes()).responseCode == .badVersion)
    }

    @Test("bytes after the last record are ignored")
    func trailingBytes() throws {
        #expect(try DNSMessage(parsing: Self.capturedA + [1, 2, 3]) == DNSMessage(parsing: Self.capturedA))
    }

    // MARK: Malformed input: a typed error, never a trap or a loop

    static func header(answers: UInt16 = 1) -> [UInt8] {
        [0x1A, 0x2B, 0x81, 0x80, 0x00, 0x00, 0x00, UInt8(answers), 0x00, 0x00, 0x00, 0x00]
    }
    static let aTail: [UInt8] = [0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x3C, 0x00, 0x04, 10, 0, 0, 1]

    @Test("malformed messages are rejected with the error and offset where reading stopped",
          arguments: [
            ([0x1A, 0x2B, 0x81], DNSParseError.shortHeader(length: 3)),
            // A pointer to itself, and one to a later offset: neither points backwards.
            (header() + [0xC0, 0x0C] + aTail, .pointerNotBackwards(offset: 12, target: 12)),
            (header() + [0xC0, 0x0E, 0x00] + aTail, .pointerNotBackwards(offset: 12, target: 14)),
            // Two labels whose pointer goes back into the same name: a loop through the label run.
            (header() + [0x01, 0x61, 0xC0, 0x0C] + aTail, .pointerNotBackwards(offset: 14, target: 12)),
            (header() + [0xFF, 0xFF] + aTail, .pointerOutOfBounds(offset: 12, target: 0x3FFF)),
            (header() + [0x40, 0x61, 0x00] + aTail, .reservedLabelType(offset: 12)),
            (header() + [0x05, 0x61, 0x62], .truncated(offset: 12)),
            (header() + [0xC0], .truncated(offset: 12)),
            (header() + [0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00], .truncated(offset: 17)),
            (header() + [0x00] + aTail.dropLast(), .truncated(offset: 23)),
            (header() + [0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x3C, 0x00, 0x05, 10, 0, 0, 1, 2],
             .badRecordLength(type: .a, length: 5, offset: 23)),
            (header() + [0x00, 0x00, 0x21, 0x00, 0x01, 0x00, 0x00, 0x00, 0x3C, 0x00, 0x03, 0, 1, 0],
             .badRecordLength(type: .srv, length: 3, offset: 23)),
            // A CNAME whose target runs past its RDLENGTH of 2.
            (header() + [0x00, 0x00, 0x05, 0x00, 0x01, 0x00, 0x00, 0x00, 0x3C, 0x00, 0x02, 0x03, 0x61, 0x62, 0x63, 0x00],
             .truncated(offset: 23)),
            // A CNAME target shorter than its RDLENGTH.
            (header() + [0x00, 0x00, 0x05, 0x00, 0x01, 0x00, 0x00, 0x00, 0x3C, 0x00, 0x02, 0x00, 0x00],
             .badRecordLength(type: .cname, length: 2, offset: 23)),
          ])
    func malformed(bytes: [UInt8], error: DNSParseError) {
        #expect(throws: error) { try DNSMessage(parsing: bytes) }
    }

    @Test("a name over 255 bytes is refused even when every pointer goes backwards")
    func nameTooLong() {
        // Four 63-byte labels (256 bytes with their length bytes) then the root: one byte too many.
        let label = [UInt8(63)] + [UInt8](repeating: 0x61, count: 63)
        let bytes = Self.header() + label + label + label + label + [0x00] + Self.aTail
        #expect(throws: DNSParseError.nameTooLong(offset: 12)) { try DNSMessage(parsing: bytes) }
    }

    @Test("a chain of more than 64 backward pointers is refused")
    func pointerChain() {
        // A TXT record whose RDATA is a root label followed by 70 pointers, each to the previous one;
        // the next record's owner is a pointer to the last of them.
        let rdataStart = 12 + 1 + 10
        var rdata: [UInt8] = [0x00]
        for i in 0..<70 {
            let previous = rdataStart + (i == 0 ? 0 : 1 + 2 * (i - 1))
            rdata += [0xC0 | UInt8(previous >> 8), UInt8(previous & 0xFF)]
        }
        let last = rdataStart + 1 + 2 * 69
        let txt: [UInt8] = [0x00, 0x00, 0x10, 0x00, 0x01, 0x00, 0x00, 0x00, 0x3C, 0x00, UInt8(rdata.count)] + rdata
        let bytes = Self.header(answers: 2) + txt + [0xC0 | UInt8(last >> 8), UInt8(last & 0xFF)] + Self.aTail
        #expect(throws: DNSParseError.tooManyPointers(offset: rdataStart + rdata.count)) { try DNSMessage(parsing: bytes) }
    }

    @Test("every truncation of a valid answer is a typed error")
    func everyPrefix() throws {
        let whole = try Self.consulSRV()
        for n in 0..<whole.count {
            #expect(throws: DNSParseError.self) { try DNSMessage(parsing: Array(whole[..<n])) }
        }
    }

    @Test("single-byte corruptions anywhere never trap, and parse the same way twice")
    func corruptions() throws {
        let whole = try Self.consulSRV()
        for i in whole.indices {
            for value: UInt8 in [0x00, 0x01, 0x3F, 0x40, 0x80, 0xC0, 0xFF, whole[i] ^ 0x80] {
                var bytes = whole
                bytes[i] = value
                let first = Result { () throws(DNSParseError) in try DNSMessage(parsing: bytes) }
                let second = Result { () throws(DNSParseError) in try DNSMessage(parsing: bytes) }
                #expect(first == second)
            }
        }
    }
}
