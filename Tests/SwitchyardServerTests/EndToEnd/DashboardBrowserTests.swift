import Foundation
import Glibc
import Synchronization
import Testing

/// The dashboard in a real browser (issue 15): headless Chromium loads `GET /`, follows `/events`,
/// and the DOM and screenshots are checked. Skipped only when Chromium is not installed (`make test`
/// installs it).
@Suite(.serialized, .timeLimit(.minutes(1)),
       .enabled(if: Chromium.isAvailable, "chromium is not installed (make test installs it: apt-get install chromium)"))
struct DashboardBrowserTests {
    static let healthCheck = """
        health_check:
          type: http
          path: /health
          interval: 200ms
          timeout: 150ms
          retries: 0
          healthy_after: 1
          unhealthy_after: 1
        """

    /// An upstream whose `/health` answers 200 for 600 ms, then 503 for 600 ms, and so on; every
    /// other path 200.
    static func flappingUpstream() throws -> RawUpstream {
        try RawUpstream { path in
            if path.hasPrefix("/health") {
                let up = Int(Date().timeIntervalSince1970 / 0.6) % 2 == 0
                return .init(up ? "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
                                : "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 4\r\nConnection: close\r\n\r\ndown")
            }
            return .init("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\nConnection: close\r\n\r\n{\"ok\":true}")
        }
    }

    /// How often the `ok` of consecutive health rounds changes in the instance's `/stats` history.
    static func healthChanges(_ proxy: ProxyUnderTest, _ url: String) throws -> Int {
        let history = ((try ObservabilityTests.instanceStats(proxy, url)?["health"] as? [String: Any])?["history"]
                       as? [[String: Any]]) ?? []
        let oks = history.suffix(20).map { $0["ok"] as? Bool ?? false }
        return zip(oks, oks.dropFirst()).filter { $0 != $1 }.count
    }

