/* om_reports_review.c — review and distribution of O&M reports
 * (modules-spec §1.10, §M4.5 "Workflow": draft → under_review → filed →
 * distributed; the moves are core/report_due.c od_report_step_of; see
 * om_reports.h).  Submission arms the review deadline (policy
 * sla.report_review.within): a deadlines row with neither incident nor
 * record, kind "report:review:<id>", claimed and fired once across restarts
 * and nodes by the incident scheduler (od_incident_fire_next →
 * od_record_fire_deadline → od_report_fire_deadline).  When it fires and the
 * run is still under review, the holders of the reviewer role are told once
 * (outbox cause "report:<id>:review_overdue").  Generation arms the filing
 * deadline the same way (kind "report:file:<id>", policy
 * sla.report_review.file_within): a run still a draft or under review then, and not
 * superseded by a newer version, is reported to the ops department heads
 * (cause "report:<id>:file_overdue"); filing meets it.  The reviewer (the
 * policy's role, never whoever generated or submitted the run) files it or
 * returns it to draft with a note; either meets the review deadline.  Distribution queues the message with
 * the report's link to the holders of the recipient roles (cause "report:<id>:distributed"). */
#include "app/notify_out.h"
#include "app/om_reports.h"
#include "core/report_due.h"
#include "notify/message.h"
#include "util/clock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KIND_PREFIX "report:review:"
#define FILE_PREFIX "report:file:"

typedef struct review_row {
    char state[16];
    char number[64];
    char kind[OD_RDEF_KEY_MAX];
    int64_t generated_by, filed_by, due_at, reviewed_at, reviewed_by, distributed_at, distributed_by;
    int64_t file_due_at; /* the filing deadline stored at generation (0 = none) */
    int64_t submitted_by, submitted_at;
    char note[2048];
} review_row;

static od_err finish(od_tx *tx, od_err rc, od_error *e);

static int64_t col(od_rows *r, int c)
{
    return od_rows_null(r, c) ? 0 : od_rows_int(r, c);
}

static od_err row_load(od_tx *tx, int64_t id, review_row *v, od_error *e)
{
    memset(v, 0, sizeof *v);
    od_rows *r = NULL;
    bool row = false;
    od_err rc = od_tx_query(tx, OD_Q_RPT_REVIEW_GET, &r, e, OD_BINDS(OD_INT(id)));
    if (!rc && !(rc = od_rows_step(r, &row)) && !row)
        rc = od_error_set(e, OD_E_NOT_FOUND, "id", "报告不存在 (report run not found)");
    if (!rc) {
        snprintf(v->state, sizeof v->state, "%s", od_rows_text(r, 0));
        v->generated_by = col(r, 1);
        v->filed_by = col(r, 2);
        v->due_at = col(r, 3);
        v->reviewed_at = col(r, 4);
        v->reviewed_by = col(r, 5);
        snprintf(v->note, sizeof v->note, "%s", od_rows_null(r, 6) ? "" : od_rows_text(r, 6));
        v->distributed_at = col(r, 7);
        v->distributed_by = col(r, 8);
        snprintf(v->number, sizeof v->number, "%s", od_rows_text(r, 9));
        snprintf(v->kind, sizeof v->kind, "%s", od_rows_text(r, 10));
        v->file_due_at = col(r, 11);
        v->submitted_by = col(r, 12);
        v->submitted_at = col(r, 13);
    }
    od_rows_close(r);
    return rc;
}

static json_t *time_or_null(int64_t ms)
{
    char t[OD_TIME_STR_MAX];
    return ms ? json_string(od_time_format(ms, t)) : json_null();
}

static json_t *id_or_null(int64_t id)
{
    return id ? json_integer(id) : json_null();
}

od_err od_report_review_json(od_tx *tx, int64_t id, int64_t now, json_t *run, od_error *e)
{
    review_row v;
    od_err rc = row_load(tx, id, &v, e);
    if (rc)
        return rc;
    json_object_set_new(run, "review",
                        json_pack("{so so so so so so so so so}", "file_due_at", time_or_null(v.file_due_at),
                                  "submitted_at", time_or_null(v.submitted_at), "submitted_by",
                                  id_or_null(v.submitted_by), "due_at", time_or_null(v.due_at), "reviewed_at",
                                  time_or_null(v.reviewed_at), "reviewed_by", id_or_null(v.reviewed_by),
                                  "note", v.note[0] ? json_string(v.note) : json_null(), "distributed_at",
                                  time_or_null(v.distributed_at), "distributed_by",
                                  id_or_null(v.distributed_by)));
    if (now) /* still under review at or after its review deadline */
        json_object_set_new(run, "review_overdue",
                            json_boolean(!strcmp(v.state, "under_review") && v.due_at && now >= v.due_at));
    return OD_OK;
}

