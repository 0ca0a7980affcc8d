import CCurl
import Glibc
import SwitchyardCore

/// One mail about an event (SPEC section 9) through the configured SMTP relay, by libcurl on the
/// control loop: `MAIL FROM`, one `RCPT TO` per recipient, the `MailMessage` as `DATA`. No retries
/// (a relay queues and retries itself); a refused or unreachable relay is a failed run.
///
/// Loop-confined; the easy handle is freed when the delivery ends.
final class EmailDelivery {
    private let transfers: CurlTransfers
    private let easy: UnsafeMutableRawPointer
    private var recipients: UnsafeMutablePointer<curl_slist>?
    private let message: MessageReader
    private let started: Instant
    private let finished: (ReactionOutcome) -> Void

    /// The message's bytes as curl's read callback takes them.
    private final class MessageReader {
        let bytes: [UInt8]
        var offset = 0
        init(_ text: String) { bytes = Array(text.utf8) }
    }

    init?(transfers: CurlTransfers, relay: String, from: String, to: [String], message text: String,
          timeout: Duration, now: Instant, finished: @escaping (ReactionOutcome) -> Void) {
        _ = CurlMulti.globalInit
        guard let h = curl_easy_init() else { return nil }
        self.transfers = transfers
        easy = h
        message = MessageReader(text)
        started = now
        self.finished = finished
        transfers.multi.adopt(h)
        _ = sy_easy_setopt_long(h, CURLOPT_NOSIGNAL, 1)
        _ = sy_easy_setopt_str(h, CURLOPT_URL, relay)
        _ = sy_easy_setopt_str(h, CURLOPT_MAIL_FROM, "<\(from)>")
        var list: UnsafeMutablePointer<curl_slist>? = nil
        for address in to { list = curl_slist_append(list, "<\(address)>") }
        recipients = list
        _ = sy_easy_setopt_ptr(h, CURLOPT_MAIL_RCPT, list)
        _ = sy_easy_setopt_long(h, CURLOPT_UPLOAD, 1)
        _ = sy_easy_setopt_offt(h, CURLOPT_INFILESIZE_LARGE, curl_off_t(message.bytes.count))
        _ = sy_easy_setopt_long(h, CURLOPT_TIMEOUT_MS, max(1, Int(timeout.nanoseconds / 1_000_000)))
        _ = sy_easy_setopt_read(h) { buffer, size, count, userdata in
            guard let buffer, let userdata else { return 0 }
            let reader = Unmanaged<MessageReader>.fromOpaque(userdata).takeUnretainedValue()
            let n = min(size &* count, reader.bytes.count - reader.offset)
            reader.bytes.withUnsafeBytes { src in
                memcpy(buffer, src.baseAddress! + reader.offset, n)
            }
            reader.offset += n
            return n
        }
        _ = sy_easy_setopt_ptr(h, CURLOPT_READDATA, Unmanaged.passUnretained(message).toOpaque())
    }

    deinit {
        curl_easy_cleanup(easy)
        if let recipients { curl_slist_free_all(recipients) }
    }

    /// Sends the mail; `finished` runs on the loop with the outcome.
    func start() {
        if let problem = transfers.start(easy, done: { [self] code in ended(code) }) {
            finished(.failed("cannot start the transfer: \(problem)"))
        }
    }

    private func ended(_ code: CURLcode) {
        var reply = 0
        _ = sy_easy_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &reply)
        let took = ReactionOutcome.elapsed(since: started, now: MonotonicClock.now())
        if code == CURLE_OK {
            finished(.executed("SMTP \(reply) in \(took)"))
        } else {
            let last = reply > 0 ? " (last reply \(reply))" : ""
            finished(.failed("\(String(cString: curl_easy_strerror(code)))\(last) after \(took)"))
        }
    }
}

@available(*, unavailable)
extension EmailDelivery: Sendable {}
