/* cmdb.c — the graded CMDB (R-CI-1…5): configuration items, their grades as
 * the policy allows per category, relations, transitive impact, and the
 * inventory review.  Scope (R-SEC-SYS-2): a scoped principal sees and
 * changes only CIs of its departments. */
#include "app/app.h"
#include "app/cmdb_retire.h"
#include "app/list.h"
#include "app/plans.h"
#include "core/cmdb_vocab.h"
#include "util/join.h"
#include "util/utf8.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define IMPACT_MAX 10000

static json_t *ci_row_json(od_rows *r)
{
    char c[OD_TIME_STR_MAX], u[OD_TIME_STR_MAX], v[OD_TIME_STR_MAX];
    json_t *attrs = json_loads(od_rows_text(r, 7), 0, NULL);
    json_t *o =
        json_pack("{sI ss ss ss ss ss ss so ss ss}", "id", (json_int_t)od_rows_int(r, 0), "name",
                  od_rows_text(r, 1), "category", od_rows_text(r, 2), "grade", od_rows_text(r, 3),
                  "department", od_rows_text(r, 4), "environment", od_rows_text(r, 5), "location",
                  od_rows_text(r, 6), "attributes", attrs ? attrs : json_object(), "created_at",
                  od_time_format(od_rows_int(r, 10), c), "updated_at", od_time_format(od_rows_int(r, 11), u));
    json_object_set_new(o, "last_verified_at",
                        od_rows_null(r, 8) ? json_null() : json_string(od_time_format(od_rows_int(r, 8), v)));
    json_object_set_new(o, "verified_by", od_rows_null(r, 9) ? json_null() : json_integer(od_rows_int(r, 9)));
    char rt[OD_TIME_STR_MAX];
    json_object_set_new(o, "retired_at",
                        od_rows_null(r, 12) ? json_null()
                                            : json_string(od_time_format(od_rows_int(r, 12), rt)));
    json_object_set_new(o, "retired_reason",
                        od_rows_null(r, 12) ? json_null() : json_string(od_rows_text(r, 13)));
    return o;
}

static od_err ci_load(od_tx *tx, const od_principal *actor, int64_t id, json_t **out, od_error *e)
{
    od_rows *r = NULL;
    od_err rc = od_tx_query(tx, OD_Q_CI_GET, &r, e, OD_BINDS(OD_INT(id)));
    if (rc)
        return rc;
    bool row = false;
    rc = od_rows_step(r, &row);
    json_t *o = row ? ci_row_json(r) : NULL;
    od_rows_close(r);
    if (rc)
        return rc;
    if (!o || (actor && !od_principal_in_scope(actor, json_string_value(json_object_get(o, "department"))))) {
        json_decref(o);
        return od_error_set(e, OD_E_NOT_FOUND, NULL, "配置项 %lld 不存在 (CI %lld not found)", (long long)id,
                            (long long)id);
    }
    *out = o;
    return OD_OK;
}

od_err od_ci_load_grade(od_tx *tx, int64_t id, od_grade *grade, char *category, size_t catlen,
                        char *department, size_t deptlen, od_error *e)
{
    json_t *o = NULL;
    od_err rc = ci_load(tx, NULL, id, &o, e);
    if (rc)
        return rc;
    *grade = (od_grade)od_grade_parse(json_string_value(json_object_get(o, "grade")));
    if (category)
        snprintf(category, catlen, "%s", json_string_value(json_object_get(o, "category")));
    if (department)
        snprintf(department, deptlen, "%s", json_string_value(json_object_get(o, "department")));
    json_decref(o);
    return OD_OK;
}

/* Checks a complete CI (after merging a PATCH) against the policy. */
static od_err ci_validate(const od_app *a, const od_principal *actor, const od_ci_input *in, od_error *e)
{
    if (!in->name || !in->name[0] || od_utf8_count(in->name, strlen(in->name)) > 200)
        return od_error_set(e, OD_E_UNPROCESSABLE, "name",
                            "名称不能为空且不超过 200 个字符 (name is required, at most "
                            "200 characters)");
    const od_category *cat = od_policy_category(a->policy, in->category);
    if (!cat) {
        char keys[512];
        od_join kj = od_join_start(keys, sizeof keys, ", ");
        for (size_t i = 0; i < a->policy->n_categories; i++)
            od_join_add(&kj, a->policy->categories[i].key);
        return od_error_set(e, OD_E_UNPROCESSABLE, "category",
                            "未知类别 %s，可选：%s (unknown category %s; one of: %s)",
                            in->category ? in->category : "", keys, in->category ? in->category : "", keys);
    }
    int g = od_grade_parse(in->grade);
    if (g < 0 || !od_category_allows(cat, (od_grade)g)) {
        char allowed[64];
        od_join aj = od_join_start(allowed, sizeof allowed, ", ");
        for (int i = 0; i < OD_GRADE__COUNT; i++)
            if (od_category_allows(cat, (od_grade)i))
                od_join_add(&aj, od_grade_key((od_grade)i));
        return od_error_set(e, OD_E_UNPROCESSABLE, "grade",
                            "类别 %s（%s）不允许等级 %s，允许：%s (category %s allows grades %s, not %s)",
                            cat->key, cat->name_zh, in->grade ? in->grade : "", allowed, cat->key, allowed,
                            in->grade ? in->grade : "");
    }
    if (in->environment && od_ci_env_parse(in->environment) < 0)
        return od_error_set(e, OD_E_UNPROCESSABLE, "environment",
                            "环境须为 %s 之一 (environment must be one of %s)", od_ci_env_keys(),
                            od_ci_env_keys());
    if (in->attributes && !json_is_object(in->attributes))
        return od_error_set(e, OD_E_INVALID, "attributes",
                            "attributes 须为对象 (attributes must be an object)");
    if (!od_principal_in_scope(actor, in->department ? in->department : ""))
        return od_error_set(e, OD_E_FORBIDDEN, "department",
                            "部门 %s 不在您的权限范围内 (department %s is outside "
                            "your scope)",
                            in->department ? in->department : "", in->department ? in->department : "");
    return OD_OK;
}

