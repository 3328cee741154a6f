/* training_sessions.c — training sessions and their results (courses.h;
 * docs/plans.md "Courses and sessions"): scheduled with attendees, read and
 * listed in the reader's department scope, and their attendance and
 * assessment recorded in one transaction that writes the attendees'
 * training records and certificates.  Statements: store/queries_courses.h,
 * TRN_USER of store/queries_training.h. */
#include "app/courses.h"
#include "app/courses_int.h"
#include "app/list.h"
#include "core/course.h"
#include "util/utf8.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static json_t *time_json(od_rows *r, int col)
{
    char t[OD_TIME_STR_MAX];
    return od_rows_null(r, col) ? json_null() : json_string(od_time_format(od_rows_int(r, col), t));
}

/* a row of SES_GET / SES_LIST / SES_ALL */
static json_t *session_row(od_rows *r)
{
    json_t *o = json_object();
    json_object_set_new(o, "id", json_integer(od_rows_int(r, 0)));
    json_object_set_new(o, "course_id", json_integer(od_rows_int(r, 1)));
    json_object_set_new(o, "course_title", json_string(od_rows_text(r, 2)));
    json_object_set_new(o, "hours", json_real((double)od_rows_int(r, 3) / 60.0));
    json_object_set_new(o, "starts_at", time_json(r, 4));
    json_object_set_new(o, "ends_at", time_json(r, 5));
    json_object_set_new(o, "trainer_id", json_integer(od_rows_int(r, 6)));
    json_object_set_new(o, "trainer_username", json_string(od_rows_text(r, 7)));
    json_object_set_new(o, "trainer_display_name", json_string(od_rows_text(r, 8)));
    json_object_set_new(o, "location", json_string(od_rows_text(r, 9)));
    json_object_set_new(o, "materials", json_string(od_rows_text(r, 10)));
    json_object_set_new(o, "results_at", time_json(r, 11));
    json_object_set_new(o, "results_by",
                        od_rows_null(r, 12) ? json_null() : json_string(od_rows_text(r, 12)));
    json_object_set_new(o, "created_by", json_string(od_rows_text(r, 13)));
    json_object_set_new(o, "created_at", time_json(r, 14));
    json_object_set_new(o, "attendee_count", json_integer(od_rows_int(r, 15)));
    return o;
}

static bool scoped(const od_principal *who)
{
    return who && who->n_scopes > 0;
}

/* The session id with its attendees (a scoped reader: those in scope;
 * OD_E_NOT_FOUND when none of them nor the trainer is).  *starts = its
 * start. */
static od_err session_load(od_tx *tx, const od_principal *who, int64_t id, json_t **out, int64_t *starts,
                           od_error *e)
{
    *out = NULL;
    od_rows *r = NULL;
    bool row = false, visible = !scoped(who);
    od_err rc = od_tx_query(tx, OD_Q_SES_GET, &r, e, OD_BINDS(OD_INT(id)));
    if (!rc)
        rc = od_rows_step(r, &row);
    if (!rc && row) {
        *out = session_row(r);
        if (starts)
            *starts = od_rows_int(r, 4);
        visible = visible || od_principal_in_scope(who, od_rows_text(r, 16));
    }
    od_rows_close(r);
    r = NULL;
    json_t *att = json_array();
    if (!rc && row)
        rc = od_tx_query(tx, OD_Q_ATT_LIST, &r, e, OD_BINDS(OD_INT(id)));
    while (!rc && row && !(rc = od_rows_step(r, &row)) && row) {
        if (scoped(who) && !od_principal_in_scope(who, od_rows_text(r, 3)))
            continue;
        visible = true;
        const char *as = od_rows_text(r, 5);
        json_array_append_new(att,
                              json_pack("{sI ss ss ss sb so so}", "user_id", (json_int_t)od_rows_int(r, 0),
                                        "username", od_rows_text(r, 1), "display_name", od_rows_text(r, 2),
                                        "department", od_rows_text(r, 3), "attended", od_rows_int(r, 4) != 0,
                                        "assessment", *as ? json_string(as) : json_null(), "score",
                                        od_rows_null(r, 6) ? json_null() : json_integer(od_rows_int(r, 6))));
    }
    od_rows_close(r);
    if (!rc && (!*out || !visible))
        rc = od_error_set(e, OD_E_NOT_FOUND, NULL, "培训场次 %lld 不存在 (training session %lld not found)",
                          (long long)id, (long long)id);
    if (rc) {
        json_decref(att);
        json_decref(*out);
        *out = NULL;
        return rc;
    }
    json_object_set_new(*out, "attendees", att);
    return OD_OK;
}

