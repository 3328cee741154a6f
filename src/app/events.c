/* events.c — "ingest a batch of events" (seed 004 fig. 6.2.2, R-EVT-1…4):
 * record → filter → de-duplicate (flapping) → classify → correlate
 * (maintenance windows, dependency suppression, grouping) → respond (webhook
 * through the outbox, or alert a role) → exceptions open or join an
 * incident.  Many requests run in one write transaction (the group commit of
 * src/ingest/queue.c), each in a savepoint.  Every rule is asked of
 * core/event.h; each step that decided something is recorded with the rule's
 * name: as codes in the row for a new event's first pass
 * (core/event_decision.h), as text in event_decisions for later passes.
 *
 * Event state after the pipeline: filtered | closed (info, or resolved) |
 * silenced (maintenance window) | suppressed (upstream CI in trouble) |
 * handled (webhook answered it, or an incident took it) | open (a person
 * was alerted, or it joined a group that was). */
#include "app/events.h"
#include "app/event_keys.h"
#include "app/incidents.h"
#include "core/event.h"
#include "core/event_decision.h"
#include "notify/dispatcher.h"
#include "sched/sched.h"
#include "util/sbuf.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEC_MAX 12
#define WINDOWS_MAX 1000

/* ---- batches ---------------------------------------------------------- */

od_event_batch *od_event_batch_new(const char *source, int64_t api_key_id)
{
    od_event_batch *b = calloc(1, sizeof *b);
    if (!b)
        return NULL;
    snprintf(b->source, sizeof b->source, "%s", source ? source : "api");
    b->api_key_id = api_key_id;
    b->hold = json_array();
    if (!b->hold) {
        free(b);
        return NULL;
    }
    return b;
}

void od_event_batch_free(od_event_batch *b)
{
    if (!b)
        return;
    json_decref(b->hold);
    free(b->v);
    free(b->body);
    free(b);
}

od_event_in *od_event_batch_add(od_event_batch *b)
{
    if (b->n >= OD_EVENTS_PER_REQUEST_MAX)
        return NULL;
    if (b->n == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 4;
        od_event_in *nv = realloc(b->v, cap * sizeof *nv);
        if (!nv)
            return NULL;
        b->v = nv;
        b->cap = cap;
    }
    od_event_in *ev = &b->v[b->n++];
    memset(ev, 0, sizeof *ev);
    ev->severity = ev->summary = "";
    return ev;
}

json_t *od_event_batch_keep(od_event_batch *b, json_t *v)
{
    if (!v || json_array_append_new(b->hold, v) != 0)
        return NULL;
    return v;
}

const char *od_event_batch_str(od_event_batch *b, const char *s)
{
    return json_string_value(od_event_batch_keep(b, json_string(s ? s : "")));
}

/* ---- text building (issue 5 performance: no jansson on the hot path) ---- */

/* An object of string values (labels, annotations) in its own key order;
 * anything else falls back to jansson. */
static void json_map(od_sbuf *b, json_t *obj)
{
    if (!obj) {
        od_sbuf_puts(b, "{}");
        return;
    }
    const char *k;
    json_t *v;
    bool first = true, plain = json_is_object(obj);
    json_object_foreach(obj, k, v) if (!json_is_string(v)) plain = false;
    if (!plain) {
        char *t = json_dumps(obj, JSON_COMPACT | JSON_ENCODE_ANY);
        if (t)
            od_sbuf_puts(b, t);
        else
            b->oom = true;
        free(t);
        return;
    }
    od_sbuf_append(b, "{", 1);
    json_object_foreach(obj, k, v)
    {
        if (!first)
            od_sbuf_append(b, ",", 1);
        first = false;
        od_sbuf_json_str(b, k);
        od_sbuf_append(b, ":", 1);
        od_sbuf_json(b, json_string_value(v), json_string_length(v));
    }
    od_sbuf_append(b, "}", 1);
}

static void flap_text(od_sbuf *b, const od_flap *f)
{
    od_sbuf_reset(b);
    od_sbuf_append(b, "[", 1);
    for (int i = 0; i < f->n; i++) {
        if (i)
            od_sbuf_append(b, ",", 1);
        od_sbuf_int(b, f->t[i]);
    }
    od_sbuf_append(b, "]", 1);
}

/* "[t1,t2,…]" as flap_text writes it (anything else reads as no changes). */
static void flap_load(od_flap *f, const char *text)
{
    memset(f, 0, sizeof *f);
    const char *p = text;
    if (*p++ != '[')
        return;
    while (*p && *p != ']' && f->n < OD_EVT_FLAP_MAX) {
        char *end;
        long long v = strtoll(p, &end, 10);
        if (end == p)
            return;
        f->t[f->n++] = (int64_t)v;
        p = end;
        if (*p == ',')
            p++;
    }
}

const char *od_event_batch_body(od_event_batch *b, const char *body, size_t len)
{
    free(b->body);
    b->body = malloc(len + 1);
    if (b->body) {
        memcpy(b->body, body, len);
        b->body[len] = 0;
    }
    return b->body;
}

/* ---- per-transaction context ------------------------------------------- */

typedef struct window_rt {
    od_window w;
    char name[128];
    od_matcher m[OD_EVT_MATCHERS_MAX];
} window_rt;

typedef struct ctx {
    od_app *a;
    od_tx *tx;
    const od_event_policy *ep;
    int64_t now;
    window_rt *wins;
    size_t n_wins;
    od_window *wv; /* views of wins for od_windows_match */
    json_t *ci_cache; /* name → [id, grade] or null */
    bool woke_dispatcher, woke_sched;
    bool savepoints; /* each request in its own savepoint */
    bool broken;     /* a savepoint could not be undone */
    od_sbuf labels, ann, raw, changes, decs; /* reused for every event */
    /* the de-duplication table (app/event_keys.h) and what this run added
     * to it, to take back when its writes are rolled back */
    od_event_keys *keys;
    struct added_key {
        uint64_t hash;
        int64_t id;
    } *added;
    size_t n_added, cap_added;
} ctx;

typedef struct decision {
    int code; /* od_dec_code */
    char rule[OD_EVT_RULE_NAME_MAX + 16];
    int nargs;
    od_dec_arg args[OD_DEC_ARGS_MAX];
    char text[512]; /* the string arguments' bytes */
} decision;

/* What the pipeline decided for one event. */
typedef struct outcome {
    const char *state;
    int cls; /* -1 = not classified */
    int64_t ci_id, incident_id, window_id;
    char incident_rule[OD_EVT_RULE_NAME_MAX];
    char group_key[256];
    bool closed, responded;
    int64_t new_incident; /* opened here: timeline entry after the event row exists */
    decision d[DEC_MAX];
    int nd;
} outcome;

/* Records a decision: its code, the rule and the arguments (strings copied;
 * one too long for what is left of d->text is cut).  DEC(o, code, rule,
 * S(x), I(n)…) for one with arguments. */
