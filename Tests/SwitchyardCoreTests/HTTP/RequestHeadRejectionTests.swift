import Testing
@testable import SwitchyardCore

@Suite struct RequestHeadRejectionTests {
    static func request(_ fields: String, line: String = "POST /x HTTP/1.1") -> String {
        "\(line)\r\nHost: h\r\n\(fields)\r\n"
    }

    @Test("malformed framing is refused with its status", arguments: [
        ("Content-Length: 5\r\nTransfer-Encoding: chunked\r\n", 400),
        ("Transfer-Encoding: chunked\r\nContent-Length: 5\r\n", 400),
        ("Content-Length: 5\r\nContent-Length: 6\r\n", 400),
        ("Content-Length: 5\r\nContent-Length: 5\r\n", 400),
        ("Content-Length: 5, 5\r\n", 400),
        ("Content-Length: +5\r\n", 400),
        ("Content-Length: -1\r\n", 400),
        ("Content-Length: 0x10\r\n", 400),
        ("Content-Length: 1 2\r\n", 400),
        ("Content-Length:\r\n", 400),
        ("Content-Length: 99999999999999999999999\r\n", 400),
        ("Content-Length: 1048577\r\n", 413),
        ("Transfer-Encoding: gzip\r\n", 501),
        ("Transfer-Encoding: identity\r\n", 501),
        ("Transfer-Encoding: xchunked\r\n", 501),
        ("Transfer-Encoding: gzip, chunked\r\n", 501),
        ("Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n", 501),
        ("Transfer-Encoding: chunked, identity\r\n", 400),
        ("Transfer-Encoding: chunked\r\nTransfer-Encoding: gzip\r\n", 400),
        ("Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n", 400),
        ("Transfer-Encoding: chunked, chunked\r\n", 400),
        ("Transfer-Encoding: chunked,\r\n", 400),
        ("Transfer-Encoding:\r\n", 400),
        ("Transfer-Encoding: \"chunked\"\r\n", 400),
        ("Transfer-Encoding: chunked;q=1\r\n", 400),
        ("Transfer-Encoding: chu nked\r\n", 400),
    ])
    func framing(fields: String, status: Int) {
        #expect(HTTPTest.rejection(Self.request(fields)) == status)
    }

    @Test("malformed header lines are refused with 400", arguments: [
        "X-A: 1\r\n folded\r\n",
        "X-A: 1\r\n\tfolded\r\n",
        "X-A : 1\r\n",
        "X-A\t: 1\r\n",
        "X-A 1\r\n",
        ": 1\r\n",
        "X\u{00}A: 1\r\n",
        "X(A): 1\r\n",
        "X-A: a\u{00}b\r\n",
        "X-A: a\u{7f}b\r\n",
        "X-A: a\u{01}b\r\n",
        "X-A: a\rb\r\n",
        "X-A: 1\n",
        "X-A: 1\r\r\n",
        "Host: other\r\n",
        "Content-Type: application/json\r\nContent-Type: text/plain\r\n",
    ])
    func fields(fields: String) {
        #expect(HTTPTest.rejection(Self.request(fields)) == 400)
    }

    @Test("malformed request lines are refused with 400", arguments: [
        "POST /x HTTP/1.1\n",
        "POST /x HTTP/1.1\r",
        "POST  /x HTTP/1.1",
        "POST /x  HTTP/1.1",
        "POST /x HTTP/1.1 ",
        "POST /x",
        "POST /x ",
        "/x HTTP/1.1",
        " POST /x HTTP/1.1",
        "PO\u{00}ST /x HTTP/1.1",
        "PO(ST /x HTTP/1.1",
        "POST x HTTP/1.1",
        "POST http://h/x HTTP/1.1",
        "POST * HTTP/1.1",
        "POST /a#b HTTP/1.1",
        "POST /caf\u{e9} HTTP/1.1",
        "POST /a\u{01}b HTTP/1.1",
        "POST /x HTTP/2.0",
        "POST /x HTTP/1.2",
        "POST /x http/1.1",
        "POST /x HTTP/1.10",
        "POST /x HTTP/1",
    ])
    func requestLines(line: String) {
        #expect(HTTPTest.rejection("\(line)\r\nHost: h\r\n\r\n") == 400)
    }

    @Test("HTTP/1.1 without Host and HTTP/1.0 with Transfer-Encoding are refused with 400")
    func versionRules() {
        #expect(HTTPTest.rejection("GET / HTTP/1.1\r\n\r\n") == 400)
        #expect(HTTPTest.rejection("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n") == 400)
    }

    @Test("a head over maxHeaderBytes or maxHeaderCount is refused with 431")
    func limits() {
        let small = HTTPLimits(maxHeaderBytes: 64, maxHeaderCount: 3)
        let longLine = "GET /\(String(repeating: "a", count: 100)) HTTP/1.1\r\nHost: h\r\n\r\n"
        #expect(HTTPTest.rejection(longLine, limits: small) == 431)
        // Incomplete but already longer than the limit: refused without waiting for the end.
        #expect(HTTPTest.rejection("GET /\(String(repeating: "a", count: 100))", limits: small) == 431)
        let longHead = "GET / HTTP/1.1\r\nHost: h\r\nX-A: \(String(repeating: "b", count: 40))\r\n\r\n"
        #expect(HTTPTest.rejection(longHead, limits: small) == 431)
        let exact = "GET / HTTP/1.1\r\nHost: h\r\nX-A: \(String(repeating: "b", count: 30))\r\n\r\n"
        #expect(exact.utf8.count == 64)
        #expect(HTTPTest.rejection(exact, limits: small) == nil)
        let many = "GET / HTTP/1.1\r\nHost: h\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n"
        #expect(HTTPTest.rejection(many, limits: HTTPLimits(maxHeaderCount: 4)) == nil)
        #expect(HTTPTest.rejection(many, limits: HTTPLimits(maxHeaderCount: 3)) == 431)
        #expect(HTTPTest.rejection(Self.request("Content-Length: 11\r\n"), limits: HTTPLimits(maxBody: 10)) == 413)
        #expect(HTTPTest.rejection(Self.request("Content-Length: 10\r\n"), limits: HTTPLimits(maxBody: 10)) == nil)
    }

    @Test("an incomplete head within the limit asks for more")
    func incomplete() {
        #expect(HTTPTest.parseRequest("GET / HTTP/1.1\r\nHost: h\r\n").0 == .needMore)
        #expect(HTTPTest.parseRequest("").0 == .needMore)
        #expect(HTTPTest.parseRequest("\r\n").0 == .needMore)
    }
}
