/// One try of a request on one instance: which instance, whether it holds a half-open probe slot, when
/// it started. Its single `end` says everything the shell must release, so no path can forget the
/// in-flight count, the probe slot or the upstream connection.
public struct Attempt: Sendable, Equatable {
    public let start: Instant
    @usableFromInline let index: Int32
    @usableFromInline let ordinal: Int8
    /// The attempt holds one of the half-open breaker's probe slots.
    public let isProbe: Bool
    /// This attempt is the one retry on a fresh connection after a stale pooled one.
    public let isFreshRetry: Bool

    /// The instance's index in the service the request runs on.
    @inlinable public var instance: Int { Int(index) }
    /// 1-based; a retry on a fresh connection to the same instance keeps the number.
    @inlinable public var number: Int { Int(ordinal) }

    public init(instance: Int, isProbe: Bool, start: Instant, number: Int, isFreshRetry: Bool = false) {
        self.index = Int32(clamping: instance)
        self.isProbe = isProbe
        self.start = start
        self.ordinal = Int8(clamping: number)
        self.isFreshRetry = isFreshRetry
    }

    /// How an attempt ended.
    public enum Outcome: Sendable, Equatable {
        /// The whole response went out; `reusable` when the upstream connection may be parked.
        case completed(status: Int, reusable: Bool)
        /// The attempt failed (counted against the instance).
        case failed(UpstreamFailure)
        /// A 5xx answer that will be retried elsewhere (never reached the client).
        case retried5xx(status: Int)
        /// A pooled connection the upstream had closed before reading the request (the keep-alive
        /// race): not the instance's fault; the probe slot passes to the retry.
        case stale
        /// The client left, or the exchange was dropped: nothing is recorded.
        case abandoned
    }

    /// What the shell releases when the attempt ends: always the in-flight count of `instance`; then
    /// records `record` in the instance's window and breaker (with `isProbe`), or gives the probe slot
    /// back when `releasesProbe`; and parks or closes the upstream connection.
    public struct End: Sendable, Equatable {
        public var instance: Int
        public var record: CallOutcome?
        public var isProbe: Bool
        public var releasesProbe: Bool
        public var parksConnection: Bool
        /// The failure to count in the instance's totals (connect failures, timeouts, protocol errors).
        public var failure: UpstreamFailure?
        /// The response status the instance answered with, to count (0 when none).
        public var status: Int
        public var start: Instant

        @usableFromInline
        init(instance: Int, record: CallOutcome?, isProbe: Bool, releasesProbe: Bool, parksConnection: Bool,
             failure: UpstreamFailure?, status: Int, start: Instant) {
            self.instance = instance
            self.record = record
            self.isProbe = isProbe
            self.releasesProbe = releasesProbe
            self.parksConnection = parksConnection
            self.failure = failure
            self.status = status
            self.start = start
        }
    }

    @inlinable @inline(__always)
    public func end(_ outcome: Outcome) -> End {
        var e = End(instance: instance, record: nil, isProbe: isProbe, releasesProbe: false, parksConnection: false,
                    failure: nil, status: 0, start: start)
        switch outcome {
        case .completed(let status, let reusable):
            e.record = status >= 500 ? .failure(.status5xx) : .success
            e.status = status
            e.parksConnection = reusable
        case .failed(let failure):
            e.failure = failure
            e.record = switch failure {
            case .connectFailed: .failure(.connect)
            case .timedOut: .failure(.timeout)
            case .malformedResponse, .closedBeforeResponse, .closedMidResponse: .failure(.protocolError)
            }
        case .retried5xx(let status):
            e.record = .failure(.status5xx)
            e.status = status
        case .stale:
            e.isProbe = false
        case .abandoned:
            e.releasesProbe = isProbe
        }
        return e
    }
}