static void dec_args(outcome *o, od_dec_code code, const char *rule, const od_dec_arg *args, int nargs)
{
    if (o->nd >= DEC_MAX)
        return;
    decision *d = &o->d[o->nd++];
    d->code = (int)code;
    snprintf(d->rule, sizeof d->rule, "%s", rule ? rule : "");
    d->nargs = nargs < OD_DEC_ARGS_MAX ? nargs : OD_DEC_ARGS_MAX;
    size_t used = 0;
    for (int i = 0; i < d->nargs; i++) {
        d->args[i] = args[i];
        if (!args[i].s)
            continue;
        if (used >= sizeof d->text) {
            d->args[i].s = "";
            continue;
        }
        d->args[i].s = d->text + used;
        used += od_dec_copy(d->text + used, sizeof d->text - used, args[i].s) + 1;
    }
}

static void dec(outcome *o, od_dec_code code, const char *rule) { dec_args(o, code, rule, NULL, 0); }

#define S(x) {.s = (x)}
#define I(x) {.i = (int64_t)(x)}
#define DEC(o, code, rule, ...)                                                                                    \
    dec_args(o, code, rule, (const od_dec_arg[]){__VA_ARGS__},                                                     \
             (int)(sizeof((const od_dec_arg[]){__VA_ARGS__}) / sizeof(od_dec_arg)))

static void windows_free(ctx *c)
{
    for (size_t i = 0; i < c->n_wins; i++)
        for (size_t k = 0; k < c->wins[i].w.n_matchers; k++)
            od_matcher_cleanup(&c->wins[i].m[k]);
    free(c->wins);
    free(c->wv);
    c->wins = NULL;
    c->wv = NULL;
    c->n_wins = 0;
}

/* The windows active at now, their matchers from the app's compiled cache. */
static od_err windows_load(ctx *c, od_error *e)
{
    od_rows *r = NULL;
    od_err rc = od_tx_query(c->tx, OD_Q_WIN_ACTIVE, &r, e, OD_BINDS(OD_INT(c->now), OD_INT(c->now)));
    if (rc)
        return rc;
    size_t cap = 0;
    bool row = false;
    while (!rc && !(rc = od_rows_step(r, &row)) && row && c->n_wins < WINDOWS_MAX) {
        if (c->n_wins == cap) {
            cap = cap ? cap * 2 : 8;
            window_rt *nw = realloc(c->wins, cap * sizeof *nw);
            if (!nw) {
                rc = od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
                break;
            }
            c->wins = nw;
        }
        window_rt *w = &c->wins[c->n_wins];
        memset(&w->w, 0, sizeof w->w); /* w->m[]: only the n_matchers filled below are read or freed */
        w->w.id = od_rows_int(r, 0);
        snprintf(w->name, sizeof w->name, "%s", od_rows_text(r, 1));
        w->w.starts_at = od_rows_int(r, 2);
        w->w.ends_at = od_rows_int(r, 3);
        w->w.ci_id = od_rows_null(r, 5) ? 0 : od_rows_int(r, 5);
        /* compiled once per window change, cached (maintenance_windows.c) */
        od_err wr = od_window_matchers(c->a, od_rows_text(r, 4), w->m, &w->w.n_matchers, NULL);
        if (wr == OD_E_NOMEM) {
            rc = od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
            break;
        }
        bool ok = wr == OD_OK;
        c->n_wins++;
        if (!ok) /* never silence by a window whose matchers we cannot read */
            w->w.ends_at = w->w.starts_at - 1;
    }
    od_rows_close(r);
    if (!rc && c->n_wins) {
        c->wv = calloc(c->n_wins, sizeof *c->wv);
        if (!c->wv)
            return od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
        for (size_t i = 0; i < c->n_wins; i++) { /* c->wins has moved while it grew: point at its place now */
            c->wins[i].w.matchers = c->wins[i].m;
            c->wv[i] = c->wins[i].w;
        }
    }
    return rc;
}

/* ---- CI names in memory (issue 5 performance) ----------------------------
 * Every event asks whether its CI labels name a CI.  The names of the CMDB
 * (up to CI_MEM_MAX) are kept in memory, reloaded when event_cmdb_version
 * (bumped by triggers on cis, migration 0005) has changed, so that a name
 * that is no CI costs no query.  A larger CMDB is asked per name (cached per
 * transaction).  Used by the ingest writer only, under cis_mem.mu (which
 * also guards the writer's other memory kept across transactions). */
#define CI_MEM_MAX 200000

typedef struct ci_ent {
    char *name; /* NULL = free slot */
    int64_t id;
    int grade;
} ci_ent;

static struct {
    pthread_mutex_t mu;
    const od_store *store;
    int64_t version;
    bool full;
    ci_ent *v;
    size_t cap, n; /* cap: a power of two */
} cis_mem = {.mu = PTHREAD_MUTEX_INITIALIZER, .version = -1};

static uint64_t name_hash(const char *s) { return od_fnv1a_str(OD_FNV_OFFSET, s); }

static void cis_mem_clear(void)
{
    for (size_t i = 0; i < cis_mem.cap; i++)
        free(cis_mem.v[i].name);
    free(cis_mem.v);
    cis_mem.v = NULL;
    cis_mem.cap = cis_mem.n = 0;
    cis_mem.full = false;
    cis_mem.version = -1;
}

static const ci_ent *cis_mem_get(const char *name)
{
    if (!cis_mem.cap)
        return NULL;
    for (size_t i = name_hash(name) & (cis_mem.cap - 1);; i = (i + 1) & (cis_mem.cap - 1)) {
        if (!cis_mem.v[i].name)
            return NULL;
        if (strcmp(cis_mem.v[i].name, name) == 0)
            return &cis_mem.v[i];
    }
}

static bool cis_mem_put(const char *name, int64_t id, int grade)
{
    size_t i = name_hash(name) & (cis_mem.cap - 1);
    while (cis_mem.v[i].name)
        i = (i + 1) & (cis_mem.cap - 1);
    cis_mem.v[i] = (ci_ent){strdup(name), id, grade};
    cis_mem.n++;
    return cis_mem.v[i].name != NULL;
}

/* At the start of a transaction: the table matches the CMDB. */
static od_err cis_mem_sync(ctx *c, od_error *e)
{
    int64_t version = 0, count = 0;
    od_err rc = od_tx_scalar(c->tx, OD_Q_EV_CMDB_VERSION, &version, e, OD_NOBINDS);
    if (rc)
        return rc;
    if (cis_mem.store == c->a->store && cis_mem.version == version)
        return OD_OK;
    cis_mem_clear();
    cis_mem.store = c->a->store;
    rc = od_tx_scalar(c->tx, OD_Q_EV_CI_COUNT, &count, e, OD_NOBINDS);
    if (rc)
        return rc;
    if (count > CI_MEM_MAX) { /* asked per name */
        cis_mem.version = version;
        return OD_OK;
    }
    size_t cap = 64;
    while (cap < (size_t)count * 2 + 1)
        cap *= 2;
    cis_mem.v = calloc(cap, sizeof *cis_mem.v);
    if (!cis_mem.v)
        return od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    cis_mem.cap = cap;
    od_rows *r = NULL;
    rc = od_tx_query(c->tx, OD_Q_EV_CI_ALL, &r, e, OD_NOBINDS);
    bool ok = true;
    bool row = false;
    while (!rc && !(rc = od_rows_step(r, &row)) && row && cis_mem.n < cap / 2)
        ok = cis_mem_put(od_rows_text(r, 1), od_rows_int(r, 0), od_grade_parse(od_rows_text(r, 2))) && ok;
    od_rows_close(r);
    if (!rc && (!ok || row)) { /* out of memory, or more rows than counted: ask per name */
        cis_mem_clear();
        cis_mem.store = c->a->store;
        cis_mem.version = version;
        return OD_OK;
    }
    if (rc) {
        cis_mem_clear();
        return rc;
    }
    cis_mem.full = true;
    cis_mem.version = version;
    return OD_OK;
}

