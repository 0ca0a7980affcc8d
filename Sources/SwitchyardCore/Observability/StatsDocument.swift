/// Renders the `/stats` and `/dump` JSON documents (SPEC section 6) from a `ProxySnapshot`.
///
/// Times are Unix milliseconds (`*_unix_ms`), latencies milliseconds with microsecond precision
/// (`*_ms`), rates fractions 0...1. `/dump` is `/stats` with two more members, `config` and
/// `transitions`, so a tool reading `/stats` reads `/dump` too. The shape is documented with
/// examples in docs/ADMIN.md.
public enum StatsDocument {
    /// Appends the `/stats` document.
    public static func write(_ s: ProxySnapshot, into out: inout ByteBuffer) {
        var w = JSONWriter()
        w.beginObject(into: &out)
        writeStatsMembers(s, &w, &out)
        w.endObject(into: &out)
    }

    /// Appends the `/dump` document: every `/stats` member, then `config` (the effective `Config`,
    /// token redacted, see `ConfigDocument`) and `transitions` (oldest first).
    public static func writeDump(_ s: ProxySnapshot, config: Config, into out: inout ByteBuffer) {
        var w = JSONWriter()
        w.beginObject(into: &out)
        writeStatsMembers(s, &w, &out)
        w.key("config", into: &out)
        ConfigDocument.write(config, with: &w, into: &out)
        w.key("transitions", into: &out)
        writeTransitions(s.transitions[...], s, &w, &out)
        w.endObject(into: &out)
    }

    /// `[{"at_unix_ms":...,"subject":...,"from":...,"to":...,"reason":...}, ...]` in the given order
    /// (`/dump` and the dashboard's `/events` share it).
    static func writeTransitions(_ transitions: ArraySlice<TransitionRecord>, _ s: ProxySnapshot,
                                 _ w: inout JSONWriter, _ out: inout ByteBuffer) {
        w.beginArray(into: &out)
        for t in transitions {
            w.beginObject(into: &out)
            w.key("at_unix_ms", into: &out); w.value(s.unixMs(t.at), into: &out)
            w.key("subject", into: &out); w.value(t.subject, into: &out)
            w.key("from", into: &out); w.value(t.from, into: &out)
            w.key("to", into: &out); w.value(t.to, into: &out)
            w.key("reason", into: &out); w.value(t.reason, into: &out)
            w.endObject(into: &out)
        }
        w.endArray(into: &out)
    }

    private static func writeStatsMembers(_ s: ProxySnapshot, _ w: inout JSONWriter, _ out: inout ByteBuffer) {
        w.key("version", into: &out); w.value(s.version, into: &out)
        w.key("started_at_unix_ms", into: &out); w.value(s.startedAtUnixMs, into: &out)
        w.key("now_unix_ms", into: &out); w.value(s.nowUnixMs, into: &out)
        w.key("uptime_seconds", into: &out)
        w.value(Double(s.nowUnixMs - s.startedAtUnixMs) / 1000, into: &out)
        w.key("draining", into: &out); w.value(s.draining, into: &out)
        w.key("reloads", into: &out); w.value(s.reloads, into: &out)
        w.key("reload_failures", into: &out); w.value(s.reloadFailures, into: &out)
        w.key("client_connections", into: &out); w.value(s.clientConnections, into: &out)
        w.key("proxy_errors", into: &out)
        w.beginArray(into: &out)
        writeProxyErrors(nil, s.unroutedProxyErrors, &w, &out)
        for service in s.services { writeProxyErrors(service.name, service.proxyErrors, &w, &out) }
        w.endArray(into: &out)
        if let b = s.batch {
            w.key("batch", into: &out)
            w.beginObject(into: &out)
            w.key("batches", into: &out); w.value(b.batches, into: &out)
            w.key("refused", into: &out); w.value(b.refused, into: &out)
            w.key("parts", into: &out)
            w.beginObject(into: &out)
            for p in b.parts { w.key(p.outcome, into: &out); w.value(p.count, into: &out) }
            w.endObject(into: &out)
            w.endObject(into: &out)
        }
        w.key("services", into: &out)
        w.beginArray(into: &out)
        for service in s.services { writeService(service, s, &w, &out) }
        w.endArray(into: &out)
        w.key("reactions", into: &out)
        writeReactions(s.reactions, &w, &out)
    }

