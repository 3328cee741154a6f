/* contacts.c — vendor (厂商) and key-customer (重要客户) contacts, kept per
 * CI or per service (seed 000 ch. 9 §4 技术资料保障: 厂商、重要客户的重要联系
 * 方式，统一管理，及时更新), and who of them is told when an incident touches
 * their CI: with the first report, on the levels the contact (or the
 * policy's duties.contact_levels) names, by SMS and e-mail from the
 * reporting desk; one without a phone number is flagged (the reachability
 * rule, core/vendor_contact.h).  Drills tell no one outside.  docs/contacts.md. */
#include "app/contacts.h"
#include "app/incidents_int.h"
#include "app/list.h"
#include "core/vendor_contact.h"
#include "util/utf8.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct contact {
    int kind;
    char name[401], org[801], phone[32], email[255], service[801], note[8001];
    int64_t ci_id;
    bool levels_set;
    unsigned levels;
} contact;

static json_t *time_json(int64_t ms)
{
    char t[OD_TIME_STR_MAX];
    return json_string(od_time_format(ms, t));
}

static json_t *levels_json(unsigned bits)
{
    json_t *a = json_array();
    for (int g = 0; g < OD_GRADE__COUNT; g++)
        if ((bits >> g) & 1u)
            json_array_append_new(a, json_string(od_grade_key((od_grade)g)));
    return a;
}

/* "" = not set; else a JSON array of grade keys. */
static bool levels_parse(const char *s, unsigned *bits)
{
    *bits = 0;
    json_t *a = s && *s ? json_loads(s, 0, NULL) : NULL;
    size_t i;
    json_t *v;
    json_array_foreach(a, i, v)
    {
        int g = od_grade_parse(json_string_value(v));
        if (g >= 0)
            *bits |= 1u << g;
    }
    bool set = a != NULL;
    json_decref(a);
    return set;
}

/* One row of CONTACT_GET / CONTACT_LIST / CONTACT_OF_INC as the API shows it. */
static json_t *row_json(const od_policy *p, od_rows *r)
{
    unsigned bits = 0;
    bool set = levels_parse(od_rows_text(r, 9), &bits);
    int kind = od_vc_kind_parse(od_rows_text(r, 1));
    json_t *o = json_pack(
        "{sI ss ss ss ss ss ss}", "id", (json_int_t)od_rows_int(r, 0), "kind", od_rows_text(r, 1), "kind_zh",
        kind >= 0 ? od_vc_kind_name_zh((od_vc_kind)kind) : "", "name", od_rows_text(r, 2), "organisation",
        od_rows_text(r, 3), "phone", od_rows_text(r, 4), "email", od_rows_text(r, 5));
    json_object_set_new(o, "ci_id", od_rows_null(r, 6) ? json_null() : json_integer(od_rows_int(r, 6)));
    json_object_set_new(o, "ci_name", od_rows_null(r, 7) ? json_null() : json_string(od_rows_text(r, 7)));
    json_object_set_new(o, "service", json_string(od_rows_text(r, 8)));
    json_object_set_new(o, "levels", set ? levels_json(bits) : json_null());
    json_object_set_new(o, "told_levels", levels_json(set ? bits : p->duties.contact_levels));
    json_object_set_new(o, "note", json_string(od_rows_text(r, 10)));
    json_object_set_new(o, "unreachable", json_boolean(od_vc_unreachable(od_rows_text(r, 4))));
    json_object_set_new(o, "verified_at", time_json(od_rows_int(r, 11)));
    json_object_set_new(o, "created_at", time_json(od_rows_int(r, 12)));
    json_object_set_new(o, "updated_at", time_json(od_rows_int(r, 13)));
    return o;
}

