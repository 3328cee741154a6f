/* server.c — libmicrohttpd glue: accepts requests (thread pool + epoll),
 * collects bodies under a hard cap, finds the route, authenticates and
 * checks the route's permission in one place, calls the handler, and writes
 * the JSON answer with the security headers.  Clean stop: quiesce, then
 * MHD_stop_daemon waits for in-flight requests. */
#include "http/handlers.h"
#include "http/http.h"
#include "http/tls.h"
#include "http/static_cache.h"
#include "app/pwpool.h"
#include "ingest/queue.h" /* event ingestion group commit */
#include "http/incident_writer.h"
#include "util/embed.h"
#include "util/join.h"
#include "util/cidr.h"
#include "util/log.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <strings.h>
#include <errno.h>
#include <gnutls/gnutls.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>

/* One open connection, for the request deadline: from the connection's
 * start (or the end of its previous answer) a request has `request_timeout`
 * seconds to arrive whole, headers and body; activity does not restart the
 * clock, so a client sending one header byte at a time (slowloris) is cut as
 * surely as an idle one.  A connection whose request is being handled or
 * answered (busy) has no deadline here; libmicrohttpd's own idle timeout
 * still applies. */
typedef struct conn_entry {
    struct conn_entry *prev, *next;
    int fd;
    bool busy;
    bool cut;
    struct timespec since;
} conn_entry;

struct od_server {
    od_app *app;
    struct MHD_Daemon *d;
    od_server_opts o;
    od_tls *tls; /* NULL: plain HTTP */
    struct od_ingest *ingest;
    struct od_incw *incw; /* incident creates' group commit */
    /* the request deadline (conn_entry): the open connections, and the
     * thread that cuts the late ones once a second */
    pthread_mutex_t conns_mu;
    pthread_cond_t conns_cv;
    conn_entry *conns;
    pthread_t reaper;
    bool reaper_started, reaper_stop;
    unsigned conn_limit, per_ip_limit;
    od_cidr_list *proxies; /* --trusted-proxy */
};

typedef struct req_state {
    od_req r;
    size_t cap;
    bool too_large;
    bool dispatched;        /* a suspended request is answered on resume */
    bool bad_framing;       /* two lengths, or no or two Hosts (ambiguous_framing): 400, then close */
    bool headers_too_large; /* header fields over HEADER_FIELDS_MAX: 431, then close */
    bool headers_near_full; /* the headers nearly fill the connection's pool (answer_unbuilt) */
    bool queued;            /* an answer was given to libmicrohttpd */
    struct timespec t0;
} req_state;

bool od_server_tls(const od_server *s)
{
    return s->tls != NULL;
}

unsigned od_server_port(const od_server *s)
{
    const union MHD_DaemonInfo *i = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
    return i ? i->port : 0;
}

void od_http_csrf_token(const char *session_token, char out[OD_CSRF_TOKEN_MAX])
{
    static const char key[] = "opsdesk-csrf-token-v1"; /* domain separation, not a secret */
    unsigned char h[32];
    crypto_generichash(h, sizeof h, (const unsigned char *)session_token, strlen(session_token),
                       (const unsigned char *)key, sizeof key - 1);
    sodium_bin2base64(out, OD_CSRF_TOKEN_MAX, h, sizeof h, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

/* The browser session: with no bearer token, the od_session
 * cookie authenticates; a request that may change something must then
 * carry the session's CSRF token in X-CSRF-Token (checked before the
 * handler runs, so a refused request writes nothing). */
static const char *session_cookie(struct MHD_Connection *c)
{
    return MHD_lookup_connection_value(c, MHD_COOKIE_KIND, OD_SESSION_COOKIE);
}

static bool safe_method(const char *m)
{
    return strcmp(m, "GET") == 0 || strcmp(m, "HEAD") == 0;
}

static bool csrf_ok(od_req *r)
{
    const char *h = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "X-CSRF-Token");
    size_t n = strlen(r->csrf);
    return h && strlen(h) == n && sodium_memcmp(h, r->csrf, n) == 0;
}

/* ---- ingestion (suspend/resume, API-key principal) ---- */

struct od_ingest *od_server_ingest(const od_server *s)
{
    return s->ingest;
}

struct od_incw *od_server_incident_writer(const od_server *s)
{
    return s->incw;
}

void od_req_suspend(od_req *r)
{
    r->suspended = true;
    MHD_suspend_connection((struct MHD_Connection *)r->conn);
}

void od_req_resume(od_req *r)
{
    MHD_resume_connection((struct MHD_Connection *)r->conn);
}

/* The wall screen's reads, which a display key may make. */
static bool display_route(const od_req *r)
{
    return strcmp(r->method, "GET") == 0 &&
           (r->route->fn == od_h_dashboard || r->route->fn == od_h_event_stats);
}

/* Ingestion routes take an integration API key and nothing else; a display
 * key reads the wall screen (display_route) and nothing else; an API key
 * works nowhere else.  Returns true when the request may go on. */
static bool auth_api_key(od_server *s, od_req *r, const char *tok)
{
    bool is_key = tok && strncmp(tok, OD_API_KEY_PREFIX, strlen(OD_API_KEY_PREFIX)) == 0;
    if (is_key && (r->route->perm == OD_PERM_INGEST || display_route(r))) {
        if (od_api_key_resolve(s->app, tok, &r->api_key, &r->err) != OD_OK)
            return false;
        bool display = strcmp(r->api_key.integration, OD_API_KEY_DISPLAY) == 0;
        if (display != (r->route->perm != OD_PERM_INGEST)) {
            od_error_set(&r->err, OD_E_FORBIDDEN, NULL,
                         "此 API 密钥不能用于此接口 (permission: this API key does not work on this route)");
            return false;
        }
        snprintf(r->who.username, sizeof r->who.username, "%s:%.50s", display ? "display" : "apikey",
                 r->api_key.name);
        r->authed = true;
        return true;
    }
    if (is_key) {
        od_error_set(&r->err, OD_E_FORBIDDEN, NULL,
                     "API 密钥只能用于事件接入 (permission: API keys work only on the "
                     "event ingestion routes)");
        return false;
    }
    return true;
}

static double since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

static void conn_set_busy(od_server *s, struct MHD_Connection *c, bool busy)
{
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    conn_entry *e = ci ? ci->socket_context : NULL;
    if (!e)
        return;
    pthread_mutex_lock(&s->conns_mu);
    e->busy = busy;
    clock_gettime(CLOCK_MONOTONIC, &e->since);
    pthread_mutex_unlock(&s->conns_mu);
}

static void on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
                          enum MHD_ConnectionNotificationCode toe)
{
    od_server *s = cls;
    if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
        const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
        conn_entry *e = ci ? calloc(1, sizeof *e) : NULL;
        if (!e) /* no deadline for this one; libmicrohttpd's idle timeout still holds */
            return;
        e->fd = ci->connect_fd;
        clock_gettime(CLOCK_MONOTONIC, &e->since);
        pthread_mutex_lock(&s->conns_mu);
        e->next = s->conns;
        if (s->conns)
            s->conns->prev = e;
        s->conns = e;
        pthread_mutex_unlock(&s->conns_mu);
        *socket_context = e;
        return;
    }
    conn_entry *e = *socket_context;
    if (!e)
        return;
    /* libmicrohttpd reports the close before it closes the descriptor, so
     * the reaper never shuts down a descriptor that was reused */
    pthread_mutex_lock(&s->conns_mu);
    if (e->prev)
        e->prev->next = e->next;
    else
        s->conns = e->next;
    if (e->next)
        e->next->prev = e->prev;
    pthread_mutex_unlock(&s->conns_mu);
    free(e);
    *socket_context = NULL;
}

