extension ConfigDecoder {
    static let healthCheckKeys = ["type", "path", "interval", "timeout", "retries", "retry_delay", "healthy_after",
                                  "unhealthy_after", "expect_status", "history"]
    static let circuitBreakerKeys = ["window", "buckets", "min_requests", "error_rate", "slow_call", "slow_call_rate",
                                     "consecutive_failures", "cooldown", "max_cooldown", "half_open_requests",
                                     "max_ejected"]

    /// `health_check`: active probing. `type: ping` is an alias of `tcp`. `timeout` may exceed `interval`
    /// (as Envoy, HAProxy and Kubernetes allow): rounds of one instance never overlap, the next one
    /// starts `interval` after the previous one ended (`ProbeSchedule.nextCheck`).
    mutating func healthCheck(_ node: YAMLNode, at path: ConfigPath) -> HealthCheckConfig {
        var h = HealthCheckConfig()
        guard let f = fields(node, at: path, keys: Self.healthCheckKeys) else { return h }
        h.type = choice(f, "type", default: h.type, aliases: ["ping": .tcp])
        h.path = scalar(f, "path", default: h.path, expected: "a path like `/health`") { text, _ throws(ConfigValueError) in
            guard text.hasPrefix("/"), !text.contains(" ") else {
                throw ConfigValueError("health check path `\(text)` must start with `/` and contain no spaces")
            }
            return text
        }
        h.interval = duration(f, "interval", default: h.interval)
        h.timeout = duration(f, "timeout", default: h.timeout)
        h.retries = integer(f, "retries", default: h.retries, in: 0...10)
        h.retryDelay = duration(f, "retry_delay", default: h.retryDelay)
        h.healthyAfter = integer(f, "healthy_after", default: h.healthyAfter, in: 1...100)
        h.unhealthyAfter = integer(f, "unhealthy_after", default: h.unhealthyAfter, in: 1...100)
        if let node = f["expect_status"] { h.expectStatus = expectStatus(node, at: path.key("expect_status")) }
        h.history = integer(f, "history", default: h.history, in: 1...10_000)
        return h
    }

    /// `expect_status`: `200`, `"200-399"`, or a non-empty list of such.
    mutating func expectStatus(_ node: YAMLNode, at path: ConfigPath) -> [ClosedRange<Int>] {
        let items: [(YAMLNode, ConfigPath)]
        switch node.kind {
        case .sequence(let list) where !list.isEmpty:
            items = list.enumerated().map { ($0.element, path.index($0.offset)) }
        case .scalar where !node.isNull:
            items = [(node, path)]
        default:
            report(node.mark, path, "expected a status like `200`, a range like \"200-399\" or a list of them, got \(node.typeDescription)")
            return []
        }
        var result: [ClosedRange<Int>] = []
        for (item, itemPath) in items {
            guard case .scalar(let text, _) = item.kind, !item.isNull else {
                report(item.mark, itemPath, "expected a status like `200` or a range like \"200-399\", got \(item.typeDescription)")
                continue
            }
            do { result.append(try ConfigValueParser.statusRange(text)) } catch {
                report(item.mark, itemPath, error.message)
            }
        }
        return result
    }

    /// `circuit_breaker`: spec defaults; rates in 0...1; `max_cooldown` at least `cooldown`.
    mutating func circuitBreaker(_ node: YAMLNode, at path: ConfigPath) -> CircuitBreakerConfig {
        var b = CircuitBreakerConfig()
        guard let f = fields(node, at: path, keys: Self.circuitBreakerKeys) else { return b }
        b.window = duration(f, "window", default: b.window)
        b.buckets = integer(f, "buckets", default: b.buckets, in: 1...1000)
        if let node = f["buckets"], b.window / b.buckets < .milliseconds(1) {
            report(node.mark, path.key("buckets"), "\(b.buckets) buckets make buckets shorter than 1ms for a \(b.window) window")
        }
        b.minRequests = integer(f, "min_requests", default: b.minRequests, in: 1...1_000_000)
        b.errorRate = rate(f, "error_rate", default: b.errorRate)
        b.slowCall = duration(f, "slow_call", default: b.slowCall)
        b.slowCallRate = rate(f, "slow_call_rate", default: b.slowCallRate)
        b.consecutiveFailures = integer(f, "consecutive_failures", default: b.consecutiveFailures, in: 0...1_000_000)
        b.cooldown = duration(f, "cooldown", default: b.cooldown)
        b.maxCooldown = duration(f, "max_cooldown", default: b.maxCooldown)
        if b.maxCooldown < b.cooldown {
            let node = f["max_cooldown"] ?? f["cooldown"]
            let key = f["max_cooldown"] != nil ? "max_cooldown" : "cooldown"
            report(node?.mark ?? f.mark, path.key(key),
                   "max_cooldown (\(b.maxCooldown)) must be at least cooldown (\(b.cooldown))")
        }
        b.halfOpenRequests = integer(f, "half_open_requests", default: b.halfOpenRequests, in: 1...1000)
        b.maxEjected = rate(f, "max_ejected", default: b.maxEjected)
        return b
    }

    /// `retries`: `attempts` in 1...10; `on` one condition or a list of them; `budget` a rate;
    /// `min_per_second` in 0...10000.
    mutating func retries(_ node: YAMLNode, at path: ConfigPath) -> RetryConfig {
        var r = RetryConfig()
        guard let f = fields(node, at: path, keys: ["attempts", "on", "budget", "min_per_second"]) else { return r }
        r.attempts = integer(f, "attempts", default: r.attempts, in: 1...10)
        r.budget = rate(f, "budget", default: r.budget)
        r.minPerSecond = integer(f, "min_per_second", default: r.minPerSecond, in: 0...10_000)
        guard let on = f["on"] else { return r }
        let onPath = path.key("on")
        let items: [(YAMLNode, ConfigPath)]
        switch on.kind {
        case .sequence(let list): items = list.enumerated().map { ($0.element, onPath.index($0.offset)) }
        case .scalar where !on.isNull: items = [(on, onPath)]
        default:
            report(on.mark, onPath, "expected a list of retry conditions, got \(on.typeDescription)")
            return r
        }
        let names = RetryCondition.allCases.map(\.rawValue)
        r.on = []
        for (item, itemPath) in items {
            guard case .scalar(let text, _) = item.kind, let condition = RetryCondition(rawValue: text) else {
                let text = item.scalarText ?? ""
                report(item.mark, itemPath, item.scalarText == nil
                       ? "expected one of \(keyList(names)), got \(item.typeDescription)"
                       : Self.unknownChoice(text, names: names))
                continue
            }
            if !r.on.contains(condition) { r.on.append(condition) }
        }
        return r
    }
}
