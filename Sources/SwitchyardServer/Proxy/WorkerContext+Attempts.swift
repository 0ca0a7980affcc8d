import Glibc
import SwitchyardCore

/// What every executor of a `ProxyExchange` on this worker does the same way, whoever asked for the
/// request (a client connection, or a batch's service part): pick an instance, get a connection to
/// it, and release what an ended attempt held.
extension WorkerContext {
    /// Picks an instance with the service's selector and the accept step (probe admission, the static
    /// supplier, the `max_ejected` cap), among the instances of `view`'s snapshot.
    func pick(_ view: ServiceView, excluding tried: TriedInstances, at now: Instant) -> InstancePicker.Pick? {
        view.refreshIfNeeded(now: now, log: log)
        let instances = view.instances
        let supplier = view.supplierKind
        return InstancePicker.pick(excluding: tried, select: { self.select(view, excluding: $0) }) { i in
            InstancePicker.admission(breaker: view.phases[i], readmittedByCap: view.readmitted[i], supplier: supplier) {
                instances[i].shared.withLock { $0.breaker.acquireProbe(at: now) }
            }
        }
    }

    /// A connection for an attempt on `target`: a pooled one unless `fresh` (or the request runs on
    /// an older snapshot than the worker's, whose pools it must not use), else a new one. Counts the
    /// attempt on the instance (in flight, requests).
    func attemptConnection(to target: InstanceState, serviceIndex: Int, fresh: Bool, sameSnapshot: Bool) -> ConnectOutcome {
        target.inFlight.add(1, ordering: .relaxed)
        target.totals.requests.add(1, ordering: .relaxed)
        if !fresh && sameSnapshot, let pooled = pools[serviceIndex][target.index].acquire() {
            pooled.phase = .active
            // Its idle deadline stays armed (a no-op while active) and only moves later when it is
            // parked again: no timer-heap work per request.
            return .connection(pooled)
        }
        return connect(to: target, serviceIndex: sameSnapshot ? serviceIndex : -1)
    }

    /// Releases what an ended attempt held: the in-flight count, the instance's verdict (or its probe
    /// slot), its totals, and the upstream connection `u` (parked when reusable and the request ran
    /// on the current snapshot, closed otherwise; its owner already let go of it).
    func release(_ ended: Attempt.End, _ view: ServiceView, upstream u: UpstreamConnection?, serviceIndex: Int,
                 sameSnapshot: Bool) {
        let target = view.instances[ended.instance]
        target.inFlight.subtract(1, ordering: .relaxed)
        switch ended.failure {
        case .connectFailed: target.totals.connectFailures.add(1, ordering: .relaxed)
        case .timedOut: target.totals.timeouts.add(1, ordering: .relaxed)
        case .malformedResponse, .closedBeforeResponse, .closedMidResponse: target.totals.protocolErrors.add(1, ordering: .relaxed)
        case nil: break
        }
        if ended.status > 0 { target.totals.countStatus(ended.status) }
        if let outcome = ended.record {
            record(outcome, on: target, isProbe: ended.isProbe, since: ended.start)
        } else if ended.releasesProbe {
            target.shared.withLock { $0.breaker.releaseProbe() }
        }
        guard let u else { return }
        // A reload since the request started renumbered the pools: then the connection is not parked.
        if ended.parksConnection && !draining && sameSnapshot && pools[serviceIndex][ended.instance].park(u) {
            u.phase = .idle
            u.setInterest(.readable)
            loop.wakeUp(u, at: loop.now.advanced(byNanoseconds: state.timeoutNanos.upstreamIdle))
        } else {
            u.close()
        }
    }

    private func record(_ outcome: CallOutcome, on target: InstanceState, isProbe: Bool, since start: Instant) {
        let now = loop.now
        let latency = now.nanoseconds(since: start)
        let transition = target.shared.withLock { shared -> BreakerTransition? in
            shared.latency.record(nanoseconds: latency)
            return shared.breaker.record(outcome, latencyNanoseconds: latency, isProbe: isProbe, at: now)
        }
        if let t = transition {
            log.breaker(instance: target, transition: t)
            target.generation.bump()
        }
    }
}
