import Glibc
import SwitchyardCore

/// What the admin API reads and triggers (SPEC section 6).
extension Supervisor: AdminBackend {
    var config: Config { state.config }
    var isDraining: Bool { draining }

    func reload() -> ReloadOutcome {
        switch reloadConfig() {
        case .reloaded(let summary): .reloaded(summary: summary)
        case .failed(let errors): .failed(errors)
        }
    }

    /// Everything `/stats`, `/dump` and `/metrics` show, read from the shared instance state.
    func snapshot() -> ProxySnapshot {
        let now = MonotonicClock.now()
        let wall = WallClock.now()
        var services: [ServiceSnapshot] = []
        for service in state.services {
            var instances: [InstanceSnapshot] = []
            var eligible = 0
            for instance in service.instances {
                let (phase, trips, openUntil, window, latency) = instance.shared.withLock { s in
                    (s.breaker.phase, s.breaker.trips, s.breaker.openUntil, s.breaker.window.snapshot(at: now), s.latency)
                }
                var health: HealthSnapshot?
                if let check = service.config.healthCheck,
                   let h = healthChecker?.state(for: instance.label, config: check) {
                    health = HealthSnapshot(verdict: h.verdict, consecutiveSuccesses: h.consecutiveSuccesses,
                                            consecutiveFailures: h.consecutiveFailures, history: h.recentResults)
                }
                let text: String = switch phase {
                case .open: "open"
                case .halfOpen: "half_open"
                case .closed: instance.health == .unhealthy ? "unhealthy" : "healthy"
                }
                if text == "healthy" || text == "half_open" { eligible += 1 }
                let t = instance.totals
                let totals = InstanceTotalsSnapshot(
                    requests: t.requests.load(ordering: .relaxed), responses2xx: t.responses2xx.load(ordering: .relaxed),
                    responses3xx: t.responses3xx.load(ordering: .relaxed), responses4xx: t.responses4xx.load(ordering: .relaxed),
                    responses5xx: t.responses5xx.load(ordering: .relaxed), connectFailures: t.connectFailures.load(ordering: .relaxed),
                    timeouts: t.timeouts.load(ordering: .relaxed), protocolErrors: t.protocolErrors.load(ordering: .relaxed),
                    connectionsOpened: t.connectionsOpened.load(ordering: .relaxed))
                instances.append(InstanceSnapshot(url: instance.label, state: text, breaker: phase, trips: trips,
                                                  openUntil: openUntil, window: window,
                                                  inFlight: instance.inFlight.load(ordering: .relaxed),
                                                  totals: totals, latency: latency, health: health))
            }
            var snapshot = ServiceSnapshot(name: service.config.name, routes: service.config.routes,
                                           balancer: service.config.balancer.rawValue,
                                           supplier: service.config.supplier.rawValue, eligible: eligible,
                                           instances: instances, proxyErrors: service.proxyErrors.counts,
                                           retries: service.retryTotals.sent.load(ordering: .relaxed),
                                           retriesRefusedByBudget: service.retryTotals.refused.load(ordering: .relaxed))
            snapshot.discovery = discoverySnapshots(service: service.config.name)
            snapshot.cache = service.cache.map { c in
                CacheSnapshot(hits: c.hits.load(ordering: .relaxed), misses: c.misses.load(ordering: .relaxed),
                              stores: c.stores.load(ordering: .relaxed), entries: c.count, maxEntries: c.config.maxEntries)
            }
            services.append(snapshot)
        }
        var snapshot = ProxySnapshot(version: ServerInfo.version, startedAtUnixMs: startedAtUnixMs,
                             nowUnixMs: wall.seconds * 1000 + wall.nanoseconds / 1_000_000, now: now,
                             draining: draining, reloads: reloads, reloadFailures: reloadFailures,
                             clientConnections: limit.count, services: services,
                             unroutedProxyErrors: state.unroutedErrors.counts, transitions: log.journal.recent(),
                             discoveryUpdates: discoveryUpdates)
        if state.batchPolicy != nil {
            let b = state.batchCounters
            snapshot.batch = BatchSnapshot(batches: b.batches.load(ordering: .relaxed), refused: b.refused.load(ordering: .relaxed),
                                           parts: b.partCounts.map { BatchSnapshot.PartCount(outcome: $0.0, count: $0.1) })
        }
        snapshot.reactions = reactions.snapshot()
        return snapshot
    }

    /// The names `service` follows, as the admin API shows them.
    private func discoverySnapshots(service: String) -> [DiscoverySnapshot] {
        (discovery?.all ?? []).filter { $0.service == service }.map { f in
            let r = f.resolution
            return DiscoverySnapshot(
                name: f.entry.name, type: f.entry.type.rawValue, resolvers: r.config.resolvers.map(\.description),
                instances: DiscoveredInstances.instances(for: f.entry, endpoints: r.endpoints).map(\.url.description),
                lastAnswerAt: r.lastAnswerAt, lastError: r.lastError, consecutiveFailures: r.consecutiveFailures,
                nextQueryAt: r.nextRoundAt)
        }
    }

    /// The `reactions` value for the dashboard's `/events`, as `/stats` gives it; nil when no
    /// reaction is configured and none ran (the page then says "no reactions configured").
    func reactionsJSON() -> [UInt8]? {
        let r = reactions.snapshot()
        guard !r.configured.isEmpty || !r.recent.isEmpty else { return nil }
        var out = ByteBuffer(capacity: 1024)
        StatsDocument.writeReactions(r, into: &out)
        return out.readableArray()
    }
}
