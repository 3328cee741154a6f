/* h_sla.c — service levels over HTTP (src/app/service_levels.c): services,
 * the impact intervals of incidents and manual outage intervals (add,
 * correct with a reason, approve), and GET /api/v1/service-levels?from=&to=
 * &service= (RFC 3339 times, [from, to), at most two years). */
#include "app/om_reports.h"
#include "app/service_levels.h"
#include "http/handlers.h"
#include "http/incident_writer.h"
#include "util/clock.h"

#include <string.h>

static const od_field service_fields[] = {{"key", OD_JT_STRING, true, 47},
                                          {"name", OD_JT_STRING, true, 200},
                                          {"ci_id", OD_JT_INT, false, 0},
                                          {"availability_target", OD_JT_STRING, false, 16},
                                          {"calendar", OD_JT_STRING, false, 16},
                                          {"platform_member", OD_JT_BOOL, false, 0},
                                          {0}};

static const od_field interval_fields[] = {{"service", OD_JT_STRING, true, 47},
                                           {"kind", OD_JT_STRING, true, 16},
                                           {"starts_at", OD_JT_TIME, true, 0},
                                           {"ends_at", OD_JT_TIME, false, 0},
                                           {"window_id", OD_JT_INT, false, 0},
                                           {"note", OD_JT_STRING, false, 2000},
                                           {0}};

static const od_field correct_fields[] = {{"starts_at", OD_JT_TIME, false, 0},
                                          {"ends_at", OD_JT_TIME, false, 0},
                                          {"reason", OD_JT_STRING, true, 2000},
                                          {0}};

od_err od_h_service_list(od_req *r)
{
    int64_t limit, offset;
    json_t *out = NULL;
    od_err rc = od_req_page(r, &limit, &offset);
    if (!rc)
        rc = od_service_list(r->app, limit, offset, &out, &r->err);
    return od_h_result(r, rc, 200, out);
}

od_err od_h_service_create(od_req *r)
{
    od_err rc = od_req_fields(r, service_fields);
    json_t *out = NULL;
    if (!rc)
        rc = od_service_create(r->app, &r->who, r->json, &out, &r->err);
    return od_h_result(r, rc, 201, out);
}

od_err od_h_incident_intervals(od_req *r)
{
    int64_t limit, offset;
    json_t *out = NULL;
    od_err rc = od_req_page(r, &limit, &offset);
    if (!rc)
        rc = od_outage_of_incident(r->app, &r->who, r->ids[0], limit, offset, &out, &r->err);
    return od_h_result(r, rc, 200, out);
}

od_err od_h_incident_interval_add(od_req *r)
{
    od_err rc = od_req_fields(r, interval_fields);
    if (rc)
        return rc;
    return od_h_incident_grouped(
        r, &(od_incw_write){.kind = OD_INC_WRITE_INTERVAL, .target = r->ids[0], .body = r->json}, 201);
}

od_err od_h_outage_create(od_req *r)
{
    od_err rc = od_req_fields(r, interval_fields);
    json_t *out = NULL;
    if (!rc)
        rc = od_outage_add(r->app, &r->who, 0, r->json, &out, &r->err);
    return od_h_result(r, rc, 201, out);
}

od_err od_h_outage_get(od_req *r)
{
    json_t *out = NULL;
    od_err rc = od_outage_get(r->app, r->ids[0], &out, &r->err);
    return od_h_result(r, rc, 200, out);
}

od_err od_h_outage_correct(od_req *r)
{
    od_err rc = od_req_fields(r, correct_fields);
    if (rc)
        return rc;
    return od_h_incident_grouped(
        r, &(od_incw_write){.kind = OD_INC_WRITE_INTERVAL_CORRECT, .target = r->ids[0], .body = r->json},
        200);
}

od_err od_h_outage_approve(od_req *r)
{
    od_err rc = od_req_no_fields(r);
    json_t *out = NULL;
    if (!rc)
        rc = od_outage_approve(r->app, &r->who, r->ids[0], &out, &r->err);
    return od_h_result(r, rc, 200, out);
}

static od_err query_time(od_req *r, const char *name, int64_t *out)
{
    const char *s = od_req_query(r, name);
    if (!s || !od_time_parse(s, out))
        return od_error_set(&r->err, OD_E_INVALID, name,
                            "%s 须为 RFC 3339 时间 (%s must be an RFC 3339 time)", name, name);
    return OD_OK;
}

od_err od_h_service_levels(od_req *r)
{
    od_sla_query q = {.service = od_req_query(r, "service")};
    od_err rc = query_time(r, "from", &q.from);
    if (!rc)
        rc = query_time(r, "to", &q.to);
    if (!rc && q.service && !*q.service)
        q.service = NULL;
    json_t *out = NULL;
    if (!rc)
        rc = od_service_levels(r->app, &r->who, &q, &out, &r->err);
    return od_h_result(r, rc, 200, out);
}

/* ---- O&M reports (src/app/om_reports.c) ---- */

static const od_field report_fields[] = {{"kind", OD_JT_STRING, true, 16}, {"at", OD_JT_TIME, false, 0}, {0}};
static const od_field manual_fields[] = {{"sections", OD_JT_OBJECT, true, 0}, {0}};

