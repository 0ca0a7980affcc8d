import Testing
@testable import SwitchyardCore

/// Parses `text` with small limits (5 parts, 4 KiB, depth 8).
func parseBatch(_ text: String, limits: BatchRequest.Limits = .init(maxParts: 5, maxBody: 4096, maxDepth: 8))
    -> Result<BatchRequest, BatchRequestError> {
    BatchRequest.parse(Array(text.utf8), limits: limits)
}

@Suite struct BatchRequestTests {
    @Test("a full batch reads every key of SPEC section 8, and a part's body keeps its exact bytes")
    func fullShape() throws {
        let text = #"""
        {"timeout_ms": 250, "requests": [
          {"id": "a", "service": "orders", "method": "PUT", "path": "/orders/7?x=1",
           "headers": {"X-Trace": "t1", "Accept": "application/json"}, "body": {"n": [1, 2.5e3, "\u00e9"]}, "timeout_ms": 100},
          {"url": "https://api.example.com/x", "method": "GET"},
          {"service": "users", "body": "plain \"text\""}
        ]}
        """#
        let request = try parseBatch(text).get()
        #expect(request.timeout == .milliseconds(250))
        #expect(request.parts.count == 3)
        let a = request.parts[0]
        #expect(a.id == "a" && a.target == .service("orders") && a.method == "PUT" && a.path == "/orders/7?x=1")
        #expect(a.headers == [BatchHeader("X-Trace", "t1"), BatchHeader("Accept", "application/json")])
        #expect(a.timeout == .milliseconds(100))
        let bytes = Array(text.utf8)
        let body = try #require(a.body)
        #expect(String(decoding: bytes[body.start..<body.end], as: UTF8.self) == #"{"n": [1, 2.5e3, "\u00e9"]}"#)
        let b = request.parts[1]
        #expect(b.target == .url("https://api.example.com/x") && b.method == "GET" && b.path == "/" && b.body == nil)
        #expect(b.id == nil && b.timeout == nil && b.headers.isEmpty)
        let c = try #require(request.parts[2].body)
        #expect(String(decoding: bytes[c.start..<c.end], as: UTF8.self) == #""plain \"text\"""#)
        #expect(request.parts[2].method == "POST")
    }

    @Test("accepted shapes", arguments: [
        #"{"requests":[{"service":"a"}]}"#,
        #"{"requests":[{"service":"a","body":null}],"timeout_ms":1}"#,
        #"  {"requests" : [ {"service" : "a.b-c_1" , "body" : [ ] } ] }  "#,
        #"{"requests":[{"url":"http://h/p","headers":{}}]}"#,
        #"{"requests":[{"service":"a","id":"x"},{"service":"a","id":"X"},{"service":"a"},{"service":"a"}]}"#,
        #"{"requests":[{"service":"a","headers":{"X-A":"caf\u00e9 \t ok"}}]}"#,
        #"{"requests":[{"service":"a","id":"\ud83d\ude00"}]}"#,
        #"{"requests":[{"service":"a","method":"PATCH","path":"/"}]}"#,
    ])
    func accepted(_ text: String) {
        #expect(throws: Never.self) { try parseBatch(text).get() }
    }

    @Test("refused shapes name the field, with a machine code", arguments: [
        ("", BatchRequestError.Code.invalidJSON, "not valid JSON at byte 0: empty input"),
        (#"{"requests":[{"service":"a"}]"#, .invalidJSON, "not valid JSON at byte 29: unexpected end of input"),
        (#"[1]"#, .invalidField, "(root): the batch must be a JSON object, got an array"),
        (#"{}"#, .missingField, "requests: missing; expected a non-empty list of calls"),
        (#"{"requests":[]}"#, .invalidField, "requests: the list is empty; a batch needs at least one call"),
        (#"{"requests":{}}"#, .invalidField, "requests: expected a list of calls, got an object"),
        (#"{"request":[]}"#, .unknownField, "request: unknown field; did you mean `requests`?"),
        (#"{"requests":[{"service":"a"}],"requests":[]}"#, .duplicateField, "requests: given twice"),
        (#"{"timeout_ms":0,"requests":[{"service":"a"}]}"#, .invalidField, "timeout_ms: expected a positive integer of milliseconds"),
        (#"{"timeout_ms":1.5,"requests":[{"service":"a"}]}"#, .invalidField, "timeout_ms: expected a positive integer of milliseconds"),
        (#"{"timeout_ms":-3,"requests":[{"service":"a"}]}"#, .invalidField, "timeout_ms: expected a positive integer of milliseconds"),
        (#"{"timeout_ms":"250","requests":[{"service":"a"}]}"#, .invalidField, "timeout_ms: expected a positive integer of milliseconds"),
        (#"{"timeout_ms":1234567890,"requests":[{"service":"a"}]}"#, .invalidField, "timeout_ms: expected a positive integer of milliseconds"),
        (#"{"requests":[1]}"#, .invalidField, "requests[0]: expected a call object, got a number"),
        (#"{"requests":[{}]}"#, .missingField, "requests[0]: give one of `service` or `url`"),
        (#"{"requests":[{"service":"a","url":"http://h"}]}"#, .invalidField, "requests[0].url: give one of `service` or `url`, not both"),
        (#"{"requests":[{"service":"a"},{"service":"a","sevice":"b"}]}"#, .unknownField, "requests[1].sevice: unknown field; did you mean `service`?"),
        (#"{"requests":[{"service":"a","id":"a"},{"service":"a","id":"a"}]}"#, .duplicateID, #"requests[1].id: "a" is used twice (first at requests[0])"#),
        (#"{"requests":[{"service":"a","id":7}]}"#, .invalidField, "requests[0].id: expected a string, got a number"),
        (#"{"requests":[{"service":"a","id":""}]}"#, .invalidField, "requests[0].id: must be 1 to 200 bytes long"),
        (#"{"requests":[{"service":"a b"}]}"#, .invalidField, #"requests[0].service: "a b" is not a service name"#),
        (#"{"requests":[{"service":"a","method":"GE T"}]}"#, .invalidField, #"requests[0].method: "GE T" is not an HTTP method (a token)"#),
        (#"{"requests":[{"service":"a","path":"orders"}]}"#, .invalidField, #"requests[0].path: "orders" must start with `/` and be visible ASCII without `#`"#),
        (#"{"requests":[{"service":"a","path":"/a b"}]}"#, .invalidField, #"requests[0].path: "/a b" must start with `/` and be visible ASCII without `#`"#),
        (#"{"requests":[{"url":"http://h/","path":"/x"}]}"#, .invalidField, "requests[0].path: a `url` call carries its path in the URL"),
        (#"{"requests":[{"service":"a","headers":[]}]}"#, .invalidField, "requests[0].headers: expected an object of strings, got an array"),
        (#"{"requests":[{"service":"a","headers":{"X":1}}]}"#, .invalidField, "requests[0].headers.X: expected a string, got a number"),
        (#"{"requests":[{"service":"a","headers":{"X":"a\r\nB: c"}}]}"#, .invalidField, "requests[0].headers.X: the value has a control character (CR, LF, NUL...) or is too long"),
        (#"{"requests":[{"service":"a","headers":{"Bad Name":"v"}}]}"#, .invalidField, #"requests[0].headers: "Bad Name" is not a header name (a token)"#),
        (#"{"requests":[{"service":"a","headers":{"Connection":"close"}}]}"#, .invalidField, "requests[0].headers.Connection: a call cannot set this header; the proxy owns it"),
        (#"{"requests":[{"service":"a","headers":{"Proxy-Authorization":"x"}}]}"#, .invalidField, "requests[0].headers.Proxy-Authorization: a call cannot set this header; the proxy owns it"),
        (#"{"requests":[{"service":"a","headers":{"Transfer-Encoding":"chunked"}}]}"#, .invalidField, "requests[0].headers.Transfer-Encoding: a call cannot set this header; the proxy owns it"),
        (#"{"requests":[{"service":"a","headers":{"x-a":"1","X-A":"2"}}]}"#, .duplicateField, "requests[0].headers.X-A: given twice (header names ignore case)"),
        (#"{"requests":[{"service":"a","body":1,"body":2}]}"#, .duplicateField, "requests[0].body: given twice"),
        (#"{"requests":[{"service":"a","timeout_ms":"1"}]}"#, .invalidField, "requests[0].timeout_ms: expected a positive integer of milliseconds"),
        (#"{"requests":[{"service":"a"},{"service":"a"},{"service":"a"},{"service":"a"},{"service":"a"},{"service":"a"}]}"#,
         .tooManyParts, "requests: more than 5 calls"),
        (#"{"requests":[{"service":"a","body":[[[[[[[[1]]]]]]]]}]}"#, .invalidJSON, "not valid JSON at byte 40: nesting too deep"),
    ] as [(String, BatchRequestError.Code, String)])
    func refused(_ text: String, _ code: BatchRequestError.Code, _ message: String) {
        switch parseBatch(text) {
        case .success: Issue.record("accepted: \(text)")
        case .failure(let e):
            #expect(e.code == code)
            #expect(e.message == message)
            #expect(e.offset >= 0 && e.offset <= text.utf8.count)
            #expect(e.status == 400)
        }
    }

    @Test("error offsets point at the offending key or value")
    func offsets() throws {
        let dup = #"{"requests":[{"service":"a","id":"a"},{"service":"a","id":"a"}]}"#
        #expect(parseBatch(dup).failureOffset == 38)
        let unknown = #"{"requests":[{"service":"a","xx":1}]}"#
        #expect(parseBatch(unknown).failureOffset == 28)
        let bad = #"{"requests":[{"service":"a"}],}"#
        #expect(parseBatch(bad).failureOffset == 30)
    }

    @Test("a batch over max_body is refused before it is read, at the limit's offset")
    func tooLarge() throws {
        let text = #"{"requests":[{"service":"a","body":"\#(String(repeating: "x", count: 100))"}]}"#
        let e = try #require(parseBatch(text, limits: .init(maxParts: 5, maxBody: 64)).failure)
        #expect(e.code == .bodyTooLarge)
        #expect(e.offset == 64)
        #expect(e.message == "the batch is \(text.utf8.count) bytes; at most 64 are allowed")
    }

    @Test("limits come from the multiplex config")
    func limitsFromConfig() {
        let limits = BatchRequest.Limits(BatchConfig(maxParts: 7, maxBody: 999))
        #expect(limits == BatchRequest.Limits(maxParts: 7, maxBody: 999, maxDepth: 64))
    }
}

extension Result where Failure == BatchRequestError {
    var failure: BatchRequestError? {
        if case .failure(let e) = self { return e }
        return nil
    }
    var failureOffset: Int? { failure?.offset }
}
