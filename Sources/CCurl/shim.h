#ifndef SWITCHYARD_CCURL_SHIM_H
#define SWITCHYARD_CCURL_SHIM_H
#include <curl/curl.h>

// curl's setters are variadic, which Swift cannot call: typed wrappers.
static inline CURLcode sy_easy_setopt_long(CURL *h, CURLoption o, long v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode sy_easy_setopt_ptr(CURL *h, CURLoption o, const void *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode sy_easy_setopt_str(CURL *h, CURLoption o, const char *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode sy_easy_setopt_write(CURL *h, size_t (*f)(char *, size_t, size_t, void *)) {
    return curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, f);
}
static inline CURLcode sy_easy_setopt_read(CURL *h, size_t (*f)(char *, size_t, size_t, void *)) {
    return curl_easy_setopt(h, CURLOPT_READFUNCTION, f);
}
static inline CURLcode sy_easy_setopt_closesocketfn(CURL *h, int (*f)(void *, curl_socket_t)) {
    return curl_easy_setopt(h, CURLOPT_CLOSESOCKETFUNCTION, f);
}
static inline CURLcode sy_easy_getinfo_long(CURL *h, CURLINFO i, long *v) { return curl_easy_getinfo(h, i, v); }
static inline CURLcode sy_easy_getinfo_double(CURL *h, CURLINFO i, double *v) { return curl_easy_getinfo(h, i, v); }
static inline CURLcode sy_easy_getinfo_ptr(CURL *h, CURLINFO i, void **v) { return curl_easy_getinfo(h, i, v); }
static inline CURLMcode sy_multi_setopt_long(CURLM *m, CURLMoption o, long v) { return curl_multi_setopt(m, o, v); }
static inline CURLMcode sy_multi_setopt_ptr(CURLM *m, CURLMoption o, void *v) { return curl_multi_setopt(m, o, v); }
static inline CURLMcode sy_multi_setopt_socketfn(CURLM *m, int (*f)(CURL *, curl_socket_t, int, void *, void *)) {
    return curl_multi_setopt(m, CURLMOPT_SOCKETFUNCTION, f);
}
static inline CURLMcode sy_multi_setopt_timerfn(CURLM *m, int (*f)(CURLM *, long, void *)) {
    return curl_multi_setopt(m, CURLMOPT_TIMERFUNCTION, f);
}
static inline CURLcode sy_easy_setopt_offt(CURL *h, CURLoption o, curl_off_t v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode sy_easy_getinfo_offt(CURL *h, CURLINFO i, curl_off_t *v) { return curl_easy_getinfo(h, i, v); }
static inline CURLcode sy_easy_setopt_header(CURL *h, size_t (*f)(char *, size_t, size_t, void *)) {
    return curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, f);
}
static inline CURLcode sy_easy_setopt_opensocketfn(CURL *h, curl_socket_t (*f)(void *, curlsocktype, struct curl_sockaddr *)) {
    return curl_easy_setopt(h, CURLOPT_OPENSOCKETFUNCTION, f);
}
/// The IP address curl is about to connect to: copies its 4 or 16 bytes into `out` and returns how
/// many (0 for another family). Offsets are Linux's `sockaddr_in` (address at 4) and `sockaddr_in6`
/// (at 8); no <netinet/in.h> here, whose types would then belong to this module instead of Glibc's.
static inline int sy_curl_sockaddr_ip(const struct curl_sockaddr *a, unsigned char out[16]) {
    const unsigned char *raw = (const unsigned char *)&a->addr;
    if (a->family == AF_INET) { __builtin_memcpy(out, raw + 4, 4); return 4; }
    if (a->family == AF_INET6) { __builtin_memcpy(out, raw + 8, 16); return 16; }
    return 0;
}

// Macros Swift may not import as the types curl's functions take.
static const long SY_CURL_GLOBAL_DEFAULT = CURL_GLOBAL_DEFAULT;
static const int SY_CURL_SOCKET_TIMEOUT = CURL_SOCKET_TIMEOUT;
static const curl_socket_t SY_CURL_SOCKET_BAD = CURL_SOCKET_BAD;
static const int SY_CURL_POLL_NONE = CURL_POLL_NONE;
static const int SY_CURL_POLL_IN = CURL_POLL_IN;
static const int SY_CURL_POLL_OUT = CURL_POLL_OUT;
static const int SY_CURL_POLL_INOUT = CURL_POLL_INOUT;
static const int SY_CURL_POLL_REMOVE = CURL_POLL_REMOVE;
static const int SY_CURL_CSELECT_IN = CURL_CSELECT_IN;
static const int SY_CURL_CSELECT_OUT = CURL_CSELECT_OUT;
static const int SY_CURL_CSELECT_ERR = CURL_CSELECT_ERR;

/// The result code of a finished transfer (`CURLMsg.data.result`, an anonymous union member).
static inline CURLcode sy_multi_msg_result(const CURLMsg *m) { return m->data.result; }
#endif
