/// What a reload does, decided from the running configuration and the next one alone: which
/// instances keep their state object, which carry their state over from another place, which start
/// fresh, which listen addresses open and close, and which settings wait for a restart. The
/// supervisor executes it (`ProxyState`, `Worker.apply`, the listeners, the warnings).
///
/// An instance is identified by its URL (SPEC section 2): wherever it appears in the next file, it
/// keeps its window, breaker and health history.
public struct ReloadPlan: Sendable, Equatable {
    /// What happens to one instance of the next configuration.
    public enum Fate: Sendable, Equatable {
        /// Same service, same position, same settings: the very same state (and its pooled
        /// connections) is kept. `reconfigureBreaker` when the service's breaker settings changed.
        case kept(service: Int, index: Int, reconfigureBreaker: Bool)
        /// The URL ran elsewhere (another service or position, or other settings): a new state object
        /// starts from a copy of that one's breaker, window and health verdict.
        case moved(service: Int, index: Int)
        /// A URL the running configuration does not have.
        case new
    }

    /// `fates[s][i]`: the fate of instance `i` of the next configuration's service `s`.
    public var fates: [[Fate]]
    /// URLs of the running configuration that the next one does not list (their pools close).
    public var removedURLs: [String]
    public var listenAdded: [ListenAddress]
    public var listenRemoved: [ListenAddress]
    /// Settings that keep their running value until a restart (each one logged as a warning).
    public var restartOnly: [RestartOnlyChange]

    /// The plan from `running` to `next`. Restart-only settings are compared with `process`, the
    /// configuration the process started with (by default `running`), so their warning repeats on
    /// every reload until a restart. `runningWorkers` and `requestedWorkers` are thread counts
    /// (`workers: auto` resolved by the caller).
    public init(running: Config, next: Config, process: Config? = nil, runningWorkers: Int, requestedWorkers: Int) {
        var firstPlace: [String: (Int, Int)] = [:]
        var runningByName: [String: Int] = [:]
        for (s, service) in running.services.enumerated() {
            runningByName[service.name] = s
            for (i, instance) in service.instances.enumerated() where firstPlace[instance.url.description] == nil {
                firstPlace[instance.url.description] = (s, i)
            }
        }
        var listed = Set<String>()
        fates = next.services.map { service in
            let old = runningByName[service.name]
            return service.instances.enumerated().map { i, instance in
                let url = instance.url.description
                listed.insert(url)
                if let s = old, i < running.services[s].instances.count, running.services[s].instances[i] == instance {
                    return .kept(service: s, index: i,
                                 reconfigureBreaker: running.services[s].circuitBreaker != service.circuitBreaker)
                }
                if let (s, j) = firstPlace[url] { return .moved(service: s, index: j) }
                return .new
            }
        }
        var removed: [String] = []
        for service in running.services {
            for instance in service.instances where !listed.contains(instance.url.description)
                && !removed.contains(instance.url.description) {
                removed.append(instance.url.description)
            }
        }
        removedURLs = removed
        listenAdded = next.listen.filter { !running.listen.contains($0) }
        listenRemoved = running.listen.filter { !next.listen.contains($0) }
        restartOnly = RestartOnlyChange.changes(from: process ?? running, to: next, runningWorkers: runningWorkers,
                                                requestedWorkers: requestedWorkers)
    }

    /// The fate of every instance when there is no running configuration (the first load).
    public init(first next: Config) {
        fates = next.services.map { Array(repeating: .new, count: $0.instances.count) }
        removedURLs = []
        listenAdded = next.listen
        listenRemoved = []
        restartOnly = []
    }

    /// The instance of the running configuration whose state object `next`'s instance keeps, if any.
    public func keptPosition(service s: Int, instance i: Int) -> (service: Int, index: Int)? {
        if case .kept(let os, let oi, _) = fates[s][i] { return (os, oi) }
        return nil
    }
}
