/* service_level.h — service-level figures from records (R-SLA-1, R-SLA-2,
 * R-SLA-5; modules-spec §M4.3): availability from the union of outage
 * intervals clipped to a period, the yearly downtime budget, the response,
 * restore and handling-time verdicts of an incident, MTTA / MTTR / MTBF
 * statistics and breach counts.  Pure: no I/O, no clock (every function takes
 * `now` or the period), no allocation (callers pass the scratch space).
 *
 * Times are UTC milliseconds; an interval is half-open [start, end).
 *
 * Availability of a service (or of the platform: the outages of every
 * platform member, "any_of") over [a, b):
 *   U = |union of unplanned time| + w × |degraded time outside unplanned time|
 *   A = 1 − U / (b − a)
 * where unplanned time is every `unplanned` interval plus the parts of a
 * `planned` interval outside its approved window (the overrun; a planned
 * interval without an approved window is wholly unplanned), w is the
 * policy's degraded weight (0 by default), and drill intervals never count.
 * Availability is given in parts per million, rounded down, so a target is
 * met exactly when avail_ppm >= target_ppm. */
#ifndef OD_CORE_SERVICE_LEVEL_H
#define OD_CORE_SERVICE_LEVEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/calendar.h"
#include "core/policy.h"
#include "util/err.h"

#ifndef OD_NO_TIME
#define OD_NO_TIME INT64_MAX
#endif

typedef enum od_outage_kind {
    OD_OUTAGE_UNPLANNED = 0,
    OD_OUTAGE_PLANNED,
    OD_OUTAGE_DEGRADED,
    OD_OUTAGE__COUNT
} od_outage_kind;

const char *od_outage_kind_key(od_outage_kind k); /* "unplanned" … */
int od_outage_kind_parse(const char *s);          /* -1 if unknown */

typedef struct od_span {
    int64_t start, end; /* [start, end) */
} od_span;

typedef struct od_outage {
    int64_t start, end; /* [start, end); end <= start is empty */
    od_outage_kind kind;
    bool drill; /* never counts (R-PLAN-4) */
    /* planned only: the approved change or maintenance window; an empty
     * window (win_end <= win_start) means none was approved */
    int64_t win_start, win_end;
} od_outage;

/* Sorts spans[0..n) by start, clips each to [a, b), drops the empty ones
 * and merges overlapping and touching ones in place.  Returns the number of
 * disjoint spans left (in order). */
size_t od_span_union(od_span *spans, size_t n, int64_t a, int64_t b);
/* Total length of spans[0..n) after od_span_union (which it performs). */
int64_t od_span_union_ms(od_span *spans, size_t n, int64_t a, int64_t b);

/* The unplanned parts of one outage (before clipping): an unplanned outage
 * is one part; a planned one gives its parts outside the approved window
 * (0, 1 or 2: early start, overrun); degraded and drill outages give none.
 * Returns the count written to out[0..2). */
size_t od_outage_unplanned_parts(const od_outage *o, od_span out[2]);

typedef struct od_avail {
    int64_t period_ms;    /* b − a */
    int64_t unplanned_ms; /* |union of unplanned time| in the period */
    int64_t planned_ms;   /* planned time inside approved windows (not counted) */
    int64_t degraded_ms;  /* degraded time not already unplanned */
    int64_t downtime_ms;  /* U = unplanned + degraded × weight */
    int64_t avail_ppm;    /* floor(1e6 × (1 − U / T)); 1e6 for an empty period */
    size_t outages;       /* disjoint unplanned spans (for MTBF) */
    int64_t mtbf_ms;      /* (T − U) / outages; OD_NO_TIME without outages */
    bool met;             /* avail_ppm >= target */
} od_avail;

/* Availability over [a, b) of the outages o[0..n).  scratch must hold
 * 3 × n spans.  OD_E_INVALID when b < a or scratch is too small. */
OD_NODISCARD od_err od_availability(const od_outage *o, size_t n, int64_t a, int64_t b,
                                    const od_sla_targets *t, od_span *scratch, size_t scratch_cap,
                                    od_avail *out);

