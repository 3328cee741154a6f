/* policy_load_notify.c — the `templates:` and `notify:` sections of the
 * policy file (R-NOT-2/3/4/7), loaded onto od_policy.notify with
 * line-numbered findings like the rest of the loader (policy_load_int.h).
 * Schema: docs/notify.md and docs/policy.md. */
#include "policy/policy_load_int.h"
#include "core/keys.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- notification sections ------------------------------------
 * templates:            per message kind, per language, a subject and a
 *   first:              body in the {{name}} syntax of util/template.h.
 *     zh-CN: {subject: "…", body: "…"}
 *     en: {subject: "…", body: "…"}
 * notify: desks (R-NOT-3), system_desk, max_attempts, ack_link_ttl,
 *         channels per incident level, drill_tag, bridge, place.
 * Each template is rendered with sample values here, and each body must
 * hold the placeholders its kind requires (notify/message.h), so a policy
 * with a broken template fails `opsdesk policy check` with its line. */

static const char *msg_kind_i(int i)
{
    return od_msg_kind_key((od_msg_kind)i);
}
static const char *lang_i(int i)
{
    return od_lang_key((od_lang)i);
}

/* One template text into dst (size bytes); checked by od_msg_check. */
static void load_tpl_text(ctx *c, const node *n, const char *path, od_msg_kind k, bool body, char *dst,
                          size_t size)
{
    const char *s;
    if (!od_pl_get_str(c, n, path, size, &s))
        return;
    od_error e = {0};
    if (od_msg_check(k, s, body, &e) != OD_OK) {
        /* the line of the bad placeholder inside a | block, else the value's */
        int line = n->line;
        const char *q = strchr(e.message, '"'), *bad = NULL;
        if (n->block && q && strchr(q + 1, '"')) {
            char name[80];
            size_t len = (size_t)(strchr(q + 1, '"') - q - 1);
            snprintf(name, sizeof name, "%.*s", (int)(len < 70 ? len : 70), q + 1);
            for (const char *t = s; !bad && (t = strstr(t, "{{")); t += 2) {
                const char *u = t + 2;
                while (*u == ' ')
                    u++;
                if (strncmp(u, name, strlen(name)) == 0)
                    bad = t;
            }
        } else if (n->block && strstr(e.message, "unterminated")) {
            bad = strstr(s, "{{");
            for (const char *t = bad; t && (t = strstr(t + 2, "{{"));)
                bad = t; /* the last "{{" is the unterminated one */
        }
        if (bad) {
            line++;
            for (const char *t = s; t < bad; t++)
                line += *t == '\n';
        }
        od_pl_diag(c, line, n->col, "%s: %s", path, e.message);
        return;
    }
    od_pl_copy_fixed(dst, size, s);
}

void od_pl_load_templates(ctx *c, od_policy *pol, const node *v)
{
    fields fk;
    KEYS_OF(fk, "message kind", msg_kind_i, OD_MSG__COUNT);
    if (!od_pl_map_fields(c, v, "templates", &fk))
        return;
    for (int k = 0; k < OD_MSG__COUNT; k++) {
        if (!fk.val[k])
            continue;
        char pk[PATH_MAX_LEN];
        od_pl_sub(pk, "templates", fk.names[k]);
        fields fl;
        KEYS_OF(fl, "language", lang_i, OD_LANG__COUNT);
        if (!od_pl_map_fields(c, fk.val[k], pk, &fl))
            continue;
        if (!fl.val[OD_LANG_ZH])
            od_pl_diag(c, fk.key[k]->line, fk.key[k]->col,
                       "%s: missing language 'zh-CN' (Chinese comes first)", pk);
        for (int l = 0; l < OD_LANG__COUNT; l++) {
            if (!fl.val[l])
                continue;
            char pl[PATH_MAX_LEN], q[PATH_MAX_LEN];
            od_pl_sub(pl, pk, fl.names[l]);
            fields ft = {.what = "key", .names = {"subject", "body"}, .n = 2};
            if (!od_pl_map_fields(c, fl.val[l], pl, &ft))
                continue;
            od_pl_require_all(c, fl.key[l], pl, &ft);
            od_msg_template *t = &pol->notify.templates[k][l];
            if (ft.val[0]) {
                od_pl_sub(q, pl, "subject");
                load_tpl_text(c, ft.val[0], q, (od_msg_kind)k, false, t->subject, sizeof t->subject);
            }
            if (ft.val[1]) {
                od_pl_sub(q, pl, "body");
                load_tpl_text(c, ft.val[1], q, (od_msg_kind)k, true, t->body, sizeof t->body);
            }
        }
    }
}

