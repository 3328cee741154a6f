/* h_user_reset.c — POST /api/v1/users/{id}/reset-password: the system
 * administrator gives an account a new random password, shown once in the
 * answer; the account must change it at its next sign-in, its sessions are
 * revoked and the reset is audited (app/accounts.c, docs/accounts.md). */
#include "app/app.h"
#include "http/handlers.h"

od_err od_h_user_reset_password(od_req *r)
{
    json_t *out = NULL;
    od_err rc = od_req_no_fields(r);
    if (!rc)
        rc = od_user_reset_password_api(r->app, &r->who, r->ids[0], &out, &r->err);
    return od_h_result(r, rc, 200, out);
}
