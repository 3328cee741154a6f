/* message.c — templates and delivery settings of the policy (message.h).
 * The fallback for anything a policy file leaves out is the embedded
 * policy/default.yaml, parsed once under pthread_once and kept for the
 * process's life (it is immutable, like every od_policy). */
#include "notify/message.h"

#include "app/policy_load.h"
#include "notify/template.h"
#include "util/embed.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *const kind_keys[OD_MSG__COUNT] = {"first",      "second",   "progress",         "final",
                                                     "escalation", "reminder", "progress_reminder",
                                                     "event_alert", "opened"};
static const char *const lang_keys[OD_LANG__COUNT] = {"zh-CN", "en"};
static const char *const var_names[OD_V__COUNT] = {
    "number",         "title",          "drill",           "level",          "level_name",
    "severity",       "severity_name",  "response_level",  "response_name",  "detected_at",
    "location",       "symptoms",       "impact_scope",    "desk",           "reporter",
    "system_impact",  "estimated_recovery_at", "progress", "cause",          "process",
    "current_state",  "business_impact_minutes", "improvements", "from_level", "reason",
    "authority",      "ack_within_minutes", "due_at",      "ack_link",
    "event_id",       "event_class",    "summary",         "source",         "dedup_key",
    "ci",             "first_report_minutes"};
_Static_assert(sizeof var_names / sizeof *var_names == OD_V__COUNT, "one name per variable");

/* R-NOT-2 (seed 000 ch. 7 §2.1 item 5): the report fields; every alarm also
 * names the incident, its levels and carries the acknowledgement link. */
static const od_msg_var req_first[] = {OD_V_NUMBER,   OD_V_LEVEL,        OD_V_RESPONSE_LEVEL, OD_V_DETECTED_AT,
                                       OD_V_LOCATION, OD_V_SYMPTOMS,     OD_V_IMPACT_SCOPE,   OD_V_ACK_LINK};
static const od_msg_var req_second[] = {OD_V_NUMBER,        OD_V_LEVEL,  OD_V_RESPONSE_LEVEL, OD_V_SYSTEM_IMPACT,
                                        OD_V_ESTIMATED_RECOVERY_AT, OD_V_ACK_LINK};
static const od_msg_var req_progress[] = {OD_V_NUMBER, OD_V_LEVEL, OD_V_RESPONSE_LEVEL, OD_V_PROGRESS,
                                          OD_V_ACK_LINK};
static const od_msg_var req_final[] = {OD_V_NUMBER,  OD_V_LEVEL,         OD_V_RESPONSE_LEVEL,
                                       OD_V_CAUSE,   OD_V_PROCESS,       OD_V_CURRENT_STATE,
                                       OD_V_BUSINESS_IMPACT_MINUTES,     OD_V_IMPROVEMENTS};
static const od_msg_var req_escalation[] = {OD_V_NUMBER, OD_V_LEVEL, OD_V_FROM_LEVEL, OD_V_RESPONSE_LEVEL,
                                            OD_V_REASON, OD_V_ACK_LINK};
static const od_msg_var req_reminder[] = {OD_V_NUMBER, OD_V_LEVEL, OD_V_RESPONSE_LEVEL, OD_V_ACK_WITHIN_MINUTES,
                                          OD_V_ACK_LINK};
static const od_msg_var req_preminder[] = {OD_V_NUMBER, OD_V_RESPONSE_LEVEL, OD_V_DUE_AT};
/* an event alert names the event, what it is and where it comes from */
static const od_msg_var req_event_alert[] = {OD_V_EVENT_ID, OD_V_EVENT_CLASS, OD_V_SEVERITY, OD_V_SUMMARY,
                                             OD_V_SOURCE, OD_V_DEDUP_KEY};
/* an incident opened by an event: which, and when its first report is due */
static const od_msg_var req_opened[] = {OD_V_NUMBER, OD_V_LEVEL, OD_V_RESPONSE_LEVEL, OD_V_DETECTED_AT,
                                        OD_V_DUE_AT};
static const struct {
    const od_msg_var *v;
    size_t n;
} required[OD_MSG__COUNT] = {
#define R_(a) {a, sizeof a / sizeof *a}
    R_(req_first),      R_(req_second),   R_(req_progress), R_(req_final),
    R_(req_escalation), R_(req_reminder), R_(req_preminder), R_(req_event_alert), R_(req_opened),
#undef R_
};

const char *od_msg_kind_key(od_msg_kind k) { return (unsigned)k < OD_MSG__COUNT ? kind_keys[k] : "?"; }
const char *od_lang_key(od_lang l) { return (unsigned)l < OD_LANG__COUNT ? lang_keys[l] : "?"; }
const char *od_msg_var_name(od_msg_var v) { return (unsigned)v < OD_V__COUNT ? var_names[v] : "?"; }

int od_msg_kind_parse(const char *s)
{
    for (int i = 0; s && i < OD_MSG__COUNT; i++)
        if (strcmp(s, kind_keys[i]) == 0)
            return i;
    return -1;
}

int od_lang_parse(const char *s)
{
    for (int i = 0; s && i < OD_LANG__COUNT; i++)
        if (strcmp(s, lang_keys[i]) == 0)
            return i;
    return -1;
}