/* ---- helpers ------------------------------------------------------------ */

static const char *const RESERVED[] = {"severity", "source", "status", "summary", "ci"};

/* The labels the matchers see: the event's labels (but the reserved names)
 * then its fields.  ls->v points into buf. */
static void labels_build(const od_event_in *ev, const char *source, const char *ci_name, od_label *buf,
                         od_labels *ls)
{
    size_t n = 0;
    const char *k;
    json_t *v;
    json_object_foreach(ev->labels, k, v)
    {
        if (n >= OD_EVT_LABELS_MAX)
            break;
        bool reserved = false;
        for (size_t i = 0; i < 5; i++)
            if (strcmp(k, RESERVED[i]) == 0)
                reserved = true;
        if (!reserved && json_is_string(v))
            buf[n++] = (od_label){k, json_string_value(v)};
    }
    buf[n++] = (od_label){"severity", ev->severity};
    buf[n++] = (od_label){"source", source};
    buf[n++] = (od_label){"status", ev->firing ? "firing" : "resolved"};
    buf[n++] = (od_label){"summary", ev->summary};
    buf[n++] = (od_label){"ci", ci_name ? ci_name : ""};
    *ls = (od_labels){buf, n};
}

/* Finds the CI by the candidates of core (explicit name, CI labels). */
static od_err ci_resolve(ctx *c, const od_event_in *ev, int64_t *ci_id, int *grade, const char **ci_name,
                         od_error *e)
{
    *ci_id = 0;
    *grade = -1;
    *ci_name = NULL;
    od_label buf[OD_EVT_LABELS_MAX + 8];
    od_labels ls;
    labels_build(ev, "", NULL, buf, &ls);
    const char *cand[2 * OD_EVT_CI_LABELS_MAX + 2];
    char tmp[2048];
    size_t n = od_event_ci_candidates(c->ep, ev->ci_name, &ls, cand, sizeof cand / sizeof *cand, tmp, sizeof tmp);
    for (size_t i = 0; i < n; i++) {
        if (cis_mem.full) {
            const ci_ent *hit = cis_mem_get(cand[i]);
            if (hit) {
                *ci_id = hit->id;
                *grade = hit->grade;
                *ci_name = hit->name;
                return OD_OK;
            }
            continue;
        }
        json_t *hit = json_object_get(c->ci_cache, cand[i]);
        if (!hit) {
            od_rows *r = NULL;
            od_err rc = od_tx_query(c->tx, OD_Q_EV_CI_BY_NAME, &r, e, OD_BINDS(OD_TEXT(cand[i])));
            if (rc)
                return rc;
            bool row = false;
            rc = od_rows_step(r, &row);
            hit = row ? json_pack("[Is]", (json_int_t)od_rows_int(r, 0), od_rows_text(r, 1)) : json_null();
            od_rows_close(r);
            if (rc) {
                json_decref(hit);
                return rc;
            }
            json_object_set_new(c->ci_cache, cand[i], hit);
        }
        if (json_is_array(hit)) {
            *ci_id = (int64_t)json_integer_value(json_array_get(hit, 0));
            *grade = od_grade_parse(json_string_value(json_array_get(hit, 1)));
            *ci_name = json_object_iter_key(json_object_iter_at(c->ci_cache, cand[i]));
            return OD_OK;
        }
    }
    return OD_OK;
}

static char *dump(json_t *v)
{
    return v ? json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY) : strdup("{}");
}

static const char *rule_name(const od_event_rules *rs, int i) { return i >= 0 ? rs->v[i].name : NULL; }

static od_err timeline(ctx *c, int64_t inc, const char *kind, const char *text, od_error *e)
{
    return od_tx_exec(c->tx, OD_Q_TL_INSERT, e, OD_BINDS(OD_INT(inc), OD_INT(c->now), OD_TEXT("system"), OD_TEXT(kind), OD_TEXT(text), OD_TEXT(NULL)));
}

/* ---- correlation groups of a transaction (issue 5 performance) ----------
 * Without savepoints, the groups an event reads and joins are kept in memory
 * for the transaction and written once at its end (one row per group instead
 * of a read and an update per event).  With savepoints (a request may be
 * undone) every step goes to the database at once. */
#define GROUPS_MEM 1024 /* slots; at most half are used, then the database directly */

typedef struct group_ent {
    char key[256]; /* "" = free */
    bool known;    /* lead and last were read (or put) */
    bool put;      /* lead/last/members are the row to write */
    int64_t lead, last, members; /* members: absolute when put, else the joins to add */
} group_ent;

/* The table is kept from one transaction to the next (only its used slots
 * are cleared), under cis_mem.mu like the rest of the writer's memory. */
static struct {
    group_ent *v;
    uint16_t used[GROUPS_MEM / 2];
    size_t n;
} groups_mem;

static group_ent *group_slot(ctx *c, const char *key)
{
    if (c->savepoints)
        return NULL;
    if (!groups_mem.v && !(groups_mem.v = calloc(GROUPS_MEM, sizeof *groups_mem.v)))
        return NULL;
    size_t i = name_hash(key) & (GROUPS_MEM - 1);
    for (;; i = (i + 1) & (GROUPS_MEM - 1)) { /* never full: at most half used */
        group_ent *g = &groups_mem.v[i];
        if (strcmp(g->key, key) == 0)
            return g;
        if (!g->key[0]) {
            if (groups_mem.n >= GROUPS_MEM / 2)
                return NULL;
            snprintf(g->key, sizeof g->key, "%s", key);
            groups_mem.used[groups_mem.n++] = (uint16_t)i;
            return g;
        }
    }
}

/* At the end of every transaction (committed or not). */
static void groups_clear(void)
{
    for (size_t k = 0; k < groups_mem.n; k++)
        memset(&groups_mem.v[groups_mem.used[k]], 0, sizeof *groups_mem.v);
    groups_mem.n = 0;
}

static od_err group_get(ctx *c, const char *key, int64_t *lead, int64_t *last, od_error *e)
{
    group_ent *g = group_slot(c, key);
    if (g && g->known) {
        *lead = g->lead;
        *last = g->last;
        return OD_OK;
    }
    *lead = *last = 0;
    od_rows *r = NULL;
    od_err rc = od_tx_query(c->tx, OD_Q_EVG_GET, &r, e, OD_BINDS(OD_TEXT(key)));
    bool row = false;
    if (!rc)
        rc = od_rows_step(r, &row);
    if (row) {
        *lead = od_rows_int(r, 0);
        *last = od_rows_int(r, 1);
    }
    od_rows_close(r);
    if (g && !rc) {
        g->known = true;
        g->lead = *lead;
        g->last = *last;
    }
    return rc;
}

