import Testing
@testable import SwitchyardCore

@Suite struct ResponseCacheTests {
    typealias Key = ResponseCache<Int>.Key
    func key(_ path: String, _ body: String = "") -> Key { Key(method: "POST", path: path, body: Array(body.utf8)) }
    let t0 = Instant(nanoseconds: 1_000_000_000)

    @Test("a stored answer is served until it expires, then dropped")
    func expiry() {
        var c = ResponseCache<Int>(capacity: 4)
        c.store(key("/a"), 1, expires: t0 + .seconds(30))
        #expect(c.lookup(key("/a"), at: t0 + .seconds(29)) == 1)
        #expect(c.lookup(key("/a"), at: t0 + .seconds(30)) == nil)
        #expect(c.count == 0)
    }

    @Test("the key is method, path and the exact body: a different body or method misses")
    func keyParts() {
        var c = ResponseCache<Int>(capacity: 4)
        c.store(key("/a", "{\"k\":1}"), 1, expires: t0 + .seconds(1))
        #expect(c.lookup(key("/a", "{\"k\":1}"), at: t0) == 1)
        #expect(c.lookup(key("/a", "{\"k\":2}"), at: t0) == nil)
        #expect(c.lookup(Key(method: "GET", path: "/a", body: Array("{\"k\":1}".utf8)), at: t0) == nil)
    }

    @Test("when full, the least recently used entry goes first; a lookup makes an entry recent")
    func lru() {
        var c = ResponseCache<Int>(capacity: 3)
        for (i, p) in ["/a", "/b", "/c"].enumerated() { c.store(key(p), i, expires: t0 + .seconds(60)) }
        #expect(c.lookup(key("/a"), at: t0) == 0)           // a is now the most recent
        c.store(key("/d"), 3, expires: t0 + .seconds(60))   // evicts b
        #expect(c.keysByRecency.map(\.path) == ["/d", "/a", "/c"])
        #expect(c.lookup(key("/b"), at: t0) == nil)
        c.store(key("/c"), 9, expires: t0 + .seconds(60))   // replaces, no eviction
        #expect(c.count == 3)
        #expect(c.lookup(key("/c"), at: t0) == 9)
        for i in 0..<100 { c.store(key("/x\(i)"), i, expires: t0 + .seconds(60)) }
        #expect(c.count == 3)
        #expect(c.keysByRecency.map(\.path) == ["/x99", "/x98", "/x97"])
    }
}

@Suite struct CacheLifetimeTests {
    @Test("Cache-Control decides, as a shared cache without revalidation", arguments: [
        (200, [String](), Duration?.some(.seconds(30))),
        (200, ["no-store"], nil),
        (200, ["public, No-Cache"], nil),
        (200, ["private"], nil),
        (200, ["max-age=5"], .seconds(5)),
        (200, ["max-age=\"7\""], .seconds(7)),
        (200, ["max-age=0"], nil),
        (200, ["max-age=60, s-maxage=2"], .seconds(2)),
        (200, ["public", "max-age=9"], .seconds(9)),
        (204, [], .seconds(30)),
        (404, [], nil),
        (500, ["max-age=60"], nil),
        (200, ["max-age=bogus"], nil),
    ])
    func lifetime(status: Int, cacheControl: [String], expected: Duration?) {
        #expect(CacheLifetime.of(status: status, cacheControl: cacheControl, configured: .seconds(30)) == expected)
    }
}

@Suite struct BatchPartRequestWriterTests {
    func write(_ part: BatchPart, body: String?, base: String = "") -> String {
        var out = ByteBuffer()
        let b = body.map { Array($0.utf8) }
        let base = Array(base.utf8), host = Array("10.0.0.1:8080".utf8), client = Array("127.0.0.1".utf8), rid = Array("abc".utf8)
        func go(_ bp: UnsafeRawBufferPointer?) {
            base.withUnsafeBytes { bb in host.withUnsafeBytes { hb in client.withUnsafeBytes { cb in rid.withUnsafeBytes { rb in
                BatchPartRequestWriter.write(part, body: bp, basePath: bb, upstreamHost: hb, clientAddress: cb, requestID: rb, into: &out)
            } } } }
        }
        if let b { b.withUnsafeBytes { go($0) } } else { go(nil) }
        return String(decoding: out.readableArray(), as: UTF8.self)
    }

