/// A decoded DNS message (RFC 1035 section 4.1): header, questions and the three record sections.
///
/// `init(parsing:)` reads every section and fails with a typed error on anything malformed; it never
/// traps and does a bounded amount of work (see `DNSMessageReader`). Bytes after the last record
/// are ignored. To check that a message answers a given query, use `DNSAnswerParser`.
public struct DNSMessage: Sendable, Equatable {
    public var header: DNSHeader
    public var questions: [DNSQuestion]
    public var answers: [DNSRecord]
    public var authorities: [DNSRecord]
    public var additionals: [DNSRecord]

    /// Parses a whole message (a UDP payload, or one TCP message without its length prefix).
    /// - Throws: `DNSParseError` at the first field that is truncated or invalid.
    public init(parsing bytes: [UInt8]) throws(DNSParseError) {
        var reader = DNSMessageReader(bytes)
        header = try reader.header()
        questions = []
        for _ in 0..<header.questionCount { questions.append(try reader.question()) }
        answers = try reader.records(header.answerCount)
        authorities = try reader.records(header.authorityCount)
        additionals = try reader.records(header.additionalCount)
    }

    /// The response code, extended by the first OPT record's upper 8 bits (RFC 6891 section 6.1.3).
    public var responseCode: DNSResponseCode { DNSResponseCode.combined(header: header, additionals: additionals) }
}

extension DNSResponseCode {
    /// The header's RCODE with the extension of the first OPT record in `additionals`, if any.
    static func combined(header: DNSHeader, additionals: [DNSRecord]) -> DNSResponseCode {
        guard let opt = additionals.first(where: { $0.type == .opt }) else { return DNSResponseCode(rawValue: UInt16(header.rcode)) }
        return DNSResponseCode(rawValue: UInt16(opt.ttl >> 24) << 4 | UInt16(header.rcode))
    }
}

/// The 12-byte message header (RFC 1035 section 4.1.1).
public struct DNSHeader: Sendable, Equatable {
    public var id: UInt16
    /// QR, OPCODE, AA, TC, RD, RA, Z, RCODE as sent.
    public var flags: UInt16
    public var questionCount: UInt16
    public var answerCount: UInt16
    public var authorityCount: UInt16
    public var additionalCount: UInt16

    public init(id: UInt16, flags: UInt16, questionCount: UInt16 = 0, answerCount: UInt16 = 0,
                authorityCount: UInt16 = 0, additionalCount: UInt16 = 0) {
        self.id = id
        self.flags = flags
        self.questionCount = questionCount
        self.answerCount = answerCount
        self.authorityCount = authorityCount
        self.additionalCount = additionalCount
    }

    /// QR: the message is a response.
    public var isResponse: Bool { flags & 0x8000 != 0 }
    /// OPCODE: 0 for a standard query.
    public var opcode: UInt8 { UInt8(flags >> 11 & 0xF) }
    /// AA: the answering server is an authority for the name.
    public var isAuthoritative: Bool { flags & 0x0400 != 0 }
    /// TC: the message was cut to fit the UDP payload; ask again over TCP (RFC 7766 section 5).
    public var isTruncated: Bool { flags & 0x0200 != 0 }
    /// RD, as copied from the query.
    public var recursionDesired: Bool { flags & 0x0100 != 0 }
    /// RA: the server recurses.
    public var recursionAvailable: Bool { flags & 0x0080 != 0 }
    /// The header's 4-bit RCODE (see `DNSMessage.responseCode` for the extended code).
    public var rcode: UInt8 { UInt8(flags & 0xF) }
}

/// One entry of the question section (RFC 1035 section 4.1.2).
public struct DNSQuestion: Sendable, Equatable {
    public var name: DNSName
    public var type: DNSRecordType
    public var classCode: UInt16

    public init(name: DNSName, type: DNSRecordType, classCode: UInt16 = DNSQuery.internetClass) {
        self.name = name
        self.type = type
        self.classCode = classCode
    }
}

/// One resource record (RFC 1035 section 4.1.3).
public struct DNSRecord: Sendable, Equatable {
    public var name: DNSName
    public var type: DNSRecordType
    /// CLASS; for an OPT record, the sender's UDP payload size (RFC 6891 section 6.1.2).
    public var classCode: UInt16
    /// Seconds, 0...2^31-1: a TTL with the top bit set reads as 0 (RFC 2181 section 8). For an OPT
    /// record the raw field: extended RCODE, version, flags (RFC 6891 section 6.1.3).
    public var ttl: UInt32
    public var data: DNSRecordData

    public init(name: DNSName, type: DNSRecordType, classCode: UInt16 = DNSQuery.internetClass, ttl: UInt32,
                data: DNSRecordData) {
        self.name = name
        self.type = type
        self.classCode = classCode
        self.ttl = ttl
        self.data = data
    }
}

/// The decoded RDATA of the types discovery reads; every other type (and any record of a class other
/// than IN) is `.other`, its bytes skipped.
public enum DNSRecordData: Sendable, Equatable {
    /// A (4 bytes) or AAAA (16 bytes).
    case address(IPAddress)
    /// CNAME: the canonical name the owner is an alias of.
    case canonicalName(DNSName)
    case service(DNSServiceRecord)
    case startOfAuthority(DNSStartOfAuthority)
    case other(length: Int)
}

/// The RDATA of an SRV record (RFC 2782).
public struct DNSServiceRecord: Sendable, Hashable {
    /// Lower is preferred; clients use the lowest priority they can reach.
    public var priority: UInt16
    /// Relative share among records of the same priority; 0 means "only when nothing else".
    public var weight: UInt16
    public var port: UInt16
    /// The host; the root name `.` means the service is not available at this name.
    public var target: DNSName

    public init(priority: UInt16, weight: UInt16, port: UInt16, target: DNSName) {
        self.priority = priority
        self.weight = weight
        self.port = port
        self.target = target
    }
}

/// The RDATA of an SOA record (RFC 1035 section 3.3.13); `minimum` bounds negative caching
/// (RFC 2308 section 4).
public struct DNSStartOfAuthority: Sendable, Equatable {
    public var primary: DNSName
    public var mailbox: DNSName
    public var serial: UInt32
    public var refresh: UInt32
    public var retry: UInt32
    public var expire: UInt32
    public var minimum: UInt32

    public init(primary: DNSName, mailbox: DNSName, serial: UInt32, refresh: UInt32, retry: UInt32,
                expire: UInt32, minimum: UInt32) {
        self.primary = primary
        self.mailbox = mailbox
        self.serial = serial
        self.refresh = refresh
        self.retry = retry
        self.expire = expire
        self.minimum = minimum
    }
}
