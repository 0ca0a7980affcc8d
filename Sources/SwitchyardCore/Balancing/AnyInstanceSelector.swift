/// The selector a service's config names, as one concrete type: an enum over the built-in selectors,
/// so the hot path switches instead of calling through an existential.
///
/// This is the registry: adding an algorithm means one new `InstanceSelector` type, one
/// `BalancerKind` case, and one case here (in `Storage`, `init(kind:instances:)` and `select`).
public struct AnyInstanceSelector: InstanceSelector, Sendable, Equatable {
    enum Storage: Sendable, Equatable {
        case roundRobin(RoundRobinSelector)
        case random(RandomSelector)
        case priority(PrioritySelector)
        case leastRequests(LeastRequestsSelector)
        /// Held only while a selector is taken out to be mutated, so its arrays stay uniquely
        /// referenced and are not copied.
        case moving
    }

    var storage: Storage

    /// The algorithm this selector runs.
    public let kind: BalancerKind

    /// Builds the selector `kind` for `instances` (weights and priorities by instance index).
    public init(kind: BalancerKind, instances: [InstanceConfig]) {
        self.kind = kind
        let weights = instances.map(\.weight)
        switch kind {
        case .roundRobin: storage = .roundRobin(RoundRobinSelector(weights: weights))
        case .random: storage = .random(RandomSelector(weights: weights))
        case .priority: storage = .priority(PrioritySelector(priorities: instances.map(\.priority), weights: weights))
        case .leastRequests: storage = .leastRequests(LeastRequestsSelector(weights: weights))
        }
    }

    public mutating func select<R: RandomNumberGenerator>(from eligible: EligibleSet, excluding tried: TriedInstances,
                                                          inFlight: (Int) -> Int, using rng: inout R) -> Int? {
        switch storage {
        case .roundRobin(var s):
            storage = .moving
            defer { storage = .roundRobin(s) }
            return s.select(from: eligible, excluding: tried, inFlight: inFlight, using: &rng)
        case .random(var s):
            storage = .moving
            defer { storage = .random(s) }
            return s.select(from: eligible, excluding: tried, inFlight: inFlight, using: &rng)
        case .priority(var s):
            storage = .moving
            defer { storage = .priority(s) }
            return s.select(from: eligible, excluding: tried, inFlight: inFlight, using: &rng)
        case .leastRequests(var s):
            storage = .moving
            defer { storage = .leastRequests(s) }
            return s.select(from: eligible, excluding: tried, inFlight: inFlight, using: &rng)
        case .moving:
            preconditionFailure("AnyInstanceSelector used re-entrantly")
        }
    }
}
