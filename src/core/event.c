/* event.c — the event-management rules (seed 004 §6.2, R-EVT-1…4); the
 * contract is in event.h.  No clock, no I/O; the only heap memory is the
 * policy and matcher values, owned by the caller's policy. */
#include "core/event.h"
#include "core/cmdb_vocab.h"
#include "core/keys.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- labels and matchers ---------------------------------------------- */

const char *od_labels_get(const od_labels *ls, const char *name)
{
    for (size_t i = 0; ls && i < ls->n; i++)
        if (ls->v[i].name && strcmp(ls->v[i].name, name) == 0)
            return ls->v[i].value ? ls->v[i].value : "";
    return NULL;
}

const char *od_match_op_str(od_match_op op)
{
    static const char *const s[OD_MOP__COUNT] = {"=", "!=", "=~", "!~"};
    return (unsigned)op < OD_MOP__COUNT ? s[op] : "?";
}

static bool valid_label_name(const char *s)
{
    if (!s || !((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z') || s[0] == '_'))
        return false;
    size_t i = 0;
    for (; s[i]; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') ||
              s[i] == '_'))
            return false;
    return i < OD_EVT_NAME_MAX;
}

/* A matcher's value, shared by its copies (the compiled-window cache hands
 * every ingestion batch copies). */
struct od_matcher_text {
    atomic_int refs;
    char s[];
};

od_err od_matcher_init(od_matcher *m, const char *name, od_match_op op, const char *value, od_error *e)
{
    memset(m, 0, sizeof *m);
    if (!valid_label_name(name))
        return od_error_set(e, OD_E_INVALID, "matchers",
                            "标签名无效 (label name must match [A-Za-z_][A-Za-z0-9_]*, at most %d bytes)",
                            OD_EVT_NAME_MAX - 1);
    if ((unsigned)op >= OD_MOP__COUNT)
        return od_error_set(e, OD_E_INVALID, "matchers", "匹配运算符无效 (operator must be =, !=, =~ or !~)");
    if (!value)
        value = "";
    size_t len = strlen(value);
    if (len >= OD_EVT_VALUE_MAX)
        return od_error_set(e, OD_E_INVALID, "matchers", "匹配值过长 (matcher value over %d bytes)",
                            OD_EVT_VALUE_MAX - 1);
    if (op == OD_MOP_RE || op == OD_MOP_NRE) {
        for (size_t i = 0; i + 1 < len; i++) {
            if (value[i] == '\\' && value[i + 1] >= '1' && value[i + 1] <= '9')
                return od_error_set(e, OD_E_INVALID, "matchers",
                                    "正则不允许反向引用 (back-references are not allowed in a regex)");
            if (value[i] == '\\')
                i++;
        }
        char msg[160];
        m->re = od_regex_new(value, msg, sizeof msg);
        if (!m->re)
            return od_error_set(e, OD_E_INVALID, "matchers",
                                "正则表达式无效或过于复杂：RE2 语法，计数重复最多 1000 次 (嵌套的相乘) "
                                "(invalid regex, or too complex: RE2 syntax, counted repetition at most "
                                "1000, nested ones multiplied): %s",
                                msg);
    }
    m->text = malloc(sizeof *m->text + len + 1);
    if (!m->text) {
        od_matcher_cleanup(m);
        return od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    }
    atomic_init(&m->text->refs, 1);
    memcpy(m->text->s, value, len + 1);
    m->value = m->text->s;
    memcpy(m->name, name, strlen(name) + 1);
    m->op = op;
    return OD_OK;
}

od_err od_matcher_parse(od_matcher *m, const char *text, od_error *e)
{
    memset(m, 0, sizeof *m);
    const char *p = text ? text : "";
    while (*p == ' ' || *p == '\t')
        p++;
    char name[OD_EVT_NAME_MAX];
    size_t n = 0;
    while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_') {
        if (n + 1 >= sizeof name)
            return od_error_set(e, OD_E_INVALID, "matchers", "标签名过长 (label name too long)");
        name[n++] = *p++;
    }
    name[n] = 0;
    while (*p == ' ' || *p == '\t')
        p++;
    od_match_op op;
    if (p[0] == '=' && p[1] == '~')
        op = OD_MOP_RE, p += 2;
    else if (p[0] == '!' && p[1] == '~')
        op = OD_MOP_NRE, p += 2;
    else if (p[0] == '!' && p[1] == '=')
        op = OD_MOP_NE, p += 2;
    else if (p[0] == '=')
        op = OD_MOP_EQ, p += 1;
    else
        return od_error_set(e, OD_E_INVALID, "matchers",
                            "匹配条件须为 name=value、name!=value、name=~regex 或 name!~regex "
                            "(a matcher is name=value, name!=value, name=~regex or name!~regex)");
    while (*p == ' ' || *p == '\t')
        p++;
    char value[OD_EVT_VALUE_MAX];
    size_t v = 0;
    if (*p == '"') {
        p++;
        while (*p && *p != '"') {
            if (*p == '\\' && (p[1] == '"' || p[1] == '\\'))
                p++;
            if (v + 1 >= sizeof value)
                return od_error_set(e, OD_E_INVALID, "matchers", "匹配值过长 (matcher value too long)");
            value[v++] = *p++;
        }
        if (*p != '"')
            return od_error_set(e, OD_E_INVALID, "matchers", "引号未闭合 (unterminated quoted value)");
        p++;
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p)
            return od_error_set(e, OD_E_INVALID, "matchers",
                                "引号后有多余内容 (text after the quoted value)");
    } else {
        size_t len = strlen(p);
        while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t'))
            len--;
        if (len >= sizeof value)
            return od_error_set(e, OD_E_INVALID, "matchers", "匹配值过长 (matcher value too long)");
        memcpy(value, p, len);
        v = len;
    }
    value[v] = 0;
    return od_matcher_init(m, name, op, value, e);
}

