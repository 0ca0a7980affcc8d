/// The decisions of one proxied request, from its complete body to its last response byte, as a state
/// machine: the shell reports each event with the instant it saw, and executes the action returned
/// (Hummingbird's connection state handler, Pingora's phases). No I/O, no clock, no locks here: the
/// shell owns sockets, buffers and the shared breaker; this type decides which instance comes next,
/// when to retry, when time is up and what the client is answered.
///
/// Phases: `idle` -> `start` -> `picking` -> `picked` -> `attempting` -> `responseHead` ->
/// `responding` -> `responseComplete` -> `finished`; a failure or timer in `attempting` goes back to
/// `picking` (retry elsewhere) or `attempting` (stale pooled connection), or ends in an error answer.
///
/// Time: the request-wide `deadline` (`timeouts.response`, from the complete body to the last
/// response byte) and, when `timeouts.attempt` is set, a deadline per attempt inside it. The shell
/// arms one timer at `wakeUpAt` and calls `timerFired(at:)`.
public struct ProxyExchange: Sendable {
    public enum Phase: Sendable, Equatable {
        case idle
        /// The shell is picking an instance (`Action.pick`); `picked` comes next.
        case picking
        /// An attempt is connecting, sending, or waiting for the response head.
        case attempting
        /// The response head was relayed; the body streams.
        case responding
        case finished
    }

    /// What the shell does next.
    public enum Action: Sendable, Equatable {
        /// Pick an instance not in `tried` (`InstancePicker`), then call `picked`.
        case pick
        /// Start `attempt` on its instance: a pooled connection unless `fresh`, then send the request.
        case connect(fresh: Bool)
        /// Relay the response whose head just arrived.
        case relay
        /// Answer the client with this error (nothing of a response was sent).
        case respond(ProxyError)
        /// The response broke after bytes of it reached the client: close the client connection.
        case abort
        /// The response went out completely.
        case finish
        /// Nothing to do (a timer that fired early, an event after the end).
        case none
    }

    /// An action, with the attempt that ended on the way (its `end` says what to release).
    public struct Step: Sendable, Equatable {
        public var ended: Attempt.End?
        public var action: Action
        public init(ended: Attempt.End? = nil, _ action: Action) {
            self.ended = ended
            self.action = action
        }
    }

    // The state, internal so that the per-request steps can be inlined into the shell (the request path
    // runs `start`, `picked`, `responseHead` and `responseComplete` once each); read it through the
    // public accessors below.
    @usableFromInline var _phase: Phase = .idle
    @usableFromInline var _attempt: Attempt?
    @usableFromInline var _tried = TriedInstances()
    @usableFromInline var attemptCount: Int8 = 0
    @usableFromInline var _deadline: Instant = .zero
    @usableFromInline var _attemptDeadline: Instant = .zero
    @usableFromInline var refusedByBudget = false
    @usableFromInline var freshRetryUsed = false
    @usableFromInline var lastError: ProxyError = .upstreamUnavailable
    @usableFromInline var policy = AttemptPolicy(retries: RetryConfig())
    @usableFromInline var instanceCount: Int32 = 0
    @usableFromInline var attemptNanos: UInt64 = 0

    @inlinable public var phase: Phase { _phase }
    /// The running attempt (set from `picked` until it ends).
    @inlinable public var attempt: Attempt? { _attempt }
    /// Instances this request tried (a retry goes elsewhere).
    @inlinable public var tried: TriedInstances { _tried }
    /// Attempts started on distinct instances (a fresh-connection retry is not one more).
    @inlinable public var attempts: Int { Int(attemptCount) }
    /// Request-wide deadline.
    @inlinable public var deadline: Instant { _deadline }
    /// The running attempt's deadline (`deadline` when `timeouts.attempt` is off).
    @inlinable public var attemptDeadline: Instant { _attemptDeadline }
    /// Retries the budget refused for this request (0 or 1).
    @inlinable public var budgetRefusals: Int { refusedByBudget ? 1 : 0 }

    public init() {}

    /// When the shell's timer must fire next.
    @inlinable public var wakeUpAt: Instant { _attemptDeadline }

    /// The request's body is complete and admitted: the exchange starts at `now`.
    /// - Parameters:
    ///   - responseNanos: `timeouts.response`; `attemptNanos`: `timeouts.attempt`, 0 when off.
    @inlinable @inline(__always)
    public mutating func start(policy: AttemptPolicy, instanceCount: Int, responseNanos: UInt64,
                               attemptNanos: UInt64, at now: Instant) -> Action {
        self.policy = policy
        self.instanceCount = Int32(clamping: instanceCount)
        self.attemptNanos = attemptNanos
        _phase = .picking
        _attempt = nil
        _tried.removeAll()
        attemptCount = 0
        freshRetryUsed = false
        refusedByBudget = false
        lastError = .upstreamUnavailable
        _deadline = now.advanced(byNanoseconds: responseNanos)
        _attemptDeadline = _deadline
        return .pick
    }

    /// The picker's answer: an instance (its probe slot taken when `isProbe`), or nil when none is left.
    @inlinable @inline(__always)
    public mutating func picked(_ pick: InstancePicker.Pick?, at now: Instant) -> Action {
        guard phase == .picking else { return .none }
        guard let pick else {
            _phase = .finished
            return .respond(attempts == 0 ? .noHealthyInstance : lastError)
        }
        attemptCount += 1
        _tried.insert(pick.instance)
        begin(Attempt(instance: pick.instance, isProbe: pick.isProbe, start: now, number: attempts), at: now)
        return .connect(fresh: false)
    }

