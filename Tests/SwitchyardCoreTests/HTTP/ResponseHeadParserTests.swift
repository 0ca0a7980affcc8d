import Testing
@testable import SwitchyardCore

@Suite struct ResponseHeadParserTests {
    @Test("framing and keep-alive of upstream responses", arguments: [
        ("HTTP/1.1 200 OK\r\nContent-Length: 12\r\n\r\n", HTTPMethod.post, BodyFraming.contentLength(12), true),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", .post, .chunked, true),
        ("HTTP/1.1 200 OK\r\n\r\n", .post, .untilClose, false),
        ("HTTP/1.1 200 OK\r\nContent-Length: 12\r\n\r\n", .head, .none, true),
        ("HTTP/1.1 204 No Content\r\n\r\n", .post, .none, true),
        ("HTTP/1.1 304 Not Modified\r\nContent-Length: 99\r\n\r\n", .get, .none, true),
        ("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nConnection: close\r\n\r\n", .post, .contentLength(1), false),
        ("HTTP/1.0 200 OK\r\nContent-Length: 1\r\n\r\n", .post, .contentLength(1), false),
        ("HTTP/1.0 200 OK\r\nContent-Length: 1\r\nConnection: keep-alive\r\n\r\n", .post, .contentLength(1), true),
        ("HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n", .post, .contentLength(0), true),
        ("HTTP/1.1 599 \r\nContent-Length: 0\r\n\r\n", .post, .contentLength(0), true),
    ])
    func framing(text: String, method: HTTPMethod, framing: BodyFraming, keepAlive: Bool) {
        let (result, head) = HTTPTest.parseResponse(text, method: method)
        #expect(result == .complete(consumed: text.utf8.count))
        #expect(head.framing == framing)
        #expect(head.keepAlive == keepAlive)
        #expect(!head.isInterim)
    }

    @Test("status line fields and header kinds")
    func fields() {
        let text = "HTTP/1.1 201 Created Fine\r\nX-Request-Id: up\r\nContent-Length: 2\r\nKeep-Alive: timeout=5\r\n\r\n"
        let (result, head) = HTTPTest.parseResponse(text)
        #expect(result == .complete(consumed: text.utf8.count))
        #expect(head.status == 201 && head.version == .http11)
        #expect(HTTPTest.string(head.reason, in: text) == "Created Fine")
        #expect(head.headers.map(\.kind) == [.xRequestID, .contentLength, .keepAlive])
        #expect(head.headLength == text.utf8.count)
    }

    @Test("an interim 100 is reported, then the final response parses after it, split anywhere")
    func interim() {
        let text = "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
        let bytes = Array(text.utf8)
        for split in 1..<bytes.count {
            var parser = ResponseHeadParser()
            var head = ResponseHead()
            var offset = 0
            var results: [(Int, Bool, BodyFraming)] = []
            var available = split
            while results.count < 2 {
                let r = bytes.withUnsafeBytes {
                    parser.parse(UnsafeRawBufferPointer(rebasing: $0[offset..<available]), requestMethod: .post, into: &head)
                }
                switch r {
                case .needMore: available = bytes.count
                case let .complete(consumed):
                    results.append((head.status, head.isInterim, head.framing))
                    offset += consumed
                case let .error(e): Issue.record("\(e)"); return
                }
            }
            #expect(results.map(\.0) == [100, 200])
            #expect(results.map(\.1) == [true, false])
            #expect(results[1].2 == .contentLength(2))
            #expect(offset == bytes.count - 2)
        }
    }

    @Test("malformed upstream responses are reported as upstream errors (502)", arguments: [
        "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\n",
        "HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\n\r\n",
        "HTTP/2.0 200 OK\r\n\r\n",
        "HTTP/1.1 20 OK\r\n\r\n",
        "HTTP/1.1 2000 OK\r\n\r\n",
        "HTTP/1.1 099 Low\r\n\r\n",
        "HTTP/1.1 600 High\r\n\r\n",
        "HTTP/1.1 200 O\u{01}K\r\n\r\n",
        "HTTP/1.1 200 OK\nContent-Length: 0\r\n\r\n",
        "HTTP/1.1 200 OK\r\nBad Name: 1\r\n\r\n",
        "HTTP/1.1 200 OK\r\nX: 1\r\n folded\r\n\r\n",
        "\r\nHTTP/1.1 200 OK\r\n\r\n",
    ])
    func malformed(text: String) {
        let (result, _) = HTTPTest.parseResponse(text)
        guard case let .error(e) = result else { Issue.record("accepted: \(result)"); return }
        #expect(e.error == .upstreamUnavailable)
        #expect(e.error.status == 502)
    }

    @Test("an upstream head over the limit is an upstream error")
    func tooLarge() {
        let text = "HTTP/1.1 200 OK\r\nX: \(String(repeating: "a", count: 100))\r\n\r\n"
        let (result, _) = HTTPTest.parseResponse(text, limits: HTTPLimits(maxHeaderBytes: 64))
        #expect(result == .error(HTTPError(.upstreamUnavailable, "upstream response head too large")))
    }
}
