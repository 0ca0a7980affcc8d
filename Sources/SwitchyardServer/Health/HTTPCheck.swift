import CCurl
import Glibc
import SwitchyardCore

/// The reusable curl easy handle of one `http` target: a `GET` of the target's path.
///
/// Set once and re-added to the multi handle for every try (`configure` again after a reload
/// changed the target). The body is discarded as it arrives.
///
/// Connections are kept alive between rounds (curl's connection cache in the multi handle, as
/// Envoy's `reuse_connection` default): a check is then one request and one response, about a
/// third of the CPU of a fresh connection per check (docs/BENCHMARKS.md), at the price of one idle
/// connection per instance. A dead connection is noticed by curl (and re-opened) before reuse; an
/// upstream that stops accepting is still caught because its kept connection dies with it or the
/// request times out.
final class HTTPCheck {
    /// The `CURL *`.
    let easy: UnsafeMutableRawPointer
    /// The multi handle this handle's transfers run in (always the same one: curl closes the
    /// handle's sockets through it).
    let multi: CurlMulti
    private let pool: CurlMultiPool
    private var headers: UnsafeMutablePointer<curl_slist>?

    /// A handle whose `CURLOPT_PRIVATE` is `owner` (so a finished transfer finds its probe),
    /// for transfers in a multi handle leased from `pool`.
    init(owner: UnsafeMutableRawPointer, pool: CurlMultiPool) throws {
        _ = CurlMulti.globalInit
        guard let h = curl_easy_init() else {
            throw SystemError(call: "curl_easy_init", errno: 0, message: "libcurl could not create an easy handle")
        }
        do {
            multi = try pool.lease()
        } catch {
            curl_easy_cleanup(h)
            throw error
        }
        easy = h
        self.pool = pool
        // Never through an `http_proxy` from the environment: we check the instance itself.
        CurlEasyDefaults.apply(to: h, owner: owner, userAgent: "switchyard-health")
        // URLs carry numeric addresses, so curl's DNS cache saves nothing; but with an entry per
        // instance, curl 7.88 walks the whole cache (a 7-bucket hash) on every lookup and, to
        // prune it, after every transfer. Timeout 0 keeps only the entries of transfers running.
        _ = sy_easy_setopt_long(h, CURLOPT_DNS_CACHE_TIMEOUT, 0)
        _ = sy_easy_setopt_write(h) { _, size, count, _ in size &* count }
        multi.adopt(h)
    }

    deinit {
        curl_easy_cleanup(easy)
        if let headers { curl_slist_free_all(headers) }
        pool.release(multi)
    }

    /// Starts a transfer (see `CurlMulti.add`).
    func start() -> String? { multi.add(easy) }

    /// Abandons a transfer in progress.
    func abandon() { multi.remove(easy) }

    /// Points the handle at `target`: URL on the numeric address, `Host` header, timeout.
    func configure(for target: HealthTarget) {
        _ = sy_easy_setopt_str(easy, CURLOPT_URL, target.checkURL)
        let timeoutMs = max(1, target.config.timeout.nanoseconds / 1_000_000)
        _ = sy_easy_setopt_long(easy, CURLOPT_TIMEOUT_MS, Int(timeoutMs))
        var list: UnsafeMutablePointer<curl_slist>? = nil
        list = curl_slist_append(list, "Host: \(target.hostHeader)")
        _ = sy_easy_setopt_ptr(easy, CURLOPT_HTTPHEADER, list)
        // curl keeps using the list until the next setopt: free the old one only now.
        if let headers { curl_slist_free_all(headers) }
        headers = list
    }

    /// Whether a finished transfer passed, and its detail text: `status 200` (passed when the
    /// status is in `expect`, `200...399` when empty), `connection refused`, `timeout`, or curl's
    /// own message.
    func outcome(of code: CURLcode, expect: [ClosedRange<Int>]) -> (ok: Bool, detail: String) {
        switch code {
        case CURLE_OK:
            var status = 0
            _ = sy_easy_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &status)
            let ranges = expect.isEmpty ? [200...399] : expect
            return (ranges.contains { $0.contains(status) }, CheckDetail.status(status))
        case CURLE_COULDNT_CONNECT:
            var osErrno = 0
            _ = sy_easy_getinfo_long(easy, CURLINFO_OS_ERRNO, &osErrno)
            return (false, CheckDetail.connectError(osErrno == 0 ? ECONNREFUSED : Int32(osErrno)))
        case CURLE_OPERATION_TIMEDOUT:
            return (false, CheckDetail.timeout)
        default:
            return (false, String(cString: curl_easy_strerror(code)))
        }
    }
}

@available(*, unavailable)
extension HTTPCheck: Sendable {}
