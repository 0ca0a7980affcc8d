/// Picks the instance for one attempt of one request from the instances a supplier admitted.
///
/// Contract:
/// - Returns an instance index that is in `eligible` and not in `tried`, or `nil` when there is none
///   (the proxy then answers 503, or gives up retrying).
/// - `inFlight(i)` is the number of requests currently outstanding on instance `i` (only selectors
///   that balance on load call it).
/// - Randomness comes only from `rng`, so a seeded or scripted generator makes picks reproducible.
/// - Pure and allocation-free: called once per attempt on the event loop. Each worker owns its own
///   selectors, so the state (round-robin positions) is exact per worker and needs no locking.
///
/// Adding an algorithm: write one new type conforming to this protocol, add a case to
/// `BalancerKind` (the config name) and one case to `AnyInstanceSelector` (the registry), which maps
/// the name to the type. Nothing else changes.
public protocol InstanceSelector {
    mutating func select<R: RandomNumberGenerator>(from eligible: EligibleSet, excluding tried: TriedInstances,
                                                   inFlight: (Int) -> Int, using rng: inout R) -> Int?
}
