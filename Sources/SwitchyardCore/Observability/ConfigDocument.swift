/// Renders a whole `Config` as JSON for `/dump`, with the key names of `config.yaml` (SPEC section 2).
///
/// Durations are strings with a unit as the file takes them (`250ms`, `5s`, `2m`; `ns` when not a
/// whole millisecond), sizes plain byte counts, rates fractions 0...1, priorities integers,
/// `workers: "auto"` when unset, `multiplex` and each service's `cache` `null` when off. `admin.token` is `"<redacted>"` when set and `null` otherwise:
/// the token never leaves the process. So do webhook secrets: header values read `"<redacted>"` and a
/// webhook URL keeps only its scheme, host and port (a Slack webhook's path is its credential).
public enum ConfigDocument {
    /// What `admin.token` reads as when a token is set.
    public static let redacted = "<redacted>"

    /// Appends `c` as one JSON object.
    public static func write(_ c: Config, into out: inout ByteBuffer) {
        var w = JSONWriter()
        write(c, with: &w, into: &out)
    }

    /// Appends `c` as a value of a document `w` is writing.
    static func write(_ c: Config, with w: inout JSONWriter, into out: inout ByteBuffer) {
        w.beginObject(into: &out)
        w.key("listen", into: &out)
        w.beginArray(into: &out)
        for l in c.listen { w.value(l.description, into: &out) }
        w.endArray(into: &out)
        w.key("workers", into: &out)
        if let n = c.workers { w.value(n, into: &out) } else { w.value("auto" as StaticString, into: &out) }

        w.key("admin", into: &out)
        w.beginObject(into: &out)
        w.key("listen", into: &out)
        if let l = c.admin.listen { w.value(l.description, into: &out) } else { w.null(into: &out) }
        w.key("token", into: &out)
        if c.admin.token != nil { w.value(redacted, into: &out) } else { w.null(into: &out) }
        w.endObject(into: &out)

        let a = c.accept
        w.key("accept", into: &out)
        w.beginObject(into: &out)
        w.key("methods", into: &out)
        writeStrings(a.methods, &w, &out)
        w.key("require_json", into: &out); w.value(a.requireJSON, into: &out)
        w.key("max_body", into: &out); w.value(a.maxBody, into: &out)
        w.key("max_header", into: &out); w.value(a.maxHeader, into: &out)
        w.key("max_connections", into: &out); w.value(a.maxConnections, into: &out)
        w.endObject(into: &out)

        let t = c.timeouts
        w.key("timeouts", into: &out)
        w.beginObject(into: &out)
        w.key("connect", into: &out); w.value(durationText(t.connect), into: &out)
        w.key("response", into: &out); w.value(durationText(t.response), into: &out)
        w.key("attempt", into: &out); w.value(t.attempt.map(durationText) ?? "off", into: &out)
        w.key("client_header", into: &out); w.value(durationText(t.clientHeader), into: &out)
        w.key("client_body", into: &out); w.value(durationText(t.clientBody), into: &out)
        w.key("client_idle", into: &out); w.value(durationText(t.clientIdle), into: &out)
        w.key("upstream_idle", into: &out); w.value(durationText(t.upstreamIdle), into: &out)
        w.key("drain", into: &out); w.value(durationText(t.drain), into: &out)
        w.endObject(into: &out)

        w.key("log", into: &out)
        w.beginObject(into: &out)
        w.key("access", into: &out)
        switch c.log.access {
        case .stdout: w.value("stdout" as StaticString, into: &out)
        case .off: w.value("off" as StaticString, into: &out)
        case .file(let path): w.value(path, into: &out)
        }
        w.key("level", into: &out); w.value(c.log.level.name, into: &out)
        w.endObject(into: &out)

        w.key("reload", into: &out)
        switch c.reload {
        case .signal: w.value("signal" as StaticString, into: &out)
        case .watch: w.value("watch" as StaticString, into: &out)
        }

        w.key("services", into: &out)
        w.beginArray(into: &out)
        for s in c.services { writeService(s, &w, &out) }
        w.endArray(into: &out)

        w.key("multiplex", into: &out)
        if let m = c.multiplex {
            w.beginObject(into: &out)
            w.key("path", into: &out); w.value(m.path, into: &out)
            w.key("max_parts", into: &out); w.value(m.maxParts, into: &out)
            w.key("max_body", into: &out); w.value(m.maxBody, into: &out)
            w.key("max_timeout", into: &out); w.value(durationText(m.maxTimeout), into: &out)
            w.key("default_timeout", into: &out); w.value(durationText(m.defaultTimeout), into: &out)
            w.key("allow_urls", into: &out); writeStrings(m.allowURLs, &w, &out)
            w.key("ca_file", into: &out)
            if let ca = m.caFile { w.value(ca, into: &out) } else { w.null(into: &out) }
            w.endObject(into: &out)
        } else {
            w.null(into: &out)
        }
        w.key("reactions", into: &out); writeReactions(c.reactions, &w, &out)
        w.endObject(into: &out)
    }

