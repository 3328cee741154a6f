/* cmdb_impact.c — the answer of GET /cis/{id}/impact written as JSON text in
 * one pass (docs/internals/lists.md "The CI impact"): the dependency edges
 * come from one recursive statement (CI_IMPACT_EDGES), each dependent CI is
 * written once as text into one arena as its row is read, the walk is
 * breadth-first over the edges sorted by (target, relation id) with an
 * integer set of the CIs seen, and the items are copied from the arena in
 * walk order.  No JSON tree is built, so the cost is a few allocations per
 * answer instead of some forty per CI.  The bytes are those od_ci_impact's
 * tree gives through json_dumps(JSON_COMPACT) (jansson's escapes, its key
 * order); a walk with more edges than it holds falls back to od_ci_impact.
 * Reads only; one read transaction. */
#include "app/app.h"
#include "util/clock.h"
#include "util/sbuf.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define IMPACT_MAX 10000                  /* CIs an answer shows (as od_ci_impact) */
#define IMPACT_EDGES_MAX (4 * IMPACT_MAX) /* edges held; more: od_ci_impact walks CI by CI */

static void put_key_str(od_sbuf *b, const char *key, const char *s)
{
    od_sbuf_puts(b, key);
    od_sbuf_json(b, s, strlen(s));
}

static void put_key_time(od_sbuf *b, const char *key, od_rows *r, int col)
{
    od_sbuf_puts(b, key);
    if (od_rows_null(r, col)) {
        od_sbuf_append(b, "null", 4);
        return;
    }
    char t[OD_TIME_STR_MAX];
    od_time_format(od_rows_int(r, col), t);
    od_sbuf_json(b, t, strlen(t));
}

static int dump_cb(const char *buf, size_t size, void *data)
{
    od_sbuf_append(data, buf, size);
    return 0;
}

/* One CI row (CI_GET's columns) as the object ci_row_json makes, without
 * its closing brace (the walk appends depth, via and relation). */
static void put_ci(od_sbuf *b, od_rows *r)
{
    od_sbuf_append(b, "{\"id\":", 6);
    od_sbuf_int(b, od_rows_int(r, 0));
    put_key_str(b, ",\"name\":", od_rows_text(r, 1));
    put_key_str(b, ",\"category\":", od_rows_text(r, 2));
    put_key_str(b, ",\"grade\":", od_rows_text(r, 3));
    put_key_str(b, ",\"department\":", od_rows_text(r, 4));
    put_key_str(b, ",\"environment\":", od_rows_text(r, 5));
    put_key_str(b, ",\"location\":", od_rows_text(r, 6));
    od_sbuf_puts(b, ",\"attributes\":");
    /* as stored: normalised by jansson as the tree did ({} if not JSON) */
    const char *at = od_rows_text(r, 7);
    if (strcmp(at, "{}") == 0 || !*at) {
        od_sbuf_append(b, "{}", 2);
    } else {
        json_t *attrs = json_loads(at, 0, NULL);
        if (!attrs || json_dump_callback(attrs, dump_cb, b, JSON_COMPACT) != 0)
            od_sbuf_append(b, "{}", 2);
        json_decref(attrs);
    }
    /* created_at and updated_at are never NULL (ci_row_json formats them as they are) */
    char t[OD_TIME_STR_MAX];
    od_sbuf_puts(b, ",\"created_at\":");
    od_time_format(od_rows_int(r, 10), t);
    od_sbuf_json(b, t, strlen(t));
    od_sbuf_puts(b, ",\"updated_at\":");
    od_time_format(od_rows_int(r, 11), t);
    od_sbuf_json(b, t, strlen(t));
    put_key_time(b, ",\"last_verified_at\":", r, 8);
    od_sbuf_puts(b, ",\"verified_by\":");
    if (od_rows_null(r, 9))
        od_sbuf_append(b, "null", 4);
    else
        od_sbuf_int(b, od_rows_int(r, 9));
    put_key_time(b, ",\"retired_at\":", r, 12);
    od_sbuf_puts(b, ",\"retired_reason\":");
    if (od_rows_null(r, 12))
        od_sbuf_append(b, "null", 4);
    else
        od_sbuf_json(b, od_rows_text(r, 13), strlen(od_rows_text(r, 13)));
}

