/* om_reports_review.c — review and distribution of filed O&M reports
 * (modules-spec §1.10; see om_reports.h).  Filing arms the review deadline
 * (policy sla.report_review.within): a deadlines row with neither incident
 * nor record, kind "report:review:<id>", claimed and fired once across
 * restarts and nodes by the incident scheduler (od_incident_fire_next →
 * od_record_fire_deadline → od_report_fire_deadline).  When it fires and the
 * run is still only filed, the holders of the reviewer role are told once
 * (outbox cause "report:<id>:review_overdue").  Generation arms the filing
 * deadline the same way (kind "report:file:<id>", policy
 * sla.report_review.file_within): a run still a draft then, and not
 * superseded by a newer version, is reported to the ops department heads
 * (cause "report:<id>:file_overdue"); filing meets it.  A review is by the policy's
 * reviewer role and never by whoever generated or filed the run; it meets
 * the deadline.  Distribution queues the message with the report's link to
 * the holders of the recipient roles (cause "report:<id>:distributed"). */
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
    char kind[16];
    int64_t generated_by, filed_by, due_at, reviewed_at, reviewed_by, distributed_at, distributed_by;
    int64_t file_due_at; /* the filing deadline stored at generation (0 = none) */
    char note[2048];
} review_row;

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
                        json_pack("{so so so so so so so}", "file_due_at", time_or_null(v.file_due_at),
                                  "due_at", time_or_null(v.due_at), "reviewed_at",
                                  time_or_null(v.reviewed_at), "reviewed_by", id_or_null(v.reviewed_by),
                                  "note", v.reviewed_at ? json_string(v.note) : json_null(), "distributed_at",
                                  time_or_null(v.distributed_at), "distributed_by",
                                  id_or_null(v.distributed_by)));
    if (now) /* still only filed at or after its review deadline */
        json_object_set_new(run, "review_overdue",
                            json_boolean(!strcmp(v.state, "filed") && v.due_at && now >= v.due_at));
    return OD_OK;
}

od_err od_report_arm_filing(od_tx *tx, const od_policy *p, int64_t id, int64_t now, od_error *e)
{
    int64_t due = now + p->sla.report_file_ms;
    char kind[64];
    snprintf(kind, sizeof kind, FILE_PREFIX "%lld", (long long)id);
    od_err rc = od_tx_exec(tx, OD_Q_RPT_SET_FILE_DUE, e, OD_BINDS(OD_INT(due), OD_INT(id)));
    if (!rc)
        rc = od_tx_exec(tx, OD_Q_RPT_DL_INSERT, e, OD_BINDS(OD_TEXT(kind), OD_INT(due), OD_INT(due)));
    return rc;
}

od_err od_report_arm_review(od_tx *tx, const od_policy *p, int64_t id, int64_t now, od_error *e)
{
    int64_t due = now + p->sla.report_review_ms;
    char kind[64];
    snprintf(kind, sizeof kind, FILE_PREFIX "%lld", (long long)id); /* filed: the filing deadline is met */
    od_err rc = od_tx_exec(tx, OD_Q_RPT_DL_MEET, e, OD_BINDS(OD_INT(now), OD_TEXT(kind)));
    snprintf(kind, sizeof kind, KIND_PREFIX "%lld", (long long)id);
    if (!rc)
        rc = od_tx_exec(tx, OD_Q_RPT_SET_DUE, e, OD_BINDS(OD_INT(due), OD_INT(id)));
    if (!rc)
        rc = od_tx_exec(tx, OD_Q_RPT_DL_INSERT, e, OD_BINDS(OD_TEXT(kind), OD_INT(due), OD_INT(due)));
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
    int64_t id;
    bool overdue;
    bool filing;               /* overdue: the filing deadline (else the review's) */
    char due[OD_MSG_TIME_MAX]; /* Beijing time, as the incident messages show it */
} msg_arg;

