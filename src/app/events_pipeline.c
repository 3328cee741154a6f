/* events_pipeline.c — one event through the pipeline (seed 004 fig. 6.2.2,
 * R-EVT-1…4): de-duplicate (flapping) → filter → classify → correlate
 * (maintenance windows, dependency suppression, grouping) → respond
 * (webhook through the outbox, or alert the people of a role) → exceptions
 * open or join an incident.  Every rule is asked of core/event.h; each step
 * that decided something is recorded with the rule's name.
 *
 * Event state after the pipeline (od_event_state, core/event.h): filtered |
 * closed (info, or resolved) | silenced (maintenance window) | suppressed
 * (upstream CI in trouble) | handled (webhook answered it, or an incident
 * took it) | open (a person was alerted, or it joined a group that was);
 * what a repeat, resolve or re-fire does to it is od_event_state_move. */
#include "app/events_int.h"
#include "app/incidents.h"
#include "app/known_errors.h"
#include "app/notify_out.h"
#include "core/cmdb_vocab.h"
#include "notify/message.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define OD_DEPT_JSON_MAX 512 /* ["<a CI's department>"] */

/* Records a decision (events_int.h). */
void od_ev_dec_args(outcome *o, od_dec_code code, const char *rule, const od_dec_arg *args, int nargs)
{
    if (o->nd >= DEC_MAX)
        return;
    decision *d = &o->d[o->nd++];
    d->code = (int)code;
    snprintf(d->rule, sizeof d->rule, "%s", rule ? rule : "");
    d->nargs = nargs < OD_DEC_ARGS_MAX ? nargs : OD_DEC_ARGS_MAX;
    size_t used = 0;
    for (int i = 0; i < d->nargs; i++) {
        d->args[i] = args[i];
        if (!args[i].s)
            continue;
        if (used >= sizeof d->text) {
            d->args[i].s = "";
            continue;
        }
        d->args[i].s = d->text + used;
        used += od_dec_copy(d->text + used, sizeof d->text - used, args[i].s) + 1;
    }
}

static const char *const RESERVED[] = {"severity", "source", "status", "summary", "ci"};

/* The labels the matchers see: the event's labels (but the reserved names)
 * then its fields.  ls->v points into buf. */
static void labels_build(const od_event_in *ev, const char *source, const char *ci_name, od_label *buf,
                         od_labels *ls)
{
    size_t n = 0;
    const char *k;
    json_t *v;
    json_object_foreach(ev->labels, k, v)
    {
        if (n >= OD_EVT_LABELS_MAX)
            break;
        bool reserved = false;
        for (size_t i = 0; i < 5; i++)
            if (strcmp(k, RESERVED[i]) == 0)
                reserved = true;
        if (!reserved && json_is_string(v))
            buf[n++] = (od_label){k, json_string_value(v)};
    }
    buf[n++] = (od_label){"severity", ev->severity};
    buf[n++] = (od_label){"source", source};
    buf[n++] = (od_label){"status", ev->firing ? "firing" : "resolved"};
    buf[n++] = (od_label){"summary", ev->summary};
    buf[n++] = (od_label){"ci", ci_name ? ci_name : ""};
    *ls = (od_labels){buf, n};
}

/* Finds the CI by the candidates of core (explicit name, CI labels). */
static od_err ci_resolve(ctx *c, const od_event_in *ev, int64_t *ci_id, int *grade, const char **ci_name,
                         od_error *e)
{
    *ci_id = 0;
    *grade = -1;
    *ci_name = NULL;
    od_label buf[OD_EVT_LABELS_MAX + 8];
    od_labels ls;
    labels_build(ev, "", NULL, buf, &ls);
    const char *cand[2 * OD_EVT_CI_LABELS_MAX + 2];
    char tmp[2048];
    size_t n =
        od_event_ci_candidates(c->ep, ev->ci_name, &ls, cand, sizeof cand / sizeof *cand, tmp, sizeof tmp);
    for (size_t i = 0; i < n; i++) {
        if (c->w->cis.full) {
            const ci_ent *hit = od_ev_cis_get(c->w, cand[i]);
            if (hit) {
                *ci_id = hit->id;
                *grade = hit->grade;
                *ci_name = hit->name;
                return OD_OK;
            }
            continue;
        }
        json_t *hit = json_object_get(c->ci_cache, cand[i]);
        if (!hit) {
            od_rows *r = NULL;
            od_err rc = od_tx_query(c->tx, OD_Q_EV_CI_BY_NAME, &r, e, OD_BINDS(OD_TEXT(cand[i])));
            if (rc)
                return rc;
            bool row = false;
            rc = od_rows_step(r, &row);
            hit = row ? json_pack("[Is]", (json_int_t)od_rows_int(r, 0), od_rows_text(r, 1)) : json_null();
            od_rows_close(r);
            if (rc) {
                json_decref(hit);
                return rc;
            }
            json_object_set_new(c->ci_cache, cand[i], hit);
        }
        if (json_is_array(hit)) {
            *ci_id = (int64_t)json_integer_value(json_array_get(hit, 0));
            *grade = od_grade_parse(json_string_value(json_array_get(hit, 1)));
            *ci_name = json_object_iter_key(json_object_iter_at(c->ci_cache, cand[i]));
            return OD_OK;
        }
    }
    return OD_OK;
}

