/// Requests and errors per second of every instance, from the lifetime totals of two snapshots:
/// what the dashboard's `/events` stream shows as `rps` (the window's counts lag by the window's
/// length, the totals' difference over the last tick does not).
///
/// The shell calls `advance(to:)` once per tick (about a second apart) with the snapshot it is about
/// to send; `rate(service:url:)` then answers for the interval between the last two calls. An
/// instance seen for the first time has no rate until the next tick. Pure: time comes from the
/// snapshots' monotonic `now`.
public struct LiveRates: Sendable {
    /// Requests and failed attempts of one instance per second over the last interval.
    public struct Rate: Sendable, Equatable {
        /// Attempts sent to the instance per second.
        public var requestsPerSecond: Double
        /// Failed attempts (5xx, connect failures, timeouts, protocol errors) per second.
        public var errorsPerSecond: Double

        public init(requestsPerSecond: Double, errorsPerSecond: Double) {
            self.requestsPerSecond = requestsPerSecond
            self.errorsPerSecond = errorsPerSecond
        }
    }

    private struct Key: Hashable {
        var service: String
        var url: String
    }

    private struct Counts {
        var requests: Int
        var errors: Int
    }

    private var previous: [Key: Counts] = [:]
    private var previousAt: Instant?
    private var rates: [Key: Rate] = [:]

    public init() {}

    /// Takes `snapshot` as the end of the current interval: rates become the difference of its totals
    /// and those of the previous call, divided by the time between them. A call at the same instant as
    /// the previous one (or earlier) keeps the rates and only records the counts. Counters that went
    /// down (an instance removed and added again by a reload) count from zero.
    public mutating func advance(to snapshot: ProxySnapshot) {
        var current: [Key: Counts] = [:]
        for service in snapshot.services {
            for i in service.instances {
                let t = i.totals
                current[Key(service: service.name, url: i.url)] = Counts(
                    requests: t.requests, errors: t.responses5xx + t.connectFailures + t.timeouts + t.protocolErrors)
            }
        }
        if let previousAt, snapshot.now > previousAt {
            let seconds = Double((snapshot.now - previousAt).nanoseconds) / 1e9
            var next: [Key: Rate] = [:]
            for (key, now) in current {
                guard let before = previous[key] else { continue }
                let requests = now.requests >= before.requests ? now.requests - before.requests : now.requests
                let errors = now.errors >= before.errors ? now.errors - before.errors : now.errors
                next[key] = Rate(requestsPerSecond: Double(requests) / seconds, errorsPerSecond: Double(errors) / seconds)
            }
            rates = next
        }
        previous = current
        previousAt = snapshot.now
    }

    /// Forgets everything (the shell calls it when the first stream opens after a pause, so the first
    /// rate is over one tick, not over the pause).
    public mutating func reset() {
        self = LiveRates()
    }

    /// The rate of `url` in `service` over the last interval; nil before two calls saw the instance.
    public func rate(service: String, url: String) -> Rate? {
        rates[Key(service: service, url: url)]
    }
}
