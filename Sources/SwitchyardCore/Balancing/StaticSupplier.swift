/// `static`: every configured instance takes traffic, whatever its breaker or health says.
public struct StaticSupplier: InstanceSupplier, Sendable, Equatable {
    public init() {}

    public func refresh(_ eligible: inout EligibleSet, from statuses: [InstanceStatus]) {
        eligible.removeAll()
        for i in statuses.indices { eligible.append(i) }
    }
}
