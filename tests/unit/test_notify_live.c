/* test_notify_live.c — every channel really delivers: starts
 * tests/notify/receivers.py (HTTP vendors + aiosmtpd), loads a channel
 * config pointing at it, sends, and checks what the receivers saw and how
 * each failure was classified.  The receivers verify DingTalk and Feishu
 * signatures the way those services do and parse mail with Python's email
 * package, so this is an independent check of signing and encoding.
 * Needs python3 (and python3-aiosmtpd for the e-mail cases); the
 * interpreter is $OPSDESK_PYTHON, else /usr/bin/python3, else python3. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <curl/curl.h>
#include <jansson.h>

#include "notify/channel.h"
#include "util/clock.h"
#include "receivers.h"

#define ZH_SUBJECT                                                                                           \
    "[L1] \xE6\x95\xB0\xE6\x8D\xAE\xE4\xB8\xAD\xE5\xBF\x83 A "                                               \
    "\xE6\x9C\xBA\xE6\x88\xBF\xE6\x96\xAD\xE7\x94\xB5 \xE2\x80\x94 "                                         \
    "\xE8\xAF\xB7\xE7\xAB\x8B\xE5\x8D\xB3\xE5\x8A\xA0\xE5\x85\xA5\xE5\xBA\x94\xE6\x80\xA5\xE4\xBC\x9A\xE8"   \
    "\xAE\xAE\xE6\xA1\xA5 \xF0\x9F\x94\xA5"
#define ZH "\xE4\xB8\xAD"

static struct {
    char dir[64];
    od_channel **chs;
    size_t n;
} G;

/* ---- receiver process and control API ------------------------------- */

static void rx_config(const char *json)
{
    json_decref(control("/_config", json));
}

/* The last request the receiver logged for path (a new reference). */
static json_t *last_request(const char *path)
{
    json_t *log = control("/_log", NULL), *found = NULL, *r;
    size_t i;
    json_array_foreach(json_object_get(log, "requests"), i,
                       r) if (strcmp(json_string_value(json_object_get(r, "path")), path) == 0) found = r;
    assert_non_null(found);
    json_incref(found);
    json_decref(log);
    return found;
}

static json_t *last_mail(void)
{
    json_t *log = control("/_log", NULL);
    json_t *mails = json_object_get(log, "mails");
    assert_true(json_array_size(mails) > 0);
    json_t *m = json_array_get(mails, json_array_size(mails) - 1);
    json_incref(m);
    json_decref(log);
    return m;
}

static const char *jstr(json_t *o, const char *path)
{
    /* "a.b.c" lookup of a string */
    char key[64];
    const char *p = path;
    while (o && *p) {
        const char *dot = strchr(p, '.');
        size_t n = dot ? (size_t)(dot - p) : strlen(p);
        snprintf(key, sizeof key, "%.*s", (int)n, p);
        o = json_object_get(o, key);
        p += n + (dot ? 1 : 0);
    }
    return json_is_string(o) ? json_string_value(o) : NULL;
}

static od_channel *ch(const char *name)
{
    for (size_t i = 0; i < G.n; i++)
        if (strcmp(od_channel_name(G.chs[i]), name) == 0)
            return G.chs[i];
    fail_msg("no channel %s", name);
    return NULL;
}

static od_err send_msg(const char *name, const od_message *m, od_send_result *r)
{
    return od_channel_send(ch(name), m, od_clock_now(NULL), r);
}

/* ---- setup ----------------------------------------------------------- */

