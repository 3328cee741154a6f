/* om_reports.c — O&M report runs of the policy's definitions (see
 * om_reports.h).  The automatic sections are the service-level figures of
 * the period (od_service_levels, read for every department: a report covers
 * the whole desk) and, when the definition lists them, the platform's
 * availability for each of the 12 months up to the period's end (trend),
 * the self-assessment and the modules' sections.  The filed document is
 * json_dumps({number, kind, period_start, period_end, version, generated_at,
 * snapshot, manual}, compact, sorted keys); its SHA-256 (hex) is stored and
 * audited, and GET …/report.json of a filed run answers exactly those bytes,
 * so anyone can check the hash. */
#include "app/om_reports.h"

#include "app/om_reports_chart.h"
#include "app/service_levels.h"
#include "core/calendar.h"
#include "core/service_level.h"
#include "util/clock.h"
#include "util/sbuf.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BEIJING_MIN 480

/* The manual sections of a kind (its definition's, sla.reports): every
 * manual section it lists (fillable) or only the required ones, as bits of
 * the section catalog (core/report_def.h).  An undefined kind has none. */
static uint32_t manual_bits(const od_policy *p, const char *kind, bool required_only)
{
    const od_report_def *d = od_report_def_of(p, kind);
    if (!d)
        return 0;
    if (required_only)
        return d->required;
    size_t n = 0;
    const od_rsection_info *cat = od_rsection_catalog(&n);
    uint32_t b = 0;
    for (size_t i = 0; i < n; i++)
        if (cat[i].type == OD_RSEC_MANUAL && (d->sections & (1u << i)))
            b |= 1u << i;
    return b | d->required;
}

static const char *title_of(const char *key)
{
    size_t n = 0;
    const od_rsection_info *cat = od_rsection_catalog(&n);
    int i = od_rsection_find(key);
    return i >= 0 ? cat[i].title : key;
}

/* The kinds the policy defines, for messages: "weekly, monthly, …". */
static void kinds_list(const od_policy *p, char *out, size_t size)
{
    size_t at = 0;
    out[0] = 0;
    for (size_t i = 0; i < p->sla.n_reports && at < size; i++)
        at += (size_t)snprintf(out + at, size - at, "%s%s", i ? ", " : "", p->sla.reports[i].key);
}

static od_err bad_kind(const od_policy *p, od_error *e)
{
    char list[256];
    kinds_list(p, list, sizeof list);
    return od_error_set(e, OD_E_INVALID, "kind", "kind 须为已定义的报告之一：%s (kind: one of %s)", list,
                        list);
}

static od_err finish(od_tx *tx, od_err rc, od_error *e)
{
    if (!rc)
        return od_tx_commit(tx, e);
    od_tx_rollback(tx);
    return rc;
}

/* The figures of [from, to) for every department. */
static od_err figures(od_app *a, int64_t from, int64_t to, json_t **out, od_error *e)
{
    od_principal all;
    memset(&all, 0, sizeof all);
    snprintf(all.username, sizeof all.username, "%s", "system");
    od_sla_query q = {.from = from, .to = to, .service = NULL};
    return od_service_levels(a, &all, &q, out, e);
}

static json_t *headline(json_t *snap)
{
    json_t *sl = json_object_get(snap, "service_levels"), *inc = json_object_get(sl, "incidents");
    json_t *p = json_object_get(json_object_get(sl, "platform"), "availability");
    return json_pack(
        "{sO sO sO sO sO sO sO}", "platform_availability_ppm",
        json_object_get(p, "availability_ppm") ? json_object_get(p, "availability_ppm") : json_null(),
        "platform_unplanned_ms",
        json_object_get(p, "unplanned_ms") ? json_object_get(p, "unplanned_ms") : json_null(), "incidents",
        json_object_get(inc, "total") ? json_object_get(inc, "total") : json_null(), "response_breaches",
        json_object_get(json_object_get(inc, "response"), "breached")
            ? json_object_get(json_object_get(inc, "response"), "breached")
            : json_null(),
        "restore_breaches",
        json_object_get(json_object_get(inc, "restore"), "breached")
            ? json_object_get(json_object_get(inc, "restore"), "breached")
            : json_null(),
        "mtta_mean_ms",
        json_object_get(json_object_get(inc, "mtta"), "mean_ms")
            ? json_object_get(json_object_get(inc, "mtta"), "mean_ms")
            : json_null(),
        "mttr_mean_ms",
        json_object_get(json_object_get(inc, "mttr"), "mean_ms")
            ? json_object_get(json_object_get(inc, "mttr"), "mean_ms")
            : json_null());
}

/* The service-quality self-assessment (seed 004 §3.1.8): the four control
 * indicators of table 3.1.7 with the period's result; acceptance (7×24) is
 * not measured ("met": null). */
static json_t *self_assessment(const od_policy *p, json_t *sl)
{
    json_t *av = json_object_get(json_object_get(sl, "platform"), "availability");
    json_t *inc = json_object_get(sl, "incidents");
    json_t *resp = json_object_get(inc, "response"), *rest = json_object_get(inc, "restore");
    char target[64];
    json_t *out = json_array();
    snprintf(target, sizeof target, "≥ %.4g %%", (double)p->sla.availability_ppm / 10000.0);
    json_array_append_new(out, json_pack("{ss ss sO sb}", "indicator", "availability", "target", target,
                                         "actual", json_object_get(av, "availability"), "met",
                                         json_is_true(json_object_get(av, "met"))));
    json_array_append_new(
        out, json_pack("{ss ss sn sn}", "indicator", "acceptance", "target", "7×24", "actual", "met"));
    snprintf(target, sizeof target, "≤ %lld min", (long long)(p->sla.response_ms / 60000));
    json_array_append_new(out, json_pack("{ss ss sI sb}", "indicator", "response", "target", target, "actual",
                                         json_integer_value(json_object_get(resp, "breached")), "met",
                                         json_integer_value(json_object_get(resp, "breached")) == 0));
    snprintf(target, sizeof target, "≤ %lld h / %lld h", (long long)(p->sla.restore_ms[0] / 3600000),
             (long long)(p->sla.restore_ms[1] / 3600000));
    json_array_append_new(out, json_pack("{ss ss sI sb}", "indicator", "restore", "target", target, "actual",
                                         json_integer_value(json_object_get(rest, "breached")), "met",
                                         json_integer_value(json_object_get(rest, "breached")) == 0));
    return out;
}

/* The automatic sections of a run. */
static bool has_section(const od_report_def *d, const char *key)
{
    int i = od_rsection_find(key);
    return i >= 0 && (d->sections & (1u << i));
}

