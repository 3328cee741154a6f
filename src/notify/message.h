/* message.h — notification messages from the policy's templates (issue 4):
 * the message kinds, the placeholders a template may use and the ones each
 * kind must use (the fields the seed requires for that report, R-NOT-2, plus
 * the incident number, levels and the acknowledgement link), rendering with
 * the {{name}} engine of template.h, and the delivery settings of the
 * policy's `notify:` section (desks R-NOT-3, attempt limit, ack-link
 * lifetime, default channels per level).
 *
 * Every setting a policy file leaves out is taken from the embedded
 * policy/default.yaml (parsed once, thread-safe), so texts live in the
 * policy, never in C.  Pure apart from that one-time parse; thread-safe. */
#ifndef OD_NOTIFY_MESSAGE_H
#define OD_NOTIFY_MESSAGE_H

#include "core/policy.h"
#include "util/err.h"

#include <stdbool.h>
#include <stddef.h>

/* The link placeholder.  Incident messages are stored in the outbox with
 * this marker where the template put {{ack_link}}; the dispatcher replaces
 * it at send time with a fresh per-recipient link, or drops the whole line
 * when there is nothing to acknowledge (od_msg_put_link). */
#define OD_ACK_MARK "{{ack_link}}"

typedef enum od_msg_var {
    OD_V_NUMBER, OD_V_TITLE, OD_V_DRILL, OD_V_LEVEL, OD_V_LEVEL_NAME, OD_V_SEVERITY, OD_V_SEVERITY_NAME,
    OD_V_RESPONSE_LEVEL, OD_V_RESPONSE_NAME, OD_V_DETECTED_AT, OD_V_LOCATION, OD_V_SYMPTOMS, OD_V_IMPACT_SCOPE,
    OD_V_DESK, OD_V_REPORTER, OD_V_SYSTEM_IMPACT, OD_V_ESTIMATED_RECOVERY_AT, OD_V_PROGRESS, OD_V_CAUSE,
    OD_V_PROCESS, OD_V_CURRENT_STATE, OD_V_BUSINESS_IMPACT_MINUTES, OD_V_IMPROVEMENTS, OD_V_FROM_LEVEL,
    OD_V_REASON, OD_V_AUTHORITY, OD_V_ACK_WITHIN_MINUTES, OD_V_DUE_AT, OD_V_ACK_LINK,
    /* event alerts and incidents opened by an event */
    OD_V_EVENT_ID, OD_V_EVENT_CLASS, OD_V_SUMMARY, OD_V_SOURCE, OD_V_DEDUP_KEY, OD_V_CI,
    OD_V_FIRST_REPORT_MINUTES,
    OD_V__COUNT
} od_msg_var;

/* Values for one render; NULL entries render as "". */
typedef struct od_msg_vars {
    const char *v[OD_V__COUNT];
} od_msg_vars;

const char *od_msg_kind_key(od_msg_kind k);   /* "first" … "progress_reminder", "event_alert", "opened" */
int od_msg_kind_parse(const char *s);         /* -1 if unknown */
const char *od_lang_key(od_lang l);           /* "zh-CN", "en" */
int od_lang_parse(const char *s);             /* -1 if unknown */
const char *od_msg_var_name(od_msg_var v);    /* "number" … */
/* The placeholders kind k's body must contain (R-NOT-2 fields, number,
 * levels, ack link).  Returns the count; *out points at a static list. */
size_t od_msg_required(od_msg_kind k, const od_msg_var **out);

/* Checks one template text: renders it with sample values (unknown name,
 * unterminated "{{" → OD_E_INVALID) and, when required is true, checks
 * that it contains every placeholder od_msg_required() lists for k (the
 * message names the first missing one).  For policy_load.c. */
OD_NODISCARD od_err od_msg_check(od_msg_kind k, const char *tpl, bool required, od_error *e);

/* Renders kind k in language lang with the policy's template (or the
 * default's when the policy has none).  *subject and *body are new strings
 * the caller frees.  Values are inserted as they are, except that a value
 * containing OD_ACK_MARK has it defused.  Errors: OD_E_INVALID (template),
 * OD_E_TOO_LARGE, OD_E_NOMEM. */
OD_NODISCARD od_err od_msg_render(const od_policy *p, od_msg_kind k, od_lang lang, const od_msg_vars *vars,
                                  char **subject, char **body, od_error *e);

/* Replaces the first line holding OD_ACK_MARK: the marker becomes link, or
 * the whole line is dropped when link is NULL/"".  Returns a new string
 * (NULL on allocation failure). */
char *od_msg_put_link(const char *body, const char *link);

/* Delivery settings, each from the policy or else the default policy. */
int od_notify_max_attempts(const od_policy *p);
int64_t od_notify_ack_ttl_ms(const od_policy *p);
unsigned od_notify_level_channels(const od_policy *p, od_grade g); /* OD_CONTACT_* bits */
/* The desk with this key (NULL if unknown), and the desk system messages
 * are sent from (escalations, reminders). */
const od_desk *od_notify_desk(const od_policy *p, const char *key);
const char *od_notify_system_desk(const od_policy *p);
/* The first desk of the policy (the default when a sender names none). */
const od_desk *od_notify_desk_at(const od_policy *p, size_t i);
size_t od_notify_n_desks(const od_policy *p);
/* "客服部监控服务科 (monitoring desk)"-style display name, or key itself. */
const char *od_notify_desk_label(const od_policy *p, const char *key, char *buf, size_t n);
/* The drill tag for lang ("" when the policy has none). */
const char *od_notify_drill_tag(const od_policy *p, od_lang lang);

/* Times in messages: "2026-11-21 16:43 (UTC+08:00)" — people in the seed's
 * organisation read Beijing time.  buf holds OD_MSG_TIME_MAX bytes. */
#define OD_MSG_TIME_MAX 40
const char *od_msg_time(int64_t ms, char buf[OD_MSG_TIME_MAX]);

#endif
