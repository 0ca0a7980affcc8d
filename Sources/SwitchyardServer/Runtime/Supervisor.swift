import Glibc
import Synchronization
import SwitchyardCore

/// The control plane, on the main thread's event loop: it owns the worker threads, the current
/// snapshot, signals, reload, drain and the systemd notifications.
final class Supervisor {
    let configPath: String
    /// The configuration the process started with: restart-only settings keep its values.
    let bootConfig: Config
    let log: ErrorLog
    let control: EventLoop
    private(set) var state: ProxyState
    /// The configuration as the file says it; `state.config` adds the instances discovery found.
    private(set) var fileConfig: Config
    /// The DNS names the configuration follows (nil until `run`).
    private(set) var discovery: Discovery?
    /// Running-configuration changes made by discovery.
    private(set) var discoveryUpdates = 0
    let slots: [WorkerSlot]
    private var group: WorkerGroup?
    let limit: ConnectionLimit
    let notifier: SystemdNotifier?
    let ref: SupervisorRef
    private var signals: SignalSource?
    let accessLog: AccessLog?
    private(set) var healthChecker: HealthChecker?
    /// Health-check target id -> the instances it gives a verdict for (rebuilt on reload by
    /// `makeHealthTargets`).
    var healthTargets: [Int: HealthTargetUse] = [:]
    private var admin: AdminServer?
    private var watcher: ConfigWatcher?
    private(set) var draining = false
    private var drainedWorkers = 0
    private(set) var reloads = 0
    private(set) var reloadFailures = 0
    let startedAtUnixMs: Int
    /// Listening sockets per address: one per worker (SO_REUSEPORT), or one shared adopted socket.
    private var listenSockets: [ListenAddress: [Int32]] = [:]
    private var timers: [ControlTimer] = []
    private var watchdogTimer: ControlTimer?
    /// Per worker: the control-loop time of its last answered heartbeat (watchdog).
    private let heartbeats: [Heartbeat]
    /// The configured reactions and their runs (SPEC section 9).
    let reactions: ReactionRunner
    /// Whether each service had an available instance at its last transition.
    var availability = ServiceAvailability()

    init(config: Config, configPath: String, log: ErrorLog) throws {
        self.configPath = configPath
        self.bootConfig = config
        self.log = log
        control = try EventLoop(index: -1)
        state = try ProxyState(config: config)
        fileConfig = config
        let count = config.workers ?? Self.onlineCores
        slots = (0..<count).map { _ in WorkerSlot() }
        limit = ConnectionLimit(maximum: config.accept.maxConnections)
        notifier = SystemdNotifier(environment: ProcessInfoLite.environment)
        ref = SupervisorRef(handle: control.handle)
        heartbeats = (0..<count).map { _ in Heartbeat() }
        reactions = ReactionRunner(loop: control, log: log, config: config)
        let (s, ns) = WallClock.now()
        startedAtUnixMs = s * 1000 + ns / 1_000_000
        do {
            accessLog = try AccessLog(target: config.log.access)
        } catch {
            throw RuntimeError(description: "cannot open the access log: \(error)")
        }
        ref.supervisor = self
        // Listeners are bound before any thread starts, so an address in use fails the start.
        let adopted = SocketActivation.listenFDs(environment: ProcessInfoLite.environment)
        for address in config.listen {
            listenSockets[address] = try openListeners(for: address, adopted: adopted)
        }
    }

    /// Sockets for `address`: an adopted one (socket activation) shared by all workers, or one
    /// SO_REUSEPORT socket per worker.
    private func openListeners(for address: ListenAddress, adopted: [Int32]) throws -> [Int32] {
        for fd in adopted {
            if let bound = SocketActivation.boundPort(fd), bound.port == address.port,
               bound.host == address.host || address.host == "0.0.0.0" || address.host == "::" {
                return Array(repeating: fd, count: slots.count)
            }
        }
        do {
            let resolved = try SocketAddress.resolve(host: address.host, port: address.port)
            var fds: [Int32] = []
            for _ in slots { fds.append(try Socket.makeListener(resolved, reusePort: true)) }
            return fds
        } catch {
            throw RuntimeError(description: "cannot listen on \(address): \(error)")
        }
    }

