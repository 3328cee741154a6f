/* known_errors.c — the known-error database's use cases (known_errors.h):
 * create, edit, read, list and search known errors, match them against
 * incidents and events, apply a workaround.  Rules (match rules, matching,
 * the search plan) are core's (core/known_error.h); records are created
 * through the registry (app/records.h). */
#include "app/known_errors.h"
#include "app/incident_group.h"
#include "app/incidents.h"
#include "app/events.h"
#include "app/list.h"
#include "app/records.h"
#include "app/records_kernel.h"
#include "app/search.h"
#include "core/known_error.h"
#include "util/utf8.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TEXT_MAX 8192

static json_t *time_or_null(int64_t ms)
{
    char t[OD_TIME_STR_MAX];
    return ms == 0 ? json_null() : json_string(od_time_format(ms, t));
}

static json_t *int_or_null(od_rows *r, int col)
{
    return od_rows_null(r, col) ? json_null() : json_integer(od_rows_int(r, col));
}

/* ---- reading a known error ---- */

/* A loaded known error (KE_GET / KE_LIST row). */
typedef struct ke_row {
    json_t *o; /* the API's view (owned) */
    int64_t id, version, problem_id;
    char department[OD_DEPT_MAX];
    bool published;
} ke_row;

static void ke_row_free(ke_row *k)
{
    json_decref(k->o);
    k->o = NULL;
}

static json_t *rules_json(const char *text)
{
    json_t *v = json_loads(text, 0, NULL);
    if (json_is_array(v))
        return v;
    json_decref(v);
    return json_array();
}

static void ke_from_row(od_rows *r, ke_row *k)
{
    memset(k, 0, sizeof *k);
    k->id = od_rows_int(r, 0);
    k->version = od_rows_int(r, 5);
    k->problem_id = od_rows_null(r, 12) ? 0 : od_rows_int(r, 12);
    k->published = od_rows_int(r, 15) != 0;
    snprintf(k->department, sizeof k->department, "%s", od_rows_text(r, 4));
    json_t *o =
        json_pack("{sI ss ss ss ss ss ss sI ss ss ss ss}", "id", (json_int_t)k->id, "kind", "known_error",
                  "number", od_rows_text(r, 1), "title", od_rows_text(r, 2), "state", od_rows_text(r, 3),
                  "department", od_rows_text(r, 4), "kind_zh", "已知错误", "version", (json_int_t)k->version,
                  "symptoms", od_rows_text(r, 8), "root_cause", od_rows_text(r, 9), "workaround",
                  od_rows_text(r, 10), "solution", od_rows_text(r, 11));
    json_object_set_new(o, "created_at", time_or_null(od_rows_int(r, 6)));
    json_object_set_new(o, "updated_at", time_or_null(od_rows_int(r, 7)));
    json_object_set_new(o, "problem_id", int_or_null(r, 12));
    json_object_set_new(o, "problem_number",
                        od_rows_null(r, 13) ? json_null() : json_string(od_rows_text(r, 13)));
    json_object_set_new(o, "match_rules", rules_json(od_rows_text(r, 14)));
    json_object_set_new(o, "published", json_boolean(k->published));
    json_object_set_new(o, "published_at",
                        od_rows_null(r, 16) ? json_null() : time_or_null(od_rows_int(r, 16)));
    json_object_set_new(o, "uses", json_integer(od_rows_int(r, 17)));
    json_object_set_new(o, "created_by", int_or_null(r, 18));
    k->o = o;
}

static od_err ke_cis(od_tx *tx, int64_t id, json_t *arr, od_error *e)
{
    od_rows *r = NULL;
    bool row = false;
    od_err rc = od_tx_query(tx, OD_Q_KE_CI_IDS, &r, e, OD_BINDS(OD_INT(id)));
    while (!rc && !(rc = od_rows_step(r, &row)) && row)
        json_array_append_new(arr, json_integer(od_rows_int(r, 0)));
    od_rows_close(r);
    return rc;
}

static od_err not_found(od_error *e, int64_t id)
{
    return od_error_set(e, OD_E_NOT_FOUND, NULL, "已知错误 %lld 不存在 (known error %lld not found)",
                        (long long)id, (long long)id);
}

/* Loads known error id for who (NULL: no scope check), with its CIs. */
static od_err ke_load(od_tx *tx, const od_principal *who, int64_t id, ke_row *k, od_error *e)
{
    memset(k, 0, sizeof *k);
    od_rows *r = NULL;
    bool row = false;
    od_err rc = od_tx_query(tx, OD_Q_KE_GET, &r, e, OD_BINDS(OD_INT(id)));
    if (!rc)
        rc = od_rows_step(r, &row);
    if (!rc && row)
        ke_from_row(r, k);
    od_rows_close(r);
    if (!rc && (!row || (who && !od_principal_in_scope(who, k->department)))) {
        ke_row_free(k);
        return not_found(e, id);
    }
    json_t *cis = json_array();
    if (!rc) {
        json_object_set_new(k->o, "ci_ids", cis);
        rc = ke_cis(tx, id, cis, e);
    } else
        json_decref(cis);
    if (rc)
        ke_row_free(k);
    return rc;
}