static int setup(void **state)
{
    (void)state;
    char path[128], cfg[8192];
    int hp, sp;
    signal(SIGPIPE, SIG_IGN);
    if (!rx_spawn(true)) {
        fprintf(stderr, "cannot start tests/notify/receivers.py with %s\n", rx_python());
        return -1;
    }
    snprintf(G.dir, sizeof G.dir, "/tmp/od-notify-XXXXXX");
    if (!mkdtemp(G.dir))
        return -1;
    snprintf(path, sizeof path, "%s/ding.secret", G.dir);
    write_file(path, "SECding-0123456789\n");
    snprintf(path, sizeof path, "%s/hook.secret", G.dir);
    write_file(path, "whsec-abc");
    setenv("OD_TEST_FEISHU_SECRET", "fs-secret-\xE6\xB5\x8B", 1);
    setenv("OD_TEST_WRONG_SECRET", "SECwrong", 1);
    hp = RX.http_port;
    sp = RX.smtp_port;
    snprintf(
        cfg, sizeof cfg,
        "server: {listen: 127.0.0.1}\n"
        "channels:\n"
        "  - {name: ding, kind: dingtalk, url: 'http://127.0.0.1:%d/dingtalk/ok?access_token=t1',"
        " secret_file: %s/ding.secret}\n"
        "  - {name: ding_wrong, kind: dingtalk, url: 'http://127.0.0.1:%d/dingtalk/ok?access_token=t1',"
        " secret_env: OD_TEST_WRONG_SECRET}\n"
        "  - {name: ding_plain, kind: dingtalk, url: 'http://127.0.0.1:%d/dingtalk/plain?access_token=t2'}\n"
        "  - {name: wecom, kind: wecom, url: 'http://127.0.0.1:%d/wecom/ok?key=K1'}\n"
        "  - {name: wecom_badkey, kind: wecom, url: 'http://127.0.0.1:%d/wecom/ok?key=WRONG'}\n"
        "  - {name: feishu, kind: feishu, url: 'http://127.0.0.1:%d/feishu/ok',"
        " secret_env: OD_TEST_FEISHU_SECRET}\n"
        "  - {name: feishu_text, kind: feishu, msg_type: text, url: 'http://127.0.0.1:%d/feishu/ok',"
        " secret_env: OD_TEST_FEISHU_SECRET}\n"
        "  - {name: feishu_post, kind: feishu, msg_type: post, url: 'http://127.0.0.1:%d/feishu/post'}\n"
        "  - {name: feishu_wrong, kind: feishu, url: 'http://127.0.0.1:%d/feishu/ok',"
        " secret_env: OD_TEST_WRONG_SECRET}\n"
        "  - name: hook\n"
        "    kind: webhook\n"
        "    url: 'http://127.0.0.1:%d/webhook/ok'\n"
        "    secret_file: %s/hook.secret\n"
        "    headers: {X-Team: noc, X-Subject: '{{subject}}'}\n"
        "  - name: hook_tpl\n"
        "    kind: webhook\n"
        "    url: 'http://127.0.0.1:%d/webhook/tpl'\n"
        "    body: '{\"msg\": \"{{text}}\", \"sev\": \"L1\", \"key\": \"{{idempotency_key}}\"}'\n"
        "  - {name: hook_slow, kind: webhook, url: 'http://127.0.0.1:%d/webhook/slow', timeout_ms: 300}\n"
        "  - {name: hook_dead, kind: webhook, url: 'http://127.0.0.1:1/webhook/dead', timeout_ms: 2000}\n"
        "  - name: sms\n"
        "    kind: sms\n"
        "    url: 'http://127.0.0.1:%d/sms/json'\n"
        "    headers: {Content-Type: application/json, X-Api-Key: '{{secret}}'}\n"
        "    secret_file: %s/hook.secret\n"
        "    body: '{\"phone\": \"{{to}}\", \"content\": \"{{text}}\"}'\n"
        "    max_chars: 20\n"
        "  - name: sms_get\n"
        "    kind: sms\n"
        "    method: GET\n"
        "    url: 'http://127.0.0.1:%d/sms/get?to={{to}}&msg={{text}}'\n"
        "  - {name: mail, kind: email, url: 'smtp://127.0.0.1:%d', use_tls: none,"
        " from: 'opsdesk <noc@example.com>'}\n"
        "  - {name: mail8, kind: email, url: 'smtp://127.0.0.1:%d', use_tls: try,"
        " transfer_encoding: 8bit, from: noc@example.com}\n"
        "  - {name: mail_tls, kind: email, url: 'smtp://127.0.0.1:%d', use_tls: require,"
        " from: noc@example.com}\n",
        hp, G.dir, hp, hp, hp, hp, hp, hp, hp, hp, hp, G.dir, hp, hp, hp, G.dir, hp, sp, sp, sp);
    snprintf(path, sizeof path, "%s/channels.yaml", G.dir);
    write_file(path, cfg);
    od_error e;
    od_error_clear(&e);
    if (od_channels_load_file(path, &G.chs, &G.n, &e)) {
        fprintf(stderr, "load: %s (%s)\n", e.message, e.field);
        return -1;
    }
    /* The receivers check signatures with the same secrets. */
    rx_config("{\"path\": \"/dingtalk/ok\", \"secret\": \"SECding-0123456789\"}");
    rx_config("{\"path\": \"/feishu/ok\", \"secret\": \"fs-secret-\u6d4b\"}");
    rx_config("{\"path\": \"/webhook/ok\", \"secret\": \"whsec-abc\"}");
    rx_config("{\"path\": \"/wecom/ok\", \"key\": \"K1\"}");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char path[128];
    od_channels_free(G.chs, G.n);
    rx_stop();
    const char *files[] = {"ding.secret", "hook.secret", "channels.yaml"};
    for (size_t i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "%s/%s", G.dir, files[i]);
        unlink(path);
    }
    rmdir(G.dir);
    return 0;
}

