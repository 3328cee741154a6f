/* om_reports_deflist.c — the O&M report definitions of the policy in force
 * as a list (GET /api/v1/reports/definitions, `opsdesk report definitions`,
 * the reports screen's generate control; R-SLA-2, R-SLA-6; modules-spec
 * §1.10): each definition with its title, period, sections (catalog order,
 * auto / module / manual, required), schedule, filing deadline, reviewer and
 * recipients, the last three resolved against sla.report_review.  Reads the
 * policy only: no transaction. */
#include "app/list.h"
#include "app/om_reports.h"

#include <stdio.h>

static const char *const SEC_KIND[] = {"auto", "module", "manual"};

static json_t *def_json(const od_policy *p, const od_report_def *d)
{
    size_t n = 0;
    const od_rsection_info *cat = od_rsection_catalog(&n);
    json_t *secs = json_array(), *req = json_array(), *rec = json_array();
    for (size_t i = 0; i < n && i < OD_RSECTIONS_MAX; i++) {
        if (!(d->sections >> i & 1u))
            continue;
        bool required = d->required >> i & 1u;
        json_array_append_new(secs, json_pack("{ss ss ss sb}", "key", cat[i].key, "title", cat[i].title,
                                              "kind", SEC_KIND[cat[i].type], "required", required));
        if (required)
            json_array_append_new(req, json_string(cat[i].key));
    }
    od_roleset rs = od_report_recipients_of(p, d->key);
    for (int r = 0; r < OD_ROLE__COUNT; r++)
        if (rs & OD_ROLEBIT(r))
            json_array_append_new(rec, json_string(od_role_key((od_role)r)));
    json_t *sched = json_null();
    if (d->scheduled) {
        char at[8];
        snprintf(at, sizeof at, "%02d:%02d", d->sched_min / 60 % 100, d->sched_min % 60);
        const char *cal = d->sched_calendar[0] ? d->sched_calendar : p->sla.platform_calendar;
        sched = json_pack("{ss ss ss}", "on", od_rsched_day_key(d->sched_day), "at", at, "calendar",
                          cal[0] ? cal : "24x7");
    }
    int32_t reviewer = od_report_reviewer_of(p, d->key);
    return json_pack("{ss ss s{ss ss} ss so so so sI ss* so}", "key", d->key, "code", d->code, "title", "zh",
                     d->title_zh, "en", d->title_en, "period", od_rperiod_key(d->period), "sections", secs,
                     "required", req, "schedule", sched, "file_within_minutes",
                     (json_int_t)(od_report_file_ms_of(p, d->key) / 60000), "reviewer",
                     reviewer >= 0 ? od_role_key((od_role)reviewer) : NULL, "recipients", rec);
}

od_err od_report_def_list(od_app *a, int64_t limit, int64_t offset, json_t **out, od_error *e)
{
    *out = NULL;
    const od_policy *p = a->policy;
    json_t *items = json_array();
    od_err rc = items ? OD_OK : OD_E_NOMEM;
    int64_t total = (int64_t)p->sla.n_reports;
    for (int64_t i = offset; !rc && i < total && i < offset + limit; i++) {
        json_t *o = def_json(p, &p->sla.reports[i]);
        if (!o || json_array_append_new(items, o))
            rc = OD_E_NOMEM;
    }
    if (rc == OD_E_NOMEM)
        od_error_set(e, rc, NULL, "out of memory");
    return od_list_done(rc, items, total, limit, offset, out, e);
}
