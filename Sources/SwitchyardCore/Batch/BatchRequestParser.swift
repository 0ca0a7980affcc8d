/// Checks a batch request body against SPEC section 8's shape, in two passes: `JSONValidator`
/// (strict RFC 8259, depth limit, exact error offset), then one walk with a `JSONCursor` that reads
/// the known keys and keeps each part's `body` as its byte range. The first problem found is the
/// answer (clients fix one thing at a time; the message names where).
struct BatchRequestParser {
    typealias Failure = BatchRequestError

    static let topKeys = ["timeout_ms", "requests"]
    static let partKeys = ["id", "service", "url", "method", "path", "headers", "body", "timeout_ms"]
    /// Longest `timeout_ms` accepted as a number (digits); larger ones are capped by the deadline
    /// ceiling anyway, this only keeps the arithmetic in range.
    static let maxTimeoutDigits = 9
    /// Header names a part may not set: hop-by-hop fields (RFC 9110 section 7.6.1) and the framing
    /// and routing the proxy owns.
    static let forbiddenHeaders: Set<String> = ["connection", "keep-alive", "te", "trailer", "transfer-encoding",
                                                "upgrade", "host", "content-length", "expect"]

    var cursor: JSONCursor
    let limits: BatchRequest.Limits

    init(_ bytes: UnsafeRawBufferPointer, limits: BatchRequest.Limits) {
        self.cursor = JSONCursor(bytes)
        self.limits = limits
    }

    mutating func parse() throws(Failure) -> BatchRequest {
        let bytes = cursor.bytes
        guard bytes.count <= limits.maxBody else {
            throw Failure(.bodyTooLarge, "the batch is \(bytes.count) bytes; at most \(limits.maxBody) are allowed",
                          at: limits.maxBody)
        }
        var validator = JSONValidator(maxDepth: max(1, limits.maxDepth))
        if case .invalid(let offset, let reason) = validator.validate(bytes) {
            throw Failure(.invalidJSON, "not valid JSON at byte \(offset): \(reason)", at: offset)
        }
        guard cursor.kind() == .object else {
            throw Failure(.invalidField, "(root): the batch must be a JSON object, got \(cursor.kind().described)",
                          at: cursor.position)
        }
        var request = BatchRequest(parts: [])
        var sawRequests = false
        try members(path: "", allowed: Self.topKeys) { (parser: inout Self, key: String, _: Int) throws(Failure) in
            switch key {
            case "timeout_ms": request.timeout = try parser.timeout(path: "timeout_ms")
            default:
                sawRequests = true
                request.parts = try parser.parts()
            }
        }
        guard sawRequests else {
            throw Failure(.missingField, "requests: missing; expected a non-empty list of calls", at: 0)
        }
        return request
    }

    // MARK: Parts

    mutating func parts() throws(Failure) -> [BatchPart] {
        let start = cursor.position
        guard cursor.kind() == .array else {
            throw Failure(.invalidField, "requests: expected a list of calls, got \(cursor.kind().described)", at: start)
        }
        var parts: [BatchPart] = []
        var ids: [String: Int] = [:]
        _ = cursor.consume(UInt8(ascii: "["))
        if cursor.consume(UInt8(ascii: "]")) {
            throw Failure(.invalidField, "requests: the list is empty; a batch needs at least one call", at: start)
        }
        repeat {
            let index = parts.count
            let at = cursor.position
            guard index < limits.maxParts else {
                throw Failure(.tooManyParts, "requests: more than \(limits.maxParts) calls", at: at)
            }
            let part = try self.part(index)
            if let id = part.id {
                if let first = ids[id] {
                    throw Failure(.duplicateID, "requests[\(index)].id: \(Self.quoted(id)) is used twice (first at requests[\(first)])",
                                  at: at)
                }
                ids[id] = index
            }
            parts.append(part)
        } while cursor.consume(UInt8(ascii: ","))
        _ = cursor.consume(UInt8(ascii: "]"))
        return parts
    }

