/* channel_http.c — the HTTP channels: SMS gateway, generic webhook and the
 * DingTalk, WeCom and Feishu robots.  Builds the request (templates, bot
 * JSON, truncation, signatures), performs it with a fresh libcurl easy
 * handle per call (so calls on one channel may run concurrently) and
 * classifies the answer (anchors §5: errcode != 0 is a failure even with
 * HTTP 200).  Never follows redirects, never puts the URL or a secret in
 * od_send_result.error. */
#include "notify/channel_int.h"

#include <curl/curl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "notify/sign.h"
#include "notify/netguard.h"
#include "util/template.h"

#define RESP_MAX (16 * 1024)
#define RETRY_AFTER_MAX_MS (24LL * 3600 * 1000)

/* ---- classification -------------------------------------------------- */

typedef struct vendor_rule {
    od_channel_kind kind;
    long code;
    bool retryable;
    const char *what;
} vendor_rule;

/* Vendor codes that need a decision other than "non-zero = permanent".
 * Sources: anchors §5.1-5.3 and the issue reports cited there. */
static const vendor_rule vendor_rules[] = {
    {OD_CH_DINGTALK, 130101, true, "rate limited (20/min)"},
    {OD_CH_DINGTALK, -1, true, "system busy"},
    {OD_CH_DINGTALK, 310000, false, "signature, keyword or IP check failed"},
    {OD_CH_DINGTALK, 460101, false, "message too long"},
    {OD_CH_DINGTALK, 101002, false, "message too long"},
    {OD_CH_WECOM, 45009, true, "rate limited (20/min)"},
    {OD_CH_WECOM, -1, true, "system busy"},
    {OD_CH_WECOM, 93000, false, "invalid webhook key"},
    {OD_CH_WECOM, 40058, false, "markdown content too long"},
    {OD_CH_FEISHU, 11232, true, "rate limited"},
    {OD_CH_FEISHU, 19021, false, "signature mismatch or timestamp outside one hour"},
    {OD_CH_FEISHU, 19022, false, "IP not allowed"},
    {OD_CH_FEISHU, 19024, false, "keyword not found"},
};

static bool is_bot(od_channel_kind k)
{
    return k == OD_CH_DINGTALK || k == OD_CH_WECOM || k == OD_CH_FEISHU;
}

/* Reads the vendor code and message from a bot's JSON answer.  Returns
 * false if the body is not JSON or carries no code. */
static bool vendor_code(od_channel_kind kind, const char *body, size_t len, long *code, char *msg, size_t cap)
{
    json_error_t je;
    json_t *root = json_loadb(body, len, 0, &je);
    bool found = false;
    if (!root)
        return false;
    const char *ck = kind == OD_CH_FEISHU ? "code" : "errcode";
    const char *mk = kind == OD_CH_FEISHU ? "msg" : "errmsg";
    json_t *c = json_object_get(root, ck);
    json_t *mm = json_object_get(root, mk);
    if (!c && kind == OD_CH_FEISHU) { /* the older hook API */
        c = json_object_get(root, "StatusCode");
        mm = json_object_get(root, "StatusMessage");
    }
    if (json_is_integer(c)) {
        *code = (long)json_integer_value(c);
        found = true;
    }
    snprintf(msg, cap, "%s", json_is_string(mm) ? json_string_value(mm) : "");
    json_decref(root);
    return found;
}

