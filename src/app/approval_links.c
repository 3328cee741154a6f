/* approval_links.c — deciding an approval from a message (modules-spec
 * §1.5), the use case behind GET and POST /approve/<token>
 * (src/http/h_approve.c).  The token is minted by the dispatcher like an
 * acknowledgement link (dispatcher.c mint_link: 128 random bits, only the
 * SHA-256 stored, the same lifetime); the link belongs to one recipient of
 * one record.  Using it votes as that recipient through the vote use case
 * (od_record_vote_in, channel "link"), so every rule of a vote holds —
 * self-approval, comments, a decided step — and the link is marked used in
 * the same transaction: it decides once — except more_info, after which
 * the step still waits for the recipient, so the same link decides later.
 * Failed lookups count per client
 * address in the app's limiter, as for acknowledgement links. */
#include "app/limiter.h"
#include "app/records_kernel.h"
#include "util/secret.h"
#include "util/utf8.h"

#include <stdio.h>
#include <string.h>

/* Brute-force guard: failed lookups per address (as acklink.c's). */
static const od_login_policy link_guard = {
    .max_failures = 20, .window_ms = 10 * 60 * 1000, .lockout_ms = 10 * 60 * 1000, .session_ttl_ms = 0};

typedef struct link_row {
    int64_t id, rec, uid, used, step_id;
    od_roleset roles;
} link_row;

/* s into dst (n bytes), cut on a character boundary. */
static void copy(char *dst, size_t n, const char *s)
{
    s = s ? s : "";
    size_t k = od_utf8_prefix_bytes(s, strlen(s), n - 1);
    memcpy(dst, s, k);
    dst[k] = 0;
}

static od_err link_find(od_tx *tx, const char *hex, link_row *l, od_apl_info *info, bool *found, od_error *e)
{
    od_rows *r = NULL;
    bool row = false;
    od_err rc = od_tx_query(tx, OD_Q_APL_GET, &r, e, OD_BINDS(OD_TEXT(hex)));
    if (!rc)
        rc = od_rows_step(r, &row);
    *found = row;
    if (!rc && row) {
        l->id = od_rows_int(r, 0);
        l->rec = od_rows_int(r, 1);
        l->uid = od_rows_int(r, 2);
        info->expires_at = od_rows_int(r, 3);
        l->used = od_rows_null(r, 4) ? 0 : od_rows_int(r, 4);
        copy(info->decision, sizeof info->decision, od_rows_text(r, 5));
        copy(info->number, sizeof info->number, od_rows_text(r, 6));
        copy(info->title, sizeof info->title, od_rows_text(r, 7));
        copy(info->username, sizeof info->username, od_rows_text(r, 8));
        l->roles = (od_roleset)od_rows_int(r, 9);
        l->step_id = od_rows_int(r, 10);
    }
    od_rows_close(r);
    return rc;
}

/* The names and the allowed decisions of step `key` into info. */
static void step_names(const od_policy *p, const char *key, od_apl_info *info)
{
    copy(info->step, sizeof info->step, key);
    const od_wf_approval_def *d = od_kernel_approval(p ? p->kernel : NULL, info->step);
    copy(info->step_zh, sizeof info->step_zh, d ? d->name_zh : info->step);
    copy(info->step_en, sizeof info->step_en, d ? d->name_en : info->step);
    unsigned all = (1u << OD_VOTE__COUNT) - 1;
    info->decisions = d && d->rule.decisions_allowed ? d->rule.decisions_allowed & all : all;
    info->comment_on = d ? d->rule.comment_required_on : (1u << OD_VOTE_REJECT) | (1u << OD_VOTE_MORE_INFO);
}

/* The first waiting step of the record with uid among its approvers:
 * *round_id 0 when there is none. */
static od_err waiting_step(od_tx *tx, const od_policy *p, const link_row *l, od_apl_info *info,
                           int64_t *round_id, od_error *e)
{
    od_rows *r = NULL;
    bool row = false;
    *round_id = 0;
    od_err rc = od_tx_query(tx, OD_Q_APL_WAITING, &r, e, OD_BINDS(OD_INT(l->rec)));
    while (!rc && !*round_id && !(rc = od_rows_step(r, &row)) && row) {
        json_t *a = json_loads(od_rows_text(r, 2), 0, NULL);
        size_t i;
        json_t *v;
        bool mine = false;
        json_array_foreach(a, i, v) mine = mine || (int64_t)json_integer_value(v) == l->uid;
        json_decref(a);
        if (!mine)
            continue;
        *round_id = od_rows_int(r, 1);
        step_names(p, od_rows_text(r, 0), info);
    }
    od_rows_close(r);
    return rc;
}

/* The step a link names (migration 0036): READY with *round_id when it
 * waits and the recipient approves it; STALE when the approval was
 * re-submitted as a later round since; else CLOSED, with the step's state. */
