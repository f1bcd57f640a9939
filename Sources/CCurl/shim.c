#include "CCurl.h"

CURLcode ccurl_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}

CURLcode ccurl_setopt_off_t(CURL *handle, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(handle, option, value);
}

CURLcode ccurl_setopt_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}

CURLcode ccurl_setopt_pointer(CURL *handle, CURLoption option, void *value) {
    return curl_easy_setopt(handle, option, value);
}

CURLcode ccurl_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value) {
    return curl_easy_setopt(handle, option, value);
}

CURLcode ccurl_setopt_callback(CURL *handle, CURLoption option, ccurl_data_callback callback) {
    return curl_easy_setopt(handle, option, callback);
}

CURLcode ccurl_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}

CURLcode ccurl_getinfo_string(CURL *handle, CURLINFO info, char **value) {
    return curl_easy_getinfo(handle, info, value);
}

size_t ccurl_read_abort(void) {
    return CURL_READFUNC_ABORT;
}

// ---------------------------------------------------------------- one CA store per file

#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

// A store per (file, directory) pair, kept for the life of the process (a run names one or
// two CA files: --ca-file, the system's).
struct ca_store_entry {
    char *file;        // NULL: none
    char *directory;   // NULL: none
    X509_STORE *store; // NULL until first needed
    struct ca_store_entry *next;
};

static pthread_mutex_t ca_store_lock = PTHREAD_MUTEX_INITIALIZER;
static struct ca_store_entry *ca_store_entries;

static int same_name(const char *a, const char *b) {
    return (a == NULL && b == NULL) || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

// The entry for (file, directory), made on first use; NULL when out of memory.
static struct ca_store_entry *ca_store_entry_for(const char *file, const char *directory) {
    pthread_mutex_lock(&ca_store_lock);
    struct ca_store_entry *found = ca_store_entries;
    while (found != NULL && !(same_name(found->file, file) && same_name(found->directory, directory))) found = found->next;
    if (found == NULL) {
        found = calloc(1, sizeof *found);
        char *file_copy = file ? strdup(file) : NULL;
        char *directory_copy = directory ? strdup(directory) : NULL;
        if (found != NULL && (file == NULL || file_copy != NULL) && (directory == NULL || directory_copy != NULL)) {
            found->file = file_copy;
            found->directory = directory_copy;
            found->next = ca_store_entries;
            ca_store_entries = found;
        } else {
            free(found);
            free(file_copy);
            free(directory_copy);
            found = NULL;
        }
    }
    pthread_mutex_unlock(&ca_store_lock);
    return found;
}

// The entry's store, loaded on first use: the file's certificates now, the directory's
// (hashed names, as c_rehash writes them) as each is looked up. NULL: the file is unreadable.
static X509_STORE *ca_store_loaded(struct ca_store_entry *entry) {
    pthread_mutex_lock(&ca_store_lock);
    if (entry->store == NULL) {
        X509_STORE *store = X509_STORE_new();
        int ok = store != NULL;
        if (ok && entry->file != NULL) ok = X509_STORE_load_file(store, entry->file) == 1;
        if (ok && entry->directory != NULL) ok = X509_STORE_load_path(store, entry->directory) == 1;
        if (ok && entry->file == NULL && entry->directory == NULL) ok = X509_STORE_set_default_paths(store) == 1;
        // As libcurl sets on the store it would have made: a certificate of the bundle is a trust
        // anchor even if it is an intermediate (CURLSSLOPT_NO_PARTIALCHAIN unset).
        if (ok) ok = X509_STORE_set_flags(store, X509_V_FLAG_PARTIAL_CHAIN) == 1;
        if (ok) {
            entry->store = store;
        } else {
            X509_STORE_free(store);
        }
    }
    X509_STORE *store = entry->store;
    pthread_mutex_unlock(&ca_store_lock);
    return store;
}

// libcurl calls this with each connection's SSL_CTX, after its own (here empty) CA setup.
static CURLcode ca_store_ssl_ctx(CURL *handle, void *ssl_ctx, void *entry) {
    (void)handle;
    X509_STORE *store = ca_store_loaded(entry);
    if (store == NULL) return CURLE_SSL_CACERT_BADFILE;
    SSL_CTX_set1_cert_store(ssl_ctx, store);  // one more reference: the store outlives the context
    return CURLE_OK;
}

CURLcode ccurl_use_shared_ca_store(CURL *handle, const char *ca_file) {
    const char *file = ca_file;
    const char *directory = NULL;
    if (file == NULL) {
        // libcurl's built-in locations (Debian: /etc/ssl/certs/ca-certificates.crt and /etc/ssl/certs).
        char *built_in_file = NULL, *built_in_directory = NULL;
        if (curl_easy_getinfo(handle, CURLINFO_CAINFO, &built_in_file) == CURLE_OK) file = built_in_file;
        if (curl_easy_getinfo(handle, CURLINFO_CAPATH, &built_in_directory) == CURLE_OK) directory = built_in_directory;
    }
    struct ca_store_entry *entry = ca_store_entry_for(file, directory);
    if (entry == NULL) return CURLE_OUT_OF_MEMORY;
    // A file that cannot be read fails here, before any connection, as libcurl's own setup would.
    if (ca_store_loaded(entry) == NULL) return CURLE_SSL_CACERT_BADFILE;
    CURLcode code = curl_easy_setopt(handle, CURLOPT_SSL_CTX_FUNCTION, ca_store_ssl_ctx);
    if (code != CURLE_OK) return CURLE_NOT_BUILT_IN;
    curl_easy_setopt(handle, CURLOPT_SSL_CTX_DATA, entry);
    // libcurl loads nothing itself: the callback gives the context the shared store.
    curl_easy_setopt(handle, CURLOPT_CAINFO, (char *)NULL);
    curl_easy_setopt(handle, CURLOPT_CAPATH, (char *)NULL);
    return CURLE_OK;
}

