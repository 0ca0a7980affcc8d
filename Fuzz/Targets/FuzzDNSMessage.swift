import SwitchyardCore

/// libFuzzer target: the DNS answer codec and the resolution state machine on arbitrary bytes.
///
/// Input layout: byte 0 chooses the query (bits 0-1: A, AAAA, SRV, SRV; bit 2: the query takes the
/// message's id, so the id check passes and the records are reached), the rest is the message.
/// Checks: no crash; `DNSMessage` and `DNSAnswerParser` are deterministic and agree (an answer that
/// parses and is not truncated is a message that parses; `.malformed` only when the message does
/// not); sections hold the counts the header says; every name is at most 255 bytes of well-formed
/// labels, and one printable as a plain name reads back equal; TTLs are at most 2^31-1; addresses are
/// 4 or 16 bytes as their type says; the state machine fed the message (id patched to its query)
/// keeps a sorted set without repeats, never schedules sooner than its floor, and asks a resolver
/// it has.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDNSMessage(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 1 else { return 0 }
    let selector = Int(data[0])
    let bytes = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    let type: DNSRecordType = [.a, .aaaa, .srv, .srv][selector & 3]
    var id: UInt16 = 0x1234
    if selector & 4 != 0, bytes.count >= 2 { id = UInt16(bytes[0]) << 8 | UInt16(bytes[1]) }
    let name = try! DNSName("web.service.consul")
    let query = DNSQuery(id: id, name: name, type: type)

    let message = Result { () throws(DNSParseError) in try DNSMessage(parsing: bytes) }
    precondition(message == Result { () throws(DNSParseError) in try DNSMessage(parsing: bytes) }, "message parse differs")
    if case .success(let m) = message { checkMessage(m) }

    let answer = Result { () throws(DNSAnswerError) in try DNSAnswerParser.parse(bytes, answering: query) }
    precondition(answer == Result { () throws(DNSAnswerError) in try DNSAnswerParser.parse(bytes, answering: query) },
                 "answer parse differs")
    switch answer {
    case .success(let a):
        checkName(a.canonicalName)
        if !a.isTruncated {
            guard case .success = message else { preconditionFailure("an answer whose message does not parse") }
        } else {
            precondition(a.isEmpty, "records read from a truncated answer")
        }
        precondition(a.ttl.map { $0 <= UInt32(Int32.max) } ?? true, "answer TTL out of range")
        precondition(type == .srv ? a.addresses.isEmpty : a.services.isEmpty, "records of the wrong kind")
        for address in a.addresses { precondition(address.bytes.count == (type == .a ? 4 : 16), "wrong address family") }
        for s in a.services {
            precondition(!s.service.target.isRoot, "root SRV target kept")
            checkName(s.service.target)
        }
    case .failure(.malformed):
        guard case .failure = message else { preconditionFailure("malformed answer, well-formed message") }
    case .failure:
        break
    }

    checkResolution(bytes, type: type)
    if let framed = DNSTCPFraming.nextMessage(in: bytes) {
        precondition(framed.consumed == framed.message.count + 2 && framed.consumed <= bytes.count, "bad framing")
    }
    return 0
}

func checkMessage(_ m: DNSMessage) {
    let h = m.header
    precondition(m.questions.count == Int(h.questionCount) && m.answers.count == Int(h.answerCount)
                 && m.authorities.count == Int(h.authorityCount) && m.additionals.count == Int(h.additionalCount),
                 "section sizes differ from the header")
    for q in m.questions { checkName(q.name) }
    for record in m.answers + m.authorities + m.additionals {
        checkName(record.name)
        if record.type != .opt { precondition(record.ttl <= UInt32(Int32.max), "TTL over 2^31-1") }
        switch record.data {
        case .address(let address):
            precondition(address.bytes.count == (record.type == .a ? 4 : 16), "address size differs from its type")
        case .canonicalName(let target): checkName(target)
        case .service(let service): checkName(service.target)
        case .startOfAuthority(let soa): checkName(soa.primary); checkName(soa.mailbox)
        case .other(let length): precondition(length >= 0 && length <= 65_535, "RDLENGTH out of range")
        }
    }
}

/// At most 255 bytes of labels of 1...63 bytes, ending at the only zero length byte; a name made of
/// letters, digits, `-` and `_` prints as text that reads back as the same name.
func checkName(_ name: DNSName) {
    let wire = name.wire
    precondition(wire.count >= 1 && wire.count <= 255 && wire.last == 0, "name length or end")
    var i = 0
    var plain = true
    while wire[i] != 0 {
        let n = Int(wire[i])
        precondition(n <= 63 && i + 1 + n < wire.count, "label length")
        for b in wire[(i + 1)...(i + n)] where !(b == 45 || b == 95 || (b >= 48 && b <= 57) || (b | 0x20 >= 97 && b | 0x20 <= 122)) {
            plain = false
        }
        i += 1 + n
    }
    precondition(i == wire.count - 1, "bytes after the root label")
    if plain && !name.isRoot {
        precondition((try? DNSName(name.description)) == name, "text form does not read back")
    }
}

/// The state machine with the bytes as the answer to its first query.
func checkResolution(_ bytes: [UInt8], type: DNSRecordType) {
    let resolvers = [try! DNSResolverAddress("127.0.0.1:8600"), try! DNSResolverAddress("[::1]:53")]
    let lookup: DNSLookup = type == .srv ? .srv : .a(port: 8080, families: type == .a ? .ipv4 : .ipv6)
    var resolution = DNSResolution(config: DNSResolutionConfig(name: try! DNSName("web.service.consul"), lookup: lookup,
                                                               resolvers: resolvers))
    var rng = SplitMix64(seed: UInt64(bytes.count))
    let start = Instant(nanoseconds: 1_000_000_000)
    guard case .send(let request) = resolution.tick(at: start, using: &rng) else { preconditionFailure("no first query") }
    var answer = bytes
    if answer.count >= 2 { answer[0] = UInt8(request.id >> 8); answer[1] = UInt8(request.id & 0xFF) }
    switch resolution.received(answer, over: .udp, at: start, using: &rng) {
    case .send(let next):
        precondition(next.resolver < resolvers.count && next.deadline > start, "bad next request")
        precondition(next.transport == .tcp ? next.id == request.id : true, "TCP retry with another id")
    case .wait(let until):
        precondition(until >= start, "waits into the past")
        if resolution.inFlight == nil { precondition(until >= start + .seconds(1), "round sooner than the floor") }
    }
    let endpoints = resolution.endpoints
    precondition(endpoints == DNSEndpoint.normalized(endpoints), "endpoints not normalized")
    precondition(resolution.generation == (endpoints.isEmpty ? 0 : 1), "generation without a change")
}
