import CCurl
import CLinuxShims
import Glibc
import SwitchyardCore

/// A batch part to an allowed URL (`multiplex.allow_urls`), through libcurl's multi interface on
/// the worker's loop (`WorkerContext.curl`), HTTPS included.
///
/// Request forgery: the string check was `BatchExchange.start`'s; the address check is here. curl
/// resolves the host, then asks us for each socket it wants to connect (`CURLOPT_OPENSOCKETFUNCTION`)
/// with the address it will connect to: `URLAllowList.allowsConnection` decides, and a refused
/// address gets no socket, so no connection is ever made to it, and the address checked is the one
/// connected (no second lookup can swap it). Redirects are not followed; no proxy from the
/// environment is used; only `http` and `https`.
final class URLPartCall: BatchCall {
    unowned(unsafe) let run: BatchRun
    let index: Int
    let url: TargetURL
    private var easy: UnsafeMutableRawPointer?
    private var transfers: CurlTransfers?
    private var headerList: UnsafeMutablePointer<curl_slist>?
    private var requestBody: [UInt8] = []
    private var body = ByteBuffer(capacity: 0)
    private var headers: [BatchHeader] = []
    private var status = 0
    /// Why an address curl wanted to connect to was refused.
    private var refusal: String?
    private var overLimit = false
    private var ended = false

    /// `scheme://host:port`, the part's answer's `instance`.
    private var origin: String { "\(url.scheme)://\(url.isIPv6 ? "[\(url.host)]" : url.host):\(url.port)" }

    init(run: BatchRun, index: Int, url: TargetURL) {
        self.run = run
        self.index = index
        self.url = url
    }

    deinit { cleanUp() }

    func start(deadline: Instant) {
        guard let transfers = run.context.curl(), let h = curl_easy_init() else {
            finish(.error(BatchPartError(code: "upstream_unavailable", message: "libcurl could not start the call")))
            return
        }
        self.transfers = transfers
        easy = h
        transfers.multi.adopt(h)
        let part = run.request.parts[index]
        let me = Unmanaged.passUnretained(self).toOpaque()
        if case .url(let text) = part.target { _ = sy_easy_setopt_str(h, CURLOPT_URL, text) }
        CurlEasyDefaults.apply(to: h, owner: me, userAgent: "switchyard-batch")
        _ = sy_easy_setopt_str(h, CURLOPT_PROTOCOLS_STR, "http,https")
        if let ca = run.state.config.multiplex?.caFile { _ = sy_easy_setopt_str(h, CURLOPT_CAINFO, ca) }
        let ms = max(1, deadline.nanoseconds(since: run.loop.now) / 1_000_000)
        _ = sy_easy_setopt_long(h, CURLOPT_TIMEOUT_MS, Int(ms))
        _ = sy_easy_setopt_str(h, CURLOPT_CUSTOMREQUEST, part.method)
        if part.method == "HEAD" { _ = sy_easy_setopt_long(h, CURLOPT_NOBODY, 1) }
        var list: UnsafeMutablePointer<curl_slist>? = nil
        var hasContentType = false
        for header in part.headers {
            if header.name.lowercased() == "content-type" { hasContentType = true }
            list = curl_slist_append(list, "\(header.name): \(header.value)")
        }
        if part.body != nil {
            requestBody = run.body(of: index)
            if !hasContentType { list = curl_slist_append(list, "Content-Type: application/json") }
            _ = sy_easy_setopt_offt(h, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(requestBody.count))
            _ = requestBody.withUnsafeBytes { sy_easy_setopt_ptr(h, CURLOPT_COPYPOSTFIELDS, $0.baseAddress) }
        }
        list = curl_slist_append(list, "X-Request-Id: \(String(decoding: run.requestID, as: UTF8.self))")
        list = curl_slist_append(list, "Expect:")
        headerList = list
        _ = sy_easy_setopt_ptr(h, CURLOPT_HTTPHEADER, list)
        _ = sy_easy_setopt_ptr(h, CURLOPT_WRITEDATA, me)
        _ = sy_easy_setopt_write(h) { data, size, count, userp in
            guard let userp, let data else { return 0 }
            return Unmanaged<URLPartCall>.fromOpaque(userp).takeUnretainedValue()
                .received(UnsafeRawBufferPointer(start: data, count: size &* count))
        }
        _ = sy_easy_setopt_ptr(h, CURLOPT_HEADERDATA, me)
        _ = sy_easy_setopt_header(h) { data, size, count, userp in
            guard let userp, let data else { return 0 }
            Unmanaged<URLPartCall>.fromOpaque(userp).takeUnretainedValue()
                .headerLine(UnsafeRawBufferPointer(start: data, count: size &* count))
            return size &* count
        }
        _ = sy_easy_setopt_ptr(h, CURLOPT_OPENSOCKETDATA, me)
        _ = sy_easy_setopt_opensocketfn(h) { clientp, purpose, address in
            guard let clientp, let address else { return SY_CURL_SOCKET_BAD }
            return Unmanaged<URLPartCall>.fromOpaque(clientp).takeUnretainedValue().openSocket(address)
        }
        if let error = transfers.start(h, done: { [unowned self] code in self.done(code) }) {
            finish(.error(BatchPartError(code: "upstream_unavailable", message: "libcurl: \(error)")))
        }
    }