od_err od_report_arm_filing(od_tx *tx, const od_policy *p, int64_t id, int64_t now, od_error *e)
{
    review_row v;
    od_err rc = row_load(tx, id, &v, e);
    if (rc)
        return rc;
    int64_t due = now + od_report_file_ms_of(p, v.kind);
    char kind[64];
    snprintf(kind, sizeof kind, FILE_PREFIX "%lld", (long long)id);
    rc = od_tx_exec(tx, OD_Q_RPT_SET_FILE_DUE, e, OD_BINDS(OD_INT(due), OD_INT(id)));
    if (!rc)
        rc = od_tx_exec(tx, OD_Q_RPT_DL_INSERT, e, OD_BINDS(OD_TEXT(kind), OD_INT(due), OD_INT(due)));
    return rc;
}

od_err od_report_meet_deadlines(od_tx *tx, int64_t id, int64_t now, od_error *e)
{
    char kind[64];
    snprintf(kind, sizeof kind, FILE_PREFIX "%lld", (long long)id); /* filed: the filing deadline is met */
    od_err rc = od_tx_exec(tx, OD_Q_RPT_DL_MEET, e, OD_BINDS(OD_INT(now), OD_TEXT(kind)));
    snprintf(kind, sizeof kind, KIND_PREFIX "%lld", (long long)id); /* … and the review's */
    if (!rc)
        rc = od_tx_exec(tx, OD_Q_RPT_DL_MEET, e, OD_BINDS(OD_INT(now), OD_TEXT(kind)));
    return rc;
}

od_err od_report_decide(od_tx *tx, const od_policy *p, const od_principal *who, int64_t id,
                        od_report_action act, bool sections_complete, bool note, od_error *e)
{
    review_row v;
    od_err rc = row_load(tx, id, &v, e);
    if (rc)
        return rc;
    int st = od_report_state_parse(v.state);
    od_report_actor x = {.reviewer = (who->roles & OD_ROLEBIT(od_report_reviewer_of(p, v.kind))) != 0,
                         .author = who->id && (who->id == v.generated_by || who->id == v.submitted_by),
                         .lead = true, /* distribution: the route requires incident_lead */
                         .sections_complete = sections_complete,
                         .note = note};
    od_report_step s = od_report_step_of(st < 0 ? OD_RPT_STATE__COUNT : (od_report_state)st, act, &x);
    if (!s.status)
        return OD_OK;
    const char *role = od_role_key((od_role)od_report_reviewer_of(p, v.kind));
    if (!strcmp(s.what, "reviewer"))
        return od_error_set(e, OD_E_FORBIDDEN, NULL,
                            "只有 %s 可以审核运维报告 (only a %s reviews O&M reports)", role, role);
    if (!strcmp(s.what, "author"))
        return od_error_set(e, OD_E_FORBIDDEN, "id",
                            "不得审核自己生成或提交的报告 (the author of a report may not review it)");
    if (!strcmp(s.what, "note"))
        return od_error_set(e, OD_E_UNPROCESSABLE, "note", "退回须写明意见 (a return needs a note)");
    if (!strcmp(s.what, "sections"))
        return od_error_set(e, OD_E_UNPROCESSABLE, "sections",
                            "提交审核前须填写人工章节 (fill the manual sections before submitting)");
    if (!strcmp(s.what, "lead"))
        return od_error_set(e, OD_E_FORBIDDEN, NULL, "需要 incident_lead 权限 (incident_lead is needed)");
    static const char *const zh[] = {"草稿", "审核中", "已归档", "已分发"};
    static const char *const en[] = {"a draft", "under review", "filed", "distributed"};
    static const char *const need[][2] = {
        {"只有草稿可以提交审核", "only a draft is submitted for review"},
        {"只有审核中的报告可以退回", "only a report under review is returned"},
        {"报告须先提交审核，审核通过后归档", "a report is submitted for review and filed by its reviewer"},
        {"报告归档后才能分发", "a report is filed before it is distributed"}};
    int k = st < 0 ? 0 : st;
    return od_error_set(e, OD_E_CONFLICT, "id", "报告%s：%s (the report is %s: %s)", zh[k], need[act][0],
                        en[k], need[act][1]);
}