static od_err commit_or_rollback(od_tx *tx, od_err rc, json_t **out, od_error *e)
{
    if (rc) {
        od_tx_rollback(tx);
        json_decref(*out);
        *out = NULL;
        return rc;
    }
    rc = od_tx_commit(tx, e);
    if (rc) {
        json_decref(*out);
        *out = NULL;
    }
    return rc;
}

od_err od_ci_create(od_app *a, const od_principal *actor, const od_ci_input *in, json_t **out, od_error *e)
{
    *out = NULL;
    od_err rc = ci_validate(a, actor, in, e);
    if (rc)
        return rc;
    od_tx *tx = NULL;
    int64_t now = od_app_now(a), id = 0;
    char *attrs =
        in->attributes ? json_dumps(in->attributes, JSON_COMPACT | JSON_SORT_KEYS) : NULL; /* NULL → "{}" */
    rc = od_tx_begin(a->store, true, &tx, e);
    if (rc) {
        free(attrs);
        return rc;
    }
    rc = od_tx_insert(tx, OD_Q_CI_INSERT, &id, e,
                      OD_BINDS(OD_TEXT(in->name), OD_TEXT(in->category), OD_TEXT(in->grade),
                               OD_TEXT(in->department ? in->department : ""),
                               OD_TEXT(in->environment ? in->environment : "production"),
                               OD_TEXT(in->location ? in->location : ""), OD_TEXT(attrs ? attrs : "{}"),
                               OD_INT(now), OD_INT(now)));
    free(attrs);
    if (rc == OD_E_CONFLICT) {
        od_error_clear(e);
        rc = od_error_set(e, OD_E_CONFLICT, "name", "配置项名称 %s 已存在 (a CI named %s exists)", in->name,
                          in->name);
    }
    if (!rc)
        rc = ci_load(tx, NULL, id, out, e);
    if (!rc)
        rc = od_audit_append(tx, now, actor, "ci.create", "ci", id, NULL, *out, e);
    return commit_or_rollback(tx, rc, out, e);
}

od_err od_ci_get(od_app *a, const od_principal *actor, int64_t id, json_t **out, od_error *e)
{
    od_tx *tx = NULL;
    od_rows *r = NULL;
    od_err rc = od_tx_begin(a->store, false, &tx, e);
    if (rc)
        return rc;
    rc = ci_load(tx, actor, id, out, e);
    if (!rc) {
        json_t *rels = json_array();
        rc = od_tx_query(tx, OD_Q_REL_OF_CI, &r, e, OD_BINDS(OD_INT(id), OD_INT(id)));
        bool row = false;
        while (!rc && !(rc = od_rows_step(r, &row)) && row)
            json_array_append_new(rels, json_pack("{sI sI ss sI ss ss}", "id", (json_int_t)od_rows_int(r, 0),
                                                  "source_id", (json_int_t)od_rows_int(r, 1), "type",
                                                  od_rows_text(r, 2), "target_id",
                                                  (json_int_t)od_rows_int(r, 3), "source_name",
                                                  od_rows_text(r, 4), "target_name", od_rows_text(r, 5)));
        od_rows_close(r);
        json_object_set_new(*out, "relations", rels);
        const od_category *cat =
            od_policy_category(a->policy, json_string_value(json_object_get(*out, "category")));
        int g = od_grade_parse(json_string_value(json_object_get(*out, "grade")));
        if (cat && g >= 0 && cat->guidance[g])
            json_object_set_new(*out, "grade_guidance", json_string(cat->guidance[g]));
    }
    od_tx_rollback(tx);
    if (rc) {
        json_decref(*out);
        *out = NULL;
    }
    return rc;
}

/* The CMDB list's filters, bound after the leading key and cursor of
 * CI_LIST* / CI_COUNT* (queries_lists.h). */
typedef struct ci_filter {
    const char *c, *g, *qq, *like;
    const char *qcat; /* the category whose name holds qq, or "" */
    int64_t after;
    int64_t all; /* 1: the retired CIs too */
} ci_filter;

/* A text filter of this many characters (Unicode) or more is served by the
 * full-text index (CI_LIST_TEXT / CI_COUNT_TEXT, migration 0043); shorter
 * ones by the LIKE terms of CI_LIST*. */
#define OD_CI_TEXT_MIN 3

static bool ci_by_text(const ci_filter *f)
{
    return od_utf8_count(f->qq, strlen(f->qq)) >= OD_CI_TEXT_MIN;
}

/* The CMDB's page: a text filter of 3 characters or more led by the
 * full-text index, else by the category, else the grade, else the id order. */
