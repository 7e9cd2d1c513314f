#include <curl/curl.h>

/* curl_easy_setopt / curl_easy_getinfo are C varargs, which Swift cannot call:
   one typed wrapper per argument type. */
typedef size_t (*swiftrack_curl_data_callback)(char *buffer, size_t size, size_t count, void *context);

static inline CURLcode swiftrack_curl_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode swiftrack_curl_setopt_offset(CURL *handle, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode swiftrack_curl_setopt_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode swiftrack_curl_setopt_pointer(CURL *handle, CURLoption option, void *value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode swiftrack_curl_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode swiftrack_curl_setopt_callback(CURL *handle, CURLoption option, swiftrack_curl_data_callback value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode swiftrack_curl_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}

/* Macros built from other macros are not imported by Swift. */
static inline CURLcode swiftrack_curl_global_init_all(void) {
    return curl_global_init(CURL_GLOBAL_ALL);
}
static inline size_t swiftrack_curl_readfunc_abort(void) {
    return CURL_READFUNC_ABORT;
}
