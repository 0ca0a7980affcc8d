import SwitchyardCore

/// A worker's private view of one service (a class: the request path updates it in place, no copies): its selector state (round robin is exact per worker,
/// SPEC section 1), the eligible set the supplier last produced, and when to recompute it.
final class ServiceView {
    let service: ServiceState
    /// `service.instances`, one hop closer for the request path.
    let instances: [InstanceState]
    let attemptPolicy: AttemptPolicy
    let supplierKind: SupplierKind
    var selector: AnyInstanceSelector
    let supplier: AnyInstanceSupplier
    var eligible = EligibleSet()
    /// Phase of each instance's breaker at the last refresh: closed instances need no lock to pick.
    var phases: [BreakerPhase]
    var statuses: [InstanceStatus]
    /// Instances the `max_ejected` cap let back in although they are unavailable: they take ordinary
    /// traffic whatever their breaker says (the cap promised them to the service).
    var readmitted: [Bool]
    /// This worker's retry budget for the service.
    var budget: RetryBudget
    var seenGeneration: UInt64 = .max
    /// The earliest moment an open breaker may turn half-open: refresh then even if nothing bumped.
    var refreshAt: Instant = .zero

    init(service: ServiceState, workers: Int = 1) {
        self.service = service
        self.instances = service.instances
        self.attemptPolicy = service.attemptPolicy
        self.supplierKind = service.config.supplier
        selector = AnyInstanceSelector(kind: service.config.balancer, instances: service.config.instances)
        supplier = AnyInstanceSupplier(kind: service.config.supplier, maxEjected: service.config.circuitBreaker.maxEjected)
        phases = Array(repeating: .closed, count: service.instances.count)
        statuses = Array(repeating: InstanceStatus(), count: service.instances.count)
        readmitted = Array(repeating: false, count: service.instances.count)
        budget = RetryBudget(service.config.retries, workers: workers)
    }

    /// Recomputes the eligible set when a transition happened or a cooldown is due. Returns the breaker
    /// transitions that the clock caused (open -> half-open), for the log.
    func refreshIfNeeded(now: Instant, log: ErrorLog) {
        let generation = service.generation.load()
        guard generation != seenGeneration || now >= refreshAt else { return }
        seenGeneration = generation
        var next = Instant(nanoseconds: .max)
        for (i, instance) in service.instances.enumerated() {
            var until: Instant?
            var status = instance.shared.withLock { shared -> InstanceStatus in
                if let t = shared.breaker.tick(at: now) {
                    log.breaker(instance: instance, transition: t)
                    instance.generation.bump()
                }
                until = shared.breaker.openUntil
                return shared.breaker.status(at: now)
            }
            status.health = instance.health
            status.awaitsFirstCheck = instance.isPending
            statuses[i] = status
            phases[i] = status.breaker
            if status.breaker == .open, let until, until < next {
                next = until
            }
        }
        refreshAt = next
        supplier.refresh(&eligible, from: statuses)
        Eligibility.settle(&eligible, statuses: statuses, supplier: supplierKind, readmitted: &readmitted)
    }
}
