/// Renders one event of the dashboard's `GET /events` stream: a compact JSON snapshot shaped for the
/// page (docs/ADMIN.md, "GET /events"), smaller than `/stats` because it is sent every second to
/// every open dashboard.
///
/// Per service and instance: the SPEC state, whether health is flapping, requests per second (from
/// `LiveRates`), the breaker window's error rate and p50/p99, the breaker with the reason of its last
/// transition and the cooldown left, and the health history as a strip of `+` (passed) and `-`
/// (failed), oldest first. Then the last `transitionLimit` transitions (oldest first) and, when the
/// caller has one, the `reactions` value as it is (the shape `/stats` gives it).
public enum EventsDocument {
    /// Health rounds kept in an instance's `strip`.
    public static let stripLength = 60
    /// Transitions sent in each event (the newest ones).
    public static let transitionLimit = 20
    /// Health rounds looked at to call an instance flapping, and how many changes between passing
    /// and failing in them make it so.
    public static let flapWindow = 20
    public static let flapChanges = 4

    /// Appends the event's JSON (one line, no newline). `reactions`, when not nil, must be exactly one
    /// JSON value; it is written as the `reactions` member unchanged.
    public static func write(_ s: ProxySnapshot, rates: LiveRates, reactions: [UInt8]? = nil,
                             into out: inout ByteBuffer) {
        var w = JSONWriter()
        w.beginObject(into: &out)
        w.key("version", into: &out); w.value(s.version, into: &out)
        w.key("now_unix_ms", into: &out); w.value(s.nowUnixMs, into: &out)
        w.key("uptime_seconds", into: &out); w.value(Double(s.nowUnixMs - s.startedAtUnixMs) / 1000, into: &out)
        w.key("draining", into: &out); w.value(s.draining, into: &out)
        w.key("services", into: &out)
        w.beginArray(into: &out)
        for service in s.services {
            w.beginObject(into: &out)
            w.key("name", into: &out); w.value(service.name, into: &out)
            w.key("eligible", into: &out); w.value(service.eligible, into: &out)
            w.key("instances", into: &out)
            w.beginArray(into: &out)
            for i in service.instances {
                writeInstance(i, rate: rates.rate(service: service.name, url: i.url), s, &w, &out)
            }
            w.endArray(into: &out)
            w.endObject(into: &out)
        }
        w.endArray(into: &out)
        w.key("transitions", into: &out)
        StatsDocument.writeTransitions(s.transitions.suffix(transitionLimit), s, &w, &out)
        if let reactions {
            w.key("reactions", into: &out)
            reactions.withUnsafeBytes { w.rawValue($0, into: &out) }
        }
        w.endObject(into: &out)
    }

    private static func writeInstance(_ i: InstanceSnapshot, rate: LiveRates.Rate?, _ s: ProxySnapshot,
                                      _ w: inout JSONWriter, _ out: inout ByteBuffer) {
        w.beginObject(into: &out)
        w.key("url", into: &out); w.value(i.url, into: &out)
        w.key("state", into: &out); w.value(i.state, into: &out)
        w.key("flapping", into: &out); w.value(isFlapping(i.health?.history ?? []), into: &out)
        w.key("in_flight", into: &out); w.value(i.inFlight, into: &out)
        w.key("rps", into: &out)
        if let rate { w.value(rate.requestsPerSecond, fractionDigits: 2, into: &out) } else { w.null(into: &out) }
        w.key("errors_per_s", into: &out)
        if let rate { w.value(rate.errorsPerSecond, fractionDigits: 2, into: &out) } else { w.null(into: &out) }
        w.key("window_requests", into: &out); w.value(i.window.requests, into: &out)
        w.key("error_rate", into: &out); w.value(i.window.errorRate, fractionDigits: 4, into: &out)
        w.key("p50_ms", into: &out); w.value(i.window.p50.milliseconds, into: &out)
        w.key("p99_ms", into: &out); w.value(i.window.p99.milliseconds, into: &out)

        w.key("breaker", into: &out)
        w.beginObject(into: &out)
        w.key("state", into: &out); w.value(i.breaker.rawValue, into: &out)
        w.key("trips", into: &out); w.value(i.trips, into: &out)
        w.key("reason", into: &out)
        if i.breaker != .closed, let reason = breakerReason(url: i.url, transitions: s.transitions) {
            w.value(reason, into: &out)
        } else {
            w.null(into: &out)
        }
        w.key("cooldown_left_ms", into: &out)
        if let until = i.openUntil, i.breaker == .open {
            w.value(until > s.now ? Int((until - s.now).nanoseconds / 1_000_000) : 0, into: &out)
        } else {
            w.null(into: &out)
        }
        w.endObject(into: &out)

        w.key("health", into: &out)
        if let h = i.health {
            w.beginObject(into: &out)
            w.key("verdict", into: &out); w.value(h.verdict.rawValue, into: &out)
            w.key("consecutive_failures", into: &out); w.value(h.consecutiveFailures, into: &out)
            w.key("last", into: &out)
            if let last = h.history.last { w.value(last.detail, into: &out) } else { w.null(into: &out) }
            w.key("strip", into: &out); w.value(strip(h.history), into: &out)
            w.endObject(into: &out)
        } else {
            w.null(into: &out)
        }
        w.endObject(into: &out)
    }

    /// The last `stripLength` rounds, oldest first: `+` passed, `-` failed.
    public static func strip(_ history: [HealthCheckResult]) -> String {
        String(history.suffix(stripLength).map { $0.ok ? "+" : "-" })
    }

    /// True when the last `flapWindow` rounds switch between passing and failing at least
    /// `flapChanges` times: the instance keeps going up and down, whatever its verdict says now.
    public static func isFlapping(_ history: [HealthCheckResult]) -> Bool {
        let recent = history.suffix(flapWindow)
        var changes = 0
        var previous: Bool?
        for r in recent {
            if let previous, previous != r.ok { changes += 1 }
            previous = r.ok
        }
        return changes >= flapChanges
    }

    /// The reason of the newest breaker transition of `url` (subject `breaker <url>`, as the error log
    /// journals it), nil when the journal has none.
    public static func breakerReason(url: String, transitions: [TransitionRecord]) -> String? {
        let subject = "breaker " + url
        return transitions.last { $0.subject == subject }?.reason
    }
}
