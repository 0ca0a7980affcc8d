import Testing
@testable import SwitchyardCore

@Suite struct RequestHeadParserTests {
    static let simple = "POST /orders/7?x=1&y=%20 HTTP/1.1\r\nHost: shop.example:8080\r\nContent-Type: application/json\r\n"
        + "Content-Length: 13\r\nX-Request-Id: abc-123\r\nX-Custom:  spaced value \t\r\n\r\n"

    @Test("a typical POST parses into ranges, kinds and framing")
    func typical() {
        let text = Self.simple
        let (result, head) = HTTPTest.parseRequest(text)
        #expect(result == .complete(consumed: text.utf8.count))
        #expect(head.method == .post)
        #expect(HTTPTest.string(head.methodRange, in: text) == "POST")
        #expect(HTTPTest.string(head.target, in: text) == "/orders/7?x=1&y=%20")
        #expect(HTTPTest.string(head.path, in: text) == "/orders/7")
        #expect(head.version == .http11)
        #expect(head.framing == .contentLength(13))
        #expect(head.keepAlive)
        #expect(!head.expectContinue)
        #expect(HTTPTest.string(head.host, in: text) == "shop.example:8080")
        #expect(HTTPTest.string(head.contentType, in: text) == "application/json")
        #expect(HTTPTest.string(head.requestID, in: text) == "abc-123")
        #expect(head.headLength == text.utf8.count)
        #expect(head.headers.map(\.kind) == [.host, .contentType, .contentLength, .xRequestID, .other])
        #expect(HTTPTest.string(head.headers[4].name, in: text) == "X-Custom")
        #expect(HTTPTest.string(head.headers[4].value, in: text) == "spaced value")
    }

    @Test("split at every byte boundary gives the same head as one call")
    func everySplit() {
        let text = "\r\n" + Self.simple
        let bytes = Array(text.utf8)
        let (whole, expected) = HTTPTest.parseRequest(text)
        #expect(whole == .complete(consumed: bytes.count))
        var parser = RequestHeadParser()
        var head = RequestHead()
        for split in 0..<bytes.count {
            let first = bytes.withUnsafeBytes { parser.parse(UnsafeRawBufferPointer(rebasing: $0[0..<split]), into: &head) }
            #expect(first == .needMore)
            let second = bytes.withUnsafeBytes { parser.parse($0, into: &head) }
            #expect(second == whole)
            #expect(head == expected)
        }
    }

    @Test("fed one byte at a time, the head completes exactly at its last byte")
    func byteByByte() {
        let bytes = Array(Self.simple.utf8)
        var parser = RequestHeadParser()
        var head = RequestHead()
        for n in 1...bytes.count {
            let r = bytes.withUnsafeBytes { parser.parse(UnsafeRawBufferPointer(rebasing: $0[0..<n]), into: &head) }
            #expect(r == (n == bytes.count ? .complete(consumed: n) : .needMore))
        }
    }

    @Test("pipelined requests: consumed stops at the first head, the next parses from there")
    func pipelined() {
        let text = "GET /a HTTP/1.1\r\nHost: h\r\n\r\nGET /b HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n"
        let bytes = Array(text.utf8)
        var parser = RequestHeadParser()
        var head = RequestHead()
        let r1 = bytes.withUnsafeBytes { parser.parse($0, into: &head) }
        #expect(r1 == .complete(consumed: 28))
        #expect(head.keepAlive && head.framing == .none && head.method == .get)
        let r2 = bytes.withUnsafeBytes { parser.parse(UnsafeRawBufferPointer(rebasing: $0[28...]), into: &head) }
        #expect(r2 == .complete(consumed: bytes.count - 28))
        #expect(!head.keepAlive)
        #expect(head.target == ByteRange(start: 4, count: 2))
    }

    @Test("methods are recognised case-sensitively", arguments: [
        ("GET", HTTPMethod.get), ("HEAD", .head), ("POST", .post), ("PUT", .put), ("DELETE", .delete),
        ("PATCH", .patch), ("OPTIONS", .options), ("get", .other), ("PROPFIND", .other), ("X-Y.z~", .other),
    ])
    func methods(name: String, method: HTTPMethod) {
        let (result, head) = HTTPTest.parseRequest("\(name) / HTTP/1.1\r\nHost: h\r\n\r\n")
        #expect(result != .needMore)
        #expect(head.method == method)
    }

