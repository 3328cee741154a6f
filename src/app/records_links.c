/* records_links.c — what hangs off a record (records.h): links to other
 * records (pending ones to kinds no module serves yet), CIs with roles, and
 * the read views of clocks, approval rounds and checklists.  Writes run in
 * one transaction with timeline and audit entries. */
#include "app/cmdb_retire.h"
#include "app/list.h"
#include "app/records_int.h"
#include "core/wf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A read view of record id for who: {items} filled by fn. */
od_err od_rec_view(od_app *a, const od_principal *who, int64_t id, od_rec_view_fn fn,
                   const od_record_page *pg, json_t **out, od_error *e)
{
    *out = NULL;
    od_tx *tx = NULL;
    od_rec x = {0};
    json_t *all = json_array(), *items = json_array();
    od_err rc = od_tx_begin(a->store, false, &tx, e);
    if (!rc)
        rc = od_rec_load(tx, who, id, &x, e);
    if (!rc)
        rc = fn(tx, who, id, all, e);
    od_rec_free(&x);
    od_tx_rollback(tx);
    int64_t total = (int64_t)json_array_size(all);
    for (int64_t i = pg->offset; !rc && i < total && i < pg->offset + pg->limit; i++)
        json_array_append(items, json_array_get(all, (size_t)i));
    json_decref(all);
    return od_list_done(rc, items, total, pg->limit, pg->offset, out, e);
}

/* ---- links ---- */

/* The far side of a new link: a record by id or number, or a pending
 * number of a kind no module serves.  *to_id 0 = pending. */
typedef struct far {
    int64_t to_id;
    int kind;
    char ref[OD_RECORD_NUMBER_MAX];
} far;

static od_err resolve_far(od_tx *tx, const od_principal *who, const od_link_input *in, far *f, od_error *e)
{
    memset(f, 0, sizeof *f);
    if (in->to_id > 0) {
        od_rec t = {0};
        od_err rc = od_rec_load(tx, who, in->to_id, &t, e);
        if (rc == OD_E_NOT_FOUND) {
            od_error_clear(e);
            return od_error_set(e, OD_E_UNPROCESSABLE, "to_id", "记录 %lld 不存在 (record %lld not found)",
                                (long long)in->to_id, (long long)in->to_id);
        }
        if (!rc) {
            f->to_id = t.id;
            f->kind = t.kind;
            snprintf(f->ref, sizeof f->ref, "%s", t.number);
        }
        od_rec_free(&t);
        return rc;
    }
    const char *ref = in->to_ref ? in->to_ref : "";
    if (!*ref)
        return od_error_set(
            e, OD_E_UNPROCESSABLE, "to_id",
            "须给出 to_id 或 to_ref（记录编号）(to_id or to_ref, a record number, is required)");
    od_rows *r = NULL;
    bool row = false;
    int64_t found = 0;
    od_err rc = od_tx_query(tx, OD_Q_REC_BY_NUMBER, &r, e, OD_BINDS(OD_TEXT(ref)));
    if (!rc)
        rc = od_rows_step(r, &row);
    if (!rc && row)
        found = od_rows_int(r, 0);
    od_rows_close(r);
    if (rc)
        return rc;
    if (found) {
        od_link_input by_id = {.kind = in->kind, .to_id = found};
        rc = resolve_far(tx, who, &by_id, f, e);
        if (rc == OD_E_UNPROCESSABLE) { /* out of scope: as if it did not exist */
            od_error_clear(e);
            rc = od_error_set(e, OD_E_UNPROCESSABLE, "to_ref", "记录 %s 不存在 (record %s not found)", ref,
                              ref);
        }
        return rc;
    }
    /* no such record: a pending link if its kind is served by no module yet */
    int k = -1;
    if (in->to_kind && *in->to_kind) {
        k = od_rkind_parse(in->to_kind);
        if (k < 0)
            return od_error_set(e, OD_E_UNPROCESSABLE, "to_kind",
                                "未知的记录类型 %s (unknown record kind %s); 可选 (allowed): %s", in->to_kind,
                                in->to_kind, od_rkind_keys());
    } else {
        for (int i = 0; i < OD_RK__COUNT && k < 0; i++) {
            const char *p = od_rkind_get((od_rkind)i)->prefix;
            size_t n = strlen(p);
            if (strncmp(ref, p, n) == 0 && ref[n] == '-')
                k = i;
        }
    }
    const od_rkind_def *d = od_rkind_get((od_rkind)k);
    if (!d || d->served)
        return od_error_set(e, OD_E_UNPROCESSABLE, "to_ref", "记录 %s 不存在 (record %s not found)", ref,
                            ref);
    size_t n = strlen(d->prefix);
    if (strncmp(ref, d->prefix, n) != 0 || ref[n] != '-' || strlen(ref) >= sizeof f->ref)
        return od_error_set(e, OD_E_UNPROCESSABLE, "to_ref",
                            "%s 编号须以 %s- 开头 (a %s number starts with %s-)", d->name_zh, d->prefix,
                            d->key, d->prefix);
    f->kind = k;
    snprintf(f->ref, sizeof f->ref, "%s", ref);
    return OD_OK;
}