void od_matcher_cleanup(od_matcher *m)
{
    if (!m)
        return;
    od_regex_unref(m->re);
    if (m->text && atomic_fetch_sub_explicit(&m->text->refs, 1, memory_order_acq_rel) == 1)
        free(m->text);
    memset(m, 0, sizeof *m);
}

od_err od_matcher_copy(od_matcher *dst, const od_matcher *src, od_error *e)
{
    (void)e;
    *dst = *src;
    if (dst->text)
        atomic_fetch_add_explicit(&dst->text->refs, 1, memory_order_relaxed);
    dst->re = od_regex_ref(src->re);
    return OD_OK;
}

bool od_matcher_matches(const od_matcher *m, const od_labels *ls)
{
    const char *v = od_labels_get(ls, m->name);
    if (!v)
        v = "";
    switch (m->op) {
    case OD_MOP_EQ:
        return strcmp(v, m->value ? m->value : "") == 0;
    case OD_MOP_NE:
        return strcmp(v, m->value ? m->value : "") != 0;
    case OD_MOP_RE:
        return m->re && od_regex_full_match(m->re, v);
    case OD_MOP_NRE:
        return m->re && !od_regex_full_match(m->re, v);
    default:
        return false;
    }
}

bool od_matchers_match(const od_matcher *ms, size_t n, const od_labels *ls)
{
    for (size_t i = 0; i < n; i++)
        if (!od_matcher_matches(&ms[i], ls))
            return false;
    return true;
}

/* ---- fingerprint -------------------------------------------------------- */

#define FNV_PRIME 1099511628211ULL

uint64_t od_fnv1a_str(uint64_t h, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        h ^= *p;
        h *= FNV_PRIME;
    }
    return h;
}

uint64_t od_fnv1a_byte(uint64_t h, unsigned char b)
{
    h ^= b;
    return h * FNV_PRIME;
}

uint64_t od_event_fingerprint(const od_label *ls, size_t n)
{
    if (n > OD_EVT_LABELS_MAX)
        n = OD_EVT_LABELS_MAX;
    const od_label *s[OD_EVT_LABELS_MAX];
    for (size_t i = 0; i < n; i++) { /* insertion sort by name */
        size_t j = i;
        while (j > 0 && strcmp(s[j - 1]->name, ls[i].name) > 0) {
            s[j] = s[j - 1];
            j--;
        }
        s[j] = &ls[i];
    }
    uint64_t h = OD_FNV_OFFSET;
    for (size_t i = 0; i < n; i++) {
        h = od_fnv1a_str(h, s[i]->name);
        h = od_fnv1a_byte(h, 0xFF);
        h = od_fnv1a_str(h, s[i]->value ? s[i]->value : "");
        h = od_fnv1a_byte(h, 0xFF);
    }
    return h;
}

