import CCurl
import SwitchyardCore

/// Active health checks of many instances, on one event loop (the control loop), no threads.
///
/// Each target is checked in rounds per its `HealthCheckConfig`: `http` (a `GET` through libcurl's
/// multi interface driven by the loop, passing when the status is in `expect_status`) or `tcp`
/// (a non-blocking connect). The first round of every target starts at `start()`, unjittered, so
/// the runtime learns every verdict quickly (`onFirstRoundComplete`) and can report READY; later
/// rounds follow `ProbeSchedule` with jitter. Every round's result goes to `onResult` with the
/// transition it caused (if any) and the verdict after it, which the runtime feeds to the
/// `cooldown` supplier and logs.
///
/// Loop-confined: create it, call every method and read every property on the loop's thread
/// (or before the loop runs).
public final class HealthChecker {
    /// Called after every round: the target, the round's result, the verdict change it caused
    /// (nil when none) and the verdict now.
    public typealias ResultHandler = (HealthTarget, HealthCheckResult, HealthTransition?, HealthVerdict) -> Void

    let loop: EventLoop
    let curl: CurlMultiPool
    /// Fraction of the interval by which rounds move early or late (see `ProbeSchedule`).
    let jitter: Double
    private let onResult: ResultHandler
    private var probes: [String: HealthProbe] = [:]
    /// Labels in target order, for `forEachState`.
    private var order: [String] = []
    private var isRunning = false
    private var pendingFirstRounds = 0
    private var firstRoundReported = false
    private var random: SplitMix64

    /// Whether every target has finished its first round since `start()` (true at once without targets).
    public private(set) var firstRoundComplete = false

    /// Called once, when `firstRoundComplete` becomes true; set after that, it is called at once.
    public var onFirstRoundComplete: (() -> Void)? {
        didSet { reportFirstRoundIfDue() }
    }

    /// A checker for `targets` (labels must be unique; later duplicates are ignored). Nothing runs
    /// before `start()`. Throws when libcurl cannot be set up.
    public init(loop: EventLoop, targets: [HealthTarget], jitter: Double = 0.1,
                onResult: @escaping ResultHandler) throws {
        self.loop = loop
        self.jitter = jitter
        self.onResult = onResult
        var seed = SystemRandomNumberGenerator()
        random = SplitMix64(seed: seed.next())
        curl = CurlMultiPool(loop: loop)
        curl.onDone = { [unowned self] easy, code in transferDone(easy, code) }
        replaceTargets(targets)
    }

    deinit {
        stop()
        probes.removeAll()   // frees the easy handles before the multi handle
        curl.close()
    }

    /// Starts checking: every target's first round begins on the loop's next turn.
    public func start() {
        guard !isRunning else { return }
        isRunning = true
        for label in order { probes[label]?.begin() }
        reportFirstRoundIfDue()
    }

    /// Stops all checks and abandons tries in progress; states are kept (`start()` resumes).
    public func stop() {
        guard isRunning else { return }
        isRunning = false
        for probe in probes.values { probe.cancel() }
    }

    /// Applies a reloaded target list. Targets whose label stays keep their state (verdict,
    /// counters, history) and pick up the new settings; new targets start checking at once
    /// (while running); removed targets stop.
    public func replaceTargets(_ targets: [HealthTarget]) {
        var next: [String: HealthProbe] = [:]
        var nextOrder: [String] = []
        for t in targets where next[t.label] == nil {
            if let p = probes.removeValue(forKey: t.label) {
                p.update(t)
                next[t.label] = p
            } else {
                let p = HealthProbe(target: t, checker: self)
                next[t.label] = p
                if !firstRoundComplete { pendingFirstRounds += 1 }
                if isRunning { p.begin() }
            }
            nextOrder.append(t.label)
        }
        for p in probes.values {
            p.cancel()
            if !firstRoundComplete && !p.hasFinishedFirstRound { pendingFirstRounds -= 1 }
        }
        probes = next
        order = nextOrder
        reportFirstRoundIfDue()
    }

    /// The health state of the target labelled `label`, if there is one.
    public func state(for label: String) -> HealthState? {
        probes[label]?.state
    }

    /// Calls `body` with each target and its state (verdict, counters, history), in target order.
    public func forEachState(_ body: (HealthTarget, HealthState) -> Void) {
        for label in order {
            if let p = probes[label] { body(p.target, p.state) }
        }
    }

    /// The descriptor of the tcp-check socket of the target labelled `label`, while it has one (for tests).
    func tcpDescriptor(for label: String) -> Int32? {
        probes[label]?.tcpDescriptor
    }

    /// The number of targets.
    public var targetCount: Int { order.count }

    // MARK: From the probes

    func nextRandom() -> UInt64 { random.next() }

    func roundFinished(_ probe: HealthProbe, result: HealthCheckResult, transition: HealthTransition?, isFirst: Bool) {
        if isFirst && !firstRoundComplete { pendingFirstRounds -= 1 }
        onResult(probe.target, result, transition, probe.state.verdict)
        reportFirstRoundIfDue()
    }

    private func transferDone(_ easy: UnsafeMutableRawPointer, _ code: CURLcode) {
        var owner: UnsafeMutableRawPointer?
        _ = sy_easy_getinfo_ptr(easy, CURLINFO_PRIVATE, &owner)
        guard let owner else { return }
        Unmanaged<HealthProbe>.fromOpaque(owner).takeUnretainedValue().httpFinished(code)
    }

    private func reportFirstRoundIfDue() {
        if !firstRoundComplete && isRunning && pendingFirstRounds <= 0 { firstRoundComplete = true }
        guard firstRoundComplete, !firstRoundReported, let callback = onFirstRoundComplete else { return }
        firstRoundReported = true
        callback()
    }
}

@available(*, unavailable)
extension HealthChecker: Sendable {}
