/// Why bytes were not accepted as the answer to a query (`DNSAnswerParser`).
///
/// Two kinds: *unrelated* bytes are not this query's answer at all (another id, another question,
/// not a response, a header that cannot be read): the caller ignores them and keeps waiting, so a
/// stray or forged datagram cannot end a query (RFC 5452 section 9.1). The others are this query's
/// answer, but unusable: the caller counts it as a failure of the server that sent it.
public enum DNSAnswerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The header or the question section cannot be read, so the bytes cannot be matched.
    case unreadable(DNSParseError)
    /// QR is 0: a query, not a response.
    case notAResponse
    case idMismatch(expected: UInt16, received: UInt16)
    /// OPCODE other than 0 (QUERY).
    case unexpectedOpcode(UInt8)
    /// Not exactly one question, or not the name, type and class asked (names compared without
    /// regard to ASCII case, RFC 4343). `received` is the question when there was exactly one.
    case questionMismatch(received: DNSQuestion?)
    /// The answer matches the query, but a record section is malformed.
    case malformed(DNSParseError)
    /// The CNAME chain loops or is longer than `DNSAnswerParser.maxAliasChain`.
    case aliasChainTooLong(DNSName)

    /// Whether the bytes are not this query's answer (ignore them) rather than a bad answer.
    public var isUnrelated: Bool {
        switch self {
        case .unreadable, .notAResponse, .idMismatch, .unexpectedOpcode, .questionMismatch: return true
        case .malformed, .aliasChainTooLong: return false
        }
    }

    public var description: String {
        switch self {
        case .unreadable(let error): return "unreadable message: \(error)"
        case .notAResponse: return "not a response"
        case .idMismatch(let expected, let received): return "id \(received), expected \(expected)"
        case .unexpectedOpcode(let opcode): return "opcode \(opcode), expected 0 (QUERY)"
        case .questionMismatch(let received?):
            return "answers another question: \(received.name) \(received.type) class \(received.classCode)"
        case .questionMismatch(nil): return "does not hold exactly one question"
        case .malformed(let error): return "malformed answer: \(error)"
        case .aliasChainTooLong(let name): return "CNAME chain from \(name) loops or is too long"
        }
    }
}
