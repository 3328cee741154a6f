/* events_api.h — private to the event read side (event_read.c), the
 * maintenance windows (maintenance_windows.c) and the ingestion API keys
 * (api_keys.c): the row helpers they share and the one visibility rule for
 * records tied to a CI (R-SEC-SYS-2).  Not for other modules: their API is
 * app/events.h. */
#ifndef OD_APP_EVENTS_API_H
#define OD_APP_EVENTS_API_H

#include "app/events.h"

/* A time column as an RFC 3339 string, or null. */
json_t *od_ev_time_json(od_rows *r, int col);

/* The one row of a query by id (rc: the query's result) as JSON, r closed:
 * OD_OK, OD_E_NOT_FOUND with no message (the caller names what is missing),
 * or the store's error.  The caller runs the query itself, so that
 * scripts/check-sql-binds.py sees its binds. */
OD_NODISCARD od_err od_ev_one_row(od_rows *r, od_err rc, json_t *(*row)(od_rows *), json_t **out,
                                  od_error *e);

/* True when `who` may see a record (an event, a maintenance window) tied to
 * a CI of `department`, or to no CI (has_ci false).  Department scope
 * (R-SEC-SYS-2) as for CIs and incidents; a record with no CI belongs to no
 * department, so only an unscoped principal sees it.  who NULL or id 0 = the
 * system. */
bool od_ev_visible(const od_principal *who, bool has_ci, const char *department);

/* The app's caches of the event side (app.h `event_caches`): compiled
 * window matchers (maintenance_windows.c) and resolved API keys
 * (api_keys.c).  Created on first use; NULL on OOM. */
typedef struct od_window_cache od_window_cache;
typedef struct od_key_cache od_key_cache;
struct od_event_caches {
    od_window_cache *windows;
    od_key_cache *keys;
};
typedef struct od_event_caches od_event_caches;
od_event_caches *od_ev_caches(od_app *a);
od_window_cache *od_window_cache_new(void); /* NULL on OOM */
void od_window_cache_free(od_window_cache *c);
od_key_cache *od_key_cache_new(void); /* NULL on OOM */
void od_key_cache_free(od_key_cache *c);

/* True when `who` is scoped: its lists are filtered row by row (od_page). */
static inline bool od_ev_scoped(const od_principal *who)
{
    return who && who->id != 0 && who->n_scopes > 0;
}

#endif
