/* test_dispatcher.c — the outbox dispatcher against real receivers: starts
 * tests/notify/receivers.py, configures real channels pointing at it, puts
 * rows into a temporary SQLite store with the named queries, and drives the
 * dispatcher with a manual clock (od_dispatcher_advance, never sleeping for
 * back-off).  Cases: retry then success, permanent failure, attempt limit,
 * crash recovery (exactly once), inbox / unconfigured channel, DingTalk rate
 * limit (25 messages, never more than 20 in a minute of clock time), back-off
 * table, metrics, no send without the node's lease (given back, no spin), waves of concurrent sends
 * (each message once, a stale member of a wave recording nothing while the others commit).  Each case
 * gets its own store and dispatcher; channels are shared, each case uses its own receiver path.
 * Needs python3. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <curl/curl.h>
#include <jansson.h>

#include "app/app.h"
#include "app/notification.h"
#include "policy/policy_load.h"
#include "notify/channel.h"
#include "notify/dispatcher.h"
#include "util/embed.h"
#include "receivers.h"

/* 2030-01-01T00:00:00Z: far from the wall clock, so a signature dated by the
 * test clock would fail at the receiver (signing must use real time). */
#define T0 1893456000000LL
#define MIN_MS 60000LL

static struct {
    char dir[64];
    od_channel **chs;
    size_t n;
} G;

/* One case's world. */
typedef struct fx {
    char db[128];
    od_app *a;
    od_dispatcher *d;
    od_channel **arr; /* the channels lent to d */
    int64_t inc, uid;
} fx;

/* ---- receivers ---------------------------------------------------------- */

/* Requests the receiver logged for path: how many, how many answered 200,
 * and how many carried the idempotency key (NULL = any). */
static void rx_count(const char *path, const char *key, int *all, int *ok)
{
    json_t *log = control("/_log", NULL), *r;
    size_t i;
    *all = *ok = 0;
    json_array_foreach(json_object_get(log, "requests"), i, r)
    {
        if (strcmp(json_string_value(json_object_get(r, "path")), path) != 0)
            continue;
        const char *k = json_string_value(json_object_get(r, "idempotency_key"));
        if (key && (!k || strcmp(k, key) != 0))
            continue;
        (*all)++;
        *ok += json_integer_value(json_object_get(r, "status")) == 200;
    }
    json_decref(log);
}

/* The real clock (ms): claims' leases and heartbeats are on the database
 * clock, which on SQLite is the machine's. */
static int64_t wall_ms(void)
{
    return od_clock_now(NULL);
}

/* ---- store fixtures ----------------------------------------------------- */

static void fx_open(fx *x, const char *name)
{
    od_error e = {0};
    od_store *s = NULL;
    od_policy *p = NULL;
    memset(x, 0, sizeof *x);
    snprintf(x->db, sizeof x->db, "%s/%s.db", G.dir, name);
    assert_int_equal(od_store_open(x->db, &s, &e), OD_OK);
    const struct od_embedded_file *f = od_embed_find(od_embedded_policy, "default.yaml");
    assert_non_null(f);
    assert_int_equal(od_policy_load_buffer((const char *)f->data, f->len, &p, NULL), OD_OK);
    assert_int_equal(od_app_new(s, p, "test", true, &x->a, &e), OD_OK);
    od_clock_set(&x->a->clock, T0);
    /* one user and one incident for the foreign keys */
    od_tx *tx = NULL;
    assert_int_equal(od_tx_begin(x->a->store, true, &tx, &e), OD_OK);
    assert_int_equal(od_tx_insert(tx, OD_Q_USER_INSERT, &x->uid, &e,
                                  OD_BINDS(OD_TEXT("duty"), OD_TEXT("x"), OD_TEXT("Duty"), OD_TEXT("NOC"),
                                           OD_TEXT("13800000000"), OD_TEXT("duty@example.com"),
                                           OD_INT((int64_t)0), OD_TEXT("[]"), OD_INT(T0), OD_INT(T0))),
                     OD_OK);
    assert_int_equal(od_tx_insert(tx, OD_Q_INC_INSERT, &x->inc, &e,
                                  OD_BINDS(OD_TEXT("INC-1"), OD_TEXT("Disk full"), OD_TEXT("registered"),
                                           OD_TEXT("L3"), OD_TEXT("minor"), OD_INT((int64_t)0), OD_TEXT("IV"),
                                           OD_TEXT("IV"), OD_TEXT("IV"), OD_INT(T0), OD_INT(T0), OD_NULL(),
                                           OD_INT(T0 + 3600000), OD_TEXT("A"), OD_TEXT("s"), OD_TEXT("i"),
                                           OD_TEXT("[]"), OD_INT((int64_t)0), OD_NULL(), OD_INT(T0))),
                     OD_OK);
    assert_int_equal(od_tx_commit(tx, &e), OD_OK);
}

