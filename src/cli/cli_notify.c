/* cli_notify.c — the client's notification commands:
 *   opsdesk notify test --channel NAME [--to ADDRESS] [--wait SECONDS]
 *       asks the server to send a test message over its configured channel
 *       (the real one: its URL, secret, rate limit and retries), then follows
 *       the message and prints the attempt log;
 *   opsdesk user notify ID|me [--bot-kind K --bot-url U [--bot-secret-stdin]]
 *       [--channel L1=sms,email ...] [--lang zh-CN|en]
 *       sets the directory entry (personal bot, channels per level, language).
 * Single-threaded, like the rest of the client. */
#include "cli/cli_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static const char *str(const json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s ? s : "";
}

static void print_attempts(FILE *out, const json_t *msg)
{
    const json_t *log = json_object_get(msg, "deliveries");
    fprintf(out, "尝试记录 attempt log (%zu):\n", json_array_size(log));
    fprintf(out, "  %-24s  %-11s  %-4s  %-8s  %s\n", "时间 at", "状态 status", "HTTP", "代码 code",
            "错误 error");
    size_t i;
    const json_t *d;
    json_array_foreach(log, i, d)
    {
        fprintf(out, "  %-24s  %-11s  %-4lld  %-8s  %s\n", str(d, "at"), str(d, "status"),
                (long long)json_integer_value(json_object_get(d, "http_status")), str(d, "vendor_code"),
                str(d, "error"));
    }
}

int od_cli_notify_test(od_cli_ctx *c, const od_cli_inv *inv)
{
    json_t *w = json_object_get(inv->local, "wait");
    long wait_s = w ? (long)json_integer_value(w) : 30;
    od_cli_answer a = {0};
    int rc = od_cli_call(c, "POST", "/api/v1/notify/test", inv->params, &a);
    if (rc) {
        od_cli_answer_cleanup(&a);
        return rc;
    }
    long long id = (long long)json_integer_value(json_object_get(a.json, "id"));
    fprintf(c->out, "测试消息 test message %lld → %s (%s)%s%s\n", id, str(a.json, "channel"),
            str(a.json, "kind"), *str(a.json, "to") ? " " : "", str(a.json, "to"));
    od_cli_answer_cleanup(&a);
    char path[96];
    snprintf(path, sizeof path, "/api/v1/notify/test/%lld", id);
    /* follow it until sent or failed, or until the first attempt asked for a retry */
    for (long waited = 0;; waited += 200) {
        rc = od_cli_call(c, "GET", path, NULL, &a);
        if (rc) {
            od_cli_answer_cleanup(&a);
            return rc;
        }
        const char *st = str(a.json, "status");
        bool done = strcmp(st, "sent") == 0 || strcmp(st, "failed") == 0;
        bool retrying =
            strcmp(st, "pending") == 0 && json_array_size(json_object_get(a.json, "deliveries")) > 0;
        if (done || retrying || waited >= wait_s * 1000) {
            if (c->json) {
                od_cli_print_json(c->out, a.json);
            } else {
                print_attempts(c->out, a.json);
                if (strcmp(st, "sent") == 0)
                    fprintf(c->out, "结果 result: 已发送 sent\n");
                else if (strcmp(st, "failed") == 0)
                    fprintf(c->out, "结果 result: 失败 failed\n");
                else if (retrying)
                    fprintf(c->out,
                            "结果 result: 将于 %s 重试 (retry scheduled at %s; `opsdesk notify test` "
                            "does not wait for it)\n",
                            str(a.json, "next_attempt_at"), str(a.json, "next_attempt_at"));
                else
                    fprintf(c->out, "结果 result: %ld 秒内尚未发送 (not sent within %ld s: status %s)\n",
                            wait_s, wait_s, st);
            }
            rc = strcmp(st, "sent") == 0 ? OD_CLI_EXIT_OK : OD_CLI_EXIT_REFUSED;
            od_cli_answer_cleanup(&a);
            return rc;
        }
        od_cli_answer_cleanup(&a);
        sleep_ms(200);
    }
}

/* --channel L1=sms,email (repeatable) → {"L1": ["sms", "email"]}; the
 * secret from stdin, never from the command line. */
int od_cli_user_notify(od_cli_ctx *c, const od_cli_inv *inv)
{
    od_cli_inv with = *inv;
    with.params = json_deep_copy(inv->params);
    json_t *kv = json_object_get(with.params, "channels");
    if (kv) {
        json_t *ch = json_object();
        const char *k;
        json_t *v;
        json_object_foreach(kv, k, v)
        {
            json_t *list = json_array();
            char buf[128];
            snprintf(buf, sizeof buf, "%s", json_string_value(v) ? json_string_value(v) : "");
            for (char *p = buf, *comma; p && *p; p = comma ? comma + 1 : NULL) {
                comma = strchr(p, ',');
                if (comma)
                    *comma = '\0';
                if (*p)
                    json_array_append_new(list, json_string(p));
            }
            json_object_set_new(ch, k, list);
        }
        json_object_set_new(with.params, "channels", ch);
    }
    if (json_is_true(json_object_get(inv->local, "bot_secret_stdin"))) {
        char secret[300] = "";
        if (!fgets(secret, sizeof secret, stdin)) {
            fputs("错误 error: 未从标准输入读到密钥 (no secret on stdin)\n", c->err);
            json_decref(with.params);
            return OD_CLI_EXIT_USAGE;
        }
        secret[strcspn(secret, "\r\n")] = '\0';
        json_object_set_new(with.params, "bot_secret", json_string(secret));
        memset(secret, 0, sizeof secret);
    }
    int rc = od_cli_generic(c, &with);
    json_decref(with.params);
    return rc;
}