od_err od_ke_get(od_app *a, const od_principal *who, int64_t id, json_t **out, od_error *e)
{
    *out = NULL;
    od_tx *tx = NULL;
    ke_row k;
    od_err rc = od_tx_begin(a->store, false, &tx, e);
    if (rc)
        return rc;
    rc = ke_load(tx, who, id, &k, e);
    od_tx_rollback(tx);
    if (!rc)
        *out = k.o;
    return rc;
}

/* ---- checks of a body ---- */

/* The match rules of a body's array (strings), parsed into rules; their
 * normalized JSON text into *text (caller frees). */
static od_err rules_check(json_t *arr, od_ke_rules *rules, char **text, od_error *e)
{
    const char *t[OD_KE_RULES_MAX];
    size_t n = json_array_size(arr), i;
    json_t *v;
    memset(rules, 0, sizeof *rules);
    *text = NULL;
    if (n > OD_KE_RULES_MAX)
        return od_error_set(e, OD_E_TOO_LARGE, "match_rules", "最多 %d 条匹配规则 (at most %d match rules)",
                            OD_KE_RULES_MAX, OD_KE_RULES_MAX);
    json_array_foreach(arr, i, v)
    {
        if (!json_is_string(v) || json_string_length(v) >= OD_EVT_VALUE_MAX)
            return od_error_set(
                e, OD_E_INVALID, "match_rules",
                "match_rules 须为匹配条件字符串数组，每条少于 %d 字节 (match_rules must be an "
                "array of matcher strings, each under %d bytes)",
                OD_EVT_VALUE_MAX, OD_EVT_VALUE_MAX);
        t[i] = json_string_value(v);
    }
    od_err rc = od_ke_rules_parse(t, n, rules, e);
    if (!rc) {
        *text = json_dumps(arr, JSON_COMPACT);
        if (!*text) {
            od_ke_rules_cleanup(rules);
            rc = od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
        }
    }
    return rc;
}

static od_err cis_check(od_tx *tx, json_t *arr, od_error *e)
{
    size_t i;
    json_t *v;
    if (json_array_size(arr) > 64)
        return od_error_set(e, OD_E_TOO_LARGE, "ci_ids", "最多 64 个配置项 (at most 64 CIs)");
    json_array_foreach(arr, i, v)
    {
        if (!json_is_integer(v) || json_integer_value(v) <= 0)
            return od_error_set(e, OD_E_INVALID, "ci_ids",
                                "ci_ids 须为配置项编号数组 (ci_ids must be an array of CI ids)");
        int64_t n = 0;
        od_err rc = od_tx_scalar(tx, OD_Q_KE_CI_EXISTS, &n, e, OD_BINDS(OD_INT(json_integer_value(v))));
        if (rc)
            return rc;
        if (n == 0)
            return od_error_set(e, OD_E_UNPROCESSABLE, "ci_ids", "配置项 %lld 不存在 (CI %lld not found)",
                                (long long)json_integer_value(v), (long long)json_integer_value(v));
    }
    return OD_OK;
}

/* problem_id names a record of kind problem; its number into num. */
static od_err problem_check(od_tx *tx, int64_t pid, char num[64], od_error *e)
{
    od_rows *r = NULL;
    bool row = false;
    num[0] = 0;
    od_err rc = od_tx_query(tx, OD_Q_KE_REC_KIND, &r, e, OD_BINDS(OD_INT(pid)));
    if (!rc)
        rc = od_rows_step(r, &row);
    bool ok = row && strcmp(od_rows_text(r, 0), "problem") == 0;
    if (ok)
        snprintf(num, 64, "%s", od_rows_text(r, 1));
    od_rows_close(r);
    if (!rc && !ok)
        rc = od_error_set(e, OD_E_UNPROCESSABLE, "problem_id",
                          "问题记录 %lld 不存在 (problem record %lld not found)", (long long)pid,
                          (long long)pid);
    return rc;
}

static const char *str_or(json_t *body, json_t *cur, const char *k)
{
    json_t *v = json_object_get(body, k);
    if (json_is_string(v))
        return json_string_value(v);
    v = json_object_get(cur, k);
    return json_is_string(v) ? json_string_value(v) : "";
}

/* The searchable text of a known error. */
static char *ke_body(const char *number, const char *title, const char *sy, const char *rc_, const char *wa,
                     const char *so)
{
    size_t n = strlen(number) + strlen(title) + strlen(sy) + strlen(rc_) + strlen(wa) + strlen(so) + 8;
    char *b = malloc(n);
    if (b)
        snprintf(b, n, "%s\n%s\n%s\n%s\n%s\n%s", number, title, sy, rc_, wa, so);
    return b;
}

/* Writes the typed row's side effects shared by create and update: CIs (when
 * cis is given), the known_error_of link (when the problem changed), the
 * search document. */
