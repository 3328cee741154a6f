/* gen.c — the scale data generator (issue "fast at scale"; bench/results.md
 * "Scale data"): fills a database made by `opsdesk init` (SQLite file or
 * postgres:// URL) with years of history, straight through the store (the
 * named statements of src/store/queries_gen.h and the application's own
 * inserts) in large transactions:
 *
 *   - users in departments (no password: they cannot log in);
 *   - CIs with relations, one of them depended on by a tree of 9 900 CIs
 *     (99 direct dependents, each with 99 of its own: "impact of a CI",
 *     within the impact's limit of 10 000);
 *   - incidents over five years ending yesterday, each with its CIs, a
 *     timeline (registered, reported, activated for L1/L2, resolved, closed,
 *     reviewed as its state has come), reports (first, progress, final), an
 *     escalation for one in ten, three recipients who acknowledged, its
 *     deadlines met, three messages sent (outbox) each with its delivery, an
 *     audit entry (hash-chained, od_audit_append), and for reviewed L1/L2
 *     incidents a case in the case library (and its full-text document);
 *   - events over the same five years, 30 % with repeats, resolves for the
 *     closed ones, 90 % on a CI, with the ingestion's key hash.
 *
 *   bench_gen --db PATH|URL [--scale F] [--incidents N] [--events N]
 *             [--cis N] [--relations N] [--users N] [--departments N]
 *             [--batch N] [--seed N] [--rows|--sets] [--set-rows N] [--quiet]
 *
 * --scale 1 (the default) is 1 000 000 incidents, 10 000 000 events,
 * 100 000 CIs, 300 000 relations, 5 000 users in 50 departments; --scale
 * 0.1 a tenth of each (departments stay 50, the impact tree shrinks only
 * when the CIs are too few).  The rows are deterministic for a seed.
 * Progress goes to stderr, the summary (rows and seconds) to stdout.  The
 * server must not run on the database meanwhile (SQLite: its lock).
 * --batch: units of work per transaction (50 000 on SQLite, 2 000 on
 * PostgreSQL: see step()).
 *
 * Set mode (--sets; the default on PostgreSQL, where each statement is a
 * round trip): the rows of the tables whose ids nothing here needs
 * (timeline, reports, recipients, deadlines, messages and their deliveries,
 * incident CIs, events) are gathered per table and written --set-rows (500)
 * at a time by one statement (queries_gen.h GEN_*_SET, a JSON array of
 * rows).  The rows and their ids are the same as with --rows (one statement
 * per row, the default on SQLite): each table gets its rows in the same
 * order (ctest bench/gen-sets).  PostgreSQL gets an ANALYZE at the end. */
#include "app/app.h"
#include "app/audit.h"
#include "app/events_int.h"
#include "store/store.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define DAY 86400000LL
#define YEARS5 (5 * 365 * DAY)

typedef struct gen_opts {
    const char *db;
    double scale;
    int64_t incidents, events, cis, relations, users, departments, batch;
    uint64_t seed;
    bool quiet;
    int mode; /* 0: sets on PostgreSQL, rows on SQLite; 1: rows; 2: sets */
    int64_t set_rows;
} gen_opts;

/* xorshift64*: deterministic for a seed, cheap */
static uint64_t rng_state;
static uint64_t rnd(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 2685821657736338717ULL;
}
static int64_t rnd_below(int64_t n)
{
    return n > 0 ? (int64_t)(rnd() % (uint64_t)n) : 0;
}
static bool chance(int percent)
{
    return rnd_below(100) < percent;
}

static const char *const DEPT_KIND[] = {"运行部",     "网络部",     "安全部", "开发部", "数据部",
                                        "柜面运营部", "信用卡中心", "渠道部", "综合部", "测试部"};
static const char *const CATS[] = {"application", "network", "database", "server", "storage"};
static const char *const GRADES[] = {"L1", "L2", "L3", "L4"};
static const char *const SEVER[] = {"critical", "serious", "moderate", "minor"};
static const char *const RESP[] = {"R1", "R2", "R3", "R4"};
static const char *const WORDS[] = {"磁盘使用率过高", "机房温度告警",   "CPU 负载升高", "内存不足",
                                    "端口抖动",       "数据库连接超时", "证书即将到期", "备份作业失败",
                                    "交易延迟升高",   "进程异常退出",   "网银登录失败", "柜面系统卡顿",
                                    "批量作业超时",   "存储延迟抖动",   "DNS 解析失败"};