static void fx_start_opts(fx *x, const char *const *names, const od_dispatcher_opts *o)
{
    od_channel *sel[8];
    size_t n = 0;
    for (; names && names[n]; n++) {
        sel[n] = NULL;
        for (size_t i = 0; i < G.n; i++)
            if (strcmp(od_channel_name(G.chs[i]), names[n]) == 0)
                sel[n] = G.chs[i];
        assert_non_null(sel[n]);
    }
    /* the dispatcher borrows the array: keep a copy for its lifetime */
    x->arr = calloc(n + 1, sizeof *x->arr);
    assert_non_null(x->arr);
    if (n)
        memcpy(x->arr, sel, n * sizeof *x->arr);
    od_error e = {0};
    od_dispatcher_env env = {x->a->store, &x->a->clock, x->a->policy};
    assert_int_equal(od_dispatcher_start_opts(&env, x->arr, n, o, &x->d, &e), OD_OK);
}

static void fx_start(fx *x, const char *const *names)
{
    fx_start_opts(x, names, NULL);
}

static void fx_stop(fx *x)
{
    od_dispatcher_stop(x->d);
    x->d = NULL;
    free(x->arr);
    x->arr = NULL;
}

static void fx_close(fx *x)
{
    if (x->d)
        fx_stop(x);
    od_app_free(x->a);
    const char *sfx[] = {"", "-wal", "-shm"};
    for (size_t i = 0; i < 3; i++) {
        char p[160];
        snprintf(p, sizeof p, "%s%s", x->db, sfx[i]);
        unlink(p);
    }
}

/* Puts one outbox row; returns its id. */
static int64_t put_row(fx *x, const char *cause, const char *channel, const char *addr)
{
    od_error e = {0};
    od_tx *tx = NULL;
    int64_t id = 0, now = od_app_now(x->a);
    assert_int_equal(od_tx_begin(x->a->store, true, &tx, &e), OD_OK);
    assert_int_equal(
        od_tx_exec(tx, OD_Q_OUTBOX_INSERT, &e,
                   OD_BINDS(OD_TEXT(cause), OD_INT(x->inc), OD_INT(x->uid), OD_TEXT(channel), OD_TEXT(addr),
                            OD_TEXT("first"), OD_TEXT("monitoring"), OD_TEXT("[首报] INC-1 Disk full"),
                            OD_TEXT("磁盘已满 disk full"), OD_INT(now), OD_INT(now))),
        OD_OK);
    od_rows *r = NULL;
    assert_int_equal(od_tx_query(tx, OD_Q_OUTBOX_OF_INC, &r, &e, OD_BINDS(OD_INT(x->inc))), OD_OK);
    bool row = false;
    while (od_rows_step(r, &row) == OD_OK && row)
        if (strcmp(od_rows_text(r, 1), cause) == 0 && strcmp(od_rows_text(r, 3), channel) == 0)
            id = od_rows_int(r, 0);
    od_rows_close(r);
    assert_int_equal(od_tx_commit(tx, &e), OD_OK);
    assert_true(id > 0);
    return id;
}

/* status and attempts of an outbox row */
static void row_state(fx *x, int64_t id, char *status, size_t cap, int *attempts)
{
    od_error e = {0};
    od_tx *tx = NULL;
    od_rows *r = NULL;
    status[0] = '\0';
    *attempts = -1;
    assert_int_equal(od_tx_begin(x->a->store, false, &tx, &e), OD_OK);
    assert_int_equal(od_tx_query(tx, OD_Q_OUTBOX_OF_INC, &r, &e, OD_BINDS(OD_INT(x->inc))), OD_OK);
    bool row = false;
    while (od_rows_step(r, &row) == OD_OK && row)
        if (od_rows_int(r, 0) == id) {
            snprintf(status, cap, "%s", od_rows_text(r, 8));
            *attempts = (int)od_rows_int(r, 9);
        }
    od_rows_close(r);
    od_tx_rollback(tx);
}

/* The incident's delivery log (new reference). */
static json_t *deliveries(fx *x)
{
    od_error e = {0};
    json_t *out = NULL;
    od_principal sys;
    od_principal_system(&sys);
    assert_int_equal(od_deliveries_list(x->a, &sys, x->inc, 500, 0, &out, &e), OD_OK);
    return json_object_get(out, "items") ? out : NULL;
}

static size_t count_status(json_t *log, const char *status)
{
    size_t i, n = 0;
    json_t *it;
    json_array_foreach(json_object_get(log, "items"), i, it) n +=
        strcmp(json_string_value(json_object_get(it, "status")), status) == 0;
    return n;
}

static void advance(fx *x, int64_t by_ms)
{
    od_error e = {0};
    assert_int_equal(od_dispatcher_advance(x->d, od_app_now(x->a) + by_ms, &e), OD_OK);
    od_clock_set(&x->a->clock, od_app_now(x->a) + by_ms);
}

/* ---- setup ------------------------------------------------------------- */