static od_err ke_write_sides(od_tx *tx, const od_principal *who, int64_t id, int64_t now, json_t *cis,
                             bool problem_changed, int64_t pid, const char *pnum, const char *body,
                             od_error *e)
{
    od_err rc = OD_OK;
    int64_t uid = who ? who->id : 0;
    if (cis) {
        size_t i;
        json_t *v;
        rc = od_tx_exec(tx, OD_Q_KE_CI_CLEAR, e, OD_BINDS(OD_INT(id)));
        json_array_foreach(cis, i, v) if (!rc) rc =
            od_tx_exec(tx, OD_Q_RCI_INSERT, e,
                       OD_BINDS(OD_INT(id), OD_INT(json_integer_value(v)), OD_TEXT("affected"),
                                OD_INT_NONZERO(uid), OD_INT(now)));
    }
    if (!rc && problem_changed) {
        rc = od_tx_exec(tx, OD_Q_KE_LINK_CLEAR, e, OD_BINDS(OD_INT(id), OD_TEXT("known_error_of")));
        int64_t lid = 0;
        if (!rc && pid)
            rc = od_tx_insert(tx, OD_Q_RLINK_INSERT, &lid, e,
                              OD_BINDS(OD_INT(id), OD_INT(pid), OD_TEXT("known_error_of"), OD_TEXT("problem"),
                                       OD_TEXT(pnum), OD_TEXT("active"), OD_INT_NONZERO(uid), OD_INT(now)));
    }
    if (!rc)
        rc = od_search_index(tx, OD_SEARCH_SOURCE_KE, id, body, e);
    return rc;
}

static bool text_ok(json_t *body, od_error *e)
{
    static const char *const keys[] = {"symptoms", "root_cause", "workaround", "solution"};
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
        json_t *v = json_object_get(body, keys[i]);
        if (v && od_utf8_count(json_string_value(v), json_string_length(v)) > TEXT_MAX) {
            od_error_set(e, OD_E_TOO_LARGE, keys[i],
                         "字段 %s 超过 %d 个字符 (field %s is over %d characters)", keys[i], TEXT_MAX,
                         keys[i], TEXT_MAX);
            return false;
        }
    }
    return true;
}

od_err od_ke_create(od_app *a, const od_principal *who, json_t *body, json_t **out, od_error *e)
{
    *out = NULL;
    if (!text_ok(body, e))
        return e->code;
    od_ke_rules rules;
    char *rtext = NULL, pnum[64] = "";
    json_t *arr = json_object_get(body, "match_rules"), *none = json_array();
    od_err rc = rules_check(arr ? arr : none, &rules, &rtext, e);
    json_decref(none);
    if (rc)
        return rc;
    od_ke_rules_cleanup(&rules);
    od_tx *tx = NULL;
    rc = od_tx_begin(a->store, true, &tx, e);
    json_t *cis = json_object_get(body, "ci_ids");
    int64_t pid = json_integer_value(json_object_get(body, "problem_id"));
    bool published = json_is_true(json_object_get(body, "published"));
    if (!rc && cis)
        rc = cis_check(tx, cis, e);
    if (!rc && pid)
        rc = problem_check(tx, pid, pnum, e);
    int64_t id = 0, now = od_app_now(a);
    od_record_input in = {.kind = "known_error",
                          .title = json_string_value(json_object_get(body, "title")),
                          .state = published ? "published" : "draft",
                          .department = json_string_value(json_object_get(body, "department"))};
    if (!rc)
        rc = od_record_create_in(a, tx, who, &in, &id, e);
    if (!rc)
        rc = od_tx_exec(tx, OD_Q_KE_INSERT, e,
                        OD_BINDS(OD_INT(id), OD_TEXT(str_or(body, NULL, "symptoms")),
                                 OD_TEXT(str_or(body, NULL, "root_cause")),
                                 OD_TEXT(str_or(body, NULL, "workaround")),
                                 OD_TEXT(str_or(body, NULL, "solution")), OD_INT_NONZERO(pid), OD_TEXT(rtext),
                                 OD_BOOL(published), OD_INT_NONZERO(published ? now : 0)));
    ke_row k = {0};
    if (!rc)
        rc = ke_load(tx, NULL, id, &k, e);
    char *text = NULL;
    if (!rc) {
        text = ke_body(json_string_value(json_object_get(k.o, "number")), in.title,
                       str_or(body, NULL, "symptoms"), str_or(body, NULL, "root_cause"),
                       str_or(body, NULL, "workaround"), str_or(body, NULL, "solution"));
        rc = text ? ke_write_sides(tx, who, id, now, cis, pid != 0, pid, pnum, text, e)
                  : od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    }
    ke_row_free(&k);
    if (!rc)
        rc = ke_load(tx, NULL, id, &k, e);
    if (!rc)
        rc = od_audit_append(tx, now, who, "known_error.create", "record", id, NULL, k.o, e);
    free(text);
    free(rtext);
    if (!rc)
        *out = k.o;
    if (!rc)
        rc = od_tx_commit(tx, e);
    else
        od_tx_rollback(tx);
    if (rc && *out) {
        json_decref(*out);
        *out = NULL;
    }
    return rc;
}