    /// `{"service":...,"code":...,"status":...,"count":...}` for each error answered at least once;
    /// `service` is null for requests no service matched.
    private static func writeProxyErrors(_ service: String?, _ counts: ProxyErrorCounts,
                                         _ w: inout JSONWriter, _ out: inout ByteBuffer) {
        for error in ProxyError.allCases where counts[error] > 0 {
            w.beginObject(into: &out)
            w.key("service", into: &out)
            if let service { w.value(service, into: &out) } else { w.null(into: &out) }
            w.key("code", into: &out); w.value(error.code, into: &out)
            w.key("status", into: &out); w.value(error.status, into: &out)
            w.key("count", into: &out); w.value(counts[error], into: &out)
            w.endObject(into: &out)
        }
    }

    private static func writeService(_ service: ServiceSnapshot, _ s: ProxySnapshot,
                                     _ w: inout JSONWriter, _ out: inout ByteBuffer) {
        w.beginObject(into: &out)
        w.key("name", into: &out); w.value(service.name, into: &out)
        w.key("routes", into: &out)
        w.beginArray(into: &out)
        for r in service.routes { w.value(r, into: &out) }
        w.endArray(into: &out)
        w.key("balancer", into: &out); w.value(service.balancer, into: &out)
        w.key("supplier", into: &out); w.value(service.supplier, into: &out)
        w.key("eligible", into: &out); w.value(service.eligible, into: &out)
        if !service.discovery.isEmpty {
            w.key("discovery", into: &out)
            w.beginArray(into: &out)
            for d in service.discovery { writeDiscovery(d, s, &w, &out) }
            w.endArray(into: &out)
        }
        if let c = service.cache {
            w.key("cache", into: &out)
            w.beginObject(into: &out)
            w.key("hits", into: &out); w.value(c.hits, into: &out)
            w.key("misses", into: &out); w.value(c.misses, into: &out)
            w.key("stores", into: &out); w.value(c.stores, into: &out)
            w.key("entries", into: &out); w.value(c.entries, into: &out)
            w.key("max_entries", into: &out); w.value(c.maxEntries, into: &out)
            w.endObject(into: &out)
        }
        w.key("retries", into: &out)
        w.beginObject(into: &out)
        w.key("sent", into: &out); w.value(service.retries, into: &out)
        w.key("refused_by_budget", into: &out); w.value(service.retriesRefusedByBudget, into: &out)
        w.endObject(into: &out)
        w.key("instances", into: &out)
        w.beginArray(into: &out)
        for i in service.instances { writeInstance(i, s, &w, &out) }
        w.endArray(into: &out)
        w.endObject(into: &out)
    }

    private static func writeDiscovery(_ d: DiscoverySnapshot, _ s: ProxySnapshot,
                                       _ w: inout JSONWriter, _ out: inout ByteBuffer) {
        w.beginObject(into: &out)
        w.key("name", into: &out); w.value(d.name, into: &out)
        w.key("type", into: &out); w.value(d.type, into: &out)
        w.key("resolvers", into: &out)
        w.beginArray(into: &out)
        for r in d.resolvers { w.value(r, into: &out) }
        w.endArray(into: &out)
        w.key("instances", into: &out)
        w.beginArray(into: &out)
        for i in d.instances { w.value(i, into: &out) }
        w.endArray(into: &out)
        w.key("last_answer_unix_ms", into: &out)
        if let at = d.lastAnswerAt { w.value(s.unixMs(at), into: &out) } else { w.null(into: &out) }
        w.key("last_answer_age_seconds", into: &out)
        if let at = d.lastAnswerAt { w.value(Double(s.nowUnixMs - s.unixMs(at)) / 1000, into: &out) } else { w.null(into: &out) }
        w.key("last_error", into: &out)
        if let e = d.lastError { w.value(e, into: &out) } else { w.null(into: &out) }
        w.key("consecutive_failures", into: &out); w.value(d.consecutiveFailures, into: &out)
        w.key("next_query_unix_ms", into: &out)
        if let at = d.nextQueryAt { w.value(s.unixMs(at), into: &out) } else { w.null(into: &out) }
        w.endObject(into: &out)
    }

