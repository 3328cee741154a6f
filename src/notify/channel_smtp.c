/* channel_smtp.c — the e-mail channel: builds an RFC 5322 message (RFC 2047
 * UTF-8 subject, text/plain; charset=UTF-8 with base64 or 8bit body, Date
 * from now_ms, Message-ID from the idempotency key) and submits it with
 * libcurl's SMTP client (STARTTLS per `use_tls`, or smtps://).  SMTP 4xx
 * replies and transport failures are retryable, 5xx replies permanent.  One
 * easy handle per call; no shared state. */
#include "notify/channel_int.h"
#include "util/sbuf.h"

#include <curl/curl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAIL_MAX (1024 * 1024)

/* The message being built: an od_sbuf that refuses to grow past the cap. */
typedef struct sbuf {
    od_sbuf b;
    bool too_large;
} sbuf;

static void sb_put(sbuf *b, const char *s, size_t n)
{
    if (b->too_large || n > MAIL_MAX || b->b.n + n + 1 > MAIL_MAX + 4096) {
        b->too_large = true;
        return;
    }
    od_sbuf_append(&b->b, s, n);
}

static void sb_str(sbuf *b, const char *s)
{
    sb_put(b, s, strlen(s));
}

/* Base64 of data, wrapped at 76 columns with CRLF. */
static void sb_base64(sbuf *b, const void *data, size_t len, size_t wrap)
{
    size_t cap = sodium_base64_ENCODED_LEN(len, sodium_base64_VARIANT_ORIGINAL);
    char *enc = malloc(cap);
    if (!enc) {
        b->b.oom = true;
        return;
    }
    sodium_bin2base64(enc, cap, data, len, sodium_base64_VARIANT_ORIGINAL);
    size_t n = strlen(enc);
    for (size_t i = 0; i < n; i += wrap) {
        sb_put(b, enc + i, n - i < wrap ? n - i : wrap);
        if (wrap < n)
            sb_str(b, "\r\n");
    }
    free(enc);
}

/* The address inside "Name <a@b>", or the whole string. */
static void addr_spec(const char *s, char *out, size_t cap)
{
    const char *lt = strchr(s, '<'), *gt = lt ? strchr(lt, '>') : NULL;
    if (lt && gt)
        snprintf(out, cap, "%.*s", (int)(gt - lt - 1), lt + 1);
    else
        snprintf(out, cap, "%s", s);
}

static bool valid_addr(const char *a)
{
    const char *at = strchr(a, '@');
    if (!at || at == a || !at[1] || strlen(a) > 254)
        return false;
    for (const unsigned char *p = (const unsigned char *)a; *p; p++)
        if (*p <= ' ' || *p >= 0x7F || strchr("<>()[],;:\\\"", *p))
            return false;
    return true;
}

