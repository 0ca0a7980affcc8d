import Foundation
import Glibc
import Testing
import SwitchyardCore
@testable import SwitchyardServer

@Suite("AdminServer", .serialized, .timeLimit(.minutes(1)))
struct AdminServerTests {
    @Test("GET /health answers serving, and 503 draining while draining")
    func health() throws {
        let serving = try AdminHarness()
        let r = try serving.send("GET", "/health")
        #expect(r.status == 200)
        #expect(r.header("Content-Type") == "application/json")
        #expect(r.header("Cache-Control") == "no-store")
        #expect(r.bodyString == "{\"status\":\"serving\"}\n")
        serving.stop()

        let draining = try AdminHarness(draining: true)
        let d = try draining.send("GET", "/health")
        #expect(d.status == 503)
        #expect(d.bodyString == "{\"status\":\"draining\"}\n")
    }

    @Test("GET /stats is the StatsDocument of the backend's snapshot")
    func stats() throws {
        let h = try AdminHarness()
        let r = try h.send("GET", "/stats?pretty=1")
        #expect(r.status == 200)
        #expect(r.header("Content-Type") == "application/json")
        var expected = ByteBuffer()
        StatsDocument.write(AdminSamples.snapshot(), into: &expected)
        expected.write(byte: 0x0A)
        #expect(r.body == expected.readableArray())
        #expect(r.json?["services"] != nil)
    }

    @Test("GET /dump holds the stats, the config with the token redacted, and the transitions")
    func dump() throws {
        let h = try AdminHarness(config: AdminSamples.config(token: "tok-123"))
        let r = try h.send("GET", "/dump")
        #expect(r.status == 200)
        #expect(!r.bodyString.contains("tok-123"))
        let json = try #require(r.json)
        let config = try #require(json["config"] as? [String: Any])
        #expect((config["admin"] as? [String: Any])?["token"] as? String == "<redacted>")
        #expect((json["transitions"] as? [Any])?.count == 1)
        #expect((json["services"] as? [Any])?.count == 1)
    }