od_err od_contact_list(od_app *a, const od_principal *who, int64_t ci_id, const char *kind, int64_t limit,
                       int64_t offset, json_t **out, od_error *e)
{
    (void)who;
    *out = NULL;
    if (kind && *kind && od_vc_kind_parse(kind) < 0)
        return od_error_set(e, OD_E_INVALID, "kind",
                            "kind 须为 vendor 或 customer (kind must be vendor or customer)");
    od_tx *tx = NULL;
    od_err rc = od_tx_begin(a->store, false, &tx, e);
    if (rc)
        return rc;
    od_rows *r = NULL;
    json_t *items = json_array();
    rc = od_tx_query(
        tx, OD_Q_CONTACT_LIST, &r, e,
        OD_BINDS(OD_INT(ci_id), OD_INT(ci_id), OD_TEXT(kind ? kind : ""), OD_TEXT(kind ? kind : "")));
    bool row = false;
    int64_t n = 0; /* the whole list is small (reference data): counted as read */
    while (!rc && !(rc = od_rows_step(r, &row)) && row)
        if (n++ >= offset && n - offset <= limit)
            json_array_append_new(items, row_json(a->policy, r));
    od_rows_close(r);
    od_tx_rollback(tx);
    return od_list_done(rc, items, n, limit, offset, out, e);
}

/* A text field of the body into buf: absent keeps buf; too long → 413. */
static od_err text_field(json_t *body, const char *k, char *buf, size_t n, size_t max_chars, od_error *e)
{
    json_t *v = json_object_get(body, k);
    if (!v)
        return OD_OK;
    if (!json_is_string(v))
        return od_error_set(e, OD_E_INVALID, k, "%s 须为字符串 (%s must be a string)", k, k);
    const char *s = json_string_value(v);
    if (strlen(s) >= n || od_utf8_count(s, strlen(s)) > max_chars)
        return od_error_set(e, OD_E_TOO_LARGE, k, "%s 超过 %zu 个字符 (%s is over %zu characters)", k,
                            max_chars, k, max_chars);
    snprintf(buf, n, "%s", s);
    return OD_OK;
}

/* Applies the body to c (create: every required key; patch: those given)
 * and checks the whole. */
static od_err apply(od_tx *tx, json_t *body, contact *c, od_error *e)
{
    json_t *k = json_object_get(body, "kind");
    if (k && (c->kind = od_vc_kind_parse(json_string_value(k))) < 0)
        return od_error_set(
            e, OD_E_UNPROCESSABLE, "kind",
            "kind 须为 vendor（厂商）或 customer（重要客户） (kind must be vendor or customer)");
    if (c->kind < 0)
        return od_error_set(e, OD_E_UNPROCESSABLE, "kind",
                            "缺少必填字段 kind (required field kind is missing)");
    od_err rc = text_field(body, "name", c->name, sizeof c->name, 100, e);
    if (!rc)
        rc = text_field(body, "organisation", c->org, sizeof c->org, 200, e);
    if (!rc)
        rc = text_field(body, "phone", c->phone, sizeof c->phone, 31, e);
    if (!rc)
        rc = text_field(body, "email", c->email, sizeof c->email, 254, e);
    if (!rc)
        rc = text_field(body, "service", c->service, sizeof c->service, 200, e);
    if (!rc)
        rc = text_field(body, "note", c->note, sizeof c->note, 2000, e);
    if (rc)
        return rc;
    if (!*c->name)
        return od_error_set(e, OD_E_UNPROCESSABLE, "name",
                            "缺少必填字段 name (required field name is missing)");
    if (*c->email && !strchr(c->email, '@'))
        return od_error_set(e, OD_E_UNPROCESSABLE, "email", "电子邮件地址无效 (invalid e-mail address)");
    json_t *ci = json_object_get(body, "ci_id");
    if (ci && json_is_null(ci))
        c->ci_id = 0;
    else if (ci && (!json_is_integer(ci) || json_integer_value(ci) <= 0))
        return od_error_set(e, OD_E_INVALID, "ci_id", "ci_id 须为正整数 (ci_id must be a positive integer)");
    else if (ci)
        c->ci_id = (int64_t)json_integer_value(ci);
    if (c->ci_id) {
        int64_t n = 0;
        rc = od_tx_scalar(tx, OD_Q_CONTACT_CI_EXISTS, &n, e, OD_BINDS(OD_INT(c->ci_id)));
        if (!rc && !n)
            rc = od_error_set(e, OD_E_UNPROCESSABLE, "ci_id", "配置项 %lld 不存在 (CI %lld not found)",
                              (long long)c->ci_id, (long long)c->ci_id);
        if (rc)
            return rc;
    }
    if (!c->ci_id && !*c->service)
        return od_error_set(
            e, OD_E_UNPROCESSABLE, "ci_id",
            "联系人须关联配置项（ci_id）或服务（service） (a contact belongs to a CI (ci_id) or a "
            "service)");
    json_t *lv = json_object_get(body, "levels");
    if (lv && json_is_null(lv))
        c->levels_set = false;
    else if (lv) {
        if (!json_is_array(lv) || json_array_size(lv) > OD_GRADE__COUNT)
            return od_error_set(e, OD_E_INVALID, "levels",
                                "levels 须为事件级别数组 (levels must be an array of L1/L2/L3/NG)");
        unsigned bits = 0;
        size_t i;
        json_t *v;
        json_array_foreach(lv, i, v)
        {
            int g = od_grade_parse(json_string_value(v));
            if (g < 0 || (bits >> g) & 1u)
                return od_error_set(e, OD_E_UNPROCESSABLE, "levels",
                                    "levels 须为不重复的 L1/L2/L3/NG (levels: L1, L2, L3 or NG, each once)");
            bits |= 1u << g;
        }
        c->levels_set = true;
        c->levels = bits;
    }
    return OD_OK;
}