/* ---- cases ----------------------------------------------------------- */

static const od_message base = {.subject = "Disk full",
                                .text = "web-1 /var 100% " ZH,
                                .link = "https://desk.example/i/42",
                                .idempotency_key = "inc42-step1-ding"};

static void test_dingtalk_signed(void **state)
{
    (void)state;
    od_send_result r;
    od_message m = base;
    m.markdown = "#### Disk full\n> web-1 " ZH;
    assert_int_equal(send_msg("ding", &m, &r), OD_OK);
    assert_int_equal(r.http_status, 200);
    json_t *q = last_request("/dingtalk/ok");
    assert_true(json_is_true(json_object_get(q, "sig_ok")));
    assert_string_equal(jstr(q, "json.msgtype"), "markdown");
    assert_string_equal(jstr(q, "json.markdown.title"), "Disk full");
    assert_string_equal(jstr(q, "json.markdown.text"), m.markdown);
    assert_string_equal(jstr(q, "query.access_token"), "t1");
    assert_string_equal(jstr(q, "headers.X-Opsdesk-Message-Id"), "inc42-step1-ding");
    json_decref(q);

    /* Wrong secret: the receiver answers 310000 → permanent. */
    assert_int_equal(send_msg("ding_wrong", &m, &r), OD_E_IO);
    assert_string_equal(r.vendor_code, "310000");
    assert_false(r.retryable);
    assert_non_null(strstr(r.error, "310000"));
    assert_null(strstr(r.error, "SEC"));
}

static void test_dingtalk_limits_and_codes(void **state)
{
    (void)state;
    od_send_result r;
    size_t n = 10000; /* 30000 bytes of CJK, over DingTalk's 20000 */
    char *big = malloc(n * 3 + 1);
    for (size_t i = 0; i < n; i++)
        memcpy(big + i * 3, ZH, 3);
    big[n * 3] = '\0';
    od_message m = base;
    m.text = big;
    assert_int_equal(send_msg("ding", &m, &r), OD_OK); /* receiver rejects > 20000 with 460101 */
    json_t *q = last_request("/dingtalk/ok");
    assert_true(json_integer_value(json_object_get(q, "raw_len")) <= 20000);
    const char *t = jstr(q, "json.markdown.text");
    const char *tail = "\xE2\x80\xA6\nhttps://desk.example/i/42";
    assert_true(strlen(t) > 19000);
    assert_string_equal(t + strlen(t) - strlen(tail), tail);
    json_decref(q);
    free(big);

    rx_config("{\"path\": \"/dingtalk/plain\", \"responses\": ["
              "{\"json\": {\"errcode\": 130101, \"errmsg\": \"send too fast, exceed 20 times per minute\"}},"
              "{\"json\": {\"errcode\": 460101, \"errmsg\": \"message too long\"}},"
              "{\"status\": 502, \"json\": {}}]}");
    assert_int_equal(send_msg("ding_plain", &base, &r), OD_E_IO);
    assert_string_equal(r.vendor_code, "130101");
    assert_true(r.retryable);
    assert_int_equal(send_msg("ding_plain", &base, &r), OD_E_IO);
    assert_string_equal(r.vendor_code, "460101");
    assert_false(r.retryable);
    assert_int_equal(send_msg("ding_plain", &base, &r), OD_E_IO);
    assert_int_equal(r.http_status, 502);
    assert_true(r.retryable);
    assert_int_equal(send_msg("ding_plain", &base, &r), OD_OK);
}