#define NWORDS (sizeof WORDS / sizeof *WORDS)
static const char *const SOURCES[] = {"alertmanager", "zabbix", "api"};
static const char *const EV_CLASS[] = {"info", "warning", "exception", NULL};
static const char *const CHANNELS[] = {"sms", "email", "phone"};

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
static double mono(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void dept_name(int64_t i, char *out, size_t n)
{
    snprintf(out, n, "%s%" PRId64, DEPT_KIND[i % 10], i / 10 + 1);
}

/* the sets, in the order they are written (a message before its delivery) */
enum { S_INC_CI, S_TL, S_REP, S_RCP, S_DL, S_OUTBOX, S_DELIVERY, S_EV, S_COUNT };

typedef struct gen {
    gen_opts o;
    od_store *s;
    od_tx *tx;
    int64_t in_tx, t0, t_end;
    int64_t first_user, first_ci;
    int64_t rows, relations;
    double started;
    od_error e;
    bool sets;               /* rows gathered per table, one statement per --set-rows */
    json_t *set[S_COUNT];    /* the gathered rows (JSON arrays of columns) */
    int64_t set_rows, stmts; /* rows per set statement; statements run */
} gen;

static const od_query SET_Q[S_COUNT] = {OD_Q_GEN_INC_CI_SET,   OD_Q_GEN_TL_SET, OD_Q_GEN_REP_SET,
                                        OD_Q_GEN_RCP_SET,      OD_Q_GEN_DL_SET, OD_Q_GEN_OUTBOX_SET,
                                        OD_Q_GEN_DELIVERY_SET, OD_Q_GEN_EV_SET};

/* One set's rows in one statement (set mode). */
static od_err set_flush(gen *g, int s)
{
    size_t n = g->set[s] ? json_array_size(g->set[s]) : 0;
    if (!n)
        return OD_OK;
    char *text = json_dumps(g->set[s], JSON_COMPACT);
    if (!text)
        return od_error_set(&g->e, OD_E_NOMEM, NULL, "out of memory");
    od_err rc = od_tx_exec(g->tx, SET_Q[s], &g->e, OD_BINDS(OD_TEXT(text)));
    free(text);
    g->stmts++;
    if (!rc && od_tx_changes(g->tx) != (int64_t)n)
        rc = od_error_set(&g->e, OD_E_INTERNAL, NULL, "set %d: %lld of %zu rows inserted", s,
                          (long long)od_tx_changes(g->tx), n);
    json_array_clear(g->set[s]);
    return rc;
}
static od_err sets_flush(gen *g)
{
    od_err rc = OD_OK;
    for (int s = 0; !rc && s < S_COUNT; s++)
        rc = set_flush(g, s);
    return rc;
}
/* A row for set s (stolen); the set is written once it holds --set-rows.
 * Each message has its delivery, added right after it: the deliveries' set
 * writes the messages' first (a delivery finds its message by its unique
 * cause, recipient and channel). */
static od_err set_add(gen *g, int s, json_t *row)
{
    if (!row)
        return od_error_set(&g->e, OD_E_NOMEM, NULL, "out of memory");
    if (!g->set[s] && !(g->set[s] = json_array())) {
        json_decref(row);
        return od_error_set(&g->e, OD_E_NOMEM, NULL, "out of memory");
    }
    if (json_array_append_new(g->set[s], row) != 0)
        return od_error_set(&g->e, OD_E_NOMEM, NULL, "out of memory");
    if (s == S_OUTBOX || (int64_t)json_array_size(g->set[s]) < g->set_rows)
        return OD_OK;
    od_err rc = s == S_DELIVERY ? set_flush(g, S_OUTBOX) : OD_OK;
    return rc ? rc : set_flush(g, s);
}
static json_t *int_or_null(int64_t v, bool present)
{
    return present ? json_integer((json_int_t)v) : json_null();
}

static od_err begin(gen *g)
{
    g->in_tx = 0;
    od_err rc = od_tx_begin(g->s, true, &g->tx, &g->e);
    /* the full-text entries of the transaction's incidents and records in one
     * statement per index at its commit, not an index segment per statement */
    return rc ? rc : od_tx_defer_search(g->tx, &g->e);
}
/* Commits every --batch units of work (an incident and its rows, an event,
 * ...), so a transaction writes tens of thousands of rows on SQLite.  On
 * PostgreSQL the default is 2 000 units (100 incidents): each audit entry
 * rewrites the chain's head in meta and each incident its year's counter, and
 * a row updated n times in one transaction leaves n versions that every later
 * read of it walks (4 000 incidents in one transaction: 17.4 s; by 100: 4.9 s). */
static od_err step(gen *g, int64_t units)
{
    g->in_tx += units;
    if (g->in_tx < g->o.batch)
        return OD_OK;
    od_err rc = sets_flush(g);
    if (rc)
        return rc;
    od_tx *tx = g->tx;
    g->tx = NULL;
    rc = od_tx_commit(tx, &g->e);
    return rc ? rc : begin(g);
}
static od_err finish(gen *g)
{
    od_err rc = g->tx ? sets_flush(g) : OD_OK;
    if (rc)
        return rc;
    od_tx *tx = g->tx;
    g->tx = NULL;
    return tx ? od_tx_commit(tx, &g->e) : OD_OK;
}

static void progress(gen *g, const char *what, int64_t done, int64_t total)
{
    if (g->o.quiet)
        return;
    double t = mono() - g->started;
    fprintf(stderr, "\rgen: %-10s %10" PRId64 " / %-10" PRId64 " (%5.1f%%)  %7.1f s  %9.0f rows/s   ", what,
            done, total, total ? 100.0 * (double)done / (double)total : 100.0, t,
            t > 0 ? (double)g->rows / t : 0.0);
    if (done == total)
        fputc('\n', stderr);
}

static od_err gen_users(gen *g)
{
    od_err rc = OD_OK;
    char name[32], disp[64], dept[64], phone[32], email[64];
    for (int64_t i = 0; !rc && i < g->o.users; i++) {
        snprintf(name, sizeof name, "gen-u%05" PRId64, i + 1);
        snprintf(disp, sizeof disp, "用户%05" PRId64, i + 1);
        dept_name(i % g->o.departments, dept, sizeof dept);
        snprintf(phone, sizeof phone, "139%08" PRId64, i + 1);
        snprintf(email, sizeof email, "%s@example.com", name);
        int64_t id = 0;
        rc = od_tx_insert(g->tx, OD_Q_USER_INSERT, &id, &g->e,
                          OD_BINDS(OD_TEXT(name), OD_TEXT("!generated"), OD_TEXT(disp), OD_TEXT(dept),
                                   OD_TEXT(phone), OD_TEXT(email), OD_INT(0), OD_TEXT("[]"), OD_INT(g->t0),
                                   OD_INT(g->t0)));
        if (!rc && i == 0)
            g->first_user = id;
        g->rows++;
        if (!rc)
            rc = step(g, 1);
    }
    progress(g, "users", g->o.users, g->o.users);
    return rc;
}

/* CIs get consecutive ids from first_ci (a fresh database: checked). */
static od_err gen_cis(gen *g)
{
    od_err rc = OD_OK;
    char name[32], dept[64], loc[32], attrs[128];
    for (int64_t i = 0; !rc && i < g->o.cis; i++) {
        snprintf(name, sizeof name, "ci-%06" PRId64, i + 1);
        dept_name(rnd_below(g->o.departments), dept, sizeof dept);
        snprintf(loc, sizeof loc, "机房%c-%02d", (int)('A' + i % 3), (int)(i % 40) + 1);
        snprintf(attrs, sizeof attrs, "{\"ip\":\"10.%d.%d.%d\",\"owner\":\"gen-u%05" PRId64 "\"}",
                 (int)(i >> 16) & 255, (int)(i >> 8) & 255, (int)i & 255, rnd_below(g->o.users) + 1);
        int64_t id = 0;
        rc = od_tx_insert(g->tx, OD_Q_GEN_CI_INSERT, &id, &g->e,
                          OD_BINDS(OD_TEXT(name), OD_TEXT(CATS[rnd_below(5)]), OD_TEXT(GRADES[rnd_below(4)]),
                                   OD_TEXT(dept), OD_TEXT("production"), OD_TEXT(loc), OD_TEXT(attrs),
                                   OD_INT(g->t_end - rnd_below(365 * DAY)), OD_INT(g->t0), OD_INT(g->t0)));
        if (!rc && i == 0)
            g->first_ci = id;
        if (!rc && id != g->first_ci + i)
            rc = od_error_set(&g->e, OD_E_CONFLICT, NULL, "CI ids are not consecutive: use a fresh database");
        g->rows++;
        if (!rc)
            rc = step(g, 1);
        if (!rc && (i + 1) % 10000 == 0 && i + 1 < g->o.cis)
            progress(g, "cis", i + 1, g->o.cis);
    }
    progress(g, "cis", g->o.cis, g->o.cis);
    return rc;
}

static od_err relate(gen *g, int64_t src, const char *type, int64_t dst, int64_t *made)
{
    od_err rc = od_tx_exec(
        g->tx, OD_Q_REL_INSERT, &g->e,
        OD_BINDS(OD_INT(g->first_ci + src), OD_TEXT(type), OD_INT(g->first_ci + dst), OD_INT(g->t0)));
    if (rc == OD_E_CONFLICT) { /* the same random pair twice: skipped */
        od_error_clear(&g->e);
        return OD_OK;
    }
    if (!rc) {
        (*made)++;
        g->rows++;
        rc = step(g, 1);
    }
    return rc;
}

/* The impact tree first (CI 0 <- 99 CIs <- 99 CIs each), then random
 * relations among the other CIs up to --relations. */
static od_err gen_relations(gen *g)
{
    od_err rc = OD_OK;
    int64_t made = 0, n = g->o.cis;
    int64_t fan = 99;
    while (fan > 1 && 1 + fan + fan * fan > n / 2)
        fan /= 2;
    for (int64_t a = 0; !rc && a < fan && made < g->o.relations; a++) {
        int64_t mid = 1 + a;
        rc = relate(g, mid, "depends_on", 0, &made);
        for (int64_t b = 0; !rc && b < fan && made < g->o.relations; b++)
            rc = relate(g, 1 + fan + a * fan + b, "runs_on", mid, &made);
    }
    static const char *const TYPES[] = {"depends_on", "runs_on", "connects_to", "contains"};
    int64_t lo = 1 + fan + fan * fan, tries = 0;
    while (!rc && made < g->o.relations && n - lo > 1 && tries++ < 4 * g->o.relations) {
        int64_t x = lo + rnd_below(n - lo), y = lo + rnd_below(n - lo);
        if (x != y)
            rc = relate(g, x, TYPES[rnd_below(4)], y, &made);
        if (!rc && made % 50000 == 0 && made < g->o.relations)
            progress(g, "relations", made, g->o.relations);
    }
    progress(g, "relations", made, made);
    g->relations = made;
    return rc;
}

/* states as history has them: mostly finished */
static const char *pick_state(void)
{
    int64_t p = rnd_below(100);
    return p < 60   ? "reviewed"
           : p < 90 ? "closed"
           : p < 95 ? "resolved"
                    : (const char *[]){"activated", "confirmed", "reported", "detected"}[rnd_below(4)];
}
static int pick_level(void)
{
    int64_t p = rnd_below(100);
    return p < 2 ? 0 : p < 10 ? 1 : p < 35 ? 2 : 3;
}
static int state_rank(const char *st)
{
    static const char *const ORDER[] = {"detected", "reported", "confirmed", "activated",
                                        "resolved", "closed",   "reviewed"};
    for (int i = 0; i < 7; i++)
        if (!strcmp(st, ORDER[i]))
            return i;
    return 0;
}

static od_err tl(gen *g, int64_t inc, int64_t at, const char *actor, const char *kind, const char *text)
{
    g->rows++;
    if (g->sets)
        return set_add(g, S_TL, json_pack("[IIsssn]", (json_int_t)inc, (json_int_t)at, actor, kind, text));
    return od_tx_exec(
        g->tx, OD_Q_TL_INSERT, &g->e,
        OD_BINDS(OD_INT(inc), OD_INT(at), OD_TEXT(actor), OD_TEXT(kind), OD_TEXT(text), OD_NULL()));
}

static od_err inc_ci(gen *g, int64_t inc, int64_t ci)
{
    if (g->sets)
        return set_add(g, S_INC_CI, json_pack("[II]", (json_int_t)inc, (json_int_t)ci));
    return od_tx_exec(g->tx, OD_Q_INC_CI_INSERT, &g->e, OD_BINDS(OD_INT(inc), OD_INT(ci)));
}
static od_err report(gen *g, int64_t inc, const char *kind, int64_t at, int64_t author_id, const char *author,
                     const char *desk, const char *body)
{
    if (g->sets)
        return set_add(g, S_REP,
                       json_pack("[IsIIsss]", (json_int_t)inc, kind, (json_int_t)at, (json_int_t)author_id,
                                 author, desk, body));
    return od_tx_exec(g->tx, OD_Q_REP_INSERT, &g->e,
                      OD_BINDS(OD_INT(inc), OD_TEXT(kind), OD_INT(at), OD_INT(author_id), OD_TEXT(author),
                               OD_TEXT(desk), OD_TEXT(body)));
}
static od_err deadline(gen *g, int64_t inc, const char *kind, int64_t who, bool has_who, int64_t due,
                       int64_t met, bool has_met, const char *status)
{
    if (g->sets)
        return set_add(g, S_DL,
                       json_pack("[IsoIos]", (json_int_t)inc, kind, int_or_null(who, has_who),
                                 (json_int_t)due, int_or_null(met, has_met), status));
    return od_tx_exec(g->tx, OD_Q_GEN_DL_INSERT, &g->e,
                      OD_BINDS(OD_INT(inc), OD_TEXT(kind), OD_INT_OR_NULL(who, has_who), OD_INT(due),
                               OD_INT_OR_NULL(met, has_met), OD_TEXT(status)));
}

static od_err gen_one_incident(gen *g, int64_t i, int64_t *cases)
{
    int64_t step_ms = YEARS5 / (g->o.incidents > 0 ? g->o.incidents : 1);
    int64_t at = g->t0 + i * step_ms + rnd_below(step_ms > 1 ? step_ms : 1);
    int lv = pick_level();
    int hi = lv > 0 && chance(10) ? lv - 1 : lv; /* escalated one level: one in ten */
    const char *st = pick_state();
    int rank = state_rank(st);
    bool drill = i % 50 == 49;
    int64_t ci1 = rnd_below(g->o.cis), ci2 = chance(30) ? rnd_below(g->o.cis) : -1;
    const char *word = WORDS[rnd_below(NWORDS)];
    char dept[64], depts[96], title[160], symptoms[256], number[40], year_key[16], ci_name[32];
    dept_name(ci1 % g->o.departments, dept, sizeof dept);
    snprintf(depts, sizeof depts, "[\"%s\"]", dept);
    snprintf(ci_name, sizeof ci_name, "ci-%06" PRId64, ci1 + 1);
    snprintf(title, sizeof title, "%s：%s", word, ci_name);
    snprintf(symptoms, sizeof symptoms, "%s，影响%s的业务处理，监控于 %" PRId64 " 发现（第 %" PRId64 " 号）",
             word, dept, at, i + 1);
    time_t secs = (time_t)(at / 1000);
    struct tm tmv;
    gmtime_r(&secs, &tmv);
    snprintf(year_key, sizeof year_key, "inc-%04d", tmv.tm_year + 1900);
    int64_t seq = 0;
    od_err rc = od_tx_scalar(g->tx, OD_Q_COUNTER_NEXT, &seq, &g->e, OD_BINDS(OD_TEXT(year_key)));
    snprintf(number, sizeof number, "INC-%04d-%06" PRId64, tmv.tm_year + 1900, seq);
    int64_t user = g->first_user + rnd_below(g->o.users);
    int64_t reg = at + 60000, act = at + 10 * 60000, res = at + (1 + rnd_below(8)) * 3600000,
            clo = res + 3600000, rev = clo + 3 * DAY;
    bool activated = rank >= 3 && lv <= 1, resolved = rank >= 4, closed = rank >= 5, reviewed = rank >= 6;
    int64_t last = reviewed ? rev : closed ? clo : resolved ? res : activated ? act : reg;
    int64_t id = 0;
    if (!rc)
        rc = od_tx_insert(g->tx, OD_Q_GEN_INC_INSERT, &id, &g->e,
                          OD_BINDS(OD_TEXT(number), OD_TEXT(title), OD_TEXT(st), OD_TEXT(GRADES[lv]),
                                   OD_TEXT(SEVER[lv]), OD_TEXT(RESP[lv]), OD_TEXT(RESP[hi]),
                                   OD_TEXT(RESP[hi]), OD_INT(at), OD_INT(reg), OD_INT(at + 4 * 3600000),
                                   OD_INT(at + 30 * 60000), OD_TEXT("机房A"), OD_TEXT(symptoms),
                                   OD_TEXT("部分柜面交易"), OD_TEXT(depts), OD_BOOL(drill), OD_INT(user),
                                   OD_INT_OR_NULL(user, activated), OD_INT_OR_NULL(act, activated),
                                   OD_INT_OR_NULL(res, resolved), OD_INT_OR_NULL(user, closed),
                                   OD_INT_OR_NULL(clo, closed), OD_INT_OR_NULL(rev, reviewed), OD_INT(last)));
    g->rows++;
    if (!rc)
        rc = inc_ci(g, id, g->first_ci + ci1);
    if (!rc && ci2 >= 0 && ci2 != ci1)
        rc = inc_ci(g, id, g->first_ci + ci2);
    char actor[32];
    snprintf(actor, sizeof actor, "gen-u%05" PRId64, user - g->first_user + 1);
    /* timeline and reports, as far as the state has come */
    if (!rc)
        rc = tl(g, id, reg, actor, "registered", "登记事件");
    if (!rc && rank >= 1)
        rc = tl(g, id, at + 20 * 60000, actor, "report", "首报已发送");
    if (!rc && rank >= 1) {
        g->rows++;
        rc = report(g, id, "first", at + 20 * 60000, user, actor, dept, symptoms);
    }
    if (!rc && activated)
        rc = tl(g, id, act, actor, "activated", "启动应急预案");
    if (!rc && rank >= 2) {
        g->rows++;
        rc =
            report(g, id, "progress", at + 60 * 60000, user, actor, dept, "处置中：已定位故障节点，正在切换");
    }
    if (!rc && hi != lv) {
        g->rows += 2;
        rc = od_tx_exec(g->tx, OD_Q_ESC_INSERT, &g->e,
                        OD_BINDS(OD_INT(id), OD_TEXT(RESP[lv]), OD_TEXT(RESP[hi]), OD_INT(at + 45 * 60000),
                                 OD_TEXT("影响扩大，升级响应")));
        if (!rc)
            rc = tl(g, id, at + 45 * 60000, actor, "escalated", "升级响应");
    }
    if (!rc && resolved) {
        rc = tl(g, id, res, actor, "resolved", "业务已恢复");
        g->rows++;
        if (!rc)
            rc = report(g, id, "final", res, user, actor, dept, "终报：业务已恢复，原因待复盘");
    }
    if (!rc && closed)
        rc = tl(g, id, clo, actor, "closed", "关闭事件");
    if (!rc && reviewed)
        rc = tl(g, id, rev, actor, "reviewed", "完成复盘");
    /* recipients who acknowledged, deadlines met, messages sent */
    for (int k = 0; !rc && k < 3; k++) {
        int64_t who = g->first_user + (user - g->first_user + 1 + k * 97) % g->o.users;
        int64_t acked = at + (2 + k) * 60000;
        g->rows += 3;
        if (g->sets)
            rc = set_add(g, S_RCP,
                         json_pack("[IIsIII]", (json_int_t)id, (json_int_t)who, "first_report",
                                   (json_int_t)reg, (json_int_t)(reg + 15 * 60000), (json_int_t)acked));
        else
            rc = od_tx_exec(g->tx, OD_Q_GEN_RCP_INSERT, &g->e,
                            OD_BINDS(OD_INT(id), OD_INT(who), OD_TEXT("first_report"), OD_INT(reg),
                                     OD_INT(reg + 15 * 60000), OD_INT(acked)));
        char cause[48], subject[256];
        snprintf(cause, sizeof cause, "first:%" PRId64, id);
        snprintf(subject, sizeof subject, "【%s】%s %s", RESP[hi], number, title);
        int64_t ob = 0;
        if (!rc && g->sets)
            rc = set_add(g, S_OUTBOX,
                         json_pack("[sIIsssssssIIII]", cause, (json_int_t)id, (json_int_t)who, CHANNELS[k],
                                   "13900000000", "first", dept, subject, symptoms, "sent", (json_int_t)1,
                                   (json_int_t)reg, (json_int_t)reg, (json_int_t)(reg + 2000)));
        else if (!rc)
            rc = od_tx_insert(g->tx, OD_Q_GEN_OUTBOX_INSERT, &ob, &g->e,
                              OD_BINDS(OD_TEXT(cause), OD_INT(id), OD_INT(who), OD_TEXT(CHANNELS[k]),
                                       OD_TEXT("13900000000"), OD_TEXT("first"), OD_TEXT(dept),
                                       OD_TEXT(subject), OD_TEXT(symptoms), OD_TEXT("sent"), OD_INT(1),
                                       OD_INT(reg), OD_INT(reg), OD_INT(reg + 2000)));
        if (!rc && g->sets)
            rc = set_add(g, S_DELIVERY,
                         json_pack("[sIsIIssIss]", cause, (json_int_t)who, CHANNELS[k], (json_int_t)id,
                                   (json_int_t)(reg + 2000), CHANNELS[k], "sent", (json_int_t)200, "0", ""));
        else if (!rc)
            rc = od_tx_exec(g->tx, OD_Q_DSP_DELIVERY_INSERT, &g->e,
                            OD_BINDS(OD_INT(ob), OD_NULL(), OD_INT(id), OD_INT(reg + 2000),
                                     OD_TEXT(CHANNELS[k]), OD_TEXT("sent"), OD_INT(200), OD_TEXT("0"),
                                     OD_TEXT("")));
        if (!rc)
            rc = deadline(g, id, "ack", who, true, reg + 15 * 60000, acked, true, "met");
    }
    g->rows += 2;
    if (!rc)
        rc = deadline(g, id, "first_report", 0, false, at + 30 * 60000, at + 20 * 60000, rank >= 1,
                      rank >= 1 ? "met" : "missed");
    if (!rc)
        rc = deadline(g, id, "handling", 0, false, at + 4 * 3600000, res, resolved,
                      resolved ? "met" : "missed");
    /* the audit entry of its registration (the chain's hash, the anchor) */
    if (!rc) {
        json_t *after = json_pack("{sI ss ss ss}", "id", (json_int_t)id, "number", number, "title", title,
                                  "level", GRADES[lv]);
        rc = after ? od_audit_append(g->tx, reg, NULL, "incident.create", "incident", id, NULL, after, &g->e)
                   : od_error_set(&g->e, OD_E_NOMEM, NULL, "out of memory");
        json_decref(after);
        g->rows++;
    }
    /* the case library: reviewed incidents of L1/L2 */
    if (!rc && reviewed && lv <= 1) {
        char text[1024], cats[48], names[48];
        snprintf(cats, sizeof cats, "[\"%s\"]", CATS[ci1 % 5]);
        snprintf(names, sizeof names, "[\"%s\"]", ci_name);
        snprintf(text, sizeof text, "%s\n%s\n%s\n原因：%s 配置变更引起；处置：回退变更并扩容", number, title,
                 symptoms, word);
        g->rows += 2;
        rc = od_tx_exec(g->tx, OD_Q_CASE_INSERT, &g->e,
                        OD_BINDS(OD_INT(id), OD_TEXT(number), OD_TEXT(title), OD_TEXT(GRADES[lv]),
                                 OD_TEXT(RESP[hi]), OD_TEXT(cats), OD_TEXT(names), OD_TEXT("配置变更引起"),
                                 OD_TEXT(text), OD_BOOL(drill), OD_INT(rev)));
        if (!rc)
            rc = od_tx_exec(g->tx, OD_Q_SD_INSERT, &g->e,
                            OD_BINDS(OD_TEXT("case"), OD_INT(id), OD_TEXT(text)));
        if (!rc)
            (*cases)++;
    }
    return rc;
}

static od_err gen_incidents(gen *g, int64_t *cases)
{
    od_err rc = OD_OK;
    for (int64_t i = 0; !rc && i < g->o.incidents; i++) {
        rc = gen_one_incident(g, i, cases);
        if (!rc)
            rc = step(g, 20);
        if (!rc && (i + 1) % 5000 == 0 && i + 1 < g->o.incidents)
            progress(g, "incidents", i + 1, g->o.incidents);
    }
    progress(g, "incidents", g->o.incidents, g->o.incidents);
    return rc;
}

static od_err gen_events(gen *g)
{
    od_err rc = OD_OK;
    int64_t step_ms = YEARS5 / (g->o.events > 0 ? g->o.events : 1);
    if (step_ms < 1)
        step_ms = 1;
    char key[48], summary[96], labels[160];
    for (int64_t i = 0; !rc && i < g->o.events; i++) {
        int64_t first = g->t0 + i * step_ms;
        int64_t count = chance(30) ? 2 + rnd_below(20) : 1;
        int64_t last = first + (count - 1) * 60000;
        int64_t p = rnd_below(100);
        const char *state = p < 60   ? "closed"
                            : p < 75 ? "open"
                            : p < 85 ? "filtered"
                            : p < 90 ? "silenced"
                            : p < 95 ? "suppressed"
                                     : "handled";
        bool resolved = !strcmp(state, "closed");
        bool on_ci = chance(90);
        int64_t ci = on_ci ? rnd_below(g->o.cis) : -1;
        const char *src = SOURCES[rnd_below(3)];
        const char *w = WORDS[rnd_below(NWORDS)];
        snprintf(key, sizeof key, "ev-%09" PRId64, i + 1);
        snprintf(summary, sizeof summary, "%s %" PRId64, w, i + 1);
        if (on_ci)
            snprintf(labels, sizeof labels, "{\"alertname\":\"%s\",\"instance\":\"ci-%06" PRId64 "\"}", w,
                     ci + 1);
        else
            snprintf(labels, sizeof labels, "{\"alertname\":\"%s\",\"instance\":\"none\"}", w);
        g->rows++;
        const char *cls = EV_CLASS[rnd_below(4)];
        if (g->sets)
            rc = set_add(g, S_EV,
                         json_pack("[sssss?ssosssIsnIIIIoI]", src, key, resolved ? "resolved" : "firing",
                                   state, cls, "warning", summary, int_or_null(g->first_ci + ci, on_ci),
                                   labels, "{}", "{}", (json_int_t)count, "", (json_int_t)first,
                                   (json_int_t)last, (json_int_t)first, (json_int_t)last,
                                   int_or_null(last, resolved), (json_int_t)od_ev_key_hash(src, key)));
        else
            rc = od_tx_exec(g->tx, OD_Q_GEN_EV_INSERT, &g->e,
                            OD_BINDS(OD_TEXT(src), OD_TEXT(key), OD_TEXT(resolved ? "resolved" : "firing"),
                                     OD_TEXT(state), OD_TEXT(cls), OD_TEXT("warning"), OD_TEXT(summary),
                                     OD_INT_OR_NULL(g->first_ci + ci, on_ci), OD_TEXT(labels), OD_TEXT("{}"),
                                     OD_TEXT("{}"), OD_INT(count), OD_TEXT(""), OD_NULL(), OD_INT(first),
                                     OD_INT(last), OD_INT(first), OD_INT(last),
                                     OD_INT_OR_NULL(last, resolved), OD_INT(od_ev_key_hash(src, key))));
        if (!rc)
            rc = step(g, 1);
        if (!rc && (i + 1) % 50000 == 0 && i + 1 < g->o.events)
            progress(g, "events", i + 1, g->o.events);
    }
    progress(g, "events", g->o.events, g->o.events);
    return rc;
}

static int64_t scaled(double f, int64_t n)
{
    int64_t v = (int64_t)(f * (double)n + 0.5);
    return v > 0 ? v : 1;
}

static int usage(void)
{
    fprintf(stderr, "usage: bench_gen --db PATH|URL [--scale F] [--incidents N] [--events N] [--cis N]\n"
                    "                 [--relations N] [--users N] [--departments N] [--batch N] [--seed N]"
                    " [--rows|--sets] [--set-rows N] [--quiet]\n");
    return 2;
}

int main(int argc, char **argv)
{
    gen g = {.o = {.scale = 1.0,
                   .incidents = -1,
                   .events = -1,
                   .cis = -1,
                   .relations = -1,
                   .users = -1,
                   .departments = 50,
                   .batch = -1,
                   .set_rows = 500,
                   .seed = 20}};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--quiet")) {
            g.o.quiet = true;
            continue;
        }
        if (!strcmp(a, "--rows") || !strcmp(a, "--sets")) {
            g.o.mode = a[2] == 'r' ? 1 : 2;
            continue;
        }
        if (!v)
            return usage();
        i++;
        if (!strcmp(a, "--db"))
            g.o.db = v;
        else if (!strcmp(a, "--scale"))
            g.o.scale = strtod(v, NULL);
        else if (!strcmp(a, "--incidents"))
            g.o.incidents = strtoll(v, NULL, 10);
        else if (!strcmp(a, "--events"))
            g.o.events = strtoll(v, NULL, 10);
        else if (!strcmp(a, "--cis"))
            g.o.cis = strtoll(v, NULL, 10);
        else if (!strcmp(a, "--relations"))
            g.o.relations = strtoll(v, NULL, 10);
        else if (!strcmp(a, "--users"))
            g.o.users = strtoll(v, NULL, 10);
        else if (!strcmp(a, "--departments"))
            g.o.departments = strtoll(v, NULL, 10);
        else if (!strcmp(a, "--batch"))
            g.o.batch = strtoll(v, NULL, 10);
        else if (!strcmp(a, "--set-rows"))
            g.o.set_rows = strtoll(v, NULL, 10);
        else if (!strcmp(a, "--seed"))
            g.o.seed = strtoull(v, NULL, 10);
        else
            return usage();
    }
    if (!g.o.db || g.o.scale <= 0 || g.o.departments < 1 || g.o.batch == 0 || g.o.batch < -1 ||
        g.o.set_rows < 1)
        return usage();
    double f = g.o.scale;
    if (g.o.incidents < 0)
        g.o.incidents = scaled(f, 1000000);
    if (g.o.events < 0)
        g.o.events = scaled(f, 10000000);
    if (g.o.cis < 0)
        g.o.cis = scaled(f, 100000);
    if (g.o.relations < 0)
        g.o.relations = scaled(f, 300000);
    if (g.o.users < 0)
        g.o.users = scaled(f, 5000);
    if (g.o.cis < 2 || g.o.users < 1)
        return usage();
    rng_state = g.o.seed * 0x9E3779B97F4A7C15ULL + 1;
    g.sets = g.o.mode == 2 || (g.o.mode == 0 && !od_store_is_file(g.o.db));
    g.set_rows = g.o.set_rows;
    if (g.o.batch < 0)
        g.o.batch = od_store_is_file(g.o.db) ? 50000 : 2000;
    od_db_lock *lock = NULL;
    if (od_app_db_lock(g.o.db, &lock, &g.e) != OD_OK) {
        fprintf(stderr, "错误 error: %s\n", g.e.message);
        return 1;
    }
    /* the audit entries are anchored with the database's key when it has
     * one beside it (a SQLite file made by opsdesk init) */
    char kp[4096];
    const char *kf = getenv("OPSDESK_AUDIT_KEY_FILE");
    if (!kf || !*kf)
        kf = od_audit_key_default_path(g.o.db, kp, sizeof kp);
    if (kf && od_audit_key_load(kf, false, NULL, &g.e) != OD_OK)
        od_error_clear(&g.e);
    od_store_schema info;
    od_err rc = od_store_open_mode(g.o.db, OD_STORE_CURRENT, &info, &g.s, &g.e);
    g.t_end = now_ms() - DAY;
    g.t0 = g.t_end - YEARS5;
    g.started = mono();
    int64_t cases = 0, existing = 0;
    double t_inc = 0, t_ev = 0;
    if (!rc)
        rc = begin(&g);
    if (!rc)
        rc = od_tx_scalar(g.tx, OD_Q_INC_COUNT_ALL, &existing, &g.e, OD_BINDS(OD_INT(1)));
    if (!rc && existing)
        rc = od_error_set(&g.e, OD_E_CONFLICT, NULL,
                          "%s already holds incidents: use a fresh `opsdesk init` database", g.o.db);
    if (!rc)
        rc = gen_users(&g);
    if (!rc)
        rc = gen_cis(&g);
    if (!rc)
        rc = gen_relations(&g);
    double t1 = mono();
    if (!rc)
        rc = gen_incidents(&g, &cases);
    double t2 = mono();
    t_inc = t2 - t1;
    if (!rc)
        rc = gen_events(&g);
    t_ev = mono() - t2;
    if (!rc)
        rc = finish(&g);
    /* PostgreSQL: the planner's statistics of the new rows now, as autovacuum
     * would give them a while after (the server's plans are read right after
     * this); SQLite is left as a server leaves it (no ANALYZE) */
    double t_an = mono();
    if (!rc && !od_store_is_file(g.o.db) && !(rc = begin(&g))) {
        rc = od_tx_exec(g.tx, OD_Q_GEN_ANALYZE, &g.e, NULL, 0);
        rc = rc ? rc : finish(&g);
    }
    t_an = mono() - t_an;
    if (rc) {
        od_tx_rollback(g.tx);
        fprintf(stderr, "\n错误 error: %s\n", g.e.message);
    } else {
        od_store_checkpoint(g.s);
        printf("bench_gen: %" PRId64 " users, %" PRId64 " CIs, %" PRId64 " relations, %" PRId64
               " incidents (%" PRId64 " cases) in %.1f s, %" PRId64 " events in %.1f s; %" PRId64
               " rows in %.1f s in all (%s; ANALYZE %.1f s)\n",
               g.o.users, g.o.cis, g.relations, g.o.incidents, cases, t_inc, g.o.events, t_ev, g.rows,
               mono() - g.started, g.sets ? "set inserts" : "one statement per row", t_an);
    }
    for (int s = 0; s < S_COUNT; s++)
        json_decref(g.set[s]);
    od_store_close(g.s);
    od_app_db_unlock(lock);
    return rc ? 1 : 0;
}