/* Once a second: shut down the sockets of connections past the request
 * deadline.  shutdown() wakes libmicrohttpd's poll, which then closes the
 * connection as any closed by its peer. */
static void *reaper_main(void *arg)
{
    od_server *s = arg;
    pthread_mutex_lock(&s->conns_mu);
    while (!s->reaper_stop) {
        struct timespec wake;
        clock_gettime(CLOCK_REALTIME, &wake);
        wake.tv_sec += 1;
        pthread_cond_timedwait(&s->conns_cv, &s->conns_mu, &wake);
        struct timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        for (conn_entry *e = s->conns; e; e = e->next)
            if (!e->busy && !e->cut && now.tv_sec - e->since.tv_sec >= (time_t)s->o.request_timeout) {
                shutdown(e->fd, SHUT_RDWR);
                e->cut = true;
            }
    }
    pthread_mutex_unlock(&s->conns_mu);
    return NULL;
}

/* Every error answer has the shape {"error":{"code","message","field"}}.
 * od_error keeps its texts valid UTF-8; should packing still fail, the
 * answer carries the code's name as its message rather than no body. */
static void error_body(od_req *r)
{
    od_err code = r->err.code ? r->err.code : OD_E_INTERNAL;
    if (!r->err.message[0])
        snprintf(r->err.message, sizeof r->err.message, "%s", od_err_str(code));
    json_decref(r->resp);
    r->resp = json_pack("{s{ss ss ss?}}", "error", "code", od_err_str(code), "message", r->err.message,
                        "field", r->err.field[0] ? r->err.field : NULL);
    if (!r->resp)
        r->resp = json_pack("{s{ss ss sn}}", "error", "code", od_err_str(code), "message", od_err_str(code),
                            "field");
    free(r->raw);
    r->raw = NULL;
    r->raw_static = NULL;
    r->status = od_err_http(code);
}

static const char *bearer(struct MHD_Connection *c)
{
    const char *h = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
    if (h && strncasecmp(h, "Bearer ", 7) == 0)
        return h + 7;
    return NULL;
}

static void sockaddr_text(const struct sockaddr *sa, char *buf, size_t n)
{
    snprintf(buf, n, "?");
    if (sa && sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, buf, (socklen_t)n);
    else if (sa && sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, buf, (socklen_t)n);
}

#define XFF_HEADERS_MAX 8
typedef struct xff_list {
    const char *v[XFF_HEADERS_MAX];
    int n;
} xff_list;

static enum MHD_Result xff_collect(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
    (void)kind;
    xff_list *l = cls;
    if (value && strcasecmp(key, "X-Forwarded-For") == 0) {
        if (l->n == XFF_HEADERS_MAX) /* keep the last ones: the nearest proxies wrote them */
            memmove(l->v, l->v + 1, sizeof l->v[0] * (XFF_HEADERS_MAX - 1)), l->n--;
        l->v[l->n++] = value;
    }
    return MHD_YES;
}

/* The client's address: the TCP peer, unless the peer is a trusted proxy
 * (--trusted-proxy); then X-Forwarded-For is read from its right end, hop
 * by hop, while the hop just taken is trusted: the first address not
 * trusted is the client (a client cannot choose it by sending its own
 * header, since the proxies append to it).  A hop that is not an address
 * ends the walk at the proxy that wrote it. */
static void client_addr(od_server *s, struct MHD_Connection *c, char *buf, size_t n)
{
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    sockaddr_text(ci ? ci->client_addr : NULL, buf, n);
    if (!ci || !ci->client_addr || !od_cidr_has(s->proxies, ci->client_addr))
        return;
    xff_list l = {.n = 0};
    MHD_get_connection_values(c, MHD_HEADER_KIND, xff_collect, &l);
    for (int h = l.n - 1; h >= 0; h--) {
        const char *v = l.v[h], *end = v + strlen(v);
        while (end > v) {
            const char *start = end;
            while (start > v && start[-1] != ',')
                start--;
            const char *a = start, *b = end;
            while (a < b && (*a == ' ' || *a == '\t'))
                a++;
            while (b > a && (b[-1] == ' ' || b[-1] == '\t'))
                b--;
            char hop[64];
            unsigned char bin[16];
            if (b - a <= 0 || (size_t)(b - a) >= sizeof hop)
                return;
            memcpy(hop, a, (size_t)(b - a));
            hop[b - a] = '\0';
            if (inet_pton(AF_INET, hop, bin) != 1 && inet_pton(AF_INET6, hop, bin) != 1)
                return;
            snprintf(buf, n, "%s", hop);
            if (!od_cidr_has_text(s->proxies, hop))
                return;
            end = start > v ? start - 1 : v;
        }
    }
}

