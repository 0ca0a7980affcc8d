import CCurl
import SwitchyardCore

/// One delivery of an event to a webhook (SPEC section 9): a `POST` of the event's JSON (or the
/// filled body template) through libcurl on the control loop, tried again after transport failures
/// and temporary answers as `WebhookAttemptPolicy` says, waiting on the loop's timer between tries.
/// Nothing blocks: a receiver that never answers costs one socket until `timeout`.
///
/// Loop-confined; the easy handle is freed when the delivery ends.
final class WebhookDelivery: EventHandler {
    private let loop: EventLoop
    private let transfers: CurlTransfers
    private let easy: UnsafeMutableRawPointer
    private var headers: UnsafeMutablePointer<curl_slist>?
    private let policy: WebhookAttemptPolicy
    private let finished: (ReactionOutcome) -> Void
    private var attempt = 0
    private var attemptStart: Instant

    /// Sets the handle up; `start()` sends the first attempt. Nil when curl cannot make a handle.
    init?(loop: EventLoop, transfers: CurlTransfers, url: String, headers extra: [(String, String)], body: String,
          timeout: Duration, policy: WebhookAttemptPolicy, finished: @escaping (ReactionOutcome) -> Void) {
        _ = CurlMulti.globalInit
        guard let h = curl_easy_init() else { return nil }
        self.loop = loop
        self.transfers = transfers
        easy = h
        self.policy = policy
        self.finished = finished
        attemptStart = loop.now
        super.init(fd: -1)
        transfers.multi.adopt(h)
        _ = sy_easy_setopt_long(h, CURLOPT_NOSIGNAL, 1)
        _ = sy_easy_setopt_long(h, CURLOPT_FOLLOWLOCATION, 0)
        _ = sy_easy_setopt_str(h, CURLOPT_URL, url)
        _ = sy_easy_setopt_str(h, CURLOPT_USERAGENT, "switchyard-reactions")
        _ = sy_easy_setopt_long(h, CURLOPT_TIMEOUT_MS, max(1, Int(timeout.nanoseconds / 1_000_000)))
        _ = sy_easy_setopt_write(h) { _, size, count, _ in size &* count }
        // Copied by curl: the body's storage need not outlive this call.
        _ = sy_easy_setopt_offt(h, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.utf8.count))
        _ = sy_easy_setopt_str(h, CURLOPT_COPYPOSTFIELDS, body)
        var list: UnsafeMutablePointer<curl_slist>? = nil
        if !extra.contains(where: { $0.0.lowercased() == "content-type" }) {
            list = curl_slist_append(list, "Content-Type: application/json")
        }
        // No `Expect: 100-continue` wait on larger bodies.
        list = curl_slist_append(list, "Expect:")
        for (name, value) in extra { list = curl_slist_append(list, "\(name): \(value)") }
        headers = list
        _ = sy_easy_setopt_ptr(h, CURLOPT_HTTPHEADER, list)
    }

    deinit {
        curl_easy_cleanup(easy)
        if let headers { curl_slist_free_all(headers) }
    }

    /// Sends the next attempt.
    func start() {
        attempt += 1
        attemptStart = loop.now
        if let problem = transfers.start(easy, done: { [self] code in attemptEnded(code) }) {
            finished(.failed("cannot start the request: \(problem)"))
        }
    }

    private func attemptEnded(_ code: CURLcode) {
        let result: WebhookAttemptPolicy.Result
        let took = ReactionOutcome.elapsed(since: attemptStart, now: MonotonicClock.now())
        if code == CURLE_OK {
            var status = 0
            _ = sy_easy_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &status)
            result = .status(status)
        } else {
            result = .transportFailure(String(cString: curl_easy_strerror(code)))
        }
        let text = switch result {
        case .status(let s): "HTTP \(s) in \(took)"
        case .transportFailure(let message): "\(message) after \(took)"
        }
        let tries = attempt == 1 ? "" : " (attempt \(attempt))"
        switch policy.decide(attempt: attempt, result: result) {
        case .succeeded:
            finished(.executed(text + tries))
        case .giveUp:
            finished(.failed(text + (attempt == 1 ? "" : " (\(attempt) attempts)")))
        case .retry(let delay):
            loop.wakeUp(self, at: loop.now + delay)
        }
    }

    override func timerFired(now: Instant) { start() }
}

@available(*, unavailable)
extension WebhookDelivery: Sendable {}
