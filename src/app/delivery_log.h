/* delivery_log.h — the global delivery log (R-NOT-7): every send attempt of
 * every message, newest first, filtered by state, channel, recipient and
 * time, paged by a keyset cursor (GET /api/v1/deliveries, docs/notify.md). */
#ifndef OD_APP_DELIVERY_LOG_H
#define OD_APP_DELIVERY_LOG_H

#include "app/app.h"
#include "store/store.h"

#include <jansson.h>

typedef struct od_delivery_filter {
    const char *status;   /* sent | retry | failed | interrupted; NULL/"" = any */
    const char *channel;  /* a channel name (sms-gw) or kind (sms, email, group_bot); NULL/"" = any */
    int64_t recipient_id; /* 0 = anyone (a bot's attempts have none) */
    int64_t from, to;     /* attempt time, ms: from <= at < to; 0 = open */
    int64_t before_id;    /* keyset cursor: attempts with a smaller id; 0 = from the newest */
} od_delivery_filter;

/* The list envelope {items, total, total_estimated, limit, offset,
 * next_before_id}.  A principal with department scopes sees only the
 * attempts of incidents in scope.  OD_E_INVALID for an unknown status. */
OD_NODISCARD od_err od_delivery_log(od_app *a, const od_principal *who, const od_delivery_filter *f,
                                    int64_t limit, int64_t offset, json_t **out, od_error *e);

/* One attempt as JSON, from a row whose columns 0–14 are those of
 * DSP_OF_INCIDENT (deliveries.c); NULL when memory runs out. */
json_t *od_delivery_attempt_json(const od_policy *p, od_rows *r);

#endif