/* libmicrohttpd's own messages, as our log records. */
static void mhd_log(void *cls, const char *fmt, va_list ap)
{
    (void)cls;
    char msg[512];
    vsnprintf(msg, sizeof msg, fmt, ap);
    size_t len = strlen(msg);
    while (len && (msg[len - 1] == '\n' || msg[len - 1] == '\r'))
        msg[--len] = '\0';
    const char *kv[] = {"component", "libmicrohttpd", NULL};
    od_log_kv(OD_LOG_WARN, msg, kv);
}

/* One access-log line per answer: no query string, and no token from an
 * acknowledgement link's path. */
static void access_log(od_server *s, req_state *st, size_t bytes)
{
    od_req *r = &st->r;
    bool quiet = strcmp(r->path, "/healthz") == 0 || strcmp(r->path, "/metrics") == 0;
    if (!od_log_enabled(quiet ? OD_LOG_DEBUG : OD_LOG_INFO))
        return;
    if (!r->who.addr[0])
        client_addr(s, r->conn, r->who.addr, sizeof r->who.addr);
    char status[8], size[24], ms[32];
    snprintf(status, sizeof status, "%d", r->status);
    snprintf(size, sizeof size, "%zu", bytes);
    snprintf(ms, sizeof ms, "%.1f", since(&st->t0) * 1000.0);
    const char *path = strncmp(r->path, "/ack/", 5) == 0 ? "/ack/{token}" : r->path;
    const char *kv[] = {
        "method", r->method, "path", path,   "status",    status, "bytes",
        size,     "ms",      ms,     "addr", r->who.addr, "user", r->who.username[0] ? r->who.username : NULL,
        NULL};
    od_log_kv(quiet ? OD_LOG_DEBUG : OD_LOG_INFO, "access", kv);
}

/* "application/x-www-form-urlencoded", parameters allowed. */
static bool form_content_type(struct MHD_Connection *c)
{
    const char *h = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type");
    static const char want[] = "application/x-www-form-urlencoded";
    while (h && (*h == ' ' || *h == '\t'))
        h++;
    return h && strncasecmp(h, want, sizeof want - 1) == 0 &&
           (h[sizeof want - 1] == 0 || h[sizeof want - 1] == ';' || h[sizeof want - 1] == ' ');
}

/* A request body on an API route must be declared JSON: "application/json",
 * parameters (charset) allowed.  A cross-site <form enctype="text/plain">
 * cannot send that type, which closes login CSRF by form. */
static bool json_content_type(struct MHD_Connection *c)
{
    const char *h = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type");
    if (!h)
        return false;
    while (*h == ' ' || *h == '\t')
        h++;
    static const char want[] = "application/json";
    if (strncasecmp(h, want, sizeof want - 1) != 0)
        return false;
    h += sizeof want - 1;
    while (*h == ' ' || *h == '\t')
        h++;
    return *h == 0 || *h == ';';
}

/* Each connection's memory pool: the request's headers and libmicrohttpd's
 * read and write buffers (a body is copied out in chunks, so its size does
 * not depend on this).  libmicrohttpd zeroes the whole pool before each
 * request of a kept-alive connection, so its size is paid per request:
 * 64 -> 16 KiB took one-alert requests from 32-33 k to 34-38 k per second
 * (bench/events_vs_alertmanager.sh, distinct 1/req c32, alternating runs);
 * above 32 KiB libmicrohttpd also maps each pool with mmap.
 * The pool is twice HEADER_FIELDS_MAX.  Up to HEADER_FIELDS_MAX bytes of
 * header fields (the Cookie field counted twice: libmicrohttpd keeps a
 * parsed copy) and HEADER_FIELDS_COUNT_MAX fields, a request is served;
 * above, while the headers fit the pool, it is answered 431 with the usual
 * JSON error; headers larger than the pool get libmicrohttpd's own 431 (an
 * HTML body); headers that fit it but leave no room for the answer get
 * answer_unbuilt's 431 (libmicrohttpd alone closed the connection without
 * an answer: a 16 KB cookie did so with a 16 KiB pool)
 * (tests/api/test_header_limits.py). */
#define HEADER_FIELDS_MAX ((size_t)16 * 1024)
#define HEADER_FIELDS_COUNT_MAX 100
#define CONN_MEMORY (2 * HEADER_FIELDS_MAX)
/* headers this close to CONN_MEMORY may leave no room for the answer */
#define NEAR_FULL_MARGIN ((size_t)4096)

typedef struct framing {
    unsigned content_length, transfer_encoding, host;
    size_t bytes;  /* the header fields as sent, "name: value\r\n" each, the Cookie field twice */
    size_t fields; /* how many */
} framing;

static enum MHD_Result count_framing(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
    (void)kind;
    (void)value;
    framing *f = cls;
    size_t vl = value ? strlen(value) : 0;
    /* libmicrohttpd keeps a parsed copy of the cookies in the same pool */
    f->bytes += strlen(key) + vl + 4 + (strcasecmp(key, "Cookie") == 0 ? vl : 0);
    f->fields++;
    if (strcasecmp(key, "Content-Length") == 0)
        f->content_length++;
    else if (strcasecmp(key, "Transfer-Encoding") == 0)
        f->transfer_encoding++;
    else if (strcasecmp(key, "Host") == 0)
        f->host++;
    return MHD_YES;
}

/* RFC 9112 section 6.3: a message with two Content-Length fields, two
 * Transfer-Encoding fields, or both kinds has no trustworthy length; a proxy
 * in front may frame it otherwise (request smuggling).  Section 3.2: an
 * HTTP/1.1 request has exactly one Host, an older one at most one.  Refused
 * with 400, and the connection is closed after the answer. */
