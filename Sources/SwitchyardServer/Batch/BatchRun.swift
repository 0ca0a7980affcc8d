import SwitchyardCore

/// One batch on a worker (SPEC section 8), from its parsed request to its one answer: the executor
/// of its `BatchExchange`. Each `.startPart` becomes a call (a cache hit, a `ServicePartCall` on the
/// proxy path, or a `URLPartCall` through libcurl), each `.cancelPart` cancels one, `.armTimer` is
/// this handler's one timer, and `.respond` hands the written answer to the client connection.
///
/// Lifetime: the client connection holds the run while it waits for the answer; the run holds its
/// calls until it goes. Whoever lets go of a run first asks the loop to keep it to the end of the
/// turn (`callAtTurnEnd`), so no call's stack outlives its objects.
final class BatchRun: EventHandler {
    unowned(unsafe) let context: WorkerContext
    unowned(unsafe) let loop: EventLoop
    /// The client connection waiting for the answer; nil once it went away.
    unowned(unsafe) var client: ClientConnection?
    /// The snapshot the batch runs on (the client's request's), and this worker's views of it.
    let state: ProxyState
    let views: [ServiceView]
    let request: BatchRequest
    /// The batch's request body: part bodies are ranges into it.
    let bytes: [UInt8]
    let requestID: [UInt8]
    let peer: [UInt8]
    private(set) var exchange = BatchExchange()
    private var calls: [BatchCall?]
    /// Cache keys of the parts that missed, to store their answers (nil: not cacheable).
    private var cacheKeys: [ResponseCache<BatchPartAnswer>.Key?]

    /// True the first time for each part.
    func markLogged(_ index: Int) -> Bool {
        if logged[index] { return false }
        logged[index] = true
        return true
    }

    func setCacheKey(_ key: ResponseCache<BatchPartAnswer>.Key, part index: Int) { cacheKeys[index] = key }
    private(set) var answered = false
    /// Parts whose end was counted and logged (a part reporting at its deadline is also cancelled).
    private var logged: [Bool]

    init(client: ClientConnection, state: ProxyState, views: [ServiceView], request: BatchRequest, bytes: [UInt8],
         requestID: [UInt8], peer: [UInt8]) {
        self.context = client.context
        self.loop = client.context.loop
        self.client = client
        self.state = state
        self.views = views
        self.request = request
        self.bytes = bytes
        self.requestID = requestID
        self.peer = peer
        calls = Array(repeating: nil, count: request.parts.count)
        cacheKeys = Array(repeating: nil, count: request.parts.count)
        logged = Array(repeating: false, count: request.parts.count)
        super.init(fd: -1)
    }

    /// The most body bytes one part's answer may have (`multiplex.max_body`).
    var maxPartBody: Int { state.batchPolicy?.limits.maxBody ?? (1 << 20) }

    /// What the response parser needs of part `index`'s method: whether it is `HEAD` (no body follows).
    func method(of part: Int) -> HTTPMethod { request.parts[part].method == "HEAD" ? .head : .other }

    func start() {
        guard let policy = state.batchPolicy else { return }
        state.batchCounters.batches.add(1, ordering: .relaxed)
        let actions = exchange.start(request, policy: policy, knowsService: { self.state.serviceIndex[$0] != nil }, at: loop.now)
        // Parts refused at the start (no such service, a URL outside the allow-list) have their line too.
        for (i, result) in exchange.results.enumerated() {
            if let result { logPart(i, result.outcome, instance: nil, attempts: 0, cached: false) }
        }
        execute(actions)
    }

    /// The client went away: every running part stops, nothing answers.
    func abandon() {
        guard !answered else { return }
        answered = true
        client = nil
        cancelAll()
        loop.cancelWakeUp(self)
    }

    override func timerFired(now: Instant) {
        execute(exchange.timerFired(at: now))
    }

    /// A call ended (once per call; never for a cancelled one). Calls stay in `calls` until the run
    /// goes: the one reporting is on the stack.
    func partEnded(_ index: Int, _ outcome: BatchPartResult.Outcome, instance: String?, attempts: Int) {
        let now = loop.now
        logPart(index, outcome, instance: instance, attempts: attempts, cached: false)
        switch outcome {
        case .answer(let answer):
            if let key = cacheKeys[index] { store(answer, under: key, part: index, at: now) }
            execute(exchange.partAnswered(index, answer, at: now))
        case .error(let error):
            execute(exchange.partFailed(index, error, at: now))
        }
    }

