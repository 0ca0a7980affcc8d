/// Writes the proxy's own error answers (SPEC section 4):
/// `{"error":{"code":"...","message":"...","request_id":"..."}}` with `Content-Type: application/json`.
public enum ErrorResponse {
    /// Writes a complete response for `error`.
    /// - Parameters:
    ///   - detail: the message; `nil` uses `error.defaultMessage`. JSON-escaped here.
    ///   - requestID: echoed in `X-Request-Id` and in the body.
    ///   - keepAlive: false adds `Connection: close` (always the case after a framing error).
    ///   - allow: the `Allow` value of a 405.
    ///   - retryAfterSeconds: the `Retry-After` value of a 503.
    public static func write(_ error: ProxyError, detail: UnsafeRawBufferPointer? = nil,
                             requestID: UnsafeRawBufferPointer, keepAlive: Bool,
                             allow: UnsafeRawBufferPointer? = nil, retryAfterSeconds: Int? = nil,
                             into out: inout ByteBuffer) {
        let fallback = error.defaultMessage
        let message = detail ?? UnsafeRawBufferPointer(start: fallback.utf8Start, count: fallback.utf8CodeUnitCount)
        let code = UnsafeRawBufferPointer(start: error.code.utf8Start, count: error.code.utf8CodeUnitCount)
        write(status: error.status, reason: error.reason, code: code, message: message, requestID: requestID,
              keepAlive: keepAlive, allow: allow, retryAfterSeconds: retryAfterSeconds, into: &out)
    }

    /// Writes a complete error response with any `code` (the batch endpoint's own codes such as
    /// `too_many_parts` go through here); `code` must need no JSON escaping.
    public static func write(status: Int, reason: StaticString, code: UnsafeRawBufferPointer,
                             message: UnsafeRawBufferPointer, requestID: UnsafeRawBufferPointer, keepAlive: Bool,
                             allow: UnsafeRawBufferPointer? = nil, retryAfterSeconds: Int? = nil,
                             into out: inout ByteBuffer) {
        let prefix: StaticString = "{\"error\":{\"code\":\""
        let afterCode: StaticString = "\",\"message\":"
        let afterMessage: StaticString = ",\"request_id\":"
        let suffix: StaticString = "}}"
        let bodyLength = prefix.utf8CodeUnitCount + code.count + afterCode.utf8CodeUnitCount
            + jsonStringLength(message) + afterMessage.utf8CodeUnitCount + jsonStringLength(requestID)
            + suffix.utf8CodeUnitCount

        out.write("HTTP/1.1 ")
        out.write(decimal: status)
        out.write(byte: ASCII.space)
        out.write(reason)
        out.write("\r\nContent-Type: application/json\r\nContent-Length: ")
        out.write(decimal: bodyLength)
        out.write("\r\nX-Request-Id: ")
        out.write(requestID)
        out.write("\r\n")
        if let allow {
            out.write("Allow: ")
            out.write(allow)
            out.write("\r\n")
        }
        if let retryAfterSeconds {
            out.write("Retry-After: ")
            out.write(decimal: retryAfterSeconds)
            out.write("\r\n")
        }
        if !keepAlive { out.write("Connection: close\r\n") }
        out.write("\r\n")
        out.write(prefix)
        out.write(code)
        out.write(afterCode)
        out.writeJSONString(bytes: message)
        out.write(afterMessage)
        out.writeJSONString(bytes: requestID)
        out.write(suffix)
    }

    /// Writes the answer to a parser's `HTTPError`, its message as detail.
    public static func write(_ error: HTTPError, requestID: UnsafeRawBufferPointer, keepAlive: Bool,
                             into out: inout ByteBuffer) {
        let detail = UnsafeRawBufferPointer(start: error.message.utf8Start, count: error.message.utf8CodeUnitCount)
        write(error.error, detail: detail, requestID: requestID, keepAlive: keepAlive, into: &out)
    }

    /// Bytes `ByteBuffer.writeJSONString(bytes:)` writes for `bytes`, quotes included.
    static func jsonStringLength(_ bytes: UnsafeRawBufferPointer) -> Int {
        var n = 2
        for b in bytes {
            switch b {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), 0x0A, 0x0D, 0x09: n += 2
            case 0..<0x20: n += 6
            default: n += 1
            }
        }
        return n
    }
}
