/* problem_candidates.c — proactive problem management (research/
 * modules-spec.md §M2.12; known_errors.h): the daily scan that proposes a
 * problem for recurring incidents on one CI, the list of candidates, and
 * accepting (a problem record linked to the incidents) or dismissing one.
 * A candidate's CI set is unique: never proposed twice, whichever node
 * runs the scan. */
#include "app/known_errors.h"
#include "app/list.h"
#include "app/records.h"
#include "app/records_kernel.h"

#include "core/event.h"
#include "core/problem_rule.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RULE_KEY_MAX (OD_EVT_RULE_NAME_MAX + 8) /* "rule:" + an event rule's name */

static json_t *time_or_null(od_rows *r, int col)
{
    char t[OD_TIME_STR_MAX];
    return od_rows_null(r, col) ? json_null() : json_string(od_time_format(od_rows_int(r, col), t));
}

static json_t *arr_of(const char *text)
{
    json_t *v = json_loads(text, 0, NULL);
    if (json_is_array(v))
        return v;
    json_decref(v);
    return json_array();
}

static json_t *pc_json(od_rows *r)
{
    json_t *o = json_pack("{sI ss ss sI ss}", "id", (json_int_t)od_rows_int(r, 0), "rule", od_rows_text(r, 1),
                          "ci_key", od_rows_text(r, 2), "incident_count", (json_int_t)od_rows_int(r, 5),
                          "state", od_rows_text(r, 8));
    json_object_set_new(o, "ci_ids", arr_of(od_rows_text(r, 3)));
    json_object_set_new(o, "incident_ids", arr_of(od_rows_text(r, 4)));
    json_object_set_new(o, "first_at", time_or_null(r, 6));
    json_object_set_new(o, "last_at", time_or_null(r, 7));
    json_object_set_new(o, "problem_id", od_rows_null(r, 9) ? json_null() : json_integer(od_rows_int(r, 9)));
    json_object_set_new(o, "created_at", time_or_null(r, 10));
    json_object_set_new(o, "decided_by",
                        od_rows_null(r, 11) ? json_null() : json_integer(od_rows_int(r, 11)));
    json_object_set_new(o, "decided_at", time_or_null(r, 12));
    return o;
}

/* The CI rules of the scan (§M2.3 proactive candidates), in core order;
 * their thresholds and windows come from the policy's problem_candidates
 * (core/problem_rule.h). */
static bool is_r1(int k)
{
    return k == OD_PCR_R1;
}

/* The CIs over the rule's threshold. */
static od_err rule_counts(od_tx *tx, int k, const od_pcr_rule *ru, int64_t now, od_rows **r, od_error *e)
{
    int64_t from = od_pcr_window_from(ru, now);
    if (is_r1(k))
        return od_tx_query(tx, OD_Q_PC_CI_R1_COUNTS, r, e,
                           OD_BINDS(OD_INT(from), OD_INT(now), OD_INT(ru->min_incidents)));
    return od_tx_query(tx, OD_Q_PC_CI_COUNTS, r, e,
                       OD_BINDS(OD_INT(from), OD_INT(now), OD_INT(ru->min_incidents)));
}

/* One CI's incidents under the rule. */
static od_err rule_incidents(od_tx *tx, int k, const od_pcr_rule *ru, int64_t ci, int64_t now, od_rows **r,
                             od_error *e)
{
    int64_t from = od_pcr_window_from(ru, now);
    if (is_r1(k))
        return od_tx_query(tx, OD_Q_PC_CI_R1_INCIDENTS, r, e,
                           OD_BINDS(OD_INT(ci), OD_INT(from), OD_INT(now)));
    return od_tx_query(tx, OD_Q_PC_CI_INCIDENTS, r, e, OD_BINDS(OD_INT(ci), OD_INT(from), OD_INT(now)));
}

/* Whether CI ci has an open problem. */
static od_err ci_has_open_problem(od_tx *tx, int64_t ci, bool *open, od_error *e)
{
    od_rows *r = NULL;
    bool row = false;
    od_err rc = od_tx_query(tx, OD_Q_KE_OPEN_PROBLEM_OF_CI, &r, e, OD_BINDS(OD_INT(ci)));
    if (!rc)
        rc = od_rows_step(r, &row);
    od_rows_close(r);
    *open = !rc && row;
    return rc;
}

/* Gathers the (id, registered_at) rows of r (the query's result rc) into
 * ids; first/last/n; closes r. */
