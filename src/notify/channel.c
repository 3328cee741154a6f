/* channel.c — channel configuration (YAML, libyaml document API), accessors,
 * the rate-limit wrapper and the od_channel_send entry point, which checks
 * the message and hands it to the HTTP (channel_http.c) or SMTP
 * (channel_smtp.c) transport.  Secrets are read from files or the
 * environment and never copied into error text. */
#include "core/cluster.h"
#include "notify/channel_int.h"

#include <curl/curl.h>
#include <errno.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

#include "util/template.h"

#define SECRET_FILE_MAX (64 * 1024)
#define CONFIG_FILE_MAX (4 * 1024 * 1024)
#define MAX_CHANNELS 1024

static const char *const kind_names[OD_CH__COUNT] = {
    [OD_CH_SMS] = "sms",           [OD_CH_EMAIL] = "email", [OD_CH_WEBHOOK] = "webhook",
    [OD_CH_DINGTALK] = "dingtalk", [OD_CH_WECOM] = "wecom", [OD_CH_FEISHU] = "feishu",
};
_Static_assert(sizeof kind_names / sizeof kind_names[0] == OD_CH__COUNT, "kind_names out of sync");

/* Process-wide library initialisation (curl_global_init is not guaranteed
 * thread-safe); the only global state of this module. */
static pthread_once_t global_once = PTHREAD_ONCE_INIT;
static bool global_ok;

static void global_init(void)
{
    global_ok = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK && sodium_init() >= 0;
}

const char *od_channel_kind_name(od_channel_kind k)
{
    return (unsigned)k < OD_CH__COUNT ? kind_names[k] : "unknown";
}

long od_channel_timeout_ms(const od_channel *c)
{
    return c->timeout_ms;
}

const char *od_channel_name(const od_channel *c)
{
    return c->name;
}

od_channel_kind od_channel_kind_of(const od_channel *c)
{
    return c->kind;
}

void od_send_result_error(od_send_result *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->error, sizeof r->error, fmt, ap);
    va_end(ap);
}

static void secret_free(char *s)
{
    if (s) {
        sodium_memzero(s, strlen(s));
        free(s);
    }
}

static void channel_free(od_channel *c)
{
    if (!c)
        return;
    free(c->name);
    secret_free(c->url); /* may embed an access token */
    secret_free(c->secret);
    free(c->method);
    for (size_t i = 0; i < c->n_headers; i++) {
        free(c->headers[i].name);
        free(c->headers[i].value_tpl);
    }
    free(c->headers);
    free(c->body_tpl);
    free(c->feishu_msg_type);
    free(c->from);
    free(c->username);
    secret_free(c->password);
    pthread_mutex_destroy(&c->mu);
    free(c);
}

void od_channels_free(od_channel **chs, size_t n)
{
    if (!chs)
        return;
    for (size_t i = 0; i < n; i++)
        channel_free(chs[i]);
    free(chs);
}

int64_t od_channel_throttle(od_channel *c, int64_t now_ms)
{
    int64_t wait = 0;
    if (c->rl_capacity == 0)
        return 0;
    pthread_mutex_lock(&c->mu);
    if (!c->bucket_ready)
        c->bucket_ready = od_bucket_init(&c->bucket, c->rl_capacity, c->rl_tokens, c->rl_per_ms, now_ms);
    if (c->bucket_ready)
        wait = od_bucket_take(&c->bucket, now_ms);
    pthread_mutex_unlock(&c->mu);
    return wait;
}

/* ---- YAML helpers --------------------------------------------------- */

typedef struct cfg {
    yaml_document_t *doc;
    const char *chname; /* for error fields */
    od_error *e;
    char field[OD_ERR_FIELD_MAX];
} cfg;

static const char *fld(cfg *g, const char *key)
{
    snprintf(g->field, sizeof g->field, "%s.%s", g->chname ? g->chname : "channels", key);
    return g->field;
}

static yaml_node_t *map_get(yaml_document_t *doc, yaml_node_t *map, const char *key)
{
    if (!map || map->type != YAML_MAPPING_NODE)
        return NULL;
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
        yaml_node_t *k = yaml_document_get_node(doc, p->key);
        if (k && k->type == YAML_SCALAR_NODE && strcmp((const char *)k->data.scalar.value, key) == 0)
            return yaml_document_get_node(doc, p->value);
    }
    return NULL;
}

