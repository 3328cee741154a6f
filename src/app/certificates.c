/* certificates.c — certificates held for key positions (资质证书; seed 004
 * §7.5.1; modules-spec §M7.1 "record … certificate (name, issuer, number,
 * valid until)"; docs/plans.md "Training and readiness"): recorded per
 * person and position of the policy's readiness section, listed, and read
 * by the readiness view (training.c) with the rules of core/readiness.h. */
#include "app/list.h"
#include "app/training.h"
#include "core/readiness.h"

#include <stdio.h>
#include <string.h>

static json_t *time_or_null(od_rows *r, int col)
{
    char t[OD_TIME_STR_MAX];
    return od_rows_null(r, col) ? json_null() : json_string(od_time_format(od_rows_int(r, col), t));
}

/* columns of CERT_GET / CERT_LIST */
static json_t *cert_row(od_rows *r)
{
    return json_pack("{sI sI ss ss ss ss ss ss so so ss so}", "id", (json_int_t)od_rows_int(r, 0), "user_id",
                     (json_int_t)od_rows_int(r, 1), "username", od_rows_text(r, 2), "display_name",
                     od_rows_text(r, 3), "position", od_rows_text(r, 4), "name", od_rows_text(r, 5), "issuer",
                     od_rows_text(r, 6), "number", od_rows_text(r, 7), "issued_at", time_or_null(r, 8),
                     "expires_at", time_or_null(r, 9), "created_by", od_rows_text(r, 10), "created_at",
                     time_or_null(r, 11));
}

static od_err bad(od_error *e, const char *field, const char *zh, const char *en)
{
    return od_error_set(e, OD_E_UNPROCESSABLE, field, "%s (%s)", zh, en);
}

static bool text_ok(const char *s, size_t min, size_t max)
{
    size_t n = s ? strlen(s) : 0;
    return n >= min && n <= max;
}

od_err od_certificate_create(od_app *a, const od_principal *who, const od_certificate_input *in, json_t **out,
                             od_error *e)
{
    *out = NULL;
    int64_t now = od_app_now(a), issued = 0, expires = 0, id = 0;
    const od_readiness_policy *rp = &a->policy->readiness;
    bool known = false;
    for (size_t i = 0; in->position && i < rp->n_positions; i++)
        known = known || strcmp(rp->positions[i].key, in->position) == 0;
    if (!known)
        return bad(e, "position", "position 须为策略 readiness.positions 中的岗位",
                   "position must be a key position of the policy's readiness section");
    if (!text_ok(in->name, 1, OD_CERT_TEXT_MAX))
        return bad(e, "name", "name 须为 1 到 200 字节", "name must be 1 to 200 bytes");
    if (!text_ok(in->issuer, 0, OD_CERT_TEXT_MAX))
        return bad(e, "issuer", "issuer 至多 200 字节", "issuer must be at most 200 bytes");
    if (!text_ok(in->number, 0, OD_CERT_TEXT_MAX))
        return bad(e, "number", "number 至多 200 字节", "number must be at most 200 bytes");
    if (!in->issued_at || !od_time_parse(in->issued_at, &issued) || issued > now)
        return bad(e, "issued_at", "issued_at 须为不晚于现在的 RFC 3339 时间",
                   "issued_at must be an RFC 3339 time not after now");
    if (in->expires_at && (!od_time_parse(in->expires_at, &expires) || expires <= issued))
        return bad(e, "expires_at", "expires_at 须为晚于 issued_at 的 RFC 3339 时间",
                   "expires_at must be an RFC 3339 time after issued_at");
    od_tx *tx = NULL;
    od_err rc = od_tx_begin(a->store, true, &tx, e);
    if (rc)
        return rc;
    od_rows *r = NULL;
    bool row = false;
    rc = od_tx_query(tx, OD_Q_TRN_USER, &r, e, OD_BINDS(OD_INT(in->user_id)));
    if (!rc && !(rc = od_rows_step(r, &row)) && (!row || od_rows_int(r, 1) != 0))
        rc = bad(e, "user_id", "user_id 须为在用的用户", "user_id must be an enabled user");
    od_rows_close(r);
    if (!rc)
        rc = od_tx_insert(tx, OD_Q_CERT_INSERT, &id, e,
                          OD_BINDS(OD_INT(in->user_id), OD_TEXT(in->position), OD_TEXT(in->name),
                                   OD_TEXT(in->issuer ? in->issuer : ""),
                                   OD_TEXT(in->number ? in->number : ""), OD_INT(issued),
                                   OD_INT_NONZERO(expires), OD_TEXT(who->username), OD_INT(now)));
    if (!rc)
        rc = od_tx_query(tx, OD_Q_CERT_GET, &r, e, OD_BINDS(OD_INT(id)));
    if (!rc && !(rc = od_rows_step(r, &row)) && row)
        *out = cert_row(r);
    if (!rc)
        od_rows_close(r);
    if (!rc && !*out)
        rc = od_error_set(e, OD_E_STORE, NULL, "证书写入后未能读取 (the certificate could not be read back)");
    if (!rc)
        rc = od_audit_append(tx, now, who, "certificate.create", "certificate", id, NULL, *out, e);
    if (!rc)
        rc = od_tx_commit(tx, e);
    else
        od_tx_rollback(tx);
    if (rc) {
        json_decref(*out);
        *out = NULL;
    }
    return rc;
}