static bool chars_ok(const char *s, size_t max)
{
    return !s || od_utf8_count(s, strlen(s)) <= max;
}

/* OD_OK when uid is an enabled user; else 422 naming field. */
static od_err enabled_user(od_tx *tx, int64_t uid, const char *field, od_error *e)
{
    od_rows *r = NULL;
    bool row = false;
    od_err rc = od_tx_query(tx, OD_Q_TRN_USER, &r, e, OD_BINDS(OD_INT(uid)));
    if (!rc)
        rc = od_rows_step(r, &row);
    bool ok = !rc && row && od_rows_int(r, 1) == 0;
    od_rows_close(r);
    if (!rc && !ok)
        rc = od_error_set(e, OD_E_UNPROCESSABLE, field,
                          "用户 %lld 不存在或已停用 (user %lld not found or disabled)", (long long)uid,
                          (long long)uid);
    return rc;
}

/* The user_id of attendees[i] ({user_id, ...} with a positive integer),
 * 0 when malformed. */
static int64_t item_user(json_t *item)
{
    json_t *u = json_object_get(item, "user_id");
    return json_is_integer(u) && json_integer_value(u) > 0 ? json_integer_value(u) : 0;
}

static bool seen_before(json_t *list, size_t i, int64_t uid)
{
    for (size_t j = 0; j < i; j++)
        if (item_user(json_array_get(list, j)) == uid)
            return true;
    return false;
}

static od_err check_session(od_tx *tx, const od_session_input *in, int64_t *starts, int64_t *ends,
                            od_error *e)
{
    od_rows *r = NULL;
    bool row = false;
    od_err rc = od_tx_query(tx, OD_Q_CRS_GET, &r, e, OD_BINDS(OD_INT(in->course_id)));
    if (!rc)
        rc = od_rows_step(r, &row);
    bool active = !rc && row && od_rows_int(r, 6) != 0;
    od_rows_close(r);
    if (!rc && !active)
        rc = od_error_set(e, OD_E_UNPROCESSABLE, "course_id",
                          "课程 %lld 不存在或已停用 (course %lld not found or not active)",
                          (long long)in->course_id, (long long)in->course_id);
    if (rc)
        return rc;
    if (!in->starts_at || !od_time_parse(in->starts_at, starts))
        return od_error_set(e, OD_E_UNPROCESSABLE, "starts_at",
                            "缺少或无效 starts_at (starts_at missing or not RFC 3339)");
    if (!in->ends_at || !od_time_parse(in->ends_at, ends) || *ends <= *starts)
        return od_error_set(
            e, OD_E_UNPROCESSABLE, "ends_at",
            "结束时间须为晚于开始时间的 RFC 3339 时间 (ends_at must be an RFC 3339 time after starts_at)");
    rc = enabled_user(tx, in->trainer_id, "trainer_id", e);
    if (rc)
        return rc;
    if (!chars_ok(in->location, OD_SESSION_LOCATION_MAX))
        return od_error_set(e, OD_E_UNPROCESSABLE, "location",
                            "地点至多 %d 个字符 (location must be at most %d characters)",
                            OD_SESSION_LOCATION_MAX, OD_SESSION_LOCATION_MAX);
    if (!chars_ok(in->materials, OD_COURSE_TEXT_MAX))
        return od_error_set(e, OD_E_UNPROCESSABLE, "materials",
                            "培训资料至多 %d 个字符 (materials must be at most %d characters)",
                            OD_COURSE_TEXT_MAX, OD_COURSE_TEXT_MAX);
    if (json_array_size(in->attendees) > OD_SESSION_ATTENDEES_MAX)
        return od_error_set(e, OD_E_UNPROCESSABLE, "attendees", "学员至多 %d 人 (at most %d attendees)",
                            OD_SESSION_ATTENDEES_MAX, OD_SESSION_ATTENDEES_MAX);
    json_t *v;
    size_t i;
    json_array_foreach(in->attendees, i, v)
    {
        int64_t uid = item_user(v);
        if (!json_is_object(v) || json_object_size(v) != 1 || !uid)
            return od_error_set(
                e, OD_E_UNPROCESSABLE, "attendees",
                "attendees 第 %zu 项须为 {user_id}，user_id 为正整数 (attendees item %zu must be "
                "{user_id} with a positive integer)",
                i + 1, i + 1);
        if (seen_before(in->attendees, i, uid))
            return od_error_set(e, OD_E_UNPROCESSABLE, "attendees",
                                "学员 %lld 重复 (attendee %lld is listed twice)", (long long)uid,
                                (long long)uid);
        rc = enabled_user(tx, uid, "attendees", e);
        if (rc)
            return rc;
    }
    return OD_OK;
}