    func cancel() {
        guard !ended else { return }
        ended = true
        cleanUp()
    }

    /// The transfer finished.
    private func done(_ code: CURLcode) {
        guard !ended, let h = easy else { return }
        let outcome: BatchPartResult.Outcome
        if let refusal {
            outcome = .error(.urlNotAllowed(refusal))
        } else if code == CURLE_OK {
            var status = 0
            _ = sy_easy_getinfo_long(h, CURLINFO_RESPONSE_CODE, &status)
            outcome = .answer(BatchPartAnswer(status: status, headers: headers, body: body.readableArray(),
                                              instance: origin))
        } else if overLimit {
            outcome = .error(.answerTooLarge(maxBody: run.maxPartBody))
        } else if code == CURLE_OPERATION_TIMEDOUT {
            outcome = .error(BatchPartError(.upstreamTimeout))
        } else {
            outcome = .error(BatchPartError(code: "upstream_unavailable", message: String(cString: curl_easy_strerror(code))))
        }
        finish(outcome)
    }

    // MARK: curl's callbacks

    private func openSocket(_ address: UnsafeMutablePointer<curl_sockaddr>) -> curl_socket_t {
        var raw = [UInt8](repeating: 0, count: 16)
        let n = raw.withUnsafeMutableBufferPointer { sy_curl_sockaddr_ip(address, $0.baseAddress) }
        let ip = Array(raw.prefix(Int(n)))
        guard n > 0, run.state.batchPolicy?.allowList.allowsConnection(to: ip, for: url) == true else {
            let shown = IPAddress(bytes: ip).map { "\($0)" } ?? "an address of another family"
            refusal = "`\(url.host)` resolves to \(shown), which batch parts may not connect to (loopback, private, link-local or reserved); allow it by listing the IP literal in multiplex.allow_urls"
            return SY_CURL_SOCKET_BAD
        }
        let a = address.pointee
        return socket(a.family, a.socktype | SY_SOCK_CLOEXEC, a.protocol)
    }

    private func received(_ data: UnsafeRawBufferPointer) -> Int {
        if body.readableCount + data.count > run.maxPartBody {
            overLimit = true
            return 0
        }
        body.write(data)
        return data.count
    }

    /// One response header line: a status line starts a new head (after a 1xx), a field is kept
    /// unless it is hop-by-hop or framing.
    private func headerLine(_ line: UnsafeRawBufferPointer) {
        var end = line.count
        while end > 0, line[end - 1] == UInt8(ascii: "\r") || line[end - 1] == UInt8(ascii: "\n") { end -= 1 }
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: line[..<end]), as: UTF8.self)
        if text.hasPrefix("HTTP/") {
            headers.removeAll()
            return
        }
        guard let colon = text.firstIndex(of: ":") else { return }
        let name = String(text[..<colon])
        let value = text[text.index(after: colon)...].trimmingCharacters(in: " \t")
        if BatchPartRules.keepsAnswerHeader(named: name) { headers.append(BatchHeader(name, value)) }
    }

    // MARK: Ending

    private func finish(_ outcome: BatchPartResult.Outcome) {
        guard !ended else { return }
        ended = true
        cleanUp()
        run.partEnded(index, outcome, instance: outcome.isAnswer ? origin : nil, attempts: 1)
    }

    private func cleanUp() {
        if let h = easy {
            transfers?.cancel(h)
            curl_easy_cleanup(h)
            easy = nil
        }
        if let list = headerList {
            curl_slist_free_all(list)
            headerList = nil
        }
    }
}

private extension Substring {
    func trimmingCharacters(in set: String) -> String {
        var s = self
        while let f = s.first, set.contains(f) { s.removeFirst() }
        while let l = s.last, set.contains(l) { s.removeLast() }
        return String(s)
    }
}

private extension BatchPartResult.Outcome {
    var isAnswer: Bool { if case .answer = self { true } else { false } }
}