bool od_channel_classify(od_channel_kind kind, long status, const char *body, size_t len, od_send_result *r)
{
    long code = 0;
    char msg[128];
    bool has_code = is_bot(kind) && body && vendor_code(kind, body, len, &code, msg, sizeof msg);
    r->http_status = (int)status;
    r->retryable = false;
    if (has_code)
        snprintf(r->vendor_code, sizeof r->vendor_code, "%ld", code);
    if (status == 429 || status == 408 || status >= 500) {
        r->retryable = true;
        od_send_result_error(r, "HTTP %ld from %s", status, od_channel_kind_name(kind));
        return false;
    }
    if (status < 200 || status > 299) {
        if (has_code)
            od_send_result_error(r, "HTTP %ld from %s, code %ld: %s", status, od_channel_kind_name(kind),
                                 code, msg);
        else
            od_send_result_error(r, "HTTP %ld from %s", status, od_channel_kind_name(kind));
        return false;
    }
    if (!is_bot(kind))
        return true;
    if (!has_code) {
        /* Outcome unknown: do not retry, a retry could post twice. */
        od_send_result_error(r, "%s answered HTTP %ld without a JSON result code", od_channel_kind_name(kind),
                             status);
        return false;
    }
    if (code == 0)
        return true;
    const char *what = "rejected";
    for (size_t i = 0; i < sizeof vendor_rules / sizeof vendor_rules[0]; i++)
        if (vendor_rules[i].kind == kind && vendor_rules[i].code == code) {
            r->retryable = vendor_rules[i].retryable;
            what = vendor_rules[i].what;
        }
    /* Feishu 9499 is "Bad Request" (permanent) but also "too many request". */
    if (kind == OD_CH_FEISHU && code == 9499) {
        r->retryable = strstr(msg, "too many") != NULL || strstr(msg, "Too Many") != NULL;
        what = r->retryable ? "rate limited" : "bad request";
    }
    od_send_result_error(r, "%s code %ld (%s): %s", od_channel_kind_name(kind), code, what, msg);
    return false;
}

static void classify_curl(CURLcode cc, const char *errbuf, od_send_result *r)
{
    switch (cc) {
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
    case CURLE_LOGIN_DENIED:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_USE_SSL_FAILED:
    case CURLE_TOO_MANY_REDIRECTS:
    case CURLE_REMOTE_ACCESS_DENIED:
        r->retryable = false;
        break;
    default: /* timeouts, refused/reset connections, DNS, TLS handshake */
        r->retryable = true;
        break;
    }
    od_send_result_error(r, "%s%s%s", curl_easy_strerror(cc), errbuf[0] ? ": " : "", errbuf);
}

/* ---- transport ------------------------------------------------------- */

typedef struct resp {
    char *p;
    size_t len;
} resp;

static size_t on_body(char *ptr, size_t size, size_t nmemb, void *ud)
{
    resp *b = ud;
    size_t n = size * nmemb;
    size_t take = n < RESP_MAX - b->len ? n : RESP_MAX - b->len;
    memcpy(b->p + b->len, ptr, take);
    b->len += take;
    b->p[b->len] = '\0';
    return n;
}

/* The destination check of a guarded channel (personal bots): called by
 * libcurl with each resolved address before it connects. */
typedef struct guard_ctx {
    const struct od_net_allow *allow;
    char refused[64]; /* the class of a refused address, "" if none */
} guard_ctx;

static curl_socket_t guard_open(void *ud, curlsocktype purpose, struct curl_sockaddr *a)
{
    guard_ctx *g = ud;
    if (purpose != CURLSOCKTYPE_IPCXN || !od_net_allowed(g->allow, &a->addr)) {
        snprintf(g->refused, sizeof g->refused, "%s", od_net_class_name(od_net_classify(&a->addr)));
        return CURL_SOCKET_BAD;
    }
    return socket(a->family, a->socktype, a->protocol);
}

typedef struct http_req {
    const char *method;
    const char *url;
    struct curl_slist *headers;
    const char *body; /* NULL for GET */
} http_req;

