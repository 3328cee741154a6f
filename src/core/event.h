/* event.h — the event-management rules of seed 004 §6.2 (R-EVT-1…4), pure:
 * label matchers (Alertmanager semantics, fully anchored RE2 regexes
 * compiled once: core/regex.h), filter, de-duplication and flapping, classification
 * (info / warning / exception), correlation (group window, dependency
 * suppression, maintenance windows), the response and incident decisions,
 * and the Alertmanager fingerprint.  Everything takes the event policy, the
 * event's labels and `now` as arguments; nothing reads a clock or does I/O.
 * The only allocation is the policy and matcher values (owned by the
 * policy, freed with od_event_policy_free / od_matcher_cleanup).
 * Thread-safe: a loaded policy is immutable (matching a shared RE2 is
 * thread-safe). */
#ifndef OD_EVENT_H
#define OD_EVENT_H

#include "core/policy.h"
#include "core/regex.h"
#include "util/err.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define OD_EVT_NAME_MAX 128    /* bytes of a label name (with NUL) */
#define OD_EVT_VALUE_MAX 1024  /* bytes of a matcher value / regex source */
#define OD_EVT_MATCHERS_MAX 16 /* matchers in one rule or window */
#define OD_EVT_RULES_MAX 128   /* rules in one list */
#define OD_EVT_LABELS_MAX 128  /* labels of one event */
#define OD_EVT_RULE_NAME_MAX 64
#define OD_EVT_CI_LABELS_MAX 8
#define OD_EVT_GROUP_BY_MAX 8
#define OD_EVT_FLAP_MAX 64 /* remembered state changes */

/* ---- labels and matchers ---------------------------------------------- */

typedef struct od_label {
    const char *name, *value;
} od_label;

typedef struct od_labels {
    const od_label *v;
    size_t n;
} od_labels;

/* Value of label `name`, NULL when absent (first one wins on duplicates). */
const char *od_labels_get(const od_labels *ls, const char *name);

typedef enum od_match_op { OD_MOP_EQ = 0, OD_MOP_NE, OD_MOP_RE, OD_MOP_NRE, OD_MOP__COUNT } od_match_op;
const char *od_match_op_str(od_match_op op); /* "=", "!=", "=~", "!~" */

/* One matcher.  A missing label matches as the empty string (Alertmanager):
 * `x=""` and `x!="a"` match an event without x.  Regexes are RE2 (the syntax
 * of Alertmanager's Go regexp), anchored like Alertmanager's ^(?:value)$;
 * matching is linear in the label value. */
typedef struct od_matcher {
    char name[OD_EVT_NAME_MAX];
    od_match_op op;
    const char *value;            /* inside `text` */
    struct od_matcher_text *text; /* a reference: copies share the value */
    od_regex *re;                 /* a reference, for =~ and !~ */
} od_matcher;

/* Builds a matcher: the name must be [A-Za-z_][A-Za-z0-9_]*, the value at
 * most OD_EVT_VALUE_MAX-1 bytes; a regex must compile within RE2's bounds
 * (counted repetition at most 1000, nested ones multiplied; a compiled
 * program of at most OD_REGEX_MAX_MEM) and must not use back-references
 * (\1..\9).  OD_E_INVALID with a message on error (m is then clean).  On
 * OD_OK, free with od_matcher_cleanup(). */
OD_NODISCARD od_err od_matcher_init(od_matcher *m, const char *name, od_match_op op, const char *value,
                                    od_error *e);
/* Parses the text form `name OP value` (OP = = != =~ !~; spaces around OP
 * allowed; value bare or in double quotes with \" and \\ escapes), as in
 * Alertmanager's `matchers:` lists. */
OD_NODISCARD od_err od_matcher_parse(od_matcher *m, const char *text, od_error *e);
void od_matcher_cleanup(od_matcher *m); /* NULL-safe, idempotent */
/* dst = a copy of src sharing its value and compiled regex: no compiling,
 * no allocation (cheap enough for every ingestion batch).  Free with
 * od_matcher_cleanup(). */