/* Borrowed scalar value of key, NULL if absent; error if not a scalar. */
static od_err get_str(cfg *g, yaml_node_t *map, const char *key, const char **out)
{
    yaml_node_t *v = map_get(g->doc, map, key);
    *out = NULL;
    if (!v)
        return OD_OK;
    if (v->type != YAML_SCALAR_NODE)
        return od_error_set(g->e, OD_E_INVALID, fld(g, key), "%s must be a string", key);
    *out = (const char *)v->data.scalar.value;
    return OD_OK;
}

static od_err dup_str(cfg *g, const char *s, char **out)
{
    *out = strdup(s);
    return *out ? OD_OK : od_error_set(g->e, OD_E_NOMEM, NULL, "out of memory");
}

static od_err get_long(cfg *g, yaml_node_t *map, const char *key, long lo, long hi, long *out)
{
    const char *s;
    od_err rc = get_str(g, map, key, &s);
    if (rc || !s)
        return rc;
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi)
        return od_error_set(g->e, OD_E_INVALID, fld(g, key), "%s must be an integer in [%ld, %ld]", key, lo,
                            hi);
    *out = v;
    return OD_OK;
}

/* Reads a whole file (at most cap bytes) into a new NUL-terminated string. */
static od_err slurp(const char *path, size_t cap, char **out, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *b = NULL;
    size_t n = 0;
    *out = NULL;
    if (!f)
        return OD_E_IO;
    b = malloc(cap + 1);
    if (!b) {
        fclose(f);
        return OD_E_NOMEM;
    }
    n = fread(b, 1, cap + 1, f);
    bool bad = ferror(f) || n > cap;
    fclose(f);
    if (bad) {
        free(b);
        return n > cap ? OD_E_TOO_LARGE : OD_E_IO;
    }
    b[n] = '\0';
    *out = b;
    if (len)
        *len = n;
    return OD_OK;
}

/* A secret-bearing value: `<base>` inline only when allow_inline, or
 * `<base>_file` (file content, trailing whitespace trimmed) or `<base>_env`.
 * *out stays NULL when none is given. */
static od_err get_secret(cfg *g, yaml_node_t *map, const char *base, bool allow_inline, char **out)
{
    char kf[48], ke[48];
    const char *inl, *file, *env;
    od_err rc;
    snprintf(kf, sizeof kf, "%s_file", base);
    snprintf(ke, sizeof ke, "%s_env", base);
    *out = NULL;
    if ((rc = get_str(g, map, base, &inl)) || (rc = get_str(g, map, kf, &file)) ||
        (rc = get_str(g, map, ke, &env)))
        return rc;
    if ((inl != NULL) + (file != NULL) + (env != NULL) > 1)
        return od_error_set(g->e, OD_E_INVALID, fld(g, base), "give only one of %s, %s, %s", base, kf, ke);
    if (inl && !allow_inline)
        return od_error_set(g->e, OD_E_INVALID, fld(g, base), "%s may not be inline; use %s or %s", base, kf,
                            ke);
    if (inl)
        return dup_str(g, inl, out);
    if (env) {
        const char *v = getenv(env);
        if (!v || !*v)
            return od_error_set(g->e, OD_E_INVALID, fld(g, ke), "environment variable %s is not set", env);
        return dup_str(g, v, out);
    }
    if (file) {
        size_t n;
        rc = slurp(file, SECRET_FILE_MAX, out, &n);
        if (rc == OD_E_NOMEM)
            return od_error_set(g->e, rc, NULL, "out of memory");
        if (rc)
            return od_error_set(g->e, OD_E_INVALID, fld(g, kf), "cannot read %s file %s", base, file);
        while (n > 0 && ((*out)[n - 1] == '\n' || (*out)[n - 1] == '\r' || (*out)[n - 1] == ' ' ||
                         (*out)[n - 1] == '\t'))
            (*out)[--n] = '\0';
        if (n == 0 || strlen(*out) != n) {
            secret_free(*out);
            *out = NULL;
            return od_error_set(g->e, OD_E_INVALID, fld(g, kf), "%s file %s is empty or binary", base, file);
        }
    }
    return OD_OK;
}

