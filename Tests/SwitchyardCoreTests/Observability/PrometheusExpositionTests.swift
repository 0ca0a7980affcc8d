import Testing
@testable import SwitchyardCore

/// A strict reader of the Prometheus text format 0.0.4, written from the format's description and
/// independent of the writer: it checks the line grammar and the histogram invariants.
struct PrometheusText {
    struct Sample: Equatable {
        var name: String
        var labels: [String: String]
        var value: Double
    }

    var types: [String: String] = [:]
    var helps: [String: String] = [:]
    var samples: [Sample] = []

    struct ParseError: Error, CustomStringConvertible {
        var description: String
    }

    init(_ text: String) throws {
        guard text.hasSuffix("\n") else { throw ParseError(description: "no final newline") }
        var familyOrder: [String] = []
        var seen = Set<String>()
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false).dropLast() {
            let line = String(raw)
            if line.isEmpty { continue }
            if line.hasPrefix("#") {
                let parts = line.split(separator: " ", maxSplits: 3).map(String.init)
                guard parts.count >= 3, parts[0] == "#" else { continue }
                guard Self.isMetricName(parts[2]) else { throw ParseError(description: "bad name in \(line)") }
                if parts[1] == "TYPE" {
                    guard parts.count == 4, ["counter", "gauge", "histogram", "summary", "untyped"].contains(parts[3])
                    else { throw ParseError(description: "bad TYPE line \(line)") }
                    guard types[parts[2]] == nil else { throw ParseError(description: "second TYPE for \(parts[2])") }
                    types[parts[2]] = parts[3]
                    familyOrder.append(parts[2])
                } else if parts[1] == "HELP" {
                    helps[parts[2]] = parts.count == 4 ? parts[3] : ""
                }
                continue
            }
            let sample = try Self.parseSample(line)
            // Samples belong to the family declared last: name, or name_bucket/_sum/_count of a histogram.
            guard let family = familyOrder.last else { throw ParseError(description: "sample before any TYPE") }
            let ok = sample.name == family || (types[family] == "histogram"
                && [family + "_bucket", family + "_sum", family + "_count"].contains(sample.name))
            guard ok else { throw ParseError(description: "\(sample.name) outside its family block (\(family))") }
            let key = sample.name + "|" + sample.labels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
                .joined(separator: ",")
            guard seen.insert(key).inserted else { throw ParseError(description: "duplicate series \(key)") }
            samples.append(sample)
        }
        for (name, type) in types {
            if type == "counter" && !name.hasSuffix("_total") { throw ParseError(description: "counter \(name) without _total") }
            if type == "histogram" { try checkHistogram(name) }
        }
    }

    /// Buckets cumulative in `le` order, ending with `+Inf` equal to `_count`, with a `_sum`.
    func checkHistogram(_ name: String) throws {
        var series: [[String: String]: [(Double, Double)]] = [:]
        for s in samples where s.name == name + "_bucket" {
            guard let le = s.labels["le"] else { throw ParseError(description: "bucket without le") }
            guard let bound = le == "+Inf" ? Double.infinity : Double(le) else { throw ParseError(description: "bad le \(le)") }
            var rest = s.labels
            rest["le"] = nil
            series[rest, default: []].append((bound, s.value))
        }
        for (labels, buckets) in series {
            guard buckets.last?.0 == .infinity else { throw ParseError(description: "\(name) \(labels): no +Inf last") }
            for k in buckets.indices.dropFirst() {
                guard buckets[k].0 > buckets[k - 1].0 else { throw ParseError(description: "le not increasing") }
                guard buckets[k].1 >= buckets[k - 1].1 else { throw ParseError(description: "buckets not cumulative") }
            }
            guard let count = samples.first(where: { $0.name == name + "_count" && $0.labels == labels }),
                  count.value == buckets.last!.1 else { throw ParseError(description: "\(name) \(labels): +Inf != _count") }
            guard samples.contains(where: { $0.name == name + "_sum" && $0.labels == labels }) else {
                throw ParseError(description: "\(name) \(labels): no _sum")
            }
        }
    }

    static func isMetricName(_ s: String) -> Bool {
        func isLetter(_ c: Unicode.Scalar) -> Bool { ("a"..."z").contains(c) || ("A"..."Z").contains(c) || c == "_" || c == ":" }
        guard let first = s.unicodeScalars.first, isLetter(first) else { return false }
        return s.unicodeScalars.allSatisfy { isLetter($0) || ("0"..."9").contains($0) }
    }

    static func parseSample(_ line: String) throws -> Sample {
        let chars = Array(line.unicodeScalars)
        var i = 0
        var name = ""
        while i < chars.count, chars[i] != "{", chars[i] != " " { name.unicodeScalars.append(chars[i]); i += 1 }
        guard isMetricName(name) else { throw ParseError(description: "bad metric name in \(line)") }
        var labels: [String: String] = [:]
        if i < chars.count, chars[i] == "{" {
            i += 1
            while true {
                guard i < chars.count else { throw ParseError(description: "unterminated labels in \(line)") }
                if chars[i] == "}" { i += 1; break }
                var key = ""
                while i < chars.count, chars[i] != "=" { key.unicodeScalars.append(chars[i]); i += 1 }
                guard !key.isEmpty, isMetricName(key), !key.contains(":"), i + 1 < chars.count, chars[i + 1] == "\""
                else { throw ParseError(description: "bad label in \(line)") }
                i += 2
                var value = ""
                while true {
                    guard i < chars.count else { throw ParseError(description: "unterminated label value in \(line)") }
                    let c = chars[i]
                    if c == "\"" { i += 1; break }
                    if c == "\\" {
                        guard i + 1 < chars.count else { throw ParseError(description: "dangling escape") }
                        switch chars[i + 1] {
                        case "\\": value += "\\"
                        case "\"": value += "\""
                        case "n": value += "\n"
                        default: throw ParseError(description: "bad escape in \(line)")
                        }
                        i += 2
                        continue
                    }
                    value.unicodeScalars.append(c)
                    i += 1
                }
                guard labels[key] == nil else { throw ParseError(description: "duplicate label \(key)") }
                labels[key] = value
                if i < chars.count, chars[i] == "," { i += 1 }
            }
        }
        guard i < chars.count, chars[i] == " " else { throw ParseError(description: "no space before value in \(line)") }
        let rest = String(String.UnicodeScalarView(chars[(i + 1)...])).split(separator: " ")
        guard rest.count == 1 || rest.count == 2 else { throw ParseError(description: "bad value in \(line)") }
        let text = String(rest[0])
        let value: Double? = switch text {
        case "+Inf": .infinity
        case "-Inf": -.infinity
        case "NaN": .nan
        default: Double(text)
        }
        guard let value else { throw ParseError(description: "bad number \(text)") }
        return Sample(name: name, labels: labels, value: value)
    }

    func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
        samples.first { $0.name == name && $0.labels == labels }?.value
    }
}

