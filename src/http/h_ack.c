/* h_ack.c — acknowledgement links (R-NOT-4): GET /ack/<token> answers a
 * small Chinese-first page with a visible button that POSTs to the same URL;
 * POST /ack/<token> acknowledges once for that recipient without a login.
 * Chat apps and mail scanners prefetch links with GET, and mail-security
 * sandboxes open them in a real browser that runs scripts, so GET never
 * writes and the page has no script: only a person's click (the POST)
 * acknowledges.
 *
 * The lookup and the acknowledgement are the use case od_ack_link_use
 * (app/acklink.c): unknown and expired tokens count as failures per client
 * address (20 per 10 minutes, then 429 for 10 minutes); nothing is written
 * for them.  Here: the token's shape, the answer (HTML, or JSON when asked
 * for), and a POST with body fields refused (400) before the lookup.
 * Public routes: the token is the credential.  Called by the HTTP thread
 * pool. */
#include "app/notification.h"
#include "http/handlers.h"
#include "notify/message.h"
#include "util/sbuf.h"

#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TOKEN_MIN 16
#define TOKEN_MAX 64

/* The token from "/ack/<token>": [A-Za-z0-9_-]{16,64}, else NULL. */
static const char *token_of(const od_req *r)
{
    const char *t = r->path + strlen("/ack/");
    size_t n = strlen(t);
    if (strncmp(r->path, "/ack/", 5) != 0 || n < TOKEN_MIN || n > TOKEN_MAX)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        char c = t[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
              c == '_'))
            return NULL;
    }
    return t;
}

/* ---- answers ------------------------------------------------------------ */

static void html_escape(od_sbuf *b, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '<':
            od_sbuf_puts(b, "&lt;");
            break;
        case '>':
            od_sbuf_puts(b, "&gt;");
            break;
        case '&':
            od_sbuf_puts(b, "&amp;");
            break;
        case '"':
            od_sbuf_puts(b, "&quot;");
            break;
        case '\'':
            od_sbuf_puts(b, "&#39;");
            break;
        default:
            od_sbuf_append(b, s, 1);
        }
    }
}

static bool wants_json(const od_req *r)
{
    const char *acc =
        MHD_lookup_connection_value((struct MHD_Connection *)r->conn, MHD_HEADER_KIND, "Accept");
    return acc && strstr(acc, "application/json") && !strstr(acc, "text/html");
}

static int status_of(od_ack_state st)
{
    switch (st) {
    case OD_ACK_UNKNOWN:
        return 404;
    case OD_ACK_EXPIRED:
        return 410;
    case OD_ACK_CLOSED:
        return 409;
    case OD_ACK_LIMITED:
        return 429;
    default:
        return 200;
    }
}

static const char *state_key(od_ack_state st)
{
    static const char *const k[] = {"ready",   "acknowledged", "already_acknowledged", "expired",
                                    "unknown", "closed",       "rate_limited"};
    return k[st];
}

/* The headline of each answer: Chinese first, English second. */
static void headline(const od_ack_info *i, char *out, size_t n)
{
    char t[OD_MSG_TIME_MAX];
    switch (i->st) {
    case OD_ACK_READY:
        snprintf(out, n, "确认收到告警 Acknowledge the alarm");
        break;
    case OD_ACK_DONE:
        snprintf(out, n, "已确认 Acknowledged (%s)", od_msg_time(i->at, t));
        break;
    case OD_ACK_ALREADY:
        snprintf(out, n, "已确认过 already acknowledged at %s", od_msg_time(i->at, t));
        break;
    case OD_ACK_EXPIRED:
        snprintf(
            out, n,
            "确认链接已过期，请登录系统确认或联系值班人员 (this acknowledgement link has expired: sign in "
            "to acknowledge)");
        break;
    case OD_ACK_UNKNOWN:
        snprintf(
            out, n,
            "确认链接无效：请检查链接是否完整 (unknown acknowledgement link: check that it is complete)");
        break;
    case OD_ACK_CLOSED:
        snprintf(out, n, "该事件已处理完毕，无需确认 (the incident is resolved: nothing to acknowledge)");
        break;
    case OD_ACK_LIMITED:
        snprintf(out, n, "尝试次数过多，请稍后再试 (too many attempts: try again in %d s)", i->retry_after);
        break;
    }
}

