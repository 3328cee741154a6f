/* notify_out.c — recipients, channels and outbox rows for every message
 * (notify_out.h).  The rules are core's (core/notify_rules.h); this file
 * reads the people and writes the rows. */
#include "app/notify_out.h"
#include "notify/message.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The strings of a JSON array of strings, borrowed from it (NULL when
 * there are none or on OOM: *n = 0 then). */
static const char **strings_of(json_t *arr, size_t *n)
{
    *n = 0;
    size_t k = json_array_size(arr);
    const char **v = k ? calloc(k, sizeof *v) : NULL;
    if (!v)
        return NULL;
    size_t i;
    json_t *s;
    json_array_foreach(arr, i, s) if (json_is_string(s)) v[(*n)++] = json_string_value(s);
    return v;
}

od_err od_out_audience(od_tx *tx, const od_audience *a, const char *departments_json, json_t **out,
                       od_error *e)
{
    *out = NULL;
    json_t *deps = json_loads(departments_json && *departments_json ? departments_json : "[]", 0, NULL);
    size_t nd = 0;
    const char **dv = strings_of(deps, &nd);
    json_t *users = json_array();
    od_rows *r = NULL;
    od_err rc = users ? OD_OK : od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    if (!rc && json_array_size(deps) && !dv)
        rc = od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    if (!rc)
        rc = od_tx_query(tx, OD_Q_RCPT_CANDIDATES, &r, e, OD_BINDS(OD_INT((int64_t)od_audience_roles(a))));
    bool row = false;
    while (!rc && !(rc = od_rows_step(r, &row)) && row) {
        json_t *scopes = json_loads(od_rows_text(r, 8), 0, NULL);
        size_t ns = 0;
        const char **sv = strings_of(scopes, &ns);
        if (json_array_size(scopes) && !sv) {
            rc = od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
        } else {
            od_person u = {(od_roleset)od_rows_int(r, 7), od_rows_text(r, 3), sv, ns};
            if (od_recipient_selected(a, &u, dv, nd) &&
                json_array_append_new(
                    users,
                    json_pack("{sI ss ss ss ss ss ss sI}", "id", (json_int_t)od_rows_int(r, 0), "username",
                              od_rows_text(r, 1), "display_name", od_rows_text(r, 2), "department",
                              od_rows_text(r, 3), "phone", od_rows_text(r, 4), "email", od_rows_text(r, 5),
                              "lang", od_rows_text(r, 6), "roles", (json_int_t)od_rows_int(r, 7))) != 0)
                rc = od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
        }
        free(sv);
        json_decref(scopes);
    }
    od_rows_close(r);
    if (!rc && rc) /* the error is in e: a person who cannot be read is not left out silently */
        rc = OD_E_STORE;
    free(dv);
    json_decref(deps);
    if (rc) {
        json_decref(users);
        return rc;
    }
    *out = users;
    return OD_OK;
}

/* How one user is reached: language, addresses, own channel choice. */
typedef struct reach {
    int lang;
    char phone[64], email[256];
    od_contact c;
} reach;

static od_err reach_load(od_tx *tx, int64_t uid, od_grade level, reach *u, od_error *e)
{
    memset(u, 0, sizeof *u);
    u->lang = OD_LANG_ZH;
    u->c.choice = -1;
    od_rows *r = NULL;
    od_err rc = od_tx_query(tx, OD_Q_NTF_USER_CONTACT, &r, e, OD_BINDS(OD_INT(uid)));
    bool row = false;
    if (!rc)
        rc = od_rows_step(r, &row);
    if (row) {
        snprintf(u->phone, sizeof u->phone, "%s", od_rows_text(r, 0));
        snprintf(u->email, sizeof u->email, "%s", od_rows_text(r, 1));
        if (od_lang_parse(od_rows_text(r, 2)) >= 0)
            u->lang = od_lang_parse(od_rows_text(r, 2));
        u->c.bot = !od_rows_null(r, 3) && od_rows_text(r, 3)[0];
        json_t *pref = od_rows_null(r, 4) ? NULL : json_loads(od_rows_text(r, 4), 0, NULL);
        json_t *lv = json_object_get(pref, od_grade_key(level));
        if (json_is_array(lv)) { /* the user's own choice for this level */
            size_t i;
            json_t *w;
            u->c.choice = 0;
            json_array_foreach(lv, i, w) u->c.choice |= (int)od_contact_parse(json_string_value(w));
        }
        json_decref(pref);
    }
    od_rows_close(r);
    u->c.phone = u->phone[0] != 0;
    u->c.email = u->email[0] != 0;
    return rc;
}

/* The outbox rows of one user. */
static od_err send_one(od_tx *tx, const od_policy *p, const od_out_msg *m, int64_t uid, const reach *u,
                       const char *subject, const char *body, int64_t now, size_t *queued, od_error *e)
{
    static const struct {
        unsigned bit;
        const char *channel;
    } chans[] = {{OD_CONTACT_SMS, "sms"},
                 {OD_CONTACT_EMAIL, "email"},
                 {OD_CONTACT_BOT, "personal_bot"},
                 {OD_CONTACT_INBOX, "inbox"}};
    unsigned want = od_contact_channels(od_notify_level_channels(p, m->level), &u->c);
    od_err rc = OD_OK;
    for (size_t i = 0; !rc && i < sizeof chans / sizeof *chans; i++) {
        if (!(want & chans[i].bit))
            continue;
        const char *addr = chans[i].bit == OD_CONTACT_SMS     ? u->phone
                           : chans[i].bit == OD_CONTACT_EMAIL ? u->email
                                                              : "";
        rc = od_tx_exec(tx, OD_Q_OUTBOX_INSERT, e,
                        OD_BINDS(OD_TEXT(m->cause), OD_INT_OR_NULL(m->incident_id, m->incident_id != 0),
                                 OD_INT(uid), OD_TEXT(chans[i].channel), OD_TEXT(addr), OD_TEXT(m->kind),
                                 OD_TEXT(m->desk ? m->desk : ""), OD_TEXT(subject), OD_TEXT(body),
                                 OD_INT(now), OD_INT(now)));
        if (!rc && queued)
            (*queued)++;
    }
    return rc;
}

od_err od_out_send(od_tx *tx, const od_policy *p, const od_out_msg *m, json_t *users, int64_t now,
                   size_t *queued, od_error *e)
{
    char *subject[OD_LANG__COUNT] = {0}, *body[OD_LANG__COUNT] = {0};
    od_err rc = OD_OK;
    size_t i;
    json_t *v;
    json_array_foreach(users, i, v)
    {
        if (rc)
            break;
        int64_t uid = (int64_t)json_integer_value(json_object_get(v, "id"));
        reach u;
        rc = reach_load(tx, uid, m->level, &u, e);
        if (!rc && !body[u.lang]) /* rendered once per language */
            rc = m->render(m->arg, (od_lang)u.lang, &subject[u.lang], &body[u.lang], e);
        if (!rc)
            rc = send_one(tx, p, m, uid, &u, subject[u.lang], body[u.lang], now, queued, e);
    }
    for (int l = 0; l < OD_LANG__COUNT; l++) {
        free(subject[l]);
        free(body[l]);
    }
    return rc;
}
