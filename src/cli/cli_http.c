/* cli_http.c — the one request helper of the client: sends a JSON request
 * with libcurl, reads a bounded answer, and turns failures into the
 * client's exit codes and messages for people.  It knows no route and no
 * rule.  Single-threaded; od_cli_http_init runs once per process. */
#include "cli/cli_int.h"
#include "util/sbuf.h"

#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>

#define CONNECT_TIMEOUT_S 10L
#define TOTAL_TIMEOUT_S 300L

typedef struct sink {
    od_sbuf b;
    bool too_large;
} sink;

bool od_cli_http_init(void)
{
    return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
}

void od_cli_http_cleanup(void)
{
    curl_global_cleanup();
}

/* libcurl write callback: appends to the sink, refusing past the cap
 * (returning less than given makes libcurl stop with CURLE_WRITE_ERROR). */
static size_t on_data(char *data, size_t size, size_t nmemb, void *user)
{
    sink *s = user;
    size_t n = size * nmemb;
    if (n > OD_CLI_ANSWER_MAX - s->b.n) {
        s->too_large = true;
        return 0;
    }
    od_sbuf_append(&s->b, data, n);
    return s->b.oom ? 0 : n;
}

void od_cli_answer_cleanup(od_cli_answer *a)
{
    if (!a)
        return;
    free(a->body);
    json_decref(a->json);
    memset(a, 0, sizeof *a);
}

/* Exit code and message for a libcurl failure. */
static int curl_failure(const od_cli_ctx *c, CURLcode rc, const sink *s, const char *url, const char *detail)
{
    const char *why = detail[0] ? detail : curl_easy_strerror(rc);
    switch (rc) {
    case CURLE_WRITE_ERROR:
        if (s->too_large) {
            fprintf(c->err, "错误 error: 服务器应答超过 %zu MiB，已拒绝 (answer over %zu MiB refused)\n",
                    OD_CLI_ANSWER_MAX >> 20, OD_CLI_ANSWER_MAX >> 20);
            return OD_CLI_EXIT_REFUSED;
        }
        fprintf(c->err, "错误 error: 内存不足 (out of memory reading the answer)\n");
        return OD_CLI_EXIT_REFUSED;
    case CURLE_FILESIZE_EXCEEDED:
        fprintf(c->err, "错误 error: 服务器应答超过 %zu MiB，已拒绝 (answer over %zu MiB refused)\n",
                OD_CLI_ANSWER_MAX >> 20, OD_CLI_ANSWER_MAX >> 20);
        return OD_CLI_EXIT_REFUSED;
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
        fprintf(c->err, "错误 error: 服务器地址无效 (bad server URL) %s: %s\n", url, why);
        return OD_CLI_EXIT_USAGE;
    default:
        fprintf(c->err,
                "错误 error: 无法连接服务器 (cannot connect to the server) %s: %s\n"
                "  用 --server URL 或 $OPSDESK_SERVER 指定服务器 (set the server with --server URL or "
                "$OPSDESK_SERVER)\n",
                c->server, why);
        return OD_CLI_EXIT_CONNECT;
    }
}

/* Sets the options every request shares. */
static bool setup(CURL *h, const char *url, sink *s, char *errbuf)
{
    bool ok = curl_easy_setopt(h, CURLOPT_URL, url) == CURLE_OK;
#if LIBCURL_VERSION_NUM >= 0x075500
    ok = ok && curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https") == CURLE_OK;
#else
    ok = ok && curl_easy_setopt(h, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS)) == CURLE_OK;
#endif
    ok = ok && curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data) == CURLE_OK;
    ok = ok && curl_easy_setopt(h, CURLOPT_WRITEDATA, s) == CURLE_OK;
    ok = ok && curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf) == CURLE_OK;
    ok = ok && curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L) == CURLE_OK;
    ok = ok && curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, CONNECT_TIMEOUT_S) == CURLE_OK;
    ok = ok && curl_easy_setopt(h, CURLOPT_TIMEOUT, TOTAL_TIMEOUT_S) == CURLE_OK;
    ok = ok && curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)OD_CLI_ANSWER_MAX) == CURLE_OK;
    ok = ok && curl_easy_setopt(h, CURLOPT_USERAGENT, "opsdesk-cli/1") == CURLE_OK;
    return ok;
}

/* Appends a header line; on failure frees the whole list and gives NULL. */
static struct curl_slist *add_header(struct curl_slist *list, const char *line)
{
    struct curl_slist *n = curl_slist_append(list, line);
    if (!n)
        curl_slist_free_all(list);
    return n;
}

/* Sets method, headers (token, content type) and body on h.  *hdr and
 * *payload receive what must outlive the transfer (caller frees).
 * Returns an exit code; the reason is printed. */
