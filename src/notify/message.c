/* message.c — templates and delivery settings of the policy (message.h).
 * The policy is the caller's: the loader has already filled in everything a
 * policy file leaves out from policy/default.yaml, so nothing here parses
 * or keeps a policy.  A policy that was not loaded (NULL, or the bare
 * od_policy_new_default() of a test) gets the fixed fallbacks below and no
 * templates. */
#include "notify/message.h"

#include "util/template.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- rendering --------------------------------------------------------- */

typedef struct lookup_ctx {
    const od_msg_vars *vars;
    char **defused; /* values with the marker defused (owned) */
} lookup_ctx;

static const char *lookup(void *vctx, const char *name)
{
    lookup_ctx *c = vctx;
    int i = od_msg_var_parse(name);
    if (i < 0)
        return NULL;
    if (i == OD_V_ACK_LINK)
        return OD_ACK_MARK;
    const char *v = c->vars ? c->vars->v[i] : NULL;
    if (v && c->defused[i])
        return c->defused[i];
    return v ? v : "";
}

/* A value with OD_ACK_MARK in it (user text) would become a link position:
 * "{{" of the marker is written "{ {". */
static char *defuse(const char *v)
{
    size_t ml = strlen(OD_ACK_MARK);
    size_t n = 0;
    for (const char *p = v; (p = strstr(p, OD_ACK_MARK)); p += ml)
        n++;
    char *o = malloc(strlen(v) + n + 1);
    if (!o)
        return NULL;
    char *w = o;
    for (const char *p = v; *p;) {
        if (strncmp(p, OD_ACK_MARK, ml) == 0) {
            memcpy(w, "{ {", 3);
            w += 3;
            p += 2;
        } else {
            *w++ = *p++;
        }
    }
    *w = '\0';
    return o;
}

static const od_msg_template *pick(const od_policy *p, od_msg_kind k, od_lang lang)
{
    const od_msg_template *t = p ? &p->notify.templates[k][lang] : NULL;
    if (t && t->body[0])
        return t;
    if (p && lang != OD_LANG_ZH) /* no English text: Chinese first */
        return pick(p, k, OD_LANG_ZH);
    return NULL;
}

od_err od_msg_render(const od_policy *p, od_msg_kind k, od_lang lang, const od_msg_vars *vars, char **subject,
                     char **body, od_error *e)
{
    *subject = *body = NULL;
    if ((unsigned)k >= OD_MSG__COUNT || (unsigned)lang >= OD_LANG__COUNT)
        return od_error_set(e, OD_E_INVALID, NULL, "unknown message kind or language");
    const od_msg_template *t = pick(p, k, lang);
    if (!t)
        return od_error_set(e, OD_E_INVALID, "templates",
                            "策略没有 %s 消息模板 (the policy has no %s template)", od_msg_kind_key(k),
                            od_msg_kind_key(k));
    char *defused[OD_V__COUNT] = {0};
    lookup_ctx c = {vars, defused};
    od_err rc = OD_OK;
    for (int i = 0; i < OD_V__COUNT && !rc; i++)
        if (vars && vars->v[i] && strstr(vars->v[i], OD_ACK_MARK) && !(defused[i] = defuse(vars->v[i])))
            rc = od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    if (!rc)
        rc = od_template_render(t->subject[0] ? t->subject : "{{number}}", lookup, &c, false, subject, e);
    if (!rc)
        rc = od_template_render(t->body, lookup, &c, false, body, e);
    for (int i = 0; i < OD_V__COUNT; i++)
        free(defused[i]);
    if (!rc && strchr(*subject, '\n')) /* a subject is one line */
        for (char *s = *subject; *s; s++)
            if (*s == '\n' || *s == '\r')
                *s = ' ';
    if (rc) {
        free(*subject);
        free(*body);
        *subject = *body = NULL;
    }
    return rc;
}