static bool valid_desk_key(const char *s)
{
    return od_pl_valid_cat_key(s) && strlen(s) < OD_KEY_MAX;
}

static void load_desks(ctx *c, od_policy *pol, const node *v)
{
    if (!od_pl_want(c, v, N_SEQ, "notify.desks"))
        return;
    if (v->n > OD_DESK_MAX) {
        od_pl_diag(c, v->line, v->col, "notify.desks: more than %d desks", OD_DESK_MAX);
        return;
    }
    od_notify_policy *n = &pol->notify;
    n->n_desks = 0;
    for (size_t i = 0; i < v->n; i++) {
        char p[PATH_MAX_LEN], q[PATH_MAX_LEN];
        od_pl_idx(p, "notify.desks", i);
        fields f = {.what = "key", .names = {"key", "name_zh", "name_en", "phone"}, .n = 4};
        if (!od_pl_map_fields(c, v->kids[i], p, &f))
            continue;
        fields req = f;
        req.n = 3; /* the phone is optional */
        if (!od_pl_require_all(c, v->kids[i], p, &req))
            continue;
        const char *key, *zh, *en;
        od_pl_sub(q, p, "key");
        bool ok = od_pl_get_str(c, f.val[0], q, OD_KEY_MAX, &key);
        if (ok && !valid_desk_key(key)) {
            od_pl_diag(c, f.val[0]->line, f.val[0]->col, "%s: a desk key is lower case letters, digits and _",
                       q);
            ok = false;
        }
        od_pl_sub(q, p, "name_zh");
        ok = od_pl_get_str(c, f.val[1], q, OD_NAME_MAX, &zh) && ok;
        od_pl_sub(q, p, "name_en");
        ok = od_pl_get_str(c, f.val[2], q, OD_NAME_MAX, &en) && ok;
        const char *phone = "";
        od_pl_sub(q, p, "phone");
        if (f.val[3])
            ok = od_pl_get_str(c, f.val[3], q, 32, &phone) && ok;
        for (size_t j = 0; ok && j < n->n_desks; j++)
            if (strcmp(n->desks[j].key, key) == 0) {
                od_pl_diag(c, f.val[0]->line, f.val[0]->col, "%s: duplicate desk key '%s'", q, key);
                ok = false;
            }
        if (!ok)
            continue;
        od_desk *d = &n->desks[n->n_desks++];
        od_pl_copy_fixed(d->key, sizeof d->key, key);
        od_pl_copy_fixed(d->name_zh, sizeof d->name_zh, zh);
        od_pl_copy_fixed(d->name_en, sizeof d->name_en, en);
        od_pl_copy_fixed(d->phone, sizeof d->phone, phone);
    }
}

static const char *const contact_keys[] = {"sms", "email", "bot"};
static const char *contact_i(int i)
{
    return od_key_name(contact_keys, 3, i);
}
static int contact_parse(const char *s)
{
    return od_key_parse(contact_keys, 3, s);
}

enum {
    NT_DESKS,
    NT_SYSTEM_DESK,
    NT_MAX_ATTEMPTS,
    NT_TTL,
    NT_CHANNELS,
    NT_DRILL,
    NT_BRIDGE,
    NT_PLACE,
    NT__COUNT
};

