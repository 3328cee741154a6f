/* courses.c — training courses (courses.h; docs/plans.md "Courses and
 * sessions"): created, changed, read and listed, each write audited.
 * Statements: store/queries_courses.h.  Sessions: training_sessions.c. */
#include "app/courses.h"
#include "app/courses_int.h"
#include "app/list.h"
#include "util/utf8.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static json_t *time_json(od_rows *r, int col)
{
    char t[OD_TIME_STR_MAX];
    return od_rows_null(r, col) ? json_null() : json_string(od_time_format(od_rows_int(r, col), t));
}

/* a row of CRS_GET / CRS_LIST */
static json_t *course_row(od_rows *r)
{
    json_t *o = json_object();
    json_t *pos = json_loads(od_rows_text(r, 3), 0, NULL);
    json_object_set_new(o, "id", json_integer(od_rows_int(r, 0)));
    json_object_set_new(o, "title", json_string(od_rows_text(r, 1)));
    json_object_set_new(o, "hours", json_real((double)od_rows_int(r, 2) / 60.0));
    json_object_set_new(o, "positions", json_is_array(pos) ? pos : json_array());
    if (pos && !json_is_array(pos))
        json_decref(pos);
    json_object_set_new(o, "description", json_string(od_rows_text(r, 4)));
    json_object_set_new(o, "validity_months", json_integer(od_rows_int(r, 5)));
    json_object_set_new(o, "active", json_boolean(od_rows_int(r, 6) != 0));
    json_object_set_new(o, "created_by", json_string(od_rows_text(r, 7)));
    json_object_set_new(o, "created_at", time_json(r, 8));
    json_object_set_new(o, "updated_at", time_json(r, 9));
    return o;
}

od_err od_course_load(od_tx *tx, int64_t id, json_t **out, od_error *e)
{
    *out = NULL;
    od_rows *r = NULL;
    bool row = false;
    od_err rc = od_tx_query(tx, OD_Q_CRS_GET, &r, e, OD_BINDS(OD_INT(id)));
    if (!rc)
        rc = od_rows_step(r, &row);
    if (!rc && !row)
        rc = od_error_set(e, OD_E_NOT_FOUND, NULL, "培训课程 %lld 不存在 (course %lld not found)",
                          (long long)id, (long long)id);
    if (!rc)
        *out = course_row(r);
    od_rows_close(r);
    return rc;
}

static bool chars_ok(const char *s, size_t min, size_t max)
{
    size_t n = s ? od_utf8_count(s, strlen(s)) : 0;
    return n >= min && n <= max;
}

static bool known_position(const od_readiness_policy *rp, const char *key)
{
    for (size_t i = 0; key && i < rp->n_positions; i++)
        if (strcmp(rp->positions[i].key, key) == 0)
            return true;
    return false;
}

/* The course's fields after the input is applied to cur (NULL = a new
 * course): checked, *positions = a new JSON text of the keys. */
typedef struct course_fields {
    const char *title, *description;
    int64_t minutes, validity;
    bool active;
    char *positions;
} course_fields;

static od_err check_course(const od_readiness_policy *rp, const od_course_input *in, json_t *cur,
                           course_fields *f, od_error *e)
{
    f->title = in->title ? in->title : json_string_value(json_object_get(cur, "title"));
    if (!chars_ok(f->title, 1, OD_COURSE_TITLE_MAX))
        return od_error_set(e, OD_E_UNPROCESSABLE, "title",
                            "课程名称须为 1 到 %d 个字符 (title must be 1 to %d characters)",
                            OD_COURSE_TITLE_MAX, OD_COURSE_TITLE_MAX);
    if (in->has_hours) {
        if (!od_course_hours_ok(in->hours, &f->minutes))
            return od_error_set(e, OD_E_UNPROCESSABLE, "hours",
                                "学时须大于 0 且不超过 %d 小时 (hours must be more than 0 and at most %d)",
                                OD_COURSE_HOURS_MAX, OD_COURSE_HOURS_MAX);
    } else if (cur) {
        f->minutes = llround(json_number_value(json_object_get(cur, "hours")) * 60.0);
    } else {
        return od_error_set(e, OD_E_UNPROCESSABLE, "hours",
                            "缺少必填字段 hours (required field hours is missing)");
    }
    f->description = in->description ? in->description
                     : cur           ? json_string_value(json_object_get(cur, "description"))
                                     : "";
    if (!chars_ok(f->description, 0, OD_COURSE_TEXT_MAX))
        return od_error_set(e, OD_E_UNPROCESSABLE, "description",
                            "课程说明至多 %d 个字符 (description must be at most %d characters)",
                            OD_COURSE_TEXT_MAX, OD_COURSE_TEXT_MAX);
    f->validity = in->has_validity ? in->validity_months
                  : cur            ? json_integer_value(json_object_get(cur, "validity_months"))
                                   : OD_COURSE_VALIDITY_DEFAULT;
    if (!od_course_validity_ok(f->validity))
        return od_error_set(e, OD_E_UNPROCESSABLE, "validity_months",
                            "有效期须为 1 到 %d 个月 (validity_months must be from 1 to %d)",
                            OD_COURSE_VALIDITY_MAX, OD_COURSE_VALIDITY_MAX);
    f->active = in->has_active ? in->active : cur ? json_is_true(json_object_get(cur, "active")) : true;
    json_t *pos = in->positions ? in->positions : cur ? json_object_get(cur, "positions") : NULL;
    json_t *keys = json_array(), *v;
    size_t i;
    json_array_foreach(pos, i, v)
    {
        const char *k = json_string_value(v);
        bool again = false;
        json_t *w;
        size_t j;
        json_array_foreach(keys, j, w) again = again || (k && strcmp(json_string_value(w), k) == 0);
        /* the keys stored before stay even when a later policy dropped one */
        if ((in->positions && !known_position(rp, k)) || again) {
            json_decref(keys);
            return od_error_set(
                e, OD_E_UNPROCESSABLE, "positions",
                "positions 第 %zu 项“%s”%s (positions item %zu \"%s\" %s)", i + 1, k ? k : "",
                again ? "重复" : "不是策略 readiness.positions 中的关键岗位", i + 1, k ? k : "",
                again ? "is repeated" : "is not a key position of the policy's readiness section");
        }
        json_array_append(keys, v);
    }
    f->positions = json_dumps(keys, JSON_COMPACT);
    json_decref(keys);
    if (!f->positions)
        return od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    return OD_OK;
}

