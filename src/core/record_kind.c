/* record_kind.c — the record registry's vocabularies; see record_kind.h. */
#include "record_kind.h"
#include "core/keys.h"
#include "util/join.h"

#include <stdio.h>
#include <string.h>

/* clang-format off */
static const od_rkind_def kinds[OD_RK__COUNT] = {
    [OD_RK_INCIDENT]        = {"incident",        "INC",   "事件",         "Incident",             true,  false},
    [OD_RK_REQUEST]         = {"request",         "REQ",   "服务请求",     "Service request",      false, false},
    [OD_RK_PROBLEM]         = {"problem",         "PRB",   "问题",         "Problem",              true,  true},
    [OD_RK_KNOWN_ERROR]     = {"known_error",     "KE",    "已知错误",     "Known error",          true,  false},
    [OD_RK_CHANGE]          = {"change",          "CHG",   "变更",         "Change",               false, false},
    [OD_RK_CHANGE_TASK]     = {"change_task",     "CTASK", "变更任务",     "Change task",          false, false},
    [OD_RK_ROUTINE_TASK]    = {"routine_task",    "RT",    "例行工作",     "Routine task",         false, false},
    [OD_RK_VULN_ASSESSMENT] = {"vuln_assessment", "VA",    "弱点评估",     "Vulnerability assessment", false, false},
    [OD_RK_VULN]            = {"vuln",            "VUL",   "漏洞",         "Vulnerability",        false, false},
    [OD_RK_RISK]            = {"risk",            "RSK",   "风险",         "Risk",                 false, false},
    [OD_RK_DJB_SYSTEM]      = {"djb_system",      "DJB",   "等保定级系统", "Graded system (MLPS)", false, false},
    [OD_RK_PLAN]            = {"plan",            "PLN",   "应急预案",     "Emergency plan",       true,  false},
    [OD_RK_DRILL]           = {"drill",           "DRL",   "演练",         "Drill",                true,  false},
    [OD_RK_REPORT]          = {"report",          "RPT",   "报告",         "Report",               false, false},
};
/* clang-format on */

static const char *const kind_keys[OD_RK__COUNT] = {
    "incident",        "request", "problem", "known_error", "change", "change_task", "routine_task",
    "vuln_assessment", "vuln",    "risk",    "djb_system",  "plan",   "drill",       "report"};

const od_rkind_def *od_rkind_get(od_rkind k)
{
    return (unsigned)k < OD_RK__COUNT ? &kinds[k] : NULL;
}

int od_rkind_parse(const char *s)
{
    return od_key_parse(kind_keys, OD_RK__COUNT, s);
}

const char *od_rkind_keys(void)
{
    return "incident, request, problem, known_error, change, change_task, routine_task, vuln_assessment, "
           "vuln, risk, djb_system, plan, drill, report";
}

char *od_record_number(od_rkind k, int year, int64_t seq, char buf[OD_RECORD_NUMBER_MAX])
{
    const od_rkind_def *d = od_rkind_get(k);
    snprintf(buf, OD_RECORD_NUMBER_MAX, "%s-%04d-%06lld", d ? d->prefix : "REC", year, (long long)seq);
    return buf;
}

/* ---- links ---- */

#define K(x) (1u << OD_RK_##x)
#define ANY 0xffffffffu
#define SAME 0u /* duplicate_of: the kind of the source */

/* from → to, and a second pair from2 → to2 (0 = none): a drill's finding's
 * follow-up (a problem, change or routine task) originated from the drill. */
static const struct {
    const char *key;
    unsigned from, to, from2, to2;
} links[OD_RL__COUNT] = {
    [OD_RL_CAUSED_BY] = {"caused_by", K(INCIDENT), K(PROBLEM) | K(CHANGE)},
    [OD_RL_KNOWN_ERROR_OF] = {"known_error_of", K(KNOWN_ERROR), K(PROBLEM)},
    [OD_RL_FIXED_BY] = {"fixed_by", K(PROBLEM) | K(KNOWN_ERROR), K(CHANGE)},
    [OD_RL_ORIGINATED_FROM] = {"originated_from", K(CHANGE), K(REQUEST) | K(PROBLEM) | K(INCIDENT) | K(VULN),
                               K(PROBLEM) | K(CHANGE) | K(ROUTINE_TASK), K(DRILL)},
    [OD_RL_DUPLICATE_OF] = {"duplicate_of", ANY, SAME},
    [OD_RL_PARENT_OF] = {"parent_of", ANY, ANY},
    [OD_RL_MITIGATES] = {"mitigates", K(CHANGE) | K(VULN), K(RISK)},
    [OD_RL_EXERCISES] = {"exercises", K(DRILL), K(PLAN)},
    [OD_RL_SIMULATES] = {"simulates", K(DRILL), K(INCIDENT)},
    [OD_RL_EVIDENCE_OF] = {"evidence_of", ANY, ANY},
};

