/* notify_directory.c — the directory (R-NOT-1/R-NOT-7: how each person is reached)
 * and `opsdesk notify test`.
 *
 * Directory: mobile, e-mail and language stay in `users` (PATCH
 * /api/v1/users/{id}); here are the personal group-bot webhook and the
 * person's own choice of channels per incident level (`user_notify`,
 * migration 0006).  A personal bot's URL holds its access token and its
 * secret signs: neither is ever answered, only whether set and the host.
 *
 * Notify test: a message with no incident put into the outbox for one
 * configured channel; the dispatcher sends it like any other (rate limit,
 * retries, attempt log), and GET …/test/{id} shows its attempts.
 * Use cases for src/http/h_notify.c (declared in app/notification.h). */
#include "app/notification.h"
#include "notify/dispatcher.h"
#include "notify/message.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const contact_keys[] = {"sms", "email", "bot"};

static json_t *channels_json(unsigned bits)
{
    json_t *a = json_array();
    for (int i = 0; i < 3; i++)
        if (bits & (1u << i))
            json_array_append_new(a, json_string(contact_keys[i]));
    return a;
}

/* "https://oapi.dingtalk.com/…": scheme and host of a bot URL, no token. */
static json_t *url_hint(const char *url)
{
    const char *p = strstr(url, "://");
    if (!p)
        return json_null();
    p += 3;
    size_t n = strcspn(p, "/?#");
    char buf[300];
    snprintf(buf, sizeof buf, "%.*s%.*s/…", (int)(p - url), url, (int)(n < 200 ? n : 200), p);
    return json_string(buf);
}

od_err od_user_notify_get(od_app *a, int64_t id, json_t **out, od_error *e)
{
    *out = NULL;
    od_tx *tx = NULL;
    od_rows *r = NULL;
    od_err rc = od_tx_begin(a->store, false, &tx, e);
    if (rc)
        return rc;
    rc = od_tx_query(tx, OD_Q_NTF_USER_CONTACT, &r, e, OD_BINDS(OD_INT(id)));
    bool row = false;
    if (!rc)
        rc = od_rows_step(r, &row);
    if (row) {
        json_t *own = od_rows_null(r, 4) ? NULL : json_loads(od_rows_text(r, 4), 0, NULL);
        if (!json_is_object(own)) {
            json_decref(own);
            own = json_object();
        }
        json_t *eff = json_object();
        for (int g = 0; g < OD_GRADE__COUNT; g++) {
            json_t *mine = json_object_get(own, od_grade_key((od_grade)g));
            json_object_set_new(eff, od_grade_key((od_grade)g),
                                mine ? json_deep_copy(mine)
                                     : channels_json(od_notify_level_channels(a->policy, (od_grade)g)));
        }
        bool has_bot = !od_rows_null(r, 3) && od_rows_text(r, 3)[0];
        json_t *bot =
            has_bot ? json_pack("{ss so sb}", "kind", od_rows_text(r, 5), "url", url_hint(od_rows_text(r, 3)),
                                "secret_set", od_rows_text(r, 6)[0] != '\0')
                    : json_null();
        *out = json_pack("{sI ss ss ss so so so}", "user_id", (json_int_t)id, "phone", od_rows_text(r, 0),
                         "email", od_rows_text(r, 1), "lang", od_rows_text(r, 2), "bot", bot, "channels_own",
                         own, "channels", eff);
    }
    od_rows_close(r);
    od_tx_rollback(tx);
    if (!rc && !row)
        rc = od_error_set(e, OD_E_NOT_FOUND, NULL, "用户 %lld 不存在 (user %lld not found)", (long long)id,
                          (long long)id);
    return rc;
}

/* {"L1": ["sms", …], …}: grades L1..NG, channels sms/email/bot, each once,
 * at least one. */
