/* problem.h — the problem module's own rules (modules-spec §M2.3), pure:
 * when a workaround is required.  The lifecycle, clocks, approvals and
 * checklists are the workflow kernel's (wf.h) from the policy file. */
#ifndef OD_CORE_PROBLEM_H
#define OD_CORE_PROBLEM_H

#include <stdbool.h>
#include <stdint.h>

/* ≥ 3 linked incidents registered in the last 30 days (step 3 c "频繁复发"). */
#define OD_PRB_RECUR_COUNT 3
#define OD_PRB_RECUR_WINDOW_MS (30LL * 24 * 3600 * 1000)

/* The first instant an incident registered counts as recent at now: an
 * incident registered at exactly now - 30 days counts, 1 ms before does not. */
int64_t od_prb_recur_since(int64_t now);

/* A workaround is required when urgency is "high" (step 3 c "紧急度非常高")
 * or at least OD_PRB_RECUR_COUNT linked incidents are recent. */
bool od_prb_workaround_required(const char *urgency, int64_t recent_incidents);

#endif