static od_err answer(od_req *r, const od_ack_info *i)
{
    char head[512];
    headline(i, head, sizeof head);
    r->status = status_of(i->st);
    snprintf(r->extra_header[0], sizeof r->extra_header[0], "Cache-Control: no-store");
    if (i->st == OD_ACK_LIMITED)
        snprintf(r->extra_header[1], sizeof r->extra_header[1], "Retry-After: %d", i->retry_after);
    if (wants_json(r)) {
        json_t *o = json_pack("{ss ss}", "status", state_key(i->st), "message", head);
        if (i->number[0] && i->st != OD_ACK_UNKNOWN) {
            json_object_set_new(o, "incident", json_string(i->number));
            json_object_set_new(o, "username", json_string(i->username));
        }
        if (i->at) {
            char t[OD_TIME_STR_MAX];
            json_object_set_new(o, "acknowledged_at", json_string(od_time_format(i->at, t)));
        }
        int st = r->status;
        od_err rc = od_reply(r, st, o);
        r->status = st;
        return rc;
    }
    od_sbuf b = {0};
    od_sbuf_puts(
        &b,
        "<!doctype html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        "<meta name=\"robots\" content=\"noindex\"><title>opsdesk 告警确认 Acknowledgement</title>"
        "<style>body{font-family:sans-serif;max-width:32em;margin:2em auto;padding:0 1em;line-height:1.5}"
        "button{font-size:1.2em;padding:.5em 1.5em}</style></head><body>\n<h1 id=\"state\" data-state=\"");
    od_sbuf_puts(&b, state_key(i->st));
    od_sbuf_puts(&b, "\">");
    html_escape(&b, head);
    od_sbuf_puts(&b, "</h1>\n");
    if (i->number[0] && i->st != OD_ACK_UNKNOWN) {
        od_sbuf_puts(&b, "<p>事件 Incident: <b>");
        html_escape(&b, i->number);
        od_sbuf_puts(&b, "</b> ");
        html_escape(&b, i->title);
        od_sbuf_puts(&b, "<br>通知对象 Recipient: ");
        html_escape(&b, i->username);
        od_sbuf_puts(&b, "</p>\n");
    }
    if (i->st == OD_ACK_READY)
        /* same-origin POST to this very URL, no body; only a click sends it */
        od_sbuf_puts(
            &b,
            "<form id=\"ack\" method=\"post\" action=\"\">"
            "<button type=\"submit\">确认收到 Acknowledge</button></form>\n"
            "<p>确认即表示您已收到告警并将接入应急电话会议。Acknowledging means you received the alarm and "
            "join the conference bridge.</p>\n");
    od_sbuf_puts(&b, "</body></html>\n");
    if (b.oom) {
        free(b.p);
        return od_error_set(&r->err, OD_E_NOMEM, NULL, "out of memory");
    }
    r->raw = b.p;
    r->raw_len = b.n;
    r->content_type = "text/html; charset=utf-8";
    return OD_OK;
}

od_err od_h_ack_page(od_req *r)
{
    od_ack_info i;
    od_err rc = od_ack_link_use(r->app, token_of(r), r->who.addr, false, &i, &r->err);
    return rc ? rc : answer(r, &i);
}

/* The page's form posts no fields (a browser sends an empty body): a body
 * with fields is not ours and is refused (400) before the token is looked
 * up, so it neither acknowledges nor counts as a failed lookup; an empty
 * JSON object is allowed, as on every body-less action. */
od_err od_h_ack_post(od_req *r)
{
    od_err rc = od_req_no_fields(r);
    if (rc)
        return rc;
    od_ack_info i;
    rc = od_ack_link_use(r->app, token_of(r), r->who.addr, true, &i, &r->err);
    return rc ? rc : answer(r, &i);
}
