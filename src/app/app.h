/* app.h — the use cases of opsdesk (DESIGN.md "app/"): one function per
 * action, each in one store transaction that writes the record, its audit
 * entry (and later timeline, outbox and deadlines) together.  Inputs are
 * validated C values or jansson objects already checked by the caller for
 * shape; outputs are new jansson references the caller owns.  Rules are
 * asked of src/core/.  Thread-safe: an od_app is shared by all threads. */
#ifndef OD_APP_H
#define OD_APP_H

#include "core/authz.h"
#include "core/policy.h"
#include "store/store.h"
#include "util/clock.h"
#include "util/err.h"

#include <jansson.h>
#include <pthread.h>
#include <stdbool.h>

#define OD_USERNAME_MAX 64
#define OD_SCOPES_MAX 16
/* a department name: at most OD_DEPT_CHARS characters (not bytes), so up to
 * 4 bytes each plus the NUL */
#define OD_DEPT_CHARS 40
#define OD_DEPT_MAX (OD_DEPT_CHARS * 4 + 4)

/* Who is acting.  id 0 = the system itself (scheduler, migrations). */
typedef struct od_principal {
    int64_t id;
    int64_t session_id;
    char username[OD_USERNAME_MAX];
    char department[OD_DEPT_MAX];
    od_roleset roles;
    int n_scopes; /* 0 = every department */
    char scopes[OD_SCOPES_MAX][OD_DEPT_MAX];
    char addr[64];
    bool must_change_password; /* a session of an account with its initial password (docs/accounts.md) */
} od_principal;

typedef struct od_limiter od_limiter;
typedef struct od_sched od_sched;
typedef struct od_dispatcher od_dispatcher;

typedef struct od_app {
    od_policy *policy;            /* replaced whole by od_app_policy_replace (a reload) */
    char *policy_source;          /* file path or "embedded:default.yaml" */
    od_policy **retired_policies; /* replaced ones, freed by od_app_free (readers may hold them) */
    size_t n_retired_policies;
    od_store *store;
    od_clock clock;
    od_limiter *limiter;
    od_sched *sched;                      /* NULL when not serving */
    od_dispatcher *dispatcher;            /* NULL when not serving or no channels */
    int pwhash_cost;                      /* 0 = interactive (default), 1 = minimum (tests only) */
    struct od_backup_sched *backup_sched; /* scheduled backups; NULL when off */
    struct od_report_sched *report_sched; /* scheduled O&M reports; NULL when off */
    struct od_event_keys *event_keys;     /* ingestion's de-duplication table; NULL until it runs */
    struct od_event_caches
        *event_caches; /* compiled window matchers, resolved API keys (events_api.h); NULL until used */
    /* Called after a commit that a thread above app may want to act on (the
     * scheduler for new deadlines, the dispatcher for new outbox rows): app
     * signals upward through this hook and never names those threads.  Set
     * by main.c before any thread starts; NULL = nobody listens. */
    void (*on_commit)(void *arg, unsigned what);
    void *on_commit_arg;
    char *dummy_hash; /* a password hash at pwhash_cost that an unknown user name is verified against */
    struct od_pwpool *pwpool; /* password hashing off the HTTP threads (pwpool.h); NULL when not serving */
    struct od_node *node;     /* this node among several (cluster.c); NULL when not serving */
    int64_t list_count_more;  /* lists count totals to offset + limit + this (list.h); 0 = the default */
    int64_t list_count_more_rows; /* the same for totals that read their rows (od_list_count_cap_rows) */
} od_app;

/* What a commit wrote, for od_app.on_commit (bits). */
enum { OD_COMMIT_DEADLINES = 1u, OD_COMMIT_OUTBOX = 2u };

/* Creates the app over an open store and loaded policy (both owned by the
 * app afterwards). */
OD_NODISCARD od_err od_app_new(od_store *store, od_policy *policy, const char *policy_source,
                               bool manual_clock, od_app **out, od_error *e);
void od_app_free(od_app *a);
int64_t od_app_now(const od_app *a);

