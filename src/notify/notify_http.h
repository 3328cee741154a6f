/* notify_http.h — the HTTP handlers of the notification module (issue 4),
 * listed in src/http/routes.c:
 *   GET  /ack/{token}, POST /ack/{token}, GET /ack.js    acknowledgement links (acklink.c)
 *   GET|PUT /api/v1/users/{id}/notify, GET|PUT /api/v1/auth/me/notify
 *                                                        the directory (notify_api.c)
 *   POST /api/v1/notify/test, GET /api/v1/notify/test/{id}
 *                                                        opsdesk notify test (notify_api.c)
 * Handlers translate and call the use cases below; called by the HTTP
 * thread pool. */
#ifndef OD_NOTIFY_HTTP_H
#define OD_NOTIFY_HTTP_H

#include "http/http.h"

od_err od_h_ack_page(od_req *r);
od_err od_h_ack_post(od_req *r);
od_err od_h_ack_js(od_req *r);
od_err od_h_user_notify_get(od_req *r);
od_err od_h_user_notify_put(od_req *r);
od_err od_h_me_notify_get(od_req *r);
od_err od_h_me_notify_put(od_req *r);
od_err od_h_notify_test(od_req *r);
od_err od_h_notify_test_get(od_req *r);

/* ---- use cases (notify_api.c) ---- */

/* The directory entry of a user: contacts, personal bot (URL and secret
 * never shown: only whether set, and the URL's host), channels per level
 * (the user's own and the effective ones), language.  OD_E_NOT_FOUND. */
OD_NODISCARD od_err od_user_notify_get(od_app *a, int64_t id, json_t **out, od_error *e);
/* body (shape-checked): {"bot_kind","bot_url","bot_secret","channels","lang"},
 * every key optional; bot_kind "" removes the personal bot.  Audited as
 * "user.notify".  OD_E_UNPROCESSABLE / OD_E_NOT_FOUND. */
OD_NODISCARD od_err od_user_notify_put(od_app *a, const od_principal *who, int64_t id, json_t *body, json_t **out,
                                       od_error *e);

#endif
