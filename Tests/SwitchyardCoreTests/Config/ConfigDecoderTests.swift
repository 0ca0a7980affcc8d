import Testing
@testable import SwitchyardCore

@Suite struct ConfigDecoderTests {
    @Test("a minimal config takes every spec default")
    func minimal() throws {
        let config = try decode(["services": [demoService]]).get()
        #expect(config.listen == [ListenAddress(host: "0.0.0.0", port: 8080)])
        #expect(config.workers == nil)
        #expect(config.admin == AdminConfig())
        #expect(config.accept == AcceptConfig())
        #expect(config.timeouts == TimeoutsConfig())
        #expect(config.log == LogConfig())
        #expect(config.reload == .signal)
        let service = try #require(config.services.first)
        #expect(service.name == "demo")
        #expect(service.routes == ["/"])
        #expect(service.balancer == .roundRobin && service.supplier == .cooldown)
        #expect(service.instances == [InstanceConfig(url: UpstreamURL(host: "127.0.0.1", port: 9001))])
        #expect(service.healthCheck == nil)
        #expect(service.circuitBreaker == CircuitBreakerConfig())
        #expect(service.retries == RetryConfig())
        #expect(config.summary == "config OK: 1 service, 1 instance, listen 0.0.0.0:8080, admin 127.0.0.1:9901")
    }

