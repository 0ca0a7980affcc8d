import Testing
@testable import SwitchyardCore

@Suite struct BatchExchangeTests {
    static let policy = BatchPolicy(BatchConfig(maxTimeout: .seconds(2), defaultTimeout: .seconds(1),
                                                allowURLs: ["https://api.example.com/v1"]))
    static let t0 = Instant(nanoseconds: 1_000_000_000)

    static func ms(_ n: UInt64) -> Instant { t0.advanced(byNanoseconds: n * 1_000_000) }

    static func request(_ parts: [BatchPart], timeout: Duration? = nil) -> BatchRequest {
        BatchRequest(timeout: timeout, parts: parts)
    }

    static func start(_ r: BatchRequest) -> (BatchExchange, [BatchExchange.Action]) {
        var x = BatchExchange()
        let actions = x.start(r, policy: policy, knowsService: { ["orders", "users"].contains($0) }, at: t0)
        return (x, actions)
    }

    static let ok = BatchPartAnswer(status: 200, body: Array("{}".utf8), instance: "http://10.0.0.1:80")

    @Test("the deadline is min(the client's timeout_ms or default_timeout, max_timeout)", arguments: [
        (nil as Duration?, 1000 as UInt64), (.milliseconds(250), 250), (.seconds(5), 2000), (.seconds(2), 2000),
    ])
    func deadline(_ timeout: Duration?, _ expectedMs: UInt64) {
        let (x, actions) = Self.start(Self.request([BatchPart(target: .service("orders"))], timeout: timeout))
        #expect(x.deadline == Self.ms(expectedMs))
        #expect(actions == [.startPart(index: 0, target: .service("orders"), deadline: Self.ms(expectedMs)),
                            .armTimer(at: Self.ms(expectedMs))])
    }

    @Test("a part's own timeout_ms is capped by the batch deadline, and the timer goes to the earliest")
    func partDeadlines() {
        let parts = [BatchPart(target: .service("orders"), timeout: .milliseconds(100)),
                     BatchPart(target: .service("users"), timeout: .seconds(9)),
                     BatchPart(target: .url("https://api.example.com/v1/x"))]
        let (_, actions) = Self.start(Self.request(parts, timeout: .milliseconds(300)))
        let url = TargetURL(scheme: "https", host: "api.example.com", port: 443, path: "/v1/x")
        #expect(actions == [.startPart(index: 0, target: .service("orders"), deadline: Self.ms(100)),
                            .startPart(index: 1, target: .service("users"), deadline: Self.ms(300)),
                            .startPart(index: 2, target: .url(url), deadline: Self.ms(300)),
                            .armTimer(at: Self.ms(100))])
    }

    @Test("the batch answers when the last part ends, with results in request order")
    func allAnswered() throws {
        var (x, _) = Self.start(Self.request([BatchPart(id: "a", target: .service("orders")),
                                              BatchPart(id: "b", target: .service("users"))]))
        #expect(x.partAnswered(1, Self.ok, at: Self.ms(5)) == [])
        #expect(x.phase == .running && x.runningParts == 1)
        let failure = BatchPartError(.upstreamUnavailable)
        #expect(x.partFailed(0, failure, at: Self.ms(9)) == [.respond])
        #expect(x.phase == .answered)
        #expect(x.results == [BatchPartResult(id: "a", outcome: .error(failure), duration: .milliseconds(9)),
                              BatchPartResult(id: "b", outcome: .answer(Self.ok), duration: .milliseconds(5))])
    }

    @Test("a part past its own deadline becomes upstream_timeout and is cancelled; the others go on")
    func partTimeout() throws {
        var (x, _) = Self.start(Self.request([BatchPart(target: .service("orders"), timeout: .milliseconds(100)),
                                              BatchPart(target: .service("users"))]))
        #expect(x.timerFired(at: Self.ms(50)) == [.armTimer(at: Self.ms(100))])   // early: re-armed
        #expect(x.timerFired(at: Self.ms(101)) == [.cancelPart(index: 0), .armTimer(at: Self.ms(1000))])
        #expect(x.partAnswered(0, Self.ok, at: Self.ms(102)) == [])              // late: ignored
        #expect(x.partAnswered(1, Self.ok, at: Self.ms(400)) == [.respond])
        let results = x.results
        #expect(results[0] == BatchPartResult(id: nil, outcome: .error(BatchPartError(
            code: "upstream_timeout", message: "no answer within 100 ms")), duration: .milliseconds(100)))
        #expect(results[1]?.outcome == .answer(Self.ok))
    }

    @Test("at the batch deadline every running part is cancelled and the batch answers, never later")
    func batchDeadline() throws {
        var (x, _) = Self.start(Self.request([BatchPart(target: .service("orders")), BatchPart(target: .service("users")),
                                              BatchPart(target: .service("orders"))], timeout: .milliseconds(250)))
        _ = x.partAnswered(1, Self.ok, at: Self.ms(10))
        #expect(x.timerFired(at: Self.ms(260)) == [.cancelPart(index: 0), .cancelPart(index: 2), .respond])
        #expect(x.results.map { $0?.duration } == [.milliseconds(250), .milliseconds(10), .milliseconds(250)])
        #expect(x.partAnswered(0, Self.ok, at: Self.ms(261)) == [])
        #expect(x.partFailed(2, BatchPartError(.upstreamUnavailable), at: Self.ms(262)) == [])
        #expect(x.timerFired(at: Self.ms(300)) == [])
        #expect(x.results[0]?.outcome == .error(BatchPartError(code: "upstream_timeout", message: "no answer within 250 ms")))
    }

    @Test("an answer reported at or after its deadline, before the timer, loses to the deadline")
    func answerAtDeadline() {
        var (x, _) = Self.start(Self.request([BatchPart(target: .service("orders"))], timeout: .milliseconds(100)))
        #expect(x.partAnswered(0, Self.ok, at: Self.ms(100)) == [.cancelPart(index: 0), .respond])
        #expect(x.results[0]?.outcome == .error(BatchPartError(code: "upstream_timeout", message: "no answer within 100 ms")))
    }

    @Test("URLs outside allow_urls and unknown services end at once, with nothing started")
    func refusedTargets() {
        var (x, actions) = Self.start(Self.request([BatchPart(id: "u", target: .url("https://evil.io/v1")),
                                                    BatchPart(target: .service("nope")),
                                                    BatchPart(target: .service("orders"))]))
        #expect(actions == [.startPart(index: 2, target: .service("orders"), deadline: Self.ms(1000)),
                            .armTimer(at: Self.ms(1000))])
        #expect(x.partAnswered(0, Self.ok, at: Self.ms(1)) == [])   // never started: ignored
        #expect(x.partAnswered(2, Self.ok, at: Self.ms(3)) == [.respond])
        #expect(x.results[0] == BatchPartResult(id: "u", outcome: .error(.urlNotAllowed(
            "`https://evil.io/v1` is not under any prefix of multiplex.allow_urls")), duration: .zero))
        #expect(x.results[1]?.outcome == .error(BatchPartError(code: "no_route", message: "no service named `nope`")))
    }

    @Test("a batch whose every part is refused answers from start")
    func nothingToRun() {
        let (x, actions) = Self.start(Self.request([BatchPart(target: .url("http://127.0.0.1/"))]))
        #expect(actions == [.respond])
        #expect(x.phase == .answered)
    }

    @Test("a failed address check reported by the shell ends the part as url_not_allowed")
    func addressCheck() {
        var (x, _) = Self.start(Self.request([BatchPart(target: .url("https://api.example.com/v1"))]))
        #expect(x.partFailed(0, .urlNotAllowed("api.example.com resolved to 10.0.0.1"), at: Self.ms(2)) == [.respond])
        #expect(x.results[0]?.outcome == .error(BatchPartError(code: "url_not_allowed",
                                                               message: "api.example.com resolved to 10.0.0.1")))
    }

    @Test("events for unknown indexes and a second start change nothing")
    func strayEvents() {
        var (x, _) = Self.start(Self.request([BatchPart(target: .service("orders"))]))
        #expect(x.partAnswered(7, Self.ok, at: Self.ms(1)) == [])
        #expect(x.partFailed(-1, BatchPartError(.upstreamUnavailable), at: Self.ms(1)) == [])
        #expect(x.start(Self.request([]), policy: Self.policy, knowsService: { _ in true }, at: Self.ms(2)) == [])
        #expect(x.runningParts == 1)
    }
}