static void test_wecom(void **state)
{
    (void)state;
    od_send_result r;
    od_message m = base;
    m.markdown = "> <font color=\"warning\">web-1</font> " ZH;
    assert_int_equal(send_msg("wecom", &m, &r), OD_OK);
    json_t *q = last_request("/wecom/ok");
    assert_string_equal(jstr(q, "json.msgtype"), "markdown");
    assert_string_equal(jstr(q, "json.markdown.content"),
                        "**Disk full**\n> <font color=\"warning\">web-1</font> " ZH);
    json_decref(q);

    char big[6001];
    memset(big, 'x', 6000);
    big[6000] = '\0';
    m.markdown = big;
    assert_int_equal(send_msg("wecom", &m, &r), OD_OK); /* 40058 if over 4096 */
    q = last_request("/wecom/ok");
    assert_int_equal(strlen(jstr(q, "json.markdown.content")), 4096);
    json_decref(q);

    assert_int_equal(send_msg("wecom_badkey", &base, &r), OD_E_IO);
    assert_string_equal(r.vendor_code, "93000");
    assert_false(r.retryable);
    rx_config(
        "{\"path\": \"/wecom/ok\", \"responses\": [{\"json\": {\"errcode\": 45009, \"errmsg\": \"api freq "
        "out of limit\"}}]}");
    assert_int_equal(send_msg("wecom", &base, &r), OD_E_IO);
    assert_string_equal(r.vendor_code, "45009");
    assert_true(r.retryable);
}

static void test_feishu(void **state)
{
    (void)state;
    od_send_result r;
    od_message m = base;
    m.markdown = "**host** web-1\n**value** 95%";
    assert_int_equal(send_msg("feishu", &m, &r), OD_OK);
    json_t *q = last_request("/feishu/ok");
    assert_true(json_is_true(json_object_get(q, "sig_ok")));
    assert_string_equal(jstr(q, "json.msg_type"), "interactive");
    assert_string_equal(jstr(q, "json.card.header.title.content"), "Disk full");
    json_t *el =
        json_array_get(json_object_get(json_object_get(json_object_get(q, "json"), "card"), "elements"), 0);
    assert_string_equal(jstr(el, "text.content"), m.markdown);
    json_decref(q);

    assert_int_equal(send_msg("feishu_text", &base, &r), OD_OK);
    q = last_request("/feishu/ok");
    assert_true(json_is_true(json_object_get(q, "sig_ok")));
    assert_string_equal(jstr(q, "json.content.text"), "Disk full\nweb-1 /var 100% " ZH);
    json_decref(q);

    assert_int_equal(send_msg("feishu_post", &base, &r), OD_OK);
    q = last_request("/feishu/post");
    assert_string_equal(jstr(q, "json.content.post.zh_cn.title"), "Disk full");
    json_decref(q);

    assert_int_equal(send_msg("feishu_wrong", &base, &r), OD_E_IO);
    assert_string_equal(r.vendor_code, "19021");
    assert_false(r.retryable);

    rx_config("{\"path\": \"/feishu/post\", \"responses\": ["
              "{\"json\": {\"code\": 11232, \"msg\": \"frequency limited\"}},"
              "{\"status\": 400, \"json\": {\"code\": 9499, \"msg\": \"Bad Request\"}},"
              "{\"json\": {\"code\": 9499, \"msg\": \"too many request\"}}]}");
    assert_int_equal(send_msg("feishu_post", &base, &r), OD_E_IO);
    assert_string_equal(r.vendor_code, "11232");
    assert_true(r.retryable);
    assert_int_equal(send_msg("feishu_post", &base, &r), OD_E_IO);
    assert_string_equal(r.vendor_code, "9499");
    assert_false(r.retryable);
    assert_int_equal(send_msg("feishu_post", &base, &r), OD_E_IO);
    assert_true(r.retryable);
}

