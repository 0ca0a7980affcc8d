/// The decisions of one batch (SPEC section 8), from its parsed request to its one answer, as a
/// state machine: the shell reports each event with the instant it saw and executes the actions
/// returned, in order. No I/O, no clock: the shell runs the parts (through the proxy's pools for
/// service parts, libcurl for URL parts) on the worker's loop and keeps one timer.
///
/// Time: the batch deadline is `now + min(timeout_ms or default_timeout, max_timeout)` from
/// `start`; each part's deadline is its own `timeout_ms` from `start`, capped by the batch deadline.
/// A part still running at its deadline becomes `upstream_timeout` (`.cancelPart`: the shell aborts
/// its exchange and does not return a half-read connection to a pool). The batch answers
/// (`.respond`) as soon as every part has ended, and at its deadline at the latest: never later.
/// Events after a part ended, or after the batch answered, change nothing and return no action.
///
/// Timer: `.armTimer(at:)` replaces any earlier timer; a timer that fires early is harmless (it
/// re-arms). Requests forgery: a `url` part outside `multiplex.allow_urls` ends at once as
/// `url_not_allowed` with no action to start it. The string check is not enough: before
/// connecting, the shell must check every address the host resolves to with
/// `policy.allowList.allowsConnection(to:for:)` (`AddressPolicy.isForbidden(_:)`: no loopback,
/// link-local, private..., unless the allow-listed prefix itself names that IP literal), connect to
/// the address it checked, and report a refused one as `partFailed(index, .urlNotAllowed(...))`.
public struct BatchExchange: Sendable {
    /// Where a started part goes.
    public enum Target: Sendable, Equatable {
        /// A configured service: the proxy path with its selector, breaker, retries and pool.
        case service(String)
        /// An allowed URL, parsed (libcurl).
        case url(TargetURL)
    }

    /// What the shell does next.
    public enum Action: Sendable, Equatable {
        /// Start part `index` (`request.parts[index]` has its method, path, headers and body); it
        /// must end by `deadline` (the shell may use it as the part's response timeout).
        case startPart(index: Int, target: Target, deadline: Instant)
        /// Part `index` timed out: abort its exchange; whatever it answers later is ignored.
        case cancelPart(index: Int)
        /// Call `timerFired` at this instant (replaces the earlier timer).
        case armTimer(at: Instant)
        /// Every part has ended or the deadline passed: write `results` (`BatchResponseWriter`).
        case respond
    }

    public enum Phase: Sendable, Equatable {
        case idle
        /// Parts are running.
        case running
        /// The batch answered; nothing changes any more.
        case answered
    }

    enum PartState: Sendable, Equatable {
        case running(deadline: Instant)
        case ended(BatchPartResult.Outcome, at: Instant)
    }

    public private(set) var phase: Phase = .idle
    /// When the batch started (`start`'s instant).
    public private(set) var startedAt: Instant = .zero
    /// The batch deadline.
    public private(set) var deadline: Instant = .zero
    private var ids: [String?] = []
    private var states: [PartState] = []
    private var running = 0

    public init() {}

    /// The number of parts still running.
    public var runningParts: Int { running }

    /// Each part's result, in request order; parts still running have none (after `.respond` every
    /// part has one).
    public var results: [BatchPartResult?] {
        states.indices.map { i in
            guard case .ended(let outcome, let at) = states[i] else { return nil }
            return BatchPartResult(id: ids[i], outcome: outcome, duration: at - startedAt)
        }
    }

    /// The batch's parts are known: decides each part's target and deadline. `knowsService` says
    /// whether a service name is configured; an unknown one ends as `no_route`.
    public mutating func start(_ request: BatchRequest, policy: BatchPolicy, knowsService: (String) -> Bool,
                               at now: Instant) -> [Action] {
        guard phase == .idle else { return [] }
        phase = .running
        startedAt = now
        deadline = now + policy.batchTimeout(request.timeout)
        ids = request.parts.map(\.id)
        states = []
        states.reserveCapacity(request.parts.count)
        var actions: [Action] = []
        for (index, part) in request.parts.enumerated() {
            let partDeadline = part.timeout.map { min(deadline, now + $0) } ?? deadline
            let target: Target
            switch part.target {
            case .service(let name):
                guard knowsService(name) else {
                    states.append(.ended(.error(BatchPartError(.noRoute, message: "no service named `\(name)`")), at: now))
                    continue
                }
                target = .service(name)
            case .url(let text):
                switch policy.allowList.check(text) {
                case .failure(let refusal):
                    states.append(.ended(.error(.urlNotAllowed(refusal.message)), at: now))
                    continue
                case .success(let url):
                    target = .url(url)
                }
            }
            states.append(.running(deadline: partDeadline))
            running += 1
            actions.append(.startPart(index: index, target: target, deadline: partDeadline))
        }
        return actions + next(at: now)
    }

    /// Part `index` answered (its whole response is in). Ignored unless it is still running.
    public mutating func partAnswered(_ index: Int, _ answer: BatchPartAnswer, at now: Instant) -> [Action] {
        end(index, .answer(answer), at: now)
    }

    /// Part `index` failed without an answer (its proxy error, or `url_not_allowed` after the
    /// address check). Ignored unless it is still running.
    public mutating func partFailed(_ index: Int, _ error: BatchPartError, at now: Instant) -> [Action] {
        end(index, .error(error), at: now)
    }

    /// The timer fired at `now`: parts past their deadline become `upstream_timeout` and are
    /// cancelled; at the batch deadline the batch answers.
    public mutating func timerFired(at now: Instant) -> [Action] {
        guard phase == .running else { return [] }
        var actions: [Action] = []
        for i in states.indices {
            guard case .running(let partDeadline) = states[i], now >= partDeadline else { continue }
            let ms = (partDeadline - startedAt).nanoseconds / 1_000_000
            let error = BatchPartError(.upstreamTimeout, message: "no answer within \(ms) ms")
            states[i] = .ended(.error(error), at: partDeadline)
            running -= 1
            actions.append(.cancelPart(index: i))
        }
        return actions + next(at: now)
    }

    // MARK: Private

    private mutating func end(_ index: Int, _ outcome: BatchPartResult.Outcome, at now: Instant) -> [Action] {
        guard phase == .running, states.indices.contains(index), case .running(let partDeadline) = states[index] else {
            return []
        }
        if now >= partDeadline {
            // The answer came at or after the deadline, before the timer: the deadline wins.
            return timerFired(at: now)
        }
        states[index] = .ended(outcome, at: now)
        running -= 1
        return running == 0 ? answer() : []
    }

    /// After the running set changed at `now`: answer if nothing runs or the deadline passed, else
    /// arm the timer for the earliest running part's deadline.
    private mutating func next(at now: Instant) -> [Action] {
        if running == 0 || now >= deadline { return answer(timingOutAt: now) }
        var earliest = deadline
        for case .running(let d) in states where d < earliest { earliest = d }
        return [.armTimer(at: earliest)]
    }

    private mutating func answer(timingOutAt now: Instant? = nil) -> [Action] {
        var actions: [Action] = []
        if let now, running > 0 {
            // Only reachable at the batch deadline: every part left is past it.
            for i in states.indices {
                guard case .running = states[i] else { continue }
                let ms = (deadline - startedAt).nanoseconds / 1_000_000
                states[i] = .ended(.error(BatchPartError(.upstreamTimeout, message: "no answer within \(ms) ms")),
                                   at: min(now, deadline))
                actions.append(.cancelPart(index: i))
            }
            running = 0
        }
        phase = .answered
        return actions + [.respond]
    }
}
