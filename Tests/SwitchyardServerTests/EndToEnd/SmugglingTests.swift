import Foundation
import Glibc
import Testing

/// End-to-end: request smuggling and framing (SPEC sections 4 and 5). Every ambiguous or malformed
/// request gets its SPEC answer and a closed connection, and the upstream only ever sees the valid
/// requests, re-framed with a plain `Content-Length`. On the upstream side, a malformed or cut
/// response becomes a 502 (or a closed connection once the response has started), never a
/// mis-framed reply.
@Suite(.serialized) struct SmugglingTests {
    /// One raw request and the answer SPEC section 4 defines for it (`code` nil: forwarded, 200).
    struct Case: CustomStringConvertible, Sendable {
        var name: String
        var wire: [UInt8]
        var status: Int
        var code: String?
        var description: String { name }

        init(_ name: String, _ wire: [UInt8], _ status: Int, _ code: String? = nil) {
            self.name = name
            self.wire = wire
            self.status = status
            self.code = code
        }

        init(_ name: String, _ wire: String, _ status: Int, _ code: String? = nil) {
            self.init(name, Array(wire.utf8), status, code)
        }
    }

    static let start = "POST / HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
    static let chunkedBody = "2\r\n{}\r\n0\r\n\r\n"

    /// A POST with `fields` (each ending in CRLF) and a chunked `{}` body.
    static func chunked(_ fields: String) -> String { start + fields + "\r\n" + chunkedBody }
    /// A POST with `fields` (each ending in CRLF) and the raw `body`.
    static func post(_ fields: String, _ body: String = "{}") -> String { start + fields + "\r\n" + body }

    static let bad = "bad_request"

    /// Requests forwarded as `{}` with `Content-Length: 2`.
    static let valid: [Case] = [
        Case("plain Content-Length", post("Content-Length: 2\r\n"), 200),
        Case("chunked", chunked("Transfer-Encoding: chunked\r\n"), 200),
        Case("TE value after several spaces (OWS)", chunked("Transfer-Encoding:    chunked\r\n"), 200),
        Case("TE value after a tab (OWS)", chunked("Transfer-Encoding:\tchunked\r\n"), 200),
        Case("TE value with trailing OWS", chunked("Transfer-Encoding: chunked \t\r\n"), 200),
        Case("TE coding name in upper case", chunked("Transfer-Encoding: CHUNKED\r\n"), 200),
        Case("Content-Length with leading zeros", post("Content-Length: 0002\r\n"), 200),
        Case("Content-Length with OWS around", post("Content-Length: \t2 \r\n"), 200),
        Case("chunk extension and trailer", post("Transfer-Encoding: chunked\r\n", "2;a=b\r\n{}\r\n0\r\nX-T: 1\r\n\r\n"), 200),
        Case("chunk size with BWS before extension", post("Transfer-Encoding: chunked\r\n", "2 ;a\r\n{}\r\n0\r\n\r\n"), 200),
        Case("Connection lists Content-Length (framing fields stay)", post("Connection: Content-Length\r\nContent-Length: 2\r\n"), 200),
        Case("Connection lists Transfer-Encoding", chunked("Connection: Transfer-Encoding\r\nTransfer-Encoding: chunked\r\n"), 200),
        Case("Transfer-Encoding in the trailer is dropped", post("Transfer-Encoding: chunked\r\n",
                                                                  "2\r\n{}\r\n0\r\nTransfer-Encoding: chunked\r\n\r\n"), 200),
        Case("Content-Length in the trailer is dropped", post("Transfer-Encoding: chunked\r\n",
                                                               "2\r\n{}\r\n0\r\nContent-Length: 99\r\n\r\n"), 200),
        Case("empty lines before the request line", "\r\n\r\n" + post("Content-Length: 2\r\n"), 200),
        Case("obs-text in a field value", Array(start.utf8) + Array("X-A: caf".utf8) + [0xE9]
             + Array("\r\nContent-Length: 2\r\n\r\n{}".utf8), 200),
        Case("chunk size with leading zeros", post("Transfer-Encoding: chunked\r\n",
                                                                       "0002\r\n{}\r\n0\r\n\r\n"), 200),
    ]