/* The same with every length — the period T, unplanned, degraded and
 * planned time — measured in the working time of `cal` (a service's
 * calendar, modules-spec §M4.2): only minutes inside its hours count, and an
 * outage wholly outside them is no outage (outages, MTBF).  cal NULL or
 * 24x7: wall time, as od_availability. */
OD_NODISCARD od_err od_availability_cal(const od_outage *o, size_t n, int64_t a, int64_t b,
                                        const od_calendar *cal, const od_sla_targets *t, od_span *scratch,
                                        size_t scratch_cap, od_avail *out);

/* Downtime a target allows in a period: floor(period × (1e6 − ppm) / 1e6).
 * 43.8 h for a 365-day year at 99.5 %, 43.92 h in a leap year, 3.6 h for
 * a 30-day month. */
int64_t od_budget_ms(int64_t period_ms, int32_t target_ppm);
/* [start, end) of a local calendar year or month at a UTC offset in
 * minutes (+480 for Beijing time); month 0 = the whole year. */
void od_period_bounds(int year, int month, int utc_offset_min, int64_t *start, int64_t *end);

/* "99.5%", "99.5" or "50 %": a percentage with at most 4 decimals, in
 * parts per million (1e-4 % = 1 ppm), within [lo_ppm, 1e6].  False when
 * malformed or out of range. */
bool od_percent_parse(const char *s, int64_t lo_ppm, int64_t *ppm);

/* ---- incidents ---------------------------------------------------------- */

typedef enum od_sl_metric {
    OD_SL_RESPONSE = 0, /* detection → first engagement, ≤ 30 min */
    OD_SL_RESTORE,      /* detection → service restored, ≤ 2 h / ≤ 8 h (major) */
    OD_SL_HANDLING,     /* detection → resolved, ≤ the seed-000 limit of the initial level */
    OD_SL__COUNT
} od_sl_metric;

typedef enum od_sl_verdict {
    OD_SLV_NA = 0,   /* no target applies (NG handling, drill) */
    OD_SLV_PENDING,  /* not done yet, still within the target at now */
    OD_SLV_MET,      /* done within the target (at the target is met) */
    OD_SLV_BREACHED, /* done after the target, or not done and past it */
    OD_SLV__COUNT
} od_sl_verdict;

const char *od_sl_metric_key(od_sl_metric m);   /* "response" … */
const char *od_sl_verdict_key(od_sl_verdict v); /* "met" … */

/* The disjoint working spans one UTC day can hold: every period starts and
 * ends on a whole local minute, so merged spans are at least a minute long
 * and a minute apart (720), plus the two pieces clipped at a span's ends. */
#define OD_SL_DAY_SPANS_MAX 736

typedef struct od_sl_incident {
    int64_t detected_at;
    int64_t engaged_at;  /* first acknowledgement or accepted assignment; 0 = none yet */
    int64_t restored_at; /* end of the last impact interval, else resolved_at; 0 = not yet */
    int64_t resolved_at; /* 0 = not yet */
    od_grade level;
    od_resp initial_response, highest_response;
    int category; /* index chosen by the caller (0 ≤ category < groups) */
    int tier;     /* support tier index chosen by the caller */
    bool drill;   /* never counts */
    /* the affected service's hours (modules-spec §M4.2): response, restore,
     * MTTA and MTTR count only its working time; handling (seed 000) stays
     * wall time.  NULL or 24x7 = wall time. */
    const od_calendar *cal;
    /* the calendars of the other services its impact intervals are on
     * (modules-spec §M4.2): the clocks run while any affected service is in
     * its hours, so a minute counts when it is working time on cal or on
     * one of these; one of them 24x7 = wall time.  Ignored when cal is
     * NULL (an incident without impact intervals runs on wall time).  Any
     * number: the caller owns the array. */
    const od_calendar *const *also;
    size_t n_also;
} od_sl_incident;

