import Glibc
import CCurl
import SwitchyardCore

/// The checking of one target: its rounds, the tries inside a round, and its `HealthState`.
///
/// A timer-only handler on the checker's loop. Its one timer means, by phase: `idle`, start the
/// next round; `waitingRetry`, start the next try; `checking` (tcp only), the try timed out (http
/// tries time out inside curl, `CURLOPT_TIMEOUT_MS`). A round is one try plus up to `retries`
/// more, `retry_delay` apart, while they fail; the last try is the round's result, recorded once.
/// Rounds never overlap, whatever `timeout` is against `interval`: the next round is scheduled only
/// once a round has its result (`tryFinished`), `interval` after its end, and a timed-out try closes
/// its connection (curl drops a transfer that timed out; `TCPConnectCheck.abandon` closes a pending
/// connect), so an instance has at most one check connection open.
final class HealthProbe: EventHandler {
    enum Phase { case idle, waitingRetry, checking }

    private unowned let checker: HealthChecker
    private(set) var target: HealthTarget
    private(set) var state: HealthState
    private var schedule: ProbeSchedule
    private(set) var phase = Phase.idle
    /// Whether rounds are being scheduled (between `begin` and `cancel`).
    private(set) var isActive = false
    private(set) var hasFinishedFirstRound = false
    private var triesLeft = 0
    private var tryStarted = Instant.zero
    private var tcp: TCPConnectCheck?
    /// The descriptor of this probe's tcp-check socket, while it has one (for tests).
    var tcpDescriptor: Int32? { tcp.flatMap { $0.isClosed ? nil : $0.fd } }
    private var http: HTTPCheck?
    private var httpNeedsConfigure = true
    private var httpInFlight = false

    /// A probe for `target`; with `inheriting`, its state starts from that one (the same instance
    /// checked before a reload under other settings), reconfigured for `target`'s thresholds.
    init(target: HealthTarget, checker: HealthChecker, inheriting: HealthState? = nil) {
        self.checker = checker
        self.target = target
        let c = target.config
        if var inherited = inheriting {
            inherited.reconfigure(healthyAfter: c.healthyAfter, unhealthyAfter: c.unhealthyAfter, history: c.history)
            state = inherited
        } else {
            state = HealthState(healthyAfter: c.healthyAfter, unhealthyAfter: c.unhealthyAfter, history: c.history)
        }
        schedule = ProbeSchedule(config: target.config, jitter: checker.jitter)
        super.init(fd: -1)
    }

    /// Starts rounds: the first one on the loop's next turn.
    func begin() {
        isActive = true
        phase = .idle
        checker.loop.wakeUp(self, at: checker.loop.now)
    }

    /// Stops rounds and abandons a try in progress (no result is recorded for it).
    func cancel() {
        isActive = false
        checker.loop.cancelWakeUp(self)
        tcp?.close()
        tcp = nil
        if httpInFlight, let http {
            http.abandon()
            httpInFlight = false
        }
        phase = .idle
    }

    /// Applies a reloaded target with the same label, keeping verdict, counters and history.
    /// A try in progress finishes with the old settings.
    func update(_ new: HealthTarget) {
        let c = new.config
        state.reconfigure(healthyAfter: c.healthyAfter, unhealthyAfter: c.unhealthyAfter, history: c.history)
        schedule = ProbeSchedule(config: c, jitter: checker.jitter)
        httpNeedsConfigure = true
        target = new
        // A shorter interval takes effect now rather than after the round already planned.
        if isActive, phase == .idle, let due = deadline, due > checker.loop.now + c.interval {
            checker.loop.wakeUp(self, at: nextRound(after: checker.loop.now))
        }
    }

    override func timerFired(now: Instant) {
        guard isActive else { return }
        switch phase {
        case .idle:
            triesLeft = max(target.config.retries, 0)
            startTry()
        case .waitingRetry:
            startTry()
        case .checking:
            tcp?.abandon()
            tryFinished(ok: false, detail: CheckDetail.timeout)
        }
    }

    // MARK: Tries

    private func startTry() {
        phase = .checking
        tryStarted = MonotonicClock.now()
        switch target.config.type {
        case .tcp: startTCP()
        case .http: startHTTP()
        }
    }

    private func startTCP() {
        http = nil   // a reload changed the type: the easy handle (not in a transfer now) goes
        let family = target.address.family
        if let c = tcp, c.isClosed || c.family != family {
            c.close()
            tcp = nil
        }
        if tcp == nil {
            tcp = TCPConnectCheck(family: family, loop: checker.loop) { [unowned self] ok, detail in
                tryFinished(ok: ok, detail: detail)
            }
            guard tcp != nil else {
                tryFinished(ok: false, detail: CheckDetail.connectError(errno))
                return
            }
        }
        // The timeout first: an outcome known at once replaces it with the next round.
        checker.loop.wakeUp(self, at: tryStarted + target.config.timeout)
        tcp?.start(target.address)
    }

    private func startHTTP() {
        if let c = tcp {   // a reload changed the type: the socket (no try pending now) goes
            c.close()
            tcp = nil
        }
        let check: HTTPCheck
        if let http {
            check = http
        } else {
            do {
                check = try HTTPCheck(owner: Unmanaged.passUnretained(self).toOpaque(), pool: checker.curl)
            } catch {
                tryFinished(ok: false, detail: "\(error)")
                return
            }
            http = check
        }
        if httpNeedsConfigure {
            check.configure(for: target)
            httpNeedsConfigure = false
        }
        if let failure = check.start() {
            tryFinished(ok: false, detail: failure)
            return
        }
        httpInFlight = true
    }

    /// A transfer of this probe's easy handle ended (called by the checker).
    func httpFinished(_ code: CURLcode) {
        guard httpInFlight, let http else { return }
        httpInFlight = false
        let (ok, detail) = http.outcome(of: code, expect: target.config.expectStatus)
        tryFinished(ok: ok, detail: detail)
    }

    /// The jittered start of the next round, rounded to the nearest multiple of `interval / 10`
    /// (at most 100 ms): rounds of many targets that fall in the same slot then start in one loop
    /// turn and share its wake-up, timer work and `epoll_wait`. With 1,000 targets a 100 ms grain
    /// costs a quarter to a third less of the checker's CPU than a 10 ms one (docs/BENCHMARKS.md).
    /// Rounding to the nearest slot rather than up keeps the mean interval; the jitter still
    /// spreads rounds.
    private func nextRound(after end: Instant) -> Instant {
        let at = schedule.nextCheck(after: end, random: checker.nextRandom())
        let grain = UInt64(min(max(target.config.interval.nanoseconds / 10, 1), 100_000_000))
        let rest = at.nanoseconds % grain
        let down = at.nanoseconds - rest
        let slot = rest < grain - rest ? down : down + grain
        return Instant(nanoseconds: max(slot, end.nanoseconds))
    }

    private func tryFinished(ok: Bool, detail: String) {
        guard isActive, phase == .checking else { return }
        let end = MonotonicClock.now()
        if !ok && triesLeft > 0 {
            triesLeft -= 1
            phase = .waitingRetry
            checker.loop.wakeUp(self, at: schedule.nextRetry(after: end))
            return
        }
        let result = HealthCheckResult(at: end, ok: ok, latency: end - tryStarted, detail: detail)
        let transition = state.record(result)
        phase = .idle
        checker.loop.wakeUp(self, at: nextRound(after: end))
        let isFirst = !hasFinishedFirstRound
        hasFinishedFirstRound = true
        // Last: the callback may stop the checker or replace its targets.
        checker.roundFinished(self, result: result, transition: transition, isFirst: isFirst)
    }
}