static json_t *far_json(od_rows *r, bool out, const od_principal *who)
{
    /* columns: 0 id, 1 from_id, 2 to_id, 3 kind, 4 to_kind, 5 to_ref, 6 state, 7 created_by,
     * 8 created_at, 9 from kind, 10 from number, 11 from title, 12 from dept, 13 from incident
     * depts, 14 to number, 15 to title, 16 to dept, 17 to incident depts, 18 to state */
    json_t *o = json_object();
    if (out) {
        json_object_set_new(o, "id", od_rec_int_col(r, 2));
        json_object_set_new(o, "kind", json_string(od_rows_text(r, 4)));
        json_object_set_new(o, "number", json_string(od_rows_text(r, 5)));
        if (od_rows_null(r, 2))
            return o;
        bool vis = *od_rows_text(r, 17) ? od_principal_in_any_scope(who, od_rows_text(r, 17))
                                        : od_principal_in_scope(who, od_rows_text(r, 16));
        json_object_set_new(o, "visible", json_boolean(vis));
        if (vis) {
            json_object_set_new(o, "title", json_string(od_rows_text(r, 15)));
            json_object_set_new(o, "state", json_string(od_rows_text(r, 18)));
        }
        return o;
    }
    json_object_set_new(o, "id", json_integer(od_rows_int(r, 1)));
    json_object_set_new(o, "kind", json_string(od_rows_text(r, 9)));
    bool vis = *od_rows_text(r, 13) ? od_principal_in_any_scope(who, od_rows_text(r, 13))
                                    : od_principal_in_scope(who, od_rows_text(r, 12));
    json_object_set_new(o, "visible", json_boolean(vis));
    if (vis) {
        json_object_set_new(o, "number", json_string(od_rows_text(r, 10)));
        json_object_set_new(o, "title", json_string(od_rows_text(r, 11)));
    }
    return o;
}

static od_err links_of(od_tx *tx, const od_principal *who, int64_t id, json_t *items, od_error *e)
{
    od_rows *r = NULL;
    od_err rc = od_tx_query(tx, OD_Q_RLINK_LIST, &r, e, OD_BINDS(OD_INT(id), OD_INT(id)));
    bool row = false;
    while (!rc && !(rc = od_rows_step(r, &row)) && row) {
        bool out = od_rows_int(r, 1) == id;
        json_t *o =
            json_pack("{sI ss ss ss}", "id", (json_int_t)od_rows_int(r, 0), "kind", od_rows_text(r, 3),
                      "direction", out ? "out" : "in", "state", od_rows_text(r, 6));
        json_object_set_new(o, out ? "to" : "from", far_json(r, out, who));
        json_object_set_new(o, "created_by", od_rec_int_col(r, 7));
        json_object_set_new(o, "created_at", od_rec_time(od_rows_int(r, 8)));
        json_array_append_new(items, o);
    }
    od_rows_close(r);
    return rc;
}