static od_err build_snapshot(od_app *a, const od_report_def *def, int64_t start, int64_t end, json_t **out,
                             od_error *e)
{
    json_t *sl = NULL;
    od_err rc = figures(a, start, end, &sl, e);
    if (rc)
        return rc;
    json_t *snap = json_pack("{so}", "service_levels", sl), *mods = NULL;
    rc = od_report_module_sections(a, start, end, &mods, e);
    if (rc) {
        json_decref(snap);
        return rc;
    }
    /* the module sections the definition lists; a module section the catalog
     * does not know yet is in every report */
    size_t ns = 0;
    const od_report_section *secs = od_report_sections(&ns);
    for (size_t i = 0; i < ns; i++)
        if (od_rsection_find(secs[i].key) >= 0 && !has_section(def, secs[i].key))
            json_object_del(mods, secs[i].key);
    json_object_set_new(snap, "modules", mods);
    if (has_section(def, "self_assessment")) /* seed 004 §3.1.8: each table 3.1.7 target, met or not */
        json_object_set_new(snap, "self_assessment", self_assessment(a->policy, sl));
    if (has_section(def, "trend")) { /* the platform's 12 months up to the period's last month */
        json_t *trend = json_array();
        int64_t last = end - 1 + (int64_t)BEIJING_MIN * 60000;
        int y, m, d;
        od_cal_civil_from_days((int32_t)(last / OD_DAY_MS), &y, &m, &d);
        for (int i = 11; !rc && i >= 0; i--) {
            int yy = y, mm = m - i;
            while (mm < 1) {
                mm += 12;
                yy--;
            }
            int64_t a0, a1;
            od_period_bounds(yy, mm, BEIJING_MIN, &a0, &a1);
            json_t *f = NULL;
            rc = figures(a, a0, a1, &f, e);
            if (rc)
                break;
            json_t *p = json_object_get(json_object_get(f, "platform"), "availability");
            char label[16];
            snprintf(label, sizeof label, "%04d-%02d", yy, mm);
            json_array_append_new(trend,
                                  json_pack("{ss sO sO sO sO}", "month", label, "availability_ppm",
                                            json_object_get(p, "availability_ppm"), "unplanned_ms",
                                            json_object_get(p, "unplanned_ms"), "mtta",
                                            json_object_get(json_object_get(f, "incidents"), "mtta"), "mttr",
                                            json_object_get(json_object_get(f, "incidents"), "mttr")));
            json_decref(f);
        }
        json_object_set_new(snap, "trend", trend);
    }
    if (rc) {
        json_decref(snap);
        return rc;
    }
    *out = snap;
    return OD_OK;
}

static json_t *run_json(const od_policy *p, od_rows *r)
{
    char t[4][OD_TIME_STR_MAX];
    json_t *o = json_pack("{sI ss ss ss sI ss ss ss}", "id", (json_int_t)od_rows_int(r, 0), "kind",
                          od_rows_text(r, 1), "period_start", od_time_format(od_rows_int(r, 2), t[0]),
                          "period_end", od_time_format(od_rows_int(r, 3), t[1]), "version",
                          (json_int_t)od_rows_int(r, 4), "number", od_rows_text(r, 5), "state",
                          od_rows_text(r, 6), "generated_at", od_time_format(od_rows_int(r, 11), t[2]));
    json_object_set_new(o, "snapshot", json_loads(od_rows_text(r, 7), 0, NULL));
    json_object_set_new(o, "manual", json_loads(od_rows_text(r, 8), 0, NULL));
    json_object_set_new(o, "sha256", od_rows_null(r, 10) ? json_null() : json_string(od_rows_text(r, 10)));
    json_object_set_new(o, "filed_at",
                        od_rows_null(r, 13) ? json_null()
                                            : json_string(od_time_format(od_rows_int(r, 13), t[3])));
    json_object_set_new(o, "filed_by", od_rows_null(r, 14) ? json_null() : json_integer(od_rows_int(r, 14)));
    json_object_set_new(o, "period_start_ms", json_integer(od_rows_int(r, 2)));
    json_object_set_new(o, "period_end_ms", json_integer(od_rows_int(r, 3)));
    json_object_set_new(o, "generated_at_ms", json_integer(od_rows_int(r, 11)));
    json_t *req = json_array(), *missing = json_array(), *all = json_array();
    json_t *manual = json_object_get(o, "manual");
    size_t n = 0;
    const od_rsection_info *cat = od_rsection_catalog(&n);
    uint32_t fill = manual_bits(p, od_rows_text(r, 1), false),
             need = manual_bits(p, od_rows_text(r, 1), true);
    for (size_t i = 0; i < n; i++) {
        if (!(fill & (1u << i)))
            continue;
        bool required = (need & (1u << i)) != 0;
        json_array_append_new(
            all, json_pack("{ss ss sb}", "key", cat[i].key, "title", cat[i].title, "required", required));
        if (!required)
            continue;
        json_array_append_new(req, json_pack("{ss ss}", "key", cat[i].key, "title", cat[i].title));
        const char *v = json_string_value(json_object_get(manual, cat[i].key));
        if (!v || !*v)
            json_array_append_new(missing, json_string(cat[i].key));
    }
    json_object_set_new(o, "title",
                        json_pack("{ss ss}", "zh", od_report_title_of(p, od_rows_text(r, 1), true), "en",
                                  od_report_title_of(p, od_rows_text(r, 1), false)));
    json_object_set_new(o, "manual_sections", all);
    json_object_set_new(o, "required_sections", req);
    json_object_set_new(o, "missing", missing);
    return o;
}

/* The run (and, when doc is set, the stored document of a filed run). */
static od_err run_load(const od_policy *p, od_tx *tx, int64_t id, json_t **out, char **doc, od_error *e)
{
    od_rows *r = NULL;
    bool row = false;
    od_err rc = od_tx_query(tx, OD_Q_RPT_GET, &r, e, OD_BINDS(OD_INT(id)));
    if (!rc && !(rc = od_rows_step(r, &row)) && !row)
        rc = od_error_set(e, OD_E_NOT_FOUND, "id", "报告不存在 (report run not found)");
    if (!rc) {
        *out = run_json(p, r);
        if (doc && !od_rows_null(r, 9))
            *doc = strdup(od_rows_text(r, 9));
    }
    od_rows_close(r);
    if (!rc)
        rc = od_report_review_json(tx, id, 0, *out, e);
    if (rc && *out) {
        json_decref(*out);
        *out = NULL;
    }
    return rc;
}

/* The canonical document of a run (compact, sorted keys); caller frees. */
static char *document_of(json_t *run)
{
    json_t *d =
        json_pack("{sO sO sO sO sO sO sO sO}", "number", json_object_get(run, "number"), "kind",
                  json_object_get(run, "kind"), "period_start", json_object_get(run, "period_start"),
                  "period_end", json_object_get(run, "period_end"), "version",
                  json_object_get(run, "version"), "generated_at", json_object_get(run, "generated_at"),
                  "snapshot", json_object_get(run, "snapshot"), "manual", json_object_get(run, "manual"));
    char *s = d ? json_dumps(d, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENSURE_ASCII) : NULL;
    json_decref(d);
    return s;
}

/* version 0 = the next one; a fixed version that exists already is
 * OD_E_CONFLICT (the scheduled generation on another node came first). */
static od_err generate(od_app *a, const od_principal *who, const char *kind, int64_t at,
                       int64_t fixed_version, json_t **out, od_error *e);

