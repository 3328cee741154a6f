/* problem_entries.c — a problem's entries (docs/problems.md; modules-spec
 * §M2): dated investigation notes, workarounds, root causes and reviews with
 * their author (table problem_entries, migration 0040).  A review entry
 * carries the structured review {what, why, prevent, actions[]}; a major
 * problem closes only once one exists (the computed flag review_entry the
 * policy's close guard asks for, problems.c).  A workaround or root-cause
 * entry is what the problem's typed field says (the resolve guards read the
 * field): the newest entry of the kind sets it, in the entry's transaction,
 * audited, the record's version bumped.  Entries are edited by their author
 * or the problem manager; the text replaced is kept as a revision row
 * (migration 0044), never lost. */
#include "app/problems.h"
#include "app/list.h"
#include "app/records_kernel.h"
#include "core/authz.h"
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
    json_object_set_new(o, "version", json_integer(1));
    json_object_set_new(o, "edited_at", json_null());
    json_object_set_new(o, "edited_by", json_null());
    json_object_set_new(o, "history", json_array());
    return o;
}

/* An entry from a row of PRBE_LIST / PRBE_GET. */
static json_t *entry_of_row(od_rows *r)
{
    json_t *rv = od_rows_null(r, 3) ? NULL : json_loads(od_rows_text(r, 3), 0, NULL);
    json_t *o = entry_json(od_rows_int(r, 0), od_rows_text(r, 1), od_rows_text(r, 2), rv,
                           od_rows_null(r, 4) ? 0 : od_rows_int(r, 4), od_rows_text(r, 5), od_rows_int(r, 6));
    json_decref(rv);
    json_object_set_new(o, "version", json_integer(od_rows_int(r, 7)));
    if (!od_rows_null(r, 8)) {
        json_object_set_new(o, "edited_at", od_rec_time(od_rows_int(r, 8)));
        json_object_set_new(o, "edited_by",
                            od_rows_null(r, 9) ? json_null() : json_string(od_rows_text(r, 9)));
    }
    return o;
}

/* Each entry of items gets the texts it had before (history, oldest first):
 * {version, text, review, replaced_by, replaced_at, reason}. */
static od_err attach_history(od_tx *tx, int64_t id, json_t *items, od_error *e)
{
    od_rows *r = NULL;
    bool row = false;
    od_err rc = od_tx_query(tx, OD_Q_PRBE_REVS, &r, e, OD_BINDS(OD_INT(id)));
    while (!rc && !(rc = od_rows_step(r, &row)) && row) {
        size_t i;
        json_t *it;
        json_array_foreach(items, i, it)
        {
            if (json_integer_value(json_object_get(it, "id")) != od_rows_int(r, 0))
                continue;
            json_t *rv = od_rows_null(r, 3) ? json_null() : json_loads(od_rows_text(r, 3), 0, NULL);
            json_array_append_new(
                json_object_get(it, "history"),
                json_pack("{sI ss so so so ss}", "version", (json_int_t)od_rows_int(r, 1), "text",
                          od_rows_text(r, 2), "review", rv ? rv : json_null(), "replaced_by",
                          od_rows_null(r, 4) ? json_null() : json_string(od_rows_text(r, 4)), "replaced_at",
                          od_rec_time(od_rows_int(r, 5)), "reason", od_rows_text(r, 6)));
        }
    }
    od_rows_close(r);
    return rc;
}

/* The typed field an entry of kind feeds, or NULL. */
static const char *fed_field(const char *kind)
{
    if (strcmp(kind, "workaround") == 0)
        return "workaround";
    if (strcmp(kind, "root_cause") == 0)
        return "root_cause";
    return NULL;
}

/* The problem's typed field set to text from entry entry_id: the record's
 * version bumped (x->version follows), a timeline entry "update" and the
 * audit record.update with the field before and after.  Nothing when the
 * field says text already. */
static od_err feed_field(od_tx *tx, const od_principal *who, od_rec *x, const char *field, const char *text,
                         int64_t entry_id, int64_t now, od_error *e)
{
    json_t *f = NULL;
    od_err rc = od_problem_ext.load(tx, x->id, &f, e);
    if (rc)
        return rc;
    const char *old = json_string_value(json_object_get(f, field));
    if (old && strcmp(old, text) == 0) {
        json_decref(f);
        return OD_OK;
    }
    json_t *before = json_pack("{ss}", field, old ? old : "");
    json_t *after = json_pack("{s{ss} sI}", "fields", field, text, "entry_id", (json_int_t)entry_id);
    json_object_set_new(f, field, json_string(text));
    rc = od_problem_ext.save(tx, x->id, f, e);
    if (!rc)
        rc = od_tx_exec(tx, OD_Q_KREC_BUMP, e, OD_BINDS(OD_INT(now), OD_INT(x->id), OD_INT(x->version)));
    if (!rc && od_tx_changes(tx) != 1)
        rc = od_error_set(
            e, OD_E_CONFLICT, "version",
            "记录已被他人修改，请刷新后重试 (the record was changed meanwhile; reload and retry)");
    if (!rc) {
        x->version++;
        char line[200];
        snprintf(line, sizeof line, "由条目 #%lld 更新字段 %s (field %s set from entry #%lld)",
                 (long long)entry_id, field, field, (long long)entry_id);
        rc = od_record_timeline_add(tx, x->id, now, who, "update", after, line, e);
    }
    if (!rc)
        rc = od_audit_append(tx, now, who, "record.update", "record", x->id, before, after, e);
    json_decref(before);
    json_decref(after);
    json_decref(f);
    return rc;
}

