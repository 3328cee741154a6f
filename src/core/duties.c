/* duties.c — who may do what in an incident (duties.h).  Pure. */
#include "core/duties.h"

#include "core/keys.h"

#include <stdio.h>
#include <string.h>

#define R(x) OD_ROLEBIT(OD_ROLE_##x)

static bool resp_ok(int r)
{
    return r >= 0 && r < OD_RESP__COUNT;
}

bool od_reactivation_allowed(od_inc_state state, od_resp current, int activated)
{
    return state == OD_INC_ACTIVATED && resp_ok((int)current) && resp_ok(activated) &&
           (int)current < activated;
}

static bool holds(od_roleset roles, od_role r)
{
    return (unsigned)r < OD_ROLE__COUNT && (roles & OD_ROLEBIT(r)) != 0;
}

od_err od_close_check(const od_policy *p, od_resp highest, int activated, int64_t activated_by,
                      int64_t who_id, od_roleset roles, od_error *e)
{
    od_resp h = resp_ok((int)highest) ? highest : OD_RESP_R1;
    od_role need = od_activation_role(p, h);
    if (!holds(roles, need))
        return od_error_set(e, OD_E_FORBIDDEN, NULL,
                            "%s事件的关闭须由%s（%s）决定 (closing of a %s incident needs the %s role)",
                            od_resp_name_zh(h), od_role_name_zh(need), od_role_key(need), od_resp_key(h),
                            od_role_key(need));
    if (p->duties.closure_by == OD_CLOSE_BY_ACTIVATOR && activated == (int)h && activated_by != who_id)
        return od_error_set(e, OD_E_FORBIDDEN, NULL,
                            "事件须由决定启动%s应急预案的领导授权关闭 (the incident is closed on the "
                            "authority of the leader who activated the %s plan)",
                            od_resp_name_zh(h), od_resp_key(h));
    return OD_OK;
}

static od_err refuse_roles(od_roleset need, const char *what_zh, const char *what_en, od_error *e)
{
    char zh[256] = "", en[256] = "";
    size_t lz = 0, le = 0;
    for (int r = 0; r < OD_ROLE__COUNT; r++) {
        if (!(need & OD_ROLEBIT(r)))
            continue;
        const char *sep = lz ? "、" : "";
        int w = snprintf(zh + lz, sizeof zh - lz, "%s%s", sep, od_role_name_zh((od_role)r));
        if (w > 0 && (size_t)w < sizeof zh - lz)
            lz += (size_t)w;
        w = snprintf(en + le, sizeof en - le, "%s%s", le ? ", " : "", od_role_key((od_role)r));
        if (w > 0 && (size_t)w < sizeof en - le)
            le += (size_t)w;
    }
    return od_error_set(e, OD_E_FORBIDDEN, NULL, "%s须由%s完成 (%s is done by: %s)", what_zh,
                        lz ? zh : "（无）", what_en, le ? en : "nobody");
}

od_err od_confirm_check(const od_policy *p, od_roleset roles, od_error *e)
{
    if (roles & p->duties.confirm_roles)
        return OD_OK;
    return refuse_roles(p->duties.confirm_roles, "响应级别的确认", "confirming the response level", e);
}

const char *od_handling_department(const od_policy *p, const char *registered)
{
    return registered && *registered ? registered : p->duties.handling_department;
}

od_err od_review_check(const od_policy *p, const char *registered, const char *reviewer_dept, od_error *e)
{
    const char *h = od_handling_department(p, registered);
    if (*h && reviewer_dept && strcmp(h, reviewer_dept) == 0)
        return OD_OK;
    return od_error_set(e, OD_E_FORBIDDEN, NULL,
                        "事后评估由处理部门牵头，须由%s的人员提交 (the review is led by the handling "
                        "department: it must be filed by a member of %s)",
                        h, h);
}

od_err od_handling_change_check(const od_policy *p, od_inc_state state, od_resp highest, od_roleset roles,
                                const char *registered, const char *to, od_error *e)
{
    if (state == OD_INC_REVIEWED)
        return od_error_set(
            e, OD_E_CONFLICT, NULL,
            "事后评估已提交，处理部门不能再变更 (the review is filed: the handling department "
            "can no longer change)");
    od_role auth = od_activation_role(p, resp_ok((int)highest) ? highest : OD_RESP_R1);
    if (!(roles & OD_ROLEBIT(auth)))
        return od_error_set(
            e, OD_E_FORBIDDEN, NULL,
            "处理部门的变更须由%s决定（所达最高响应级别的启动领导） (the handling department is "
            "changed by: %s, the authority of the highest response level reached)",
            od_role_name_zh(auth), od_role_key(auth));
    if (!to || !*to)
        return od_error_set(e, OD_E_UNPROCESSABLE, "department",
                            "缺少新的处理部门 (the new handling department is missing)");
    if (strcmp(od_handling_department(p, registered), to) == 0)
        return od_error_set(e, OD_E_UNPROCESSABLE, "department",
                            "%s已是处理部门 (%s is already the handling department)", to, to);
    return OD_OK;
}

