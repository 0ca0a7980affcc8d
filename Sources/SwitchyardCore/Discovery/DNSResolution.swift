/// Follows one name through DNS as a state machine: the shell reports each event with the instant it
/// saw and executes the action returned (send a query, or arm a timer). No sockets, no clock here;
/// randomness (query ids, jitter) comes in as a generator.
///
/// A *round* asks the lookup's questions in order (`.a` with both families: A, then AAAA; `.srv`:
/// SRV), one query in flight at a time. Each question goes to the current resolver over UDP; a
/// truncated answer is asked again over TCP from the same resolver (same id, RFC 7766 section 5);
/// a timeout, a transport failure, an unusable answer or an RCODE other than NOERROR/NXDOMAIN moves
/// to the next resolver with a new id. When every resolver failed one question, the round fails.
///
/// After a round:
/// - answered with records: the endpoints become exactly what it found; the next round starts
///   `clamp(min TTL, ttlFloor, interval)` later, shortened by jitter (never below `ttlFloor`).
/// - answered empty (NXDOMAIN, which also ends the round at once (RFC 8020), or no records): the
///   endpoints are kept until `hold` has passed since the last non-empty answer, then removed by
///   the first empty answer after that; the next round comes no later than the end of `hold`.
/// - failed: the endpoints are kept (stale beats none), `lastError` says why, and the next round
///   waits the backoff: `initialBackoff`, doubled per failed round up to `interval`, jittered.
///
/// The shell: call `tick(at:using:)` once to start and whenever the timer it armed fires; pass every
/// message read from the request's socket to `received(_:over:at:using:)`, and socket errors to
/// `transportFailed(_:over:at:using:)`. A `.send` replaces any earlier request: close its socket.
/// Read `endpoints` when `generation` changed.
public struct DNSResolution: Sendable {
    /// One query to put on the wire.
    public struct Request: Sendable, Equatable {
        /// The message id (a TCP retry keeps the id of the truncated UDP query).
        public var id: UInt16
        /// Exactly what to write: the datagram for UDP, the length-prefixed message for TCP.
        public var bytes: [UInt8]
        /// Index into `config.resolvers`.
        public var resolver: Int
        public var transport: DNSTransport
        /// When the query counts as unanswered: arm the timer and call `tick(at:using:)` then.
        public var deadline: Instant
    }

    /// What the shell does next.
    public enum Action: Sendable, Equatable {
        /// Open a socket to `config.resolvers[request.resolver]` over `request.transport` (a connected
        /// UDP socket, so that only that address can answer, or a TCP connection), write
        /// `request.bytes`, and arm the timer at `request.deadline`.
        case send(Request)
        /// Nothing to write: arm the timer at `until` and call `tick(at:using:)` then. A query may
        /// still be in flight (then `until` is its deadline and its answer still goes to `received`).
        case wait(until: Instant)
    }

    public internal(set) var config: DNSResolutionConfig
    /// The current set: sorted, one entry per address and port (`DNSEndpoint.normalized`).
    public internal(set) var endpoints: [DNSEndpoint] = []
    /// Changes (by one) every time `endpoints` changes, and only then.
    public internal(set) var generation: UInt64 = 0
    /// When the last round ended with an answer, empty or not.
    public internal(set) var lastAnswerAt: Instant?
    /// When the last round ended with at least one endpoint: `hold` counts from here.
    public internal(set) var lastNonEmptyAnswerAt: Instant?
    /// Why the last round failed or came back empty, which SRV targets had no address, or that the
    /// set was cut at `maxEndpoints`; nil after a complete answer with records.
    public internal(set) var lastError: String?
    /// Rounds failed in a row (0 after any answer); sets the backoff.
    public internal(set) var consecutiveFailures = 0
    /// The query waiting for its answer, if any.
    public internal(set) var inFlight: Request?
    /// When the next round starts; nil before the first `tick`.
    public internal(set) var nextRoundAt: Instant?

    /// The round in progress (set while a query is in flight).
    var round: Round?
    /// The resolver the next question goes to first: the one that answered last.
    var resolverIndex = 0