static char *dump(json_t *v)
{
    return v ? json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY) : strdup("{}");
}

static const char *rule_name(const od_event_rules *rs, int i)
{
    return i >= 0 ? rs->v[i].name : NULL;
}

static od_err timeline(ctx *c, int64_t inc, const char *kind, const char *text, od_error *e)
{
    return od_tx_exec(c->tx, OD_Q_TL_INSERT, e,
                      OD_BINDS(OD_INT(inc), OD_INT(c->now), OD_TEXT("system"), OD_TEXT(kind), OD_TEXT(text),
                               OD_TEXT(NULL)));
}

/* The department owning CI ci_id as a JSON array ("[]" without a CI). */
static od_err ci_department(ctx *c, int64_t ci_id, char *out, size_t n, od_error *e)
{
    snprintf(out, n, "[]");
    if (!ci_id)
        return OD_OK;
    od_rows *r = NULL;
    od_err rc = od_tx_query(c->tx, OD_Q_EV_CI_DEPARTMENT, &r, e, OD_BINDS(OD_INT(ci_id)));
    bool row = false;
    if (!rc)
        rc = od_rows_step(r, &row);
    if (row && od_rows_text(r, 0)[0]) {
        json_t *a = json_pack("[s]", od_rows_text(r, 0));
        char *t = a ? json_dumps(a, JSON_COMPACT) : NULL;
        if (t && strlen(t) < n)
            snprintf(out, n, "%s", t);
        else if (!t)
            rc = od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
        free(t);
        json_decref(a);
    }
    od_rows_close(r);
    return rc;
}

/* After a query for one row (rc its result): the row's first column into
 * out[0..n), out left as it is without a row; the rows closed. */
static od_err first_text(od_rows *r, od_err rc, char *out, size_t n)
{
    bool row = false;
    if (!rc)
        rc = od_rows_step(r, &row);
    if (row)
        snprintf(out, n, "%s", od_rows_text(r, 0));
    od_rows_close(r);
    return rc;
}

/* ---- step 6: responses -------------------------------------------------- *
 * Decided in the pipeline (who, or which webhook), written once the event's
 * row exists: every outbox cause is made of the event's id and how many
 * times it was received ("event:<id>:<count>"), never of its text, so two
 * alerts can never share a cause (review-code.md §5.1 item 2). */

static od_err respond(ctx *c, const od_labels *ls, od_event_class cls, outcome *o, od_error *e)
{
    od_response r = od_event_respond(c->ep, ls, cls);
    const char *rname = r.rule >= 0 ? c->ep->responses.v[r.rule].name : "default";
    o->responded = true;
    o->resp = r;
    o->resp_cls = cls;
    switch (r.action) {
    case OD_EVA_WEBHOOK:
        o->state = OD_EVS_HANDLED;
        DEC(o, OD_DEC_RESPOND_WEBHOOK, rname, S(r.channel));
        return OD_OK;
    case OD_EVA_ALERT_ROLE: {
        /* everyone holding the role whose scope covers the CI's department:
         * all of them, however many (R-EVT-2, R-NOT-7) */
        od_audience a = {.anywhere = OD_ROLEBIT(r.role)};
        char deps[OD_DEPT_JSON_MAX] = "[]";
        od_err rc = ci_department(c, o->ci_id, deps, sizeof deps, e);
        if (!rc)
            rc = od_out_audience(c->tx, &a, deps, &o->alert_users, e);
        if (rc)
            return rc;
        o->state = OD_EVS_OPEN;
        DEC(o, OD_DEC_RESPOND_ROLE, rname, S(od_role_key(r.role)), I(json_array_size(o->alert_users)));
        return OD_OK;
    }
    default:
        o->state = OD_EVS_OPEN;
        dec(o, OD_DEC_RESPOND_NONE, rname);
        return OD_OK;
    }
}

/* What an event alert says, per language (policy template "event_alert"). */
typedef struct alert_arg {
    const od_policy *p;
    const od_event_in *ev;
    const char *source, *ci_name;
    int64_t id;
    od_event_class cls;
} alert_arg;

static od_err alert_render(void *arg, od_lang lang, char **subject, char **body, od_error *e)
{
    const alert_arg *a = arg;
    od_msg_vars v = {{0}};
    char id[32];
    snprintf(id, sizeof id, "%lld", (long long)a->id);
    v.v[OD_V_EVENT_ID] = id;
    v.v[OD_V_EVENT_CLASS] = lang == OD_LANG_ZH ? od_event_class_name_zh(a->cls) : od_event_class_key(a->cls);
    v.v[OD_V_SEVERITY] = a->ev->severity;
    v.v[OD_V_SUMMARY] = a->ev->summary[0] ? a->ev->summary : a->ev->dedup_key;
    v.v[OD_V_SOURCE] = a->source;
    v.v[OD_V_DEDUP_KEY] = a->ev->dedup_key;
    v.v[OD_V_CI] = a->ci_name && a->ci_name[0] ? a->ci_name : "-";
    return od_msg_render(a->p, OD_MSG_EVENT_ALERT, lang, &v, subject, body, e);
}

/* Writes the response the pipeline chose for event `id` (received `count`
 * times): the webhook's outbox row, or one alert per person and channel. */