    func run() -> Int32 {
        let shared = SharedBoot(state: state, log: log, limit: limit, slots: slots, ref: ref,
                                listeners: state.config.listen.map { ($0, listenSockets[$0] ?? []) },
                                heartbeats: heartbeats, accessLog: accessLog)
        do {
            if let address = state.config.admin.listen {
                admin = try AdminServer(loop: control, address: address, backend: self)
            }
            let checker = try HealthChecker(loop: control, targets: makeHealthTargets(state)) { [unowned self] target, result, transition, verdict in
                self.healthResult(target: target, result: result, transition: transition, verdict: verdict)
            }
            healthChecker = checker
            observeBreakers()
            group = try WorkerGroup(count: slots.count) { loop in shared.setUp(loop) }
            signals = try SignalSource(loop: control) { [unowned self] signal in self.handleSignal(signal) }
            // READY once the listeners are bound and every instance's first health round is known.
            checker.onFirstRoundComplete = { [unowned self] in
                log.info("switchyard \(ServerInfo.version) ready: \(statusLine()) with \(slots.count) worker(s)")
                notifier?.ready(status: statusLine())
            }
            checker.start()
            let discovery = Discovery(loop: control, log: log, seed: baseSeedForDiscovery) { [unowned self] in
                self.applyDiscovered()
            }
            self.discovery = discovery
            discovery.follow(fileConfig)
        } catch {
            log.error("cannot start: \(error)")
            return 1
        }
        startWatchdog()
        updateWatcher()
        control.run()
        signals?.close()
        group?.stopAll()
        group?.join()
        log.info("stopped")
        return 0
    }

    private func statusLine() -> String {
        "serving \(state.config.services.count) service(s) on \(state.config.listen.map(\.description).joined(separator: ", "))"
    }

    private func handleSignal(_ signal: Int32) {
        switch signal {
        case SIGTERM, SIGINT:
            if draining {
                log.warning("second stop signal: exiting now")
                exit(0)
            }
            beginDrain()
        case SIGHUP:
            _ = reloadConfig()
        case SIGUSR1:
            do {
                try accessLog?.reopen()
                log.info("SIGUSR1: access log reopened")
            } catch {
                log.error("SIGUSR1: cannot reopen the access log: \(error)")
            }
        default:
            break
        }
    }

    // MARK: Workers

    private func forEachWorker(_ body: @escaping @Sendable (Worker) -> Void) {
        for (i, slot) in slots.enumerated() {
            group?.handles[i].execute { if let w = slot.worker { body(w) } }
        }
    }

    /// Pings systemd's watchdog at half its interval, only while every worker loop answers.
    private func startWatchdog() {
        guard let notifier, let interval = SystemdNotifier.watchdogInterval(environment: ProcessInfoLite.environment) else { return }
        let period = Duration.nanoseconds(interval.nanoseconds / 2)
        let beats = heartbeats
        let timer = ControlTimer { [unowned self] now in
            let stale = now.nanoseconds > UInt64(period.nanoseconds) ? now.nanoseconds - UInt64(period.nanoseconds) * 2 : 0
            if beats.allSatisfy({ $0.value.load(ordering: .relaxed) >= stale }) { notifier.watchdog() }
            for (i, slot) in slots.enumerated() {
                group?.handles[i].execute {
                    if let w = slot.worker { beats[i].value.store(w.loop.now.nanoseconds, ordering: .relaxed) }
                }
            }
            if let t = watchdogTimer { control.wakeUp(t, at: now + period) }
        }
        watchdogTimer = timer
        control.wakeUp(timer, at: control.now)
    }

    // MARK: Reload

    enum ReloadResult {
        case reloaded(String)
        case failed([String])
    }