static od_err check_channels(json_t *ch, od_error *e)
{
    const char *k;
    json_t *v;
    json_object_foreach(ch, k, v)
    {
        if (od_grade_parse(k) < 0)
            return od_error_set(e, OD_E_UNPROCESSABLE, "channels",
                                "未知级别 %s，须为 L1/L2/L3/NG (unknown level %s: L1, L2, L3 or NG)", k, k);
        if (!json_is_array(v) || json_array_size(v) == 0 || json_array_size(v) > 3)
            return od_error_set(
                e, OD_E_UNPROCESSABLE, "channels",
                "%s 须列出 sms、email、bot 中的至少一个 (%s: list at least one of sms, email, bot)", k, k);
        unsigned seen = 0;
        size_t i;
        json_t *c;
        json_array_foreach(v, i, c)
        {
            int idx = -1;
            for (int j = 0; j < 3 && json_is_string(c); j++)
                if (strcmp(json_string_value(c), contact_keys[j]) == 0)
                    idx = j;
            if (idx < 0 || (seen & (1u << idx)))
                return od_error_set(
                    e, OD_E_UNPROCESSABLE, "channels",
                    "%s：渠道须为 sms、email、bot，且不重复 (%s: channels are sms, email, bot, each once)", k,
                    k);
            seen |= 1u << idx;
        }
    }
    return OD_OK;
}

od_err od_user_notify_put(od_app *a, const od_principal *who, int64_t id, json_t *body, json_t **out,
                          od_error *e)
{
    *out = NULL;
    const char *kind = json_string_value(json_object_get(body, "bot_kind"));
    const char *url = json_string_value(json_object_get(body, "bot_url"));
    const char *secret = json_string_value(json_object_get(body, "bot_secret"));
    const char *lang = json_string_value(json_object_get(body, "lang"));
    json_t *channels = json_object_get(body, "channels");
    if ((kind && *kind) || (url && *url) ||
        (secret && *secret)) { /* R-SEC-SYS-2: a bot is set by its owner only */
        od_err rc = od_user_guard(a, who, id, OD_UA_SET_BOT, 0, e);
        if (rc)
            return rc;
    }
    if (lang && od_lang_parse(lang) < 0)
        return od_error_set(e, OD_E_UNPROCESSABLE, "lang",
                            "lang 须为 zh-CN 或 en (lang must be zh-CN or en)");
    if (channels && !json_is_null(channels)) {
        od_err rc = check_channels(channels, e);
        if (rc)
            return rc;
    }
    if (kind && *kind) {
        od_channel_kind k = OD_CH__COUNT;
        for (int i = 0; i < OD_CH__COUNT; i++)
            if (strcmp(kind, od_channel_kind_name((od_channel_kind)i)) == 0)
                k = (od_channel_kind)i;
        od_channel *probe = NULL;
        od_err rc = od_channel_new_bot(k, url ? url : "", secret, &probe, e);
        od_channel_free(probe);
        if (rc) {
            e->code = OD_E_UNPROCESSABLE;
            return rc == OD_E_NOMEM ? rc : OD_E_UNPROCESSABLE;
        }
        rc = od_dispatcher_check_bot_url(a->dispatcher, url, e); /* probe M9: not the server's own network */
        if (rc)
            return rc;
    } else if (!kind && (url || secret)) {
        return od_error_set(e, OD_E_UNPROCESSABLE, "bot_kind",
                            "设置个人机器人须同时给出 bot_kind (a personal bot needs bot_kind)");
    }
    int64_t now = od_app_now(a);
    od_tx *tx = NULL;
    od_rows *r = NULL;
    od_err rc = od_tx_begin(a->store, true, &tx, e);
    if (rc)
        return rc;
    rc = od_tx_query(tx, OD_Q_NTF_USER_CONTACT, &r, e, OD_BINDS(OD_INT(id)));
    bool row = false;
    if (!rc)
        rc = od_rows_step(r, &row);
    char *cur_kind = NULL, *cur_url = NULL, *cur_secret = NULL, *cur_ch = NULL;
    if (row) {
        cur_kind = strdup(od_rows_null(r, 5) ? "" : od_rows_text(r, 5));
        cur_url = strdup(od_rows_null(r, 3) ? "" : od_rows_text(r, 3));
        cur_secret = strdup(od_rows_null(r, 6) ? "" : od_rows_text(r, 6));
        cur_ch = strdup(od_rows_null(r, 4) ? "{}" : od_rows_text(r, 4));
    }
    od_rows_close(r);
    if (!rc && !row)
        rc = od_error_set(e, OD_E_NOT_FOUND, NULL, "用户 %lld 不存在 (user %lld not found)", (long long)id,
                          (long long)id);
    if (!rc && (!cur_kind || !cur_url || !cur_secret || !cur_ch))
        rc = od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    char *ch = NULL;
    if (!rc) {
        bool drop = kind && !*kind;
        const char *nk = drop ? "" : kind ? kind : cur_kind;
        const char *nu = drop ? "" : url ? url : cur_url;
        const char *ns = drop ? "" : secret ? secret : (kind ? "" : cur_secret);
        ch = channels && !json_is_null(channels) ? json_dumps(channels, JSON_COMPACT | JSON_SORT_KEYS)
             : channels                          ? strdup("{}")
                                                 : strdup(cur_ch);
        if (!ch)
            rc = od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
        if (!rc)
            rc = od_tx_exec(
                tx, OD_Q_NTF_USER_NOTIFY_PUT, e,
                OD_BINDS(OD_INT(id), OD_TEXT(nk), OD_TEXT(nu), OD_TEXT(ns), OD_TEXT(ch), OD_INT(now)));
    }
    if (!rc && lang)
        rc = od_tx_exec(tx, OD_Q_NTF_USER_SET_LANG, e, OD_BINDS(OD_TEXT(lang), OD_INT(now), OD_INT(id)));
    if (!rc) {
        /* the audit records what changed, never the bot URL or secret */
        json_t *aud = json_pack("{ss sb sb}", "bot_kind", kind ? kind : cur_kind, "bot_url_changed",
                                url != NULL, "bot_secret_changed", secret != NULL);
        json_t *chj = json_loads(ch, 0, NULL);
        json_object_set_new(aud, "channels", chj ? chj : json_object());
        if (lang)
            json_object_set_new(aud, "lang", json_string(lang));
        rc = od_audit_append(tx, now, who, "user.notify", "user", id, NULL, aud, e);
        json_decref(aud);
    }
    if (cur_secret)
        sodium_memzero(cur_secret, strlen(cur_secret));
    free(cur_kind);
    free(cur_url);
    free(cur_secret);
    free(cur_ch);
    free(ch);
    if (rc) {
        od_tx_rollback(tx);
        return rc;
    }
    rc = od_tx_commit(tx, e);
    return rc ? rc : od_user_notify_get(a, id, out, e);
}

