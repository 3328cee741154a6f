/* h_auth.c — the routes that check a password: POST /api/v1/auth/login and
 * POST /api/v1/auth/password.  The argon2 work runs on the password pool
 * (app/pwpool.h), not on this HTTP thread: the handler checks the body,
 * suspends the request and submits a job; the job calls the use case,
 * fills the answer and resumes the request.  A full pool answers 503 with
 * Retry-After at once.  Without a pool (never when serving) the work runs
 * inline. */
#include "app/pwpool.h"
#include "http/handlers.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Sign in.  {"cookie": true} asks for a browser session: the token goes
 * into an HttpOnly, SameSite=Strict cookie (Secure over TLS) and never into
 * the body, which carries the CSRF token instead.  Bearer clients (the CLI)
 * get the token in the body. */
static od_err login_answer(od_req *r)
{
    char addr[64];
    snprintf(addr, sizeof addr, "%s", r->who.addr[0] ? r->who.addr : "?");
    char *token = NULL;
    int64_t exp = 0;
    od_err rc = od_auth_login(r->app, od_req_str(r, "username"), od_req_str(r, "password"), addr, &token,
                              &exp, &r->err);
    if (rc)
        return rc;
    char t[OD_TIME_STR_MAX];
    if (od_req_bool(r, "cookie", false)) {
        char csrf[OD_CSRF_TOKEN_MAX];
        od_http_csrf_token(token, csrf);
        int64_t max_age = (exp - od_app_now(r->app)) / 1000;
        snprintf(r->extra_header[0], sizeof r->extra_header[0],
                 "Set-Cookie: " OD_SESSION_COOKIE "=%s; Path=/; Max-Age=%lld; HttpOnly; SameSite=Strict%s",
                 token, (long long)(max_age > 0 ? max_age : 0), od_server_tls(r->srv) ? "; Secure" : "");
        rc = od_reply(
            r, 200,
            json_pack("{ss ss sb}", "csrf_token", csrf, "expires_at", od_time_format(exp, t), "cookie", 1));
        sodium_memzero(csrf, sizeof csrf);
    } else {
        rc = od_reply(r, 200, json_pack("{ss ss}", "token", token, "expires_at", od_time_format(exp, t)));
    }
    sodium_memzero(token, strlen(token));
    free(token);
    return rc;
}

static od_err password_answer(od_req *r)
{
    od_err rc = od_user_change_password(r->app, &r->who, od_req_str(r, "old_password"),
                                        od_req_str(r, "new_password"), &r->err);
    return rc ? rc : od_reply(r, 200, json_pack("{sb}", "ok", 1));
}

typedef od_err (*answer_fn)(od_req *r);

/* The job: answers and resumes (the request then is sent by the server). */
static void run(od_req *r, answer_fn fn)
{
    od_err rc = fn(r);
    if (rc && !r->err.code)
        od_error_set(&r->err, rc, NULL, "%s", od_err_str(rc));
    od_req_resume(r);
}
static void login_job(void *arg)
{
    run(arg, login_answer);
}
static void password_job(void *arg)
{
    run(arg, password_answer);
}

static od_err off_thread(od_req *r, od_pwpool_fn job, answer_fn inline_fn)
{
    if (!r->app->pwpool)
        return inline_fn(r);
    od_req_suspend(r);
    if (od_pwpool_submit(r->app->pwpool, job, r, &r->err) != OD_OK)
        od_req_resume(r); /* answered at once with the error (503 + Retry-After) */
    return OD_OK;
}

od_err od_h_login(od_req *r)
{
    static const od_field f[] = {{"username", OD_JT_STRING, true, 64},
                                 {"password", OD_JT_STRING, true, 256},
                                 {"cookie", OD_JT_BOOL, false, 0},
                                 {0}};
    od_err rc = od_req_fields(r, f);
    return rc ? rc : off_thread(r, login_job, login_answer);
}

od_err od_h_password(od_req *r)
{
    static const od_field f[] = {
        {"old_password", OD_JT_STRING, true, 256}, {"new_password", OD_JT_STRING, true, 256}, {0}};
    od_err rc = od_req_fields(r, f);
    return rc ? rc : off_thread(r, password_job, password_answer);
}