static bool has_crlf(const char *s)
{
    return s && strpbrk(s, "\r\n") != NULL;
}

/* "20/min", "5/s", "100/h", or "none". */
static od_err parse_rate(cfg *g, const char *s, od_channel *c)
{
    char *end;
    if (strcmp(s, "none") == 0 || strcmp(s, "0") == 0) {
        c->rl_capacity = 0;
        return OD_OK;
    }
    errno = 0;
    long n = strtol(s, &end, 10);
    int64_t per = 0;
    if (!errno && end != s && n >= 1 && n <= OD_BUCKET_MAX_CAPACITY && *end == '/') {
        const char *u = end + 1;
        if (strcmp(u, "s") == 0 || strcmp(u, "sec") == 0)
            per = 1000;
        else if (strcmp(u, "min") == 0 || strcmp(u, "m") == 0)
            per = 60000;
        else if (strcmp(u, "h") == 0 || strcmp(u, "hour") == 0)
            per = 3600000;
    }
    if (!per)
        return od_error_set(g->e, OD_E_INVALID, fld(g, "rate_limit"),
                            "rate_limit must look like 20/min, 5/s, 100/h or none");
    c->rl_capacity = n;
    c->rl_tokens = n;
    c->rl_per_ms = per;
    return OD_OK;
}

static const char *const common_keys[] = {
    "name",        "kind",       "url",    "url_file",   "url_env",
    "secret_file", "secret_env", "secret", "timeout_ms", "connect_timeout_ms",
    "rate_limit",  "burst",      NULL};
static const char *const http_keys[] = {"method", "headers", "body", "max_chars", "max_bytes", NULL};
static const char *const bot_keys[] = {"max_bytes", "msg_type", NULL};
static const char *const mail_keys[] = {"from",         "username", "password",          "password_file",
                                        "password_env", "use_tls",  "transfer_encoding", NULL};

static bool in_list(const char *const *l, const char *k)
{
    for (; *l; l++)
        if (strcmp(*l, k) == 0)
            return true;
    return false;
}

static od_err check_keys(cfg *g, yaml_node_t *map, od_channel_kind kind)
{
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
        yaml_node_t *k = yaml_document_get_node(g->doc, p->key);
        const char *key = k && k->type == YAML_SCALAR_NODE ? (const char *)k->data.scalar.value : "";
        bool ok = in_list(common_keys, key);
        if (kind == OD_CH_SMS || kind == OD_CH_WEBHOOK)
            ok = ok || in_list(http_keys, key);
        else if (kind == OD_CH_EMAIL)
            ok = ok || in_list(mail_keys, key);
        else
            ok = ok || (in_list(bot_keys, key) && (kind == OD_CH_FEISHU || strcmp(key, "msg_type") != 0));
        if (!ok)
            return od_error_set(g->e, OD_E_INVALID, fld(g, key), "unknown key \"%s\" for a %s channel", key,
                                od_channel_kind_name(kind));
    }
    return OD_OK;
}

static const char *sample_lookup(void *ctx, const char *name)
{
    static const char *const known[] = {"to",     "text", "subject", "markdown", "link", "idempotency_key",
                                        "secret", NULL};
    (void)ctx;
    return in_list(known, name) ? "x\"\\\n\xE4\xB8\xAD" : NULL;
}

/* Checks that a template renders with every known name. */
static od_err check_template(cfg *g, const char *key, const char *tpl, bool json)
{
    char *out = NULL;
    od_error te;
    od_error_clear(&te);
    if (od_template_render(tpl, sample_lookup, NULL, json, &out, &te))
        return od_error_set(g->e, OD_E_INVALID, fld(g, key), "%s", te.message);
    free(out);
    return OD_OK;
}

