/* training.c — training records and readiness (training.h; docs/plans.md
 * "Training and readiness").  Rules: core/readiness.h; statements:
 * store/queries_training.h. */
#include "app/training.h"
#include "app/drills.h"
#include "app/list.h"
#include "core/readiness.h"
#include "util/clock.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static json_t *time_json(od_rows *r, int col)
{
    char t[OD_TIME_STR_MAX];
    return od_rows_null(r, col) ? json_null() : json_string(od_time_format(od_rows_int(r, col), t));
}

static json_t *hours_json(int64_t minutes)
{
    return json_real((double)minutes / 60.0);
}

/* a row of TRN_GET / TRN_LIST */
static json_t *training_row(od_rows *r)
{
    json_t *o = json_object();
    json_object_set_new(o, "id", json_integer(od_rows_int(r, 0)));
    json_object_set_new(o, "user_id", json_integer(od_rows_int(r, 1)));
    json_object_set_new(o, "username", json_string(od_rows_text(r, 2)));
    json_object_set_new(o, "display_name", json_string(od_rows_text(r, 3)));
    json_object_set_new(o, "topic", json_string(od_rows_text(r, 4)));
    json_object_set_new(o, "hours", hours_json(od_rows_int(r, 5)));
    json_object_set_new(o, "held_at", time_json(r, 6));
    json_object_set_new(o, "plan_id", od_rows_null(r, 7) ? json_null() : json_integer(od_rows_int(r, 7)));
    json_object_set_new(o, "created_by", json_string(od_rows_text(r, 8)));
    json_object_set_new(o, "created_at", time_json(r, 9));
    return o;
}

static od_err training_load(od_tx *tx, int64_t id, json_t **out, od_error *e)
{
    od_rows *r = NULL;
    bool row = false;
    od_err rc = od_tx_query(tx, OD_Q_TRN_GET, &r, e, OD_BINDS(OD_INT(id)));
    if (!rc)
        rc = od_rows_step(r, &row);
    if (!rc && !row)
        rc = od_error_set(e, OD_E_NOT_FOUND, NULL, "培训记录 %lld 不存在 (training %lld not found)",
                          (long long)id, (long long)id);
    if (!rc)
        *out = training_row(r);
    od_rows_close(r);
    return rc;
}

static od_err check_input(od_tx *tx, const od_training_input *in, int64_t now, int64_t *minutes,
                          int64_t *held, od_error *e)
{
    od_rows *r = NULL;
    bool row = false;
    od_err rc = od_tx_query(tx, OD_Q_TRN_USER, &r, e, OD_BINDS(OD_INT(in->user_id)));
    if (!rc)
        rc = od_rows_step(r, &row);
    bool disabled = !rc && row && od_rows_int(r, 1) != 0;
    od_rows_close(r);
    if (rc)
        return rc;
    if (!row || disabled)
        return od_error_set(e, OD_E_UNPROCESSABLE, "user_id",
                            "用户 %lld 不存在或已停用 (user %lld not found or disabled)",
                            (long long)in->user_id, (long long)in->user_id);
    if (!in->topic || !*in->topic)
        return od_error_set(e, OD_E_UNPROCESSABLE, "topic",
                            "缺少必填字段 topic (required field topic is missing)");
    double m = in->hours * 60.0;
    if (!(m >= 1.0 && m <= (double)OD_TRAINING_MINUTES_MAX))
        return od_error_set(e, OD_E_UNPROCESSABLE, "hours",
                            "培训时长须在 1 分钟到 24 小时之间 (hours must be from 1 minute to 24 hours)");
    *minutes = (int64_t)llround(m);
    if (!in->held_at || !od_time_parse(in->held_at, held))
        return od_error_set(e, OD_E_UNPROCESSABLE, "held_at",
                            "缺少或无效 held_at (held_at missing or not RFC 3339)");
    if (*held > now)
        return od_error_set(e, OD_E_UNPROCESSABLE, "held_at",
                            "培训日期不能晚于现在 (held_at must not be in the future)");
    if (in->plan_id) {
        rc = od_tx_query(tx, OD_Q_TRN_PLAN_KIND, &r, e, OD_BINDS(OD_INT(in->plan_id)));
        if (!rc)
            rc = od_rows_step(r, &row);
        bool plan = !rc && row && strcmp(od_rows_text(r, 0), "plan") == 0;
        od_rows_close(r);
        if (rc)
            return rc;
        if (!plan)
            return od_error_set(e, OD_E_UNPROCESSABLE, "plan_id", "预案 %lld 不存在 (plan %lld not found)",
                                (long long)in->plan_id, (long long)in->plan_id);
    }
    return OD_OK;
}

