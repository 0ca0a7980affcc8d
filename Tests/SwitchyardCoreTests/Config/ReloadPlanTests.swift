import Testing
@testable import SwitchyardCore

@Suite struct ReloadPlanTests {
    static func instance(_ port: UInt16, weight: Int = 1) -> InstanceConfig {
        InstanceConfig(url: UpstreamURL(host: "10.0.0.1", port: port), weight: weight)
    }

    static func config(_ services: [(String, [InstanceConfig])], listen: [UInt16] = [8080],
                       breaker: CircuitBreakerConfig = CircuitBreakerConfig()) -> Config {
        var c = Config(services: services.map { ServiceConfig(name: $0.0, routes: ["/" + $0.0], instances: $0.1) })
        c.listen = listen.map { ListenAddress(host: "127.0.0.1", port: $0) }
        for i in c.services.indices { c.services[i].circuitBreaker = breaker }
        return c
    }

    @Test("an instance in the same service and place with the same settings keeps its state object")
    func kept() {
        let a = Self.config([("orders", [Self.instance(1), Self.instance(2)])])
        let plan = ReloadPlan(running: a, next: a, runningWorkers: 1, requestedWorkers: 1)
        #expect(plan.fates == [[.kept(service: 0, index: 0, reconfigureBreaker: false),
                                .kept(service: 0, index: 1, reconfigureBreaker: false)]])
        #expect(plan.removedURLs.isEmpty && plan.restartOnly.isEmpty)
    }

    @Test("a URL that moves service, place or settings carries its state over; a new URL starts fresh; a gone one is listed")
    func movedNewRemoved() {
        let running = Self.config([("orders", [Self.instance(1), Self.instance(2)]), ("users", [Self.instance(3)])])
        let next = Self.config([("users", [Self.instance(3), Self.instance(1)]),
                                ("orders", [Self.instance(4), Self.instance(2, weight: 5)])])
        let plan = ReloadPlan(running: running, next: next, runningWorkers: 1, requestedWorkers: 1)
        #expect(plan.fates == [
            [.kept(service: 1, index: 0, reconfigureBreaker: false), .moved(service: 0, index: 0)],
            [.new, .moved(service: 0, index: 1)],
        ])
        #expect(plan.removedURLs.isEmpty)
        let shrunk = ReloadPlan(running: running, next: Self.config([("orders", [Self.instance(2)])]),
                                runningWorkers: 1, requestedWorkers: 1)
        #expect(shrunk.fates == [[.moved(service: 0, index: 1)]])
        #expect(shrunk.removedURLs == ["http://10.0.0.1:1", "http://10.0.0.1:3"])
    }

    @Test("changed breaker settings reconfigure the kept breakers in place")
    func breakerChange() {
        var tighter = CircuitBreakerConfig()
        tighter.consecutiveFailures = 2
        let plan = ReloadPlan(running: Self.config([("orders", [Self.instance(1)])]),
                              next: Self.config([("orders", [Self.instance(1)])], breaker: tighter),
                              runningWorkers: 1, requestedWorkers: 1)
        #expect(plan.fates == [[.kept(service: 0, index: 0, reconfigureBreaker: true)]])
    }

    @Test("listen addresses open and close by difference; restart-only settings compare with the process's own")
    func listenersAndRestartOnly() {
        let boot = Self.config([("orders", [Self.instance(1)])], listen: [8080])
        var running = Self.config([("orders", [Self.instance(1)])], listen: [8080, 8081])
        running.admin.listen = boot.admin.listen
        var next = Self.config([("orders", [Self.instance(1)])], listen: [8081, 8082])
        next.admin.listen = nil
        let plan = ReloadPlan(running: running, next: next, process: boot, runningWorkers: 2, requestedWorkers: 4)
        #expect(plan.listenAdded == [ListenAddress(host: "127.0.0.1", port: 8082)])
        #expect(plan.listenRemoved == [ListenAddress(host: "127.0.0.1", port: 8080)])
        #expect(plan.restartOnly.map(\.key) == ["workers", "admin.listen"])
    }

    @Test("the first load makes every instance new")
    func first() {
        let plan = ReloadPlan(first: Self.config([("orders", [Self.instance(1), Self.instance(2)])]))
        #expect(plan.fates == [[.new, .new]])
    }
}
