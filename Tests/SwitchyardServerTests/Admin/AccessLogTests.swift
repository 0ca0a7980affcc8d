import Foundation
import Testing
import SwitchyardCore
@testable import SwitchyardServer

@Suite("AccessLog", .serialized, .timeLimit(.minutes(1)))
struct AccessLogTests {
    static func record(status: Int = 200) -> AccessLogRecord {
        AccessLogRecord(timeUnixMs: 1_714_566_896_789, status: status, bytesIn: 120, bytesOut: 340,
                        upstreamMicros: 2_345, totalMicros: 2_900, attempts: 1)
    }

    static func lines(_ path: String) throws -> [[String: Any]] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.isEmpty || text.hasSuffix("\n"))
        return try text.split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
    }

    @Test("lines are buffered per worker and appended to the file on flush")
    func appendAndFlush() throws {
        let dir = TestPaths.tempDir()
        let path = dir.appendingPathComponent("access.log").path
        let log = try AccessLog(target: .file(path))
        #expect(log.isEnabled)
        let buffer = AccessLogBuffer(log: log)
        buffer.append(Self.record(), requestID: "r1", client: "127.0.0.1:5000", method: "POST", path: "/orders",
                      service: "orders", instance: "http://10.0.0.11:8080")
        buffer.append(Self.record(status: 404), requestID: "r2", client: "127.0.0.1:5000", method: "POST",
                      path: "/nowhere", service: nil, instance: nil)
        #expect(try Self.lines(path).isEmpty)
        #expect(buffer.pendingBytes > 0)
        buffer.flush()
        #expect(buffer.pendingBytes == 0)
        let lines = try Self.lines(path)
        #expect(lines.count == 2)
        #expect(lines[0]["request_id"] as? String == "r1")
        #expect(lines[0]["upstream_ms"] as? Double == 2.345)
        #expect(lines[1]["status"] as? Int == 404)
        #expect(lines[1]["service"] is NSNull)
        // A second sink on the same file appends instead of truncating.
        let again = AccessLogBuffer(log: try AccessLog(target: .file(path)))
        again.append(Self.record(), requestID: "r3", client: "c", method: "POST", path: "/", service: nil, instance: nil)
        again.flush()
        #expect(try Self.lines(path).map { $0["request_id"] as? String } == ["r1", "r2", "r3"])
    }

    @Test("the buffer flushes by itself past 16 KiB")
    func threshold() throws {
        let path = TestPaths.tempDir().appendingPathComponent("access.log").path
        let buffer = AccessLogBuffer(log: try AccessLog(target: .file(path)))
        var appended = 0
        while try Self.lines(path).isEmpty {
            buffer.append(Self.record(), requestID: "id-\(appended)", client: "c", method: "POST", path: "/orders",
                          service: "orders", instance: "i")
            appended += 1
            #expect(appended < 1000)
            #expect(buffer.pendingBytes < AccessLogBuffer.flushThreshold)
        }
        #expect(try Self.lines(path).count == appended)
        #expect(buffer.pendingBytes == 0)
    }

    @Test("reopen after the file was renamed writes to a new file at the path")
    func reopenAfterRename() throws {
        let dir = TestPaths.tempDir()
        let path = dir.appendingPathComponent("access.log").path
        let rotated = dir.appendingPathComponent("access.log.1").path
        let log = try AccessLog(target: .file(path))
        let buffer = AccessLogBuffer(log: log)
        buffer.append(Self.record(), requestID: "before", client: "c", method: "POST", path: "/", service: nil, instance: nil)
        buffer.flush()
        try FileManager.default.moveItem(atPath: path, toPath: rotated)
        buffer.append(Self.record(), requestID: "still-old", client: "c", method: "POST", path: "/", service: nil,
                      instance: nil)
        buffer.flush()
        try log.reopen()
        buffer.append(Self.record(), requestID: "after", client: "c", method: "POST", path: "/", service: nil, instance: nil)
        buffer.flush()
        #expect(try Self.lines(rotated).map { $0["request_id"] as? String } == ["before", "still-old"])
        #expect(try Self.lines(path).map { $0["request_id"] as? String } == ["after"])
        #expect(log.dropped == 0)
    }

    @Test("off writes nothing; stdout and off ignore reopen; a bad path throws")
    func offAndErrors() throws {
        let off = try AccessLog(target: .off)
        #expect(!off.isEnabled)
        let buffer = AccessLogBuffer(log: off)
        buffer.append(Self.record(), requestID: "x", client: "c", method: "POST", path: "/", service: nil, instance: nil)
        #expect(buffer.pendingBytes == 0)
        try off.reopen()
        try AccessLog(target: .stdout).reopen()
        #expect(throws: SystemError.self) { try AccessLog(target: .file("/nonexistent-dir/x/access.log")) }
    }
}
