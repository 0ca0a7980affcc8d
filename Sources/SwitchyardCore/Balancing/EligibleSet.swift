/// The instances a supplier admits right now, as indices into the service's instance array, in
/// ascending order.
///
/// Suppliers rebuild it in place (`removeAll()` then `append(_:)`), keeping the storage, so a refresh
/// does not allocate once the set has reached its largest size. Selectors only read it.
public struct EligibleSet: RandomAccessCollection, Sendable, Equatable {
    @usableFromInline var storage: [Int]

    /// An empty set with room for `capacity` instances.
    public init(capacity: Int = 0) {
        storage = []
        storage.reserveCapacity(capacity)
    }

    /// A set holding exactly `indices` (in the given order); handy in tests.
    public init(_ indices: [Int]) { storage = indices }

    /// Every instance of a service with `count` instances: `0..<count`.
    public init(all count: Int) {
        storage = Array(0..<Swift.max(0, count))
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { storage.count }
    @inlinable public var count: Int { storage.count }
    @inlinable public var isEmpty: Bool { storage.isEmpty }

    /// The instance index at `position` (`0..<count`).
    @inlinable public subscript(position: Int) -> Int { storage[position] }

    /// Whether instance `instance` is admitted. Linear: services have few instances.
    @inlinable public func contains(_ instance: Int) -> Bool {
        for i in storage where i == instance { return true }
        return false
    }

    /// Empties the set, keeping its storage for the next refresh.
    @inlinable public mutating func removeAll() { storage.removeAll(keepingCapacity: true) }

    /// Admits instance `instance`; suppliers append in ascending order.
    @inlinable public mutating func append(_ instance: Int) { storage.append(instance) }

    /// The storage's current capacity; lets tests check a refresh reused it.
    public var capacity: Int { storage.capacity }
}