od_err od_report_return(od_app *a, const od_principal *who, int64_t id, const char *note, json_t **out,
                        od_error *e)
{
    *out = NULL;
    if (note && strlen(note) > 2000)
        return od_error_set(e, OD_E_INVALID, "note",
                            "审核意见不超过 2000 字节 (a note is at most 2000 bytes)");
    int64_t now = od_app_now(a);
    od_tx *tx = NULL;
    od_err rc = od_tx_begin(a->store, true, &tx, e);
    if (rc)
        return rc;
    review_row v;
    rc = row_load(tx, id, &v, e);
    if (!rc)
        rc = od_report_decide(tx, a->policy, who, id, OD_RPT_RETURN, true, note && *note, e);
    if (!rc)
        rc = od_tx_exec(tx, OD_Q_RPT_RETURN, e, OD_BINDS(OD_TEXT(note), OD_INT(id)));
    if (!rc && od_tx_changes(tx) != 1)
        rc = od_error_set(e, OD_E_CONFLICT, "id", "报告已不在审核中 (the report is no longer under review)");
    char kind[64];
    snprintf(kind, sizeof kind, KIND_PREFIX "%lld", (long long)id); /* returned: its review is done */
    if (!rc)
        rc = od_tx_exec(tx, OD_Q_RPT_DL_MEET, e, OD_BINDS(OD_INT(now), OD_TEXT(kind)));
    if (!rc) {
        json_t *aud = json_pack("{ss ss ss}", "number", v.number, "state", "draft", "note", note);
        json_t *before = json_pack("{ss}", "state", v.state);
        rc = od_audit_append(tx, now, who, "report.return", "report_run", id, before, aud, e);
        json_decref(aud);
        json_decref(before);
    }
    rc = finish(tx, rc, e);
    if (!rc)
        rc = od_report_get(a, id, out, e);
    return rc;
}

/* The base of the links in report messages (--public-url, no trailing '/'); "" = relative links
 * (/#/reports/ID), as before the option was used here.  Written once by main.c before any thread
 * starts, read only afterwards. */
static char links_base[OD_REPORT_URL_MAX];

void od_report_set_links_base(const char *url)
{
    snprintf(links_base, sizeof links_base, "%s", url ? url : "");
    for (size_t n = strlen(links_base); n && links_base[n - 1] == '/';)
        links_base[--n] = '\0';
}

const char *od_report_links_base(void)
{
    return links_base;
}

