/// How many retries one worker may send for one service: a token budget over a 10 s window, in the
/// manner of Finagle's `RetryBudget` and gRPC's retry throttling.
///
/// Every request that the first instance it went to answered (a status below 500) deposits `ratio`
/// of a retry; every retry withdraws one. A retry is allowed while the retries of the last 10 s stay
/// within `ratio` of those answered requests plus a reserve of `minPerSecond` per second. The
/// deposits count the load the answering instances carry, not every request: when one of two
/// instances fails completely, retries add at most `ratio` to the load of the one that is left
/// (1.2 times its normal load at 20%), and when every instance fails, only the reserve is retried,
/// instead of `retries.attempts` times the traffic.
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
    /// Counts of the nine full seconds before the current one (by `second % 10`); the current
    /// second's counts live in `current…` and move into the ring when the clock passes it, so a
    /// request only increments a scalar.
    private var requests: [Int]
    private var retries: [Int]
    /// Sums over the ring (the current second excluded).
    private var ringRequests = 0
    private var ringRetries = 0
    @usableFromInline var currentRequests = 0
    private var currentRetries = 0
    /// Number of the second being counted (`now / 1 s`).
    @usableFromInline var second: UInt64 = 0
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

    /// Counts one request answered by its first instance at `now`.
    @inlinable
    public mutating func deposit(at now: Instant) {
        if now.nanoseconds / Self.bucketNanos > second { advance(to: now) }
        currentRequests += 1
    }

    /// Takes one retry if the budget has room at `now` (and counts it); false counts a refusal.
    public mutating func withdraw(at now: Instant) -> Bool {
        advance(to: now)
        let requestSum = ringRequests + currentRequests, retrySum = ringRetries + currentRetries
        guard Double(retrySum + 1) <= ratio * Double(requestSum) + reserve else {
            refused += 1
            return false
        }
        currentRetries += 1
        allowed += 1
        return true
    }

    /// Requests and retries in the window ending at the last event.
    public var window: (requests: Int, retries: Int) { (ringRequests + currentRequests, ringRetries + currentRetries) }

    /// Moves the current second's counts into the ring and empties the seconds the clock moved past:
    /// the window is the current second and the nine before it.
    @usableFromInline
    mutating func advance(to now: Instant) {
        let s = now.nanoseconds / Self.bucketNanos
        guard s > second else { return }   // the clock never goes back; a stale instant counts in the current second
        let n = UInt64(Self.bucketCount)
        let steps = min(s - second, n)
        // The current second joins the ring at its own slot...
        var slot = Int(second % n)
        ringRequests += currentRequests - requests[slot]
        ringRetries += currentRetries - retries[slot]
        requests[slot] = currentRequests
        retries[slot] = currentRetries
        // ...and the slots of the seconds passed since (the new current one included) are emptied.
        for k in 1 ..< steps + (steps == n ? 0 : 1) {
            slot = Int((second + k) % n)
            ringRequests -= requests[slot]
            ringRetries -= retries[slot]
            requests[slot] = 0
            retries[slot] = 0
        }
        if steps == n {
            // Ten seconds or more passed: nothing of the old window is left.
            for i in 0 ..< Self.bucketCount { requests[i] = 0; retries[i] = 0 }
            ringRequests = 0
            ringRetries = 0
        }
        currentRequests = 0
        currentRetries = 0
        second = s
    }
}