OD_NODISCARD od_err od_matcher_copy(od_matcher *dst, const od_matcher *src, od_error *e);
bool od_matcher_matches(const od_matcher *m, const od_labels *ls);
/* All of ms[0..n) match (AND); n == 0 matches everything. */
bool od_matchers_match(const od_matcher *ms, size_t n, const od_labels *ls);

/* ---- the Alertmanager fingerprint --------------------------------------- */

/* FNV-1a 64, a step at a time: h fed the bytes of s (up to its NUL), or one
 * byte.  Start from OD_FNV_OFFSET.  The fingerprint below and the
 * ingestion's in-memory hashes use it. */
#define OD_FNV_OFFSET 14695981039346656037ULL
uint64_t od_fnv1a_str(uint64_t h, const char *s);
uint64_t od_fnv1a_byte(uint64_t h, unsigned char b);

/* FNV-1a 64 over the labels sorted by name (bytewise), each pair fed as
 * name 0xFF value 0xFF — prometheus/common model.LabelSet.Fingerprint.  An
 * empty set gives the FNV offset basis.  n <= OD_EVT_LABELS_MAX (more are
 * ignored).  Pure. */
uint64_t od_event_fingerprint(const od_label *ls, size_t n);
/* "%016x" into out (17 bytes). */
char *od_event_fingerprint_hex(uint64_t fp, char out[17]);

/* ---- the event policy (policy file section `events:`) ------------------- */

typedef enum od_event_class {
    OD_EVC_INFO = 0,
    OD_EVC_WARNING,
    OD_EVC_EXCEPTION,
    OD_EVC__COUNT
} od_event_class;
const char *od_event_class_key(od_event_class c); /* "info" ... */
const char *od_event_class_name_zh(od_event_class c);
int od_event_class_parse(const char *s);
/* The alert severity label of an event the server raises for an incident
 * severity (a failed checklist item's on_fail: event): severe "critical",
 * moderate "high", minor "warning" — the labels the shipped incident rules
 * (policy events.incidents: critical-severe, high-moderate, the default
 * minor) read back as that severity.  sev outside od_severity (an item
 * that declares none): "warning", the lowest. */
const char *od_event_severity_label(int sev);

typedef enum od_event_action {
    OD_EVA_NONE = 0,   /* record only */
    OD_EVA_ALERT_ROLE, /* alert the people holding a role (人为干预) */
    OD_EVA_WEBHOOK,    /* call a configured channel with the event (自动响应), event handled */
    OD_EVA__COUNT
} od_event_action;
const char *od_event_action_key(od_event_action a); /* "none", "alert", "webhook" */

/* One rule of any list.  Which fields mean something depends on the list:
 * classification uses ci_grades + cls; responses use classes + action +
 * channel/role; incident rules use severity.  Matchers always apply. */
typedef struct od_event_rule {
    char name[OD_EVT_RULE_NAME_MAX];
    od_matcher *matchers; /* owned array */
    size_t n_matchers;
    unsigned ci_grades; /* bit (1u << od_grade); 0 = any CI or none */
    od_event_class cls;
    unsigned classes; /* bit (1u << od_event_class); responses only */
    od_event_action action;
    char channel[64];     /* OD_EVA_WEBHOOK: the channel name (--channels) */
    od_role role;         /* OD_EVA_ALERT_ROLE */
    od_severity severity; /* incident rules */
    bool problem;         /* incident rules: also open or attach a problem (R-EVT-2) */
} od_event_rule;

typedef struct od_event_rules {
    od_event_rule *v; /* owned */
    size_t n;
} od_event_rules;

