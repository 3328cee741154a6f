/* notification.h — the notification use cases (R-NOT-1/4/7): acknowledging
 * through a link (acklink.c), the directory of how each person is reached
 * and `opsdesk notify test` (notify_directory.c), and the delivery log of an
 * incident (deliveries.c).  Each runs in one store transaction; delivery
 * itself is the dispatcher's (src/notify/).  Called by the HTTP handlers
 * (src/http/h_ack.c, h_notify.c, h_deliveries.c); thread-safe. */
#ifndef OD_APP_NOTIFICATION_H
#define OD_APP_NOTIFICATION_H

#include "app/app.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

/* ---- acknowledgement links (acklink.c) ---- */

typedef enum od_ack_state {
    OD_ACK_READY,   /* valid: may acknowledge */
    OD_ACK_DONE,    /* acknowledged now (use) */
    OD_ACK_ALREADY, /* the link was used, or the recipient acknowledged otherwise */
    OD_ACK_EXPIRED,
    OD_ACK_UNKNOWN,
    OD_ACK_CLOSED,  /* the incident no longer takes acknowledgements */
    OD_ACK_LIMITED, /* too many failed lookups from this address */
} od_ack_state;

typedef struct od_ack_info {
    od_ack_state st;
    char number[64];
    char title[256];
    char username[64];
    int64_t at; /* when acknowledged (DONE, ALREADY) */
    int64_t expires_at;
    int retry_after; /* seconds (LIMITED) */
} od_ack_info;

/* Looks the link with this token up and, when use is true, acknowledges the
 * incident as the link's recipient, in one transaction.  token NULL (not a
 * token's shape) counts as unknown.  Unknown and expired tokens count as
 * failures of addr in the app's limiter (20 per 10 minutes, then LIMITED
 * for 10 minutes); nothing is written for them.  The outcome is in *info;
 * errors are store failures only. */
OD_NODISCARD od_err od_ack_link_use(od_app *a, const char *token, const char *addr, bool use,
                                    od_ack_info *info, od_error *e);

/* ---- the directory and notify test (notify_directory.c) ---- */

/* The directory entry of a user: contacts, personal bot (URL and secret
 * never shown: only whether set, and the URL's host), channels per level
 * (the user's own and the effective ones), language.  OD_E_NOT_FOUND. */
OD_NODISCARD od_err od_user_notify_get(od_app *a, int64_t id, json_t **out, od_error *e);
/* body (shape-checked): {"bot_kind","bot_url","bot_secret","channels","lang"},
 * every key optional; bot_kind "" removes the personal bot.  Audited as
 * "user.notify".  OD_E_UNPROCESSABLE / OD_E_NOT_FOUND. */
OD_NODISCARD od_err od_user_notify_put(od_app *a, const od_principal *who, int64_t id, json_t *body,
                                       json_t **out, od_error *e);
/* Puts a test message (no incident) for the configured channel `channel`
 * into the outbox (to: the address for sms/email, may be NULL for bots),
 * audited as "notify.test", and wakes the dispatcher.  *out: {"id",
 * "channel","kind","to","status"}.  OD_E_NOT_FOUND (no such channel),
 * OD_E_UNPROCESSABLE (address missing or bad). */
OD_NODISCARD od_err od_notify_test_send(od_app *a, const od_principal *who, const char *channel,
                                        const char *to, json_t **out, od_error *e);
/* The test message and its attempts.  OD_E_NOT_FOUND. */
OD_NODISCARD od_err od_notify_test_get(od_app *a, int64_t id, json_t **out, od_error *e);

/* ---- the delivery log (deliveries.c) ---- */

/* Every recorded attempt for the incident's messages, oldest first, as a
 * new JSON object {"items": [...], "limit", "offset"}, if the principal may
 * see the incident (the rule of GET /api/v1/incidents/{id}: OD_E_NOT_FOUND
 * otherwise).  OD_E_STORE. */
OD_NODISCARD od_err od_deliveries_list(od_app *a, const od_principal *who, int64_t incident_id, int64_t limit,
                                       int64_t offset, json_t **out, od_error *e);
/* Sends the failed message message_id of an incident again, from its first
 * attempt (R-NOT-7: the desk retries once the channel is back), and records
 * it in the incident's timeline and the audit trail; *out is the incident
 * as GET shows it.  OD_E_NOT_FOUND when there is no such message of an
 * incident the principal may see; OD_E_CONFLICT when it has not failed. */
OD_NODISCARD od_err od_delivery_retry(od_app *a, const od_principal *who, int64_t message_id, json_t **out,
                                      od_error *e);

#endif
