/* om_reports.h — weekly and monthly O&M reports (运维周报 / 运维月报;
 * R-SLA-2, R-SLA-6; modules-spec §M4.5, §1.10): generated for the period in
 * force (core/service_level.h od_report_period_at) as a draft with the
 * automatic sections (service levels of the period, the year's budget, the
 * incidents with their verdicts; the monthly report adds a 12-month trend),
 * manual sections filled by people, then filed: the document is frozen, its
 * SHA-256 stored and written to the audit chain.  Generating again makes the
 * next version (with the headline differences from the one before); a filed
 * run never changes.  Exports: Markdown, HTML, JSON (the filed document
 * itself), CSV per table.  One transaction per call. */
#ifndef OD_APP_OM_REPORTS_H
#define OD_APP_OM_REPORTS_H

#include "app/app.h"

#include <jansson.h>

/* kind "weekly" | "monthly"; at = the time whose scheduled period is
 * reported (0 = now).  *out: the run (as od_report_get). */
OD_NODISCARD od_err od_report_generate(od_app *a, const od_principal *who, const char *kind, int64_t at,
                                       json_t **out, od_error *e);
/* {items:[{id, kind, number, version, state, period_start, period_end, sha256, generated_at, filed_at}],
 *  total, limit, offset}; kind NULL or "" = both. */
OD_NODISCARD od_err od_report_list(od_app *a, const char *kind, int64_t limit, int64_t offset, json_t **out,
                                   od_error *e);
/* The run: its fields, snapshot, manual sections, required_sections and
 * missing (required ones still empty). */
OD_NODISCARD od_err od_report_get(od_app *a, int64_t id, json_t **out, od_error *e);
/* Fills manual sections of a draft: sections = {key: text}; unknown keys
 * are refused; 409 once filed. */
OD_NODISCARD od_err od_report_set_manual(od_app *a, const od_principal *who, int64_t id, json_t *sections,
                                         json_t **out, od_error *e);
/* Files a draft whose required manual sections are filled (422 naming the
 * first missing one otherwise); 409 when already filed. */
OD_NODISCARD od_err od_report_file(od_app *a, const od_principal *who, int64_t id, json_t **out, od_error *e);
/* fmt "md" | "html" | "json" | "services.csv" | "incidents.csv"; *doc is
 * the caller's to free. */
OD_NODISCARD od_err od_report_export(od_app *a, int64_t id, const char *fmt, char **doc, od_error *e);

#endif