    @Test("GET /metrics is Prometheus text with its content type")
    func metrics() throws {
        let h = try AdminHarness()
        let r = try h.send("GET", "/metrics")
        #expect(r.status == 200)
        #expect(r.header("Content-Type") == "text/plain; version=0.0.4; charset=utf-8")
        #expect(r.bodyString.hasPrefix("# HELP switchyard_build_info"))
        #expect(r.bodyString.contains(
            "switchyard_requests_total{service=\"orders\",instance=\"http://10.0.0.11:8080\",class=\"2xx\"} 1190\n"))
    }

    @Test("GET / serves the HTML dashboard; HEAD answers headers only")
    func indexAndHead() throws {
        let h = try AdminHarness()
        let r = try h.send("GET", "/")
        #expect(r.status == 200)
        #expect(r.header("Content-Type") == "text/html; charset=utf-8")
        #expect(r.bodyString.contains("new EventSource(eventsURL)"))
        #expect(r.bodyString.hasSuffix("</body></html>\n"))
        let head = try h.send("HEAD", "/stats")
        #expect(head.status == 200)
        #expect(head.body.isEmpty)
        #expect(Int(head.header("Content-Length") ?? "") ?? 0 > 100)
    }

    @Test("POST /reload without a configured token reloads")
    func reloadOpen() throws {
        let h = try AdminHarness()
        let r = try h.send("POST", "/reload")
        #expect(r.status == 200)
        #expect(r.json?["status"] as? String == "reloaded")
        #expect(r.json?["summary"] as? String == "1 service, 2 instances")
        #expect(h.stop()?.reloadCount == 1)
    }

    @Test("with admin.token set, POST /reload needs the bearer token: 401 otherwise")
    func reloadToken() throws {
        let h = try AdminHarness(config: AdminSamples.config(token: "tok-123"))
        let missing = try h.send("POST", "/reload")
        #expect(missing.status == 401)
        #expect(missing.errorCode == "unauthorized")
        #expect(missing.header("WWW-Authenticate")?.hasPrefix("Bearer") == true)
        for wrong in ["Bearer tok-12", "Bearer tok-1234", "Basic tok-123", "tok-123", "Bearer "] {
            let r = try h.send("POST", "/reload", headers: ["Authorization: \(wrong)"])
            #expect(r.status == 401, "\(wrong)")
        }
        let ok = try h.send("POST", "/reload", headers: ["Authorization: Bearer tok-123"])
        #expect(ok.status == 200)
        let lower = try h.send("POST", "/reload", headers: ["authorization: bearer tok-123"])
        #expect(lower.status == 200)
        #expect(h.stop()?.reloadCount == 2)
    }

    @Test("a refused reload is 422 with every error; an unsupported one 501")
    func reloadOutcomes() throws {
        let failed = try AdminHarness(outcome: .failed(["config.yaml:3:5: services[0].routes: must start with /",
                                                        "config.yaml:9:1: unknown key 'balancr'"]))
        let r = try failed.send("POST", "/reload")
        #expect(r.status == 422)
        #expect(r.errorCode == "reload_failed")
        #expect(((r.json?["error"] as? [String: Any])?["errors"] as? [String])?.count == 2)
        failed.stop()
        let unsupported = try AdminHarness(outcome: .notSupported)
        let u = try unsupported.send("POST", "/reload")
        #expect(u.status == 501)
        #expect(u.errorCode == "not_implemented")
    }

    @Test("unknown paths are 404 and wrong methods 405 with Allow")
    func notFoundAndMethods() throws {
        let h = try AdminHarness()
        let missing = try h.send("GET", "/nope")
        #expect(missing.status == 404)
        #expect(missing.errorCode == "not_found")
        let postStats = try h.send("POST", "/stats")
        #expect(postStats.status == 405)
        #expect(postStats.header("Allow") == "GET, HEAD")
        let getReload = try h.send("GET", "/reload")
        #expect(getReload.status == 405)
        #expect(getReload.header("Allow") == "POST")
        #expect(getReload.errorCode == "method_not_allowed")
    }

    @Test("keep-alive: pipelined requests with bodies are answered in order on one connection")
    func keepAlive() throws {
        let h = try AdminHarness()
        let c = try h.connect()
        try c.send(AdminHarness.raw("POST", "/reload", body: "{\"some\":\"body\"}")
                   + AdminHarness.raw("GET", "/health") + AdminHarness.raw("GET", "/nope"))
        #expect(try c.readResponse().status == 200)
        #expect(try c.readResponse().bodyString == "{\"status\":\"serving\"}\n")
        #expect(try c.readResponse().status == 404)
        try c.send(AdminHarness.raw("GET", "/health", headers: ["Connection: close"]))
        let last = try c.readResponse()
        #expect(last.header("Connection") == "close")
        #expect(c.isClosedByPeer())
    }

    @Test("a malformed request gets 400 and the connection is closed")
    func malformed() throws {
        let h = try AdminHarness()
        let c = try h.connect()
        try c.send("GET /health HTTP/1.1\nHost: x\n\n")
        let r = try c.readResponse()
        #expect(r.status == 400)
        #expect(r.errorCode == "bad_request")
        #expect(c.isClosedByPeer())
    }

    @Test("a body over the admin limit is refused with 413")
    func bodyTooLarge() throws {
        let h = try AdminHarness()
        let c = try h.connect()
        try c.send("POST /reload HTTP/1.1\r\nHost: x\r\nContent-Length: \(AdminServer.maxBody + 1)\r\n\r\n")
        #expect(try c.readResponse().status == 413)
        #expect(h.stop()?.reloadCount == 0)
    }

    @Test("the bearer comparison is exact and constant-time", arguments: [
        ("abc", "abc", true), ("abc", "abd", false), ("abc", "ab", false), ("", "", true), ("a", "", false),
    ])
    func constantTime(_ a: String, _ b: String, _ equal: Bool) {
        #expect(AdminServer.constantTimeEquals(Array(a.utf8), Array(b.utf8)) == equal)
    }
}
