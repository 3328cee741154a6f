/* om_reports_readiness.h — the O&M report's readiness section (应急准备;
 * om_reports_readiness.c), an entry of om_reports_sections.c SECTIONS[]. */
#ifndef OD_APP_OM_REPORTS_READINESS_H
#define OD_APP_OM_REPORTS_READINESS_H

#include "app/om_reports.h"

#define OD_READINESS_REPORT_ITEMS 8
extern const od_report_item od_readiness_report_items[OD_READINESS_REPORT_ITEMS];

#endif