od_err od_record_links(od_app *a, const od_principal *who, int64_t id, const od_record_page *pg, json_t **out,
                       od_error *e)
{
    return od_rec_view(a, who, id, links_of, pg, out, e);
}

od_err od_rec_link_in(od_tx *tx, const od_principal *who, const od_rec *x, const od_link_input *in,
                      bool reverse_ok, int64_t now, json_t **out, od_error *e)
{
    if (out)
        *out = NULL;
    int lk = od_rlink_parse(in->kind);
    if (lk < 0)
        return od_error_set(e, OD_E_UNPROCESSABLE, "kind",
                            "未知的关联类型 %s (unknown link kind %s); 可选 (allowed): %s",
                            in->kind ? in->kind : "", in->kind ? in->kind : "", od_rlink_keys());
    far f;
    int64_t id = x->id, link_id = 0;
    od_err rc = resolve_far(tx, who, in, &f, e);
    /* from and to as the link kind joins them: this record first, else
     * (reverse_ok) the other one, e.g. an incident caused_by this problem */
    int64_t from = id, to = f.to_id;
    int to_kind = f.kind;
    const char *from_no = x->number, *to_ref = f.ref;
    char far_no[OD_RECORD_NUMBER_MAX];
    snprintf(far_no, sizeof far_no, "%s", f.ref);
    if (!rc) {
        rc = od_rlink_check((od_rlink)lk, (od_rkind)x->kind, (od_rkind)f.kind, f.to_id == id, e);
        if (rc == OD_E_UNPROCESSABLE && reverse_ok && f.to_id && f.to_id != id) {
            od_error e2 = {0};
            if (od_rlink_check((od_rlink)lk, (od_rkind)f.kind, (od_rkind)x->kind, false, &e2) == OD_OK) {
                od_error_clear(e);
                rc = OD_OK;
                from = f.to_id;
                to = id;
                to_kind = x->kind;
                from_no = far_no;
                to_ref = x->number;
            }
        }
    }
    bool pending = !rc && to == 0;
    const char *tk = rc ? "" : od_rkind_get((od_rkind)to_kind)->key;
    if (!rc)
        rc = od_tx_insert(tx, OD_Q_RLINK_INSERT, &link_id, e,
                          OD_BINDS(OD_INT(from), OD_INT_NONZERO(to), OD_TEXT(in->kind), OD_TEXT(tk),
                                   OD_TEXT(to_ref), OD_TEXT(pending ? "pending" : "active"),
                                   OD_INT_NONZERO(who ? who->id : 0), OD_INT(now)));
    if (rc == OD_E_CONFLICT) {
        od_error_clear(e);
        rc = od_error_set(e, OD_E_CONFLICT, "to_id",
                          "已有相同关联：%s %s %s (this link exists already: %s %s %s)", from_no, in->kind,
                          to_ref, from_no, in->kind, to_ref);
    }
    json_t *link = NULL;
    if (!rc) {
        link = json_pack("{sI sI ss ss ss ss ss}", "id", (json_int_t)link_id, "from_id", (json_int_t)from,
                         "kind", in->kind, "to_kind", tk, "to_ref", to_ref, "state",
                         pending ? "pending" : "active", "direction", from == id ? "out" : "in");
        json_object_set_new(link, "to_id", to ? json_integer(to) : json_null());
        char text[400];
        snprintf(text, sizeof text, "关联%s：%s → %s%s (link %s: %s → %s%s)", in->kind, from_no, to_ref,
                 pending ? "（待定）" : "", in->kind, from_no, to_ref, pending ? ", pending" : "");
        rc = od_record_timeline_add(tx, id, now, who, "link", link, text, e);
        if (!rc && f.to_id)
            rc = od_record_timeline_add(tx, f.to_id, now, who, "link", link, text, e);
        if (!rc)
            rc = od_audit_append(tx, now, who, "record.link", "record", id, NULL, link, e);
    }
    if (out && !rc)
        *out = link;
    else
        json_decref(link);
    return rc;
}

