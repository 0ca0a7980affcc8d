import Testing
@testable import SwitchyardCore

/// Helpers shared by the resolution tests, namespaced so they cannot clash with other suites'.
enum DR {
    typealias M = DNSTestMessage

    static func t(_ ms: UInt64) -> Instant { Instant(nanoseconds: ms * 1_000_000) }
    static func name(_ text: String) -> DNSName { try! DNSName(text) }
    static func ip(_ text: String) -> IPAddress { IPAddress(text)! }
    static let resolvers = [try! DNSResolverAddress("127.0.0.1:8600"), try! DNSResolverAddress("127.0.0.2:8600")]

    /// A config with jitter off unless asked, so times are exact.
    static func config(_ lookup: DNSLookup = .a(port: 8080, families: .ipv4), name: String = "web.service.consul",
                       resolvers: [DNSResolverAddress] = resolvers, interval: Duration = .seconds(30),
                       jitter: Double = 0, hold: Duration = .seconds(30)) -> DNSResolutionConfig {
        DNSResolutionConfig(name: DR.name(name), lookup: lookup, resolvers: resolvers, interval: interval,
                            jitter: jitter, hold: hold)
    }

    /// The request of a `.send`, or a recorded issue.
    static func request(_ action: DNSResolution.Action, sourceLocation: SourceLocation = #_sourceLocation) throws
        -> DNSResolution.Request {
        guard case .send(let request) = action else {
            Issue.record("expected .send, got \(action)", sourceLocation: sourceLocation)
            throw CancellationError()
        }
        return request
    }

    /// The query a request carries, read back from its bytes (TCP: after the length prefix).
    static func query(of request: DNSResolution.Request) throws -> DNSQuery {
        let message = request.transport == .udp ? request.bytes : DNSTCPFraming.nextMessage(in: request.bytes)!.message
        let parsed = try DNSMessage(parsing: message)
        return DNSQuery(id: parsed.header.id, name: parsed.questions[0].name, type: parsed.questions[0].type)
    }

    /// An answer to the request's query: `rcode`, `truncated`, then whatever `fill` adds.
    static func answer(to request: DNSResolution.Request, rcode: UInt16 = 0, truncated: Bool = false,
                       _ fill: (inout M, String) -> Void = { _, _ in }) throws -> [UInt8] {
        let query = try query(of: request)
        var m = M(answering: query, rcode: rcode)
        if truncated { m.flags |= 0x0200 }
        fill(&m, query.name.description)
        return m.bytes()
    }

    /// An answer with one A record per address, all with `ttl`.
    static func aAnswer(to request: DNSResolution.Request, _ addresses: [String], ttl: UInt32 = 60) throws -> [UInt8] {
        try answer(to: request) { m, owner in
            m.answers = addresses.map { M.record(owner, $0.contains(":") ? .aaaa : .a, ttl: ttl,
                                                 $0.contains(":") ? .aaaa($0) : .a($0)) }
        }
    }

    /// An NXDOMAIN answer with an SOA whose negative TTL is `negativeTTL`.
    static func nxdomain(to request: DNSResolution.Request, negativeTTL: UInt32 = 60) throws -> [UInt8] {
        try answer(to: request, rcode: 3) { m, _ in m.authorities = [M.record("consul", .soa, ttl: 3600, .soa(minimum: negativeTTL))] }
    }

    /// Runs one whole round that answers the A query with `addresses`; returns the final action.
    static func round(_ r: inout DNSResolution, at now: Instant, answering addresses: [String], ttl: UInt32 = 60,
                      rng: inout some RandomNumberGenerator) throws -> DNSResolution.Action {
        let request = try DR.request(r.tick(at: now, using: &rng))
        return r.received(try aAnswer(to: request, addresses, ttl: ttl), over: .udp, at: now, using: &rng)
    }
}