od_err od_h_report_run_create(od_req *r)
{
    od_err rc = od_req_fields(r, report_fields);
    int64_t at = 0;
    if (!rc && od_req_str(r, "at") && !od_time_parse(od_req_str(r, "at"), &at))
        rc = od_error_set(&r->err, OD_E_INVALID, "at", "at 须为 RFC 3339 时间 (at must be an RFC 3339 time)");
    json_t *out = NULL;
    if (!rc)
        rc = od_report_generate(r->app, &r->who, od_req_str(r, "kind"), at, &out, &r->err);
    return od_h_result(r, rc, 201, out);
}

od_err od_h_report_run_list(od_req *r)
{
    int64_t limit, offset;
    json_t *out = NULL;
    od_err rc = od_req_page(r, &limit, &offset);
    if (!rc)
        rc = od_report_list(r->app, od_req_query(r, "kind"), limit, offset, &out, &r->err);
    return od_h_result(r, rc, 200, out);
}

od_err od_h_report_def_list(od_req *r)
{
    int64_t limit, offset;
    json_t *out = NULL;
    od_err rc = od_req_page(r, &limit, &offset);
    if (!rc)
        rc = od_report_def_list(r->app, limit, offset, &out, &r->err);
    return od_h_result(r, rc, 200, out);
}

od_err od_h_report_run_get(od_req *r)
{
    json_t *out = NULL;
    od_err rc = od_report_get(r->app, r->ids[0], &out, &r->err);
    return od_h_result(r, rc, 200, out);
}

od_err od_h_report_run_manual(od_req *r)
{
    od_err rc = od_req_fields(r, manual_fields);
    json_t *out = NULL;
    if (!rc)
        rc = od_report_set_manual(r->app, &r->who, r->ids[0], od_req_get(r, "sections"), &out, &r->err);
    return od_h_result(r, rc, 200, out);
}

static const od_field review_fields[] = {{"note", OD_JT_STRING, false, 2000}, {0}};

od_err od_h_report_run_file(od_req *r)
{
    od_err rc = r->json ? od_req_fields(r, review_fields) : OD_OK; /* {note?} or no body */
    json_t *out = NULL;
    if (!rc)
        rc =
            od_report_file(r->app, &r->who, r->ids[0], r->json ? od_req_str(r, "note") : NULL, &out, &r->err);
    return od_h_result(r, rc, 200, out);
}

static od_err report_export(od_req *r, const char *fmt, const char *ctype)
{
    char *doc = NULL;
    od_err rc = od_report_export(r->app, r->ids[0], fmt, &doc, &r->err);
    if (rc)
        return rc;
    r->raw = doc;
    r->raw_len = strlen(doc);
    r->content_type = ctype;
    return OD_OK;
}

od_err od_h_report_run_md(od_req *r)
{
    return report_export(r, "md", "text/markdown; charset=utf-8");
}

od_err od_h_report_run_html(od_req *r)
{
    return report_export(r, "html", "text/html; charset=utf-8");
}

od_err od_h_report_run_json(od_req *r)
{
    return report_export(r, "json", "application/json");
}

od_err od_h_report_run_services_csv(od_req *r)
{
    return report_export(r, "services.csv", "text/csv; charset=utf-8");
}

od_err od_h_report_run_incidents_csv(od_req *r)
{
    return report_export(r, "incidents.csv", "text/csv; charset=utf-8");
}

od_err od_h_report_run_xlsx(od_req *r)
{
    char *doc = NULL;
    size_t len = 0;
    od_err rc = od_report_export_xlsx(r->app, r->ids[0], &doc, &len, &r->err);
    if (rc)
        return rc;
    r->raw = doc;
    r->raw_len = len;
    r->content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    return OD_OK;
}

static const od_field correct_time_fields[] = {{"field", OD_JT_STRING, true, 16},
                                               {"value", OD_JT_TIME, true, 0},
                                               {"reason", OD_JT_STRING, true, 2000},
                                               {0}};

od_err od_h_incident_correct_time(od_req *r)
{
    od_err rc = od_req_fields(r, correct_time_fields);
    if (rc)
        return rc;
    return od_h_incident_grouped(
        r, &(od_incw_write){.kind = OD_INC_WRITE_CORRECT_TIME, .target = r->ids[0], .body = r->json}, 200);
}

/* ---- review and distribution (src/app/om_reports_review.c) ---- */

od_err od_h_report_run_submit(od_req *r)
{
    od_err rc = od_req_no_fields(r);
    json_t *out = NULL;
    if (!rc)
        rc = od_report_submit(r->app, &r->who, r->ids[0], &out, &r->err);
    return od_h_result(r, rc, 200, out);
}

static const od_field return_fields[] = {{"note", OD_JT_STRING, true, 2000}, {0}};

od_err od_h_report_run_return(od_req *r)
{
    od_err rc = od_req_fields(r, return_fields);
    json_t *out = NULL;
    if (!rc)
        rc = od_report_return(r->app, &r->who, r->ids[0], od_req_str(r, "note"), &out, &r->err);
    return od_h_result(r, rc, 200, out);
}

od_err od_h_report_run_distribute(od_req *r)
{
    od_err rc = od_req_no_fields(r);
    json_t *out = NULL;
    if (!rc)
        rc = od_report_distribute(r->app, &r->who, r->ids[0], &out, &r->err);
    return od_h_result(r, rc, 200, out);
}