od_err od_record_link_add(od_app *a, const od_principal *who, int64_t id, const od_link_input *in,
                          json_t **out, od_error *e)
{
    *out = NULL;
    int lk = od_rlink_parse(in->kind);
    if (lk < 0)
        return od_error_set(e, OD_E_UNPROCESSABLE, "kind",
                            "未知的关联类型 %s (unknown link kind %s); 可选 (allowed): %s",
                            in->kind ? in->kind : "", in->kind ? in->kind : "", od_rlink_keys());
    od_tx *tx = NULL;
    od_rec x;
    od_err rc = od_rec_begin(a, who, id, &tx, &x, e);
    if (rc)
        return rc;
    rc = od_rec_link_in(tx, who, &x, in, false, od_app_now(a), out, e);
    od_rec_free(&x);
    return od_rec_commit(tx, rc, out, e);
}

od_err od_record_link_delete(od_app *a, const od_principal *who, int64_t id, int64_t link_id, od_error *e)
{
    od_tx *tx = NULL;
    od_rec x;
    od_rows *r = NULL;
    int64_t now = od_app_now(a), to_id = 0;
    json_t *link = NULL;
    od_err rc = od_rec_begin(a, who, id, &tx, &x, e);
    if (rc)
        return rc;
    bool row = false;
    rc = od_tx_query(tx, OD_Q_RLINK_GET, &r, e, OD_BINDS(OD_INT(link_id)));
    if (!rc)
        rc = od_rows_step(r, &row);
    if (!rc && (!row || od_rows_int(r, 1) != id))
        rc = od_error_set(e, OD_E_NOT_FOUND, NULL, "记录 %lld 没有关联 %lld (record %lld has no link %lld)",
                          (long long)id, (long long)link_id, (long long)id, (long long)link_id);
    if (!rc) {
        to_id = od_rows_null(r, 2) ? 0 : od_rows_int(r, 2);
        link = json_pack("{sI sI ss ss ss ss}", "id", (json_int_t)link_id, "from_id", (json_int_t)id, "kind",
                         od_rows_text(r, 3), "to_kind", od_rows_text(r, 4), "to_ref", od_rows_text(r, 5),
                         "state", od_rows_text(r, 6));
    }
    od_rows_close(r);
    if (!rc)
        rc = od_tx_exec(tx, OD_Q_RLINK_DELETE, e, OD_BINDS(OD_INT(link_id), OD_INT(id)));
    if (!rc) {
        const char *k = json_string_value(json_object_get(link, "kind")),
                   *ref = json_string_value(json_object_get(link, "to_ref"));
        char text[400];
        snprintf(text, sizeof text, "取消关联%s：%s → %s (link %s removed: %s → %s)", k, x.number, ref, k,
                 x.number, ref);
        rc = od_record_timeline_add(tx, id, now, who, "unlink", link, text, e);
        if (!rc && to_id)
            rc = od_record_timeline_add(tx, to_id, now, who, "unlink", link, text, e);
        if (!rc)
            rc = od_audit_append(tx, now, who, "record.unlink", "record", id, link, NULL, e);
    }
    json_decref(link);
    od_rec_free(&x);
    return od_rec_commit(tx, rc, NULL, e);
}

/* ---- CIs ---- */

