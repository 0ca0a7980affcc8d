import Testing
@testable import SwitchyardCore

@Suite struct ProxyErrorCountsTests {
    @Test("ProxyError.index is each error's position in allCases, so counters indexed by it are distinct")
    func indexMatchesAllCases() {
        for (offset, error) in ProxyError.allCases.enumerated() { #expect(error.index == offset, "\(error)") }
    }

    @Test("counts start at zero, are kept per error, and add up to the total")
    func perError() {
        var counts = ProxyErrorCounts()
        #expect(counts.total == 0)
        counts[.noRoute] = 3
        counts[.upstreamTimeout] += 2
        #expect(counts[.noRoute] == 3 && counts[.upstreamTimeout] == 2 && counts[.badRequest] == 0)
        #expect(counts.total == 5)
        let read = ProxyErrorCounts { $0 == .noRoute ? 3 : ($0 == .upstreamTimeout ? 2 : 0) }
        #expect(read == counts)
    }

    @Test("no_route never has a service, the upstream errors always have one, the others may")
    func serviceScope() {
        #expect(ProxyError.noRoute.serviceScope == .unrouted)
        #expect(ProxyError.allCases.filter { $0.serviceScope == .routed } == [.upstreamUnavailable, .noHealthyInstance, .upstreamTimeout])
        #expect(ProxyError.methodNotAllowed.serviceScope == .either)
    }
}
