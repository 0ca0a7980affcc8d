import CCurl

/// What every easy handle of ours sets the same way: no signals (curl runs on our loops), no
/// redirects, and no proxy or `no_proxy` from the environment (a proxy would hide the address we
/// check and connect to; and `NO_PROXY` would be re-read on every transfer).
enum CurlEasyDefaults {
    static func apply(to h: UnsafeMutableRawPointer, owner: UnsafeMutableRawPointer, userAgent: String) {
        _ = sy_easy_setopt_ptr(h, CURLOPT_PRIVATE, owner)
        _ = sy_easy_setopt_long(h, CURLOPT_NOSIGNAL, 1)
        _ = sy_easy_setopt_long(h, CURLOPT_FOLLOWLOCATION, 0)
        _ = sy_easy_setopt_str(h, CURLOPT_PROXY, "")
        _ = sy_easy_setopt_str(h, CURLOPT_NOPROXY, "*")
        _ = sy_easy_setopt_str(h, CURLOPT_USERAGENT, userAgent)
    }
}
