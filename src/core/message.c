/* message.c — the vocabulary of notification messages (core/message.h):
 * keys, placeholder names, the placeholders each kind requires (R-NOT-2)
 * and the template check the policy loader runs. */
#include "core/message.h"
#include "core/keys.h"

#include "util/template.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const kind_keys[OD_MSG__COUNT] = {"first",
                                                     "second",
                                                     "progress",
                                                     "final",
                                                     "escalation",
                                                     "reminder",
                                                     "progress_reminder",
                                                     "event_alert",
                                                     "opened",
                                                     "registered",
                                                     "first_overdue",
                                                     "review",
                                                     "handling_changed",
                                                     "contact",
                                                     "ack_overdue"};
static const char *const lang_keys[OD_LANG__COUNT] = {"zh-CN", "en"};
static const char *const var_names[OD_V__COUNT] = {"number",
                                                   "title",
                                                   "drill",
                                                   "level",
                                                   "level_name",
                                                   "severity",
                                                   "severity_name",
                                                   "response_level",
                                                   "response_name",
                                                   "detected_at",
                                                   "location",
                                                   "symptoms",
                                                   "impact_scope",
                                                   "desk",
                                                   "reporter",
                                                   "system_impact",
                                                   "estimated_recovery_at",
                                                   "progress",
                                                   "cause",
                                                   "process",
                                                   "current_state",
                                                   "business_impact_minutes",
                                                   "improvements",
                                                   "from_level",
                                                   "reason",
                                                   "authority",
                                                   "ack_within_minutes",
                                                   "due_at",
                                                   "ack_link",
                                                   "event_id",
                                                   "event_class",
                                                   "summary",
                                                   "source",
                                                   "dedup_key",
                                                   "ci",
                                                   "first_report_minutes",
                                                   "from_level_name",
                                                   "bridge",
                                                   "place",
                                                   "desk_phone",
                                                   "department",
                                                   "from_department",
                                                   "contact",
                                                   "person"};
_Static_assert(sizeof var_names / sizeof *var_names == OD_V__COUNT, "one name per variable");

/* R-NOT-2 (seed 000 ch. 7 §2.1 item 5): the report fields; every alarm also
 * names the incident, its levels and carries the acknowledgement link. */
static const od_msg_var req_first[] = {OD_V_NUMBER,   OD_V_LEVEL,    OD_V_RESPONSE_LEVEL, OD_V_DETECTED_AT,
                                       OD_V_LOCATION, OD_V_SYMPTOMS, OD_V_IMPACT_SCOPE,   OD_V_ACK_LINK};
static const od_msg_var req_second[] = {
    OD_V_NUMBER,  OD_V_LEVEL, OD_V_RESPONSE_LEVEL, OD_V_SYSTEM_IMPACT, OD_V_ESTIMATED_RECOVERY_AT,
    OD_V_ACK_LINK};
static const od_msg_var req_progress[] = {OD_V_NUMBER, OD_V_LEVEL, OD_V_RESPONSE_LEVEL, OD_V_PROGRESS,
                                          OD_V_ACK_LINK};
static const od_msg_var req_final[] = {
    OD_V_NUMBER,  OD_V_LEVEL,         OD_V_RESPONSE_LEVEL,          OD_V_CAUSE,
    OD_V_PROCESS, OD_V_CURRENT_STATE, OD_V_BUSINESS_IMPACT_MINUTES, OD_V_IMPROVEMENTS};
static const od_msg_var req_escalation[] = {OD_V_NUMBER,         OD_V_LEVEL,  OD_V_FROM_LEVEL,
                                            OD_V_RESPONSE_LEVEL, OD_V_REASON, OD_V_ACK_LINK};
static const od_msg_var req_reminder[] = {OD_V_NUMBER, OD_V_LEVEL, OD_V_RESPONSE_LEVEL,
                                          OD_V_ACK_WITHIN_MINUTES, OD_V_ACK_LINK};
static const od_msg_var req_preminder[] = {OD_V_NUMBER, OD_V_RESPONSE_LEVEL, OD_V_DUE_AT};
/* an event alert names the event, what it is and where it comes from */
static const od_msg_var req_event_alert[] = {OD_V_EVENT_ID, OD_V_EVENT_CLASS, OD_V_SEVERITY,
                                             OD_V_SUMMARY,  OD_V_SOURCE,      OD_V_DEDUP_KEY};
/* an incident opened by an event: which, and when its first report is due */
static const od_msg_var req_opened[] = {OD_V_NUMBER, OD_V_LEVEL, OD_V_RESPONSE_LEVEL, OD_V_DETECTED_AT,
                                        OD_V_DUE_AT};