static od_err respond_write(ctx *c, const od_event_in *ev, const char *source, int64_t id, int64_t count,
                            int ci_grade, const char *ci_name, const outcome *o, od_error *e)
{
    char cause[64];
    snprintf(cause, sizeof cause, "event:%lld:%lld", (long long)id, (long long)count);
    if (o->resp.action == OD_EVA_WEBHOOK) {
        char subject[300];
        snprintf(subject, sizeof subject, "[%s %s] %s", od_event_class_name_zh(o->resp_cls), ev->severity,
                 ev->summary[0] ? ev->summary : ev->dedup_key);
        json_t *msg = json_pack("{ss ss ss ss ss sO sO}", "source", source, "dedup_key", ev->dedup_key,
                                "class", od_event_class_key(o->resp_cls), "severity", ev->severity, "summary",
                                ev->summary, "labels", ev->labels, "annotations", ev->annotations);
        char *body = dump(msg);
        json_decref(msg);
        od_err rc = od_tx_exec(c->tx, OD_Q_OUTBOX_INSERT, e,
                               OD_BINDS(OD_TEXT(cause), OD_NULL(), OD_NULL(), OD_TEXT(o->resp.channel),
                                        OD_TEXT(""), OD_TEXT("event_response"), OD_TEXT(""), OD_TEXT(subject),
                                        OD_TEXT(body ? body : "{}"), OD_INT(c->now), OD_INT(c->now)));
        free(body);
        c->woke_dispatcher = true;
        return rc;
    }
    if (o->resp.action != OD_EVA_ALERT_ROLE || !json_array_size(o->alert_users))
        return OD_OK;
    alert_arg a = {c->a->policy, ev, source, ci_name, id, o->resp_cls};
    od_out_msg m = {.cause = cause,
                    .incident_id = 0,
                    .kind = "event_alert",
                    .desk = "monitoring",
                    .level = ci_grade >= 0 && ci_grade < OD_GRADE__COUNT ? (od_grade)ci_grade : OD_GRADE_NG,
                    .render = alert_render,
                    .arg = &a};
    c->woke_dispatcher = true;
    return od_out_send(c->tx, c->a->policy, &m, o->alert_users, c->now, NULL, e);
}

/* ---- step 7: exceptions → incidents ------------------------------------- */

/* Step 7: the exception opens an incident on its CI with the rule's
 * severity; the monitoring desk and the CI department's operations
 * engineers are told at once (od_incident_input.from_event). */
static od_err incident_open(ctx *c, const od_event_in *ev, const char *source, const char *ci_name, int rule,
                            outcome *o, od_error *e)
{
    const char *rname = rule_name(&c->ep->incidents, rule);
    char number[40] = "";
    od_severity sev = c->ep->incidents.v[rule].severity;
    json_t *ids = json_pack("[I]", (json_int_t)o->ci_id);
    const char *desc = json_string_value(json_object_get(ev->annotations, "description"));
    char title[300], symptoms[1200];
    snprintf(title, sizeof title, "%s", ev->summary[0] ? ev->summary : ev->dedup_key);
    snprintf(symptoms, sizeof symptoms, "%s%s%s (%s %s)", ev->summary, desc ? "\n" : "", desc ? desc : "",
             source, ev->severity);
    od_incident_input in = {.title = title,
                            .symptoms = symptoms,
                            .location = "",
                            .impact_scope = "",
                            .ci_ids = ids,
                            .severity = od_severity_key(sev),
                            .detected_at = ev->starts_at > 0 && ev->starts_at <= c->now ? ev->starts_at : 0,
                            .from_event = true};
    od_principal sys;
    od_principal_system(&sys);
    int64_t inc = 0;
    od_err rc = od_ev_pending_flush(c, e); /* what the incident's creation may read is written */
    if (!rc)
        rc = od_incident_create_in(c->a, c->tx, &sys, &in, &inc, e);
    json_decref(ids);
    if (rc)
        return rc;
    od_rows *r = NULL;
    rc = od_tx_query(c->tx, OD_Q_EV_INC_NUMBER, &r, e, OD_BINDS(OD_INT(inc)));
    rc = first_text(r, rc, number, sizeof number); /* never a decision without the number */
    if (rc)
        return rc;
    o->incident_id = inc;
    o->new_incident = inc;
    snprintf(o->incident_rule, sizeof o->incident_rule, "%s", rname);
    o->state = OD_EVS_HANDLED;
    DEC(o, OD_DEC_INCIDENT_OPENED, rname, S(number), S(od_severity_key(sev)), S(ci_name ? ci_name : ""));
    c->woke_sched = c->woke_dispatcher = true;
    return rc;
}