od_err od_report_author_check(const od_policy *p, od_inc_action report, od_roleset roles, od_error *e)
{
    switch (report) {
    case OD_IA_FIRST_REPORT:
        return OD_OK;
    case OD_IA_SECOND_REPORT:
        if (!(roles & p->duties.later_report_roles))
            return refuse_roles(p->duties.later_report_roles, "第二次上报", "the second report", e);
        return od_confirm_check(p, roles, e);
    case OD_IA_PROGRESS_REPORT:
        if (!(roles & p->duties.later_report_roles))
            return refuse_roles(p->duties.later_report_roles, "处理情况持续上报", "a progress report", e);
        return OD_OK;
    case OD_IA_FINAL_REPORT:
        if (!(roles & p->duties.later_report_roles))
            return refuse_roles(p->duties.later_report_roles, "第三次上报", "the final report", e);
        return OD_OK;
    default:
        return od_error_set(e, OD_E_INVALID, "kind", "not a report");
    }
}

od_err od_report_desk(od_inc_action report, od_roleset roles, const char *asked, const char **desk,
                      od_error *e)
{
    static const char *const MON = "monitoring", *const OPS = "ops_security";
    bool mon = (roles & R(MONITORING_ENGINEER)) != 0;
    bool other = (roles & ~R(MONITORING_ENGINEER)) != 0;
    bool named = asked && *asked;
    if (report == OD_IA_FIRST_REPORT) {
        const char *mine = mon ? MON : OPS;
        if (!named) {
            *desk = mine;
            return OD_OK;
        }
        if (strcmp(asked, mine) == 0 || (mon && other && strcmp(asked, OPS) == 0)) {
            *desk = strcmp(asked, MON) == 0 ? MON : OPS;
            return OD_OK;
        }
        return od_error_set(e, OD_E_UNPROCESSABLE, "desk",
                            "首报须经上报人所在部门的上报接口：%s (the first report goes through the "
                            "reporter's department desk: %s)",
                            mon ? "客服部监控服务科" : "运行部安全保障科", mine);
    }
    if (report != OD_IA_SECOND_REPORT && report != OD_IA_PROGRESS_REPORT && report != OD_IA_FINAL_REPORT)
        return od_error_set(e, OD_E_INVALID, "kind", "not a report");
    if (named && strcmp(asked, OPS) != 0)
        return od_error_set(e, OD_E_UNPROCESSABLE, "desk",
                            "续报、进展报告和终报须经运行部安全保障科上报 (the second, progress and "
                            "final reports go through the operations security desk: ops_security)");
    *desk = OPS;
    return OD_OK;
}

bool od_activation_required(const od_policy *p, od_resp level)
{
    return !resp_ok((int)level) || (p->duties.activation_required >> (unsigned)level) & 1u;
}

od_err od_inc_transition_at(const od_policy *p, od_resp level, od_inc_state from, od_inc_action a,
                            od_inc_state *to, od_error *e)
{
    if (from == OD_INC_CONFIRMED && a == OD_IA_FINAL_REPORT && !od_activation_required(p, level)) {
        if (to)
            *to = OD_INC_RESOLVED;
        return OD_OK;
    }
    return od_inc_transition(from, a, to, e);
}

int64_t od_activation_due(const od_policy *p, od_resp level, int64_t from_ms)
{
    if (!p->duties.activation_in_report_window || !resp_ok((int)level) || !od_activation_required(p, level))
        return OD_NO_TIME;
    int64_t w = p->first_report_ms[od_resp_recipient_level(level)];
    return w > 0 ? from_ms + w : OD_NO_TIME;
}

bool od_register_alerts(const od_policy *p, od_grade level)
{
    return (unsigned)level < OD_GRADE__COUNT && (p->duties.register_alert_levels >> level) & 1u;
}

bool od_unreachable_24h(const od_policy *p, od_roleset roles, bool has_phone)
{
    return !has_phone && (roles & p->duties.reachable_roles) != 0;
}

static const char *const closure_keys[OD_CLOSE_BY__COUNT] = {"activator", "authority"};

const char *od_closure_by_key(od_closure_by c)
{
    return od_key_name(closure_keys, OD_CLOSE_BY__COUNT, (int)c);
}

int od_closure_by_parse(const char *s)
{
    return od_key_parse(closure_keys, OD_CLOSE_BY__COUNT, s);
}

bool od_ack_owed(const od_policy *p, od_grade level, od_roleset roles)
{
    if ((unsigned)level >= OD_GRADE__COUNT || !((p->ack_levels >> level) & 1u))
        return false;
    return p->duties.ack_required == OD_ACK_ALL_RECIPIENTS || (roles & p->duties.ack_roles) != 0;
}

static const char *const ack_keys[OD_ACK__COUNT] = {"named_roles", "all_recipients"};

const char *od_ack_reading_key(od_ack_reading r)
{
    return od_key_name(ack_keys, OD_ACK__COUNT, (int)r);
}

int od_ack_reading_parse(const char *s)
{
    return od_key_parse(ack_keys, OD_ACK__COUNT, s);
}
