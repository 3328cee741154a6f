/* acklink.c — acknowledging through a link (R-NOT-4), the use case behind
 * GET and POST /ack/<token> (src/http/h_ack.c).  The token is 128 random
 * bits minted by the dispatcher (dispatcher.c mint_link); only its SHA-256
 * is stored.  The link's recipient is the actor of the timeline and audit
 * entries.  Failed lookups (unknown, expired) count per client address in
 * the app's limiter, a guard against guessing tokens. */
#include "app/incidents.h"
#include "app/limiter.h"
#include "app/notification.h"
#include "util/secret.h"

#include <stdio.h>
#include <string.h>

/* Brute-force guard: failed lookups per address. */
static const od_login_policy ack_guard = {
    .max_failures = 20, .window_ms = 10 * 60 * 1000, .lockout_ms = 10 * 60 * 1000, .session_ttl_ms = 0};

/* The link row found by its token hash. */
typedef struct link_row {
    int64_t link_id, inc_id, uid, used, acked;
} link_row;

static void copy(char *dst, size_t n, const char *s)
{
    snprintf(dst, n, "%s", s ? s : "");
}

/* Reads the link into *l and info; *found false when there is none. */
static od_err link_find(od_tx *tx, const char *hex, link_row *l, od_ack_info *info, bool *found, od_error *e)
{
    od_rows *r = NULL;
    od_err rc = od_tx_query(tx, OD_Q_NTF_ACK_GET, &r, e, OD_BINDS(OD_TEXT(hex)));
    bool row = false;
    if (!rc)
        rc = od_rows_step(r, &row);
    *found = row;
    if (row) {
        l->link_id = od_rows_int(r, 0);
        l->inc_id = od_rows_int(r, 1);
        l->uid = od_rows_int(r, 2);
        info->expires_at = od_rows_int(r, 3);
        l->used = od_rows_null(r, 4) ? 0 : od_rows_int(r, 4);
        copy(info->number, sizeof info->number, od_rows_text(r, 5));
        copy(info->title, sizeof info->title, od_rows_text(r, 6));
        copy(info->username, sizeof info->username, od_rows_text(r, 7));
        l->acked = od_rows_null(r, 8) ? 0 : od_rows_int(r, 8);
    }
    od_rows_close(r);
    return rc;
}

/* Acknowledges the incident as the link's recipient and marks the link used. */
static od_err link_ack(od_tx *tx, const link_row *l, const char *addr, int64_t now, od_ack_info *info,
                       od_error *e)
{
    od_principal who;
    memset(&who, 0, sizeof who);
    who.id = l->uid;
    copy(who.username, sizeof who.username, info->username);
    copy(who.addr, sizeof who.addr, addr);
    od_rows *r = NULL;
    od_err rc = od_tx_query(tx, OD_Q_USER_CONTACT, &r, e, OD_BINDS(OD_INT(l->uid)));
    bool row = false;
    if (!rc && !(rc = od_rows_step(r, &row)) && row)
        who.roles = (od_roleset)od_rows_int(r, 7);
    od_rows_close(r);
    json_t *detail = json_pack("{sI ss}", "link_id", (json_int_t)l->link_id, "addr", addr);
    bool already = false;
    if (!rc)
        rc = od_incident_ack_tx(tx, &who, l->inc_id, detail, now, &already, e);
    json_decref(detail);
    if (rc == OD_E_CONFLICT || rc == OD_E_FORBIDDEN) {
        od_error_clear(e);
        info->st = OD_ACK_CLOSED;
        return OD_OK;
    }
    if (!rc) {
        rc = od_tx_exec(tx, OD_Q_NTF_ACK_USE, e, OD_BINDS(OD_INT(now), OD_TEXT(addr), OD_INT(l->link_id)));
        /* 0 rows: a click on another node used the link first */
        if (!rc && od_tx_changes(tx) != 1)
            already = true;
        info->st = already ? OD_ACK_ALREADY : OD_ACK_DONE;
        info->at = now;
    }
    return rc;
}

/* The state of a found link; failures (expired) counted under key. */
static od_err link_judge(od_app *a, od_tx *tx, const link_row *l, const char *addr, const char *key, bool use,
                         int64_t now, od_ack_info *info, od_error *e)
{
    if (l->used || l->acked) {
        info->st = OD_ACK_ALREADY;
        info->at = l->acked ? l->acked : l->used;
        return OD_OK;
    }
    if (now > info->expires_at) {
        od_limiter_fail(a->limiter, &ack_guard, key, now);
        info->st = OD_ACK_EXPIRED;
        return OD_OK;
    }
    if (!use) {
        info->st = OD_ACK_READY;
        return OD_OK;
    }
    return link_ack(tx, l, addr, now, info, e);
}

od_err od_ack_link_use(od_app *a, const char *token, const char *addr, bool use, od_ack_info *info,
                       od_error *e)
{
    memset(info, 0, sizeof *info);
    int64_t now = od_app_now(a);
    char key[96];
    snprintf(key, sizeof key, "ack:%s", addr);
    int64_t wait = od_limiter_wait(a->limiter, &ack_guard, key, now);
    if (wait > 0) {
        info->st = OD_ACK_LIMITED;
        info->retry_after = (int)((wait + 999) / 1000);
        return OD_OK;
    }
    if (!token) {
        od_limiter_fail(a->limiter, &ack_guard, key, now);
        info->st = OD_ACK_UNKNOWN;
        return OD_OK;
    }
    char hex[OD_SECRET_HASH_HEX];
    od_secret_hash(token, hex);
    od_tx *tx = NULL;
    od_err rc = od_tx_begin(a->store, use, &tx, e);
    if (rc)
        return rc;
    link_row l = {0};
    bool found = false;
    rc = link_find(tx, hex, &l, info, &found, e);
    if (!rc && !found) {
        od_limiter_fail(a->limiter, &ack_guard, key, now);
        info->st = OD_ACK_UNKNOWN;
    } else if (!rc) {
        rc = link_judge(a, tx, &l, addr, key, use, now, info, e);
    }
    if (rc || !use || info->st != OD_ACK_DONE) {
        od_tx_rollback(tx);
        return rc;
    }
    return od_tx_commit(tx, e);
}
