import Testing
@testable import SwitchyardCore

@Suite struct DNSResolutionConfigTests {
    @Test("resolver addresses: IPv4 with port, bracketed IPv6, port 53 by default",
          arguments: [("127.0.0.1:8600", "127.0.0.1:8600"), ("[::1]:53", "[::1]:53"), ("10.96.0.10", "10.96.0.10:53"),
                      ("[fd00::a]", "[fd00::a]:53")])
    func resolvers(text: String, canonical: String) throws {
        #expect(try DNSResolverAddress(text).description == canonical)
    }

    @Test("resolver addresses must be IP literals with a valid port",
          arguments: ["consul.local:8600", "1.2.3.4:0", "::1", "1.2.3.4:99999", "", "[::1"])
    func badResolvers(text: String) {
        #expect(throws: ConfigValueError.self) { try DNSResolverAddress(text) }
    }

    @Test("the defaults: 30 s interval and hold, 1 s floor and backoff, 2 s query timeout, 10% jitter, EDNS on")
    func defaults() {
        let c = DNSResolutionConfig(name: DR.name("web.service.consul"), lookup: .srv, resolvers: DR.resolvers)
        #expect(c.interval == .seconds(30) && c.hold == .seconds(30) && c.ttlFloor == .seconds(1))
        #expect(c.initialBackoff == .seconds(1) && c.queryTimeout == .seconds(2) && c.jitter == 0.1 && c.advertisesEDNS)
    }

    @Test("a round asks A, AAAA, both (A first) or SRV")
    func recordTypes() {
        #expect(DNSLookup.a(port: 80).recordTypes == [.a, .aaaa])
        #expect(DNSLookup.a(port: 80, families: .ipv4).recordTypes == [.a])
        #expect(DNSLookup.a(port: 80, families: .ipv6).recordTypes == [.aaaa])
        #expect(DNSLookup.srv.recordTypes == [.srv])
    }

    @Test("endpoints sort by priority, address, port; one per address and port, the preferred one kept")
    func normalized() {
        let e = { (ip: String, port: UInt16, priority: UInt16, weight: UInt16) in
            DNSEndpoint(address: DR.ip(ip), port: port, priority: priority, weight: weight)
        }
        let list = [e("10.0.0.2", 80, 1, 5), e("10.0.0.1", 81, 0, 1), e("10.0.0.1", 80, 0, 1), e("10.0.0.1", 80, 0, 9),
                    e("10.0.0.2", 80, 0, 3), e("::1", 80, 0, 1)]
        #expect(DNSEndpoint.normalized(list) == [e("10.0.0.1", 80, 0, 9), e("10.0.0.1", 81, 0, 1), e("10.0.0.2", 80, 0, 3),
                                                 e("::1", 80, 0, 1)])
    }
}
