/* message.h — notification messages from the policy's templates:
 * rendering with the {{name}} engine of util/template.h, and the delivery
 * settings of the policy's `notify:` section (desks R-NOT-3, attempt limit,
 * ack-link lifetime, default channels per level).  The vocabulary (message
 * kinds, placeholders, the ones each kind requires) is core/message.h.
 *
 * The policy is passed in.  A loaded policy is complete: the loader fills
 * in whatever the file leaves out from policy/default.yaml, so texts live
 * in the policy, never in C.  A policy not loaded from YAML (NULL, or a
 * bare od_policy_new_default()) has no templates and gets fixed fallbacks
 * for the numbers.  Pure; thread-safe. */
#ifndef OD_NOTIFY_MESSAGE_H
#define OD_NOTIFY_MESSAGE_H

#include "core/message.h"
#include "core/policy.h"
#include "util/err.h"

#include <stdbool.h>
#include <stddef.h>

/* Renders kind k in language lang with the policy's template (its Chinese
 * one when it has none in lang).  *subject and *body are new strings
 * the caller frees.  Values are inserted as they are, except that a value
 * containing OD_ACK_MARK has it defused.  Errors: OD_E_INVALID (template),
 * OD_E_TOO_LARGE, OD_E_NOMEM. */
OD_NODISCARD od_err od_msg_render(const od_policy *p, od_msg_kind k, od_lang lang, const od_msg_vars *vars,
                                  char **subject, char **body, od_error *e);

/* Replaces the first line holding OD_ACK_MARK: the marker becomes link, or
 * the whole line is dropped when link is NULL/"".  Returns a new string
 * (NULL on allocation failure). */
char *od_msg_put_link(const char *body, const char *link);

/* Delivery settings of the policy (fixed fallbacks when it has none). */
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