    /// Reads and validates the file again; swaps it in atomically if it is valid, keeps serving the old
    /// one (and logs every error) if not.
    func reloadConfig() -> ReloadResult {
        notifier?.reloading(monotonicMicros: SystemdNotifier.monotonicMicrosNow())
        defer { notifier?.ready(status: statusLine()) }
        let next: Config
        var loadedFile = fileConfig
        switch ConfigLoader.load(path: configPath) {
        case .failure(let failure):
            reloadFailures += 1
            let lines = failure.diagnostics.map(\.description)
            log.error("reload failed, the running configuration stays (\(lines.count) error(s)):")
            for line in lines { log.error("  \(line)") }
            return .failed(lines)
        case .success(let config):
            next = DiscoveredInstances.expand(config, sets: discovery?.sets ?? [:])
            loadedFile = config
        }
        let plan = ReloadPlan(running: state.config, next: next, process: bootConfig, runningWorkers: slots.count,
                              requestedWorkers: next.workers ?? Self.onlineCores)
        for change in plan.restartOnly { log.warning("reload: \(change)") }
        let nextState: ProxyState
        var opened: [ListenAddress: [Int32]] = [:]
        do {
            nextState = try ProxyState(config: next, previous: state, plan: plan, newAwaitFirstCheck: true)
            for address in plan.listenAdded where listenSockets[address] == nil {
                opened[address] = try openListeners(for: address, adopted: [])
            }
        } catch {
            for fds in opened.values { for fd in fds { Posix.close(fd) } }
            reloadFailures += 1
            log.error("reload failed, the running configuration stays: \(error)")
            return .failed(["\(error)"])
        }
        let removed = plan.listenRemoved.filter { listenSockets[$0] != nil }
        applyLiveSettings(next)
        state = nextState
        reactions.reconfigure(next)
        fileConfig = loadedFile
        discovery?.follow(loadedFile)
        healthChecker?.replaceTargets(makeHealthTargets(nextState))
        for (i, slot) in slots.enumerated() {
            let add = opened.map { ($0.key, $0.value[i]) }
            let remove = removed
            group?.handles[i].execute {
                guard let w = slot.worker else { return }
                w.apply(nextState)
                for address in remove { w.stopListening(on: address) }
                w.listen(on: add)
                w.limitMayAllowMore()
            }
        }
        for address in removed { listenSockets[address] = nil }
        for (address, fds) in opened { listenSockets[address] = fds }
        reloads += 1
        updateWatcher()
        log.journal.append(TransitionRecord(at: control.now, subject: "config", from: "", to: "reloaded", reason: configPath))
        let summary = next.summary
        log.info("reloaded \(configPath): \(summary)")
        return .reloaded(summary)
    }

    /// A followed DNS name's set changed: the running configuration becomes the file's plus every
    /// current set, applied as a reload applies a file (`ReloadPlan`): instances that stay keep their
    /// state and pooled connections, new ones wait for their first health check when the service has
    /// one, and instances that leave are drained (requests in flight on them finish; their idle
    /// connections close; no new request goes to them).
    func applyDiscovered() {
        guard !draining, let discovery else { return }
        let next = DiscoveredInstances.expand(fileConfig, sets: discovery.sets)
        guard next != state.config else { return }
        let plan = ReloadPlan(running: state.config, next: next, runningWorkers: slots.count, requestedWorkers: slots.count)
        let nextState: ProxyState
        do {
            nextState = try ProxyState(config: next, previous: state, plan: plan, newAwaitFirstCheck: true)
        } catch {
            log.error("discovery: the new instance set cannot be applied: \(error)")
            return
        }
        state = nextState
        reactions.reconfigure(next)
        healthChecker?.replaceTargets(makeHealthTargets(nextState))
        for (i, slot) in slots.enumerated() {
            group?.handles[i].execute {
                slot.worker?.apply(nextState)
            }
        }
        discoveryUpdates += 1
        log.journal.append(TransitionRecord(at: control.now, subject: "discovery", from: "", to: "applied",
                                            reason: "\(next.summary)"))
    }