static od_err ci_rows(od_tx *tx, const ci_filter *f, int64_t limit, int64_t offset, od_rows **r, od_error *e)
{
    if (ci_by_text(f))
        return od_tx_query(tx, OD_Q_CI_LIST_TEXT, r, e,
                           OD_BINDS(OD_TEXT(f->qq), OD_TEXT(f->qcat), OD_INT(f->after), OD_TEXT(f->c),
                                    OD_TEXT(f->c), OD_TEXT(f->g), OD_TEXT(f->g), OD_TEXT(f->qq),
                                    OD_TEXT(f->like), OD_TEXT(f->like), OD_TEXT(f->like), OD_TEXT(f->like),
                                    OD_TEXT(f->qcat), OD_INT(f->all), OD_INT(limit), OD_INT(offset)));
    if (*f->c)
        return od_tx_query(tx, OD_Q_CI_LIST_CATEGORY, r, e,
                           OD_BINDS(OD_TEXT(f->c), OD_INT(f->after), OD_TEXT(f->c), OD_TEXT(f->c),
                                    OD_TEXT(f->g), OD_TEXT(f->g), OD_TEXT(f->qq), OD_TEXT(f->like),
                                    OD_TEXT(f->like), OD_TEXT(f->like), OD_TEXT(f->like), OD_TEXT(f->qcat),
                                    OD_INT(f->all), OD_INT(limit), OD_INT(offset)));
    if (*f->g)
        return od_tx_query(tx, OD_Q_CI_LIST_GRADE, r, e,
                           OD_BINDS(OD_TEXT(f->g), OD_INT(f->after), OD_TEXT(f->c), OD_TEXT(f->c),
                                    OD_TEXT(f->g), OD_TEXT(f->g), OD_TEXT(f->qq), OD_TEXT(f->like),
                                    OD_TEXT(f->like), OD_TEXT(f->like), OD_TEXT(f->like), OD_TEXT(f->qcat),
                                    OD_INT(f->all), OD_INT(limit), OD_INT(offset)));
    return od_tx_query(tx, OD_Q_CI_LIST, r, e,
                       OD_BINDS(OD_INT(f->after), OD_TEXT(f->c), OD_TEXT(f->c), OD_TEXT(f->g), OD_TEXT(f->g),
                                OD_TEXT(f->qq), OD_TEXT(f->like), OD_TEXT(f->like), OD_TEXT(f->like),
                                OD_TEXT(f->like), OD_TEXT(f->qcat), OD_INT(f->all), OD_INT(limit),
                                OD_INT(offset)));
}

/* Its total over every page, counted to cap rows; the leading filter alone
 * (or none) is answered by its index. */
static od_err ci_count(od_tx *tx, const ci_filter *f, int64_t cap, int64_t *total, od_error *e)
{
    if (!*f->qq && !(*f->c && *f->g)) {
        if (*f->c)
            return od_tx_scalar(tx, OD_Q_CI_COUNT_CATEGORY_ONLY, total, e,
                                OD_BINDS(OD_TEXT(f->c), OD_INT(f->all), OD_INT(cap)));
        if (*f->g)
            return od_tx_scalar(tx, OD_Q_CI_COUNT_GRADE_ONLY, total, e,
                                OD_BINDS(OD_TEXT(f->g), OD_INT(f->all), OD_INT(cap)));
        if (f->all)
            return od_tx_scalar(tx, OD_Q_CI_COUNT_ALL, total, e, OD_BINDS(OD_INT(cap)));
        return od_tx_scalar(tx, OD_Q_CI_COUNT_LIVE, total, e, OD_BINDS(OD_INT(cap)));
    }
    if (ci_by_text(f))
        return od_tx_scalar(tx, OD_Q_CI_COUNT_TEXT, total, e,
                            OD_BINDS(OD_TEXT(f->qq), OD_TEXT(f->qcat), OD_INT((int64_t)0), OD_TEXT(f->c),
                                     OD_TEXT(f->c), OD_TEXT(f->g), OD_TEXT(f->g), OD_TEXT(f->qq),
                                     OD_TEXT(f->like), OD_TEXT(f->like), OD_TEXT(f->like), OD_TEXT(f->like),
                                     OD_TEXT(f->qcat), OD_INT(f->all), OD_INT(cap)));
    if (*f->c)
        return od_tx_scalar(tx, OD_Q_CI_COUNT_CATEGORY, total, e,
                            OD_BINDS(OD_TEXT(f->c), OD_INT((int64_t)0), OD_TEXT(f->c), OD_TEXT(f->c),
                                     OD_TEXT(f->g), OD_TEXT(f->g), OD_TEXT(f->qq), OD_TEXT(f->like),
                                     OD_TEXT(f->like), OD_TEXT(f->like), OD_TEXT(f->like), OD_TEXT(f->qcat),
                                     OD_INT(f->all), OD_INT(cap)));
    if (*f->g)
        return od_tx_scalar(tx, OD_Q_CI_COUNT_GRADE, total, e,
                            OD_BINDS(OD_TEXT(f->g), OD_INT((int64_t)0), OD_TEXT(f->c), OD_TEXT(f->c),
                                     OD_TEXT(f->g), OD_TEXT(f->g), OD_TEXT(f->qq), OD_TEXT(f->like),
                                     OD_TEXT(f->like), OD_TEXT(f->like), OD_TEXT(f->like), OD_TEXT(f->qcat),
                                     OD_INT(f->all), OD_INT(cap)));
    return od_tx_scalar(tx, OD_Q_CI_COUNT, total, e,
                        OD_BINDS(OD_INT((int64_t)0), OD_TEXT(f->c), OD_TEXT(f->c), OD_TEXT(f->g),
                                 OD_TEXT(f->g), OD_TEXT(f->qq), OD_TEXT(f->like), OD_TEXT(f->like),
                                 OD_TEXT(f->like), OD_TEXT(f->like), OD_TEXT(f->qcat), OD_INT(f->all),
                                 OD_INT(cap)));
}

