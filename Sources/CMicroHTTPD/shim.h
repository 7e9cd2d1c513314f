#include <stdint.h>
#include <string.h>
#include <sys/types.h>
#include <sys/socket.h>
#include <netdb.h>
#include <microhttpd.h>

/* MHD_start_daemon is C varargs, which Swift cannot call: this passes the options as an array. */
typedef void *(*swiftrack_uri_log_cb)(void *cls, const char *uri, struct MHD_Connection *con);

static inline struct MHD_Daemon *swiftrack_mhd_start(
    unsigned int flags, const char *host, uint16_t port,
    MHD_AccessHandlerCallback handler, void *handler_cls,
    MHD_RequestCompletedCallback completed, void *completed_cls,
    swiftrack_uri_log_cb uri_log, void *uri_log_cls,
    unsigned int thread_pool_size, unsigned int connection_limit,
    unsigned int connection_timeout_seconds, size_t connection_memory_limit,
    unsigned int per_ip_connection_limit, int listen_backlog,
    const char *tls_key, const char *tls_cert, const char *tls_key_password, const char *tls_priorities)
{
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    char port_text[8];
    snprintf(port_text, sizeof port_text, "%u", (unsigned) port);
    if (getaddrinfo(host, port_text, &hints, &res) != 0 || res == NULL) return NULL;
    if (res->ai_family == AF_INET6) flags |= MHD_USE_IPv6;
    /* TLS (GnuTLS inside libmicrohttpd) when a key and a certificate are given, in PEM. */
    const int tls = tls_key != NULL && tls_cert != NULL;
    if (tls) flags |= MHD_USE_TLS;

    struct MHD_OptionItem ops[16];
    int n = 0;
#define SWIFTRACK_OPTION(o, v, p) do { ops[n].option = (o); ops[n].value = (intptr_t) (v); ops[n].ptr_value = (void *) (p); n++; } while (0)
    SWIFTRACK_OPTION(MHD_OPTION_SOCK_ADDR, 0, res->ai_addr);
    SWIFTRACK_OPTION(MHD_OPTION_NOTIFY_COMPLETED, completed, completed_cls);
    SWIFTRACK_OPTION(MHD_OPTION_URI_LOG_CALLBACK, uri_log, uri_log_cls);
    SWIFTRACK_OPTION(MHD_OPTION_CONNECTION_LIMIT, connection_limit, NULL);
    SWIFTRACK_OPTION(MHD_OPTION_CONNECTION_TIMEOUT, connection_timeout_seconds, NULL);
    SWIFTRACK_OPTION(MHD_OPTION_CONNECTION_MEMORY_LIMIT, connection_memory_limit, NULL);
    SWIFTRACK_OPTION(MHD_OPTION_LISTEN_BACKLOG_SIZE, listen_backlog, NULL);
    /* 0 means no per-address limit: the option is simply left out. */
    if (per_ip_connection_limit > 0) SWIFTRACK_OPTION(MHD_OPTION_PER_IP_CONNECTION_LIMIT, per_ip_connection_limit, NULL);
    /* A pool of one is no pool: libmicrohttpd warns, so the option is only given for two or more. */
    if (thread_pool_size > 1) SWIFTRACK_OPTION(MHD_OPTION_THREAD_POOL_SIZE, thread_pool_size, NULL);
    if (tls) {
        SWIFTRACK_OPTION(MHD_OPTION_HTTPS_MEM_KEY, 0, tls_key);
        SWIFTRACK_OPTION(MHD_OPTION_HTTPS_MEM_CERT, 0, tls_cert);
        if (tls_key_password) SWIFTRACK_OPTION(MHD_OPTION_HTTPS_KEY_PASSWORD, 0, tls_key_password);
        if (tls_priorities) SWIFTRACK_OPTION(MHD_OPTION_HTTPS_PRIORITIES, 0, tls_priorities);
    }
#undef SWIFTRACK_OPTION
    ops[n].option = MHD_OPTION_END; ops[n].value = 0; ops[n].ptr_value = NULL;
    struct MHD_Daemon *d = MHD_start_daemon(flags, port, NULL, NULL, handler, handler_cls,
                                            MHD_OPTION_ARRAY, ops, MHD_OPTION_END);
    freeaddrinfo(res);
    return d;
}

/* Called from the URI-log callback, which libmicrohttpd 0.9.75 runs after it has found the '?'
 * of the request target and before it splits the query into "GET argument" records: one
 * 56-byte record per argument, allocated in the connection's memory pool. A query of 1,000
 * run_ids filled the 64 KB pool, and then 0.9.75 could not even build its error answer and
 * closed the connection silently. We never read those records (the query is parsed from the
 * target copied in the callback), so the query is emptied in place: its first byte becomes the
 * terminator and libmicrohttpd parses an empty argument list. `uri` points into libmicrohttpd's
 * writable read buffer (the callback's `const` is a promise to callers, not the storage's), and
 * the byte after '?' is at most the terminator that ends the target, so the write stays inside
 * the line. */
static inline void swiftrack_mhd_drop_query_arguments(const char *uri) {
    if (uri == NULL) return;
    char *question = strchr(uri, '?');
    if (question != NULL) question[1] = '\0';
}

/* Whether this libmicrohttpd was built with TLS. */
static inline int swiftrack_mhd_has_tls(void) { return MHD_is_feature_supported(MHD_FEATURE_TLS) == MHD_YES; }

/* The port actually bound (for --port 0). */
static inline uint16_t swiftrack_mhd_bound_port(struct MHD_Daemon *d) {
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    return info ? info->port : 0;
}

/* The client's address as numeric text ("127.0.0.1", "::1"), or "" when unknown. */
static inline void swiftrack_mhd_client_address(struct MHD_Connection *c, char *out, size_t size) {
    out[0] = '\0';
    const union MHD_ConnectionInfo *info = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (info == NULL || info->client_addr == NULL) return;
    socklen_t length = info->client_addr->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
    if (getnameinfo(info->client_addr, length, out, size, NULL, 0, NI_NUMERICHOST) != 0) out[0] = '\0';
}
