import Synchronization

/// A cap on open client connections, shared by the acceptors of all workers.
///
/// An acceptor takes a permit before each `accept`; whoever closes the connection gives it back
/// with `release()` (from any thread). Lock-free: one atomic compare-and-swap per connection.
/// The cap may change while connections are open (`setMaximum`, on reload): lowering it below the
/// current count closes nothing, it only refuses permits until enough connections have closed.
public final class ConnectionLimit: Sendable {
    private let current = Atomic<Int>(0)
    private let cap: Atomic<Int>

    /// A limit of `maximum` connections (at least 1).
    public init(maximum: Int) {
        cap = Atomic(max(1, maximum))
    }

    /// The most connections open at once.
    public var maximum: Int { cap.load(ordering: .relaxed) }

    /// Changes the cap (at least 1); callable from any thread. Permits already taken stay valid.
    /// Acceptors held back by the old cap notice a higher one at their next poll, or at once
    /// through `Acceptor.limitReleased()`.
    public func setMaximum(_ maximum: Int) {
        cap.store(max(1, maximum), ordering: .relaxed)
    }

    /// Takes a permit; false when `maximum` are already taken.
    public func tryAcquire() -> Bool {
        let maximum = self.maximum
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
