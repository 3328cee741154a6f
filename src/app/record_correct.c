/* record_correct.c — an audited correction of a record's time field
 * (POST /api/v1/records/{id}/correct-time; as incidents have theirs,
 * modules-spec §M4.3): the workflow writes the times (`set_time` effects,
 * `recorded_at` at create), so a wrong one — an action recorded late, a
 * problem recorded after the fact — is corrected only here, with a reason,
 * never into the future, on the version read; the timeline says it and the
 * audit keeps before and after with the reason.  A workflow clock that
 * started or stopped at the corrected instant moves with it (od_sla_move):
 * its due time and threshold deadlines are rewritten — the pending ones
 * cancelled, the ones still ahead scheduled at the new instants, one that
 * fired stays fired — and a breach already recorded stays frozen. */
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

static int64_t col_or(od_rows *r, int c, int64_t dflt)
{
    return od_rows_null(r, c) ? dflt : od_rows_int(r, c);
}

/* Moves the workflow's clocks that started or stopped at `before` to `at`
 * (the latest instance of each), with their thresholds; a timeline entry
 * `clock_moved` for each. */
static od_err move_clocks(od_app *a, od_tx *tx, const od_principal *who, const od_wf_def *def, int64_t rec,
                          const char *field, int64_t before, int64_t at, int64_t now, od_error *e)
{
    od_err rc = OD_OK;
    const od_kernel *kk = a->policy ? a->policy->kernel : NULL;
    for (size_t i = 0; !rc && def && i < def->n_clocks; i++) {
        const od_wf_clock_def *d = &def->clocks[i];
        od_rows *r = NULL;
        bool row = false;
        int64_t clock_id = 0;
        od_sla_clock k = {.due_at = OD_NO_TIME};
        rc = od_tx_query(tx, OD_Q_KCLK_GET, &r, e, OD_BINDS(OD_INT(rec), OD_TEXT(d->name)));
        if (!rc && !(rc = od_rows_step(r, &row)) && row) {
            clock_id = od_rows_int(r, 0);
            const char *st = od_rows_text(r, 3);
            k.target_ms = col_or(r, 1, 0);
            for (int s = OD_SLA_NONE; s <= OD_SLA_CANCELLED; s++)
                if (strcmp(od_sla_state_key((od_sla_state)s), st) == 0)
                    k.state = (od_sla_state)s;
            k.started_at = col_or(r, 4, 0);
            k.paused_at = col_or(r, 5, 0);
            k.paused_total_ms = col_or(r, 6, 0);
            k.stopped_at = col_or(r, 7, 0);
            k.due_at = col_or(r, 8, OD_NO_TIME);
            k.breached_at = col_or(r, 9, 0);
        }
        od_rows_close(r);
        if (rc || !row)
            continue;
        const od_calendar *cal = od_kernel_calendar(kk, *d->calendar ? d->calendar : "24x7");
        cal = cal ? cal : od_kernel_calendar(kk, "24x7");
        bool moved = false;
        int64_t was_stop = k.stopped_at;
        if (!cal)
            continue;
        if (od_sla_move(&k, cal, before, at, &moved) != OD_OK)
            return od_error_set(e, OD_E_UNPROCESSABLE, "value",
                                "更正后时钟 %s 的开始会晚于其暂停或停止 (the clock %s would start after it "
                                "paused or stopped)",
                                d->name, d->name);
        if (!moved)
            continue;
        rc = od_tx_exec(tx, OD_Q_KCLK_SAVE, e,
                        OD_BINDS(OD_INT(k.target_ms), OD_TEXT(od_sla_state_key(k.state)),
                                 OD_INT(k.started_at), OD_INT_NONZERO(k.paused_at), OD_INT(k.paused_total_ms),
                                 OD_INT_NONZERO(k.stopped_at),
                                 OD_INT_OR_NULL(k.due_at, k.due_at != OD_NO_TIME),
                                 OD_INT_NONZERO(k.breached_at), OD_INT(clock_id)));
        if (!rc)
            rc = od_rec_clock_thresholds(tx, d, cal, rec, clock_id, &k, now, e);
        if (!rc) {
            char t1[OD_TIME_STR_MAX], t2[OD_TIME_STR_MAX];
            json_t *data = json_pack("{ss ss ss ss}", "clock", d->name, "field", field, "started_at",
                                     od_time_format(k.started_at, t1), "due_at",
                                     k.due_at == OD_NO_TIME ? "" : od_time_format(k.due_at, t2));
            if (k.stopped_at && k.stopped_at != was_stop)
                json_object_set_new(data, "stopped_at", json_string(od_time_format(k.stopped_at, t1)));
            char text[300];
            snprintf(text, sizeof text,
                     "时钟 %s 随 %s 的更正而移动 (clock %s moved with the correction of %s)", d->name, field,
                     d->name, field);
            rc = od_record_timeline_add(tx, rec, now, who, "clock_moved", data, text, e);
            json_decref(data);
        }
    }
    return rc;
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
        rc = move_clocks(a, tx, who, def, x->id, field, before, at, now, e);
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
    if (!rc)
        od_app_committed(a, OD_COMMIT_DEADLINES); /* moved thresholds */
    return rc ? rc : od_record_get(a, who, id, out, e);
}
