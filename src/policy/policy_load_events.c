/* policy_load_events.c — the `events:` section of the policy file
 * (R-EVT-1…4): filters, classification, correlation, responses and incident
 * rules onto core/event.h's od_event_policy, with line-numbered findings
 * like the rest of the loader (policy_load_int.h).  Schema: docs/policy.md. */
#include "policy/policy_load_int.h"
#include "core/cmdb_vocab.h"

#include <stdlib.h>
#include <string.h>

/* ---- the `events:` section (R-EVT-1…4, core/event.h) ---------- */

enum { RK_FILTER, RK_CLASSIFY, RK_RESPOND, RK_INCIDENT };

static const char *rel_key_i(int i)
{
    return od_ci_rel_key((od_ci_rel)i);
}

static void ev_copy(char *dst, size_t size, const char *s)
{
    od_pl_copy_fixed(dst, size, s);
}

/* A list of matcher strings (`name=value`, `name=~"re"` …) into r. */
static void load_ev_matchers(ctx *c, const node *n, const char *path, od_event_rule *r)
{
    if (n->kind == N_SEQ && n->n == 0)
        return;
    if (!od_pl_want(c, n, N_SEQ, path))
        return;
    if (n->n > OD_EVT_MATCHERS_MAX) {
        od_pl_diag(c, n->line, n->col, "%s: at most %d matchers", path, OD_EVT_MATCHERS_MAX);
        return;
    }
    r->matchers = calloc(n->n, sizeof *r->matchers);
    if (!r->matchers) {
        od_pl_oom(c);
        return;
    }
    for (size_t i = 0; i < n->n; i++) {
        char ip[PATH_MAX_LEN];
        od_pl_idx(ip, path, i);
        const node *k = n->kids[i];
        if (!od_pl_want(c, k, N_SCALAR, ip))
            continue;
        od_error e = {0};
        if (od_matcher_parse(&r->matchers[r->n_matchers], k->str, &e) != OD_OK) {
            if (e.code == OD_E_NOMEM)
                od_pl_oom(c);
            else
                od_pl_diag(c, k->line, k->col, "%s: %s", ip, e.message);
            continue;
        }
        r->n_matchers++;
    }
}

static int ev_class_parse(const char *s)
{
    return od_event_class_parse(s);
}
static const char *ev_class_key_i(int i)
{
    return od_event_class_key((od_event_class)i);
}

/* The target of a response: exactly one of webhook (a channel name) and
 * role.  Returns false (after reporting) when neither or both are given. */
static bool load_ev_target(ctx *c, const node *at, const char *path, const node *webhook, const node *role,
                           od_event_rule *r)
{
    char q[PATH_MAX_LEN];
    if ((webhook != NULL) == (role != NULL)) {
        od_pl_diag(c, at->line, at->col, "%s: give exactly one of 'webhook' (a channel name) and 'role'",
                   path);
        return false;
    }
    if (webhook) {
        const char *s;
        od_pl_sub(q, path, "webhook");
        if (!od_pl_get_str(c, webhook, q, sizeof r->channel, &s))
            return false;
        r->action = OD_EVA_WEBHOOK;
        ev_copy(r->channel, sizeof r->channel, s);
        return true;
    }
    od_pl_sub(q, path, "role");
    int v = od_pl_get_enum(c, role, q, "role", od_role_parse, od_pl_role_key_i, OD_ROLE__COUNT);
    if (v < 0)
        return false;
    r->action = OD_EVA_ALERT_ROLE;
    r->role = (od_role)v;
    return true;
}

enum {
    RF_NAME,
    RF_MATCH,
    RF_CLASS,
    RF_GRADES,
    RF_CLASSES,
    RF_WEBHOOK,
    RF_ROLE,
    RF_SEVERITY,
    RF_PROBLEM,
    RF__COUNT
};

