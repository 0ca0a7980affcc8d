/// One service: the routes it answers, how it balances, and its instances.
public struct ServiceConfig: Sendable, Equatable {
    public var name: String
    /// Path prefixes, each starting with `/`; matched on a segment boundary.
    public var routes: [String]
    public var balancer: BalancerKind
    public var supplier: SupplierKind
    /// The static instances, and with discovery the ones its DNS names yielded (the running
    /// configuration lists them here, each with its URL).
    public var instances: [InstanceConfig]
    /// DNS names followed for more instances (`- discover:` entries of `instances`).
    public var discover: [DiscoveryConfig] = []
    public var healthCheck: HealthCheckConfig?
    public var circuitBreaker: CircuitBreakerConfig
    public var retries: RetryConfig
    /// The response cache for batch parts (`cache:`); nil = off.
    public var cache: CacheConfig?
    /// Reactions to this service's state changes (`reactions:`, SPEC section 9).
    public var reactions: [ReactionConfig] = []

    public init(name: String, routes: [String], balancer: BalancerKind = .roundRobin,
                supplier: SupplierKind = .cooldown, instances: [InstanceConfig],
                healthCheck: HealthCheckConfig? = nil, circuitBreaker: CircuitBreakerConfig = CircuitBreakerConfig(),
                retries: RetryConfig = RetryConfig()) {
        self.name = name
        self.routes = routes
        self.balancer = balancer
        self.supplier = supplier
        self.instances = instances
        self.healthCheck = healthCheck
        self.circuitBreaker = circuitBreaker
        self.retries = retries
    }
}

/// The selector named in config (`balancer:`). The closed set the config accepts; each case maps
/// to one `InstanceSelector` type.
public enum BalancerKind: String, Sendable, CaseIterable {
    case roundRobin = "round_robin"
    case random
    case priority
    case leastRequests = "least_requests"
}

/// The supplier named in config (`supplier:`).
public enum SupplierKind: String, Sendable, CaseIterable {
    case `static`
    case cooldown
}

/// An upstream instance as configured. Its identity is its URL (`url.description`).
public struct InstanceConfig: Sendable, Equatable {
    public var url: UpstreamURL
    /// Higher is preferred by the `priority` balancer: `high` = 3, `med` = 2, `low` = 1, or any integer;
    /// default `med` (2).
    public var priority: Int
    /// Relative share for weighted selectors; >= 1.
    public var weight: Int
    public init(url: UpstreamURL, priority: Int = 2, weight: Int = 1) {
        self.url = url
        self.priority = priority
        self.weight = weight
    }
}

/// An `http://host:port[/base]` upstream address. Only `http` is accepted for instances.
public struct UpstreamURL: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: UInt16
    /// Path prefix to prepend when forwarding; empty for none. Never ends in `/`.
    public var basePath: String
    public init(host: String, port: UInt16, basePath: String = "") {
        self.host = host
        self.port = port
        self.basePath = basePath
    }
    /// The canonical form `http://host:port[/base]`, the instance's identity.
    public var description: String {
        let h = host.contains(":") ? "[\(host)]" : host
        return "http://\(h):\(port)\(basePath)"
    }
    /// The `Host` header value sent upstream.
    public var hostHeader: String {
        let h = host.contains(":") ? "[\(host)]" : host
        return port == 80 ? h : "\(h):\(port)"
    }
}

public enum HealthCheckType: String, Sendable, CaseIterable {
    case http
    case tcp
}

public struct HealthCheckConfig: Sendable, Equatable {
    public var type: HealthCheckType
    public var path: String
    public var interval: Duration
    public var timeout: Duration
    public var retries: Int
    public var retryDelay: Duration
    public var healthyAfter: Int
    public var unhealthyAfter: Int
    /// Inclusive status ranges, e.g. `200-399` -> [200...399].
    public var expectStatus: [ClosedRange<Int>]
    public var history: Int
    public init(type: HealthCheckType = .http, path: String = "/health", interval: Duration = .seconds(5),
                timeout: Duration = .seconds(1), retries: Int = 2, retryDelay: Duration = .milliseconds(200),
                healthyAfter: Int = 2, unhealthyAfter: Int = 3, expectStatus: [ClosedRange<Int>] = [200...399],
                history: Int = 100) {
        self.type = type
        self.path = path
        self.interval = interval
        self.timeout = timeout
        self.retries = retries
        self.retryDelay = retryDelay
        self.healthyAfter = healthyAfter
        self.unhealthyAfter = unhealthyAfter
        self.expectStatus = expectStatus
        self.history = history
    }
}

public struct CircuitBreakerConfig: Sendable, Equatable {
    public var window: Duration
    public var buckets: Int
    public var minRequests: Int
    /// 0...1
    public var errorRate: Double
    public var slowCall: Duration
    /// 0...1
    public var slowCallRate: Double
    /// 0 disables the consecutive-failure trip.
    public var consecutiveFailures: Int
    public var cooldown: Duration
    public var maxCooldown: Duration
    public var halfOpenRequests: Int
    /// 0...1: the largest share of a service's instances the cooldown supplier may take out.
    public var maxEjected: Double
    public init(window: Duration = .seconds(10), buckets: Int = 10, minRequests: Int = 20, errorRate: Double = 0.5,
                slowCall: Duration = .seconds(1), slowCallRate: Double = 0.8, consecutiveFailures: Int = 5,
                cooldown: Duration = .seconds(15), maxCooldown: Duration = .seconds(300), halfOpenRequests: Int = 1,
                maxEjected: Double = 0.5) {
        self.window = window
        self.buckets = buckets
        self.minRequests = minRequests
        self.errorRate = errorRate
        self.slowCall = slowCall
        self.slowCallRate = slowCallRate
        self.consecutiveFailures = consecutiveFailures
        self.cooldown = cooldown
        self.maxCooldown = maxCooldown
        self.halfOpenRequests = halfOpenRequests
        self.maxEjected = maxEjected
    }
}

/// What a failed attempt may be retried on. POST is not idempotent: by default only what was never sent.
public enum RetryCondition: String, Sendable, CaseIterable {
    case connectFailure = "connect_failure"
    case timeout
    case status5xx = "5xx"
}

public struct RetryConfig: Sendable, Equatable {
    /// Total tries, each on a different instance; >= 1.
    public var attempts: Int
    public var on: [RetryCondition]
    /// Retries may add at most this share of the load the answering instances carry: of the requests
    /// over the last 10 s that the first instance they went to answered below 500 (0...1; see
    /// `RetryBudget`). A retry the budget refuses leaves the failure as the answer.
    public var budget: Double
    /// Retries per second always allowed on top of `budget`, so a quiet service can still retry.
    public var minPerSecond: Int
    public init(attempts: Int = 2, on: [RetryCondition] = [.connectFailure], budget: Double = 0.2,
                minPerSecond: Int = 3) {
        self.attempts = attempts
        self.on = on
        self.budget = budget
        self.minPerSecond = minPerSecond
    }
}