    /// CL.TE, TE.CL and TE.TE: the framing headers disagree or are obfuscated.
    static let transferEncoding: [Case] = [
        Case("CL.TE", post("Content-Length: 6\r\nTransfer-Encoding: chunked\r\n", "0\r\n\r\nX"), 400, bad),
        Case("TE.CL", post("Transfer-Encoding: chunked\r\nContent-Length: 3\r\n", "8\r\nSMUGGLED\r\n0\r\n\r\n"), 400, bad),
        Case("CL 0 with TE", chunked("Content-Length: 0\r\nTransfer-Encoding: chunked\r\n"), 400, bad),
        Case("TE.CL with an unknown coding", chunked("Transfer-Encoding: xchunked\r\nContent-Length: 2\r\n"), 400, bad),
        Case("Transfer-Encoding: xchunked", chunked("Transfer-Encoding: xchunked\r\n"), 501, "not_implemented"),
        Case("Transfer-Encoding: gzip, chunked", chunked("Transfer-Encoding: gzip, chunked\r\n"), 501, "not_implemented"),
        Case("Transfer-Encoding: identity, chunked", chunked("Transfer-Encoding: identity, chunked\r\n"), 501, "not_implemented"),
        Case("Transfer-Encoding: chunked, identity", chunked("Transfer-Encoding: chunked, identity\r\n"), 400, bad),
        Case("Transfer-Encoding: chunked, chunked", chunked("Transfer-Encoding: chunked, chunked\r\n"), 400, bad),
        Case("repeated TE fields: chunked twice", chunked("Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n"), 400, bad),
        Case("repeated TE fields: chunked then identity",
             chunked("Transfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n"), 400, bad),
        Case("repeated TE fields: gzip then chunked", chunked("Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n"),
             501, "not_implemented"),
        Case("TE field line starting with a space (obs-fold)", chunked("X-A: 1\r\n Transfer-Encoding: chunked\r\n"), 400, bad),
        Case("TE folded onto the next line", chunked("Transfer-Encoding:\r\n chunked\r\n"), 400, bad),
        Case("space before the colon", chunked("Transfer-Encoding : chunked\r\n"), 400, bad),
        Case("tab before the colon", chunked("Transfer-Encoding\t: chunked\r\n"), 400, bad),
        Case("TE value ending in a vertical tab", chunked("Transfer-Encoding: chunked\u{0B}\r\n"), 400, bad),
        Case("TE value quoted", chunked("Transfer-Encoding: \"chunked\"\r\n"), 400, bad),
        Case("TE with a parameter", chunked("Transfer-Encoding: chunked;q=1\r\n"), 400, bad),
        Case("TE empty", post("Transfer-Encoding: \r\n"), 400, bad),
        Case("TE empty list element", chunked("Transfer-Encoding: , chunked\r\n"), 400, bad),
        Case("TE in HTTP/1.0", "POST / HTTP/1.0\r\nHost: t\r\nContent-Type: application/json\r\n"
             + "Transfer-Encoding: chunked\r\n\r\n" + chunkedBody, 400, bad),
    ]

    /// Content-Length values that are not one plain number.
    static let contentLength: [Case] = [
        Case("CL with a plus sign", post("Content-Length: +2\r\n"), 400, bad),
        Case("CL with a minus sign", post("Content-Length: -2\r\n"), 400, bad),
        Case("CL list of equal values", post("Content-Length: 2, 2\r\n"), 400, bad),
        Case("CL list without space", post("Content-Length: 2,2\r\n"), 400, bad),
        Case("CL twice, equal", post("Content-Length: 2\r\nContent-Length: 2\r\n"), 400, bad),
        Case("CL twice, different", post("Content-Length: 2\r\nContent-Length: 7\r\n"), 400, bad),
        Case("CL with inner space", post("Content-Length: 2 2\r\n"), 400, bad),
        Case("CL in hex", post("Content-Length: 0x2\r\n"), 400, bad),
        Case("CL empty", post("Content-Length: \r\n"), 400, bad),
        Case("CL in exponent form", post("Content-Length: 2e0\r\n"), 400, bad),
        Case("CL of 19 digits", post("Content-Length: 9999999999999999999\r\n"), 400, bad),
        Case("CL of 40 digits", post("Content-Length: " + String(repeating: "9", count: 40) + "\r\n"), 400, bad),
        Case("CL followed by NUL", post("Content-Length: 2\0\r\n"), 400, bad),
        Case("CL over max_body", post("Content-Length: 99999999\r\n"), 413, "body_too_large"),
    ]

