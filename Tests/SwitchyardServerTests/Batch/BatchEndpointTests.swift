import Foundation
import Glibc
import Testing

/// End-to-end: the batch endpoint (issue 14, SPEC section 8) on the real binary with real upstreams.
@Suite(.serialized, .timeLimit(.minutes(2))) struct BatchEndpointTests {
    /// POSTs `body` to the batch endpoint; the answer and the wall time it took, in milliseconds.
    static func batch(_ proxy: ProxyUnderTest, _ body: String, path: String = "/_multiplex") throws -> (TestResponse, Double) {
        let c = try proxy.connect()
        let start = Date()
        let r = try c.request("POST", path, body: body)
        return (r, Date().timeIntervalSince(start) * 1000)
    }

    static func parts(_ r: TestResponse) -> [[String: Any]] { r.json?["responses"] as? [[String: Any]] ?? [] }

    static func code(_ part: [String: Any]) -> String? { (part["error"] as? [String: Any])?["code"] as? String }

    @Test("20 parts over three services are answered in request order, each with its id and its service's answer")
    func twentyPartsInOrder() throws {
        let upstreams = try ["a", "b", "c"].map { try EchoUpstream(name: $0) }
        let services = upstreams.map { serviceYAML(name: "svc-\($0.name)", routes: ["/\($0.name)"], instances: [$0.url]) }
        let proxy = try ProxyUnderTest(services: services.joined(separator: "\n"), extra: "multiplex: {}")
        let calls = (0..<20).map { i in
            #"{"id":"p\#(i)","service":"svc-\#(["a", "b", "c"][i % 3])","path":"/items/\#(i)","body":{"n":\#(i)}}"#
        }
        let (r, _) = try Self.batch(proxy, #"{"timeout_ms":2000,"requests":[\#(calls.joined(separator: ","))]}"#)
        #expect(r.status == 200)
        #expect(r.header("Content-Type") == "application/json")
        let parts = Self.parts(r)
        #expect(parts.count == 20)
        for (i, part) in parts.enumerated() {
            #expect(part["id"] as? String == "p\(i)")
            #expect(part["status"] as? Int == 200)
            let echoed = part["body"] as? [String: Any]
            #expect(echoed?["name"] as? String == ["a", "b", "c"][i % 3])
            #expect(echoed?["path"] as? String == "/items/\(i)")
            #expect(echoed?["body"] as? String == #"{"n":\#(i)}"#)
            #expect(part["instance"] as? String == upstreams[i % 3].url)
        }
        // The batch's request id reaches every part's upstream.
        let ids = Set(parts.compactMap { (($0["body"] as? [String: Any])?["headers"] as? [[String]])?.first { $0[0] == "X-Request-Id" }?[1] })
        #expect(ids == [r.header("X-Request-Id") ?? "?"])
    }

    @Test("a slow part becomes upstream_timeout while the others succeed, and the batch answers within its deadline plus 20 ms")
    func slowPartTimesOut() throws {
        let a = try EchoUpstream(name: "a")
        let proxy = try ProxyUnderTest(services: serviceYAML(name: "a", routes: ["/"], instances: [a.url]), extra: "multiplex: {}")
        // Warm the pooled connection, so the measured batch pays no connect.
        _ = try Self.batch(proxy, #"{"requests":[{"service":"a"}]}"#)
        let (r, ms) = try Self.batch(proxy, """
            {"timeout_ms":300,"requests":[{"id":"fast","service":"a"},
             {"id":"slow","service":"a","headers":{"X-Echo-Delay-Ms":"2000"}},
             {"id":"own","service":"a","headers":{"X-Echo-Delay-Ms":"2000"},"timeout_ms":100},
             {"id":"fast2","service":"a","method":"GET","path":"/x"}]}
            """)
        let parts = Self.parts(r)
        #expect(r.status == 200)
        #expect(parts.map { $0["id"] as? String } == ["fast", "slow", "own", "fast2"])
        #expect(parts[0]["status"] as? Int == 200 && parts[3]["status"] as? Int == 200)
        #expect(Self.code(parts[1]) == "upstream_timeout" && parts[1]["duration_ms"] as? Int == 300)
        #expect(Self.code(parts[2]) == "upstream_timeout" && parts[2]["duration_ms"] as? Int == 100)
        #expect(ms >= 300 && ms < 320, "the batch took \(ms) ms for a 300 ms deadline")
        // The timed-out parts' connections were not pooled half-read: the next batch reads clean answers.
        let (again, _) = try Self.batch(proxy, #"{"requests":[{"service":"a"},{"service":"a"},{"service":"a"}]}"#)
        #expect(Self.parts(again).map { $0["status"] as? Int } == [200, 200, 200])
    }

    @Test("a failing part does not fail the batch: its error takes its place")
    func failingPart() throws {
        let a = try EchoUpstream(name: "a")
        let dead = "http://127.0.0.1:\(Net.freePort())"
        let services = serviceYAML(name: "up", routes: ["/up"], instances: [a.url]) + "\n"
            + serviceYAML(name: "down", routes: ["/down"], instances: [dead])
        let proxy = try ProxyUnderTest(services: services, extra: "multiplex: {}")
        let (r, _) = try Self.batch(proxy, """
            {"requests":[{"id":"1","service":"up"},{"id":"2","service":"down"},{"id":"3","service":"nope"},
             {"id":"4","service":"up","headers":{"X-Echo-Status":"503"}}]}
            """)
        #expect(r.status == 200)
        let parts = Self.parts(r)
        #expect(parts[0]["status"] as? Int == 200)
        #expect(Self.code(parts[1]) == "upstream_unavailable")
        #expect(Self.code(parts[2]) == "no_route")
        #expect(parts[3]["status"] as? Int == 503, "an upstream's own error status is an answer, relayed")
    }

    @Test("a URL outside allow_urls, or one whose host resolves to a forbidden address, is refused with no connection made")
    func forgeryRefused() throws {
        let witness = try ConnectionWitness()
        let a = try EchoUpstream(name: "a")
        let extra = """
            multiplex:
              allow_urls: ["http://localhost:\(witness.port)/", "\(a.url)/allowed"]
            """
        let proxy = try ProxyUnderTest(services: serviceYAML(name: "a", routes: ["/"], instances: [a.url]), extra: extra)
        let (r, _) = try Self.batch(proxy, """
            {"requests":[{"id":"name","url":"http://localhost:\(witness.port)/secrets"},
             {"id":"literal","url":"http://127.0.0.1:\(witness.port)/secrets"},
             {"id":"climb","url":"\(a.url)/allowed/../admin"},
             {"id":"userinfo","url":"http://localhost:\(witness.port)@127.0.0.1:\(witness.port)/"},
             {"id":"ok","url":"\(a.url)/allowed/x","body":{"q":1}}]}
            """)
        let parts = Self.parts(r)
        #expect(parts.prefix(4).map { Self.code($0) } == Array(repeating: "url_not_allowed", count: 4))
        let message = (parts[0]["error"] as? [String: Any])?["message"] as? String ?? ""
        #expect(message.contains("resolves to"), "\(message)")
        #expect(parts[4]["status"] as? Int == 200)
        #expect((parts[4]["body"] as? [String: Any])?["path"] as? String == "/allowed/x")
        #expect(witness.connections() == 0)
    }

    @Test("an https allow_urls part works against a local TLS server")
    func httpsPart() throws {
        let tls = try TLSUpstream()
        let a = try EchoUpstream(name: "a")
        let extra = """
            multiplex:
              allow_urls: ["\(tls.url)/v1"]
              ca_file: "\(tls.certificatePath)"
            """
        let proxy = try ProxyUnderTest(services: serviceYAML(name: "a", routes: ["/"], instances: [a.url]), extra: extra)
        let (r, _) = try Self.batch(proxy, """
            {"requests":[{"id":"t","url":"\(tls.url)/v1/rates?base=EUR","body":{"x":1}},
             {"id":"g","url":"\(tls.url)/v1/ping","method":"GET"}]}
            """)
        let parts = Self.parts(r)
        #expect(parts.count == 2)
        let body = parts.first?["body"] as? [String: Any]
        #expect(parts.first?["status"] as? Int == 200, "\(r.bodyString)")
        #expect(body?["tls"] as? Bool == true)
        #expect(body?["path"] as? String == "/v1/rates?base=EUR")
        #expect(body?["body"] as? String == #"{"x":1}"#)
        #expect(parts.last?["status"] as? Int == 200)
        #expect((parts.last?["body"] as? [String: Any])?["method"] as? String == "GET")
        #expect(parts.first?["instance"] as? String == "https://127.0.0.1:\(tls.port)")
    }

    @Test("the cache: a repeated part is a hit, no-store is never kept, max-age bounds the lifetime")
    func cache() throws {
        let a = try EchoUpstream(name: "a")
        let services = serviceYAML(name: "a", routes: ["/"], instances: [a.url], extra: "cache: {ttl: 30s, max_entries: 100}")
        let proxy = try ProxyUnderTest(services: services, extra: "multiplex: {}")
        func one(_ path: String, _ cacheControl: String? = nil) throws -> [String: Any] {
            let headers = cacheControl.map { #","headers":{"X-Echo-Cache-Control":"\#($0)"}"# } ?? ""
            let (r, _) = try Self.batch(proxy, #"{"requests":[{"service":"a","path":"\#(path)","body":{"k":1}\#(headers)}]}"#)
            return Self.parts(r).first ?? [:]
        }
        func upstreamRequests() throws -> Int {
            let stats = try ObservabilityTests.admin(proxy, "/stats").json
            let instance = ((stats?["services"] as? [[String: Any]])?.first?["instances"] as? [[String: Any]])?.first
            return (instance?["totals"] as? [String: Any])?["requests"] as? Int ?? -1
        }
        let first = try one("/plain")
        #expect(first["cache"] == nil)
        let second = try one("/plain")
        #expect(second["cache"] as? String == "hit")
        #expect((second["body"] as? [String: Any])?["path"] as? String == "/plain")
        #expect(try upstreamRequests() == 1)

        _ = try one("/never", "no-store")
        #expect(try one("/never", "no-store")["cache"] == nil)
        #expect(try upstreamRequests() == 3)

        _ = try one("/short", "max-age=1")
        #expect(try one("/short", "max-age=1")["cache"] as? String == "hit")
        usleep(1_200_000)
        #expect(try one("/short", "max-age=1")["cache"] == nil)
        #expect(try upstreamRequests() == 5)

        let samples = try PrometheusText.parse(try ObservabilityTests.admin(proxy, "/metrics").bodyString)
        let hits = samples.first { $0.name == "switchyard_cache_hits_total" && $0.labels["service"] == "a" }?.value
        #expect(hits == 2)
        let cached = samples.first { $0.name == "switchyard_batch_parts_total" && $0.labels["outcome"] == "cached" }?.value
        #expect(cached == 2)
    }

    @Test("refused batches get a 400 naming the rule; other methods a 405; every part has an access-log line with the batch's id")
    func refusalsAndLog() throws {
        let a = try EchoUpstream(name: "a")
        let logPath = TestPaths.tempDir().appendingPathComponent("access.log").path
        let extra = """
            multiplex: {max_parts: 3}
            log:
              access: \(logPath)
              level: info
            """
        let proxy = try ProxyUnderTest(services: serviceYAML(name: "a", routes: ["/"], instances: [a.url]), extra: extra)
        let (dup, _) = try Self.batch(proxy, #"{"requests":[{"service":"a","id":"x"},{"service":"a","id":"x"}]}"#)
        #expect(dup.status == 400 && dup.errorCode == "duplicate_id")
        let (many, _) = try Self.batch(proxy, #"{"requests":[{"service":"a"},{"service":"a"},{"service":"a"},{"service":"a"}]}"#)
        #expect(many.status == 400 && many.errorCode == "too_many_parts")
        let (unknown, _) = try Self.batch(proxy, #"{"requests":[{"sevice":"a"}]}"#)
        #expect(unknown.status == 400 && unknown.errorCode == "unknown_field")
        #expect(try proxy.request("GET", "/_multiplex").status == 405)

        let (ok, _) = try Self.batch(proxy, #"{"requests":[{"service":"a","path":"/one"},{"service":"zz","path":"/two"}]}"#)
        let id = ok.header("X-Request-Id") ?? "?"
        #expect(try ObservabilityTests.eventually {
            let lines = ((try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "").split(separator: "\n")
                .compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
                .filter { $0["request_id"] as? String == id }
            return Set(lines.compactMap { $0["path"] as? String }) == ["/one", "/two", "/_multiplex"]
        })
    }

    @Test("a client that goes away mid-batch cancels its running parts: nothing stays in flight")
    func clientGoneCancels() throws {
        let a = try EchoUpstream(name: "a")
        let proxy = try ProxyUnderTest(services: serviceYAML(name: "a", routes: ["/"], instances: [a.url]), extra: "multiplex: {}")
        func inFlight() throws -> Int {
            let stats = try ObservabilityTests.admin(proxy, "/stats").json
            let instance = ((stats?["services"] as? [[String: Any]])?.first?["instances"] as? [[String: Any]])?.first
            return instance?["in_flight"] as? Int ?? -1
        }
        let c = try proxy.connect()
        let body = #"{"timeout_ms":5000,"requests":[{"service":"a","headers":{"X-Echo-Delay-Ms":"3000"}},{"service":"a","headers":{"X-Echo-Delay-Ms":"3000"}}]}"#
        try c.send("POST /_multiplex HTTP/1.1\r\nHost: t\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)")
        #expect(try ObservabilityTests.eventually { try inFlight() == 2 })
        c.close()
        #expect(try ObservabilityTests.eventually(timeout: 1.5) { try inFlight() == 0 })
        // The proxy still serves batches.
        let (r, _) = try Self.batch(proxy, #"{"requests":[{"service":"a"}]}"#)
        #expect(Self.parts(r).first?["status"] as? Int == 200)
    }

    @Test("a part cut by the client's deadline is no failure of the instance: short deadlines never open its breaker")
    func clientDeadlineIsNoVerdict() throws {
        let a = try EchoUpstream(name: "a")
        let proxy = try ProxyUnderTest(services: serviceYAML(name: "a", routes: ["/"], instances: [a.url], extra: """
            circuit_breaker:
              consecutive_failures: 2
            """), extra: "multiplex: {}")
        for _ in 0 ..< 5 {
            let (r, _) = try Self.batch(proxy, #"{"timeout_ms":30,"requests":[{"service":"a","headers":{"X-Echo-Delay-Ms":"300"}}]}"#)
            #expect(Self.code(Self.parts(r).first ?? [:]) == "upstream_timeout")
        }
        let stats = try ObservabilityTests.instanceStats(proxy, a.url)
        #expect(stats?["state"] as? String == "healthy")
        #expect((stats?["totals"] as? [String: Any])?["timeouts"] as? Int == 0)
        let (ok, _) = try Self.batch(proxy, #"{"requests":[{"service":"a"}]}"#)
        #expect(Self.parts(ok).first?["status"] as? Int == 200)
    }
}
