/// One service's cache of batch part answers (`services[].cache`): at most `capacity` entries, the
/// least recently used evicted first, each kept until its expiry. Pure: the caller passes the time.
///
/// The key is the part's method, path and exact body bytes (the service is the cache's own): the
/// dictionary hashes them (Swift's seeded SipHash) and compares them whole, so two different
/// requests never share an answer, whatever their digests.
public struct ResponseCache<Value: Sendable>: Sendable {
    public struct Key: Hashable, Sendable {
        public var method: String
        public var path: String
        public var body: [UInt8]
        public init(method: String, path: String, body: [UInt8]) {
            self.method = method
            self.path = path
            self.body = body
        }
    }

    private struct Entry: Sendable {
        var key: Key
        var value: Value?
        var expires: Instant
        var newer: Int
        var older: Int
    }

    public let capacity: Int
    private var slots: [Key: Int] = [:]
    private var entries: [Entry] = []
    private var free: [Int] = []
    /// Most and least recently used slots (-1: none).
    private var newest = -1
    private var oldest = -1

    public init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    /// Entries held (expired ones included until looked up or evicted).
    public var count: Int { slots.count }

    /// The fresh answer for `key`, made the most recently used; an expired one is dropped.
    public mutating func lookup(_ key: Key, at now: Instant) -> Value? {
        guard let slot = slots[key] else { return nil }
        guard now < entries[slot].expires else {
            remove(slot)
            return nil
        }
        unlink(slot)
        linkNewest(slot)
        return entries[slot].value
    }

    /// Keeps `value` for `key` until `expires`, evicting the least recently used entry when full.
    public mutating func store(_ key: Key, _ value: Value, expires: Instant) {
        if let slot = slots[key] {
            entries[slot].value = value
            entries[slot].expires = expires
            unlink(slot)
            linkNewest(slot)
            return
        }
        if slots.count >= capacity, oldest >= 0 { remove(oldest) }
        let entry = Entry(key: key, value: value, expires: expires, newer: -1, older: -1)
        let slot: Int
        if let f = free.popLast() {
            entries[f] = entry
            slot = f
        } else {
            entries.append(entry)
            slot = entries.count - 1
        }
        slots[key] = slot
        linkNewest(slot)
    }

    /// The keys from most to least recently used (for tests and `/dump`).
    public var keysByRecency: [Key] {
        var keys: [Key] = []
        var s = newest
        while s >= 0 {
            keys.append(entries[s].key)
            s = entries[s].older
        }
        return keys
    }

    private mutating func remove(_ slot: Int) {
        unlink(slot)
        slots[entries[slot].key] = nil
        // Drop the value and key bytes now rather than when the slot is reused.
        entries[slot].key = Key(method: "", path: "", body: [])
        entries[slot].value = nil
        free.append(slot)
    }

    private mutating func unlink(_ slot: Int) {
        let (newer, older) = (entries[slot].newer, entries[slot].older)
        if newer >= 0 { entries[newer].older = older } else { newest = older }
        if older >= 0 { entries[older].newer = newer } else { oldest = newer }
        entries[slot].newer = -1
        entries[slot].older = -1
    }

    private mutating func linkNewest(_ slot: Int) {
        entries[slot].older = newest
        entries[slot].newer = -1
        if newest >= 0 { entries[newest].newer = slot }
        newest = slot
        if oldest < 0 { oldest = slot }
    }
}