    /// A seed for discovery's query ids and jitter, different in every process.
    private var baseSeedForDiscovery: UInt64 {
        MonotonicClock.now().nanoseconds ^ (UInt64(UInt32(bitPattern: getpid())) << 17)
    }

    /// Watches the config file while `reload: watch` is set.
    private func updateWatcher() {
        switch state.config.reload {
        case .watch where watcher == nil:
            watcher = ConfigWatcher(loop: control, path: configPath) { [unowned self] in
                log.info("\(configPath) changed: reloading")
                _ = reloadConfig()
            }
            if watcher == nil { log.error("reload: watch: cannot watch \(configPath) with inotify (errno \(errno))") }
        case .signal where watcher != nil:
            watcher?.stop()
            watcher = nil
        default:
            break
        }
    }

    // MARK: Drain

    /// SIGTERM: stop accepting, let requests in flight finish up to `timeouts.drain`, then stop.
    func beginDrain() {
        draining = true
        notifier?.stopping()
        log.info("draining: finishing requests in flight (up to \(state.config.timeouts.drain))")
        let ref = self.ref
        forEachWorker { w in
            w.onDrained = { ref.handle.execute { ref.supervisor?.workerDrained() } }
            w.beginDrain()
        }
        let deadline = ControlTimer { [unowned self] _ in
            log.warning("drain timeout: closing the connections still open")
            stopNow()
        }
        timers.append(deadline)
        control.wakeUp(deadline, at: control.now + state.config.timeouts.drain)
    }

    func workerDrained() {
        drainedWorkers += 1
        if drainedWorkers == slots.count { stopNow() }
    }

    private func stopNow() {
        group?.stopAll()
        control.handle.stop()
    }
}

/// What a worker thread needs at boot; immutable, handed to every worker.
final class SharedBoot: Sendable {
    let state: ProxyState
    let log: ErrorLog
    let limit: ConnectionLimit
    let slots: [WorkerSlot]
    let ref: SupervisorRef
    let listeners: [(ListenAddress, [Int32])]
    let heartbeats: [Heartbeat]
    let accessLog: AccessLog?
    private let baseSeed: UInt64

    init(state: ProxyState, log: ErrorLog, limit: ConnectionLimit, slots: [WorkerSlot], ref: SupervisorRef,
         listeners: [(ListenAddress, [Int32])], heartbeats: [Heartbeat], accessLog: AccessLog?) {
        self.accessLog = accessLog
        self.state = state
        self.log = log
        self.limit = limit
        self.slots = slots
        self.ref = ref
        self.listeners = listeners
        self.heartbeats = heartbeats
        baseSeed = MonotonicClock.now().nanoseconds ^ (UInt64(UInt32(bitPattern: getpid())) << 32)
    }

    /// Runs on each worker's thread before its loop starts.
    func setUp(_ loop: EventLoop) {
        let i = loop.index
        let worker = Worker(index: i, workerCount: slots.count, loop: loop, state: state, log: log, limit: limit,
                            seed: baseSeed &+ UInt64(i + 1) &* 0x9E37_79B9_7F4A_7C15, accessLog: accessLog)
        slots[i].worker = worker
        worker.listen(on: listeners.map { ($0.0, $0.1[i]) })
    }
}

/// The process environment without Foundation.
enum ProcessInfoLite {
    static var environment: [String: String] {
        var out: [String: String] = [:]
        var p = environ
        while let entry = p.pointee {
            let s = String(cString: entry)
            if let eq = s.firstIndex(of: "=") { out[String(s[..<eq])] = String(s[s.index(after: eq)...]) }
            p += 1
        }
        return out
    }
}

/// A worker's last heartbeat, in loop time (nanoseconds).
final class Heartbeat: Sendable {
    let value = Atomic<UInt64>(0)
}
