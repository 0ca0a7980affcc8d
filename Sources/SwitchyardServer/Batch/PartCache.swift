import Synchronization
import SwitchyardCore

/// A service's cache of batch part answers (`services[].cache`), shared by the workers, with its
/// counters for `/metrics` and `/stats`. Kept across a reload while the service's `cache` settings stay.
final class PartCache: Sendable {
    let config: CacheConfig
    let entries: Mutex<ResponseCache<BatchPartAnswer>>
    let hits = Atomic<Int>(0)
    let misses = Atomic<Int>(0)
    let stores = Atomic<Int>(0)

    init(_ config: CacheConfig) {
        self.config = config
        entries = Mutex(ResponseCache(capacity: config.maxEntries))
    }

    var count: Int { entries.withLock { $0.count } }
}

extension BatchRun {
    /// A fresh cached answer for service part `index` (marked as a hit), or nil: then the part's key
    /// is kept so that its answer is stored when it comes (`BatchPartRules.cacheKey`: not for every part).
    func lookUp(part index: Int, service s: Int) -> BatchPartAnswer? {
        guard let cache = state.services[s].cache else { return nil }
        guard let key = BatchPartRules.cacheKey(request.parts[index], body: body(of: index)) else { return nil }
        let now = loop.now
        if var hit = cache.entries.withLock({ $0.lookup(key, at: now) }) {
            cache.hits.add(1, ordering: .relaxed)
            hit.cached = true
            return hit
        }
        cache.misses.add(1, ordering: .relaxed)
        setCacheKey(key, part: index)
        return nil
    }

    /// Stores part `index`'s answer for as long as its status and `Cache-Control` allow.
    func store(_ answer: BatchPartAnswer, under key: ResponseCache<BatchPartAnswer>.Key, part index: Int, at now: Instant) {
        guard case .service(let name) = request.parts[index].target, let s = state.serviceIndex[name],
              let cache = state.services[s].cache else { return }
        guard let lifetime = BatchPartRules.cacheLifetime(of: answer, ttl: cache.config.ttl) else { return }
        cache.entries.withLock { $0.store(key, answer, expires: now + lifetime) }
        cache.stores.add(1, ordering: .relaxed)
    }
}
