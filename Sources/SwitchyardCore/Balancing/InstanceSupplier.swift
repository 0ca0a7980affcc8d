/// Decides which of a service's instances may take traffic now, from their breaker and health status.
///
/// Contract:
/// - `refresh` rebuilds `eligible` in place from `statuses` (one per instance, by instance index),
///   appending admitted indices in ascending order. It reuses the set's storage, so it does not
///   allocate once the set has reached its size, and it is cheap enough to run per request or
///   whenever a status changes.
/// - Suppliers only read: they never change breaker or health state (half-open probe accounting
///   belongs to the breaker, which the proxy tells when it sends a probe).
///
/// Adding a supplier: one new type conforming to this protocol, one `SupplierKind` case (the config
/// name) and one case in `AnyInstanceSupplier` (the registry).
public protocol InstanceSupplier {
    func refresh(_ eligible: inout EligibleSet, from statuses: [InstanceStatus])
}
