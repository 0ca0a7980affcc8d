import SwitchyardCore

/// A binary min-heap of (deadline, handler) entries with lazy deletion, owned by one event loop.
///
/// Each handler has at most one *valid* entry: the one whose sequence matches
/// `handler.timerSequence`. Moving a deadline later (the common case: re-arming an idle timeout on
/// every request) pushes nothing; the old, earlier entry is re-pushed with the new deadline when it
/// pops. Moving it earlier or cancelling invalidates the old entry, which is skipped when popped.
/// When invalid entries outnumber valid ones the heap is compacted, so memory stays bounded.
///
/// Each entry holds a manually retained handler (`Unmanaged`), so entries are plain data and
/// sifting them costs no retain/release (it was about 2% of a health checker's thread). An entry's
/// reference is released when it is popped or compacted away, or by `releaseAll`.
struct TimerHeap {
    struct Entry {
        var deadline: UInt64
        var sequence: UInt32
        var handler: Unmanaged<EventHandler>

        /// Whether this is the handler's one valid entry.
        var isValid: Bool { handler._withUnsafeGuaranteedRef { $0.timerSequence } == sequence }
    }

    private(set) var entries: [Entry] = []
    /// Entries known to be invalid (superseded or cancelled) still in `entries`.
    private var invalidCount = 0

    var isEmpty: Bool { entries.isEmpty }
    /// The earliest entry's deadline (possibly an invalid entry: a harmless early wake-up).
    var earliest: UInt64? { entries.first?.deadline }

    /// Sets `h.deadline = at`, pushing an entry only when needed.
    mutating func schedule(_ h: EventHandler, at: Instant) {
        h.deadline = at
        if let queued = h.queuedDeadline {
            if queued <= at { return } // the queued entry pops first and re-pushes for `at`
            invalidate(h)
        }
        push(h, at: at)
    }

    /// The earliest deadline a handler really waits for, the loop's wait timeout. Entries at the
    /// top that were cancelled or superseded are dropped and postponed ones re-queued first (the
    /// work `popExpired` would do when they expire), so the loop does not wake up for them; but only
    /// for entries due before `horizon`. Past it, the top entry's deadline is returned as it is: at
    /// worst one early wake-up, instead of re-queuing every connection's postponed entry on every
    /// turn (proxied requests move their deadlines later each time: that re-queuing was ~1,000
    /// instructions per request, callgrind, 8 connections).
    mutating func nextDeadline(horizon: UInt64 = .max) -> UInt64? {
        while let top = entries.first {
            if top.deadline > horizon { return top.deadline }
            let (valid, want) = top.handler._withUnsafeGuaranteedRef { ($0.timerSequence == top.sequence, $0.deadline) }
            if valid, let want, want.nanoseconds <= top.deadline { return top.deadline }
            let e = removeFirst()
            let h = e.handler.takeRetainedValue()
            if !valid { invalidCount -= 1; continue }
            h.queuedDeadline = nil
            if let want { push(h, at: want) }
        }
        return nil
    }

    /// Clears `h.deadline` and invalidates its queued entry.
    mutating func cancel(_ h: EventHandler) {
        h.deadline = nil
        if h.queuedDeadline != nil { invalidate(h) }
    }

    /// Pops the next handler whose deadline is at or before `now`, or nil.
    /// Invalid entries are dropped; postponed ones are pushed again for their new deadline.
    mutating func popExpired(now: Instant) -> EventHandler? {
        while let top = entries.first, top.deadline <= now.nanoseconds {
            let e = removeFirst()
            let h = e.handler.takeRetainedValue()   // the entry's reference, released after use
            if e.sequence != h.timerSequence { invalidCount -= 1; continue }
            h.queuedDeadline = nil
            guard let want = h.deadline else { continue }
            if want > now { push(h, at: want); continue }
            h.deadline = nil
            return h
        }
        return nil
    }

    private mutating func invalidate(_ h: EventHandler) {
        h.timerSequence &+= 1
        h.queuedDeadline = nil
        invalidCount += 1
        if invalidCount > 1024 && invalidCount > entries.count / 2 { compact() }
    }

    private mutating func push(_ h: EventHandler, at: Instant) {
        h.timerSequence &+= 1
        h.queuedDeadline = at
        entries.append(Entry(deadline: at.nanoseconds, sequence: h.timerSequence, handler: .passRetained(h)))
        siftUp(entries.count - 1)
    }

    /// Drops every entry, releasing their handlers (the owner's deinit).
    mutating func releaseAll() {
        for e in entries { e.handler.release() }
        entries.removeAll()
        invalidCount = 0
    }

    private mutating func removeFirst() -> Entry {
        let first = entries[0]
        let last = entries.removeLast()
        if !entries.isEmpty {
            entries[0] = last
            siftDown(0)
        }
        return first
    }

    /// Drops every invalid entry and rebuilds the heap (O(n), amortised over the invalidations).
    private mutating func compact() {
        entries.removeAll { e in
            if e.isValid { return false }
            e.handler.release()
            return true
        }
        invalidCount = 0
        var i = entries.count / 2
        while i > 0 { i -= 1; siftDown(i) }
    }

    private mutating func siftUp(_ index: Int) {
        var i = index
        while i > 0 {
            let parent = (i - 1) / 2
            if entries[parent].deadline <= entries[i].deadline { break }
            entries.swapAt(parent, i)
            i = parent
        }
    }

    private mutating func siftDown(_ index: Int) {
        var i = index
        let n = entries.count
        while true {
            let l = 2 * i + 1
            if l >= n { return }
            var m = l
            if l + 1 < n && entries[l + 1].deadline < entries[l].deadline { m = l + 1 }
            if entries[i].deadline <= entries[m].deadline { return }
            entries.swapAt(i, m)
            i = m
        }
    }
}