od_err od_ci_list(od_app *a, const od_principal *actor, const char *category, const char *grade,
                  const char *q, int64_t after_id, int64_t limit, int64_t offset, json_t **out, od_error *e)
{
    return od_ci_list_all(a, actor, category, grade, q, after_id, false, limit, offset, out, e);
}

od_err od_ci_list_all(od_app *a, const od_principal *actor, const char *category, const char *grade,
                      const char *q, int64_t after_id, bool include_retired, int64_t limit, int64_t offset,
                      json_t **out, od_error *e)
{
    *out = NULL;
    ci_filter f = {.c = category ? category : "",
                   .g = grade ? grade : "",
                   .qq = q ? q : "",
                   .qcat = "",
                   .after = after_id > 0 ? after_id : 0,
                   .all = include_retired ? 1 : 0};
    char *like = od_store_like_pattern(f.qq);
    if (!like)
        return od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    /* the text also finds the CIs of a category by its name ("数据库"):
     * the first category whose Chinese or English name holds it */
    for (size_t i = 0; *f.qq && i < a->policy->n_categories && !*f.qcat; i++) {
        const od_category *k = &a->policy->categories[i];
        if (strstr(k->name_zh, f.qq) || strstr(k->name_en, f.qq))
            f.qcat = k->key;
    }
    f.like = like;
    od_tx *tx = NULL;
    od_rows *r = NULL;
    int64_t total = 0, cap = od_list_count_cap(a, limit, offset), last = 0, n = 0;
    od_err rc = od_tx_begin(a->store, false, &tx, e);
    json_t *items = json_array();
    if (!rc && actor->n_scopes == 0)
        rc = ci_count(tx, &f, cap, &total, e);
    /* scoped principals: filter rows here; paginate over visible rows */
    od_page pg = od_page_start(limit, offset);
    if (!rc)
        rc = ci_rows(tx, &f, actor->n_scopes ? (int64_t)-1 : limit, actor->n_scopes ? (int64_t)0 : offset, &r,
                     e);
    bool row = false;
    /* scoped: visible rows are counted up to the cap too (the page is full by then) */
    while (!rc && !(actor->n_scopes && pg.seen >= cap) && !(rc = od_rows_step(r, &row)) && row)
        if (!actor->n_scopes || od_page_take(&pg, od_principal_in_scope(actor, od_rows_text(r, 4)))) {
            json_array_append_new(items, ci_row_json(r));
            last = od_rows_int(r, 0);
            n++;
        }
    od_rows_close(r);
    od_tx_rollback(tx);
    free(like);
    bool estimated = actor->n_scopes ? pg.seen >= cap : total >= cap;
    if (actor->n_scopes)
        total = pg.seen;
    rc = od_list_done(rc, items, total, limit, offset, out, e);
    if (rc)
        return rc;
    /* a full page may have a next one: it starts after its last id */
    if ((rc = od_list_mark(*out, estimated, "next_after_id", n >= limit ? json_integer(last) : NULL, e))) {
        json_decref(*out);
        *out = NULL;
    }
    return rc;
}

od_err od_ci_update(od_app *a, const od_principal *actor, int64_t id, const od_ci_input *in, json_t **out,
                    od_error *e)
{
    *out = NULL;
    od_tx *tx = NULL;
    json_t *before = NULL;
    int64_t now = od_app_now(a);
    od_err rc = od_tx_begin(a->store, true, &tx, e);
    if (rc)
        return rc;
    rc = ci_load(tx, actor, id, &before, e);
    if (!rc) {
#define PICK(f) (in->f ? in->f : json_string_value(json_object_get(before, #f)))
        od_ci_input m = {PICK(name),
                         PICK(category),
                         PICK(grade),
                         PICK(department),
                         PICK(environment),
                         PICK(location),
                         in->attributes ? in->attributes : json_object_get(before, "attributes")};
#undef PICK
        rc = ci_validate(a, actor, &m, e);
        char *attrs = rc ? NULL : json_dumps(m.attributes, JSON_COMPACT | JSON_SORT_KEYS);
        if (!rc)
            rc = od_tx_exec(tx, OD_Q_CI_UPDATE, e,
                            OD_BINDS(OD_TEXT(m.name), OD_TEXT(m.category), OD_TEXT(m.grade),
                                     OD_TEXT(m.department), OD_TEXT(m.environment), OD_TEXT(m.location),
                                     OD_TEXT(attrs ? attrs : "{}"), OD_INT(now), OD_INT(id)));
        free(attrs);
        if (rc == OD_E_CONFLICT) {
            od_error_clear(e);
            rc = od_error_set(e, OD_E_CONFLICT, "name", "配置项名称已存在 (a CI with that name exists)");
        }
    }
    if (!rc)
        rc = ci_load(tx, NULL, id, out, e);
    if (!rc)
        rc = od_audit_append(tx, now, actor, "ci.update", "ci", id, before, *out, e);
    /* a change to a CI in a plan's scope makes the plan's review due (seed 000 ch. 9 §1) */
    if (!rc)
        rc = od_plan_review_on_ci_change_in(a, tx, actor, id,
                                            json_string_value(json_object_get(*out, "name")), now, e);
    json_decref(before);
    return commit_or_rollback(tx, rc, out, e);
}