size_t od_msg_required(od_msg_kind k, const od_msg_var **out)
{
    if ((unsigned)k >= OD_MSG__COUNT) {
        *out = NULL;
        return 0;
    }
    *out = required[k].v;
    return required[k].n;
}

/* ---- the default policy ---------------------------------------------- */

static pthread_once_t dflt_once = PTHREAD_ONCE_INIT;
static od_policy *dflt; /* the embedded default policy, or NULL if it failed */

static void dflt_load(void)
{
    const struct od_embedded_file *f = od_embed_find(od_embedded_policy, "default.yaml");
    if (f && od_policy_load_buffer((const char *)f->data, f->len, &dflt, NULL) != OD_OK)
        dflt = NULL;
}

static const od_notify_policy *dflt_notify(void)
{
    static const od_notify_policy empty;
    pthread_once(&dflt_once, dflt_load);
    return dflt ? &dflt->notify : &empty;
}

/* ---- checking and rendering ------------------------------------------ */

typedef struct lookup_ctx {
    const od_msg_vars *vars;
    const char *sample; /* non-NULL: every known name gives this */
    char **defused;     /* values with the marker defused (owned) */
} lookup_ctx;

static const char *lookup(void *vctx, const char *name)
{
    lookup_ctx *c = vctx;
    for (int i = 0; i < OD_V__COUNT; i++) {
        if (strcmp(var_names[i], name) != 0)
            continue;
        if (c->sample)
            return c->sample;
        if (i == OD_V_ACK_LINK)
            return OD_ACK_MARK;
        const char *v = c->vars ? c->vars->v[i] : NULL;
        if (v && c->defused[i])
            return c->defused[i];
        return v ? v : "";
    }
    return NULL;
}

od_err od_msg_check(od_msg_kind k, const char *tpl, bool req, od_error *e)
{
    char *out = NULL;
    lookup_ctx c = {NULL, "x", NULL};
    od_err rc = od_template_render(tpl, lookup, &c, false, &out, e);
    free(out);
    if (rc || !req)
        return rc;
    const od_msg_var *v;
    size_t n = od_msg_required(k, &v);
    for (size_t i = 0; i < n; i++) {
        /* the placeholder, with or without inner spaces */
        char a[80], b[80];
        snprintf(a, sizeof a, "{{%s}}", var_names[v[i]]);
        snprintf(b, sizeof b, "{{ %s }}", var_names[v[i]]);
        if (!strstr(tpl, a) && !strstr(tpl, b))
            return od_error_set(e, OD_E_INVALID, var_names[v[i]],
                                "must contain {{%s}} (a %s message needs it: R-NOT-2)", var_names[v[i]],
                                kind_keys[k]);
    }
    return OD_OK;
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
    t = &dflt_notify()->templates[k][lang];
    if (t->body[0])
        return t;
    if (lang != OD_LANG_ZH) /* no English text anywhere: Chinese first */
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
        return od_error_set(e, OD_E_INVALID, "templates", "策略没有 %s 消息模板 (the policy has no %s template)",
                            kind_keys[k], kind_keys[k]);
    char *defused[OD_V__COUNT] = {0};
    lookup_ctx c = {vars, NULL, defused};
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
    if (p && p->notify.max_attempts > 0)
        return p->notify.max_attempts;
    int d = dflt_notify()->max_attempts;
    return d > 0 ? d : 8;
}

int64_t od_notify_ack_ttl_ms(const od_policy *p)
{
    if (p && p->notify.ack_link_ttl_ms > 0)
        return p->notify.ack_link_ttl_ms;
    int64_t d = dflt_notify()->ack_link_ttl_ms;
    return d > 0 ? d : 24LL * 3600 * 1000;
}

unsigned od_notify_level_channels(const od_policy *p, od_grade g)
{
    if ((unsigned)g >= OD_GRADE__COUNT)
        return 0;
    if (p && p->notify.level_channels[g])
        return p->notify.level_channels[g];
    unsigned d = dflt_notify()->level_channels[g];
    return d ? d : OD_CONTACT_SMS | OD_CONTACT_EMAIL | OD_CONTACT_BOT;
}

static const od_notify_policy *desks_of(const od_policy *p)
{
    return p && p->notify.n_desks ? &p->notify : dflt_notify();
}

size_t od_notify_n_desks(const od_policy *p) { return desks_of(p)->n_desks; }

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
    if (p && p->notify.system_desk[0])
        return p->notify.system_desk;
    const char *d = dflt_notify()->system_desk;
    return d[0] ? d : "ops_security";
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
    if (p && p->notify.drill_tag_set)
        return p->notify.drill_tag[lang];
    return dflt_notify()->drill_tag[lang];
}

const char *od_msg_time(int64_t ms, char buf[OD_MSG_TIME_MAX])
{
    time_t t = (time_t)((ms >= 0 ? ms / 1000 : (ms - 999) / 1000) + 8 * 3600);
    struct tm tm;
    gmtime_r(&t, &tm);
    snprintf(buf, OD_MSG_TIME_MAX, "%04u-%02u-%02u %02u:%02u (UTC+08:00)", (unsigned)(tm.tm_year + 1900) % 10000u,
             (unsigned)(tm.tm_mon + 1) % 100u, (unsigned)tm.tm_mday % 100u, (unsigned)tm.tm_hour % 100u,
             (unsigned)tm.tm_min % 100u);
    return buf;
}