static od_err incident_step(ctx *c, const od_event_in *ev, const char *source, const od_labels *ls,
                            const char *ci_name, outcome *o, bool *alert_instead, od_error *e)
{
    *alert_instead = false;
    int rule = od_event_incident_rule(c->ep, ls);
    const char *rname = rule_name(&c->ep->incidents, rule);
    int64_t open_inc = 0;
    char number[40] = "";
    od_err rc = OD_OK;
    if (rule >= 0 && o->ci_id) {
        if (c->shared) /* several nodes: one decides at a time whether (CI, rule) has an open incident */
            rc = od_ev_incident_lock(c, o->ci_id, rname, e);
        if (rc)
            return rc;
        od_rows *r = NULL;
        rc = od_ev_pending_flush(c, e); /* the events this commit attached */
        if (!rc)
            rc = od_tx_query(c->tx, OD_Q_EV_OPEN_INCIDENT, &r, e, OD_BINDS(OD_INT(o->ci_id), OD_TEXT(rname)));
        bool row = false;
        if (!rc)
            rc = od_rows_step(r, &row);
        if (row) {
            open_inc = od_rows_int(r, 0);
            snprintf(number, sizeof number, "%s", od_rows_text(r, 1));
        }
        od_rows_close(r);
        if (rc)
            return rc;
    }
    /* R-EVT-2: a rule with `problem: true` also opens or attaches a problem */
    bool problem = rule >= 0 && c->ep->incidents.v[rule].problem;
    int64_t pid = 0;
    switch (od_event_incident_decide(rule, o->ci_id != 0, open_inc)) {
    case OD_EVI_ATTACH: {
        o->incident_id = open_inc;
        snprintf(o->incident_rule, sizeof o->incident_rule, "%s", rname);
        o->state = OD_EVS_HANDLED;
        DEC(o, OD_DEC_INCIDENT_ATTACHED, rname, S(number));
        char text[600];
        snprintf(text, sizeof text, "关联告警：%s %s (event attached: %s)", source,
                 ev->summary[0] ? ev->summary : ev->dedup_key, ev->dedup_key);
        rc = timeline(c, open_inc, "event", text, e);
        if (!rc && problem) {
            rc = od_ke_event_problem(c->a, c->tx, open_inc, o->ci_id, rname, ev->summary, c->now, &pid, e);
            c->woke_sched = true; /* a new problem's resolve clock */
        }
        return rc;
    }
    case OD_EVI_OPEN:
        rc = incident_open(c, ev, source, ci_name, rule, o, e);
        if (!rc && problem) {
            rc = od_ke_event_problem(c->a, c->tx, o->incident_id, o->ci_id, rname, ev->summary, c->now, &pid,
                                     e);
            c->woke_sched = true;
        }
        return rc;
    case OD_EVI_NO_CI:
        dec(o, OD_DEC_INCIDENT_NO_CI, rname);
        *alert_instead = true;
        return OD_OK;
    default:
        dec(o, OD_DEC_INCIDENT_NO_RULE, NULL);
        *alert_instead = true;
        return OD_OK;
    }
}

/* Step 5b: the CIs o->ci_id depends on (transitively, nearest first), every
 * one of them: a CMDB of any size is read whole, never cut. */
static od_err dependency_step(ctx *c, outcome *o, bool *suppressed, od_error *e)
{
    int64_t *up = NULL, *tr = NULL;
    size_t nu = 0, nt = 0, cap = 0;
    od_rows *r = NULL;
    /* the kinds the policy names ("" matches no relation) and its depth */
    const char *k[OD_CI_REL__COUNT];
    for (int i = 0; i < OD_CI_REL__COUNT; i++)
        k[i] = (c->ep->dependency_kinds >> i) & 1 ? od_ci_rel_key((od_ci_rel)i) : "";
    _Static_assert(OD_CI_REL__COUNT == 4, "EV_UPSTREAM binds four relation kinds");
    od_err rc = od_ev_pending_flush(c, e); /* the firing events of this commit count */
    if (!rc)
        rc = od_tx_query(c->tx, OD_Q_EV_UPSTREAM, &r, e,
                         OD_BINDS(OD_INT(o->ci_id), OD_TEXT(k[0]), OD_TEXT(k[1]), OD_TEXT(k[2]),
                                  OD_TEXT(k[3]), OD_TEXT(k[0]), OD_TEXT(k[1]), OD_TEXT(k[2]), OD_TEXT(k[3]),
                                  OD_INT((int64_t)c->ep->dependency_max_depth)));
    bool row = false;
    while (!rc && !(rc = od_rows_step(r, &row)) && row) {
        if (nu == cap) {
            cap = cap ? 2 * cap : 64;
            int64_t *nup = realloc(up, cap * sizeof *up), *ntr = nup ? realloc(tr, cap * sizeof *tr) : NULL;
            up = nup ? nup : up;
            tr = ntr ? ntr : tr;
            if (!nup || !ntr) {
                rc = od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
                break;
            }
        }
        up[nu] = od_rows_int(r, 0);
        if (od_rows_int(r, 2))
            tr[nt++] = up[nu];
        nu++;
    }
    od_rows_close(r);
    int64_t by = rc ? 0 : od_event_suppressed_by(c->ep, up, nu, tr, nt);
    free(up);
    free(tr);
    if (!by)
        return rc;
    /* the name of the CI in trouble, for the decision */
    char name[OD_NAME_MAX] = "";
    rc = od_tx_query(c->tx, OD_Q_EV_CI_NAME, &r, e, OD_BINDS(OD_INT(by)));
    rc = first_text(r, rc, name, sizeof name);
    if (rc)
        return rc;
    *suppressed = true;
    o->state = OD_EVS_SUPPRESSED;
    DEC(o, OD_DEC_SUPPRESSED, "dependency", S(name), I(by));
    return OD_OK;
}

