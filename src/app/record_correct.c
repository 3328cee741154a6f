/* record_correct.c — an audited correction of a record's time field
 * (POST /api/v1/records/{id}/correct-time; as incidents have theirs,
 * modules-spec §M4.3): the workflow writes the times (`set_time` effects,
 * `recorded_at` at create), so a wrong one — an action recorded late, a
 * problem recorded after the fact — is corrected only here, with a reason,
 * never into the future, on the version read; the timeline says it and the
 * audit keeps before and after with the reason.  Clocks and deadlines are
 * not recomputed (a clock's own times are its instance's). */
#include "app/records.h"
#include "app/records_int.h"
#include "app/records_kernel.h"
#include "util/clock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Whether field is one of the kind's workflow times: recorded_at, or a
 * field a set_time effect names. */
static bool time_field(const od_wf_def *def, const char *field)
{
    if (strcmp(field, "recorded_at") == 0)
        return true;
    for (size_t i = 0; def && i < def->n_actions; i++)
        for (size_t j = 0; j < def->actions[i].n_effects; j++)
            if (def->actions[i].effects[j].kind == OD_FX_SET_TIME &&
                strcmp(def->actions[i].effects[j].a, field) == 0)
                return true;
    return false;
}

static od_err correct_in(od_app *a, od_tx *tx, const od_principal *who, od_rec *x, int64_t version,
                         const char *field, int64_t at, const char *reason, od_error *e)
{
    int64_t now = od_app_now(a);
    const char *kind = json_string_value(json_object_get(x->o, "kind"));
    const od_rec_ext *ext = od_rec_ext_of(kind ? kind : "");
    const od_wf_def *def = od_kernel_workflow(a->policy ? a->policy->kernel : NULL, kind ? kind : "");
    if (version != x->version)
        return od_error_set(
            e, OD_E_CONFLICT, "version",
            "记录已被他人修改：您的版本为 %lld，当前版本为 %lld，请刷新后重试 (the record was "
            "changed meanwhile: your version is %lld, the current version is %lld; reload "
            "and retry)",
            (long long)version, (long long)x->version, (long long)version, (long long)x->version);
    if (!reason || !*reason)
        return od_error_set(e, OD_E_UNPROCESSABLE, "reason",
                            "更正时间须说明原因 (a time correction needs a reason)");
    if (!ext || !time_field(def, field))
        return od_error_set(
            e, OD_E_UNPROCESSABLE, "field",
            "%s 不是该记录可更正的时间（recorded_at 或流程写入的时间）(%s is not a time of this "
            "record that can be corrected: recorded_at or a time its workflow sets)",
            field, field);
    if (at > now)
        return od_error_set(e, OD_E_UNPROCESSABLE, "value",
                            "更正后的时间不能晚于现在 (a corrected time cannot be in the future)");
    json_t *fields = NULL;
    od_err rc = ext->load(tx, x->id, &fields, e);
    json_t *old = rc ? NULL : json_object_get(fields, field);
    if (!rc && !json_is_integer(old))
        rc = od_error_set(e, OD_E_UNPROCESSABLE, "field",
                          "%s 尚未记录，无从更正 (%s is not recorded yet: nothing to correct)", field, field);
    int64_t before = rc ? 0 : (int64_t)json_integer_value(old);
    if (!rc) {
        json_object_set_new(fields, field, json_integer(at));
        rc = ext->save(tx, x->id, fields, e);
    }
    if (!rc)
        rc = od_tx_exec(tx, OD_Q_KREC_BUMP, e, OD_BINDS(OD_INT(now), OD_INT(x->id), OD_INT(version)));
    if (!rc && od_tx_changes(tx) != 1)
        rc = od_error_set(e, OD_E_CONFLICT, "version", "记录已被他人修改 (the record was changed meanwhile)");
    char bt[OD_TIME_STR_MAX], nt[OD_TIME_STR_MAX];
    od_time_format(before, bt);
    od_time_format(at, nt);
    if (!rc) {
        json_t *data = json_pack("{ss ss ss ss}", "field", field, "from", bt, "to", nt, "reason", reason);
        char text[2600];
        snprintf(text, sizeof text, "更正时间 %s：%s → %s，原因：%s (time corrected: %s %s → %s, reason: %s)",
                 field, bt, nt, reason, field, bt, nt, reason);
        rc = od_record_timeline_add(tx, x->id, now, who, "time_corrected", data, text, e);
        json_decref(data);
    }
    if (!rc) {
        json_t *b = json_pack("{ss ss}", "field", field, "value", bt);
        json_t *af = json_pack("{ss ss ss}", "field", field, "value", nt, "reason", reason);
        rc = od_audit_append(tx, now, who, "record.correct_time", "record", x->id, b, af, e);
        json_decref(b);
        json_decref(af);
    }
    json_decref(fields);
    return rc;
}

od_err od_record_correct_time(od_app *a, const od_principal *who, int64_t id, int64_t version,
                              const char *field, int64_t at, const char *reason, json_t **out, od_error *e)
{
    *out = NULL;
    od_tx *tx = NULL;
    od_rec x;
    od_err rc = od_rec_begin(a, who, id, &tx, &x, e);
    if (rc)
        return rc;
    rc = correct_in(a, tx, who, &x, version, field ? field : "", at, reason, e);
    od_rec_free(&x);
    rc = od_rec_commit(tx, rc, NULL, e);
    return rc ? rc : od_record_get(a, who, id, out, e);
}