/* A principal for the system itself (audit actor "system"). */
void od_principal_system(od_principal *p);
/* True if the principal may see/act on records of `department` (R-SEC-SYS-2 scopes). */
bool od_principal_in_scope(const od_principal *p, const char *department);
/* True if the principal may see a record spanning several departments (an
 * incident's JSON array of department names): any one in scope suffices. */
bool od_principal_in_any_scope(const od_principal *p, const char *departments_json);

/* A page of the rows a principal may see.  Lists read every matching row
 * for a scoped principal and feed each one's visibility here, so the page
 * and the total count only what is in scope: take() says whether a row
 * goes on the page; seen is the total. */
typedef struct od_page {
    int64_t skip, room, seen;
} od_page;
static inline od_page od_page_start(int64_t limit, int64_t offset)
{
    return (od_page){offset, limit, 0};
}
static inline bool od_page_take(od_page *p, bool visible)
{
    if (!visible)
        return false;
    p->seen++;
    if (p->skip > 0) {
        p->skip--;
        return false;
    }
    if (p->room <= 0)
        return false;
    p->room--;
    return true;
}

/* ---- the policy in force (docs/policy.md "Reload") ---- */
/* sha as 64 lowercase hex digits and a NUL. */
void od_policy_sha_hex(const unsigned char sha[32], char hex[65]);
/* Records the policy of hash sha_hex (hex) as the one in force: when it
 * differs from the last one recorded, an audit entry "policy.load" (hash,
 * source path, trigger "start" or "reload", previous hash) and *changed. */
OD_NODISCARD od_err od_app_policy_record(od_app *a, const char *sha_hex, const char *trigger, bool *changed,
                                         od_error *e);
/* Puts the validated policy p (owned from now on, OD_OK only) in force in a
 * serving app, after recording it; on an error nothing changed and the
 * caller still owns p. */
OD_NODISCARD od_err od_app_policy_replace(od_app *a, od_policy *p, const char *sha_hex, od_error *e);
/* The pid of the server holding the database at db_path (its lock file). */
OD_NODISCARD od_err od_app_db_holder(const char *db_path, long *pid, od_error *e);

/* ---- audit (R-SEC-SYS-3) ---- */
/* Appends a hash-chained entry inside tx.  before/after may be NULL (borrowed). */
OD_NODISCARD od_err od_audit_append(od_tx *tx, int64_t now, const od_principal *actor, const char *action,
                                    const char *entity, int64_t entity_id, json_t *before, json_t *after,
                                    od_error *e);
typedef struct od_audit_report {
    int64_t rows;
    int64_t first_bad_id; /* 0 = chain intact */
    char reason[256];
    /* a warning, not a break: entries dated before the entry before them
     * (the machine's clock went back while an older server wrote them) */
    int64_t time_back_n, time_back_first_id, time_back_max_ms;
} od_audit_report;
OD_NODISCARD od_err od_audit_verify(od_store *s, od_audit_report *rep, od_error *e);
/* before_id: the keyset cursor (only entries below it; 0 = from the newest). */
OD_NODISCARD od_err od_audit_list(od_app *a, const char *entity, int64_t entity_id, const char *actor,
                                  int64_t before_id, int64_t limit, int64_t offset, json_t **out,
                                  od_error *e);

/* ---- runtime (app_runtime.c): the hook, health, deadlines, the test clock ---- */

/* App code calls this after a commit that wrote `what` (OD_COMMIT_* bits). */
void od_app_committed(od_app *a, unsigned what);

/* The store's real state for /healthz: ok is false after a storage error
 * (corruption, I/O, disk full) in the last minute or when the last
 * integrity check failed; reason says which, in Chinese then English.
 * degraded (with ok) while the machine's clock disagrees with application
 * time (util/clockguard.h). */
typedef struct od_app_health_report {
    bool ok;
    bool degraded; /* ok, but reason says what is wrong (a step of the machine's clock) */
    int schema_version;
    char reason[300];
} od_app_health_report;
OD_NODISCARD od_err od_app_health(od_app *a, od_app_health_report *out, od_error *e);
/* Runs the store's integrity check (PRAGMA quick_check) and keeps its verdict
 * for od_app_health; at start and then on a slow period, never per request. */