static od_err cis_fill(od_tx *tx, const od_principal *who, int64_t id, json_t *items, od_error *e)
{
    (void)who;
    od_rows *r = NULL;
    od_err rc = od_tx_query(tx, OD_Q_RCI_LIST, &r, e, OD_BINDS(OD_INT(id), OD_INT(id)));
    bool row = false;
    while (!rc && !(rc = od_rows_step(r, &row)) && row)
        json_array_append_new(items, json_pack("{sI ss ss ss ss ss ss}", "id", (json_int_t)od_rows_int(r, 0),
                                               "name", od_rows_text(r, 1), "category", od_rows_text(r, 2),
                                               "grade", od_rows_text(r, 3), "department", od_rows_text(r, 4),
                                               "role", od_rows_text(r, 5), "source", od_rows_text(r, 6)));
    od_rows_close(r);
    return rc;
}

od_err od_record_cis(od_app *a, const od_principal *who, int64_t id, const od_record_page *pg, json_t **out,
                     od_error *e)
{
    return od_rec_view(a, who, id, cis_fill, pg, out, e);
}

/* The CI's department, checked against who's scope as when an incident names it. */
static od_err ci_in_scope(od_tx *tx, const od_principal *who, int64_t ci_id, od_error *e)
{
    od_rows *r = NULL;
    bool row = false;
    od_err rc = od_tx_query(tx, OD_Q_RCI_CI_DEPT, &r, e, OD_BINDS(OD_INT(ci_id)));
    if (!rc)
        rc = od_rows_step(r, &row);
    if (!rc && !row)
        rc = od_error_set(e, OD_E_UNPROCESSABLE, "ci_id", "配置项 %lld 不存在 (CI %lld not found)",
                          (long long)ci_id, (long long)ci_id);
    if (!rc && !od_principal_in_scope(who, od_rows_text(r, 0)))
        rc = od_error_set(e, OD_E_FORBIDDEN, "ci_id",
                          "配置项 %lld 不在您的权限范围内 (CI %lld is outside your scope)", (long long)ci_id,
                          (long long)ci_id);
    od_rows_close(r);
    return rc;
}

static od_err role_error(od_err code, const char *ro, od_error *e)
{
    return od_error_set(e, code, "role", "未知的配置项角色 %s (unknown CI role %s); 可选 (allowed): %s", ro,
                        ro, od_rci_role_keys());
}

od_err od_record_ci_add(od_app *a, const od_principal *who, int64_t id, int64_t ci_id, const char *role,
                        json_t **out, od_error *e)
{
    *out = NULL;
    const char *ro = role && *role ? role : "affected";
    if (od_rci_role_parse(ro) < 0)
        return role_error(OD_E_UNPROCESSABLE, ro, e);
    od_tx *tx = NULL;
    od_rec x;
    int64_t now = od_app_now(a);
    od_err rc = od_rec_begin(a, who, id, &tx, &x, e);
    if (rc)
        return rc;
    rc = ci_in_scope(tx, who, ci_id, e);
    if (!rc) /* a retired CI is history: not added to a record */
        rc = od_ci_must_be_active(tx, ci_id, NULL, "ci_id", e);
    if (!rc)
        rc = od_tx_exec(
            tx, OD_Q_RCI_INSERT, e,
            OD_BINDS(OD_INT(id), OD_INT(ci_id), OD_TEXT(ro), OD_INT_NONZERO(who ? who->id : 0), OD_INT(now)));
    if (!rc && od_tx_changes(tx) == 0)
        rc = od_error_set(e, OD_E_CONFLICT, "ci_id",
                          "配置项 %lld 已以 %s 角色关联到此记录 (CI %lld is already on the record as %s)",
                          (long long)ci_id, ro, (long long)ci_id, ro);
    json_t *o = NULL;
    if (!rc) {
        o = json_pack("{sI sI ss}", "record_id", (json_int_t)id, "ci_id", (json_int_t)ci_id, "role", ro);
        char text[200];
        snprintf(text, sizeof text, "关联配置项 %lld（%s）(CI %lld added as %s)", (long long)ci_id, ro,
                 (long long)ci_id, ro);
        rc = od_record_timeline_add(tx, id, now, who, "ci", o, text, e);
        if (!rc)
            rc = od_audit_append(tx, now, who, "record.ci_add", "record", id, NULL, o, e);
    }
    od_rec_free(&x);
    *out = o;
    return od_rec_commit(tx, rc, out, e);
}

