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
 * pool.
 *
 * The same for deciding an approval from a message (modules-spec §1.5):
 * GET /approve/<token> shows the record, the step and a form (comment,
 * approve / reject); POST decides through od_appr_link_use
 * (app/approval_links.c), from that form (form-urlencoded) or as JSON
 * {decision, comment}. */
#include "app/notification.h"
#include "app/records.h"
#include "http/form.h"
#include "core/approval.h"
#include "http/handlers.h"
#include "notify/message.h"
#include "util/sbuf.h"
#include "util/utf8.h"

#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TOKEN_MIN 16
#define TOKEN_MAX 64

/* The token from "<prefix><token>": [A-Za-z0-9_-]{16,64}, else NULL. */
static const char *token_after(const od_req *r, const char *prefix)
{
    size_t pl = strlen(prefix);
    if (strncmp(r->path, prefix, pl) != 0)
        return NULL;
    const char *t = r->path + pl;
    size_t n = strlen(t);
    if (n < TOKEN_MIN || n > TOKEN_MAX)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        char c = t[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
              c == '_'))
            return NULL;
    }
    return t;
}

static const char *token_of(const od_req *r)
{
    return token_after(r, "/ack/");
}

/* ---- answers ------------------------------------------------------------ */

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
    od_sbuf_html(&b, head);
    od_sbuf_puts(&b, "</h1>\n");
    if (i->number[0] && i->st != OD_ACK_UNKNOWN) {
        od_sbuf_puts(&b, "<p>事件 Incident: <b>");
        od_sbuf_html(&b, i->number);
        od_sbuf_puts(&b, "</b> ");
        od_sbuf_html(&b, i->title);
        od_sbuf_puts(&b, "<br>通知对象 Recipient: ");
        od_sbuf_html(&b, i->username);
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

/* ---- deciding an approval from a message --------------------------------- */

static int apl_status(const od_apl_info *i)
{
    switch (i->st) {
    case OD_APL_UNKNOWN:
        return 404;
    case OD_APL_EXPIRED:
    case OD_APL_STALE:
        return 410;
    case OD_APL_USED:
    case OD_APL_CLOSED:
        return 409;
    case OD_APL_REFUSED:
        return i->status ? i->status : 409;
    case OD_APL_LIMITED:
        return 429;
    default:
        return 200;
    }
}

static const char *apl_key(od_apl_state st)
{
    static const char *const k[] = {"ready",  "decided", "already_used", "expired", "unknown",
                                    "closed", "refused", "rate_limited", "stale"};
    return k[st];
}

static const char *step_state_zh(const char *st)
{
    return strcmp(st, "accepted") == 0 ? "已通过" : strcmp(st, "refused") == 0 ? "已驳回" : st;
}

/* The page's buttons: the decisions the step allows, in the vote order. */
static void apl_buttons(od_sbuf *b, const od_apl_info *i)
{
    static const char *const label[OD_VOTE__COUNT] = {"同意 Approve", "驳回 Reject", "需补充信息 More info",
                                                      "弃权 Abstain"};
    for (int d = 0; d < OD_VOTE__COUNT; d++) {
        if (!(i->decisions & (1u << d)))
            continue;
        od_sbuf_puts(b, "<button type=\"submit\" name=\"decision\" value=\"");
        od_sbuf_puts(b, od_appr_decision_key((od_appr_decision)d));
        od_sbuf_puts(b, "\">");
        od_sbuf_puts(b, label[d]);
        od_sbuf_puts(b, "</button>");
    }
}

static void apl_headline(const od_apl_info *i, char *out, size_t n)
{
    char t[OD_MSG_TIME_MAX];
    switch (i->st) {
    case OD_APL_READY:
        snprintf(out, n, "审批：%s Approval: %s", i->step_zh, i->step_en);
        break;
    case OD_APL_DONE:
        snprintf(out, n, "已提交审批意见：%s (decided: %s, %s)", i->decision, i->decision,
                 od_msg_time(i->at, t));
        break;
    case OD_APL_USED:
        snprintf(out, n, "该链接已使用过（%s）(this link has decided already: %s at %s)", i->decision,
                 i->decision, od_msg_time(i->at, t));
        break;
    case OD_APL_EXPIRED:
        snprintf(out, n,
                 "审批链接已过期，请登录系统审批 (this approval link has expired: sign in to decide)");
        break;
    case OD_APL_UNKNOWN:
        snprintf(out, n,
                 "审批链接无效：请检查链接是否完整 (unknown approval link: check that it is complete)");
        break;
    case OD_APL_CLOSED:
        if (i->step_state[0])
            snprintf(out, n, "审批“%s”已结束（%s），无需再审批 (the approval %s is decided already: %s)",
                     i->step_zh, step_state_zh(i->step_state), i->step_en, i->step_state);
        else
            snprintf(out, n, "没有等待您审批的事项 (nothing waits for your decision on this record)");
        break;
    case OD_APL_STALE:
        snprintf(out, n,
                 "审批“%s”已重新提交，此链接属于旧的一轮，请使用最新消息中的链接 (the approval %s was "
                 "re-submitted: this link is for an earlier round, use the latest message's link)",
                 i->step_zh, i->step_en);
        break;
    case OD_APL_REFUSED:
        snprintf(out, n, "未能提交：%s", i->message);
        break;
    case OD_APL_LIMITED:
        snprintf(out, n, "尝试次数过多，请稍后再试 (too many attempts: try again in %d s)", i->retry_after);
        break;
    }
}

static od_err apl_answer(od_req *r, const od_apl_info *i)
{
    char head[700];
    apl_headline(i, head, sizeof head);
    r->status = apl_status(i);
    snprintf(r->extra_header[0], sizeof r->extra_header[0], "Cache-Control: no-store");
    if (i->st == OD_APL_LIMITED)
        snprintf(r->extra_header[1], sizeof r->extra_header[1], "Retry-After: %d", i->retry_after);
    if (wants_json(r) || r->json) { /* asked for, or a JSON request */
        json_t *o = json_pack("{ss ss}", "status", apl_key(i->st), "message", head);
        if (i->number[0] && i->st != OD_APL_UNKNOWN) {
            json_object_set_new(o, "record", json_string(i->number));
            json_object_set_new(o, "username", json_string(i->username));
        }
        if (r->status >= 400) { /* the API's error shape too */
            static const struct {
                int status;
                const char *code;
            } codes[] = {{403, "forbidden"}, {404, "not_found"},     {409, "conflict"},
                         {410, "gone"},      {422, "unprocessable"}, {429, "rate_limited"}};
            const char *code = "conflict";
            for (size_t k = 0; k < sizeof codes / sizeof codes[0]; k++)
                if (codes[k].status == r->status)
                    code = codes[k].code;
            json_object_set_new(o, "error", json_pack("{ss ss sn}", "code", code, "message", head, "field"));
        }
        if (i->step[0])
            json_object_set_new(o, "step", json_string(i->step));
        if (i->decision[0])
            json_object_set_new(o, "decision", json_string(i->decision));
        if (i->at) {
            char t[OD_TIME_STR_MAX];
            json_object_set_new(o, "decided_at", json_string(od_time_format(i->at, t)));
        }
        int st = r->status;
        od_err rc = od_reply(r, st, o);
        r->status = st;
        return rc;
    }
    od_sbuf b = {0};
    od_sbuf_puts(
        &b, "<!doctype html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            "<meta name=\"robots\" content=\"noindex\"><title>opsdesk 审批 Approval</title>"
            "<style>body{font-family:sans-serif;max-width:32em;margin:2em auto;padding:0 1em;line-height:1.5}"
            "button{font-size:1.2em;padding:.5em "
            "1.5em;margin-right:1em}textarea{width:100%}</style></head><body>\n"
            "<h1 id=\"state\" data-state=\"");
    od_sbuf_puts(&b, apl_key(i->st));
    od_sbuf_puts(&b, "\">");
    od_sbuf_html(&b, head);
    od_sbuf_puts(&b, "</h1>\n");
    if (i->number[0] && i->st != OD_APL_UNKNOWN) {
        od_sbuf_puts(&b, "<p>记录 Record: <b>");
        od_sbuf_html(&b, i->number);
        od_sbuf_puts(&b, "</b> ");
        od_sbuf_html(&b, i->title);
        od_sbuf_puts(&b, "<br>审批人 Approver: ");
        od_sbuf_html(&b, i->username);
        od_sbuf_puts(&b, "</p>\n");
    }
    if (i->st == OD_APL_READY || i->st == OD_APL_REFUSED)
    /* same-origin POST to this very URL; only a click decides */
    {
        od_sbuf_puts(&b, "<form id=\"decide\" method=\"post\" action=\"\">"
                         "<p><label>意见 Comment（驳回、需补充信息时必填 required to reject or ask for more "
                         "information）<br>"
                         "<textarea name=\"comment\" rows=\"4\" maxlength=\"2000\"></textarea></label></p>");
        apl_buttons(&b, i);
        od_sbuf_puts(&b, "</form>\n<p>此链接只能使用一次。This link decides once.</p>\n");
    }
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

od_err od_h_approve_page(od_req *r)
{
    od_apl_info i;
    od_err rc = od_appr_link_use(r->app, token_after(r, "/approve/"), r->who.addr, NULL, NULL, &i, &r->err);
    return rc ? rc : apl_answer(r, &i);
}

static const od_field approve_fields[] = {
    {"decision", OD_JT_STRING, true, 16}, {"comment", OD_JT_TEXT, false, 2000}, {0}};

/* POST: {decision, comment} as JSON, or the page's form. */
od_err od_h_approve_post(od_req *r)
{
    char decision[16] = "", comment[8192] = "";
    if (r->json) {
        od_err frc = od_req_fields(r, approve_fields);
        if (frc)
            return frc;
        const char *d = od_req_str(r, "decision");
        const char *c = od_req_str(r, "comment");
        snprintf(decision, sizeof decision, "%s", d ? d : "");
        snprintf(comment, sizeof comment, "%s", c ? c : "");
    } else if (r->body_len) {
        od_form_field(r->body, r->body_len, "decision", decision, sizeof decision);
        od_form_field(r->body, r->body_len, "comment", comment, sizeof comment);
    }
    if (od_appr_decision_parse(decision) < 0)
        return od_error_set(&r->err, OD_E_INVALID, "decision",
                            "decision 须为 approve、reject、more_info 或 abstain (decision must be approve, "
                            "reject, more_info or abstain)");
    if (!od_utf8_valid(comment, strlen(comment)))
        return od_error_set(&r->err, OD_E_INVALID, "comment",
                            "意见不是有效的 UTF-8 (comment is not valid UTF-8)");
    od_apl_info i;
    od_err rc =
        od_appr_link_use(r->app, token_after(r, "/approve/"), r->who.addr, decision, comment, &i, &r->err);
    return rc ? rc : apl_answer(r, &i);
}