/* True in *cycle when `target` already depends on `id`, directly or through
 * others, over the edges impact and dependency suppression follow
 * (REL_DEPENDENTS): a new edge id → target would close a loop, and a loop
 * lets an alarm suppress itself.  Walks at most IMPACT_MAX CIs. */
static od_err depends_on_already(od_tx *tx, int64_t id, int64_t target, bool *cycle, od_error *e)
{
    *cycle = false;
    int64_t *queue = malloc(IMPACT_MAX * sizeof *queue);
    json_t *seen = json_object();
    if (!queue || !seen) {
        free(queue);
        json_decref(seen);
        return od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    }
    size_t head = 0, tail = 0;
    queue[tail++] = id;
    od_err rc = OD_OK;
    char key[32];
    while (!rc && head < tail && !*cycle) {
        od_rows *r = NULL;
        rc = od_tx_query(tx, OD_Q_REL_DEPENDENTS, &r, e, OD_BINDS(OD_INT(queue[head++])));
        bool row = false;
        while (!rc && !(rc = od_rows_step(r, &row)) && row) {
            int64_t s = od_rows_int(r, 0);
            snprintf(key, sizeof key, "%lld", (long long)s);
            if (json_object_get(seen, key))
                continue;
            json_object_set_new(seen, key, json_true());
            if (s == target)
                *cycle = true;
            else if (tail < IMPACT_MAX)
                queue[tail++] = s;
        }
        od_rows_close(r);
    }
    free(queue);
    json_decref(seen);
    return rc;
}

od_err od_ci_add_relation(od_app *a, const od_principal *actor, int64_t id, const char *type,
                          int64_t target_id, json_t **out, od_error *e)
{
    *out = NULL;
    if (od_ci_rel_parse(type) < 0)
        return od_error_set(e, OD_E_UNPROCESSABLE, "type", "关系类型须为 %s 之一 (type must be one of %s)",
                            od_ci_rel_keys(), od_ci_rel_keys());
    if (target_id == id)
        return od_error_set(e, OD_E_UNPROCESSABLE, "target_id",
                            "配置项不能与自身建立关系 (a CI cannot relate to itself)");
    od_tx *tx = NULL;
    json_t *src = NULL, *dst = NULL;
    int64_t now = od_app_now(a), rid = 0;
    od_err rc = od_tx_begin(a->store, true, &tx, e);
    if (rc)
        return rc;
    rc = ci_load(tx, actor, id, &src, e);
    if (!rc && !od_principal_in_scope(actor, json_string_value(json_object_get(src, "department"))))
        rc = od_error_set(e, OD_E_FORBIDDEN, NULL, "不在权限范围内 (outside your scope)");
    if (!rc) {
        rc = ci_load(tx, actor, target_id, &dst, e); /* out of scope = unknown, like a missing one */
        if (rc == OD_E_NOT_FOUND) {
            od_error_clear(e);
            rc = od_error_set(e, OD_E_UNPROCESSABLE, "target_id",
                              "目标配置项 %lld 不存在 (target CI %lld not found)", (long long)target_id,
                              (long long)target_id);
        }
    }
    /* a retired CI takes no new relation, either end */
    if (!rc)
        rc = od_ci_must_be_active(tx, id, json_string_value(json_object_get(src, "name")), "id", e);
    if (!rc)
        rc = od_ci_must_be_active(tx, target_id, json_string_value(json_object_get(dst, "name")), "target_id",
                                  e);
    /* R-CI-4: a dependency loop is refused (backs_up is no dependency) */
    bool cycle = false;
    if (!rc && od_ci_rel_parse(type) != OD_CI_REL_BACKS_UP)
        rc = depends_on_already(tx, id, target_id, &cycle, e);
    if (!rc && cycle) {
        const char *sn = json_string_value(json_object_get(src, "name")),
                   *tn = json_string_value(json_object_get(dst, "name"));
        rc = od_error_set(e, OD_E_UNPROCESSABLE, "target_id",
                          "%s 已经（直接或间接）依赖 %s，再加这条关系会形成依赖环 (%s already depends on %s: "
                          "this relation would close a dependency loop)",
                          tn, sn, tn, sn);
    }
    if (!rc)
        rc = od_tx_insert(tx, OD_Q_REL_INSERT, &rid, e,
                          OD_BINDS(OD_INT(id), OD_TEXT(type), OD_INT(target_id), OD_INT(now)));
    if (rc == OD_E_CONFLICT) {
        od_error_clear(e);
        rc = od_error_set(e, OD_E_CONFLICT, NULL, "该关系已存在 (the relation exists)");
    }
    if (!rc) {
        *out = json_pack("{sI sI ss sI}", "id", (json_int_t)rid, "source_id", (json_int_t)id, "type", type,
                         "target_id", (json_int_t)target_id);
        rc = od_audit_append(tx, now, actor, "ci.relate", "ci", id, NULL, *out, e);
    }
    json_decref(src);
    json_decref(dst);
    return commit_or_rollback(tx, rc, out, e);
}

