/// One standard query (RFC 1035 section 4.1): a single question for `name` and `type` in class IN,
/// recursion desired, and optionally an EDNS0 OPT record (RFC 6891 section 6.1.2) advertising a
/// 1232-byte UDP payload, the size DNS Flag Day 2020 settled on to avoid IP fragmentation.
///
/// Layout of the encoded message:
///
///     header    id, flags 0x0100 (QR=0, OPCODE=0, RD=1), QDCOUNT=1, ANCOUNT=0, NSCOUNT=0, ARCOUNT=0|1
///     question  QNAME (uncompressed), QTYPE, QCLASS=1 (IN)
///     [OPT]     NAME=root, TYPE=41, CLASS=1232, TTL=0 (extended RCODE 0, version 0, DO=0), RDLEN=0
public struct DNSQuery: Sendable, Equatable {
    /// The UDP payload size advertised in the OPT record.
    public static let udpPayloadSize: UInt16 = 1232
    /// Class IN (RFC 1035 section 3.2.4).
    public static let internetClass: UInt16 = 1

    /// The message id; the answer must carry the same (RFC 1035 section 4.1.1). Draw it at random
    /// for each query: together with the random source port it is what makes a forged answer hard
    /// to guess (RFC 5452 section 9.2).
    public var id: UInt16
    public var name: DNSName
    public var type: DNSRecordType
    /// Whether the query carries the OPT record (EDNS0).
    public var advertisesEDNS: Bool

    public init(id: UInt16, name: DNSName, type: DNSRecordType, advertisesEDNS: Bool = true) {
        self.id = id
        self.name = name
        self.type = type
        self.advertisesEDNS = advertisesEDNS
    }

    /// A query for a name given as text.
    /// - Throws: `DNSNameError` when `name` is not a valid name (see `DNSName.init(_:)`).
    public init(id: UInt16, name: String, type: DNSRecordType, advertisesEDNS: Bool = true) throws(DNSNameError) {
        self.init(id: id, name: try DNSName(name), type: type, advertisesEDNS: advertisesEDNS)
    }

    /// Bytes of the encoded message: 12 (header) + the name + 4, plus 11 with the OPT record.
    public var encodedCount: Int { 12 + name.wire.count + 4 + (advertisesEDNS ? 11 : 0) }

    /// The message as a UDP datagram (for TCP, frame it with `DNSTCPFraming`).
    public func encoded() -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(encodedCount)
        append(to: &bytes)
        return bytes
    }

    /// Appends the message to `buffer`.
    public func write(into buffer: inout ByteBuffer) {
        buffer.write(encoded())
    }

    func append(to bytes: inout [UInt8]) {
        Self.append16(id, to: &bytes)
        Self.append16(0x0100, to: &bytes)   // RD: the resolver recurses for us
        Self.append16(1, to: &bytes)
        Self.append16(0, to: &bytes)
        Self.append16(0, to: &bytes)
        Self.append16(advertisesEDNS ? 1 : 0, to: &bytes)
        bytes.append(contentsOf: name.wire)
        Self.append16(type.rawValue, to: &bytes)
        Self.append16(Self.internetClass, to: &bytes)
        if advertisesEDNS {
            bytes.append(0)   // owner: the root
            Self.append16(DNSRecordType.opt.rawValue, to: &bytes)
            Self.append16(Self.udpPayloadSize, to: &bytes)
            bytes.append(contentsOf: [0, 0, 0, 0])   // extended RCODE, version 0, DO=0, Z
            Self.append16(0, to: &bytes)   // no options
        }
    }

    static func append16(_ value: UInt16, to bytes: inout [UInt8]) {
        bytes.append(UInt8(value >> 8))
        bytes.append(UInt8(value & 0xFF))
    }
}