static od_err gather(od_rows *r, od_err rc, json_t *ids, int64_t *first, int64_t *last, int64_t *n)
{
    bool row = false;
    while (!rc && !(rc = od_rows_step(r, &row)) && row) {
        int64_t at = od_rows_int(r, 1);
        json_array_append_new(ids, json_integer(od_rows_int(r, 0)));
        *first = *n == 0 || at < *first ? at : *first;
        *last = at > *last ? at : *last;
        (*n)++;
    }
    od_rows_close(r);
    return rc;
}

/* Inserts the candidate (key unique: nothing when it was proposed before)
 * and audits a new one. */
static od_err propose(od_tx *tx, const char *rule, const char *key, json_t *cis, json_t *ids, int64_t n,
                      int64_t first, int64_t last, int64_t now, const char *entity, int64_t entity_id,
                      int64_t *created, od_error *e)
{
    char *idt = json_dumps(ids, JSON_COMPACT), *cit = json_dumps(cis, JSON_COMPACT);
    od_err rc = !idt || !cit ? od_error_set(e, OD_E_NOMEM, NULL, "out of memory") : OD_OK;
    if (!rc)
        rc = od_tx_exec(tx, OD_Q_PC_INSERT, e,
                        OD_BINDS(OD_TEXT(rule), OD_TEXT(key), OD_TEXT(cit), OD_TEXT(idt), OD_INT(n),
                                 OD_INT(first), OD_INT(last), OD_INT(now)));
    if (!rc && od_tx_changes(tx) == 1) {
        (*created)++;
        od_principal sys;
        od_principal_system(&sys);
        json_t *after =
            json_pack("{ss ss sO sO}", "rule", rule, "key", key, "ci_ids", cis, "incident_ids", ids);
        rc = od_audit_append(tx, now, &sys, "problem_candidate.create", entity, entity_id, NULL, after, e);
        json_decref(after);
    }
    free(idt);
    free(cit);
    return rc;
}

/* One CI's candidate by rule k: its incidents in the window, inserted
 * unless the CI was proposed before or has an open problem already. */
static od_err scan_ci(od_tx *tx, int k, const od_pcr_rule *ru, int64_t ci, int64_t now, int64_t *created,
                      od_error *e)
{
    bool open_problem = false;
    od_err rc = ci_has_open_problem(tx, ci, &open_problem, e);
    if (rc || open_problem)
        return rc;
    od_rows *r = NULL;
    json_t *ids = json_array(), *cis = json_pack("[I]", (json_int_t)ci);
    int64_t first = 0, last = 0, n = 0;
    rc = rule_incidents(tx, k, ru, ci, now, &r, e);
    rc = gather(r, rc, ids, &first, &last, &n);
    char key[32];
    snprintf(key, sizeof key, "%lld", (long long)ci);
    if (!rc)
        rc = propose(tx, od_pcr_key(k), key, cis, ids, n, first, last, now, "ci", ci, created, e);
    json_decref(ids);
    json_decref(cis);
    return rc;
}

/* One event rule's candidate (event_rule_recurrence): the incidents it
 * opened in the window and their CIs, keyed "rule:<name>" (proposed once
 * per event rule); nothing when every one of those CIs has an open problem
 * already. */
static od_err scan_event_rule(od_tx *tx, const od_pcr_rule *ru, const char *rule, int64_t now,
                              int64_t *created, od_error *e)
{
    int64_t from = od_pcr_window_from(ru, now), first = 0, last = 0, n = 0;
    od_rows *r = NULL;
    bool row = false, all_open = true;
    json_t *ids = json_array(), *cis = json_array();
    od_err rc = od_tx_query(tx, OD_Q_PC_RULE_CIS, &r, e, OD_BINDS(OD_INT(from), OD_INT(now), OD_TEXT(rule)));
    while (!rc && !(rc = od_rows_step(r, &row)) && row)
        json_array_append_new(cis, json_integer(od_rows_int(r, 0)));
    od_rows_close(r);
    size_t i;
    json_t *v;
    json_array_foreach(cis, i, v)
    {
        bool open = false;
        if (!rc && all_open)
            rc = ci_has_open_problem(tx, json_integer_value(v), &open, e);
        all_open = all_open && open;
    }
    if (!rc && !(all_open && json_array_size(cis) > 0)) {
        rc = od_tx_query(tx, OD_Q_PC_RULE_INCIDENTS, &r, e,
                         OD_BINDS(OD_INT(from), OD_INT(now), OD_TEXT(rule)));
        rc = gather(r, rc, ids, &first, &last, &n);
        char key[RULE_KEY_MAX];
        snprintf(key, sizeof key, "rule:%s", rule);
        int64_t ci0 = json_array_size(cis) ? json_integer_value(json_array_get(cis, 0)) : 0;
        if (!rc && od_pcr_fires(ru, n))
            rc = propose(tx, od_pcr_key(OD_PCR_EVENT_RULE), key, cis, ids, n, first, last, now, "ci", ci0,
                         created, e);
    }
    json_decref(ids);
    json_decref(cis);
    return rc;
}

