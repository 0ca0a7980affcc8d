import Testing
@testable import SwitchyardCore

/// The exchange's decisions with plain instants: no sockets, no sleeps.
@Suite struct ProxyExchangeTests {
    static let ms: UInt64 = 1_000_000
    let t0 = Instant(nanoseconds: 1_000_000_000_000)

    func at(_ millis: UInt64) -> Instant { t0.advanced(byNanoseconds: millis * Self.ms) }

    /// An exchange started at t0 with `retries`, `instances` instances, a 1 s response timeout.
    func started(_ retries: RetryConfig = RetryConfig(), instances: Int = 3, attemptMillis: UInt64 = 0,
                 budget: inout RetryBudget) -> ProxyExchange {
        var x = ProxyExchange()
        let action = x.start(policy: AttemptPolicy(retries: retries), instanceCount: instances,
                             responseNanos: 1000 * Self.ms, attemptNanos: attemptMillis * Self.ms, at: t0)
        #expect(action == .pick)
        return x
    }

    var roomy: RetryBudget { RetryBudget(ratio: 1, minPerSecond: 100) }

    @Test("a refused connect is retried on another instance, then the last failure is the answer")
    func connectRetry() {
        var budget = roomy
        var x = started(budget: &budget)
        #expect(run { x.picked(.init(instance: 0, isProbe: false), at: t0) } == .connect(fresh: false))
        let step = x.upstreamFailed(.connectFailed, reusedConnection: false, budget: &budget, at: at(1))
        #expect(step.action == .pick)
        #expect(step.ended?.instance == 0)
        #expect(step.ended?.record == .failure(.connect))
        #expect(x.tried.contains(0))
        #expect(run { x.picked(.init(instance: 1, isProbe: false), at: at(1)) } == .connect(fresh: false))
        let last = x.upstreamFailed(.connectFailed, reusedConnection: false, budget: &budget, at: at(2))
        #expect(last.action == .respond(.upstreamUnavailable))
        #expect(last.ended?.instance == 1)
        #expect(x.phase == .finished)
        #expect(x.attempts == 2)
    }

    @Test("no instance at all is a 503; none left for a retry answers the failure that happened")
    func nothingToPick() {
        var budget = roomy
        var x = started(budget: &budget)
        #expect(run { x.picked(nil, at: t0) } == .respond(.noHealthyInstance))
        var y = started(budget: &budget)
        _ = y.picked(.init(instance: 2, isProbe: false), at: t0)
        _ = y.upstreamFailed(.connectFailed, reusedConnection: false, budget: &budget, at: at(1))
        #expect(run { y.picked(nil, at: at(1)) } == .respond(.upstreamUnavailable))
    }

    @Test("a 5xx is relayed unless retries.on lists 5xx; then it is retried elsewhere and recorded as a failure")
    func retry5xx() {
        var budget = roomy
        var plain = started(budget: &budget)
        _ = plain.picked(.init(instance: 0, isProbe: false), at: t0)
        #expect(run { plain.responseHead(status: 503, budget: &budget, at: at(5)) }.action == .relay)
        let done = plain.responseComplete(status: 503, reusable: true)
        #expect(done.action == .finish)
        #expect(done.ended?.record == .failure(.status5xx))
        #expect(done.ended?.parksConnection == true)

        var x = started(RetryConfig(attempts: 2, on: [.status5xx]), budget: &budget)
        _ = x.picked(.init(instance: 0, isProbe: false), at: t0)
        let step = x.responseHead(status: 502, budget: &budget, at: at(5))
        #expect(step.action == .pick)
        #expect(step.ended?.record == .failure(.status5xx))
        #expect(step.ended?.parksConnection == false)
        _ = x.picked(.init(instance: 1, isProbe: false), at: at(5))
        // Attempts used up: the second 5xx goes to the client.
        #expect(run { x.responseHead(status: 500, budget: &budget, at: at(9)) }.action == .relay)
        #expect(run { x.responseHead(status: 200, budget: &budget, at: at(9)) }.action == .none)
    }

