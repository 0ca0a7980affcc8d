import Testing
@testable import SwitchyardCore

/// Runs `body` with the UTF-8 bytes of each string.
private func withBytes<R>(_ a: String, _ body: (UnsafeRawBufferPointer) -> R) -> R {
    Array(a.utf8).withUnsafeBytes(body)
}

@Suite struct UpstreamRequestWriterTests {
    static func upstream(_ request: String, basePath: String = "", bodyLength: Int = 0) -> String {
        let (result, head) = HTTPTest.parseRequest(request)
        guard case .complete = result else { return "parse failed: \(result)" }
        var out = ByteBuffer()
        withBytes(request) { bytes in withBytes(basePath) { base in withBytes("10.0.0.7:8081") { host in
            withBytes("192.0.2.1") { client in withBytes("rid-1") { rid in
                UpstreamRequestWriter.write(head: head, from: bytes, basePath: base, upstreamHost: host,
                                            clientAddress: client, requestID: rid, bodyLength: bodyLength, into: &out)
            } }
        } } }
        return HTTPTest.string(out)
    }

    @Test("hop-by-hop and replaced fields are dropped, forwarding fields added, the rest kept in order")
    func rewrite() {
        let request = "POST /orders?id=7&x=%2F HTTP/1.1\r\nHost: shop.example\r\nUser-Agent: t/1\r\n"
            + "Connection: keep-alive, X-Hop\r\nX-Hop: secret\r\nKeep-Alive: timeout=5\r\nTE: trailers\r\n"
            + "Trailer: X-T\r\nUpgrade: h2c\r\nProxy-Authorization: basic x\r\nTransfer-Encoding: chunked\r\n"
            + "Expect: 100-continue\r\nX-Request-Id: client-id\r\nX-Forwarded-Proto: https\r\n"
            + "X-Forwarded-Host: evil\r\nX-Forwarded-For: 203.0.113.9\r\nx-forwarded-for: 198.51.100.2\r\n"
            + "Content-Type: application/json\r\nAccept:  */* \r\n\r\n"
        let expected = "POST /api/orders?id=7&x=%2F HTTP/1.1\r\nUser-Agent: t/1\r\nAccept: */*\r\n"
            + "Host: 10.0.0.7:8081\r\nContent-Length: 17\r\n"
            + "X-Forwarded-For: 203.0.113.9, 198.51.100.2, 192.0.2.1\r\nX-Forwarded-Proto: http\r\n"
            + "X-Forwarded-Host: shop.example\r\nX-Request-Id: rid-1\r\n\r\n"
        // Content-Type is an ordinary end-to-end field: it stays where the client put it.
        let got = Self.upstream(request, basePath: "/api/", bodyLength: 17)
        #expect(got == expected.replacingOccurrences("Accept: */*\r\n", with: "Content-Type: application/json\r\nAccept: */*\r\n"))
    }

    @Test("a bodiless GET gets no Content-Length; no Host means no X-Forwarded-Host")
    func bodiless() {
        let got = Self.upstream("GET /a HTTP/1.0\r\n\r\n")
        #expect(got == "GET /a HTTP/1.1\r\nHost: 10.0.0.7:8081\r\nX-Forwarded-For: 192.0.2.1\r\n"
            + "X-Forwarded-Proto: http\r\nX-Request-Id: rid-1\r\n\r\n")
    }

    @Test("a POST with an empty body still says Content-Length: 0; unknown methods pass through")
    func emptyPost() {
        #expect(Self.upstream("POST / HTTP/1.1\r\nHost: h\r\n\r\n").contains("\r\nContent-Length: 0\r\n"))
        #expect(Self.upstream("PROPFIND /x HTTP/1.1\r\nHost: h\r\n\r\n").hasPrefix("PROPFIND /x HTTP/1.1\r\n"))
    }
}

