/* incident_writer.c — the group commit of incident writes; contract in
 * incident_writer.h.
 *
 *   submit ──> [queue] ──writer: take ≤ GROUP_MAX──> od_incident_create_group
 *              (one transaction, a savepoint per request, one commit)
 *              ──> each request answered (201 or its error) and resumed */
#include "http/incident_writer.h"
#include "app/incident_group.h"
#include "app/problems.h"

#include <pthread.h>
#include <stdlib.h>

typedef struct node {
    od_req *r;
    od_inc_write_kind kind;
    od_incident_input in;     /* CREATE */
    int64_t target;           /* every kind but CREATE */
    json_t *body;             /* REPORT, REGRADE: r's */
    int64_t plan_id;          /* ACTIVATE */
    const char *text;         /* NOTE, HANDLING: r's */
    int64_t user_id;          /* OWNER */
    const char *reason;       /* HANDLING: r's */
    int64_t ke_id;            /* APPLY_KE */
    od_problem_input problem; /* PROBLEM (its strings and fields r's) */
    struct node *next;
} node;

struct od_incw {
    od_app *app;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    node *head, *tail;
    size_t queued;
    bool stop;
    uint64_t groups, members; /* run so far (metrics) */
};

/* On the HTTP thread, after the resume: the incident as written (a read
 * transaction), the answer's body. */
static void answer(od_req *r, int status)
{
    json_t *out = NULL;
    od_err rc = od_incident_get(r->app, &r->who, r->resume_id, &out, &r->err);
    if (rc && !r->err.code)
        r->err.code = rc;
    if (!rc && od_reply(r, status, out) != OD_OK) {
        /* out of memory: r->err says so */
    }
}

static void answer_created(od_req *r)
{
    answer(r, 201);
}

static void answer_acked(od_req *r)
{
    answer(r, 200);
}

/* A problem from an incident: the problem as written, 201. */
static void answer_problem(od_req *r)
{
    json_t *out = NULL;
    od_err rc = od_problem_get(r->app, &r->who, r->resume_id, &out, &r->err);
    if (rc && !r->err.code)
        r->err.code = rc;
    if (!rc && od_reply(r, 201, out) != OD_OK) {
        /* out of memory: r->err says so */
    }
}

static void run(od_incw *w, node *first, size_t n)
{
    od_inc_create_member m[OD_INCW_GROUP_MAX];
    size_t i = 0;
    for (node *x = first; x; x = x->next, i++)
        m[i] = (od_inc_create_member){.kind = x->kind,
                                      .who = &x->r->who,
                                      .in = &x->in,
                                      .target = x->target,
                                      .body = x->body,
                                      .plan_id = x->plan_id,
                                      .text = x->text,
                                      .user_id = x->user_id,
                                      .reason = x->reason,
                                      .ke_id = x->ke_id,
                                      .problem = &x->problem,
                                      .err = &x->r->err};
    od_incident_create_group(w->app, m, n);
    i = 0;
    for (node *x = first; x; i++) {
        node *next = x->next;
        od_req *r = x->r;
        if (m[i].rc) {
            if (!r->err.code)
                r->err.code = m[i].rc;
        } else if (m[i].out) {
            /* the write's own answer, read in its transaction: sent as is
             * (a new interval 201, the others 200) */
            int status = x->kind == OD_INC_WRITE_INTERVAL ? 201 : 200;
            if (od_reply(r, status, m[i].out) != OD_OK && !r->err.code)
                r->err.code = OD_E_NOMEM;
        } else {
            r->resume_id = m[i].id;
            /* create, report, note: 201 (a new record or entry); the others 200 */
            bool created = x->kind == OD_INC_WRITE_CREATE || x->kind == OD_INC_WRITE_REPORT ||
                           x->kind == OD_INC_WRITE_NOTE;
            r->on_resume = x->kind == OD_INC_WRITE_PROBLEM ? answer_problem
                           : created                       ? answer_created
                                                           : answer_acked;
        }
        free(x);
        od_req_resume(r);
        x = next;
    }
}

