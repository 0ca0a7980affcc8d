import SwitchyardCore

/// Where the events of reactions come from (SPEC section 9), all handled on the control loop:
/// health transitions (already here), breaker transitions (made on the workers and forwarded), and
/// the service availability that either can change.
extension Supervisor {
    /// Forwards breaker transitions to open and to closed from the workers to the control loop: a
    /// task on its queue (a mutex held for an append, one eventfd write at most), so a worker never
    /// waits for a reaction.
    func observeBreakers() {
        let ref = self.ref
        log.observeBreakers { instance, transition in
            guard transition.to == .open || transition.to == .closed else { return }
            ref.handle.execute { ref.supervisor?.breakerChanged(instance, transition) }
        }
    }

    /// A breaker opened or closed; an instance a reload has removed since is ignored.
    func breakerChanged(_ instance: InstanceState, _ t: BreakerTransition) {
        guard let service = state.services.first(where: { s in s.instances.contains { $0 === instance } }) else { return }
        emit(t.to == .open ? .breakerOpen : .breakerClosed, service, instance: instance.label,
             reason: "breaker \(t.from.rawValue) -> \(t.to.rawValue): \(t.reason)", at: t.at)
    }

    /// A health verdict changed: `instance_down` when it went unhealthy, `instance_up` when it came
    /// back from unhealthy. The first verdict after start (unknown -> healthy) is no event.
    func healthChanged(_ instance: InstanceState, of service: ServiceState, _ t: HealthTransition) {
        let kind: ReactionEvent.Kind
        switch (t.from, t.to) {
        case (_, .unhealthy): kind = .instanceDown
        case (.unhealthy, .healthy): kind = .instanceUp
        default: return
        }
        emit(kind, service, instance: instance.label, reason: "health \(t.from.rawValue) -> \(t.to.rawValue): \(t.reason)", at: t.at)
    }

    /// Runs the reactions of an instance event, then of the service's availability if it changed.
    private func emit(_ kind: ReactionEvent.Kind, _ service: ServiceState, instance: String, reason: String, at: Instant) {
        let counts = Self.stateCounts(service)
        let unixMs = WallClock.nowUnixMs() - max(0, Int(MonotonicClock.now().nanoseconds(since: at) / 1_000_000))
        let name = service.config.name
        reactions.handle(ReactionEvent(kind: kind, service: name, instance: instance, reason: reason, timeUnixMs: unixMs,
                                       counts: counts))
        guard let change = availability.update(service: name, eligible: counts.healthy + counts.halfOpen) else { return }
        let what = change == .serviceUnavailable ? "no instance can take traffic" : "an instance can take traffic again"
        reactions.handle(ReactionEvent(kind: change, service: name, instance: nil,
                                       reason: "\(what) (after \(kind.rawValue) of \(instance))", timeUnixMs: unixMs, counts: counts))
    }

    /// The service's instances by state, as `/stats` names them: an open or half-open breaker first,
    /// then the health verdict (an instance not checked, or not yet, counts as healthy).
    static func stateCounts(_ service: ServiceState) -> ReactionEvent.StateCounts {
        var c = ReactionEvent.StateCounts()
        for instance in service.instances {
            switch instance.shared.withLock({ $0.breaker.phase }) {
            case .open: c.open += 1
            case .halfOpen: c.halfOpen += 1
            case .closed where instance.health == .unhealthy: c.unhealthy += 1
            case .closed: c.healthy += 1
            }
        }
        return c
    }
}
