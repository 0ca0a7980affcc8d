import Testing
@testable import SwitchyardCore

@Suite struct LiveRatesTests {
    /// A snapshot at `seconds` (monotonic) with one instance of `orders` that has sent `requests`
    /// attempts, `failed` of them answered 5xx.
    static func snapshot(at seconds: Int64, requests: Int, failed: Int = 0, connectFailures: Int = 0) -> ProxySnapshot {
        let i = InstanceSnapshot(url: "http://a:1", state: "healthy",
                                 totals: InstanceTotalsSnapshot(requests: requests, responses5xx: failed,
                                                                connectFailures: connectFailures))
        return ProxySnapshot(version: "t", startedAtUnixMs: 0, nowUnixMs: Int(seconds) * 1000,
                             now: Instant(nanoseconds: UInt64(seconds) * 1_000_000_000),
                             services: [ServiceSnapshot(name: "orders", routes: ["/"], balancer: "round_robin",
                                                        supplier: "static", eligible: 1, instances: [i])])
    }

    @Test("the rate is the difference of the totals over the time between two ticks")
    func rateBetweenTicks() {
        var r = LiveRates()
        r.advance(to: Self.snapshot(at: 10, requests: 100))
        #expect(r.rate(service: "orders", url: "http://a:1") == nil)
        r.advance(to: Self.snapshot(at: 12, requests: 150, failed: 4, connectFailures: 2))
        #expect(r.rate(service: "orders", url: "http://a:1") == LiveRates.Rate(requestsPerSecond: 25, errorsPerSecond: 3))
        #expect(r.rate(service: "other", url: "http://a:1") == nil)
    }

    @Test("a tick at the same instant keeps the rates; a counter that went down counts from zero")
    func sameInstantAndReset() {
        var r = LiveRates()
        r.advance(to: Self.snapshot(at: 1, requests: 10))
        r.advance(to: Self.snapshot(at: 2, requests: 20))
        r.advance(to: Self.snapshot(at: 2, requests: 25))
        #expect(r.rate(service: "orders", url: "http://a:1")?.requestsPerSecond == 10)
        r.advance(to: Self.snapshot(at: 3, requests: 7))
        #expect(r.rate(service: "orders", url: "http://a:1")?.requestsPerSecond == 7)
        r.reset()
        #expect(r.rate(service: "orders", url: "http://a:1") == nil)
    }
}