static od_err group_join(ctx *c, const char *key, od_error *e)
{
    group_ent *g = group_slot(c, key);
    if (g) {
        g->members++; /* absolute after a put, else a count to add */
        return OD_OK;
    }
    return od_tx_exec(c->tx, OD_Q_EVG_JOIN, e, OD_BINDS(OD_TEXT(key)));
}

static od_err group_put(ctx *c, const char *key, int64_t lead, od_error *e)
{
    group_ent *g = group_slot(c, key);
    if (g) {
        g->known = g->put = true;
        g->lead = lead;
        g->last = c->now;
        g->members = 1;
        return OD_OK;
    }
    return od_tx_exec(c->tx, OD_Q_EVG_PUT, e, OD_BINDS(OD_TEXT(key), OD_INT(lead), OD_INT(c->now)));
}

/* Before the commit: what the transaction did to its groups. */
static od_err groups_flush(ctx *c, od_error *e)
{
    od_err rc = OD_OK;
    for (size_t k = 0; !rc && k < groups_mem.n; k++) {
        group_ent *g = &groups_mem.v[groups_mem.used[k]];
        if (g->put)
            rc = od_tx_exec(c->tx, OD_Q_EVG_PUT_N, e, OD_BINDS(OD_TEXT(g->key), OD_INT(g->lead), OD_INT(g->last), OD_INT(g->members)));
        else if (g->members)
            rc = od_tx_exec(c->tx, OD_Q_EVG_JOIN_N, e, OD_BINDS(OD_INT(g->members), OD_TEXT(g->key)));
    }
    return rc;
}

/* ---- step 6: responses -------------------------------------------------- */

static od_err respond(ctx *c, const od_event_in *ev, const char *source, const od_labels *ls, od_event_class cls,
                      outcome *o, od_error *e)
{
    od_response r = od_event_respond(c->ep, ls, cls);
    const char *rname = r.rule >= 0 ? c->ep->responses.v[r.rule].name : "default";
    char cause[160], subject[300], *body = NULL;
    snprintf(cause, sizeof cause, "event:%s:%s:%lld", source, ev->dedup_key, (long long)c->now);
    snprintf(subject, sizeof subject, "[%s %s] %s", od_event_class_name_zh(cls), ev->severity,
             ev->summary[0] ? ev->summary : ev->dedup_key);
    od_err rc = OD_OK;
    o->responded = true;
    switch (r.action) {
    case OD_EVA_WEBHOOK: {
        json_t *msg = json_pack("{ss ss ss ss ss sO sO}", "source", source, "dedup_key", ev->dedup_key, "class",
                                od_event_class_key(cls), "severity", ev->severity, "summary", ev->summary, "labels",
                                ev->labels, "annotations", ev->annotations);
        body = dump(msg);
        json_decref(msg);
        rc = od_tx_exec(c->tx, OD_Q_EV_OUTBOX_INSERT, e, OD_BINDS(OD_TEXT(cause), OD_NULL(), OD_NULL(), OD_TEXT(r.channel), OD_TEXT(""),
                        OD_TEXT("event_response"), OD_TEXT(""), OD_TEXT(subject), OD_TEXT(body ? body : "{}"), OD_INT(c->now), OD_INT(c->now)));
        o->state = "handled";
        DEC(o, OD_DEC_RESPOND_WEBHOOK, rname, S(r.channel));
        c->woke_dispatcher = true;
        break;
    }
    case OD_EVA_ALERT_ROLE: {
        if (asprintf(&body, "%s\n来源 source: %s\n级别 severity: %s\n去重键 key: %s", subject, source, ev->severity,
                     ev->dedup_key) < 0)
            body = NULL;
        od_rows *rw = NULL;
        rc = od_tx_query(c->tx, OD_Q_EV_ROLE_USERS, &rw, e, OD_BINDS(OD_INT((int64_t)OD_ROLEBIT(r.role))));
        int64_t ids[100];
        char phone[100][32], email[100][128];
        int nu = 0;
        bool row = false;
        while (!rc && nu < 100 && !(rc = od_rows_step(rw, &row)) && row) {
            ids[nu] = od_rows_int(rw, 0);
            snprintf(phone[nu], sizeof phone[nu], "%s", od_rows_text(rw, 1));
            snprintf(email[nu], sizeof email[nu], "%s", od_rows_text(rw, 2));
            nu++;
        }
        od_rows_close(rw);
        for (int u = 0; !rc && u < nu; u++) {
            const char *ch[3], *addr[3];
            int k = 0;
            if (phone[u][0])
                ch[k] = "sms", addr[k++] = phone[u];
            if (email[u][0])
                ch[k] = "email", addr[k++] = email[u];
            if (k == 0)
                ch[k] = "inbox", addr[k++] = "";
            for (int j = 0; !rc && j < k; j++)
                rc = od_tx_exec(c->tx, OD_Q_EV_OUTBOX_INSERT, e, OD_BINDS(OD_TEXT(cause), OD_NULL(), OD_INT(ids[u]), OD_TEXT(ch[j]),
                                OD_TEXT(addr[j]), OD_TEXT("event_alert"), OD_TEXT("monitoring"), OD_TEXT(subject), OD_TEXT(body ? body : subject), OD_INT(c->now), OD_INT(c->now)));
        }
        o->state = "open";
        DEC(o, OD_DEC_RESPOND_ROLE, rname, S(od_role_key(r.role)), I(nu));
        if (nu)
            c->woke_dispatcher = true;
        break;
    }
    default:
        o->state = "open";
        dec(o, OD_DEC_RESPOND_NONE, rname);
        break;
    }
    free(body);
    return rc;
}

/* ---- step 7: exceptions → incidents ------------------------------------- */