od_err od_record_ci_delete(od_app *a, const od_principal *who, int64_t id, int64_t ci_id, const char *role,
                           od_error *e)
{
    const char *ro = role ? role : "";
    if (*ro && od_rci_role_parse(ro) < 0)
        return role_error(OD_E_INVALID, ro, e);
    od_tx *tx = NULL;
    od_rec x;
    int64_t now = od_app_now(a);
    od_err rc = od_rec_begin(a, who, id, &tx, &x, e);
    if (rc)
        return rc;
    rc = od_tx_exec(tx, OD_Q_RCI_DELETE, e, OD_BINDS(OD_INT(id), OD_INT(ci_id), OD_TEXT(ro), OD_TEXT(ro)));
    if (!rc && od_tx_changes(tx) == 0)
        rc = od_error_set(e, OD_E_NOT_FOUND, "ci_id",
                          "配置项 %lld 未关联到此记录 (CI %lld is not on the record)", (long long)ci_id,
                          (long long)ci_id);
    if (!rc) {
        json_t *o =
            json_pack("{sI sI ss}", "record_id", (json_int_t)id, "ci_id", (json_int_t)ci_id, "role", ro);
        char text[200];
        snprintf(text, sizeof text, "移除配置项 %lld (CI %lld removed)", (long long)ci_id, (long long)ci_id);
        rc = od_record_timeline_add(tx, id, now, who, "ci_removed", o, text, e);
        if (!rc)
            rc = od_audit_append(tx, now, who, "record.ci_remove", "record", id, o, NULL, e);
        json_decref(o);
    }
    od_rec_free(&x);
    return od_rec_commit(tx, rc, NULL, e);
}

/* ---- read views: clocks, approvals, checklists ---- */

static json_t *tcol(od_rows *r, int c)
{
    return od_rows_null(r, c) ? json_null() : od_rec_time(od_rows_int(r, c));
}

static od_err clocks_fill(od_tx *tx, const od_principal *who, int64_t id, json_t *items, od_error *e)
{
    (void)who;
    od_rows *r = NULL;
    od_err rc = od_tx_query(tx, OD_Q_RCLK_LIST, &r, e, OD_BINDS(OD_INT(id)));
    bool row = false;
    while (!rc && !(rc = od_rows_step(r, &row)) && row) {
        json_t *c = json_pack("{sI ss ss ss sI}", "id", (json_int_t)od_rows_int(r, 0), "name",
                              od_rows_text(r, 1), "calendar", od_rows_text(r, 3), "state", od_rows_text(r, 4),
                              "paused_total_ms", (json_int_t)od_rows_int(r, 7));
        json_object_set_new(c, "target_ms", od_rec_int_col(r, 2));
        json_object_set_new(c, "started_at", tcol(r, 5));
        json_object_set_new(c, "paused_at", tcol(r, 6));
        json_object_set_new(c, "stopped_at", tcol(r, 8));
        json_object_set_new(c, "due_at", tcol(r, 9));
        json_object_set_new(c, "breached_at", tcol(r, 10));
        json_object_set_new(c, "breached", json_boolean(!od_rows_null(r, 10)));
        json_array_append_new(items, c);
    }
    od_rows_close(r);
    return rc;
}

/* The element of arr whose "id" is id, or NULL. */
static json_t *by_id(json_t *arr, int64_t id)
{
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v) if (json_integer_value(json_object_get(v, "id")) == id) return v;
    return NULL;
}

