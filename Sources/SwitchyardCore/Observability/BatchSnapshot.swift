/// The batch endpoint's counters in a `ProxySnapshot` (nil there when `multiplex:` is off).
public struct BatchSnapshot: Sendable, Equatable {
    /// Batches started (their request parsed).
    public var batches: Int
    /// Batches refused with a 400.
    public var refused: Int
    /// Parts by how they ended: `answered`, `cached`, or an error code; every outcome listed.
    public var parts: [PartCount]

    public struct PartCount: Sendable, Equatable {
        public var outcome: String
        public var count: Int
        public init(outcome: String, count: Int) {
            self.outcome = outcome
            self.count = count
        }
    }

    public init(batches: Int, refused: Int, parts: [PartCount]) {
        self.batches = batches
        self.refused = refused
        self.parts = parts
    }
}

/// A service's batch-part cache in a `ServiceSnapshot` (nil there without `cache:`).
public struct CacheSnapshot: Sendable, Equatable {
    public var hits: Int
    public var misses: Int
    /// Answers stored (those `Cache-Control` and the status allowed).
    public var stores: Int
    /// Entries held now (expired ones included until looked up or evicted).
    public var entries: Int
    public var maxEntries: Int

    public init(hits: Int, misses: Int, stores: Int, entries: Int, maxEntries: Int) {
        self.hits = hits
        self.misses = misses
        self.stores = stores
        self.entries = entries
        self.maxEntries = maxEntries
    }
}
