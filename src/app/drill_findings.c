/* drill_findings.c — a drill's finding turned into a follow-up record in
 * one step (应急演练 step 6 "总结经验"; modules-spec §M7; docs/drills.md): a
 * problem (the only follow-up kind a module serves yet), made through its
 * kind's create action when the kind has a workflow (as the system actor:
 * the drill's people need not hold the problem roles) or the registry's
 * create otherwise, in the drill's department, with the finder as requester, linked
 * originated_from the drill; timeline entries on both records and an audit
 * entry, all in one write transaction. */
#include "app/drills.h"
#include "app/records_kernel.h"

#include <stdio.h>
#include <string.h>

/* the kinds a finding may open: those a module serves with a workflow (the
 * registry does not create changes or routine tasks yet) */
static const char *const finding_kinds[] = {"problem", NULL};

od_err od_drill_finding(od_app *a, const od_principal *who, int64_t id, const od_drill_finding_input *in,
                        json_t **out, od_error *e)
{
    *out = NULL;
    const char *kind = in->kind && *in->kind ? in->kind : finding_kinds[0];
    bool known = false;
    for (size_t i = 0; finding_kinds[i]; i++)
        known = known || strcmp(finding_kinds[i], kind) == 0;
    if (!known)
        return od_error_set(e, OD_E_UNPROCESSABLE, "kind",
                            "后续记录目前只能是问题（problem）(a finding's follow-up is a problem for now: "
                            "kind must be problem)");
    if (!in->title || !*in->title)
        return od_error_set(e, OD_E_UNPROCESSABLE, "title", "须填写标题 (title is required)");
    od_tx *tx = NULL;
    od_rec x = {0}, y = {0};
    od_err rc = od_rec_begin(a, who, id, &tx, &x, e);
    if (rc)
        return rc;
    rc = od_rec_must_be(x.o, id, "drill", "演练", "drill", e);
    if (!rc && strcmp(x.state, "planned") == 0)
        rc = od_error_set(
            e, OD_E_CONFLICT, "state",
            "演练尚未准备（planned）：还没有发现 (the drill is still planned: it has no findings "
            "yet)");
    int64_t rec = 0, now = od_app_now(a);
    if (!rc) {
        od_principal sys;
        od_principal_system(&sys);
        od_record_input ri = {.kind = kind,
                              .title = in->title,
                              .department = json_string_value(json_object_get(x.o, "department")),
                              .requester_id = who ? who->id : 0};
        if (od_kernel_workflow(a->policy ? a->policy->kernel : NULL, kind)) {
            json_t *fields = json_object();
            const od_rec_ext *xe = od_rec_ext_of(kind);
            json_t *probe = NULL;
            if (in->description && *in->description && xe && !xe->load(tx, 0, &probe, e) &&
                json_object_get(probe, "description"))
                json_object_set_new(fields, "description", json_string(in->description));
            json_decref(probe);
            od_error_clear(e);
            rc = od_record_create_act_in(a, tx, &sys, &ri, fields, &rec, e);
            json_decref(fields);
        } else
            rc = od_record_create_in(a, tx, &sys, &ri, &rec, e);
    }
    if (!rc)
        rc = od_rec_load(tx, NULL, rec, &y, e);
    if (!rc) {
        od_link_input li = {.kind = "originated_from", .to_id = id};
        rc = od_rec_link_in(tx, who, &y, &li, false, now, NULL, e);
    }
    if (!rc) {
        json_t *d = json_pack("{sI ss ss ss}", "record_id", (json_int_t)rec, "number", y.number, "kind", kind,
                              "description", in->description ? in->description : "");
        char text[800];
        snprintf(text, sizeof text, "演练发现：%s，已创建 %s (drill finding: %s, %s opened)", in->title,
                 y.number, in->title, y.number);
        rc = od_record_timeline_add(tx, id, now, who, "drill_finding", d, text, e);
        if (!rc) {
            snprintf(text, sizeof text, "源自演练 %s 的发现 (a finding of drill %s)%s%s", x.number, x.number,
                     in->description && *in->description ? "：" : "", in->description ? in->description : "");
            rc = od_record_timeline_add(tx, rec, now, who, "drill_finding", d, text, e);
        }
        if (!rc)
            rc = od_audit_append(tx, now, who, "drill.finding", "record", id, NULL, d, e);
        json_decref(d);
    }
    if (!rc) {
        od_rec_free(&y);
        rc = od_rec_load(tx, NULL, rec, &y, e);
        if (!rc) {
            *out = y.o;
            y.o = NULL;
        }
    }
    od_rec_free(&y);
    od_rec_free(&x);
    rc = od_rec_commit(tx, rc, out, e);
    if (!rc)
        od_app_committed(a, OD_COMMIT_DEADLINES | OD_COMMIT_OUTBOX);
    return rc;
}

od_err od_drill_findings_in(od_tx *tx, int64_t id, json_t **out, od_error *e)
{
    json_t *items = json_array();
    od_rows *r = NULL;
    bool row = false;
    od_err rc = od_tx_query(tx, OD_Q_DRLX_FINDINGS, &r, e, OD_BINDS(OD_INT(id)));
    while (!rc && !(rc = od_rows_step(r, &row)) && row)
        json_array_append_new(items, json_pack("{sI ss ss ss ss}", "id", (json_int_t)od_rows_int(r, 0),
                                               "number", od_rows_text(r, 1), "kind", od_rows_text(r, 2),
                                               "title", od_rows_text(r, 3), "state", od_rows_text(r, 4)));
    od_rows_close(r);
    if (rc) {
        json_decref(items);
        items = NULL;
    }
    *out = items;
    return rc;
}
