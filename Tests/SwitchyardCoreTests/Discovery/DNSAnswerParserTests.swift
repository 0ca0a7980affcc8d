import Testing
@testable import SwitchyardCore

@Suite struct DNSAnswerParserTests {
    static func name(_ text: String) -> DNSName { try! DNSName(text) }
    static func ip(_ text: String) -> IPAddress { IPAddress(text)! }
    static func query(_ text: String, _ type: DNSRecordType, id: UInt16 = 0x1A2B) -> DNSQuery {
        DNSQuery(id: id, name: name(text), type: type)
    }
    typealias M = DNSTestMessage

    @Test("a captured A answer gives its address and TTL")
    func capturedA() throws {
        let answer = try DNSAnswerParser.parse(DNSMessageTests.capturedA, answering: Self.query("example.com", .a))
        #expect(answer == DNSAnswer(responseCode: .noError, canonicalName: Self.name("example.com"),
                                    addresses: [Self.ip("93.184.216.34")], ttl: 3600))
    }

    @Test("an AAAA answer: every address once, in answer order, the smallest TTL")
    func aaaa() throws {
        let q = Self.query("db.service.consul", .aaaa)
        var m = M(answering: q)
        m.answers = [M.record("db.service.consul", .aaaa, ttl: 30, .aaaa("2001:db8::2")),
                     M.record("db.service.consul", .aaaa, ttl: 10, .aaaa("2001:db8::1")),
                     M.record("db.service.consul", .aaaa, ttl: 30, .aaaa("2001:db8::2"))]
        let answer = try DNSAnswerParser.parse(m.bytes(), answering: q)
        #expect(answer.addresses == [Self.ip("2001:db8::2"), Self.ip("2001:db8::1")] && answer.ttl == 10)
    }

    @Test("a CNAME chain is followed to the A records at its end; the TTL covers the links")
    func cnameChain() throws {
        let q = Self.query("www.example.com", .a)
        var m = M(answering: q)
        m.answers = [M.record("www.example.com", .cname, ttl: 300, .cname("lb.example.net")),
                     M.record("lb.example.net", .cname, ttl: 20, .cname("lb-1.example.net")),
                     M.record("lb-1.example.net", .a, ttl: 60, .a("10.1.0.1")),
                     M.record("unrelated.example.net", .a, ttl: 1, .a("10.9.9.9"))]
        let answer = try DNSAnswerParser.parse(m.bytes(), answering: q)
        #expect(answer.canonicalName == Self.name("lb-1.example.net"))
        #expect(answer.addresses == [Self.ip("10.1.0.1")] && answer.ttl == 20)
    }

    @Test("an SRV answer as Consul sends it: targets joined with the additional A records")
    func consulSRV() throws {
        let answer = try DNSAnswerParser.parse(try DNSMessageTests.consulSRV(),
                                               answering: Self.query("web.service.consul", .srv, id: 0x4242))
        #expect(answer.services == [
            DNSServiceTarget(service: DNSServiceRecord(priority: 1, weight: 1, port: 21000,
                                                       target: Self.name("0a000001.addr.dc1.consul")),
                             addresses: [Self.ip("10.0.0.1")]),
            DNSServiceTarget(service: DNSServiceRecord(priority: 1, weight: 1, port: 21001,
                                                       target: Self.name("0a000002.addr.dc1.consul")),
                             addresses: [Self.ip("10.0.0.2")]),
        ])
        #expect(answer.ttl == 0 && answer.addresses.isEmpty)
    }

    @Test("SRV: a target without addresses is kept with none; a root target is dropped (RFC 2782)")
    func srvTargets() throws {
        let q = Self.query("_http._tcp.web.default.svc.cluster.local", .srv)
        var m = M(answering: q)
        m.answers = [M.record(q.name.description, .srv, ttl: 5, .srv(priority: 0, weight: 50, port: 80, target: "pod-a.web")),
                     M.record(q.name.description, .srv, ttl: 5, .srv(priority: 0, weight: 0, port: 80, target: "")),
                     M.record("pod-a.web", .aaaa, ttl: 3, .aaaa("fd00::a"))]
        m.additionals = [M.record("Pod-A.web", .a, ttl: 7, .a("10.2.0.1")),
                         M.record("pod-b.web", .a, ttl: 1, .a("10.2.0.2"))]
        let answer = try DNSAnswerParser.parse(m.bytes(), answering: q)
        #expect(answer.services.count == 1)
        #expect(answer.services.first?.addresses == [Self.ip("fd00::a"), Self.ip("10.2.0.1")])
        #expect(answer.ttl == 3)
    }

    @Test("a truncated answer is reported as such without reading its (cut) records")
    func truncated() throws {
        let q = Self.query("big.service.consul", .srv)
        var m = M(answering: q)
        m.flags |= 0x0200
        m.answers = [M.record("big.service.consul", .srv, .srv(priority: 1, weight: 1, port: 80, target: "a.node"))]
        let bytes = m.bytes()
        let answer = try DNSAnswerParser.parse(Array(bytes.dropLast(5)), answering: q)
        #expect(answer.isTruncated && answer.isEmpty)
    }

    @Test("NXDOMAIN: no records, the negative TTL from the SOA (RFC 2308: min of TTL and MINIMUM)")
    func nxdomain() throws {
        let q = Self.query("gone.service.consul", .a)
        var m = M(answering: q, rcode: 3)
        m.authorities = [M.record("consul", .soa, ttl: 30, .soa(minimum: 5))]
        let answer = try DNSAnswerParser.parse(m.bytes(), answering: q)
        #expect(answer.responseCode == .nameError && answer.isEmpty && answer.ttl == 5)
    }

    @Test("NOERROR without records (NODATA) is an empty answer; without an SOA it has no TTL")
    func noData() throws {
        let q = Self.query("v4only.service.consul", .aaaa)
        let answer = try DNSAnswerParser.parse(M(answering: q).bytes(), answering: q)
        #expect(answer.responseCode == .noError && answer.isEmpty && answer.ttl == nil)
    }

    @Test("SERVFAIL and REFUSED come back as their response code", arguments: [(UInt16(2), DNSResponseCode.serverFailure),
                                                                              (5, .refused)])
    func failures(rcode: UInt16, expected: DNSResponseCode) throws {
        let q = Self.query("web.service.consul", .a)
        let answer = try DNSAnswerParser.parse(M(answering: q, rcode: rcode).bytes(), answering: q)
        #expect(answer.responseCode == expected && answer.isEmpty)
    }

    @Test("the question matches without regard to ASCII case (RFC 4343, 0x20 randomisation)")
    func caseInsensitiveQuestion() throws {
        let q = Self.query("web.service.consul", .a)
        var m = M(answering: q)
        m.questions = [("WeB.SeRvIcE.cOnSuL", .a)]
        m.answers = [M.record("WEB.service.consul", .a, .a("10.0.0.1"))]
        #expect(try DNSAnswerParser.parse(m.bytes(), answering: q).addresses == [Self.ip("10.0.0.1")])
    }

    @Test("bytes that are not this query's answer are unrelated: ignore them")
    func unrelated() throws {
        let q = Self.query("web.service.consul", .a)
        let good = M(answering: q)
        var wrongID = good; wrongID.id = 0x1A2C
        var query = good; query.flags = 0x0100
        var otherName = good; otherName.questions = [("db.service.consul", .a)]
        var otherType = good; otherType.questions = [("web.service.consul", .aaaa)]
        var noQuestion = good; noQuestion.questions = []
        var notify = good; notify.flags |= 4 << 11
        let cases: [([UInt8], DNSAnswerError)] = [
            (wrongID.bytes(), .idMismatch(expected: 0x1A2B, received: 0x1A2C)),
            (query.bytes(), .notAResponse),
            (otherName.bytes(), .questionMismatch(received: DNSQuestion(name: Self.name("db.service.consul"), type: .a))),
            (otherType.bytes(), .questionMismatch(received: DNSQuestion(name: q.name, type: .aaaa))),
            (noQuestion.bytes(), .questionMismatch(received: nil)),
            (notify.bytes(), .unexpectedOpcode(4)),
            ([0x1A, 0x2B], .unreadable(.shortHeader(length: 2))),
            (Array(good.bytes().prefix(20)), .unreadable(.truncated(offset: 16))),
        ]
        for (bytes, error) in cases {
            #expect(throws: error) { try DNSAnswerParser.parse(bytes, answering: q) }
            #expect(error.isUnrelated)
        }
    }

    @Test("our answer with a broken record is malformed, not unrelated")
    func malformedRecords() throws {
        let q = Self.query("web.service.consul", .a)
        var m = M(answering: q)
        m.answers = [M.record("web.service.consul", .a, .raw([10, 0, 0]))]
        let offset = m.bytes().count - 3
        #expect(throws: DNSAnswerError.malformed(.badRecordLength(type: .a, length: 3, offset: offset))) {
            try DNSAnswerParser.parse(m.bytes(), answering: q)
        }
        #expect(!DNSAnswerError.malformed(.truncated(offset: 0)).isUnrelated)
    }

    @Test("a CNAME loop ends with an error instead of looping")
    func cnameLoop() throws {
        let q = Self.query("a.example", .a)
        var m = M(answering: q)
        m.answers = [M.record("a.example", .cname, .cname("b.example")), M.record("b.example", .cname, .cname("a.example"))]
        #expect(throws: DNSAnswerError.aliasChainTooLong(q.name)) { try DNSAnswerParser.parse(m.bytes(), answering: q) }
    }

    @Test("errors read as sentences")
    func messages() {
        #expect(DNSAnswerError.idMismatch(expected: 1, received: 2).description == "id 2, expected 1")
        #expect(DNSAnswerError.malformed(.truncated(offset: 40)).description == "malformed answer: truncated at byte 40")
    }
}
