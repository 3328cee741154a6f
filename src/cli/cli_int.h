/* cli_int.h — what the files of the client share: the invocation context,
 * the one request helper (cli_http.c), the session file (cli_session.c) and
 * the one table printer (cli_table.c).  Private to src/cli/; nothing outside
 * includes it.  Single-threaded, like the client itself. */
#ifndef OD_CLI_INT_H
#define OD_CLI_INT_H

#include "cli/cli.h"
#include "util/err.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Hard caps: an answer over this is refused, never buffered. */
#define OD_CLI_ANSWER_MAX ((size_t)64 * 1024 * 1024)
#define OD_CLI_SESSION_MAX ((size_t)64 * 1024)
#define OD_CLI_DEFAULT_SERVER "http://127.0.0.1:8080"

/* One invocation: where to talk to, with which token, how to print. */
typedef struct od_cli_ctx {
    char *server; /* base URL without a trailing '/'; owned */
    char *token;  /* bearer token or NULL; owned */
    bool json;    /* --json: print the raw answer, pretty-printed */
    FILE *out;    /* stdout */
    FILE *err;    /* stderr */
} od_cli_ctx;

/* An HTTP answer.  body is NUL-terminated; json is the parsed body when it
 * is JSON (new reference), else NULL.  Clean with od_cli_answer_cleanup. */
typedef struct od_cli_answer {
    long status;
    char *body;
    size_t len;
    json_t *json;
} od_cli_answer;

/* ---- cli_http.c ---- */

/* Sends `method base+path` with the bearer token (if any) and, when body is
 * not NULL, the JSON body.  Fills *a (caller cleans it) whatever the status.
 * Returns 0 when an answer arrived (any status), OD_CLI_EXIT_CONNECT when
 * the server cannot be reached, OD_CLI_EXIT_USAGE for a malformed server
 * URL, OD_CLI_EXIT_REFUSED for an answer over the cap; the reason is printed
 * to c->err. */
int od_cli_request(const od_cli_ctx *c, const char *method, const char *path, const json_t *body,
                   od_cli_answer *a);
/* od_cli_request, then a status >= 400 is printed as the server's error
 * (with a login hint on 401) and gives OD_CLI_EXIT_REFUSED. */
int od_cli_call(const od_cli_ctx *c, const char *method, const char *path, const json_t *body,
                od_cli_answer *a);
void od_cli_answer_cleanup(od_cli_answer *a);
/* Prints "错误 error: <message>" (and the field) for an error answer. */
void od_cli_print_error(const od_cli_ctx *c, const od_cli_answer *a);
/* Appends "key=value" (value URL-encoded) to a query string held in buf. */
bool od_cli_query_add(char *buf, size_t n, const char *key, const char *value);
/* Global libcurl set-up for one process; false if libcurl cannot start. */
bool od_cli_http_init(void);
void od_cli_http_cleanup(void);

/* ---- cli_session.c ---- */

/* The session file: ${XDG_CONFIG_HOME:-~/.config}/opsdesk/session.json.
 * Writes path into buf; false if neither variable gives a home. */
bool od_cli_session_path(char *buf, size_t n);
/* Loads the session file; NULL if absent or unreadable (new reference). */
json_t *od_cli_session_load(void);
/* Saves {"server","token","username","expires_at"} with mode 0600 in a
 * directory of mode 0700, atomically (temporary file + rename). */
OD_NODISCARD od_err od_cli_session_save(const json_t *session, od_error *e);
/* Deletes the session file; OD_OK if it did not exist. */
OD_NODISCARD od_err od_cli_session_delete(od_error *e);

/* ---- cli_table.c ---- */

/* Renders one value of a row into a malloc'd string (caller frees). */
typedef char *(*od_cli_fmt)(const json_t *row, const char *key);

/* A column (or a field of a detail view): JSON key (dots reach into
 * objects: "ci.name"), header ("编号 ID"; NULL = the label of the key) and
 * an optional formatter.  Lists of columns end with a {NULL} row. */
typedef struct od_cli_col {
    const char *key;
    const char *header;
    od_cli_fmt fmt;
} od_cli_col;

/* A table under a detail view: the array at key, printed with cols (NULL =
 * columns from the keys of the rows).  Lists end with a {NULL} row. */
typedef struct od_cli_section {
    const char *key;
    const char *title;
    const od_cli_col *cols;
} od_cli_section;

/* How an answer is shown: "label  value" lines for fields (absent keys are
 * skipped), then one table per section (absent sections are skipped). */
typedef struct od_cli_view {
    const od_cli_col *fields;
    const od_cli_section *sections;
} od_cli_view;

/* The bilingual label of a JSON key ("id" → "编号 ID"); the key itself when
 * unknown. */
const char *od_cli_label(const char *key);
/* Value at a dotted path in obj; NULL if absent (borrowed). */
const json_t *od_cli_get(const json_t *obj, const char *path);
/* A value as text for people (caller frees): strings as they are, null as
 * "-", booleans as 是 yes / 否 no, arrays joined with ", ". */
char *od_cli_text(const json_t *v);
/* Prints rows (a JSON array of objects) as an aligned table. */
void od_cli_print_table(FILE *out, const json_t *rows, const od_cli_col *cols);
/* Prints root according to view. */
void od_cli_print_view(FILE *out, const json_t *root, const od_cli_view *view);
/* Prints v as indented JSON followed by a newline. */
void od_cli_print_json(FILE *out, const json_t *v);
/* Display width of UTF-8 text in terminal columns (CJK counts 2). */
size_t od_cli_width(const char *s);