static od_err load_headers(cfg *g, yaml_node_t *map, od_channel *c)
{
    yaml_node_t *h = map_get(g->doc, map, "headers");
    if (!h)
        return OD_OK;
    if (h->type != YAML_MAPPING_NODE)
        return od_error_set(g->e, OD_E_INVALID, fld(g, "headers"), "headers must be a mapping");
    size_t n = (size_t)(h->data.mapping.pairs.top - h->data.mapping.pairs.start);
    if (n > 64)
        return od_error_set(g->e, OD_E_INVALID, fld(g, "headers"), "at most 64 headers");
    c->headers = calloc(n ? n : 1, sizeof *c->headers);
    if (!c->headers)
        return od_error_set(g->e, OD_E_NOMEM, NULL, "out of memory");
    for (yaml_node_pair_t *p = h->data.mapping.pairs.start; p < h->data.mapping.pairs.top; p++) {
        yaml_node_t *k = yaml_document_get_node(g->doc, p->key);
        yaml_node_t *v = yaml_document_get_node(g->doc, p->value);
        if (!k || !v || k->type != YAML_SCALAR_NODE || v->type != YAML_SCALAR_NODE)
            return od_error_set(g->e, OD_E_INVALID, fld(g, "headers"), "header names and values are strings");
        const char *name = (const char *)k->data.scalar.value;
        const char *val = (const char *)v->data.scalar.value;
        if (!*name || strpbrk(name, ":\r\n \t") || has_crlf(val))
            return od_error_set(g->e, OD_E_INVALID, fld(g, "headers"), "bad header \"%s\"", name);
        od_err rc = check_template(g, "headers", val, false);
        if (rc)
            return rc;
        od_header_tpl *t = &c->headers[c->n_headers++];
        if ((rc = dup_str(g, name, &t->name)) || (rc = dup_str(g, val, &t->value_tpl)))
            return rc;
        if (strcasecmp(name, "Content-Type") == 0) {
            c->has_content_type = true;
            if (strstr(val, "json"))
                c->body_escape = OD_ESC_JSON;
            else if (strstr(val, "x-www-form-urlencoded"))
                c->body_escape = OD_ESC_FORM;
            else
                c->body_escape = OD_ESC_NONE;
        }
    }
    return OD_OK;
}

static od_err load_http(cfg *g, yaml_node_t *map, od_channel *c)
{
    const char *method, *body;
    long maxv = 0;
    od_err rc;
    c->body_escape = OD_ESC_JSON; /* default Content-Type: application/json */
    if ((rc = get_str(g, map, "method", &method)) || (rc = get_str(g, map, "body", &body)) ||
        (rc = load_headers(g, map, c)))
        return rc;
    if (!method)
        method = "POST";
    if (strcmp(method, "POST") && strcmp(method, "PUT") && strcmp(method, "GET"))
        return od_error_set(g->e, OD_E_INVALID, fld(g, "method"), "method must be POST, PUT or GET");
    if ((rc = dup_str(g, method, &c->method)))
        return rc;
    if (!body && c->kind == OD_CH_SMS && strcmp(method, "GET") != 0)
        return od_error_set(g->e, OD_E_INVALID, fld(g, "body"), "an sms channel needs a body template");
    if (body && strcmp(method, "GET") == 0)
        return od_error_set(g->e, OD_E_INVALID, fld(g, "body"),
                            "a GET request has no body; use {{...}} in url");
    if (body) {
        if ((rc = check_template(g, "body", body, c->body_escape == OD_ESC_JSON)) ||
            (rc = dup_str(g, body, &c->body_tpl)))
            return rc;
    }
    if ((rc = check_template(g, "url", c->url, false)))
        return rc;
    if (c->kind == OD_CH_SMS) {
        c->max_len = 500;
        c->max_unit = OD_UTF8_CHARS;
        if ((rc = get_long(g, map, "max_chars", 1, OD_TEMPLATE_MAX, &maxv)))
            return rc;
        if (maxv)
            c->max_len = (size_t)maxv;
    } else {
        c->max_unit = OD_UTF8_BYTES;
        if ((rc = get_long(g, map, "max_bytes", 64, OD_TEMPLATE_MAX, &maxv)))
            return rc;
        c->max_len = (size_t)maxv;
    }
    return OD_OK;
}