od_err od_training_create(od_app *a, const od_principal *who, const od_training_input *in, json_t **out,
                          od_error *e)
{
    *out = NULL;
    int64_t now = od_app_now(a), minutes = 0, held = 0, id = 0;
    od_tx *tx = NULL;
    od_err rc = od_tx_begin(a->store, true, &tx, e);
    if (rc)
        return rc;
    rc = check_input(tx, in, now, &minutes, &held, e);
    if (!rc)
        rc = od_tx_insert(tx, OD_Q_TRN_INSERT, &id, e,
                          OD_BINDS(OD_INT(in->user_id), OD_TEXT(in->topic), OD_INT(minutes), OD_INT(held),
                                   OD_INT_OR_NULL(in->plan_id, in->plan_id != 0), OD_TEXT(who->username),
                                   OD_INT(now)));
    if (!rc)
        rc = training_load(tx, id, out, e);
    if (!rc)
        rc = od_audit_append(tx, now, who, "training.create", "training", id, NULL, *out, e);
    if (!rc)
        return od_tx_commit(tx, e);
    od_tx_rollback(tx);
    json_decref(*out);
    *out = NULL;
    return rc;
}

od_err od_training_list(od_app *a, const od_principal *who, int64_t user_id, int64_t limit, int64_t offset,
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
    if (who && who->n_scopes > 0) { /* a scoped reader: the people of the departments in scope only */
        od_page pg = od_page_start(limit, offset);
        rc = od_tx_query(tx, OD_Q_DRLX_TRN_ALL, &r, e, OD_BINDS(OD_INT(user_id), OD_INT(user_id)));
        while (!rc && !(rc = od_rows_step(r, &row)) && row)
            if (od_page_take(&pg, od_principal_in_scope(who, od_rows_text(r, 10))))
                json_array_append_new(items, training_row(r));
        od_rows_close(r);
        od_tx_rollback(tx);
        if (rc) {
            json_decref(items);
            return rc;
        }
        *out = od_list_envelope(items, pg.seen, limit, offset);
        return OD_OK;
    }
    rc = od_tx_query(tx, OD_Q_TRN_COUNT, &r, e, OD_BINDS(OD_INT(user_id), OD_INT(user_id)));
    if (!rc && !(rc = od_rows_step(r, &row)) && row)
        total = od_rows_int(r, 0);
    od_rows_close(r);
    r = NULL;
    if (!rc)
        rc = od_tx_query(tx, OD_Q_TRN_LIST, &r, e,
                         OD_BINDS(OD_INT(user_id), OD_INT(user_id), OD_INT(limit), OD_INT(offset)));
    while (!rc && !(rc = od_rows_step(r, &row)) && row)
        json_array_append_new(items, training_row(r));
    od_rows_close(r);
    od_tx_rollback(tx);
    if (rc) {
        json_decref(items);
        return rc;
    }
    *out = od_list_envelope(items, total, limit, offset);
    return OD_OK;
}

typedef struct person {
    int64_t id, minutes, last_at;
    od_roleset roles;
    char *username, *display_name;
} person;

static json_t *roles_json(od_roleset roles)
{
    json_t *a = json_array();
    for (int i = 0; i < OD_ROLE__COUNT; i++)
        if (roles & OD_ROLEBIT(i))
            json_array_append_new(a, json_string(od_role_key((od_role)i)));
    return a;
}

