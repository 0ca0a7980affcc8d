/// Renders `/metrics` in the Prometheus text exposition format 0.0.4 from a `ProxySnapshot`.
///
/// Every family has `# HELP` and `# TYPE` lines followed by all its samples. Instance families are
/// labelled `service` and `instance` (the URL); label values are escaped (`\\`, `\"`, `\n`).
/// `switchyard_proxy_errors_total` counts the proxy's own error answers by `service` (empty when no
/// route matched), `code` and `status`.
/// The latency histogram uses the fixed `latencyBuckets` in seconds; its buckets come from the
/// lifetime `LatencyHistogram` (`cumulativeCount(atMost:)`, a bin straddling a bound counts in the
/// next bucket), end with `+Inf` equal to `_count`, and `_sum` is exact to the nanosecond.
/// Numbers are integers or fixed-point decimals written by hand (the core has no libm).
public enum PrometheusExposition {
    /// The `Content-Type` of the document.
    public static let contentType: StaticString = "text/plain; version=0.0.4; charset=utf-8"

    /// The `le` bounds of `switchyard_upstream_latency_seconds`, as written and as durations; `+Inf` follows.
    public static let latencyBuckets: [(label: StaticString, bound: Duration)] = [
        ("0.001", .microseconds(1000)), ("0.0025", .microseconds(2500)), ("0.005", .milliseconds(5)),
        ("0.01", .milliseconds(10)), ("0.025", .milliseconds(25)), ("0.05", .milliseconds(50)),
        ("0.1", .milliseconds(100)), ("0.25", .milliseconds(250)), ("0.5", .milliseconds(500)),
        ("1", .seconds(1)), ("2.5", .milliseconds(2500)), ("5", .seconds(5)), ("10", .seconds(10)),
    ]