char *od_msg_put_link(const char *body, const char *link)
{
    const char *m = strstr(body, OD_ACK_MARK);
    if (!m)
        return strdup(body);
    size_t ml = strlen(OD_ACK_MARK);
    if (link && *link) {
        size_t n = strlen(body) - ml + strlen(link);
        char *o = malloc(n + 1);
        if (!o)
            return NULL;
        size_t pre = (size_t)(m - body);
        memcpy(o, body, pre);
        memcpy(o + pre, link, strlen(link));
        memcpy(o + pre + strlen(link), m + ml, strlen(m + ml) + 1);
        return o;
    }
    /* drop the line [start, end] that holds the marker, with its newline */
    const char *start = m;
    while (start > body && start[-1] != '\n')
        start--;
    const char *end = strchr(m, '\n');
    end = end ? end + 1 : m + strlen(m);
    if (!*end && start > body) /* last line: drop the newline before it */
        start--;
    size_t n = (size_t)(start - body) + strlen(end);
    char *o = malloc(n + 1);
    if (!o)
        return NULL;
    memcpy(o, body, (size_t)(start - body));
    memcpy(o + (start - body), end, strlen(end) + 1);
    return o;
}

/* ---- settings ---------------------------------------------------------- */

int od_notify_max_attempts(const od_policy *p)
{
    return p && p->notify.max_attempts > 0 ? p->notify.max_attempts : 8;
}

int64_t od_notify_ack_ttl_ms(const od_policy *p)
{
    return p && p->notify.ack_link_ttl_ms > 0 ? p->notify.ack_link_ttl_ms : 24LL * 3600 * 1000;
}

unsigned od_notify_level_channels(const od_policy *p, od_grade g)
{
    if ((unsigned)g >= OD_GRADE__COUNT)
        return 0;
    if (p && p->notify.level_channels[g])
        return p->notify.level_channels[g];
    return OD_CONTACT_SMS | OD_CONTACT_EMAIL | OD_CONTACT_BOT;
}

static const od_notify_policy *desks_of(const od_policy *p)
{
    static const od_notify_policy none;
    return p ? &p->notify : &none;
}

size_t od_notify_n_desks(const od_policy *p)
{
    return desks_of(p)->n_desks;
}

const od_desk *od_notify_desk_at(const od_policy *p, size_t i)
{
    const od_notify_policy *n = desks_of(p);
    return i < n->n_desks ? &n->desks[i] : NULL;
}

const od_desk *od_notify_desk(const od_policy *p, const char *key)
{
    const od_notify_policy *n = desks_of(p);
    for (size_t i = 0; key && i < n->n_desks; i++)
        if (strcmp(n->desks[i].key, key) == 0)
            return &n->desks[i];
    return NULL;
}

const char *od_notify_system_desk(const od_policy *p)
{
    return p && p->notify.system_desk[0] ? p->notify.system_desk : "ops_security";
}

const char *od_notify_desk_label(const od_policy *p, const char *key, char *buf, size_t n)
{
    const od_desk *d = od_notify_desk(p, key);
    if (!d)
        snprintf(buf, n, "%s", key ? key : "");
    else
        snprintf(buf, n, "%s (%s)", d->name_zh, d->name_en);
    return buf;
}

const char *od_notify_drill_tag(const od_policy *p, od_lang lang)
{
    if ((unsigned)lang >= OD_LANG__COUNT)
        return "";
    return p ? p->notify.drill_tag[lang] : "";
}

const char *od_msg_time(int64_t ms, char buf[OD_MSG_TIME_MAX])
{
    time_t t = (time_t)((ms >= 0 ? ms / 1000 : (ms - 999) / 1000) + 8 * 3600);
    struct tm tm;
    gmtime_r(&t, &tm);
    snprintf(buf, OD_MSG_TIME_MAX, "%04u-%02u-%02u %02u:%02u (UTC+08:00)",
             (unsigned)(tm.tm_year + 1900) % 10000u, (unsigned)(tm.tm_mon + 1) % 100u,
             (unsigned)tm.tm_mday % 100u, (unsigned)tm.tm_hour % 100u, (unsigned)tm.tm_min % 100u);
    return buf;
}
