/* test_notify_channel.c — the channel layer without a network: config
 * loading (good and bad files, by table), result classification (every
 * vendor code we special-case), bot JSON bodies and their size limits, and
 * the e-mail text (RFC 2047 subject, Date, Message-ID, header injection). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "notify/channel_int.h"
#include "util/utf8.h"

#define ZH "\xE4\xB8\xAD"

static char dir[64];

static void write_file(const char *name, const char *text, char *path, size_t cap)
{
    snprintf(path, cap, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static int setup(void **state)
{
    (void)state;
    char p[128];
    snprintf(dir, sizeof dir, "/tmp/od-notify-unit-XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    write_file("s.secret", "SECabc\n", p, sizeof p);
    setenv("OD_UNIT_SECRET", "envsecret", 1);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char p[128];
    snprintf(p, sizeof p, "%s/s.secret", dir);
    unlink(p);
    snprintf(p, sizeof p, "%s/c.yaml", dir);
    unlink(p);
    rmdir(dir);
    return 0;
}

static od_err load(const char *yaml, od_channel ***chs, size_t *n, od_error *e)
{
    char p[128];
    write_file("c.yaml", yaml, p, sizeof p);
    od_error_clear(e);
    return od_channels_load_file(p, chs, n, e);
}

static void test_load_good(void **state)
{
    (void)state;
    od_channel **chs = NULL;
    size_t n = 0;
    od_error e;
    char yaml[1024];
    snprintf(yaml, sizeof yaml,
             "other: ignored\n"
             "channels:\n"
             "  - {name: d, kind: dingtalk, url: 'https://oapi.dingtalk.com/robot/send?access_token=x',"
             " secret_file: %s/s.secret}\n"
             "  - {name: w, kind: wecom, url_env: OD_UNIT_SECRET_URL}\n"
             "  - {name: f, kind: feishu, url: 'https://open.feishu.cn/open-apis/bot/v2/hook/x',"
             " secret_env: OD_UNIT_SECRET, msg_type: post, rate_limit: 100/min, burst: 5}\n"
             "  - {name: m, kind: email, url: 'smtp://mail:587', from: a@b.c, use_tls: try}\n",
             dir);
    setenv("OD_UNIT_SECRET_URL", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k", 1);
    assert_int_equal(load(yaml, &chs, &n, &e), OD_OK);
    assert_int_equal(n, 4);
    assert_string_equal(od_channel_name(chs[0]), "d");
    assert_int_equal(od_channel_kind_of(chs[0]), OD_CH_DINGTALK);
    assert_string_equal(chs[0]->secret, "SECabc"); /* trailing newline trimmed */
    assert_int_equal(chs[0]->max_len, 20000);
    assert_int_equal(chs[1]->max_len, 4096);
    assert_int_equal(chs[1]->rl_capacity, 1); /* WeCom: no burst by default (sliding minute) */
    assert_int_equal(chs[1]->rl_tokens, 20);
    assert_int_equal(chs[1]->rl_per_ms, 60000);
    assert_string_equal(chs[2]->secret, "envsecret");
    assert_int_equal(chs[2]->rl_capacity, 5);
    assert_int_equal(chs[2]->rl_tokens, 100);
    assert_int_equal(chs[3]->use_tls, OD_TLS_TRY);
    assert_int_equal(chs[3]->rl_capacity, 0);
    assert_string_equal(od_channel_kind_name(OD_CH_FEISHU), "feishu");
    od_channels_free(chs, n);
    od_channels_free(NULL, 0);
}