    @Test("a part with a body: its fields, JSON content type, length, forwarding fields, then the body bytes")
    func withBody() {
        let part = BatchPart(target: .service("s"), method: "POST", path: "/orders/7?x=1",
                             headers: [BatchHeader("X-Tenant", "acme"), BatchHeader("X-Request-Id", "spoof")])
        #expect(write(part, body: #"{"a": 1}"#, base: "/api/") == "POST /api/orders/7?x=1 HTTP/1.1\r\nX-Tenant: acme\r\nHost: 10.0.0.1:8080\r\n"
            + "Content-Type: application/json\r\nContent-Length: 8\r\nX-Forwarded-For: 127.0.0.1\r\nX-Request-Id: abc\r\n\r\n{\"a\": 1}")
    }

    @Test("a GET without a body has no length; a given Content-Type is kept, not doubled")
    func withoutBody() {
        #expect(write(BatchPart(target: .service("s"), method: "GET", path: "/x"), body: nil)
            == "GET /x HTTP/1.1\r\nHost: 10.0.0.1:8080\r\nX-Forwarded-For: 127.0.0.1\r\nX-Request-Id: abc\r\n\r\n")
        let typed = BatchPart(target: .service("s"), method: "PUT", path: "/x", headers: [BatchHeader("content-type", "application/merge-patch+json")])
        #expect(write(typed, body: "{}") == "PUT /x HTTP/1.1\r\ncontent-type: application/merge-patch+json\r\nHost: 10.0.0.1:8080\r\n"
            + "Content-Length: 2\r\nX-Forwarded-For: 127.0.0.1\r\nX-Request-Id: abc\r\n\r\n{}")
    }
}

@Suite struct ResponseBodyReaderTests {
    func feed(_ framing: BodyFraming, _ pieces: [String], max: Int = 100) -> (ResponseBodyReader.Progress, String) {
        var r = ResponseBodyReader(framing: framing, maxBody: max)
        var body = ByteBuffer()
        var pending: [UInt8] = []
        var last = ResponseBodyReader.Progress.needMore(consumed: 0)
        for p in pieces {
            pending += Array(p.utf8)
            last = pending.withUnsafeBytes { r.read($0, into: &body) }
            switch last {
            case .needMore(let n): pending.removeFirst(n)
            case .done(let n): pending.removeFirst(n); return (last, String(decoding: body.readableArray(), as: UTF8.self))
            default: return (last, "")
            }
        }
        return (last, String(decoding: body.readableArray(), as: UTF8.self))
    }

    @Test("Content-Length: done at the length, extra bytes left for the next response")
    func contentLength() {
        #expect(feed(.contentLength(5), ["he", "llo", ""]).1 == "hello")
        let (p, b) = feed(.contentLength(3), ["abcHTTP/1.1"])
        #expect(p == .done(consumed: 3) && b == "abc")
        #expect(feed(.contentLength(101), ["x"]).0 == .tooLarge)
    }

    @Test("chunked across pieces, malformed framing, and the size bound")
    func chunked() {
        #expect(feed(.chunked, ["3\r\nab", "c\r\n2\r\nde\r", "\n0\r\n\r\n"]).1 == "abcde")
        #expect(feed(.chunked, ["zz\r\n"]).0 == .malformed)
        #expect(feed(.chunked, ["ff\r\n"], max: 10).0 == .tooLarge)
    }

    @Test("until close: everything is body, bounded; no framing: done at once")
    func untilClose() {
        #expect(feed(.untilClose, ["abc", "def"]) == (.needMore(consumed: 3), "abcdef"))
        #expect(feed(.untilClose, ["abcdef"], max: 5).0 == .tooLarge)
        #expect(feed(.none, ["x"]).0 == .done(consumed: 0))
    }
}