od_err od_session_create(od_app *a, const od_principal *who, const od_session_input *in, json_t **out,
                         od_error *e)
{
    *out = NULL;
    int64_t now = od_app_now(a), starts = 0, ends = 0, id = 0;
    od_tx *tx = NULL;
    od_err rc = od_tx_begin(a->store, true, &tx, e);
    if (rc)
        return rc;
    rc = check_session(tx, in, &starts, &ends, e);
    if (!rc)
        rc = od_tx_insert(tx, OD_Q_SES_INSERT, &id, e,
                          OD_BINDS(OD_INT(in->course_id), OD_INT(starts), OD_INT(ends),
                                   OD_INT(in->trainer_id), OD_TEXT(in->location ? in->location : ""),
                                   OD_TEXT(in->materials ? in->materials : ""), OD_TEXT(who->username),
                                   OD_INT(now)));
    json_t *v;
    size_t i;
    json_array_foreach(in->attendees, i, v)
    {
        if (rc)
            break;
        rc = od_tx_exec(tx, OD_Q_ATT_INSERT, e, OD_BINDS(OD_INT(id), OD_INT(item_user(v))));
    }
    if (!rc)
        rc = session_load(tx, NULL, id, out, NULL, e);
    if (!rc)
        rc = od_audit_append(tx, now, who, "training_session.create", "training_session", id, NULL, *out, e);
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

od_err od_session_get(od_app *a, const od_principal *who, int64_t id, json_t **out, od_error *e)
{
    *out = NULL;
    od_tx *tx = NULL;
    od_err rc = od_tx_begin(a->store, false, &tx, e);
    if (rc)
        return rc;
    rc = session_load(tx, who, id, out, NULL, e);
    od_tx_rollback(tx);
    return rc;
}

/* A scoped reader's visible sessions: {"<id>": true} for the sessions with
 * an attendee of a department in scope. */
static od_err attendee_scope(od_tx *tx, const od_principal *who, json_t **ids, od_error *e)
{
    *ids = json_object();
    od_rows *r = NULL;
    bool row = false;
    od_err rc = od_tx_query(tx, OD_Q_SES_ATT_DEPTS, &r, e, OD_NOBINDS);
    while (!rc && !(rc = od_rows_step(r, &row)) && row)
        if (od_principal_in_scope(who, od_rows_text(r, 1))) {
            char k[32];
            snprintf(k, sizeof k, "%lld", (long long)od_rows_int(r, 0));
            json_object_set_new(*ids, k, json_true());
        }
    od_rows_close(r);
    return rc;
}

od_err od_session_list(od_app *a, const od_principal *who, int64_t course_id, int64_t limit, int64_t offset,
                       json_t **out, od_error *e)
{
    *out = NULL;
    od_tx *tx = NULL;
    od_err rc = od_tx_begin(a->store, false, &tx, e);
    if (rc)
        return rc;
    json_t *items = json_array();
    int64_t total = 0;
    od_rows *r = NULL;
    bool row = false;
    if (scoped(who)) {
        json_t *ids = NULL;
        od_page pg = od_page_start(limit, offset);
        rc = attendee_scope(tx, who, &ids, e);
        if (!rc)
            rc = od_tx_query(tx, OD_Q_SES_ALL, &r, e, OD_BINDS(OD_INT(course_id), OD_INT(course_id)));
        while (!rc && !(rc = od_rows_step(r, &row)) && row) {
            char k[32];
            snprintf(k, sizeof k, "%lld", (long long)od_rows_int(r, 0));
            bool visible = od_principal_in_scope(who, od_rows_text(r, 16)) || json_object_get(ids, k);
            if (od_page_take(&pg, visible))
                json_array_append_new(items, session_row(r));
        }
        od_rows_close(r);
        json_decref(ids);
        od_tx_rollback(tx);
        return od_list_done(rc, items, pg.seen, limit, offset, out, e);
    }
    rc = od_tx_scalar(tx, OD_Q_SES_COUNT, &total, e, OD_BINDS(OD_INT(course_id), OD_INT(course_id)));
    if (!rc)
        rc = od_tx_query(tx, OD_Q_SES_LIST, &r, e,
                         OD_BINDS(OD_INT(course_id), OD_INT(course_id), OD_INT(limit), OD_INT(offset)));
    while (!rc && !(rc = od_rows_step(r, &row)) && row)
        json_array_append_new(items, session_row(r));
    od_rows_close(r);
    od_tx_rollback(tx);
    return od_list_done(rc, items, total, limit, offset, out, e);
}

/* One attendee's result, checked. */
typedef struct result {
    int64_t uid, score; /* score -1 = none */
    bool attended;
    const char *assessment;
} result;

static od_err bad_item(od_error *e, size_t i, const char *zh, const char *en)
{
    return od_error_set(e, OD_E_UNPROCESSABLE, "attendees",
                        "attendees 第 %zu 项：%s (attendees item %zu: %s)", i + 1, zh, i + 1, en);
}

static od_err check_result(json_t *v, size_t i, json_t *session, result *out, od_error *e)
{
    static const char *const keys[] = {"user_id", "attended", "assessment", "score"};
    const char *k;
    json_t *x;
    if (!json_is_object(v))
        return bad_item(e, i, "须为对象", "must be an object");
    json_object_foreach(v, k, x)
    {
        bool known = false;
        for (size_t j = 0; j < sizeof keys / sizeof *keys; j++)
            known = known || strcmp(k, keys[j]) == 0;
        if (!known)
            return bad_item(e, i, "未知字段", "unknown field");
    }
    out->uid = item_user(v);
    json_t *at = json_object_get(v, "attended"), *as = json_object_get(v, "assessment"),
           *sc = json_object_get(v, "score");
    if (!out->uid)
        return bad_item(e, i, "user_id 须为正整数", "user_id must be a positive integer");
    bool listed = false;
    size_t j;
    json_array_foreach(json_object_get(session, "attendees"), j, x) listed =
        listed || json_integer_value(json_object_get(x, "user_id")) == out->uid;
    if (!listed)
        return bad_item(e, i, "该用户不是本场次的学员", "the user is not an attendee of the session");
    if (!json_is_boolean(at))
        return bad_item(e, i, "attended 须为 true 或 false", "attended must be true or false");
    out->attended = json_is_true(at);
    if (as && !json_is_string(as))
        return bad_item(e, i, "assessment 须为 pass、fail 或 absent",
                        "assessment must be pass, fail or absent");
    bool has_score = sc && !json_is_null(sc);
    if (has_score && !json_is_integer(sc))
        return bad_item(e, i, "score 须为 0 到 100 的整数", "score must be an integer from 0 to 100");
    switch (od_course_result_check(out->attended, json_string_value(as), has_score, json_integer_value(sc))) {
    case OD_COURSE_RESULT_OK:
        break;
    case OD_COURSE_RESULT_ASSESSMENT:
        return bad_item(e, i, "出席者的考核须为 pass 或 fail，缺席者为 absent",
                        "assessment must be pass or fail for who attended, absent for who did not");
    case OD_COURSE_RESULT_SCORE:
        return bad_item(e, i, "score 须为 0 到 100 的整数", "score must be an integer from 0 to 100");
    case OD_COURSE_RESULT_SCORE_ABSENT:
        return bad_item(e, i, "缺席者不能有成绩", "who did not attend has no score");
    }
    out->assessment = as ? json_string_value(as) : "absent";
    out->score = has_score ? json_integer_value(sc) : -1;
    return OD_OK;
}

/* Writes one attendee's result: attendance, the training record and the
 * certificates of a pass. */
static od_err apply_result(od_tx *tx, const od_principal *who, int64_t sid, int64_t starts, json_t *course,
                           const result *x, int64_t now, od_error *e)
{
    od_err rc = od_tx_exec(tx, OD_Q_ATT_SET, e,
                           OD_BINDS(OD_BOOL(x->attended), OD_TEXT(x->assessment),
                                    OD_INT_OR_NULL(x->score, x->score >= 0), OD_INT(sid), OD_INT(x->uid)));
    const char *title = json_string_value(json_object_get(course, "title"));
    int64_t minutes = llround(json_number_value(json_object_get(course, "hours")) * 60.0);
    if (!rc && od_course_earns_hours(x->attended))
        rc = od_tx_exec(tx, OD_Q_TRN_SES_UPSERT, e,
                        OD_BINDS(OD_INT(x->uid), OD_TEXT(title), OD_INT(minutes), OD_INT(starts),
                                 OD_TEXT(who->username), OD_INT(now), OD_INT(sid)));
    else if (!rc)
        rc = od_tx_exec(tx, OD_Q_TRN_SES_DELETE, e, OD_BINDS(OD_INT(sid), OD_INT(x->uid)));
    if (!rc)
        rc = od_tx_exec(tx, OD_Q_CERT_SES_DELETE, e, OD_BINDS(OD_INT(sid), OD_INT(x->uid)));
    if (rc || !od_course_earns_positions(x->attended, x->assessment))
        return rc;
    int64_t expires =
        od_course_qualified_until(starts, json_integer_value(json_object_get(course, "validity_months")));
    char number[48];
    snprintf(number, sizeof number, "TS-%lld-%lld", (long long)sid, (long long)x->uid);
    json_t *p;
    size_t i;
    json_array_foreach(json_object_get(course, "positions"), i, p)
    {
        rc = od_tx_exec(tx, OD_Q_CERT_SES_INSERT, e,
                        OD_BINDS(OD_INT(x->uid), OD_TEXT(json_string_value(p)), OD_TEXT(title),
                                 OD_TEXT(number), OD_INT(starts), OD_INT(expires), OD_TEXT(who->username),
                                 OD_INT(now), OD_INT(sid)));
        if (rc)
            break;
    }
    return rc;
}

od_err od_session_results(od_app *a, const od_principal *who, int64_t id, json_t *attendees, json_t **out,
                          od_error *e)
{
    *out = NULL;
    int64_t now = od_app_now(a), starts = 0, n_trn = 0, n_cert = 0;
    json_t *before = NULL, *course = NULL;
    result *xs = NULL;
    size_t n = json_array_size(attendees);
    od_tx *tx = NULL;
    od_err rc = od_tx_begin(a->store, true, &tx, e);
    if (rc)
        return rc;
    rc = session_load(tx, NULL, id, &before, &starts, e);
    if (!rc)
        rc = od_course_load(tx, json_integer_value(json_object_get(before, "course_id")), &course, e);
    if (!rc && now < starts)
        rc = od_error_set(e, OD_E_CONFLICT, NULL,
                          "场次尚未开始，不能记录结果 (the session has not started yet)");
    if (!rc && (n == 0 || n > OD_SESSION_ATTENDEES_MAX))
        rc = od_error_set(e, OD_E_UNPROCESSABLE, "attendees",
                          "attendees 须有 1 到 %d 项 (attendees must hold 1 to %d items)",
                          OD_SESSION_ATTENDEES_MAX, OD_SESSION_ATTENDEES_MAX);
    if (!rc && !(xs = calloc(n, sizeof *xs)))
        rc = od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    for (size_t i = 0; !rc && i < n; i++) {
        rc = check_result(json_array_get(attendees, i), i, before, &xs[i], e);
        if (!rc && seen_before(attendees, i, xs[i].uid))
            rc = bad_item(e, i, "该学员重复", "the attendee is listed twice");
    }
    for (size_t i = 0; !rc && i < n; i++)
        rc = apply_result(tx, who, id, starts, course, &xs[i], now, e);
    if (!rc)
        rc = od_tx_exec(tx, OD_Q_SES_RESULTS_MARK, e,
                        OD_BINDS(OD_INT(now), OD_TEXT(who->username), OD_INT(id)));
    if (!rc)
        rc = session_load(tx, NULL, id, out, NULL, e);
    if (!rc)
        rc = od_tx_scalar(tx, OD_Q_CERT_SES_COUNT, &n_cert, e, OD_BINDS(OD_INT(id)));
    if (!rc) {
        json_t *v;
        size_t i;
        json_array_foreach(json_object_get(*out, "attendees"), i, v) n_trn +=
            json_is_true(json_object_get(v, "attended"));
        json_object_set_new(*out, "trainings", json_integer(n_trn));
        json_object_set_new(*out, "certificates", json_integer(n_cert));
        rc = od_audit_append(tx, now, who, "training_session.results", "training_session", id, before, *out,
                             e);
    }
    if (!rc)
        rc = od_tx_commit(tx, e);
    else
        od_tx_rollback(tx);
    free(xs);
    json_decref(before);
    json_decref(course);
    if (rc) {
        json_decref(*out);
        *out = NULL;
    }
    return rc;
}