/* The message of a distribution or of an overdue review, in one language. */
static od_err render(void *arg, od_lang lang, char **subject, char **body, od_error *e)
{
    const msg_arg *m = arg;
    bool weekly = !strcmp(m->v->kind, "weekly");
    char sub[256], txt[2048];
    if (m->filing && lang == OD_LANG_ZH) {
        snprintf(sub, sizeof sub, "【运维报告】%s %s 归档已逾期", weekly ? "运维周报" : "运维月报",
                 m->v->number);
        snprintf(txt, sizeof txt, "%s %s 已生成，归档期限 %s 已过，仍未填写归档。请处理：%s/#/reports/%lld",
                 weekly ? "运维周报" : "运维月报", m->v->number, m->due, links_base, (long long)m->id);
    } else if (m->filing) {
        snprintf(sub, sizeof sub, "[O&M report] %s %s filing overdue",
                 weekly ? "weekly report" : "monthly report", m->v->number);
        snprintf(txt, sizeof txt,
                 "The %s %s was generated and was to be filed by %s; it is still a draft. See to it: "
                 "%s/#/reports/%lld",
                 weekly ? "weekly report" : "monthly report", m->v->number, m->due, links_base,
                 (long long)m->id);
    } else if (lang == OD_LANG_ZH) {
        snprintf(sub, sizeof sub, "【运维报告】%s %s%s", weekly ? "运维周报" : "运维月报", m->v->number,
                 m->overdue ? " 审核已逾期" : " 已审核分发");
        if (m->overdue)
            snprintf(txt, sizeof txt, "%s %s 已归档，审核期限 %s 已过，仍未审核。请审核：%s/#/reports/%lld",
                     weekly ? "运维周报" : "运维月报", m->v->number, m->due, links_base, (long long)m->id);
        else
            snprintf(txt, sizeof txt,
                     "%s %s 已审核，现予分发。查看：%s/#/reports/%lld "
                     "；打印版：%s/api/v1/reports/runs/%lld/report.html",
                     weekly ? "运维周报" : "运维月报", m->v->number, links_base, (long long)m->id, links_base,
                     (long long)m->id);
    } else {
        snprintf(sub, sizeof sub, "[O&M report] %s %s %s", weekly ? "weekly report" : "monthly report",
                 m->v->number, m->overdue ? "review overdue" : "reviewed and distributed");
        if (m->overdue)
            snprintf(txt, sizeof txt,
                     "The %s %s was filed and its review was due at %s; it is not reviewed yet. Review it: "
                     "%s/#/reports/%lld",
                     weekly ? "weekly report" : "monthly report", m->v->number, m->due, links_base,
                     (long long)m->id);
        else
            snprintf(txt, sizeof txt,
                     "The %s %s is reviewed and distributed. Read it: %s/#/reports/%lld ; print view: "
                     "%s/api/v1/reports/runs/%lld/report.html",
                     weekly ? "weekly report" : "monthly report", m->v->number, links_base, (long long)m->id,
                     links_base, (long long)m->id);
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

od_err od_report_review(od_app *a, const od_principal *who, int64_t id, const char *note, json_t **out,
                        od_error *e)
{
    *out = NULL;
    const od_policy *p = a->policy;
    if (note && strlen(note) > 2000)
        return od_error_set(e, OD_E_INVALID, "note",
                            "审核意见不超过 2000 字节 (a note is at most 2000 bytes)");
    if (!(who->roles & OD_ROLEBIT(p->sla.report_reviewer))) {
        const char *r = od_role_key((od_role)p->sla.report_reviewer);
        return od_error_set(e, OD_E_FORBIDDEN, NULL,
                            "只有 %s 可以审核运维报告 (only a %s reviews O&M reports)", r, r);
    }
    int64_t now = od_app_now(a);
    od_tx *tx = NULL;
    od_err rc = od_tx_begin(a->store, true, &tx, e);
    if (rc)
        return rc;
    review_row v;
    rc = row_load(tx, id, &v, e);
    if (!rc && !strcmp(v.state, "draft"))
        rc = od_error_set(e, OD_E_CONFLICT, "id", "报告尚未归档 (the report is not filed yet)");
    else if (!rc && strcmp(v.state, "filed") != 0)
        rc = od_error_set(e, OD_E_CONFLICT, "id", "报告已审核 (the report is reviewed already)");
    if (!rc && who->id && (who->id == v.filed_by || who->id == v.generated_by))
        rc = od_error_set(e, OD_E_FORBIDDEN, "id",
                          "不得审核自己生成或归档的报告 (the author of a report may not review it)");
    if (!rc)
        rc =
            od_tx_exec(tx, OD_Q_RPT_REVIEW, e,
                       OD_BINDS(OD_INT(now), OD_INT_NONZERO(who->id), OD_TEXT(note ? note : ""), OD_INT(id)));
    if (!rc && od_tx_changes(tx) != 1)
        rc = od_error_set(e, OD_E_CONFLICT, "id", "报告已审核 (the report is reviewed already)");
    char kind[64];
    snprintf(kind, sizeof kind, KIND_PREFIX "%lld", (long long)id);
    if (!rc)
        rc = od_tx_exec(tx, OD_Q_RPT_DL_MEET, e, OD_BINDS(OD_INT(now), OD_TEXT(kind)));
    if (!rc) {
        json_t *aud =
            json_pack("{ss ss ss}", "number", v.number, "state", "reviewed", "note", note ? note : "");
        json_t *before = json_pack("{ss}", "state", v.state);
        rc = od_audit_append(tx, now, who, "report.review", "report_run", id, before, aud, e);
        json_decref(aud);
        json_decref(before);
    }
    rc = finish(tx, rc, e);
    if (!rc)
        rc = od_report_get(a, id, out, e);
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
    if (!rc && (!strcmp(v.state, "draft") || !strcmp(v.state, "filed")))
        rc = od_error_set(e, OD_E_CONFLICT, "id",
                          "报告须先审核再分发 (a report is reviewed before it is distributed)");
    else if (!rc && strcmp(v.state, "reviewed") != 0)
        rc = od_error_set(e, OD_E_CONFLICT, "id", "报告已分发 (the report is distributed already)");
    if (!rc)
        rc = od_tx_exec(tx, OD_Q_RPT_DISTRIBUTE, e,
                        OD_BINDS(OD_INT(now), OD_INT_NONZERO(who->id), OD_INT(id)));
    if (!rc && od_tx_changes(tx) != 1)
        rc = od_error_set(e, OD_E_CONFLICT, "id", "报告已分发 (the report is distributed already)");
    size_t n = 0;
    msg_arg m = {.v = &v, .id = id, .overdue = false};
    if (!rc)
        rc = tell(tx, p, p->sla.report_recipients, &m, now, &n, e);
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
        switch (od_report_todo_at((od_report_state)st, od_rows_null(r, 1) ? OD_NO_TIME : od_rows_int(r, 1),
                                  od_rows_null(r, 2) ? OD_NO_TIME : od_rows_int(r, 2), od_rows_int(r, 3) > 0,
                                  now)) {
        case OD_RPT_TODO_UNFILED_OVERDUE:
            ++*unfiled_overdue;
            break;
        case OD_RPT_TODO_UNREVIEWED_OVERDUE:
            ++*unreviewed_overdue;
            break;
        case OD_RPT_TODO_UNDISTRIBUTED:
            ++*undistributed;
            break;
        default:
            break;
        }
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
    if (rc || strcmp(v.state, filing ? "draft" : "filed") != 0) /* filed or reviewed meanwhile */
        return rc;
    if (filing && ((rc = od_tx_scalar(tx, OD_Q_RPT_NEWER, &newer, e, OD_BINDS(OD_INT(id)))) || newer))
        return rc; /* superseded by a newer version of the period */
    msg_arg m = {.v = &v, .id = id, .overdue = true, .filing = filing};
    int64_t due = v.due_at;
    if (filing && (rc = od_tx_scalar(tx, OD_Q_RPT_DL_DUE, &due, e, OD_BINDS(OD_TEXT(kind)))))
        return rc;
    od_msg_time(due ? due : now, m.due);
    size_t n = 0;
    rc = tell(tx, p, filing ? OD_ROLEBIT(OD_ROLE_OPS_DEPARTMENT_HEAD) : OD_ROLEBIT(p->sla.report_reviewer),
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