/* ---- steps 2, 4, 5, 6, 7 for a new or re-firing event -------------------- */

/* A drill's scripted inject (R-PLAN-2) that its rules kept (not filtered,
 * informational or silenced): attached to the drill's simulated incident,
 * on its timeline with the drill tag; it opens no incident and alerts no
 * one (the drill's sandbox decides who hears of the incident). */
static od_err drill_attach(ctx *c, const od_event_in *ev, const char *source, outcome *o, od_error *e)
{
    char number[40] = "";
    od_rows *r = NULL;
    od_err rc = od_tx_query(c->tx, OD_Q_EV_INC_NUMBER, &r, e, OD_BINDS(OD_INT(c->drill_incident)));
    rc = first_text(r, rc, number, sizeof number);
    if (rc)
        return rc;
    o->incident_id = c->drill_incident;
    snprintf(o->incident_rule, sizeof o->incident_rule, "drill");
    o->state = OD_EVS_HANDLED;
    DEC(o, OD_DEC_INCIDENT_ATTACHED, "drill", S(number));
    char text[700];
    snprintf(text, sizeof text, "【演练】[DRILL] 注入 (inject) %s（告警 event %s %s）", ev->summary, source,
             ev->dedup_key);
    return timeline(c, c->drill_incident, "drill_inject", text, e);
}

static od_err pipeline(ctx *c, const od_event_in *ev, const char *source, const od_labels *ls, int ci_grade,
                       const char *ci_name, outcome *o, od_error *e)
{
    int f = od_event_filter(c->ep, ls);
    if (f >= 0) {
        o->state = OD_EVS_FILTERED;
        o->cls = -1;
        dec(o, OD_DEC_FILTERED, c->ep->filters.v[f].name);
        return OD_OK;
    }
    od_classify_result cr = od_event_classify(c->ep, ls, ci_grade);
    o->cls = (int)cr.cls;
    DEC(o, OD_DEC_CLASSIFIED, cr.rule >= 0 ? c->ep->classification.v[cr.rule].name : "default",
        S(od_event_class_key(cr.cls)));
    if (cr.cls == OD_EVC_INFO) {
        o->state = OD_EVS_CLOSED;
        o->closed = true;
        return OD_OK;
    }
    int w = od_windows_match(c->wv, c->n_wins, ls, o->ci_id, c->now);
    if (w >= 0) {
        o->state = OD_EVS_SILENCED;
        o->window_id = c->wins[w].w.id;
        DEC(o, OD_DEC_SILENCED, c->wins[w].name, I(c->wins[w].w.id), S(c->wins[w].name));
        return OD_OK;
    }
    if (c->drill_incident) /* a drill's inject: into the drill's incident, nobody alerted */
        return drill_attach(c, ev, source, o, e);
    if (cr.cls == OD_EVC_EXCEPTION) {
        bool alert = false;
        od_err rc = incident_step(c, ev, source, ls, ci_name, o, &alert, e);
        if (rc || !alert)
            return rc;
        return respond(c, ls, cr.cls, o, e);
    }
    /* warning: dependency suppression, then the group window */
    if (o->ci_id && c->ep->dependency_suppression) {
        bool suppressed = false;
        od_err rc = dependency_step(c, o, &suppressed, e);
        if (rc || suppressed)
            return rc;
    }
    od_event_group_key(c->ep, ls, o->ci_id, ev->dedup_key, o->group_key, sizeof o->group_key);
    int64_t lead = 0, last = 0;
    od_err rc = od_ev_group_get(c, o->group_key, &lead, &last, e);
    if (rc)
        return rc;
    if (od_event_grouped(c->ep, last, c->now)) {
        o->state = OD_EVS_OPEN;
        DEC(o, OD_DEC_GROUPED, "group", I(lead), S(o->group_key));
        return od_ev_group_join(c, o->group_key, e);
    }
    return respond(c, ls, cr.cls, o, e);
}

/* The stored event of (source, key): with one node by the ids the key
 * table gives, with several (c->shared: the key is locked) by the key. */