static bool ambiguous_framing(struct MHD_Connection *c, const char *version, size_t *header_bytes,
                              size_t *fields)
{
    framing f = {0, 0, 0, 0, 0};
    MHD_get_connection_values(c, MHD_HEADER_KIND, count_framing, &f);
    *header_bytes = f.bytes;
    *fields = f.fields;
    bool http11 = version && strcmp(version, MHD_HTTP_VERSION_1_1) == 0;
    return f.content_length > 1 || f.transfer_encoding > 1 || (f.content_length && f.transfer_encoding) ||
           f.host > 1 || (http11 && f.host == 0);
}

/* GET /metrics: open with --metrics-public or to the metrics token
 * ($OPSDESK_METRICS_TOKEN) as a bearer token; else the route's permission
 * (config.write: a system administrator's session).  Returns the permission
 * the request still needs. */
static od_perm metrics_perm(od_server *s, od_req *r)
{
    if (s->o.metrics_public)
        return OD_PERM_PUBLIC;
    const char *tok = bearer(r->conn);
    const char *want = s->o.metrics_token;
    if (tok && want && *want && strlen(tok) == strlen(want) && sodium_memcmp(tok, want, strlen(want)) == 0)
        return OD_PERM_PUBLIC;
    return r->route->perm;
}

/* The embedded web UI: GET (or HEAD) of a non-API path serves web/<path>
 * ("/" → index.html), then the vendored files (vendor/echarts.min.js).
 * Each answer carries an ETag of its bytes; a browser revalidating with
 * If-None-Match gets 304 and no body, so echarts (1 MB) is not downloaded
 * again on every load.  Text files go out brotli- or gzip-compressed when
 * Accept-Encoding allows (compressed once, static_cache.c), with
 * Vary: Accept-Encoding. */
static bool static_file(od_req *r)
{
    if ((strcmp(r->method, "GET") != 0 && strcmp(r->method, "HEAD") != 0) ||
        strncmp(r->path, "/api/", 5) == 0)
        return false;
    const char *name = strcmp(r->path, "/") == 0 ? "index.html" : r->path + 1;
    const struct od_embedded_file *f = od_embed_find(od_embedded_web, name);
    if (!f)
        f = od_embed_find(od_embedded_vendor, name);
    if (!f)
        return false;
    static const struct {
        const char *ext, *type;
    } types[] = {{".html", "text/html; charset=utf-8"},
                 {".js", "text/javascript; charset=utf-8"},
                 {".css", "text/css; charset=utf-8"},
                 {".svg", "image/svg+xml"},
                 {".png", "image/png"},
                 {".json", "application/json"}};
    r->content_type = "application/octet-stream";
    const char *dot = strrchr(name, '.');
    for (size_t i = 0; dot && i < sizeof types / sizeof *types; i++)
        if (strcmp(dot, types[i].ext) == 0)
            r->content_type = types[i].type;
    /* the bytes in the best coding the browser accepts (computed once per file) */
    const od_static_entry *e = od_static_entry_of(f, r->content_type);
    const char *accept = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Accept-Encoding");
    const char *coding = NULL;
    r->raw_static = (const char *)f->data;
    r->raw_len = f->len;
    if (e->br && od_accepts_encoding(accept, "br")) {
        coding = "br";
        r->raw_static = (const char *)e->br;
        r->raw_len = e->br_len;
    } else if (e->gz && od_accepts_encoding(accept, "gzip")) {
        coding = "gzip";
        r->raw_static = (const char *)e->gz;
        r->raw_len = e->gz_len;
    }
    /* each coding is its own representation, so its own strong ETag */
    char etag[32];
    snprintf(etag, sizeof etag, "\"%s%s%s\"", e->etag, coding ? "-" : "", coding ? coding : "");
    snprintf(r->extra_header[0], sizeof r->extra_header[0], "ETag: %s", etag);
    if (coding)
        snprintf(r->extra_header[1], sizeof r->extra_header[1], "Content-Encoding: %s", coding);
    r->static_file = true;
    const char *inm = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "If-None-Match");
    if (inm && strstr(inm, etag)) {
        r->status = 304;
        r->raw_static = "";
        r->raw_len = 0;
        r->extra_header[1][0] = 0;
    }
    return true;
}

/* The 431 text (dispatch and answer_unbuilt). */
static const char *headers_message(char *buf, size_t n)
{
    snprintf(buf, n,
             "请求头字段合计超过 %zu 字节或多于 %d 个（Cookie 计两次；常见原因：过大或过多的 Cookie） "
             "(request header fields over %zu bytes in all, the Cookie field counted twice, or more "
             "than %d of them; often cookies too large or too many)",
             HEADER_FIELDS_MAX, HEADER_FIELDS_COUNT_MAX, HEADER_FIELDS_MAX, HEADER_FIELDS_COUNT_MAX);
    return buf;
}

