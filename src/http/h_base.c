/* h_base.c — handlers for health, metrics, the test clock, sessions,
 * accounts and the audit trail. */
#include "app/cluster.h"
#include "core/authz.h"
#include "http/handlers.h"
#include "http/incident_writer.h"
#include "ingest/queue.h"
#include "util/sbuf.h"
#include "notify/dispatcher.h"
#include "sched/backup_sched.h"
#include "sched/report_sched.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

od_err od_h_result(od_req *r, od_err rc, int status, json_t *out)
{
    if (rc) {
        json_decref(out);
        return rc;
    }
    return od_reply(r, status, out);
}

/* 200 only while the store really works: a recent storage fault or a failed
 * integrity check is 503 with the reason (od_app_health); a clock step not
 * followed is 200 "degraded" with the reason. */
od_err od_h_healthz(od_req *r)
{
    od_app_health_report h;
    od_err rc = od_app_health(r->app, &h, &r->err);
    if (rc)
        return rc;
    if (!h.ok)
        return od_reply(r, 503,
                        json_pack("{ss si ss}", "status", "unavailable", "schema_version", h.schema_version,
                                  "reason", h.reason));
    if (h.degraded)
        return od_reply(r, 200,
                        json_pack("{ss si ss}", "status", "degraded", "schema_version", h.schema_version,
                                  "reason", h.reason));
    return od_reply(r, 200, json_pack("{ss si}", "status", "ok", "schema_version", h.schema_version));
}

/* Readiness of this node for a load balancer (docs/deploy/cluster.md):
 * 503 with the reasons while the store cannot be reached, the node's clock
 * is more than 1 s off the database's, or the node lost its lease; such a
 * node claims no deadline and no message. */
od_err od_h_readyz(od_req *r)
{
    od_app_readiness rd;
    od_app_ready(r->app, &rd);
    json_t *out = json_pack("{ss ss sI}", "status", rd.ready ? "ready" : "not_ready", "node_id", rd.node_id,
                            "clock_offset_ms", (json_int_t)rd.offset_ms);
    if (!rd.ready)
        json_object_set_new(out, "reason", json_string(rd.reason));
    return od_reply(r, rd.ready ? 200 : 503, out);
}

od_err od_h_metrics(od_req *r)
{
    char *m = od_metrics_render(r->app);
    if (!m)
        return od_error_set(&r->err, OD_E_NOMEM, NULL, "out of memory");
    struct od_ingest *g = od_server_ingest(r->srv);
    if (g) { /* the group-commit queue of event ingestion (docs/events.md): accepted, not yet committed */
        od_sbuf b = {0};
        od_sbuf_puts(&b, m);
        od_sbuf_printf(
            &b,
            "# HELP opsdesk_ingest_queue_pending Events accepted and not yet committed.\n"
            "# TYPE opsdesk_ingest_queue_pending gauge\nopsdesk_ingest_queue_pending %zu\n"
            "# HELP opsdesk_ingest_queue_capacity Events the ingestion queue holds before it answers 503.\n"
            "# TYPE opsdesk_ingest_queue_capacity gauge\nopsdesk_ingest_queue_capacity %zu\n",
            od_ingest_pending(g), od_ingest_capacity(g));
        free(m);
        if (b.oom) {
            free(b.p);
            return od_error_set(&r->err, OD_E_NOMEM, NULL, "out of memory");
        }
        m = b.p;
    }
    struct od_incw *w = od_server_incident_writer(r->srv);
    if (w) { /* the group commit of incident creates (docs/internals/storm.md) */
        uint64_t groups = 0, members = 0;
        od_incw_counts(w, &groups, &members);
        od_sbuf b = {0};
        od_sbuf_puts(&b, m);
        od_sbuf_printf(&b,
                       "# HELP opsdesk_incident_group_commits_total Group commits of incident writes "
                       "(creates, reports, acknowledgements, activations, closures, regrades, notes).\n"
                       "# TYPE opsdesk_incident_group_commits_total counter\n"
                       "opsdesk_incident_group_commits_total %llu\n"
                       "# HELP opsdesk_incident_group_members_total Incident writes run in group "
                       "commits.\n"
                       "# TYPE opsdesk_incident_group_members_total counter\n"
                       "opsdesk_incident_group_members_total %llu\n",
                       (unsigned long long)groups, (unsigned long long)members);
        free(m);
        if (b.oom) {
            free(b.p);
            return od_error_set(&r->err, OD_E_NOMEM, NULL, "out of memory");
        }
        m = b.p;
    }
    r->raw = m;
    r->raw_len = strlen(m);
    r->content_type = "text/plain; version=0.0.4; charset=utf-8";
    return OD_OK;
}