/* ---- opsdesk notify test ------------------------------------------------- */

/* The configured channel's kind into *kind, checked against the address.
 * OD_E_NOT_FOUND (unknown channel), OD_E_UNPROCESSABLE (address). */
static od_err test_channel(od_app *a, const char *name, const char *to, int *kind, od_error *e)
{
    *kind = od_dispatcher_channel_kind(a->dispatcher, name);
    if (*kind < 0) {
        json_t *chs = od_dispatcher_channels_json(a->dispatcher);
        char *list = json_dumps(chs, JSON_COMPACT);
        json_decref(chs);
        od_error_set(e, OD_E_NOT_FOUND, "channel",
                     "没有名为 %s 的渠道；已配置 (no channel named %s; configured: %s)", name, name,
                     list ? list : "[]");
        free(list);
        return OD_E_NOT_FOUND;
    }
    const char *kn = od_channel_kind_name((od_channel_kind)*kind);
    if ((*kind == OD_CH_SMS || *kind == OD_CH_EMAIL) && (!to || !*to))
        return od_error_set(e, OD_E_UNPROCESSABLE, "to",
                            "%s 渠道需要 --to 收件地址 (a %s channel needs an address: to)", kn, kn);
    if (to && strpbrk(to, "\r\n<>"))
        return od_error_set(e, OD_E_UNPROCESSABLE, "to", "地址无效 (bad address)");
    return OD_OK;
}

