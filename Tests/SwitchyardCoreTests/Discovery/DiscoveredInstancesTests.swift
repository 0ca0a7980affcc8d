import Testing
@testable import SwitchyardCore

@Suite struct DiscoveredInstancesTests {
    func endpoint(_ ip: String, _ port: UInt16, priority: UInt16 = 0, weight: UInt16 = 1) -> DNSEndpoint {
        DNSEndpoint(address: IPAddress(ip)!, port: port, priority: priority, weight: weight)
    }

    @Test("a records: every address on the entry's port, with its priority, weight and base path")
    func aRecords() {
        let d = DiscoveryConfig(name: "orders", type: .a, port: 8080, priority: 3, weight: 2, basePath: "/api")
        let list = DiscoveredInstances.instances(for: d, endpoints: [endpoint("10.0.0.2", 8080), endpoint("::1", 8080)])
        #expect(list.map(\.url.description) == ["http://10.0.0.2:8080/api", "http://[::1]:8080/api"])
        #expect(list.allSatisfy { $0.priority == 3 && $0.weight == 2 })
    }

    @Test("srv records: weights from the records, the lowest priority value is the primary tier, each further value one tier lower")
    func srvTiers() {
        let d = DiscoveryConfig(name: "_orders._tcp", type: .srv, priority: 2)
        let list = DiscoveredInstances.instances(for: d, endpoints: [
            endpoint("10.0.0.1", 9001, priority: 10, weight: 3), endpoint("10.0.0.2", 9002, priority: 10, weight: 1),
            endpoint("10.0.0.3", 9003, priority: 20, weight: 0), endpoint("10.0.0.4", 9004, priority: 30, weight: 60_000),
            endpoint("10.0.0.1", 9001, priority: 20, weight: 9),
        ])
        #expect(list.map(\.url.description) == ["http://10.0.0.1:9001", "http://10.0.0.2:9002", "http://10.0.0.3:9003",
                                                "http://10.0.0.4:9004"])
        #expect(list.map(\.priority) == [2, 2, 1, 0])
        #expect(list.map(\.weight) == [3, 1, 1, 10_000])
    }

    @Test("the running configuration lists static instances first, then each entry's, each URL once")
    func expand() {
        let srv = DiscoveryConfig(name: "_orders._tcp", type: .srv)
        var service = ServiceConfig(name: "orders", routes: ["/"], instances: [
            InstanceConfig(url: UpstreamURL(host: "10.0.0.1", port: 9001)),
        ])
        service.discover = [srv]
        let file = Config(services: [service, ServiceConfig(name: "other", routes: ["/o"], instances: [])])
        let running = DiscoveredInstances.expand(file, sets: ["orders": [srv.label: [endpoint("10.0.0.1", 9001), endpoint("10.0.0.9", 9009)]]])
        #expect(running.services[0].instances.map(\.url.description) == ["http://10.0.0.1:9001", "http://10.0.0.9:9009"])
        #expect(running.services[0].discover == [srv])
        #expect(running.services[1] == file.services[1])
        #expect(DiscoveredInstances.expand(file, sets: [:]) == file)
    }

    @Test("a lookup that has not answered yet stands on the set of the follower it replaced; an answer, even empty, wins")
    func carriedSet() {
        let old = [endpoint("10.0.0.1", 80)]
        #expect(DiscoveredInstances.currentSet(endpoints: [], hasAnswered: false, carried: old) == old)
        #expect(DiscoveredInstances.currentSet(endpoints: [], hasAnswered: false, carried: nil) == [])
        #expect(DiscoveredInstances.currentSet(endpoints: [], hasAnswered: true, carried: old) == [])
        #expect(DiscoveredInstances.currentSet(endpoints: [endpoint("10.0.0.2", 80)], hasAnswered: true, carried: old)
                == [endpoint("10.0.0.2", 80)])
    }
}
