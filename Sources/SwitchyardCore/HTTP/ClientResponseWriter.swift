/// Writes the head of the response the proxy sends to its client from an upstream response head.
public enum ClientResponseWriter {
    /// Writes `HTTP/1.1 <status> <reason>`, the upstream's end-to-end fields in order (hop-by-hop
    /// fields and the upstream framing removed), the proxy's framing, `X-Request-Id` unless the
    /// upstream sent one, and `Connection: close` when the connection ends after this response
    /// (`Connection: keep-alive` for an HTTP/1.0 client kept alive).
    ///
    /// - Parameters:
    ///   - head: the upstream response (not interim); `headBytes` is the buffer it was parsed from.
    ///   - requestID: the request's id, echoed to the client.
    ///   - clientVersion, requestMethod: from the client's request.
    ///   - keepAlive: whether the client connection may stay open (client asked, proxy not draining).
    /// - Returns: how to relay the body and whether to close afterwards.
    @discardableResult
    public static func write(head: ResponseHead, from headBytes: UnsafeRawBufferPointer,
                             requestID: UnsafeRawBufferPointer, clientVersion: HTTPVersion,
                             requestMethod: HTTPMethod, keepAlive: Bool,
                             into out: inout ByteBuffer) -> ClientResponsePlan {
        let body: ClientResponsePlan.Body
        switch head.framing {
        case .none: body = .none
        case let .contentLength(n): body = requestMethod == .head ? .none : .copy(n)
        case .chunked: body = clientVersion == .http11 ? .chunkedPassThrough : .dechunkThenClose
        case .untilClose: body = clientVersion == .http11 ? .untilCloseChunked : .untilCloseRaw
        }
        let closes = !keepAlive || body == .dechunkThenClose || body == .untilCloseRaw

        out.write("HTTP/1.1 ")
        out.write(decimal: head.status)
        out.write(byte: ASCII.space)
        out.write(head.reason.bytes(in: headBytes))
        out.write("\r\n")

        var hasRequestID = false
        for field in head.headers {
            switch field.kind {
            case .contentLength:
                // Kept where it describes what the client gets (also HEAD/304 metadata).
                if case .none = body { UpstreamRequestWriter.writeField(field, headBytes, &out) }
                if case .copy = body { UpstreamRequestWriter.writeField(field, headBytes, &out) }
            case .transferEncoding:
                break
            case .xRequestID:
                hasRequestID = true
                UpstreamRequestWriter.writeField(field, headBytes, &out)
            default:
                if !field.kind.isHopByHop { UpstreamRequestWriter.writeField(field, headBytes, &out) }
            }
        }
        if body == .chunkedPassThrough || body == .untilCloseChunked {
            out.write("Transfer-Encoding: chunked\r\n")
        }
        if !hasRequestID {
            out.write("X-Request-Id: ")
            out.write(requestID)
            out.write("\r\n")
        }
        if closes {
            out.write("Connection: close\r\n")
        } else if clientVersion == .http10 {
            out.write("Connection: keep-alive\r\n")
        }
        out.write("\r\n")
        return ClientResponsePlan(body: body, closesConnection: closes)
    }
}
