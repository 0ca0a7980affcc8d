/// A domain name in its uncompressed wire form (RFC 1035 section 3.1): labels, each a length byte
/// (1...63) and that many bytes, then the zero byte of the root label; at most 255 bytes in all
/// (RFC 1035 section 2.3.4).
///
/// Names compare and hash case-insensitively for ASCII letters and keep their case otherwise
/// (RFC 4343 section 2): `Web.Service.Consul` equals `web.service.consul`. Names built from text
/// (`init(_:)`) are validated; names read from a message (`DNSMessageReader`) may hold any bytes.
public struct DNSName: Hashable, Sendable, CustomStringConvertible {
    /// Longest wire form: 255 bytes (RFC 1035 section 2.3.4), i.e. 253 characters of text.
    public static let maxWireLength = 255
    /// Longest label: 63 bytes (RFC 1035 section 2.3.4).
    public static let maxLabelLength = 63

    /// The wire form, terminating zero byte included.
    public let wire: [UInt8]

    /// Wraps wire bytes the reader has already checked.
    init(wire: [UInt8]) { self.wire = wire }

    /// The root name `.`, which SRV uses as "no service here" (RFC 2782).
    public static let root = DNSName(wire: [0])

    /// A name from text such as `web.service.consul` or `_http._tcp.web.default.svc.cluster.local.`:
    /// labels of letters, digits, `-` and `_`, each 1...63 bytes, separated by dots; one trailing dot
    /// is accepted (the name is always absolute); at most 253 bytes without it.
    ///
    /// - Throws: `DNSNameError` naming the first problem, with its byte offset in `text`.
    public init(_ text: String) throws(DNSNameError) {
        var utf8 = Array(text.utf8)
        if utf8.last == UInt8(ascii: ".") { utf8.removeLast() }
        guard !utf8.isEmpty else { throw .empty }
        var wire: [UInt8] = []
        wire.reserveCapacity(utf8.count + 2)
        var labelStart = 0
        for i in 0...utf8.count {
            guard i == utf8.count || utf8[i] == UInt8(ascii: ".") else {
                guard Self.isAllowedInText(utf8[i]) else { throw .invalidCharacter(utf8[i], offset: i) }
                continue
            }
            let length = i - labelStart
            guard length > 0 else { throw .emptyLabel(offset: labelStart) }
            guard length <= Self.maxLabelLength else { throw .labelTooLong(length: length, offset: labelStart) }
            wire.append(UInt8(length))
            wire.append(contentsOf: utf8[labelStart..<i])
            labelStart = i + 1
        }
        wire.append(0)
        guard wire.count <= Self.maxWireLength else { throw .tooLong(length: utf8.count) }
        self.wire = wire
    }

    /// Letters, digits, `-` and `_` (SRV owner names such as `_http._tcp` carry underscores).
    static func isAllowedInText(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"):
            return true
        default:
            return false
        }
    }

    public var isRoot: Bool { wire.count == 1 }

    /// The labels' bytes, most specific first (no root label).
    public var labels: [ArraySlice<UInt8>] {
        var result: [ArraySlice<UInt8>] = []
        var i = 0
        while i < wire.count, wire[i] != 0 {
            let n = Int(wire[i])
            result.append(wire[(i + 1)..<(i + 1 + n)])
            i += 1 + n
        }
        return result
    }

    public static func == (a: DNSName, b: DNSName) -> Bool {
        guard a.wire.count == b.wire.count else { return false }
        for i in a.wire.indices where Self.folded(a.wire[i]) != Self.folded(b.wire[i]) { return false }
        return true
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(wire.count)
        for byte in wire { hasher.combine(Self.folded(byte)) }
    }

    /// ASCII upper case to lower case; every other byte unchanged (RFC 4343 section 3).
    /// Length bytes are at most 63, below `A`, so folding the whole wire form is safe.
    @inline(__always) static func folded(_ byte: UInt8) -> UInt8 {
        byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
    }

    /// Dotted text without the trailing dot (`.` for the root). Bytes other than letters, digits,
    /// `-` and `_` are escaped as `\DDD` (RFC 4343 section 2.1), so a label holding a dot stays distinct.
    public var description: String {
        guard !isRoot else { return "." }
        var text: [UInt8] = []
        for label in labels {
            if !text.isEmpty { text.append(UInt8(ascii: ".")) }
            for byte in label {
                if Self.isAllowedInText(byte) {
                    text.append(byte)
                } else {
                    text.append(UInt8(ascii: "\\"))
                    text.append(contentsOf: [byte / 100, byte / 10 % 10, byte % 10].map { $0 + UInt8(ascii: "0") })
                }
            }
        }
        return String(decoding: text, as: UTF8.self)
    }
}

/// Why text is not a valid DNS name (`DNSName.init(_:)`). Offsets are byte offsets into the text.
public enum DNSNameError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Empty text, or only `.`.
    case empty
    /// Two dots in a row, or a leading dot.
    case emptyLabel(offset: Int)
    /// A label over 63 bytes (RFC 1035 section 2.3.4).
    case labelTooLong(length: Int, offset: Int)
    /// Over 253 bytes without the trailing dot (255 in wire form, RFC 1035 section 2.3.4).
    case tooLong(length: Int)
    /// A byte other than a letter, digit, `-`, `_` or a separating dot.
    case invalidCharacter(UInt8, offset: Int)

    public var description: String {
        switch self {
        case .empty: return "the name is empty"
        case .emptyLabel(let offset): return "empty label at byte \(offset) (two dots in a row or a leading dot)"
        case .labelTooLong(let length, let offset):
            return "the label at byte \(offset) is \(length) bytes long; a label has at most 63"
        case .tooLong(let length): return "the name is \(length) bytes long; a name has at most 253"
        case .invalidCharacter(let byte, let offset):
            let shown = byte >= 0x21 && byte < 0x7F ? "`\(Character(Unicode.Scalar(byte)))`" : "byte \(byte)"
            return "\(shown) at byte \(offset) is not allowed in a name (letters, digits, `-`, `_` and dots)"
        }
    }
}