od_err od_ci_remove_relation(od_app *a, const od_principal *actor, int64_t id, int64_t rel_id, od_error *e)
{
    od_tx *tx = NULL;
    json_t *src = NULL, *before = NULL;
    int64_t now = od_app_now(a);
    od_err rc = od_tx_begin(a->store, true, &tx, e);
    if (rc)
        return rc;
    rc = ci_load(tx, actor, id, &src, e);
    if (!rc && !od_principal_in_scope(actor, json_string_value(json_object_get(src, "department"))))
        rc = od_error_set(e, OD_E_FORBIDDEN, NULL, "不在权限范围内 (outside your scope)");
    od_rows *r = NULL;
    if (!rc)
        rc = od_tx_query(tx, OD_Q_REL_OF_CI, &r, e, OD_BINDS(OD_INT(id), OD_INT(id)));
    bool row = false;
    while (!rc && !before && !(rc = od_rows_step(r, &row)) && row)
        if (od_rows_int(r, 0) == rel_id && od_rows_int(r, 1) == id)
            before = json_pack("{sI sI ss sI ss ss}", "id", (json_int_t)rel_id, "source_id", (json_int_t)id,
                               "type", od_rows_text(r, 2), "target_id", (json_int_t)od_rows_int(r, 3),
                               "source_name", od_rows_text(r, 4), "target_name", od_rows_text(r, 5));
    od_rows_close(r);
    if (!rc && !before)
        rc = od_error_set(e, OD_E_NOT_FOUND, NULL, "配置项 %lld 没有关系 %lld (CI %lld has no relation %lld)",
                          (long long)id, (long long)rel_id, (long long)id, (long long)rel_id);
    if (!rc)
        rc = od_tx_exec(tx, OD_Q_REL_DELETE, e, OD_BINDS(OD_INT(rel_id), OD_INT(id)));
    if (!rc)
        rc = od_audit_append(tx, now, actor, "ci.unrelate", "ci", id, before, NULL, e);
    json_decref(src);
    json_decref(before);
    if (rc) {
        od_tx_rollback(tx);
        return rc;
    }
    return od_tx_commit(tx, e);
}

/* Breadth-first over "who depends on me" edges, each CI's dependents read by
 * their own query; `seen` stops cycles.  The answer od_ci_impact_text
 * writes from one statement when the edges fit in memory, and this walk
 * when they do not. */
od_err od_ci_impact(od_app *a, const od_principal *actor, int64_t id, json_t **out, od_error *e)
{
    *out = NULL;
    od_tx *tx = NULL;
    json_t *root = NULL;
    od_err rc = od_tx_begin(a->store, false, &tx, e);
    if (rc)
        return rc;
    rc = ci_load(tx, actor, id, &root, e);
    int64_t *queue = NULL, *depth = NULL;
    size_t head = 0, tail = 0, cap = 0;
    json_t *seen = json_object(), *items = json_array();
    char key[32];
#define PUSH(v, d)                                                                                           \
    do {                                                                                                     \
        if (tail == cap) {                                                                                   \
            cap = cap ? cap * 2 : 64;                                                                        \
            int64_t *nq = realloc(queue, cap * sizeof *queue), *ndp = realloc(depth, cap * sizeof *depth);   \
            if (nq)                                                                                          \
                queue = nq;                                                                                  \
            if (ndp)                                                                                         \
                depth = ndp;                                                                                 \
            if (!nq || !ndp) {                                                                               \
                rc = od_error_set(e, OD_E_NOMEM, NULL, "out of memory");                                     \
                break;                                                                                       \
            }                                                                                                \
        }                                                                                                    \
        queue[tail] = (v);                                                                                   \
        depth[tail++] = (d);                                                                                 \
    } while (0)
    if (!rc) {
        snprintf(key, sizeof key, "%lld", (long long)id);
        json_object_set_new(seen, key, json_true());
        PUSH(id, 0);
    }
    while (!rc && head < tail) {
        int64_t cur = queue[head], d = depth[head];
        head++;
        /* this CI's dependents, all of them, before any is loaded */
        struct dependent {
            int64_t id;
            char type[16];
        } *deps = NULL;
        size_t nd = 0, dcap = 0;
        od_rows *r = NULL;
        rc = od_tx_query(tx, OD_Q_REL_DEPENDENTS, &r, e, OD_BINDS(OD_INT(cur)));
        bool row = false;
        while (!rc && !(rc = od_rows_step(r, &row)) && row) {
            if (nd == dcap) {
                struct dependent *nv = realloc(deps, (dcap = dcap ? dcap * 2 : 64) * sizeof *deps);
                if (!nv) {
                    rc = od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
                    break;
                }
                deps = nv;
            }
            deps[nd].id = od_rows_int(r, 0);
            snprintf(deps[nd].type, sizeof deps[nd].type, "%s", od_rows_text(r, 1));
            nd++;
        }
        od_rows_close(r);
        for (size_t i = 0; !rc && i < nd; i++) {
            int64_t dep = deps[i].id;
            const char *type = deps[i].type;
            json_t *ci = NULL;
            snprintf(key, sizeof key, "%lld", (long long)dep);
            if (json_object_get(seen, key))
                continue;
            json_object_set_new(seen, key, json_true());
            if (json_array_size(items) >= IMPACT_MAX) {
                rc = od_error_set(e, OD_E_TOO_LARGE, NULL, "影响范围超过 %d 个配置项 (impact exceeds %d CIs)",
                                  IMPACT_MAX, IMPACT_MAX);
                break;
            }
            rc = ci_load(tx, NULL, dep, &ci, e);
            if (rc)
                break;
            json_object_set_new(ci, "depth", json_integer(d + 1));
            json_object_set_new(ci, "via", json_integer(cur));
            json_object_set_new(ci, "relation", json_string(type));
            /* a scoped principal is not shown CIs of other departments, but the
             * walk goes on through them to the in-scope CIs beyond */
            if (od_principal_in_scope(actor, json_string_value(json_object_get(ci, "department"))))
                json_array_append_new(items, ci);
            else
                json_decref(ci);
            PUSH(dep, d + 1);
        }
        free(deps);
    }
#undef PUSH
    free(queue);
    free(depth);
    json_decref(seen);
    od_tx_rollback(tx);
    if (rc) {
        json_decref(root);
        json_decref(items);
        return rc;
    }
    *out =
        json_pack("{so so sI}", "ci", root, "impacted", items, "count", (json_int_t)json_array_size(items));
    return OD_OK;
}

