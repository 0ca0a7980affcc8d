import Foundation
import Glibc
import Testing

/// End-to-end: active health checks, /stats, /metrics and the access log (issue 4).
@Suite(.serialized) struct ObservabilityTests {
    /// GET on the admin listener.
    static func admin(_ proxy: ProxyUnderTest, _ path: String) throws -> TestResponse {
        let c = try RawConnection(port: proxy.adminPort)
        try c.send("GET \(path) HTTP/1.1\r\nHost: admin\r\n\r\n")
        return try c.readResponse()
    }

    /// The `/stats` entry of the instance whose URL is `url`.
    static func instanceStats(_ proxy: ProxyUnderTest, _ url: String) throws -> [String: Any]? {
        let stats = try admin(proxy, "/stats").json
        for service in (stats?["services"] as? [[String: Any]]) ?? [] {
            for instance in (service["instances"] as? [[String: Any]]) ?? [] where instance["url"] as? String == url {
                return instance
            }
        }
        return nil
    }

    /// Polls until `condition` holds (at most `timeout` seconds).
    static func eventually(timeout: Double = 5, _ condition: () throws -> Bool) rethrows -> Bool {
        let end = Date().addingTimeInterval(timeout)
        while Date() < end {
            if try condition() { return true }
            usleep(50_000)
        }
        return false
    }

    static func setHealth(_ echo: EchoUpstream, _ status: Int) throws {
        _ = try echo.direct("POST", "/_echo/health", body: #"{"status":\#(status)}"#)
    }

    @Test("an instance whose /health turns 503 is taken out after unhealthy_after rounds and comes back after healthy_after")
    func httpHealthCheck() throws {
        let a = try EchoUpstream(name: "a"), b = try EchoUpstream(name: "b")
        let proxy = try ProxyUnderTest(services: serviceYAML(instances: [a.url, b.url], extra: """
            health_check:
              type: http
              path: /health
              interval: 200ms
              timeout: 150ms
              retries: 0
              healthy_after: 2
              unhealthy_after: 2
            """))
        // Before the first round an instance of unknown health also reads "healthy": wait for READY
        // (logged once every instance's first round is known), or 503 could fail the first round.
        #expect(Self.eventually { proxy.process.output.contains(" ready: ") })
        #expect(try Self.eventually { try Self.instanceStats(proxy, a.url)?["state"] as? String == "healthy" })
        try Self.setHealth(a, 503)
        #expect(try Self.eventually { try Self.instanceStats(proxy, a.url)?["state"] as? String == "unhealthy" })
        let stats = try Self.instanceStats(proxy, a.url)
        let health = stats?["health"] as? [String: Any]
        #expect((health?["consecutive_failures"] as? Int ?? 0) >= 2)
        let history = health?["history"] as? [[String: Any]] ?? []
        #expect(history.contains { ($0["detail"] as? String)?.contains("503") == true })
        // While it is down no client request reaches it.
        for _ in 0..<10 { #expect(try proxy.request().upstreamName == "b") }
        try Self.setHealth(a, 200)
        #expect(try Self.eventually { try Self.instanceStats(proxy, a.url)?["state"] as? String == "healthy" })
        var names = Set<String>()
        for _ in 0..<4 { names.insert(try proxy.request().upstreamName ?? "?") }
        #expect(names == ["a", "b"])
        #expect(proxy.process.output.contains("health demo \(a.url): healthy -> unhealthy"))
    }

    @Test("a tcp check finds a closed port and keeps traffic away from it")
    func tcpHealthCheck() throws {
        let a = try EchoUpstream(name: "a")
        let closed = "http://127.0.0.1:\(Net.freePort())"
        let proxy = try ProxyUnderTest(services: serviceYAML(instances: [a.url, closed], extra: """
            health_check:
              type: tcp
              interval: 200ms
              timeout: 150ms
              unhealthy_after: 1
            retries:
              attempts: 1
            """))
        #expect(try Self.eventually { try Self.instanceStats(proxy, closed)?["state"] as? String == "unhealthy" })
        let last = ((try Self.instanceStats(proxy, closed)?["health"] as? [String: Any])?["last"] as? [String: Any])
        #expect(last?["detail"] as? String == "connection refused")
        for _ in 0..<6 { #expect(try proxy.request().upstreamName == "a") }
    }

    @Test("/stats shows the window figures; /metrics parses and its counters match the requests sent")
    func statsAndMetrics() throws {
        let a = try EchoUpstream(name: "a"), b = try EchoUpstream(name: "b")
        let proxy = try ProxyUnderTest(services: serviceYAML(instances: [a.url, b.url]))
        let c = try proxy.connect()
        for i in 0..<7 { _ = try c.request("POST", "/x", headers: i == 3 ? ["X-Echo-Status": "503"] : [:]) }
        // The worker records an outcome just after the last byte went out: give it a moment.
        #expect(try Self.eventually(timeout: 2) {
            (try Self.instanceStats(proxy, a.url)?["window"] as? [String: Any])?["requests"] as? Int == 4
        })
        let statsA = try Self.instanceStats(proxy, a.url)
        let window = statsA?["window"] as? [String: Any]
        #expect(window?["requests"] as? Int == 4)
        let windowB = try Self.instanceStats(proxy, b.url)?["window"] as? [String: Any]
        #expect((window?["status_5xx"] as? Int ?? 0) + (windowB?["status_5xx"] as? Int ?? 0) == 1)
        #expect((window?["p50_ms"] as? Double ?? 0) > 0)

        let metrics = try Self.admin(proxy, "/metrics")
        #expect(metrics.status == 200)
        #expect(metrics.header("Content-Type")?.hasPrefix("text/plain") == true)
        let samples = try PrometheusText.parse(metrics.bodyString)
        let total = samples.filter { $0.name == "switchyard_requests_total" && $0.labels["service"] == "demo" }
            .reduce(0.0) { $0 + $1.value }
        #expect(total == 7)
        let fiveXX = samples.filter { $0.name == "switchyard_requests_total" && $0.labels["class"] == "5xx" }
            .reduce(0.0) { $0 + $1.value }
        #expect(fiveXX == 1)
        let counts = samples.filter { $0.name == "switchyard_upstream_latency_seconds_count" }.reduce(0.0) { $0 + $1.value }
        #expect(counts == 7)
        let health = try Self.admin(proxy, "/health")
        #expect(health.status == 200)
        #expect(health.json?["status"] as? String == "serving")
    }

    @Test("the access log has one parseable line per request with the right fields")
    func accessLog() throws {
        let a = try EchoUpstream(name: "a")
        let dir = TestPaths.tempDir()
        let path = dir.appendingPathComponent("access.log").path
        let proxy = try ProxyUnderTest(services: serviceYAML(routes: ["/orders"], instances: [a.url]),
                                       extra: "log:\n  access: \"\(path)\"\n  level: info")
        let c = try proxy.connect()
        for _ in 0..<4 { #expect(try c.request("POST", "/orders/1?q=secret", body: #"{"k":1}"#).status == 200) }
        #expect(try c.request("POST", "/nowhere").status == 404)
        var lines: [String] = []
        _ = Self.eventually(timeout: 3) {
            lines = ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
            return lines.count >= 5
        }
        #expect(lines.count == 5)
        let records = lines.compactMap { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any] }
        #expect(records.count == 5)
        guard records.count == 5 else { return }
        let first = records[0]
        #expect(first["method"] as? String == "POST")
        #expect(first["path"] as? String == "/orders/1")
        #expect(first["service"] as? String == "demo")
        #expect(first["instance"] as? String == a.url)
        #expect(first["status"] as? Int == 200)
        #expect(first["client"] as? String == "127.0.0.1")
        #expect(first["attempts"] as? Int == 1)
        #expect((first["request_id"] as? String)?.count == 16)
        #expect((first["bytes_in"] as? Int ?? 0) > 50)
        #expect((first["bytes_out"] as? Int ?? 0) > 100)
        #expect(first["upstream_ms"] is Double || first["upstream_ms"] is Int)
        #expect((first["time"] as? String)?.hasSuffix("Z") == true)
        let last = records[4]
        #expect(last["status"] as? Int == 404)
        #expect(last["error_code"] as? String == "no_route")
        #expect(last["service"] is NSNull)
    }
}

/// A small parser for the Prometheus text exposition format, independent of the proxy's writer.
enum PrometheusText {
    struct Sample {
        var name: String
        var labels: [String: String]
        var value: Double
    }

