/// What a `SlidingWindow` holds at one instant: counts over the last `window`, and latency
/// percentiles from the merged bucket histograms. `/stats` renders it; the breaker decides on it.
public struct WindowSnapshot: Sendable, Equatable {
    public var requests: Int = 0
    /// Every failure, of any kind.
    public var errors: Int = 0
    public var connectErrors: Int = 0
    public var timeouts: Int = 0
    public var status5xx: Int = 0
    public var protocolErrors: Int = 0
    /// Calls slower than the breaker's `slow_call`, successful or not.
    public var slowCalls: Int = 0
    /// Latency percentiles over every call in the window; `.zero` when it is empty, and in
    /// `SlidingWindow.counts(at:)` answers, which skip them.
    public var p50: Duration = .zero
    public var p90: Duration = .zero
    public var p99: Duration = .zero

    public init() {}

    /// `errors / requests`, 0 when there were no requests.
    public var errorRate: Double { requests == 0 ? 0 : Double(errors) / Double(requests) }
    /// `slowCalls / requests`, 0 when there were no requests.
    public var slowCallRate: Double { requests == 0 ? 0 : Double(slowCalls) / Double(requests) }
}
