/// Why bytes are not a well-formed DNS message. Every case carries the byte offset where reading
/// stopped, for logs and tests.
public enum DNSParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Fewer than the 12 header bytes.
    case shortHeader(length: Int)
    /// A field, label or record runs past the end of the message (or a name past its RDATA).
    case truncated(offset: Int)
    /// A compression pointer (RFC 1035 section 4.1.4) to an offset at or past the end.
    case pointerOutOfBounds(offset: Int, target: Int)
    /// A compression pointer that does not point strictly before the labels it continues: the
    /// rule that makes loops impossible (every jump goes to a lower offset).
    case pointerNotBackwards(offset: Int, target: Int)
    /// More compression pointers in one name than `DNSMessageReader.maxPointers`.
    case tooManyPointers(offset: Int)
    /// A label type other than a plain label (00) or a pointer (11): 01 and 10 are reserved or
    /// obsolete (RFC 6891 section 5).
    case reservedLabelType(offset: Int)
    /// A name over 255 bytes in wire form once decompressed (RFC 1035 section 2.3.4).
    case nameTooLong(offset: Int)
    /// RDLENGTH does not fit the type: A not 4, AAAA not 16, SRV, SOA or CNAME fields not filling
    /// it exactly.
    case badRecordLength(type: DNSRecordType, length: Int, offset: Int)

    public var description: String {
        switch self {
        case .shortHeader(let length): return "\(length) bytes, shorter than the 12-byte header"
        case .truncated(let offset): return "truncated at byte \(offset)"
        case .pointerOutOfBounds(let offset, let target):
            return "compression pointer at byte \(offset) to \(target), past the end"
        case .pointerNotBackwards(let offset, let target):
            return "compression pointer at byte \(offset) to \(target) does not point backwards"
        case .tooManyPointers(let offset): return "too many compression pointers in the name at byte \(offset)"
        case .reservedLabelType(let offset): return "reserved label type at byte \(offset)"
        case .nameTooLong(let offset): return "the name at byte \(offset) is longer than 255 bytes"
        case .badRecordLength(let type, let length, let offset):
            return "\(type) record at byte \(offset) with RDLENGTH \(length)"
        }
    }
}
