import Foundation
import Testing
import SwitchyardCore
@testable import SwitchyardServer

/// Admin answers carry a request id (issue 12 item 7): `X-Request-Id` on every answer, and
/// `request_id` in every error body (SPEC section 4 shape).
@Suite("AdminRequestID", .serialized, .timeLimit(.minutes(1)))
struct AdminRequestIDTests {
    /// The body's `error.request_id`, checked equal to the `X-Request-Id` header.
    private func requestID(_ r: TestResponse, sourceLocation: SourceLocation = #_sourceLocation) -> String? {
        let id = (r.json?["error"] as? [String: Any])?["request_id"] as? String
        #expect(id != nil, "no request_id in \(r.bodyString)", sourceLocation: sourceLocation)
        #expect(r.header("X-Request-Id") == id, sourceLocation: sourceLocation)
        return id
    }

    private static func isGenerated(_ id: String?) -> Bool {
        id?.count == 16 && id?.allSatisfy { $0.isHexDigit && !$0.isUppercase } == true
    }

    @Test("404, 401 (token) and 405 answers carry a generated 16-hex-digit request_id, echoed in X-Request-Id")
    func generated() throws {
        let h = try AdminHarness(config: AdminSamples.config(token: "tok-123"))
        let notFound = try h.send("GET", "/nope")
        let unauthorized = try h.send("POST", "/reload")
        let wrongMethod = try h.send("DELETE", "/stats")
        let statuses = [notFound.status, unauthorized.status, wrongMethod.status]
        #expect(statuses == [404, 401, 405])
        let ids = [requestID(notFound), requestID(unauthorized), requestID(wrongMethod)]
        #expect(ids.allSatisfy(Self.isGenerated), "\(ids)")
        #expect(Set(ids.compactMap { $0 }).count == 3)
    }

    @Test("a sane X-Request-Id from the client is used and echoed; an oversized one is replaced")
    func fromClient() throws {
        let h = try AdminHarness(config: AdminSamples.config(token: "tok-123"))
        let mine = try h.send("POST", "/reload", headers: ["X-Request-Id: trace-42/abc"])
        #expect(mine.status == 401)
        #expect(requestID(mine) == "trace-42/abc")
        let huge = String(repeating: "x", count: 129)
        let replaced = try h.send("GET", "/nope", headers: ["X-Request-Id: \(huge)"])
        #expect(Self.isGenerated(requestID(replaced)))
        // Successful answers echo it too.
        let ok = try h.send("GET", "/health", headers: ["x-request-id: ok-1"])
        #expect(ok.status == 200 && ok.header("X-Request-Id") == "ok-1")
    }

    @Test("a refused reload (422) and a malformed request (400) carry request_id as well")
    func otherErrors() throws {
        let failed = try AdminHarness(outcome: .failed(["config.yaml:1:1: bad"]))
        let r = try failed.send("POST", "/reload", headers: ["X-Request-Id: r-1"])
        #expect(r.status == 422)
        #expect(requestID(r) == "r-1")
        #expect(((r.json?["error"] as? [String: Any])?["errors"] as? [String]) == ["config.yaml:1:1: bad"])
        failed.stop()
        let h = try AdminHarness()
        let c = try h.connect()
        try c.send("GET /health HTTP/1.1\nHost: x\n\n")
        let bad = try c.readResponse()
        #expect(bad.status == 400)
        #expect(Self.isGenerated(requestID(bad)))
    }
}
