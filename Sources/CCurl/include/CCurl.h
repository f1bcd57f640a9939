#ifndef CCURL_H
#define CCURL_H

#include <curl/curl.h>

// Typed wrappers for libcurl's variadic functions, which Swift cannot call.

typedef size_t (*ccurl_data_callback)(char *buffer, size_t size, size_t count, void *userdata);

CURLcode ccurl_setopt_long(CURL *handle, CURLoption option, long value);
CURLcode ccurl_setopt_off_t(CURL *handle, CURLoption option, curl_off_t value);
CURLcode ccurl_setopt_string(CURL *handle, CURLoption option, const char *value);
CURLcode ccurl_setopt_pointer(CURL *handle, CURLoption option, void *value);
CURLcode ccurl_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value);
CURLcode ccurl_setopt_callback(CURL *handle, CURLoption option, ccurl_data_callback callback);
CURLcode ccurl_getinfo_long(CURL *handle, CURLINFO info, long *value);
CURLcode ccurl_getinfo_string(CURL *handle, CURLINFO info, char **value);

/// CURL_READFUNC_ABORT, which Swift cannot import as a macro of a cast.
size_t ccurl_read_abort(void);

/// Makes `handle`'s TLS connections verify peers against one certificate store per CA file,
/// loaded once for the process and shared by every handle, instead of each handle parsing
/// the bundle again (with OpenSSL 3, some 10 ms of CPU for the system's 140 certificates).
/// `ca_file` NULL: libcurl's built-in bundle and directory. To be set after each
/// curl_easy_reset. Returns CURLE_OK; CURLE_NOT_BUILT_IN when libcurl's TLS backend takes
/// no SSL_CTX callback (then set CURLOPT_CAINFO as usual); CURLE_SSL_CACERT_BADFILE when the
/// file holds no certificate that can be read.
CURLcode ccurl_use_shared_ca_store(CURL *handle, const char *ca_file);

#endif