static od_err load(od_tx *tx, int64_t id, contact *c, od_error *e)
{
    memset(c, 0, sizeof *c);
    c->kind = -1;
    od_rows *r = NULL;
    bool row = false;
    od_err rc = od_tx_query(tx, OD_Q_CONTACT_GET, &r, e, OD_BINDS(OD_INT(id)));
    if (!rc && !(rc = od_rows_step(r, &row)) && !row)
        rc = od_error_set(e, OD_E_NOT_FOUND, NULL, "联系人 %lld 不存在 (contact %lld not found)",
                          (long long)id, (long long)id);
    if (!rc) {
        c->kind = od_vc_kind_parse(od_rows_text(r, 1));
        snprintf(c->name, sizeof c->name, "%s", od_rows_text(r, 2));
        snprintf(c->org, sizeof c->org, "%s", od_rows_text(r, 3));
        snprintf(c->phone, sizeof c->phone, "%s", od_rows_text(r, 4));
        snprintf(c->email, sizeof c->email, "%s", od_rows_text(r, 5));
        c->ci_id = od_rows_null(r, 6) ? 0 : od_rows_int(r, 6);
        snprintf(c->service, sizeof c->service, "%s", od_rows_text(r, 8));
        c->levels_set = levels_parse(od_rows_text(r, 9), &c->levels);
        snprintf(c->note, sizeof c->note, "%s", od_rows_text(r, 10));
    }
    od_rows_close(r);
    return rc;
}

static od_err get_json(od_tx *tx, const od_policy *p, int64_t id, json_t **out, od_error *e)
{
    od_rows *r = NULL;
    bool row = false;
    od_err rc = od_tx_query(tx, OD_Q_CONTACT_GET, &r, e, OD_BINDS(OD_INT(id)));
    if (!rc && !(rc = od_rows_step(r, &row)) && !row)
        rc = od_error_set(e, OD_E_NOT_FOUND, NULL, "联系人 %lld 不存在 (contact %lld not found)",
                          (long long)id, (long long)id);
    if (!rc)
        *out = row_json(p, r);
    od_rows_close(r);
    return rc;
}