/* One rule list (filters, classification rules, responses, incidents). */
static void load_ev_rules(ctx *c, const node *n, const char *path, int kind, od_event_rules *out)
{
    if (n->kind == N_SEQ && n->n == 0)
        return;
    if (!od_pl_want(c, n, N_SEQ, path))
        return;
    if (n->n > OD_EVT_RULES_MAX) {
        od_pl_diag(c, n->line, n->col, "%s: at most %d rules", path, OD_EVT_RULES_MAX);
        return;
    }
    out->v = calloc(n->n, sizeof *out->v);
    if (!out->v) {
        od_pl_oom(c);
        return;
    }
    for (size_t i = 0; i < n->n; i++) {
        char p[PATH_MAX_LEN], q[PATH_MAX_LEN];
        od_pl_idx(p, path, i);
        const node *m = n->kids[i];
        fields f = {.what = "key", .n = 0};
        int slot[RF__COUNT];
        for (int k = 0; k < RF__COUNT; k++)
            slot[k] = -1;
#define ADD(k, s) (slot[k] = (int)f.n, f.names[f.n++] = (s))
        ADD(RF_NAME, "name");
        ADD(RF_MATCH, "match");
        if (kind == RK_CLASSIFY) {
            ADD(RF_CLASS, "class");
            ADD(RF_GRADES, "ci_grades");
        } else if (kind == RK_RESPOND) {
            ADD(RF_CLASSES, "classes");
            ADD(RF_WEBHOOK, "webhook");
            ADD(RF_ROLE, "role");
        } else if (kind == RK_INCIDENT) {
            ADD(RF_SEVERITY, "severity");
            ADD(RF_PROBLEM, "problem");
        }
#undef ADD
#define V(k) (slot[k] >= 0 ? f.val[slot[k]] : NULL)
        if (!od_pl_map_fields(c, m, p, &f))
            continue;
        od_event_rule *r = &out->v[out->n++];
        r->classes = 1u << OD_EVC_WARNING;
        od_pl_require_one(c, m, p, &f, (size_t)slot[RF_NAME]);
        if (V(RF_NAME)) {
            const char *s;
            od_pl_sub(q, p, "name");
            if (od_pl_get_str(c, V(RF_NAME), q, sizeof r->name, &s)) {
                for (size_t j = 0; j + 1 < out->n; j++)
                    if (strcmp(out->v[j].name, s) == 0)
                        od_pl_diag(c, V(RF_NAME)->line, V(RF_NAME)->col, "%s: rule name '%s' used twice", q,
                                   s);
                ev_copy(r->name, sizeof r->name, s);
            }
        }
        if (V(RF_MATCH)) {
            od_pl_sub(q, p, "match");
            load_ev_matchers(c, V(RF_MATCH), q, r);
        }
        if (kind == RK_FILTER && !V(RF_MATCH))
            od_pl_diag(c, m->line, m->col, "%s: a filter needs 'match' (it would drop every event)", p);
        if (kind == RK_CLASSIFY) {
            od_pl_require_one(c, m, p, &f, (size_t)slot[RF_CLASS]);
            if (V(RF_CLASS)) {
                od_pl_sub(q, p, "class");
                int v =
                    od_pl_get_enum(c, V(RF_CLASS), q, "class", ev_class_parse, ev_class_key_i, OD_EVC__COUNT);
                if (v >= 0)
                    r->cls = (od_event_class)v;
            }
            if (V(RF_GRADES)) {
                uint64_t bits;
                od_pl_sub(q, p, "ci_grades");
                if (od_pl_get_enum_set(c, V(RF_GRADES), q, "grade", od_grade_parse, od_pl_grade_key_i,
                                       OD_GRADE__COUNT, &bits))
                    r->ci_grades = bits;
            }
        } else if (kind == RK_RESPOND) {
            if (V(RF_CLASSES)) {
                uint64_t bits;
                od_pl_sub(q, p, "classes");
                if (od_pl_get_enum_set(c, V(RF_CLASSES), q, "class", ev_class_parse, ev_class_key_i,
                                       OD_EVC__COUNT, &bits))
                    r->classes = bits;
            }
            load_ev_target(c, m, p, V(RF_WEBHOOK), V(RF_ROLE), r);
        } else if (kind == RK_INCIDENT) {
            od_pl_require_one(c, m, p, &f, (size_t)slot[RF_SEVERITY]);
            if (V(RF_SEVERITY)) {
                od_pl_sub(q, p, "severity");
                int v = od_pl_get_enum(c, V(RF_SEVERITY), q, "severity", od_severity_parse, od_pl_sev_key_i,
                                       OD_SEV__COUNT);
                if (v >= 0)
                    r->severity = (od_severity)v;
            }
            if (V(RF_PROBLEM)) {
                od_pl_sub(q, p, "problem");
                od_pl_get_bool(c, V(RF_PROBLEM), q, &r->problem);
            }
        }
#undef V
    }
}

/* A list of label names into names[max][OD_EVT_NAME_MAX]. */
static void load_ev_names(ctx *c, const node *n, const char *path, char (*names)[OD_EVT_NAME_MAX], size_t max,
                          size_t *count)
{
    if (n->kind == N_SEQ && n->n == 0) {
        *count = 0;
        return;
    }
    if (!od_pl_want(c, n, N_SEQ, path))
        return;
    if (n->n > max) {
        od_pl_diag(c, n->line, n->col, "%s: at most %zu names", path, max);
        return;
    }
    size_t k = 0;
    for (size_t i = 0; i < n->n; i++) {
        char ip[PATH_MAX_LEN];
        od_pl_idx(ip, path, i);
        const char *s;
        if (!od_pl_get_str(c, n->kids[i], ip, OD_EVT_NAME_MAX, &s))
            continue;
        od_matcher probe;
        od_error e = {0};
        if (od_matcher_init(&probe, s, OD_MOP_EQ, "", &e) != OD_OK) {
            od_pl_diag(c, n->kids[i]->line, n->kids[i]->col, "%s: %s", ip, e.message);
            continue;
        }
        od_matcher_cleanup(&probe);
        ev_copy(names[k++], OD_EVT_NAME_MAX, s);
    }
    *count = k;
}