static int setup(void **state)
{
    (void)state;
    char path[128], cfg[4096];
    signal(SIGPIPE, SIG_IGN);
    if (!rx_spawn(false)) {
        fprintf(stderr, "cannot start tests/notify/receivers.py with %s\n", rx_python());
        return -1;
    }
    snprintf(G.dir, sizeof G.dir, "/tmp/od-dispatch-XXXXXX");
    if (!mkdtemp(G.dir))
        return -1;
    snprintf(path, sizeof path, "%s/ding.secret", G.dir);
    write_file(path, "SECrl-secret\n");
    int hp = RX.http_port;
    snprintf(
        cfg, sizeof cfg,
        "channels:\n"
        "  - name: sms\n"
        "    kind: sms\n"
        "    url: 'http://127.0.0.1:%d/sms/{{idempotency_key}}'\n"
        "    body: '{\"phone\": \"{{to}}\", \"content\": \"{{text}}\"}'\n"
        "  - {name: sms_perm, kind: sms, url: 'http://127.0.0.1:%d/sms/perm', body: '{{to}} {{text}}'}\n"
        "  - {name: sms_limit, kind: sms, url: 'http://127.0.0.1:%d/sms/limit', body: '{{to}} {{text}}'}\n"
        "  - {name: sms_crash, kind: sms, url: 'http://127.0.0.1:%d/sms/crash', body: '{{to}} {{text}}'}\n"
        "  - {name: sms_stale, kind: sms, url: 'http://127.0.0.1:%d/sms/stale', body: '{{to}} {{text}}'}\n"
        "  - {name: sms_nodes, kind: sms, url: 'http://127.0.0.1:%d/sms/nodes', body: '{{to}} {{text}}'}\n"
        "  - {name: sms_lease, kind: sms, url: 'http://127.0.0.1:%d/sms/lease', body: '{{to}} {{text}}'}\n"
        "  - {name: sms_wa, kind: sms, url: 'http://127.0.0.1:%d/sms/wa', body: '{{to}} {{text}}'}\n"
        "  - {name: sms_wb, kind: sms, url: 'http://127.0.0.1:%d/sms/wb', body: '{{to}} {{text}}'}\n"
        /* burst 1: see docs/notify.md "Dispatcher" on the default burst */
        "  - {name: ding_rl, kind: dingtalk, url: 'http://127.0.0.1:%d/dingtalk/rl?access_token=r',"
        " secret_file: %s/ding.secret, rate_limit: 20/min, burst: 1}\n"
        "  - {name: hook, kind: webhook, url: 'http://127.0.0.1:%d/webhook/fan'}\n",
        hp, hp, hp, hp, hp, hp, hp, hp, hp, hp, G.dir, hp);
    snprintf(path, sizeof path, "%s/channels.yaml", G.dir);
    write_file(path, cfg);
    od_error e = {0};
    if (od_channels_load_file(path, &G.chs, &G.n, &e)) {
        fprintf(stderr, "load: %s (%s)\n", e.message, e.field);
        return -1;
    }
    json_decref(control("/_config", "{\"path\": \"/dingtalk/rl\", \"secret\": \"SECrl-secret\"}"));
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char path[128];
    od_channels_free(G.chs, G.n);
    rx_stop();
    const char *files[] = {"ding.secret", "channels.yaml"};
    for (size_t i = 0; i < 2; i++) {
        snprintf(path, sizeof path, "%s/%s", G.dir, files[i]);
        unlink(path);
    }
    rmdir(G.dir);
    return 0;
}

/* ---- cases ------------------------------------------------------------- */