od_err od_h_test_clock(od_req *r)
{
    static const od_field f[] = {
        {"advance_seconds", OD_JT_INT, false, 0}, {"set", OD_JT_TIME, false, 0}, {0}};
    od_err rc = od_req_fields(r, f);
    if (rc)
        return rc;
    int64_t now = od_app_now(r->app), to = now;
    if (od_req_get(r, "set")) {
        if (!od_time_parse(od_req_str(r, "set"), &to))
            return od_error_set(&r->err, OD_E_INVALID, "set",
                                "set 须为 RFC 3339 时间 (set must be an RFC 3339 time)");
    } else if (od_req_get(r, "advance_seconds")) {
        int64_t s = od_req_int(r, "advance_seconds", 0);
        if (s < 0 || s > 10LL * 365 * 86400)
            return od_error_set(&r->err, OD_E_UNPROCESSABLE, "advance_seconds",
                                "advance_seconds 须在 0 到 10 年之间 (must be 0 to 10 years)");
        to = now + s * 1000;
    } else
        return od_error_set(&r->err, OD_E_UNPROCESSABLE, NULL,
                            "需要 advance_seconds 或 set (advance_seconds or set "
                            "is required)");
    int fired = 0;
    rc = od_app_advance_clock(r->app, to, &fired, &r->err);
    if (!rc)
        rc = od_dispatcher_advance(r->app->dispatcher, od_app_now(r->app), &r->err);
    if (!rc) /* scheduled backups */
        rc = od_backup_sched_advance(r->app->backup_sched, od_app_now(r->app), &r->err);
    if (!rc) /* scheduled O&M reports */
        rc = od_report_sched_advance(r->app->report_sched, od_app_now(r->app), &r->err);
    if (rc)
        return rc;
    char t[OD_TIME_STR_MAX];
    return od_reply(r, 200,
                    json_pack("{ss sI si}", "now", od_time_format(od_app_now(r->app), t), "now_ms",
                              (json_int_t)od_app_now(r->app), "fired", fired));
}

/* Revokes the session; a browser session's cookie is cleared too. */
od_err od_h_logout(od_req *r)
{
    od_err rc = od_req_no_fields(r);
    if (!rc)
        rc = od_auth_logout(r->app, &r->who, &r->err);
    if (!rc && r->via_cookie)
        snprintf(r->extra_header[0], sizeof r->extra_header[0],
                 "Set-Cookie: " OD_SESSION_COOKIE "=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict%s",
                 od_server_tls(r->srv) ? "; Secure" : "");
    return rc ? rc : od_reply(r, 200, json_pack("{sb}", "ok", 1));
}

/* Who am I, with the permissions my roles give (the web UI shows only
 * the screens they open); a browser session also reads its CSRF token here
 * (after a reload). */
od_err od_h_me(od_req *r)
{
    json_t *u = NULL;
    od_err rc = od_user_get(r->app, r->who.id, &u, &r->err);
    if (!rc) {
        json_t *perms = json_array();
        for (int p = 0; p < OD_PERM__COUNT; p++)
            if (p != OD_PERM_PUBLIC && p != OD_PERM_AUTHENTICATED && p != OD_PERM_TEST_CLOCK &&
                od_roles_allow(r->who.roles, (od_perm)p))
                json_array_append_new(perms, json_string(od_perm_key((od_perm)p)));
        json_object_set_new(u, "permissions", perms);
    }
    if (!rc && r->via_cookie)
        json_object_set_new(u, "csrf_token", json_string(r->csrf));
    if (!rc) /* the UI then shows only the password change form */
        json_object_set_new(u, "must_change_password", json_boolean(r->who.must_change_password));
    return od_h_result(r, rc, 200, u);
}

static const od_field user_fields[] = {
    {"username", OD_JT_STRING, true, 63},     {"password", OD_JT_STRING, true, 256},
    {"display_name", OD_JT_TEXT, false, 128}, {"department", OD_JT_TEXT, false, OD_DEPT_CHARS},
    {"phone", OD_JT_STRING, false, 32},       {"email", OD_JT_STRING, false, 254},
    {"lang", OD_JT_STRING, false, 8},         {0}};
/* the user form's labels name a field in the Chinese half of an error */
static const od_field_label user_labels[] = {
    {"username", "用户名"}, {"password", "初始密码"}, {"display_name", "姓名"}, {"department", "部门"},
    {"phone", "手机"},      {"email", "邮箱"},        {"lang", "语言"},         {0}};

od_err od_h_user_create(od_req *r)
{
    od_err rc = od_req_fields_labelled(r, user_fields, user_labels);
    if (rc)
        return rc;
    od_user_input in = {od_req_str(r, "username"),     od_req_str(r, "password"),
                        od_req_str(r, "display_name"), od_req_str(r, "department"),
                        od_req_str(r, "phone"),        od_req_str(r, "email"),
                        od_req_str(r, "lang"),         0};
    json_t *out = NULL;
    rc = od_user_create(r->app, &r->who, &in, &out, &r->err);
    return od_h_result(r, rc, 201, out);
}

