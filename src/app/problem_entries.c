/* problem_entries.c — a problem's entries (docs/problems.md; modules-spec
 * §M2): dated investigation notes, workarounds, root causes and reviews with
 * their author (table problem_entries, migration 0040).  A review entry
 * carries the structured review {what, why, prevent, actions[]}; a major
 * problem closes only once one exists (the computed flag review_entry the
 * policy's close guard asks for, problems.c). */
#include "app/problems.h"
#include "app/list.h"
#include "app/records_int.h"
#include "util/utf8.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ENTRY_TEXT_MAX 8000
#define REVIEW_PART_MAX 4000
#define ACTIONS_MAX 32
#define ACTION_MAX 500

static const struct {
    const char *key, *zh, *en;
} kinds[] = {
    {"investigation", "调查记录", "Investigation"},
    {"workaround", "临时方案", "Workaround"},
    {"root_cause", "根本原因", "Root cause"},
    {"review", "复盘评估", "Review"},
};
#define NKINDS (sizeof kinds / sizeof *kinds)

static int kind_index(const char *k)
{
    for (size_t i = 0; k && i < NKINDS; i++)
        if (strcmp(kinds[i].key, k) == 0)
            return (int)i;
    return -1;
}

static bool blank(const char *s)
{
    for (; s && *s; s++)
        if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
            return false;
    return true;
}

static od_err text_part(json_t *o, const char *key, const char *name, od_error *e)
{
    json_t *v = json_object_get(o, key);
    const char *s = json_string_value(v);
    if (!s || blank(s) || od_utf8_count(s, json_string_length(v)) > REVIEW_PART_MAX)
        return od_error_set(
            e, OD_E_UNPROCESSABLE, name,
            "%s 须为不超过 4000 个字符的非空文本 (%s must be non-empty text of at most 4000 characters)",
            name, name);
    return OD_OK;
}

/* The structured review: {what, why, prevent, actions[]}, nothing else. */
static od_err review_check(json_t *rv, od_error *e)
{
    if (!json_is_object(rv))
        return od_error_set(e, OD_E_UNPROCESSABLE, "review",
                            "复盘评估须包含 what、why、prevent、actions (a review entry needs review: {what, "
                            "why, prevent, actions})");
    const char *key;
    json_t *v;
    json_object_foreach(
        rv, key, v) if (strcmp(key, "what") != 0 && strcmp(key, "why") != 0 && strcmp(key, "prevent") != 0 &&
                        strcmp(key, "actions") !=
                            0) return od_error_set(e, OD_E_UNPROCESSABLE, "review",
                                                   "review 中有未知字段 %s (unknown field review.%s)", key,
                                                   key);
    od_err rc = text_part(rv, "what", "review.what", e);
    if (!rc)
        rc = text_part(rv, "why", "review.why", e);
    if (!rc)
        rc = text_part(rv, "prevent", "review.prevent", e);
    if (rc)
        return rc;
    json_t *acts = json_object_get(rv, "actions");
    bool ok = json_is_array(acts) && json_array_size(acts) >= 1 && json_array_size(acts) <= ACTIONS_MAX;
    size_t i;
    json_t *a;
    json_array_foreach(acts, i, a)
    {
        const char *s = json_string_value(a);
        if (!s || blank(s) || od_utf8_count(s, json_string_length(a)) > ACTION_MAX)
            ok = false;
    }
    if (!ok)
        return od_error_set(
            e, OD_E_UNPROCESSABLE, "review.actions",
            "review.actions 须为 1–32 项非空文本，每项不超过 500 个字符 (review.actions must be "
            "1 to 32 non-empty texts of at most 500 characters each)");
    return OD_OK;
}

static od_err entry_check(const char *kind, const char *text, json_t *review, od_error *e)
{
    if (kind_index(kind) < 0)
        return od_error_set(e, OD_E_UNPROCESSABLE, "kind",
                            "kind 的取值不对 (kind must be one of: investigation, workaround, root_cause, "
                            "review)");
    if (!text || blank(text))
        return od_error_set(e, OD_E_UNPROCESSABLE, "text",
                            "缺少必填字段 text (required field text is missing)");
    if (od_utf8_count(text, strlen(text)) > ENTRY_TEXT_MAX)
        return od_error_set(e, OD_E_UNPROCESSABLE, "text",
                            "text 不能超过 8000 个字符 (text must be at most 8000 characters)");
    if (strcmp(kind, "review") == 0)
        return review_check(review, e);
    if (review && !json_is_null(review))
        return od_error_set(e, OD_E_UNPROCESSABLE, "review",
                            "只有复盘评估带 review (review is only for kind review)");
    return OD_OK;
}