    /// Appends the whole exposition.
    public static func write(_ s: ProxySnapshot, into out: inout ByteBuffer) {
        family(&out, "switchyard_build_info", "gauge", "Always 1; the version label names the running build.")
        out.write("switchyard_build_info{version=\"")
        out.writePrometheusLabelValue(s.version)
        out.write("\"} 1\n")

        family(&out, "switchyard_start_time_seconds", "gauge", "Unix time the process started, in seconds.")
        out.write("switchyard_start_time_seconds ")
        out.write(fixedPoint: s.startedAtUnixMs, decimals: 3)
        out.write(byte: 0x0A)

        scalar(&out, "switchyard_client_connections", "gauge", "Client connections open now.", s.clientConnections)
        scalar(&out, "switchyard_draining", "gauge", "1 while draining after SIGTERM, else 0.", s.draining ? 1 : 0)
        scalar(&out, "switchyard_reloads_total", "counter", "Configuration reloads applied.", s.reloads)
        scalar(&out, "switchyard_reload_failures_total", "counter",
               "Configuration reloads refused because the new file was invalid.", s.reloadFailures)

        serviceFamily(&out, s.services, "switchyard_service_eligible_instances", "gauge",
                      "Instances the service's supplier yields now.") { $0.eligible }

        serviceCounter(&out, s.services, "switchyard_retries_total", "Retries sent to another instance (5xx, timeout, connect failure).") { $0.retries }
        serviceCounter(&out, s.services, "switchyard_retries_refused_total", "Retries the service's retry budget refused.") { $0.retriesRefusedByBudget }
        family(&out, "switchyard_proxy_errors_total", "counter",
               "Error answers the proxy wrote itself (not relayed from an upstream), by service (empty when no route matched), code and status.")
        writeProxyErrors(&out, "", s.unroutedProxyErrors, skipping: .routed)
        for service in s.services { writeProxyErrors(&out, service.name, service.proxyErrors, skipping: .unrouted) }

        writeDiscovery(&out, s)
        writeBatch(&out, s)
        writeReactions(&out, s.reactions)

        family(&out, "switchyard_upstream_requests_total", "counter", "Attempts sent to the instance.")
        forEachInstance(s) { service, i in
            sample(&out, "switchyard_upstream_requests_total", service, i, i.totals.requests)
        }

        family(&out, "switchyard_requests_total", "counter", "Upstream responses by status class.")
        forEachInstance(s) { service, i in
            let t = i.totals
            sample(&out, "switchyard_requests_total", service, i, t.responses2xx, "class", "2xx")
            sample(&out, "switchyard_requests_total", service, i, t.responses3xx, "class", "3xx")
            sample(&out, "switchyard_requests_total", service, i, t.responses4xx, "class", "4xx")
            sample(&out, "switchyard_requests_total", service, i, t.responses5xx, "class", "5xx")
        }

        family(&out, "switchyard_upstream_failures_total", "counter", "Attempts that got no usable response, by kind.")
        forEachInstance(s) { service, i in
            let t = i.totals
            sample(&out, "switchyard_upstream_failures_total", service, i, t.connectFailures, "kind", "connect")
            sample(&out, "switchyard_upstream_failures_total", service, i, t.timeouts, "kind", "timeout")
            sample(&out, "switchyard_upstream_failures_total", service, i, t.protocolErrors, "kind", "protocol")
        }

        family(&out, "switchyard_upstream_connections_opened_total", "counter", "Upstream TCP connections opened.")
        forEachInstance(s) { service, i in
            sample(&out, "switchyard_upstream_connections_opened_total", service, i, i.totals.connectionsOpened)
        }

        family(&out, "switchyard_upstream_latency_seconds", "histogram", "Upstream latency of completed attempts.")
        forEachInstance(s) { service, i in writeHistogram(&out, service, i) }

        family(&out, "switchyard_in_flight", "gauge", "Requests sent to the instance and not finished.")
        forEachInstance(s) { service, i in sample(&out, "switchyard_in_flight", service, i, i.inFlight) }

        family(&out, "switchyard_breaker_state", "gauge", "Circuit breaker: 0 closed, 1 half_open, 2 open.")
        forEachInstance(s) { service, i in
            let v = switch i.breaker { case .closed: 0; case .halfOpen: 1; case .open: 2 }
            sample(&out, "switchyard_breaker_state", service, i, v)
        }

        family(&out, "switchyard_breaker_trips_total", "counter", "Times the circuit breaker opened.")
        forEachInstance(s) { service, i in sample(&out, "switchyard_breaker_trips_total", service, i, i.trips) }

        family(&out, "switchyard_instance_healthy", "gauge",
               "Active health verdict: 1 healthy, 0 unhealthy, -1 unknown or not checked.")
        forEachInstance(s) { service, i in
            let v = switch i.health?.verdict ?? .unknown { case .healthy: 1; case .unhealthy: 0; case .unknown: -1 }
            sample(&out, "switchyard_instance_healthy", service, i, v)
        }
    }

    /// One `switchyard_proxy_errors_total{service,code,status}` sample per `ProxyError` that can occur
    /// there, zeros included (a series that appears only with its first error would hide that error
    /// from `rate()`); errors of the other scope (`ProxyError.serviceScope`) only when counted.
    private static func writeProxyErrors(_ out: inout ByteBuffer, _ service: String, _ counts: ProxyErrorCounts,
                                         skipping scope: ProxyError.ServiceScope) {
        for error in ProxyError.allCases where error.serviceScope != scope || counts[error] > 0 {
            out.write("switchyard_proxy_errors_total{service=\"")
            out.writePrometheusLabelValue(service)
            out.write("\",code=\"")
            out.write(error.code)
            out.write("\",status=\"")
            out.write(decimal: error.status)
            out.write("\"} ")
            out.write(decimal: counts[error])
            out.write(byte: 0x0A)
        }
    }