static void test_webhook(void **state)
{
    (void)state;
    od_send_result r;
    od_message m = base;
    m.idempotency_key = "inc42-hook-dup";
    assert_int_equal(send_msg("hook", &m, &r), OD_OK);
    json_t *q = last_request("/webhook/ok");
    assert_true(json_is_true(json_object_get(q, "sig_ok")));
    assert_string_equal(jstr(q, "headers.X-Team"), "noc");
    assert_string_equal(jstr(q, "headers.X-Subject"), "Disk full");
    assert_string_equal(jstr(q, "headers.Idempotency-Key"), "inc42-hook-dup");
    assert_string_equal(jstr(q, "json.text"), base.text);
    assert_string_equal(jstr(q, "json.link"), base.link);
    json_decref(q);

    /* The receiver counts a second delivery of the same key as a duplicate
     * (avoiding it is the outbox's job; this proves the check works). */
    assert_int_equal(send_msg("hook", &m, &r), OD_OK);
    json_t *log = control("/_log", NULL);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(log, "dups"), "inc42-hook-dup")), 2);
    json_decref(log);

    m.text = "say \"hi\"\n\tand \\ bye";
    assert_int_equal(send_msg("hook_tpl", &m, &r), OD_OK);
    q = last_request("/webhook/tpl");
    assert_string_equal(jstr(q, "json.msg"), m.text); /* JSON-escaped by the template */
    assert_string_equal(jstr(q, "json.key"), "inc42-hook-dup");
    json_decref(q);

    rx_config("{\"path\": \"/webhook/tpl\", \"responses\": ["
              "{\"status\": 429, \"headers\": {\"Retry-After\": \"7\"}, \"json\": {}},"
              "{\"status\": 503, \"json\": {}}, {\"status\": 400, \"json\": {}}, {\"status\": 404, \"json\": "
              "{}}]}");
    assert_int_equal(send_msg("hook_tpl", &m, &r), OD_E_IO);
    assert_int_equal(r.http_status, 429);
    assert_true(r.retryable);
    assert_int_equal(r.retry_after_ms, 7000);
    assert_int_equal(send_msg("hook_tpl", &m, &r), OD_E_IO);
    assert_true(r.retryable);
    assert_int_equal(send_msg("hook_tpl", &m, &r), OD_E_IO);
    assert_int_equal(r.http_status, 400);
    assert_false(r.retryable);
    assert_int_equal(send_msg("hook_tpl", &m, &r), OD_E_IO);
    assert_false(r.retryable);
}

static void test_transport_failures(void **state)
{
    (void)state;
    od_send_result r;
    rx_config("{\"path\": \"/webhook/slow\", \"responses\": [{\"delay_ms\": 1500}]}");
    assert_int_equal(send_msg("hook_slow", &base, &r), OD_E_IO);
    assert_int_equal(r.http_status, 0);
    assert_true(r.retryable);
    assert_non_null(strstr(r.error, "imeout")); /* "Timeout was reached" */
    assert_int_equal(send_msg("hook_dead", &base, &r), OD_E_IO);
    assert_int_equal(r.http_status, 0);
    assert_true(r.retryable);
}

static void test_sms(void **state)
{
    (void)state;
    od_send_result r;
    od_message m = base;
    m.to = "+8613800000000";
    m.text = "\xE3\x80\x90L1\xE3\x80\x91" ZH ZH ZH " \"quoted\" and a long tail that will not fit";
    m.link = "https://d/i/42";
    assert_int_equal(send_msg("sms", &m, &r), OD_OK);
    json_t *q = last_request("/sms/json");
    assert_string_equal(jstr(q, "json.phone"), "+8613800000000");
    assert_string_equal(jstr(q, "headers.X-Api-Key"), "whsec-abc");
    /* 20 characters: 4 of text + "…\n" + the 14-character link */
    assert_string_equal(jstr(q, "json.content"), "\xE3\x80\x90L1\xE3\x80\x91\xE2\x80\xA6\nhttps://d/i/42");
    json_decref(q);

    m.text = "a&b=c " ZH;
    assert_int_equal(send_msg("sms_get", &m, &r), OD_OK);
    q = last_request("/sms/get");
    assert_string_equal(jstr(q, "method"), "GET");
    assert_string_equal(jstr(q, "query.to"), "+8613800000000");
    assert_string_equal(jstr(q, "query.msg"), m.text);
    json_decref(q);

    m.to = NULL;
    assert_int_equal(send_msg("sms", &m, &r), OD_E_INVALID);
    assert_false(r.retryable);
}