/* Performs the request and classifies the outcome into r. */
static od_err perform(const od_channel *c, const http_req *q, od_send_result *r)
{
    char errbuf[CURL_ERROR_SIZE] = "";
    resp b = {malloc(RESP_MAX + 1), 0};
    CURL *h = curl_easy_init();
    od_err rc = OD_E_IO;
    if (!h || !b.p) {
        od_send_result_error(r, "out of memory");
        r->retryable = true;
        goto out;
    }
    b.p[0] = '\0';
    curl_easy_setopt(h, CURLOPT_URL, q->url);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, c->timeout_ms);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, c->connect_timeout_ms);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, q->headers);
    curl_easy_setopt(h, CURLOPT_USERAGENT, "opsdesk");
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &b);
    guard_ctx g = {c->guard, ""};
    if (c->guarded) { /* a proxy would connect for us, unchecked */
        curl_easy_setopt(h, CURLOPT_OPENSOCKETFUNCTION, guard_open);
        curl_easy_setopt(h, CURLOPT_OPENSOCKETDATA, &g);
        curl_easy_setopt(h, CURLOPT_PROXY, "");
    }
    if (q->body) {
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, q->body);
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(q->body));
        if (strcmp(q->method, "POST") != 0)
            curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, q->method);
    } else {
        curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
    }
    CURLcode cc = curl_easy_perform(h);
    if (cc != CURLE_OK && g.refused[0]) {
        od_send_result_error(
            r,
            "目标地址不允许（%s）(destination refused: a personal bot may not reach a %s address; "
            "see opsdesk serve --bot-allow)",
            g.refused, g.refused);
        r->retryable = false;
        goto out;
    }
    if (cc != CURLE_OK) {
        classify_curl(cc, errbuf, r);
        goto out;
    }
    long status = 0;
    curl_off_t ra = -1;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    if (curl_easy_getinfo(h, CURLINFO_RETRY_AFTER, &ra) == CURLE_OK && ra > 0)
        r->retry_after_ms = ra * 1000 > RETRY_AFTER_MAX_MS ? RETRY_AFTER_MAX_MS : (int64_t)ra * 1000;
    if (od_channel_classify(c->kind, status, b.p, b.len, r)) {
        int code = r->http_status;
        memset(r, 0, sizeof *r);
        r->http_status = code;
        rc = OD_OK;
    }
out:
    curl_easy_cleanup(h);
    free(b.p);
    return rc;
}

/* ---- bot bodies ------------------------------------------------------ */

/* Content shown in the bot: markdown, else text; WeCom has no title field,
 * so the subject becomes a bold first line there. */
static od_err bot_content(const od_channel *c, const od_message *m, char **out, od_error *e)
{
    const char *body = m->markdown ? m->markdown : m->text;
    if (c->kind == OD_CH_WECOM && m->subject && *m->subject) {
        size_t n = strlen(m->subject) + strlen(body) + 8;
        char *s = malloc(n);
        if (!s)
            return od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
        snprintf(s, n, "**%s**\n%s", m->subject, body);
        od_err rc = od_utf8_sanitize(s, out, e);
        free(s);
        return rc;
    }
    return od_utf8_sanitize(body, out, e);
}

static json_t *feishu_json(const od_channel *c, const char *title, const char *content)
{
    const char *mt = c->feishu_msg_type;
    if (strcmp(mt, "text") == 0) {
        size_t n = strlen(title) + strlen(content) + 2;
        char *s = malloc(n);
        if (!s)
            return NULL;
        snprintf(s, n, "%s%s%s", title, *title ? "\n" : "", content);
        json_t *j = json_pack("{s:s, s:{s:s}}", "msg_type", "text", "content", "text", s);
        free(s);
        return j;
    }
    if (strcmp(mt, "post") == 0)
        return json_pack("{s:s, s:{s:{s:{s:s, s:[[{s:s, s:s}]]}}}}", "msg_type", "post", "content", "post",
                         "zh_cn", "title", title, "content", "tag", "text", "text", content);
    json_t *card = json_pack("{s:{s:b}, s:[{s:s, s:{s:s, s:s}}]}", "config", "wide_screen_mode", 1,
                             "elements", "tag", "div", "text", "tag", "lark_md", "content", content);
    if (card && *title)
        json_object_set_new(card, "header",
                            json_pack("{s:{s:s, s:s}, s:s}", "title", "tag", "plain_text", "content", title,
                                      "template", "red"));
    return card ? json_pack("{s:s, s:o}", "msg_type", "interactive", "card", card) : NULL;
}