char *od_event_fingerprint_hex(uint64_t fp, char out[17])
{
    static const char hex[] = "0123456789abcdef";
    for (int i = 15; i >= 0; i--) {
        out[i] = hex[fp & 0xF];
        fp >>= 4;
    }
    out[16] = 0;
    return out;
}

/* ---- keys --------------------------------------------------------------- */

static const char *const class_keys[OD_EVC__COUNT] = {"info", "warning", "exception"};
static const char *const class_zh[OD_EVC__COUNT] = {"信息类", "告警类", "异常类"};

const char *od_event_class_key(od_event_class c)
{
    return od_key_name(class_keys, OD_EVC__COUNT, (int)c);
}
const char *od_event_class_name_zh(od_event_class c)
{
    return (unsigned)c < OD_EVC__COUNT ? class_zh[c] : "?";
}

int od_event_class_parse(const char *s)
{
    return od_key_parse(class_keys, OD_EVC__COUNT, s);
}

const char *od_event_severity_label(int sev)
{
    static const char *const labels[OD_SEV__COUNT] = {"critical", "high", "warning"};
    return sev >= 0 && sev < OD_SEV__COUNT ? labels[sev] : labels[OD_SEV_MINOR];
}

const char *od_event_action_key(od_event_action a)
{
    static const char *const k[OD_EVA__COUNT] = {"none", "alert", "webhook"};
    return (unsigned)a < OD_EVA__COUNT ? k[a] : "?";
}

const char *od_dedup_action_key(od_dedup_action a)
{
    static const char *const k[OD_DD__COUNT] = {"new", "new_resolved", "repeat", "resolve", "reopen"};
    return (unsigned)a < OD_DD__COUNT ? k[a] : "?";
}

const char *od_incident_decision_key(od_incident_decision d)
{
    static const char *const k[OD_EVI__COUNT] = {"open", "attach", "no_ci", "no_rule"};
    return (unsigned)d < OD_EVI__COUNT ? k[d] : "?";
}

/* ---- policy ------------------------------------------------------------- */

od_event_policy *od_event_policy_new_default(void)
{
    od_event_policy *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->default_class = OD_EVC_WARNING;
    p->default_response.action = OD_EVA_ALERT_ROLE;
    p->default_response.role = OD_ROLE_MONITORING_ENGINEER;
    p->default_response.classes = (1u << OD_EVC_WARNING) | (1u << OD_EVC_EXCEPTION);
    snprintf(p->default_response.name, sizeof p->default_response.name, "default");
    p->correlation_window_ms = 10 * 60 * 1000LL;
    snprintf(p->group_by[0], OD_EVT_NAME_MAX, "alertname");
    p->n_group_by = 1;
    p->dependency_suppression = true;
    /* narrow, as Alertmanager's explicit inhibition: what a CI runs on or
     * depends on, up to three relations away */
    p->dependency_kinds = (1u << OD_CI_REL_DEPENDS_ON) | (1u << OD_CI_REL_RUNS_ON);
    p->dependency_max_depth = 3;
    p->flap_changes = 4;
    p->flap_window_ms = 30 * 60 * 1000LL;
    static const char *const ci_labels[] = {"ci", "host", "hostname", "instance"};
    for (size_t i = 0; i < 4; i++)
        snprintf(p->ci_labels[i], OD_EVT_NAME_MAX, "%s", ci_labels[i]);
    p->n_ci_labels = 4;
    p->review_sample = 20;
    return p;
}

void od_event_rule_cleanup(od_event_rule *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n_matchers; i++)
        od_matcher_cleanup(&r->matchers[i]);
    free(r->matchers);
    r->matchers = NULL;
    r->n_matchers = 0;
}

static void rules_free(od_event_rules *rs)
{
    for (size_t i = 0; i < rs->n; i++)
        od_event_rule_cleanup(&rs->v[i]);
    free(rs->v);
    rs->v = NULL;
    rs->n = 0;
}

void od_event_policy_free(od_event_policy *p)
{
    if (!p)
        return;
    rules_free(&p->filters);
    rules_free(&p->classification);
    rules_free(&p->responses);
    rules_free(&p->incidents);
    od_event_rule_cleanup(&p->default_response);
    free(p);
}

