/// How many retries one worker may send for one service: Finagle's `RetryBudget` over a 10 s window.
///
/// Every request deposits `ratio` of a retry; every retry withdraws one. A retry is allowed while the
/// retries of the last 10 s stay within `ratio` of the requests of the last 10 s plus a reserve of
/// `minPerSecond` per second (so a quiet service can still retry). When an outage makes every request
/// fail, retries then add at most `ratio` to the load of the instances that are left, instead of
/// multiplying it by `retries.attempts`.
///
/// The window is ten buckets of one second; counts older than 10 s fall out as the clock moves. Each
/// worker keeps its own budget (no lock on the request path), with `1/workers` of the reserve: the
/// workers' budgets add up to the service's.
public struct RetryBudget: Sendable, Equatable {
    public static let bucketCount = 10
    public static let bucketNanos: UInt64 = 1_000_000_000

    /// Share of requests that may be retried, 0...1.
    public let ratio: Double
    /// Retries allowed in any window whatever the request count (`minPerSecond * 10 / workers`).
    public let reserve: Double
    private var requests: [Int]
    private var retries: [Int]
    private var requestSum = 0
    private var retrySum = 0
    /// Number of the second the newest bucket covers (`now / 1 s`).
    private var second: UInt64 = 0
    /// Retries refused since start.
    public private(set) var refused = 0
    /// Retries allowed since start.
    public private(set) var allowed = 0

    public init(ratio: Double, minPerSecond: Int, workers: Int = 1) {
        self.ratio = ratio
        self.reserve = Double(minPerSecond) * Double(Self.bucketCount) / Double(max(workers, 1))
        requests = Array(repeating: 0, count: Self.bucketCount)
        retries = Array(repeating: 0, count: Self.bucketCount)
    }

    public init(_ config: RetryConfig, workers: Int = 1) {
        self.init(ratio: config.budget, minPerSecond: config.minPerSecond, workers: workers)
    }

    /// Counts one request (a first attempt) at `now`.
    public mutating func deposit(at now: Instant) {
        advance(to: now)
        requests[Int(second % UInt64(Self.bucketCount))] += 1
        requestSum += 1
    }

    /// Takes one retry if the budget has room at `now` (and counts it); false counts a refusal.
    public mutating func withdraw(at now: Instant) -> Bool {
        advance(to: now)
        guard Double(retrySum + 1) <= ratio * Double(requestSum) + reserve else {
            refused += 1
            return false
        }
        retries[Int(second % UInt64(Self.bucketCount))] += 1
        retrySum += 1
        allowed += 1
        return true
    }

    /// Requests and retries in the window ending at the last event.
    public var window: (requests: Int, retries: Int) { (requestSum, retrySum) }

    /// Empties the buckets the clock moved past.
    private mutating func advance(to now: Instant) {
        let s = now.nanoseconds / Self.bucketNanos
        guard s != second else { return }
        if s < second { return }   // the clock never goes back; a stale instant counts in the newest bucket
        let steps = min(s - second, UInt64(Self.bucketCount))
        for k in 1 ... steps {
            let b = Int((second + k) % UInt64(Self.bucketCount))
            requestSum -= requests[b]
            retrySum -= retries[b]
            requests[b] = 0
            retries[b] = 0
        }
        second = s
    }
}
