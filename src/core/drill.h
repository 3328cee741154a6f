/* drill.h — the scorecard of an emergency drill (应急演练; seed 000 ch. 9
 * §3, modules-spec §M7.4; docs/drills.md): each deadline the drill's
 * simulated incident was held to — first report, acknowledgements,
 * progress reports, activation, handling — judged by the same rule as a real
 * incident's (core/incident.h od_deadline_state_at: met by its due time
 * passes, met late or missed fails, still ahead is pending, cancelled is
 * not judged), the times to acknowledge and to activate, and the drill's
 * steps done against those planned.  Pure: no I/O, no clock, no allocation. */
#ifndef OD_CORE_DRILL_H
#define OD_CORE_DRILL_H

#include "core/incident.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum od_drill_verdict {
    OD_DV_PENDING = 0, /* not yet due, not met */
    OD_DV_PASS,        /* met by its due time (at the instant included) */
    OD_DV_FAIL,        /* met late, or missed */
    OD_DV_NA,          /* cancelled: the incident no longer needed it */
} od_drill_verdict;
/* "pending", "pass", "fail", "n/a". */
const char *od_drill_verdict_key(od_drill_verdict v);

/* One deadline of the simulated incident: met_at 0 = not met; cancelled
 * when its status is cancelled. */
typedef struct od_drill_deadline {
    int kind; /* od_deadline_kind */
    int64_t due_at, met_at;
    bool cancelled;
} od_drill_deadline;

od_drill_verdict od_drill_judge(const od_drill_deadline *d, int64_t now);

/* The whole card.  steps: the planned step keys and the done ones
 * (borrowed; n = 0 allows NULL); a done step not planned does not count. */
typedef struct od_drill_card {
    int passed, failed, pending, not_judged;
    int steps_planned, steps_done;
    /* passed × 100 / (passed + failed), rounded down; -1 when nothing was judged */
    int score_pct;
    /* ms from detection to the first acknowledgement / to activation; -1 = not yet */
    int64_t to_ack_ms, to_activate_ms;
} od_drill_card;

void od_drill_score(const od_drill_deadline *d, size_t n, int64_t now, int64_t detected_at,
                    int64_t first_ack_at, int64_t activated_at, const char *const *planned, size_t n_planned,
                    const char *const *done, size_t n_done, od_drill_card *out);

/* ---- due notices (plan reviews, scheduled drills; docs/drills.md) ----
 * Each due date gets two notices: "soon" OD_DUE_NOTICE_LEAD_DAYS before it
 * (at once when that is already past) and "due" at the instant itself. */
#define OD_DUE_NOTICE_LEAD_DAYS 14
typedef enum od_due_notice { OD_DUE_SOON = 0, OD_DUE_NOW, OD_DUE__COUNT } od_due_notice;
/* "soon", "due"; "?" out of range. */
const char *od_due_notice_key(od_due_notice n);
/* -1 for an unknown key. */
int od_due_notice_parse(const char *s);
/* When notice n of due date due_at fires; 0 when there is no due date
 * (due_at <= 0) or n is out of range. */
int64_t od_due_notice_at(od_due_notice n, int64_t due_at);
/* Whether a notice set to fire at fire_at (> 0) fires at now: at the instant, not 1 ms before. */
bool od_due_notice_fires(int64_t fire_at, int64_t now);

#endif