od_err od_ke_update(od_app *a, const od_principal *who, int64_t id, json_t *body, json_t **out, od_error *e)
{
    *out = NULL;
    if (!text_ok(body, e))
        return e->code;
    od_ke_rules rules;
    char *rtext = NULL, pnum[64] = "";
    json_t *arr = json_object_get(body, "match_rules");
    od_err rc = OD_OK;
    if (arr) {
        rc = rules_check(arr, &rules, &rtext, e);
        if (rc)
            return rc;
        od_ke_rules_cleanup(&rules);
    }
    od_tx *tx = NULL;
    ke_row x = {0}, y = {0};
    int64_t version = json_integer_value(json_object_get(body, "version")), now = od_app_now(a);
    rc = od_tx_begin(a->store, true, &tx, e);
    if (!rc)
        rc = ke_load(tx, who, id, &x, e);
    if (!rc && x.version != version)
        rc = od_error_set(
            e, OD_E_CONFLICT, "version",
            "已知错误已被他人修改：您的版本为 %lld，当前版本为 %lld，请刷新后重试 (the known error "
            "was changed meanwhile: your version is %lld, the current version is %lld; reload and "
            "retry)",
            (long long)version, (long long)x.version, (long long)version, (long long)x.version);
    json_t *cis = json_object_get(body, "ci_ids"), *pv = json_object_get(body, "problem_id");
    int64_t pid = pv ? (json_is_integer(pv) ? json_integer_value(pv) : 0) : x.problem_id;
    bool problem_changed = pv && pid != x.problem_id;
    json_t *pb = json_object_get(body, "published");
    bool published = pb ? json_is_true(pb) : x.published;
    if (!rc && cis)
        rc = cis_check(tx, cis, e);
    if (!rc && pid)
        rc = problem_check(tx, pid, pnum, e);
    const char *title = rc ? "" : str_or(body, x.o, "title");
    if (!rc && (!*title || strlen(title) > 300))
        rc = od_error_set(e, OD_E_UNPROCESSABLE, "title", "标题须为 1–300 字节 (the title is 1-300 bytes)");
    if (!rc)
        rc = od_tx_exec(tx, OD_Q_KE_REC_UPDATE, e,
                        OD_BINDS(OD_TEXT(title), OD_TEXT(published ? "published" : "draft"), OD_INT(now),
                                 OD_INT(id), OD_INT(version)));
    if (!rc && od_tx_changes(tx) != 1)
        rc = od_error_set(
            e, OD_E_CONFLICT, "version",
            "已知错误已被他人修改，请刷新后重试 (the known error was changed meanwhile; reload and "
            "retry)");
    json_t *pat = json_object_get(x.o, "published_at");
    int64_t pub_at = 0;
    if (!rc && json_is_string(pat))
        (void)od_time_parse(json_string_value(pat), &pub_at);
    if (published && !x.published)
        pub_at = now;
    if (!rc) {
        char *cur = json_dumps(json_object_get(x.o, "match_rules"), JSON_COMPACT);
        rc = od_tx_exec(
            tx, OD_Q_KE_UPDATE, e,
            OD_BINDS(OD_TEXT(str_or(body, x.o, "symptoms")), OD_TEXT(str_or(body, x.o, "root_cause")),
                     OD_TEXT(str_or(body, x.o, "workaround")), OD_TEXT(str_or(body, x.o, "solution")),
                     OD_INT_NONZERO(pid), OD_TEXT(rtext ? rtext : (cur ? cur : "[]")), OD_BOOL(published),
                     OD_INT_NONZERO(pub_at), OD_INT(id)));
        free(cur);
    }
    char *text = NULL;
    if (!rc) {
        text = ke_body(json_string_value(json_object_get(x.o, "number")), title,
                       str_or(body, x.o, "symptoms"), str_or(body, x.o, "root_cause"),
                       str_or(body, x.o, "workaround"), str_or(body, x.o, "solution"));
        rc = text ? ke_write_sides(tx, who, id, now, cis, problem_changed, pid, pnum, text, e)
                  : od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    }
    if (!rc) {
        json_t *d = json_deep_copy(body);
        json_object_del(d, "version");
        rc = od_record_timeline_add(tx, id, now, who, "updated", d,
                                    published && !x.published ? "发布已知错误 (published the known error)"
                                                              : "修改已知错误 (updated the known error)",
                                    e);
        json_decref(d);
    }
    if (!rc)
        rc = ke_load(tx, NULL, id, &y, e);
    if (!rc)
        rc = od_audit_append(tx, now, who, "known_error.update", "record", id, x.o, y.o, e);
    free(text);
    free(rtext);
    ke_row_free(&x);
    if (!rc)
        rc = od_tx_commit(tx, e);
    else
        od_tx_rollback(tx);
    if (!rc)
        *out = y.o;
    else
        ke_row_free(&y);
    return rc;
}

/* ---- lists and search ---- */

/* Matching state of the published known errors (for event_id filters and
 * the incident / event views). */
typedef struct ke_matchset {
    od_labels *sets;
    size_t n_sets;
    const int64_t *cis; /* incident: its CIs; event: its one CI */
    size_t n_cis;
    int64_t event_ci;
    bool is_event;
} ke_matchset;