@Suite struct ClientResponseWriterTests {
    static func client(_ response: String, method: HTTPMethod = .post, version: HTTPVersion = .http11,
                       keepAlive: Bool = true) -> (String, ClientResponsePlan) {
        let (result, head) = HTTPTest.parseResponse(response, method: method)
        guard case .complete = result else { return ("parse failed: \(result)", ClientResponsePlan(body: .none, closesConnection: true)) }
        var out = ByteBuffer()
        let plan = withBytes(response) { bytes in withBytes("rid-1") { rid in
            ClientResponseWriter.write(head: head, from: bytes, requestID: rid, clientVersion: version,
                                       requestMethod: method, keepAlive: keepAlive, into: &out)
        } }
        return (HTTPTest.string(out), plan)
    }

    @Test("a Content-Length response is copied; hop-by-hop fields removed; X-Request-Id added")
    func copy() {
        let (text, plan) = Self.client("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: keep-alive, X-Hop\r\n"
            + "X-Hop: 1\r\nKeep-Alive: timeout=5\r\nProxy-Connection: x\r\nContent-Length: 2\r\n\r\n")
        #expect(text == "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\nX-Request-Id: rid-1\r\n\r\n")
        #expect(plan == ClientResponsePlan(body: .copy(2), closesConnection: false))
    }

    @Test("the upstream's X-Request-Id is kept, not doubled; !keepAlive closes")
    func upstreamRequestID() {
        let (text, plan) = Self.client("HTTP/1.0 404 Not Found\r\nX-Request-Id: up-7\r\nContent-Length: 0\r\n\r\n", keepAlive: false)
        #expect(text == "HTTP/1.1 404 Not Found\r\nX-Request-Id: up-7\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        #expect(plan == ClientResponsePlan(body: .copy(0), closesConnection: true))
    }

    @Test("body plans by upstream framing and client version", arguments: [
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", HTTPVersion.http11,
         "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-Request-Id: rid-1\r\n\r\n",
         ClientResponsePlan.Body.chunkedPassThrough, false),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", .http10,
         "HTTP/1.1 200 OK\r\nX-Request-Id: rid-1\r\nConnection: close\r\n\r\n", .dechunkThenClose, true),
        ("HTTP/1.1 200 OK\r\nX-A: 1\r\n\r\n", .http11,
         "HTTP/1.1 200 OK\r\nX-A: 1\r\nTransfer-Encoding: chunked\r\nX-Request-Id: rid-1\r\n\r\n", .untilCloseChunked, false),
        ("HTTP/1.0 200 OK\r\n\r\n", .http10,
         "HTTP/1.1 200 OK\r\nX-Request-Id: rid-1\r\nConnection: close\r\n\r\n", .untilCloseRaw, true),
        ("HTTP/1.1 201 Created\r\nContent-Length: 3\r\n\r\n", .http10,
         "HTTP/1.1 201 Created\r\nContent-Length: 3\r\nX-Request-Id: rid-1\r\nConnection: keep-alive\r\n\r\n", .copy(3), false),
        ("HTTP/1.1 204 No Content\r\n\r\n", .http11,
         "HTTP/1.1 204 No Content\r\nX-Request-Id: rid-1\r\n\r\n", .none, false),
        ("HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n", .http11,
         "HTTP/1.1 200 \r\nContent-Length: 0\r\nX-Request-Id: rid-1\r\n\r\n", .copy(0), false),
    ])
    func plans(response: String, version: HTTPVersion, expected: String, body: ClientResponsePlan.Body, closes: Bool) {
        let (text, plan) = Self.client(response, version: version)
        #expect(text == expected)
        #expect(plan == ClientResponsePlan(body: body, closesConnection: closes))
    }

    @Test("a HEAD response keeps its Content-Length but has no body")
    func head() {
        let (text, plan) = Self.client("HTTP/1.1 200 OK\r\nContent-Length: 42\r\n\r\n", method: .head)
        #expect(text == "HTTP/1.1 200 OK\r\nContent-Length: 42\r\nX-Request-Id: rid-1\r\n\r\n")
        #expect(plan.body == .none)
    }
}