void od_app_check_store(od_app *a);
/* Opens the store at db_path and creates the app over it (the policy is
 * the app's afterwards; on failure the caller still owns it).  Creates a
 * missing database and migrates (opsdesk init, tests). */
OD_NODISCARD od_err od_app_open(const char *db_path, od_policy *policy, const char *policy_source,
                                bool manual_clock, od_app **out, od_error *e);
/* How the administration commands open the database (store.h od_store_mode):
 * only init creates, only serve and migrate migrate, every other command
 * needs the database at this binary's schema. */
typedef enum od_app_db_mode {
    OD_APP_DB_CREATE = OD_STORE_CREATE,
    OD_APP_DB_UPGRADE = OD_STORE_UPGRADE,
    OD_APP_DB_CURRENT = OD_STORE_CURRENT,
} od_app_db_mode;
typedef od_store_schema od_app_schema;
/* od_app_open as mode says; schema (may be NULL) gets the version found
 * before any migration and this binary's newest. */
OD_NODISCARD od_err od_app_open_mode(const char *db_path, od_app_db_mode mode, od_app_schema *schema,
                                     od_policy *policy, const char *policy_source, bool manual_clock,
                                     od_app **out, od_error *e);
/* OD_OK when the database exists (store.h od_store_must_exist). */
OD_NODISCARD od_err od_app_db_must_exist(const char *db_path, od_error *e);
/* This binary's schema version (its newest migration). */
int od_app_schema_newest(void);
/* The applied schema version. */
int od_app_schema_version(od_app *a);
/* The audit chain of this app's store, or of the database at db_path. */
OD_NODISCARD od_err od_app_audit_verify(od_app *a, od_audit_report *rep, od_error *e);
OD_NODISCARD od_err od_app_audit_verify_db(const char *db_path, od_audit_report *rep, od_error *e);

/* One process per database file (store/dblock.h): serve, init and restore
 * hold the lock for their lifetime; a second holder is refused with the
 * pid.  A PostgreSQL address takes no lock (*out = NULL, OD_OK). */
typedef struct od_db_lock od_db_lock;
OD_NODISCARD od_err od_app_db_lock(const char *db_path, od_db_lock **out, od_error *e);
/* Whether db_path is a database file (SQLite), not a server's address. */
bool od_app_db_is_file(const char *db_path);
void od_app_db_unlock(od_db_lock *l);

/* Lets the store do its idle maintenance (a WAL checkpoint the writer
 * deferred); the event writer calls it between group commits. */
void od_app_checkpoint_idle(od_app *a);
/* Whether other writers are contending for the store's writer now or
 * lately (store.h od_store_write_contended): the event writer then takes
 * smaller groups. */
bool od_app_write_contended(od_app *a);

/* Starts the outbox dispatcher on the app's store, clock and policy
 * (notify/dispatcher.h od_dispatcher_start_opts). */
typedef struct od_channel od_channel;
typedef struct od_dispatcher od_dispatcher;
typedef struct od_dispatcher_opts od_dispatcher_opts;
OD_NODISCARD od_err od_app_dispatcher_start(od_app *a, od_channel **chs, size_t n,
                                            const od_dispatcher_opts *o, od_dispatcher **out, od_error *e);

/* Anchors a chain that predates the audit key (audit.h od_audit_anchor_adopt). */
OD_NODISCARD od_err od_app_audit_adopt(od_app *a, bool *adopted, od_error *e);
/* Size of the database files in bytes (metrics). */
int64_t od_app_store_size(od_app *a);
/* The database file (logs). */
const char *od_app_store_path(const od_app *a);

/* Deadlines (the scheduler's queries).  Earliest fire_at, INT64_MAX when none. */
OD_NODISCARD od_err od_app_next_fire(od_app *a, int64_t *out, od_error *e);
/* Fires every deadline row due at `now`, one transaction each; a failing
 * row is retried a minute later.  `horizon` (>= now) is where the clock is
 * going within the same step (a test-clock jump): a periodic deadline whose
 * run of slots up to the horizon would be replayed one by one is moved to
 * the horizon and caught up there once.  horizon = now otherwise. */
