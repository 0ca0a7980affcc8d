import SwitchyardCore

/// A worker's idle keep-alive connections to one instance. Last in, first out: the most recently
/// used connection is the least likely to have been closed by the upstream's idle timeout.
struct UpstreamPool {
    private(set) var idle: [UpstreamConnection] = []
    /// Idle connections kept per instance and worker; more are closed. Large enough that a burst of
    /// concurrent requests does not turn into connection churn once it is over (with 256, 1,000 client
    /// connections through one worker reconnected on most requests); an idle one costs about 5 KiB.
    static let capacity = 1024

    /// Takes the most recently parked connection, if any.
    mutating func acquire() -> UpstreamConnection? {
        guard let c = idle.popLast() else { return nil }
        c.poolSlot = -1
        return c
    }

    /// Parks a connection; false when the pool is full (the caller closes it).
    mutating func park(_ c: UpstreamConnection) -> Bool {
        guard idle.count < Self.capacity else { return false }
        c.poolSlot = idle.count
        idle.append(c)
        return true
    }

    /// Removes a parked connection (it was closed or timed out).
    mutating func remove(_ c: UpstreamConnection) {
        let slot = c.poolSlot
        guard slot >= 0, slot < idle.count, idle[slot] === c else { return }
        idle.swapAt(slot, idle.count - 1)
        idle[slot].poolSlot = slot
        idle.removeLast()
        c.poolSlot = -1
    }

    /// Records the instance's new service position after a reload.
    mutating func renumber(service: Int) {
        for c in idle { c.serviceIndex = service }
    }

    /// Closes every parked connection (reload removed the instance, or shutdown).
    mutating func closeAll() {
        let all = idle
        idle.removeAll()
        for c in all { c.poolSlot = -1; c.close() }
    }
}