static od_err incident_step(ctx *c, const od_event_in *ev, const char *source, const od_labels *ls,
                            const char *ci_name, outcome *o, bool *alert_instead, od_error *e)
{
    *alert_instead = false;
    int rule = od_event_incident_rule(c->ep, ls);
    const char *rname = rule_name(&c->ep->incidents, rule);
    int64_t open_inc = 0;
    char number[40] = "";
    od_err rc = OD_OK;
    if (rule >= 0 && o->ci_id) {
        od_rows *r = NULL;
        rc = od_tx_query(c->tx, OD_Q_EV_OPEN_INCIDENT, &r, e, OD_BINDS(OD_INT(o->ci_id), OD_TEXT(rname)));
        bool row = false;
        if (!rc)
            rc = od_rows_step(r, &row);
        if (row) {
            open_inc = od_rows_int(r, 0);
            snprintf(number, sizeof number, "%s", od_rows_text(r, 1));
        }
        od_rows_close(r);
        if (rc)
            return rc;
    }
    switch (od_event_incident_decide(rule, o->ci_id != 0, open_inc)) {
    case OD_EVI_ATTACH: {
        o->incident_id = open_inc;
        snprintf(o->incident_rule, sizeof o->incident_rule, "%s", rname);
        o->state = "handled";
        DEC(o, OD_DEC_INCIDENT_ATTACHED, rname, S(number));
        char text[600];
        snprintf(text, sizeof text, "关联告警：%s %s (event attached: %s)", source,
                 ev->summary[0] ? ev->summary : ev->dedup_key, ev->dedup_key);
        return timeline(c, open_inc, "event", text, e);
    }
    case OD_EVI_OPEN: {
        od_severity sev = c->ep->incidents.v[rule].severity;
        json_t *ids = json_pack("[I]", (json_int_t)o->ci_id);
        const char *desc = json_string_value(json_object_get(ev->annotations, "description"));
        char title[300], symptoms[1200];
        snprintf(title, sizeof title, "%s", ev->summary[0] ? ev->summary : ev->dedup_key);
        snprintf(symptoms, sizeof symptoms, "%s%s%s (%s %s)", ev->summary, desc ? "\n" : "", desc ? desc : "",
                 source, ev->severity);
        od_incident_input in = {.title = title,
                                .symptoms = symptoms,
                                .location = "",
                                .impact_scope = "",
                                .ci_ids = ids,
                                .severity = od_severity_key(sev),
                                .detected_at = ev->starts_at > 0 && ev->starts_at <= c->now ? ev->starts_at : 0};
        od_principal sys;
        od_principal_system(&sys);
        int64_t inc = 0;
        rc = od_incident_create_in(c->a, c->tx, &sys, &in, &inc, e);
        json_decref(ids);
        if (rc)
            return rc;
        od_rows *r = NULL;
        rc = od_tx_query(c->tx, OD_Q_EV_INC_NUMBER, &r, e, OD_BINDS(OD_INT(inc)));
        bool row2 = false;
        if (!rc && !(rc = od_rows_step(r, &row2)) && row2)
            snprintf(number, sizeof number, "%s", od_rows_text(r, 0));
        od_rows_close(r);
        o->incident_id = inc;
        o->new_incident = inc;
        snprintf(o->incident_rule, sizeof o->incident_rule, "%s", rname);
        o->state = "handled";
        DEC(o, OD_DEC_INCIDENT_OPENED, rname, S(number), S(od_severity_key(sev)), S(ci_name ? ci_name : ""));
        c->woke_sched = c->woke_dispatcher = true;
        return rc;
    }
    case OD_EVI_NO_CI:
        dec(o, OD_DEC_INCIDENT_NO_CI, rname);
        *alert_instead = true;
        return OD_OK;
    default:
        dec(o, OD_DEC_INCIDENT_NO_RULE, NULL);
        *alert_instead = true;
        return OD_OK;
    }
}

/* ---- steps 2, 4, 5, 6, 7 for a new or re-firing event -------------------- */

static od_err pipeline(ctx *c, const od_event_in *ev, const char *source, const od_labels *ls, int ci_grade,
                       const char *ci_name, outcome *o, od_error *e)
{
    int f = od_event_filter(c->ep, ls);
    if (f >= 0) {
        o->state = "filtered";
        o->cls = -1;
        dec(o, OD_DEC_FILTERED, c->ep->filters.v[f].name);
        return OD_OK;
    }
    od_classify_result cr = od_event_classify(c->ep, ls, ci_grade);
    o->cls = (int)cr.cls;
    DEC(o, OD_DEC_CLASSIFIED, cr.rule >= 0 ? c->ep->classification.v[cr.rule].name : "default",
        S(od_event_class_key(cr.cls)));
    if (cr.cls == OD_EVC_INFO) {
        o->state = "closed";
        o->closed = true;
        return OD_OK;
    }
    int w = od_windows_match(c->wv, c->n_wins, ls, o->ci_id, c->now);
    if (w >= 0) {
        o->state = "silenced";
        o->window_id = c->wins[w].w.id;
        DEC(o, OD_DEC_SILENCED, c->wins[w].name, I(c->wins[w].w.id), S(c->wins[w].name));
        return OD_OK;
    }
    if (cr.cls == OD_EVC_EXCEPTION) {
        bool alert = false;
        od_err rc = incident_step(c, ev, source, ls, ci_name, o, &alert, e);
        if (rc || !alert)
            return rc;
        return respond(c, ev, source, ls, cr.cls, o, e);
    }
    /* warning: dependency suppression, then the group window */
    if (o->ci_id && c->ep->dependency_suppression) {
        int64_t up[256], tr[256];
        char names[256][64];
        size_t nu = 0, nt = 0;
        od_rows *r = NULL;
        od_err rc = od_tx_query(c->tx, OD_Q_EV_UPSTREAM, &r, e, OD_BINDS(OD_INT(o->ci_id)));
        bool row = false;
        while (!rc && nu < 256 && !(rc = od_rows_step(r, &row)) && row) {
            snprintf(names[nu], sizeof names[nu], "%s", od_rows_text(r, 3));
            up[nu] = od_rows_int(r, 0);
            if (od_rows_int(r, 2))
                tr[nt++] = up[nu];
            nu++;
        }
        od_rows_close(r);
        if (rc)
            return rc;
        int64_t by = od_event_suppressed_by(c->ep, up, nu, tr, nt);
        if (by) {
            const char *bn = "";
            for (size_t i = 0; i < nu; i++)
                if (up[i] == by)
                    bn = names[i];
            o->state = "suppressed";
            DEC(o, OD_DEC_SUPPRESSED, "dependency", S(bn), I(by));
            return OD_OK;
        }
    }
    od_event_group_key(c->ep, ls, o->ci_id, ev->dedup_key, o->group_key, sizeof o->group_key);
    int64_t lead = 0, last = 0;
    od_err rc = group_get(c, o->group_key, &lead, &last, e);
    if (rc)
        return rc;
    if (od_event_grouped(c->ep, last, c->now)) {
        o->state = "open";
        DEC(o, OD_DEC_GROUPED, "group", I(lead), S(o->group_key));
        return group_join(c, o->group_key, e);
    }
    return respond(c, ev, source, ls, cr.cls, o, e);
}

/* ---- one event ------------------------------------------------------------ */

typedef struct stored {
    bool have;
    int64_t id, ci_id, incident_id, window_id;
    bool firing, flapping;
    char state[16], cls[16];
    od_flap flap;
} stored;

/* The stored lookup key of (source, dedup_key): 64-bit FNV-1a of
 * source, a NUL, dedup_key (migration 0005: a stored format, never change).
 * Its start value is one digit short of the FNV offset basis; rows hold
 * hashes made with it, so it stays. */
#define KEY_HASH_SEED 1469598103934665603ULL
static int64_t key_hash(const char *source, const char *key)
{
    return (int64_t)od_fnv1a_str(od_fnv1a_byte(od_fnv1a_str(KEY_HASH_SEED, source), 0), key);
}

/* The table of key hashes, read from the events once per app, by the
 * ingestion writer before its first transaction (od_events_keys_load) or in
 * it. */