    // MARK: Executing the exchange

    private func execute(_ actions: [BatchExchange.Action]) {
        for action in actions {
            switch action {
            case .startPart(let index, let target, let deadline):
                guard !answered else { continue }
                startPart(index, target, deadline: deadline)
            case .cancelPart(let index):
                calls[index]?.cancel()
                logPart(index, .error(BatchPartError(.upstreamTimeout)), instance: nil, attempts: 0, cached: false)
            case .armTimer(let at):
                guard !answered else { continue }
                loop.wakeUp(self, at: at)
            case .respond:
                respond()
            }
        }
    }

    private func startPart(_ index: Int, _ target: BatchExchange.Target, deadline: Instant) {
        switch target {
        case .service(let name):
            guard let s = state.serviceIndex[name] else { return }
            if let hit = lookUp(part: index, service: s) {
                logPart(index, .answer(hit), instance: hit.instance, attempts: 0, cached: true)
                execute(exchange.partAnswered(index, hit, at: loop.now))
                return
            }
            let call = ServicePartCall(run: self, index: index, view: views[s], serviceIndex: s)
            calls[index] = call
            call.start()
        case .url(let url):
            let call = URLPartCall(run: self, index: index, url: url)
            calls[index] = call
            call.start(deadline: deadline)
        }
    }

    private func respond() {
        guard !answered else { return }
        answered = true
        loop.cancelWakeUp(self)
        cancelAll()
        var body = ByteBuffer(capacity: 512)
        BatchResponseWriter.write(exchange.results, into: &body)
        client?.batchAnswered(self, body: body)
        client = nil
    }

    private func cancelAll() {
        for call in calls { call?.cancel() }
    }

    // MARK: Writing a part's request

    /// Writes part `index`'s request for `target` (an instance of its service) into `out`.
    func writeRequest(part index: Int, to target: InstanceState, into out: inout ByteBuffer) {
        let part = request.parts[index]
        bytes.withUnsafeBytes { all in
            let body = part.body.map { UnsafeRawBufferPointer(rebasing: all[$0.start ..< $0.start + $0.count]) }
            target.basePath.withUnsafeBytes { base in
                target.hostHeader.withUnsafeBytes { host in
                    peer.withUnsafeBytes { client in
                        requestID.withUnsafeBytes { rid in
                            BatchPartRequestWriter.write(part, body: body, basePath: base, upstreamHost: host,
                                                         clientAddress: client, requestID: rid, into: &out)
                        }
                    }
                }
            }
        }
    }

    /// Part `index`'s body bytes (empty when it has none).
    func body(of index: Int) -> [UInt8] {
        guard let r = request.parts[index].body else { return [] }
        return Array(bytes[r.start ..< r.start + r.count])
    }
}

extension BatchRun {
    /// Counts part `index`'s end and writes its access-log line, which carries the batch's request id.
    func logPart(_ index: Int, _ outcome: BatchPartResult.Outcome, instance: String?, attempts: Int, cached: Bool) {
        guard markLogged(index) else { return }
        state.batchCounters.count(outcome, cached: cached)
        guard let log = context.accessLog else { return }
        let part = request.parts[index]
        let wall = WallClock.now()
        let now = loop.now
        let status: Int, error: StaticString?
        switch outcome {
        case .answer(let a): (status, error) = (a.status, nil)
        case .error(let e): (status, error) = (e.status, e.staticCode)
        }
        let record = AccessLogRecord(
            timeUnixMs: wall.seconds * 1000 + wall.nanoseconds / 1_000_000, status: status,
            bytesIn: part.body?.count ?? 0, bytesOut: outcome.answer?.body.count ?? 0, upstreamMicros: nil,
            totalMicros: Int(now.nanoseconds(since: exchange.startedAt) / 1000), attempts: attempts, errorCode: error)
        let service: String?, path: String
        switch part.target {
        case .service(let name): (service, path) = (name, part.path)
        case .url(let url): (service, path) = (nil, url)
        }
        log.append(record, requestID: String(decoding: requestID, as: UTF8.self), client: String(decoding: peer, as: UTF8.self),
                   method: part.method, path: path, service: service, instance: instance)
        context.scheduleAccessLogFlush()
    }
}

private extension BatchPartResult.Outcome {
    var answer: BatchPartAnswer? { if case .answer(let a) = self { a } else { nil } }
}
