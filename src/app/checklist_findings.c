/* checklist_findings.c — what a failed checklist item opens (modules-spec
 * §1.6 `on_fail`; policy: on_fail: {create: KIND, link: LINK}): a record of
 * KIND made through its workflow's create action as the system actor
 * (od_record_create_act_in: its number, typed row, clocks and effects),
 * linked to the checked record, and recorded as the result's finding
 * (checklist_results.finding_record_id), so the item counts as handled for
 * checklist_complete.  Once per result: judging the item failed again keeps
 * the record it opened.  Runs inside the caller's transaction. */
#include "app/records_kernel.h"

#include <stdio.h>
#include <string.h>

od_err od_rec_ckl_on_fail(od_app *a, od_tx *tx, const od_rec *x, const od_cl_template *t,
                          const od_cl_item *it, int64_t checklist_id, int64_t now, od_error *e)
{
    /* {create, link}, or a scalar on_fail naming a kind with a workflow (problem): that kind, linked
     * parent_of from the checked record; the others (finding, event, incident) open nothing here */
    const char *kind = it->fail_create, *link = it->fail_link;
    const char *scalar = it->on_fail != OD_CL_FAIL_NONE ? od_cl_on_fail_key(it->on_fail) : NULL;
    if (!kind[0] && scalar && a->policy && od_kernel_workflow(a->policy->kernel, scalar)) {
        kind = scalar;
        link = "parent_of";
    }
    if (!kind[0])
        return OD_OK;
    od_rows *r = NULL;
    bool row = false;
    int64_t rec = 0;
    char number[OD_RECORD_NUMBER_MAX] = "";
    od_err rc = od_tx_query(tx, OD_Q_CKLF_GET, &r, e, OD_BINDS(OD_INT(checklist_id), OD_TEXT(it->key)));
    if (!rc && !(rc = od_rows_step(r, &row)) && row) {
        rec = od_rows_int(r, 0);
        snprintf(number, sizeof number, "%s", od_rows_text(r, 1));
    }
    od_rows_close(r);
    bool created = false;
    if (!rc && !rec) {
        od_principal sys;
        od_principal_system(&sys);
        char title[640];
        snprintf(title, sizeof title, "%s 检查未通过：%s (%s: %s failed)", x->number, it->text_zh, t->name_en,
                 it->text_en[0] ? it->text_en : it->key);
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