    /// The attempt failed before any byte of its response reached the client.
    /// - Parameters:
    ///   - reusedConnection: it ran on a pooled connection that had served requests before.
    ///   - budget: the service's retry budget on this worker; a retry elsewhere withdraws from it.
    public mutating func upstreamFailed(_ failure: UpstreamFailure, reusedConnection: Bool,
                                        budget: inout RetryBudget, at now: Instant) -> Step {
        guard phase == .attempting, let current = attempt else { return Step(.none) }
        let canTryAnother = _tried.count < Int(instanceCount) && now < _deadline
        let decision = policy.decide(after: failure, attempt: attempts, reusedConnection: reusedConnection,
                                     freshRetryUsed: freshRetryUsed || current.isFreshRetry,
                                     canTryAnother: canTryAnother)
        switch decision {
        case .retryOnFreshConnection:
            // The keep-alive race: the same instance, a new connection, the probe slot kept.
            let ended = current.end(.stale)
            freshRetryUsed = true
            begin(Attempt(instance: current.instance, isProbe: current.isProbe, start: now, number: current.number,
                          isFreshRetry: true), at: now)
            return Step(ended: ended, .connect(fresh: true))
        case .retryElsewhere:
            let ended = current.end(.failed(failure))
            lastError = Self.error(for: failure)
            guard budget.withdraw(at: now) else {
                refusedByBudget = true
                return finish(ended, .respond(lastError))
            }
            _attempt = nil
            _phase = .picking
            return Step(ended: ended, .pick)
        case .fail:
            return finish(current.end(.failed(failure)), .respond(Self.error(for: failure)))
        }
    }

    /// The response head arrived with `status` (interim 1xx heads are the shell's business). A 5xx is
    /// retried elsewhere when `retries.on` lists `5xx`, attempts and time are left and the budget
    /// allows; the shell then closes the upstream connection without relaying anything. A request
    /// answered below 500 by the first instance it went to deposits into the retry budget: retries
    /// are a share of the load the answering instances carry.
    @inlinable @inline(__always)
    public mutating func responseHead(status: Int, budget: inout RetryBudget, at now: Instant) -> Step {
        guard phase == .attempting, let current = attempt else { return Step(.none) }
        if status < 500 && attemptCount == 1 { budget.deposit(at: now) }
        if status >= 500 && policy.retries(on: .status5xx) && attempts < Int(policy.attempts)
            && _tried.count < Int(instanceCount) && now < _deadline {
            if budget.withdraw(at: now) {
                _attempt = nil
                _phase = .picking
                return Step(ended: current.end(.retried5xx(status: status)), .pick)
            }
            refusedByBudget = true
        }
        _phase = .responding
        return Step(.relay)
    }

    /// The last byte of the response went out; `reusable` when the upstream connection may be parked.
    @inlinable @inline(__always)
    public mutating func responseComplete(status: Int, reusable: Bool) -> Step {
        guard phase == .responding, let current = attempt else { return Step(.none) }
        return finish(current.end(.completed(status: status, reusable: reusable)), .finish)
    }

    /// The response broke after its head (bad chunk, early close). `clientSawBytes`: some of it reached
    /// the client, so only closing is left; otherwise the client gets a 502.
    public mutating func responseBroken(clientSawBytes: Bool) -> Step {
        guard phase == .responding || phase == .attempting, let current = attempt else { return Step(.none) }
        return finish(current.end(.failed(.closedMidResponse)),
                      clientSawBytes ? .abort : .respond(.upstreamUnavailable))
    }

    /// The client connection is going away mid-exchange: end the attempt without a verdict.
    public mutating func abandon() -> Attempt.End? {
        guard let current = attempt else { _phase = .finished; return nil }
        return finish(current.end(.abandoned), .none).ended
    }

    /// The shell's timer fired at `now`. An attempt past its own _deadline (not the request's) fails as
    /// `timedOut`, which `retries.on: timeout` may retry elsewhere.
    public mutating func timerFired(budget: inout RetryBudget, at now: Instant) -> Step {
        guard now >= _attemptDeadline, let current = attempt else { return Step(.none) }
        switch phase {
        case .attempting:
            if now >= _deadline {
                return finish(current.end(.failed(.timedOut)), .respond(.upstreamTimeout))
            }
            // The attempt's own time is up, the request's is not: a retry may follow.
            return upstreamFailed(.timedOut, reusedConnection: false, budget: &budget, at: now)
        case .responding:
            return finish(current.end(.failed(.timedOut)), .abort)
        case .idle, .picking, .finished:
            return Step(.none)
        }
    }

    // MARK: Private

    @inlinable @inline(__always)
    mutating func begin(_ next: Attempt, at now: Instant) {
        _attempt = next
        _phase = .attempting
        _attemptDeadline = attemptNanos > 0 ? min(_deadline, now.advanced(byNanoseconds: attemptNanos)) : _deadline
    }

    @inlinable @inline(__always)
    mutating func finish(_ ended: Attempt.End, _ action: Action) -> Step {
        _attempt = nil
        _phase = .finished
        return Step(ended: ended, action)
    }

    @inlinable
    static func error(for failure: UpstreamFailure) -> ProxyError {
        failure == .timedOut ? .upstreamTimeout : .upstreamUnavailable
    }
}