static void dispatch(od_server *s, req_state *st)
{
    od_req *r = &st->r;
    if (st->headers_too_large) {
        char m[sizeof r->err.message];
        od_error_set(&r->err, OD_E_TOO_LARGE, "headers", "%s", headers_message(m, sizeof m));
        return;
    }
    if (st->bad_framing) {
        od_error_set(&r->err, OD_E_INVALID, NULL,
                     "请求头有歧义：Content-Length / Transfer-Encoding 重复或并存，或 Host "
                     "缺失或重复 (ambiguous request: repeated Content-Length or "
                     "Transfer-Encoding, or both, or a missing or repeated Host)");
        return;
    }
    bool path_matched = false;
    r->route = od_route_match(r->method, r->path, r->ids, &r->n_ids, &path_matched);
    if (!r->route && !path_matched && static_file(r))
        return;
    if (!r->route) {
        if (path_matched)
            od_error_set(&r->err, OD_E_METHOD, NULL, "方法不允许 (method %s not allowed here)", r->method);
        else
            od_error_set(&r->err, OD_E_NOT_FOUND, NULL, "没有这个接口 (no such route: %s)", r->path);
        return;
    }
    if (r->route->perm == OD_PERM_TEST_CLOCK && !s->o.test_clock) {
        od_error_set(&r->err, OD_E_NOT_FOUND, NULL, "没有这个接口 (no such route: %s)", r->path);
        return;
    }
    client_addr(s, r->conn, r->who.addr, sizeof r->who.addr);
    od_perm perm = r->route->fn == od_h_metrics ? metrics_perm(s, r) : r->route->perm;
    if (perm != OD_PERM_PUBLIC && perm != OD_PERM_TEST_CLOCK) {
        char addr[64];
        memcpy(addr, r->who.addr, sizeof addr);
        const char *tok = bearer(r->conn);
        if (!auth_api_key(s, r, tok))
            return;
        if (!r->authed) {
            if (!tok && (tok = session_cookie(r->conn)) != NULL) {
                r->via_cookie = true;
                od_http_csrf_token(tok, r->csrf);
            }
            if (od_auth_resolve(s->app, tok, &r->who, &r->err) != OD_OK)
                return;
        }
        memcpy(r->who.addr, addr, sizeof addr);
        if (r->api_key.id == 0 && perm == OD_PERM_INGEST) {
            od_error_set(&r->err, OD_E_FORBIDDEN, NULL,
                         "没有权限 ingest：事件接入需要集成 API 密钥 (permission ingest "
                         "needs an integration API key, not a user session)");
            return;
        }
        r->authed = true;
        if (r->via_cookie && !safe_method(r->method) && !csrf_ok(r)) {
            od_error_set(&r->err, OD_E_FORBIDDEN, "X-CSRF-Token",
                         "缺少或错误的 CSRF 令牌 (missing or wrong X-CSRF-Token for a cookie session)");
            return;
        }
        /* an initial password is changed before anything else: only who am
         * I, the password change and signing out answer until then */
        if (r->who.must_change_password && r->route->fn != od_h_me && r->route->fn != od_h_password &&
            r->route->fn != od_h_logout) {
            od_error_set(&r->err, OD_E_PW_CHANGE, "new_password",
                         "请先修改初始密码 (change your initial password first: POST /api/v1/auth/password)");
            return;
        }
        if (r->api_key.id == 0 && !od_roles_allow(r->who.roles, perm)) {
            /* people read the roles' names; the keys are for the English
             * part, left out when both would not fit in one message */
            char roles[768], names[1024];
            od_join rj = od_join_start(roles, sizeof roles, ", ");
            od_join nj = od_join_start(names, sizeof names, "、");
            od_roleset need = od_perm_roles(perm);
            for (int i = 0; i < OD_ROLE__COUNT; i++)
                if (need & OD_ROLEBIT(i)) {
                    od_join_add(&rj, od_role_key((od_role)i));
                    od_join_add(&nj, od_role_name_zh((od_role)i));
                }
            if (strlen(names) + strlen(roles) + 128 < OD_ERR_MSG_MAX)
                od_error_set(&r->err, OD_E_FORBIDDEN, NULL,
                             "没有权限：此操作需要以下角色之一：%s (permission %s needs one of: %s)", names,
                             od_perm_key(perm), roles);
            else
                od_error_set(
                    &r->err, OD_E_FORBIDDEN, NULL,
                    "没有权限：此操作需要以下角色之一：%s (permission %s needs one of the roles named)",
                    names, od_perm_key(perm));
            return;
        }
    }
    if (st->too_large) {
        od_error_set(&r->err, OD_E_TOO_LARGE, NULL, "请求体超过 %zu 字节 (request body over %zu bytes)",
                     st->cap, st->cap);
        return;
    }
    if (r->body_len > 0 && strncmp(r->path, "/api/", 5) == 0 && !json_content_type(r->conn)) {
        od_error_set(&r->err, OD_E_MEDIA_TYPE, "Content-Type",
                     "请求体须以 Content-Type: application/json 发送 (the body must be sent as Content-Type: "
                     "application/json)");
        return;
    }
    /* the decide-link page posts an HTML form (h_ack.c parses it) */
    bool form = strncmp(r->path, "/approve/", 9) == 0 && form_content_type(r->conn);
    if (r->body_len > 0 && !form) {
        json_error_t je;
        r->json = json_loadb(r->body, r->body_len, JSON_REJECT_DUPLICATES, &je);
        if (!r->json) {
            od_error_set(&r->err, OD_E_INVALID, NULL,
                         "JSON 格式错误 (malformed JSON at line %d column %d: %s)", je.line, je.column,
                         je.text);
            return;
        }
    }
    od_err rc = r->route->fn(r);
    if (rc && !r->err.code)
        od_error_set(&r->err, rc, NULL, "%s", od_err_str(rc));
}