    mutating func part(_ index: Int) throws(Failure) -> BatchPart {
        let path = "requests[\(index)]"
        let start = cursor.position
        guard cursor.kind() == .object else {
            throw Failure(.invalidField, "\(path): expected a call object, got \(cursor.kind().described)", at: start)
        }
        var part = BatchPart(target: .service(""))
        var service: (String, Int)?
        var url: (String, Int)?
        var pathAt: Int?
        try members(path: path, allowed: Self.partKeys) { (p: inout Self, key: String, at: Int) throws(Failure) in
            let field = "\(path).\(key)"
            switch key {
            case "id": part.id = try p.string(field, maxBytes: 200)
            case "service": service = (try p.string(field, maxBytes: 64), at)
            case "url": url = (try p.string(field, maxBytes: 2048), at)
            case "method": part.method = try p.method(field)
            case "path":
                pathAt = at
                part.path = try p.requestPath(field)
            case "headers": part.headers = try p.headers(field)
            case "body": part.body = p.cursor.skipValue()
            default: part.timeout = try p.timeout(path: field)
            }
        }
        switch (service, url) {
        case (nil, nil):
            throw Failure(.missingField, "\(path): give one of `service` or `url`", at: start)
        case (.some, .some(let (_, at))):
            throw Failure(.invalidField, "\(path).url: give one of `service` or `url`, not both", at: at)
        case (.some(let (name, at)), nil):
            guard Self.isServiceName(name) else {
                throw Failure(.invalidField, "\(path).service: \(Self.quoted(name)) is not a service name", at: at)
            }
            part.target = .service(name)
        case (nil, .some(let (text, _))):
            if let pathAt {
                throw Failure(.invalidField, "\(path).path: a `url` call carries its path in the URL", at: pathAt)
            }
            part.target = .url(text)
        }
        return part
    }

    // MARK: Fields

    /// `timeout_ms`: a positive integer of milliseconds.
    mutating func timeout(path: String) throws(Failure) -> Duration {
        let at = cursor.position
        let problem = Failure(.invalidField, "\(path): expected a positive integer of milliseconds", at: at)
        guard cursor.kind() == .number else { throw problem }
        let range = cursor.skipValue()
        var value = 0
        for i in range.start..<range.end {
            let b = cursor.bytes[i]
            guard b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9"), range.count <= Self.maxTimeoutDigits else { throw problem }
            value = value * 10 + Int(b - UInt8(ascii: "0"))
        }
        guard value > 0 else { throw problem }
        return .milliseconds(value)
    }

    mutating func string(_ path: String, maxBytes: Int) throws(Failure) -> String {
        let at = cursor.position
        guard cursor.kind() == .string else {
            throw Failure(.invalidField, "\(path): expected a string, got \(cursor.kind().described)", at: at)
        }
        let (text, _) = cursor.readString()
        guard !text.isEmpty, text.utf8.count <= maxBytes else {
            throw Failure(.invalidField, "\(path): must be 1 to \(maxBytes) bytes long", at: at)
        }
        return text
    }

    mutating func method(_ path: String) throws(Failure) -> String {
        let at = cursor.position
        let text = try string(path, maxBytes: 32)
        guard text.utf8.allSatisfy(ASCII.isTokenChar) else {
            throw Failure(.invalidField, "\(path): \(Self.quoted(text)) is not an HTTP method (a token)", at: at)
        }
        return text
    }

    /// `path`: starts with `/`, visible ASCII only (percent-encode the rest).
    mutating func requestPath(_ path: String) throws(Failure) -> String {
        let at = cursor.position
        let text = try string(path, maxBytes: 8192)
        guard text.hasPrefix("/"), text.utf8.allSatisfy(ASCII.isVisible), !text.contains("#") else {
            throw Failure(.invalidField, "\(path): \(Self.quoted(text)) must start with `/` and be visible ASCII without `#`",
                          at: at)
        }
        return text
    }

