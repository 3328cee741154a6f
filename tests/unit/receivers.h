/* receivers.h — the fake notification receivers (tests/notify/receivers.py)
 * for the unit tests that send for real over loopback (test_notify_live.c,
 * test_dispatcher.c): start them as a child process, talk to their control
 * API, stop them.  Test-only; one receiver process per test program, kept
 * in RX.  The receivers exit when their stdin closes. */
#ifndef OD_TEST_RECEIVERS_H
#define OD_TEST_RECEIVERS_H

#include <cmocka.h>
#include <curl/curl.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static struct {
    pid_t pid;
    int to_child;
    int http_port, smtp_port;
} RX;

/* python3 with aiosmtpd: $OPSDESK_PYTHON, else Debian's (a pyenv python3 first
 * on PATH may lack it). */
static inline const char *rx_python(void)
{
    const char *p = getenv("OPSDESK_PYTHON");
    if (p && *p)
        return p;
    return access("/usr/bin/python3", X_OK) == 0 ? "/usr/bin/python3" : "python3";
}

/* Starts the receivers (with the SMTP server unless !smtp) and reads their
 * ports from the first line they print. */
static inline bool rx_spawn(bool smtp)
{
    int in[2], out[2];
    if (pipe(in) || pipe(out))
        return false;
    RX.pid = fork();
    if (RX.pid < 0)
        return false;
    if (RX.pid == 0) {
        dup2(in[0], 0);
        dup2(out[1], 1);
        close(in[1]);
        close(out[0]);
        if (smtp)
            execlp(rx_python(), rx_python(), "tests/notify/receivers.py", (char *)NULL);
        else
            execlp(rx_python(), rx_python(), "tests/notify/receivers.py", "--no-smtp", (char *)NULL);
        _exit(127);
    }
    close(in[0]);
    close(out[1]);
    RX.to_child = in[1];
    char line[256];
    FILE *f = fdopen(out[0], "r");
    bool ok = f && fgets(line, sizeof line, f);
    if (f)
        fclose(f);
    json_t *j = ok ? json_loads(line, 0, NULL) : NULL;
    if (!j)
        return false;
    RX.http_port = (int)json_integer_value(json_object_get(j, "http"));
    RX.smtp_port = (int)json_integer_value(json_object_get(j, "smtp"));
    json_decref(j);
    return RX.http_port > 0;
}

static inline void rx_stop(void)
{
    if (RX.to_child > 0)
        close(RX.to_child);
    if (RX.pid > 0)
        waitpid(RX.pid, NULL, 0);
    RX.to_child = RX.pid = 0;
}

typedef struct rx_sink {
    char *p;
    size_t len;
} rx_sink;

static inline size_t rx_on_data(char *p, size_t sz, size_t n, void *ud)
{
    rx_sink *s = ud;
    char *np = realloc(s->p, s->len + sz * n + 1);
    if (!np)
        return 0;
    memcpy(np + s->len, p, sz * n);
    s->p = np;
    s->len += sz * n;
    s->p[s->len] = '\0';
    return sz * n;
}

/* POST (body != NULL) or GET a control URL of the receivers; returns the
 * parsed answer (new reference). */
static inline json_t *control(const char *path, const char *body)
{
    rx_sink s = {0};
    char url[256];
    snprintf(url, sizeof url, "http://127.0.0.1:%d%s", RX.http_port, path);
    CURL *h = curl_easy_init();
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, rx_on_data);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &s);
    if (body)
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
    CURLcode cc = curl_easy_perform(h);
    curl_easy_cleanup(h);
    assert_int_equal(cc, CURLE_OK);
    json_t *j = json_loads(s.p ? s.p : "", 0, NULL);
    free(s.p);
    assert_non_null(j);
    return j;
}

static inline void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

#endif
