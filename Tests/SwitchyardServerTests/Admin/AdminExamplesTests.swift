import Foundation
import Testing
import SwitchyardCore
@testable import SwitchyardServer

/// Regenerates the examples in docs/ADMIN.md: with `SWITCHYARD_ADMIN_EXAMPLES=<dir>` set, every
/// endpoint's raw answer to the sample backend is written there. Without it the test only checks
/// that each answer is complete.
@Suite("AdminExamples", .serialized, .timeLimit(.minutes(1)))
struct AdminExamplesTests {
    @Test("every endpoint answers the sample backend (and writes docs examples when asked)")
    func examples() throws {
        let dir = ProcessInfo.processInfo.environment["SWITCHYARD_ADMIN_EXAMPLES"]
        let h = try AdminHarness(config: AdminSamples.config(token: "tok-123"))
        let cases: [(String, String, String, [String])] = [
            ("health", "GET", "/health", []),
            ("stats", "GET", "/stats", []),
            ("dump", "GET", "/dump", []),
            ("metrics", "GET", "/metrics", []),
            ("reload", "POST", "/reload", ["Authorization: Bearer tok-123"]),
            ("reload-401", "POST", "/reload", []),
            ("not-found", "GET", "/nope", []),
            ("method", "POST", "/stats", ["Authorization: Bearer tok-123"]),
        ]
        for (name, method, path, headers) in cases {
            let c = try h.connect()
            try c.send(AdminHarness.raw(method, path, headers: headers + ["Connection: close"]))
            let raw = try c.readToEnd()
            #expect(raw.count > 20, "\(name)")
            // Every answer carries its request id; error bodies carry it too (as docs/ADMIN.md shows).
            let text = String(decoding: raw, as: UTF8.self)
            #expect(text.contains("\r\nX-Request-Id: "), "\(name)")
            if text.contains("{\"error\":") { #expect(text.contains("\"request_id\":\""), "\(name)") }
            if let dir {
                try Data(raw).write(to: URL(fileURLWithPath: dir).appendingPathComponent("\(name).txt"))
            }
        }
        if let dir {
            var line = ByteBuffer()
            AccessLogFormatter.write(AccessLogRecord(timeUnixMs: AdminSamples.nowUnixMs, status: 200, bytesIn: 187,
                                                     bytesOut: 342, upstreamMicros: 3_912, totalMicros: 4_207,
                                                     attempts: 1),
                                     requestID: "5f0c2a9e8d7b4c31", client: "192.0.2.10:53114", method: "POST",
                                     path: "/orders", service: "orders", instance: "http://10.0.0.11:8080", into: &line)
            AccessLogFormatter.write(AccessLogRecord(timeUnixMs: AdminSamples.nowUnixMs + 12, status: 503, bytesIn: 95,
                                                     bytesOut: 160, upstreamMicros: nil, totalMicros: 88, attempts: 0,
                                                     errorCode: ProxyError.noHealthyInstance.code),
                                     requestID: "5f0c2a9e8d7b4c32", client: "192.0.2.10:53114", method: "POST",
                                     path: "/orders", service: "orders", instance: nil, into: &line)
            try Data(line.readableArray()).write(to: URL(fileURLWithPath: dir).appendingPathComponent("access.txt"))
        }
    }
}