    private static func writeService(_ s: ServiceConfig, _ w: inout JSONWriter, _ out: inout ByteBuffer) {
        w.beginObject(into: &out)
        w.key("name", into: &out); w.value(s.name, into: &out)
        w.key("routes", into: &out); writeStrings(s.routes, &w, &out)
        w.key("balancer", into: &out); w.value(s.balancer.rawValue, into: &out)
        w.key("supplier", into: &out); w.value(s.supplier.rawValue, into: &out)
        w.key("instances", into: &out)
        w.beginArray(into: &out)
        for i in s.instances {
            w.beginObject(into: &out)
            w.key("url", into: &out); w.value(i.url.description, into: &out)
            w.key("priority", into: &out); w.value(i.priority, into: &out)
            w.key("weight", into: &out); w.value(i.weight, into: &out)
            w.endObject(into: &out)
        }
        w.endArray(into: &out)
        if !s.discover.isEmpty {
            // The instances above include what these names yielded when the snapshot was taken.
            w.key("discover", into: &out)
            w.beginArray(into: &out)
            for d in s.discover {
                w.beginObject(into: &out)
                w.key("name", into: &out); w.value(d.name, into: &out)
                w.key("type", into: &out); w.value(d.type.rawValue, into: &out)
                w.key("port", into: &out)
                if let p = d.port { w.value(Int(p), into: &out) } else { w.null(into: &out) }
                w.key("resolvers", into: &out)
                writeStrings(d.resolvers.map(\.description), &w, &out)
                w.key("interval", into: &out); w.value(durationText(d.interval), into: &out)
                w.key("min_interval", into: &out); w.value(durationText(d.minInterval), into: &out)
                w.key("hold", into: &out); w.value(durationText(d.hold), into: &out)
                w.key("timeout", into: &out); w.value(durationText(d.timeout), into: &out)
                w.key("priority", into: &out); w.value(d.priority, into: &out)
                w.key("weight", into: &out); w.value(d.weight, into: &out)
                w.key("base_path", into: &out); w.value(d.basePath, into: &out)
                w.endObject(into: &out)
            }
            w.endArray(into: &out)
        }

        w.key("health_check", into: &out)
        if let h = s.healthCheck {
            w.beginObject(into: &out)
            w.key("type", into: &out); w.value(h.type.rawValue, into: &out)
            w.key("path", into: &out); w.value(h.path, into: &out)
            w.key("interval", into: &out); w.value(durationText(h.interval), into: &out)
            w.key("timeout", into: &out); w.value(durationText(h.timeout), into: &out)
            w.key("retries", into: &out); w.value(h.retries, into: &out)
            w.key("retry_delay", into: &out); w.value(durationText(h.retryDelay), into: &out)
            w.key("healthy_after", into: &out); w.value(h.healthyAfter, into: &out)
            w.key("unhealthy_after", into: &out); w.value(h.unhealthyAfter, into: &out)
            w.key("expect_status", into: &out)
            writeStrings(h.expectStatus.map { "\($0.lowerBound)-\($0.upperBound)" }, &w, &out)
            w.key("history", into: &out); w.value(h.history, into: &out)
            w.endObject(into: &out)
        } else {
            w.null(into: &out)
        }

        let b = s.circuitBreaker
        w.key("circuit_breaker", into: &out)
        w.beginObject(into: &out)
        w.key("window", into: &out); w.value(durationText(b.window), into: &out)
        w.key("buckets", into: &out); w.value(b.buckets, into: &out)
        w.key("min_requests", into: &out); w.value(b.minRequests, into: &out)
        w.key("error_rate", into: &out); w.value(b.errorRate, fractionDigits: 4, into: &out)
        w.key("slow_call", into: &out); w.value(durationText(b.slowCall), into: &out)
        w.key("slow_call_rate", into: &out); w.value(b.slowCallRate, fractionDigits: 4, into: &out)
        w.key("consecutive_failures", into: &out); w.value(b.consecutiveFailures, into: &out)
        w.key("cooldown", into: &out); w.value(durationText(b.cooldown), into: &out)
        w.key("max_cooldown", into: &out); w.value(durationText(b.maxCooldown), into: &out)
        w.key("half_open_requests", into: &out); w.value(b.halfOpenRequests, into: &out)
        w.key("max_ejected", into: &out); w.value(b.maxEjected, fractionDigits: 4, into: &out)
        w.endObject(into: &out)

        w.key("retries", into: &out)
        w.beginObject(into: &out)
        w.key("attempts", into: &out); w.value(s.retries.attempts, into: &out)
        w.key("on", into: &out); writeStrings(s.retries.on.map(\.rawValue), &w, &out)
        w.key("budget", into: &out); w.value(s.retries.budget, fractionDigits: 4, into: &out)
        w.key("min_per_second", into: &out); w.value(s.retries.minPerSecond, into: &out)
        w.endObject(into: &out)

        w.key("cache", into: &out)
        if let cache = s.cache {
            w.beginObject(into: &out)
            w.key("ttl", into: &out); w.value(durationText(cache.ttl), into: &out)
            w.key("max_entries", into: &out); w.value(cache.maxEntries, into: &out)
            w.endObject(into: &out)
        } else {
            w.null(into: &out)
        }
        w.key("reactions", into: &out); writeReactions(s.reactions, &w, &out)
        w.endObject(into: &out)
    }

    static func writeStrings(_ values: [String], _ w: inout JSONWriter, _ out: inout ByteBuffer) {
        w.beginArray(into: &out)
        for v in values { w.value(v, into: &out) }
        w.endArray(into: &out)
    }

    /// A duration the way `config.yaml` writes it: the largest of `m`, `s`, `ms` that divides it
    /// exactly, else `ns`. `0s` for zero.
    static func durationText(_ d: Duration) -> String {
        let ns = d.nanoseconds
        if ns == 0 { return "0s" }
        let units: [(Int64, String)] = [(60_000_000_000, "m"), (1_000_000_000, "s"), (1_000_000, "ms")]
        for (size, suffix) in units where ns % size == 0 { return "\(ns / size)\(suffix)" }
        return "\(ns)ns"
    }
}