od_err od_certificate_list(od_app *a, const od_principal *who, int64_t user_id, int64_t limit, int64_t offset,
                           json_t **out, od_error *e)
{
    *out = NULL;
    od_tx *tx = NULL;
    od_err rc = od_tx_begin(a->store, false, &tx, e);
    if (rc)
        return rc;
    json_t *items = json_array();
    int64_t total = 0;
    od_rows *r = NULL;
    bool row = false;
    if (who && who->n_scopes > 0) { /* a scoped reader: the people of the departments in scope only */
        od_page pg = od_page_start(limit, offset);
        rc = od_tx_query(tx, OD_Q_DRLX_CERT_ALL, &r, e, OD_BINDS(OD_INT(user_id), OD_INT(user_id)));
        while (!rc && !(rc = od_rows_step(r, &row)) && row)
            if (od_page_take(&pg, od_principal_in_scope(who, od_rows_text(r, 12))))
                json_array_append_new(items, cert_row(r));
        od_rows_close(r);
        od_tx_rollback(tx);
        return od_list_done(rc, items, pg.seen, limit, offset, out, e);
    }
    rc = od_tx_scalar(tx, OD_Q_CERT_COUNT, &total, e, OD_BINDS(OD_INT(user_id), OD_INT(user_id)));
    if (!rc)
        rc = od_tx_query(tx, OD_Q_CERT_LIST, &r, e,
                         OD_BINDS(OD_INT(user_id), OD_INT(user_id), OD_INT(limit), OD_INT(offset)));
    while (!rc && !(rc = od_rows_step(r, &row)) && row)
        json_array_append_new(items, cert_row(r));
    od_rows_close(r);
    od_tx_rollback(tx);
    return od_list_done(rc, items, total, limit, offset, out, e);
}

od_err od_certificates_current(od_tx *tx, int64_t now, json_t **valid, json_t **expiring, od_error *e)
{
    *valid = json_object();
    *expiring = json_array();
    od_rows *r = NULL;
    bool row = false;
    od_err rc = od_tx_query(tx, OD_Q_CERT_CURRENT, &r, e, OD_BINDS(OD_INT(now), OD_INT(now)));
    while (!rc && !(rc = od_rows_step(r, &row)) && row) {
        int64_t issued = od_rows_int(r, 4), expires = od_rows_null(r, 5) ? 0 : od_rows_int(r, 5);
        if (!od_cert_valid(issued, expires, now))
            continue;
        char key[160];
        snprintf(key, sizeof key, "%lld/%s", (long long)od_rows_int(r, 0), od_rows_text(r, 2));
        json_object_set_new(*valid, key, json_true());
        if (od_cert_expiring(issued, expires, now, OD_CERT_EXPIRING_DAYS)) {
            char t[OD_TIME_STR_MAX];
            json_array_append_new(
                *expiring, json_pack("{sI ss ss ss ss}", "user_id", (json_int_t)od_rows_int(r, 0), "username",
                                     od_rows_text(r, 1), "position", od_rows_text(r, 2), "name",
                                     od_rows_text(r, 3), "expires_at", od_time_format(expires, t)));
        }
    }
    od_rows_close(r);
    if (rc) {
        json_decref(*valid);
        json_decref(*expiring);
        *valid = *expiring = NULL;
    }
    return rc;
}