static od_err keys_read(od_app *a, od_tx *tx, od_error *e)
{
    if (a->event_keys)
        return OD_OK;
    od_event_keys *k = od_event_keys_new();
    if (!k)
        return od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    od_rows *r = NULL;
    od_err rc = od_tx_query(tx, OD_Q_EV_KEYS_ALL, &r, e, OD_NOBINDS);
    bool row = false;
    while (!rc && !(rc = od_rows_step(r, &row)) && row)
        if (!od_event_keys_add(k, (uint64_t)od_rows_int(r, 0), od_rows_int(r, 1)))
            rc = od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    od_rows_close(r);
    if (rc) {
        od_event_keys_free(k);
        return rc;
    }
    a->event_keys = k;
    return OD_OK;
}

od_err od_events_keys_load(od_app *a, size_t *count, od_error *e)
{
    od_tx *tx = NULL;
    od_err rc = a->event_keys ? OD_OK : od_tx_begin(a->store, false, &tx, e);
    if (!rc && tx) {
        rc = keys_read(a, tx, e);
        od_tx_rollback(tx);
    }
    *count = a->event_keys ? od_event_keys_count(a->event_keys) : 0;
    return rc;
}

static od_err keys_load(ctx *c, od_error *e)
{
    od_err rc = keys_read(c->a, c->tx, e);
    c->keys = c->a->event_keys;
    return rc;
}

static od_err key_added(ctx *c, uint64_t hash, int64_t id, od_error *e)
{
    if (c->n_added == c->cap_added) {
        size_t cap = c->cap_added ? 2 * c->cap_added : 256;
        struct added_key *v = realloc(c->added, cap * sizeof *v);
        if (!v)
            return od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
        c->added = v;
        c->cap_added = cap;
    }
    if (!od_event_keys_add(c->keys, hash, id))
        return od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    c->added[c->n_added++] = (struct added_key){hash, id};
    return OD_OK;
}

/* The writes since added[from] were rolled back: so are their keys. */
static void keys_undo(ctx *c, size_t from)
{
    while (c->n_added > from) {
        c->n_added--;
        od_event_keys_remove(c->keys, c->added[c->n_added].hash, c->added[c->n_added].id);
    }
}

static od_err stored_load(ctx *c, const char *source, const char *key, stored *st, od_error *e)
{
    memset(st, 0, sizeof *st);
    int64_t ids[4];
    size_t n = od_event_keys_find(c->keys, (uint64_t)key_hash(source, key), ids, 4);
    if (n > 4) /* four events with one 64-bit hash: never seen; refuse rather than guess */
        return od_error_set(e, OD_E_INTERNAL, NULL, "de-duplication: %zu events share one key hash", n);
    for (size_t i = 0; i < n && !st->have; i++) {
        od_rows *r = NULL;
        od_err rc = od_tx_query(c->tx, OD_Q_EV_BY_ID_KEY, &r, e, OD_BINDS(OD_INT(ids[i]), OD_TEXT(source), OD_TEXT(key)));
        if (rc)
            return rc;
        bool row = false;
        rc = od_rows_step(r, &row);
        if (row) {
            st->have = true;
            st->id = od_rows_int(r, 0);
            st->firing = strcmp(od_rows_text(r, 1), "firing") == 0;
            snprintf(st->state, sizeof st->state, "%s", od_rows_text(r, 2));
            snprintf(st->cls, sizeof st->cls, "%s", od_rows_text(r, 3));
            st->ci_id = od_rows_null(r, 4) ? 0 : od_rows_int(r, 4);
            flap_load(&st->flap, od_rows_text(r, 5));
            st->incident_id = od_rows_null(r, 6) ? 0 : od_rows_int(r, 6);
            st->window_id = od_rows_null(r, 7) ? 0 : od_rows_int(r, 7);
            st->flapping = od_rows_int(r, 8) != 0;
        }
        od_rows_close(r);
        if (rc)
            return rc;
    }
    return OD_OK;
}

/* A silenced event whose window no longer silences it goes through the
 * pipeline again on its next repeat. */
static bool still_silenced(ctx *c, const stored *st, const od_labels *ls)
{
    for (size_t i = 0; i < c->n_wins; i++)
        if (c->wins[i].w.id == st->window_id)
            return od_window_matches(&c->wv[i], ls, st->ci_id, c->now);
    return false;
}

/* The decisions of a stored event's later passes: rows of event_decisions. */
static od_err decisions_write(ctx *c, int64_t id, const outcome *o, od_error *e)
{
    od_err rc = OD_OK;
    char text[OD_DEC_TEXT_MAX];
    for (int i = 0; !rc && i < o->nd; i++) {
        const decision *d = &o->d[i];
        od_dec_render(text, sizeof text, d->code, d->args, d->nargs);
        rc = od_tx_exec(c->tx, OD_Q_EVD_INSERT, e, OD_BINDS(OD_INT(id), OD_INT(c->now), OD_TEXT(od_dec_step(d->code)),
                        OD_TEXT(d->rule[0] ? d->rule : NULL), OD_TEXT(text)));
    }
    return rc;
}

/* The decisions of a new event's first pass, kept in its row
 * (events.decisions, one write instead of one row each) as codes:
 * [[code, rule|null, arg…], …], rendered when read (core/event_decision.h;
 * made at the row's received_at). */
static void decisions_text(ctx *c, const outcome *o)
{
    od_sbuf *b = &c->decs;
    od_sbuf_reset(b);
    od_sbuf_append(b, "[", 1);
    for (int i = 0; i < o->nd; i++) {
        const decision *d = &o->d[i];
        od_sbuf_puts(b, i ? ",[" : "[");
        od_sbuf_int(b, d->code);
        od_sbuf_append(b, ",", 1);
        if (d->rule[0])
            od_sbuf_json_str(b, d->rule);
        else
            od_sbuf_puts(b, "null");
        for (int k = 0; k < d->nargs; k++) {
            od_sbuf_append(b, ",", 1);
            if (d->args[k].s)
                od_sbuf_json_str(b, d->args[k].s);
            else
                od_sbuf_int(b, d->args[k].i);
        }
        od_sbuf_append(b, "]", 1);
    }
    od_sbuf_append(b, "]", 1);
}

/* One element of the answer's "events". */
static void result_text(od_sbuf *res, int64_t id, const char *key, const char *action, const char *state,
                        bool full, const char *cls, int64_t incident_id)
{
    od_sbuf_puts(res, res->p && res->p[res->n - 1] == '[' ? "{\"id\":" : ",{\"id\":");
    od_sbuf_int(res, id);
    od_sbuf_puts(res, ",\"dedup_key\":");
    od_sbuf_json_str(res, key);
    od_sbuf_puts(res, ",\"action\":");
    od_sbuf_json_str(res, action);
    od_sbuf_puts(res, ",\"state\":");
    od_sbuf_json_str(res, state);
    if (full) {
        od_sbuf_puts(res, ",\"class\":");
        if (cls)
            od_sbuf_json_str(res, cls);
        else
            od_sbuf_puts(res, "null");
        od_sbuf_puts(res, ",\"incident_id\":");
        if (incident_id)
            od_sbuf_int(res, incident_id);
        else
            od_sbuf_puts(res, "null");
    }
    od_sbuf_append(res, "}", 1);
}