/* RFC 5322 date from ms, always +0000 (locale-independent names). */
static void mail_date(int64_t now_ms, char out[64])
{
    static const char *const wd[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char *const mo[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    time_t t = (time_t)(now_ms / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    snprintf(out, 64, "%s, %02d %s %04d %02d:%02d:%02d +0000", wd[tm.tm_wday], tm.tm_mday, mo[tm.tm_mon],
             tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* Subject: plain when printable ASCII, else RFC 2047 "B" encoded words of at
 * most 39 bytes each (52 base64 chars, 64 with the wrapper, so the first
 * line "Subject: " + word stays under 78), never splitting
 * a UTF-8 character, folded with CRLF SP. */
static void put_subject(sbuf *b, const char *subject)
{
    size_t len = strlen(subject);
    bool plain = len < 900;
    for (size_t i = 0; plain && i < len; i++)
        plain = (unsigned char)subject[i] >= 0x20 && (unsigned char)subject[i] < 0x7F;
    sb_str(b, "Subject: ");
    if (plain) {
        sb_put(b, subject, len);
    } else {
        if (len > 4096)
            len = od_utf8_prefix_bytes(subject, len, 4096);
        for (size_t i = 0; i < len;) {
            size_t n = od_utf8_prefix_bytes(subject + i, len - i, 39);
            if (n == 0)
                n = 1;
            if (i)
                sb_str(b, "\r\n ");
            sb_str(b, "=?UTF-8?B?");
            sb_base64(b, subject + i, n, 1000);
            sb_str(b, "?=");
            i += n;
        }
    }
    sb_str(b, "\r\n");
}

/* Message-ID local part: the key with every byte outside [A-Za-z0-9-_+] as
 * "=XX", so distinct keys give distinct ids. */
static void put_msgid(sbuf *b, const char *key, const char *from_addr)
{
    static const char hex[] = "0123456789ABCDEF";
    char rnd[33];
    const char *dom = strchr(from_addr, '@');
    sb_str(b, "Message-ID: <");
    if (!key || !*key) {
        unsigned char r[16];
        randombytes_buf(r, sizeof r);
        sodium_bin2hex(rnd, sizeof rnd, r, sizeof r);
        key = rnd;
    }
    for (const unsigned char *p = (const unsigned char *)key; *p; p++) {
        char c[3] = {(char)*p, 0, 0};
        bool safe = (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
                    *p == '-' || *p == '_' || *p == '+';
        if (!safe) {
            c[0] = '=';
            c[1] = hex[*p >> 4];
            c[2] = hex[*p & 15];
        }
        sb_put(b, c, safe ? 1 : 3);
    }
    sb_str(b, "@");
    sb_str(b, dom && valid_addr(from_addr) ? dom + 1 : "opsdesk.invalid");
    sb_str(b, ">\r\n");
}

/* Body as CRLF lines; false when a line exceeds 998 bytes (then 8bit is not
 * allowed and the caller falls back to base64). */
static bool put_8bit(sbuf *b, const char *text)
{
    size_t col = 0;
    for (const char *p = text; *p; p++) {
        if (*p == '\r' && p[1] == '\n')
            continue;
        if (*p == '\n' || *p == '\r') {
            sb_str(b, "\r\n");
            col = 0;
            continue;
        }
        if (++col > 998)
            return false;
        sb_put(b, p, 1);
    }
    sb_str(b, "\r\n");
    return true;
}

od_err od_channel_mail_text(const od_channel *c, const od_message *m, int64_t now_ms, char **out, od_error *e)
{
    sbuf b = {0};
    char date[64], from_addr[256];
    char *subject = NULL, *text = NULL;
    od_err rc;
    *out = NULL;
    if (!m->to || !valid_addr(m->to))
        return od_error_set(e, OD_E_INVALID, "to", "not an e-mail address");
    if ((rc = od_utf8_sanitize(m->subject ? m->subject : "", &subject, e)) ||
        (rc = od_utf8_sanitize(m->text ? m->text : m->markdown, &text, e)))
        goto out;
    for (char *p = subject; *p; p++) /* no header folding tricks */
        if (*p == '\r' || *p == '\n' || *p == '\t')
            *p = ' ';
    addr_spec(c->from, from_addr, sizeof from_addr);
    mail_date(now_ms, date);
    sb_str(&b, "Date: ");
    sb_str(&b, date);
    sb_str(&b, "\r\nFrom: ");
    sb_str(&b, c->from);
    sb_str(&b, "\r\nTo: <");
    sb_str(&b, m->to);
    sb_str(&b, ">\r\n");
    put_subject(&b, subject);
    put_msgid(&b, m->idempotency_key, from_addr);
    if (m->idempotency_key && *m->idempotency_key && strlen(m->idempotency_key) < 200) {
        sb_str(&b, "X-Opsdesk-Message-Id: ");
        sb_str(&b, m->idempotency_key);
        sb_str(&b, "\r\n");
    }
    sb_str(&b, "Auto-Submitted: auto-generated\r\nMIME-Version: 1.0\r\n"
               "Content-Type: text/plain; charset=UTF-8\r\n");
    size_t head = b.b.n;
    bool eight = c->body_8bit;
    if (eight) {
        sb_str(&b, "Content-Transfer-Encoding: 8bit\r\n\r\n");
        if (!put_8bit(&b, text)) {
            b.b.n = head;
            eight = false;
        }
    }
    if (!eight) {
        sb_str(&b, "Content-Transfer-Encoding: base64\r\n\r\n");
        sb_base64(&b, text, strlen(text), 76);
        sb_str(&b, "\r\n");
    }
    if (b.too_large)
        rc = od_error_set(e, OD_E_TOO_LARGE, NULL, "e-mail larger than %d bytes", MAIL_MAX);
    else if (b.b.oom)
        rc = od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
out:
    free(subject);
    free(text);
    if (rc)
        free(b.b.p);
    else
        *out = b.b.p;
    return rc;
}

typedef struct upload {
    const char *p;
    size_t len, pos;
} upload;

static size_t on_read(char *dst, size_t size, size_t nmemb, void *ud)
{
    upload *u = ud;
    size_t n = size * nmemb, left = u->len - u->pos;
    if (n > left)
        n = left;
    memcpy(dst, u->p + u->pos, n);
    u->pos += n;
    return n;
}

static void classify(CURLcode cc, long code, const char *errbuf, od_send_result *r)
{
    if (code > 0)
        snprintf(r->vendor_code, sizeof r->vendor_code, "%ld", code);
    if (code >= 400 && code < 500)
        r->retryable = true;
    else if (code >= 500)
        r->retryable = false;
    else
        r->retryable =
            !(cc == CURLE_LOGIN_DENIED || cc == CURLE_USE_SSL_FAILED || cc == CURLE_URL_MALFORMAT ||
              cc == CURLE_UNSUPPORTED_PROTOCOL || cc == CURLE_PEER_FAILED_VERIFICATION);
    od_send_result_error(r, "SMTP: %s%s%s", curl_easy_strerror(cc), errbuf[0] ? ": " : "", errbuf);
}

od_err od_channel_send_mail(od_channel *c, const od_message *m, int64_t now_ms, od_send_result *r)
{
    char *msg = NULL, errbuf[CURL_ERROR_SIZE] = "", from_addr[256], rcpt[300];
    struct curl_slist *rcpts = NULL;
    od_error e;
    od_err rc = OD_E_IO;
    CURL *h = NULL;
    od_error_clear(&e);
    if (od_channel_mail_text(c, m, now_ms, &msg, &e)) {
        od_send_result_error(r, "%s", e.message);
        return e.code == OD_E_NOMEM ? OD_E_IO : OD_E_INVALID;
    }
    addr_spec(c->from, from_addr, sizeof from_addr);
    snprintf(rcpt, sizeof rcpt, "<%s>", m->to);
    char mail_from[300];
    snprintf(mail_from, sizeof mail_from, "<%s>", from_addr);
    upload u = {msg, strlen(msg), 0};
    rcpts = curl_slist_append(NULL, rcpt);
    h = curl_easy_init();
    if (!h || !rcpts) {
        od_send_result_error(r, "out of memory");
        r->retryable = true;
        goto out;
    }
    static const long tls[] = {[OD_TLS_TRY] = (long)CURLUSESSL_TRY,
                               [OD_TLS_REQUIRE] = (long)CURLUSESSL_ALL,
                               [OD_TLS_NONE] = (long)CURLUSESSL_NONE};
    curl_easy_setopt(h, CURLOPT_URL, c->url);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, c->timeout_ms);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, c->connect_timeout_ms);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(h, CURLOPT_USE_SSL, tls[c->use_tls]);
    if (c->username)
        curl_easy_setopt(h, CURLOPT_USERNAME, c->username);
    if (c->password)
        curl_easy_setopt(h, CURLOPT_PASSWORD, c->password);
    curl_easy_setopt(h, CURLOPT_MAIL_FROM, mail_from);
    curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rcpts);
    curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(h, CURLOPT_READFUNCTION, on_read);
    curl_easy_setopt(h, CURLOPT_READDATA, &u);
    curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, (curl_off_t)u.len);
    CURLcode cc = curl_easy_perform(h);
    long code = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
    if (cc == CURLE_OK)
        rc = OD_OK;
    else
        classify(cc, code, errbuf, r);
out:
    curl_easy_cleanup(h);
    curl_slist_free_all(rcpts);
    free(msg);
    return rc;
}