/* ---- commands (cli.c parses, cli_cmds.c lists them) ---- */

typedef enum od_cli_optkind {
    OD_CLI_STR,     /* --x TEXT → "key": "TEXT" */
    OD_CLI_INT,     /* --x N (N ≥ 0) → "key": N */
    OD_CLI_FLAG,    /* --x → "key": true */
    OD_CLI_BOOL,    /* --x true|false → "key": true|false */
    OD_CLI_LIST,    /* --x a,b → "key": ["a","b"] */
    OD_CLI_INTLIST, /* --x 1,2 → "key": [1,2] (each ≥ 1) */
    OD_CLI_KV,      /* --x k=v, repeatable → "key": {"k":"v",…} */
} od_cli_optkind;

#define OD_CLI_REQUIRED 0x1u /* the option must be given */
#define OD_CLI_LOCAL 0x2u    /* read by the command's handler, not sent */

/* An option of a command.  Lists end with a {NULL} row. */
typedef struct od_cli_opt {
    const char *name; /* "--name" or "-q" */
    const char *key;  /* JSON body key or query parameter */
    od_cli_optkind kind;
    unsigned flags;      /* OD_CLI_REQUIRED, OD_CLI_LOCAL */
    const char *choices; /* "a|b|c": the allowed values, or NULL */
    const char *meta;    /* placeholder in usage ("NAME") */
} od_cli_opt;

struct od_cli_cmd;

/* One parsed command line. */
typedef struct od_cli_inv {
    const struct od_cli_cmd *cmd;
    const char *id;  /* the ID positional (checked: a positive integer) or NULL */
    const char *arg; /* the ACTION positional of a path with "{action}" ([a-z0-9_]), the ENTRY of one
                      * with "{entry}" (a positive integer), or NULL */
    json_t *params;  /* options to send: body or query (owned object) */
    json_t *local;   /* OD_CLI_LOCAL options (owned object) */
} od_cli_inv;

typedef int (*od_cli_handler)(od_cli_ctx *c, const od_cli_inv *inv);

#define OD_CLI_QUERY 0x1u  /* options go to the query string (GET) */
#define OD_CLI_RAW 0x2u    /* print the answer body as it is */
#define OD_CLI_NOAUTH 0x4u /* no token needed */
#define OD_CLI_PAGED 0x8u  /* prints "共 N 条" after the table from "total" */

/* A client command: "group verb" (verb NULL for one-word commands), the
 * route it calls ("{id}" is replaced by the ID positional), its options,
 * how its answer is shown, and a handler when the generic one does not
 * fit.  The table ends with a {NULL} row. */
typedef struct od_cli_cmd {
    const char *group;
    const char *verb;
    const char *method;
    const char *path;
    unsigned flags;
    const od_cli_opt *opts;
    const od_cli_view *view;
    od_cli_handler run; /* NULL = od_cli_generic */
    const char *summary;
} od_cli_cmd;

extern const od_cli_cmd od_cli_cmds[];

/* The generic command: builds the path and query or body from inv, calls
 * the route, prints the answer (--json, raw, or the command's view).
 * Returns an exit code. */
int od_cli_generic(od_cli_ctx *c, const od_cli_inv *inv);
/* Appends params (an object of scalars and lists) to buf as a query string
 * ("?k=v&…", values URL-encoded, lists as "a,b"); false if it does not fit. */
bool od_cli_build_query(const json_t *params, char *buf, size_t n);
/* Prints the answer of a successful call as the command asks. */
void od_cli_show(const od_cli_ctx *c, const od_cli_cmd *cmd, const od_cli_answer *a);

/* ---- handlers (cli_auth.c, cli_policy.c) ---- */
int od_cli_login(od_cli_ctx *c, const od_cli_inv *inv);
int od_cli_logout(od_cli_ctx *c, const od_cli_inv *inv);
int od_cli_passwd(od_cli_ctx *c, const od_cli_inv *inv);
int od_cli_user_add(od_cli_ctx *c, const od_cli_inv *inv);
/* cli_problems.c: `problem create` (options into the body's fields) and
 * `problem act ID ACTION` (the record's version read first). */
int od_cli_problem_create(od_cli_ctx *c, const od_cli_inv *inv);
int od_cli_problem_act(od_cli_ctx *c, const od_cli_inv *inv);
/* problem entry ID (review fields under "review") and entry-edit ID ENTRY (cli_problems.c) */
int od_cli_problem_entry(od_cli_ctx *c, const od_cli_inv *inv);
int od_cli_problem_entry_edit(od_cli_ctx *c, const od_cli_inv *inv);
/* cli_training.c: `training session-add` (--attendees ids → [{user_id}])
 * and `training session-results ID` (--pass/--fail/--absent ids, --score
 * ID=N → the attendees' results). */
int od_cli_session_add(od_cli_ctx *c, const od_cli_inv *inv);
int od_cli_session_results(od_cli_ctx *c, const od_cli_inv *inv);
int od_cli_drill_create(od_cli_ctx *c, const od_cli_inv *inv);
int od_cli_grade(od_cli_ctx *c, const od_cli_inv *inv);
int od_cli_policy_table(od_cli_ctx *c, const od_cli_inv *inv);
/* cli_notify.c */
int od_cli_notify_test(od_cli_ctx *c, const od_cli_inv *inv);
int od_cli_user_notify(od_cli_ctx *c, const od_cli_inv *inv);

/* the choice lists of the grade, response-level and severity options */
extern const char OD_CLI_GRADES[];
extern const char OD_CLI_RESPS[];
extern const char OD_CLI_SEVERITIES[];

#endif
