/* event_decision.h — what each pipeline step decided for an event
 * (R-EVT-1…4: "the rule that decided each step"), as a code and its
 * arguments, and the bilingual text that code renders to.
 *
 * The first pass of a new event stores its decisions in the row as codes
 * (events.decisions: [[code, rule|null, arg…], …]); the text is rendered when
 * the event is read (GET /api/v1/events/{id}).  The text is two thirds of
 * what the old form kept per event, and writing it cost the one ingestion
 * writer a fifth of its time (bench/results.md, step 10).  Later passes keep
 * their rendered text in event_decisions rows, as before.
 *
 * The codes are stored: never renumber or reuse one; add new ones at the end.
 * A template names its arguments {0}…{9}; an argument may appear several
 * times (the Chinese and the English half).  {c0}, {r0}, {s0} render the
 * Chinese name of a class, role or severity key argument (the key itself when
 * it is not one), so only the key is stored.  Pure: no I/O, no allocation. */
#ifndef OD_EVENT_DECISION_H
#define OD_EVENT_DECISION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum od_dec_code {
    OD_DEC_DEDUP_RESOLVED = 1,          /* — */
    OD_DEC_DEDUP_RESOLVED_FLAPPING = 2, /* — */
    OD_DEC_DEDUP_FIRED = 3,             /* — */
    OD_DEC_DEDUP_FIRED_FLAPPING = 4,    /* — */
    OD_DEC_DEDUP_WINDOW_OVER = 5,       /* — */
    OD_DEC_DEDUP_NEW_RESOLVED = 6,      /* — */
    OD_DEC_DEDUP_FLAPPING = 7,          /* {0} state changes */
    OD_DEC_FILTERED = 8,                /* — */
    OD_DEC_CLASSIFIED = 9,              /* {0} class key */
    OD_DEC_SILENCED = 10,               /* {0} window id, {1} window name */
    OD_DEC_SUPPRESSED = 11,             /* {0} CI name, {1} CI id */
    OD_DEC_GROUPED = 12,                /* {0} lead event id, {1} group key */
    OD_DEC_RESPOND_WEBHOOK = 13,        /* {0} channel */
    OD_DEC_RESPOND_ROLE = 14,           /* {0} role key, {1} people */
    OD_DEC_RESPOND_NONE = 15,           /* — */
    OD_DEC_INCIDENT_ATTACHED = 16,      /* {0} incident number */
    OD_DEC_INCIDENT_OPENED = 17,        /* {0} number, {1} severity key, {2} CI */
    OD_DEC_INCIDENT_NO_CI = 18,         /* — */
    OD_DEC_INCIDENT_NO_RULE = 19,       /* — */
    OD_DEC__END
} od_dec_code;

#define OD_DEC_ARGS_MAX 4
#define OD_DEC_TEXT_MAX 1024 /* room for a rendered decision */

/* One argument: a string (s != NULL) or an integer. */
typedef struct od_dec_arg {
    const char *s;
    int64_t i;
} od_dec_arg;

/* The step a code belongs to ("dedup", "filter", "classify", "maintenance",
 * "correlate", "respond", "incident"); NULL for an unknown code. */
const char *od_dec_step(int code);

/* Number of arguments the code's template uses; -1 for an unknown code. */
int od_dec_nargs(int code);

/* Renders the code's text into out (always NUL-terminated when cap > 0,
 * truncated at a UTF-8 character boundary).  A missing argument renders
 * as "", an unknown code as "?"; returns the length written. */
size_t od_dec_render(char *out, size_t cap, int code, const od_dec_arg *args, int nargs);

/* Copies src into dst as od_dec_render copies text (NUL-terminated when
 * cap > 0, cut at a UTF-8 character boundary); returns the length copied. */
size_t od_dec_copy(char *dst, size_t cap, const char *src);

#endif