typedef struct od_event_policy {
    od_event_rules filters;         /* a match → filtered (logged, stop) */
    od_event_rules classification;  /* first match decides the class */
    od_event_class default_class;   /* no rule matched */
    od_event_rules responses;       /* first match decides the response */
    od_event_rule default_response; /* no response rule matched */
    od_event_rules incidents;       /* first match: severity of the incident */
    int64_t correlation_window_ms;  /* 0 = no grouping */
    char group_by[OD_EVT_GROUP_BY_MAX][OD_EVT_NAME_MAX];
    size_t n_group_by;
    bool dependency_suppression;
    unsigned dependency_kinds; /* bit (1u << od_ci_rel): the relations suppression follows */
    int dependency_max_depth;  /* how many relations away, 1..16 */
    int flap_changes;          /* flapping = more than this many changes … */
    int64_t flap_window_ms;    /* … within this window; 0 = off */
    char ci_labels[OD_EVT_CI_LABELS_MAX][OD_EVT_NAME_MAX];
    size_t n_ci_labels;
    int review_sample; /* events sampled per week for the review */
} od_event_policy;

/* The built-in defaults (no filter, classification or incident rule; default
 * class warning; alert monitoring_engineer; 10 min grouping by alertname;
 * dependency suppression on; flapping > 4 changes in 30 min; CI labels ci,
 * host, hostname, instance; review sample 20).  NULL on OOM. */
od_event_policy *od_event_policy_new_default(void);
void od_event_policy_free(od_event_policy *p); /* NULL-safe */
void od_event_rule_cleanup(od_event_rule *r);

/* ---- the pipeline steps ------------------------------------------------- */

/* Step 2: index of the first filter rule that matches, -1 if none. */
int od_event_filter(const od_event_policy *p, const od_labels *ls);

/* Step 3: what a received event does to the stored one. */
typedef enum od_dedup_action {
    OD_DD_NEW = 0,      /* no stored event, firing: record and run the pipeline */
    OD_DD_NEW_RESOLVED, /* no stored event, resolved: record as closed */
    OD_DD_REPEAT,       /* same status again: count + 1, last_seen */
    OD_DD_RESOLVE,      /* firing → resolved: close (state change) */
    OD_DD_REOPEN,       /* resolved → firing: run the pipeline again (state change) */
    OD_DD__COUNT
} od_dedup_action;
const char *od_dedup_action_key(od_dedup_action a);
od_dedup_action od_event_dedup(bool have_stored, bool stored_firing, bool firing);

/* The state of a stored event, what the pipeline made of it (the events
 * table's `state`, the answer's "state"). */
typedef enum od_event_state {
    OD_EVS_OPEN = 0,   /* a person was alerted, or it joined a group that was */
    OD_EVS_HANDLED,    /* a webhook answered it, or an incident took it */
    OD_EVS_SILENCED,   /* a maintenance window */
    OD_EVS_SUPPRESSED, /* an upstream CI in trouble */
    OD_EVS_FILTERED,   /* a filter rule: logged, nothing else */
    OD_EVS_CLOSED,     /* info, or resolved */
    OD_EVS__COUNT
} od_event_state;
const char *od_event_state_key(od_event_state s); /* "open" ... "closed", "?" out of range */
int od_event_state_parse(const char *s);          /* -1 when unknown or NULL */

/* What a received event does to the state of the stored event of its key
 * (or, for OD_DD_NEW / OD_DD_NEW_RESOLVED, of the new one: cur is then
 * ignored).  window_over: the maintenance window that silenced it no longer
 * does.  Pure; a transition table over every (state, action). */
typedef enum od_event_move {
    OD_EVM_KEEP = 0, /* the state stays (a repeat) */
    OD_EVM_CLOSE,    /* closed: od_event_state_closed() */
    OD_EVM_RUN,      /* the pipeline decides again (new, re-fired, window over) */
    OD_EVM__COUNT
} od_event_move;
od_event_move od_event_state_move(od_event_state cur, od_dedup_action a, bool window_over);
/* The state of a closed event: a filtered one stays filtered, all others
 * are closed. */
od_event_state od_event_state_closed(od_event_state cur);

/* Flapping: the times of recent state changes (ascending). */
typedef struct od_flap {
    int64_t t[OD_EVT_FLAP_MAX];
    int n;
} od_flap;
/* Records a state change at `now`: forgets changes older than the window
 * (t < now - window), appends now (dropping the oldest when full), and
 * returns true when more than max_changes remain (t >= now - window).
 * window_ms 0 → never flapping (nothing kept). */