/* The scan inside tx: every enabled rule, every CI (or event rule) over
 * its threshold. */
static od_err scan_tx(const od_pcr_policy *pp, od_tx *tx, int64_t now, int64_t *created, od_error *e)
{
    od_err rc = OD_OK;
    for (int k = 0; !rc && k < OD_PCR__COUNT; k++) {
        const od_pcr_rule *ru = &pp->rule[k];
        if (!ru->enabled)
            continue;
        od_rows *r = NULL;
        bool row = false;
        if (k == OD_PCR_EVENT_RULE) {
            char names[64][OD_EVT_RULE_NAME_MAX];
            size_t n = 0;
            int64_t from = od_pcr_window_from(ru, now);
            rc = od_tx_query(tx, OD_Q_PC_RULE_COUNTS, &r, e,
                             OD_BINDS(OD_INT(from), OD_INT(now), OD_INT(ru->min_incidents)));
            while (!rc && !(rc = od_rows_step(r, &row)) && row)
                if (n < sizeof names / sizeof *names) /* the rest at the next run */
                    snprintf(names[n++], sizeof names[0], "%s", od_rows_text(r, 0));
            od_rows_close(r);
            for (size_t i = 0; !rc && i < n; i++)
                rc = scan_event_rule(tx, ru, names[i], now, created, e);
            continue;
        }
        int64_t cis[256];
        size_t n = 0;
        rc = rule_counts(tx, k, ru, now, &r, e);
        while (!rc && !(rc = od_rows_step(r, &row)) && row)
            if (n < sizeof cis / sizeof *cis) /* the rest at the next run */
                cis[n++] = od_rows_int(r, 0);
        od_rows_close(r);
        for (size_t i = 0; !rc && i < n; i++)
            rc = scan_ci(tx, k, ru, cis[i], now, created, e);
    }
    return rc;
}

#define LAST_SCAN_KEY "problem_candidates.last_scan"

od_err od_pc_scan(od_app *a, int64_t now, int64_t *created, od_error *e)
{
    *created = 0;
    od_tx *tx = NULL;
    od_err rc = od_tx_begin(a->store, true, &tx, e);
    if (!rc)
        rc = scan_tx(&a->policy->candidates, tx, now, created, e);
    if (!rc) {
        char v[32];
        snprintf(v, sizeof v, "%lld", (long long)now);
        rc = od_tx_exec(tx, OD_Q_META_PUT, e, OD_BINDS(OD_TEXT(LAST_SCAN_KEY), OD_TEXT(v)));
    }
    if (!rc)
        rc = od_tx_commit(tx, e);
    else
        od_tx_rollback(tx);
    if (rc)
        *created = 0;
    return rc;
}

od_err od_pc_daily(od_app *a, int64_t now, int64_t *created, od_error *e)
{
    *created = 0;
    od_tx *tx = NULL;
    od_rows *r = NULL;
    bool row = false;
    int64_t last = 0;
    od_err rc = od_tx_begin(a->store, false, &tx, e);
    if (!rc)
        rc = od_tx_query(tx, OD_Q_META_GET, &r, e, OD_BINDS(OD_TEXT(LAST_SCAN_KEY)));
    if (!rc && !(rc = od_rows_step(r, &row)) && row)
        last = strtoll(od_rows_text(r, 0), NULL, 10);
    od_rows_close(r);
    od_tx_rollback(tx);
    if (rc || (last > 0 && now - last < OD_PC_SCAN_EVERY_MS && now >= last))
        return rc;
    return od_pc_scan(a, now, created, e);
}

