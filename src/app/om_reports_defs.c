/* om_reports_defs.c — the O&M report definitions of the policy in force
 * (sla.reports; core/report_def.h; modules-spec §1.10): lookups the runs,
 * their review and their messages share.  A run whose kind is no longer
 * defined keeps working: its reviewer, recipients and filing deadline are
 * sla.report_review's, its title its kind. */
#include "app/om_reports.h"

#include <string.h>

const od_report_def *od_report_def_of(const od_policy *p, const char *kind)
{
    return od_report_def_find(p->sla.reports, p->sla.n_reports, kind);
}

int32_t od_report_reviewer_of(const od_policy *p, const char *kind)
{
    const od_report_def *d = od_report_def_of(p, kind);
    return d && d->reviewer >= 0 ? d->reviewer : p->sla.report_reviewer;
}

od_roleset od_report_recipients_of(const od_policy *p, const char *kind)
{
    const od_report_def *d = od_report_def_of(p, kind);
    return d && d->recipients ? (od_roleset)d->recipients : p->sla.report_recipients;
}

int64_t od_report_file_ms_of(const od_policy *p, const char *kind)
{
    const od_report_def *d = od_report_def_of(p, kind);
    return d && d->file_ms > 0 ? d->file_ms : p->sla.report_file_ms;
}

const char *od_report_title_of(const od_policy *p, const char *kind, bool zh)
{
    const od_report_def *d = od_report_def_of(p, kind);
    if (!d)
        return kind ? kind : "";
    return zh ? d->title_zh : d->title_en;
}

const od_calendar *od_report_calendar_of(const od_policy *p, const od_report_def *d)
{
    const char *key = d->sched_calendar[0] ? d->sched_calendar : p->sla.platform_calendar;
    if (!key[0] || !strcmp(key, "24x7"))
        return NULL;
    return od_kernel_calendar(p->kernel, key);
}
