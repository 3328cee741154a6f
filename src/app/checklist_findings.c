/* checklist_findings.c — what a failed checklist item opens (modules-spec
 * §1.6 `on_fail`; policy: on_fail: {create: KIND, link: LINK}): a record of
 * KIND made through its workflow's create action as the system actor
 * (od_record_create_act_in: its number, typed row, clocks and effects),
 * linked to the checked record, and recorded as the result's finding
 * (checklist_results.finding_record_id), so the item counts as handled for
 * checklist_complete.  Once per result: judging the item failed again keeps
 * the record it opened.  Runs inside the caller's transaction. */
#include "app/incidents.h"
#include "app/internal_events.h"
#include "app/records_kernel.h"
#include "core/event.h"

#include <stdio.h>
#include <string.h>

/* The checked record's first CI (its own CIs, then an incident's), 0 when
 * it has none; its name into name (may be NULL). */
static od_err first_ci(od_tx *tx, int64_t rec, int64_t *ci, char *name, size_t nsize, od_error *e)
{
    od_rows *r = NULL;
    bool row = false;
    *ci = 0;
    if (name)
        name[0] = 0;
    od_err rc = od_tx_query(tx, OD_Q_RCI_LIST, &r, e, OD_BINDS(OD_INT(rec), OD_INT(rec)));
    if (!rc && !(rc = od_rows_step(r, &row)) && row) {
        *ci = od_rows_int(r, 0);
        if (name)
            snprintf(name, nsize, "%s", od_rows_text(r, 1));
    }
    od_rows_close(r);
    return rc;
}

/* on_fail: incident — an incident on the checked record's first CI through
 * the incident register use case (od_incident_create_in, the system actor:
 * its number, level, deadlines and first report as for any incident), at
 * the item's declared severity or else the policy's lowest (minor), its
 * record linked parent_of from the checked record.  *rec: the incident's
 * record; 0 when the checked record has no CI (nothing is opened: the
 * person records the finding). */
static od_err open_incident(od_app *a, od_tx *tx, const od_rec *x, const od_cl_item *it, const char *title,
                            int64_t now, int64_t *rec, char *number, size_t nsize, od_error *e)
{
    int64_t ci = 0, inc = 0;
    *rec = 0;
    od_err rc = first_ci(tx, x->id, &ci, NULL, 0, e);
    if (rc || !ci)
        return rc;
    od_principal sys;
    od_principal_system(&sys);
    json_t *cis = json_pack("[I]", (json_int_t)ci);
    od_severity sev =
        it->fail_severity > 0 ? (od_severity)(it->fail_severity - 1) : (od_severity)(OD_SEV__COUNT - 1);
    od_incident_input in = {.title = title,
                            .symptoms = title,
                            .ci_ids = cis,
                            .severity = od_severity_key(sev),
                            .drill = json_is_true(json_object_get(x->o, "drill"))};
    rc = od_incident_create_in(a, tx, &sys, &in, &inc, e);
    json_decref(cis);
    if (!rc)
        rc = od_tx_scalar(tx, OD_Q_REC_OF_INCIDENT, rec, e, OD_BINDS(OD_INT(inc)));
    od_rec y = {0};
    if (!rc)
        rc = od_rec_load(tx, NULL, *rec, &y, e);
    if (!rc)
        snprintf(number, nsize, "%s", y.number);
    od_rec_free(&y);
    if (!rc) {
        od_link_input li = {.kind = "parent_of", .to_id = *rec};
        rc = od_rec_link_in(tx, &sys, x, &li, true, now, NULL, e);
    }
    return rc;
}

/* The record a result's finding names (0: none yet) and its number. */
static od_err finding_get(od_tx *tx, int64_t checklist_id, const char *item, int64_t *rec, char *number,
                          size_t nsize, od_error *e)
{
    od_rows *r = NULL;
    bool row = false;
    *rec = 0;
    if (number)
        number[0] = 0;
    od_err rc = od_tx_query(tx, OD_Q_CKLF_GET, &r, e, OD_BINDS(OD_INT(checklist_id), OD_TEXT(item)));
    if (!rc && !(rc = od_rows_step(r, &row)) && row) {
        *rec = od_rows_int(r, 0);
        if (number)
            snprintf(number, nsize, "%s", od_rows_text(r, 1));
    }
    od_rows_close(r);
    return rc;
}

