import Glibc
import SwitchyardCore

/// The executor of the request's `ProxyExchange`: every decision is the exchange's; here each action
/// becomes socket work, and each ended attempt releases what it held in one place (`release`).
extension ClientConnection {
    /// The request is admitted and its body complete: start the exchange on the request's service.
    func startExchange() {
        guard let view else { return }
        phase = .forwarding
        let now = loop.now
        let action = exchange.start(policy: view.attemptPolicy, instanceCount: view.instances.count,
                                    responseNanos: state.timeoutNanos.response, attemptNanos: state.timeoutNanos.attempt,
                                    at: now)
        loop.wakeUp(self, at: exchange.wakeUpAt)
        perform(action, view)
    }

    /// Executes one step: first what the ended attempt releases, then the action. `view` is the
    /// request's service view, passed down so that it is retained once per event, not per step.
    private func apply(_ step: ProxyExchange.Step, _ view: ServiceView) {
        if let ended = step.ended {
            release(ended, view)
            if case .pick = step.action { view.service.retryTotals.sent.add(1, ordering: .relaxed) }
        }
        perform(step.action, view)
    }

    private func perform(_ action: ProxyExchange.Action, _ view: ServiceView) {
        switch action {
        case .pick: pick(view)
        case .connect(let fresh): startAttempt(fresh: fresh, view)
        case .relay:
            countBudgetRefusal(view)
            startRelay(view)
        case .respond(let error):
            countBudgetRefusal(view)
            respondError(error, close: !keepAlive)
        case .abort: close()
        case .finish:
            logAccess(status: relay.status, error: nil)
            finishRequest()
        case .none: break
        }
    }

    /// A retry the budget refused ends the exchange with a relay or an error answer: count it once.
    private func countBudgetRefusal(_ view: ServiceView) {
        if exchange.budgetRefusals > 0 { view.service.retryTotals.refused.add(exchange.budgetRefusals, ordering: .relaxed) }
    }

    private func pick(_ view: ServiceView) {
        let now = loop.now
        perform(exchange.picked(context.pick(view, excluding: exchange.tried, at: now), at: now), view)
    }

    /// Starts the exchange's current attempt: a pooled connection unless `fresh`, then the request.
    private func startAttempt(fresh: Bool, _ view: ServiceView) {
        guard let attempt = exchange.attempt else { return }
        let target = view.instances[attempt.instance]
        lastInstance = target
        lastAttemptStart = attempt.start
        if state.timeoutNanos.attempt > 0 { loop.wakeUp(self, at: exchange.wakeUpAt) }
        // Pools follow the worker's current snapshot: a request on an older one opens its own connection.
        let u: UpstreamConnection
        switch context.attemptConnection(to: target, serviceIndex: serviceIndex, fresh: fresh, sameSnapshot: state === context.state) {
        case .connection(let c): u = c
        case .failed:
            apply(exchange.upstreamFailed(.connectFailed, reusedConnection: false, budget: &view.budget, at: loop.now), view)
            return
        case .localResources(let e):
            // Not the instance's fault: nothing recorded against it.
            if let ended = exchange.abandon() { release(ended, view) }
            context.log.warning("cannot open a connection to \(target.label): \(String(cString: strerror(e))) (not counted against the instance)")
            respondError(.upstreamUnavailable, close: true)
            return
        }
        upstream = u
        u.client = self
        u.input.clear()
        u.output.clear()
        writeUpstreamRequest(into: u)
        if u.phase == .active {
            u.flushRequest()
        } else {
            u.setInterest(.writable)
            loop.wakeUp(u, at: loop.now.advanced(byNanoseconds: state.timeoutNanos.connect))
        }
    }

    private func writeUpstreamRequest(into u: UpstreamConnection) {
        let target = u.instance
        let bodyLength: Int
        if case .chunked = head.framing { bodyLength = body.readableCount } else { bodyLength = requestLength - headLength }
        input.withReadableBytes { bytes in
            target.basePath.withUnsafeBytes { base in
                target.hostHeader.withUnsafeBytes { host in
                    peer.withUnsafeBytes { client in
                        requestID.withUnsafeBytes { rid in
                            UpstreamRequestWriter.write(head: head, from: bytes, basePath: base, upstreamHost: host,
                                                        clientAddress: client, requestID: rid, bodyLength: bodyLength,
                                                        into: &u.output)
                        }
                    }
                }
            }
        }
        withBody { u.output.write($0) }
    }