od_err od_ci_verify(od_app *a, const od_principal *actor, int64_t id, json_t **out, od_error *e)
{
    *out = NULL;
    od_tx *tx = NULL;
    json_t *before = NULL;
    int64_t now = od_app_now(a);
    od_err rc = od_tx_begin(a->store, true, &tx, e);
    if (rc)
        return rc;
    rc = ci_load(tx, actor, id, &before, e);
    if (!rc)
        rc = od_tx_exec(
            tx, OD_Q_CI_VERIFY, e,
            OD_BINDS(OD_INT(now), OD_INT_OR_NULL(actor->id, actor->id != 0), OD_INT(now), OD_INT(id)));
    if (!rc)
        rc = ci_load(tx, NULL, id, out, e);
    if (!rc)
        rc = od_audit_append(tx, now, actor, "ci.verify", "ci", id, before, *out, e);
    json_decref(before);
    return commit_or_rollback(tx, rc, out, e);
}

od_err od_ci_unverified(od_app *a, const od_principal *actor, const char *period, int64_t limit,
                        int64_t offset, json_t **out, od_error *e)
{
    int64_t span;
    if (!period || strcmp(period, "week") == 0)
        span = 7LL * 86400000;
    else if (strcmp(period, "month") == 0)
        span = 30LL * 86400000;
    else
        return od_error_set(e, OD_E_INVALID, "period",
                            "period 须为 week 或 month (period must be week or month)");
    int64_t since = od_app_now(a) - span;
    od_tx *tx = NULL;
    od_rows *r = NULL;
    od_err rc = od_tx_begin(a->store, false, &tx, e);
    if (rc)
        return rc;
    json_t *items = json_array();
    /* as od_ci_list: a scoped principal's page counts only CIs in scope */
    od_page pg = od_page_start(limit, offset);
    int64_t total = 0;
    if (!actor->n_scopes)
        rc = od_tx_scalar(tx, OD_Q_CI_UNVERIFIED_COUNT, &total, e, OD_BINDS(OD_INT(since)));
    if (!rc)
        rc = od_tx_query(tx, OD_Q_CI_UNVERIFIED, &r, e,
                         OD_BINDS(OD_INT(since), OD_INT(actor->n_scopes ? (int64_t)-1 : limit),
                                  OD_INT(actor->n_scopes ? (int64_t)0 : offset)));
    bool row = false;
    while (!rc && !(rc = od_rows_step(r, &row)) && row)
        if (!actor->n_scopes || od_page_take(&pg, od_principal_in_scope(actor, od_rows_text(r, 4))))
            json_array_append_new(items, ci_row_json(r));
    od_rows_close(r);
    od_tx_rollback(tx);
    if (rc) {
        json_decref(items);
        return rc;
    }
    if (actor->n_scopes)
        total = pg.seen;
    char t[OD_TIME_STR_MAX];
    *out = od_list_envelope(items, total, limit, offset);
    if (!*out)
        return od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    json_object_set_new(*out, "period", json_string(period ? period : "week"));
    json_object_set_new(*out, "since", json_string(od_time_format(since, t)));
    return OD_OK;
}

/* ---- retiring a CI (cmdb_retire.h) ---- */

od_err od_ci_must_be_active(od_tx *tx, int64_t id, const char *name, const char *field, od_error *e)
{
    od_rows *r = NULL;
    bool row = false, retired = false;
    char nm[OD_NAME_MAX] = "";
    od_err rc = od_tx_query(tx, OD_Q_CI_RETIRED_AT, &r, e, OD_BINDS(OD_INT(id)));
    if (!rc)
        rc = od_rows_step(r, &row);
    if (!rc && row) {
        retired = !od_rows_null(r, 0);
        snprintf(nm, sizeof nm, "%s", od_rows_text(r, 1));
        if (*nm)
            name = nm;
    }
    od_rows_close(r);
    if (!rc && retired)
        rc = od_error_set(e, OD_E_UNPROCESSABLE, field, "配置项 %s 已退役，不能再选用 (CI %s is retired)",
                          name && *name ? name : "?", name && *name ? name : "?");
    return rc;
}

