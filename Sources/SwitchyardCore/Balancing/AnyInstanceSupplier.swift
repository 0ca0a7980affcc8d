/// The supplier a service's config names (`supplier:`), as one concrete type; the registry of
/// suppliers. Adding one: a new `InstanceSupplier` type, a `SupplierKind` case, and a case here.
public struct AnyInstanceSupplier: InstanceSupplier, Sendable, Equatable {
    enum Storage: Sendable, Equatable {
        case `static`(StaticSupplier)
        case cooldown(CooldownSupplier)
    }

    var storage: Storage

    /// The supplier this runs.
    public var kind: SupplierKind {
        switch storage {
        case .static: .static
        case .cooldown: .cooldown
        }
    }

    /// `maxEjected` (`circuit_breaker.max_ejected`, 0...1) is used by `cooldown` only.
    public init(kind: SupplierKind, maxEjected: Double) {
        switch kind {
        case .static: storage = .static(StaticSupplier())
        case .cooldown: storage = .cooldown(CooldownSupplier(maxEjected: maxEjected))
        }
    }

    public func refresh(_ eligible: inout EligibleSet, from statuses: [InstanceStatus]) {
        switch storage {
        case .static(let s): s.refresh(&eligible, from: statuses)
        case .cooldown(let s): s.refresh(&eligible, from: statuses)
        }
    }
}