    /// What the upstream connection carrying this request reports.
    func upstreamEvent(_ u: UpstreamConnection, _ event: UpstreamEvent) {
        guard u === upstream, let view else { u.close(); return }
        switch event {
        case .connected:
            u.flushRequest()
        case .failed(let failure):
            if phase == .responding {
                responseBroken(view)
            } else {
                apply(exchange.upstreamFailed(failure, reusedConnection: u.served > 0, budget: &view.budget, at: loop.now), view)
            }
        case .readable:
            switch u.readResponse() {
            case .done:
                if phase == .forwarding {
                    responseHeadArrived(u, view)
                } else if phase == .responding {
                    pumpResponse(u, view)
                }
            case .wouldBlock:
                return
            case .closed, .failed:
                if phase == .responding {
                    if relay.upstreamClosed() { pumpResponse(u, view) } else { responseBroken(view) }
                } else {
                    let failure: UpstreamFailure = u.input.isEmpty ? .closedBeforeResponse : .malformedResponse
                    apply(exchange.upstreamFailed(failure, reusedConnection: u.served > 0, budget: &view.budget, at: loop.now), view)
                }
            }
        }
    }

    private func responseHeadArrived(_ u: UpstreamConnection, _ view: ServiceView) {
        switch u.parseResponseHead(requestMethod: head.method) {
        case .needMore:
            return
        case .malformed:
            apply(exchange.upstreamFailed(.malformedResponse, reusedConnection: u.served > 0, budget: &view.budget, at: loop.now), view)
        case .head(let consumed):
            u.served += 1
            u.headLength = consumed
            apply(exchange.responseHead(status: u.responseHead.status, budget: &view.budget, at: loop.now), view)
        }
    }

    /// Writes the rewritten response head to the client and starts relaying the body.
    private func startRelay(_ view: ServiceView) {
        guard let u = upstream else { return }
        if context.draining { keepAlive = false }
        let before = output.readableCount
        let clientVersion = head.version, method = head.method, keep = keepAlive
        let plan = u.input.withReadableBytes { bytes in
            requestID.withUnsafeBytes { rid in
                ClientResponseWriter.write(head: u.responseHead, from: bytes, requestID: rid, clientVersion: clientVersion,
                                           requestMethod: method, keepAlive: keep, into: &output)
            }
        }
        u.input.consume(u.headLength)
        if plan.closesConnection { keepAlive = false }
        relay.begin(plan: plan, status: u.responseHead.status, headLength: output.readableCount - before,
                    upstreamKeepAlive: u.responseHead.keepAlive, limits: state.limits, scanner: &chunked)
        phase = .responding
        pumpResponse(u, view)
    }

    /// Moves response bytes to the client, as many as it takes; ends the exchange with the last one.
    func pumpResponse(_ u: UpstreamConnection, _ view: ServiceView) {
        switch relay.pump(fd: fd, output: &output, input: &u.input, scanner: &chunked, bytesOut: &bytesOut) {
        case .waitingForClient:
            // Backpressure: stop reading the upstream until the client drains.
            u.setInterest([])
            setInterest(.writable)
        case .waitingForUpstream:
            u.setInterest(.readable)
            setInterest(.readable)
        case .complete:
            apply(exchange.responseComplete(status: relay.status, reusable: relay.upstreamKeepAlive && u.input.isEmpty), view)
        case .broken:
            responseBroken(view)
        case .clientGone:
            close()
        }
    }

    /// The upstream response broke after its head: a 502 if nothing of it reached the client (the
    /// rewritten head is taken back), otherwise the client connection closes.
    private func responseBroken(_ view: ServiceView) {
        let sawBytes = relay.clientSawBytes || output.readableCount < relay.headLength
        if !sawBytes { output.removeLast(relay.headLength) }
        apply(exchange.responseBroken(clientSawBytes: sawBytes), view)
    }

    /// The request's timer fired while the exchange runs.
    func exchangeTimerFired(now: Instant) {
        guard let view else { return }
        let step = exchange.timerFired(budget: &view.budget, at: now)
        if step.action == .none && step.ended == nil {
            if exchange.phase == .attempting || exchange.phase == .responding { loop.wakeUp(self, at: exchange.wakeUpAt) }
            return
        }
        apply(step, view)
    }

    /// The client connection closes mid-exchange: the attempt ends without a verdict.
    func abandonExchange() {
        guard let view else { return }
        if let ended = exchange.abandon() { release(ended, view) }
    }

    /// Releases what an ended attempt held (see `WorkerContext.release`), letting go of the upstream
    /// connection.
    private func release(_ ended: Attempt.End, _ view: ServiceView) {
        let u = upstream
        upstream = nil
        u?.client = nil
        context.release(ended, view, upstream: u, serviceIndex: serviceIndex, sameSnapshot: state === context.state)
    }
}
