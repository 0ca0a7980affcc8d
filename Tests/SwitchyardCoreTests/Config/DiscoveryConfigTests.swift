import Testing
@testable import SwitchyardCore

@Suite struct DiscoveryConfigTests {
    func service(_ instances: Y) -> Y { ["services": [["name": "a", "routes": ["/"], "instances": instances]]] }

    @Test("a discover entry is read with its defaults, beside static instances")
    func defaults() throws {
        let config = try decode(service(["http://10.0.0.1:80", ["discover": ["name": "Orders.Service.Consul"]]])).get()
        let s = try #require(config.services.first)
        #expect(s.instances.map(\.url.description) == ["http://10.0.0.1:80"])
        #expect(s.discover == [DiscoveryConfig(name: "orders.service.consul", type: .srv)])
        let d = s.discover[0]
        #expect(d.interval == .seconds(5) && d.minInterval == .seconds(1) && d.hold == .seconds(30) && d.timeout == .seconds(2))
        #expect(d.resolvers.isEmpty && d.priority == 2 && d.weight == 1 && d.basePath.isEmpty)
    }

    @Test("every discover key is read")
    func everyKey() throws {
        let y = service([["discover": [
            "name": "orders.internal.", "type": "a", "port": "8080", "resolvers": ["127.0.0.1:8600", "10.0.0.2", "[::1]:53"],
            "interval": "10s", "min_interval": "2s", "hold": "1m", "timeout": "500ms", "priority": "high", "weight": "3",
            "base_path": "/api/",
        ]]])
        let d = try #require(try decode(y).get().services.first?.discover.first)
        #expect(d == DiscoveryConfig(
            name: "orders.internal.", type: .a, port: 8080,
            resolvers: [ListenAddress(host: "127.0.0.1", port: 8600), ListenAddress(host: "10.0.0.2", port: 53),
                        ListenAddress(host: "::1", port: 53)],
            interval: .seconds(10), minInterval: .seconds(2), hold: .seconds(60), timeout: .milliseconds(500),
            priority: 3, weight: 3, basePath: "/api"))
    }

    @Test("discover mistakes name their key", arguments: [
        (["discover": ["type": "a", "port": "80"]] as Y,
         "services[0].instances[0].discover.name: missing required key `name` (the DNS name to follow, e.g. orders.service.consul)"),
        (["discover": ["name": "orders..consul"]] as Y,
         "services[0].instances[0].discover.name: `orders..consul` is not a DNS name (labels of 1-63 letters, digits, `-` or `_`, separated by dots; 253 characters at most)"),
        (["discover": ["name": "orders", "type": "a"]] as Y,
         "services[0].instances[0].discover.port: missing required key `port` (`type: a` records carry no port)"),
        (["discover": ["name": "orders", "type": "mx"]] as Y,
         "services[0].instances[0].discover.type: `mx` is not valid; expected one of `a`, `srv`, `aaaa`"),
        (["discover": ["name": "orders", "resolvers": ["dns.google:53"]]] as Y,
         "services[0].instances[0].discover.resolvers[0]: listen host `dns.google` must be an IP address (e.g. `0.0.0.0`, `127.0.0.1`, `[::]`)"),
        (["discover": ["name": "orders", "interval": "1s", "min_interval": "5s"]] as Y,
         "services[0].instances[0].discover.min_interval: min_interval (5.0 seconds) must not exceed interval (1.0 seconds)"),
        (["discover": ["name": "orders", "ttl": "5s"]] as Y,
         "services[0].instances[0].discover.ttl: unknown key `ttl`; expected one of `name`, `type`, `port`, `resolvers`, `interval`, `min_interval`, `hold`, `timeout`, `priority`, `weight`, `base_path`"),
    ])
    func mistakes(entry: Y, expected: String) {
        #expect(problems(service([entry])) == [expected])
    }

    @Test("the same name followed twice is an error")
    func twice() {
        #expect(problems(service([["discover": ["name": "orders"]], ["discover": ["name": "ORDERS"]]]))
                == ["services[0].instances[1].discover: `srv orders` is followed twice"])
    }
}