static od_err named_step(od_tx *tx, const od_policy *p, const link_row *l, od_apl_info *info,
                         int64_t *round_id, od_error *e)
{
    od_rows *r = NULL;
    bool row = false;
    *round_id = 0;
    info->st = OD_APL_CLOSED;
    od_err rc = od_tx_query(tx, OD_Q_APL_STEP, &r, e, OD_BINDS(OD_INT(l->step_id), OD_INT(l->rec)));
    if (!rc && !(rc = od_rows_step(r, &row)) && row) {
        step_names(p, od_rows_text(r, 0), info);
        copy(info->step_state, sizeof info->step_state, od_rows_text(r, 2));
        bool waiting = strcmp(info->step_state, "waiting") == 0, mine = false;
        json_t *a = json_loads(od_rows_text(r, 3), 0, NULL);
        size_t i;
        json_t *v;
        json_array_foreach(a, i, v)
        {
            mine = mine || (int64_t)json_integer_value(v) == l->uid;
        }
        json_decref(a);
        if (od_rows_int(r, 4) > 0)
            info->st = OD_APL_STALE;
        else if (waiting && mine) {
            info->st = OD_APL_READY;
            *round_id = od_rows_int(r, 1);
        }
    }
    od_rows_close(r);
    return rc;
}

static od_err link_vote(od_app *a, od_tx *tx, const link_row *l, int64_t round_id, const char *addr,
                        const char *decision, const char *comment, int64_t now, od_apl_info *info,
                        od_error *e)
{
    od_principal who;
    memset(&who, 0, sizeof who);
    who.id = l->uid;
    who.roles = l->roles;
    copy(who.username, sizeof who.username, info->username);
    copy(who.addr, sizeof who.addr, addr);
    od_vote_input in = {.step = info->step, .decision = decision, .comment = comment};
    od_err rc = od_record_vote_in(a, tx, &who, l->rec, round_id, &in, "link", e);
    if (rc == OD_E_FORBIDDEN || rc == OD_E_CONFLICT || rc == OD_E_UNPROCESSABLE) {
        info->st = OD_APL_REFUSED;
        info->status = rc == OD_E_FORBIDDEN ? 403 : rc == OD_E_CONFLICT ? 409 : 422;
        copy(info->message, sizeof info->message, e->message);
        od_error_clear(e);
        return rc; /* rolled back: the link stays usable */
    }
    /* more_info is not the recipient's decision: the step still waits for
     * it (core/approval.h counts a latest more_info as undecided, and the
     * vote use case lets that voter vote again), so the link stays usable
     * and decides when the requester has answered.  Every other decision,
     * abstain included, is final for the voter (a second vote is refused):
     * the link is used up. */
    bool final = strcmp(decision, "more_info") != 0;
    if (!rc && final)
        rc = od_tx_exec(tx, OD_Q_APL_USE, e,
                        OD_BINDS(OD_INT(now), OD_TEXT(addr), OD_TEXT(decision), OD_INT(l->id)));
    if (!rc && final && od_tx_changes(tx) != 1) { /* another click used it first */
        info->st = OD_APL_USED;
        return OD_E_CONFLICT;
    }
    if (!rc) {
        info->st = OD_APL_DONE;
        info->at = now;
        copy(info->decision, sizeof info->decision, decision);
    }
    return rc;
}

od_err od_appr_link_use(od_app *a, const char *token, const char *addr, const char *decision,
                        const char *comment, od_apl_info *info, od_error *e)
{
    memset(info, 0, sizeof *info);
    int64_t now = od_app_now(a);
    char key[96];
    snprintf(key, sizeof key, "apl:%s", addr);
    int64_t wait = od_limiter_wait(a->limiter, &link_guard, key, now);
    if (wait > 0) {
        info->st = OD_APL_LIMITED;
        info->retry_after = (int)((wait + 999) / 1000);
        return OD_OK;
    }
    if (!token) {
        od_limiter_fail(a->limiter, &link_guard, key, now);
        info->st = OD_APL_UNKNOWN;
        return OD_OK;
    }
    char hex[OD_SECRET_HASH_HEX];
    od_secret_hash(token, hex);
    od_tx *tx = NULL;
    od_err rc = od_tx_begin(a->store, decision != NULL, &tx, e);
    if (rc)
        return rc;
    link_row l = {0};
    bool found = false;
    int64_t round_id = 0;
    rc = link_find(tx, hex, &l, info, &found, e);
    if (!rc && !found) {
        od_limiter_fail(a->limiter, &link_guard, key, now);
        info->st = OD_APL_UNKNOWN;
    } else if (!rc && l.used) {
        info->st = OD_APL_USED;
        info->at = l.used;
    } else if (!rc && now > info->expires_at) {
        od_limiter_fail(a->limiter, &link_guard, key, now);
        info->st = OD_APL_EXPIRED;
    } else if (!rc) {
        if (l.step_id)
            rc = named_step(tx, a->policy, &l, info, &round_id, e);
        else {
            rc = waiting_step(tx, a->policy, &l, info, &round_id, e);
            if (!rc)
                info->st = round_id ? OD_APL_READY : OD_APL_CLOSED;
        }
    }
    if (!rc && info->st == OD_APL_READY && decision) {
        rc = link_vote(a, tx, &l, round_id, addr, decision, comment, now, info, e);
        if (rc == OD_E_FORBIDDEN || rc == OD_E_CONFLICT || rc == OD_E_UNPROCESSABLE) {
            od_tx_rollback(tx);
            return OD_OK;
        }
        if (!rc)
            return od_tx_commit(tx, e);
    }
    od_tx_rollback(tx);
    return rc;
}
