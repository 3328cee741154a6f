/* policy_load_duties.c — the `duties:` section (core/policy.h od_duties,
 * core/duties.h): who does what in an incident where seed 000 names a
 * person.  Keys left out keep the built-in default (od_policy_new_default,
 * the same as policy/default.yaml). */
#include "core/duties.h"
#include "policy/policy_load_int.h"

enum {
    DU_CLOSURE,
    DU_CONFIRM,
    DU_LATER,
    DU_REGISTER,
    DU_OVERDUE,
    DU_REACHABLE,
    DU_REVIEW_TO,
    DU_ACTIVATION_DUE,
    DU_HANDLING,
    DU_CONTACT_LEVELS,
    DU_ACTIVATION_REQUIRED,
    DU_ACK_REQUIRED,
    DU_ACK_ROLES,
    DU_ACK_OVERDUE,
    DU__COUNT
};

static int closure_parse(const char *s)
{
    return od_closure_by_parse(s);
}
static const char *closure_key_i(int i)
{
    return od_closure_by_key((od_closure_by)i);
}

static int ack_parse(const char *s)
{
    return od_ack_reading_parse(s);
}
static const char *ack_key_i(int i)
{
    return od_ack_reading_key((od_ack_reading)i);
}

static void roles_of(ctx *c, const node *v, const char *path, bool nonempty, od_roleset *out)
{
    uint64_t bits = 0;
    if (!od_pl_get_enum_set(c, v, path, "role", od_role_parse, od_pl_role_key_i, OD_ROLE__COUNT, &bits))
        return;
    if (nonempty && !bits) {
        od_pl_diag(c, v->line, v->col, "%s: list at least one role", path);
        return;
    }
    *out = bits;
}

void od_pl_load_duties(ctx *c, od_policy *pol, const node *v)
{
    fields f = {.what = "key",
                .names = {"closure_by", "confirm_response", "later_reports", "register_alert_levels",
                          "first_report_overdue", "reachable_24h", "review_to", "activation_in_report_window",
                          "handling_department", "contact_levels", "activation_required", "ack_required",
                          "ack_roles", "ack_overdue_to"},
                .n = DU__COUNT};
    if (!od_pl_map_fields(c, v, "duties", &f))
        return;
    od_duties *d = &pol->duties;
    if (f.val[DU_CLOSURE]) {
        int k = od_pl_get_enum(c, f.val[DU_CLOSURE], "duties.closure_by", "closure reading", closure_parse,
                               closure_key_i, OD_CLOSE_BY__COUNT);
        if (k >= 0)
            d->closure_by = (od_closure_by)k;
    }
    if (f.val[DU_ACK_REQUIRED]) {
        int k = od_pl_get_enum(c, f.val[DU_ACK_REQUIRED], "duties.ack_required", "acknowledgement reading",
                               ack_parse, ack_key_i, OD_ACK__COUNT);
        if (k >= 0)
            d->ack_required = (od_ack_reading)k;
    }
    if (f.val[DU_ACK_ROLES])
        roles_of(c, f.val[DU_ACK_ROLES], "duties.ack_roles", false, &d->ack_roles);
    if (f.val[DU_ACK_OVERDUE])
        roles_of(c, f.val[DU_ACK_OVERDUE], "duties.ack_overdue_to", false, &d->ack_overdue_roles);
    if (f.val[DU_CONFIRM])
        roles_of(c, f.val[DU_CONFIRM], "duties.confirm_response", true, &d->confirm_roles);
    if (f.val[DU_LATER])
        roles_of(c, f.val[DU_LATER], "duties.later_reports", true, &d->later_report_roles);
    if (f.val[DU_REGISTER]) {
        uint64_t bits = 0;
        if (od_pl_get_enum_set(c, f.val[DU_REGISTER], "duties.register_alert_levels", "grade", od_grade_parse,
                               od_pl_grade_key_i, OD_GRADE__COUNT, &bits))
            d->register_alert_levels = (unsigned)bits;
    }
    if (f.val[DU_OVERDUE])
        roles_of(c, f.val[DU_OVERDUE], "duties.first_report_overdue", false, &d->first_report_overdue_roles);
    if (f.val[DU_REACHABLE])
        roles_of(c, f.val[DU_REACHABLE], "duties.reachable_24h", false, &d->reachable_roles);
    if (f.val[DU_REVIEW_TO])
        roles_of(c, f.val[DU_REVIEW_TO], "duties.review_to", false, &d->review_to_roles);
    if (f.val[DU_ACTIVATION_DUE])
        od_pl_get_bool(c, f.val[DU_ACTIVATION_DUE], "duties.activation_in_report_window",
                       &d->activation_in_report_window);
    if (f.val[DU_CONTACT_LEVELS]) {
        uint64_t bits = 0;
        if (od_pl_get_enum_set(c, f.val[DU_CONTACT_LEVELS], "duties.contact_levels", "grade", od_grade_parse,
                               od_pl_grade_key_i, OD_GRADE__COUNT, &bits))
            d->contact_levels = (unsigned)bits;
    }
    if (f.val[DU_ACTIVATION_REQUIRED]) {
        uint64_t bits = 0;
        if (od_pl_get_enum_set(c, f.val[DU_ACTIVATION_REQUIRED], "duties.activation_required",
                               "response level", od_resp_parse, od_pl_resp_key_i, OD_RESP__COUNT, &bits))
            d->activation_required = (unsigned)bits;
    }
    const char *s;
    if (f.val[DU_HANDLING] && od_pl_get_str(c, f.val[DU_HANDLING], "duties.handling_department",
                                            sizeof d->handling_department, &s)) {
        if (!*s)
            od_pl_diag(c, f.val[DU_HANDLING]->line, f.val[DU_HANDLING]->col,
                       "duties.handling_department: name a department");
        else
            od_pl_copy_fixed(d->handling_department, sizeof d->handling_department, s);
    }
}