static bool has_cert(json_t *valid, int64_t uid, const char *position)
{
    char key[160];
    snprintf(key, sizeof key, "%lld/%s", (long long)uid, position);
    return json_is_true(json_object_get(valid, key));
}

static json_t *readiness_json(const od_readiness_policy *rp, const person *ps, size_t n, int64_t now,
                              json_t *valid)
{
    char t[OD_TIME_STR_MAX];
    json_t *o = json_object(), *positions = json_array(), *gaps = json_array(), *under = json_array();
    json_object_set_new(o, "at", json_string(od_time_format(now, t)));
    json_object_set_new(o, "annual_hours", json_integer(rp->annual_hours));
    json_object_set_new(o, "window_months", json_integer(OD_TRAINING_WINDOW_MONTHS));
    for (size_t k = 0; k < rp->n_positions; k++) {
        const od_position *p = &rp->positions[k];
        json_t *po = json_object(), *people = json_array();
        int64_t q = 0;
        for (size_t i = 0; i < n; i++)
            if (od_readiness_qualified_cert(ps[i].roles, p->roles, ps[i].last_at, p->certificate_required,
                                            has_cert(valid, ps[i].id, p->key), now)) {
                q++;
                json_array_append_new(people, json_string(ps[i].username));
            }
        bool gap = od_readiness_gap(q, p->min_qualified);
        json_object_set_new(po, "key", json_string(p->key));
        json_object_set_new(po, "name_zh", json_string(p->name_zh));
        json_object_set_new(po, "name_en", json_string(p->name_en));
        json_object_set_new(po, "roles", roles_json(p->roles));
        json_object_set_new(po, "min_qualified", json_integer(p->min_qualified));
        json_object_set_new(po, "certificate_required", json_boolean(p->certificate_required));
        json_object_set_new(po, "qualified", json_integer(q));
        json_object_set_new(po, "people", people);
        json_object_set_new(po, "gap", json_boolean(gap));
        json_array_append_new(positions, po);
        if (gap)
            json_array_append_new(gaps, json_string(p->key));
    }
    for (size_t i = 0; i < n; i++)
        if (od_readiness_hours_short(ps[i].minutes, rp->annual_hours)) {
            json_t *u = json_object();
            json_object_set_new(u, "user_id", json_integer(ps[i].id));
            json_object_set_new(u, "username", json_string(ps[i].username));
            json_object_set_new(u, "display_name", json_string(ps[i].display_name));
            json_object_set_new(u, "hours", hours_json(ps[i].minutes));
            json_object_set_new(u, "short_by", hours_json((int64_t)rp->annual_hours * 60 - ps[i].minutes));
            json_array_append_new(under, u);
        }
    json_object_set_new(o, "positions", positions);
    json_object_set_new(o, "gaps", gaps);
    json_object_set_new(o, "under_hours", under);
    return o;
}

/* Inside tx: the key positions, gaps, people short of hours and expiring
 * certificates at now (od_readiness_get without the plans); who NULL = everyone. */