static od_err stored_load(ctx *c, const char *source, const char *key, stored *st, od_error *e)
{
    memset(st, 0, sizeof *st);
    if (c->absent.cap) { /* several nodes: the keys no event had at their lock (events_pending.c) */
        int64_t id = 0;
        int k = od_ev_absent_take(c, source, key, &id);
        if (k == 1) /* its first occurrence: nothing stored */
            return OD_OK;
        od_err rc = k == 2 ? od_ev_pending_flush(c, e) : OD_OK; /* its row, if pending, is read below */
        if (rc)
            return rc;
    }
    int64_t ids[4];
    size_t n = c->shared ? 1 : od_event_keys_find(c->keys, (uint64_t)od_ev_key_hash(source, key), ids, 4);
    if (n > 4) /* five events under one 32-bit tag: never seen; refuse rather than guess */
        return od_error_set(e, OD_E_INTERNAL, NULL, "de-duplication: %zu events share one key tag", n);
    for (size_t i = 0; i < n && !st->have; i++) {
        od_rows *r = NULL;
        od_err rc = c->shared
                        ? od_tx_query(c->tx, OD_Q_EV_BY_KEY, &r, e, OD_BINDS(OD_TEXT(source), OD_TEXT(key)))
                        : od_tx_query(c->tx, OD_Q_EV_BY_ID_KEY, &r, e,
                                      OD_BINDS(OD_INT(ids[i]), OD_TEXT(source), OD_TEXT(key)));
        if (rc)
            return rc;
        bool row = false;
        rc = od_rows_step(r, &row);
        if (row) {
            st->have = true;
            st->id = od_rows_int(r, 0);
            st->firing = strcmp(od_rows_text(r, 1), "firing") == 0;
            int state = od_event_state_parse(od_rows_text(r, 2)); /* only this file writes it */
            st->state = state >= 0 ? (od_event_state)state : OD_EVS_OPEN;
            snprintf(st->cls, sizeof st->cls, "%s", od_rows_text(r, 3));
            st->ci_id = od_rows_null(r, 4) ? 0 : od_rows_int(r, 4);
            od_ev_flap_load(&st->flap, od_rows_text(r, 5));
            st->incident_id = od_rows_null(r, 6) ? 0 : od_rows_int(r, 6);
            st->window_id = od_rows_null(r, 7) ? 0 : od_rows_int(r, 7);
            st->flapping = od_rows_int(r, 8) != 0;
            st->count = od_rows_int(r, 9) + od_ev_repeats_pending(c, st->id);
        }
        od_rows_close(r);
        if (rc)
            return rc;
    }
    return OD_OK;
}

/* A silenced event whose window no longer silences it goes through the
 * pipeline again on its next repeat. */
static bool still_silenced(ctx *c, const stored *st, const od_labels *ls)
{
    for (size_t i = 0; i < c->n_wins; i++)
        if (c->wins[i].w.id == st->window_id)
            return od_window_matches(&c->wv[i], ls, st->ci_id, c->now);
    return false;
}

/* The decisions of a stored event's later passes: rows of event_decisions. */
static od_err decisions_write(ctx *c, int64_t id, const outcome *o, od_error *e)
{
    od_err rc = OD_OK;
    char text[OD_DEC_TEXT_MAX];
    for (int i = 0; !rc && i < o->nd; i++) {
        const decision *d = &o->d[i];
        od_dec_render(text, sizeof text, d->code, d->args, d->nargs);
        rc = od_tx_exec(c->tx, OD_Q_EVD_INSERT, e,
                        OD_BINDS(OD_INT(id), OD_INT(c->now), OD_TEXT(od_dec_step(d->code)),
                                 OD_TEXT(d->rule[0] ? d->rule : NULL), OD_TEXT(text)));
    }
    return rc;
}

static od_err incident_resolved(ctx *c, int64_t inc, const od_event_in *ev, od_error *e)
{
    char text[600];
    snprintf(text, sizeof text, "告警恢复：%s (event resolved: %s)",
             ev->summary[0] ? ev->summary : ev->dedup_key, ev->dedup_key);
    od_err rc = timeline(c, inc, "event_resolved", text, e);
    int64_t firing = 0;
    if (!rc)
        rc = od_ev_pending_flush(c, e);
    if (!rc)
        rc = od_tx_scalar(c->tx, OD_Q_EV_INC_FIRING, &firing, e, OD_BINDS(OD_INT(inc)));
    if (!rc && firing == 0)
        rc = timeline(
            c, inc, "events_resolved",
            "关联告警已全部恢复；关闭事件仍需有权限的领导确认 (all attached events are resolved; closing the "
            "incident still needs its authority)",
            e);
    return rc;
}

/* One event on its way through od_ev_process. */
typedef struct one {
    const od_event_batch *b;
    const od_event_in *ev;
    stored st; /* the stored event of the same key, if any */
    od_dedup_action act;
    od_event_move move; /* what act does to the stored state */
    int grade;          /* of the CI, -1 = none */
    const char *ci_name;
    od_labels ls; /* points into the caller's label buffer */
    const char *raw;
    od_flap flap;
    bool flapping;
    outcome o;
    int64_t id;
} one;

/* Step 3 (de-duplicate) and, for a new or re-firing event, the pipeline. */
static od_err decide(ctx *c, one *x, od_error *e)
{
    outcome *o = &x->o;
    od_dedup_action act = x->act;
    if (act == OD_DD_RESOLVE || act == OD_DD_REOPEN) {
        x->flapping = od_event_flap_record(&x->flap, c->now, c->ep->flap_window_ms, c->ep->flap_changes);
        dec(o,
            act == OD_DD_RESOLVE ? (x->flapping ? OD_DEC_DEDUP_RESOLVED_FLAPPING : OD_DEC_DEDUP_RESOLVED)
                                 : (x->flapping ? OD_DEC_DEDUP_FIRED_FLAPPING : OD_DEC_DEDUP_FIRED),
            NULL);
    } else if (act == OD_DD_REPEAT) {
        dec(o, OD_DEC_DEDUP_WINDOW_OVER, NULL);
    } else if (act == OD_DD_NEW_RESOLVED) { /* a new firing event needs no row to say so */
        dec(o, OD_DEC_DEDUP_NEW_RESOLVED, NULL);
    }
    od_err rc = OD_OK;
    switch (x->move) {
    case OD_EVM_CLOSE:
        o->closed = true;
        if (x->st.have) { /* keep what the pipeline decided; a resolve closes it */
            o->state = od_event_state_closed(x->st.state);
            o->cls = od_event_class_parse(x->st.cls);
            o->incident_id = x->st.incident_id;
            o->window_id = x->st.window_id;
        } else { /* new and resolved: only the filter is asked */
            int f = od_event_filter(c->ep, &x->ls);
            o->state = f >= 0 ? OD_EVS_FILTERED : OD_EVS_CLOSED;
            if (f >= 0)
                dec(o, OD_DEC_FILTERED, c->ep->filters.v[f].name);
        }
        break;
    case OD_EVM_RUN:
        rc = pipeline(c, x->ev, x->b->source, &x->ls, x->grade, x->ci_name, o, e);
        break;
    default: /* OD_EVM_KEEP never comes here (od_ev_process) */
        break;
    }
    if (x->flapping && !x->st.flapping)
        DEC(o, OD_DEC_DEDUP_FLAPPING, "flapping", I(x->flap.n));
    return rc;
}