static void test_load_bad(void **state)
{
    (void)state;
    static const struct {
        const char *yaml, *field, *msg_part;
    } cases[] = {
        {"channels: {}\n", "channels", "sequence"},
        {"nope: 1\n", "channels", "channels"},
        {"channels: [\n", NULL, "YAML"},
        {"channels:\n  - {kind: sms}\n", "channels.name", "name"},
        {"channels:\n  - {name: a, kind: pager, url: 'http://x'}\n", "a.kind", "kind"},
        {"channels:\n  - {name: a, kind: webhook, url: 'http://x', secret: inline}\n", "a.secret", "inline"},
        {"channels:\n  - {name: a, kind: webhook, url: 'http://x', secret_env: OD_UNIT_NOT_SET}\n",
         "a.secret_env", "not set"},
        {"channels:\n  - {name: a, kind: webhook, url: 'http://x', secret_file: /nonexistent/s}\n",
         "a.secret_file", "cannot read"},
        {"channels:\n  - {name: a, kind: webhook, url: 'http://x', colour: red}\n", "a.colour",
         "unknown key"},
        {"channels:\n  - {name: a, kind: dingtalk, url: 'http://x', body: '{}'}\n", "a.body", "unknown key"},
        {"channels:\n  - {name: a, kind: webhook, url: 'ftp://x'}\n", "a.url", "http"},
        {"channels:\n  - {name: a, kind: webhook}\n", "a.url", "required"},
        {"channels:\n  - {name: a, kind: webhook, url: 'http://x', rate_limit: fast}\n", "a.rate_limit",
         "20/min"},
        {"channels:\n  - {name: a, kind: webhook, url: 'http://x', timeout_ms: 5}\n", "a.timeout_ms",
         "integer"},
        {"channels:\n  - {name: a, kind: webhook, url: 'http://x', body: '{{nope}}'}\n", "a.body", "nope"},
        {"channels:\n  - {name: a, kind: webhook, url: 'http://x', body: '{{text'}\n", "a.body",
         "unterminated"},
        {"channels:\n  - {name: a, kind: sms, url: 'http://x'}\n", "a.body", "body"},
        {"channels:\n  - {name: a, kind: sms, url: 'http://x', method: GET, body: x}\n", "a.body", "GET"},
        {"channels:\n  - {name: a, kind: webhook, url: 'http://x', headers: {'Bad Name': v}}\n", "a.headers",
         "bad header"},
        {"channels:\n  - {name: a, kind: email, url: 'http://x', from: a@b}\n", "a.url", "smtp"},
        {"channels:\n  - {name: a, kind: email, url: 'smtp://x', from: nobody}\n", "a.from", "e-mail"},
        {"channels:\n  - {name: a, kind: email, url: 'smtp://x', from: a@b, use_tls: maybe}\n", "a.use_tls",
         "use_tls"},
        {"channels:\n  - {name: a, kind: email, url: 'smtp://x', from: a@b, password: pw}\n", "a.password",
         "inline"},
        {"channels:\n  - {name: a, kind: feishu, url: 'http://x', msg_type: image}\n", "a.msg_type",
         "msg_type"},
        {"channels:\n  - {name: a, kind: webhook, url: 'http://x'}\n  - {name: a, kind: webhook, url: "
         "'http://y'}\n",
         "channels.name", "duplicate"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        od_channel **chs = (od_channel **)1;
        size_t n = 99;
        od_error e;
        od_err rc = load(cases[i].yaml, &chs, &n, &e);
        if (rc != OD_E_INVALID || !strstr(e.message, cases[i].msg_part) ||
            (cases[i].field && strcmp(e.field, cases[i].field) != 0))
            fail_msg("case %zu: rc %d field \"%s\" message \"%s\"", i, rc, e.field, e.message);
        assert_null(chs);
        assert_int_equal(n, 0);
        assert_null(strstr(e.message, "SECabc"));
    }
    od_channel **chs;
    size_t n;
    od_error e;
    od_error_clear(&e);
    assert_int_equal(od_channels_load_file("/nonexistent/c.yaml", &chs, &n, &e), OD_E_IO);
}

static void test_classify(void **state)
{
    (void)state;
    static const struct {
        od_channel_kind kind;
        long status;
        const char *body;
        bool ok, retryable;
        const char *code;
    } cases[] = {
        {OD_CH_DINGTALK, 200, "{\"errcode\":0,\"errmsg\":\"ok\"}", true, false, "0"},
        {OD_CH_DINGTALK, 200, "{\"errcode\":130101,\"errmsg\":\"send too fast\"}", false, true, "130101"},
        {OD_CH_DINGTALK, 200, "{\"errcode\":310000,\"errmsg\":\"sign not match\"}", false, false, "310000"},
        {OD_CH_DINGTALK, 200, "{\"errcode\":460101,\"errmsg\":\"too long\"}", false, false, "460101"},
        {OD_CH_DINGTALK, 200, "{\"errcode\":-1,\"errmsg\":\"busy\"}", false, true, "-1"},
        {OD_CH_DINGTALK, 200, "<html>proxy</html>", false, false, ""},
        {OD_CH_DINGTALK, 200, "{\"errmsg\":\"no code\"}", false, false, ""},
        {OD_CH_WECOM, 200, "{\"errcode\":0,\"errmsg\":\"ok\"}", true, false, "0"},
        {OD_CH_WECOM, 200, "{\"errcode\":45009,\"errmsg\":\"freq\"}", false, true, "45009"},
        {OD_CH_WECOM, 200, "{\"errcode\":93000,\"errmsg\":\"invalid webhook\"}", false, false, "93000"},
        {OD_CH_WECOM, 200, "{\"errcode\":40058,\"errmsg\":\"too long\"}", false, false, "40058"},
        {OD_CH_FEISHU, 200, "{\"code\":0,\"msg\":\"success\",\"data\":{}}", true, false, "0"},
        {OD_CH_FEISHU, 200, "{\"StatusCode\":0,\"StatusMessage\":\"success\"}", true, false, "0"},
        {OD_CH_FEISHU, 200, "{\"code\":11232,\"msg\":\"frequency limited\"}", false, true, "11232"},
        {OD_CH_FEISHU, 200, "{\"code\":9499,\"msg\":\"too many request\"}", false, true, "9499"},
        {OD_CH_FEISHU, 400, "{\"code\":9499,\"msg\":\"Bad Request\"}", false, false, "9499"},
        {OD_CH_FEISHU, 200, "{\"code\":19021,\"msg\":\"sign match fail\"}", false, false, "19021"},
        {OD_CH_FEISHU, 200, "{\"code\":19024,\"msg\":\"Key Words Not Found\"}", false, false, "19024"},
        {OD_CH_WEBHOOK, 204, "", true, false, ""},
        {OD_CH_WEBHOOK, 200, "<html>", true, false, ""},
        {OD_CH_WEBHOOK, 429, "", false, true, ""},
        {OD_CH_WEBHOOK, 408, "", false, true, ""},
        {OD_CH_WEBHOOK, 500, "", false, true, ""},
        {OD_CH_WEBHOOK, 503, "", false, true, ""},
        {OD_CH_WEBHOOK, 400, "", false, false, ""},
        {OD_CH_WEBHOOK, 401, "", false, false, ""},
        {OD_CH_WEBHOOK, 404, "", false, false, ""},
        {OD_CH_SMS, 302, "", false, false, ""},
        {OD_CH_DINGTALK, 502, "bad gateway", false, true, ""},
        {OD_CH_DINGTALK, 429, "{\"errcode\":130101}", false, true, "130101"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        od_send_result r;
        memset(&r, 0, sizeof r);
        bool ok =
            od_channel_classify(cases[i].kind, cases[i].status, cases[i].body, strlen(cases[i].body), &r);
        if (ok != cases[i].ok || r.retryable != cases[i].retryable ||
            strcmp(r.vendor_code, cases[i].code) != 0 || r.http_status != cases[i].status)
            fail_msg("case %zu: ok %d retryable %d code \"%s\" (%s)", i, ok, r.retryable, r.vendor_code,
                     r.error);
        if (!ok)
            assert_true(r.error[0] != '\0');
    }
}

/* A channel record built by hand (no file needed for body building). */
static od_channel *bot(od_channel_kind kind, size_t max_len, const char *secret, const char *msg_type)
{
    od_channel *c = calloc(1, sizeof *c);
    c->kind = kind;
    c->max_len = max_len;
    c->max_unit = OD_UTF8_BYTES;
    c->secret = (char *)(uintptr_t)secret; /* test only: not freed */
    c->feishu_msg_type = (char *)(uintptr_t)msg_type;
    return c;
}

static json_t *body_of(od_channel *c, const od_message *m, int64_t now_ms, size_t *len)
{
    char *s = NULL;
    od_error e;
    od_error_clear(&e);
    assert_int_equal(od_channel_bot_body(c, m, now_ms, &s, &e), OD_OK);
    *len = strlen(s);
    json_t *j = json_loads(s, 0, NULL);
    assert_non_null(j);
    free(s);
    return j;
}

static void test_bot_bodies(void **state)
{
    (void)state;
    size_t len;
    od_message m = {.subject = "T", .text = "plain", .markdown = "**md**", .link = "https://l"};
    od_channel *d = bot(OD_CH_DINGTALK, 20000, NULL, NULL);
    json_t *j = body_of(d, &m, 0, &len);
    assert_string_equal(json_string_value(json_object_get(json_object_get(j, "markdown"), "text")), "**md**");
    assert_string_equal(json_string_value(json_object_get(json_object_get(j, "markdown"), "title")), "T");
    json_decref(j);

    /* Quotes and newlines expand in JSON: the whole body still fits. */
    size_t n = 30000;
    char *big = malloc(n + 1);
    for (size_t i = 0; i < n; i++)
        big[i] = "\"\n" ZH "ab"[i % 5];
    big[n] = '\0';
    m.markdown = big;
    j = body_of(d, &m, 0, &len);
    assert_true(len <= 20000);
    const char *t = json_string_value(json_object_get(json_object_get(j, "markdown"), "text"));
    assert_true(od_utf8_valid(t, strlen(t)));
    assert_string_equal(t + strlen(t) - strlen("\xE2\x80\xA6\nhttps://l"), "\xE2\x80\xA6\nhttps://l");
    json_decref(j);

    od_channel *f = bot(OD_CH_FEISHU, 20000, "s", "interactive");
    j = body_of(f, &m, 1599360473999LL, &len);
    assert_true(len <= 20000);
    assert_string_equal(json_string_value(json_object_get(j, "timestamp")), "1599360473");
    assert_non_null(json_string_value(json_object_get(j, "sign")));
    json_decref(j);

    od_channel *w = bot(OD_CH_WECOM, 4096, NULL, NULL);
    j = body_of(w, &m, 0, &len);
    t = json_string_value(json_object_get(json_object_get(j, "markdown"), "content"));
    assert_true(strlen(t) <= 4096 && strlen(t) > 4000);
    assert_memory_equal(t, "**T**\n", 6);
    json_decref(j);

    /* Invalid UTF-8 input is repaired, not rejected by jansson. */
    m.markdown = "bad \xFF byte";
    j = body_of(w, &m, 0, &len);
    assert_string_equal(json_string_value(json_object_get(json_object_get(j, "markdown"), "content")),
                        "**T**\nbad \xEF\xBF\xBD byte");
    json_decref(j);

    /* A limit that leaves no room for text is an error, not a loop. */
    od_channel *tiny = bot(OD_CH_DINGTALK, 60, NULL, NULL);
    m.markdown = big;
    char *s = NULL;
    assert_int_equal(od_channel_bot_body(tiny, &m, 0, &s, NULL), OD_E_TOO_LARGE);
    assert_null(s);
    free(big);
    free(d);
    free(f);
    free(w);
    free(tiny);
}

static void test_mail_text(void **state)
{
    (void)state;
    od_channel c;
    memset(&c, 0, sizeof c);
    c.kind = OD_CH_EMAIL;
    c.from = (char *)(uintptr_t) "opsdesk <noc@example.com>";
    char subject[400] = "";
    for (int i = 0; i < 40; i++)
        strncat(subject, ZH "a", sizeof subject - strlen(subject) - 1); /* banned-ok: bounded strncat */
    od_message m = {.to = "x@example.com", .subject = subject, .text = "body", .idempotency_key = "k 1"};
    char *out = NULL;
    assert_int_equal(od_channel_mail_text(&c, &m, 1763714580000LL, &out, NULL), OD_OK);
    assert_non_null(strstr(out, "Date: Fri, 21 Nov 2025 08:43:00 +0000\r\n"));
    assert_non_null(strstr(out, "Message-ID: <k=201@example.com>\r\n"));
    assert_non_null(strstr(out, "Content-Type: text/plain; charset=UTF-8\r\n"));
    assert_non_null(strstr(out, "Content-Transfer-Encoding: base64\r\n\r\nYm9keQ==\r\n"));
    /* Every header line is within 78 characters, encoded words within 75. */
    for (const char *p = out; *p && !(p[0] == '\r' && p[1] == '\n');) {
        const char *eol = strstr(p, "\r\n");
        assert_non_null(eol);
        assert_true(eol - p <= 78);
        p = eol + 2;
    }
    assert_non_null(strstr(out, "Subject: =?UTF-8?B?"));
    free(out);

    m.to = "x@example.com>\r\nBcc: y@z";
    assert_int_equal(od_channel_mail_text(&c, &m, 0, &out, NULL), OD_E_INVALID);
    m.to = "x@example.com";
    m.subject = "ok\r\nBcc: y@z"; /* folded into the subject, not a new header */
    assert_int_equal(od_channel_mail_text(&c, &m, 0, &out, NULL), OD_OK);
    assert_null(strstr(out, "\r\nBcc:"));
    free(out);
}

/* The message is capped at 1 MiB + 4095 bytes: a mail of exactly that many
 * bytes is built, one more byte is refused (8bit body: one byte of text is
 * one byte of mail, a newline two). */
static void test_mail_size_cap(void **state)
{
    (void)state;
    const size_t cap = 1024 * 1024 + 4095;
    od_channel c;
    memset(&c, 0, sizeof c);
    c.kind = OD_CH_EMAIL;
    c.from = (char *)(uintptr_t) "opsdesk <noc@example.com>";
    c.body_8bit = true;
    od_message m = {.to = "x@example.com", .subject = "s", .text = "x", .idempotency_key = "k"};
    char *out = NULL;
    assert_int_equal(od_channel_mail_text(&c, &m, 0, &out, NULL), OD_OK);
    size_t head = strlen(out) - 3; /* without "x\r\n" */
    free(out);
    size_t body = cap - head - 2, lines = body / 502, tail = body % 502; /* 500 x + CRLF per line */
    char *text = malloc(lines * 501 + tail + 2);
    assert_non_null(text);
    size_t n = 0;
    for (size_t l = 0; l < lines; l++) {
        memset(text + n, 'x', 500);
        n += 500;
        text[n++] = '\n';
    }
    memset(text + n, 'x', tail);
    n += tail;
    text[n] = '\0';
    m.text = text;
    assert_int_equal(od_channel_mail_text(&c, &m, 0, &out, NULL), OD_OK);
    assert_int_equal(strlen(out), cap);
    assert_null(strstr(out, "base64"));
    free(out);
    text[n] = 'x';
    text[n + 1] = '\0';
    od_error e;
    od_error_clear(&e);
    assert_int_equal(od_channel_mail_text(&c, &m, 0, &out, &e), OD_E_TOO_LARGE);
    assert_non_null(strstr(e.message, "larger than"));
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_load_good), cmocka_unit_test(test_load_bad),
        cmocka_unit_test(test_classify),  cmocka_unit_test(test_bot_bodies),
        cmocka_unit_test(test_mail_text), cmocka_unit_test(test_mail_size_cap),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
