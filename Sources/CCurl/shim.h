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

// Macros Swift may not import as the types curl's functions take.
static const long SY_CURL_GLOBAL_DEFAULT = CURL_GLOBAL_DEFAULT;
static const int SY_CURL_SOCKET_TIMEOUT = CURL_SOCKET_TIMEOUT;
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