od_err od_report_generate(od_app *a, const od_principal *who, const char *kind, int64_t at, json_t **out,
                          od_error *e)
{
    return generate(a, who, kind, at, 0, out, e);
}

od_err od_report_generate_scheduled(od_app *a, int64_t now, int *made, od_error *e)
{
    od_principal sys;
    memset(&sys, 0, sizeof sys);
    snprintf(sys.username, sizeof sys.username, "%s", "system");
    int n = 0;
    od_err rc = OD_OK;
    const od_policy *p = a->policy;
    for (size_t k = 0; !rc && k < p->sla.n_reports; k++) {
        const od_report_def *def = &p->sla.reports[k];
        const char *key = def->key;
        const od_calendar *cal = od_report_calendar_of(p, def);
        int64_t last = 0;
        if (!def->scheduled) /* generated by hand only */
            continue;
        od_tx *tx = NULL;
        rc = od_tx_begin(a->store, false, &tx, e);
        if (!rc)
            rc = od_tx_scalar(tx, OD_Q_RPT_LAST_PERIOD, &last, e, OD_BINDS(OD_TEXT(key)));
        od_tx_rollback(tx);
        if (rc)
            break;
        /* the periods after the newest one with a run, up to the one in
         * force (missed while the server was down); none at all yet: only
         * the one in force.  Their generation times, newest first. */
        int64_t gens[53], at = now;
        int ng = 0, max = od_rperiod_catchup(def->period); /* at most a year back */
        while (ng < max && ng < 53) {
            int64_t start, end, gen;
            od_report_def_period_at(def, cal, at, BEIJING_MIN, &start, &end, &gen);
            if (last && start <= last)
                break;
            gens[ng++] = gen;
            if (!last)
                break;
            at = gen - 1;
        }
        for (int i = ng - 1; !rc && i >= 0; i--) { /* oldest first */
            json_t *out = NULL;
            rc = generate(a, &sys, key, gens[i], 1, &out, e);
            if (rc == OD_E_CONFLICT) { /* another node made it: (kind, period_start, 1) is unique */
                od_error_clear(e);
                rc = OD_OK;
            } else if (!rc) {
                n++;
            }
            json_decref(out);
        }
    }
    if (made)
        *made = n;
    return rc;
}

static od_err generate(od_app *a, const od_principal *who, const char *kind, int64_t at,
                       int64_t fixed_version, json_t **out, od_error *e)
{
    *out = NULL;
    const od_report_def *def = od_report_def_of(a->policy, kind);
    if (!def)
        return bad_kind(a->policy, e);
    int64_t now = od_app_now(a), start, end, gen;
    if (at > now)
        return od_error_set(e, OD_E_UNPROCESSABLE, "at",
                            "不能为将来的期间生成报告 (at cannot lie in the future)");
    od_report_def_period_at(def, od_report_calendar_of(a->policy, def), at ? at : now, BEIJING_MIN, &start,
                            &end, &gen);
    json_t *snap = NULL;
    od_err rc = build_snapshot(a, def, start, end, &snap, e);
    if (rc)
        return rc;
    od_tx *tx = NULL;
    rc = od_tx_begin(a->store, true, &tx, e);
    if (rc) {
        json_decref(snap);
        return rc;
    }
    int64_t version = 0, id = 0;
    rc = od_tx_scalar(tx, OD_Q_RPT_MAX_VERSION, &version, e, OD_BINDS(OD_TEXT(kind), OD_INT(start)));
    version = fixed_version ? fixed_version : version + 1;
    /* the differences from the version before (regeneration, §1.10) */
    if (!rc && version > 1) {
        od_rows *r = NULL;
        bool row = false;
        rc = od_tx_query(tx, OD_Q_RPT_LIST, &r, e,
                         OD_BINDS(OD_TEXT(kind), OD_TEXT(kind), OD_INT((int64_t)1000), OD_INT((int64_t)0)));
        int64_t prev_id = 0;
        while (!rc && !(rc = od_rows_step(r, &row)) && row)
            if (od_rows_int(r, 2) == start && od_rows_int(r, 4) == version - 1)
                prev_id = od_rows_int(r, 0);
        od_rows_close(r);
        json_t *prev = NULL;
        if (!rc && prev_id)
            rc = run_load(a->policy, tx, prev_id, &prev, NULL, e);
        if (!rc && prev) {
            json_t *before = headline(json_object_get(prev, "snapshot")), *after = headline(snap),
                   *diff = json_object();
            const char *key;
            json_t *v;
            json_object_foreach(after, key, v)
            {
                if (!json_equal(v, json_object_get(before, key)))
                    json_object_set_new(
                        diff, key, json_pack("{sO sO}", "before", json_object_get(before, key), "after", v));
            }
            json_object_set_new(snap, "changes_from_previous",
                                json_pack("{sI so}", "version", (json_int_t)(version - 1), "changes", diff));
            json_decref(before);
            json_decref(after);
        }
        json_decref(prev);
    }
    char number[64], *text = NULL;
    int y, m, d;
    od_cal_civil_from_days((int32_t)((start + (int64_t)BEIJING_MIN * 60000) / OD_DAY_MS), &y, &m, &d);
    snprintf(number, sizeof number, "OMR-%s-%04d%02d%02d-v%lld", def->code, y, m, d, (long long)version);
    if (!rc && !(text = json_dumps(snap, JSON_COMPACT | JSON_SORT_KEYS)))
        rc = od_error_set(e, OD_E_NOMEM, NULL, "内存不足 (out of memory)");
    if (!rc)
        rc = od_tx_insert(tx, OD_Q_RPT_INSERT, &id, e,
                          OD_BINDS(OD_TEXT(kind), OD_INT(start), OD_INT(end), OD_INT(version),
                                   OD_TEXT(number), OD_TEXT(text), OD_INT(now), OD_INT_NONZERO(who->id)));
    free(text);
    json_decref(snap);
    if (!rc) /* the filing deadline (om_reports_review.c) */
        rc = od_report_arm_filing(tx, a->policy, id, now, e);
    if (!rc)
        rc = run_load(a->policy, tx, id, out, NULL, e);
    if (!rc) {
        json_t *aud = json_pack("{sO sO sO}", "number", json_object_get(*out, "number"), "kind",
                                json_object_get(*out, "kind"), "version", json_object_get(*out, "version"));
        rc = od_audit_append(tx, now, who, "report.generate", "report_run", id, NULL, aud, e);
        json_decref(aud);
    }
    rc = finish(tx, rc, e);
    if (rc) {
        json_decref(*out);
        *out = NULL;
    } else {
        od_app_committed(a, OD_COMMIT_DEADLINES);
    }
    return rc;
}