/* The policy's rules: {key: {enabled, min_incidents, within_days}}. */
static json_t *pc_rules_json(const od_pcr_policy *pp)
{
    json_t *o = json_object();
    for (int k = 0; k < OD_PCR__COUNT; k++) {
        const od_pcr_rule *r = &pp->rule[k];
        json_object_set_new(o, od_pcr_key(k),
                            json_pack("{sb sI sI}", "enabled", r->enabled, "min_incidents",
                                      (json_int_t)r->min_incidents, "within_days",
                                      (json_int_t)od_pcr_window_days(r)));
    }
    return o;
}

od_err od_pc_list(od_app *a, const char *state, int64_t limit, int64_t offset, json_t **out, od_error *e)
{
    *out = NULL;
    const char *st = state ? state : "";
    od_tx *tx = NULL;
    od_rows *r = NULL;
    bool row = false;
    int64_t total = 0;
    json_t *items = json_array();
    od_err rc = od_tx_begin(a->store, false, &tx, e);
    if (!rc)
        rc = od_tx_scalar(tx, OD_Q_PC_COUNT, &total, e, OD_BINDS(OD_TEXT(st), OD_TEXT(st)));
    if (!rc)
        rc = od_tx_query(tx, OD_Q_PC_LIST, &r, e,
                         OD_BINDS(OD_TEXT(st), OD_TEXT(st), OD_INT(limit), OD_INT(offset)));
    while (!rc && !(rc = od_rows_step(r, &row)) && row)
        json_array_append_new(items, pc_json(r));
    od_rows_close(r);
    od_tx_rollback(tx);
    rc = od_list_done(rc, items, total, limit, offset, out, e);
    if (!rc) /* the rules the scan runs under, for the screen's texts (R-PRB-5) */
        json_object_set_new(*out, "rules", pc_rules_json(&a->policy->candidates));
    return rc;
}

static od_err pc_load(od_tx *tx, int64_t id, json_t **o, od_error *e)
{
    od_rows *r = NULL;
    bool row = false;
    *o = NULL;
    od_err rc = od_tx_query(tx, OD_Q_PC_GET, &r, e, OD_BINDS(OD_INT(id)));
    if (!rc)
        rc = od_rows_step(r, &row);
    if (!rc && row)
        *o = pc_json(r);
    od_rows_close(r);
    if (!rc && !row)
        rc = od_error_set(e, OD_E_NOT_FOUND, NULL, "问题候选 %lld 不存在 (problem candidate %lld not found)",
                          (long long)id, (long long)id);
    return rc;
}

static od_err not_open(od_error *e, int64_t id, json_t *o)
{
    const char *st = json_string_value(json_object_get(o, "state"));
    return od_error_set(e, OD_E_CONFLICT, "state",
                        "问题候选 %lld 已处理（%s） (problem candidate %lld was decided already: %s)",
                        (long long)id, st ? st : "", (long long)id, st ? st : "");
}

/* The title of a problem made from candidate c when none is given: what
 * the rule saw, in the policy's window. */
static void made_title(const od_policy *pol, json_t *c, char *out, size_t size)
{
    const char *rule = json_string_value(json_object_get(c, "rule"));
    const char *key = json_string_value(json_object_get(c, "ci_key"));
    long long n = (long long)json_integer_value(json_object_get(c, "incident_count"));
    int k = od_pcr_parse(rule);
    long long days = (long long)od_pcr_window_days(&pol->candidates.rule[k < 0 ? OD_PCR_CI : k]);
    key = key ? key : "";
    if (k == OD_PCR_EVENT_RULE && strncmp(key, "rule:", 5) == 0)
        snprintf(out, size,
                 "事件规则 %s 在 %lld 天内开启 %lld 次事件 (%lld incidents opened by event rule %s in "
                 "%lld days)",
                 key + 5, days, n, n, key + 5, days);
    else if (k == OD_PCR_R1)
        snprintf(out, size,
                 "配置项 %s 在 %lld 天内 %lld 次事件达到 R1 (%lld incidents reached R1 on CI %s in "
                 "%lld days)",
                 key, days, n, n, key, days);
    else
        snprintf(out, size, "配置项 %s 在 %lld 天内发生 %lld 次事件 (%lld incidents on CI %s in %lld days)",
                 key, days, n, n, key, days);
}

