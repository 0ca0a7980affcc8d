import Foundation
import Glibc
import Testing
import SwitchyardCore
@testable import SwitchyardServer

/// `GET /events`, the dashboard's Server-Sent Events stream, against a fake backend.
@Suite("AdminEvents", .serialized, .timeLimit(.minutes(1)))
struct AdminEventsTests {
    /// Opens `/events` (with `query` and `headers`) and reads the head.
    static func open(_ h: AdminHarness, query: String = "", headers: [String] = []) throws -> (RawConnection, TestResponse) {
        let c = try h.connect()
        try c.send(AdminHarness.raw("GET", "/events" + query, headers: headers))
        return (c, try c.readResponse(headRequest: true))
    }

    /// The JSON of an event block's `data:` line.
    static func data(_ block: String?) -> [String: Any]? {
        guard let line = block?.split(separator: "\n").first(where: { $0.hasPrefix("data: ") }) else { return nil }
        return (try? JSONSerialization.jsonObject(with: Data(line.dropFirst(6).utf8))) as? [String: Any]
    }

    @Test("the stream is text/event-stream, no-store, with retry and an immediate first event, then one a second")
    func stream() throws {
        let h = try AdminHarness()
        let started = Date()
        let (c, head) = try Self.open(h)
        #expect(head.status == 200)
        #expect(head.header("Content-Type") == "text/event-stream")
        #expect(head.header("Cache-Control") == "no-store")
        #expect(head.header("Connection") == "close")
        #expect(head.header("Content-Length") == nil)
        let first = try c.readEvent()
        #expect(Date().timeIntervalSince(started) < 0.5)
        #expect(first?.hasPrefix("retry: 2000\ndata: {") == true)
        var expected = ByteBuffer()
        EventsDocument.write(AdminSamples.snapshot(), rates: LiveRates(), into: &expected)
        #expect(first == "retry: 2000\ndata: " + String(decoding: expected.readableArray(), as: UTF8.self) + "\n\n")
        let second = try c.readEvent()
        let elapsed = Date().timeIntervalSince(started)
        #expect(elapsed > 0.8 && elapsed < 1.5, "second event after \(elapsed) s")
        let json = try #require(Self.data(second))
        let instances = (json["services"] as? [[String: Any]])?.first?["instances"] as? [[String: Any]]
        #expect(instances?.map { $0["state"] as? String } == ["healthy", "open"])
        // The fake's snapshot is always taken at the same instant: no interval, so no rate yet.
        #expect(instances?.first?["rps"] is NSNull)
        #expect(json["reactions"] == nil)
    }

    @Test("with admin.token set, /events needs it: bearer header or ?token=, else 401")
    func token() throws {
        let h = try AdminHarness(config: AdminSamples.config(token: "t+k/1"))
        for query in ["", "?token=wrong", "?token=t+k/1", "?tok=t%2Bk%2F1"] {
            let (_, r) = try Self.open(h, query: query)
            #expect(r.status == 401, "\(query)")
            #expect(r.header("WWW-Authenticate")?.hasPrefix("Bearer") == true)
        }
        let (c, ok) = try Self.open(h, query: "?x=1&token=t%2Bk%2F1")
        #expect(ok.status == 200)
        #expect(Self.data(try c.readEvent()) != nil)
        let (_, bearer) = try Self.open(h, headers: ["Authorization: Bearer t+k/1"])
        #expect(bearer.status == 200)
        // The other GET endpoints stay open.
        #expect(try h.send("GET", "/stats").status == 200)
        // HEAD gets the 401 without a body, and the connection goes on.
        let c2 = try h.connect()
        try c2.send(AdminHarness.raw("HEAD", "/events") + AdminHarness.raw("GET", "/health"))
        let refusedHead = try c2.readResponse(headRequest: true)
        #expect(refusedHead.status == 401)
        #expect(try c2.readResponse().bodyString == "{\"status\":\"serving\"}\n")
    }