od_err od_report_list(od_app *a, const char *kind, int64_t limit, int64_t offset, json_t **out, od_error *e)
{
    *out = NULL;
    const char *k = kind ? kind : "";
    if (*k && !od_report_def_of(a->policy, k))
        return bad_kind(a->policy, e);
    od_tx *tx = NULL;
    od_err rc = od_tx_begin(a->store, false, &tx, e);
    if (rc)
        return rc;
    json_t *items = json_array();
    od_rows *r = NULL;
    bool row = false;
    int64_t total = 0;
    rc = od_tx_query(tx, OD_Q_RPT_LIST, &r, e,
                     OD_BINDS(OD_TEXT(k), OD_TEXT(k), OD_INT(limit), OD_INT(offset)));
    while (!rc && !(rc = od_rows_step(r, &row)) && row) {
        char t[4][OD_TIME_STR_MAX];
        json_t *o = json_pack("{sI ss ss ss sI ss ss ss}", "id", (json_int_t)od_rows_int(r, 0), "kind",
                              od_rows_text(r, 1), "period_start", od_time_format(od_rows_int(r, 2), t[0]),
                              "period_end", od_time_format(od_rows_int(r, 3), t[1]), "version",
                              (json_int_t)od_rows_int(r, 4), "number", od_rows_text(r, 5), "state",
                              od_rows_text(r, 6), "generated_at", od_time_format(od_rows_int(r, 8), t[2]));
        json_object_set_new(o, "sha256", od_rows_null(r, 7) ? json_null() : json_string(od_rows_text(r, 7)));
        json_object_set_new(o, "filed_at",
                            od_rows_null(r, 9) ? json_null()
                                               : json_string(od_time_format(od_rows_int(r, 9), t[3])));
        json_array_append_new(items, o);
    }
    od_rows_close(r);
    if (!rc)
        rc = od_tx_scalar(tx, OD_Q_RPT_COUNT, &total, e, OD_BINDS(OD_TEXT(k), OD_TEXT(k)));
    od_tx_rollback(tx);
    if (rc) {
        json_decref(items);
        return rc;
    }
    *out = json_pack("{so sI sI sI}", "items", items, "total", (json_int_t)total, "limit", (json_int_t)limit,
                     "offset", (json_int_t)offset);
    return OD_OK;
}

od_err od_report_get(od_app *a, int64_t id, json_t **out, od_error *e)
{
    *out = NULL;
    od_tx *tx = NULL;
    od_err rc = od_tx_begin(a->store, false, &tx, e);
    if (rc)
        return rc;
    rc = run_load(a->policy, tx, id, out, NULL, e);
    if (!rc)
        rc = od_report_review_json(tx, id, od_app_now(a), *out, e);
    od_tx_rollback(tx);
    if (rc) {
        json_decref(*out);
        *out = NULL;
    }
    return rc;
}

od_err od_report_set_manual(od_app *a, const od_principal *who, int64_t id, json_t *sections, json_t **out,
                            od_error *e)
{
    *out = NULL;
    if (!json_is_object(sections))
        return od_error_set(e, OD_E_INVALID, "sections", "sections 须为对象 (sections must be an object)");
    od_tx *tx = NULL;
    od_err rc = od_tx_begin(a->store, true, &tx, e);
    if (rc)
        return rc;
    json_t *before = NULL;
    rc = run_load(a->policy, tx, id, &before, NULL, e);
    if (!rc && strcmp(json_string_value(json_object_get(before, "state")), "draft") != 0)
        rc = od_error_set(
            e, OD_E_CONFLICT, "id",
            "报告已提交审核或已归档，不能修改 (the report is under review or filed and cannot change)");
    json_t *manual = rc ? NULL : json_deep_copy(json_object_get(before, "manual"));
    const char *key;
    json_t *v;
    if (!rc)
        json_object_foreach(sections, key, v)
        {
            int ix = od_rsection_find(key);
            bool known = ix >= 0 &&
                         (manual_bits(a->policy, json_string_value(json_object_get(before, "kind")), false) &
                          (1u << ix));
            if (!known) {
                rc = od_error_set(e, OD_E_INVALID, "sections",
                                  "未知的人工章节 %s (unknown manual section %s)", key, key);
                break;
            }
            if (!json_is_string(v) || json_string_length(v) > 20000) {
                rc = od_error_set(
                    e, OD_E_INVALID, "sections",
                    "章节内容须为不超过 20000 字节的文本 (a section is text of at most 20000 bytes)");
                break;
            }
            json_object_set(manual, key, v);
        }
    char *text = NULL;
    if (!rc && !(text = json_dumps(manual, JSON_COMPACT | JSON_SORT_KEYS)))
        rc = od_error_set(e, OD_E_NOMEM, NULL, "内存不足 (out of memory)");
    if (!rc)
        rc = od_tx_exec(tx, OD_Q_RPT_SET_MANUAL, e, OD_BINDS(OD_TEXT(text), OD_INT(id)));
    if (!rc && od_tx_changes(tx) != 1)
        rc = od_error_set(
            e, OD_E_CONFLICT, "id",
            "报告已提交审核或已归档，不能修改 (the report is under review or filed and cannot change)");
    free(text);
    if (!rc)
        rc = run_load(a->policy, tx, id, out, NULL, e);
    if (!rc)
        rc = od_audit_append(tx, od_app_now(a), who, "report.manual", "report_run", id,
                             json_object_get(before, "manual"), manual, e);
    json_decref(manual);
    json_decref(before);
    rc = finish(tx, rc, e);
    if (rc) {
        json_decref(*out);
        *out = NULL;
    }
    return rc;
}

od_err od_report_submit(od_app *a, const od_principal *who, int64_t id, json_t **out, od_error *e)
{
    *out = NULL;
    const od_policy *p = a->policy;
    int64_t now = od_app_now(a), due = now + p->sla.report_review_ms;
    od_tx *tx = NULL;
    od_err rc = od_tx_begin(a->store, true, &tx, e);
    if (rc)
        return rc;
    json_t *run = NULL;
    rc = run_load(a->policy, tx, id, &run, NULL, e);
    json_t *missing = rc ? NULL : json_object_get(run, "missing");
    if (!rc)
        rc = od_report_decide(tx, p, who, id, OD_RPT_SUBMIT, json_array_size(missing) == 0, false, e);
    if (rc == OD_E_UNPROCESSABLE) { /* name the first empty section */
        const char *k = json_string_value(json_array_get(missing, 0));
        od_error_clear(e);
        rc = od_error_set(e, OD_E_UNPROCESSABLE, "sections",
                          "提交审核前须填写人工章节：%s (fill the manual section %s first)", title_of(k), k);
    }
    if (!rc)
        rc = od_tx_exec(tx, OD_Q_RPT_SUBMIT, e,
                        OD_BINDS(OD_INT(now), OD_INT_NONZERO(who->id), OD_INT(due), OD_INT(id)));
    if (!rc && od_tx_changes(tx) != 1)
        rc = od_error_set(e, OD_E_CONFLICT, "id", "报告已提交审核 (the report is submitted already)");
    char kind[64];
    snprintf(kind, sizeof kind, "report:review:%lld", (long long)id); /* the review deadline's row */
    if (!rc)
        rc = od_tx_exec(tx, OD_Q_RPT_DL_INSERT, e, OD_BINDS(OD_TEXT(kind), OD_INT(due), OD_INT(due)));
    if (!rc) {
        json_t *aud = json_pack("{sO ss}", "number", json_object_get(run, "number"), "state", "under_review");
        json_t *before = json_pack("{ss}", "state", "draft");
        rc = od_audit_append(tx, now, who, "report.submit", "report_run", id, before, aud, e);
        json_decref(aud);
        json_decref(before);
    }
    json_decref(run);
    rc = finish(tx, rc, e);
    if (!rc)
        od_app_committed(a, OD_COMMIT_DEADLINES);
    if (!rc)
        rc = od_report_get(a, id, out, e);
    return rc;
}