    private static func writeInstance(_ i: InstanceSnapshot, _ s: ProxySnapshot,
                                      _ w: inout JSONWriter, _ out: inout ByteBuffer) {
        w.beginObject(into: &out)
        w.key("url", into: &out); w.value(i.url, into: &out)
        w.key("state", into: &out); w.value(i.state, into: &out)
        w.key("in_flight", into: &out); w.value(i.inFlight, into: &out)

        w.key("breaker", into: &out)
        w.beginObject(into: &out)
        w.key("state", into: &out); w.value(i.breaker.rawValue, into: &out)
        w.key("trips", into: &out); w.value(i.trips, into: &out)
        w.key("open_until_unix_ms", into: &out)
        if let until = i.openUntil { w.value(s.unixMs(until), into: &out) } else { w.null(into: &out) }
        w.endObject(into: &out)

        let win = i.window
        w.key("window", into: &out)
        w.beginObject(into: &out)
        w.key("requests", into: &out); w.value(win.requests, into: &out)
        w.key("errors", into: &out); w.value(win.errors, into: &out)
        w.key("error_rate", into: &out); w.value(win.errorRate, fractionDigits: 4, into: &out)
        w.key("connect_errors", into: &out); w.value(win.connectErrors, into: &out)
        w.key("timeouts", into: &out); w.value(win.timeouts, into: &out)
        w.key("status_5xx", into: &out); w.value(win.status5xx, into: &out)
        w.key("protocol_errors", into: &out); w.value(win.protocolErrors, into: &out)
        w.key("slow_calls", into: &out); w.value(win.slowCalls, into: &out)
        w.key("slow_call_rate", into: &out); w.value(win.slowCallRate, fractionDigits: 4, into: &out)
        w.key("p50_ms", into: &out); w.value(win.p50.milliseconds, into: &out)
        w.key("p90_ms", into: &out); w.value(win.p90.milliseconds, into: &out)
        w.key("p99_ms", into: &out); w.value(win.p99.milliseconds, into: &out)
        w.endObject(into: &out)

        let t = i.totals
        w.key("totals", into: &out)
        w.beginObject(into: &out)
        w.key("requests", into: &out); w.value(t.requests, into: &out)
        w.key("responses", into: &out)
        w.beginObject(into: &out)
        w.key("2xx", into: &out); w.value(t.responses2xx, into: &out)
        w.key("3xx", into: &out); w.value(t.responses3xx, into: &out)
        w.key("4xx", into: &out); w.value(t.responses4xx, into: &out)
        w.key("5xx", into: &out); w.value(t.responses5xx, into: &out)
        w.endObject(into: &out)
        w.key("connect_failures", into: &out); w.value(t.connectFailures, into: &out)
        w.key("timeouts", into: &out); w.value(t.timeouts, into: &out)
        w.key("protocol_errors", into: &out); w.value(t.protocolErrors, into: &out)
        w.key("connections_opened", into: &out); w.value(t.connectionsOpened, into: &out)
        w.endObject(into: &out)

        let h = i.latency
        w.key("latency", into: &out)
        w.beginObject(into: &out)
        w.key("count", into: &out); w.value(Int(clamping: h.count), into: &out)
        w.key("sum_ms", into: &out); w.value(h.sum.milliseconds, into: &out)
        w.key("p50_ms", into: &out); w.value(h.percentile(0.5).milliseconds, into: &out)
        w.key("p90_ms", into: &out); w.value(h.percentile(0.9).milliseconds, into: &out)
        w.key("p99_ms", into: &out); w.value(h.percentile(0.99).milliseconds, into: &out)
        w.endObject(into: &out)

        w.key("health", into: &out)
        if let health = i.health { writeHealth(health, s, &w, &out) } else { w.null(into: &out) }
        w.endObject(into: &out)
    }

    private static func writeHealth(_ h: HealthSnapshot, _ s: ProxySnapshot,
                                    _ w: inout JSONWriter, _ out: inout ByteBuffer) {
        w.beginObject(into: &out)
        w.key("verdict", into: &out); w.value(h.verdict.rawValue, into: &out)
        w.key("consecutive_successes", into: &out); w.value(h.consecutiveSuccesses, into: &out)
        w.key("consecutive_failures", into: &out); w.value(h.consecutiveFailures, into: &out)
        w.key("last", into: &out)
        if let last = h.history.last { writeCheck(last, s, &w, &out) } else { w.null(into: &out) }
        w.key("history", into: &out)
        w.beginArray(into: &out)
        for r in h.history { writeCheck(r, s, &w, &out) }
        w.endArray(into: &out)
        w.endObject(into: &out)
    }

    private static func writeCheck(_ r: HealthCheckResult, _ s: ProxySnapshot,
                                   _ w: inout JSONWriter, _ out: inout ByteBuffer) {
        w.beginObject(into: &out)
        w.key("at_unix_ms", into: &out); w.value(s.unixMs(r.at), into: &out)
        w.key("ok", into: &out); w.value(r.ok, into: &out)
        w.key("latency_ms", into: &out); w.value(r.latency.milliseconds, into: &out)
        w.key("detail", into: &out); w.value(r.detail, into: &out)
        w.endObject(into: &out)
    }
}