/* The event's row: inserted (with its first pass's decisions) or updated
 * (decisions as rows); x->id is its id after. */
static od_err row_write(ctx *c, one *x, od_error *e)
{
    const od_event_in *ev = x->ev;
    const outcome *o = &x->o;
    const char *source = x->b->source;
    od_sbuf_reset(&c->labels);
    od_ev_json_map(&c->labels, ev->labels);
    od_sbuf_reset(&c->ann);
    od_ev_json_map(&c->ann, ev->annotations);
    od_ev_flap_text(&c->changes, &x->flap);
    if (!x->st.have)
        od_ev_decisions_text(c, o);
    if (c->labels.oom || c->ann.oom || c->changes.oom || c->decs.oom)
        return od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    const char *labels = c->labels.p, *ann = c->ann.p, *changes = c->changes.p;
    const char *cls = o->cls >= 0 ? od_event_class_key((od_event_class)o->cls) : NULL;
    const char *status = ev->firing ? "firing" : "resolved",
               *rule = o->incident_rule[0] ? o->incident_rule : NULL;
    int64_t closed = o->closed ? c->now : 0;
    x->id = x->st.id;
    if (x->st.have) {
        od_err rc = od_ev_repeat_flush_one(c, x->id, e); /* its raw and last_seen are older than this */
        if (!rc)
            rc = od_tx_exec(c->tx, OD_Q_EV_UPDATE, e,
                            OD_BINDS(OD_TEXT(status), OD_TEXT(od_event_state_key(o->state)), OD_TEXT(cls),
                                     OD_TEXT(ev->severity), OD_TEXT(ev->summary),
                                     OD_INT_OR_NULL(o->ci_id, o->ci_id != 0), OD_TEXT(labels), OD_TEXT(ann),
                                     OD_TEXT(x->raw), OD_BOOL(x->flapping), OD_TEXT(changes),
                                     OD_TEXT(o->group_key),
                                     OD_INT_OR_NULL(o->incident_id, o->incident_id != 0), OD_TEXT(rule),
                                     OD_INT_OR_NULL(o->window_id, o->window_id != 0), OD_INT(c->now),
                                     OD_INT(c->now), OD_INT_OR_NULL(closed, closed != 0), OD_INT(x->id)));
        return rc ? rc : decisions_write(c, x->id, o, e);
    }
    int64_t first = ev->starts_at > 0 && ev->starts_at <= c->now ? ev->starts_at : c->now;
    int64_t hash = od_ev_key_hash(source, ev->dedup_key);
    int64_t rid = 0;
    if (c->absent.cap && od_ev_absent_take(c, source, ev->dedup_key, &rid) == 2 && rid > 0) {
        /* several nodes: its id was reserved; the row is inserted with the
         * commit's other new events (events_pending.c) */
        x->id = rid;
        json_t *row = json_pack(
            "{s:I,s:s,s:s,s:s,s:s,s:s?,s:s,s:s,s:o,s:s,s:s,s:s,s:i,s:s,s:s,s:o,s:s?,s:o,s:o,s:I,s:I,s:I,s:I,"
            "s:o,"
            "s:s,s:I}",
            "id", (json_int_t)rid, "source", source, "dedup_key", ev->dedup_key, "status", status, "state",
            od_event_state_key(o->state), "class", cls, "severity", ev->severity, "summary", ev->summary,
            "ci_id", o->ci_id ? json_integer(o->ci_id) : json_null(), "labels", labels, "annotations", ann,
            "raw", x->raw, "flapping", x->flapping ? 1 : 0, "changes", changes, "group_key", o->group_key,
            "incident_id", o->incident_id ? json_integer(o->incident_id) : json_null(), "incident_rule", rule,
            "window_id", o->window_id ? json_integer(o->window_id) : json_null(), "api_key_id",
            x->b->api_key_id ? json_integer(x->b->api_key_id) : json_null(), "first_seen", (json_int_t)first,
            "last_seen", (json_int_t)c->now, "received_at", (json_int_t)c->now, "updated_at",
            (json_int_t)c->now, "closed_at", closed ? json_integer(closed) : json_null(), "decisions",
            c->decs.p, "key_hash", (json_int_t)hash);
        return od_ev_pending_add(c, row, e);
    }
    od_err rc =
        od_tx_insert(c->tx, OD_Q_EV_INSERT, &x->id, e,
                     OD_BINDS(OD_TEXT(source), OD_TEXT(ev->dedup_key), OD_TEXT(status),
                              OD_TEXT(od_event_state_key(o->state)), OD_TEXT(cls), OD_TEXT(ev->severity),
                              OD_TEXT(ev->summary), OD_INT_OR_NULL(o->ci_id, o->ci_id != 0), OD_TEXT(labels),
                              OD_TEXT(ann), OD_TEXT(x->raw), OD_BOOL(x->flapping), OD_TEXT(changes),
                              OD_TEXT(o->group_key), OD_INT_OR_NULL(o->incident_id, o->incident_id != 0),
                              OD_TEXT(rule), OD_INT_OR_NULL(o->window_id, o->window_id != 0),
                              OD_INT_OR_NULL(x->b->api_key_id, x->b->api_key_id != 0), OD_INT(first),
                              OD_INT(c->now), OD_INT(c->now), OD_INT(c->now),
                              OD_INT_OR_NULL(closed, closed != 0), OD_TEXT(c->decs.p), OD_INT(hash)));
    if (rc || c->shared) /* several nodes: the unique index is the table */
        return rc;
    return od_ev_key_added(c, (uint64_t)hash, x->id, e);
}