od_err od_report_file(od_app *a, const od_principal *who, int64_t id, const char *note, json_t **out,
                      od_error *e)
{
    *out = NULL;
    if (note && strlen(note) > 2000)
        return od_error_set(e, OD_E_INVALID, "note",
                            "审核意见不超过 2000 字节 (a note is at most 2000 bytes)");
    int64_t now = od_app_now(a);
    od_tx *tx = NULL;
    od_err rc = od_tx_begin(a->store, true, &tx, e);
    if (rc)
        return rc;
    json_t *run = NULL;
    rc = run_load(a->policy, tx, id, &run, NULL, e);
    /* under review, by the reviewer who is neither its generator nor its submitter (core/report_due.c) */
    if (!rc)
        rc = od_report_decide(tx, a->policy, who, id, OD_RPT_FILE,
                              json_array_size(json_object_get(run, "missing")) == 0, note && *note, e);
    char *doc = rc ? NULL : document_of(run);
    char hex[crypto_hash_sha256_BYTES * 2 + 1];
    if (!rc && !doc)
        rc = od_error_set(e, OD_E_NOMEM, NULL, "内存不足 (out of memory)");
    if (!rc) {
        unsigned char h[crypto_hash_sha256_BYTES];
        crypto_hash_sha256(h, (const unsigned char *)doc, strlen(doc));
        sodium_bin2hex(hex, sizeof hex, h, sizeof h);
        rc = od_tx_exec(
            tx, OD_Q_RPT_FILE, e,
            OD_BINDS(OD_TEXT(doc), OD_TEXT(hex), OD_INT(now), OD_INT_NONZERO(who->id), OD_INT(id)));
    }
    if (!rc && od_tx_changes(tx) != 1)
        rc = od_error_set(e, OD_E_CONFLICT, "id", "报告已归档 (the report is filed already)");
    if (!rc) /* the filing is the review: who, when, the note */
        rc =
            od_tx_exec(tx, OD_Q_RPT_REVIEW, e,
                       OD_BINDS(OD_INT(now), OD_INT_NONZERO(who->id), OD_TEXT(note ? note : ""), OD_INT(id)));
    if (!rc) /* the filing and review deadlines (om_reports_review.c) */
        rc = od_report_meet_deadlines(tx, id, now, e);
    free(doc);
    if (!rc)
        rc = run_load(a->policy, tx, id, out, NULL, e);
    if (!rc) {
        json_t *aud = json_pack("{sO ss ss}", "number", json_object_get(*out, "number"), "sha256", hex,
                                "note", note ? note : "");
        json_t *before = json_pack("{ss}", "state", "under_review");
        rc = od_audit_append(tx, now, who, "report.file", "report_run", id, before, aud, e);
        json_decref(aud);
        json_decref(before);
    }
    json_decref(run);
    rc = finish(tx, rc, e);
    if (rc) {
        json_decref(*out);
        *out = NULL;
    }
    return rc;
}

/* ---- exports ---------------------------------------------------------- */

typedef struct doc {
    od_sbuf b;
    bool html;
} doc;

static void text(doc *d, const char *s)
{
    for (s = s ? s : ""; *s; s++) {
        const char *rep = NULL;
        if (d->html)
            rep = od_html_entity(*s);
        else if (strchr("\\`*_[]<>|#", *s))
            od_sbuf_append(&d->b, "\\", 1);
        if (rep)
            od_sbuf_puts(&d->b, rep);
        else
            od_sbuf_append(&d->b, s, 1);
    }
}

static void heading(doc *d, int level, const char *t)
{
    if (d->html) {
        od_sbuf_printf(&d->b, "<h%d>", level);
        text(d, t);
        od_sbuf_printf(&d->b, "</h%d>\n", level);
    } else {
        for (int i = 0; i < level; i++)
            od_sbuf_puts(&d->b, "#");
        od_sbuf_puts(&d->b, " ");
        text(d, t);
        od_sbuf_puts(&d->b, "\n\n");
    }
}

/* A table row; header = the first row. */
static void row(doc *d, const char *const *cells, size_t n, bool header)
{
    if (d->html) {
        od_sbuf_puts(&d->b, "<tr>");
        for (size_t i = 0; i < n; i++) {
            od_sbuf_puts(&d->b, header ? "<th>" : "<td>");
            text(d, cells[i]);
            od_sbuf_puts(&d->b, header ? "</th>" : "</td>");
        }
        od_sbuf_puts(&d->b, "</tr>\n");
        return;
    }
    od_sbuf_puts(&d->b, "|");
    for (size_t i = 0; i < n; i++) {
        od_sbuf_puts(&d->b, " ");
        text(d, cells[i]);
        od_sbuf_puts(&d->b, " |");
    }
    od_sbuf_puts(&d->b, "\n");
    if (header) {
        od_sbuf_puts(&d->b, "|");
        for (size_t i = 0; i < n; i++)
            od_sbuf_puts(&d->b, " --- |");
        od_sbuf_puts(&d->b, "\n");
    }
}

static void table_open(doc *d)
{
    if (d->html)
        od_sbuf_puts(&d->b, "<table>\n");
}

static void table_close(doc *d)
{
    od_sbuf_puts(&d->b, d->html ? "</table>\n" : "\n");
}

static void fmt_ms_h(char *out, size_t n, json_t *v)
{
    if (json_is_integer(v))
        snprintf(out, n, "%.2f h", (double)json_integer_value(v) / 3600000.0);
    else
        snprintf(out, n, "—");
}

static void fmt_ms_min(char *out, size_t n, json_t *v)
{
    if (json_is_integer(v))
        snprintf(out, n, "%.2f min", (double)json_integer_value(v) / 60000.0);
    else
        snprintf(out, n, "—");
}

static void fmt_pct(char *out, size_t n, json_t *av)
{
    json_t *v = json_object_get(av, "availability_ppm");
    if (json_is_integer(v))
        snprintf(out, n, "%.3f %%", (double)json_integer_value(v) / 10000.0);
    else
        snprintf(out, n, "—");
}

static void avail_row(doc *d, const char *name, json_t *av)
{
    char pct[32], down[32], budget[32], left[32], ytd[32];
    fmt_pct(pct, sizeof pct, av);
    fmt_ms_h(down, sizeof down, json_object_get(av, "downtime_ms"));
    fmt_ms_h(budget, sizeof budget, json_object_get(av, "period_budget_ms"));
    fmt_ms_h(left, sizeof left, json_object_get(av, "period_remaining_ms"));
    fmt_ms_h(ytd, sizeof ytd, json_object_get(json_object_get(av, "budget"), "remaining_ms"));
    const char *cells[] = {
        name, pct, down, budget, left, ytd, json_is_true(json_object_get(av, "met")) ? "✓" : "✗"};
    row(d, cells, 7, false);
}