/* The event's original JSON: the request's own bytes when the parser found
 * them, else jansson's serialization. */
static const char *raw_text(ctx *c, const od_event_in *ev)
{
    od_sbuf *b = &c->raw;
    od_sbuf_reset(b);
    if (ev->raw_text) {
        od_sbuf_append(b, ev->raw_text, ev->raw_len);
    } else {
        char *t = ev->raw ? json_dumps(ev->raw, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY) : NULL;
        od_sbuf_puts(b, t ? t : "{}");
        free(t);
    }
    return b->oom ? NULL : b->p;
}

static od_err incident_resolved(ctx *c, int64_t inc, const od_event_in *ev, od_error *e)
{
    char text[600];
    snprintf(text, sizeof text, "告警恢复：%s (event resolved: %s)", ev->summary[0] ? ev->summary : ev->dedup_key,
             ev->dedup_key);
    od_err rc = timeline(c, inc, "event_resolved", text, e);
    int64_t firing = 0;
    if (!rc)
        rc = od_tx_scalar(c->tx, OD_Q_EV_INC_FIRING, &firing, e, OD_BINDS(OD_INT(inc)));
    if (!rc && firing == 0)
        rc = timeline(c, inc, "events_resolved",
                      "关联告警已全部恢复；关闭事件仍需有权限的领导确认 (all attached events are resolved; closing the "
                      "incident still needs its authority)",
                      e);
    return rc;
}

static od_err process(ctx *c, const od_event_batch *b, const od_event_in *ev, od_sbuf *res, od_error *e)
{
    stored st;
    od_err rc = stored_load(c, b->source, ev->dedup_key, &st, e);
    if (rc)
        return rc;
    int64_t ci_id = 0;
    int grade = -1;
    const char *ci_name = NULL;
    rc = ci_resolve(c, ev, &ci_id, &grade, &ci_name, e);
    if (rc)
        return rc;
    od_label lbuf[OD_EVT_LABELS_MAX + 8];
    od_labels ls;
    labels_build(ev, b->source, ci_name, lbuf, &ls);
    od_dedup_action act = od_event_dedup(st.have, st.firing, ev->firing);
    const char *raw = raw_text(c, ev);
    if (!raw)
        return od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    if (act == OD_DD_REPEAT && !(st.firing && strcmp(st.state, "silenced") == 0 && !still_silenced(c, &st, &ls))) {
        rc = od_tx_exec(c->tx, OD_Q_EV_REPEAT, e, OD_BINDS(OD_INT(c->now), OD_TEXT(raw), OD_INT(c->now), OD_INT(st.id)));
        if (!rc && ev->note)
            rc = od_tx_exec(c->tx, OD_Q_EVD_INSERT, e, OD_BINDS(OD_INT(st.id), OD_INT(c->now), OD_TEXT("dedup"), OD_TEXT(NULL), OD_TEXT(ev->note)));
        if (!rc)
            result_text(res, st.id, ev->dedup_key, "repeat", st.state, false, NULL, 0);
        return rc;
    }
    outcome o = {.state = "open", .cls = -1, .ci_id = ci_id};
    od_flap flap = st.flap;
    bool flapping = st.flapping;
    if (act == OD_DD_RESOLVE || act == OD_DD_REOPEN) {
        flapping = od_event_flap_record(&flap, c->now, c->ep->flap_window_ms, c->ep->flap_changes);
        dec(&o,
            act == OD_DD_RESOLVE ? (flapping ? OD_DEC_DEDUP_RESOLVED_FLAPPING : OD_DEC_DEDUP_RESOLVED)
                                 : (flapping ? OD_DEC_DEDUP_FIRED_FLAPPING : OD_DEC_DEDUP_FIRED),
            NULL);
    } else if (act == OD_DD_REPEAT) {
        dec(&o, OD_DEC_DEDUP_WINDOW_OVER, NULL);
    } else if (act == OD_DD_NEW_RESOLVED) { /* a new firing event needs no row to say so */
        dec(&o, OD_DEC_DEDUP_NEW_RESOLVED, NULL);
    }
    if (act == OD_DD_RESOLVE) {
        /* keep what the pipeline decided; a resolve closes it */
        o.state = strcmp(st.state, "filtered") == 0 ? "filtered" : "closed";
        o.closed = true;
        o.cls = od_event_class_parse(st.cls);
        o.incident_id = st.incident_id;
        o.window_id = st.window_id;
    } else if (act == OD_DD_NEW_RESOLVED) {
        int f = od_event_filter(c->ep, &ls);
        o.state = f >= 0 ? "filtered" : "closed";
        o.closed = true;
        if (f >= 0)
            dec(&o, OD_DEC_FILTERED, c->ep->filters.v[f].name);
    } else {
        rc = pipeline(c, ev, b->source, &ls, grade, ci_name, &o, e);
    }
    if (flapping && !st.flapping)
        DEC(&o, OD_DEC_DEDUP_FLAPPING, "flapping", I(flap.n));
    od_sbuf_reset(&c->labels);
    json_map(&c->labels, ev->labels);
    od_sbuf_reset(&c->ann);
    json_map(&c->ann, ev->annotations);
    flap_text(&c->changes, &flap);
    if (!st.have)
        decisions_text(c, &o);
    const char *labels = c->labels.p, *ann = c->ann.p, *changes = c->changes.p;
    const char *cls = o.cls >= 0 ? od_event_class_key((od_event_class)o.cls) : NULL;
    int64_t id = st.id;
    if (!rc && (c->labels.oom || c->ann.oom || c->changes.oom || c->decs.oom))
        rc = od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    if (!rc && !st.have) {
        int64_t first = ev->starts_at > 0 && ev->starts_at <= c->now ? ev->starts_at : c->now;
        rc = od_tx_insert(c->tx, OD_Q_EV_INSERT, &id, e, OD_BINDS(OD_TEXT(b->source), OD_TEXT(ev->dedup_key),
                          OD_TEXT(ev->firing ? "firing" : "resolved"), OD_TEXT(o.state), OD_TEXT(cls), OD_TEXT(ev->severity), OD_TEXT(ev->summary), OD_INT_OR_NULL(o.ci_id, o.ci_id != 0), OD_TEXT(labels),
                          OD_TEXT(ann), OD_TEXT(raw), OD_BOOL(flapping), OD_TEXT(changes), OD_TEXT(o.group_key), OD_INT_OR_NULL(o.incident_id, o.incident_id != 0),
                          OD_TEXT(o.incident_rule[0] ? o.incident_rule : NULL), OD_INT_OR_NULL(o.window_id, o.window_id != 0), OD_INT_OR_NULL(b->api_key_id, b->api_key_id != 0), OD_INT(first), OD_INT(c->now),
                          OD_INT(c->now), OD_INT(c->now), OD_INT_NONZERO(o.closed ? c->now : (int64_t)0), OD_TEXT(c->decs.p),
                          OD_INT(key_hash(b->source, ev->dedup_key))));
        if (!rc)
            rc = key_added(c, (uint64_t)key_hash(b->source, ev->dedup_key), id, e);
    } else if (!rc) {
        rc = od_tx_exec(c->tx, OD_Q_EV_UPDATE, e, OD_BINDS(OD_TEXT(ev->firing ? "firing" : "resolved"), OD_TEXT(o.state),
                        OD_TEXT(cls), OD_TEXT(ev->severity), OD_TEXT(ev->summary), OD_INT_OR_NULL(o.ci_id, o.ci_id != 0), OD_TEXT(labels), OD_TEXT(ann), OD_TEXT(raw), OD_BOOL(flapping), OD_TEXT(changes), OD_TEXT(o.group_key),
                        OD_INT_OR_NULL(o.incident_id, o.incident_id != 0), OD_TEXT(o.incident_rule[0] ? o.incident_rule : NULL), OD_INT_OR_NULL(o.window_id, o.window_id != 0), OD_INT(c->now), OD_INT(c->now),
                        OD_INT_NONZERO(o.closed ? c->now : (int64_t)0), OD_INT(id)));
        if (!rc)
            rc = decisions_write(c, id, &o, e);
    }
    if (!rc && o.responded && o.group_key[0]) /* this event leads its group for the window */
        rc = group_put(c, o.group_key, id, e);
    if (!rc && o.new_incident) {
        char text[600];
        snprintf(text, sizeof text, "由告警 #%lld 自动登记：%s %s (opened from event #%lld, %s)", (long long)id,
                 b->source, ev->dedup_key, (long long)id, ev->severity);
        rc = timeline(c, o.new_incident, "event", text, e);
    }
    if (!rc && act == OD_DD_RESOLVE && st.incident_id)
        rc = incident_resolved(c, st.incident_id, ev, e);
    if (!rc)
        result_text(res, id, ev->dedup_key, od_dedup_action_key(act), o.state, true, cls, o.incident_id);
    return rc;
}

