import Foundation
import Testing
@testable import SwitchyardCore
@testable import SwitchyardServer

/// Loads every file in Tests/Fixtures/configs. A file with `# expect: <line>:<col>: <path>: <fragment>`
/// header lines must fail with exactly those diagnostics, in order (line:col and path exact, the
/// message containing the fragment); a file without them must load.
@Suite struct ConfigFixtureTests {
    static let directory = TestPaths.fixtures.appendingPathComponent("configs")

    static var fixtureNames: [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasSuffix(".yaml") }.sorted()
    }

    struct Expectation: Equatable {
        var line: Int
        var column: Int
        var path: String
        var fragment: String
    }

    static func expectations(in text: String) -> [Expectation] {
        text.split(separator: "\n").compactMap { line in
            guard line.hasPrefix("# expect: ") else { return nil }
            let parts = line.dropFirst("# expect: ".count).split(separator: ": ", maxSplits: 2)
                .map(String.init)
            let position = parts[0].split(separator: ":")
            guard parts.count == 3, position.count == 2, let l = Int(position[0]), let c = Int(position[1]) else {
                return Expectation(line: -1, column: -1, path: "malformed expect line", fragment: String(line))
            }
            return Expectation(line: l, column: c, path: parts[1], fragment: parts[2])
        }
    }

    @Test("there are at least 20 broken fixtures and a few valid ones")
    func inventory() throws {
        var broken = 0, valid = 0
        for name in Self.fixtureNames {
            let text = try String(contentsOf: Self.directory.appendingPathComponent(name), encoding: .utf8)
            if Self.expectations(in: text).isEmpty { valid += 1 } else { broken += 1 }
        }
        #expect(broken >= 20)
        #expect(valid >= 2)
    }

    @Test("each fixture loads or fails exactly as its header says", arguments: fixtureNames)
    func fixture(name: String) throws {
        let path = Self.directory.appendingPathComponent(name).path
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let expected = Self.expectations(in: text)
        switch ConfigLoader.load(path: path) {
        case .success(let config):
            #expect(expected.isEmpty, "\(name) loaded but should fail: \(config.summary)")
        case .failure(let failure):
            let got = failure.diagnostics
            #expect(!expected.isEmpty, "\(name) should load:\n\(failure)")
            #expect(got.count == expected.count, "\(name):\n\(failure)")
            for (e, d) in zip(expected, got) {
                #expect(d.file == path)
                #expect("\(d.line):\(d.column)" == "\(e.line):\(e.column)", "\(name): \(d)")
                #expect(d.path == e.path, "\(name): \(d)")
                #expect(d.message.contains(e.fragment), "\(name): \(d)")
            }
        }
    }

    @Test("the shipped config.yaml is valid and matches the brief")
    func shippedConfig() throws {
        let path = TestPaths.packageRoot.appendingPathComponent("config.yaml").path
        let config = try ConfigLoader.load(path: path).get()
        #expect(config.summary == "config OK: 1 service, 2 instances, 1 reaction, listen 127.0.0.1:8080, admin 127.0.0.1:9901")
        let demo = try #require(config.services.first)
        #expect(demo.name == "demo" && demo.routes == ["/"])
        #expect(demo.balancer == .roundRobin && demo.supplier == .cooldown)
        #expect(demo.instances.map(\.url.description) == ["http://127.0.0.1:9001", "http://127.0.0.1:9002"])
        #expect(demo.healthCheck == HealthCheckConfig(interval: .seconds(2)))
        #expect(demo.circuitBreaker == CircuitBreakerConfig())
        #expect(config.accept == AcceptConfig() && config.timeouts == TimeoutsConfig())
    }

    @Test("the full valid fixture decodes every form")
    func validFull() throws {
        let config = try ConfigLoader.load(path: Self.directory.appendingPathComponent("valid-full.yaml").path).get()
        #expect(config.listen.map(\.description) == ["0.0.0.0:8080", "[::]:8080"])
        #expect(config.admin.listen == nil && config.reload == .watch && config.workers == 4)
        #expect(config.log == LogConfig(access: .file("/var/log/switchyard/access.log"), level: .warning))
        let orders = config.services[0]
        #expect(orders.routes == ["/orders", "/v2/orders"])
        #expect(orders.instances.map(\.url.description)
                == ["http://10.0.0.11:8080", "http://[fd00::12]:8080/api", "http://orders-3.internal:8080"])
        #expect(orders.instances.map(\.priority) == [3, 1, 2])
        #expect(orders.healthCheck?.type == .tcp)
        #expect(orders.healthCheck?.expectStatus == [200...200, 300...399])
        #expect(orders.retries == RetryConfig(attempts: 3, on: [.connectFailure, .status5xx]))
        #expect(config.services[1].healthCheck == nil && config.services[1].supplier == .static)
    }
}