    @Test("timeouts.attempt fails one attempt inside the response timeout, and retries.on: timeout retries it")
    func attemptTimeout() {
        var budget = roomy
        var x = started(RetryConfig(attempts: 3, on: [.timeout]), attemptMillis: 300, budget: &budget)
        _ = x.picked(.init(instance: 0, isProbe: false), at: t0)
        #expect(x.wakeUpAt == at(300))
        #expect(run { x.timerFired(budget: &budget, at: at(299)) }.action == .none)
        let step = x.timerFired(budget: &budget, at: at(300))
        #expect(step.action == .pick)
        #expect(step.ended?.record == .failure(.timeout))
        _ = x.picked(.init(instance: 1, isProbe: false), at: at(300))
        #expect(x.wakeUpAt == at(600))
        _ = x.timerFired(budget: &budget, at: at(600))
        _ = x.picked(.init(instance: 2, isProbe: false), at: at(600))
        // The third attempt's own deadline would be 900 ms; the request's is 1000 ms, and it is capped there.
        #expect(x.wakeUpAt == at(900))
        #expect(run { x.timerFired(budget: &budget, at: at(900)) }.action == .respond(.upstreamTimeout))
    }

    @Test("without timeouts.attempt the only deadline is the request's, and it answers 504 without a retry")
    func requestDeadline() {
        var budget = roomy
        var x = started(RetryConfig(attempts: 3, on: [.timeout]), budget: &budget)
        _ = x.picked(.init(instance: 0, isProbe: false), at: t0)
        #expect(x.wakeUpAt == at(1000))
        let step = x.timerFired(budget: &budget, at: at(1000))
        #expect(step.action == .respond(.upstreamTimeout))
        #expect(step.ended?.record == .failure(.timeout))
        #expect(step.ended?.failure == .timedOut)
    }

    @Test("a deadline during the response aborts the client connection")
    func deadlineWhileResponding() {
        var budget = roomy
        var x = started(budget: &budget)
        _ = x.picked(.init(instance: 0, isProbe: false), at: t0)
        _ = x.responseHead(status: 200, budget: &budget, at: at(10))
        let step = x.timerFired(budget: &budget, at: at(1000))
        #expect(step.action == .abort)
        #expect(step.ended?.record == .failure(.timeout))
    }

    @Test("a stale pooled connection is retried once on a fresh one to the same instance, keeping the probe slot")
    func staleRace() {
        var budget = roomy
        var x = started(budget: &budget)
        _ = x.picked(.init(instance: 1, isProbe: true), at: t0)
        let step = x.upstreamFailed(.closedBeforeResponse, reusedConnection: true, budget: &budget, at: at(1))
        #expect(step.action == .connect(fresh: true))
        #expect(step.ended?.record == nil)
        #expect(step.ended?.releasesProbe == false)
        #expect(x.attempt?.instance == 1)
        #expect(x.attempt?.isProbe == true)
        #expect(x.attempts == 1)
        // The fresh connection failing the same way is a real failure, not another stale race.
        let again = x.upstreamFailed(.closedBeforeResponse, reusedConnection: false, budget: &budget, at: at(2))
        #expect(again.action == .respond(.upstreamUnavailable))
        #expect(again.ended?.record == .failure(.protocolError))
        #expect(again.ended?.isProbe == true)
    }

    @Test("probe admission: a closed breaker takes traffic, a half-open one a probe, an open one only under static or the max_ejected cap")
    func probeAdmission() {
        var slots = 1
        let acquire = { () -> Bool in if slots > 0 { slots -= 1; return true }; return false }
        #expect(InstancePicker.admission(breaker: .closed, readmittedByCap: false, supplier: .cooldown, acquireProbe: acquire) == .ordinary)
        #expect(InstancePicker.admission(breaker: .halfOpen, readmittedByCap: false, supplier: .cooldown, acquireProbe: acquire) == .probe)
        #expect(InstancePicker.admission(breaker: .halfOpen, readmittedByCap: false, supplier: .cooldown, acquireProbe: acquire) == .refused)
        #expect(InstancePicker.admission(breaker: .open, readmittedByCap: false, supplier: .cooldown, acquireProbe: acquire) == .refused)
        #expect(InstancePicker.admission(breaker: .open, readmittedByCap: true, supplier: .cooldown, acquireProbe: acquire) == .ordinary)
        #expect(InstancePicker.admission(breaker: .open, readmittedByCap: false, supplier: .static, acquireProbe: acquire) == .ordinary)
    }