/* Whether the known error of the current KE_LIST row matches ms. */
static od_err row_matches(od_tx *tx, od_rows *r, int64_t id, const ke_matchset *ms, bool *yes, od_error *e)
{
    *yes = false;
    json_t *arr = rules_json(od_rows_text(r, 14));
    const char *t[OD_KE_RULES_MAX];
    size_t n = json_array_size(arr) > OD_KE_RULES_MAX ? OD_KE_RULES_MAX : json_array_size(arr);
    for (size_t i = 0; i < n; i++)
        t[i] = json_string_value(json_array_get(arr, i)) ? json_string_value(json_array_get(arr, i)) : "";
    od_ke_rules rules;
    od_error ignore = {0};
    bool rules_ok = od_ke_rules_parse(t, n, &rules, &ignore) == OD_OK; /* stored rules parsed when saved */
    json_decref(arr);
    int64_t cis[64];
    size_t nc = 0;
    od_rows *c = NULL;
    bool row = false;
    od_err rc = od_tx_query(tx, OD_Q_KE_CI_IDS, &c, e, OD_BINDS(OD_INT(id)));
    while (!rc && !(rc = od_rows_step(c, &row)) && row)
        if (nc < 64)
            cis[nc++] = od_rows_int(c, 0);
    od_rows_close(c);
    if (!rc && rules_ok) {
        od_ke_target k = {.rules = &rules, .cis = cis, .n_cis = nc};
        *yes = ms->is_event ? od_ke_matches_event(&k, &ms->sets[0], ms->event_ci)
                            : od_ke_matches_incident(&k, ms->sets, ms->n_sets, ms->cis, ms->n_cis);
    }
    if (rules_ok)
        od_ke_rules_cleanup(&rules);
    return rc;
}

/* Labels of a JSON object (strings only; values borrowed from o). */
static void labels_of(json_t *o, od_label *v, size_t max, od_labels *out)
{
    const char *k;
    json_t *x;
    size_t n = 0;
    json_object_foreach(o, k, x)
    {
        if (n < max && json_is_string(x))
            v[n++] = (od_label){k, json_string_value(x)};
    }
    out->v = v;
    out->n = n;
}

/* The search item of a KE_LIST row. */
static json_t *hit_json(od_rows *r, const char *snippet)
{
    json_t *o = json_pack("{sI ss ss ss ss ss sI ss}", "id", (json_int_t)od_rows_int(r, 0), "number",
                          od_rows_text(r, 1), "title", od_rows_text(r, 2), "state", od_rows_text(r, 3),
                          "symptoms", od_rows_text(r, 8), "workaround", od_rows_text(r, 10), "uses",
                          (json_int_t)od_rows_int(r, 17), "snippet", snippet ? snippet : "");
    json_object_set_new(o, "problem_id", int_or_null(r, 12));
    json_object_set_new(o, "problem_number",
                        od_rows_null(r, 13) ? json_null() : json_string(od_rows_text(r, 13)));
    json_object_set_new(o, "published", json_boolean(od_rows_int(r, 15) != 0));
    return o;
}

typedef json_t *(*item_fn)(od_tx *tx, od_rows *r, const char *snippet);

static json_t *full_item(od_tx *tx, od_rows *r, const char *snippet)
{
    (void)snippet;
    ke_row k;
    ke_from_row(r, &k);
    json_t *cis = json_array();
    od_error ignore = {0};
    if (ke_cis(tx, k.id, cis, &ignore))
        json_array_clear(cis);
    json_object_set_new(k.o, "ci_ids", cis);
    return k.o;
}

static json_t *search_item(od_tx *tx, od_rows *r, const char *snippet)
{
    (void)tx;
    return hit_json(r, snippet);
}

/* Loads the label sets and CIs of an event (ms must be freed by ms_free). */
typedef struct ms_store {
    json_t *holder; /* owns the label strings */
    od_label labels[4][OD_EVT_LABELS_MAX];
    od_labels sets[4];
    int64_t cis[64];
} ms_store;

static od_err event_matchset(od_app *a, const od_principal *who, int64_t event_id, ms_store *st,
                             ke_matchset *ms, od_error *e)
{
    memset(ms, 0, sizeof *ms);
    json_t *ev = NULL;
    od_err rc = od_event_get(a, who, event_id, &ev, e);
    if (rc)
        return rc;
    st->holder = ev;
    labels_of(json_object_get(ev, "labels"), st->labels[0], OD_EVT_LABELS_MAX, &st->sets[0]);
    ms->sets = st->sets;
    ms->n_sets = 1;
    ms->is_event = true;
    json_t *ci = json_object_get(ev, "ci");
    ms->event_ci = json_integer_value(json_object_get(ci, "id"));
    return OD_OK;
}