static od_err load_bot(cfg *g, yaml_node_t *map, od_channel *c)
{
    long maxv = 0;
    const char *mt = NULL;
    od_err rc;
    c->max_unit = OD_UTF8_BYTES;
    c->max_len = c->kind == OD_CH_WECOM ? 4096 : 20000;
    if ((rc = get_long(g, map, "max_bytes", 256, 1 << 20, &maxv)))
        return rc;
    if (maxv)
        c->max_len = (size_t)maxv;
    if (c->kind == OD_CH_FEISHU) {
        if ((rc = get_str(g, map, "msg_type", &mt)))
            return rc;
        if (!mt)
            mt = "interactive";
        if (strcmp(mt, "text") && strcmp(mt, "post") && strcmp(mt, "interactive"))
            return od_error_set(g->e, OD_E_INVALID, fld(g, "msg_type"),
                                "msg_type must be text, post or interactive");
        if ((rc = dup_str(g, mt, &c->feishu_msg_type)))
            return rc;
    }
    return OD_OK;
}

static od_err load_mail(cfg *g, yaml_node_t *map, od_channel *c)
{
    const char *from, *user, *tls, *te;
    od_err rc;
    if ((rc = get_str(g, map, "from", &from)) || (rc = get_str(g, map, "username", &user)) ||
        (rc = get_str(g, map, "use_tls", &tls)) || (rc = get_str(g, map, "transfer_encoding", &te)) ||
        (rc = get_secret(g, map, "password", false, &c->password)))
        return rc;
    if (strncmp(c->url, "smtp://", 7) != 0 && strncmp(c->url, "smtps://", 8) != 0)
        return od_error_set(g->e, OD_E_INVALID, fld(g, "url"),
                            "an email url starts with smtp:// or smtps://");
    if (!from || !strchr(from, '@') || has_crlf(from))
        return od_error_set(g->e, OD_E_INVALID, fld(g, "from"), "from must be an e-mail address");
    if ((rc = dup_str(g, from, &c->from)) || (user && (rc = dup_str(g, user, &c->username))))
        return rc;
    if (!tls || strcmp(tls, "require") == 0)
        c->use_tls = OD_TLS_REQUIRE;
    else if (strcmp(tls, "try") == 0)
        c->use_tls = OD_TLS_TRY;
    else if (strcmp(tls, "none") == 0)
        c->use_tls = OD_TLS_NONE;
    else
        return od_error_set(g->e, OD_E_INVALID, fld(g, "use_tls"), "use_tls must be try, require or none");
    if (te && strcmp(te, "8bit") == 0)
        c->body_8bit = true;
    else if (te && strcmp(te, "base64") != 0)
        return od_error_set(g->e, OD_E_INVALID, fld(g, "transfer_encoding"),
                            "transfer_encoding must be base64 or 8bit");
    return OD_OK;
}

