/// Writes the head of the request the proxy sends to an instance (SPEC section 5): the client's
/// request line and end-to-end fields byte for byte, hop-by-hop fields removed, framing and
/// forwarding fields replaced by the proxy's own.
public enum UpstreamRequestWriter {
    /// Writes `METHOD basePath+target HTTP/1.1`, the forwarded fields in their order, then `Host`,
    /// `Content-Length`, `X-Forwarded-For`, `X-Forwarded-Proto`, `X-Forwarded-Host` and `X-Request-Id`.
    ///
    /// - Parameters:
    ///   - head: the parsed client request; `headBytes` is the buffer it was parsed from.
    ///   - basePath: the instance's path prefix (may be empty); one trailing `/` is dropped so that
    ///     `/api/` + `/orders` gives `/api/orders`.
    ///   - upstreamHost: the `Host` value for the instance (`host:port`).
    ///   - clientAddress: the client's IP, appended to any `X-Forwarded-For` the client sent.
    ///   - requestID: the client's valid `X-Request-Id` or a generated one.
    ///   - bodyLength: bytes of the (de-chunked) body that follow. `Content-Length` is always written
    ///     except for a bodiless request whose method defines no body (GET, HEAD, DELETE, OPTIONS, ...).
    public static func write(head: RequestHead, from headBytes: UnsafeRawBufferPointer,
                             basePath: UnsafeRawBufferPointer, upstreamHost: UnsafeRawBufferPointer,
                             clientAddress: UnsafeRawBufferPointer, requestID: UnsafeRawBufferPointer,
                             bodyLength: Int, into out: inout ByteBuffer) {
        out.write(head.methodRange.bytes(in: headBytes))
        out.write(byte: ASCII.space)
        var base = basePath
        if base.count > 0 && base[base.count - 1] == UInt8(ascii: "/") {
            base = UnsafeRawBufferPointer(rebasing: base[0..<base.count - 1])
        }
        out.write(base)
        out.write(head.target.bytes(in: headBytes))
        out.write(" HTTP/1.1\r\n")

        var forwardedFor = 0
        for field in head.headers {
            switch field.kind {
            case .other, .contentType:
                writeField(field, headBytes, &out)
            case .xForwardedFor:
                forwardedFor += 1
            case .connection, .keepAlive, .te, .trailer, .upgrade, .proxyPrefixed, .listedInConnection,
                 .transferEncoding, .contentLength, .expect, .host, .xRequestID, .xForwardedProto, .xForwardedHost:
                // Hop-by-hop fields and the ones the proxy writes itself.
                break
            }
        }

        out.write("Host: ")
        out.write(upstreamHost)
        let hasBody = bodyLength > 0 || head.framing != .none
            || head.method == .post || head.method == .put || head.method == .patch
        if hasBody {
            out.write("\r\nContent-Length: ")
            out.write(decimal: bodyLength)
        }
        // RFC 7239 section 7.4 style chaining: earlier hops first, this client last.
        out.write("\r\nX-Forwarded-For: ")
        if forwardedFor > 0 {
            for field in head.headers where field.kind == .xForwardedFor && field.value.count > 0 {
                out.write(field.value.bytes(in: headBytes))
                out.write(", ")
            }
        }
        out.write(clientAddress)
        out.write("\r\nX-Forwarded-Proto: http\r\n")
        if let host = head.host {
            out.write("X-Forwarded-Host: ")
            out.write(host.bytes(in: headBytes))
            out.write("\r\n")
        }
        out.write("X-Request-Id: ")
        out.write(requestID)
        out.write("\r\n\r\n")
    }

    /// `name: value\r\n`, both as received (the value without its surrounding whitespace).
    static func writeField(_ field: HeaderField, _ bytes: UnsafeRawBufferPointer, _ out: inout ByteBuffer) {
        out.write(field.name.bytes(in: bytes))
        out.write(": ")
        out.write(field.value.bytes(in: bytes))
        out.write("\r\n")
    }
}