    /// Line endings, NUL and control bytes.
    static let bytes: [Case] = [
        Case("LF-only line endings", "POST / HTTP/1.1\nHost: t\nContent-Type: application/json\nContent-Length: 2\n\n{}", 400, bad),
        Case("one field ending in LF only", post("X-A: 1\nContent-Length: 2\r\n"), 400, bad),
        Case("request line ending in LF only", "POST / HTTP/1.1\nHost: t\r\nContent-Length: 2\r\n\r\n{}", 400, bad),
        Case("head ending in CRLF LF", start + "Content-Length: 2\r\n\n{}", 400, bad),
        Case("bare CR inside a value", post("X-A: a\rb\r\nContent-Length: 2\r\n"), 400, bad),
        Case("NUL in a field name", post("X-A\0B: 1\r\nContent-Length: 2\r\n"), 400, bad),
        Case("NUL in a field value", post("X-A: a\0b\r\nContent-Length: 2\r\n"), 400, bad),
        Case("control byte in a field name", post("X-A\u{01}: 1\r\nContent-Length: 2\r\n"), 400, bad),
        Case("control byte in a field value", post("X-A: a\u{01}b\r\nContent-Length: 2\r\n"), 400, bad),
        Case("DEL in a field value", post("X-A: a\u{7F}b\r\nContent-Length: 2\r\n"), 400, bad),
        Case("ESC in a field value", post("X-A: \u{1B}[31m\r\nContent-Length: 2\r\n"), 400, bad),
        Case("byte 0xFF in a field name", Array(start.utf8) + [0x58, 0xFF] + Array(": 1\r\nContent-Length: 2\r\n\r\n{}".utf8),
             400, bad),
        Case("NUL in the request target", "POST /a\0b HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\n\r\n{}", 400, bad),
        Case("NUL in the method", "PO\0ST / HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\n\r\n{}", 400, bad),
        Case("NUL in Host", "POST / HTTP/1.1\r\nHost: t\0x\r\nContent-Length: 2\r\n\r\n{}", 400, bad),
        Case("first field line starts with a space", "POST / HTTP/1.1\r\n Host: t\r\nContent-Length: 2\r\n\r\n{}", 400, bad),
        Case("request line with a trailing space", "POST / HTTP/1.1 \r\nHost: t\r\nContent-Length: 2\r\n\r\n{}", 400, bad),
        Case("empty field name", post(": x\r\nContent-Length: 2\r\n"), 400, bad),
        Case("field line without a colon", post("X-A\r\nContent-Length: 2\r\n"), 400, bad),
        Case("two Host fields", post("Host: u\r\nContent-Length: 2\r\n"), 400, bad),
        Case("Host with a space", "POST / HTTP/1.1\r\nHost: a b\r\nContent-Length: 2\r\n\r\n{}", 400, bad),
        Case("absolute-form target", "POST http://t/ HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\n\r\n{}", 400, bad),
        Case("HTTP/1.2", "POST / HTTP/1.2\r\nHost: t\r\nContent-Length: 2\r\n\r\n{}", 400, bad),
        Case("lower-case version", "POST / http/1.1\r\nHost: t\r\nContent-Length: 2\r\n\r\n{}", 400, bad),
        Case("two spaces after the method", "POST  / HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\n\r\n{}", 400, bad),
    ]