@Suite struct PrometheusExpositionTests {
    typealias F = ObservabilityFixtures

    static func parse(_ s: ProxySnapshot) throws -> (String, PrometheusText) {
        var out = ByteBuffer()
        PrometheusExposition.write(s, into: &out)
        let text = F.text(out)
        return (text, try PrometheusText(text))
    }

    @Test("the exposition of a busy snapshot passes the format parser and its histogram checks")
    func parses() throws {
        let (_, m) = try Self.parse(F.busy())
        #expect(m.types["switchyard_upstream_latency_seconds"] == "histogram")
        #expect(m.types["switchyard_requests_total"] == "counter")
        #expect(m.types["switchyard_breaker_state"] == "gauge")
        for name in m.types.keys { #expect(m.helps[name] != nil, "\(name) has no HELP") }
    }

    @Test("counters, gauges and histogram samples carry the snapshot's numbers")
    func values() throws {
        let (_, m) = try Self.parse(F.busy())
        let a = ["service": "orders", "instance": "http://10.0.0.11:8080"]
        let b = ["service": "orders", "instance": "http://10.0.0.12:8080"]
        let odd = ["service": "we\"ird\nname", "instance": "http://[::1]:9000/a\"b\\c"]
        #expect(m.value("switchyard_requests_total", a.merging(["class": "2xx"]) { $1 }) == 1150)
        #expect(m.value("switchyard_requests_total", b.merging(["class": "5xx"]) { $1 }) == 60)
        #expect(m.value("switchyard_upstream_failures_total", b.merging(["kind": "connect"]) { $1 }) == 20)
        #expect(m.value("switchyard_upstream_failures_total", a.merging(["kind": "protocol"]) { $1 }) == 1)
        #expect(m.value("switchyard_upstream_requests_total", a) == 1200)
        #expect(m.value("switchyard_upstream_connections_opened_total", a) == 14)
        #expect(m.value("switchyard_in_flight", a) == 3)
        #expect(m.value("switchyard_breaker_state", a) == 0)
        #expect(m.value("switchyard_breaker_state", b) == 2)
        #expect(m.value("switchyard_breaker_state", odd) == 1)
        #expect(m.value("switchyard_breaker_trips_total", b) == 3)
        #expect(m.value("switchyard_instance_healthy", a) == 1)
        #expect(m.value("switchyard_instance_healthy", b) == -1)
        #expect(m.value("switchyard_instance_healthy", odd) == 0)
        #expect(m.value("switchyard_client_connections") == 17)
        #expect(m.value("switchyard_reloads_total") == 2)
        #expect(m.value("switchyard_reload_failures_total") == 1)
        #expect(m.value("switchyard_draining") == 0)
        #expect(m.value("switchyard_service_eligible_instances", ["service": "orders"]) == 1)
        #expect(m.value("switchyard_build_info", ["version": "0.1.0"]) == 1)
        #expect(m.value("switchyard_start_time_seconds") == Double(F.nowUnixMs - 3_600_000) / 1000)
        // Latencies 1,2,2,3,4,8,12,30,120,700 ms and 20 s.
        #expect(m.value("switchyard_upstream_latency_seconds_count", a) == 11)
        #expect(m.value("switchyard_upstream_latency_seconds_sum", a) == 20.882)
        #expect(m.value("switchyard_upstream_latency_seconds_bucket", a.merging(["le": "0.005"]) { $1 }) == 5)
        #expect(m.value("switchyard_upstream_latency_seconds_bucket", a.merging(["le": "1"]) { $1 }) == 10)
        #expect(m.value("switchyard_upstream_latency_seconds_bucket", a.merging(["le": "10"]) { $1 }) == 10)
        #expect(m.value("switchyard_upstream_latency_seconds_bucket", a.merging(["le": "+Inf"]) { $1 }) == 11)
        #expect(m.value("switchyard_upstream_latency_seconds_bucket", b.merging(["le": "+Inf"]) { $1 }) == 0)
    }

    @Test("the proxy's own error answers are counted by service (empty when unrouted), code and status, zeros where they can occur")
    func proxyErrors() throws {
        let (_, m) = try Self.parse(F.busy())
        #expect(m.types["switchyard_proxy_errors_total"] == "counter")
        func value(_ service: String, _ code: String, _ status: String) -> Double? {
            m.value("switchyard_proxy_errors_total", ["service": service, "code": code, "status": status])
        }
        #expect(value("orders", "no_healthy_instance", "503") == 4)
        #expect(value("orders", "invalid_json", "400") == 2)
        #expect(value("orders", "upstream_timeout", "504") == 0)
        #expect(value("", "no_route", "404") == 7)
        #expect(value("", "bad_request", "400") == 1)
        #expect(value("we\"ird\nname", "upstream_unavailable", "502") == 0)
        // no_route only without a service; 502, 503 and 504 only with one.
        #expect(value("orders", "no_route", "404") == nil)
        #expect(value("", "no_healthy_instance", "503") == nil)
        #expect(value("", "method_not_allowed", "405") == 0)
        let series = m.samples.filter { $0.name == "switchyard_proxy_errors_total" }
        #expect(series.count == (ProxyError.allCases.count - 3) + (ProxyError.allCases.count - 1) * 2)
    }

    @Test("label values are escaped: backslash, quote and newline")
    func escaping() throws {
        let (text, _) = try Self.parse(F.busy())
        #expect(text.contains(#"switchyard_in_flight{service="we\"ird\nname",instance="http://[::1]:9000/a\"b\\c"} 0"#))
        #expect(!text.contains("we\"ird\nname"))
    }

    @Test("an empty proxy still exposes the proxy-wide families")
    func empty() throws {
        let (_, m) = try Self.parse(ProxySnapshot(version: "x", startedAtUnixMs: 0, nowUnixMs: 0, now: .zero,
                                                  draining: true))
        #expect(m.value("switchyard_draining") == 1)
        #expect(m.types["switchyard_upstream_latency_seconds"] == "histogram")
    }

    @Test("the parser itself rejects broken expositions", arguments: [
        "# TYPE a_total counter\na_total{x=\"1} 1\n",
        "# TYPE a counter\na 1\n",
        "# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\nh_sum 1\nh_count 1\n",
        "# TYPE h histogram\nh_bucket{le=\"+Inf\"} 2\nh_sum 1\nh_count 1\n",
        "# TYPE g gauge\ng 1\ng 2\n",
        "# TYPE g gauge\ng one\n",
    ])
    func parserRejects(_ text: String) {
        #expect(throws: PrometheusText.ParseError.self) { try PrometheusText(text) }
    }
}
