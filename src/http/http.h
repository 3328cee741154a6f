/* http.h — the REST API: server lifecycle, the request record handlers
 * work on, the route table, and JSON body validation.  Handlers translate
 * HTTP ⇄ app calls and decide no rule.  Threading: libmicrohttpd's
 * internal thread pool calls handlers concurrently; an od_req belongs to
 * one request. */
#ifndef OD_HTTP_H
#define OD_HTTP_H

#include "app/app.h"
#include "app/events.h" /* od_api_key */
#include "core/authz.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#define OD_BODY_MAX_DEFAULT (1024 * 1024)
#define OD_PATH_PARAMS_MAX 4
#define OD_SESSION_COOKIE "od_session"
#define OD_CSRF_TOKEN_MAX 48 /* base64url of 32 bytes + NUL */

typedef struct od_server od_server;
struct od_route;

typedef struct od_req {
    od_app *app;
    od_server *srv;
    const char *method;
    const char *path; /* without the query string */
    const struct od_route *route;
    int64_t ids[OD_PATH_PARAMS_MAX]; /* {id}-style path parameters, in order */
    int n_ids;
    void *conn; /* struct MHD_Connection * */
    char *body;
    size_t body_len;
    json_t *json; /* parsed body (object or array), NULL if none */
    od_principal who;
    bool authed;
    od_error err;
    /* response */
    int status;
    json_t *resp; /* JSON answer (owned) */
    char *raw;    /* or a raw answer (owned) */
    size_t raw_len;
    const char *raw_static; /* or a static answer (not freed) */
    const char *content_type;
    char extra_header[2][160]; /* "Name: value" pairs added to the answer */
    bool static_file;          /* an embedded web file (its coding varies) */
    /* browser session: authenticated by the od_session cookie
     * rather than a bearer token; csrf is that session's X-CSRF-Token. */
    bool via_cookie;
    char csrf[OD_CSRF_TOKEN_MAX];
    /* the ingestion API key of an OD_PERM_INGEST route, and
     * answers given later (group commit): see od_req_suspend */
    od_api_key api_key;
    bool suspended;
    /* set before od_req_resume: run on the HTTP thread that answers the
     * resumed request, before the answer is sent (e.g. the read of what a
     * group commit wrote, so that it is not made on the writer's thread) */
    void (*on_resume)(struct od_req *r);
    int64_t resume_id;
} od_req;

typedef od_err (*od_handler)(od_req *r);

typedef struct od_route {
    const char *method;
    const char *pattern; /* "/api/v1/cis/{id}/relations" */
    od_perm perm;
    od_handler fn;
    const char *summary; /* for docs */
} od_route;

/* The route table (routes.c), terminated by a {NULL} row. */
extern const od_route od_routes[];
size_t od_routes_count(void);
/* Matches method+path; returns the route or NULL.  *path_matched is set
 * when the path exists under another method (→ 405). */
const od_route *od_route_match(const char *method, const char *path, int64_t ids[OD_PATH_PARAMS_MAX],
                               int *n_ids, bool *path_matched);

typedef struct od_server_opts {
    const char *listen; /* "127.0.0.1:8080" */
    bool test_clock;
    size_t body_max;
    unsigned threads;
    const char *tls_cert, *tls_key;
    /* connection limits (docs: README "Operations"): per client address
     * (0 = OD_PER_IP_DEFAULT), and the seconds a request has to arrive
     * whole from its connection's start or the previous answer (0 =
     * OD_REQUEST_TIMEOUT_DEFAULT) */
    unsigned per_ip_limit;
    unsigned request_timeout;
    /* GET /metrics: the bearer token that may read it (NULL: only an admin
     * session), or public to anyone */
    const char *metrics_token;
    bool metrics_public;
    /* the reverse proxies whose X-Forwarded-For names the client
     * ("CIDR,CIDR"; NULL or "" = none: the TCP peer is the client) */
    const char *trusted_proxies;
} od_server_opts;
#define OD_PER_IP_DEFAULT 64
#define OD_REQUEST_TIMEOUT_DEFAULT 30

OD_NODISCARD od_err od_server_start(od_app *app, const od_server_opts *o, od_server **out, od_error *e);
/* SIGHUP: reads --tls-cert and --tls-key again; the next handshakes use
 * them (http/tls.h).  A bad pair is refused (OD_E_IO, OD_E_INVALID) and the
 * old one stays.  OD_OK without TLS. */
OD_NODISCARD od_err od_server_reload_tls(od_server *s, od_error *e);
/* Stops accepting, lets in-flight requests finish, frees. */
void od_server_stop(od_server *s);
/* True when the server speaks TLS (session cookies get Secure). */
bool od_server_tls(const od_server *s);
/* The port the server listens on: the one the kernel chose for --listen HOST:0. */
unsigned od_server_port(const od_server *s);
/* The CSRF token of a browser session: a keyed hash of the session token,
 * so it needs no storage and cannot be derived without the HttpOnly cookie. */