static od_err ke_rows(od_app *a, const od_principal *who, const od_ke_query *q, item_fn fn, bool search,
                      json_t **out, od_error *e)
{
    *out = NULL;
    ms_store *st = calloc(1, sizeof *st);
    ke_matchset ms;
    if (!st)
        return od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    od_err rc = OD_OK;
    if (q->event_id)
        rc = event_matchset(a, who, q->event_id, st, &ms, e);
    od_tx *tx = NULL;
    od_search_hits hits = {0};
    json_t *items = json_array();
    od_page pg = od_page_start(q->limit, q->offset);
    if (!rc)
        rc = od_tx_begin(a->store, false, &tx, e);
    if (!rc)
        rc = od_search_run(tx, OD_SEARCH_SOURCE_KE, search ? q->q : "", &hits, e);
    int pub = q->event_id ? 1 : q->published;
    od_rows *r = NULL;
    if (!rc)
        rc = od_tx_query(tx, OD_Q_KE_LIST, &r, e,
                         OD_BINDS(OD_INT(pub), OD_INT(pub), OD_INT(q->ci_id), OD_INT(q->ci_id)));
    bool row = false;
    while (!rc && !(rc = od_rows_step(r, &row)) && row) {
        int64_t id = od_rows_int(r, 0);
        const char *snip = "";
        bool ok = od_search_hit(&hits, id, &snip) && (!who || od_principal_in_scope(who, od_rows_text(r, 4)));
        if (ok && q->event_id)
            rc = row_matches(tx, r, id, &ms, &ok, e);
        if (!rc && od_page_take(&pg, ok))
            json_array_append_new(items, fn(tx, r, snip));
    }
    od_rows_close(r);
    od_tx_rollback(tx);
    od_search_hits_free(&hits);
    json_decref(st->holder);
    free(st);
    return od_list_done(rc, items, pg.seen, q->limit, q->offset, out, e);
}

od_err od_ke_list(od_app *a, const od_principal *who, const od_ke_query *q, json_t **out, od_error *e)
{
    return ke_rows(a, who, q, full_item, false, out, e);
}

od_err od_ke_search(od_app *a, const od_principal *who, const od_ke_query *q, json_t **out, od_error *e)
{
    return ke_rows(a, who, q, search_item, true, out, e);
}

/* ---- matching ---- */

/* The published known errors matching ms, who may see: {items, total}. */
static od_err matches(od_tx *tx, const od_principal *who, const ke_matchset *ms, int64_t incident_id,
                      int64_t limit, int64_t offset, json_t **out, od_error *e)
{
    json_t *items = json_array();
    od_rows *r = NULL;
    bool row = false;
    od_err rc = od_tx_query(tx, OD_Q_KE_LIST, &r, e, OD_BINDS(OD_INT(1), OD_INT(1), OD_INT(0), OD_INT(0)));
    while (!rc && !(rc = od_rows_step(r, &row)) && row) {
        int64_t id = od_rows_int(r, 0);
        bool ok = !who || od_principal_in_scope(who, od_rows_text(r, 4));
        if (ok)
            rc = row_matches(tx, r, id, ms, &ok, e);
        if (!rc && ok)
            json_array_append_new(items, hit_json(r, ""));
    }
    od_rows_close(r);
    /* which of them were applied on the incident already */
    if (!rc && incident_id) {
        rc = od_tx_query(tx, OD_Q_KE_USES_OF_INCIDENT, &r, e, OD_BINDS(OD_INT(incident_id)));
        size_t i;
        json_t *it;
        json_array_foreach(items, i, it) json_object_set_new(it, "applied", json_false());
        while (!rc && !(rc = od_rows_step(r, &row)) && row)
            json_array_foreach(items, i,
                               it) if (json_integer_value(json_object_get(it, "id")) == od_rows_int(r, 0))
                json_object_set_new(it, "applied", json_true());
        od_rows_close(r);
    }
    /* the page */
    int64_t total = (int64_t)json_array_size(items);
    json_t *page = json_array();
    for (int64_t i = offset; !rc && i < total && (limit < 0 || i < offset + limit); i++)
        json_array_append(page, json_array_get(items, (size_t)i));
    json_decref(items);
    return od_list_done(rc, page, total, limit, offset, out, e);
}

od_err od_ke_for_event(od_app *a, const od_principal *who, int64_t event_id, int64_t limit, int64_t offset,
                       json_t **out, od_error *e)
{
    *out = NULL;
    ms_store *st = calloc(1, sizeof *st);
    if (!st)
        return od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    ke_matchset ms;
    od_tx *tx = NULL;
    od_err rc = event_matchset(a, who, event_id, st, &ms, e);
    if (!rc)
        rc = od_tx_begin(a->store, false, &tx, e);
    if (!rc)
        rc = matches(tx, who, &ms, 0, limit, offset, out, e);
    od_tx_rollback(tx);
    json_decref(st->holder);
    free(st);
    return rc;
}