/* A closed or cancelled problem's entries are its record: nothing is added
 * or edited after closure (the typed fields they feed would change too). */
static od_err not_closed(const od_app *a, const od_rec *x, od_error *e)
{
    const od_wf_def *d = od_kernel_workflow(a->policy ? a->policy->kernel : NULL, "problem");
    int i = d ? od_wf_state_index(d, x->state) : -1;
    if (i >= 0 && d->states[i].category == OD_WF_CLOSED)
        return od_error_set(e, OD_E_CONFLICT, "state",
                            "问题已处于 %s 状态，条目不能再添加或修改 (the problem is %s: entries can no "
                            "longer be added or edited)",
                            x->state, x->state);
    return OD_OK;
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
        rc = not_closed(a, &x, e);
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
        /* a new entry is the newest of its kind: it sets the typed field */
        if (!rc && fed_field(kind))
            rc = feed_field(tx, who, &x, fed_field(kind), text, eid, now, e);
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
    while (!rc && !(rc = od_rows_step(r, &row)) && row)
        json_array_append_new(items, entry_of_row(r));
    od_rows_close(r);
    if (!rc)
        rc = attach_history(tx, id, items, e);
    od_rec_free(&x);
    od_tx_rollback(tx);
    return od_list_done(rc, items, total, limit, offset, out, e);
}

/* Entry entry_id of record id (404 naming it otherwise), with its history. */
static od_err entry_load(od_tx *tx, int64_t id, int64_t entry_id, json_t **out, od_error *e)
{
    *out = NULL;
    od_rows *r = NULL;
    bool row = false;
    od_err rc = od_tx_query(tx, OD_Q_PRBE_GET, &r, e, OD_BINDS(OD_INT(entry_id), OD_INT(id)));
    if (!rc)
        rc = od_rows_step(r, &row);
    if (!rc && row)
        *out = entry_of_row(r);
    od_rows_close(r);
    if (!rc && !row)
        rc = od_error_set(e, OD_E_NOT_FOUND, "entry_id", "条目 %lld 不存在 (entry %lld not found)",
                          (long long)entry_id, (long long)entry_id);
    if (!rc) {
        json_t *one = json_pack("[O]", *out);
        rc = attach_history(tx, id, one, e);
        json_decref(one);
    }
    if (rc) {
        json_decref(*out);
        *out = NULL;
    }
    return rc;
}

/* The entry's author, a problem manager, or the problem's own manager
 * (problem_manager_id) may edit it. */
static od_err may_edit(od_tx *tx, const od_principal *who, const od_rec *x, const json_t *entry, od_error *e)
{
    if (!who)
        return OD_OK; /* the system */
    if (who->id && json_integer_value(json_object_get(entry, "author_id")) == who->id)
        return OD_OK;
    if (who->roles & OD_ROLEBIT(OD_ROLE_PROBLEM_MANAGER))
        return OD_OK;
    json_t *f = NULL;
    od_err rc = od_problem_ext.load(tx, x->id, &f, e);
    bool own = !rc && who->id && json_integer_value(json_object_get(f, "problem_manager_id")) == who->id;
    json_decref(f);
    if (rc || own)
        return rc;
    return od_error_set(e, OD_E_FORBIDDEN, "entry_id",
                        "只有条目作者或问题经理可以修改条目 (only the entry's author or the problem manager "
                        "may edit it)");
}

static bool same_json(json_t *a, json_t *b)
{
    return (json_is_null(a) || !a) ? (json_is_null(b) || !b) : json_equal(a, b);
}

