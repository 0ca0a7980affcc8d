import Glibc
import SwitchyardCore

/// A batch part to a configured service, run through the proxy path on the worker's loop: the
/// service's selector, breaker, retries, budget and pools; the batch cancels the part at its
/// deadline. The decisions are `ProxyExchange`'s, as for a client's request;
/// here each action becomes socket work, and the whole response is collected (`ResponseBodyReader`)
/// instead of streamed, then reported to the batch.
final class ServicePartCall: EventHandler, BatchCall {
    unowned(unsafe) let context: WorkerContext
    unowned(unsafe) let loop: EventLoop
    /// The batch; it outlives its calls (it cancels them before it goes).
    unowned(unsafe) let run: BatchRun
    let index: Int
    let view: ServiceView
    let serviceIndex: Int
    private var exchange = ProxyExchange()
    private var upstream: UpstreamConnection?
    private var reader = ResponseBodyReader(framing: .none, maxBody: 0)
    private var body = ByteBuffer(capacity: 0)
    private var status = 0
    private var headers: [BatchHeader] = []
    private var ended = false
    /// The instance of the last attempt (access log).
    private(set) var lastInstance: InstanceState?

    init(run: BatchRun, index: Int, view: ServiceView, serviceIndex: Int) {
        self.context = run.context
        self.loop = run.context.loop
        self.run = run
        self.index = index
        self.view = view
        self.serviceIndex = serviceIndex
        super.init(fd: -1)
    }

    /// Starts the exchange. Its own limits are the operator's (`timeouts.response`, `timeouts.attempt`):
    /// running past them is the instance's failure, as for any request. The part's deadline is the
    /// client's choice, so the batch's timer enforces it by cancelling the part, which records no
    /// verdict: a client sending short deadlines cannot trip a breaker.
    func start() {
        let now = loop.now
        let action = exchange.start(policy: view.attemptPolicy, instanceCount: view.instances.count,
                                    responseNanos: run.state.timeoutNanos.response, attemptNanos: run.state.timeoutNanos.attempt,
                                    at: now)
        loop.wakeUp(self, at: exchange.wakeUpAt)
        perform(action)
    }

    func cancel() {
        guard !ended else { return }
        ended = true
        loop.cancelWakeUp(self)
        if let e = exchange.abandon() { release(e) }
        // An abandoned attempt never parks its connection, whatever it had read.
        if let u = upstream { upstream = nil; u.part = nil; u.close() }
    }

    // MARK: Executing the exchange

    private func apply(_ step: ProxyExchange.Step) {
        if let e = step.ended {
            release(e)
            if case .pick = step.action { view.service.retryTotals.sent.add(1, ordering: .relaxed) }
        }
        perform(step.action)
    }

    private func perform(_ action: ProxyExchange.Action) {
        switch action {
        case .pick:
            let now = loop.now
            perform(exchange.picked(context.pick(view, excluding: exchange.tried, at: now), at: now))
        case .connect(let fresh):
            startAttempt(fresh: fresh)
        case .relay:
            countBudgetRefusal()
            startCollecting()
        case .respond(let error):
            countBudgetRefusal()
            finish(.error(BatchPartError(error)))
        case .abort:
            finish(.error(BatchPartError(.upstreamUnavailable)))
        case .finish:
            finish(.answer(BatchPartAnswer(status: status, headers: headers, body: body.readableArray(),
                                           instance: lastInstance?.label ?? "")))
        case .none:
            break
        }
    }

    private func countBudgetRefusal() {
        if exchange.budgetRefusals > 0 { view.service.retryTotals.refused.add(exchange.budgetRefusals, ordering: .relaxed) }
    }

    private func startAttempt(fresh: Bool) {
        guard let attempt = exchange.attempt else { return }
        let target = view.instances[attempt.instance]
        lastInstance = target
        if run.state.timeoutNanos.attempt > 0 { loop.wakeUp(self, at: exchange.wakeUpAt) }
        let u: UpstreamConnection
        switch context.attemptConnection(to: target, serviceIndex: serviceIndex, fresh: fresh, sameSnapshot: sameSnapshot) {
        case .connection(let c): u = c
        case .failed:
            apply(exchange.upstreamFailed(.connectFailed, reusedConnection: false, budget: &view.budget, at: loop.now))
            return
        case .localResources(let e):
            if let ended = exchange.abandon() { release(ended) }
            context.log.warning("cannot open a connection to \(target.label): \(String(cString: strerror(e))) (not counted against the instance)")
            finish(.error(BatchPartError(.upstreamUnavailable)))
            return
        }
        upstream = u
        u.part = self
        u.input.clear()
        u.output.clear()
        run.writeRequest(part: index, to: target, into: &u.output)
        if u.phase == .active {
            u.flushRequest()
        } else {
            u.setInterest(.writable)
            loop.wakeUp(u, at: loop.now.advanced(byNanoseconds: run.state.timeoutNanos.connect))
        }
    }