/* What needs the event's id: the response's outbox rows, the group it
 * leads, the incident's timeline. */
static od_err after_write(ctx *c, const one *x, od_error *e)
{
    const outcome *o = &x->o;
    od_err rc = OD_OK;
    if (o->responded)
        rc = respond_write(c, x->ev, x->b->source, x->id, x->st.have ? x->st.count + 1 : 1, x->grade,
                           x->ci_name, o, e);
    if (!rc && o->responded && o->group_key[0]) /* this event leads its group for the window */
        rc = od_ev_group_put(c, o->group_key, x->id, e);
    if (!rc && o->new_incident) {
        char text[600];
        snprintf(text, sizeof text, "由告警 #%lld 自动登记：%s %s (opened from event #%lld, %s)",
                 (long long)x->id, x->b->source, x->ev->dedup_key, (long long)x->id, x->ev->severity);
        rc = timeline(c, o->new_incident, "event", text, e);
    }
    if (!rc && x->act == OD_DD_RESOLVE && x->st.incident_id)
        rc = incident_resolved(c, x->st.incident_id, x->ev, e);
    return rc;
}

od_err od_ev_process(ctx *c, const od_event_batch *b, const od_event_in *ev, od_sbuf *res, od_error *e)
{
    one one_ = {.b = b, .ev = ev}, *x = &one_;
    od_label lbuf[OD_EVT_LABELS_MAX + 8]; /* not zeroed: labels_build fills what it uses */
    int64_t ci_id = 0;
    od_err rc = stored_load(c, b->source, ev->dedup_key, &x->st, e);
    if (!rc)
        rc = ci_resolve(c, ev, &ci_id, &x->grade, &x->ci_name, e);
    if (rc)
        goto out;
    labels_build(ev, b->source, x->ci_name, lbuf, &x->ls);
    x->act = od_event_dedup(x->st.have, x->st.firing, ev->firing);
    x->raw = od_ev_raw_text(c, ev);
    if (!x->raw) {
        rc = od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
        goto out;
    }
    const stored *st = &x->st;
    bool window_over = st->firing && st->state == OD_EVS_SILENCED && !still_silenced(c, st, &x->ls);
    x->move = od_event_state_move(st->state, x->act, window_over);
    if (x->move == OD_EVM_KEEP) {
        /* written before the commit with the transaction's other repeats
         * (events_repeats.c); at once when this request may be undone alone */
        rc = c->savepoints
                 ? od_tx_exec(c->tx, OD_Q_EV_REPEAT, e,
                              OD_BINDS(OD_INT(c->now), OD_TEXT(x->raw), OD_INT(c->now), OD_INT(st->id)))
                 : od_ev_repeat_add(c, st->id, x->raw, e);
        if (!rc && ev->note)
            rc = od_tx_exec(
                c->tx, OD_Q_EVD_INSERT, e,
                OD_BINDS(OD_INT(st->id), OD_INT(c->now), OD_TEXT("dedup"), OD_TEXT(NULL), OD_TEXT(ev->note)));
        if (!rc)
            od_ev_result_text(res, st->id, ev->dedup_key, "repeat", od_event_state_key(st->state), false,
                              NULL, 0);
        goto out;
    }
    c->drill_incident = b->drill_incident;
    x->o = (outcome){.state = OD_EVS_OPEN, .cls = -1, .ci_id = ci_id};
    x->flap = st->flap;
    x->flapping = st->flapping;
    rc = decide(c, x, e);
    if (!rc)
        rc = row_write(c, x, e);
    if (!rc)
        rc = after_write(c, x, e);
    if (!rc)
        od_ev_result_text(
            res, x->id, ev->dedup_key, od_dedup_action_key(x->act), od_event_state_key(x->o.state), true,
            x->o.cls >= 0 ? od_event_class_key((od_event_class)x->o.cls) : NULL, x->o.incident_id);
out:
    json_decref(x->o.alert_users);
    return rc;
}