enum {
    EV_CI_LABELS,
    EV_FILTERS,
    EV_FLAPPING,
    EV_CLASSIFICATION,
    EV_CORRELATION,
    EV_RESPONSES,
    EV_INCIDENTS,
    EV_REVIEW,
    EV__COUNT
};

void od_pl_load_events(ctx *c, od_policy *pol, const node *v)
{
    fields f = {.what = "key",
                .names = {"ci_labels", "filters", "flapping", "classification", "correlation", "responses",
                          "incidents", "review"},
                .n = EV__COUNT};
    if (!od_pl_map_fields(c, v, "events", &f))
        return;
    od_event_policy *ep = od_event_policy_new_default();
    if (!ep) {
        od_pl_oom(c);
        return;
    }
    od_event_policy_free(pol->events);
    pol->events = ep;
    if (f.val[EV_CI_LABELS])
        load_ev_names(c, f.val[EV_CI_LABELS], "events.ci_labels", ep->ci_labels, OD_EVT_CI_LABELS_MAX,
                      &ep->n_ci_labels);
    if (f.val[EV_FILTERS])
        load_ev_rules(c, f.val[EV_FILTERS], "events.filters", RK_FILTER, &ep->filters);
    if (f.val[EV_FLAPPING]) {
        fields g = {.what = "key", .names = {"changes", "window"}, .n = 2};
        if (od_pl_map_fields(c, f.val[EV_FLAPPING], "events.flapping", &g)) {
            if (g.val[0])
                od_pl_get_int(c, g.val[0], "events.flapping.changes", 1, OD_EVT_FLAP_MAX - 1,
                              &ep->flap_changes);
            if (g.val[1])
                od_pl_get_duration(c, g.val[1], "events.flapping.window", true, &ep->flap_window_ms);
        }
    }
    if (f.val[EV_CLASSIFICATION]) {
        fields g = {.what = "key", .names = {"default", "rules"}, .n = 2};
        if (od_pl_map_fields(c, f.val[EV_CLASSIFICATION], "events.classification", &g)) {
            if (g.val[0]) {
                int cl = od_pl_get_enum(c, g.val[0], "events.classification.default", "class", ev_class_parse,
                                        ev_class_key_i, OD_EVC__COUNT);
                if (cl >= 0)
                    ep->default_class = (od_event_class)cl;
            }
            if (g.val[1])
                load_ev_rules(c, g.val[1], "events.classification.rules", RK_CLASSIFY, &ep->classification);
        }
    }
    if (f.val[EV_CORRELATION]) {
        fields g = {.what = "key",
                    .names = {"window", "group_by", "dependency_suppression", "dependency_kinds",
                              "dependency_max_depth"},
                    .n = 5};
        if (od_pl_map_fields(c, f.val[EV_CORRELATION], "events.correlation", &g)) {
            if (g.val[0])
                od_pl_get_duration(c, g.val[0], "events.correlation.window", true,
                                   &ep->correlation_window_ms);
            if (g.val[1])
                load_ev_names(c, g.val[1], "events.correlation.group_by", ep->group_by, OD_EVT_GROUP_BY_MAX,
                              &ep->n_group_by);
            if (g.val[2])
                od_pl_get_bool(c, g.val[2], "events.correlation.dependency_suppression",
                               &ep->dependency_suppression);
            uint64_t kinds;
            if (g.val[3] && od_pl_get_enum_set(c, g.val[3], "events.correlation.dependency_kinds", "relation",
                                               od_ci_rel_parse, rel_key_i, OD_CI_REL__COUNT, &kinds))
                ep->dependency_kinds = (unsigned)kinds;
            if (g.val[4])
                od_pl_get_int(c, g.val[4], "events.correlation.dependency_max_depth", 1, 16,
                              &ep->dependency_max_depth);
        }
    }
    if (f.val[EV_RESPONSES]) {
        fields g = {.what = "key", .names = {"default", "rules"}, .n = 2};
        if (od_pl_map_fields(c, f.val[EV_RESPONSES], "events.responses", &g)) {
            const node *d = g.val[0];
            if (d && d->kind == N_SCALAR && strcmp(d->str, "none") == 0) {
                ep->default_response.action = OD_EVA_NONE;
            } else if (d) {
                fields h = {.what = "key", .names = {"webhook", "role"}, .n = 2};
                if (od_pl_map_fields(c, d, "events.responses.default", &h))
                    load_ev_target(c, d, "events.responses.default", h.val[0], h.val[1],
                                   &ep->default_response);
            }
            if (g.val[1])
                load_ev_rules(c, g.val[1], "events.responses.rules", RK_RESPOND, &ep->responses);
        }
    }
    if (f.val[EV_INCIDENTS])
        load_ev_rules(c, f.val[EV_INCIDENTS], "events.incidents", RK_INCIDENT, &ep->incidents);
    if (f.val[EV_REVIEW]) {
        fields g = {.what = "key", .names = {"sample"}, .n = 1};
        if (od_pl_map_fields(c, f.val[EV_REVIEW], "events.review", &g) && g.val[0])
            od_pl_get_int(c, g.val[0], "events.review.sample", 0, 10000, &ep->review_sample);
    }
}