static od_err readiness_people(od_tx *tx, const od_readiness_policy *rp, const od_principal *who, int64_t now,
                               json_t **out, od_error *e)
{
    *out = NULL;
    od_err rc = OD_OK;
    person *ps = NULL;
    size_t n = 0, cap = 0;
    od_rows *r = NULL;
    bool row = false;
    rc = od_tx_query(tx, OD_Q_TRN_READINESS, &r, e,
                     OD_BINDS(OD_INT(od_training_window_floor(now)), OD_INT(now)));
    while (!rc && !(rc = od_rows_step(r, &row)) && row) {
        int64_t uid = od_rows_int(r, 0);
        if (!n || ps[n - 1].id != uid) {
            if (n == cap) {
                size_t nc = cap ? cap * 2 : 64;
                person *np = realloc(ps, nc * sizeof *np);
                if (!np) {
                    rc = od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
                    break;
                }
                ps = np;
                cap = nc;
            }
            ps[n] = (person){.id = uid,
                             .roles = (od_roleset)od_rows_int(r, 3),
                             .username = strdup(od_rows_text(r, 1)),
                             .display_name = strdup(od_rows_text(r, 2))};
            n++;
            if (!ps[n - 1].username || !ps[n - 1].display_name) {
                rc = od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
                break;
            }
        }
        if (od_rows_null(r, 4))
            continue;
        int64_t at = od_rows_int(r, 4);
        if (!od_training_counts(at, now))
            continue;
        person *p = &ps[n - 1];
        p->minutes += od_rows_int(r, 5);
        if (at > p->last_at)
            p->last_at = at;
    }
    od_rows_close(r);
    json_t *valid = NULL, *expiring = NULL, *scope = NULL;
    /* a scoped reader: the people of the departments in its scope only */
    if (!rc)
        rc = od_readiness_scope_users(tx, who, &scope, e);
    size_t kept = 0;
    for (size_t i = 0; i < n; i++)
        if (!rc && od_readiness_scope_has(scope, ps[i].id)) {
            ps[kept++] = ps[i];
        } else {
            free(ps[i].username);
            free(ps[i].display_name);
        }
    n = kept;
    if (!rc)
        rc = od_certificates_current(tx, now, &valid, &expiring, e);
    od_readiness_scope_filter(scope, expiring);
    json_decref(scope);
    if (!rc) {
        *out = readiness_json(rp, ps, n, now, valid);
        json_object_set_new(*out, "expiring", expiring);
        expiring = NULL;
    }
    json_decref(valid);
    json_decref(expiring);
    for (size_t i = 0; i < n; i++) {
        free(ps[i].username);
        free(ps[i].display_name);
    }
    free(ps);
    return rc;
}

od_err od_readiness_get(od_app *a, const od_principal *who, json_t **out, od_error *e)
{
    *out = NULL;
    int64_t now = od_app_now(a);
    od_tx *tx = NULL;
    od_err rc = od_tx_begin(a->store, false, &tx, e);
    if (rc)
        return rc;
    rc = readiness_people(tx, &a->policy->readiness, who, now, out, e);
    od_tx_rollback(tx);
    /* the emergency plans: review and yearly drill (app/drills.h) */
    json_t *plans = NULL;
    if (!rc)
        rc = od_plan_readiness_plans(a, who, now, &plans, e);
    if (!rc)
        json_object_set_new(*out, "plans", plans);
    if (rc) {
        json_decref(*out);
        *out = NULL;
    }
    return rc;
}

/* [start, end) of a calendar year in Beijing time (UTC+8) */
static void year_bounds(int year, int64_t *from, int64_t *to)
{
    char b[40];
    snprintf(b, sizeof b, "%04d-01-01T00:00:00+08:00", year);
    if (!od_time_parse(b, from))
        *from = 0;
    snprintf(b, sizeof b, "%04d-01-01T00:00:00+08:00", year + 1);
    if (!od_time_parse(b, to))
        *to = 0;
}

static json_t *year_row(od_rows *r, int annual_hours)
{
    int64_t minutes = od_rows_int(r, 4), target = (int64_t)annual_hours * 60;
    json_t *o = json_object();
    json_object_set_new(o, "user_id", json_integer(od_rows_int(r, 0)));
    json_object_set_new(o, "username", json_string(od_rows_text(r, 1)));
    json_object_set_new(o, "display_name", json_string(od_rows_text(r, 2)));
    json_object_set_new(o, "department", json_string(od_rows_text(r, 3)));
    json_object_set_new(o, "hours", hours_json(minutes));
    json_object_set_new(o, "short_by", hours_json(minutes < target ? target - minutes : 0));
    json_object_set_new(o, "met", json_boolean(!od_readiness_hours_short(minutes, annual_hours)));
    return o;
}

