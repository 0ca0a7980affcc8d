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
/// A target is identified by its label (the instance URL) and its `HealthCheckConfig`: the same URL
/// may be checked with two different settings (two services that check one instance differently),
/// and those are two targets. Across reloads the label is the identity (`replaceTargets`).
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
    /// In target order.
    private var probes: [HealthProbe] = []
    /// The probes of each label, in target order (usually one).
    private var byLabel: [String: [HealthProbe]] = [:]
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

    /// A checker for `targets` (label and config pairs must be unique; later duplicates are ignored). Nothing runs
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
        for probe in probes { probe.begin() }
        reportFirstRoundIfDue()
    }

    /// Stops all checks and abandons tries in progress; states are kept (`start()` resumes).
    public func stop() {
        guard isRunning else { return }
        isRunning = false
        for probe in probes { probe.cancel() }
    }

    /// Applies a reloaded target list. The label (the instance URL) is a target's identity, so an
    /// instance keeps its health state (verdict, counters, history) whatever service it moves to:
    /// 1. a target whose label and settings both stay keeps its checking as it is;
    /// 2. else it takes over a target of the same label whose settings changed (in target order),
    ///    keeping its state and picking up the new settings;
    /// 3. else, when the label's old targets were all taken (one URL now checked with more settings
    ///    than before), it starts from a copy of the first one's state;
    /// 4. else it is new, with no history.
    /// Targets not new start checking at once (while running); targets not taken over stop.
    public func replaceTargets(_ targets: [HealthTarget]) {
        var unique: [HealthTarget] = []
        for t in targets where !unique.contains(where: { $0.label == t.label && $0.config == t.config }) {
            unique.append(t)
        }
        var free = byLabel
        var chosen = [HealthProbe?](repeating: nil, count: unique.count)
        func take(_ i: Int, where matches: (HealthProbe) -> Bool) {
            let label = unique[i].label
            guard let k = free[label]?.firstIndex(where: matches) else { return }
            chosen[i] = free[label]?.remove(at: k)
        }
        for i in unique.indices { take(i) { $0.target.config == unique[i].config } }
        for i in unique.indices where chosen[i] == nil { take(i) { _ in true } }
        var next: [HealthProbe] = []
        var nextByLabel: [String: [HealthProbe]] = [:]
        for (i, t) in unique.enumerated() {
            let probe: HealthProbe
            if let p = chosen[i] {
                p.update(t)
                probe = p
            } else {
                probe = HealthProbe(target: t, checker: self, inheriting: byLabel[t.label]?.first?.state)
                if !firstRoundComplete { pendingFirstRounds += 1 }
                if isRunning { probe.begin() }
            }
            next.append(probe)
            nextByLabel[t.label, default: []].append(probe)
        }
        for p in free.values.joined() {
            p.cancel()
            if !firstRoundComplete && !p.hasFinishedFirstRound { pendingFirstRounds -= 1 }
        }
        probes = next
        byLabel = nextByLabel
        reportFirstRoundIfDue()
    }

    /// The health state of the first target labelled `label`, if there is one.
    public func state(for label: String) -> HealthState? {
        byLabel[label]?.first?.state
    }

    /// The health state of the target labelled `label` with the settings `config`, if there is one.
    public func state(for label: String, config: HealthCheckConfig) -> HealthState? {
        byLabel[label]?.first { $0.target.config == config }?.state
    }

    /// Calls `body` with each target and its state (verdict, counters, history), in target order.
    public func forEachState(_ body: (HealthTarget, HealthState) -> Void) {
        for p in probes { body(p.target, p.state) }
    }

    /// The descriptor of the tcp-check socket of the first target labelled `label`, while it has one (for tests).
    func tcpDescriptor(for label: String) -> Int32? {
        byLabel[label]?.first?.tcpDescriptor
    }

    /// The number of targets.
    public var targetCount: Int { probes.count }

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