od_err od_ke_for_incident(od_app *a, const od_principal *who, int64_t incident_id, int64_t limit,
                          int64_t offset, json_t **out, od_error *e)
{
    *out = NULL;
    json_t *inc = NULL, *evl = json_array();
    od_err rc = od_incident_get(a, who, incident_id, &inc, e);
    ms_store *st = rc ? NULL : calloc(1, sizeof *st);
    if (!rc && !st)
        rc = od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    od_tx *tx = NULL;
    if (!rc)
        rc = od_tx_begin(a->store, false, &tx, e);
    ke_matchset ms = {0};
    if (!rc) {
        /* the incident's own labels, then up to 3 of its events' */
        json_t *own =
            json_pack("{ss ss}", "title", json_string_value(json_object_get(inc, "title")), "symptoms",
                      json_string_value(json_object_get(inc, "symptoms"))
                          ? json_string_value(json_object_get(inc, "symptoms"))
                          : "");
        json_array_append_new(evl, own ? own : json_object());
        od_rows *r = NULL;
        bool row = false;
        rc = od_tx_query(tx, OD_Q_KE_INC_EVENT_LABELS, &r, e, OD_BINDS(OD_INT(incident_id)));
        while (!rc && !(rc = od_rows_step(r, &row)) && row && json_array_size(evl) < 4) {
            json_t *l = json_loads(od_rows_text(r, 0), 0, NULL);
            if (json_is_object(l))
                json_array_append_new(evl, l);
            else
                json_decref(l);
        }
        od_rows_close(r);
        for (size_t i = 0; i < json_array_size(evl); i++)
            labels_of(json_array_get(evl, i), st->labels[i], OD_EVT_LABELS_MAX, &st->sets[i]);
        ms.sets = st->sets;
        ms.n_sets = json_array_size(evl);
        size_t i;
        json_t *c;
        json_array_foreach(json_object_get(inc, "cis"), i, c) if (ms.n_cis < 64) st->cis[ms.n_cis++] =
            json_integer_value(json_object_get(c, "id"));
        ms.cis = st->cis;
    }
    if (!rc)
        rc = matches(tx, who, &ms, incident_id, limit, offset, out, e);
    od_tx_rollback(tx);
    json_decref(inc);
    json_decref(evl);
    free(st);
    return rc;
}

/* ---- apply ---- */

od_err od_ke_apply(od_app *a, const od_principal *who, int64_t incident_id, int64_t ke_id, json_t **out,
                   od_error *e)
{
    *out = NULL;
    od_tx *tx = NULL;
    od_err rc = od_tx_begin(a->store, true, &tx, e);
    if (rc)
        return rc;
    rc = od_ke_apply_in(a, tx, who, incident_id, ke_id, out, e);
    if (!rc)
        rc = od_tx_commit(tx, e);
    else
        od_tx_rollback(tx);
    if (rc) {
        json_decref(*out);
        *out = NULL;
    }
    return rc;
}

od_err od_ke_apply_in(od_app *a, od_tx *tx, const od_principal *who, int64_t incident_id, int64_t ke_id,
                      json_t **out, od_error *e)
{
    *out = NULL;
    json_t *inc = NULL;
    od_err rc = od_incident_row_in(tx, who, incident_id, &inc, e);
    if (rc)
        return rc;
    ke_row k = {0};
    int64_t now = od_app_now(a), inc_rec = 0;
    rc = ke_load(tx, who, ke_id, &k, e);
    if (rc == OD_E_NOT_FOUND) {
        od_error_clear(e);
        rc = od_error_set(e, OD_E_UNPROCESSABLE, "ke_id", "已知错误 %lld 不存在 (known error %lld not found)",
                          (long long)ke_id, (long long)ke_id);
    }
    if (!rc && !k.published)
        rc = od_error_set(e, OD_E_UNPROCESSABLE, "ke_id",
                          "已知错误 %lld 尚未发布 (known error %lld is not published)", (long long)ke_id,
                          (long long)ke_id);
    if (!rc)
        rc = od_tx_exec(
            tx, OD_Q_KE_USE_INSERT, e,
            OD_BINDS(OD_INT(ke_id), OD_INT(incident_id), OD_INT_NONZERO(who ? who->id : 0), OD_INT(now)));
    bool already = !rc && od_tx_changes(tx) == 0;
    const char *num = json_string_value(json_object_get(k.o, "number")),
               *inum = json_string_value(json_object_get(inc, "number"));
    bool linked = false;
    if (!rc && !already) {
        rc = od_tx_exec(tx, OD_Q_KE_USES_BUMP, e, OD_BINDS(OD_INT(ke_id)));
        if (!rc)
            rc = od_tx_scalar(tx, OD_Q_REC_OF_INCIDENT, &inc_rec, e, OD_BINDS(OD_INT(incident_id)));
        char text[512];
        json_t *d =
            json_pack("{sI ss sI ss}", "known_error_id", (json_int_t)ke_id, "known_error", num ? num : "",
                      "incident_id", (json_int_t)incident_id, "incident", inum ? inum : "");
        snprintf(text, sizeof text,
                 "应用已知错误 %s 的临时解决办法 (applied the workaround of known error %s)", num ? num : "",
                 num ? num : "");
        if (!rc)
            rc = od_record_timeline_add(tx, inc_rec, now, who, "known_error", d, text, e);
        snprintf(text, sizeof text, "临时解决办法用于事件 %s (workaround used on incident %s)",
                 inum ? inum : "", inum ? inum : "");
        if (!rc)
            rc = od_record_timeline_add(tx, ke_id, now, who, "known_error_use", d, text, e);
        json_decref(d);
        int64_t have = 0, lid = 0;
        if (!rc && k.problem_id)
            rc = od_tx_scalar(tx, OD_Q_KE_LINK_COUNT, &have, e,
                              OD_BINDS(OD_INT(inc_rec), OD_INT(k.problem_id), OD_TEXT("caused_by")));
        if (!rc && k.problem_id && have == 0) {
            rc = od_tx_insert(tx, OD_Q_RLINK_INSERT, &lid, e,
                              OD_BINDS(OD_INT(inc_rec), OD_INT(k.problem_id), OD_TEXT("caused_by"),
                                       OD_TEXT("problem"),
                                       OD_TEXT(json_string_value(json_object_get(k.o, "problem_number"))),
                                       OD_TEXT("active"), OD_INT_NONZERO(who ? who->id : 0), OD_INT(now)));
            linked = !rc;
        }
        json_t *after = json_pack("{sI ss sI sb}", "known_error_id", (json_int_t)ke_id, "known_error",
                                  num ? num : "", "problem_id", (json_int_t)k.problem_id, "linked", linked);
        if (!rc)
            rc = od_audit_append(tx, now, who, "known_error.apply", "incident", incident_id, NULL, after, e);
        json_decref(after);
    }
    if (!rc) {
        *out =
            json_pack("{sb sb sI ss sI}", "applied", !already, "already", already, "known_error_id",
                      (json_int_t)ke_id, "workaround", json_string_value(json_object_get(k.o, "workaround")),
                      "incident_id", (json_int_t)incident_id);
        json_object_set(*out, "problem_id", json_object_get(k.o, "problem_id"));
        json_object_set_new(*out, "problem_linked", json_boolean(linked));
    }
    if (rc) {
        json_decref(*out);
        *out = NULL;
    }
    ke_row_free(&k);
    json_decref(inc);
    return rc;
}

