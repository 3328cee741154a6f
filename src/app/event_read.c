/* event_read.c — reading events (R-EVT-1): the list and one event with its
 * decisions, hourly statistics and the weekly review sample (seed 004 table
 * 6.2.2-1 step 11).  Department scope (R-SEC-SYS-2) applies as to CIs and
 * incidents: a scoped principal sees the events of CIs in its departments
 * only (an event with no CI: unscoped principals only); an event it may not
 * see answers 404 like a missing one, and is counted nowhere.  One read
 * transaction per call; thread-safe like app.h. */
#include "app/events_api.h"
#include "app/list.h"
#include "core/event.h"
#include "core/event_decision.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define HOUR_MS 3600000LL
#define DAY_MS (24 * HOUR_MS)
#define COL_DEPT_LIST 25 /* c.department of EV_LIST / EV_REVIEW_* */
#define COL_DEPT_GET 26  /* of EV_GET */

json_t *od_ev_time_json(od_rows *r, int col)
{
    char t[OD_TIME_STR_MAX];
    return od_rows_null(r, col) ? json_null() : json_string(od_time_format(od_rows_int(r, col), t));
}

od_err od_ev_one_row(od_rows *r, od_err rc, json_t *(*row)(od_rows *), json_t **out, od_error *e)
{
    (void)e; /* a read error fills the od_error given to the query */
    bool row2 = false;
    if (!rc)
        rc = od_rows_step(r, &row2);
    *out = row2 ? row(r) : NULL;
    od_rows_close(r);
    return rc ? rc : *out ? OD_OK : OD_E_NOT_FOUND;
}

bool od_ev_visible(const od_principal *who, bool has_ci, const char *department)
{
    if (!od_ev_scoped(who))
        return true;
    return has_ci && department && od_principal_in_scope(who, department);
}

void od_event_caches_free(od_event_caches *c)
{
    if (!c)
        return;
    od_window_cache_free(c->windows);
    od_key_cache_free(c->keys);
    free(c);
}