    @Test("every documented key is read")
    func everyKey() throws {
        let y: Y = [
            "listen": ["0.0.0.0:8080", "[::]:8081"], "workers": "4",
            "admin": ["listen": "127.0.0.1:9999", "token": .quoted("s3cret")],
            "accept": ["methods": ["POST", "PUT"], "require_json": "false", "max_body": "2MiB", "max_header": "8KiB",
                       "max_connections": "500"],
            "timeouts": ["connect": "250ms", "response": "5s", "client_header": "2s", "client_idle": "1m",
                         "upstream_idle": "20s", "drain": "10s"],
            "log": ["access": "/var/log/switchyard.log", "level": "warn"],
            "reload": "watch",
            "services": [[
                "name": "orders", "routes": ["/orders/", "/v2/orders"], "balancer": "priority", "supplier": "static",
                "instances": [["url": "http://10.0.0.11:8080/api", "priority": "high", "weight": "3"],
                              "http://10.0.0.12:8080", ["url": "http://10.0.0.13", "priority": "7"]],
                "health_check": ["type": "ping", "path": "/hc", "interval": "3s", "timeout": "500ms", "retries": "0",
                                 "retry_delay": "100ms", "healthy_after": "1", "unhealthy_after": "4",
                                 "expect_status": [.quoted("200-299"), "304"], "history": "10"],
                "circuit_breaker": ["window": "20s", "buckets": "20", "min_requests": "5", "error_rate": "25%",
                                    "slow_call": "2s", "slow_call_rate": "0.9", "consecutive_failures": "0",
                                    "cooldown": "5s", "max_cooldown": "1m", "half_open_requests": "2",
                                    "max_ejected": "100%"],
                "retries": ["attempts": "3", "on": ["connect_failure", "timeout", "5xx"]],
            ]],
        ]
        let c = try decode(y).get()
        #expect(c.listen == [ListenAddress(host: "0.0.0.0", port: 8080), ListenAddress(host: "::", port: 8081)])
        #expect(c.workers == 4)
        #expect(c.admin == AdminConfig(listen: ListenAddress(host: "127.0.0.1", port: 9999), token: "s3cret"))
        #expect(c.accept == AcceptConfig(methods: ["POST", "PUT"], requireJSON: false, maxBody: 2 << 20,
                                         maxHeader: 8 << 10, maxConnections: 500))
        #expect(c.timeouts == TimeoutsConfig(connect: .milliseconds(250), response: .seconds(5),
                                             clientHeader: .seconds(2), clientIdle: .seconds(60),
                                             upstreamIdle: .seconds(20), drain: .seconds(10)))
        #expect(c.log == LogConfig(access: .file("/var/log/switchyard.log"), level: .warning))
        #expect(c.reload == .watch)
        let s = try #require(c.services.first)
        #expect(s.routes == ["/orders", "/v2/orders"])
        #expect(s.balancer == .priority && s.supplier == .static)
        #expect(s.instances == [
            InstanceConfig(url: UpstreamURL(host: "10.0.0.11", port: 8080, basePath: "/api"), priority: 3, weight: 3),
            InstanceConfig(url: UpstreamURL(host: "10.0.0.12", port: 8080)),
            InstanceConfig(url: UpstreamURL(host: "10.0.0.13", port: 80), priority: 7),
        ])
        #expect(s.healthCheck == HealthCheckConfig(type: .tcp, path: "/hc", interval: .seconds(3),
                                                   timeout: .milliseconds(500), retries: 0,
                                                   retryDelay: .milliseconds(100), healthyAfter: 1, unhealthyAfter: 4,
                                                   expectStatus: [200...299, 304...304], history: 10))
        #expect(s.circuitBreaker == CircuitBreakerConfig(window: .seconds(20), buckets: 20, minRequests: 5,
                                                         errorRate: 0.25, slowCall: .seconds(2), slowCallRate: 0.9,
                                                         consecutiveFailures: 0, cooldown: .seconds(5),
                                                         maxCooldown: .seconds(60), halfOpenRequests: 2,
                                                         maxEjected: 1))
        #expect(s.retries == RetryConfig(attempts: 3, on: [.connectFailure, .timeout, .status5xx]))
        #expect(c.summary == "config OK: 1 service, 3 instances, listen 0.0.0.0:8080 [::]:8081, admin 127.0.0.1:9999")
    }

    @Test("admin listen off or null disables the admin API; log access off or null disables the log")
    func switchesOff() throws {
        for off: Y in ["off", "null", "~"] {
            let c = try decode(["admin": ["listen": off], "log": ["access": off], "services": [demoService]]).get()
            #expect(c.admin.listen == nil)
            #expect(c.log.access == .off)
            #expect(c.summary.hasSuffix("admin off"))
        }
    }

    @Test("every error is reported at once, in file order")
    func allErrors() {
        let y: Y = ["listen": "nowhere", "workers": "0", "lissen": "x",
                    "services": [["name": "a", "routes": ["/a"], "instances": ["https://x"]]]]
        #expect(problems(y) == [
            "listen: expected a listen address like `0.0.0.0:8080`, got `nowhere` (no port)",
            "workers: 0 workers is out of range; must be between 1 and 1024",
            "lissen: unknown key `lissen`; did you mean `listen`?",
            "services[0].instances[0]: URL scheme `https` is not supported for instances; only `http` is",
        ])
    }

    @Test("structural mistakes are named with their path", arguments: [
        (["services": [demoService], "workers": "auto", "admin": "127.0.0.1:9901"] as Y,
         "admin: expected a mapping with keys `listen`, `token`, got `127.0.0.1:9901`"),
        (["services": []] as Y, "services: at least one service is required"),
        (["listen": "1.2.3.4:80"] as Y, "services: missing required key `services` (a list of services)"),
        (["services": [["name": "a", "routes": ["/"], "instances": []]]] as Y,
         "services[0].instances: at least one instance is required"),
        (["services": [["name": "a", "routes": ["orders"], "instances": ["http://h"]]]] as Y,
         "services[0].routes[0]: route `orders` must start with `/`"),
        (["services": [["name": "a", "routes": [], "instances": ["http://h"]]]] as Y,
         "services[0].routes: at least one route is required"),
        (["services": [["routes": ["/"], "instances": ["http://h"]]]] as Y,
         "services[0].name: missing required key `name` (the service's name)"),
        (["services": [demoService], "workers": .quoted("4")] as Y,
         "workers: expected `auto` or a number of threads, got `4`"),
        (["services": [demoService], "listen": ["a": "b"]] as Y,
         "listen: expected an address like `0.0.0.0:8080` or a list of them, got a mapping"),
        (["services": [demoService], "reload": "inotify"] as Y,
         "reload: `inotify` is not valid; expected one of `signal`, `watch`"),
        (["services": [demoService], "log": ["level": "verbose"]] as Y,
         "log.level: `verbose` is not valid; expected one of `debug`, `info`, `warning`, `error`"),
        (["services": [demoService], "accept": ["methods": ["post"]]] as Y,
         "accept.methods[0]: `post` is not an upper-case method name; did you mean `POST`?"),
        (["services": [demoService], "accept": ["require_json": "yes"]] as Y,
         "accept.require_json: expected `true` or `false`, got `yes`"),
        (["services": [demoService], "log": ["access": "stdot"]] as Y,
         "log.access: `stdot` is not valid; did you mean `stdout`?"),
        (["services": [demoService], "log": ["access": "logs/access.log"]] as Y,
         "log.access: `logs/access.log` is not valid; expected `stdout`, `off` or an absolute file path"),
        (["services": [demoService], "accept": ["max_header": "100"]] as Y,
         "accept.max_header: 100 bytes is too small; must be at least 1024"),
        (["services": [demoService], "timeouts": ["connect": "0s"]] as Y,
         "timeouts.connect: must be longer than zero"),
        (["services": [demoService], "timeouts": ["drain": ["1s"]]] as Y,
         "timeouts.drain: expected a duration like `5s`, got a list"),
    ])
    func structural(y: Y, expected: String) {
        #expect(problems(y) == [expected])
    }

    @Test("service-level values are range-checked", arguments: [
        (["balancer": "round-robin"] as Y, "services[0].balancer: `round-robin` is not valid; did you mean `round_robin`?"),
        (["supplier": "dynamic"] as Y, "services[0].supplier: `dynamic` is not valid; expected one of `static`, `cooldown`"),
        (["circuit_breaker": ["error_rate": "150%"]] as Y,
         "services[0].circuit_breaker.error_rate: rate is out of range; must be between 0% and 100% (0 and 1)"),
        (["circuit_breaker": ["buckets": "0"]] as Y,
         "services[0].circuit_breaker.buckets: 0 is out of range; must be between 1 and 1000"),
        (["circuit_breaker": ["cooldown": "1m", "max_cooldown": "30s"]] as Y,
         "services[0].circuit_breaker.max_cooldown: max_cooldown (30.0 seconds) must be at least cooldown (60.0 seconds)"),
        (["circuit_breaker": ["slow_call": "-1s"]] as Y,
         "services[0].circuit_breaker.slow_call: expected a number in `-1s`"),
        (["retries": ["attempts": "0"]] as Y, "services[0].retries.attempts: 0 is out of range; must be between 1 and 10"),
        (["retries": ["on": ["conect_failure"]]] as Y,
         "services[0].retries.on[0]: `conect_failure` is not valid; did you mean `connect_failure`?"),
        (["health_check": ["type": "icmp"]] as Y,
         "services[0].health_check.type: `icmp` is not valid; expected one of `http`, `tcp`, `ping`"),
        (["health_check": ["expect_status": .quoted("399-200")]] as Y,
         "services[0].health_check.expect_status: status range `399-200` is empty: 399 > 200"),
        (["health_check": ["expect_status": ["200", "7"]]] as Y,
         "services[0].health_check.expect_status[1]: expected a status like `200` or a range like `200-399` (100...599), got `7`"),
        (["helth_check": ["type": "http"]] as Y, "services[0].helth_check: unknown key `helth_check`; did you mean `health_check`?"),
        (["instances": [["url": "http://h", "weight": "0"]]] as Y,
         "services[0].instances[0].weight: 0 is out of range; must be between 1 and 10000"),
        (["instances": [["url": "http://h", "priority": "urgent"]]] as Y,
         "services[0].instances[0].priority: `urgent` is not valid; expected one of `high`, `med`, `low` (or an integer)"),
        (["instances": [["priority": "high"]]] as Y,
         "services[0].instances[0].url: missing required key `url` (the instance's http:// URL)"),
        (["instances": ["http://h:80", "http://h"]] as Y, "services[0].instances[1]: instance `http://h:80` is listed twice"),
        (["instances": [["http://h"]]] as Y,
         "services[0].instances[0]: expected a URL or a mapping with `url`, `priority`, `weight`, got a list"),
    ])
    func serviceValues(override: Y, expected: String) {
        guard case .map(let extra) = override else { return }
        var pairs: [(String, Y)] = [("name", "a"), ("routes", ["/"])]
        if !extra.contains(where: { $0.0 == "instances" }) { pairs.append(("instances", ["http://h"])) }
        pairs += extra
        #expect(problems(["services": [.map(pairs)]]) == [expected])
    }

    @Test("a health check timeout longer than its interval is accepted, as Envoy, HAProxy and Kubernetes accept it")
    func healthTimeoutOverInterval() throws {
        let y: Y = ["services": [["name": "a", "routes": ["/"], "instances": ["http://h"],
                                  "health_check": ["interval": "1s", "timeout": "5s"]]]]
        let check = try #require(try decode(y).get().services.first?.healthCheck)
        #expect(check.interval == .seconds(1) && check.timeout == .seconds(5))
    }

    @Test("duplicate service names, shared routes and duplicate keys are rejected")
    func duplicates() {
        let y: Y = ["services": [
            ["name": "a", "routes": ["/x", "/y/"], "instances": ["http://h"]],
            ["name": "a", "routes": ["/y"], "instances": ["http://h"]],
            ["name": "b", "name": "c", "routes": ["/z", "/z"], "instances": ["http://h"]],
        ]]
        let list = problems(y)
        #expect(list.count == 4)
        #expect(list.contains { $0.hasPrefix("services[1].name: duplicate service name `a` (first at services[0]") })
        #expect(list.contains("services[1].routes[0]: route `/y` is already served by service `a`"))
        #expect(list.contains { $0.hasPrefix("services[2].name: duplicate key `name` (first at line") })
        #expect(list.contains("services[2].routes[1]: route `/z` is listed twice"))
    }

    @Test("an empty document and a non-mapping root are reported at the root")
    func roots() {
        #expect(problems(.plain("")) == ["(root): the config is empty; at least `services` is required"])
        #expect(problems(["a"]) == [
            "(root): expected a mapping with keys `listen`, `workers`, `admin`, `accept`, `timeouts`, `log`, `reload`, "
                + "`services`, `multiplex`, `reactions`, got a list"])
    }
}