static void test_backoff_table(void **state)
{
    (void)state;
    static const struct {
        int attempts;
        uint64_t rnd;
        int64_t want;
    } rows[] = {
        {1, 2000, 5000}, /* jitter 0 */
        {1, 0, 4000},    /* -20 % */
        {1, 4000, 6000}, /* +20 % */
        {2, 2000, 10000},   {3, 2000, 20000},
        {4, 2000, 40000},   {8, 2000, 600000}, /* 640 s capped at 10 min */
        {30, 2000, 600000}, {30, 4000, 720000},
        {30, 0, 480000},    {1, 4001 + 2000, 5000}, /* rnd is taken modulo 4001 */
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        assert_int_equal(od_dispatch_backoff_ms(rows[i].attempts, rows[i].rnd), rows[i].want);
}

static void test_retry_then_success(void **state)
{
    (void)state;
    fx x;
    fx_open(&x, "retry");
    int64_t id = put_row(&x, "retry-1", "sms", "13800000001");
    char key[64], path[96];
    snprintf(key, sizeof key, "opsdesk-%lld", (long long)id);
    snprintf(path, sizeof path, "/sms/%s", key);
    char cfg[256];
    snprintf(cfg, sizeof cfg, "{\"path\": \"%s\", \"responses\": [{\"status\": 500}]}", path);
    json_decref(control("/_config", cfg));
    const char *names[] = {"sms", NULL};
    fx_start(&x, names);
    od_error e = {0};
    assert_int_equal(od_dispatcher_run_once(x.d, T0, NULL, &e), OD_OK);
    char st[16];
    int attempts;
    row_state(&x, id, st, sizeof st, &attempts);
    assert_string_equal(st, "pending");
    assert_int_equal(attempts, 1);
    advance(&x, 10 * MIN_MS);
    row_state(&x, id, st, sizeof st, &attempts);
    assert_string_equal(st, "sent");
    assert_int_equal(attempts, 2);
    int all, ok;
    rx_count(path, key, &all, &ok);
    assert_int_equal(all, 2);
    assert_int_equal(ok, 1);
    json_t *log = deliveries(&x);
    assert_int_equal(json_array_size(json_object_get(log, "items")), 2);
    assert_int_equal(count_status(log, "retry"), 1);
    assert_int_equal(count_status(log, "sent"), 1);
    json_t *first = json_array_get(json_object_get(log, "items"), 0);
    assert_int_equal(json_integer_value(json_object_get(first, "http_status")), 500);
    json_decref(log);
    char *m = od_dispatcher_metrics(x.d);
    assert_non_null(m);
    assert_non_null(strstr(m, "opsdesk_notify_messages_total{channel=\"sms\",status=\"sent\"} 1\n"));
    assert_non_null(strstr(m, "opsdesk_notify_messages_total{channel=\"sms\",status=\"retried\"} 1\n"));
    assert_non_null(strstr(m, "opsdesk_notify_oldest_pending_seconds 0.000\n"));
    free(m);
    fx_close(&x);
}

static void test_permanent_failure(void **state)
{
    (void)state;
    fx x;
    fx_open(&x, "perm");
    json_decref(control("/_config", "{\"path\": \"/sms/perm\", \"responses\": [{\"status\": 400}]}"));
    int64_t id = put_row(&x, "perm-1", "sms", "13800000002");
    const char *names[] = {"sms_perm", NULL};
    fx_start(&x, names);
    advance(&x, 60 * MIN_MS);
    char st[16];
    int attempts, all, ok;
    row_state(&x, id, st, sizeof st, &attempts);
    assert_string_equal(st, "failed");
    assert_int_equal(attempts, 1);
    rx_count("/sms/perm", NULL, &all, &ok);
    assert_int_equal(all, 1);
    json_t *log = deliveries(&x);
    assert_int_equal(json_array_size(json_object_get(log, "items")), 1);
    assert_int_equal(count_status(log, "failed"), 1);
    json_decref(log);
    fx_close(&x);
}

static void test_attempt_limit(void **state)
{
    (void)state;
    fx x;
    fx_open(&x, "limit");
    char cfg[1024] = "{\"path\": \"/sms/limit\", \"responses\": [";
    for (int i = 0; i < OD_DISPATCH_MAX_ATTEMPTS + 2; i++)
        strncat(cfg, i ? ", {\"status\": 503}" : "{\"status\": 503}", sizeof cfg - strlen(cfg) - 1);
    strncat(cfg, "]}", sizeof cfg - strlen(cfg) - 1);
    json_decref(control("/_config", cfg));
    int64_t id = put_row(&x, "limit-1", "sms", "13800000003");
    const char *names[] = {"sms_limit", NULL};
    fx_start(&x, names);
    advance(&x, 3 * 60 * MIN_MS);
    char st[16];
    int attempts, all, ok;
    row_state(&x, id, st, sizeof st, &attempts);
    assert_string_equal(st, "failed");
    assert_int_equal(attempts, OD_DISPATCH_MAX_ATTEMPTS);
    rx_count("/sms/limit", NULL, &all, &ok);
    assert_int_equal(all, OD_DISPATCH_MAX_ATTEMPTS);
    assert_int_equal(ok, 0);
    json_t *log = deliveries(&x);
    assert_int_equal(count_status(log, "retry"), OD_DISPATCH_MAX_ATTEMPTS - 1);
    assert_int_equal(count_status(log, "failed"), 1);
    json_decref(log);
    json_decref(control("/_config", "{\"path\": \"/sms/limit\", \"responses\": []}"));
    fx_close(&x);
}

static void test_crash_recovery(void **state)
{
    (void)state;
    fx x;
    fx_open(&x, "crash");
    int64_t id = put_row(&x, "crash-1", "sms", "13800000004");
    /* a previous process claimed the row and died before recording */
    od_error e = {0};
    od_tx *tx = NULL;
    assert_int_equal(od_tx_begin(x.a->store, true, &tx, &e), OD_OK);
    assert_int_equal(
        od_tx_exec(tx, OD_Q_DSP_CLAIM, &e, OD_BINDS(OD_TEXT("local"), OD_INT(wall_ms() + 60000), OD_INT(id))),
        OD_OK);
    assert_int_equal(od_tx_commit(tx, &e), OD_OK);
    char st[16], key[64];
    int attempts, all, ok;
    row_state(&x, id, st, sizeof st, &attempts);
    assert_string_equal(st, "sending");
    snprintf(key, sizeof key, "opsdesk-%lld", (long long)id);
    const char *names[] = {"sms_crash", NULL};
    fx_start(&x, names);
    assert_int_equal(od_dispatcher_run_once(x.d, T0, NULL, &e), OD_OK);
    row_state(&x, id, st, sizeof st, &attempts);
    assert_string_equal(st, "sent");
    /* a second restart sends nothing again */
    fx_stop(&x);
    fx_start(&x, names);
    advance(&x, 60 * MIN_MS);
    rx_count("/sms/crash", key, &all, &ok);
    assert_int_equal(all, 1);
    assert_int_equal(ok, 1);
    json_t *log = deliveries(&x);
    assert_int_equal(count_status(log, "interrupted"), 1);
    assert_int_equal(count_status(log, "sent"), 1);
    json_decref(log);
    fx_close(&x);
}

/* Runs one statement in its own write transaction; returns the changed rows. */
static int64_t exec1(fx *x, od_query q, const od_bind *b, size_t nb)
{
    od_error e = {0};
    od_tx *tx = NULL;
    assert_int_equal(od_tx_begin(x->a->store, true, &tx, &e), OD_OK);
    assert_int_equal(od_tx_exec(tx, q, &e, b, nb), OD_OK);
    int64_t n = od_tx_changes(tx);
    assert_int_equal(od_tx_commit(tx, &e), OD_OK);
    return n;
}

/* A result that comes back after another node took the row over (our lease
 * ran out, or we were counted dead) is dropped: the row stays the other
 * node's, no 'sent' is recorded for it (docs/deploy/cluster.md). */
static void test_stale_claim_dropped(void **state)
{
    (void)state;
    fx x;
    fx_open(&x, "stale");
    json_decref(control("/_config", "{\"path\": \"/sms/stale\", \"responses\": [{\"status\": 200, "
                                    "\"body\": \"{}\", \"delay_ms\": 1500}]}"));
    int64_t id = put_row(&x, "stale-1", "sms", "13800000005");
    const char *names[] = {"sms_stale", NULL};
    char st[16] = "";
    int attempts = 0;
    fx_start(&x, names); /* the worker claims the row at once and sends it (1.5 s) */
    for (int i = 0; i < 200 && strcmp(st, "sending") != 0; i++) {
        usleep(10000);
        row_state(&x, id, st, sizeof st, &attempts);
    }
    assert_string_equal(st, "sending");
    /* meanwhile another node re-queues and claims it */
    assert_int_equal(exec1(&x, OD_Q_DSP_REQUEUE, OD_BINDS(OD_INT(id), OD_TEXT("local"))), 1);
    int64_t lease_b = wall_ms() + 60000;
    assert_int_equal(exec1(&x, OD_Q_DSP_CLAIM, OD_BINDS(OD_TEXT("node-b"), OD_INT(lease_b), OD_INT(id))), 1);
    int all = 0, ok = 0;
    for (int i = 0; i < 400 && all == 0; i++) {
        usleep(10000);
        rx_count("/sms/stale", NULL, &all, &ok);
    }
    usleep(300000); /* the worker records (or, here, does not) */
    fx_stop(&x);
    rx_count("/sms/stale", NULL, &all, &ok);
    assert_int_equal(all, 1);
    row_state(&x, id, st, sizeof st, &attempts);
    assert_string_equal(st, "sending"); /* node-b's claim stands */
    assert_int_equal(attempts, 2);
    json_t *log = deliveries(&x);
    assert_int_equal(count_status(log, "sent"), 0);
    json_decref(log);
    /* and node-b's result is recorded only under its own name and its own
     * lease (the claim's fencing token: an earlier claim of node-b's own,
     * re-queued and claimed again, is stale too) */
    assert_int_equal(exec1(&x, OD_Q_DSP_FINISH,
                           OD_BINDS(OD_TEXT("sent"), OD_INT(T0), OD_INT(T0), OD_INT(id), OD_TEXT("local"),
                                    OD_INT(lease_b))),
                     0);
    assert_int_equal(exec1(&x, OD_Q_DSP_FINISH,
                           OD_BINDS(OD_TEXT("sent"), OD_INT(T0), OD_INT(T0), OD_INT(id), OD_TEXT("node-b"),
                                    OD_INT(lease_b - 1))),
                     0);
    assert_int_equal(
        exec1(&x, OD_Q_DSP_UNCLAIM, OD_BINDS(OD_INT(id), OD_TEXT("node-b"), OD_INT(lease_b + 1))), 0);
    assert_int_equal(exec1(&x, OD_Q_DSP_FINISH,
                           OD_BINDS(OD_TEXT("sent"), OD_INT(T0), OD_INT(T0), OD_INT(id), OD_TEXT("node-b"),
                                    OD_INT(lease_b))),
                     1);
    json_decref(control("/_config", "{\"path\": \"/sms/stale\", \"responses\": []}"));
    fx_close(&x);
}

/* At start a node re-queues its own earlier claims and those of nodes dead
 * long enough or past their lease, never a live node's claim within its
 * lease (docs/deploy/cluster.md). */
static void test_recovery_own_claims_only(void **state)
{
    (void)state;
    fx x;
    fx_open(&x, "nodes");
    int64_t own = put_row(&x, "nodes-own", "sms", "13800000006");
    int64_t live = put_row(&x, "nodes-live", "sms", "13800000007");
    int64_t dead = put_row(&x, "nodes-dead", "sms", "13800000008");
    int64_t expired = put_row(&x, "nodes-expired", "sms", "13800000009");
    int64_t now = wall_ms();
    /* node-b beats now; node-c last beat 40 s ago (dead for 30 s and more) */
    assert_int_equal(exec1(&x, OD_Q_NODE_BEAT,
                           OD_BINDS(OD_TEXT("node-b"), OD_TEXT("b1"), OD_INT(now), OD_INT(now), OD_TEXT("t"),
                                    OD_TEXT(""), OD_INT((int64_t)0), OD_TEXT(""))),
                     1);
    assert_int_equal(
        exec1(&x, OD_Q_NODE_BEAT,
              OD_BINDS(OD_TEXT("node-c"), OD_TEXT("c1"), OD_INT(now - 60000), OD_INT(now - 40000),
                       OD_TEXT("t"), OD_TEXT(""), OD_INT((int64_t)0), OD_TEXT(""))),
        1);
    assert_int_equal(exec1(&x, OD_Q_DSP_CLAIM, OD_BINDS(OD_TEXT("local"), OD_INT(now + 60000), OD_INT(own))),
                     1);
    assert_int_equal(
        exec1(&x, OD_Q_DSP_CLAIM, OD_BINDS(OD_TEXT("node-b"), OD_INT(now + 60000), OD_INT(live))), 1);
    assert_int_equal(
        exec1(&x, OD_Q_DSP_CLAIM, OD_BINDS(OD_TEXT("node-c"), OD_INT(now + 60000), OD_INT(dead))), 1);
    assert_int_equal(exec1(&x, OD_Q_DSP_CLAIM, OD_BINDS(OD_TEXT("node-b"), OD_INT(now - 1), OD_INT(expired))),
                     1);
    json_decref(control("/_config", "{\"path\": \"/sms/nodes\", \"responses\": []}"));
    const char *names[] = {"sms_nodes", NULL};
    fx_start(&x, names); /* as node "local" */
    od_error e = {0};
    assert_int_equal(od_dispatcher_run_once(x.d, T0, NULL, &e), OD_OK);
    fx_stop(&x);
    char st[16];
    int attempts;
    row_state(&x, own, st, sizeof st, &attempts);
    assert_string_equal(st, "sent");
    row_state(&x, dead, st, sizeof st, &attempts);
    assert_string_equal(st, "sent");
    row_state(&x, expired, st, sizeof st, &attempts);
    assert_string_equal(st, "sent");
    row_state(&x, live, st, sizeof st, &attempts);
    assert_string_equal(st, "sending"); /* node-b is alive and within its lease */
    int all, ok;
    rx_count("/sms/nodes", NULL, &all, &ok);
    assert_int_equal(all, 3);
    json_t *log = deliveries(&x);
    assert_int_equal(count_status(log, "interrupted"), 3);
    assert_int_equal(count_status(log, "sent"), 3);
    json_decref(log);
    fx_close(&x);
}

/* The node's lease as the dispatcher sees it (od_dispatcher_opts): may_claim
 * answers true `claims` more times, then false; may_send answers false
 * until it was asked `spin` times (a dispatcher that claimed and gave back
 * in a loop would then send). */
static struct {
    atomic_int claims, claim_calls, send_calls, spin;
} L;

static bool lease_may_claim(void *arg)
{
    (void)arg;
    atomic_fetch_add(&L.claim_calls, 1);
    return atomic_fetch_sub(&L.claims, 1) > 0;
}

static bool lease_may_send(void *arg, int64_t claim_mono)
{
    (void)claim_mono;
    (void)arg;
    return atomic_fetch_add(&L.send_calls, 1) + 1 >= atomic_load(&L.spin);
}

/* R-OPS-1 (docs/deploy/cluster.md "The partition bound"): a claimed message
 * is sent only while the node still holds its lease; otherwise it is given
 * back unsent (pending, the attempt undone) and the pass ends — it neither
 * claims again while the node may not claim nor spins claiming and giving
 * back.  Once the node may send, the message goes out once, with its
 * idempotency key. */
static void test_no_send_without_lease(void **state)
{
    (void)state;
    fx x;
    fx_open(&x, "lease");
    json_decref(control("/_config", "{\"path\": \"/sms/lease\", \"responses\": []}"));
    atomic_store(&L.claims, 0);
    atomic_store(&L.spin, 50);
    const char *names[] = {"sms_lease", NULL};
    od_dispatcher_opts o = {.node_id = "n-lease", .may_claim = lease_may_claim, .may_send = lease_may_send};
    fx_start_opts(&x, names, &o);
    int64_t id = put_row(&x, "lease-1", "sms", "13800000010");
    od_error e = {0};
    /* not ready: nothing claimed */
    assert_int_equal(od_dispatcher_run_once(x.d, T0, NULL, &e), OD_OK);
    char st[16];
    int attempts = 0, all = 0, ok = 0;
    row_state(&x, id, st, sizeof st, &attempts);
    assert_string_equal(st, "pending");
    assert_int_equal(attempts, 0);
    assert_int_equal(atomic_load(&L.send_calls), 0);
    /* ready for one round, then the lease is lost: claimed once, given back, no second round */
    atomic_store(&L.claims, 1);
    assert_int_equal(od_dispatcher_run_once(x.d, T0, NULL, &e), OD_OK);
    assert_int_equal(atomic_load(&L.send_calls), 1);
    row_state(&x, id, st, sizeof st, &attempts);
    assert_string_equal(st, "pending");
    assert_int_equal(attempts, 0);
    rx_count("/sms/lease", NULL, &all, &ok);
    assert_int_equal(all, 0);
    /* the lease held (ready, and may send): sent once, with its key */
    atomic_store(&L.claims, 1000);
    atomic_store(&L.spin, 0);
    assert_int_equal(od_dispatcher_run_once(x.d, T0, NULL, &e), OD_OK);
    fx_stop(&x);
    row_state(&x, id, st, sizeof st, &attempts);
    assert_string_equal(st, "sent");
    assert_int_equal(attempts, 1);
    char key[48];
    snprintf(key, sizeof key, "opsdesk-%lld", (long long)id);
    rx_count("/sms/lease", key, &all, &ok);
    assert_int_equal(all, 1);
    assert_int_equal(ok, 1);
    rx_count("/sms/lease", NULL, &all, &ok);
    assert_int_equal(all, 1);
    fx_close(&x);
}

static void test_inbox_and_unconfigured(void **state)
{
    (void)state;
    fx x;
    fx_open(&x, "inbox");
    int64_t in = put_row(&x, "inbox-1", "inbox", "");
    int64_t em = put_row(&x, "inbox-1", "email", "duty@example.com");
    fx_start(&x, NULL);
    od_error e = {0};
    assert_int_equal(od_dispatcher_run_once(x.d, T0, NULL, &e), OD_OK);
    char st[16];
    int attempts;
    row_state(&x, in, st, sizeof st, &attempts);
    assert_string_equal(st, "sent");
    row_state(&x, em, st, sizeof st, &attempts);
    assert_string_equal(st, "failed");
    json_t *log = deliveries(&x);
    json_t *it;
    size_t i;
    bool seen = false;
    json_array_foreach(json_object_get(log, "items"), i,
                       it) if (strcmp(json_string_value(json_object_get(it, "error")),
                                      "no channel configured") == 0) seen = true;
    assert_true(seen);
    json_decref(log);
    fx_close(&x);
}

/* 25 incident messages fan out to one signed DingTalk robot limited to
 * 20/min: all are delivered, signatures verify although the test clock is
 * years away from real time, and no 60 s window of clock time holds more
 * than 20 sends. */
static void test_dingtalk_rate_limit(void **state)
{
    (void)state;
    fx x;
    fx_open(&x, "rl");
    for (int i = 0; i < 25; i++) {
        char cause[32];
        snprintf(cause, sizeof cause, "rl-%d", i);
        (void)put_row(&x, cause, "inbox", "");
    }
    const char *names[] = {"ding_rl", NULL};
    fx_start(&x, names);
    advance(&x, 10 * MIN_MS);
    int all, ok;
    rx_count("/dingtalk/rl", NULL, &all, &ok);
    assert_int_equal(all, 25);
    assert_int_equal(ok, 25);
    /* every request signed correctly, every idempotency key seen once */
    json_t *lg = control("/_log", NULL), *r, *keys = json_object();
    size_t i;
    json_array_foreach(json_object_get(lg, "requests"), i, r)
    {
        if (strcmp(json_string_value(json_object_get(r, "path")), "/dingtalk/rl") != 0)
            continue;
        assert_true(json_is_true(json_object_get(r, "sig_ok")));
        const char *k = json_string_value(json_object_get(r, "idempotency_key"));
        assert_non_null(k);
        assert_null(json_object_get(keys, k));
        json_object_set_new(keys, k, json_true());
    }
    assert_int_equal(json_object_size(keys), 25);
    json_decref(keys);
    json_decref(lg);
    json_t *log = deliveries(&x), *it;
    int64_t at[64];
    size_t n = 0;
    json_array_foreach(json_object_get(log, "items"), i, it)
    {
        if (strcmp(json_string_value(json_object_get(it, "channel")), "ding_rl") != 0)
            continue;
        assert_string_equal(json_string_value(json_object_get(it, "status")), "sent");
        assert_true(n < 64);
        assert_true(od_time_parse(json_string_value(json_object_get(it, "at")), &at[n]));
        n++;
    }
    assert_int_equal(n, 25);
    for (size_t a = 0; a < n; a++) {
        size_t in_window = 0;
        for (size_t b = 0; b < n; b++)
            in_window += at[b] >= at[a] && at[b] < at[a] + MIN_MS;
        assert_true(in_window <= 20);
    }
    json_decref(log);
    fx_close(&x);
}

/* Bot fan-out: one copy per cause and bot, none for a repeat cause. */
static void test_bot_fanout_once_per_cause(void **state)
{
    (void)state;
    fx x;
    fx_open(&x, "fan");
    (void)put_row(&x, "fan-1", "inbox", "");
    (void)put_row(&x, "fan-1", "sms", "13800000009"); /* same cause, another channel */
    (void)put_row(&x, "fan-2", "inbox", "");
    const char *names[] = {"hook", NULL};
    fx_start(&x, names);
    advance(&x, MIN_MS);
    int all, ok;
    rx_count("/webhook/fan", NULL, &all, &ok);
    assert_int_equal(all, 2);
    assert_int_equal(ok, 2);
    fx_close(&x);
}

/* Waves (R-NOT-7): 30 rows on each of two gateways, more than one claim
 * batch, sent up to OD_DISPATCH_SENDERS at once and recorded a wave per
 * transaction: every message reaches its gateway exactly once (its own
 * idempotency key once), every row is 'sent' after one attempt, and the
 * log has exactly one 'sent' delivery per row. */
#define WAVE_ROWS 30
static void test_waves_exactly_once(void **state)
{
    (void)state;
    fx x;
    fx_open(&x, "waves");
    const char *chan[2] = {"sms_wa", "sms_wb"}, *path[2] = {"/sms/wa", "/sms/wb"};
    int64_t ids[2][WAVE_ROWS];
    for (int c = 0; c < 2; c++)
        for (int i = 0; i < WAVE_ROWS; i++) {
            char cause[32];
            snprintf(cause, sizeof cause, "wave-%d-%d", c, i);
            ids[c][i] = put_row(&x, cause, chan[c], "13800000010");
        }
    const char *names[] = {"sms_wa", "sms_wb", NULL};
    fx_start(&x, names);
    od_error e = {0};
    assert_int_equal(od_dispatcher_run_once(x.d, T0, NULL, &e), OD_OK);
    fx_stop(&x);
    for (int c = 0; c < 2; c++) {
        int all = 0, ok = 0;
        rx_count(path[c], NULL, &all, &ok);
        assert_int_equal(all, WAVE_ROWS);
        assert_int_equal(ok, WAVE_ROWS);
        for (int i = 0; i < WAVE_ROWS; i++) {
            char key[48], st[16];
            int attempts = 0;
            snprintf(key, sizeof key, "opsdesk-%lld", (long long)ids[c][i]);
            rx_count(path[c], key, &all, &ok);
            assert_int_equal(all, 1);
            row_state(&x, ids[c][i], st, sizeof st, &attempts);
            assert_string_equal(st, "sent");
            assert_int_equal(attempts, 1);
        }
    }
    json_t *log = deliveries(&x);
    assert_int_equal(count_status(log, "sent"), 2 * WAVE_ROWS);
    assert_int_equal(json_array_size(json_object_get(log, "items")), 2 * WAVE_ROWS);
    json_decref(log);
    fx_close(&x);
}

/* A wave whose one row another node took over meanwhile (fencing,
 * docs/deploy/cluster.md): the others' results commit in the wave's
 * transaction, the stale one records nothing and stays the other node's. */
static void test_wave_with_stale_member(void **state)
{
    (void)state;
    fx x;
    fx_open(&x, "wavestale");
    json_decref(control("/_config", "{\"path\": \"/sms/stale\", \"responses\": [{\"status\": 200, "
                                    "\"body\": \"{}\", \"delay_ms\": 1500}, {\"status\": 200, "
                                    "\"body\": \"{}\", \"delay_ms\": 1500}, {\"status\": 200, "
                                    "\"body\": \"{}\", \"delay_ms\": 1500}]}"));
    int64_t id[3];
    for (int i = 0; i < 3; i++) {
        char cause[32];
        snprintf(cause, sizeof cause, "wavestale-%d", i);
        id[i] = put_row(&x, cause, "sms_stale", "13800000011");
    }
    const char *names[] = {"sms_stale", NULL};
    char st[16] = "";
    int attempts = 0, before = 0, ok = 0;
    rx_count("/sms/stale", NULL, &before, &ok); /* test_stale_claim_dropped's */
    fx_start(&x, names); /* the worker claims the three rows and sends them (1.5 s each, at once) */
    for (int i = 0; i < 200 && strcmp(st, "sending") != 0; i++) {
        usleep(10000);
        row_state(&x, id[1], st, sizeof st, &attempts);
    }
    assert_string_equal(st, "sending");
    assert_int_equal(exec1(&x, OD_Q_DSP_REQUEUE, OD_BINDS(OD_INT(id[1]), OD_TEXT("local"))), 1);
    assert_int_equal(
        exec1(&x, OD_Q_DSP_CLAIM, OD_BINDS(OD_TEXT("node-b"), OD_INT(wall_ms() + 60000), OD_INT(id[1]))), 1);
    for (int i = 0; i < 600; i++) { /* until the wave is recorded */
        row_state(&x, id[2], st, sizeof st, &attempts);
        if (strcmp(st, "sent") == 0)
            break;
        usleep(10000);
    }
    fx_stop(&x);
    int all = 0;
    rx_count("/sms/stale", NULL, &all, &ok);
    assert_int_equal(all - before, 3);
    row_state(&x, id[0], st, sizeof st, &attempts);
    assert_string_equal(st, "sent");
    row_state(&x, id[2], st, sizeof st, &attempts);
    assert_string_equal(st, "sent");
    row_state(&x, id[1], st, sizeof st, &attempts);
    assert_string_equal(st, "sending"); /* node-b's claim stands */
    json_t *log = deliveries(&x);
    assert_int_equal(count_status(log, "sent"), 2);
    assert_int_equal(json_array_size(json_object_get(log, "items")), 2);
    json_decref(log);
    json_decref(control("/_config", "{\"path\": \"/sms/stale\", \"responses\": []}"));
    fx_close(&x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_backoff_table),         cmocka_unit_test(test_retry_then_success),
        cmocka_unit_test(test_permanent_failure),     cmocka_unit_test(test_attempt_limit),
        cmocka_unit_test(test_crash_recovery),        cmocka_unit_test(test_inbox_and_unconfigured),
        cmocka_unit_test(test_dingtalk_rate_limit),   cmocka_unit_test(test_bot_fanout_once_per_cause),
        cmocka_unit_test(test_stale_claim_dropped),   cmocka_unit_test(test_recovery_own_claims_only),
        cmocka_unit_test(test_waves_exactly_once),    cmocka_unit_test(test_wave_with_stale_member),
        cmocka_unit_test(test_no_send_without_lease),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