static od_err bot_json(const od_channel *c, const char *title, const char *content, int64_t now_ms,
                       char **out, od_error *e)
{
    json_t *j = NULL;
    od_err rc = OD_OK;
    *out = NULL;
    if (c->kind == OD_CH_DINGTALK)
        j = json_pack("{s:s, s:{s:s, s:s}}", "msgtype", "markdown", "markdown", "title",
                      *title ? title : "opsdesk", "text", content);
    else if (c->kind == OD_CH_WECOM)
        j = json_pack("{s:s, s:{s:s}}", "msgtype", "markdown", "markdown", "content", content);
    else
        j = feishu_json(c, title, content);
    if (!j)
        return od_error_set(e, OD_E_NOMEM, NULL, "cannot build %s JSON", od_channel_kind_name(c->kind));
    if (c->kind == OD_CH_FEISHU && c->secret) {
        char sign[OD_SIGN_MAX], ts[24];
        int64_t secs = now_ms / 1000;
        snprintf(ts, sizeof ts, "%lld", (long long)secs);
        if (od_sign_feishu(c->secret, secs, sign))
            rc = od_error_set(e, OD_E_INVALID, "secret", "cannot sign the Feishu request (secret too long?)");
        else if (json_object_set_new(j, "timestamp", json_string(ts)) ||
                 json_object_set_new(j, "sign", json_string(sign)))
            rc = od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    }
    if (!rc) {
        *out = json_dumps(j, JSON_COMPACT);
        if (!*out)
            rc = od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    }
    json_decref(j);
    return rc;
}

od_err od_channel_bot_body(const od_channel *c, const od_message *m, int64_t now_ms, char **out, od_error *e)
{
    char *content = NULL, *title = NULL, *fitted = NULL;
    od_err rc;
    *out = NULL;
    if ((rc = bot_content(c, m, &content, e)) || (rc = od_utf8_sanitize(m->subject, &title, e)))
        goto out;
    if (strlen(title) > 256)
        title[od_utf8_prefix_bytes(title, strlen(title), 256)] = '\0';
    /* WeCom: the limit is on the content.  DingTalk and Feishu: on the whole
     * body, so shrink the content by the overflow until the body fits. */
    size_t budget = c->max_len ? c->max_len : (size_t)-1;
    for (int round = 0; round < 16; round++) {
        free(fitted);
        fitted = NULL;
        if ((rc = od_utf8_truncate(content, budget, OD_UTF8_BYTES, m->link, &fitted, e)))
            goto out;
        if ((rc = bot_json(c, title, fitted, now_ms, out, e)))
            goto out;
        size_t len = strlen(*out);
        if (c->kind == OD_CH_WECOM || !c->max_len || len <= c->max_len)
            goto out;
        free(*out);
        *out = NULL;
        size_t over = len - c->max_len;
        if (budget == (size_t)-1)
            budget = strlen(content);
        if (budget <= over + 16) {
            rc = od_error_set(e, OD_E_TOO_LARGE, NULL, "%s limit of %zu bytes leaves no room for the text",
                              od_channel_kind_name(c->kind), c->max_len);
            goto out;
        }
        budget -= over + (size_t)round * 8; /* escapes can make one step short */
    }
    rc = od_error_set(e, OD_E_TOO_LARGE, NULL, "cannot fit the %s message", od_channel_kind_name(c->kind));
out:
    free(content);
    free(title);
    free(fitted);
    return rc;
}

/* ---- SMS and webhook templates -------------------------------------- */

enum { V_TO, V_TEXT, V_SUBJECT, V_MARKDOWN, V_LINK, V_KEY, V_SECRET, V__COUNT };
static const char *const var_names[V__COUNT] = {
    "to", "text", "subject", "markdown", "link", "idempotency_key", "secret"};

typedef struct vars {
    const char *v[V__COUNT];
    char *enc[V__COUNT]; /* URL-encoded copies when url_mode */
    bool url_mode;
} vars;