od_err od_problem_entry_edit(od_app *a, const od_principal *who, int64_t id, int64_t entry_id,
                             const od_problem_entry_change *in, json_t **out, od_error *e)
{
    *out = NULL;
    od_tx *tx = NULL;
    od_rec x;
    od_err rc = od_rec_begin(a, who, id, &tx, &x, e);
    if (rc)
        return rc;
    int64_t now = od_app_now(a);
    json_t *cur = NULL;
    rc = od_rec_must_be(x.o, id, "problem", "问题", "problem", e);
    if (!rc)
        rc = entry_load(tx, id, entry_id, &cur, e);
    if (!rc)
        rc = not_closed(a, &x, e);
    if (!rc)
        rc = may_edit(tx, who, &x, cur, e);
    int64_t version = cur ? (int64_t)json_integer_value(json_object_get(cur, "version")) : 0;
    if (!rc && in->version && in->version != version)
        rc = od_error_set(
            e, OD_E_CONFLICT, "version",
            "条目已被他人修改：您的版本为 %lld，当前版本为 %lld，请刷新后重试 (the entry was changed "
            "meanwhile: your version is %lld, the current version is %lld; reload and retry)",
            (long long)in->version, (long long)version, (long long)in->version, (long long)version);
    const char *kind = cur ? json_string_value(json_object_get(cur, "kind")) : "";
    json_t *old_review = cur ? json_object_get(cur, "review") : NULL;
    /* a review entry keeps its review unless a new one is sent */
    json_t *review = in->review && !json_is_null(in->review) ? in->review
                     : strcmp(kind, "review") == 0           ? old_review
                                                             : in->review;
    if (!rc)
        rc = entry_check(kind, in->text, review, e);
    if (!rc && strlen(in->reason ? in->reason : "") > 0 && blank(in->reason))
        rc = od_error_set(e, OD_E_UNPROCESSABLE, "reason", "reason 不能只含空白 (reason must not be blank)");
    const char *old_text = cur ? json_string_value(json_object_get(cur, "text")) : "";
    bool changed = !rc && (strcmp(old_text, in->text) != 0 || !same_json(old_review, review));
    if (changed) {
        char *orv = json_is_object(old_review) ? json_dumps(old_review, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
        char *nrv = json_is_object(review) ? json_dumps(review, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
        int64_t editor = who ? who->id : 0;
        /* the text replaced first: an edit never loses a word */
        rc = od_tx_exec(tx, OD_Q_PRBE_REV_INSERT, e,
                        OD_BINDS(OD_INT(entry_id), OD_INT(id), OD_INT(version), OD_TEXT(old_text),
                                 OD_TEXT(orv), OD_INT_NONZERO(editor), OD_INT(now),
                                 OD_TEXT(in->reason ? in->reason : "")));
        if (!rc)
            rc = od_tx_exec(tx, OD_Q_PRBE_UPDATE, e,
                            OD_BINDS(OD_TEXT(in->text), OD_TEXT(nrv), OD_INT(now), OD_INT_NONZERO(editor),
                                     OD_INT(entry_id), OD_INT(version)));
        if (!rc && od_tx_changes(tx) != 1)
            rc = od_error_set(
                e, OD_E_CONFLICT, "version",
                "条目已被他人修改，请刷新后重试 (the entry was changed meanwhile; reload and retry)");
        free(orv);
        free(nrv);
        int k = kind_index(kind);
        json_t *before =
            json_pack("{sI sI ss sO}", "entry_id", (json_int_t)entry_id, "version", (json_int_t)version,
                      "text", old_text, "review", old_review ? old_review : json_null());
        json_t *after =
            json_pack("{sI sI ss sO ss}", "entry_id", (json_int_t)entry_id, "version",
                      (json_int_t)version + 1, "text", in->text, "review",
                      json_is_object(review) ? review : json_null(), "reason", in->reason ? in->reason : "");
        json_t *data = json_pack("{sI ss sI}", "entry_id", (json_int_t)entry_id, "kind", kind, "version",
                                 (json_int_t)version + 1);
        const char *why = in->reason ? in->reason : "";
        size_t n = strlen(why) + 200; /* the whole reason: never cut inside a character */
        char *line = malloc(n);
        if (!line && !rc)
            rc = od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
        if (line)
            snprintf(line, n, "修改条目 #%lld · %s · %s edited%s%s", (long long)entry_id,
                     k >= 0 ? kinds[k].zh : kind, k >= 0 ? kinds[k].en : kind, *why ? "：" : "", why);
        if (!rc)
            rc = od_record_timeline_add(tx, id, now, who, "entry_edit", data, line, e);
        free(line);
        if (!rc)
            rc = od_audit_append(tx, now, who, "problem.entry_edit", "record", id, before, after, e);
        json_decref(before);
        json_decref(after);
        json_decref(data);
        /* the newest entry of its kind is what the typed field says */
        int64_t newest = 0;
        if (!rc && fed_field(kind))
            rc = od_tx_scalar(tx, OD_Q_PRBE_NEWEST_OF, &newest, e, OD_BINDS(OD_INT(id), OD_TEXT(kind)));
        if (!rc && newest == entry_id)
            rc = feed_field(tx, who, &x, fed_field(kind), in->text, entry_id, now, e);
    }
    json_decref(cur);
    cur = NULL;
    if (!rc)
        rc = entry_load(tx, id, entry_id, &cur, e);
    od_rec_free(&x);
    *out = cur;
    return od_rec_commit(tx, rc, out, e);
}