od_err od_h_user_list(od_req *r)
{
    int64_t limit, offset;
    json_t *out = NULL;
    od_err rc = od_req_page(r, &limit, &offset);
    if (!rc)
        rc = od_user_list(r->app, limit, offset, &out, &r->err);
    return od_h_result(r, rc, 200, out);
}

od_err od_h_user_get(od_req *r)
{
    json_t *out = NULL;
    od_err rc = od_user_get(r->app, r->ids[0], &out, &r->err);
    return od_h_result(r, rc, 200, out);
}

od_err od_h_user_update(od_req *r)
{
    static const od_field f[] = {
        {"display_name", OD_JT_TEXT, false, 128}, {"department", OD_JT_TEXT, false, OD_DEPT_CHARS},
        {"phone", OD_JT_STRING, false, 32},       {"email", OD_JT_STRING, false, 254},
        {"lang", OD_JT_STRING, false, 8},         {0}};
    od_err rc = od_req_fields_labelled(r, f, user_labels);
    if (rc)
        return rc;
    od_user_input in = {NULL,
                        NULL,
                        od_req_str(r, "display_name"),
                        od_req_str(r, "department"),
                        od_req_str(r, "phone"),
                        od_req_str(r, "email"),
                        od_req_str(r, "lang"),
                        0};
    json_t *out = NULL;
    rc = od_user_update(r->app, &r->who, r->ids[0], &in, &out, &r->err);
    return od_h_result(r, rc, 200, out);
}

od_err od_h_user_roles(od_req *r)
{
    static const od_field f[] = {{"roles", OD_JT_ARRAY, true, 32}, {"scopes", OD_JT_ARRAY, false, 16}, {0}};
    od_err rc = od_req_fields(r, f);
    if (rc)
        return rc;
    od_roleset rs = 0;
    size_t i;
    json_t *v;
    json_array_foreach(od_req_get(r, "roles"), i, v)
    {
        int role = od_role_parse(json_string_value(v));
        if (role < 0)
            return od_error_set(&r->err, OD_E_UNPROCESSABLE, "roles", "未知角色 %s (unknown role %s)",
                                json_is_string(v) ? json_string_value(v) : "?",
                                json_is_string(v) ? json_string_value(v) : "?");
        rs |= OD_ROLEBIT(role);
    }
    json_t *out = NULL;
    rc = od_user_set_roles(r->app, &r->who, r->ids[0], rs, od_req_get(r, "scopes"), &out, &r->err);
    return od_h_result(r, rc, 200, out);
}

static od_err set_disabled(od_req *r, bool dis)
{
    json_t *out = NULL;
    od_err rc = od_req_no_fields(r);
    if (!rc)
        rc = od_user_set_disabled(r->app, &r->who, r->ids[0], dis, &out, &r->err);
    return od_h_result(r, rc, 200, out);
}
od_err od_h_user_disable(od_req *r)
{
    return set_disabled(r, true);
}
od_err od_h_user_enable(od_req *r)
{
    return set_disabled(r, false);
}

od_err od_h_audit_list(od_req *r)
{
    int64_t limit, offset, eid = 0;
    od_err rc = od_req_page(r, &limit, &offset);
    const char *s = od_req_query(r, "entity_id");
    if (s) {
        char *end;
        eid = strtoll(s, &end, 10);
        if (*end || eid < 0)
            return od_error_set(&r->err, OD_E_INVALID, "entity_id",
                                "entity_id 须为整数 (entity_id must be an integer)");
    }
    int64_t before_id = 0;
    if (!rc)
        rc = od_query_int_parse("before_id", od_req_query(r, "before_id"), 0, 1, INT64_MAX, &before_id,
                                &r->err);
    json_t *out = NULL;
    if (!rc)
        rc = od_audit_list(r->app, od_req_query(r, "entity"), eid, od_req_query(r, "actor"), before_id, limit,
                           offset, &out, &r->err);
    return od_h_result(r, rc, 200, out);
}

od_err od_h_audit_verify(od_req *r)
{
    od_audit_report rep;
    od_err rc = od_app_audit_verify(r->app, &rep, &r->err);
    if (rc)
        return rc;
    json_t *o = json_pack("{sb sI}", "ok", rep.first_bad_id == 0, "rows", (json_int_t)rep.rows);
    if (rep.first_bad_id) {
        json_object_set_new(o, "first_bad_id", json_integer(rep.first_bad_id));
        json_object_set_new(o, "reason", json_string(rep.reason));
    }
    if (rep.time_back_n) /* a warning: the chain is still ok */
        json_object_set_new(o, "time_backwards",
                            json_pack("{sI sI sI}", "entries", (json_int_t)rep.time_back_n, "first_id",
                                      (json_int_t)rep.time_back_first_id, "max_ms",
                                      (json_int_t)rep.time_back_max_ms));
    return od_reply(r, 200, o);
}