od_err od_pc_accept(od_app *a, const od_principal *who, int64_t id, const char *title, json_t **out,
                    od_error *e)
{
    *out = NULL;
    od_tx *tx = NULL;
    json_t *c = NULL;
    int64_t now = od_app_now(a), pid = 0;
    od_err rc = od_tx_begin(a->store, true, &tx, e);
    if (!rc)
        rc = pc_load(tx, id, &c, e);
    if (!rc && strcmp(json_string_value(json_object_get(c, "state")), "open") != 0)
        rc = not_open(e, id, c);
    char made[300];
    json_t *cis = json_object_get(c, "ci_ids"), *incs = json_object_get(c, "incident_ids");
    if (!rc)
        made_title(a->policy, c, made, sizeof made);
    /* through the problem workflow's create action: who may create, the
     * typed row with its source, recorded_at and the resolve clock */
    od_record_input in = {.kind = "problem", .title = title && *title ? title : made};
    json_t *fields = json_pack("{ss}", "source", "proactive");
    if (!rc)
        rc = od_record_create_act_in(a, tx, who, &in, fields, &pid, e);
    json_decref(fields);
    if (!rc)
        rc = od_tx_exec(tx, OD_Q_PC_DECIDE, e,
                        OD_BINDS(OD_TEXT("accepted"), OD_INT(pid), OD_INT_NONZERO(who ? who->id : 0),
                                 OD_INT(now), OD_INT(id)));
    if (!rc && od_tx_changes(tx) != 1)
        rc = not_open(e, id, c);
    size_t i;
    json_t *v;
    json_array_foreach(cis, i, v) if (!rc) rc =
        od_tx_exec(tx, OD_Q_RCI_INSERT, e,
                   OD_BINDS(OD_INT(pid), OD_INT(json_integer_value(v)), OD_TEXT("affected"),
                            OD_INT_NONZERO(who ? who->id : 0), OD_INT(now)));
    char pnum[64] = "";
    if (!rc) {
        od_rows *r = NULL;
        bool row = false;
        rc = od_tx_query(tx, OD_Q_KE_REC_KIND, &r, e, OD_BINDS(OD_INT(pid)));
        if (!rc && !(rc = od_rows_step(r, &row)) && row)
            snprintf(pnum, sizeof pnum, "%s", od_rows_text(r, 1));
        od_rows_close(r);
    }
    json_array_foreach(incs, i, v)
    {
        int64_t rec = 0, lid = 0;
        if (!rc)
            rc = od_tx_scalar(tx, OD_Q_REC_OF_INCIDENT, &rec, e, OD_BINDS(OD_INT(json_integer_value(v))));
        if (!rc)
            rc = od_tx_insert(tx, OD_Q_RLINK_INSERT, &lid, e,
                              OD_BINDS(OD_INT(rec), OD_INT(pid), OD_TEXT("caused_by"), OD_TEXT("problem"),
                                       OD_TEXT(pnum), OD_TEXT("active"), OD_INT_NONZERO(who ? who->id : 0),
                                       OD_INT(now)));
    }
    json_t *after = NULL;
    if (!rc)
        rc = pc_load(tx, id, &after, e);
    if (!rc)
        rc = od_audit_append(tx, now, who, "problem_candidate.accept", "problem_candidate", id, c, after, e);
    json_decref(c);
    if (!rc)
        rc = od_tx_commit(tx, e);
    else
        od_tx_rollback(tx);
    if (!rc)
        od_app_committed(a, OD_COMMIT_DEADLINES); /* the resolve clock's thresholds */
    if (!rc)
        *out = after;
    else
        json_decref(after);
    return rc;
}

od_err od_pc_dismiss(od_app *a, const od_principal *who, int64_t id, json_t **out, od_error *e)
{
    *out = NULL;
    od_tx *tx = NULL;
    json_t *c = NULL, *after = NULL;
    int64_t now = od_app_now(a);
    od_err rc = od_tx_begin(a->store, true, &tx, e);
    if (!rc)
        rc = pc_load(tx, id, &c, e);
    if (!rc)
        rc = od_tx_exec(tx, OD_Q_PC_DECIDE, e,
                        OD_BINDS(OD_TEXT("dismissed"), OD_NULL(), OD_INT_NONZERO(who ? who->id : 0),
                                 OD_INT(now), OD_INT(id)));
    if (!rc && od_tx_changes(tx) != 1)
        rc = not_open(e, id, c);
    if (!rc)
        rc = pc_load(tx, id, &after, e);
    if (!rc)
        rc = od_audit_append(tx, now, who, "problem_candidate.dismiss", "problem_candidate", id, c, after, e);
    json_decref(c);
    if (!rc)
        rc = od_tx_commit(tx, e);
    else
        od_tx_rollback(tx);
    if (!rc)
        *out = after;
    else
        json_decref(after);
    return rc;
}
