import SwitchyardCore

/// Health checks as the supervisor runs them: which targets the configuration asks for, and what a
/// round's result does (the verdict of every instance the target stands for, the log, the journal).
extension Supervisor {
    /// One target per distinct instance URL and `health_check` among the services with one, keyed
    /// by the URL (the instance's identity, SPEC section 2): services that list one URL with the same
    /// check share its target, so the instance is checked once and has one verdict and history.
    func makeHealthTargets(_ state: ProxyState) -> [HealthTarget] {
        var targets: [HealthTarget] = []
        var idsByURL: [String: [Int]] = [:]
        healthTargets = [:]
        for service in state.services {
            guard let check = service.config.healthCheck else { continue }
            for instance in service.instances {
                let same = idsByURL[instance.label]?.first { targets[$0].config == check }
                let id = same ?? targets.count
                if same == nil {
                    idsByURL[instance.label, default: []].append(id)
                    targets.append(HealthTarget(id: id, label: instance.label, host: instance.config.url.host,
                                                port: instance.config.url.port, address: instance.address, config: check))
                }
                healthTargets[id, default: HealthTargetUse()].add(instance, of: service)
            }
        }
        return targets
    }

    /// A round's result: the verdict goes to every instance the target stands for; a transition is
    /// logged (a warning when it goes down) and kept in the journal for `/dump`.
    func healthResult(target: HealthTarget, result: HealthCheckResult, transition: HealthTransition?,
                      verdict: HealthVerdict) {
        guard let use = healthTargets[target.id] else { return }
        for instance in use.instances { instance.setHealth(verdict) }
        if let t = transition {
            let level: LogLevel = t.to == .unhealthy ? .warning : .info
            let subject = "health \(use.serviceNames) \(target.label)"
            let line = "\(subject): \(t.from.rawValue) -> \(t.to.rawValue) (\(t.reason))"
            if level == .warning { log.warning(line) } else { log.info(line) }
            log.journal.append(TransitionRecord(at: t.at, subject: subject, from: t.from.rawValue,
                                                to: t.to.rawValue, reason: t.reason))
            for (instance, service) in use.members { healthChanged(instance, of: service, t) }
        }
    }
}

/// The instances one health-check target gives a verdict for (one per service listing its URL with
/// its check), and those services' names for the log.
struct HealthTargetUse {
    /// Each instance with the service that lists it.
    private(set) var members: [(instance: InstanceState, service: ServiceState)] = []

    mutating func add(_ instance: InstanceState, of service: ServiceState) {
        members.append((instance, service))
    }

    var instances: [InstanceState] { members.map(\.instance) }

    /// `orders` or `orders,billing`.
    var serviceNames: String { members.map(\.service.config.name).joined(separator: ",") }
}