static enum MHD_Result respond(od_server *s, req_state *st)
{
    od_req *r = &st->r;
    if (r->err.code)
        error_body(r);
    if (st->headers_too_large)
        r->status = 431; /* Request Header Fields Too Large (RFC 6585) */
    const char *data = NULL;
    size_t len = 0;
    char *dumped = NULL;
    enum MHD_ResponseMemoryMode mode = MHD_RESPMEM_PERSISTENT;
    if (r->resp) {
        dumped = json_dumps(r->resp, JSON_COMPACT | JSON_ENCODE_ANY);
        if (!dumped)
            dumped = strdup(
                "{\"error\":{\"code\":\"out_of_memory\",\"message\":\"out of memory\",\"field\":null}}");
        data = dumped;
        len = dumped ? strlen(dumped) : 0;
        mode = MHD_RESPMEM_MUST_FREE;
        if (!r->content_type)
            r->content_type = "application/json; charset=utf-8";
    } else if (r->raw) {
        data = r->raw;
        len = r->raw_len;
        r->raw = NULL;
        mode = MHD_RESPMEM_MUST_FREE;
    } else if (r->raw_static) {
        data = r->raw_static;
        len = r->raw_len;
    }
    struct MHD_Response *resp = MHD_create_response_from_buffer(len, (void *)(uintptr_t)data, mode);
    if (!resp) {
        if (mode == MHD_RESPMEM_MUST_FREE)
            free((void *)(uintptr_t)data);
        return MHD_NO;
    }
    if (r->content_type)
        MHD_add_response_header(resp, "Content-Type", r->content_type);
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(resp, "X-Frame-Options", "DENY");
    if (s->tls) /* HTTPS: browsers keep to HTTPS for a year */
        MHD_add_response_header(resp, "Strict-Transport-Security", "max-age=31536000");
    if (strncmp(r->path, "/api/", 5) == 0) {
        MHD_add_response_header(resp, "Cache-Control", "no-store");
        char now[24]; /* the server's clock (the test clock too), for the UI's countdowns */
        snprintf(now, sizeof now, "%lld", (long long)od_app_now(s->app));
        MHD_add_response_header(resp, "X-Opsdesk-Now", now);
        /* API answers are data; the report export is HTML without scripts */
        MHD_add_response_header(resp, "Content-Security-Policy",
                                "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
                                "frame-ancestors 'none'; base-uri 'none'; form-action 'none'");
    } else {
        /* a link token in the path (/ack/...) is not kept by caches */
        MHD_add_response_header(resp, "Cache-Control",
                                strncmp(r->path, "/ack/", 5) == 0 || strncmp(r->path, "/approve/", 9) == 0
                                    ? "no-store"
                                    : "no-cache");
        if (r->static_file) /* names are not hashed: kept, but revalidated (ETag) */
            MHD_add_response_header(resp, "Vary", "Accept-Encoding");
        MHD_add_response_header(resp, "Content-Security-Policy",
                                "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
                                "frame-ancestors 'none'; base-uri 'none'; form-action 'self'");
    }
    for (int i = 0; i < 2; i++) {
        char *colon = strchr(r->extra_header[i], ':');
        if (colon) {
            *colon = 0;
            MHD_add_response_header(resp, r->extra_header[i], colon + 1 + (colon[1] == ' '));
        }
    }
    if ((r->status == 429 || r->status == 503) && r->err.retry_after > 0) {
        char ra[16];
        snprintf(ra, sizeof ra, "%d", r->err.retry_after);
        MHD_add_response_header(resp, "Retry-After", ra);
    }
    if (r->status == 401)
        MHD_add_response_header(resp, "WWW-Authenticate", "Bearer realm=\"opsdesk\"");
    if (st->too_large || st->bad_framing || st->headers_too_large)
        MHD_add_response_header(resp, "Connection", "close");
    enum MHD_Result ret = MHD_queue_response(r->conn, (unsigned)r->status, resp);
    st->queued = ret == MHD_YES;
    MHD_destroy_response(resp);
    size_t idx = r->route ? (size_t)(r->route - od_routes) : od_routes_count();
    od_metrics_observe(idx, r->status, since(&st->t0));
    access_log(s, st, len);
    return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
                                  const char *version, const char *upload_data, size_t *upload_size,
                                  void **con_cls)
{
    od_server *s = cls;
    req_state *st = *con_cls;
    if (!st) {
        st = calloc(1, sizeof *st);
        if (!st)
            return MHD_NO;
        clock_gettime(CLOCK_MONOTONIC, &st->t0);
        st->cap = s->o.body_max;
        st->r.app = s->app;
        st->r.srv = s;
        st->r.method = method;
        st->r.path = url;
        st->r.conn = conn;
        st->r.status = 200;
        const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Length");
        if (cl && strtoull(cl, NULL, 10) > st->cap)
            st->too_large = true;
        size_t header_bytes = 0, fields = 0;
        st->bad_framing = ambiguous_framing(conn, version, &header_bytes, &fields);
        st->headers_near_full = header_bytes >= CONN_MEMORY - NEAR_FULL_MARGIN;
        *con_cls = st;
        if (header_bytes > HEADER_FIELDS_MAX || fields > HEADER_FIELDS_COUNT_MAX) {
            /* answered at once: no body is read into a pool the headers filled */
            st->headers_too_large = true;
            st->dispatched = true;
            conn_set_busy(s, conn, true);
            dispatch(s, st);
            return respond(s, st);
        }
        return MHD_YES;
    }
    if (*upload_size) {
        if (!st->too_large) {
            if (st->r.body_len + *upload_size > st->cap) {
                st->too_large = true;
                free(st->r.body);
                st->r.body = NULL;
                st->r.body_len = 0;
            } else {
                char *nb = realloc(st->r.body, st->r.body_len + *upload_size + 1);
                if (!nb)
                    return MHD_NO;
                memcpy(nb + st->r.body_len, upload_data, *upload_size);
                st->r.body = nb;
                st->r.body_len += *upload_size;
                nb[st->r.body_len] = 0;
            }
        }
        *upload_size = 0;
        return MHD_YES;
    }
    if (st->dispatched) { /* resumed after its group commit */
        if (st->r.on_resume)
            st->r.on_resume(&st->r);
        return respond(s, st);
    }
    st->dispatched = true;
    conn_set_busy(s, conn, true); /* the request is whole: its deadline is met */
    dispatch(s, st);
    if (st->r.suspended)
        return MHD_YES;
    return respond(s, st);
}

/* libmicrohttpd 0.9.75 builds an answer's status line and header fields in
 * the connection's pool.  Headers that nearly fill it leave no room, and it
 * then closes the connection with no answer at all ("failed to create
 * response header").  Such a request (its headers within NEAR_FULL_MARGIN
 * of CONN_MEMORY, its answer queued, the connection ended in error) gets
 * this 431 written to the socket or the TLS session before libmicrohttpd
 * closes it.  An answer already under way ends in error only when the
 * socket failed, and then this write fails too. */