    @Test("at most maxStreams streams: one more is 503 too_many_streams; a closed stream frees its place")
    func cap() throws {
        let h = try AdminHarness()
        var open: [RawConnection] = []
        for _ in 0..<AdminServer.maxStreams {
            let (c, r) = try Self.open(h)
            #expect(r.status == 200)
            open.append(c)
        }
        let c = try h.connect()
        try c.send(AdminHarness.raw("GET", "/events"))
        let refused = try c.readResponse()
        #expect(refused.status == 503)
        #expect(refused.errorCode == "too_many_streams")
        #expect(refused.header("Retry-After") == "5")
        #expect(try h.send("GET", "/health").status == 200)
        open.removeFirst().close()
        #expect(try ObservabilityTests.eventually(timeout: 3) { try Self.open(h).1.status == 200 })
    }

    @Test("HEAD /events answers the stream's head without starting one; wrong methods are 405")
    func headAndMethods() throws {
        let h = try AdminHarness()
        let c = try h.connect()
        try c.send(AdminHarness.raw("HEAD", "/events") + AdminHarness.raw("GET", "/health"))
        let head = try c.readResponse(headRequest: true)
        #expect(head.status == 200)
        #expect(head.header("Content-Type") == "text/event-stream")
        #expect(try c.readResponse().bodyString == "{\"status\":\"serving\"}\n")
        let post = try h.send("POST", "/events")
        #expect(post.status == 405)
        #expect(post.header("Allow") == "GET, HEAD")
    }

    @Test("the backend's reactions value is embedded in every event as it is")
    func reactions() throws {
        let value = #"{"configured":[{"name":"pager","kind":"webhook","on":["instance_down"],"service":null,"executed":2,"failed":1,"skipped":0,"running":0}],"recent":[]}"#
        let h = try AdminHarness(reactions: value)
        let (c, _) = try Self.open(h)
        let first = try #require(try c.readEvent())
        #expect(first.contains(",\"reactions\":" + value + "}\n\n"))
    }
}

extension AdminEventsTests {
    /// One service with `count` instances, each with a long health history: about 1 KB per instance
    /// in an event.
    static func bigSnapshot(instances count: Int) -> ProxySnapshot {
        var s = AdminSamples.snapshot()
        let history = (0..<60).map {
            HealthCheckResult(at: Instant(nanoseconds: UInt64(40 + $0) * 1_000_000_000), ok: $0 % 7 != 0,
                              latency: .milliseconds(1), detail: "HTTP 200")
        }
        s.services[0].instances = (0..<count).map {
            InstanceSnapshot(url: "http://10.1.\($0 / 256).\($0 % 256):8080/" + String(repeating: "p", count: 400),
                             state: "healthy", health: HealthSnapshot(verdict: .healthy, history: history))
        }
        return s
    }

    @Test("a client that stops reading is dropped once its backlog passes the limit; readers go on")
    func slowClientDropped() throws {
        let h = try AdminHarness(snapshot: Self.bigSnapshot(instances: 200))
        let (stalled, _) = try Self.open(h)
        let (reader, _) = try Self.open(h)
        // About 200 KB an event: the stalled stream fills the kernel's buffers (its send buffer is
        // fixed at 64 KiB) and then 256 KiB of backlog within a few events.
        for _ in 0..<8 { #expect(try reader.readEvent() != nil) }
        // Now read the stalled stream: it must end (the server closed it), having carried far less than
        // the events sent meanwhile, instead of going on for ever.
        var total = 0
        var buffer = [UInt8](repeating: 0, count: 65536)
        var sawEnd = false
        while total < 16 << 20 {
            let n = buffer.withUnsafeMutableBytes { recv(stalled.fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { sawEnd = n == 0; break }
            total += n
        }
        print("stalled stream: \(total) bytes before the server closed it")
        #expect(sawEnd)
        #expect(total < 2 << 20)
        #expect(try reader.readEvent() != nil)
    }
}