    struct Round: Sendable {
        var query: DNSQuery
        /// Questions still to ask after `query`.
        var remaining: [DNSRecordType]
        /// Resolvers that failed the current question.
        var failures = 0
        var endpoints: [DNSEndpoint] = []
        var ttl: UInt32?
        var sawNameError = false
        var targetsWithoutAddress: [DNSName] = []
        /// Some endpoints were dropped at `maxEndpoints`.
        var isCapped = false
    }

    /// The most endpoints one round collects (before duplicates are merged). SRV records times their
    /// targets' addresses could otherwise grow with the square of the answer's size; 4,096 is more
    /// instances than one service of this proxy is meant for.
    public static let maxEndpoints = 4096

    public init(config: DNSResolutionConfig) {
        self.config = config
    }

    /// When the shell's timer must fire next: the in-flight query's deadline, else the next round
    /// (nil before the first `tick`: call it at once).
    public var wakeUpAt: Instant? { inFlight?.deadline ?? nextRoundAt }

    /// The timer fired, or the shell starts the resolution. Acts on what is due at `now`: a query
    /// past its deadline counts as a timeout (the next resolver is asked); with nothing in flight,
    /// a round starts when it is due. Otherwise nothing changes.
    public mutating func tick(at now: Instant, using rng: inout some RandomNumberGenerator) -> Action {
        if let request = inFlight {
            guard now >= request.deadline else { return .wait(until: request.deadline) }
            return resolverFailed("no answer within \(config.queryTimeout)", at: now, using: &rng)
        }
        if let next = nextRoundAt, now < next { return .wait(until: next) }
        return startRound(at: now, using: &rng)
    }

    /// A whole message arrived over `transport` (for TCP, without its length prefix: see
    /// `DNSTCPFraming`). Bytes that are not the in-flight query's answer (other id or question, not
    /// a response, unreadable, or from the other transport) are ignored: the query keeps waiting.
    public mutating func received(_ message: [UInt8], over transport: DNSTransport, at now: Instant,
                                  using rng: inout some RandomNumberGenerator) -> Action {
        guard let request = inFlight, request.transport == transport, var current = round else {
            return .wait(until: wakeUpAt ?? now)
        }
        let answer: DNSAnswer
        do {
            answer = try DNSAnswerParser.parse(message, answering: current.query)
        } catch {
            if error.isUnrelated { return .wait(until: request.deadline) }
            return resolverFailed(error.description, at: now, using: &rng)
        }
        if answer.isTruncated {
            guard transport == .udp else { return resolverFailed("truncated answer over TCP", at: now, using: &rng) }
            return send(to: request.resolver, over: .tcp, at: now)
        }
        switch answer.responseCode {
        case .noError:
            collect(answer, into: &current)
        case .nameError:
            current.sawNameError = true
            current.remaining = []   // no other type exists at a name that does not (RFC 8020)
            if let ttl = answer.ttl { current.ttl = min(current.ttl ?? ttl, ttl) }
        default:
            return resolverFailed(answer.responseCode.description, at: now, using: &rng)
        }
        resolverIndex = request.resolver
        guard !current.remaining.isEmpty else {
            round = current
            return finishRound(at: now, using: &rng)
        }
        current.query = makeQuery(current.remaining.removeFirst(), using: &rng)
        current.failures = 0
        round = current
        return send(to: resolverIndex, over: .udp, at: now)
    }

    /// The socket of the in-flight query failed (connection refused, reset, closed before a whole
    /// message): the next resolver is asked at once. Ignored when nothing is in flight over `transport`.
    public mutating func transportFailed(_ reason: String, over transport: DNSTransport, at now: Instant,
                                         using rng: inout some RandomNumberGenerator) -> Action {
        guard let request = inFlight, request.transport == transport else { return .wait(until: wakeUpAt ?? now) }
        return resolverFailed(reason, at: now, using: &rng)
    }
}

/// How a query travels: UDP first, TCP after a truncated answer.
public enum DNSTransport: Sendable, Equatable, CustomStringConvertible {
    case udp, tcp

    public var description: String { self == .udp ? "udp" : "tcp" }
}