/* Writes c (id 0: insert) and audits it; *out the contact. */
static od_err save(od_app *a, const od_principal *who, int64_t id, json_t *body, json_t **out, od_error *e)
{
    *out = NULL;
    if (!json_is_object(body))
        return od_error_set(e, OD_E_INVALID, NULL, "请求体须为 JSON 对象 (the body must be a JSON object)");
    od_tx *tx = NULL;
    int64_t now = od_app_now(a);
    od_err rc = od_tx_begin(a->store, true, &tx, e);
    if (rc)
        return rc;
    contact c;
    json_t *before = NULL;
    if (id) {
        rc = load(tx, id, &c, e);
        if (!rc)
            rc = get_json(tx, a->policy, id, &before, e);
    } else {
        memset(&c, 0, sizeof c);
        c.kind = -1;
    }
    if (!rc)
        rc = apply(tx, body, &c, e);
    char *lv = NULL;
    if (!rc && c.levels_set) {
        json_t *l = levels_json(c.levels);
        lv = json_dumps(l, JSON_COMPACT);
        json_decref(l);
    }
    if (!rc && !id)
        rc = od_tx_insert(tx, OD_Q_CONTACT_INSERT, &id, e,
                          OD_BINDS(OD_TEXT(od_vc_kind_key((od_vc_kind)c.kind)), OD_TEXT(c.name),
                                   OD_TEXT(c.org), OD_TEXT(c.phone), OD_TEXT(c.email),
                                   OD_INT_NONZERO(c.ci_id), OD_TEXT(c.service), OD_TEXT(lv ? lv : ""),
                                   OD_TEXT(c.note), OD_INT(now), OD_INT(now), OD_INT(now)));
    else if (!rc)
        rc = od_tx_exec(tx, OD_Q_CONTACT_UPDATE, e,
                        OD_BINDS(OD_TEXT(od_vc_kind_key((od_vc_kind)c.kind)), OD_TEXT(c.name), OD_TEXT(c.org),
                                 OD_TEXT(c.phone), OD_TEXT(c.email), OD_INT_NONZERO(c.ci_id),
                                 OD_TEXT(c.service), OD_TEXT(lv ? lv : ""), OD_TEXT(c.note), OD_INT(now),
                                 OD_INT(now), OD_INT(id)));
    free(lv);
    json_t *after = NULL;
    if (!rc)
        rc = get_json(tx, a->policy, id, &after, e);
    if (!rc)
        rc = od_audit_append(tx, now, who, before ? "contact.update" : "contact.create", "contact", id,
                             before, after, e);
    json_decref(before);
    if (!rc)
        rc = od_tx_commit(tx, e);
    else
        od_tx_rollback(tx);
    if (rc)
        json_decref(after);
    else
        *out = after;
    return rc;
}

od_err od_contact_create(od_app *a, const od_principal *who, json_t *body, json_t **out, od_error *e)
{
    return save(a, who, 0, body, out, e);
}

od_err od_contact_patch(od_app *a, const od_principal *who, int64_t id, json_t *body, json_t **out,
                        od_error *e)
{
    return save(a, who, id, body, out, e);
}

od_err od_contact_delete(od_app *a, const od_principal *who, int64_t id, od_error *e)
{
    od_tx *tx = NULL;
    int64_t now = od_app_now(a);
    od_err rc = od_tx_begin(a->store, true, &tx, e);
    if (rc)
        return rc;
    json_t *before = NULL;
    rc = get_json(tx, a->policy, id, &before, e);
    if (!rc)
        rc = od_tx_exec(tx, OD_Q_CONTACT_DELETE, e, OD_BINDS(OD_INT(id)));
    if (!rc)
        rc = od_audit_append(tx, now, who, "contact.delete", "contact", id, before, NULL, e);
    json_decref(before);
    if (!rc)
        return od_tx_commit(tx, e);
    od_tx_rollback(tx);
    return rc;
}

/* The outbox rows of one contact: SMS to the phone, e-mail to the address. */
static od_err send_contact(od_tx *tx, const inc *x, const char *desk, int64_t cid, const char *phone,
                           const char *email, const char *subject, const char *body, int64_t now, od_error *e)
{
    char cause[96];
    snprintf(cause, sizeof cause, "inc:%lld:contact:%lld", (long long)x->id, (long long)cid);
    od_err rc = OD_OK;
    if (!od_vc_unreachable(phone))
        rc = od_tx_exec(tx, OD_Q_OUTBOX_INSERT, e,
                        OD_BINDS(OD_TEXT(cause), OD_INT(x->id), OD_NULL(), OD_TEXT("sms"), OD_TEXT(phone),
                                 OD_TEXT("contact"), OD_TEXT(desk), OD_TEXT(subject), OD_TEXT(body),
                                 OD_INT(now), OD_INT(now)));
    if (!rc && *email)
        rc = od_tx_exec(tx, OD_Q_OUTBOX_INSERT, e,
                        OD_BINDS(OD_TEXT(cause), OD_INT(x->id), OD_NULL(), OD_TEXT("email"), OD_TEXT(email),
                                 OD_TEXT("contact"), OD_TEXT(desk), OD_TEXT(subject), OD_TEXT(body),
                                 OD_INT(now), OD_INT(now)));
    return rc;
}

