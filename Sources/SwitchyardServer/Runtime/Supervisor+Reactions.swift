import SwitchyardCore

/// Where the events of reactions come from (SPEC section 9), all handled on the control loop:
/// health transitions (already here), breaker transitions (made on the workers and forwarded), and
/// the service availability that either can change.
extension Supervisor {
    /// Forwards breaker transitions from the workers to the control loop: a task on its queue (a
    /// mutex held for an append, one eventfd write at most), so a worker never waits for a reaction.
    func observeBreakers() {
        let ref = self.ref
        log.observeBreakers { instance, transition in
            ref.handle.execute { ref.supervisor?.breakerChanged(instance, transition) }
        }
    }

    /// A breaker changed phase: `breaker_open` and `breaker_closed` events; a change to half-open
    /// only moves the service's availability. An instance a reload has removed since is ignored.
    func breakerChanged(_ instance: InstanceState, _ t: BreakerTransition) {
        guard let service = state.services.first(where: { s in s.instances.contains { $0 === instance } }) else { return }
        let kind: ReactionEvent.Kind? = switch t.to {
        case .open: .breakerOpen
        case .closed: .breakerClosed
        case .halfOpen: nil
        }
        emit(kind, service, instance: instance.label, reason: "breaker \(t.from.rawValue) -> \(t.to.rawValue): \(t.reason)", at: t.at)
    }

    /// A health verdict changed: `instance_down` when it went unhealthy, `instance_up` when it came
    /// back from unhealthy. The first verdict after start (unknown -> healthy) is no event.
    func healthChanged(_ instance: InstanceState, of service: ServiceState, _ t: HealthTransition) {
        let kind: ReactionEvent.Kind? = switch (t.from, t.to) {
        case (_, .unhealthy): .instanceDown
        case (.unhealthy, .healthy): .instanceUp
        default: nil
        }
        emit(kind, service, instance: instance.label, reason: "health \(t.from.rawValue) -> \(t.to.rawValue): \(t.reason)", at: t.at)
    }

    /// Runs the reactions of an instance event (when `kind` is one), then of the service's
    /// availability if the change made it go or come back.
    private func emit(_ kind: ReactionEvent.Kind?, _ service: ServiceState, instance: String, reason: String, at: Instant) {
        let now = MonotonicClock.now()
        let unixMs = WallClock.nowUnixMs() - max(0, Int(now.nanoseconds(since: at) / 1_000_000))
        let (counts, eligible) = Self.states(service, at: now)
        let name = service.config.name
        if let kind {
            reactions.handle(ReactionEvent(kind: kind, service: name, instance: instance, reason: reason, timeUnixMs: unixMs,
                                           counts: counts))
        }
        guard let change = availability.update(service: name, eligible: eligible) else { return }
        let what = change == .serviceUnavailable ? "no instance can take traffic" : "an instance can take traffic again"
        reactions.handle(ReactionEvent(kind: change, service: name, instance: nil, reason: "\(what) (\(instance): \(reason))",
                                       timeUnixMs: unixMs, counts: counts))
    }

    /// The service's instances by state as `/stats` names them (an open or half-open breaker first,
    /// then the health verdict; an instance not checked, or not yet, counts as healthy), and how
    /// many the workers' eligible set holds: the supplier's choice (the `max_ejected` cap included)
    /// settled by `Eligibility`, as `ServiceView` computes it. Zero means requests get 503.
    static func states(_ service: ServiceState, at now: Instant) -> (ReactionEvent.StateCounts, eligible: Int) {
        var c = ReactionEvent.StateCounts()
        var statuses: [InstanceStatus] = []
        for instance in service.instances {
            var status = instance.shared.withLock { $0.breaker.status(at: now) }
            status.health = instance.health
            status.awaitsFirstCheck = instance.isPending
            statuses.append(status)
            switch status.breaker {
            case .open: c.open += 1
            case .halfOpen: c.halfOpen += 1
            case .closed where status.health == .unhealthy: c.unhealthy += 1
            case .closed: c.healthy += 1
            }
        }
        var eligible = EligibleSet()
        var readmitted = Array(repeating: false, count: statuses.count)
        let config = service.config
        AnyInstanceSupplier(kind: config.supplier, maxEjected: config.circuitBreaker.maxEjected).refresh(&eligible, from: statuses)
        Eligibility.settle(&eligible, statuses: statuses, supplier: config.supplier, readmitted: &readmitted)
        return (c, eligible.count)
    }
}