/* The Beijing-time date of ms as YYYY-MM-DD. */
static void bj_date(int64_t ms, char out[16])
{
    int y, m, dd;
    od_cal_civil_from_days((int32_t)((ms + (int64_t)BEIJING_MIN * 60000) / OD_DAY_MS), &y, &m, &dd);
    snprintf(out, 16, "%04d-%02d-%02d", y, m, dd);
}

/* The HTML's charts (om_reports_chart.h): each service's availability in the
 * period against the target. */
static void service_chart(doc *d, json_t *sl)
{
    json_t *svcs = json_object_get(sl, "services"), *s;
    size_t n = json_array_size(svcs) + 1, i;
    od_chart_bar bars[65];
    if (n > 65)
        n = 65;
    json_t *pav = json_object_get(json_object_get(sl, "platform"), "availability");
    bars[0] = (od_chart_bar){.label = "平台 platform",
                             .value = (double)json_integer_value(json_object_get(pav, "availability_ppm")) /
                                      10000.0,
                             .has = json_is_integer(json_object_get(pav, "availability_ppm"))};
    json_array_foreach(svcs, i, s)
    {
        if (i + 1 >= n)
            break;
        json_t *av = json_object_get(s, "availability");
        bars[i + 1] = (od_chart_bar){
            .label = json_string_value(json_object_get(s, "key")),
            .value = (double)json_integer_value(json_object_get(av, "availability_ppm")) / 10000.0,
            .has = json_is_integer(json_object_get(av, "availability_ppm"))};
    }
    double target =
        (double)json_integer_value(json_object_get(json_object_get(sl, "targets"), "availability_ppm")) /
        10000.0;
    char tl[64];
    snprintf(tl, sizeof tl, "目标 target %.4g %%", target);
    od_chart c = {.id = "chart-services",
                  .title = "可用率 (availability, %)",
                  .unit = "",
                  .decimals = 3,
                  .has_target = true,
                  .target = target,
                  .target_label = tl};
    od_chart_avail_range(bars, n, target, &c.lo, &c.hi);
    od_sbuf_puts(&d->b, "<figure>");
    od_chart_svg(&d->b, &c, bars, n);
    od_sbuf_puts(&d->b, "</figure>\n");
}

/* The monthly report's 12-month trend: the platform's availability and MTTR. */
static void trend_charts(doc *d, json_t *snap)
{
    json_t *trend = json_object_get(snap, "trend"), *s;
    json_t *tg = json_object_get(json_object_get(snap, "service_levels"), "targets");
    size_t n = json_array_size(trend), i;
    od_chart_bar av[24], mttr[24];
    if (n > 24)
        n = 24;
    double max_h = 0;
    json_array_foreach(trend, i, s)
    {
        if (i >= n)
            break;
        const char *m = json_string_value(json_object_get(s, "month"));
        json_t *ppm = json_object_get(s, "availability_ppm");
        json_t *mean = json_object_get(json_object_get(s, "mttr"), "mean_ms");
        av[i] = (od_chart_bar){
            .label = m, .value = (double)json_integer_value(ppm) / 10000.0, .has = json_is_integer(ppm)};
        mttr[i] = (od_chart_bar){
            .label = m, .value = (double)json_integer_value(mean) / 3600000.0, .has = json_is_integer(mean)};
        if (mttr[i].has && mttr[i].value > max_h)
            max_h = mttr[i].value;
    }
    double target = (double)json_integer_value(json_object_get(tg, "availability_ppm")) / 10000.0;
    double restore_h = (double)json_integer_value(json_object_get(tg, "restore_ordinary_ms")) / 3600000.0;
    char tl[64], rl[64];
    snprintf(tl, sizeof tl, "目标 target %.4g %%", target);
    snprintf(rl, sizeof rl, "一般故障恢复目标 restore target %.4g h", restore_h);
    od_chart a = {.id = "chart-availability",
                  .title = "平台可用率趋势 (platform availability, %)",
                  .unit = "",
                  .decimals = 3,
                  .has_target = true,
                  .target = target,
                  .target_label = tl};
    od_chart_avail_range(av, n, target, &a.lo, &a.hi);
    double hi = (max_h > restore_h ? max_h : restore_h) * 1.2;
    od_chart r = {.id = "chart-mttr",
                  .title = "MTTR 趋势 (mean time to restore, h)",
                  .unit = "",
                  .decimals = 2,
                  .lo = 0,
                  .hi = hi > 0 ? hi : 1,
                  .has_target = restore_h > 0,
                  .target = restore_h,
                  .target_label = rl};
    od_sbuf_puts(&d->b, "<figure>");
    od_chart_svg(&d->b, &a, av, n);
    od_sbuf_puts(&d->b, "</figure>\n<figure>");
    od_chart_svg(&d->b, &r, mttr, n);
    od_sbuf_puts(&d->b, "</figure>\n");
}

