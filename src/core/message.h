/* message.h — the vocabulary of notification messages (R-NOT-2): the
 * message kinds and languages by their policy keys, the placeholders a
 * template may use, and the ones each kind's body must use (the fields the
 * seed requires for that report, plus the incident number, levels and the
 * acknowledgement link).  Shared by the policy loader, which checks a
 * policy's templates, and src/notify/message.c, which renders them.  Pure
 * and thread-safe (static tables only). */
#ifndef OD_CORE_MESSAGE_H
#define OD_CORE_MESSAGE_H

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
    OD_V_NUMBER,
    OD_V_TITLE,
    OD_V_DRILL,
    OD_V_LEVEL,
    OD_V_LEVEL_NAME,
    OD_V_SEVERITY,
    OD_V_SEVERITY_NAME,
    OD_V_RESPONSE_LEVEL,
    OD_V_RESPONSE_NAME,
    OD_V_DETECTED_AT,
    OD_V_LOCATION,
    OD_V_SYMPTOMS,
    OD_V_IMPACT_SCOPE,
    OD_V_DESK,
    OD_V_REPORTER,
    OD_V_SYSTEM_IMPACT,
    OD_V_ESTIMATED_RECOVERY_AT,
    OD_V_PROGRESS,
    OD_V_CAUSE,
    OD_V_PROCESS,
    OD_V_CURRENT_STATE,
    OD_V_BUSINESS_IMPACT_MINUTES,
    OD_V_IMPROVEMENTS,
    OD_V_FROM_LEVEL,
    OD_V_REASON,
    OD_V_AUTHORITY,
    OD_V_ACK_WITHIN_MINUTES,
    OD_V_DUE_AT,
    OD_V_ACK_LINK,
    /* event alerts and incidents opened by an event */
    OD_V_EVENT_ID,
    OD_V_EVENT_CLASS,
    OD_V_SUMMARY,
    OD_V_SOURCE,
    OD_V_DEDUP_KEY,
    OD_V_CI,
    OD_V_FIRST_REPORT_MINUTES,
    OD_V_FROM_LEVEL_NAME, /* the previous response level, by name */
    OD_V_BRIDGE,          /* the emergency conference bridge (notify.bridge) */
    OD_V_PLACE,           /* the designated place to go to (notify.place) */
    OD_V_DESK_PHONE,      /* the sending desk's dedicated mobile (notify.desks[].phone) */
    OD_V_DEPARTMENT,      /* the handling department (after a change) */
    OD_V_FROM_DEPARTMENT, /* the handling department before the change */
    OD_V_CONTACT,         /* a vendor or customer contact's name and organisation */
    OD_V_PERSON,          /* a person of the incident (who has not acknowledged) */
    OD_V__COUNT
} od_msg_var;

/* Values for one render; NULL entries render as "". */
typedef struct od_msg_vars {
    const char *v[OD_V__COUNT];
} od_msg_vars;

const char *od_msg_kind_key(od_msg_kind k); /* "first" … "progress_reminder" */
const char *od_lang_key(od_lang l);         /* "zh-CN", "en" */
int od_lang_parse(const char *s);           /* -1 if unknown */
const char *od_msg_var_name(od_msg_var v);  /* "number" … */
int od_msg_var_parse(const char *s);        /* -1 if unknown */
/* The placeholders kind k's body must contain (R-NOT-2 fields, number,
 * levels, ack link).  Returns the count; *out points at a static list. */
size_t od_msg_required(od_msg_kind k, const od_msg_var **out);

/* Checks one template text: renders it with sample values (unknown name,
 * unterminated "{{" → OD_E_INVALID) and, when required is true, checks
 * that it contains every placeholder od_msg_required() lists for k (the
 * message names the first missing one).  For the policy loader. */
OD_NODISCARD od_err od_msg_check(od_msg_kind k, const char *tpl, bool required, od_error *e);

#endif
