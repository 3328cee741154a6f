/* dashboard.h — the wall-screen summary (态势总览): open incidents
 * by incident level and response level, unmet deadlines (missed and coming
 * up) across incidents, incidents per day by level; drills counted apart.
 * Read-only, one read transaction; rows outside the reader's scopes
 * (R-SEC-SYS-2) are left out. */
#ifndef OD_APP_DASHBOARD_H
#define OD_APP_DASHBOARD_H

#include "app/app.h"

#define OD_DASH_DAYS_MAX 90
#define OD_DASH_DEADLINES_MAX 100 /* per list (missed, upcoming) */

typedef struct od_dashboard_opts {
    int tz_minutes; /* the reader's offset east of UTC, for day boundaries (-840..840) */
    int days;       /* incidents per day over the last `days` days, today included (1..90) */
} od_dashboard_opts;

/* *out (new reference):
 *   {"now", "now_ms", "tz_minutes", "days",
 *    "open":   {"total", "by_level":{L:n}, "by_response":{R:n}, "matrix":{L:{R:n}}},
 *    "drills": {"open": {same shape}, "per_day": [n...]},
 *    "deadlines": {"missed":[D...], "upcoming":[D...]},
 *    "per_day": {"days":["YYYY-MM-DD"...], "by_level":{L:[n...]}},
 *    "plans": {"review_due": n, "drill_due": n},   (emergency plans, app/drills.h)
 *    "reports": {"unfiled_overdue": n, "unreviewed_overdue": n, "undistributed": n}}
 *              (O&M report runs, app/om_reports.h od_report_dashboard_counts)
 * D = {"kind", "due_at", "due_ms", "missed", "drill", "recipient":{"id","username","display_name"}|null,
 *      "incident":{"id","number","title","level","response_level"}}. */
OD_NODISCARD od_err od_dashboard(od_app *a, const od_principal *who, const od_dashboard_opts *o, json_t **out,
                                 od_error *e);

#endif