static void answer_unbuilt(struct MHD_Connection *c)
{
    char text[512], body[640], msg[1024];
    /* the text has no character JSON escapes */
    int bl = snprintf(body, sizeof body,
                      "{\"error\":{\"code\":\"too_large\",\"message\":\"%s\",\"field\":\"headers\"}}",
                      headers_message(text, sizeof text));
    if (bl <= 0 || (size_t)bl >= sizeof body)
        return;
    int n = snprintf(msg, sizeof msg,
                     "HTTP/1.1 431 Request Header Fields Too Large\r\nContent-Type: application/json; "
                     "charset=utf-8\r\nContent-Length: %d\r\nConnection: close\r\nCache-Control: no-store\r\n"
                     "X-Content-Type-Options: nosniff\r\n\r\n%s",
                     bl, body);
    if (n <= 0 || (size_t)n >= sizeof msg)
        return;
    const union MHD_ConnectionInfo *tls = MHD_get_connection_info(c, MHD_CONNECTION_INFO_GNUTLS_SESSION);
    if (tls && tls->tls_session) {
        (void)gnutls_record_send((gnutls_session_t)tls->tls_session, msg, (size_t)n);
        return;
    }
    const union MHD_ConnectionInfo *fd = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
    if (fd)
        (void)send(fd->connect_fd, msg, (size_t)n, MSG_NOSIGNAL | MSG_DONTWAIT);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    conn_set_busy(cls, conn, false); /* the next request's deadline starts now */
    req_state *st = *con_cls;
    if (!st)
        return;
    if (toe == MHD_REQUEST_TERMINATED_WITH_ERROR && st->queued && st->headers_near_full)
        answer_unbuilt(conn);
    json_decref(st->r.json);
    json_decref(st->r.resp);
    free(st->r.body);
    free(st->r.raw);
    free(st);
    *con_cls = NULL;
}

static bool is_loopback(const struct sockaddr_storage *ss)
{
    if (ss->ss_family == AF_INET)
        return (ntohl(((const struct sockaddr_in *)(const void *)ss)->sin_addr.s_addr) >> 24) == 127;
    if (ss->ss_family == AF_INET6)
        return IN6_IS_ADDR_LOOPBACK(&((const struct sockaddr_in6 *)(const void *)ss)->sin6_addr);
    return false;
}

static od_err parse_listen(const char *listen, struct sockaddr_storage *ss, od_error *e)
{
    memset(ss, 0, sizeof *ss);
    char host[128];
    const char *colon = strrchr(listen ? listen : "", ':');
    if (!colon || (size_t)(colon - listen) >= sizeof host)
        return od_error_set(e, OD_E_INVALID, "listen",
                            "监听地址须为 HOST:PORT (listen address must be HOST:PORT): %s",
                            listen ? listen : "");
    memcpy(host, listen, (size_t)(colon - listen));
    host[colon - listen] = 0;
    char *end;
    long port = strtol(colon + 1, &end, 10);
    if (*end || port < 0 || port > 65535)
        return od_error_set(e, OD_E_INVALID, "listen", "端口无效 (bad port): %s", colon + 1);
    char *h = host;
    if (h[0] == '[') {
        h++;
        h[strlen(h) - 1] = 0;
    }
    struct sockaddr_in *in4 = (struct sockaddr_in *)ss;
    struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;
    if (inet_pton(AF_INET, h, &in4->sin_addr) == 1) {
        in4->sin_family = AF_INET;
        in4->sin_port = htons((uint16_t)port);
    } else if (inet_pton(AF_INET6, h, &in6->sin6_addr) == 1) {
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons((uint16_t)port);
    } else {
        return od_error_set(e, OD_E_INVALID, "listen", "主机须为 IP 地址 (host must be an IP address): %s",
                            h);
    }
    return OD_OK;
}

/* Connections are bounded by descriptors: the soft RLIMIT_NOFILE goes up
 * to the hard one, and the global limit leaves FD_RESERVE descriptors for
 * the database, TLS files and notification sockets.  One address may hold
 * per_ip_limit of them, well below the global limit, so a client hoarding
 * connections leaves room for alert intake and everyone else. */
#define FD_RESERVE 256u
#define CONN_LIMIT_MAX 16384u

static void conn_limits(od_server *s)
{
    struct rlimit rl;
    rlim_t soft = 1024;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
        soft = rl.rlim_cur;
        if (rl.rlim_cur < rl.rlim_max) {
            rl.rlim_cur = rl.rlim_max;
            if (setrlimit(RLIMIT_NOFILE, &rl) == 0)
                soft = rl.rlim_max;
        }
    }
    unsigned limit = soft > CONN_LIMIT_MAX + FD_RESERVE ? CONN_LIMIT_MAX : (unsigned)soft;
    limit = limit > 2 * FD_RESERVE ? limit - FD_RESERVE : limit / 2;
    s->conn_limit = limit;
    if (s->o.per_ip_limit > limit / 2) {
        od_warn("每地址连接上限 %u 高于总上限 %u 的一半，已降为 %u (per-address connection limit %u is over "
                "half the "
                "global limit %u; lowered to %u)",
                s->o.per_ip_limit, limit, limit / 2, s->o.per_ip_limit, limit, limit / 2);
        s->o.per_ip_limit = limit / 2;
    }
}