@Suite struct ErrorResponseTests {
    static func error(_ e: ProxyError, detail: String? = nil, keepAlive: Bool = true, allow: String? = nil,
                      retryAfter: Int? = nil) -> String {
        var out = ByteBuffer()
        withBytes(detail ?? "") { d in withBytes(allow ?? "") { a in withBytes("rid-\"1") { rid in
            ErrorResponse.write(e, detail: detail == nil ? nil : d, requestID: rid, keepAlive: keepAlive,
                                allow: allow == nil ? nil : a, retryAfterSeconds: retryAfter, into: &out)
        } } }
        return HTTPTest.string(out)
    }

    @Test("exact bytes of an error answer with the default message")
    func exact() {
        let body = "{\"error\":{\"code\":\"no_route\",\"message\":\"no service matches the request path\",\"request_id\":\"rid-\\\"1\"}}"
        #expect(Self.error(.noRoute) == "HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n"
            + "X-Request-Id: rid-\"1\r\n\r\n" + body)
    }

    @Test("detail is escaped; Allow, Retry-After and Connection: close when asked")
    func extras() {
        let r405 = Self.error(.methodNotAllowed, allow: "POST, PUT")
        #expect(r405.contains("\r\nAllow: POST, PUT\r\n"))
        let r503 = Self.error(.noHealthyInstance, keepAlive: false, retryAfter: 5)
        #expect(r503.hasPrefix("HTTP/1.1 503 Service Unavailable\r\n"))
        #expect(r503.contains("\r\nRetry-After: 5\r\nConnection: close\r\n\r\n"))
        let r400 = Self.error(.invalidJSON, detail: "invalid JSON at byte 17: \"x\"\n")
        let body = "{\"error\":{\"code\":\"invalid_json\",\"message\":\"invalid JSON at byte 17: \\\"x\\\"\\n\",\"request_id\":\"rid-\\\"1\"}}"
        #expect(r400.hasSuffix("\r\n\r\n" + body))
        #expect(r400.contains("Content-Length: \(body.utf8.count)\r\n"))
    }

    @Test("every error's declared Content-Length matches its body", arguments: ProxyError.allCases)
    func lengths(error: ProxyError) {
        let text = Self.error(error, detail: "ctl \u{01} tab\t")
        let parts = text.split(separator: "\r\n\r\n", maxSplits: 1)
        let length = parts[0].split(separator: "\r\n").first { $0.hasPrefix("Content-Length: ") }!.dropFirst(16)
        #expect(Int(length) == parts[1].utf8.count)
        #expect(text.hasPrefix("HTTP/1.1 \(error.status) "))
    }

    @Test("a parser error is written with its message")
    func httpError() {
        var out = ByteBuffer()
        withBytes("r") { ErrorResponse.write(HTTPError(.badRequest, "bad chunk"), requestID: $0, keepAlive: false, into: &out) }
        #expect(HTTPTest.string(out).hasSuffix("{\"error\":{\"code\":\"bad_request\",\"message\":\"bad chunk\",\"request_id\":\"r\"}}"))
    }
}

@Suite struct MediaTypeTests {
    @Test("JSON media types", arguments: [
        ("application/json", true), ("Application/JSON", true), ("application/json; charset=utf-8", true),
        ("  application/json  ;charset=utf-8", true), ("application/problem+json", true), ("text/x+JSON", true),
        ("application/jsonx", false), ("text/json-seq", false), ("application/x-json-not", false), ("+json", false),
        ("/+json", false), ("application/+json", false), ("text/plain", false), ("", false), ("application/json/x", false),
        ("application /json", false),
    ])
    func isJSON(value: String, expected: Bool) {
        #expect(withBytes(value) { MediaType.isJSON($0) } == expected)
    }
}

extension String {
    /// Test helper without Foundation.
    fileprivate func replacingOccurrences(_ target: String, with replacement: String) -> String {
        var result = ""
        var rest = Substring(self)
        while let r = rest.firstRange(of: target) {
            result += rest[..<r.lowerBound] + replacement
            rest = rest[r.upperBound...]
        }
        return result + rest
    }
}
