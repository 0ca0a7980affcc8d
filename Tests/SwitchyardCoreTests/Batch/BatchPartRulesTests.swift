import Testing
@testable import SwitchyardCore

@Suite struct BatchPartRulesTests {
    @Test("an answer keeps end-to-end fields, Content-Type and X-Request-Id; never hop-by-hop or framing fields")
    func answerHeaders() {
        for name in ["Content-Type", "X-Request-Id", "Cache-Control", "ETag", "x-echo-name"] {
            #expect(BatchPartRules.keepsAnswerHeader(named: name), "\(name)")
        }
        for name in ["Connection", "Keep-Alive", "Transfer-Encoding", "Content-Length", "TE", "Trailer", "Upgrade",
                     "Proxy-Authenticate"] {
            #expect(!BatchPartRules.keepsAnswerHeader(named: name), "\(name)")
        }
    }

    @Test("the cache key is method, path and body; a part with Authorization gets none")
    func cacheKey() {
        let part = BatchPart(target: .service("s"), method: "POST", path: "/rates", headers: [BatchHeader("X-Tenant", "a")])
        #expect(BatchPartRules.cacheKey(part, body: [1, 2])
            == ResponseCache<BatchPartAnswer>.Key(method: "POST", path: "/rates", body: [1, 2]))
        var private_ = part
        private_.headers.append(BatchHeader("authorization", "Bearer x"))
        #expect(BatchPartRules.cacheKey(private_, body: [1, 2]) == nil)
    }

    @Test("an answer's lifetime comes from its own Cache-Control fields, any case")
    func lifetime() {
        let fresh = BatchPartAnswer(status: 200, headers: [BatchHeader("cache-control", "max-age=7")], instance: "i")
        #expect(BatchPartRules.cacheLifetime(of: fresh, ttl: .seconds(30)) == .seconds(7))
        let never = BatchPartAnswer(status: 200, headers: [BatchHeader("Cache-Control", "public"), BatchHeader("CACHE-CONTROL", "no-store")],
                                    instance: "i")
        #expect(BatchPartRules.cacheLifetime(of: never, ttl: .seconds(30)) == nil)
        #expect(BatchPartRules.cacheLifetime(of: BatchPartAnswer(status: 200, instance: "i"), ttl: .seconds(30)) == .seconds(30))
    }

    @Test("an answer over max_body is upstream_unavailable naming the limit")
    func tooLarge() {
        #expect(BatchPartError.answerTooLarge(maxBody: 1024)
            == BatchPartError(code: "upstream_unavailable", message: "the answer is over 1024 bytes (multiplex.max_body)"))
    }
}

@Suite struct BatchAnswerHeadTests {
    func answer(keepAlive: Bool, version: HTTPVersion) -> String {
        var out = ByteBuffer()
        let body = Array(#"{"responses":[]}"#.utf8), rid = Array("abc".utf8)
        body.withUnsafeBytes { b in rid.withUnsafeBytes { r in
            BatchResponseWriter.writeAnswer(b, requestID: r, keepAlive: keepAlive, clientVersion: version, into: &out)
        } }
        return String(decoding: out.readableArray(), as: UTF8.self)
    }

    @Test("a batch's 200: JSON, its length, the request id, and Connection only when it says something")
    func head() {
        let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 16\r\nX-Request-Id: abc"
        #expect(answer(keepAlive: true, version: .http11) == head + "\r\n\r\n{\"responses\":[]}")
        #expect(answer(keepAlive: false, version: .http11) == head + "\r\nConnection: close\r\n\r\n{\"responses\":[]}")
        #expect(answer(keepAlive: true, version: .http10) == head + "\r\nConnection: keep-alive\r\n\r\n{\"responses\":[]}")
    }
}