static void *writer(void *arg)
{
    od_incw *w = arg;
    pthread_setname_np(pthread_self(), "od-incw");
    pthread_mutex_lock(&w->mu);
    for (;;) {
        while (!w->head && !w->stop)
            pthread_cond_wait(&w->cv, &w->mu);
        if (!w->head)
            break;
        node *first = w->head, *last = first;
        size_t n = 1;
        while (last->next && n < OD_INCW_GROUP_MAX) {
            last = last->next;
            n++;
        }
        w->head = last->next;
        if (!w->head)
            w->tail = NULL;
        last->next = NULL;
        w->queued -= n;
        w->groups++;
        w->members += n;
        pthread_mutex_unlock(&w->mu);
        run(w, first, n);
        pthread_mutex_lock(&w->mu);
    }
    pthread_mutex_unlock(&w->mu);
    return NULL;
}

od_err od_incw_start(od_app *a, od_incw **out, od_error *e)
{
    *out = NULL;
    od_incw *w = calloc(1, sizeof *w);
    if (!w)
        return od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    w->app = a;
    pthread_mutex_init(&w->mu, NULL);
    pthread_cond_init(&w->cv, NULL);
    if (pthread_create(&w->thread, NULL, writer, w) != 0) {
        pthread_mutex_destroy(&w->mu);
        pthread_cond_destroy(&w->cv);
        free(w);
        return od_error_set(e, OD_E_INTERNAL, NULL, "cannot start the incident writer thread");
    }
    *out = w;
    return OD_OK;
}

static bool submit(od_incw *w, od_req *r, od_inc_write_kind kind, const od_incident_input *in, int64_t target,
                   json_t *body)
{
    return od_incw_submit_write(w, r,
                                &(od_incw_write){.kind = kind, .in = in, .target = target, .body = body});
}

bool od_incw_submit_write(od_incw *w, od_req *r, const od_incw_write *wr)
{
    if (!w)
        return false;
    node *n = calloc(1, sizeof *n);
    if (!n)
        return false;
    n->r = r;
    n->kind = wr->kind;
    if (wr->in)
        n->in = *wr->in;
    n->target = wr->target;
    n->body = wr->body;
    n->plan_id = wr->plan_id;
    n->text = wr->text;
    n->user_id = wr->user_id;
    n->reason = wr->reason;
    n->ke_id = wr->ke_id;
    if (wr->problem)
        n->problem = *wr->problem;
    pthread_mutex_lock(&w->mu);
    bool ok = !w->stop && w->queued < OD_INCW_QUEUE_MAX;
    if (ok) {
        if (w->tail)
            w->tail->next = n;
        else
            w->head = n;
        w->tail = n;
        w->queued++;
        pthread_cond_signal(&w->cv);
    }
    pthread_mutex_unlock(&w->mu);
    if (!ok)
        free(n);
    return ok;
}

bool od_incw_submit(od_incw *w, od_req *r, const od_incident_input *in)
{
    return submit(w, r, OD_INC_WRITE_CREATE, in, 0, NULL);
}

bool od_incw_submit_ack(od_incw *w, od_req *r, int64_t id)
{
    return submit(w, r, OD_INC_WRITE_ACK, NULL, id, NULL);
}

bool od_incw_submit_report(od_incw *w, od_req *r, int64_t id)
{
    return submit(w, r, OD_INC_WRITE_REPORT, NULL, id, r->json);
}

void od_incw_counts(od_incw *w, uint64_t *groups, uint64_t *members)
{
    pthread_mutex_lock(&w->mu);
    *groups = w->groups;
    *members = w->members;
    pthread_mutex_unlock(&w->mu);
}

void od_incw_stop(od_incw *w)
{
    if (!w)
        return;
    pthread_mutex_lock(&w->mu);
    w->stop = true;
    pthread_cond_broadcast(&w->cv);
    pthread_mutex_unlock(&w->mu);
    pthread_join(w->thread, NULL);
    pthread_mutex_destroy(&w->mu);
    pthread_cond_destroy(&w->cv);
    free(w);
}