od_err od_server_start(od_app *app, const od_server_opts *o, od_server **out, od_error *e)
{
    *out = NULL;
    struct sockaddr_storage ss;
    od_err rc = parse_listen(o->listen, &ss, e);
    if (rc)
        return rc;
    if (o->test_clock && !is_loopback(&ss))
        return od_error_set(
            e, OD_E_INVALID, "test-clock",
            "--test-clock 只允许在回环地址上使用 (--test-clock is refused unless listening on loopback)");
    od_server *s = calloc(1, sizeof *s);
    if (!s)
        return od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    s->app = app;
    s->o = *o;
    if (!s->o.body_max)
        s->o.body_max = OD_BODY_MAX_DEFAULT;
    if (!s->o.threads)
        s->o.threads = 4;
    if (!s->o.per_ip_limit)
        s->o.per_ip_limit = OD_PER_IP_DEFAULT;
    if (!s->o.request_timeout)
        s->o.request_timeout = OD_REQUEST_TIMEOUT_DEFAULT;
    pthread_mutex_init(&s->conns_mu, NULL);
    pthread_cond_init(&s->conns_cv, NULL);
    conn_limits(s);
    s->o.trusted_proxies = NULL; /* the caller's string: parsed now, not kept */
    if (od_cidr_parse(o->trusted_proxies, "trusted-proxy", &s->proxies, e) != OD_OK) {
        od_server_stop(s);
        return OD_E_INVALID;
    }
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG | MHD_USE_ITC |
                     MHD_ALLOW_SUSPEND_RESUME; /* ingestion answers after its group commit */
    /* the ingestion queue, $OPSDESK_INGEST_QUEUE events */
    const char *qcap = getenv("OPSDESK_INGEST_QUEUE");
    if (od_ingest_start(app, qcap ? (size_t)strtoull(qcap, NULL, 10) : 0, &s->ingest, e) != OD_OK) {
        od_server_stop(s);
        return OD_E_INTERNAL;
    }
    if (od_incw_start(app, &s->incw, e) != OD_OK) {
        od_server_stop(s);
        return OD_E_INTERNAL;
    }
    if (ss.ss_family == AF_INET6)
        flags |= MHD_USE_IPv6;
    if (o->tls_cert || o->tls_key) {
        if (!o->tls_cert || !o->tls_key) {
            od_server_stop(s);
            return od_error_set(e, OD_E_INVALID, "tls",
                                "--tls-cert 与 --tls-key 须同时给出 (--tls-cert and --tls-key go together)");
        }
        if (od_tls_open(o->tls_cert, o->tls_key, &s->tls, e) != OD_OK) {
            od_server_stop(s);
            return e->code;
        }
        flags |= MHD_USE_TLS;
    } else if (!is_loopback(&ss)) {
        od_warn(
            "警告：在非回环地址 %s 上以明文 HTTP 提供服务，口令和令牌可被窃听；请使用 --tls-cert/--tls-key "
            "(serving plain HTTP on a non-loopback address %s: passwords and tokens can be sniffed; use "
            "--tls-cert/--tls-key)",
            o->listen, o->listen);
    }
    /* TLS 1.2 and 1.3 only, forward-secret key exchange and AEAD ciphers */
    static const char tls_priorities[] =
        "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2:-KX-ALL:+ECDHE-ECDSA:+ECDHE-RSA:"
        "-CIPHER-ALL:+AES-256-GCM:+AES-128-GCM:+CHACHA20-POLY1305:-MAC-ALL:+AEAD";
    struct MHD_OptionItem tls_opts[] = {
        /* each handshake takes the pair in force (SIGHUP replaces it) */
        {MHD_OPTION_HTTPS_CERT_CALLBACK, 0, od_tls_callback()},
        {MHD_OPTION_HTTPS_PRIORITIES, 0, (void *)(uintptr_t)tls_priorities},
        {MHD_OPTION_END, 0, NULL},
    };
    s->d = MHD_start_daemon(
        flags, 0, NULL, NULL, on_request, s, MHD_OPTION_EXTERNAL_LOGGER, mhd_log, s, MHD_OPTION_SOCK_ADDR,
        (struct sockaddr *)&ss, MHD_OPTION_THREAD_POOL_SIZE, s->o.threads, MHD_OPTION_NOTIFY_COMPLETED,
        on_completed, s, MHD_OPTION_CONNECTION_TIMEOUT, 60u, MHD_OPTION_CONNECTION_MEMORY_LIMIT, CONN_MEMORY,
        MHD_OPTION_CONNECTION_LIMIT, s->conn_limit, MHD_OPTION_PER_IP_CONNECTION_LIMIT, s->o.per_ip_limit,
        MHD_OPTION_NOTIFY_CONNECTION, on_connection, s, MHD_OPTION_ARRAY, (s->tls ? tls_opts : &tls_opts[2]),
        MHD_OPTION_END);
    if (!s->d) {
        int err = errno;
        od_server_stop(s);
        if (err == EACCES)
            return od_error_set(
                e, OD_E_IO, "listen",
                "无权监听 %s：1024 以下的端口需要 CAP_NET_BIND_SERVICE（systemd 单元已授予）或改用反向代理 "
                "(not allowed to listen on %s: ports below 1024 need CAP_NET_BIND_SERVICE, which the "
                "systemd unit grants, or a reverse proxy)",
                o->listen, o->listen);
        if (err == EADDRNOTAVAIL)
            return od_error_set(
                e, OD_E_IO, "listen",
                "无法监听 %s：本机没有这个地址 (cannot listen on %s: no such address on this machine)",
                o->listen, o->listen);
        if (err == EADDRINUSE)
            return od_error_set(e, OD_E_IO, "listen",
                                "无法监听 %s（端口被占用？）(cannot listen on %s: port in use?)", o->listen,
                                o->listen);
        return od_error_set(e, OD_E_IO, "listen", "无法监听 %s：%s (cannot listen on %s: %s)", o->listen,
                            strerror(err), o->listen, strerror(err));
    }
    if (pthread_create(&s->reaper, NULL, reaper_main, s) != 0) {
        od_server_stop(s);
        return od_error_set(e, OD_E_INTERNAL, NULL,
                            "无法启动连接计时线程 (cannot start the request deadline thread)");
    }
    s->reaper_started = true;
    *out = s;
    return OD_OK;
}

void od_server_stop(od_server *s)
{
    if (!s)
        return;
    if (s->reaper_started) {
        pthread_mutex_lock(&s->conns_mu);
        s->reaper_stop = true;
        pthread_cond_signal(&s->conns_cv);
        pthread_mutex_unlock(&s->conns_mu);
        pthread_join(s->reaper, NULL);
    }
    if (s->d)
        MHD_quiesce_daemon(s->d);
    /* commit and answer every queued ingestion request before the
     * daemon stops (it refuses to stop with suspended connections) */
    od_ingest_stop(s->ingest);
    od_incw_stop(s->incw); /* the same for queued incident creates */
    s->incw = NULL;
    od_pwpool_stop(s->app ? s->app->pwpool : NULL); /* sign-ins in progress answer and resume first */
    if (s->d)
        MHD_stop_daemon(s->d);
    od_ingest_free(s->ingest);
    pthread_cond_destroy(&s->conns_cv);
    pthread_mutex_destroy(&s->conns_mu);
    od_cidr_free(s->proxies);
    od_tls_free(s->tls);
    free(s);
}

od_err od_server_reload_tls(od_server *s, od_error *e)
{
    if (!s || !s->tls)
        return OD_OK;
    return od_tls_reload(s->tls, e);
}