static const char *vars_lookup(void *ctx, const char *name)
{
    vars *vs = ctx;
    for (int i = 0; i < V__COUNT; i++)
        if (strcmp(name, var_names[i]) == 0)
            return vs->url_mode ? vs->enc[i] : vs->v[i];
    return NULL;
}

static od_err vars_encode(vars *vs, od_error *e)
{
    for (int i = 0; i < V__COUNT; i++) {
        size_t cap = strlen(vs->v[i]) * 3 + 1;
        vs->enc[i] = malloc(cap);
        if (!vs->enc[i] || od_url_encode(vs->v[i], vs->enc[i], cap))
            return od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    }
    return OD_OK;
}

static od_err render(vars *vs, const char *tpl, od_body_escape esc, char **out, od_error *e)
{
    vs->url_mode = esc == OD_ESC_FORM;
    return od_template_render(tpl, vars_lookup, vs, esc == OD_ESC_JSON, out, e);
}

static od_err webhook_default_body(const od_message *m, const char *text, char **out, od_error *e)
{
    json_t *j = json_object();
    const char *keys[] = {"to", "subject", "text", "markdown", "link", "idempotency_key"};
    const char *vals[] = {m->to, m->subject, text, m->markdown, m->link, m->idempotency_key};
    od_err rc = OD_OK;
    *out = NULL;
    for (size_t i = 0; j && i < sizeof keys / sizeof keys[0] && !rc; i++) {
        char *clean = NULL;
        if (!vals[i])
            continue;
        if ((rc = od_utf8_sanitize(vals[i], &clean, e)))
            break;
        if (json_object_set_new(j, keys[i], json_string(clean)))
            rc = od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
        free(clean);
    }
    if (!rc && (!j || !(*out = json_dumps(j, JSON_COMPACT))))
        rc = od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    json_decref(j);
    return rc;
}

/* Renders URL, headers and body of an SMS or webhook request. */
static od_err templated(const od_channel *c, const od_message *m, char **url, struct curl_slist **hdrs,
                        char **body, od_error *e)
{
    vars vs;
    char *text = NULL, *hv = NULL;
    od_err rc;
    const char *raw = m->text ? m->text : m->markdown;
    memset(&vs, 0, sizeof vs);
    *url = *body = NULL;
    if (c->max_len)
        rc = od_utf8_truncate(raw, c->max_len, c->max_unit, m->link, &text, e);
    else
        rc = od_utf8_sanitize(raw, &text, e);
    if (rc)
        return rc;
    const char *vals[V__COUNT] = {
        m->to, text, m->subject, m->markdown ? m->markdown : text, m->link, m->idempotency_key, c->secret};
    for (int i = 0; i < V__COUNT; i++)
        vs.v[i] = vals[i] ? vals[i] : "";
    if ((rc = vars_encode(&vs, e)) || (rc = render(&vs, c->url, OD_ESC_FORM, url, e)))
        goto out;
    for (size_t i = 0; i < c->n_headers; i++) {
        if ((rc = render(&vs, c->headers[i].value_tpl, OD_ESC_NONE, &hv, e)))
            goto out;
        if (strpbrk(hv, "\r\n")) {
            rc = od_error_set(e, OD_E_INVALID, "headers", "header %s would contain a line break",
                              c->headers[i].name);
            goto out;
        }
        size_t n = strlen(c->headers[i].name) + strlen(hv) + 3;
        char *line = malloc(n);
        struct curl_slist *nl = NULL;
        if (line) {
            snprintf(line, n, "%s: %s", c->headers[i].name, hv);
            nl = curl_slist_append(*hdrs, line);
            free(line);
        }
        free(hv);
        hv = NULL;
        if (!nl) {
            rc = od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
            goto out;
        }
        *hdrs = nl;
    }
    if (c->body_tpl)
        rc = render(&vs, c->body_tpl, c->body_escape, body, e);
    else if (c->kind == OD_CH_WEBHOOK && strcmp(c->method, "GET") != 0)
        rc = webhook_default_body(m, text, body, e);
out:
    free(hv);
    free(text);
    for (int i = 0; i < V__COUNT; i++)
        free(vs.enc[i]);
    return rc;
}