/* One edge of the walk: its dependent CI's text is arena[off, off + len). */
typedef struct {
    int64_t target, rel, source;
    size_t off, len;
    bool visible; /* in the reader's scope */
    char type[16];
} edge;

static int edge_cmp(const void *pa, const void *pb)
{
    const edge *a = pa, *b = pb;
    if (a->target != b->target)
        return a->target < b->target ? -1 : 1;
    return a->rel < b->rel ? -1 : a->rel > b->rel;
}

/* The CIs seen: open addressing over a power of two, 0 never an id. */
typedef struct {
    int64_t *slot;
    size_t mask;
} idset;

static bool idset_init(idset *s, size_t n)
{
    size_t cap = 64;
    while (cap < 2 * n + 2)
        cap *= 2;
    s->slot = calloc(cap, sizeof *s->slot);
    s->mask = cap - 1;
    return s->slot != NULL;
}

/* true when id was added, false when it was there */
static bool idset_add(idset *s, int64_t id)
{
    size_t i = (size_t)((uint64_t)id * 0x9E3779B97F4A7C15ULL >> 20) & s->mask;
    while (s->slot[i]) {
        if (s->slot[i] == id)
            return false;
        i = (i + 1) & s->mask;
    }
    s->slot[i] = id;
    return true;
}

/* Reads the edges (sorted) and their CIs' text; *truncated when there were
 * more than IMPACT_EDGES_MAX. */
static od_err read_edges(od_tx *tx, const od_principal *actor, int64_t id, od_sbuf *arena, edge **out,
                         size_t *n, bool *truncated, od_error *e)
{
    *out = NULL;
    *n = 0;
    *truncated = false;
    od_rows *r = NULL;
    od_err rc = od_tx_query(tx, OD_Q_CI_IMPACT_EDGES, &r, e,
                            OD_BINDS(OD_INT(id), OD_INT((int64_t)IMPACT_EDGES_MAX + 1)));
    edge *v = NULL;
    size_t cap = 0;
    bool row = false;
    while (!rc && !(rc = od_rows_step(r, &row)) && row) {
        if (*n == IMPACT_EDGES_MAX) {
            *truncated = true;
            break;
        }
        if (*n == cap) {
            edge *nv = realloc(v, (cap = cap ? cap * 2 : 256) * sizeof *v);
            if (!nv) {
                rc = od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
                break;
            }
            v = nv;
        }
        edge *x = &v[(*n)++];
        x->source = od_rows_int(r, 0);
        x->target = od_rows_int(r, 14);
        x->rel = od_rows_int(r, 16);
        snprintf(x->type, sizeof x->type, "%s", od_rows_text(r, 15));
        x->visible = od_principal_in_scope(actor, od_rows_text(r, 4));
        x->off = arena->n;
        if (x->visible)
            put_ci(arena, r);
        x->len = arena->n - x->off;
    }
    od_rows_close(r);
    if (!rc && arena->oom)
        rc = od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    if (v)
        qsort(v, *n, sizeof *v, edge_cmp);
    *out = v;
    return rc;
}

