/// Everything the admin API reports about the running proxy at one instant: `/stats`, `/dump` and
/// `/metrics` are renderings of it. The shell builds one per admin request (off the hot path).
///
/// Times inside are monotonic `Instant`s; documents convert them to Unix milliseconds with
/// `unixMs(_:)`, anchored at `now`/`nowUnixMs`, which the shell reads together.
public struct ProxySnapshot: Sendable, Equatable {
    /// The proxy's version string (`switchyard --version`).
    public var version: String
    /// Wall-clock start of the process, Unix milliseconds.
    public var startedAtUnixMs: Int
    /// Wall-clock time of the snapshot, Unix milliseconds.
    public var nowUnixMs: Int
    /// Monotonic time of the snapshot; the same moment as `nowUnixMs`.
    public var now: Instant
    /// True after SIGTERM, while in-flight requests finish.
    public var draining: Bool
    /// Successful reloads since start.
    public var reloads: Int
    /// Reloads refused because the new file was invalid.
    public var reloadFailures: Int
    /// Client connections open now, over every worker.
    public var clientConnections: Int
    public var services: [ServiceSnapshot]
    /// Error answers the proxy wrote itself before any service was matched (no route, a malformed
    /// head, a method not allowed, ...); those of routed requests are in `services`.
    public var unroutedProxyErrors: ProxyErrorCounts
    /// Recent state changes of breakers and health verdicts, oldest first (for `/dump`).
    public var transitions: [TransitionRecord]
    /// Changes of the running configuration made by discovery (a followed name's set changed).
    public var discoveryUpdates = 0
    /// The batch endpoint's counters; nil when it is off.
    public var batch: BatchSnapshot?
    /// The configured reactions, their counts and their recent outcomes.
    public var reactions = ReactionsSnapshot()

    public init(version: String, startedAtUnixMs: Int, nowUnixMs: Int, now: Instant, draining: Bool = false,
                reloads: Int = 0, reloadFailures: Int = 0, clientConnections: Int = 0,
                services: [ServiceSnapshot] = [], unroutedProxyErrors: ProxyErrorCounts = ProxyErrorCounts(),
                transitions: [TransitionRecord] = [], discoveryUpdates: Int = 0) {
        self.discoveryUpdates = discoveryUpdates
        self.version = version
        self.startedAtUnixMs = startedAtUnixMs
        self.nowUnixMs = nowUnixMs
        self.now = now
        self.draining = draining
        self.reloads = reloads
        self.reloadFailures = reloadFailures
        self.clientConnections = clientConnections
        self.services = services
        self.unroutedProxyErrors = unroutedProxyErrors
        self.transitions = transitions
    }

    /// The Unix time in milliseconds of a monotonic instant: `nowUnixMs - (now - at)`. Instants after
    /// `now` (a breaker's end of cooldown) map into the future.
    public func unixMs(_ at: Instant) -> Int {
        nowUnixMs - Int((now - at).nanoseconds / 1_000_000)
    }
}