/* ---- pipeline ----------------------------------------------------------- */

static bool rule_matches(const od_event_rule *r, const od_labels *ls)
{
    return od_matchers_match(r->matchers, r->n_matchers, ls);
}

int od_event_filter(const od_event_policy *p, const od_labels *ls)
{
    for (size_t i = 0; p && i < p->filters.n; i++)
        if (rule_matches(&p->filters.v[i], ls))
            return (int)i;
    return -1;
}

od_dedup_action od_event_dedup(bool have_stored, bool stored_firing, bool firing)
{
    if (!have_stored)
        return firing ? OD_DD_NEW : OD_DD_NEW_RESOLVED;
    if (stored_firing == firing)
        return OD_DD_REPEAT;
    return firing ? OD_DD_REOPEN : OD_DD_RESOLVE;
}

static const char *const state_keys[OD_EVS__COUNT] = {"open",       "handled",  "silenced",
                                                      "suppressed", "filtered", "closed"};

const char *od_event_state_key(od_event_state s)
{
    return od_key_name(state_keys, OD_EVS__COUNT, (int)s);
}

int od_event_state_parse(const char *s)
{
    return od_key_parse(state_keys, OD_EVS__COUNT, s);
}

/* The moves by action; a repeat of a silenced event whose window is over
 * runs again (the one input beyond the action). */
static const od_event_move move_by_action[OD_DD__COUNT] = {
    [OD_DD_NEW] = OD_EVM_RUN,       [OD_DD_NEW_RESOLVED] = OD_EVM_CLOSE, [OD_DD_REPEAT] = OD_EVM_KEEP,
    [OD_DD_RESOLVE] = OD_EVM_CLOSE, [OD_DD_REOPEN] = OD_EVM_RUN,
};

od_event_move od_event_state_move(od_event_state cur, od_dedup_action a, bool window_over)
{
    if ((unsigned)a >= OD_DD__COUNT)
        return OD_EVM_KEEP;
    if (a == OD_DD_REPEAT && cur == OD_EVS_SILENCED && window_over)
        return OD_EVM_RUN;
    return move_by_action[a];
}

od_event_state od_event_state_closed(od_event_state cur)
{
    return cur == OD_EVS_FILTERED ? OD_EVS_FILTERED : OD_EVS_CLOSED;
}

bool od_event_flap_record(od_flap *f, int64_t now, int64_t window_ms, int max_changes)
{
    if (f->n < 0 || f->n > OD_EVT_FLAP_MAX)
        f->n = 0;
    if (window_ms <= 0) {
        f->n = 0;
        return false;
    }
    int keep = 0;
    for (int i = 0; i < f->n; i++)
        if (f->t[i] >= now - window_ms)
            f->t[keep++] = f->t[i];
    f->n = keep;
    if (f->n == OD_EVT_FLAP_MAX) {
        memmove(f->t, f->t + 1, (OD_EVT_FLAP_MAX - 1) * sizeof f->t[0]);
        f->n--;
    }
    f->t[f->n++] = now;
    return f->n > max_changes;
}

od_classify_result od_event_classify(const od_event_policy *p, const od_labels *ls, int ci_grade)
{
    for (size_t i = 0; p && i < p->classification.n; i++) {
        const od_event_rule *r = &p->classification.v[i];
        if (r->ci_grades &&
            (ci_grade < 0 || ci_grade >= OD_GRADE__COUNT || !(r->ci_grades & (1u << (unsigned)ci_grade))))
            continue;
        if (rule_matches(r, ls))
            return (od_classify_result){r->cls, (int)i};
    }
    return (od_classify_result){p ? p->default_class : OD_EVC_WARNING, -1};
}

bool od_window_active(const od_window *w, int64_t now)
{
    return w->starts_at <= now && now <= w->ends_at;
}

bool od_window_matches(const od_window *w, const od_labels *ls, int64_t ci_id, int64_t now)
{
    if (!od_window_active(w, now))
        return false;
    if (w->ci_id == 0 && w->n_matchers == 0)
        return false;
    if (w->ci_id != 0 && w->ci_id != ci_id)
        return false;
    return od_matchers_match(w->matchers, w->n_matchers, ls);
}

