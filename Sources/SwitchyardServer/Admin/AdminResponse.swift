import SwitchyardCore

/// Writes admin API answers: complete HTTP/1.1 responses with `Content-Length`, `Cache-Control:
/// no-store` (the numbers are live) and JSON error bodies `{"error":{"code":"...","message":"..."}}`.
enum AdminResponse {
    static let json: StaticString = "application/json"
    static let html: StaticString = "text/html; charset=utf-8"

    /// Writes the head and, unless `headOnly` (a HEAD request), the body.
    /// `extraHeaders` is zero or more complete `Name: value\r\n` lines.
    static func write(status: Int, contentType: StaticString, body: borrowing ByteBuffer, extraHeaders: String = "",
                      keepAlive: Bool, headOnly: Bool, into out: inout ByteBuffer) {
        out.write("HTTP/1.1 ")
        out.write(decimal: status)
        out.write(byte: 0x20)
        out.write(reason(status))
        out.write("\r\nContent-Type: ")
        out.write(contentType)
        out.write("\r\nContent-Length: ")
        out.write(decimal: body.readableCount)
        out.write("\r\nCache-Control: no-store\r\n")
        out.write(string: extraHeaders)
        if !keepAlive { out.write("Connection: close\r\n") }
        out.write("\r\n")
        if !headOnly { body.withReadableBytes { out.write($0) } }
    }

    /// An error answer with a JSON body.
    static func error(status: Int, code: StaticString, message: String, extraHeaders: String = "",
                      keepAlive: Bool, headOnly: Bool = false, into out: inout ByteBuffer) {
        var body = ByteBuffer(capacity: 256)
        var w = JSONWriter()
        w.beginObject(into: &body)
        w.key("error", into: &body)
        w.beginObject(into: &body)
        w.key("code", into: &body); w.value(code, into: &body)
        w.key("message", into: &body); w.value(message, into: &body)
        w.endObject(into: &body)
        w.endObject(into: &body)
        body.write(byte: 0x0A)
        write(status: status, contentType: json, body: body, extraHeaders: extraHeaders, keepAlive: keepAlive,
              headOnly: headOnly, into: &out)
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