    @Test("a healthy, a failing and a flapping instance show live in the page, distinctly, at desktop and phone width")
    func threeStates() throws {
        let healthy = try EchoUpstream(name: "healthy")
        let failing = try EchoUpstream(name: "failing")
        try ObservabilityTests.setHealth(failing, 503)
        let flapping = try Self.flappingUpstream()
        defer { flapping.stop() }
        // A global reaction that logs every instance transition: the page lists it and its runs.
        let proxy = try ProxyUnderTest(services: serviceYAML(instances: [healthy.url, failing.url, flapping.url],
                                                             extra: Self.healthCheck), extra: """
            reactions:
              - name: journal
                on: [instance_down, instance_up]
                log: null
            """)
        #expect(try ObservabilityTests.eventually(timeout: 15) {
            try ObservabilityTests.instanceStats(proxy, failing.url)?["state"] as? String == "unhealthy"
                && (try Self.healthChanges(proxy, flapping.url)) >= 5
        })

        // Traffic while the browser watches, so that req/s and the latency sparklines move.
        let done = Atomic<Bool>(false)
        let port = proxy.port
        Thread.detachNewThread {
            while !done.load(ordering: .relaxed) {
                _ = try? RawConnection(port: port, timeout: 2).request("POST", "/orders")
                usleep(20_000)
            }
        }
        defer { done.store(true, ordering: .relaxed) }

        let dir = TestPaths.tempDir().path
        let page = "http://127.0.0.1:\(proxy.adminPort)/"
        let wide = dir + "/dashboard.png", phone = dir + "/dashboard-phone.png"
        // `make dashboard-screenshot` asks for more updates, so that the picture has sparklines.
        let updates = ProcessInfo.processInfo.environment["SWITCHYARD_DASHBOARD_UPDATES"].flatMap { Int($0) } ?? 8
        // ... and a taller window, so that the picture reaches the reactions below the transitions.
        let height = ProcessInfo.processInfo.environment["SWITCHYARD_DASHBOARD_HEIGHT"].flatMap { Int($0) } ?? 900
        let dom = try Chromium.run(page + "?updates=\(updates)", ["--window-size=1200,\(height)", "--screenshot=" + wide, "--dump-dom"],
                                   timeout: Double(updates) + 20)
        _ = try Chromium.run(page + "?updates=3", ["--window-size=375,800", "--screenshot=" + phone])
        Chromium.keep([wide])
        print("dashboard screenshots: \(wide) \(phone)")

        #expect(Chromium.elements("body", in: dom).first?["data-events"] == String(updates), "\(dom.prefix(2000))")
        #expect(Chromium.elements("span", in: dom).first { $0["id"] == "conn" }?["data-conn"] == "paused")
        let cards = Dictionary(Chromium.elements("article", in: dom).map { ($0["data-url"] ?? "", $0) }) { a, _ in a }
        #expect(cards[healthy.url]?["data-state"] == "healthy")
        #expect(cards[healthy.url]?["data-flapping"] == "false")
        #expect(cards[failing.url]?["data-state"] == "unhealthy")
        #expect(cards[failing.url]?["data-flapping"] == "false")
        #expect(cards[flapping.url]?["data-flapping"] == "true")
        // Words, not only colour.
        #expect(dom.contains("✔ healthy"))
        #expect(dom.contains("✖ UNHEALTHY"))
        #expect(dom.contains("⚠ FLAPPING (now "))
        // The healthy card's requests per second, from the traffic above.
        let healthyCard = dom.components(separatedBy: "<article").first { $0.contains("data-url=\"\(healthy.url)\"") } ?? ""
        let rps = healthyCard.components(separatedBy: "data-field=\"rps\">").dropFirst().first?
            .prefix { $0 != "<" }
        #expect(Double(rps.map(String.init) ?? "") ?? 0 > 0, "req/s \(rps ?? "none")")
        #expect(dom.contains("health demo \(flapping.url)"))
        #expect(Chromium.elements("div", in: dom).first { $0["id"] == "reactions" }?["data-reactions"] == "1", "\(dom.suffix(3000))")
        #expect(dom.contains("journal"))
        #expect(Chromium.isPNG(wide), "\(wide)")
        #expect(Chromium.isPNG(phone), "\(phone)")
    }

    @Test("the page passes its ?token= on to /events; without it, it says that the token is needed; reactions render")
    func tokenAndReactions() throws {
        let reactions = #"{"configured":[{"name":"pager","kind":"webhook","on":["instance_down","breaker_open"],"# +
            #""service":null,"executed":3,"failed":1,"skipped":0,"running":0}],"recent":[{"at":"2024-05-01T12:34:56.789Z","# +
            #""reaction":"pager","kind":"webhook","event":"breaker_open","service":"orders","# +
            #""instance":"http://10.0.0.12:8080","outcome":"failed","detail":"HTTP 500"}]}"#
        let h = try AdminHarness(config: AdminSamples.config(token: "to ken/1"), reactions: reactions)
        let page = "http://127.0.0.1:\(h.port)/"
        let dom = try Chromium.run(page + "?token=to%20ken%2F1&updates=2", ["--dump-dom"])
        #expect(Chromium.elements("body", in: dom).first?["data-events"] == "2", "\(dom.prefix(2000))")
        let states = Chromium.elements("article", in: dom).map { $0["data-state"] ?? "" }
        #expect(states == ["healthy", "open"])
        #expect(dom.contains("⊘ OPEN (breaker)"))
        #expect(dom.contains("breaker open · cooldown 12 s left · 1 trip<"))
        #expect(Chromium.elements("div", in: dom).first { $0["id"] == "reactions" }?["data-reactions"] == "1")
        #expect(Chromium.elements("tr", in: dom).contains { $0["data-reaction"] == "pager" })
        #expect(Chromium.elements("li", in: dom).contains { $0["data-outcome"] == "failed" })

        let refused = try Chromium.run(page, ["--dump-dom"], budget: 1500)
        #expect(Chromium.elements("span", in: refused).first { $0["id"] == "conn" }?["data-conn"] == "unauthorized")
        #expect(Chromium.elements("body", in: refused).first?["data-events"] == "0")
    }
}