od_err od_training_hours(od_app *a, const od_principal *who, int year, int64_t limit, int64_t offset,
                         json_t **out, od_error *e)
{
    *out = NULL;
    if (year == 0) { /* the current year in Beijing time */
        char t[OD_TIME_STR_MAX];
        year = (int)strtol(od_time_format(od_app_now(a) + 8 * 3600 * 1000LL, t), NULL, 10);
    }
    if (year < OD_TRAINING_YEAR_MIN || year > OD_TRAINING_YEAR_MAX)
        return od_error_set(e, OD_E_INVALID, "year", "year 须在 %d 到 %d 之间 (year must be from %d to %d)",
                            OD_TRAINING_YEAR_MIN, OD_TRAINING_YEAR_MAX, OD_TRAINING_YEAR_MIN,
                            OD_TRAINING_YEAR_MAX);
    int annual = a->policy->readiness.annual_hours;
    int64_t from = 0, to = 0;
    year_bounds(year, &from, &to);
    od_tx *tx = NULL;
    od_err rc = od_tx_begin(a->store, false, &tx, e);
    if (rc)
        return rc;
    json_t *items = json_array();
    od_page pg = od_page_start(limit, offset);
    od_rows *r = NULL;
    bool row = false;
    bool scoped = who && who->n_scopes > 0;
    rc = od_tx_query(tx, OD_Q_TRN_YEAR_MINUTES, &r, e, OD_BINDS(OD_INT(from), OD_INT(to)));
    while (!rc && !(rc = od_rows_step(r, &row)) && row)
        if (od_page_take(&pg, !scoped || od_principal_in_scope(who, od_rows_text(r, 3))))
            json_array_append_new(items, year_row(r, annual));
    od_rows_close(r);
    od_tx_rollback(tx);
    if (rc) {
        json_decref(items);
        return rc;
    }
    char t[OD_TIME_STR_MAX];
    *out = od_list_envelope(items, pg.seen, limit, offset);
    json_object_set_new(*out, "year", json_integer(year));
    json_object_set_new(*out, "from", json_string(od_time_format(from, t)));
    json_object_set_new(*out, "to", json_string(od_time_format(to, t)));
    json_object_set_new(*out, "annual_hours", json_integer(annual));
    return OD_OK;
}

/* The roster of a readiness object (od_readiness_roster); takes rd. */
static json_t *roster_of(json_t *rd)
{
    static const char *const keep[] = {"key",       "name_zh", "name_en", "min_qualified",
                                       "qualified", "people",  "gap"};
    json_t *o = json_object(), *positions = json_array(), *p;
    size_t i;
    json_object_set(o, "at", json_object_get(rd, "at"));
    json_array_foreach(json_object_get(rd, "positions"), i, p)
    {
        json_t *q = json_object();
        for (size_t k = 0; k < sizeof keep / sizeof *keep; k++)
            json_object_set(q, keep[k], json_object_get(p, keep[k]));
        json_object_set_new(
            q, "below_two",
            json_boolean(json_integer_value(json_object_get(p, "qualified")) < OD_READINESS_MIN_QUALIFIED));
        json_array_append_new(positions, q);
    }
    json_object_set_new(o, "positions", positions);
    json_object_set(o, "gaps", json_object_get(rd, "gaps"));
    json_decref(rd);
    return o;
}

od_err od_readiness_roster(od_app *a, const od_principal *who, json_t **out, od_error *e)
{
    *out = NULL;
    json_t *rd = NULL;
    od_err rc = od_readiness_get(a, who, &rd, e);
    if (rc)
        return rc;
    *out = roster_of(rd);
    return OD_OK;
}

od_err od_readiness_roster_at(od_tx *tx, const od_policy *p, int64_t at, json_t **out, od_error *e)
{
    *out = NULL;
    json_t *rd = NULL;
    od_err rc = readiness_people(tx, &p->readiness, NULL, at, &rd, e);
    if (rc)
        return rc;
    *out = roster_of(rd);
    return OD_OK;
}