/* Working ms in [a, b) of the union of the hours of cals[0..n): an instant
 * counts when it is working time on at least one of them.  n = 1 is
 * od_cal_between; any 24x7 calendar (or NULL) makes it wall time (b − a);
 * n = 0 or b <= a gives 0.  Any number of calendars: walks [a, b) one UTC
 * day at a time, merging each calendar's periods into the day's union. */
int64_t od_cal_between_any(const od_calendar *const *cals, size_t n, int64_t a, int64_t b);

/* The time of metric m between from and to: working time on i->cal (and
 * i->also: the union of the affected services' hours) for response and
 * restore, wall time otherwise (to − from). */
int64_t od_sl_elapsed(const od_sl_incident *i, od_sl_metric m, int64_t from, int64_t to);

/* Whether the incident is a major fault (its highest response level is in
 * t->major_responses), and the restore target that applies. */
bool od_sl_is_major(const od_sl_incident *i, const od_sla_targets *t);
int64_t od_sl_target_ms(const od_sl_incident *i, const od_policy *p, od_sl_metric m);
/* The verdict of one metric at now.  Done when od_sl_elapsed(detected,
 * done) = target is met, 1 ms more breached; not done is pending while the
 * time elapsed at now is within the target and breached after it. */
od_sl_verdict od_sl_verdict_of(const od_sl_incident *i, const od_policy *p, od_sl_metric m, int64_t now);

typedef struct od_sl_stats {
    size_t n;
    int64_t mean_ms;   /* floor of the mean; 0 when n = 0 */
    int64_t median_ms; /* middle value; the floor of the mean of the two middle ones when n is even */
    int64_t p90_ms;    /* nearest rank: the ceil(0.9 n)-th smallest value */
    int64_t max_ms;
} od_sl_stats;

/* Statistics of v[0..n) (sorted in place).  Negative values are kept. */
od_sl_stats od_sl_stats_of(int64_t *v, size_t n);

typedef enum od_sl_measure { OD_SL_MTTA = 0, OD_SL_MTTR } od_sl_measure;
/* MTTA (engaged − detected) or MTTR (restored − detected; each as
 * od_sl_elapsed counts it) over the
 * non-drill incidents that have the time, restricted to a level when
 * level >= 0 and to a category when category >= 0.  scratch holds n
 * values.  */
od_sl_stats od_sl_measure_of(const od_sl_incident *v, size_t n, od_sl_measure m, int level, int category,
                             int64_t *scratch);

typedef enum od_sl_group { OD_SLG_ALL = 0, OD_SLG_LEVEL, OD_SLG_CATEGORY, OD_SLG_TIER } od_sl_group;

/* Tallies the verdicts of metric m at now per group: counts[g][verdict]
 * for g < groups (ALL: 1 group; LEVEL: OD_GRADE__COUNT groups).  Drill
 * incidents and incidents whose group index is out of range are skipped.
 * counts must hold groups rows and is zeroed first. */
void od_sl_tally(const od_sl_incident *v, size_t n, const od_policy *p, od_sl_metric m, int64_t now,
                 od_sl_group by, size_t groups, int counts[][OD_SLV__COUNT]);

/* ---- O&M reports (modules-spec §M4.5) --------------------------------- */

typedef enum od_report_kind { OD_REPORT_WEEKLY = 0, OD_REPORT_MONTHLY, OD_REPORT__COUNT } od_report_kind;
const char *od_report_kind_key(od_report_kind k); /* "weekly", "monthly" */
int od_report_kind_parse(const char *s);          /* -1 if unknown */

/* The scheduled run in force at now, local time at utc_offset_min: the most
 * recent generation time at or before now (weekly: a Monday 08:00; monthly:
 * the 1st 08:00) in *gen_at, and the period it reports on in [*start, *end):
 * the Monday–Sunday week, or the calendar month, that ended at the midnight
 * before it.  1 ms before Monday 08:00 the previous week's run is in force. */
void od_report_period_at(od_report_kind k, int64_t now, int utc_offset_min, int64_t *start, int64_t *end,
                         int64_t *gen_at);

#endif