OD_NODISCARD od_err od_app_run_due(od_app *a, int64_t now, int64_t horizon, int *fired, od_error *e);
/* Test clock (--test-clock only): moves the clock forward to `to`, firing
 * every deadline due up to it in order (each at its own time, periodic runs
 * caught up once at `to`), and saves the clock for a restart.  OD_E_UNPROCESSABLE
 * when `to` is in the past or the clock is not a test clock.  *fired (may be
 * NULL): the deadline firings this node's walk performed. */
OD_NODISCARD od_err od_app_advance_clock(od_app *a, int64_t to, int *fired, od_error *e);
/* At start with a test clock: continues from the saved test clock. */
void od_app_restore_test_clock(od_app *a);
/* At the start of a server with a test clock: on a single-node store as
 * od_app_restore_test_clock; on a shared one the stored clock is the one
 * every node runs (the first node to start stores its own), adopted exactly
 * even when this machine's clock is past it. */
void od_app_join_test_clock(od_app *a);

/* ---- accounts and sessions (R-SEC-SYS-1, R-SEC-SYS-2) ---- */
typedef struct od_user_input {
    const char *username, *password, *display_name, *department, *phone, *email, *lang;
    od_roleset roles;
} od_user_input;

/* Creates the schema's three administrators if absent (opsdesk init).
 * password NULL → a random one per account, returned in out_passwords[3]
 * (caller frees each). */
OD_NODISCARD od_err od_app_init_admins(od_app *a, const char *password, char *out_passwords[3], od_error *e);
OD_NODISCARD od_err od_user_create(od_app *a, const od_principal *actor, const od_user_input *in,
                                   json_t **out, od_error *e);
OD_NODISCARD od_err od_user_get(od_app *a, int64_t id, json_t **out, od_error *e);
OD_NODISCARD od_err od_user_list(od_app *a, int64_t limit, int64_t offset, json_t **out, od_error *e);
/* roles + scopes (security_admin).  scopes: array of department names or NULL = unchanged. */
OD_NODISCARD od_err od_user_set_roles(od_app *a, const od_principal *actor, int64_t id, od_roleset roles,
                                      json_t *scopes, json_t **out, od_error *e);
OD_NODISCARD od_err od_user_set_disabled(od_app *a, const od_principal *actor, int64_t id, bool disabled,
                                         json_t **out, od_error *e);
OD_NODISCARD od_err od_user_update(od_app *a, const od_principal *actor, int64_t id, const od_user_input *in,
                                   json_t **out, od_error *e);
/* Own password change: needs the old one. */
OD_NODISCARD od_err od_user_change_password(od_app *a, const od_principal *actor, const char *old_pw,
                                            const char *new_pw, od_error *e);
json_t *od_roles_to_json(od_roleset roles);
/* Whether `actor` may do `act` to account `id` (core/authz.h
 * od_authz_user_act); a refusal is audited as user.refused and returned
 * (OD_E_FORBIDDEN).  An unknown id passes (the act answers 404). */
OD_NODISCARD od_err od_user_guard(od_app *a, const od_principal *actor, int64_t id, od_user_act act,
                                  od_roleset new_roles, od_error *e);

/* Login: OD_E_UNAUTH on bad credentials, OD_E_RATE_LIMIT (retry_after set)
 * when the account or the address is locked out.  *token is a new string. */
OD_NODISCARD od_err od_auth_login(od_app *a, const char *username, const char *password, const char *addr,
                                  char **token, int64_t *expires_at, od_error *e);
/* Resolves a bearer token to a principal: OD_E_UNAUTH when unknown,
 * expired, revoked or the account is disabled. */
OD_NODISCARD od_err od_auth_resolve(od_app *a, const char *token, od_principal *p, od_error *e);
OD_NODISCARD od_err od_auth_logout(od_app *a, const od_principal *p, od_error *e);
/* Computes a->dummy_hash (od_app_new calls it): an unknown user name is
 * verified against it, the same work as a known one (one argon2 verify). */