static void render(doc *d, json_t *run)
{
    json_t *snap = json_object_get(run, "snapshot"), *sl = json_object_get(snap, "service_levels");
    json_t *inc = json_object_get(sl, "incidents");
    json_t *tt = json_object_get(run, "title");
    char title[400];
    snprintf(title, sizeof title, "%s (%s) %s", json_string_value(json_object_get(tt, "zh")),
             json_string_value(json_object_get(tt, "en")), json_string_value(json_object_get(run, "number")));
    if (d->html)
        od_sbuf_puts(&d->b, "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>");
    if (d->html) {
        text(d, title);
        od_sbuf_puts(&d->b,
                     "</title><style>@page{size:A4;margin:18mm}body{font-family:\"Noto Sans CJK SC\","
                     "sans-serif;font-size:11pt}table{border-collapse:collapse;margin:6pt 0}"
                     "td,th{border:1px solid #888;padding:2pt 6pt}figure{margin:6pt 0;break-inside:avoid}"
                     "</style></head><body>\n");
    }
    heading(d, 1, title);
    char meta[384], d0[16], d1[16];
    bj_date(json_integer_value(json_object_get(run, "period_start_ms")), d0);
    bj_date(json_integer_value(json_object_get(run, "period_end_ms")) - 1, d1);
    snprintf(meta, sizeof meta, "期间 (period, UTC+8): %s — %s · 版本 (version) %lld · 状态 (state) %s%s%s",
             d0, d1, (long long)json_integer_value(json_object_get(run, "version")),
             json_string_value(json_object_get(run, "state")),
             json_is_string(json_object_get(run, "sha256")) ? " · SHA-256 " : "",
             json_is_string(json_object_get(run, "sha256"))
                 ? json_string_value(json_object_get(run, "sha256"))
                 : "");
    if (d->html)
        od_sbuf_puts(&d->b, "<p>");
    text(d, meta);
    od_sbuf_puts(&d->b, d->html ? "</p>\n" : "\n\n");

    heading(d, 2, "1 概要：可用率与停机预算 (summary: availability and downtime budget)");
    table_open(d);
    const char *hdr[] = {"服务 (service)",  "可用率 (availability)", "停机 (downtime)", "期间预算 (budget)",
                         "期间剩余 (left)", "年度剩余 (year left)",  "达标 (met)"};
    row(d, hdr, 7, true);
    avail_row(d, "平台 (platform)", json_object_get(json_object_get(sl, "platform"), "availability"));
    size_t i;
    json_t *s;
    json_array_foreach(json_object_get(sl, "services"), i, s)
    {
        avail_row(d, json_string_value(json_object_get(s, "name")), json_object_get(s, "availability"));
    }
    table_close(d);
    if (d->html)
        service_chart(d, sl);

    heading(d, 2, "2 服务级别达标 (SLA compliance)");
    table_open(d);
    const char *h2[] = {"指标 (metric)", "达标 (met)", "超时 (breached)", "进行中 (pending)"};
    row(d, h2, 4, true);
    const char *const metrics[][2] = {{"response", "响应 ≤30 min (response)"},
                                      {"restore", "恢复 一般≤2h 重大≤8h (restore)"},
                                      {"handling", "处置时限 (handling limit, seed 000)"}};
    for (size_t m = 0; m < 3; m++) {
        json_t *v = json_object_get(inc, metrics[m][0]);
        char a1[16], a2[16], a3[16];
        snprintf(a1, sizeof a1, "%lld", (long long)json_integer_value(json_object_get(v, "met")));
        snprintf(a2, sizeof a2, "%lld", (long long)json_integer_value(json_object_get(v, "breached")));
        snprintf(a3, sizeof a3, "%lld", (long long)json_integer_value(json_object_get(v, "pending")));
        const char *cells[] = {metrics[m][1], a1, a2, a3};
        row(d, cells, 4, false);
    }
    table_close(d);
    char mtta[32], mttr[32], line[160];
    fmt_ms_min(mtta, sizeof mtta, json_object_get(json_object_get(inc, "mtta"), "mean_ms"));
    fmt_ms_h(mttr, sizeof mttr, json_object_get(json_object_get(inc, "mttr"), "mean_ms"));
    snprintf(line, sizeof line, "事件 (incidents): %lld · 演练 (drills): %lld · MTTA %s · MTTR %s",
             (long long)json_integer_value(json_object_get(inc, "total")),
             (long long)json_integer_value(json_object_get(inc, "drills")), mtta, mttr);
    if (d->html)
        od_sbuf_puts(&d->b, "<p>");
    text(d, line);
    od_sbuf_puts(&d->b, d->html ? "</p>\n" : "\n\n");

    heading(d, 2, "3 事件与超时 (incidents and breaches)");
    table_open(d);
    const char *h3[] = {"编号 (number)",   "级别 (level)",   "重大 (major)",
                        "响应 (response)", "恢复 (restore)", "处置 (handling)"};
    row(d, h3, 6, true);
    json_array_foreach(json_object_get(inc, "items"), i, s)
    {
        char c[3][48];
        const char *keys[] = {"response", "restore", "handling"};
        for (int m = 0; m < 3; m++) {
            json_t *v = json_object_get(s, keys[m]);
            char t[24];
            fmt_ms_min(t, sizeof t, json_object_get(v, "ms"));
            snprintf(c[m], sizeof c[m], "%s %s", t, json_string_value(json_object_get(v, "verdict")));
        }
        const char *cells[] = {json_string_value(json_object_get(s, "number")),
                               json_string_value(json_object_get(s, "level")),
                               json_is_true(json_object_get(s, "major")) ? "是 (yes)" : "否 (no)",
                               c[0],
                               c[1],
                               c[2]};
        row(d, cells, 6, false);
    }
    table_close(d);

    if (json_is_array(json_object_get(snap, "trend"))) {
        heading(d, 2, "4 12 个月趋势 (12-month trend)");
        table_open(d);
        const char *h4[] = {"月份 (month)", "可用率 (availability)", "非计划停机 (unplanned)", "MTTA",
                            "MTTR"};
        row(d, h4, 5, true);
        json_array_foreach(json_object_get(snap, "trend"), i, s)
        {
            char p[32], u[32], a1[32], a2[32];
            fmt_pct(p, sizeof p, s);
            fmt_ms_h(u, sizeof u, json_object_get(s, "unplanned_ms"));
            fmt_ms_min(a1, sizeof a1, json_object_get(json_object_get(s, "mtta"), "mean_ms"));
            fmt_ms_h(a2, sizeof a2, json_object_get(json_object_get(s, "mttr"), "mean_ms"));
            const char *cells[] = {json_string_value(json_object_get(s, "month")), p, u, a1, a2};
            row(d, cells, 5, false);
        }
        table_close(d);
        if (d->html)
            trend_charts(d, snap);
    }
    if (json_is_array(json_object_get(snap, "self_assessment"))) {
        heading(d, 2, "5 服务质量自评 (service-quality self-assessment)");
        table_open(d);
        const char *h5[] = {"指标 (indicator)", "要求 (target)", "实际 (actual)", "完成 (met)"};
        row(d, h5, 4, true);
        json_array_foreach(json_object_get(snap, "self_assessment"), i, s)
        {
            char actual[48];
            json_t *v = json_object_get(s, "actual");
            if (json_is_real(v))
                snprintf(actual, sizeof actual, "%.3f %%", json_real_value(v));
            else if (json_is_integer(v))
                snprintf(actual, sizeof actual, "%lld 次超时 (breaches)", (long long)json_integer_value(v));
            else
                snprintf(actual, sizeof actual, "未计量 (not measured)");
            json_t *met = json_object_get(s, "met");
            const char *cells[] = {json_string_value(json_object_get(s, "indicator")),
                                   json_string_value(json_object_get(s, "target")), actual,
                                   json_is_null(met)   ? "—"
                                   : json_is_true(met) ? "✓"
                                                       : "✗"};
            row(d, cells, 4, false);
        }
        table_close(d);
    }
    json_t *mods = json_object_get(snap, "modules");
    if (json_is_object(mods)) {
        /* the sections modules declare (om_reports_sections.c), in their order */
        heading(d, 2, "6 各模块章节 (sections of the modules)");
        size_t ns = 0;
        const od_report_section *secs = od_report_sections(&ns);
        for (size_t k = 0; k < ns; k++) {
            if (!json_is_object(json_object_get(mods, secs[k].key)))
                continue; /* a run made before the module declared its section */
            heading(d, 3, secs[k].title);
            table_open(d);
            const char *h6[] = {"项目 (item)", "数量 (count)"};
            row(d, h6, 2, true);
            for (size_t m = 0; m < secs[k].n_items; m++) {
                json_t *v = json_object_get(json_object_get(mods, secs[k].key), secs[k].items[m].key);
                char num[24];
                if (json_is_integer(v))
                    snprintf(num, sizeof num, "%lld", (long long)json_integer_value(v));
                else
                    snprintf(num, sizeof num, "—");
                const char *cells[] = {secs[k].items[m].label, num};
                row(d, cells, 2, false);
            }
            table_close(d);
            const od_report_detail *dt = secs[k].detail;
            json_t *rows = dt ? json_object_get(json_object_get(mods, secs[k].key), dt->key) : NULL;
            if (json_is_array(rows)) { /* the section's table of rows (e.g. per plan) */
                heading(d, 4, dt->title);
                table_open(d);
                row(d, dt->cols, dt->n_cols, true);
                size_t ri;
                json_t *rv;
                json_array_foreach(rows, ri, rv)
                {
                    char nums[OD_REPORT_DETAIL_COLS_MAX][24];
                    const char *cells[OD_REPORT_DETAIL_COLS_MAX];
                    for (size_t c = 0; c < dt->n_cols; c++) {
                        json_t *v = json_object_get(rv, dt->fields[c]);
                        if (json_is_string(v))
                            cells[c] = json_string_value(v);
                        else if (json_is_integer(v)) {
                            snprintf(nums[c], sizeof nums[c], "%lld", (long long)json_integer_value(v));
                            cells[c] = nums[c];
                        } else
                            cells[c] = "—";
                    }
                    row(d, cells, dt->n_cols, false);
                }
                table_close(d);
            }
        }
    }
    heading(d, 2, "人工章节 (manual sections)");
    json_array_foreach(json_object_get(run, "manual_sections"), i, s)
    {
        const char *k = json_string_value(json_object_get(s, "key"));
        heading(d, 3, title_of(k));
        const char *v = json_string_value(json_object_get(json_object_get(run, "manual"), k));
        if (d->html)
            od_sbuf_puts(&d->b, "<p>");
        text(d, v && *v ? v : "（未填写 not filled）");
        od_sbuf_puts(&d->b, d->html ? "</p>\n" : "\n\n");
    }
    if (d->html)
        od_sbuf_puts(&d->b, "</body></html>\n");
}

