import SwitchyardCore

/// A batch request (`POST multiplex.path`, SPEC section 8) on a client connection: parse it, run it
/// (`BatchRun`), and write its one answer; or refuse it with a 400 naming the rule.
extension ClientConnection {
    /// The batch's body is complete: parse it and start its parts.
    func startBatch() {
        guard let policy = state.batchPolicy else { return }
        phase = .forwarding
        exchange = ProxyExchange()
        // The batch's own deadline bounds the wait; the client's timer has nothing to do meanwhile.
        loop.cancelWakeUp(self)
        let bytes = withBody { Array($0) }
        switch BatchRequest.parse(bytes, limits: policy.limits) {
        case .failure(let error):
            state.batchCounters.refused.add(1, ordering: .relaxed)
            let before = output.readableCount
            requestID.withUnsafeBytes { rid in
                BatchResponseWriter.write(error, requestID: rid, keepAlive: keepAlive, into: &output)
            }
            bytesOut += output.readableCount - before
            logAccess(status: error.status, error: .badRequest)
            finishRequest()
        case .success(let request):
            let run = BatchRun(client: self, state: state, views: views, request: request, bytes: bytes,
                               requestID: requestID, peer: peer)
            batch = run
            run.start()
        }
    }

    /// The batch answered: a 200 with every part's result, in request order.
    func batchAnswered(_ run: BatchRun, body: borrowing ByteBuffer) {
        guard run === batch else { return }
        batch = nil
        loop.callAtTurnEnd(run)   // its stack is below us: it goes at the end of the turn
        if context.draining { keepAlive = false }
        let before = output.readableCount
        let keep = keepAlive, version = head.version
        body.withReadableBytes { b in
            requestID.withUnsafeBytes { rid in
                BatchResponseWriter.writeAnswer(b, requestID: rid, keepAlive: keep, clientVersion: version, into: &output)
            }
        }
        bytesOut += output.readableCount - before
        logAccess(status: 200, error: nil)
        finishRequest()
    }

    /// The client connection closes while its batch runs: every part stops.
    func abandonBatch() {
        guard let run = batch else { return }
        batch = nil
        loop.callAtTurnEnd(run)
        run.abandon()
    }
}