    mutating func headers(_ path: String) throws(Failure) -> [BatchHeader] {
        let start = cursor.position
        guard cursor.kind() == .object else {
            throw Failure(.invalidField, "\(path): expected an object of strings, got \(cursor.kind().described)", at: start)
        }
        var result: [BatchHeader] = []
        var seen: Set<String> = []
        try members(path: path, allowed: nil) { (p: inout Self, name: String, at: Int) throws(Failure) in
            let field = "\(path).\(name)"
            let lower = name.lowercased()
            guard !name.isEmpty, name.utf8.count <= 256, name.utf8.allSatisfy(ASCII.isTokenChar) else {
                throw Failure(.invalidField, "\(path): \(Self.quoted(name)) is not a header name (a token)", at: at)
            }
            guard !Self.forbiddenHeaders.contains(lower), !lower.hasPrefix("proxy-") else {
                throw Failure(.invalidField, "\(field): a call cannot set this header; the proxy owns it", at: at)
            }
            guard seen.insert(lower).inserted else {
                throw Failure(.duplicateField, "\(field): given twice (header names ignore case)", at: at)
            }
            let valueAt = p.cursor.position
            guard p.cursor.kind() == .string else {
                throw Failure(.invalidField, "\(field): expected a string, got \(p.cursor.kind().described)", at: valueAt)
            }
            let (value, _) = p.cursor.readString()
            guard value.utf8.count <= 8192, value.utf8.allSatisfy(ASCII.isFieldValueChar) else {
                throw Failure(.invalidField, "\(field): the value has a control character (CR, LF, NUL...) or is too long",
                              at: valueAt)
            }
            result.append(BatchHeader(name, value))
        }
        return result
    }

    // MARK: Objects

    /// Walks the object at the cursor: for each key, checks it is in `allowed` (nil: any) and not
    /// repeated, then calls `body`, which must consume the value.
    mutating func members(path: String, allowed: [String]?,
                          _ body: (inout Self, String, Int) throws(Failure) -> Void) throws(Failure) {
        _ = cursor.consume(UInt8(ascii: "{"))
        if cursor.consume(UInt8(ascii: "}")) { return }
        var seen: Set<String> = []
        repeat {
            cursor.skipWhitespace()
            let at = cursor.position
            let (key, _) = cursor.readString()
            if let allowed {
                // Built only for a message: the walk of an accepted batch allocates no field names here.
                var field: String { path.isEmpty ? key : "\(path).\(key)" }
                guard allowed.contains(key) else {
                    let hint = NameSuggestion.suggest(key, from: allowed).map { "; did you mean `\($0)`?" }
                        ?? "; expected one of " + allowed.map { "`\($0)`" }.joined(separator: ", ")
                    throw Failure(.unknownField, "\(field): unknown field" + hint, at: at)
                }
                guard seen.insert(key).inserted else {
                    throw Failure(.duplicateField, "\(field): given twice", at: at)
                }
            }
            _ = cursor.consume(UInt8(ascii: ":"))
            try body(&self, key, at)
        } while cursor.consume(UInt8(ascii: ","))
        _ = cursor.consume(UInt8(ascii: "}"))
    }

    // MARK: Helpers

    /// The configuration's service name syntax: 1-64 of letters, digits, `_`, `-`, `.`.
    static func isServiceName(_ s: String) -> Bool {
        s.utf8.count <= 64 && s.utf8.allSatisfy { b in
            ASCII.isTokenChar(b) && b != UInt8(ascii: "!") && b != UInt8(ascii: "#") && b != UInt8(ascii: "$")
                && b != UInt8(ascii: "%") && b != UInt8(ascii: "&") && b != UInt8(ascii: "'") && b != UInt8(ascii: "*")
                && b != UInt8(ascii: "+") && b != UInt8(ascii: "^") && b != UInt8(ascii: "`") && b != UInt8(ascii: "|")
                && b != UInt8(ascii: "~")
        }
    }

    /// `"text"` as JSON would write it, for messages.
    static func quoted(_ s: String) -> String {
        var out = ByteBuffer(capacity: s.utf8.count + 8)
        out.writeJSONString(s)
        return String(decoding: out.readableArray(), as: UTF8.self)
    }
}