/* One request: its events, then its answer's text (it->result).  With
 * savepoints a failing request leaves nothing written. */
static od_err item_run(ctx *c, od_ingest_item *it)
{
    od_error *e = &it->err;
    od_sbuf res = {0};
    od_sbuf_puts(&res, "{\"accepted\":");
    od_sbuf_int(&res, (int64_t)it->batch->n);
    od_sbuf_puts(&res, ",\"events\":[");
    size_t keys_from = c->n_added;
    od_err rc = c->savepoints ? od_tx_exec(c->tx, OD_Q_EV_SP_BEGIN, e, OD_NOBINDS) : OD_OK;
    for (size_t i = 0; !rc && i < it->batch->n; i++) {
        rc = process(c, it->batch, &it->batch->v[i], &res, e);
        if (rc && !e->field[0])
            snprintf(e->field, sizeof e->field, "events[%zu]", i);
    }
    od_sbuf_puts(&res, "]}");
    if (!rc && res.oom)
        rc = od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    if (rc) {
        od_error ignore = {0};
        if (c->savepoints && (od_tx_exec(c->tx, OD_Q_EV_SP_ROLLBACK, &ignore, OD_NOBINDS) != OD_OK ||
                              od_tx_exec(c->tx, OD_Q_EV_SP_RELEASE, &ignore, OD_NOBINDS) != OD_OK))
            c->broken = true; /* the transaction cannot be trusted: fail it whole */
        else if (c->savepoints)
            keys_undo(c, keys_from);
        free(res.p);
        return rc;
    }
    if (c->savepoints)
        rc = od_tx_exec(c->tx, OD_Q_EV_SP_RELEASE, e, OD_NOBINDS);
    if (rc) {
        free(res.p);
        return rc;
    }
    it->result = res.p;
    it->result_len = res.n;
    return OD_OK;
}

static void items_reset(od_ingest_item *items, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(items[i].result);
        items[i].result = NULL;
        items[i].result_len = 0;
        items[i].rc = OD_OK;
        memset(&items[i].err, 0, sizeof items[i].err);
    }
}

/* One attempt: all items in one transaction.  Without savepoints a failing
 * item of several fails the attempt (*retry: run again with savepoints). */
static od_err ingest_run(od_app *a, const od_event_policy *ep, int64_t now, od_ingest_item *items, size_t n,
                         bool savepoints, bool *retry, od_error *e)
{
    ctx c = {.a = a, .ep = ep, .now = now, .savepoints = savepoints};
    *retry = false;
    c.ci_cache = json_object();
    od_err rc = c.ci_cache ? od_tx_begin(a->store, true, &c.tx, e) : od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    pthread_mutex_lock(&cis_mem.mu);
    if (!rc)
        rc = keys_load(&c, e);
    if (!rc)
        rc = windows_load(&c, e);
    if (!rc)
        rc = cis_mem_sync(&c, e);
    bool failed = false;
    for (size_t i = 0; !rc && i < n; i++) {
        items[i].rc = item_run(&c, &items[i]);
        if (c.broken)
            rc = od_error_set(e, OD_E_STORE, NULL, "数据库错误 (database error): %s", items[i].err.message);
        else if (items[i].rc && !savepoints) {
            failed = true; /* the transaction holds part of it: undo */
            break;
        }
    }
    if (!rc && !failed)
        rc = groups_flush(&c, e);
    if (c.tx) {
        if (rc || failed)
            od_tx_rollback(c.tx);
        else
            rc = od_tx_commit(c.tx, e);
    }
    if (c.keys && (rc || failed)) /* nothing of this run was written */
        keys_undo(&c, 0);
    if (failed && n > 1) {
        *retry = true;
        items_reset(items, n);
    } else if (failed) {
        free(items[0].result); /* the only item failed and nothing was written */
        items[0].result = NULL;
    }
    if (rc) {
        for (size_t i = 0; i < n; i++) {
            free(items[i].result);
            items[i].result = NULL;
            items[i].rc = rc;
            items[i].err = *e;
        }
    } else if (!failed) {
        if (c.woke_sched)
            od_sched_wake(a->sched);
        if (c.woke_dispatcher)
            od_dispatcher_wake(a->dispatcher);
    }
    groups_clear();
    pthread_mutex_unlock(&cis_mem.mu);
    windows_free(&c);
    json_decref(c.ci_cache);
    free(c.labels.p);
    free(c.ann.p);
    free(c.raw.p);
    free(c.changes.p);
    free(c.decs.p);
    free(c.added);
    return rc;
}

od_err od_events_ingest(od_app *a, od_ingest_item *items, size_t n, od_error *e)
{
    od_event_policy *dflt = NULL;
    const od_event_policy *ep = a->policy->events;
    if (!ep) {
        dflt = od_event_policy_new_default();
        if (!dflt)
            return od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
        ep = dflt;
    }
    int64_t now = od_app_now(a);
    /* Optimistic: no savepoints (a request fails only on a store error or an
     * incident it cannot open); if one of several fails, all again with a
     * savepoint each, so that it alone is refused. */
    bool retry = false;
    od_err rc = ingest_run(a, ep, now, items, n, false, &retry, e);
    if (!rc && retry)
        rc = ingest_run(a, ep, now, items, n, true, &retry, e);
    od_event_policy_free(dflt);
    return rc;
}