od_event_caches *od_ev_caches(od_app *a)
{
    od_event_caches *c = __atomic_load_n(&a->event_caches, __ATOMIC_ACQUIRE);
    if (c)
        return c;
    c = calloc(1, sizeof *c);
    if (!c || !(c->windows = od_window_cache_new()) || !(c->keys = od_key_cache_new())) {
        od_event_caches_free(c);
        return NULL;
    }
    od_event_caches *none = NULL; /* first use on two threads at once: one wins */
    if (__atomic_compare_exchange_n(&a->event_caches, &none, c, false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
        return c;
    od_event_caches_free(c);
    return none;
}

/* Whether `who` sees the event row r (its CI's department in column col). */
static bool row_visible(const od_principal *who, od_rows *r, int col)
{
    return od_ev_visible(who, !od_rows_null(r, 8) && !od_rows_null(r, col), od_rows_text(r, col));
}

static json_t *obj_or_empty(const char *text)
{
    json_t *v = json_loads(text, JSON_DECODE_ANY, NULL);
    return v ? v : json_object();
}

static json_t *id_name(od_rows *r, int id_col, const char *k, int name_col)
{
    return od_rows_null(r, id_col)
               ? json_null()
               : json_pack("{sI ss}", "id", (json_int_t)od_rows_int(r, id_col), k, od_rows_text(r, name_col));
}

/* One row of EV_LIST / EV_GET / EV_REVIEW_* (columns in queries_events.h). */
static json_t *event_row(od_rows *r, bool full)
{
    json_t *o =
        json_pack("{sI ss ss ss ss}", "id", (json_int_t)od_rows_int(r, 0), "source", od_rows_text(r, 1),
                  "dedup_key", od_rows_text(r, 2), "status", od_rows_text(r, 3), "state", od_rows_text(r, 4));
    json_object_set_new(o, "class", od_rows_null(r, 5) ? json_null() : json_string(od_rows_text(r, 5)));
    json_object_set_new(o, "severity", json_string(od_rows_text(r, 6)));
    json_object_set_new(o, "summary", json_string(od_rows_text(r, 7)));
    json_object_set_new(o, "ci", id_name(r, 8, "name", 9));
    json_object_set_new(o, "count", json_integer((json_int_t)od_rows_int(r, 10)));
    json_object_set_new(o, "flapping", json_boolean(od_rows_int(r, 11) != 0));
    json_object_set_new(o, "first_seen", od_ev_time_json(r, 12));
    json_object_set_new(o, "last_seen", od_ev_time_json(r, 13));
    json_object_set_new(o, "received_at", od_ev_time_json(r, 14));
    json_object_set_new(o, "incident", id_name(r, 15, "number", 16));
    json_object_set_new(o, "window", id_name(r, 17, "name", 18));
    json_object_set_new(o, "closed_at", od_ev_time_json(r, 24));
    if (full) {
        json_object_set_new(o, "labels", obj_or_empty(od_rows_text(r, 19)));
        json_object_set_new(o, "annotations", obj_or_empty(od_rows_text(r, 20)));
        json_object_set_new(o, "raw", obj_or_empty(od_rows_text(r, 21)));
        json_object_set_new(o, "group_key", json_string(od_rows_text(r, 22)));
        json_object_set_new(o, "updated_at", od_ev_time_json(r, 23));
    }
    return o;
}

/* Runs an event query into an array: the rows `who` sees, paged by pg
 * (NULL: every visible row) and counted up to cap (0: all); last (NULL: not
 * wanted) gets the last_seen and id of the last row taken (the list's keyset
 * cursor). */
static od_err collect_last(od_rows *r, const od_principal *who, od_page *pg, int64_t cap, json_t *items,
                           int64_t last[2], od_error *e)
{
    (void)e; /* a read error fills the od_error given to the query */
    od_err rc = OD_OK;
    bool row = false;
    while (!rc && !(pg && cap > 0 && pg->seen >= cap) && !(rc = od_rows_step(r, &row)) && row) {
        bool v = row_visible(who, r, COL_DEPT_LIST);
        if (pg ? od_page_take(pg, v) : v) {
            json_array_append_new(items, event_row(r, false));
            if (last) {
                last[0] = od_rows_int(r, 13);
                last[1] = od_rows_int(r, 0);
            }
        }
    }
    return rc;
}

static od_err collect(od_rows *r, const od_principal *who, od_page *pg, json_t *items, od_error *e)
{
    return collect_last(r, who, pg, 0, items, NULL, e);
}

/* The list's filters, validated; ci_id -1 = an unknown CI name (nothing
 * matches). */
typedef struct ev_filter {
    const char *status, *cls, *source, *q;
    int64_t ci_id;
} ev_filter;

static od_err filter_ci(od_tx *tx, const char *ci, int64_t *ci_id, od_error *e)
{
    *ci_id = 0;
    if (!ci || !*ci)
        return OD_OK;
    char *end;
    long long v = strtoll(ci, &end, 10);
    if (*end == 0 && v > 0) {
        *ci_id = v;
        return OD_OK;
    }
    od_err rc = od_tx_scalar(tx, OD_Q_CI_BY_NAME, ci_id, e, OD_BINDS(OD_TEXT(ci)));
    if (rc == OD_E_NOT_FOUND) {
        od_error_clear(e);
        *ci_id = -1;
        rc = OD_OK;
    }
    return rc;
}

/* The index a list leads with (queries_lists.h): the CI, else the status
 * (firing/resolved) or the state the status filter names, else the order. */
enum { EV_BY_SEEN, EV_BY_CI, EV_BY_STATUS, EV_BY_STATE };

static int ev_lead(const ev_filter *f)
{
    if (f->ci_id != 0)
        return EV_BY_CI;
    if (!*f->status)
        return EV_BY_SEEN;
    return (strcmp(f->status, "firing") == 0 || strcmp(f->status, "resolved") == 0) ? EV_BY_STATUS
                                                                                    : EV_BY_STATE;
}

/* The page's rows from the cursor (seen, id) on (both INT64_MAX: the newest). */
static od_err ev_rows(od_tx *tx, const ev_filter *f, const char *like, const int64_t cur[2], int64_t limit,
                      int64_t offset, od_rows **r, od_error *e)
{
    switch (ev_lead(f)) {
    case EV_BY_CI:
        return od_tx_query(tx, OD_Q_EV_LIST_CI, r, e,
                           OD_BINDS(OD_INT(f->ci_id), OD_INT(cur[0]), OD_INT(cur[1]), OD_TEXT(f->status),
                                    OD_TEXT(f->status), OD_TEXT(f->status), OD_TEXT(f->cls), OD_TEXT(f->cls),
                                    OD_TEXT(f->cls), OD_INT(f->ci_id), OD_INT(f->ci_id), OD_TEXT(f->source),
                                    OD_TEXT(f->source), OD_TEXT(f->q), OD_TEXT(like), OD_TEXT(like),
                                    OD_TEXT(like), OD_INT(limit), OD_INT(offset)));
    case EV_BY_STATUS:
        return od_tx_query(tx, OD_Q_EV_LIST_STATUS, r, e,
                           OD_BINDS(OD_TEXT(f->status), OD_INT(cur[0]), OD_INT(cur[1]), OD_TEXT(f->status),
                                    OD_TEXT(f->status), OD_TEXT(f->status), OD_TEXT(f->cls), OD_TEXT(f->cls),
                                    OD_TEXT(f->cls), OD_INT(f->ci_id), OD_INT(f->ci_id), OD_TEXT(f->source),
                                    OD_TEXT(f->source), OD_TEXT(f->q), OD_TEXT(like), OD_TEXT(like),
                                    OD_TEXT(like), OD_INT(limit), OD_INT(offset)));
    case EV_BY_STATE:
        return od_tx_query(tx, OD_Q_EV_LIST_STATE, r, e,
                           OD_BINDS(OD_TEXT(f->status), OD_INT(cur[0]), OD_INT(cur[1]), OD_TEXT(f->status),
                                    OD_TEXT(f->status), OD_TEXT(f->status), OD_TEXT(f->cls), OD_TEXT(f->cls),
                                    OD_TEXT(f->cls), OD_INT(f->ci_id), OD_INT(f->ci_id), OD_TEXT(f->source),
                                    OD_TEXT(f->source), OD_TEXT(f->q), OD_TEXT(like), OD_TEXT(like),
                                    OD_TEXT(like), OD_INT(limit), OD_INT(offset)));
    default:
        return od_tx_query(tx, OD_Q_EV_LIST, r, e,
                           OD_BINDS(OD_INT(cur[0]), OD_INT(cur[1]), OD_TEXT(f->status), OD_TEXT(f->status),
                                    OD_TEXT(f->status), OD_TEXT(f->cls), OD_TEXT(f->cls), OD_TEXT(f->cls),
                                    OD_INT(f->ci_id), OD_INT(f->ci_id), OD_TEXT(f->source),
                                    OD_TEXT(f->source), OD_TEXT(f->q), OD_TEXT(like), OD_TEXT(like),
                                    OD_TEXT(like), OD_INT(limit), OD_INT(offset)));
    }
}

/* The total of every page (the cursor left out), counted to cap rows. */
static od_err ev_count(od_tx *tx, const ev_filter *f, const char *like, int64_t cap, int64_t *total,
                       od_error *e)
{
    /* the leading filter alone: its index answers without reading a row */
    if (!*f->cls && !*f->source && !*f->q) {
        if (f->ci_id != 0 && !*f->status)
            return od_tx_scalar(tx, OD_Q_EV_COUNT_CI_ONLY, total, e, OD_BINDS(OD_INT(f->ci_id), OD_INT(cap)));
        if (f->ci_id == 0 && ev_lead(f) == EV_BY_STATUS)
            return od_tx_scalar(tx, OD_Q_EV_COUNT_STATUS_ONLY, total, e,
                                OD_BINDS(OD_TEXT(f->status), OD_INT(cap)));
        if (f->ci_id == 0 && ev_lead(f) == EV_BY_STATE)
            return od_tx_scalar(tx, OD_Q_EV_COUNT_STATE_ONLY, total, e,
                                OD_BINDS(OD_TEXT(f->status), OD_INT(cap)));
        if (f->ci_id == 0 && !*f->status)
            return od_tx_scalar(tx, OD_Q_EV_COUNT_ALL, total, e,
                                OD_BINDS(OD_INT(INT64_MAX), OD_INT(INT64_MAX), OD_INT(cap)));
    }
    switch (ev_lead(f)) {
    case EV_BY_CI:
        return od_tx_scalar(tx, OD_Q_EV_COUNT_CI, total, e,
                            OD_BINDS(OD_INT(f->ci_id), OD_INT(INT64_MAX), OD_INT(INT64_MAX),
                                     OD_TEXT(f->status), OD_TEXT(f->status), OD_TEXT(f->status),
                                     OD_TEXT(f->cls), OD_TEXT(f->cls), OD_TEXT(f->cls), OD_INT(f->ci_id),
                                     OD_INT(f->ci_id), OD_TEXT(f->source), OD_TEXT(f->source), OD_TEXT(f->q),
                                     OD_TEXT(like), OD_TEXT(like), OD_TEXT(like), OD_INT(cap)));
    case EV_BY_STATUS:
        return od_tx_scalar(tx, OD_Q_EV_COUNT_STATUS, total, e,
                            OD_BINDS(OD_TEXT(f->status), OD_INT(INT64_MAX), OD_INT(INT64_MAX),
                                     OD_TEXT(f->status), OD_TEXT(f->status), OD_TEXT(f->status),
                                     OD_TEXT(f->cls), OD_TEXT(f->cls), OD_TEXT(f->cls), OD_INT(f->ci_id),
                                     OD_INT(f->ci_id), OD_TEXT(f->source), OD_TEXT(f->source), OD_TEXT(f->q),
                                     OD_TEXT(like), OD_TEXT(like), OD_TEXT(like), OD_INT(cap)));
    case EV_BY_STATE:
        return od_tx_scalar(tx, OD_Q_EV_COUNT_STATE, total, e,
                            OD_BINDS(OD_TEXT(f->status), OD_INT(INT64_MAX), OD_INT(INT64_MAX),
                                     OD_TEXT(f->status), OD_TEXT(f->status), OD_TEXT(f->status),
                                     OD_TEXT(f->cls), OD_TEXT(f->cls), OD_TEXT(f->cls), OD_INT(f->ci_id),
                                     OD_INT(f->ci_id), OD_TEXT(f->source), OD_TEXT(f->source), OD_TEXT(f->q),
                                     OD_TEXT(like), OD_TEXT(like), OD_TEXT(like), OD_INT(cap)));
    default:
        return od_tx_scalar(tx, OD_Q_EV_COUNT, total, e,
                            OD_BINDS(OD_INT(INT64_MAX), OD_INT(INT64_MAX), OD_TEXT(f->status),
                                     OD_TEXT(f->status), OD_TEXT(f->status), OD_TEXT(f->cls), OD_TEXT(f->cls),
                                     OD_TEXT(f->cls), OD_INT(f->ci_id), OD_INT(f->ci_id), OD_TEXT(f->source),
                                     OD_TEXT(f->source), OD_TEXT(f->q), OD_TEXT(like), OD_TEXT(like),
                                     OD_TEXT(like), OD_INT(cap)));
    }
}

/* A list's page; *estimated when the total reached its cap, next the
 * cursor of the next page (NULL: none). */
static od_err list_rows(od_tx *tx, const od_principal *who, const ev_filter *f, const int64_t cur[2],
                        int64_t limit, int64_t offset, int64_t cap, json_t *items, int64_t *total,
                        bool *estimated, json_t **next, od_error *e)
{
    *next = NULL;
    *estimated = false;
    char *like = od_store_like_pattern(f->q);
    if (!like)
        return od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    /* scoped principals: rows filtered here, paged over the visible ones */
    bool scoped = od_ev_scoped(who);
    od_page pg = od_page_start(limit, offset);
    od_rows *r = NULL;
    int64_t last[2] = {0, 0};
    od_err rc = ev_rows(tx, f, like, cur, scoped ? (int64_t)-1 : limit, scoped ? (int64_t)0 : offset, &r, e);
    if (!rc)
        rc = collect_last(r, who, scoped ? &pg : NULL, cap, items, last, e);
    od_rows_close(r);
    *total = pg.seen;
    *estimated = scoped && pg.seen >= cap;
    if (!rc && !scoped) {
        rc = ev_count(tx, f, like, cap, total, e);
        *estimated = *total >= cap;
    }
    /* a full page may have a next one: it starts after its last row */
    if (!rc && (int64_t)json_array_size(items) >= limit && limit > 0) {
        char c[48];
        snprintf(c, sizeof c, "%lld.%lld", (long long)last[0], (long long)last[1]);
        *next = json_string(c);
    }
    free(like);
    return rc;
}

/* The cursor `after` ("<last_seen ms>.<id>" from next_after) into cur; none:
 * the newest first. */
static od_err parse_after(const char *after, int64_t cur[2], od_error *e)
{
    cur[0] = cur[1] = INT64_MAX;
    if (!after || !*after)
        return OD_OK;
    char *end = NULL;
    long long seen = strtoll(after, &end, 10);
    if (end != after && *end == '.' && end[1] >= '0' && end[1] <= '9') {
        const char *p = end + 1;
        long long id = strtoll(p, &end, 10);
        if (*end == 0 && seen >= 0 && id > 0) {
            cur[0] = seen;
            cur[1] = id;
            return OD_OK;
        }
    }
    return od_error_set(e, OD_E_INVALID, "after",
                        "after 须为上一页的 next_after (after must be the next_after of the page before)");
}

od_err od_events_list(od_app *a, const od_principal *who, const char *status, const char *cls, const char *ci,
                      const char *source, const char *q, const char *after, int64_t limit, int64_t offset,
                      json_t **out, od_error *e)
{
    *out = NULL;
    ev_filter f = {status ? status : "", cls ? cls : "", source ? source : "", q ? q : "", 0};
    if (*f.cls && od_event_class_parse(f.cls) < 0 && strcmp(f.cls, "none") != 0)
        return od_error_set(e, OD_E_INVALID, "class",
                            "class 须为 info/warning/exception/none (class must be info, "
                            "warning, exception or none)");
    int64_t cur[2];
    od_err rc = parse_after(after, cur, e);
    if (rc)
        return rc;
    od_tx *tx = NULL;
    rc = od_tx_begin(a->store, false, &tx, e);
    if (rc)
        return rc;
    json_t *items = json_array(), *next = NULL;
    int64_t total = 0;
    bool estimated = false;
    rc = filter_ci(tx, ci, &f.ci_id, e);
    if (!rc)
        rc = list_rows(tx, who, &f, cur, limit, offset, od_list_count_cap(a, limit, offset), items, &total,
                       &estimated, &next, e);
    od_tx_rollback(tx);
    rc = od_list_done(rc, items, total, limit, offset, out, e);
    if (rc) {
        json_decref(next);
        return rc;
    }
    if ((rc = od_list_mark(*out, estimated, "next_after", next, e))) {
        json_decref(*out);
        *out = NULL;
    }
    return rc;
}

/* A stored decision [code, rule|null, arg…] as {at, step, rule, result}. */
static json_t *decision_render(json_t *d, const char *at)
{
    int code = (int)json_integer_value(json_array_get(d, 0));
    json_t *rule = json_array_get(d, 1);
    od_dec_arg args[OD_DEC_ARGS_MAX] = {{0}};
    int n = 0;
    for (size_t k = 2; k < json_array_size(d) && n < OD_DEC_ARGS_MAX; k++, n++) {
        json_t *v = json_array_get(d, k);
        args[n].s = json_is_string(v) ? json_string_value(v) : NULL;
        args[n].i = json_is_integer(v) ? json_integer_value(v) : 0;
    }
    char text[OD_DEC_TEXT_MAX];
    od_dec_render(text, sizeof text, code, args, n);
    const char *step = od_dec_step(code);
    return json_pack("{ss ss so ss}", "at", at, "step", step ? step : "?", "rule",
                     json_is_string(rule) ? json_string(json_string_value(rule)) : json_null(), "result",
                     text);
}

/* The first pass's decisions (stored in the row, `first`, stolen) into decs. */
static void decisions_first(json_t *first, int64_t received, json_t *decs)
{
    size_t i;
    json_t *d;
    json_array_foreach(first, i, d)
    {
        char t[OD_TIME_STR_MAX];
        if (json_is_array(d)) { /* codes (core/event_decision.h), made at received_at */
            json_array_append_new(decs, decision_render(d, od_time_format(received, t)));
            continue;
        }
        /* rows written before the codes: {at, step, rule, result} */
        json_t *at = json_object_get(d, "at");
        json_object_set_new(d, "at",
                            json_is_integer(at) ? json_string(od_time_format(json_integer_value(at), t))
                                                : json_null());
        json_array_append(decs, d);
    }
    json_decref(first);
}

/* The later passes' decisions (rows of event_decisions) into decs. */
static od_err decisions_later(od_tx *tx, int64_t id, json_t *decs, od_error *e)
{
    od_rows *r = NULL;
    od_err rc = od_tx_query(tx, OD_Q_EVD_LIST, &r, e, OD_BINDS(OD_INT(id)));
    bool row = false;
    while (!rc && !(rc = od_rows_step(r, &row)) && row) {
        json_t *d = json_pack("{ss ss}", "step", od_rows_text(r, 1), "result", od_rows_text(r, 3));
        json_object_set_new(d, "rule", od_rows_null(r, 2) ? json_null() : json_string(od_rows_text(r, 2)));
        json_object_set_new(d, "at", od_ev_time_json(r, 0));
        json_array_append_new(decs, d);
    }
    od_rows_close(r);
    return rc;
}

od_err od_event_get(od_app *a, const od_principal *who, int64_t id, json_t **out, od_error *e)
{
    *out = NULL;
    od_tx *tx = NULL;
    od_rows *r = NULL;
    od_err rc = od_tx_begin(a->store, false, &tx, e);
    if (rc)
        return rc;
    rc = od_tx_query(tx, OD_Q_EV_GET, &r, e, OD_BINDS(OD_INT(id)));
    bool row = false;
    if (!rc)
        rc = od_rows_step(r, &row);
    if (row && !row_visible(who, r, COL_DEPT_GET))
        row = false; /* out of scope: the same answer as a missing event */
    json_t *ev = row ? event_row(r, true) : NULL;
    json_t *first = row ? json_loads(od_rows_text(r, 25), 0, NULL) : NULL;
    int64_t received = row ? od_rows_int(r, 14) : 0;
    od_rows_close(r);
    if (!rc && !ev)
        rc = od_error_set(e, OD_E_NOT_FOUND, NULL, "告警 %lld 不存在 (event %lld not found)", (long long)id,
                          (long long)id);
    json_t *decs = json_array();
    decisions_first(first, received, decs);
    if (!rc)
        rc = decisions_later(tx, id, decs, e);
    od_tx_rollback(tx);
    if (rc) {
        json_decref(ev);
        json_decref(decs);
        return rc;
    }
    json_object_set_new(ev, "decisions", decs);
    *out = ev;
    return OD_OK;
}

/* Adds the EV_STATS rows `who` sees to the hourly buckets from `from`. */
static od_err stats_fill(od_rows *r, const od_principal *who, int64_t from, json_t *buckets, od_error *e)
{
    (void)e; /* a read error fills the od_error given to the query */
    od_err rc = OD_OK;
    bool row = false;
    while (!rc && !(rc = od_rows_step(r, &row)) && row) {
        if (!od_ev_visible(who, od_rows_int(r, 4) != 0 && !od_rows_null(r, 5), od_rows_text(r, 5)))
            continue;
        json_t *b = json_array_get(buckets, (size_t)(od_rows_int(r, 0) - from / HOUR_MS));
        if (!b)
            continue;
        int state = od_event_state_parse(od_rows_text(r, 2));
        /* filtered, silenced and suppressed by a dependency are their own
         * series: what nobody was told about shows on the wall */
        const char *k = state == OD_EVS_FILTERED || state == OD_EVS_SILENCED || state == OD_EVS_SUPPRESSED
                            ? od_event_state_key((od_event_state)state)
                        : od_rows_null(r, 1) ? NULL
                                             : od_rows_text(r, 1);
        if (!k || !json_object_get(b, k))
            continue;
        json_object_set_new(b, k,
                            json_integer(json_integer_value(json_object_get(b, k)) + od_rows_int(r, 3)));
    }
    return rc;
}

od_err od_events_stats(od_app *a, const od_principal *who, int hours, json_t **out, od_error *e)
{
    *out = NULL;
    if (hours < 1 || hours > 24 * 31)
        return od_error_set(e, OD_E_INVALID, "hours", "hours 须为 1 到 744 (hours must be 1 to 744)");
    int64_t now = od_app_now(a), to = (now / HOUR_MS + 1) * HOUR_MS, from = to - hours * HOUR_MS;
    json_t *buckets = json_array();
    char t[OD_TIME_STR_MAX];
    for (int i = 0; i < hours; i++)
        json_array_append_new(buckets,
                              json_pack("{ss si si si si si si}", "start",
                                        od_time_format(from + i * HOUR_MS, t), "info", 0, "warning", 0,
                                        "exception", 0, "filtered", 0, "silenced", 0, "suppressed", 0));
    od_tx *tx = NULL;
    od_rows *r = NULL;
    od_err rc = od_tx_begin(a->store, false, &tx, e);
    if (!rc)
        rc = od_tx_query(tx, OD_Q_EV_STATS, &r, e, OD_BINDS(OD_INT(from), OD_INT(to)));
    if (!rc)
        rc = stats_fill(r, who, from, buckets, e);
    od_rows_close(r);
    if (tx)
        od_tx_rollback(tx);
    if (rc) {
        json_decref(buckets);
        return rc;
    }
    char tf[OD_TIME_STR_MAX], tt[OD_TIME_STR_MAX];
    *out = json_pack("{ss ss so}", "from", od_time_format(from, tf), "to", od_time_format(to, tt), "buckets",
                     buckets);
    return OD_OK;
}

/* Monday 00:00 UTC of ISO week `w` ("2026-W18"); false when malformed. */
static bool iso_week_start(const char *w, int64_t *out)
{
    int y = 0, wk = 0;
    char tail;
    if (sscanf(w, "%4d-W%2d%c", &y, &wk, &tail) != 2 || y < 1970 || y > 9999 || wk < 1 || wk > 53)
        return false;
    /* Jan 4th is always in week 1 */
    struct tm tm = {.tm_year = y - 1900, .tm_mon = 0, .tm_mday = 4};
    time_t jan4 = timegm(&tm);
    struct tm g;
    gmtime_r(&jan4, &g);
    int dow = (g.tm_wday + 6) % 7; /* Monday = 0 */
    int64_t week1 = ((int64_t)jan4 - dow * 86400LL) * 1000;
    *out = week1 + (int64_t)(wk - 1) * 7 * DAY_MS;
    return true;
}

/* The review week: `week` or the current one; its label and start. */
static od_err review_week(od_app *a, const char *week, char label[16], int64_t *from, od_error *e)
{
    if (week && *week) {
        if (!iso_week_start(week, from))
            return od_error_set(e, OD_E_INVALID, "week",
                                "week 须为 ISO 周，如 2026-W18 (week must be an ISO week like "
                                "2026-W18)");
        snprintf(label, 16, "%.8s", week);
        return OD_OK;
    }
    time_t s = (time_t)(od_app_now(a) / 1000);
    struct tm g;
    gmtime_r(&s, &g);
    strftime(label, 16, "%G-W%V", &g);
    return iso_week_start(label, from) ? OD_OK : od_error_set(e, OD_E_INTERNAL, NULL, "week");
}

/* The closed events of the week that no incident took, as `who` sees them. */
static od_err review_pool(od_tx *tx, const od_principal *who, int64_t from, int64_t to, int64_t *pool,
                          od_error *e)
{
    od_rows *r = NULL;
    od_err rc = od_tx_query(tx, OD_Q_EV_REVIEW_POOL, &r, e, OD_BINDS(OD_INT(from), OD_INT(to)));
    *pool = 0;
    bool row = false;
    while (!rc && !(rc = od_rows_step(r, &row)) && row)
        if (od_ev_visible(who, od_rows_int(r, 1) != 0 && !od_rows_null(r, 2), od_rows_text(r, 2)))
            *pool += od_rows_int(r, 0);
    od_rows_close(r);
    return rc;
}

od_err od_events_review(od_app *a, const od_principal *who, const char *week, json_t **out, od_error *e)
{
    *out = NULL;
    int64_t from, pool = 0;
    char label[16];
    od_err rc = review_week(a, week, label, &from, e);
    if (rc)
        return rc;
    int64_t to = from + 7 * DAY_MS;
    int sample = a->policy->events ? a->policy->events->review_sample : 20;
    bool scoped = od_ev_scoped(who);
    od_page pg = od_page_start(sample, 0);
    json_t *handover = json_array(), *sampled = json_array();
    od_tx *tx = NULL;
    od_rows *r = NULL;
    rc = od_tx_begin(a->store, false, &tx, e);
    if (!rc)
        rc = od_tx_query(tx, OD_Q_EV_REVIEW_HANDOVER, &r, e, OD_BINDS(OD_INT(from), OD_INT(to)));
    if (!rc)
        rc = collect(r, who, NULL, handover, e);
    od_rows_close(r);
    r = NULL;
    if (!rc) /* scoped: the first `sample` visible rows of the same order */
        rc = od_tx_query(tx, OD_Q_EV_REVIEW_SAMPLE, &r, e,
                         OD_BINDS(OD_INT(from), OD_INT(to), OD_INT(scoped ? (int64_t)-1 : (int64_t)sample)));
    if (!rc)
        rc = collect(r, who, &pg, sampled, e);
    od_rows_close(r);
    if (!rc)
        rc = review_pool(tx, who, from, to, &pool, e);
    if (tx)
        od_tx_rollback(tx);
    if (rc) {
        json_decref(handover);
        json_decref(sampled);
        return rc;
    }
    char tf[OD_TIME_STR_MAX], tt[OD_TIME_STR_MAX];
    *out = json_pack("{ss ss ss so so sI si}", "week", label, "from", od_time_format(from, tf), "to",
                     od_time_format(to, tt), "handover", handover, "sample", sampled, "closed_total",
                     (json_int_t)pool, "sample_size", sample);
    return OD_OK;
}
