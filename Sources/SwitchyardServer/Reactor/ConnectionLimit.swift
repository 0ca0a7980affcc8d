import Synchronization

/// A cap on open client connections, shared by the acceptors of all workers.
///
/// An acceptor takes a permit before each `accept`; whoever closes the connection gives it back
/// with `release()` (from any thread). Lock-free: one atomic compare-and-swap per connection.
public final class ConnectionLimit: Sendable {
    /// The most connections open at once.
    public let maximum: Int
    private let current = Atomic<Int>(0)

    /// A limit of `maximum` connections (at least 1).
    public init(maximum: Int) {
        self.maximum = max(1, maximum)
    }

    /// Takes a permit; false when `maximum` are already taken.
    public func tryAcquire() -> Bool {
        var seen = current.load(ordering: .relaxed)
        while seen < maximum {
            let (exchanged, original) = current.compareExchange(
                expected: seen, desired: seen + 1, ordering: .acquiringAndReleasing)
            if exchanged { return true }
            seen = original
        }
        return false
    }

    /// Returns a permit taken with `tryAcquire`.
    public func release() {
        let before = current.subtract(1, ordering: .acquiringAndReleasing).oldValue
        precondition(before > 0, "ConnectionLimit released more than acquired")
    }

    /// Connections currently counted.
    public var count: Int { current.load(ordering: .relaxed) }

    /// Whether a `tryAcquire` would succeed right now.
    public var hasCapacity: Bool { count < maximum }
}