/* What a failed item's record or event is called: "<number> 检查未通过：<item> (<template>: <item> failed)".
 */
static void fail_title(const od_rec *x, const od_cl_template *t, const od_cl_item *it, char *out, size_t n)
{
    snprintf(out, n, "%s 检查未通过：%s (%s: %s failed)", x->number, it->text_zh, t->name_en,
             it->text_en[0] ? it->text_en : it->key);
}

/* on_fail: event — the event queued in this transaction (internal_events.h),
 * ingested after its commit; not when the result has its record already. */
static od_err queue_event(od_tx *tx, const od_rec *x, const od_cl_template *t, const od_cl_item *it,
                          int64_t checklist_id, int64_t now, od_error *e)
{
    int64_t rec = 0, ci = 0;
    char number[OD_RECORD_NUMBER_MAX];
    od_err rc = finding_get(tx, checklist_id, it->key, &rec, number, sizeof number, e);
    if (!rc && rec) /* judged failed again: the incident its event opened stays the finding */
        return od_tx_exec(tx, OD_Q_CKLF_SET, e,
                          OD_BINDS(OD_INT(rec), OD_TEXT(number), OD_INT(checklist_id), OD_TEXT(it->key)));
    if (rc)
        return rc;
    char name[OD_NAME_MAX], key[160], summary[640];
    rc = first_ci(tx, x->id, &ci, name, sizeof name, e);
    snprintf(key, sizeof key, "checklist:%lld:%s", (long long)checklist_id, it->key);
    fail_title(x, t, it, summary, sizeof summary);
    if (!rc)
        rc = od_internal_event_queue(tx, OD_CKL_EVENT_SOURCE, key, x->id, checklist_id, it->key,
                                     od_event_severity_label(it->fail_severity - 1), summary, name, now, e);
    return rc;
}

od_err od_rec_ckl_event_finding(od_app *a, od_tx *tx, int64_t rec, int64_t checklist_id, const char *item,
                                int64_t event, int64_t incident, int64_t now, od_error *e)
{
    if (!incident) {
        char text[48];
        snprintf(text, sizeof text, "event:%lld", (long long)event);
        od_err rc = od_tx_exec(tx, OD_Q_IEVQ_CKL_FINDING, e,
                               OD_BINDS(OD_TEXT(text), OD_INT(checklist_id), OD_TEXT(item)));
        return rc ? rc : od_rec_ckl_restate(a, tx, rec, checklist_id, now, e);
    }
    int64_t had = 0, irec = 0, linked = 0;
    od_err rc = finding_get(tx, checklist_id, item, &had, NULL, 0, e);
    if (rc || had)
        return rc;
    rc = od_tx_scalar(tx, OD_Q_REC_OF_INCIDENT, &irec, e, OD_BINDS(OD_INT(incident)));
    od_rec x = {0}, y = {0};
    if (!rc)
        rc = od_rec_load(tx, NULL, rec, &x, e);
    if (!rc)
        rc = od_rec_load(tx, NULL, irec, &y, e);
    od_principal sys;
    od_principal_system(&sys);
    if (!rc) /* the incident another item's event opened: linked once */
        rc = od_tx_scalar(tx, OD_Q_IEVQ_LINKED, &linked, e,
                          OD_BINDS(OD_INT(rec), OD_TEXT("parent_of"), OD_INT(irec)));
    if (!rc && !linked) {
        od_link_input li = {.kind = "parent_of", .to_id = irec};
        rc = od_rec_link_in(tx, &sys, &x, &li, true, now, NULL, e);
    }
    if (!rc)
        rc = od_tx_exec(tx, OD_Q_CKLF_SET, e,
                        OD_BINDS(OD_INT(irec), OD_TEXT(y.number), OD_INT(checklist_id), OD_TEXT(item)));
    if (!rc) {
        json_t *data = json_pack("{sI ss sI ss ss sI}", "checklist_id", (json_int_t)checklist_id, "item",
                                 item, "record_id", (json_int_t)irec, "number", y.number, "kind", "incident",
                                 "event_id", (json_int_t)event);
        char text[400];
        snprintf(text, sizeof text,
                 "检查项 %s 未通过，事件 %lld 进入 %s (checklist item %s failed: event %lld, %s)", item,
                 (long long)event, y.number, item, (long long)event, y.number);
        rc = od_record_timeline_add(tx, rec, now, NULL, "finding", data, text, e);
        json_decref(data);
    }
    if (!rc)
        rc = od_rec_ckl_restate(a, tx, rec, checklist_id, now, e);
    od_rec_free(&x);
    od_rec_free(&y);
    return rc;
}