    private static func forEachInstance(_ s: ProxySnapshot, _ body: (String, InstanceSnapshot) -> Void) {
        for service in s.services {
            for i in service.instances { body(service.name, i) }
        }
    }

    static func family(_ out: inout ByteBuffer, _ name: StaticString, _ type: StaticString,
                               _ help: StaticString) {
        out.write("# HELP ")
        out.write(name)
        out.write(byte: 0x20)
        out.write(help)
        out.write("\n# TYPE ")
        out.write(name)
        out.write(byte: 0x20)
        out.write(type)
        out.write(byte: 0x0A)
    }

    private static func scalar(_ out: inout ByteBuffer, _ name: StaticString, _ type: StaticString,
                               _ help: StaticString, _ value: Int) {
        family(&out, name, type, help)
        out.write(name)
        out.write(byte: 0x20)
        out.write(decimal: value)
        out.write(byte: 0x0A)
    }

    /// `name{service="...",instance="..."[,extraName="extraValue"]} value`
    private static func sample(_ out: inout ByteBuffer, _ name: StaticString, _ service: String,
                               _ i: InstanceSnapshot, _ value: Int,
                               _ extraName: StaticString? = nil, _ extraValue: StaticString? = nil) {
        out.write(name)
        labels(&out, service, i)
        if let extraName, let extraValue {
            out.write(",")
            out.write(extraName)
            out.write("=\"")
            out.write(extraValue)
            out.write("\"")
        }
        out.write("} ")
        out.write(decimal: value)
        out.write(byte: 0x0A)
    }

    /// `{service="...",instance="..."` without the closing brace.
    private static func labels(_ out: inout ByteBuffer, _ service: String, _ i: InstanceSnapshot) {
        out.write("{service=\"")
        out.writePrometheusLabelValue(service)
        out.write("\",instance=\"")
        out.writePrometheusLabelValue(i.url)
        out.write("\"")
    }

    private static func writeHistogram(_ out: inout ByteBuffer, _ service: String, _ i: InstanceSnapshot) {
        let h = i.latency
        for bucket in latencyBuckets {
            out.write("switchyard_upstream_latency_seconds_bucket")
            labels(&out, service, i)
            out.write(",le=\"")
            out.write(bucket.label)
            out.write("\"} ")
            out.write(decimal: Int(clamping: h.cumulativeCount(atMost: bucket.bound)))
            out.write(byte: 0x0A)
        }
        out.write("switchyard_upstream_latency_seconds_bucket")
        labels(&out, service, i)
        out.write(",le=\"+Inf\"} ")
        out.write(decimal: Int(clamping: h.count))
        out.write("\nswitchyard_upstream_latency_seconds_sum")
        labels(&out, service, i)
        out.write("} ")
        out.write(fixedPoint: Int(clamping: h.sumNanoseconds), decimals: 9)
        out.write("\nswitchyard_upstream_latency_seconds_count")
        labels(&out, service, i)
        out.write("} ")
        out.write(decimal: Int(clamping: h.count))
        out.write(byte: 0x0A)
    }