void od_http_csrf_token(const char *session_token, char out[OD_CSRF_TOKEN_MAX]);

/* event ingestion (src/ingest/queue.h).  The server owns the
 * group-commit queue (capacity from $OPSDESK_INGEST_QUEUE, events) and
 * drains it before it stops.  A handler that hands its request to the queue
 * calls od_req_suspend() first; the queue's callback fills r->resp / r->err
 * and calls od_req_resume() (from any thread) — the answer is then sent. */
struct od_ingest;
struct od_ingest *od_server_ingest(const od_server *s);
/* the group commit of incident creates (http/incident_writer.h) */
struct od_incw *od_server_incident_writer(const od_server *s);
void od_req_suspend(od_req *r);
void od_req_resume(od_req *r);

/* ---- JSON bodies ---- */
typedef enum od_jtype {
    OD_JT_STRING,
    OD_JT_INT,
    OD_JT_BOOL,
    OD_JT_OBJECT,
    OD_JT_ARRAY,
    OD_JT_TIME,
    OD_JT_NUMBER,
    OD_JT_TEXT,  /* a string people write: max_len counts characters, as the form does */
    OD_JT_SCALAR /* a string, number or boolean (typed by the app) */
} od_jtype;
typedef struct od_field {
    const char *name;
    od_jtype type;
    bool required;
    size_t max_len; /* strings: bytes; text: characters; arrays: items; 0 = default (4096 / 1000) */
} od_field;
/* Checks that r->json is an object holding only the listed fields with the
 * right types: unknown field or wrong type → OD_E_INVALID (400) naming it;
 * a required field missing or an empty required string → OD_E_UNPROCESSABLE. */
OD_NODISCARD od_err od_req_fields(od_req *r, const od_field *fields);
/* The form's label of a field: the Chinese half of an error names the field
 * by it (the English half keeps the key).  A list ends with {0}. */
typedef struct od_field_label {
    const char *name, *label_zh;
} od_field_label;
/* od_req_fields, naming the fields by their labels in Chinese. */
od_err od_req_fields_labelled(od_req *r, const od_field *fields, const od_field_label *labels);
/* Field accessors after od_req_fields (NULL / default when absent). */
const char *od_req_str(od_req *r, const char *name);
int64_t od_req_int(od_req *r, const char *name, int64_t dflt);
bool od_req_bool(od_req *r, const char *name, bool dflt);
json_t *od_req_get(od_req *r, const char *name); /* borrowed */

/* Query string parameter (NULL if absent). */
const char *od_req_query(od_req *r, const char *name);
/* A text search parameter: *out = the parameter (NULL if absent); refused
 * (OD_E_INVALID naming it, *out NULL) when it is longer than
 * OD_QUERY_TEXT_MAX bytes or not valid UTF-8. */
#define OD_QUERY_TEXT_MAX 200
OD_NODISCARD od_err od_req_query_text(od_req *r, const char *name, const char **out);
/* limit/offset from the query: default 50, max 500. */
OD_NODISCARD od_err od_req_page(od_req *r, int64_t *limit, int64_t *offset);

/* Sets the JSON answer (steals resp). */
OD_NODISCARD od_err od_reply(od_req *r, int status, json_t *resp);

/* metrics */
void od_metrics_observe(size_t route_idx, int status, double seconds);
char *od_metrics_render(od_app *app); /* malloc'd Prometheus text */
/* The version and commit opsdesk_build_info reports; set once by main
 * before the server starts (static strings). */
void od_metrics_set_build(const char *version, const char *commit);

/* An action that takes no body fields (logout, disable, verify …): no body,
 * or an empty JSON object; anything else is OD_E_INVALID (400).  Found by
 * tests/api/test_bad_input.py: such routes used to ignore the body. */
OD_NODISCARD od_err od_req_no_fields(od_req *r);

/* An integer query parameter s (NULL/"" → dflt) within [min, max]; else
 * OD_E_INVALID naming `name`.  Pure; fuzzed by tests/fuzz/fuzz_query.c. */
OD_NODISCARD od_err od_query_int_parse(const char *name, const char *s, int64_t dflt, int64_t min,
                                       int64_t max, int64_t *out, od_error *e);

/* A positive integer id in the query (ci_id=, plan_id=): absent → *out = 0
 * and OD_OK; present and not an integer from 1 to INT64_MAX → OD_E_INVALID
 * naming `name` ("ci_id 须为正整数 (ci_id must be a positive integer)"). */
OD_NODISCARD od_err od_query_id_parse(const char *name, const char *s, int64_t *out, od_error *e);
OD_NODISCARD od_err od_req_query_id(od_req *r, const char *name, int64_t *out);

#endif
