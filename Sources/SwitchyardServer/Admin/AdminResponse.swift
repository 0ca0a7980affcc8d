import SwitchyardCore

/// Writes admin API answers: complete HTTP/1.1 responses with `Content-Length`, `Cache-Control:
/// no-store` (the numbers are live), the request's `X-Request-Id`, and JSON error bodies of the SPEC
/// section 4 shape `{"error":{"code":"...","message":"...","request_id":"..."}}`.
enum AdminResponse {
    static let json: StaticString = "application/json"
    static let html: StaticString = "text/html; charset=utf-8"

    /// Writes the head and, unless `headOnly` (a HEAD request), the body.
    /// `extraHeaders` is zero or more complete `Name: value\r\n` lines; `requestID` (visible ASCII,
    /// see `AdminRequest.requestID`) is echoed in `X-Request-Id`.
    static func write(status: Int, contentType: StaticString, body: borrowing ByteBuffer, extraHeaders: String = "",
                      requestID: String, keepAlive: Bool, headOnly: Bool, into out: inout ByteBuffer) {
        out.write("HTTP/1.1 ")
        out.write(decimal: status)
        out.write(byte: 0x20)
        out.write(reason(status))
        out.write("\r\nContent-Type: ")
        out.write(contentType)
        out.write("\r\nContent-Length: ")
        out.write(decimal: body.readableCount)
        out.write("\r\nCache-Control: no-store\r\nX-Request-Id: ")
        out.write(string: requestID)
        out.write("\r\n")
        out.write(string: extraHeaders)
        if !keepAlive { out.write("Connection: close\r\n") }
        out.write("\r\n")
        if !headOnly { body.withReadableBytes { out.write($0) } }
    }

    /// The head of `GET /events`: `text/event-stream`, no `Content-Length` (the body is the stream
    /// and ends when the connection closes, RFC 9112 section 6.3), so `Connection: close` unless
    /// `headOnly` (a HEAD request, which has no body and may keep the connection).
    static func writeEventStreamHead(requestID: String, keepAlive: Bool, headOnly: Bool, into out: inout ByteBuffer) {
        out.write("HTTP/1.1 200 OK\r\nContent-Type: ")
        out.write(ServerSentEvents.contentType)
        out.write("\r\nCache-Control: no-store\r\nX-Request-Id: ")
        out.write(string: requestID)
        out.write("\r\n")
        if !headOnly || !keepAlive { out.write("Connection: close\r\n") }
        out.write("\r\n")
    }

    /// An error answer with a JSON body.
    static func error(status: Int, code: StaticString, message: String, extraHeaders: String = "",
                      requestID: String, keepAlive: Bool, headOnly: Bool = false, into out: inout ByteBuffer) {
        let body = errorBody(code: code, message: message, requestID: requestID)
        write(status: status, contentType: json, body: body, extraHeaders: extraHeaders, requestID: requestID,
              keepAlive: keepAlive, headOnly: headOnly, into: &out)
    }

    /// `{"error":{"code":...,"message":...,"request_id":...<more>}}` and a newline; `more` appends
    /// further members of `error` (a refused reload's `errors` list).
    static func errorBody(code: StaticString, message: String, requestID: String,
                          more: (inout JSONWriter, inout ByteBuffer) -> Void = { _, _ in }) -> ByteBuffer {
        var body = ByteBuffer(capacity: 256)
        var w = JSONWriter()
        w.beginObject(into: &body)
        w.key("error", into: &body)
        w.beginObject(into: &body)
        w.key("code", into: &body); w.value(code, into: &body)
        w.key("message", into: &body); w.value(message, into: &body)
        w.key("request_id", into: &body); w.value(requestID, into: &body)
        more(&w, &body)
        w.endObject(into: &body)
        w.endObject(into: &body)
        body.write(byte: 0x0A)
        return body
    }

    static func reason(_ status: Int) -> StaticString {
        switch status {
        case 200: "OK"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 408: "Request Timeout"
        case 413: "Content Too Large"
        case 422: "Unprocessable Content"
        case 431: "Request Header Fields Too Large"
        case 501: "Not Implemented"
        case 503: "Service Unavailable"
        default: "Unknown"
        }
    }
}
