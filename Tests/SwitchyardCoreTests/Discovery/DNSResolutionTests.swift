import Testing
@testable import SwitchyardCore

@Suite struct DNSResolutionTests {
    @Test("the first tick sends a UDP query with a drawn id; the answer becomes the endpoints and a new generation")
    func firstRound() throws {
        var r = DNSResolution(config: DR.config())
        var rng = BalancingFixtures.Scripted([0xBEEF, 0])
        #expect(r.wakeUpAt == nil)
        let request = try DR.request(r.tick(at: DR.t(0), using: &rng))
        #expect(request.id == 0xBEEF && request.resolver == 0 && request.transport == .udp && request.deadline == DR.t(2_000))
        #expect(request.bytes == DNSQuery(id: 0xBEEF, name: DR.name("web.service.consul"), type: .a).encoded())
        let action = r.received(try DR.aAnswer(to: request, ["10.0.0.2", "10.0.0.1"], ttl: 10), over: .udp,
                                at: DR.t(5), using: &rng)
        #expect(action == .wait(until: DR.t(10_005)))
        #expect(r.endpoints == [DNSEndpoint(address: DR.ip("10.0.0.1"), port: 8080),
                                DNSEndpoint(address: DR.ip("10.0.0.2"), port: 8080)])
        #expect(r.generation == 1 && r.lastAnswerAt == DR.t(5) && r.lastError == nil && r.inFlight == nil)
    }

    @Test("TTL 0 (Consul's default) is raised to the floor: one round a second, not a loop")
    func ttlZeroFloored() throws {
        var r = DNSResolution(config: DR.config())
        var rng = SplitMix64(seed: 1)
        #expect(try DR.round(&r, at: DR.t(0), answering: ["10.0.0.1"], ttl: 0, rng: &rng) == .wait(until: DR.t(1_000)))
        #expect(r.tick(at: DR.t(999), using: &rng) == .wait(until: DR.t(1_000)))
        #expect(try DR.round(&r, at: DR.t(1_000), answering: ["10.0.0.1"], ttl: 0, rng: &rng) == .wait(until: DR.t(2_000)))
    }

    @Test("a TTL above the interval is capped at the interval; one in between is used as is",
          arguments: [(UInt32(86_400), UInt64(30_000)), (7, 7_000), (30, 30_000)])
    func ttlCapped(ttl: UInt32, waitMs: UInt64) throws {
        var r = DNSResolution(config: DR.config(interval: .seconds(30)))
        var rng = SplitMix64(seed: 1)
        #expect(try DR.round(&r, at: DR.t(0), answering: ["10.0.0.1"], ttl: ttl, rng: &rng) == .wait(until: DR.t(waitMs)))
    }

    @Test("jitter shortens each wait by at most jitter x delay, never below the floor, and does spread")
    func jitterBounds() throws {
        var rng = SplitMix64(seed: 42)
        var waits = Set<UInt64>()
        for _ in 0..<300 {
            var r = DNSResolution(config: DR.config(jitter: 0.2))
            guard case .wait(let until) = try DR.round(&r, at: DR.t(0), answering: ["10.0.0.1"], ttl: 10, rng: &rng) else {
                Issue.record("no wait"); return
            }
            #expect(until >= DR.t(8_000) && until <= DR.t(10_000))
            waits.insert(until.nanoseconds)
        }
        #expect(waits.count > 250)
        for random: UInt64 in [0, .max, 1 << 40] {
            let d = DNSResolution.jittered(.seconds(1), jitter: 0.5, floor: .seconds(1), random: random)
            #expect(d == .seconds(1))
        }
        #expect(DNSResolution.jittered(.seconds(10), jitter: .nan, floor: .zero, random: 7) == .seconds(10))
        #expect(DNSResolution.jittered(.seconds(10), jitter: 3, floor: .zero, random: .max) >= .seconds(5))
    }

    @Test("the generation changes when the set changes, and only then")
    func generation() throws {
        var r = DNSResolution(config: DR.config())
        var rng = SplitMix64(seed: 3)
        _ = try DR.round(&r, at: DR.t(0), answering: ["10.0.0.1", "10.0.0.2"], rng: &rng)
        _ = try DR.round(&r, at: DR.t(60_000), answering: ["10.0.0.2", "10.0.0.1", "10.0.0.1"], rng: &rng)
        #expect(r.generation == 1)
        _ = try DR.round(&r, at: DR.t(120_000), answering: ["10.0.0.3"], rng: &rng)
        #expect(r.generation == 2 && r.endpoints.map(\.description) == ["10.0.0.3:8080"])
    }

    @Test("an address lookup with both families asks A then AAAA and keeps the union, port 8080, weight 1, priority 0")
    func bothFamilies() throws {
        var r = DNSResolution(config: DR.config(.a(port: 8080)))
        var rng = SplitMix64(seed: 5)
        let a = try DR.request(r.tick(at: DR.t(0), using: &rng))
        #expect(try DR.query(of: a).type == .a)
        let aaaa = try DR.request(r.received(try DR.aAnswer(to: a, ["10.0.0.1"], ttl: 20), over: .udp, at: DR.t(1), using: &rng))
        #expect(try DR.query(of: aaaa).type == .aaaa && aaaa.id != a.id && aaaa.resolver == 0)
        #expect(r.endpoints.isEmpty)
        let done = r.received(try DR.aAnswer(to: aaaa, ["fd00::1"], ttl: 5), over: .udp, at: DR.t(2), using: &rng)
        #expect(done == .wait(until: DR.t(5_002)))
        #expect(r.endpoints.map(\.description) == ["10.0.0.1:8080", "[fd00::1]:8080"])
        #expect(r.endpoints.allSatisfy { $0.weight == 1 && $0.priority == 0 })
    }

    @Test("NXDOMAIN on the A question ends the round without asking AAAA (RFC 8020)")
    func nxdomainSkipsAAAA() throws {
        var r = DNSResolution(config: DR.config(.a(port: 80)))
        var rng = SplitMix64(seed: 6)
        let a = try DR.request(r.tick(at: DR.t(0), using: &rng))
        #expect(r.received(try DR.nxdomain(to: a, negativeTTL: 4), over: .udp, at: DR.t(1), using: &rng)
                == .wait(until: DR.t(4_001)))
        #expect(r.lastError == "web.service.consul A/AAAA: NXDOMAIN" && r.lastAnswerAt == DR.t(1))
    }

    @Test("an SRV lookup: endpoints carry each record's port, priority and weight; targets without address are reported")
    func srv() throws {
        var r = DNSResolution(config: DR.config(.srv, name: "_http._tcp.web.default.svc.cluster.local"))
        var rng = SplitMix64(seed: 7)
        let request = try DR.request(r.tick(at: DR.t(0), using: &rng))
        let bytes = try DR.answer(to: request) { m, owner in
            m.answers = [DR.M.record(owner, .srv, ttl: 30, .srv(priority: 10, weight: 5, port: 8443, target: "b.web")),
                         DR.M.record(owner, .srv, ttl: 30, .srv(priority: 0, weight: 60, port: 8080, target: "a.web")),
                         DR.M.record(owner, .srv, ttl: 30, .srv(priority: 0, weight: 1, port: 8080, target: "lost.web"))]
            m.additionals = [DR.M.record("a.web", .a, ttl: 30, .a("10.2.0.1")), DR.M.record("b.web", .a, ttl: 2, .a("10.2.0.2"))]
        }
        #expect(r.received(bytes, over: .udp, at: DR.t(0), using: &rng) == .wait(until: DR.t(2_000)))
        #expect(r.endpoints == [DNSEndpoint(address: DR.ip("10.2.0.1"), port: 8080, priority: 0, weight: 60),
                                DNSEndpoint(address: DR.ip("10.2.0.2"), port: 8443, priority: 10, weight: 5)])
        #expect(r.lastError == "SRV targets without an address in the answer: lost.web")
    }

    @Test("a round keeps at most 4,096 endpoints, however many SRV records share how many addresses")
    func endpointCap() throws {
        var r = DNSResolution(config: DR.config(.srv))
        var rng = SplitMix64(seed: 10)
        let request = try DR.request(r.tick(at: DR.t(0), using: &rng))
        let bytes = try DR.answer(to: request) { m, owner in
            m.answers = (0..<300).map { DR.M.record(owner, .srv, .srv(priority: 0, weight: 1, port: UInt16(1000 + $0), target: "t.node")) }
            m.additionals = (1...20).map { DR.M.record("t.node", .a, .a("10.0.0.\($0)")) }
        }
        _ = r.received(bytes, over: .udp, at: DR.t(0), using: &rng)
        #expect(r.endpoints.count == DNSResolution.maxEndpoints)
        #expect(r.lastError == "more than 4096 endpoints; the rest ignored")
    }

    @Test("the resolver that answered is asked first in the next round")
    func stickyResolver() throws {
        var r = DNSResolution(config: DR.config())
        var rng = SplitMix64(seed: 8)
        _ = try DR.request(r.tick(at: DR.t(0), using: &rng))
        let second = try DR.request(r.tick(at: DR.t(2_000), using: &rng))
        #expect(second.resolver == 1)
        _ = r.received(try DR.aAnswer(to: second, ["10.0.0.1"]), over: .udp, at: DR.t(2_010), using: &rng)
        #expect(try DR.request(r.tick(at: DR.t(62_010), using: &rng)).resolver == 1)
    }

    @Test("events out of turn change nothing: an answer with nothing in flight, a tick before the deadline")
    func outOfTurn() throws {
        var r = DNSResolution(config: DR.config())
        var rng = SplitMix64(seed: 9)
        #expect(r.received([1, 2, 3], over: .udp, at: DR.t(0), using: &rng) == .wait(until: DR.t(0)))
        #expect(r.transportFailed("reset", over: .tcp, at: DR.t(0), using: &rng) == .wait(until: DR.t(0)))
        let request = try DR.request(r.tick(at: DR.t(0), using: &rng))
        #expect(r.tick(at: DR.t(1_999), using: &rng) == .wait(until: DR.t(2_000)))
        #expect(r.received(try DR.aAnswer(to: request, ["10.0.0.1"]), over: .tcp, at: DR.t(5), using: &rng)
                == .wait(until: DR.t(2_000)))
        #expect(r.inFlight == request && r.generation == 0)
    }
}
