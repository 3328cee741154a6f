/* om_reports_readiness.h — the O&M report's readiness section (应急准备;
 * om_reports_readiness.c), an entry of om_reports_sections.c SECTIONS[]. */
#ifndef OD_APP_OM_REPORTS_READINESS_H
#define OD_APP_OM_REPORTS_READINESS_H

#include "app/om_reports.h"

#define OD_READINESS_REPORT_ITEMS 9
extern const od_report_item od_readiness_report_items[OD_READINESS_REPORT_ITEMS];
/* Sets positions_below_two (the duty roster at the period's end,
 * training.h od_readiness_roster_at) and plans: per plan published before
 * the end, its last drill closed before the end, with its date and score. */
OD_NODISCARD od_err od_readiness_report_fill(od_app *a, od_tx *tx, int64_t from, int64_t to, json_t *sec,
                                             od_error *e);
extern const od_report_detail od_readiness_report_detail;

#endif