static void csv_cell(od_sbuf *b, const char *s, bool last)
{
    od_sbuf_puts(b, "\"");
    s = s ? s : "";
    if (strchr("=+-@", *s) && *s) /* a leading formula character is neutralized (CSV injection) */
        od_sbuf_puts(b, "'");
    for (; *s; s++) {
        if (*s == '"')
            od_sbuf_puts(b, "\"");
        od_sbuf_append(b, s, 1);
    }
    od_sbuf_puts(b, last ? "\"\r\n" : "\",");
}

static void csv_services(od_sbuf *b, json_t *sl)
{
    od_sbuf_puts(b, "service,availability_ppm,unplanned_ms,planned_ms,degraded_ms,downtime_ms,"
                    "period_budget_ms,year_remaining_ms,met\r\n");
    json_t *all = json_array();
    json_array_append_new(all, json_pack("{ss sO}", "key", "platform", "availability",
                                         json_object_get(json_object_get(sl, "platform"), "availability")));
    size_t i;
    json_t *s;
    json_array_foreach(json_object_get(sl, "services"), i, s) json_array_append(all, s);
    json_array_foreach(all, i, s)
    {
        json_t *av = json_object_get(s, "availability");
        csv_cell(b, json_string_value(json_object_get(s, "key")), false);
        od_sbuf_printf(
            b, "%lld,%lld,%lld,%lld,%lld,%lld,%lld,%s\r\n",
            (long long)json_integer_value(json_object_get(av, "availability_ppm")),
            (long long)json_integer_value(json_object_get(av, "unplanned_ms")),
            (long long)json_integer_value(json_object_get(av, "planned_ms")),
            (long long)json_integer_value(json_object_get(av, "degraded_ms")),
            (long long)json_integer_value(json_object_get(av, "downtime_ms")),
            (long long)json_integer_value(json_object_get(av, "period_budget_ms")),
            (long long)json_integer_value(json_object_get(json_object_get(av, "budget"), "remaining_ms")),
            json_is_true(json_object_get(av, "met")) ? "true" : "false");
    }
    json_decref(all);
}

static void csv_incidents(od_sbuf *b, json_t *sl)
{
    od_sbuf_puts(b, "number,level,major,response_ms,response,restore_ms,restore,handling_ms,handling\r\n");
    size_t i;
    json_t *s;
    json_array_foreach(json_object_get(json_object_get(sl, "incidents"), "items"), i, s)
    {
        csv_cell(b, json_string_value(json_object_get(s, "number")), false);
        od_sbuf_printf(b, "%s,%s", json_string_value(json_object_get(s, "level")),
                       json_is_true(json_object_get(s, "major")) ? "true" : "false");
        const char *keys[] = {"response", "restore", "handling"};
        for (int m = 0; m < 3; m++) {
            json_t *v = json_object_get(s, keys[m]), *ms = json_object_get(v, "ms");
            if (json_is_integer(ms))
                od_sbuf_printf(b, ",%lld", (long long)json_integer_value(ms));
            else
                od_sbuf_puts(b, ",");
            od_sbuf_printf(b, ",%s", json_string_value(json_object_get(v, "verdict")));
        }
        od_sbuf_puts(b, "\r\n");
    }
}

od_err od_report_export(od_app *a, int64_t id, const char *fmt, char **out, od_error *e)
{
    *out = NULL;
    od_tx *tx = NULL;
    od_err rc = od_tx_begin(a->store, false, &tx, e);
    if (rc)
        return rc;
    json_t *run = NULL;
    char *stored = NULL;
    rc = run_load(a->policy, tx, id, &run, &stored, e);
    od_tx_rollback(tx);
    if (rc)
        return rc;
    if (!strcmp(fmt, "json")) {
        *out = stored ? stored : document_of(run);
        stored = NULL;
    } else {
        doc d = {.b = {0}, .html = !strcmp(fmt, "html")};
        json_t *sl = json_object_get(json_object_get(run, "snapshot"), "service_levels");
        if (!strcmp(fmt, "services.csv"))
            csv_services(&d.b, sl);
        else if (!strcmp(fmt, "incidents.csv"))
            csv_incidents(&d.b, sl);
        else
            render(&d, run);
        if (d.b.oom) {
            free(d.b.p);
            d.b.p = NULL;
        }
        *out = d.b.p ? d.b.p : NULL;
    }
    free(stored);
    json_decref(run);
    if (!*out)
        return od_error_set(e, OD_E_NOMEM, NULL, "内存不足 (out of memory)");
    return OD_OK;
}

od_err od_report_export_xlsx(od_app *a, int64_t id, char **out, size_t *len, od_error *e)
{
    *out = NULL;
    *len = 0;
    od_tx *tx = NULL;
    od_err rc = od_tx_begin(a->store, false, &tx, e);
    if (rc)
        return rc;
    json_t *run = NULL;
    rc = run_load(a->policy, tx, id, &run, NULL, e);
    od_tx_rollback(tx);
    if (!rc)
        rc = od_report_xlsx(run, out, len, e);
    json_decref(run);
    return rc;
}