/* The first edge into target (the edges are sorted by target). */
static size_t first_edge(const edge *v, size_t n, int64_t target)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (v[mid].target < target)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Breadth-first from the root over the edges; the items into b. */
static od_err walk(const edge *v, size_t n, const od_sbuf *arena, int64_t root, od_sbuf *b, int64_t *count,
                   od_error *e)
{
    int64_t *queue = malloc((n + 1) * sizeof *queue), *depth = malloc((n + 1) * sizeof *depth);
    idset seen = {0};
    od_err rc = OD_OK;
    if (!queue || !depth || !idset_init(&seen, n + 1))
        rc = od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    size_t head = 0, tail = 0;
    if (!rc) {
        idset_add(&seen, root);
        queue[tail] = root;
        depth[tail++] = 0;
    }
    *count = 0;
    while (!rc && head < tail) {
        int64_t cur = queue[head], d = depth[head];
        head++;
        for (size_t i = first_edge(v, n, cur); i < n && v[i].target == cur; i++) {
            if (!idset_add(&seen, v[i].source))
                continue;
            if (*count >= IMPACT_MAX) {
                rc = od_error_set(e, OD_E_TOO_LARGE, NULL, "影响范围超过 %d 个配置项 (impact exceeds %d CIs)",
                                  IMPACT_MAX, IMPACT_MAX);
                break;
            }
            if (v[i].visible) {
                if (*count > 0)
                    od_sbuf_append(b, ",", 1);
                od_sbuf_append(b, arena->p + v[i].off, v[i].len);
                od_sbuf_puts(b, ",\"depth\":");
                od_sbuf_int(b, d + 1);
                od_sbuf_puts(b, ",\"via\":");
                od_sbuf_int(b, cur);
                od_sbuf_puts(b, ",\"relation\":");
                od_sbuf_json(b, v[i].type, strlen(v[i].type));
                od_sbuf_append(b, "}", 1);
                ++*count;
            }
            /* each CI is queued once (seen), so the queue holds at most n + 1 */
            queue[tail] = v[i].source;
            depth[tail++] = d + 1;
        }
    }
    free(queue);
    free(depth);
    free(seen.slot);
    return rc;
}

/* The root CI's text into b (closed); not found or out of scope: 404. */
static od_err put_root(od_tx *tx, const od_principal *actor, int64_t id, od_sbuf *b, od_error *e)
{
    od_rows *r = NULL;
    od_err rc = od_tx_query(tx, OD_Q_CI_GET, &r, e, OD_BINDS(OD_INT(id)));
    if (rc)
        return rc;
    bool row = false;
    rc = od_rows_step(r, &row);
    if (!rc && row && od_principal_in_scope(actor, od_rows_text(r, 4))) {
        put_ci(b, r);
        od_sbuf_append(b, "}", 1);
    } else if (!rc) {
        rc = od_error_set(e, OD_E_NOT_FOUND, NULL, "配置项 %lld 不存在 (CI %lld not found)", (long long)id,
                          (long long)id);
    }
    od_rows_close(r);
    return rc;
}

od_err od_ci_impact_text(od_app *a, const od_principal *actor, int64_t id, char **out, size_t *len,
                         od_error *e)
{
    *out = NULL;
    *len = 0;
    od_tx *tx = NULL;
    od_err rc = od_tx_begin(a->store, false, &tx, e);
    if (rc)
        return rc;
    od_sbuf b = {0}, arena = {0};
    edge *v = NULL;
    size_t n = 0;
    bool truncated = false;
    int64_t count = 0;
    od_sbuf_puts(&b, "{\"ci\":");
    rc = put_root(tx, actor, id, &b, e);
    if (!rc)
        rc = read_edges(tx, actor, id, &arena, &v, &n, &truncated, e);
    od_tx_rollback(tx);
    if (!rc && !truncated) {
        od_sbuf_puts(&b, ",\"impacted\":[");
        rc = walk(v, n, &arena, id, &b, &count, e);
        od_sbuf_puts(&b, "],\"count\":");
        od_sbuf_int(&b, count);
        od_sbuf_append(&b, "}", 1);
    }
    free(v);
    free(arena.p);
    if (!rc && truncated) { /* too many edges to hold: the walk CI by CI */
        free(b.p);
        b = (od_sbuf){0};
        json_t *o = NULL;
        rc = od_ci_impact(a, actor, id, &o, e);
        char *s = rc ? NULL : json_dumps(o, JSON_COMPACT);
        json_decref(o);
        if (!rc && !s)
            rc = od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
        if (!rc) {
            *out = s;
            *len = strlen(s);
        }
        return rc;
    }
    if (!rc && b.oom)
        rc = od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    if (rc) {
        free(b.p);
        return rc;
    }
    *out = b.p;
    *len = b.n;
    return OD_OK;
}