static od_err load_channel(cfg *g, yaml_node_t *map, od_channel **out)
{
    od_channel *c = NULL;
    const char *name, *kind, *rate;
    long to = 10000, cto = 0, burst = 0;
    od_err rc;
    *out = NULL;
    g->chname = NULL;
    if (map->type != YAML_MAPPING_NODE)
        return od_error_set(g->e, OD_E_INVALID, "channels", "each channel is a mapping");
    if ((rc = get_str(g, map, "name", &name)))
        return rc;
    if (!name || !*name || strlen(name) > 48)
        return od_error_set(g->e, OD_E_INVALID, "channels.name",
                            "every channel needs a name (1-48 characters)");
    g->chname = name;
    if ((rc = get_str(g, map, "kind", &kind)))
        return rc;
    od_channel_kind k = OD_CH__COUNT;
    for (int i = 0; kind && i < OD_CH__COUNT; i++)
        if (strcmp(kind, kind_names[i]) == 0)
            k = (od_channel_kind)i;
    if (k == OD_CH__COUNT)
        return od_error_set(g->e, OD_E_INVALID, fld(g, "kind"),
                            "kind must be sms, email, webhook, dingtalk, wecom or feishu");
    if ((rc = check_keys(g, map, k)))
        return rc;
    c = calloc(1, sizeof *c);
    if (!c)
        return od_error_set(g->e, OD_E_NOMEM, NULL, "out of memory");
    pthread_mutex_init(&c->mu, NULL);
    c->kind = k;
    if ((rc = dup_str(g, name, &c->name)) || (rc = get_secret(g, map, "url", true, &c->url)) ||
        (rc = get_secret(g, map, "secret", false, &c->secret)))
        goto out;
    if (!c->url || has_crlf(c->url)) {
        rc = od_error_set(g->e, OD_E_INVALID, fld(g, "url"), "url (or url_file / url_env) is required");
        goto out;
    }
    if (k != OD_CH_EMAIL && strncmp(c->url, "http://", 7) != 0 && strncmp(c->url, "https://", 8) != 0) {
        rc = od_error_set(g->e, OD_E_INVALID, fld(g, "url"), "url must start with http:// or https://");
        goto out;
    }
    if ((rc = get_long(g, map, "timeout_ms", 100, 600000, &to)) ||
        (rc = get_long(g, map, "connect_timeout_ms", 100, 600000, &cto)) ||
        (rc = get_long(g, map, "burst", 1, OD_BUCKET_MAX_CAPACITY, &burst)))
        goto out;
    /* a send must end well inside an outbox claim's lease (core/cluster.h):
     * longer time-outs are cut */
    if (to > OD_CLAIM_SEND_MAX_MS)
        to = OD_CLAIM_SEND_MAX_MS;
    if (cto > to)
        cto = to;
    c->timeout_ms = to;
    c->connect_timeout_ms = cto ? cto : (to < 5000 ? to : 5000);
    if (k == OD_CH_DINGTALK || k == OD_CH_WECOM) {
        c->rl_capacity = c->rl_tokens = 20;
        c->rl_per_ms = 60000;
    } else if (k == OD_CH_FEISHU) {
        c->rl_capacity = c->rl_tokens = 5;
        c->rl_per_ms = 1000;
    }
    if ((rc = get_str(g, map, "rate_limit", &rate)) || (rate && (rc = parse_rate(g, rate, c))))
        goto out;
    if (burst && c->rl_capacity)
        c->rl_capacity = burst;
    else if (!burst && (k == OD_CH_DINGTALK || k == OD_CH_WECOM) && c->rl_capacity) {
        /* DingTalk and WeCom count 20 per sliding minute: a full bucket of 20
         * would let up to 40 through in the first minute, so no burst by default */
        c->rl_capacity = 1; /* rl_tokens stays the refill: 20 per minute */
    }
    if (k == OD_CH_SMS || k == OD_CH_WEBHOOK)
        rc = load_http(g, map, c);
    else if (k == OD_CH_EMAIL)
        rc = load_mail(g, map, c);
    else
        rc = load_bot(g, map, c);
out:
    if (rc) {
        channel_free(c);
        return rc;
    }
    *out = c;
    return OD_OK;
}

static od_err load_doc(yaml_document_t *doc, od_channel ***out, size_t *n, od_error *e)
{
    cfg g = {.doc = doc, .e = e};
    yaml_node_t *root = yaml_document_get_root_node(doc);
    yaml_node_t *seq = map_get(doc, root, "channels");
    od_channel **chs = NULL;
    size_t cnt = 0;
    od_err rc = OD_OK;
    if (!seq || seq->type != YAML_SEQUENCE_NODE)
        return od_error_set(e, OD_E_INVALID, "channels", "the file needs a top-level \"channels:\" sequence");
    size_t total = (size_t)(seq->data.sequence.items.top - seq->data.sequence.items.start);
    if (total > MAX_CHANNELS)
        return od_error_set(e, OD_E_INVALID, "channels", "at most %d channels", MAX_CHANNELS);
    chs = calloc(total ? total : 1, sizeof *chs);
    if (!chs)
        return od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    for (yaml_node_item_t *it = seq->data.sequence.items.start; it < seq->data.sequence.items.top; it++) {
        rc = load_channel(&g, yaml_document_get_node(doc, *it), &chs[cnt]);
        if (rc)
            break;
        for (size_t j = 0; j < cnt; j++)
            if (strcmp(chs[j]->name, chs[cnt]->name) == 0)
                rc = od_error_set(e, OD_E_INVALID, "channels.name", "duplicate channel name \"%s\"",
                                  chs[cnt]->name);
        cnt++;
        if (rc)
            break;
    }
    if (rc) {
        od_channels_free(chs, cnt);
        return rc;
    }
    *out = chs;
    *n = cnt;
    return OD_OK;
}

