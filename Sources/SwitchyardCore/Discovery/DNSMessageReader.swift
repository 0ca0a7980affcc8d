/// A cursor over the bytes of one DNS message: fixed-size fields, names with compression, questions
/// and records. Every read is bounds-checked and throws `DNSParseError` instead of trapping.
///
/// Work is bounded: a name is at most 255 bytes and `maxPointers` jumps, each pointer must go to an
/// offset strictly below the start of the labels it continues (so no loop can form), and every
/// record consumes at least 11 bytes, so a message of n bytes is read in O(n) steps per name.
struct DNSMessageReader {
    /// Compression pointers followed in one name at the most. Real names need one or two.
    static let maxPointers = 64

    let bytes: [UInt8]
    /// The next byte to read.
    var offset = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    mutating func u8() throws(DNSParseError) -> UInt8 {
        guard offset < bytes.count else { throw .truncated(offset: offset) }
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func u16() throws(DNSParseError) -> UInt16 {
        guard offset + 2 <= bytes.count else { throw .truncated(offset: offset) }
        defer { offset += 2 }
        return UInt16(bytes[offset]) << 8 | UInt16(bytes[offset + 1])
    }

    mutating func u32() throws(DNSParseError) -> UInt32 {
        guard offset + 4 <= bytes.count else { throw .truncated(offset: offset) }
        defer { offset += 4 }
        return UInt32(bytes[offset]) << 24 | UInt32(bytes[offset + 1]) << 16 | UInt32(bytes[offset + 2]) << 8
            | UInt32(bytes[offset + 3])
    }

    /// The header (RFC 1035 section 4.1.1).
    mutating func header() throws(DNSParseError) -> DNSHeader {
        guard bytes.count >= 12 else { throw .shortHeader(length: bytes.count) }
        return DNSHeader(id: try u16(), flags: try u16(), questionCount: try u16(), answerCount: try u16(),
                         authorityCount: try u16(), additionalCount: try u16())
    }

    /// One question (RFC 1035 section 4.1.2).
    mutating func question() throws(DNSParseError) -> DNSQuestion {
        let name = try name()
        return DNSQuestion(name: name, type: DNSRecordType(rawValue: try u16()), classCode: try u16())
    }

    /// `count` records in a row.
    mutating func records(_ count: UInt16) throws(DNSParseError) -> [DNSRecord] {
        var records: [DNSRecord] = []
        for _ in 0..<count { records.append(try record()) }
        return records
    }

    /// One resource record (RFC 1035 section 4.1.3). RDATA is decoded for A, AAAA, CNAME, SRV and SOA
    /// in class IN; the names inside it may be compressed (RFC 3597 section 4 allows it for SRV
    /// targets on receipt) but must lie within RDLENGTH.
    mutating func record() throws(DNSParseError) -> DNSRecord {
        let name = try name()
        let type = DNSRecordType(rawValue: try u16())
        let classCode = try u16()
        var ttl = try u32()
        if type != .opt && ttl > UInt32(Int32.max) { ttl = 0 }   // RFC 2181 section 8
        let length = Int(try u16())
        let start = offset
        let end = start + length
        guard end <= bytes.count else { throw .truncated(offset: start) }
        let bad = DNSParseError.badRecordLength(type: type, length: length, offset: start)
        var data = DNSRecordData.other(length: length)
        if classCode == DNSQuery.internetClass {
            switch type {
            case .a, .aaaa:
                guard length == (type == .a ? 4 : 16), let address = IPAddress(bytes: Array(bytes[start..<end])) else {
                    throw bad
                }
                data = .address(address)
            case .cname:
                data = .canonicalName(try self.name(end: end))
                guard offset == end else { throw bad }
            case .srv:
                guard length >= 7 else { throw bad }
                let priority = try u16(), weight = try u16(), port = try u16()
                data = .service(DNSServiceRecord(priority: priority, weight: weight, port: port,
                                                 target: try self.name(end: end)))
                guard offset == end else { throw bad }
            case .soa:
                let primary = try self.name(end: end), mailbox = try self.name(end: end)
                guard offset + 20 <= end else { throw bad }
                data = .startOfAuthority(DNSStartOfAuthority(primary: primary, mailbox: mailbox, serial: try u32(),
                                                             refresh: try u32(), retry: try u32(),
                                                             expire: try u32(), minimum: try u32()))
                guard offset == end else { throw bad }
            default:
                break
            }
        }
        offset = end
        return DNSRecord(name: name, type: type, classCode: classCode, ttl: ttl, data: data)
    }

    /// A name at the cursor, decompressed (RFC 1035 section 4.1.4). The bytes stored in place (up to
    /// and including the first pointer) must end before `end`; the cursor moves past them.
    mutating func name(end: Int? = nil) throws(DNSParseError) -> DNSName {
        let start = offset
        var bound = min(end ?? bytes.count, bytes.count)
        var position = offset
        var segmentStart = offset
        var resumeAt: Int?
        var jumps = 0
        var wire: [UInt8] = []
        while true {
            guard position < bound else { throw .truncated(offset: position) }
            let length = bytes[position]
            switch length & 0xC0 {
            case 0x00:
                let n = Int(length)
                if n == 0 {
                    wire.append(0)
                    offset = resumeAt ?? position + 1
                    return DNSName(wire: wire)
                }
                guard position + 1 + n <= bound else { throw .truncated(offset: position) }
                // The label, its length byte and at least the root's zero byte must fit in 255.
                guard wire.count + 1 + n + 1 <= DNSName.maxWireLength else { throw .nameTooLong(offset: start) }
                wire.append(length)
                wire.append(contentsOf: bytes[(position + 1)..<(position + 1 + n)])
                position += 1 + n
            case 0xC0:
                guard position + 1 < bound else { throw .truncated(offset: position) }
                let target = Int(length & 0x3F) << 8 | Int(bytes[position + 1])
                guard target < bytes.count else { throw .pointerOutOfBounds(offset: position, target: target) }
                guard target < segmentStart else { throw .pointerNotBackwards(offset: position, target: target) }
                jumps += 1
                guard jumps <= Self.maxPointers else { throw .tooManyPointers(offset: start) }
                if resumeAt == nil { resumeAt = position + 2 }
                bound = bytes.count   // what a pointer leads to may lie outside the RDATA
                position = target
                segmentStart = target
            default:
                throw .reservedLabelType(offset: position)
            }
        }
    }
}