static const char *const link_keys[OD_RL__COUNT] = {
    "caused_by", "known_error_of", "fixed_by",  "originated_from", "duplicate_of",
    "parent_of", "mitigates",      "exercises", "simulates",       "evidence_of"};

const char *od_rlink_key(od_rlink l)
{
    return od_key_name(link_keys, OD_RL__COUNT, (int)l);
}

int od_rlink_parse(const char *s)
{
    return od_key_parse(link_keys, OD_RL__COUNT, s);
}

const char *od_rlink_keys(void)
{
    return "caused_by, known_error_of, fixed_by, originated_from, duplicate_of, parent_of, mitigates, "
           "exercises, simulates, evidence_of";
}

/* The kinds of mask, "a/b/c", into buf. */
static const char *kinds_of(unsigned mask, char *buf, size_t cap)
{
    od_join j = od_join_start(buf, cap, "/");
    for (int k = 0; k < OD_RK__COUNT; k++)
        if (mask & (1u << k))
            od_join_add(&j, kind_keys[k]);
    return buf;
}

od_err od_rlink_check(od_rlink l, od_rkind from, od_rkind to, bool same, od_error *e)
{
    if ((unsigned)l >= OD_RL__COUNT)
        return od_error_set(e, OD_E_UNPROCESSABLE, "kind",
                            "未知的关联类型 (unknown link kind); 可选 (allowed): %s", od_rlink_keys());
    if ((unsigned)from >= OD_RK__COUNT || (unsigned)to >= OD_RK__COUNT)
        return od_error_set(e, OD_E_UNPROCESSABLE, "to", "未知的记录类型 (unknown record kind)");
    if (same)
        return od_error_set(e, OD_E_UNPROCESSABLE, "to",
                            "记录不能关联自身 (a record cannot be linked to itself)");
    unsigned fm = links[l].from | links[l].from2, tm = 0;
    if (links[l].from & (1u << from))
        tm |= links[l].to == SAME ? (1u << from) : links[l].to;
    if (links[l].from2 & (1u << from))
        tm |= links[l].to2;
    char allowed[256];
    if (!(fm & (1u << from)))
        return od_error_set(e, OD_E_UNPROCESSABLE, "kind",
                            "%s 关联只能从 %s 发起，不能从 %s (a %s link goes from %s, not from %s)",
                            links[l].key, kinds_of(fm, allowed, sizeof allowed), kind_keys[from],
                            links[l].key, allowed, kind_keys[from]);
    if (!(tm & (1u << to)))
        return od_error_set(e, OD_E_UNPROCESSABLE, "to",
                            "%s 关联只能指向 %s，不能指向 %s (a %s link goes to %s, not to %s)", links[l].key,
                            kinds_of(tm, allowed, sizeof allowed), kind_keys[to], links[l].key, allowed,
                            kind_keys[to]);
    return OD_OK;
}

/* ---- CI roles, committee roles ---- */

static const char *const ci_roles[OD_RCI__COUNT] = {"affected", "implemented_on", "inspected",
                                                    "evidence_source", "in_scope"};

const char *od_rci_role_key(od_rci_role r)
{
    return od_key_name(ci_roles, OD_RCI__COUNT, (int)r);
}

int od_rci_role_parse(const char *s)
{
    return od_key_parse(ci_roles, OD_RCI__COUNT, s);
}

const char *od_rci_role_keys(void)
{
    return "affected, implemented_on, inspected, evidence_source, in_scope";
}

static const char *const committee_roles[3] = {"chair", "deputy", "member"};

int od_committee_role_parse(const char *s)
{
    return od_key_parse(committee_roles, 3, s);
}

const char *od_committee_role_key(int r)
{
    return od_key_name(committee_roles, 3, r);
}