    static func parse(_ text: String) throws -> [Sample] {
        var out: [Sample] = []
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = String(raw)
            if line.isEmpty || line.hasPrefix("#") { continue }
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else {
                throw TestError("bad sample line: \(line)")
            }
            let series = String(line[..<space])
            var name = series
            var labels: [String: String] = [:]
            if let open = series.firstIndex(of: "{") {
                guard series.hasSuffix("}") else { throw TestError("bad labels: \(line)") }
                name = String(series[..<open])
                let body = series[series.index(after: open) ..< series.index(before: series.endIndex)]
                var rest = Substring(body)
                while !rest.isEmpty {
                    guard let eq = rest.firstIndex(of: "="), rest[rest.index(after: eq)] == "\"" else { throw TestError("bad label in \(line)") }
                    let key = String(rest[..<eq])
                    var i = rest.index(eq, offsetBy: 2)
                    var v = ""
                    while rest[i] != "\"" {
                        if rest[i] == "\\" { i = rest.index(after: i) }
                        v.append(rest[i])
                        i = rest.index(after: i)
                    }
                    labels[key] = v
                    rest = rest[rest.index(after: i)...]
                    if rest.first == "," { rest = rest.dropFirst() }
                }
            }
            guard name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == ":" }) else { throw TestError("bad name: \(name)") }
            out.append(Sample(name: name, labels: labels, value: value))
        }
        return out
    }
}