    @Test("the picker skips refused candidates and gives up when the selector runs out")
    func pickerAccept() {
        let order = [2, 0, 1]
        let select = { (tried: TriedInstances) -> Int? in order.first { !tried.contains($0) } }
        let pick = InstancePicker.pick(excluding: TriedInstances(), select: select) { $0 == 2 ? .refused : .probe }
        #expect(pick == .init(instance: 0, isProbe: true))
        #expect(InstancePicker.pick(excluding: TriedInstances([1]), select: select) { _ in .refused } == nil)
    }

    @Test("an abandoned probe gives its slot back and records nothing")
    func abandonedProbe() {
        var budget = roomy
        var x = started(budget: &budget)
        _ = x.picked(.init(instance: 0, isProbe: true), at: t0)
        let ended = x.abandon()
        #expect(ended?.releasesProbe == true)
        #expect(ended?.record == nil)
        #expect(run { x.abandon() } == nil)
    }

    @Test("a broken response is a 502 while the client saw nothing of it, an abort after")
    func brokenResponse() {
        var budget = roomy
        var x = started(budget: &budget)
        _ = x.picked(.init(instance: 0, isProbe: false), at: t0)
        _ = x.responseHead(status: 200, budget: &budget, at: at(1))
        #expect(run { x.responseBroken(clientSawBytes: false) }.action == .respond(.upstreamUnavailable))
        var y = started(budget: &budget)
        _ = y.picked(.init(instance: 0, isProbe: false), at: t0)
        _ = y.responseHead(status: 200, budget: &budget, at: at(1))
        let step = y.responseBroken(clientSawBytes: true)
        #expect(step.action == .abort)
        #expect(step.ended?.record == .failure(.protocolError))
    }

    @Test("a retry the budget refuses leaves the failure as the answer, and is counted")
    func budgetRefusal() {
        var budget = RetryBudget(ratio: 0, minPerSecond: 0)
        var x = started(budget: &budget)
        _ = x.picked(.init(instance: 0, isProbe: false), at: t0)
        let step = x.upstreamFailed(.connectFailed, reusedConnection: false, budget: &budget, at: at(1))
        #expect(step.action == .respond(.upstreamUnavailable))
        #expect(x.budgetRefusals == 1)
        #expect(budget.refused == 1)
    }

    @Test("only a request its first instance answered below 500 deposits into the retry budget")
    func budgetDeposits() {
        var budget = RetryBudget(ratio: 1, minPerSecond: 0)
        var ok = started(budget: &budget)
        _ = ok.picked(.init(instance: 0, isProbe: false), at: t0)
        _ = ok.responseHead(status: 404, budget: &budget, at: at(1))
        #expect(budget.window == (1, 0))
        var failed = started(budget: &budget)
        _ = failed.picked(.init(instance: 0, isProbe: false), at: t0)
        _ = failed.responseHead(status: 502, budget: &budget, at: at(1))
        #expect(budget.window == (1, 0))
        var retried = started(budget: &budget)
        _ = retried.picked(.init(instance: 0, isProbe: false), at: t0)
        _ = retried.upstreamFailed(.connectFailed, reusedConnection: false, budget: &budget, at: at(1))
        _ = retried.picked(.init(instance: 1, isProbe: false), at: at(1))
        _ = retried.responseHead(status: 200, budget: &budget, at: at(2))
        #expect(budget.window == (1, 1))
    }
}

/// Calls a mutating method outside `#expect`, whose expansion cannot mutate its operands.
func run<T>(_ body: () -> T) -> T { body() }