/* ---- events that open or attach a problem (R-EVT-2) ---- */

od_err od_ke_event_problem(od_app *a, od_tx *tx, int64_t incident_id, int64_t ci_id, const char *rule,
                           const char *summary, int64_t now, int64_t *problem_id, od_error *e)
{
    *problem_id = 0;
    od_principal sys;
    od_principal_system(&sys);
    od_rows *r = NULL;
    bool row = false, created = false;
    char pnum[64] = "";
    int64_t pid = 0, rec = 0, have = 0, lid = 0;
    od_err rc = od_tx_query(tx, OD_Q_KE_OPEN_PROBLEM_OF_CI, &r, e, OD_BINDS(OD_INT(ci_id)));
    if (!rc && !(rc = od_rows_step(r, &row)) && row) {
        pid = od_rows_int(r, 0);
        snprintf(pnum, sizeof pnum, "%s", od_rows_text(r, 1));
    }
    od_rows_close(r);
    if (!rc && !pid) {
        char title[300];
        snprintf(title, sizeof title, "告警规则 %s：%s (event rule %s)", rule ? rule : "",
                 summary ? summary : "", rule ? rule : "");
        /* the workflow's create action as the system actor: the typed row
         * (source event_rule), recorded_at and the resolve clock */
        od_record_input in = {.kind = "problem", .title = title, .department = ""};
        json_t *fields = json_pack("{ss}", "source", "event_rule");
        rc = od_record_create_act_in(a, tx, &sys, &in, fields, &pid, e);
        json_decref(fields);
        if (!rc)
            rc =
                od_tx_exec(tx, OD_Q_RCI_INSERT, e,
                           OD_BINDS(OD_INT(pid), OD_INT(ci_id), OD_TEXT("affected"), OD_NULL(), OD_INT(now)));
        if (!rc) {
            rc = od_tx_query(tx, OD_Q_KE_REC_KIND, &r, e, OD_BINDS(OD_INT(pid)));
            if (!rc && !(rc = od_rows_step(r, &row)) && row)
                snprintf(pnum, sizeof pnum, "%s", od_rows_text(r, 1));
            od_rows_close(r);
        }
        created = true;
    }
    if (!rc)
        rc = od_tx_scalar(tx, OD_Q_REC_OF_INCIDENT, &rec, e, OD_BINDS(OD_INT(incident_id)));
    if (!rc)
        rc = od_tx_scalar(tx, OD_Q_KE_LINK_COUNT, &have, e,
                          OD_BINDS(OD_INT(rec), OD_INT(pid), OD_TEXT("caused_by")));
    if (!rc && have == 0) {
        rc = od_tx_insert(tx, OD_Q_RLINK_INSERT, &lid, e,
                          OD_BINDS(OD_INT(rec), OD_INT(pid), OD_TEXT("caused_by"), OD_TEXT("problem"),
                                   OD_TEXT(pnum), OD_TEXT("active"), OD_NULL(), OD_INT(now)));
        char text[600];
        snprintf(text, sizeof text, "%s告警规则 %s 关联事件 %lld (%s by event rule %s: incident %lld)",
                 created ? "新建问题，" : "", rule ? rule : "", (long long)incident_id,
                 created ? "opened" : "attached", rule ? rule : "", (long long)incident_id);
        json_t *d = json_pack("{ss sI sI}", "rule", rule ? rule : "", "incident_id", (json_int_t)incident_id,
                              "ci_id", (json_int_t)ci_id);
        if (!rc)
            rc = od_record_timeline_add(tx, pid, now, &sys, "event_rule", d, text, e);
        if (!rc)
            rc = od_audit_append(tx, now, &sys,
                                 created ? "problem.open_from_event" : "problem.attach_from_event", "record",
                                 pid, NULL, d, e);
        json_decref(d);
    }
    if (!rc)
        *problem_id = pid;
    return rc;
}
