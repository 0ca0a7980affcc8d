/// Writes a batch's answers (SPEC section 8) and its 400 refusals.
///
/// The 200 body, compact, answers in request order:
///
///     {"responses":[
///       {"id":"a","status":200,"headers":{"content-type":"application/json"},"body":{"ok":true},
///        "duration_ms":12,"instance":"http://10.0.0.11:8080"},
///       {"id":"b","error":{"code":"upstream_timeout","message":"no answer within 250 ms"},"duration_ms":250}]}
///
/// - `id` only when the part had one.
/// - `headers`: names lower-cased; a name that came several times is one key, its values joined
///   with `, ` (RFC 9110 section 5.3).
/// - `body`: the upstream body as is when it is one JSON text (RFC 8259, `JSONValidator`), else a
///   JSON string of it (invalid UTF-8 replaced by U+FFFD; an empty body is `""`).
/// - `duration_ms`: whole milliseconds from the batch's start to the part's end.
/// - `cache`: `"hit"` when the answer came from the service's cache (absent otherwise).
public enum BatchResponseWriter {
    /// Appends the JSON body of a batch's answer. `results` come from `BatchExchange.results` after
    /// `.respond`; a nil entry (impossible then) is written as an `upstream_timeout` error.
    public static func write(_ results: [BatchPartResult?], into out: inout ByteBuffer) {
        var w = JSONWriter()
        var validator = JSONValidator()
        w.beginObject(into: &out)
        w.key("responses", into: &out)
        w.beginArray(into: &out)
        for result in results {
            let r = result ?? BatchPartResult(id: nil, outcome: .error(BatchPartError(.upstreamTimeout)), duration: .zero)
            w.beginObject(into: &out)
            if let id = r.id {
                w.key("id", into: &out); w.value(id, into: &out)
            }
            switch r.outcome {
            case .answer(let a):
                w.key("status", into: &out); w.value(a.status, into: &out)
                w.key("headers", into: &out); writeHeaders(a.headers, &w, &out)
                w.key("body", into: &out); writeBody(a.body, &validator, &w, &out)
                w.key("duration_ms", into: &out); w.value(milliseconds(r.duration), into: &out)
                w.key("instance", into: &out); w.value(a.instance, into: &out)
                if a.cached { w.key("cache", into: &out); w.value("hit", into: &out) }
            case .error(let e):
                w.key("error", into: &out)
                w.beginObject(into: &out)
                w.key("code", into: &out); w.value(e.code, into: &out)
                w.key("message", into: &out); w.value(e.message, into: &out)
                w.endObject(into: &out)
                w.key("duration_ms", into: &out); w.value(milliseconds(r.duration), into: &out)
            }
            w.endObject(into: &out)
        }
        w.endArray(into: &out)
        w.endObject(into: &out)
    }

    /// Appends a whole `200 OK` carrying `body` (a batch's answer from `write(_:into:)`): JSON,
    /// `Content-Length`, the batch's `X-Request-Id`, and `Connection: close` when the connection
    /// closes after it (`keep-alive` for an HTTP/1.0 client that keeps it).
    public static func writeAnswer(_ body: UnsafeRawBufferPointer, requestID: UnsafeRawBufferPointer, keepAlive: Bool,
                                   clientVersion: HTTPVersion, into out: inout ByteBuffer) {
        out.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ")
        out.write(decimal: body.count)
        out.write("\r\nX-Request-Id: ")
        out.write(requestID)
        if !keepAlive {
            out.write("\r\nConnection: close")
        } else if clientVersion == .http10 {
            out.write("\r\nConnection: keep-alive")
        }
        out.write("\r\n\r\n")
        out.write(body)
    }

    /// Appends a whole `400 Bad Request` for a refused batch: SPEC section 4's error body with the
    /// error's own code (`too_many_parts`, `duplicate_id`...) and message.
    public static func write(_ error: BatchRequestError, requestID: UnsafeRawBufferPointer, keepAlive: Bool,
                             into out: inout ByteBuffer) {
        var code = error.code.rawValue
        var message = error.message
        code.withUTF8 { c in
            message.withUTF8 { m in
                ErrorResponse.write(status: error.status, reason: "Bad Request", code: UnsafeRawBufferPointer(c),
                                    message: UnsafeRawBufferPointer(m), requestID: requestID, keepAlive: keepAlive,
                                    into: &out)
            }
        }
    }

    static func milliseconds(_ d: Duration) -> Int { Int(max(0, d.nanoseconds) / 1_000_000) }

    private static func writeHeaders(_ headers: [BatchHeader], _ w: inout JSONWriter, _ out: inout ByteBuffer) {
        var names: [String] = []
        var values: [String: String] = [:]
        for h in headers {
            let name = h.name.lowercased()
            if let earlier = values[name] {
                values[name] = earlier + ", " + h.value
            } else {
                names.append(name)
                values[name] = h.value
            }
        }
        w.beginObject(into: &out)
        for name in names {
            w.key(name, into: &out); w.value(values[name] ?? "", into: &out)
        }
        w.endObject(into: &out)
    }

    private static func writeBody(_ body: [UInt8], _ validator: inout JSONValidator, _ w: inout JSONWriter,
                                  _ out: inout ByteBuffer) {
        let isJSON = body.withUnsafeBytes { validator.validate($0).isValid }
        if isJSON {
            body.withUnsafeBytes { w.rawValue($0, into: &out) }
        } else {
            w.value(String(decoding: body, as: UTF8.self), into: &out)
        }
    }
}
