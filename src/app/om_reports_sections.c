/* om_reports_sections.c — the sections later modules add to an O&M report
 * (modules-spec §M4.5 "each later module adds its section"; §1.10 "sections
 * (each module contributes named sections)").  A section is DATA: an entry
 * of SECTIONS[] below, with its key in the snapshot (`modules.<key>`), its
 * bilingual title and its items, each an item key, a bilingual label and its
 * counting function (one statement of a query list, bound from the report's
 * period [from, to); lint/sql-binds checks each call).  Generation (od_report_module_sections), the
 * Markdown and HTML (section 6, od_report_sections_render) and the XLSX
 * sheet (module, item, count) all walk this table, so a module adds its
 * section by adding one entry, its counting functions and their statements;
 * nothing else changes.
 * docs/service-levels.md "后续模块章节" says how.
 *
 * Today: problems (§M2) — opened, closed, cancelled in the period, open at
 * its end, known errors added; plans (§M7) — plans whose review date lies
 * before the period's end (as stored when the report is generated), plans
 * reviewed in the period, drill incidents detected in it.  Read only. */
#include "app/om_reports.h"
#include "app/om_reports_readiness.h"

#include <string.h>

/* The counting functions of the items: one statement each, binds from the period [from, to). */
static od_err prb_opened(od_tx *tx, int64_t from, int64_t to, int64_t *n, od_error *e)
{
    return od_tx_scalar(tx, OD_Q_OMR_PRB_OPENED, n, e, OD_BINDS(OD_INT(from), OD_INT(to)));
}
static od_err prb_closed(od_tx *tx, int64_t from, int64_t to, int64_t *n, od_error *e)
{
    return od_tx_scalar(tx, OD_Q_OMR_PRB_CLOSED, n, e, OD_BINDS(OD_INT(from), OD_INT(to)));
}
static od_err prb_cancelled(od_tx *tx, int64_t from, int64_t to, int64_t *n, od_error *e)
{
    return od_tx_scalar(tx, OD_Q_OMR_PRB_CANCELLED, n, e, OD_BINDS(OD_INT(from), OD_INT(to)));
}
static od_err prb_open_at_end(od_tx *tx, int64_t from, int64_t to, int64_t *n, od_error *e)
{
    (void)from;
    return od_tx_scalar(tx, OD_Q_OMR_PRB_OPEN_AT, n, e, OD_BINDS(OD_INT(to), OD_INT(to), OD_INT(to)));
}
static od_err ke_added(od_tx *tx, int64_t from, int64_t to, int64_t *n, od_error *e)
{
    return od_tx_scalar(tx, OD_Q_OMR_KE_ADDED, n, e, OD_BINDS(OD_INT(from), OD_INT(to)));
}
static od_err pln_overdue(od_tx *tx, int64_t from, int64_t to, int64_t *n, od_error *e)
{
    (void)from;
    return od_tx_scalar(tx, OD_Q_OMR_PLN_OVERDUE, n, e, OD_BINDS(OD_INT(to)));
}
static od_err pln_reviewed(od_tx *tx, int64_t from, int64_t to, int64_t *n, od_error *e)
{
    return od_tx_scalar(tx, OD_Q_OMR_PLN_REVIEWED, n, e, OD_BINDS(OD_INT(from), OD_INT(to)));
}
static od_err drill_incidents(od_tx *tx, int64_t from, int64_t to, int64_t *n, od_error *e)
{
    return od_tx_scalar(tx, OD_Q_OMR_DRILL_INCIDENTS, n, e, OD_BINDS(OD_INT(from), OD_INT(to)));
}

static const od_report_item problems_items[] = {
    {"opened", "新增问题 (problems opened)", prb_opened},
    {"closed", "关闭问题 (problems closed)", prb_closed},
    {"cancelled", "取消问题 (problems cancelled)", prb_cancelled},
    {"open_at_end", "期末未关闭问题 (problems open at the period's end)", prb_open_at_end},
    {"known_errors_added", "新增已知错误 (known errors added)", ke_added},
};
static const od_report_item plans_items[] = {
    {"reviews_overdue", "评审逾期预案 (plans with their review overdue)", pln_overdue},
    {"reviewed", "已评审预案 (plans reviewed)", pln_reviewed},
    {"drill_incidents", "演练事件 (drill incidents)", drill_incidents},
};

#define ITEMS(a) (a), sizeof(a) / sizeof((a)[0])

/* In the order they are shown.  A later module (changes, requests, routine work, security)
 * appends its entry here. */
static const od_report_section SECTIONS[] = {
    {"problems", "问题与已知错误 (problems and known errors)", ITEMS(problems_items), NULL, NULL},
    {"plans", "预案与演练 (plans and drills)", ITEMS(plans_items), NULL, NULL},
    {"readiness", "应急准备 (readiness)", od_readiness_report_items, OD_READINESS_REPORT_ITEMS,
     od_readiness_report_fill, &od_readiness_report_detail},
};

const od_report_section *od_report_sections(size_t *n)
{
    *n = sizeof SECTIONS / sizeof SECTIONS[0];
    return SECTIONS;
}

od_err od_report_module_sections(od_app *a, int64_t from, int64_t to, json_t **out, od_error *e)
{
    *out = NULL;
    od_tx *tx = NULL;
    od_err rc = od_tx_begin(a->store, false, &tx, e);
    if (rc)
        return rc;
    json_t *mods = json_object();
    for (size_t s = 0; !rc && s < sizeof SECTIONS / sizeof SECTIONS[0]; s++) {
        json_t *sec = json_object();
        for (size_t i = 0; !rc && i < SECTIONS[s].n_items; i++) {
            int64_t n = 0;
            if (!SECTIONS[s].items[i].count)
                continue; /* set by the section's fill */
            if (!(rc = SECTIONS[s].items[i].count(tx, from, to, &n, e)))
                json_object_set_new(sec, SECTIONS[s].items[i].key, json_integer((json_int_t)n));
        }
        if (!rc && SECTIONS[s].fill)
            rc = SECTIONS[s].fill(a, tx, from, to, sec, e);
        json_object_set_new(mods, SECTIONS[s].key, sec);
    }
    od_tx_rollback(tx);
    if (rc) {
        json_decref(mods);
        return rc;
    }
    *out = mods;
    return OD_OK;
}