static void test_email(void **state)
{
    (void)state;
    od_send_result r;
    if (RX.smtp_port <= 0)
        fail_msg("the SMTP receiver needs python3-aiosmtpd (apt-get install python3-aiosmtpd)");
    od_message m = base;
    m.to = "oncall@example.com";
    m.subject = ZH_SUBJECT;
    m.text = "\xE6\x9C\xBA\xE6\x88\xBF A \xE6\x96\xAD\xE7\x94\xB5\n.leading dot line\nsecond line";
    m.idempotency_key = "inc42/step1:mail";
    assert_int_equal(send_msg("mail", &m, &r), OD_OK);
    json_t *q = last_mail();
    assert_string_equal(jstr(q, "subject"), ZH_SUBJECT);
    assert_string_equal(jstr(q, "body"), m.text);
    assert_string_equal(jstr(q, "charset"), "utf-8");
    assert_string_equal(jstr(q, "cte"), "base64");
    assert_string_equal(jstr(q, "message_id"), "<inc42=2Fstep1=3Amail@example.com>");
    assert_string_equal(jstr(q, "mail_from"), "noc@example.com");
    assert_string_equal(json_string_value(json_array_get(json_object_get(q, "rcpt_tos"), 0)),
                        "oncall@example.com");
    assert_int_equal(json_array_size(json_object_get(q, "defects")), 0);
    json_decref(q);

    assert_int_equal(send_msg("mail8", &m, &r), OD_OK);
    q = last_mail();
    assert_string_equal(jstr(q, "subject"), ZH_SUBJECT);
    assert_string_equal(jstr(q, "cte"), "8bit");
    assert_string_equal(
        jstr(q, "body"),
        "\xE6\x9C\xBA\xE6\x88\xBF A \xE6\x96\xAD\xE7\x94\xB5\n.leading dot line\nsecond line\n");
    json_decref(q);

    rx_config("{\"smtp\": [\"451 4.3.0 try again later\", \"550 5.1.1 no such user\"]}");
    assert_int_equal(send_msg("mail", &m, &r), OD_E_IO);
    assert_string_equal(r.vendor_code, "451");
    assert_true(r.retryable);
    assert_int_equal(send_msg("mail", &m, &r), OD_E_IO);
    assert_string_equal(r.vendor_code, "550");
    assert_false(r.retryable);

    /* use_tls: require against a server without STARTTLS: permanent. */
    assert_int_equal(send_msg("mail_tls", &m, &r), OD_E_IO);
    assert_false(r.retryable);

    m.to = "evil@example.com\r\nBcc: x@y";
    assert_int_equal(send_msg("mail", &m, &r), OD_E_INVALID);
}

static void test_throttle(void **state)
{
    (void)state;
    /* DingTalk counts 20 per sliding minute: no burst by default, one every 3 s */
    od_channel *c = ch("ding_plain");
    assert_int_equal(od_channel_throttle(c, 1000), 0);
    assert_int_equal(od_channel_throttle(c, 1000), 3000);
    assert_int_equal(od_channel_throttle(c, 3999), 1);
    assert_int_equal(od_channel_throttle(c, 4000), 0);
    int sent = 2;
    for (int64_t t = 4001; t < 61000; t++)
        sent += od_channel_throttle(c, t) == 0;
    assert_true(sent <= 20);                                    /* at most 20 in the first minute */
    assert_int_equal(od_channel_throttle(ch("hook"), 1000), 0); /* no limit configured */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dingtalk_signed),
        cmocka_unit_test(test_dingtalk_limits_and_codes),
        cmocka_unit_test(test_wecom),
        cmocka_unit_test(test_feishu),
        cmocka_unit_test(test_webhook),
        cmocka_unit_test(test_transport_failures),
        cmocka_unit_test(test_sms),
        cmocka_unit_test(test_email),
        cmocka_unit_test(test_throttle),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