    /// Chunked bodies with malformed or oversized chunk-size lines.
    static let chunks: [Case] = [
        Case("chunk-size line over 4 KiB (extension)", post("Transfer-Encoding: chunked\r\n",
             "2;x=" + String(repeating: "a", count: 5000) + "\r\n{}\r\n0\r\n\r\n"), 400, bad),
        Case("chunk size with 5000 leading zeros", post("Transfer-Encoding: chunked\r\n",
             String(repeating: "0", count: 5000) + "2\r\n{}\r\n0\r\n\r\n"), 400, bad),
        Case("chunk size overflowing 64 bits", post("Transfer-Encoding: chunked\r\n", "1ffffffffffffffff\r\n{}\r\n0\r\n\r\n"), 400, bad),
        Case("chunk size over max_body", post("Transfer-Encoding: chunked\r\n", "fffffff\r\n{}"), 413, "body_too_large"),
        Case("negative chunk size", post("Transfer-Encoding: chunked\r\n", "-2\r\n{}\r\n0\r\n\r\n"), 400, bad),
        Case("chunk size in 0x form", post("Transfer-Encoding: chunked\r\n", "0x2\r\n{}\r\n0\r\n\r\n"), 400, bad),
        Case("chunk size after a space", post("Transfer-Encoding: chunked\r\n", " 2\r\n{}\r\n0\r\n\r\n"), 400, bad),
        Case("chunk-size line ending in LF only", post("Transfer-Encoding: chunked\r\n", "2\n{}\r\n0\r\n\r\n"), 400, bad),
        Case("chunk data longer than its size", post("Transfer-Encoding: chunked\r\n", "1\r\n{}\r\n0\r\n\r\n"), 400, bad),
        Case("no CRLF after chunk data", post("Transfer-Encoding: chunked\r\n", "2\r\n{}0\r\n\r\n"), 400, bad),
        Case("control byte in a chunk extension", post("Transfer-Encoding: chunked\r\n", "2;a=\u{01}\r\n{}\r\n0\r\n\r\n"), 400, bad),
        Case("trailer field with NUL", post("Transfer-Encoding: chunked\r\n", "2\r\n{}\r\n0\r\nX: \0\r\n\r\n"), 400, bad),
        Case("trailer line ending in LF only", post("Transfer-Encoding: chunked\r\n", "2\r\n{}\r\n0\r\nX\n\r\n"), 400, bad),
    ]