od_err od_incident_contacts_told(od_tx *tx, const od_policy *p, const inc *x, const char *desk, int64_t now,
                                 od_error *e)
{
    od_principal sys;
    od_principal_system(&sys);
    const char *dk = desk ? desk : od_notify_system_desk(p);
    od_rows *r = NULL;
    bool row = false;
    json_t *told = json_array();
    od_err rc = OD_OK;
    /* the contacts of the affected CIs, then those kept only per service
     * whose service the incident touches: the service's CI is affected, or
     * an impact (outage) interval of the service belongs to the incident */
    for (int q = 0; q < 2 && !rc; q++) {
        rc = q ? od_tx_query(tx, OD_Q_CONTACT_OF_INC_SERVICES, &r, e, OD_BINDS(OD_INT(x->id), OD_INT(x->id)))
               : od_tx_query(tx, OD_Q_CONTACT_OF_INC, &r, e, OD_BINDS(OD_INT(x->id)));
        while (!rc && !(rc = od_rows_step(r, &row)) && row) {
            unsigned bits = 0;
            bool set = levels_parse(od_rows_text(r, 9), &bits);
            if (od_vc_told(p, set, bits, x->level))
                json_array_append_new(told,
                                      json_pack("{sI ss ss ss ss ss}", "id", (json_int_t)od_rows_int(r, 0),
                                                "name", od_rows_text(r, 2), "org", od_rows_text(r, 3),
                                                "phone", od_rows_text(r, 4), "email", od_rows_text(r, 5),
                                                "ci", od_rows_text(r, 7)));
        }
        od_rows_close(r);
        r = NULL;
    }
    size_t i;
    json_t *c;
    json_array_foreach(told, i, c)
    {
        if (rc)
            break;
        /* told once: a later regrade (a higher level, other CIs) tells only the new ones */
        char cause[96];
        int64_t sent = 0;
        snprintf(cause, sizeof cause, "inc:%lld:contact:%lld", (long long)x->id,
                 (long long)json_integer_value(json_object_get(c, "id")));
        rc = od_tx_scalar(tx, OD_Q_CONTACT_TOLD, &sent, e, OD_BINDS(OD_TEXT(cause)));
        if (rc || sent)
            continue;
        const char *name = json_string_value(json_object_get(c, "name")),
                   *org = json_string_value(json_object_get(c, "org")),
                   *phone = json_string_value(json_object_get(c, "phone")),
                   *email = json_string_value(json_object_get(c, "email"));
        char who[1024];
        snprintf(who, sizeof who, "%s%s%s%s", name, *org ? "（" : "", org, *org ? "）" : "");
        if (x->drill && !desk) /* a drill's note is written once, at the first report */
            continue;
        if (x->drill) {
            rc = od_inc_timeline(tx, x->id, now, &sys, "contact_drill", NULL, e,
                                 "演练：未通知外部联系人%s (drill: the outside contact %s was not told)", who,
                                 who);
            continue;
        }
        msgspec m = {.kind = OD_MSG_CONTACT,
                     .desk = dk,
                     .contact = who,
                     .ci = json_string_value(json_object_get(c, "ci"))};
        char *subject = NULL, *body = NULL;
        rc = od_incident_render(p, x, &m, OD_LANG_ZH, &subject, &body, e);
        if (!rc)
            rc = send_contact(tx, x, dk, (int64_t)json_integer_value(json_object_get(c, "id")), phone, email,
                              subject, body, now, e);
        free(subject);
        free(body);
        if (!rc && od_vc_unreachable(phone))
            rc = od_inc_timeline(
                tx, x->id, now, &sys, "contact_unreachable", NULL, e,
                "外部联系人%s没有电话号码，%s请上报接口另行联系 (the outside contact %s has no phone "
                "number%s: the desk must reach them otherwise)",
                who, *email ? "仅发送电子邮件，" : "无法通知，", who,
                *email ? ", only e-mailed" : " and cannot be told");
        else if (!rc)
            rc = od_inc_timeline(tx, x->id, now, &sys, "contact_told", NULL, e,
                                 "已通知外部联系人%s (the outside contact %s was told)", who, who);
    }
    json_decref(told);
    return rc;
}

od_err od_incident_contacts_recheck(od_tx *tx, const od_policy *p, int64_t incident_id, int64_t now,
                                    od_error *e)
{
    inc x;
    od_err rc = od_inc_load(tx, NULL, incident_id, &x, e);
    if (rc)
        return rc;
    if (x.state != OD_INC_DETECTED)
        rc = od_incident_contacts_told(tx, p, &x, NULL, now, e);
    od_inc_free(&x);
    return rc;
}
