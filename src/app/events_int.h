/* events_int.h — private to the event pipeline (events*.c): the
 * per-transaction context, what the pipeline decided for one event, the
 * writer's memory kept from one transaction to the next (od_event_writer),
 * and the functions the files share:
 *   events.c           one group commit: transaction, savepoints, windows
 *   events_pipeline.c  one event: de-duplicate, filter … respond, incidents
 *   events_writer.c    the writer's memory: CI names, groups, key table
 *   events_text.c      the JSON texts built without jansson on the hot path */
#ifndef OD_APP_EVENTS_INT_H
#define OD_APP_EVENTS_INT_H

#include "app/event_keys.h"
#include "app/events.h"
#include "core/event.h"
#include "core/event_decision.h"
#include "util/sbuf.h"

#include <pthread.h>

#define DEC_MAX 12
#define GROUPS_MEM 1024 /* group slots; at most half are used, then the database directly */

typedef struct ci_ent {
    char *name; /* NULL = free slot */
    int64_t id;
    int grade;
} ci_ent;

typedef struct group_ent {
    char key[256];               /* "" = free */
    bool known;                  /* lead and last were read (or put) */
    bool put;                    /* lead/last/members are the row to write */
    int64_t lead, last, members; /* members: absolute when put, else the joins to add */
} group_ent;

/* The ingestion writer's memory (events.h): created with the writer, used
 * by its thread only. */
struct od_event_writer {
    struct {
        int64_t version; /* event_cmdb_version the table matches; -1 = none */
        bool full;       /* every CI name is in the table */
        ci_ent *v;
        size_t cap, n; /* cap: a power of two */
    } cis;
    struct {
        group_ent *v;
        uint16_t used[GROUPS_MEM / 2];
        size_t n;
    } groups;
};

typedef struct window_rt {
    od_window w;
    char name[128];
    od_matcher m[OD_EVT_MATCHERS_MAX];
} window_rt;

typedef struct ctx {
    od_app *a;
    od_event_writer *w; /* the writer's memory kept across transactions */
    od_tx *tx;
    const od_event_policy *ep;
    int64_t now;
    window_rt *wins;
    size_t n_wins;
    od_window *wv;    /* views of wins for od_windows_match */
    json_t *ci_cache; /* name → [id, grade] or null */
    bool woke_dispatcher, woke_sched;
    bool savepoints;                         /* each request in its own savepoint */
    bool broken;                             /* a savepoint could not be undone */
    od_sbuf labels, ann, raw, changes, decs; /* reused for every event */
    /* the de-duplication table (app/event_keys.h) and what this run added
     * to it, to take back when its writes are rolled back */
    od_event_keys *keys;
    struct added_key {
        uint64_t hash;
        int64_t id;
    } * added;
    size_t n_added, cap_added;
    /* several nodes share the store: keys are locked and looked up in the
     * database, not in the table (events_repeats.c) */
    bool shared;
    /* the repeats of this transaction not written yet (events_repeats.c):
     * stored event id (0 = free slot) → repeats and the latest raw text */
    struct {
        struct ev_repeat {
            int64_t id, n;
            char *raw;
        } * v;
        size_t cap, n; /* cap: a power of two */
    } reps;
    /* several nodes, no savepoints (events_pending.c): the keys of this
     * commit no event had when they were locked, each with the id reserved
     * for its event, and the new events not inserted yet */
    struct {
        struct ev_absent {
            char *source, *key; /* NULL = free slot */
            int64_t id;
            bool taken; /* its first occurrence came */
        } * v;
        size_t cap; /* a power of two; 0: not in use */
    } absent;
    json_t *pending;        /* array of rows for EV_INSERT_SET, or NULL */
    int64_t drill_incident; /* the batch being processed: its od_event_batch.drill_incident */
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
    od_event_state state;
    int cls; /* -1 = not classified */
    int64_t ci_id, incident_id, window_id;
    char incident_rule[OD_EVT_RULE_NAME_MAX];
    char group_key[256];
    bool closed, responded;
    od_response resp; /* what respond() chose, written by respond_write() */
    od_event_class resp_cls;
    json_t *alert_users;  /* the people to alert (owned), or NULL */
    int64_t new_incident; /* opened here: timeline entry after the event row exists */
    decision d[DEC_MAX];
    int nd;
} outcome;

/* One event as stored (the de-duplication look-up). */
typedef struct stored {
    bool have;
    int64_t id, ci_id, incident_id, window_id, count;
    bool firing, flapping;
    od_event_state state;
    char cls[16];
    od_flap flap;
} stored;

/* ---- decisions (events_pipeline.c) ---- */
/* Records a decision: its code, the rule and the arguments (strings copied;
 * one too long for what is left of d->text is cut).  DEC(o, code, rule,
 * S(x), I(n)…) for one with arguments. */
void od_ev_dec_args(outcome *o, od_dec_code code, const char *rule, const od_dec_arg *args, int nargs);
#define dec(o, code, rule) od_ev_dec_args(o, code, rule, NULL, 0)
#define S(x)                                                                                                 \
    {                                                                                                        \
        .s = (x)                                                                                             \
    }