void od_pl_load_notify(ctx *c, od_policy *pol, const node *v)
{
    fields f = {.what = "key",
                .names = {"desks", "system_desk", "max_attempts", "ack_link_ttl", "channels", "drill_tag",
                          "bridge", "place"},
                .n = NT__COUNT};
    if (!od_pl_map_fields(c, v, "notify", &f))
        return;
    od_notify_policy *n = &pol->notify;
    if (f.val[NT_DESKS])
        load_desks(c, pol, f.val[NT_DESKS]);
    if (f.val[NT_SYSTEM_DESK]) {
        const char *s;
        if (od_pl_get_str(c, f.val[NT_SYSTEM_DESK], "notify.system_desk", OD_KEY_MAX, &s)) {
            bool known = !f.val[NT_DESKS] && (strcmp(s, "monitoring") == 0 || strcmp(s, "ops_security") == 0);
            for (size_t i = 0; i < n->n_desks; i++)
                known = known || strcmp(n->desks[i].key, s) == 0;
            if (!known)
                od_pl_diag(c, f.val[NT_SYSTEM_DESK]->line, f.val[NT_SYSTEM_DESK]->col,
                           "notify.system_desk: '%s' is not one of notify.desks", s);
            else
                od_pl_copy_fixed(n->system_desk, sizeof n->system_desk, s);
        }
    }
    if (f.val[NT_MAX_ATTEMPTS])
        od_pl_get_int(c, f.val[NT_MAX_ATTEMPTS], "notify.max_attempts", 1, 100, &n->max_attempts);
    if (f.val[NT_TTL])
        od_pl_get_duration(c, f.val[NT_TTL], "notify.ack_link_ttl", false, &n->ack_link_ttl_ms);
    if (f.val[NT_CHANNELS]) {
        fields fg;
        KEYS_OF(fg, "grade", od_pl_grade_key_i, OD_GRADE__COUNT);
        if (od_pl_map_fields(c, f.val[NT_CHANNELS], "notify.channels", &fg)) {
            for (int g = 0; g < OD_GRADE__COUNT; g++) {
                if (!fg.val[g])
                    continue;
                char p[PATH_MAX_LEN];
                od_pl_sub(p, "notify.channels", fg.names[g]);
                uint64_t bits = 0;
                if (!od_pl_get_enum_set(c, fg.val[g], p, "channel", contact_parse, contact_i, 3, &bits))
                    continue;
                if (!bits)
                    od_pl_diag(c, fg.val[g]->line, fg.val[g]->col, "%s: list at least one of sms, email, bot",
                               p);
                /* bit i of the list is OD_CONTACT_* (1 << i) */
                n->level_channels[g] = bits;
            }
        }
    }
    if (f.val[NT_DRILL]) {
        fields fl;
        KEYS_OF(fl, "language", lang_i, OD_LANG__COUNT);
        if (od_pl_map_fields(c, f.val[NT_DRILL], "notify.drill_tag", &fl)) {
            for (int l = 0; l < OD_LANG__COUNT; l++) {
                char p[PATH_MAX_LEN];
                const char *s;
                od_pl_sub(p, "notify.drill_tag", fl.names[l]);
                if (fl.val[l] && od_pl_get_str(c, fl.val[l], p, sizeof n->drill_tag[l], &s))
                    od_pl_copy_fixed(n->drill_tag[l], sizeof n->drill_tag[l], s);
            }
            n->drill_tag_set = true;
        }
    }
    /* seed 000 ch. 7 §2.1 item 6: the conference bridge and the place */
    const char *s;
    if (f.val[NT_BRIDGE] && od_pl_get_str(c, f.val[NT_BRIDGE], "notify.bridge", sizeof n->bridge, &s))
        od_pl_copy_fixed(n->bridge, sizeof n->bridge, s);
    if (f.val[NT_PLACE] && od_pl_get_str(c, f.val[NT_PLACE], "notify.place", sizeof n->place, &s))
        od_pl_copy_fixed(n->place, sizeof n->place, s);
}