od_err od_rec_ckl_on_fail(od_app *a, od_tx *tx, const od_rec *x, const od_cl_template *t,
                          const od_cl_item *it, int64_t checklist_id, int64_t now, od_error *e)
{
    /* {create, link}, or a scalar on_fail naming a kind with a workflow (problem): that kind, linked
     * parent_of from the checked record; event is queued (queue_event); finding opens nothing */
    const char *kind = it->fail_create, *link = it->fail_link;
    const char *scalar = it->on_fail != OD_CL_FAIL_NONE ? od_cl_on_fail_key(it->on_fail) : NULL;
    if (!kind[0] && scalar && a->policy && od_kernel_workflow(a->policy->kernel, scalar)) {
        kind = scalar;
        link = "parent_of";
    }
    bool incident = !kind[0] && it->on_fail == OD_CL_FAIL_INCIDENT;
    if (!kind[0] && it->on_fail == OD_CL_FAIL_EVENT)
        return queue_event(tx, x, t, it, checklist_id, now, e);
    if (!kind[0] && !incident)
        return OD_OK;
    int64_t rec = 0;
    char number[OD_RECORD_NUMBER_MAX];
    od_err rc = finding_get(tx, checklist_id, it->key, &rec, number, sizeof number, e);
    bool created = false;
    if (!rc && !rec) {
        od_principal sys;
        od_principal_system(&sys);
        char title[640];
        fail_title(x, t, it, title, sizeof title);
        if (incident) {
            kind = "incident";
            rc = open_incident(a, tx, x, it, title, now, &rec, number, sizeof number, e);
            if (!rc && !rec)
                return OD_OK; /* no CI: nothing opened */
        } else {
            json_t *o = x->o;
            od_record_input in = {.kind = kind,
                                  .title = title,
                                  .department = json_string_value(json_object_get(o, "department")),
                                  .drill = json_is_true(json_object_get(o, "drill"))};
            json_t *fields = json_object();
            rc = od_record_create_act_in(a, tx, &sys, &in, fields, &rec, e);
            json_decref(fields);
            od_rec y = {0};
            if (!rc)
                rc = od_rec_load(tx, NULL, rec, &y, e);
            if (!rc)
                snprintf(number, sizeof number, "%s", y.number);
            od_rec_free(&y);
            if (!rc && link[0]) {
                od_link_input li = {.kind = link, .to_id = rec};
                rc = od_rec_link_in(tx, &sys, x, &li, true, now, NULL, e);
            }
        }
        created = true;
    }
    if (!rc)
        rc = od_tx_exec(tx, OD_Q_CKLF_SET, e,
                        OD_BINDS(OD_INT(rec), OD_TEXT(number), OD_INT(checklist_id), OD_TEXT(it->key)));
    if (!rc && created) {
        json_t *data = json_pack("{sI ss sI ss ss}", "checklist_id", (json_int_t)checklist_id, "item",
                                 it->key, "record_id", (json_int_t)rec, "number", number, "kind", kind);
        char text[800];
        snprintf(text, sizeof text, "检查项 %s 未通过，已创建 %s (checklist item %s failed: %s opened)",
                 it->text_zh, number, it->text_en, number);
        rc = od_record_timeline_add(tx, x->id, now, NULL, "finding", data, text, e);
        json_decref(data);
    }
    return rc;
}
