/// The instances already tried for one request, so a retry picks a different one.
///
/// Indices below 64 live in a bitmask, without allocation; larger indices (services with more than
/// 64 instances) spill into an array, allocated on first use only.
public struct TriedInstances: Sendable, Equatable {
    @usableFromInline var mask: UInt64 = 0
    @usableFromInline var overflow: [Int] = []

    /// No instance tried yet.
    @inlinable public init() {}

    /// A set holding `instances`; handy in tests.
    public init(_ instances: [Int]) {
        for i in instances { insert(i) }
    }

    /// Records instance `instance` (>= 0) as tried; inserting twice is harmless.
    @inlinable public mutating func insert(_ instance: Int) {
        if instance >= 0 && instance < 64 {
            mask |= 1 << UInt64(instance)
        } else if !overflow.contains(instance) {
            overflow.append(instance)
        }
    }

    /// Whether instance `instance` was already tried.
    @inlinable public func contains(_ instance: Int) -> Bool {
        if instance >= 0 && instance < 64 { return mask & (1 << UInt64(instance)) != 0 }
        return !overflow.isEmpty && overflow.contains(instance)
    }

    /// How many distinct instances were tried.
    @inlinable public var count: Int { mask.nonzeroBitCount + overflow.count }

    @inlinable public var isEmpty: Bool { mask == 0 && overflow.isEmpty }

    /// Forgets every instance, keeping any spill storage (for reuse by the next request).
    @inlinable public mutating func removeAll() {
        mask = 0
        if !overflow.isEmpty { overflow.removeAll(keepingCapacity: true) }
    }
}