od_err od_course_create(od_app *a, const od_principal *who, const od_course_input *in, json_t **out,
                        od_error *e)
{
    *out = NULL;
    int64_t now = od_app_now(a), id = 0;
    course_fields f = {0};
    od_err rc = check_course(&a->policy->readiness, in, NULL, &f, e);
    if (rc)
        return rc;
    od_tx *tx = NULL;
    rc = od_tx_begin(a->store, true, &tx, e);
    if (!rc) {
        rc = od_tx_insert(tx, OD_Q_CRS_INSERT, &id, e,
                          OD_BINDS(OD_TEXT(f.title), OD_INT(f.minutes), OD_TEXT(f.positions),
                                   OD_TEXT(f.description), OD_INT(f.validity), OD_BOOL(f.active),
                                   OD_TEXT(who->username), OD_INT(now), OD_INT(now)));
        if (!rc)
            rc = od_course_load(tx, id, out, e);
        if (!rc)
            rc =
                od_audit_append(tx, now, who, "training_course.create", "training_course", id, NULL, *out, e);
        if (!rc)
            rc = od_tx_commit(tx, e);
        else
            od_tx_rollback(tx);
    }
    free(f.positions);
    if (rc) {
        json_decref(*out);
        *out = NULL;
    }
    return rc;
}

od_err od_course_update(od_app *a, const od_principal *who, int64_t id, const od_course_input *in,
                        json_t **out, od_error *e)
{
    *out = NULL;
    int64_t now = od_app_now(a);
    course_fields f = {0};
    json_t *before = NULL;
    od_tx *tx = NULL;
    od_err rc = od_tx_begin(a->store, true, &tx, e);
    if (rc)
        return rc;
    rc = od_course_load(tx, id, &before, e);
    if (!rc)
        rc = check_course(&a->policy->readiness, in, before, &f, e);
    if (!rc)
        rc = od_tx_exec(tx, OD_Q_CRS_UPDATE, e,
                        OD_BINDS(OD_TEXT(f.title), OD_INT(f.minutes), OD_TEXT(f.positions),
                                 OD_TEXT(f.description), OD_INT(f.validity), OD_BOOL(f.active), OD_INT(now),
                                 OD_INT(id)));
    if (!rc)
        rc = od_course_load(tx, id, out, e);
    if (!rc)
        rc = od_audit_append(tx, now, who, "training_course.update", "training_course", id, before, *out, e);
    if (!rc)
        rc = od_tx_commit(tx, e);
    else
        od_tx_rollback(tx);
    free(f.positions);
    json_decref(before);
    if (rc) {
        json_decref(*out);
        *out = NULL;
    }
    return rc;
}

od_err od_course_get(od_app *a, const od_principal *who, int64_t id, json_t **out, od_error *e)
{
    (void)who; /* courses are not personal data: every reader sees them */
    od_tx *tx = NULL;
    *out = NULL;
    od_err rc = od_tx_begin(a->store, false, &tx, e);
    if (rc)
        return rc;
    rc = od_course_load(tx, id, out, e);
    od_tx_rollback(tx);
    return rc;
}

od_err od_course_list(od_app *a, const od_principal *who, bool active_only, int64_t limit, int64_t offset,
                      json_t **out, od_error *e)
{
    (void)who;
    *out = NULL;
    od_tx *tx = NULL;
    od_err rc = od_tx_begin(a->store, false, &tx, e);
    if (rc)
        return rc;
    json_t *items = json_array();
    int64_t total = 0;
    od_rows *r = NULL;
    bool row = false;
    rc = od_tx_scalar(tx, OD_Q_CRS_COUNT, &total, e, OD_BINDS(OD_BOOL(active_only)));
    if (!rc)
        rc = od_tx_query(tx, OD_Q_CRS_LIST, &r, e,
                         OD_BINDS(OD_BOOL(active_only), OD_INT(limit), OD_INT(offset)));
    while (!rc && !(rc = od_rows_step(r, &row)) && row)
        json_array_append_new(items, course_row(r));
    od_rows_close(r);
    od_tx_rollback(tx);
    return od_list_done(rc, items, total, limit, offset, out, e);
}