    @Test("keep-alive, Expect and framing per version and Connection", arguments: [
        ("GET / HTTP/1.1\r\nHost: h\r\n\r\n", true, false),
        ("GET / HTTP/1.1\r\nHost: h\r\nConnection: Close\r\n\r\n", false, false),
        ("GET / HTTP/1.1\r\nHost: h\r\nConnection: keep-alive, close\r\n\r\n", false, false),
        ("GET / HTTP/1.0\r\n\r\n", false, false),
        ("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n", true, false),
        ("POST / HTTP/1.1\r\nHost: h\r\nExpect: 100-Continue\r\nContent-Length: 1\r\n\r\n", true, true),
        ("POST / HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 1\r\n\r\n", false, false),
        ("POST / HTTP/1.1\r\nHost: h\r\nExpect: something\r\nContent-Length: 1\r\n\r\n", true, false),
    ])
    func connection(text: String, keepAlive: Bool, expectContinue: Bool) {
        let (result, head) = HTTPTest.parseRequest(text)
        #expect(result == .complete(consumed: text.utf8.count))
        #expect(head.keepAlive == keepAlive)
        #expect(head.expectContinue == expectContinue)
    }

    @Test("framing from Content-Length and Transfer-Encoding", arguments: [
        ("Content-Length: 0\r\n", BodyFraming.contentLength(0)),
        ("Content-Length: 00042\r\n", .contentLength(42)),
        ("Content-Length: 1048576\r\n", .contentLength(1 << 20)),
        ("Transfer-Encoding: chunked\r\n", .chunked),
        ("Transfer-Encoding:  CHUNKED \r\n", .chunked),
        ("", .none),
    ])
    func framing(field: String, framing: BodyFraming) {
        let (result, head) = HTTPTest.parseRequest("POST /x HTTP/1.1\r\nHost: h\r\n\(field)\r\n")
        #expect(result != .needMore)
        #expect(head.framing == framing)
    }

    @Test("Connection lists mark ordinary fields hop-by-hop, never framing or forwarding fields")
    func connectionListed() {
        let text = "GET / HTTP/1.1\r\nHost: h\r\nConnection: x-a, Content-Length,  X-Forwarded-For , upgrade\r\n"
            + "X-A: 1\r\nx-b: 2\r\nX-Forwarded-For: 1.2.3.4\r\nUpgrade: websocket\r\nProxy-Authorization: s\r\n"
            + "Keep-Alive: 5\r\nTE: trailers\r\nTrailer: x\r\n\r\n"
        let (result, head) = HTTPTest.parseRequest(text)
        #expect(result == .complete(consumed: text.utf8.count))
        #expect(head.headers.map(\.kind) == [.host, .connection, .listedInConnection, .other, .xForwardedFor,
                                              .upgrade, .proxyPrefixed, .keepAlive, .te, .trailer])
    }

    @Test("X-Request-Id is kept only when it is 1...128 visible ASCII bytes", arguments: [
        ("X-Request-Id: abc\r\n", "abc"),
        ("x-request-id: \(String(repeating: "a", count: 128))\r\n", String(repeating: "a", count: 128)),
        ("X-Request-Id: \(String(repeating: "a", count: 129))\r\n", nil),
        ("X-Request-Id: a b\r\n", nil),
        ("X-Request-Id: \r\n", nil),
        ("X-Request-Id: caf\u{e9}\r\n", nil),
        ("", nil),
    ])
    func requestID(field: String, expected: String?) {
        let text = "GET / HTTP/1.1\r\nHost: h\r\n\(field)\r\n"
        let (_, head) = HTTPTest.parseRequest(text)
        #expect(HTTPTest.string(head.requestID, in: text) == expected)
    }

    @Test("the header array keeps its storage from one request to the next")
    func reusesStorage() {
        let bytes = Array(Self.simple.utf8)
        var parser = RequestHeadParser()
        var head = RequestHead()
        _ = bytes.withUnsafeBytes { parser.parse($0, into: &head) }
        let capacity = head.headers.capacity
        let r = bytes.withUnsafeBytes { parser.parse($0, into: &head) }
        #expect(r == .complete(consumed: bytes.count))
        #expect(head.headers.count == 5 && head.headers.capacity == capacity)
    }

    @Test("leading empty lines are skipped and counted in consumed")
    func leadingEmptyLines() {
        let text = "\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n"
        let (result, head) = HTTPTest.parseRequest(text)
        #expect(result == .complete(consumed: text.utf8.count))
        #expect(head.methodRange == ByteRange(start: 4, count: 3))
    }

    @Test("an empty Host in HTTP/1.1 is allowed but reported as nil; HTTP/1.0 needs no Host")
    func hosts() {
        let (r1, h1) = HTTPTest.parseRequest("GET / HTTP/1.1\r\nHost:\r\n\r\n")
        #expect(r1 != .needMore && h1.host == nil)
        #expect(HTTPTest.rejection("GET / HTTP/1.1\r\nHost:\r\n\r\n") == nil)
        #expect(HTTPTest.rejection("GET / HTTP/1.0\r\n\r\n") == nil)
    }
}
