import Testing
@testable import SwitchyardCore

@Suite struct BatchResponseWriterTests {
    static func render(_ results: [BatchPartResult?]) -> String {
        var out = ByteBuffer()
        BatchResponseWriter.write(results, into: &out)
        return String(decoding: out.readableArray(), as: UTF8.self)
    }

    @Test("answers and errors are written in order, byte for byte, with ids only where given")
    func exact() {
        let answer = BatchPartAnswer(status: 200, headers: [BatchHeader("Content-Type", "application/json")],
                                     body: Array(#"{"ok": true}"#.utf8), instance: "http://10.0.0.11:8080")
        let text = Self.render([
            BatchPartResult(id: "a", outcome: .answer(answer), duration: .microseconds(12_900)),
            BatchPartResult(id: nil, outcome: .error(BatchPartError(code: "upstream_timeout", message: "no answer within 250 ms")),
                            duration: .milliseconds(250)),
        ])
        #expect(text == #"{"responses":[{"id":"a","status":200,"headers":{"content-type":"application/json"},"#
            + #""body":{"ok": true},"duration_ms":12,"instance":"http://10.0.0.11:8080"},"#
            + #"{"error":{"code":"upstream_timeout","message":"no answer within 250 ms"},"duration_ms":250}]}"#)
    }

    @Test("a body that is not one JSON text is written as a JSON string", arguments: [
        ("hello \"x\"\n", #""hello \"x\"\n""#),
        ("", #""""#),
        ("{\"a\":", #""{\"a\":""#),
        ("[1, 2]", "[1, 2]"),
        ("42", "42"),
        (" null ", " null "),
    ])
    func bodies(_ body: String, _ written: String) {
        let answer = BatchPartAnswer(status: 200, body: Array(body.utf8), instance: "i")
        let text = Self.render([BatchPartResult(id: nil, outcome: .answer(answer), duration: .zero)])
        #expect(text == #"{"responses":[{"status":200,"headers":{},"body":"# + written + #","duration_ms":0,"instance":"i"}]}"#)
    }

    @Test("invalid UTF-8 in a non-JSON body is replaced, so the answer stays JSON")
    func invalidUTF8() {
        let answer = BatchPartAnswer(status: 502, body: [0x61, 0xFF, 0x62], instance: "i")
        let text = Self.render([BatchPartResult(id: "x", outcome: .answer(answer), duration: .zero)])
        #expect(text.contains("\"body\":\"a\u{FFFD}b\""))
    }

    @Test("repeated header names are one key, their values joined; names are lower-cased")
    func headers() {
        let answer = BatchPartAnswer(status: 204, headers: [BatchHeader("Vary", "Accept"), BatchHeader("X-A", "1"),
                                                            BatchHeader("vary", "Origin")], instance: "i")
        let text = Self.render([BatchPartResult(id: nil, outcome: .answer(answer), duration: .zero)])
        #expect(text.contains(#""headers":{"vary":"Accept, Origin","x-a":"1"}"#))
    }

    @Test("a refused batch is a 400 with SPEC 4's error body carrying the batch's own code")
    func refusal() {
        var out = ByteBuffer()
        let error = BatchRequestError(.duplicateID, #"requests[1].id: "a" is used twice (first at requests[0])"#, at: 38)
        Array("r-1".utf8).withUnsafeBytes { id in
            BatchResponseWriter.write(error, requestID: id, keepAlive: true, into: &out)
        }
        let body = #"{"error":{"code":"duplicate_id","message":"requests[1].id: \"a\" is used twice (first at requests[0])","request_id":"r-1"}}"#
        #expect(String(decoding: out.readableArray(), as: UTF8.self)
            == "HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n"
            + "X-Request-Id: r-1\r\n\r\n" + body)
    }

    @Test("an exchange's results render end to end")
    func fromExchange() {
        var x = BatchExchange()
        let policy = BatchPolicy(BatchConfig())
        let request = BatchRequest(timeout: .milliseconds(100), parts: [BatchPart(id: "p", target: .service("s"))])
        _ = x.start(request, policy: policy, knowsService: { _ in true }, at: .zero)
        _ = x.timerFired(at: Instant(nanoseconds: 100_000_000))
        #expect(Self.render(x.results) == #"{"responses":[{"id":"p","error":{"code":"upstream_timeout","#
            + #""message":"no answer within 100 ms"},"duration_ms":100}]}"#)
    }
}

@Suite struct BatchResponseWriterCacheTests {
    @Test("an answer from the cache is marked")
    func cacheHit() {
        let answer = BatchPartAnswer(status: 200, body: Array("1".utf8), instance: "i", cached: true)
        #expect(BatchResponseWriterTests.render([BatchPartResult(id: nil, outcome: .answer(answer), duration: .zero)])
            == #"{"responses":[{"status":200,"headers":{},"body":1,"duration_ms":0,"instance":"i","cache":"hit"}]}"#)
    }
}