/* seed 000 ch. 7 §1 item 2: a registered incident, and a missed first
 * report: which, and when the first report is (was) due */
static const od_msg_var req_registered[] = {OD_V_NUMBER, OD_V_LEVEL, OD_V_RESPONSE_LEVEL, OD_V_DETECTED_AT,
                                            OD_V_DUE_AT};
static const od_msg_var req_first_overdue[] = {OD_V_NUMBER, OD_V_LEVEL, OD_V_DETECTED_AT, OD_V_DUE_AT};
/* seed 000 ch. 8 §2: the handling report — cause, measures, result, improvements */
static const od_msg_var req_review[] = {OD_V_NUMBER,  OD_V_LEVEL,         OD_V_RESPONSE_LEVEL, OD_V_CAUSE,
                                        OD_V_PROCESS, OD_V_CURRENT_STATE, OD_V_IMPROVEMENTS};
/* seed 000 ch. 8 §1: who handles it now, who did, and why */
static const od_msg_var req_handling[] = {OD_V_NUMBER, OD_V_LEVEL, OD_V_DEPARTMENT, OD_V_FROM_DEPARTMENT,
                                          OD_V_REASON};
/* seed 000 ch. 9 §4: a vendor or customer is told which incident touches
 * which of its CIs, and when it started */
static const od_msg_var req_contact[] = {OD_V_NUMBER, OD_V_LEVEL, OD_V_DETECTED_AT, OD_V_CI};
/* seed 000 ch. 7 §2.1 item 6: who has not acknowledged (joined the bridge) since when */
static const od_msg_var req_ack_overdue[] = {OD_V_NUMBER, OD_V_LEVEL, OD_V_PERSON, OD_V_DUE_AT};
static const struct {
    const od_msg_var *v;
    size_t n;
} required[OD_MSG__COUNT] = {
#define R_(a)                                                                                                \
    {                                                                                                        \
        a, sizeof a / sizeof *a                                                                              \
    }
    R_(req_first),         R_(req_second),    R_(req_progress),    R_(req_final),   R_(req_escalation),
    R_(req_reminder),      R_(req_preminder), R_(req_event_alert), R_(req_opened),  R_(req_registered),
    R_(req_first_overdue), R_(req_review),    R_(req_handling),    R_(req_contact), R_(req_ack_overdue),
#undef R_
};

const char *od_msg_kind_key(od_msg_kind k)
{
    return od_key_name(kind_keys, OD_MSG__COUNT, (int)k);
}
const char *od_lang_key(od_lang l)
{
    return od_key_name(lang_keys, OD_LANG__COUNT, (int)l);
}
const char *od_msg_var_name(od_msg_var v)
{
    return od_key_name(var_names, OD_V__COUNT, (int)v);
}

int od_msg_var_parse(const char *s)
{
    return od_key_parse(var_names, OD_V__COUNT, s);
}

int od_lang_parse(const char *s)
{
    return od_key_parse(lang_keys, OD_LANG__COUNT, s);
}

size_t od_msg_required(od_msg_kind k, const od_msg_var **out)
{
    if ((unsigned)k >= OD_MSG__COUNT) {
        *out = NULL;
        return 0;
    }
    *out = required[k].v;
    return required[k].n;
}

/* Every known name gives the same sample value: the check is about names
 * and syntax, not about values. */
static const char *sample_lookup(void *ctx, const char *name)
{
    (void)ctx;
    return od_msg_var_parse(name) >= 0 ? "x" : NULL;
}

od_err od_msg_check(od_msg_kind k, const char *tpl, bool req, od_error *e)
{
    char *out = NULL;
    od_err rc = od_template_render(tpl, sample_lookup, NULL, false, &out, e);
    free(out);
    if (rc || !req)
        return rc;
    const od_msg_var *v;
    size_t n = od_msg_required(k, &v);
    for (size_t i = 0; i < n; i++) {
        /* the placeholder, with or without inner spaces */
        char a[80], b[80];
        snprintf(a, sizeof a, "{{%s}}", var_names[v[i]]);
        snprintf(b, sizeof b, "{{ %s }}", var_names[v[i]]);
        if (!strstr(tpl, a) && !strstr(tpl, b))
            return od_error_set(e, OD_E_INVALID, var_names[v[i]],
                                "must contain {{%s}} (a %s message needs it: R-NOT-2)", var_names[v[i]],
                                kind_keys[k]);
    }
    return OD_OK;
}
