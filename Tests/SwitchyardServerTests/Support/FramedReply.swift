/// What a client read on a connection until the proxy closed it, judged by a strict parser that
/// shares no code with the proxy: framing tests use it to tell a complete reply from a truncated one
/// and to spot bytes after the framed end (a mis-framed reply).
enum FramedReply: Equatable, CustomStringConvertible {
    /// The connection closed before any byte.
    case nothing
    /// One whole response; `trailing` is what followed its framed end (empty when well framed).
    case complete(status: Int, headers: [String: String], body: [UInt8], trailing: [UInt8])
    /// A response head, then the connection closed inside the body its framing announced.
    case truncated(status: Int)
    /// Not a response a strict client accepts.
    case malformed(String)

    var description: String {
        switch self {
        case .nothing: "nothing"
        case let .complete(status, _, body, trailing):
            "complete \(status), \(body.count) body bytes, \(trailing.count) trailing bytes: "
                + String(decoding: body.prefix(200), as: UTF8.self)
        case let .truncated(status): "truncated \(status)"
        case let .malformed(why): "malformed: \(why)"
        }
    }

    var status: Int? {
        switch self {
        case let .complete(status, _, _, _), let .truncated(status): status
        default: nil
        }
    }

    /// `error.code` of a complete SPEC section 4 JSON error body.
    var errorCode: String? {
        guard case let .complete(_, headers, body, _) = self, headers["content-type"] == "application/json" else { return nil }
        return TestResponse(status: 0, headers: [], body: body).errorCode
    }

    /// Parses everything read from one connection (`bytes` ends where the peer closed).
    static func parse(_ bytes: [UInt8]) -> FramedReply {
        if bytes.isEmpty { return .nothing }
        var at = 0
        func line() -> String? {
            var i = at
            while i + 1 < bytes.count {
                if bytes[i] == 13 && bytes[i + 1] == 10 {
                    let text = String(decoding: bytes[at..<i], as: UTF8.self)
                    at = i + 2
                    return text
                }
                if bytes[i] == 10 || bytes[i] == 13 { return nil }
                i += 1
            }
            return nil
        }
        guard let statusLine = line() else { return .malformed("no CRLF-terminated status line") }
        let parts = statusLine.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count >= 2, parts[0] == "HTTP/1.1" || parts[0] == "HTTP/1.0", parts[1].count == 3,
              let status = Int(parts[1]) else { return .malformed("status line \(statusLine)") }
        var headers: [String: String] = [:]
        while true {
            guard let field = line() else { return .truncated(status: status) }
            if field.isEmpty { break }
            guard let colon = field.firstIndex(of: ":") else { return .malformed("field \(field)") }
            let name = field[..<colon].lowercased()
            if headers[name] != nil && (name == "content-length" || name == "transfer-encoding") {
                return .malformed("repeated \(name)")
            }
            headers[name] = field[field.index(after: colon)...].trimmingCharacters(in: [" ", "\t"])
        }
        if headers["content-length"] != nil && headers["transfer-encoding"] != nil {
            return .malformed("Content-Length and Transfer-Encoding")
        }
        if let te = headers["transfer-encoding"] {
            guard te.lowercased() == "chunked" else { return .malformed("Transfer-Encoding \(te)") }
            var body: [UInt8] = []
            while true {
                guard let sizeLine = line() else { return .truncated(status: status) }
                guard let size = Int(sizeLine.split(separator: ";", maxSplits: 1).first.map(String.init) ?? "", radix: 16),
                      size >= 0 else { return .malformed("chunk size \(sizeLine)") }
                if size == 0 {
                    while true {
                        guard let trailer = line() else { return .truncated(status: status) }
                        if trailer.isEmpty { break }
                    }
                    return .complete(status: status, headers: headers, body: body, trailing: Array(bytes[at...]))
                }
                guard at + size + 2 <= bytes.count else { return .truncated(status: status) }
                body += bytes[at..<at + size]
                guard bytes[at + size] == 13 && bytes[at + size + 1] == 10 else { return .malformed("chunk data not followed by CRLF") }
                at += size + 2
            }
        }
        if let cl = headers["content-length"] {
            guard let n = Int(cl), n >= 0, cl.allSatisfy(\.isASCII) else { return .malformed("Content-Length \(cl)") }
            guard at + n <= bytes.count else { return .truncated(status: status) }
            return .complete(status: status, headers: headers, body: Array(bytes[at..<at + n]), trailing: Array(bytes[(at + n)...]))
        }
        // Delimited by the close.
        return .complete(status: status, headers: headers, body: Array(bytes[at...]), trailing: [])
    }
}
