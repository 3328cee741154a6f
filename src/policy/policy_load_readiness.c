/* policy_load_readiness.c — the `readiness:` section (core/policy.h
 * od_readiness_policy, core/readiness.h): the annual training hours (seed
 * 004 §7.5.2: 48) and the key positions (seed 000 ch. 9), each
 * {key, name_zh, name_en, roles, min_qualified, certificate_required}; the plans' review cycle
 * (plan_review_months, 6), the days a triggered review falls due in
 * (review_trigger_days, 30) and the drill interval (drill_months, 12).
 * Left out, each keeps its default and there is no key position. */
#include "core/drill.h"
#include "core/plan.h"
#include "core/readiness.h"
#include "policy/policy_load_int.h"

#include <string.h>

enum { RD_HOURS, RD_POSITIONS, RD_REVIEW, RD_TRIGGER, RD_DRILL, RD_LEAD, RD__COUNT };
enum { PO_KEY, PO_NAME_ZH, PO_NAME_EN, PO_ROLES, PO_MIN, PO_CERT, PO__COUNT };

static void load_position(ctx *c, od_readiness_policy *r, const node *v, const char *path)
{
    fields f = {.what = "key",
                .names = {"key", "name_zh", "name_en", "roles", "min_qualified", "certificate_required"},
                .n = PO__COUNT};
    if (!od_pl_map_fields(c, v, path, &f))
        return;
    if (!f.val[PO_KEY] || !f.val[PO_NAME_ZH] || !f.val[PO_NAME_EN] || !f.val[PO_ROLES]) {
        od_pl_diag(c, v->line, v->col, "%s: key, name_zh, name_en and roles are required", path);
        return;
    }
    od_position p = {.min_qualified = OD_READINESS_MIN_QUALIFIED};
    char sub[PATH_MAX_LEN];
    const char *s;
    od_pl_sub(sub, path, "key");
    if (!od_pl_get_str(c, f.val[PO_KEY], sub, sizeof p.key, &s))
        return;
    if (!od_pl_valid_cat_key(s)) {
        od_pl_diag(c, f.val[PO_KEY]->line, f.val[PO_KEY]->col,
                   "%s: a key is lower-case letters, digits and _, starting with a letter", sub);
        return;
    }
    for (size_t i = 0; i < r->n_positions; i++)
        if (strcmp(r->positions[i].key, s) == 0) {
            od_pl_diag(c, f.val[PO_KEY]->line, f.val[PO_KEY]->col, "%s: position %s listed twice", sub, s);
            return;
        }
    od_pl_copy_fixed(p.key, sizeof p.key, s);
    od_pl_sub(sub, path, "name_zh");
    if (!od_pl_get_str(c, f.val[PO_NAME_ZH], sub, sizeof p.name_zh, &s))
        return;
    od_pl_copy_fixed(p.name_zh, sizeof p.name_zh, s);
    od_pl_sub(sub, path, "name_en");
    if (!od_pl_get_str(c, f.val[PO_NAME_EN], sub, sizeof p.name_en, &s))
        return;
    od_pl_copy_fixed(p.name_en, sizeof p.name_en, s);
    od_pl_sub(sub, path, "roles");
    uint64_t bits = 0;
    if (!od_pl_get_enum_set(c, f.val[PO_ROLES], sub, "role", od_role_parse, od_pl_role_key_i, OD_ROLE__COUNT,
                            &bits))
        return;
    if (!bits) {
        od_pl_diag(c, f.val[PO_ROLES]->line, f.val[PO_ROLES]->col, "%s: list at least one role", sub);
        return;
    }
    p.roles = bits;
    if (f.val[PO_MIN]) {
        od_pl_sub(sub, path, "min_qualified");
        p.min_qualified = 0;
        od_pl_get_int(c, f.val[PO_MIN], sub, 1, OD_READINESS_MIN_QUALIFIED_MAX, &p.min_qualified);
        if (p.min_qualified < 1)
            return;
    }
    if (f.val[PO_CERT]) {
        od_pl_sub(sub, path, "certificate_required");
        od_pl_get_bool(c, f.val[PO_CERT], sub, &p.certificate_required);
    }
    r->positions[r->n_positions++] = p;
}

void od_pl_load_readiness(ctx *c, od_policy *pol, const node *v)
{
    fields f = {.what = "key",
                .names = {"annual_hours", "positions", "plan_review_months", "review_trigger_days",
                          "drill_months", "notice_lead_days"},
                .n = RD__COUNT};
    if (!od_pl_map_fields(c, v, "readiness", &f))
        return;
    od_readiness_policy *r = &pol->readiness;
    if (f.val[RD_HOURS])
        od_pl_get_int(c, f.val[RD_HOURS], "readiness.annual_hours", 0, OD_READINESS_ANNUAL_HOURS_MAX,
                      &r->annual_hours);
    if (f.val[RD_REVIEW])
        od_pl_get_int(c, f.val[RD_REVIEW], "readiness.plan_review_months", OD_PLAN_REVIEW_MONTHS_MIN,
                      OD_PLAN_REVIEW_MONTHS_MAX, &r->plan_review_months);
    if (f.val[RD_TRIGGER])
        od_pl_get_int(c, f.val[RD_TRIGGER], "readiness.review_trigger_days", 0, OD_PLAN_TRIGGER_DAYS_MAX,
                      &r->review_trigger_days);
    if (f.val[RD_DRILL])
        od_pl_get_int(c, f.val[RD_DRILL], "readiness.drill_months", 1, OD_PLAN_DRILL_MONTHS_MAX,
                      &r->drill_months);
    if (f.val[RD_LEAD]) /* the due notices' lead (core/drill.h): 0 or past a year refused */
        od_pl_get_int(c, f.val[RD_LEAD], "readiness.notice_lead_days", 1, OD_DUE_NOTICE_LEAD_DAYS_MAX,
                      &r->notice_lead_days);
    const node *ps = f.val[RD_POSITIONS];
    if (!ps || !od_pl_want(c, ps, N_SEQ, "readiness.positions"))
        return;
    r->n_positions = 0;
    if (ps->n > OD_POSITION_MAX) {
        od_pl_diag(c, ps->line, ps->col, "readiness.positions: at most %d positions", OD_POSITION_MAX);
        return;
    }
    for (size_t i = 0; i < ps->n; i++) {
        char path[PATH_MAX_LEN];
        od_pl_idx(path, "readiness.positions", i);
        load_position(c, r, ps->kids[i], path);
    }
}
