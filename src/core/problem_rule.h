/* problem_rule.h — the proactive problem candidate rules (R-PRB-5;
 * modules-spec §M2.3 "Proactive candidates"): which rules run, how many
 * incidents each needs and in which window before now.  The policy's
 * `problem_candidates:` section sets them; the daily scan (app/
 * problem_candidates.c) counts and asks these functions.  Pure: no I/O, no
 * clock, no allocation. */
#ifndef OD_CORE_PROBLEM_RULE_H
#define OD_CORE_PROBLEM_RULE_H

#include <stdbool.h>
#include <stdint.h>

/* The rules, in the order the scan runs them (a CI proposed by an earlier
 * rule is not proposed again by a later one). */
typedef enum od_pcr_kind {
    OD_PCR_CI = 0,     /* ci_recurrence: incidents on one CI */
    OD_PCR_R1,         /* r1_recurrence: incidents that reached R1 on one CI */
    OD_PCR_EVENT_RULE, /* event_rule_recurrence: incidents opened by one event rule */
    OD_PCR__COUNT
} od_pcr_kind;

/* One rule: proposes when at least min_incidents incidents (drills
 * excluded) fall in [now - window_ms, now]; off when !enabled. */
typedef struct od_pcr_rule {
    bool enabled;
    int min_incidents;
    int64_t window_ms;
} od_pcr_rule;

typedef struct od_pcr_policy {
    od_pcr_rule rule[OD_PCR__COUNT];
} od_pcr_policy;

/* Bounds the loader holds the keys to (`opsdesk policy check`). */
#define OD_PCR_MIN_INCIDENTS_MIN 2
#define OD_PCR_MIN_INCIDENTS_MAX 1000
#define OD_PCR_WINDOW_MIN_MS (24LL * 3600 * 1000)       /* 1 day */
#define OD_PCR_WINDOW_MAX_MS (366LL * 24 * 3600 * 1000) /* 366 days */

/* The defaults (modules-spec §M2.3 ⚑): 3 incidents on one CI in 30 days,
 * 2 that reached R1 on one CI in 90 days, 3 opened by one event rule in
 * 30 days. */
void od_pcr_defaults(od_pcr_policy *p);

/* "ci_recurrence", "r1_recurrence", "event_rule_recurrence"; NULL out of
 * range.  od_pcr_parse: the kind, -1 for an unknown key. */
const char *od_pcr_key(int k);
int od_pcr_parse(const char *s);

/* The window's first instant: now - window_ms (an incident registered at
 * that instant counts, 1 ms before does not). */
int64_t od_pcr_window_from(const od_pcr_rule *r, int64_t now);
/* Whether an incident registered at `at` counts at now: from <= at <= now. */
bool od_pcr_in_window(const od_pcr_rule *r, int64_t at, int64_t now);
/* Whether `count` incidents in the window propose a candidate: the rule is
 * enabled and count >= min_incidents. */
bool od_pcr_fires(const od_pcr_rule *r, int64_t count);
/* The window in whole days (for the made title), rounded down. */
int64_t od_pcr_window_days(const od_pcr_rule *r);

#endif
