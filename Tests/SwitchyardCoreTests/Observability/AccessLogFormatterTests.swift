import Foundation
import Testing
@testable import SwitchyardCore

@Suite struct AccessLogFormatterTests {
    typealias F = ObservabilityFixtures

    static func line(_ r: AccessLogRecord, requestID: String = "abc-123", client: String = "10.0.0.7:51234",
                     method: String = "POST", path: String = "/orders/7", service: String? = "orders",
                     instance: String? = "http://10.0.0.11:8080") -> String {
        var out = ByteBuffer()
        AccessLogFormatter.write(r, requestID: requestID, client: client, method: method, path: path,
                                 service: service, instance: instance, into: &out)
        return F.text(out)
    }

    static func fields(_ line: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
    }

    @Test("a proxied request's line parses back with every field")
    func proxied() throws {
        let r = AccessLogRecord(timeUnixMs: F.nowUnixMs, status: 200, bytesIn: 123, bytesOut: 456,
                                upstreamMicros: 1_234, totalMicros: 1_500, attempts: 1)
        let text = Self.line(r)
        #expect(text.hasSuffix("}\n"))
        #expect(text.filter { $0 == "\n" }.count == 1)
        #expect(text == """
            {"time":"2024-05-01T12:34:56.789Z","request_id":"abc-123","client":"10.0.0.7:51234","method":"POST",\
            "path":"/orders/7","service":"orders","instance":"http://10.0.0.11:8080","status":200,"bytes_in":123,\
            "bytes_out":456,"upstream_ms":1.234,"total_ms":1.5,"attempts":1,"error_code":null}

            """)
        let f = try Self.fields(text)
        #expect(f["time"] as? String == "2024-05-01T12:34:56.789Z")
        #expect(f["request_id"] as? String == "abc-123")
        #expect(f["client"] as? String == "10.0.0.7:51234")
        #expect(f["method"] as? String == "POST")
        #expect(f["path"] as? String == "/orders/7")
        #expect(f["service"] as? String == "orders")
        #expect(f["instance"] as? String == "http://10.0.0.11:8080")
        #expect(f["status"] as? Int == 200)
        #expect(f["bytes_in"] as? Int == 123)
        #expect(f["bytes_out"] as? Int == 456)
        #expect(f["upstream_ms"] as? Double == 1.234)
        #expect(f["total_ms"] as? Double == 1.5)
        #expect(f["attempts"] as? Int == 1)
        #expect(f["error_code"] is NSNull)
    }

    @Test("a proxy-made error has null service, instance and upstream time, and its error code")
    func proxyError() throws {
        let r = AccessLogRecord(timeUnixMs: 0, status: 404, bytesIn: 80, bytesOut: 150, upstreamMicros: nil,
                                totalMicros: 7, attempts: 0, errorCode: ProxyError.noRoute.code)
        let f = try Self.fields(Self.line(r, path: "/nowhere", service: nil, instance: nil))
        #expect(f["time"] as? String == "1970-01-01T00:00:00.000Z")
        #expect(f["service"] is NSNull)
        #expect(f["instance"] is NSNull)
        #expect(f["upstream_ms"] is NSNull)
        #expect(f["total_ms"] as? Double == 0.007)
        #expect(f["error_code"] as? String == "no_route")
    }

    @Test("byte fields are JSON-escaped, so hostile paths and ids cannot break the line")
    func escaping() throws {
        let r = AccessLogRecord(timeUnixMs: 1, status: 400, bytesIn: 0, bytesOut: 0, upstreamMicros: 0,
                                totalMicros: 0, attempts: 0, errorCode: "bad_request")
        let text = Self.line(r, requestID: "id\"with\\quote", method: "P\u{1}ST", path: "/a\"b\nc")
        #expect(text.filter { $0 == "\n" }.count == 1)
        let f = try Self.fields(text)
        #expect(f["request_id"] as? String == "id\"with\\quote")
        #expect(f["method"] as? String == "P\u{1}ST")
        #expect(f["path"] as? String == "/a\"b\nc")
        #expect(f["upstream_ms"] as? Double == 0)
    }

    @Test("RFC 3339 timestamps", arguments: [
        (0, "1970-01-01T00:00:00.000Z"), (-1, "1969-12-31T23:59:59.999Z"), (951_782_400_000, "2000-02-29T00:00:00.000Z"),
        (1_714_566_896_789, "2024-05-01T12:34:56.789Z"), (4_107_542_399_999, "2100-02-28T23:59:59.999Z"),
        (253_402_300_799_999, "9999-12-31T23:59:59.999Z"), (-62_135_596_800_000, "0001-01-01T00:00:00.000Z"),
    ])
    func timestamps(_ ms: Int, _ text: String) {
        var out = ByteBuffer()
        RFC3339Timestamp.write(unixMs: ms, into: &out)
        #expect(F.text(out) == text)
    }

    @Test("RFC 3339 timestamps agree with Foundation over many days")
    func timestampsAgreeWithFoundation() {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            let seconds = Int.random(in: -2_000_000_000...8_000_000_000, using: &generator)
            let millis = Int.random(in: 0..<1000, using: &generator)
            var out = ByteBuffer()
            RFC3339Timestamp.write(unixMs: seconds * 1000 + millis, into: &out)
            let ours = F.text(out)
            let expected = formatter.string(from: Date(timeIntervalSince1970: Double(seconds)))
            #expect(ours == expected.dropLast() + "." + String(1000 + millis).dropFirst() + "Z")
        }
    }

    @Test("fixed-point decimals", arguments: [
        (1500, 3, "1.5"), (2000, 3, "2"), (-25, 3, "-0.025"), (0, 9, "0"), (1, 9, "0.000000001"),
        (123_456_789_012, 9, "123.456789012"), (7, 0, "7"), (Int.min + 1, 3, "-9223372036854775.807"),
    ])
    func fixedPoint(_ value: Int, _ decimals: Int, _ text: String) {
        var out = ByteBuffer()
        out.write(fixedPoint: value, decimals: decimals)
        #expect(F.text(out) == text)
    }
}
