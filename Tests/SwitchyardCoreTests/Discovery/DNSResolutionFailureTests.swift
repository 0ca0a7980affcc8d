import Testing
@testable import SwitchyardCore

@Suite struct DNSResolutionFailureTests {
    @Test("a timeout asks the next resolver with a new id; when all timed out the round fails and backs off")
    func timeoutRotation() throws {
        var r = DNSResolution(config: DR.config())
        var rng = SplitMix64(seed: 11)
        let first = try DR.request(r.tick(at: DR.t(0), using: &rng))
        let second = try DR.request(r.tick(at: DR.t(2_000), using: &rng))
        #expect(first.resolver == 0 && second.resolver == 1 && second.id != first.id && second.deadline == DR.t(4_000))
        // The first resolver's late answer carries the old id: ignored.
        #expect(r.received(try DR.aAnswer(to: first, ["10.9.9.9"]), over: .udp, at: DR.t(2_500), using: &rng)
                == .wait(until: DR.t(4_000)))
        #expect(r.tick(at: DR.t(4_000), using: &rng) == .wait(until: DR.t(5_000)))
        #expect(r.consecutiveFailures == 1 && r.endpoints.isEmpty && r.inFlight == nil)
        #expect(r.lastError == "web.service.consul A via 127.0.0.2:8600 over udp: no answer within 2.0 seconds")
    }

    @Test("backoff doubles per failed round from 1 s up to the interval, and resets after an answer")
    func backoff() throws {
        var r = DNSResolution(config: DR.config(resolvers: [DR.resolvers[0]], interval: .seconds(10)))
        var rng = SplitMix64(seed: 12)
        var now = DR.t(0)
        var waits: [Duration] = []
        for _ in 0..<6 {
            _ = try DR.request(r.tick(at: now, using: &rng))
            let failedAt = now + .seconds(2)
            guard case .wait(let next) = r.tick(at: failedAt, using: &rng) else { Issue.record("no wait"); return }
            waits.append(next - failedAt)
            now = next
        }
        #expect(waits == [.seconds(1), .seconds(2), .seconds(4), .seconds(8), .seconds(10), .seconds(10)])
        #expect(try DR.round(&r, at: now, answering: ["10.0.0.1"], rng: &rng) == .wait(until: now + .seconds(10)))
        #expect(r.consecutiveFailures == 0)
    }

    @Test("SERVFAIL and REFUSED from every resolver keep the last good set and back off",
          arguments: [(UInt16(2), "SERVFAIL"), (5, "REFUSED")])
    func serverFailureKeepsSet(rcode: UInt16, text: String) throws {
        var r = DNSResolution(config: DR.config())
        var rng = SplitMix64(seed: 13)
        _ = try DR.round(&r, at: DR.t(0), answering: ["10.0.0.1"], rng: &rng)
        let first = try DR.request(r.tick(at: DR.t(60_000), using: &rng))
        let second = try DR.request(r.received(try DR.answer(to: first, rcode: rcode), over: .udp, at: DR.t(60_001), using: &rng))
        #expect(second.resolver == 1)
        let action = r.received(try DR.answer(to: second, rcode: rcode), over: .udp, at: DR.t(60_002), using: &rng)
        #expect(action == .wait(until: DR.t(61_002)))
        #expect(r.endpoints.map(\.description) == ["10.0.0.1:8080"] && r.generation == 1)
        #expect(r.lastError == "web.service.consul A via 127.0.0.2:8600 over udp: \(text)")
        #expect(r.lastAnswerAt == DR.t(0))
    }

    @Test("failures never remove the set, however long they last")
    func failuresKeepSetForever() throws {
        var r = DNSResolution(config: DR.config(resolvers: [DR.resolvers[0]], hold: .seconds(5)))
        var rng = SplitMix64(seed: 14)
        _ = try DR.round(&r, at: DR.t(0), answering: ["10.0.0.1"], rng: &rng)
        var now = DR.t(60_000)
        for _ in 0..<20 {
            let request = try DR.request(r.tick(at: now, using: &rng))
            guard case .wait(let next) = r.transportFailed("connection refused", over: .udp, at: now, using: &rng) else { return }
            #expect(request.resolver == 0)
            now = next
        }
        #expect(r.endpoints.count == 1 && r.consecutiveFailures == 20)
        #expect(r.lastError == "web.service.consul A via 127.0.0.1:8600 over udp: connection refused")
    }

    @Test("NXDOMAIN removes the endpoints only once hold has passed since the last non-empty answer")
    func holdBeforeRemoval() throws {
        var r = DNSResolution(config: DR.config(hold: .seconds(30)))
        var rng = SplitMix64(seed: 15)
        _ = try DR.round(&r, at: DR.t(0), answering: ["10.0.0.1"], ttl: 10, rng: &rng)
        // 10 s later: NXDOMAIN with a 60 s negative TTL. Kept; the next round comes by the end of hold.
        var request = try DR.request(r.tick(at: DR.t(10_000), using: &rng))
        #expect(r.received(try DR.nxdomain(to: request), over: .udp, at: DR.t(10_000), using: &rng) == .wait(until: DR.t(30_000)))
        #expect(r.endpoints.count == 1 && r.generation == 1 && r.lastError == "web.service.consul A: NXDOMAIN")
        #expect(r.lastAnswerAt == DR.t(10_000) && r.lastNonEmptyAnswerAt == DR.t(0))
        // At the end of hold: still NXDOMAIN, now removed.
        request = try DR.request(r.tick(at: DR.t(30_000), using: &rng))
        #expect(r.received(try DR.nxdomain(to: request, negativeTTL: 5), over: .udp, at: DR.t(30_000), using: &rng)
                == .wait(until: DR.t(35_000)))
        #expect(r.endpoints.isEmpty && r.generation == 2)
    }

    @Test("an empty NOERROR answer (NODATA) counts like NXDOMAIN; records coming back restart the hold")
    func noDataHold() throws {
        var r = DNSResolution(config: DR.config(hold: .seconds(30)))
        var rng = SplitMix64(seed: 16)
        _ = try DR.round(&r, at: DR.t(0), answering: ["10.0.0.1"], ttl: 20, rng: &rng)
        // Empty, without an SOA: the interval would say 50 s; the end of hold says 30 s.
        #expect(try DR.round(&r, at: DR.t(20_000), answering: [], ttl: 20, rng: &rng) == .wait(until: DR.t(30_000)))
        #expect(r.endpoints.count == 1 && r.lastError == "web.service.consul A: no records")
        _ = try DR.round(&r, at: DR.t(30_000), answering: ["10.0.0.2"], ttl: 20, rng: &rng)
        #expect(try DR.round(&r, at: DR.t(50_000), answering: [], rng: &rng) == .wait(until: DR.t(60_000)))
        #expect(r.endpoints.map(\.description) == ["10.0.0.2:8080"])
        _ = try DR.round(&r, at: DR.t(60_000), answering: [], rng: &rng)
        #expect(r.endpoints.isEmpty && r.generation == 3)
    }

    @Test("with hold 0 the first empty answer removes the set")
    func holdZero() throws {
        var r = DNSResolution(config: DR.config(hold: .zero))
        var rng = SplitMix64(seed: 17)
        _ = try DR.round(&r, at: DR.t(0), answering: ["10.0.0.1"], rng: &rng)
        _ = try DR.round(&r, at: DR.t(60_000), answering: [], rng: &rng)
        #expect(r.endpoints.isEmpty && r.generation == 2)
    }

    @Test("a truncated UDP answer is asked again over TCP, same id, framed with its length (RFC 7766)")
    func truncatedGoesTCP() throws {
        var r = DNSResolution(config: DR.config(.srv))
        var rng = SplitMix64(seed: 18)
        let udp = try DR.request(r.tick(at: DR.t(0), using: &rng))
        let tcp = try DR.request(r.received(try DR.answer(to: udp, truncated: true), over: .udp, at: DR.t(3), using: &rng))
        #expect(tcp.transport == .tcp && tcp.resolver == udp.resolver && tcp.id == udp.id && tcp.deadline == DR.t(2_003))
        #expect(tcp.bytes == DNSTCPFraming.frame(udp.bytes))
        let answer = try DR.answer(to: tcp) { m, owner in
            m.answers = [DR.M.record(owner, .srv, ttl: 30, .srv(priority: 1, weight: 1, port: 9000, target: "n1.node"))]
            m.additionals = [DR.M.record("n1.node", .a, ttl: 30, .a("10.3.0.1"))]
        }
        // A late UDP datagram is not the TCP answer.
        #expect(r.received(answer, over: .udp, at: DR.t(4), using: &rng) == .wait(until: DR.t(2_003)))
        #expect(r.received(answer, over: .tcp, at: DR.t(5), using: &rng) == .wait(until: DR.t(30_005)))
        #expect(r.endpoints.map(\.description) == ["10.3.0.1:9000"])
    }

    @Test("a truncated answer over TCP, or a TCP failure, moves on to the next resolver over UDP")
    func truncatedOverTCP() throws {
        var r = DNSResolution(config: DR.config())
        var rng = SplitMix64(seed: 19)
        let udp = try DR.request(r.tick(at: DR.t(0), using: &rng))
        let tcp = try DR.request(r.received(try DR.answer(to: udp, truncated: true), over: .udp, at: DR.t(1), using: &rng))
        let next = try DR.request(r.received(try DR.answer(to: tcp, truncated: true), over: .tcp, at: DR.t(2), using: &rng))
        #expect(next.resolver == 1 && next.transport == .udp && r.lastError?.hasSuffix("truncated answer over TCP") == true)
        let tcp2 = try DR.request(r.received(try DR.answer(to: next, truncated: true), over: .udp, at: DR.t(3), using: &rng))
        #expect(r.transportFailed("connection reset", over: .tcp, at: DR.t(4), using: &rng) == .wait(until: DR.t(1_004)))
        #expect(tcp2.transport == .tcp && r.consecutiveFailures == 1)
    }

    @Test("a stray datagram (wrong id) is ignored; a malformed answer with our id counts as a failure")
    func strayAndMalformed() throws {
        var r = DNSResolution(config: DR.config())
        var rng = SplitMix64(seed: 20)
        let request = try DR.request(r.tick(at: DR.t(0), using: &rng))
        var stray = try DR.aAnswer(to: request, ["6.6.6.6"])
        stray[1] ^= 0x01
        #expect(r.received(stray, over: .udp, at: DR.t(1), using: &rng) == .wait(until: DR.t(2_000)))
        #expect(r.received([0xFF], over: .udp, at: DR.t(1), using: &rng) == .wait(until: DR.t(2_000)))
        var broken = try DR.aAnswer(to: request, ["10.0.0.1"])
        broken.removeLast()
        let next = try DR.request(r.received(broken, over: .udp, at: DR.t(2), using: &rng))
        #expect(next.resolver == 1 && r.endpoints.isEmpty)
        #expect(r.lastError?.contains("malformed answer: truncated at byte") == true)
    }

    @Test("no resolvers: every round fails with an error instead of trapping")
    func noResolvers() {
        var r = DNSResolution(config: DR.config(resolvers: []))
        var rng = SplitMix64(seed: 21)
        #expect(r.tick(at: DR.t(0), using: &rng) == .wait(until: DR.t(1_000)))
        #expect(r.lastError == "no resolvers configured")
    }
}