int od_windows_match(const od_window *ws, size_t n, const od_labels *ls, int64_t ci_id, int64_t now)
{
    for (size_t i = 0; i < n; i++)
        if (od_window_matches(&ws[i], ls, ci_id, now))
            return (int)i;
    return -1;
}

int64_t od_event_suppressed_by(const od_event_policy *p, const int64_t *upstream, size_t n,
                               const int64_t *troubled, size_t m)
{
    if (p && !p->dependency_suppression)
        return 0;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < m; j++)
            if (upstream[i] != 0 && upstream[i] == troubled[j])
                return upstream[i];
    return 0;
}

bool od_event_group_key(const od_event_policy *p, const od_labels *ls, int64_t ci_id, const char *dedup_key,
                        char *out, size_t n)
{
    if (n == 0)
        return false;
    int w;
    if (ci_id > 0) {
        w = snprintf(out, n, "ci:%lld", (long long)ci_id);
        return w >= 0 && (size_t)w < n;
    }
    size_t o = 0;
    bool any = false, fits = true;
    out[0] = 0;
    for (size_t i = 0; p && i < p->n_group_by; i++) {
        const char *v = od_labels_get(ls, p->group_by[i]);
        if (!v)
            continue;
        w = snprintf(out + o, n - o, "%s%s=%s;", any ? "" : "labels:", p->group_by[i], v);
        any = true;
        if (w < 0 || (size_t)w >= n - o) {
            fits = false;
            break;
        }
        o += (size_t)w;
    }
    if (any)
        return fits;
    w = snprintf(out, n, "key:%s", dedup_key ? dedup_key : "");
    return w >= 0 && (size_t)w < n;
}

bool od_event_grouped(const od_event_policy *p, int64_t group_last_at, int64_t now)
{
    if (!p || p->correlation_window_ms <= 0 || group_last_at <= 0)
        return false;
    return now < group_last_at + p->correlation_window_ms;
}

od_response od_event_respond(const od_event_policy *p, const od_labels *ls, od_event_class cls)
{
    for (size_t i = 0; p && i < p->responses.n; i++) {
        const od_event_rule *r = &p->responses.v[i];
        if (!(r->classes & (1u << cls)))
            continue;
        if (rule_matches(r, ls))
            return (od_response){r->action, (int)i, r->channel, r->role};
    }
    if (!p)
        return (od_response){OD_EVA_ALERT_ROLE, -1, "", OD_ROLE_MONITORING_ENGINEER};
    return (od_response){p->default_response.action, -1, p->default_response.channel,
                         p->default_response.role};
}

int od_event_incident_rule(const od_event_policy *p, const od_labels *ls)
{
    for (size_t i = 0; p && i < p->incidents.n; i++)
        if (rule_matches(&p->incidents.v[i], ls))
            return (int)i;
    return -1;
}

od_incident_decision od_event_incident_decide(int rule, bool have_ci, int64_t open_incident)
{
    if (rule < 0)
        return OD_EVI_NO_RULE;
    if (!have_ci)
        return OD_EVI_NO_CI;
    return open_incident > 0 ? OD_EVI_ATTACH : OD_EVI_OPEN;
}

/* "host:9100" → length of "host" when the value ends in ':' + digits. */
static size_t without_port(const char *v)
{
    const char *c = strrchr(v, ':');
    if (!c || c == v || !c[1])
        return 0;
    for (const char *d = c + 1; *d; d++)
        if (*d < '0' || *d > '9')
            return 0;
    return (size_t)(c - v);
}

size_t od_event_ci_candidates(const od_event_policy *p, const char *ci_name, const od_labels *ls,
                              const char **out, size_t max, char *buf, size_t buf_len)
{
    size_t n = 0, used = 0;
    if (ci_name && *ci_name && n < max)
        out[n++] = ci_name;
    for (size_t i = 0; p && i < p->n_ci_labels && n < max; i++) {
        const char *v = od_labels_get(ls, p->ci_labels[i]);
        if (!v || !*v)
            continue;
        out[n++] = v;
        size_t k = without_port(v);
        if (k && n < max && used + k + 1 <= buf_len) {
            memcpy(buf + used, v, k);
            buf[used + k] = 0;
            out[n++] = buf + used;
            used += k + 1;
        }
    }
    return n;
}