static od_err approvals_fill(od_tx *tx, const od_principal *who, int64_t id, json_t *items, od_error *e)
{
    (void)who;
    od_rows *r = NULL;
    json_t *steps = json_array(); /* every step, to hang votes on */
    od_err rc = od_tx_query(tx, OD_Q_APR_ROUNDS, &r, e, OD_BINDS(OD_INT(id)));
    bool row = false;
    while (!rc && !(rc = od_rows_step(r, &row)) && row) {
        json_t *o = json_pack("{sI sI ss s[]}", "id", (json_int_t)od_rows_int(r, 0), "round",
                              (json_int_t)od_rows_int(r, 1), "state", od_rows_text(r, 2), "steps");
        json_object_set_new(o, "opened_by", od_rec_int_col(r, 3));
        json_object_set_new(o, "opened_at", tcol(r, 4));
        json_object_set_new(o, "closed_at", tcol(r, 5));
        json_array_append_new(items, o);
    }
    od_rows_close(r);
    r = NULL;
    if (!rc)
        rc = od_tx_query(tx, OD_Q_APR_STEPS, &r, e, OD_BINDS(OD_INT(id)));
    while (!rc && !(rc = od_rows_step(r, &row)) && row) {
        json_t *appr = json_loads(od_rows_text(r, 4), 0, NULL);
        json_t *s = json_pack("{sI ss sI so ss ss s[]}", "id", (json_int_t)od_rows_int(r, 0), "key",
                              od_rows_text(r, 2), "order", (json_int_t)od_rows_int(r, 3), "approvers",
                              appr ? appr : json_array(), "mode", od_rows_text(r, 5), "state",
                              od_rows_text(r, 9), "votes");
        json_object_set_new(s, "quorum_count", od_rec_int_col(r, 6));
        json_object_set_new(s, "quorum_percent", od_rec_int_col(r, 7));
        json_object_set_new(s, "due_at", tcol(r, 8));
        json_object_set_new(s, "decided_at", tcol(r, 10));
        json_t *round = by_id(items, od_rows_int(r, 1));
        json_array_append(steps, s);
        json_array_append_new(json_object_get(round, "steps"), s);
    }
    od_rows_close(r);
    r = NULL;
    if (!rc)
        rc = od_tx_query(tx, OD_Q_APR_VOTES, &r, e, OD_BINDS(OD_INT(id)));
    while (!rc && !(rc = od_rows_step(r, &row)) && row) {
        json_t *v = json_pack("{sI ss ss ss ss so}", "user_id", (json_int_t)od_rows_int(r, 1), "username",
                              od_rows_text(r, 2), "decision", od_rows_text(r, 4), "comment",
                              od_rows_text(r, 5), "channel", od_rows_text(r, 6), "at", tcol(r, 7));
        json_object_set_new(v, "on_behalf_of", od_rec_int_col(r, 3));
        json_array_append_new(json_object_get(by_id(steps, od_rows_int(r, 0)), "votes"), v);
    }
    od_rows_close(r);
    json_decref(steps);
    return rc;
}

static od_err checklists_fill(od_tx *tx, const od_principal *who, int64_t id, json_t *items, od_error *e)
{
    (void)who;
    od_rows *r = NULL;
    od_err rc = od_tx_query(tx, OD_Q_CKL_INSTANCES, &r, e, OD_BINDS(OD_INT(id)));
    bool row = false;
    while (!rc && !(rc = od_rows_step(r, &row)) && row) {
        json_t *o = json_pack("{sI ss ss sI ss s[]}", "id", (json_int_t)od_rows_int(r, 0), "phase",
                              od_rows_text(r, 1), "template", od_rows_text(r, 2), "template_version",
                              (json_int_t)od_rows_int(r, 3), "state", od_rows_text(r, 4), "results");
        json_object_set_new(o, "opened_at", tcol(r, 5));
        json_object_set_new(o, "completed_at", tcol(r, 6));
        json_t *texts = json_loads(od_rows_text(r, 7), 0, NULL); /* expanded when it opened; removed below */
        if (json_is_object(texts))
            json_object_set_new(o, "_texts", texts);
        else
            json_decref(texts);
        json_array_append_new(items, o);
    }
    od_rows_close(r);
    r = NULL;
    if (!rc)
        rc = od_tx_query(tx, OD_Q_CKL_RESULTS, &r, e, OD_BINDS(OD_INT(id)));
    while (!rc && !(rc = od_rows_step(r, &row)) && row) {
        json_t *x = json_pack("{ss ss ss so}", "item", od_rows_text(r, 1), "value", od_rows_text(r, 2),
                              "evidence", od_rows_text(r, 6), "at", tcol(r, 5));
        json_object_set_new(x, "passed",
                            od_rows_null(r, 3) ? json_null() : json_boolean(od_rows_int(r, 3) != 0));
        json_object_set_new(x, "by", od_rec_int_col(r, 4));
        json_object_set_new(x, "finding_record_id", od_rec_int_col(r, 7));
        json_object_set_new(x, "note", json_string(od_rows_text(r, 8)));
        json_object_set_new(x, "finding", json_string(od_rows_text(r, 9)));
        json_array_append_new(json_object_get(by_id(items, od_rows_int(r, 0)), "results"), x);
    }
    od_rows_close(r);
    return rc;
}

