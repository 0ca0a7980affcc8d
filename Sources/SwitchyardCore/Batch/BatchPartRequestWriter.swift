/// Writes the request a service part of a batch sends to an instance: the part's method and path
/// under the instance's base path, the part's own header fields, then the proxy's `Host`,
/// `Content-Type` (JSON, unless the part gave one), `Content-Length`, `X-Forwarded-For` and the
/// batch's `X-Request-Id`, then the part's body bytes as written in the batch.
public enum BatchPartRequestWriter {
    /// - Parameters:
    ///   - basePath: the instance's path prefix (one trailing `/` dropped, as for ordinary requests).
    ///   - body: the `body` value's bytes, nil when the part has none.
    public static func write(_ part: BatchPart, body: UnsafeRawBufferPointer?, basePath: UnsafeRawBufferPointer,
                             upstreamHost: UnsafeRawBufferPointer, clientAddress: UnsafeRawBufferPointer,
                             requestID: UnsafeRawBufferPointer, into out: inout ByteBuffer) {
        out.write(string: part.method)
        out.write(byte: ASCII.space)
        var base = basePath
        if base.count > 0 && base[base.count - 1] == UInt8(ascii: "/") {
            base = UnsafeRawBufferPointer(rebasing: base[0..<base.count - 1])
        }
        out.write(base)
        out.write(string: part.path)
        out.write(" HTTP/1.1\r\n")
        var hasContentType = false
        for header in part.headers {
            var name = header.name
            let kind = name.withUTF8 { HeaderKind.classify(UnsafeRawBufferPointer($0)) }
            switch kind {
            case .other: break
            case .contentType: hasContentType = true
            default: continue   // the proxy writes these itself (the parser refuses framing and hops)
            }
            out.write(string: header.name)
            out.write(": ")
            out.write(string: header.value)
            out.write("\r\n")
        }
        out.write("Host: ")
        out.write(upstreamHost)
        let length = body?.count ?? 0
        if body != nil && !hasContentType { out.write("\r\nContent-Type: application/json") }
        if body != nil || ["POST", "PUT", "PATCH"].contains(part.method) {
            out.write("\r\nContent-Length: ")
            out.write(decimal: length)
        }
        out.write("\r\nX-Forwarded-For: ")
        out.write(clientAddress)
        out.write("\r\nX-Request-Id: ")
        out.write(requestID)
        out.write("\r\n\r\n")
        if let body { out.write(body) }
    }
}