/* ---- entry ----------------------------------------------------------- */

static bool add_header(struct curl_slist **l, const char *name, const char *value)
{
    char line[512];
    snprintf(line, sizeof line, "%s: %s", name, value);
    struct curl_slist *nl = curl_slist_append(*l, line);
    if (nl)
        *l = nl;
    return nl != NULL;
}

/* DingTalk: URL + "&timestamp=<ms>&sign=<sign>" (or "?" if no query). */
static od_err dingtalk_url(const od_channel *c, int64_t now_ms, char **url, od_error *e)
{
    char sign[OD_SIGN_MAX];
    if (!c->secret)
        return (*url = strdup(c->url)) ? OD_OK : od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    if (od_sign_dingtalk(c->secret, now_ms, sign))
        return od_error_set(e, OD_E_INVALID, "secret", "cannot sign the DingTalk request (secret too long?)");
    size_t n = strlen(c->url) + strlen(sign) + 48;
    *url = malloc(n);
    if (!*url)
        return od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    snprintf(*url, n, "%s%ctimestamp=%lld&sign=%s", c->url, strchr(c->url, '?') ? '&' : '?',
             (long long)now_ms, sign);
    return OD_OK;
}

od_err od_channel_send_http(od_channel *c, const od_message *m, int64_t now_ms, od_send_result *r)
{
    char *url = NULL, *body = NULL;
    struct curl_slist *hdrs = NULL;
    od_error e;
    od_err rc;
    od_error_clear(&e);
    if (is_bot(c->kind)) {
        rc = od_channel_bot_body(c, m, now_ms, &body, &e);
        if (!rc)
            rc = c->kind == OD_CH_DINGTALK ? dingtalk_url(c, now_ms, &url, &e)
                                           : ((url = strdup(c->url)) ? OD_OK : OD_E_NOMEM);
    } else {
        rc = templated(c, m, &url, &hdrs, &body, &e);
    }
    bool ok = !rc;
    if (ok && (is_bot(c->kind) || !c->has_content_type) && body)
        ok = add_header(&hdrs, "Content-Type", "application/json; charset=utf-8");
    if (ok && m->idempotency_key && *m->idempotency_key && strlen(m->idempotency_key) < 256)
        ok = add_header(&hdrs, "Idempotency-Key", m->idempotency_key) &&
             add_header(&hdrs, "X-Opsdesk-Message-Id", m->idempotency_key);
    if (ok && c->kind == OD_CH_WEBHOOK && c->secret && body) {
        char hex[OD_SIGN_HEX_MAX], val[OD_SIGN_HEX_MAX + 8];
        ok = od_sign_hex(c->secret, body, strlen(body), hex) == OD_OK;
        snprintf(val, sizeof val, "sha256=%s", hex);
        ok = ok && add_header(&hdrs, "X-Opsdesk-Signature", val);
    }
    if (ok) { /* no "Expect: 100-continue" round trip */
        struct curl_slist *nl = curl_slist_append(hdrs, "Expect:");
        ok = nl != NULL;
        hdrs = nl ? nl : hdrs;
    }
    if (rc) {
        od_send_result_error(r, "%s", e.message[0] ? e.message : "cannot build the request");
        r->retryable = rc == OD_E_NOMEM;
        rc = rc == OD_E_NOMEM ? OD_E_IO : OD_E_INVALID;
    } else if (!ok) {
        od_send_result_error(r, "out of memory building the request");
        r->retryable = true;
        rc = OD_E_IO;
    } else {
        http_req q = {c->method ? c->method : "POST", url, hdrs, body};
        rc = perform(c, &q, r);
    }
    curl_slist_free_all(hdrs);
    if (url) {
        memset(url, 0, strlen(url)); /* may hold a token */
        free(url);
    }
    free(body);
    return rc;
}