od_err od_notify_test_send(od_app *a, const od_principal *who, const char *name, const char *to, json_t **out,
                           od_error *e)
{
    *out = NULL;
    int kind = -1;
    od_err rc = test_channel(a, name, to, &kind, e);
    if (rc)
        return rc;
    int64_t now = od_app_now(a), id = 0;
    char cause[96], t[OD_MSG_TIME_MAX], body[512];
    snprintf(cause, sizeof cause, "test:%lld:%08x", (long long)now, randombytes_random());
    snprintf(body, sizeof body,
             "opsdesk 通知测试：这是一条测试消息，无需处理。\nopsdesk notification test: no action needed.\n"
             "渠道 channel: %s\n时间 time: %s\n发起人 sent by: %s",
             name, od_msg_time(now, t), who->username);
    od_tx *tx = NULL;
    rc = od_tx_begin(a->store, true, &tx, e);
    if (rc)
        return rc;
    rc = od_tx_insert(tx, OD_Q_NTF_TEST_INSERT, &id, e,
                      OD_BINDS(OD_TEXT(cause), OD_TEXT(name), OD_TEXT(to ? to : ""),
                               OD_TEXT(od_notify_system_desk(a->policy)),
                               OD_TEXT("【测试 TEST】opsdesk 通知测试 notification test"), OD_TEXT(body),
                               OD_INT(now), OD_INT(now)));
    json_t *aud = json_pack("{ss ss}", "channel", name, "to", to ? to : "");
    if (!rc)
        rc = od_audit_append(tx, now, who, "notify.test", "outbox", id, NULL, aud, e);
    json_decref(aud);
    if (rc) {
        od_tx_rollback(tx);
        return rc;
    }
    rc = od_tx_commit(tx, e);
    if (rc)
        return rc;
    od_app_committed(a, OD_COMMIT_OUTBOX);
    *out = json_pack("{sI ss ss ss ss}", "id", (json_int_t)id, "channel", name, "kind",
                     od_channel_kind_name((od_channel_kind)kind), "to", to ? to : "", "status", "pending");
    return *out ? OD_OK : od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
}

/* The test message's row as JSON, or NULL (no such row). */
static json_t *test_json(od_rows *q)
{
    char c[OD_TIME_STR_MAX], n[OD_TIME_STR_MAX];
    json_t *o =
        json_pack("{sI ss ss ss sI ss}", "id", (json_int_t)od_rows_int(q, 0), "channel", od_rows_text(q, 1),
                  "to", od_rows_text(q, 2), "status", od_rows_text(q, 3), "attempts",
                  (json_int_t)od_rows_int(q, 4), "created_at", od_time_format(od_rows_int(q, 5), c));
    if (!o)
        return NULL;
    json_object_set_new(o, "sent_at",
                        od_rows_null(q, 6) ? json_null() : json_string(od_time_format(od_rows_int(q, 6), n)));
    json_object_set_new(o, "next_attempt_at",
                        strcmp(od_rows_text(q, 3), "pending") == 0
                            ? json_string(od_time_format(od_rows_int(q, 7), n))
                            : json_null());
    return o;
}

/* The attempts of test message id, appended to log. */
static od_err test_attempts(od_tx *tx, int64_t id, json_t *log, od_error *e)
{
    od_rows *q = NULL;
    od_err rc = od_tx_query(tx, OD_Q_NTF_DELIVERIES_OF, &q, e, OD_BINDS(OD_INT(id)));
    bool row = false;
    while (!rc && !(rc = od_rows_step(q, &row)) && row) {
        char t[OD_TIME_STR_MAX];
        json_array_append_new(log, json_pack("{sI ss ss ss sI ss ss}", "id", (json_int_t)od_rows_int(q, 0),
                                             "at", od_time_format(od_rows_int(q, 1), t), "channel",
                                             od_rows_text(q, 2), "status", od_rows_text(q, 3), "http_status",
                                             (json_int_t)od_rows_int(q, 4), "vendor_code", od_rows_text(q, 5),
                                             "error", od_rows_text(q, 6)));
    }
    od_rows_close(q);
    return rc;
}

od_err od_notify_test_get(od_app *a, int64_t id, json_t **out, od_error *e)
{
    *out = NULL;
    od_tx *tx = NULL;
    od_rows *q = NULL;
    od_err rc = od_tx_begin(a->store, false, &tx, e);
    if (rc)
        return rc;
    json_t *o = NULL;
    rc = od_tx_query(tx, OD_Q_NTF_TEST_GET, &q, e, OD_BINDS(OD_INT(id)));
    bool row = false;
    if (!rc)
        rc = od_rows_step(q, &row);
    if (row)
        o = test_json(q);
    od_rows_close(q);
    if (o) {
        json_t *log = json_array();
        json_object_set_new(o, "deliveries", log);
        rc = test_attempts(tx, id, log, e);
    }
    od_tx_rollback(tx);
    if (!rc && row && !o)
        rc = od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    if (!rc && !o)
        rc = od_error_set(e, OD_E_NOT_FOUND, NULL, "测试消息 %lld 不存在 (test message %lld not found)",
                          (long long)id, (long long)id);
    if (rc) {
        json_decref(o);
        return rc;
    }
    *out = o;
    return OD_OK;
}
