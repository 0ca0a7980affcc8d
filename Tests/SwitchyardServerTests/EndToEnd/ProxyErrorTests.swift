import Foundation
import Glibc
import Testing

/// End-to-end: every error of SPEC section 4 with its status and JSON body.
@Suite(.serialized) struct ProxyErrorTests {
    static func expectError(_ r: TestResponse, _ status: Int, _ code: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(r.status == status, sourceLocation: sourceLocation)
        #expect(r.errorCode == code, "body: \(r.bodyString)", sourceLocation: sourceLocation)
        #expect(r.header("Content-Type") == "application/json", sourceLocation: sourceLocation)
        let err = r.json?["error"] as? [String: Any]
        #expect((err?["request_id"] as? String)?.isEmpty == false, sourceLocation: sourceLocation)
        #expect((err?["message"] as? String)?.isEmpty == false, sourceLocation: sourceLocation)
    }

    @Test("405, 404, 415, 400 invalid_json, 413, 431, 501 and 400 bad_request, each with its JSON body")
    func clientErrors() throws {
        let a = try EchoUpstream(name: "a")
        let proxy = try ProxyUnderTest(services: serviceYAML(routes: ["/orders"], instances: [a.url]), extra: """
            accept:
              max_body: 1KiB
              max_header: 2KiB
            """)
        let r405 = try proxy.request("GET", "/orders")
        Self.expectError(r405, 405, "method_not_allowed")
        #expect(r405.header("Allow") == "POST")
        Self.expectError(try proxy.request("POST", "/elsewhere"), 404, "no_route")
        Self.expectError(try proxy.request("POST", "/ordersx"), 404, "no_route")
        Self.expectError(try proxy.request("POST", "/orders", headers: ["Content-Type": "text/plain"]), 415, "unsupported_media_type")
        let bad = try proxy.request("POST", "/orders", body: #"{"a":tru}"#)
        Self.expectError(bad, 400, "invalid_json")
        #expect(((bad.json?["error"] as? [String: Any])?["message"] as? String)?.contains("byte 8") == true)
        Self.expectError(try proxy.request("POST", "/orders", body: "[" + String(repeating: "1,", count: 600) + "1]"),
                         413, "body_too_large")
        Self.expectError(try proxy.request("POST", "/orders", headers: ["X-Big": String(repeating: "x", count: 3000)]),
                         431, "headers_too_large")

        let c501 = try proxy.connect()
        try c501.send("POST /orders HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nTransfer-Encoding: gzip\r\n\r\n")
        Self.expectError(try c501.readResponse(), 501, "not_implemented")

        let c400 = try proxy.connect()
        try c400.send("POST /orders HTTP/1.1\r\nHost: t\r\nBad Header: x\r\n\r\n")
        let r400 = try c400.readResponse()
        Self.expectError(r400, 400, "bad_request")
        #expect(c400.isClosedByPeer())

        // After all of that, the upstream has seen nothing.
        #expect(try a.direct("POST", "/count").json?["request"] as? Int == 1)
    }

    @Test("CL and TE together are rejected and the upstream sees nothing")
    func contentLengthAndTransferEncoding() throws {
        let a = try EchoUpstream(name: "a")
        let proxy = try ProxyUnderTest(services: serviceYAML(instances: [a.url]))
        let c = try proxy.connect()
        try c.send("POST / HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: 4\r\n"
                   + "Transfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n")
        Self.expectError(try c.readResponse(), 400, "bad_request")
        #expect(c.isClosedByPeer())
        #expect(try a.direct("POST", "/count").json?["request"] as? Int == 1)
    }

    @Test("502 when the upstream refuses or answers garbage, 504 when it is too slow, 503 when nothing is available")
    func upstreamErrors() throws {
        let closed = Net.freePort()
        let refused = try ProxyUnderTest(services: serviceYAML(supplier: "static", instances: ["http://127.0.0.1:\(closed)"]))
        Self.expectError(try refused.request(), 502, "upstream_unavailable")

        let a = try EchoUpstream(name: "a")
        let proxy = try ProxyUnderTest(services: serviceYAML(supplier: "static", instances: [a.url]), extra: """
            timeouts:
              response: 300ms
            """)
        Self.expectError(try proxy.request(headers: ["X-Echo-Garbage": "1"]), 502, "upstream_unavailable")
        Self.expectError(try proxy.request(headers: ["X-Echo-Delay-Ms": "1000"]), 504, "upstream_timeout")
        #expect(try proxy.request().status == 200)

        // A single always-failing instance with max_ejected 100%: once its breaker opens, 503.
        let bad = try EchoUpstream(name: "bad", arguments: ["--fail-rate", "1"])
        let ejecting = try ProxyUnderTest(services: serviceYAML(instances: [bad.url], extra: """
            circuit_breaker:
              consecutive_failures: 2
              cooldown: 30s
              max_ejected: 100%
            """))
        #expect(try ejecting.request().status == 500)
        #expect(try ejecting.request().status == 500)
        let r503 = try ejecting.request()
        Self.expectError(r503, 503, "no_healthy_instance")
        #expect(r503.header("Retry-After") != nil)
    }
}
