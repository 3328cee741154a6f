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

/* ---- manual scores (1–5) per scorecard item and per participant ----
 * The items people judge that no deadline shows (seed 000 ch. 9 §3 step 5
 * "评估"): communication 沟通, coordination 协调, command 指挥, handling
 * 处置.  A score is one item for the whole drill (user_id 0) or for one
 * participant. */
#define OD_DRILL_SCORE_MIN 1
#define OD_DRILL_SCORE_MAX 5
typedef enum od_drill_item {
    OD_DI_COMMUNICATION = 0,
    OD_DI_COORDINATION,
    OD_DI_COMMAND,
    OD_DI_HANDLING,
    OD_DI__COUNT
} od_drill_item;
const char *od_drill_item_key(od_drill_item i); /* "?" out of range */
int od_drill_item_parse(const char *s);         /* -1 unknown */
bool od_drill_score_valid(int64_t score);       /* 1 … 5 */

typedef struct od_drill_mscore {
    int item;        /* od_drill_item */
    int64_t user_id; /* 0 = the drill as a whole */
    int score;       /* 1 … 5; others are not counted */
} od_drill_mscore;

/* Averages in hundredths (4.5 → 450), -1 when nothing was scored.
 * per_item: the overall (user 0) scores of each item; overall: the mean of
 * those item scores; per participant: od_drill_participant_avg. */
typedef struct od_drill_mtotals {
    int per_item[OD_DI__COUNT]; /* the overall score of each item, 0 = not scored */
    int items_scored;
    int overall_x100; /* mean of the scored items' overall scores, rounded half up; -1 = none */
    int scores;       /* every valid score counted, overall and per participant */
} od_drill_mtotals;
void od_drill_manual_totals(const od_drill_mscore *s, size_t n, od_drill_mtotals *out);
/* Mean of participant user_id's valid scores over the items in hundredths,
 * rounded half up; -1 when they have none.  *count = their scores. */
int od_drill_participant_avg(const od_drill_mscore *s, size_t n, int64_t user_id, int *count);

/* ---- due notices (plan reviews, yearly drills, scheduled drills;
 * docs/drills.md) ----
 * Each due date gets two notices: "soon" the policy's
 * readiness.notice_lead_days (OD_DUE_NOTICE_LEAD_DAYS by default, 1 to
 * OD_DUE_NOTICE_LEAD_DAYS_MAX) before it (at once when that is already
 * past) and "due" at the instant itself. */
#define OD_DUE_NOTICE_LEAD_DAYS 14
#define OD_DUE_NOTICE_LEAD_DAYS_MAX 365
typedef enum od_due_notice { OD_DUE_SOON = 0, OD_DUE_NOW, OD_DUE__COUNT } od_due_notice;
/* "soon", "due"; "?" out of range. */
const char *od_due_notice_key(od_due_notice n);
/* -1 for an unknown key. */
int od_due_notice_parse(const char *s);
/* When notice n of due date due_at fires, the soon one lead_days before
 * (lead_days outside 1..OD_DUE_NOTICE_LEAD_DAYS_MAX: the default); 0 when
 * there is no due date (due_at <= 0) or n is out of range. */
int64_t od_due_notice_at(od_due_notice n, int64_t due_at, int lead_days);
/* Whether a notice set to fire at fire_at (> 0) fires at now: at the instant, not 1 ms before. */
bool od_due_notice_fires(int64_t fire_at, int64_t now);

#endif