    /// Sends each case on a fresh connection; errors must close it, valid requests reach the upstream
    /// as exactly `{}` with `Content-Length: 2` and no `Transfer-Encoding`.
    static func run(_ cases: [Case], against proxy: ProxyUnderTest) throws {
        for c in cases {
            let connection = try proxy.connect(timeout: 5)
            try connection.send(c.wire)
            let reply = FramedReply.parse(try connection.readUntilClosedOrResponse())
            #expect(reply.status == c.status, "\(c.name): \(reply)")
            if let code = c.code {
                #expect(reply.errorCode == code, "\(c.name): \(reply)")
                if case let .complete(_, _, _, trailing) = reply { #expect(trailing.isEmpty, "\(c.name): bytes after the error") }
                #expect(connection.isClosedByPeer(), "\(c.name): connection left open after a framing error")
            } else if case let .complete(_, _, body, _) = reply {
                let echo = TestResponse(status: 200, headers: [], body: body)
                #expect(echo.json?["body"] as? String == "{}", "\(c.name): \(reply)")
                #expect(echo.echoedHeaders["content-length"] == "2", "\(c.name): \(echo.echoedHeaders)")
                #expect(echo.echoedHeaders["transfer-encoding"] == nil, "\(c.name): \(echo.echoedHeaders)")
            }
        }
    }

    /// A proxy in front of a fresh echo upstream, for one table.
    static func table(_ cases: [Case]) throws {
        let echo = try EchoUpstream(name: "smuggling")
        let proxy = try ProxyUnderTest(services: serviceYAML(supplier: "static", instances: [echo.url]))
        try run(cases, against: proxy)
        // The upstream saw the valid requests only: the direct request is number valid + 1.
        let forwarded = cases.filter { $0.code == nil }.count
        #expect(try echo.direct("POST", "/count").json?["request"] as? Int == forwarded + 1)
    }

    @Test("valid framing variants (OWS, case, leading zeros, extensions) are forwarded re-framed")
    func validVariants() throws { try Self.table(Self.valid) }

    @Test("CL.TE, TE.CL and TE.TE obfuscations get 400 or 501 and never reach the upstream")
    func transferEncodingObfuscations() throws { try Self.table(Self.transferEncoding + Self.valid.prefix(1)) }

    @Test("Content-Length with sign, list, duplicates, junk or overflow gets 400 (413 over max_body)")
    func contentLengthVariants() throws { try Self.table(Self.contentLength + Self.valid.prefix(1)) }

    @Test("LF-only line endings, NUL and control bytes get 400")
    func lineEndingsAndControlBytes() throws { try Self.table(Self.bytes) }

    @Test("malformed and oversized chunk-size lines get 400 (413 over max_body)")
    func chunkSizeLines() throws { try Self.table(Self.chunks) }

    @Test("a chunked request split into two writes at every byte boundary is forwarded intact")
    func everyByteBoundary() throws {
        let echo = try EchoUpstream(name: "split")
        let proxy = try ProxyUnderTest(services: serviceYAML(supplier: "static", instances: [echo.url]))
        let wire = Array(Self.post("Transfer-Encoding: chunked\r\nX-Request-Id: split-test\r\n",
                                   "5;e=1\r\n{\"a\":\r\n2\r\n1}\r\n0\r\nX-T: 1\r\n\r\n").utf8)
        for cut in 1..<wire.count {
            let c = try proxy.connect(timeout: 5)
            c.setNoDelay()
            try c.send(Array(wire[..<cut]))
            usleep(1000)
            try c.send(Array(wire[cut...]))
            let r = try c.readResponse()
            #expect(r.status == 200, "cut at \(cut): \(r.bodyString)")
            #expect(r.json?["body"] as? String == #"{"a":1}"#, "cut at \(cut): \(r.bodyString)")
            #expect(r.header("X-Request-Id") == "split-test", "cut at \(cut)")
        }
        #expect(try echo.direct("POST", "/count").json?["request"] as? Int == wire.count)
    }

    @Test("a TE.CL request split into two writes at every byte boundary is refused every time")
    func everyByteBoundaryRefused() throws {
        let echo = try EchoUpstream(name: "split-bad")
        let proxy = try ProxyUnderTest(services: serviceYAML(supplier: "static", instances: [echo.url]))
        let wire = Array(Self.post("Transfer-Encoding: chunked\r\nContent-Length: 3\r\n", "8\r\nSMUGGLED\r\n0\r\n\r\n").utf8)
        for cut in 1..<wire.count {
            let c = try proxy.connect(timeout: 5)
            c.setNoDelay()
            try c.send(Array(wire[..<cut]))
            usleep(1000)
            try? c.send(Array(wire[cut...]))  // the proxy may already have answered and closed
            let reply = FramedReply.parse(try c.readUntilClosedOrResponse())
            #expect(reply.status == 400 && reply.errorCode == "bad_request", "cut at \(cut): \(reply)")
        }
        #expect(try echo.direct("POST", "/count").json?["request"] as? Int == 1)
    }

    @Test("a valid request pipelined with a smuggled one: the first is answered, the second refused, nothing more")
    func pipelinedSmuggling() throws {
        let echo = try EchoUpstream(name: "pipeline")
        let proxy = try ProxyUnderTest(services: serviceYAML(supplier: "static", instances: [echo.url]))
        let c = try proxy.connect(timeout: 5)
        try c.send(Self.post("Content-Length: 2\r\n") + Self.post("Content-Length: 5\r\nTransfer-Encoding: chunked\r\n",
                   "0\r\n\r\n" + Self.post("Content-Length: 2\r\n")))
        let first = try c.readResponse()
        #expect(first.status == 200)
        let second = try c.readResponse()
        #expect(second.status == 400)
        #expect(second.errorCode == "bad_request")
        #expect(c.isClosedByPeer())
        #expect(try echo.direct("POST", "/count").json?["request"] as? Int == 2)
    }
}

extension RawConnection {
    /// Sends every write at once (no Nagle delay), so two writes reach the proxy as two segments.
    func setNoDelay() {
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
    }

    /// Reads until the peer closes or a whole response (by `FramedReply`) has arrived, for at most the
    /// connection's timeout; returns the bytes read.
    func readUntilClosedOrResponse() throws -> [UInt8] {
        var got: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buf.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n == 0 { return got }
            if n < 0 {
                if errno == EINTR { continue }
                if got.isEmpty { throw TestError("no reply: errno \(errno)") }
                return got
            }
            got += buf[0..<n]
            if case .complete(_, let headers, _, _) = FramedReply.parse(got), headers["content-length"] != nil
                || headers["transfer-encoding"] != nil {
                return got
            }
        }
    }
}