static json_t *entry_json(int64_t id, const char *kind, const char *text, json_t *review, int64_t author_id,
                          const char *author, int64_t at)
{
    int k = kind_index(kind);
    json_t *o = json_pack("{sI ss ss ss ss so ss so}", "id", (json_int_t)id, "kind", kind, "kind_zh",
                          k >= 0 ? kinds[k].zh : kind, "kind_en", k >= 0 ? kinds[k].en : kind, "text", text,
                          "author_id", author_id ? json_integer(author_id) : json_null(), "author", author,
                          "created_at", od_rec_time(at));
    json_object_set(o, "review", json_is_object(review) ? review : json_null());
    return o;
}

od_err od_problem_entry_add(od_app *a, const od_principal *who, int64_t id, const char *kind,
                            const char *text, json_t *review, json_t **out, od_error *e)
{
    *out = NULL;
    od_tx *tx = NULL;
    od_rec x;
    od_err rc = od_rec_begin(a, who, id, &tx, &x, e);
    if (rc)
        return rc;
    int64_t now = od_app_now(a), eid = 0, author = who ? who->id : 0;
    rc = od_rec_must_be(x.o, id, "problem", "问题", "problem", e);
    if (!rc)
        rc = entry_check(kind, text, review, e);
    char *rv = !rc && json_is_object(review) ? json_dumps(review, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    if (!rc)
        rc = od_tx_insert(tx, OD_Q_PRBE_INSERT, &eid, e,
                          OD_BINDS(OD_INT(id), OD_TEXT(kind), OD_TEXT(text), OD_TEXT(rv),
                                   OD_INT_NONZERO(author), OD_INT(now)));
    free(rv);
    json_t *entry = NULL;
    if (!rc) {
        int k = kind_index(kind);
        entry = entry_json(eid, kind, text, review, author, who ? who->username : "", now);
        size_t n = strlen(text) + 64; /* the whole text: never cut inside a character */
        char *line = malloc(n);
        json_t *data = json_pack("{sI ss}", "entry_id", (json_int_t)eid, "kind", kind);
        if (!line)
            rc = od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
        else {
            snprintf(line, n, "%s · %s：%s", kinds[k].zh, kinds[k].en, text);
            rc = od_record_timeline_add(tx, id, now, who, "entry", data, line, e);
        }
        free(line);
        json_decref(data);
        if (!rc)
            rc = od_audit_append(tx, now, who, "problem.entry", "record", id, NULL, entry, e);
    }
    od_rec_free(&x);
    *out = entry;
    return od_rec_commit(tx, rc, out, e);
}

od_err od_problem_entries(od_app *a, const od_principal *who, int64_t id, int64_t limit, int64_t offset,
                          json_t **out, od_error *e)
{
    *out = NULL;
    od_tx *tx = NULL;
    od_rec x = {0};
    json_t *items = json_array();
    int64_t total = 0;
    od_err rc = od_tx_begin(a->store, false, &tx, e);
    if (rc) {
        json_decref(items);
        return rc;
    }
    rc = od_rec_load(tx, who, id, &x, e);
    if (!rc)
        rc = od_rec_must_be(x.o, id, "problem", "问题", "problem", e);
    if (!rc)
        rc = od_tx_scalar(tx, OD_Q_PRBE_COUNT, &total, e, OD_BINDS(OD_INT(id)));
    od_rows *r = NULL;
    bool row = false;
    if (!rc)
        rc = od_tx_query(tx, OD_Q_PRBE_LIST, &r, e, OD_BINDS(OD_INT(id), OD_INT(limit), OD_INT(offset)));
    while (!rc && !(rc = od_rows_step(r, &row)) && row) {
        json_t *rv = od_rows_null(r, 3) ? NULL : json_loads(od_rows_text(r, 3), 0, NULL);
        json_array_append_new(items, entry_json(od_rows_int(r, 0), od_rows_text(r, 1), od_rows_text(r, 2), rv,
                                                od_rows_null(r, 4) ? 0 : od_rows_int(r, 4),
                                                od_rows_text(r, 5), od_rows_int(r, 6)));
        json_decref(rv);
    }
    od_rows_close(r);
    od_rec_free(&x);
    od_tx_rollback(tx);
    return od_list_done(rc, items, total, limit, offset, out, e);
}