od_err od_channels_load_file(const char *path, od_channel ***out, size_t *n, od_error *e)
{
    char *text = NULL;
    size_t len = 0;
    yaml_parser_t parser;
    yaml_document_t doc;
    od_err rc;

    *out = NULL;
    *n = 0;
    pthread_once(&global_once, global_init);
    if (!global_ok)
        return od_error_set(e, OD_E_INTERNAL, NULL, "libcurl or libsodium failed to initialise");
    rc = slurp(path, CONFIG_FILE_MAX, &text, &len);
    if (rc == OD_E_NOMEM)
        return od_error_set(e, rc, NULL, "out of memory");
    if (rc)
        return od_error_set(e, rc == OD_E_TOO_LARGE ? OD_E_TOO_LARGE : OD_E_IO, NULL,
                            "cannot read channel config %s", path);
    if (!yaml_parser_initialize(&parser)) {
        free(text);
        return od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    }
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
    if (!yaml_parser_load(&parser, &doc)) {
        rc = od_error_set(e, OD_E_INVALID, NULL, "%s:%zu: YAML error: %s", path, parser.problem_mark.line + 1,
                          parser.problem ? parser.problem : "unknown");
    } else {
        rc = load_doc(&doc, out, n, e);
        yaml_document_delete(&doc);
    }
    yaml_parser_delete(&parser);
    free(text);
    return rc;
}

/* ---- sending ------------------------------------------------------- */

od_err od_channel_send(od_channel *c, const od_message *m, int64_t now_ms, od_send_result *r)
{
    memset(r, 0, sizeof *r);
    pthread_once(&global_once, global_init);
    if (!global_ok) {
        od_send_result_error(r, "libcurl or libsodium failed to initialise");
        return OD_E_IO;
    }
    if (!m || (!m->text && !m->markdown)) {
        od_send_result_error(r, "message has no body");
        return OD_E_INVALID;
    }
    if ((c->kind == OD_CH_SMS || c->kind == OD_CH_EMAIL) && (!m->to || !*m->to)) {
        od_send_result_error(r, "a %s message needs a recipient", od_channel_kind_name(c->kind));
        return OD_E_INVALID;
    }
    if (has_crlf(m->to) || has_crlf(m->idempotency_key) || has_crlf(m->link)) {
        od_send_result_error(r, "recipient, link or idempotency key contains a line break");
        return OD_E_INVALID;
    }
    return c->kind == OD_CH_EMAIL ? od_channel_send_mail(c, m, now_ms, r)
                                  : od_channel_send_http(c, m, now_ms, r);
}

/* ---- personal bots (the directory) ---------------------------------- */

od_err od_channel_new_bot(od_channel_kind kind, const char *url, const char *secret, od_channel **out,
                          od_error *e)
{
    *out = NULL;
    if (kind != OD_CH_DINGTALK && kind != OD_CH_WECOM && kind != OD_CH_FEISHU && kind != OD_CH_WEBHOOK)
        return od_error_set(e, OD_E_INVALID, "bot_kind",
                            "a personal bot is dingtalk, wecom, feishu or webhook");
    if (!url || has_crlf(url) || (strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0))
        return od_error_set(e, OD_E_INVALID, "bot_url", "a bot url starts with http:// or https://");
    od_channel *c = calloc(1, sizeof *c);
    if (!c)
        return od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    pthread_mutex_init(&c->mu, NULL);
    c->kind = kind;
    c->name = strdup("personal_bot");
    c->url = strdup(url);
    c->secret = secret && *secret ? strdup(secret) : NULL;
    c->timeout_ms = 10000;
    c->connect_timeout_ms = 5000;
    c->max_unit = OD_UTF8_BYTES;
    if (kind == OD_CH_WEBHOOK) {
        c->method = strdup("POST");
        c->body_escape = OD_ESC_JSON;
        c->max_len = 0;
    } else {
        c->max_len = kind == OD_CH_WECOM ? 4096 : 20000;
    }
    if (kind == OD_CH_FEISHU)
        c->feishu_msg_type = strdup("interactive");
    if (!c->name || !c->url || (secret && *secret && !c->secret) || (kind == OD_CH_WEBHOOK && !c->method) ||
        (kind == OD_CH_FEISHU && !c->feishu_msg_type)) {
        channel_free(c);
        return od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    }
    *out = c;
    return OD_OK;
}

void od_channel_free(od_channel *c)
{
    channel_free(c);
}

void od_channel_guard(od_channel *c, const struct od_net_allow *allow)
{
    c->guarded = true;
    c->guard = allow;
}