od_err od_ci_retire(od_app *a, const od_principal *actor, int64_t id, const char *reason, json_t **out,
                    od_error *e)
{
    *out = NULL;
    size_t n = reason ? od_utf8_count(reason, strlen(reason)) : 0;
    if (!reason || n == 0 || strspn(reason, " \t\r\n") == strlen(reason))
        return od_error_set(e, OD_E_UNPROCESSABLE, "reason", "请说明退役原因 (a reason is required)");
    if (n > 500)
        return od_error_set(e, OD_E_UNPROCESSABLE, "reason",
                            "退役原因最多 500 个字符 (the reason is at most 500 characters)");
    od_tx *tx = NULL;
    json_t *before = NULL;
    int64_t now = od_app_now(a);
    od_err rc = od_tx_begin(a->store, true, &tx, e);
    if (rc)
        return rc;
    rc = ci_load(tx, actor, id, &before, e);
    if (!rc && !json_is_null(json_object_get(before, "retired_at")))
        rc = od_error_set(e, OD_E_CONFLICT, NULL, "配置项已退役 (the CI is already retired)");
    if (!rc)
        rc = od_tx_exec(tx, OD_Q_CI_RETIRE, e,
                        OD_BINDS(OD_INT(now), OD_TEXT(reason), OD_INT(now), OD_INT(id)));
    if (!rc && od_tx_changes(tx) != 1)
        rc = od_error_set(e, OD_E_CONFLICT, NULL, "配置项已退役 (the CI is already retired)");
    if (!rc)
        rc = ci_load(tx, NULL, id, out, e);
    if (!rc)
        rc = od_audit_append(tx, now, actor, "ci.retire", "ci", id, before, *out, e);
    json_decref(before);
    return commit_or_rollback(tx, rc, out, e);
}

od_err od_ci_unretire(od_app *a, const od_principal *actor, int64_t id, const char *reason, json_t **out,
                      od_error *e)
{
    *out = NULL;
    size_t n = reason ? od_utf8_count(reason, strlen(reason)) : 0;
    if (!reason || n == 0 || strspn(reason, " \t\r\n") == strlen(reason))
        return od_error_set(e, OD_E_UNPROCESSABLE, "reason", "请说明恢复使用的原因 (a reason is required)");
    if (n > 500)
        return od_error_set(e, OD_E_UNPROCESSABLE, "reason",
                            "恢复使用的原因最多 500 个字符 (the reason is at most 500 characters)");
    od_tx *tx = NULL;
    json_t *before = NULL, *after = NULL;
    int64_t now = od_app_now(a);
    od_err rc = od_tx_begin(a->store, true, &tx, e);
    if (rc)
        return rc;
    rc = ci_load(tx, actor, id, &before, e);
    if (!rc && json_is_null(json_object_get(before, "retired_at")))
        rc = od_error_set(e, OD_E_CONFLICT, NULL, "配置项未退役 (the CI is not retired)");
    if (!rc)
        rc = od_tx_exec(tx, OD_Q_CI_UNRETIRE, e, OD_BINDS(OD_INT(now), OD_INT(id)));
    if (!rc && od_tx_changes(tx) != 1)
        rc = od_error_set(e, OD_E_CONFLICT, NULL, "配置项未退役 (the CI is not retired)");
    if (!rc)
        rc = ci_load(tx, NULL, id, out, e);
    if (!rc && !(after = json_copy(*out)))
        rc = od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    if (!rc && json_object_set_new(after, "reason", json_string(reason)))
        rc = od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    if (!rc)
        rc = od_audit_append(tx, now, actor, "ci.unretire", "ci", id, before, after, e);
    json_decref(before);
    json_decref(after);
    return commit_or_rollback(tx, rc, out, e);
}

od_err od_ci_retirements(od_app *a, const od_principal *who, int64_t id, int64_t limit, int64_t offset,
                         json_t **out, od_error *e)
{
    *out = NULL;
    od_tx *tx = NULL;
    od_rows *r = NULL;
    json_t *ci = NULL, *items = json_array();
    int64_t total = 0;
    od_err rc =
        items ? od_tx_begin(a->store, false, &tx, e) : od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    if (rc) {
        json_decref(items);
        return rc;
    }
    rc = ci_load(tx, who, id, &ci, e); /* not found, or out of the reader's scope */
    if (!rc)
        rc = od_tx_query(tx, OD_Q_CI_RETIRE_HISTORY, &r, e, OD_BINDS(OD_INT(id), OD_INT(OD_CI_HISTORY_MAX)));
    bool row = false;
    /* one CI's history is short (each entry a person's act): read whole, paged here */
    while (!rc && !(rc = od_rows_step(r, &row)) && row) {
        if (total++ < offset || total > offset + limit)
            continue;
        char at[OD_TIME_STR_MAX];
        bool retire = strcmp(od_rows_text(r, 4), "ci.retire") == 0;
        /* the reason: the CI's retired_reason after a retirement, "reason" after a return */
        json_t *after = od_rows_null(r, 5) ? NULL : json_loads(od_rows_text(r, 5), 0, NULL);
        const char *why = json_string_value(json_object_get(after, retire ? "retired_reason" : "reason"));
        const char *name = od_rows_null(r, 6) ? "" : od_rows_text(r, 6);
        json_t *o = json_pack("{sI ss ss so ss ss ss}", "audit_id", (json_int_t)od_rows_int(r, 0), "action",
                              retire ? "retire" : "unretire", "at", od_time_format(od_rows_int(r, 1), at),
                              "actor_id", od_rows_null(r, 2) ? json_null() : json_integer(od_rows_int(r, 2)),
                              "actor", od_rows_text(r, 3), "actor_name", *name ? name : od_rows_text(r, 3),
                              "reason", why ? why : "");
        json_decref(after);
        if (!o || json_array_append_new(items, o))
            rc = od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    }
    od_rows_close(r);
    od_tx_rollback(tx);
    json_decref(ci);
    return od_list_done(rc, items, total, limit, offset, out, e);
}