OD_NODISCARD od_err od_auth_prepare(od_app *a, od_error *e);
/* Lifts the login lockout of `username` for a running server (opsdesk user
 * unlock, run on the server machine with --db): records the unlock, which
 * the server honours at the account's next login, and audits it. */
OD_NODISCARD od_err od_user_unlock(od_app *a, const char *username, const char *by, od_error *e);
/* The recovery of a lost password, the administrators' included (opsdesk
 * user reset-password, run on the server machine with --db, with the server
 * running or not): `username` gets a new random password that must be
 * changed at the next sign-in, its sessions are revoked, its login lockout
 * lifted, and the reset is audited (user.reset_password, never the
 * password).  *out_pw (malloc'd) is the new password, to print once. */
OD_NODISCARD od_err od_user_reset_password(od_app *a, const char *username, const char *by, char **out_pw,
                                           od_error *e);
/* The same reset by a system administrator through the API (POST
 * /api/v1/users/{id}/reset-password), checked by od_authz_user_act
 * (OD_UA_RESET_PASSWORD: not one's own, not an overseer's) and audited as
 * the actor (via "api").  *out = {id, username, temporary_password,
 * must_change_password}: the password is shown this once. */
OD_NODISCARD od_err od_user_reset_password_api(od_app *a, const od_principal *actor, int64_t id, json_t **out,
                                               od_error *e);

/* ---- CMDB (R-CI-1…5) ---- */
typedef struct od_ci_input {
    const char *name, *category, *grade, *department, *environment, *location;
    json_t *attributes; /* borrowed object or NULL */
} od_ci_input;
OD_NODISCARD od_err od_ci_create(od_app *a, const od_principal *actor, const od_ci_input *in, json_t **out,
                                 od_error *e);
OD_NODISCARD od_err od_ci_get(od_app *a, const od_principal *actor, int64_t id, json_t **out, od_error *e);
/* after_id: the keyset cursor (only CIs above it, oldest first; 0 = from the first). */
OD_NODISCARD od_err od_ci_list(od_app *a, const od_principal *actor, const char *category, const char *grade,
                               const char *q, int64_t after_id, int64_t limit, int64_t offset, json_t **out,
                               od_error *e);
/* PATCH: fields left NULL are unchanged. */
OD_NODISCARD od_err od_ci_update(od_app *a, const od_principal *actor, int64_t id, const od_ci_input *in,
                                 json_t **out, od_error *e);
OD_NODISCARD od_err od_ci_add_relation(od_app *a, const od_principal *actor, int64_t id, const char *type,
                                       int64_t target_id, json_t **out, od_error *e);
/* Removes relation rel_id going out of CI id (404 when there is none),
 * audited ("ci.unrelate") with the relation as it was. */
OD_NODISCARD od_err od_ci_remove_relation(od_app *a, const od_principal *actor, int64_t id, int64_t rel_id,
                                          od_error *e);
OD_NODISCARD od_err od_ci_impact(od_app *a, const od_principal *actor, int64_t id, json_t **out, od_error *e);
/* The same answer as JSON text (*out malloc'd, *len bytes), written in one
 * pass without a tree: the bytes json_dumps(JSON_COMPACT) gives of
 * od_ci_impact's (cmdb_impact.c). */
OD_NODISCARD od_err od_ci_impact_text(od_app *a, const od_principal *actor, int64_t id, char **out,
                                      size_t *len, od_error *e);
OD_NODISCARD od_err od_ci_verify(od_app *a, const od_principal *actor, int64_t id, json_t **out, od_error *e);
/* CIs not verified in the period ("week" | "month") ending now. */
OD_NODISCARD od_err od_ci_unverified(od_app *a, const od_principal *actor, const char *period, int64_t limit,
                                     int64_t offset, json_t **out, od_error *e);
/* Loads a CI's grade/category/department for rules; OD_E_NOT_FOUND. */
OD_NODISCARD od_err od_ci_load_grade(od_tx *tx, int64_t id, od_grade *grade, char *category, size_t catlen,
                                     char *department, size_t deptlen, od_error *e);

/* ---- policy views ---- */
json_t *od_policy_categories_json(const od_policy *p);
json_t *od_policy_table_json(const od_policy *p);

#endif