    /// The followed DNS names: instances found, age of the last answer, failures in a row, and the
    /// running-configuration changes they caused.
    private static func writeDiscovery(_ out: inout ByteBuffer, _ s: ProxySnapshot) {
        scalar(&out, "switchyard_discovery_updates_total", "counter",
               "Changes of the running configuration made by discovery.", s.discoveryUpdates)
        let followed = s.services.flatMap { service in service.discovery.map { (service.name, $0) } }
        guard !followed.isEmpty else { return }
        func labels(_ service: String, _ d: DiscoverySnapshot) {
            out.write("{service=\"")
            out.writePrometheusLabelValue(service)
            out.write("\",name=\"")
            out.writePrometheusLabelValue(d.name)
            out.write("\",type=\"")
            out.writePrometheusLabelValue(d.type)
            out.write("\"} ")
        }
        func gauge(_ name: StaticString, _ help: StaticString, _ value: (inout ByteBuffer, DiscoverySnapshot) -> Void) {
            family(&out, name, "gauge", help)
            for (service, d) in followed {
                out.write(name)
                labels(service, d)
                value(&out, d)
                out.write(byte: 0x0A)
            }
        }
        gauge("switchyard_discovery_instances", "Instances the followed DNS name yields now.") { out, d in
            out.write(decimal: d.instances.count)
        }
        gauge("switchyard_discovery_last_answer_age_seconds",
              "Seconds since the last DNS answer for the name; -1 before the first.") { out, d in
            if let at = d.lastAnswerAt { out.write(fixedPoint: s.nowUnixMs - s.unixMs(at), decimals: 3) } else { out.write("-1") }
        }
        gauge("switchyard_discovery_consecutive_failures",
              "DNS lookups of the name failed in a row (the last good set keeps serving).") { out, d in
            out.write(decimal: d.consecutiveFailures)
        }
    }

    /// The batch endpoint's families (only when it is on) and the caches' (only for services with one).
    private static func writeBatch(_ out: inout ByteBuffer, _ s: ProxySnapshot) {
        if let b = s.batch {
            scalar(&out, "switchyard_batches_total", "counter", "Batches started on the batch endpoint.", b.batches)
            scalar(&out, "switchyard_batches_refused_total", "counter", "Batches refused with a 400.", b.refused)
            family(&out, "switchyard_batch_parts_total", "counter",
                   "Batch parts by how they ended: answered, cached, or the part's error code.")
            for p in b.parts {
                out.write("switchyard_batch_parts_total{outcome=\"")
                out.writePrometheusLabelValue(p.outcome)
                out.write("\"} ")
                out.write(decimal: p.count)
                out.write(byte: 0x0A)
            }
        }
        let cached = s.services.filter { $0.cache != nil }
        guard !cached.isEmpty else { return }
        serviceCounter(&out, cached, "switchyard_cache_hits_total", "Batch parts answered from the service's cache.") { $0.cache?.hits ?? 0 }
        serviceCounter(&out, cached, "switchyard_cache_misses_total", "Batch parts the service's cache had no fresh answer for.") { $0.cache?.misses ?? 0 }
        serviceCounter(&out, cached, "switchyard_cache_stores_total", "Answers stored in the service's cache.") { $0.cache?.stores ?? 0 }
        serviceFamily(&out, cached, "switchyard_cache_entries", "gauge", "Answers held in the service's cache now.") {
            $0.cache?.entries ?? 0
        }
    }

    /// A counter family with one sample per service.
    private static func serviceCounter(_ out: inout ByteBuffer, _ services: [ServiceSnapshot], _ name: StaticString,
                                       _ help: StaticString, _ value: (ServiceSnapshot) -> Int) {
        serviceFamily(&out, services, name, "counter", help, value)
    }

    /// A family of `type` with one sample per service.
    private static func serviceFamily(_ out: inout ByteBuffer, _ services: [ServiceSnapshot], _ name: StaticString,
                                      _ type: StaticString, _ help: StaticString, _ value: (ServiceSnapshot) -> Int) {
        family(&out, name, type, help)
        for service in services {
            out.write(name)
            out.write("{service=\"")
            out.writePrometheusLabelValue(service.name)
            out.write("\"} ")
            out.write(decimal: value(service))
            out.write(byte: 0x0A)
        }
    }
}

extension ByteBuffer {
    /// Appends `value` escaped for a Prometheus label value: `\` -> `\\`, `"` -> `\"`, LF -> `\n`.
    mutating func writePrometheusLabelValue(_ value: String) {
        for b in value.utf8 {
            switch b {
            case UInt8(ascii: "\\"): write("\\\\")
            case UInt8(ascii: "\""): write("\\\"")
            case 0x0A: write("\\n")
            default: write(byte: b)
            }
        }
    }
}