od_err od_record_clocks(od_app *a, const od_principal *who, int64_t id, const od_record_page *pg,
                        json_t **out, od_error *e)
{
    return od_rec_view(a, who, id, clocks_fill, pg, out, e);
}

od_err od_record_approvals(od_app *a, const od_principal *who, int64_t id, const od_record_page *pg,
                           json_t **out, od_error *e)
{
    return od_rec_view(a, who, id, approvals_fill, pg, out, e);
}

od_err od_record_checklists(od_app *a, const od_principal *who, int64_t id, const od_record_page *pg,
                            json_t **out, od_error *e)
{
    od_err rc = od_rec_view(a, who, id, checklists_fill, pg, out, e);
    if (rc)
        return rc;
    /* each instance with its template's items (text, type, required, unit,
     * range, options) while the policy still holds that version: what a
     * screen needs to ask for each result */
    const od_kernel *k = a->policy ? a->policy->kernel : NULL;
    size_t i;
    json_t *inst;
    json_array_foreach(json_object_get(*out, "items"), i, inst)
    {
        const od_cl_template *t =
            od_kernel_checklist(k, json_string_value(json_object_get(inst, "template")));
        json_t *texts = json_incref(json_object_get(inst, "_texts"));
        json_object_del(inst, "_texts");
        if (!t || t->version != json_integer_value(json_object_get(inst, "template_version"))) {
            json_decref(texts);
            continue;
        }
        json_object_set_new(inst, "template_zh", json_string(t->name_zh));
        json_object_set_new(inst, "template_en", json_string(t->name_en));
        json_t *defs = json_array();
        for (size_t j = 0; j < t->n_items; j++) {
            const od_cl_item *it = &t->items[j];
            json_t *x = json_object_get(texts, it->key); /* [zh, en] as it opened */
            const char *zh = json_string_value(json_array_get(x, 0)),
                       *en = json_string_value(json_array_get(x, 1));
            json_t *d =
                json_pack("{ss ss ss ss sb}", "key", it->key, "text_zh", zh ? zh : it->text_zh, "text_en",
                          en ? en : it->text_en, "type", od_cl_type_key(it->type), "required", it->required);
            if (it->unit[0])
                json_object_set_new(d, "unit", json_string(it->unit));
            if (it->has_min)
                json_object_set_new(d, "min", json_real(it->min));
            if (it->has_max)
                json_object_set_new(d, "max", json_real(it->max));
            if (it->n_options) {
                json_t *o = json_array();
                for (size_t m = 0; m < it->n_options; m++)
                    json_array_append_new(o, json_string(it->options[m]));
                json_object_set_new(d, "options", o);
            }
            json_array_append_new(defs, d);
        }
        json_object_set_new(inst, "items", defs);
        json_decref(texts);
    }
    return OD_OK;
}