#define I(x)                                                                                                 \
    {                                                                                                        \
        .i = (int64_t)(x)                                                                                    \
    }
#define DEC(o, code, rule, ...)                                                                              \
    od_ev_dec_args(o, code, rule, (const od_dec_arg[]){__VA_ARGS__},                                         \
                   (int)(sizeof((const od_dec_arg[]){__VA_ARGS__}) / sizeof(od_dec_arg)))

/* The de-duplication table (app/event_keys.h) is one writer's at a time:
 * the ingestion queue's writer thread and the internal events (a drill's
 * scripted injects, a checklist's on_fail: event; internal_events.c,
 * delivered from the scheduler's thread or after a checklist's commit) take
 * turns
 * under this lock (events_writer.c) for od_events_ingest and
 * od_events_keys_load. */
extern pthread_mutex_t od_ev_ingest_mu;

/* One event through the pipeline; its element of the answer into res. */
od_err od_ev_process(ctx *c, const od_event_batch *b, const od_event_in *ev, od_sbuf *res, od_error *e);

/* ---- the writer's memory (events_writer.c) ---- */
/* At the start of a transaction: the CI-name table matches the CMDB. */
od_err od_ev_cis_sync(ctx *c, od_error *e);
/* A CI by name when the whole CMDB is in memory (NULL: no such CI). */
const ci_ent *od_ev_cis_get(const od_event_writer *w, const char *name);
od_err od_ev_group_get(ctx *c, const char *key, int64_t *lead, int64_t *last, od_error *e);
od_err od_ev_group_join(ctx *c, const char *key, od_error *e);
od_err od_ev_group_put(ctx *c, const char *key, int64_t lead, od_error *e);
/* Before the commit: what the transaction did to its groups. */
od_err od_ev_groups_flush(ctx *c, od_error *e);
/* At the end of every transaction (committed or not). */
void od_ev_groups_clear(od_event_writer *w);
/* The stored look-up key of (source, dedup_key). */
int64_t od_ev_key_hash(const char *source, const char *key);
od_err od_ev_keys_load(ctx *c, od_error *e);
od_err od_ev_key_added(ctx *c, uint64_t hash, int64_t id, od_error *e);
/* The writes since added[from] were rolled back: so are their keys. */
void od_ev_keys_undo(ctx *c, size_t from);

/* ---- repeats and key locks (events_repeats.c) ---- */
/* One more repeat of stored event id, raw its latest text (copied). */
od_err od_ev_repeat_add(ctx *c, int64_t id, const char *raw, od_error *e);
/* The repeats of id not written yet (0: none). */
int64_t od_ev_repeats_pending(const ctx *c, int64_t id);
/* Writes id's pending repeats now (before another write of its row). */
od_err od_ev_repeat_flush_one(ctx *c, int64_t id, od_error *e);
/* Before the commit: every pending repeat, one statement; frees them. */
od_err od_ev_repeats_flush(ctx *c, od_error *e);
void od_ev_repeats_free(ctx *c);
/* Several nodes: locks the key hashes of every event of items, ascending. */
od_err od_ev_keys_lock(ctx *c, const od_ingest_item *items, size_t n, od_error *e);
/* Several nodes: locks (CI, rule) before looking for its open incident. */
od_err od_ev_incident_lock(ctx *c, int64_t ci_id, const char *rule, od_error *e);

/* ---- first occurrences written set-based (events_pending.c) ---- */
/* Several nodes, without savepoints, after the keys are locked: finds which
 * keys of items no event has, one statement, and reserves an id for each. */
od_err od_ev_absent_load(ctx *c, const od_ingest_item *items, size_t n, od_error *e);
/* Of (source, key): 1 when it was absent and this is its first occurrence
 * (now taken; its id in *id), 2 when absent but taken already (its row may
 * be pending: flush before reading it), 0 when not absent (or not in use). */
int od_ev_absent_take(ctx *c, const char *source, const char *key, int64_t *id);
/* A new event's row, for EV_INSERT_SET (row is stolen). */
od_err od_ev_pending_add(ctx *c, json_t *row, od_error *e);
/* Inserts the pending rows now (one statement; nothing when none): before a
 * statement that reads events, and before the commit. */
od_err od_ev_pending_flush(ctx *c, od_error *e);
void od_ev_pending_free(ctx *c);

/* ---- texts (events_text.c) ---- */
/* An object of string values in its own key order (else jansson's text). */
void od_ev_json_map(od_sbuf *b, json_t *obj);
/* "[t1,t2,…]" of the flapping changes, and back. */
void od_ev_flap_text(od_sbuf *b, const od_flap *f);
void od_ev_flap_load(od_flap *f, const char *text);
/* The first pass's decisions as codes into c->decs. */
void od_ev_decisions_text(ctx *c, const outcome *o);
/* One element of the answer's "events". */
void od_ev_result_text(od_sbuf *res, int64_t id, const char *key, const char *action, const char *state,
                       bool full, const char *cls, int64_t incident_id);
/* The event's original JSON (NULL on OOM). */
const char *od_ev_raw_text(ctx *c, const od_event_in *ev);

#endif