bool od_event_flap_record(od_flap *f, int64_t now, int64_t window_ms, int max_changes);

/* Step 4: classification.  ci_grade: the CI's od_grade, -1 without a CI.
 * A rule with ci_grades matches only an event whose CI has one of them. */
typedef struct od_classify_result {
    od_event_class cls;
    int rule; /* -1 = the default class */
} od_classify_result;
od_classify_result od_event_classify(const od_event_policy *p, const od_labels *ls, int ci_grade);

/* Step 5a: maintenance windows.  A window silences an event when it is
 * active (starts_at <= now <= ends_at, Alertmanager's inclusive bounds), its
 * CI (if set) is the event's CI, and all its matchers match.  A window with
 * neither CI nor matchers matches nothing (refused at creation anyway). */
typedef struct od_window {
    int64_t id, starts_at, ends_at, ci_id; /* ci_id 0 = any CI */
    const od_matcher *matchers;
    size_t n_matchers;
} od_window;
bool od_window_active(const od_window *w, int64_t now);
bool od_window_matches(const od_window *w, const od_labels *ls, int64_t ci_id, int64_t now);
/* Index of the first window that silences the event, -1 if none. */
int od_windows_match(const od_window *ws, size_t n, const od_labels *ls, int64_t ci_id, int64_t now);

/* Step 5b: dependency suppression.  upstream[0..n): the CIs the event's CI
 * depends on (transitively, nearest first); troubled[0..m): CIs with an
 * open warning/exception event.  Returns the first upstream CI in trouble,
 * 0 if none (or suppression is off). */
int64_t od_event_suppressed_by(const od_event_policy *p, const int64_t *upstream, size_t n,
                               const int64_t *troubled, size_t m);

/* Step 5c: grouping.  The group key: "ci:<id>" when the CI is known, else
 * "labels:" + name=value;… of the group_by labels the event has, else
 * "key:" + the dedup key.  Returns false when out (size n) is too small
 * (the key is then cut, still usable). */
bool od_event_group_key(const od_event_policy *p, const od_labels *ls, int64_t ci_id, const char *dedup_key,
                        char *out, size_t n);
/* True when an event of the group was alerted at group_last_at (0 = never)
 * and now < group_last_at + window: the event joins that alert instead of
 * alerting again.  window 0 → never grouped. */
bool od_event_grouped(const od_event_policy *p, int64_t group_last_at, int64_t now);

/* Step 6: the response to a warning (or an exception without an incident).
 * First matching rule whose classes include cls; else the default. */
typedef struct od_response {
    od_event_action action;
    int rule;            /* -1 = default */
    const char *channel; /* borrowed from the policy */
    od_role role;
} od_response;
od_response od_event_respond(const od_event_policy *p, const od_labels *ls, od_event_class cls);

/* Step 7: exceptions.  The incident rule (first match), -1 if none. */
int od_event_incident_rule(const od_event_policy *p, const od_labels *ls);
typedef enum od_incident_decision {
    OD_EVI_OPEN = 0, /* open a new incident with the rule's severity */
    OD_EVI_ATTACH,   /* attach to the open incident of the same CI and rule */
    OD_EVI_NO_CI,    /* no CI matched: alert a person instead */
    OD_EVI_NO_RULE,  /* no incident rule matched: alert a person instead */
    OD_EVI__COUNT
} od_incident_decision;
const char *od_incident_decision_key(od_incident_decision d);
/* rule: from od_event_incident_rule; open_incident: the open incident of
 * the same CI and rule, 0 if none. */
od_incident_decision od_event_incident_decide(int rule, bool have_ci, int64_t open_incident);

/* CI candidates by name, in order: the explicit CI name, then for every
 * configured CI label its value and, if it ends in ":<digits>", the value
 * without that port.  Writes up to max pointers (into ci_name / the label
 * values, or into buf for the port-less copies; buf_len bytes) and returns
 * how many. */
size_t od_event_ci_candidates(const od_event_policy *p, const char *ci_name, const od_labels *ls,
                              const char **out, size_t max, char *buf, size_t buf_len);

#endif
