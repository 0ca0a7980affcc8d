/// The round bookkeeping of `DNSResolution`: starting, failing and finishing rounds, and when the
/// next one starts.
extension DNSResolution {
    mutating func startRound(at now: Instant, using rng: inout some RandomNumberGenerator) -> Action {
        guard !config.resolvers.isEmpty else {
            lastError = "no resolvers configured"
            return failRound(at: now, using: &rng)
        }
        let types = config.lookup.recordTypes
        round = Round(query: makeQuery(types[0], using: &rng), remaining: Array(types.dropFirst()))
        resolverIndex = min(resolverIndex, config.resolvers.count - 1)
        return send(to: resolverIndex, over: .udp, at: now)
    }

    /// A query for the config's name with an id drawn from `rng` (RFC 5452 section 9.2).
    func makeQuery(_ type: DNSRecordType, using rng: inout some RandomNumberGenerator) -> DNSQuery {
        DNSQuery(id: UInt16(truncatingIfNeeded: rng.next()), name: config.name, type: type,
                 advertisesEDNS: config.advertisesEDNS)
    }

    /// Puts the round's current query in flight.
    mutating func send(to resolver: Int, over transport: DNSTransport, at now: Instant) -> Action {
        guard let query = round?.query else { return .wait(until: wakeUpAt ?? now) }
        let message = query.encoded()
        let request = Request(id: query.id, bytes: transport == .udp ? message : DNSTCPFraming.frame(message),
                              resolver: resolver, transport: transport, deadline: now + config.queryTimeout)
        inFlight = request
        return .send(request)
    }

    /// The in-flight query's resolver failed: ask the next one with a new id, or fail the round when
    /// every resolver failed this question.
    mutating func resolverFailed(_ reason: String, at now: Instant,
                                 using rng: inout some RandomNumberGenerator) -> Action {
        guard let request = inFlight, var current = round else { return .wait(until: wakeUpAt ?? now) }
        inFlight = nil
        lastError = "\(config.name) \(current.query.type) via \(config.resolvers[request.resolver]) "
            + "over \(request.transport): \(reason)"
        resolverIndex = (request.resolver + 1) % config.resolvers.count
        current.failures += 1
        guard current.failures < config.resolvers.count else { return failRound(at: now, using: &rng) }
        current.query = makeQuery(current.query.type, using: &rng)
        round = current
        return send(to: resolverIndex, over: .udp, at: now)
    }

    /// Every resolver failed: keep the endpoints, back off.
    mutating func failRound(at now: Instant, using rng: inout some RandomNumberGenerator) -> Action {
        round = nil
        inFlight = nil
        consecutiveFailures += 1
        var backoff = config.initialBackoff
        for _ in 1..<min(consecutiveFailures, 64) where backoff < config.interval { backoff = backoff * 2 }
        return schedule(after: min(backoff, config.interval), from: now, using: &rng)
    }

    /// Adds one answer's endpoints and TTL to `round`, at most `maxEndpoints` in all.
    func collect(_ answer: DNSAnswer, into round: inout Round) {
        var found: [DNSEndpoint] = []
        switch config.lookup {
        case .a(let port, _):
            found = answer.addresses.map { DNSEndpoint(address: $0, port: port) }
        case .srv:
            for target in answer.services where round.endpoints.count + found.count <= Self.maxEndpoints {
                let service = target.service
                if target.addresses.isEmpty { round.targetsWithoutAddress.append(service.target) }
                found += target.addresses.map {
                    DNSEndpoint(address: $0, port: service.port, priority: service.priority, weight: service.weight)
                }
            }
        }
        let room = Self.maxEndpoints - round.endpoints.count
        if found.count > room { round.isCapped = true }
        round.endpoints += found.prefix(room)
        if let ttl = answer.ttl { round.ttl = min(round.ttl ?? ttl, ttl) }
    }

    /// Every question was answered: apply the found set (or the hold rule) and schedule the next round.
    mutating func finishRound(at now: Instant, using rng: inout some RandomNumberGenerator) -> Action {
        guard let done = round else { return .wait(until: wakeUpAt ?? now) }
        round = nil
        inFlight = nil
        consecutiveFailures = 0
        lastAnswerAt = now
        let found = DNSEndpoint.normalized(done.endpoints)
        var notes: [String] = []
        if !done.targetsWithoutAddress.isEmpty {
            notes.append("SRV targets without an address in the answer: "
                         + done.targetsWithoutAddress.map(\.description).joined(separator: ", "))
        }
        if done.isCapped { notes.append("more than \(Self.maxEndpoints) endpoints; the rest ignored") }
        let missing = notes.isEmpty ? nil : notes.joined(separator: "; ")
        let ttl = done.ttl.map { Duration.seconds(Int64($0)) } ?? config.interval
        if !found.isEmpty {
            lastNonEmptyAnswerAt = now
            lastError = missing
            replaceEndpoints(with: found)
            return schedule(after: ttl, from: now, using: &rng)
        }
        let types = config.lookup.recordTypes.map(\.description).joined(separator: "/")
        lastError = missing ?? "\(config.name) \(types): \(done.sawNameError ? "NXDOMAIN" : "no records")"
        let action = schedule(after: ttl, from: now, using: &rng)
        guard let since = lastNonEmptyAnswerAt, !endpoints.isEmpty else { return action }
        let holdEnds = since + config.hold
        if now >= holdEnds {
            replaceEndpoints(with: [])
            return action
        }
        // Still holding: come back by the end of `hold`, so the removal is not late by a whole TTL.
        guard let next = nextRoundAt, next > holdEnds else { return action }
        let atHoldEnd = max(holdEnds, now + config.ttlFloor)
        nextRoundAt = atHoldEnd
        return .wait(until: atHoldEnd)
    }

    mutating func replaceEndpoints(with new: [DNSEndpoint]) {
        guard new != endpoints else { return }
        endpoints = new
        generation &+= 1
    }

    /// Sets `nextRoundAt` to `now` plus `delay` clamped to `ttlFloor...interval` (the floor wins) and
    /// shortened by jitter, never below `ttlFloor`.
    mutating func schedule(after delay: Duration, from now: Instant,
                           using rng: inout some RandomNumberGenerator) -> Action {
        let clamped = max(min(delay, config.interval), config.ttlFloor)
        let next = now + Self.jittered(clamped, jitter: config.jitter, floor: config.ttlFloor, random: rng.next())
        nextRoundAt = next
        return .wait(until: next)
    }

    /// `delay` minus a random part of up to `jitter` (clamped to 0...0.5) of it, at least `floor`.
    static func jittered(_ delay: Duration, jitter: Double, floor: Duration, random: UInt64) -> Duration {
        let nanoseconds = max(delay.nanoseconds, 0)
        let fraction = jitter.isNaN ? 0 : min(max(jitter, 0), 0.5)
        let spread = UInt64(Double(nanoseconds) * fraction)
        let cut = spread == 0 ? 0 : Int64(random % (spread + 1))
        return .nanoseconds(max(nanoseconds - cut, floor.nanoseconds))
    }
}