static char *dup_text(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

typedef struct msg_arg {
    const review_row *v;
    const od_policy *p;
    int64_t id;
    bool overdue;
    bool filing;               /* overdue: the filing deadline (else the review's) */
    char due[OD_MSG_TIME_MAX]; /* Beijing time, as the incident messages show it */
} msg_arg;

/* The message of a distribution or of an overdue review, in one language. */
static od_err render(void *arg, od_lang lang, char **subject, char **body, od_error *e)
{
    const msg_arg *m = arg;
    const char *zh = od_report_title_of(m->p, m->v->kind, true),
               *en = od_report_title_of(m->p, m->v->kind, false);
    char sub[256], txt[2048];
    if (m->filing && lang == OD_LANG_ZH) {
        snprintf(sub, sizeof sub, "【运维报告】%s %s 归档已逾期", zh, m->v->number);
        snprintf(txt, sizeof txt, "%s %s 已生成，归档期限 %s 已过，仍未归档。请处理：%s/#/reports/%lld", zh,
                 m->v->number, m->due, links_base, (long long)m->id);
    } else if (m->filing) {
        snprintf(sub, sizeof sub, "[O&M report] %s %s filing overdue", en, m->v->number);
        snprintf(txt, sizeof txt,
                 "The %s %s was generated and was to be filed by %s; it is not filed yet. See to it: "
                 "%s/#/reports/%lld",
                 en, m->v->number, m->due, links_base, (long long)m->id);
    } else if (lang == OD_LANG_ZH) {
        snprintf(sub, sizeof sub, "【运维报告】%s %s%s", zh, m->v->number,
                 m->overdue ? " 审核已逾期" : " 已审核归档并分发");
        if (m->overdue)
            snprintf(txt, sizeof txt,
                     "%s %s 已提交审核，审核期限 %s 已过，仍未审核归档。请审核：%s/#/reports/%lld", zh,
                     m->v->number, m->due, links_base, (long long)m->id);
        else
            snprintf(txt, sizeof txt,
                     "%s %s 已审核归档，现予分发。查看：%s/#/reports/%lld "
                     "；打印版：%s/api/v1/reports/runs/%lld/report.html",
                     zh, m->v->number, links_base, (long long)m->id, links_base, (long long)m->id);
    } else {
        snprintf(sub, sizeof sub, "[O&M report] %s %s %s", en, m->v->number,
                 m->overdue ? "review overdue" : "filed and distributed");
        if (m->overdue)
            snprintf(
                txt, sizeof txt,
                "The %s %s was submitted for review, due at %s; it is not reviewed and filed yet. Review it: "
                "%s/#/reports/%lld",
                en, m->v->number, m->due, links_base, (long long)m->id);
        else
            snprintf(txt, sizeof txt,
                     "The %s %s is reviewed, filed and distributed. Read it: %s/#/reports/%lld ; print view: "
                     "%s/api/v1/reports/runs/%lld/report.html",
                     en, m->v->number, links_base, (long long)m->id, links_base, (long long)m->id);
    }
    *subject = dup_text(sub);
    *body = dup_text(txt);
    if (!*subject || !*body) {
        free(*subject);
        free(*body);
        *subject = *body = NULL;
        return od_error_set(e, OD_E_NOMEM, NULL, "内存不足 (out of memory)");
    }
    return OD_OK;
}

/* Removes the run's generator and submitter from users: they may not file it. */
static void drop_authors(json_t *users, const review_row *v)
{
    for (size_t i = json_array_size(users); i-- > 0;) {
        json_int_t id = json_integer_value(json_object_get(json_array_get(users, i), "id"));
        if (id && (id == v->generated_by || id == v->submitted_by))
            json_array_remove(users, i);
    }
}

/* Queues the message to every active holder of `roles`. */
static od_err tell(od_tx *tx, const od_policy *p, od_roleset roles, msg_arg *m, int64_t now, size_t *n,
                   od_error *e)
{
    od_audience aud = {.anywhere = roles, .own_department = 0};
    json_t *users = NULL;
    od_err rc = od_out_audience(tx, &aud, NULL, &users, e);
    char cause[64];
    snprintf(cause, sizeof cause, "report:%lld:%s", (long long)m->id,
             m->filing    ? "file_overdue"
             : m->overdue ? "review_overdue"
                          : "distributed");
    od_out_msg msg = {.cause = cause,
                      .incident_id = 0,
                      .kind = m->filing    ? "report_file"
                              : m->overdue ? "report_review"
                                           : "report",
                      .desk = "",
                      .level = m->overdue ? OD_GRADE_L2 : OD_GRADE_L3,
                      .render = render,
                      .arg = m};
    if (!rc && m->overdue && !m->filing) /* a review reminder: only those who may file it (actor_not) */
        drop_authors(users, m->v);
    if (!rc)
        rc = od_out_send(tx, p, &msg, users, now, n, e);
    json_decref(users);
    return rc;
}

static od_err finish(od_tx *tx, od_err rc, od_error *e)
{
    if (!rc)
        return od_tx_commit(tx, e);
    od_tx_rollback(tx);
    return rc;
}

od_err od_report_distribute(od_app *a, const od_principal *who, int64_t id, json_t **out, od_error *e)
{
    *out = NULL;
    const od_policy *p = a->policy;
    int64_t now = od_app_now(a);
    od_tx *tx = NULL;
    od_err rc = od_tx_begin(a->store, true, &tx, e);
    if (rc)
        return rc;
    review_row v;
    rc = row_load(tx, id, &v, e);
    if (!rc)
        rc = od_report_decide(tx, p, who, id, OD_RPT_DISTRIBUTE, true, false, e);
    if (!rc)
        rc = od_tx_exec(tx, OD_Q_RPT_DISTRIBUTE, e,
                        OD_BINDS(OD_INT(now), OD_INT_NONZERO(who->id), OD_INT(id)));
    if (!rc && od_tx_changes(tx) != 1)
        rc = od_error_set(e, OD_E_CONFLICT, "id", "报告已分发 (the report is distributed already)");
    size_t n = 0;
    msg_arg m = {.v = &v, .p = p, .id = id, .overdue = false};
    if (!rc)
        rc = tell(tx, p, od_report_recipients_of(p, v.kind), &m, now, &n, e);
    if (!rc) {
        json_t *aud =
            json_pack("{ss ss sI}", "number", v.number, "state", "distributed", "messages", (json_int_t)n);
        json_t *before = json_pack("{ss}", "state", v.state);
        rc = od_audit_append(tx, now, who, "report.distribute", "report_run", id, before, aud, e);
        json_decref(aud);
        json_decref(before);
    }
    rc = finish(tx, rc, e);
    if (!rc && n)
        od_app_committed(a, OD_COMMIT_OUTBOX);
    if (!rc)
        rc = od_report_get(a, id, out, e);
    if (!rc)
        json_object_set_new(*out, "messages_queued", json_integer((json_int_t)n));
    return rc;
}

#define DASH_RUNS_MAX 100000

od_err od_report_dashboard_counts(od_tx *tx, const od_policy *p, int64_t now, int64_t *unfiled_overdue,
                                  int64_t *unreviewed_overdue, int64_t *undistributed, od_error *e)
{
    (void)p; /* each run carries its own deadlines (migration 0037): today's policy does not move them */
    *unfiled_overdue = *unreviewed_overdue = *undistributed = 0;
    od_rows *r = NULL;
    bool row = false;
    od_err rc = od_tx_query(tx, OD_Q_OMR_DASH_RUNS, &r, e, OD_BINDS(OD_INT((int64_t)DASH_RUNS_MAX)));
    while (!rc && !(rc = od_rows_step(r, &row)) && row) {
        int st = od_report_state_parse(od_rows_text(r, 0));
        if (st < 0)
            continue;
        unsigned t = od_report_todo_at(
            (od_report_state)st, od_rows_null(r, 1) ? OD_NO_TIME : od_rows_int(r, 1),
            od_rows_null(r, 2) ? OD_NO_TIME : od_rows_int(r, 2), od_rows_int(r, 3) > 0, now);
        *unfiled_overdue += (t & OD_RPT_TODO_UNFILED_OVERDUE) != 0;
        *unreviewed_overdue += (t & OD_RPT_TODO_UNREVIEWED_OVERDUE) != 0;
        *undistributed += (t & OD_RPT_TODO_UNDISTRIBUTED) != 0;
    }
    od_rows_close(r);
    return rc;
}

bool od_report_deadline_kind(const char *kind)
{
    return kind && (!strncmp(kind, KIND_PREFIX, strlen(KIND_PREFIX)) ||
                    !strncmp(kind, FILE_PREFIX, strlen(FILE_PREFIX)));
}

od_err od_report_fire_deadline(const od_policy *p, od_tx *tx, const char *kind, int64_t now, od_error *e)
{
    bool filing = !strncmp(kind, FILE_PREFIX, strlen(FILE_PREFIX));
    int64_t id = strtoll(kind + strlen(filing ? FILE_PREFIX : KIND_PREFIX), NULL, 10), newer = 0;
    review_row v;
    od_err rc = row_load(tx, id, &v, e);
    if (rc == OD_E_NOT_FOUND) { /* nothing to remind of */
        od_error_clear(e);
        return OD_OK;
    }
    /* filing: a draft or a run under review is not filed yet; review: still under review */
    if (rc || (filing ? strcmp(v.state, "draft") != 0 && strcmp(v.state, "under_review") != 0
                      : strcmp(v.state, "under_review") != 0))
        return rc;
    if (filing && ((rc = od_tx_scalar(tx, OD_Q_RPT_NEWER, &newer, e, OD_BINDS(OD_INT(id)))) || newer))
        return rc; /* superseded by a newer version of the period */
    msg_arg m = {.v = &v, .p = p, .id = id, .overdue = true, .filing = filing};
    int64_t due = v.due_at;
    if (filing && (rc = od_tx_scalar(tx, OD_Q_RPT_DL_DUE, &due, e, OD_BINDS(OD_TEXT(kind)))))
        return rc;
    od_msg_time(due ? due : now, m.due);
    size_t n = 0;
    rc = tell(tx, p,
              filing ? OD_ROLEBIT(OD_ROLE_OPS_DEPARTMENT_HEAD) : OD_ROLEBIT(od_report_reviewer_of(p, v.kind)),
              &m, now, &n, e);
    if (!rc) {
        od_principal sys;
        memset(&sys, 0, sizeof sys);
        snprintf(sys.username, sizeof sys.username, "%s", "system");
        json_t *aud = json_pack("{ss sI}", "number", v.number, "messages", (json_int_t)n);
        rc = od_audit_append(tx, now, &sys, filing ? "report.file_overdue" : "report.review_overdue",
                             "report_run", id, NULL, aud, e);
        json_decref(aud);
    }
    return rc;
}