    private var sameSnapshot: Bool { run.state === context.state }

    /// What the upstream connection carrying this part reports.
    func upstreamEvent(_ u: UpstreamConnection, _ event: UpstreamEvent) {
        guard u === upstream, !ended else { u.close(); return }
        switch event {
        case .connected:
            u.flushRequest()
        case .failed(let failure):
            if exchange.phase == .responding {
                apply(exchange.responseBroken(clientSawBytes: false))
            } else {
                apply(exchange.upstreamFailed(failure, reusedConnection: u.served > 0, budget: &view.budget, at: loop.now))
            }
        case .readable:
            let read = u.readResponse()
            switch read {
            case .wouldBlock: return
            case .done, .closed, .failed: break
            }
            let eof: Bool
            if case .done = read { eof = false } else { eof = true }
            if exchange.phase == .responding {
                collect(u, eof: eof)
            } else if !eof {
                headArrived(u)
            } else {
                let failure: UpstreamFailure = u.input.isEmpty ? .closedBeforeResponse : .malformedResponse
                apply(exchange.upstreamFailed(failure, reusedConnection: u.served > 0, budget: &view.budget, at: loop.now))
            }
        }
    }

    private func headArrived(_ u: UpstreamConnection) {
        switch u.parseResponseHead(requestMethod: run.method(of: index)) {
        case .needMore:
            return
        case .malformed:
            apply(exchange.upstreamFailed(.malformedResponse, reusedConnection: u.served > 0, budget: &view.budget, at: loop.now))
        case .head(let consumed):
            u.served += 1
            u.headLength = consumed
            apply(exchange.responseHead(status: u.responseHead.status, budget: &view.budget, at: loop.now))
        }
    }

    /// The exchange relays this response: keep its status and end-to-end fields, then read its body.
    private func startCollecting() {
        guard let u = upstream else { return }
        status = u.responseHead.status
        headers = u.input.withReadableBytes { bytes in
            u.responseHead.headers.filter { BatchPartRules.keepsAnswerHeader($0.kind) }.map { field in
                BatchHeader(String(decoding: field.name.bytes(in: bytes), as: UTF8.self),
                            String(decoding: field.value.bytes(in: bytes), as: UTF8.self))
            }
        }
        reader = ResponseBodyReader(framing: u.responseHead.framing, maxBody: run.maxPartBody)
        u.input.consume(u.headLength)
        collect(u, eof: false)
    }

    private func collect(_ u: UpstreamConnection, eof: Bool) {
        let progress = u.input.withReadableBytes { reader.read($0, into: &body) }
        switch progress {
        case .needMore(let consumed):
            u.input.consume(consumed)
            guard eof else { u.setInterest(.readable); return }
            if reader.endsAtClose {
                apply(exchange.responseComplete(status: status, reusable: false))
            } else {
                apply(exchange.responseBroken(clientSawBytes: false))
            }
        case .done(let consumed):
            u.input.consume(consumed)
            apply(exchange.responseComplete(status: status, reusable: u.responseHead.keepAlive && u.input.isEmpty && !eof))
        case .tooLarge:
            // Not the instance's fault: the attempt ends without a verdict, the connection closes.
            if let e = exchange.abandon() { release(e) }
            finish(.error(.answerTooLarge(maxBody: run.maxPartBody)))
        case .malformed:
            apply(exchange.responseBroken(clientSawBytes: false))
        }
    }

    override func timerFired(now: Instant) {
        guard !ended else { return }
        let step = exchange.timerFired(budget: &view.budget, at: now)
        if step.action == .none && step.ended == nil {
            if exchange.phase == .attempting || exchange.phase == .responding { loop.wakeUp(self, at: exchange.wakeUpAt) }
            return
        }
        apply(step)
    }

    private func release(_ e: Attempt.End) {
        let u = upstream
        upstream = nil
        u?.part = nil
        context.release(e, view, upstream: u, serviceIndex: serviceIndex, sameSnapshot: sameSnapshot)
    }

    private func finish(_ outcome: BatchPartResult.Outcome) {
        guard !ended else { return }
        ended = true
        loop.cancelWakeUp(self)
        run.partEnded(index, outcome, instance: lastInstance?.label, attempts: exchange.attempts)
    }
}