static int prepare(const od_cli_ctx *c, CURL *h, const char *method, const json_t *body,
                   struct curl_slist **hdr, char **payload)
{
    char auth[1024];
    bool get = strcmp(method, "GET") == 0;
    *hdr = add_header(NULL, "Accept: application/json");
    if (*hdr && c->token && c->token[0]) {
        int n = snprintf(auth, sizeof auth, "Authorization: Bearer %s", c->token);
        if (n < 0 || (size_t)n >= sizeof auth) {
            fprintf(c->err, "错误 error: 令牌过长 (token too long)\n");
            return OD_CLI_EXIT_USAGE;
        }
        *hdr = add_header(*hdr, auth);
    }
    if (*hdr && body) {
        *payload = json_dumps(body, JSON_COMPACT);
        *hdr = add_header(*hdr, "Content-Type: application/json");
    }
    bool ok = *hdr && (!body || *payload);
    if (ok && body)
        ok = curl_easy_setopt(h, CURLOPT_POSTFIELDS, *payload) == CURLE_OK &&
             curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(*payload)) == CURLE_OK;
    else if (ok && !get) /* an empty body, with Content-Length: 0 */
        ok = curl_easy_setopt(h, CURLOPT_POSTFIELDS, "") == CURLE_OK &&
             curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, 0L) == CURLE_OK;
    ok = ok && curl_easy_setopt(h, CURLOPT_HTTPHEADER, *hdr) == CURLE_OK &&
         curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method) == CURLE_OK;
    ok = ok && (!get || curl_easy_setopt(h, CURLOPT_HTTPGET, 1L) == CURLE_OK);
    if (!ok) {
        fprintf(c->err, "错误 error: 内存不足 (out of memory)\n");
        return OD_CLI_EXIT_REFUSED;
    }
    return OD_CLI_EXIT_OK;
}

int od_cli_request(const od_cli_ctx *c, const char *method, const char *path, const json_t *body,
                   od_cli_answer *a)
{
    int rc = OD_CLI_EXIT_REFUSED;
    char url[4096], errbuf[CURL_ERROR_SIZE] = "";
    char *payload = NULL;
    struct curl_slist *hdr = NULL;
    sink s = {0};
    CURL *h = NULL;

    memset(a, 0, sizeof *a);
    int n = snprintf(url, sizeof url, "%s%s", c->server, path);
    if (n < 0 || (size_t)n >= sizeof url) {
        fprintf(c->err, "错误 error: 地址过长 (URL too long)\n");
        return OD_CLI_EXIT_USAGE;
    }
    h = curl_easy_init();
    if (!h || !setup(h, url, &s, errbuf)) {
        fprintf(c->err, "错误 error: 无法初始化 libcurl (cannot set up libcurl)\n");
        goto out;
    }
    rc = prepare(c, h, method, body, &hdr, &payload);
    if (rc)
        goto out;
    CURLcode cr = curl_easy_perform(h);
    if (cr != CURLE_OK) {
        rc = curl_failure(c, cr, &s, url, errbuf);
        goto out;
    }
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &a->status);
    a->body = s.b.p ? s.b.p : strdup("");
    s.b.p = NULL;
    if (!a->body) {
        fprintf(c->err, "错误 error: 内存不足 (out of memory)\n");
        rc = OD_CLI_EXIT_REFUSED;
        goto out;
    }
    a->len = s.b.n;
    a->json = a->len ? json_loadb(a->body, a->len, 0, NULL) : NULL;
out:
    free(s.b.p);
    free(payload);
    curl_slist_free_all(hdr);
    if (h)
        curl_easy_cleanup(h);
    return rc;
}

void od_cli_print_error(const od_cli_ctx *c, const od_cli_answer *a)
{
    const json_t *msg = od_cli_get(a->json, "error.message");
    const json_t *field = od_cli_get(a->json, "error.field");
    if (json_is_string(msg)) {
        fprintf(c->err, "错误 error: %s", json_string_value(msg));
        if (json_is_string(field) && json_string_length(field) > 0)
            fprintf(c->err, " (字段 field: %s)", json_string_value(field));
        fputc('\n', c->err);
    } else {
        /* Not our error shape (a proxy, an old server): show a bounded start. */
        int len = a->len > 200 ? 200 : (int)a->len;
        fprintf(c->err, "错误 error: HTTP %ld%s%.*s\n", a->status, len ? ": " : "", len,
                a->body ? a->body : "");
    }
    if (a->status == 401)
        fprintf(c->err, "提示 hint: 请先登录 (please log in first): opsdesk login --user NAME\n");
}

int od_cli_call(const od_cli_ctx *c, const char *method, const char *path, const json_t *body,
                od_cli_answer *a)
{
    int rc = od_cli_request(c, method, path, body, a);
    if (rc)
        return rc;
    if (a->status >= 400 || a->status < 100) {
        od_cli_print_error(c, a);
        return OD_CLI_EXIT_REFUSED;
    }
    return OD_CLI_EXIT_OK;
}

bool od_cli_query_add(char *buf, size_t n, const char *key, const char *value)
{
    char *esc = curl_easy_escape(NULL, value, 0);
    if (!esc)
        return false;
    size_t used = strlen(buf);
    int w = snprintf(buf + used, n - used, "%c%s=%s", strchr(buf, '?') ? '&' : '?', key, esc);
    curl_free(esc);
    return w >= 0 && (size_t)w < n - used;
}
