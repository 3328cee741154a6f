/* api_keys.c — the ingestion API keys: create (the secret shown once),
 * list, revoke, and resolve a presented secret for the ingestion routes.
 * Resolved keys are cached in an object of the app (app.h event_caches), so
 * that an ingestion request does not need a read transaction: by the
 * secret's SHA-256, for KEY_CACHE_TTL_S at most; a revocation empties it.
 * Thread-safe: the cache has its own mutex. */
#include "app/events_api.h"
#include "app/list.h"
#include "util/secret.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- the resolved-key cache ----------------------------------------------- */

#define KEY_CACHE_N 32
#define KEY_CACHE_TTL_S 10

/* gen is bumped by every revocation, so that a resolve racing with one
 * does not put the key back. */
struct od_key_cache {
    pthread_mutex_t mu;
    uint64_t gen;
    struct {
        char hash[65];
        od_api_key k;
        time_t until;
    } v[KEY_CACHE_N];
    unsigned next;
};

od_key_cache *od_key_cache_new(void)
{
    od_key_cache *c = calloc(1, sizeof *c);
    if (c)
        pthread_mutex_init(&c->mu, NULL);
    return c;
}

void od_key_cache_free(od_key_cache *c)
{
    if (!c)
        return;
    pthread_mutex_destroy(&c->mu);
    free(c);
}

static time_t mono_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec;
}

static bool key_cache_get(od_key_cache *c, const char *hash, od_api_key *k, uint64_t *gen)
{
    bool hit = false;
    time_t now = mono_s();
    pthread_mutex_lock(&c->mu);
    *gen = c->gen;
    for (int i = 0; i < KEY_CACHE_N && !hit; i++)
        if (c->v[i].until > now && strcmp(c->v[i].hash, hash) == 0) {
            *k = c->v[i].k;
            hit = true;
        }
    pthread_mutex_unlock(&c->mu);
    return hit;
}

static void key_cache_put(od_key_cache *c, const char *hash, const od_api_key *k, uint64_t gen)
{
    pthread_mutex_lock(&c->mu);
    if (c->gen == gen) {
        unsigned i = c->next++ % KEY_CACHE_N;
        memcpy(c->v[i].hash, hash, sizeof c->v[i].hash);
        c->v[i].k = *k;
        c->v[i].until = mono_s() + KEY_CACHE_TTL_S;
    }
    pthread_mutex_unlock(&c->mu);
}

static void key_cache_clear(od_key_cache *c)
{
    if (!c)
        return;
    pthread_mutex_lock(&c->mu);
    c->gen++;
    memset(c->v, 0, sizeof c->v);
    pthread_mutex_unlock(&c->mu);
}

static od_key_cache *key_cache(od_app *a)
{
    od_event_caches *c = od_ev_caches(a);
    return c ? c->keys : NULL;
}

/* ---- the keys ------------------------------------------------------------- */

static json_t *key_row(od_rows *r)
{
    json_t *o = json_pack("{sI ss ss ss ss}", "id", (json_int_t)od_rows_int(r, 0), "name", od_rows_text(r, 1),
                          "integration", od_rows_text(r, 2), "prefix", od_rows_text(r, 3), "created_by",
                          od_rows_text(r, 4));
    json_object_set_new(o, "created_at", od_ev_time_json(r, 5));
    json_object_set_new(o, "revoked_at", od_ev_time_json(r, 6));
    json_object_set_new(o, "active", json_boolean(od_rows_null(r, 6)));
    return o;
}

static od_err key_load(od_tx *tx, int64_t id, json_t **out, od_error *e)
{
    od_rows *r = NULL;
    od_err rc = od_tx_query(tx, OD_Q_KEY_GET, &r, e, OD_BINDS(OD_INT(id)));
    rc = od_ev_one_row(r, rc, key_row, out, e);
    return rc != OD_E_NOT_FOUND
               ? rc
               : od_error_set(e, OD_E_NOT_FOUND, NULL, "API 密钥 %lld 不存在 (API key %lld not found)",
                              (long long)id, (long long)id);
}

static od_err key_input_check(const char *name, const char *integration, od_error *e)
{
    if (!name || !*name || strlen(name) > 63)
        return od_error_set(e, OD_E_UNPROCESSABLE, "name",
                            "name 须为 1 到 63 字节 (name must be 1 to 63 bytes)");
    for (const char *p = name; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '-' ||
              *p == '_' || *p == '.'))
            return od_error_set(e, OD_E_UNPROCESSABLE, "name",
                                "name 只能含字母、数字、-_. (name may hold letters, "
                                "digits, - _ . only)");
    if (!integration || (strcmp(integration, "api") && strcmp(integration, "alertmanager") &&
                         strcmp(integration, "zabbix") && strcmp(integration, OD_API_KEY_DISPLAY)))
        return od_error_set(e, OD_E_UNPROCESSABLE, "integration",
                            "integration 须为 api/alertmanager/zabbix/display "
                            "(integration must be api, alertmanager, zabbix or display)");
    return OD_OK;
}

/* Stores a new key (its hash) and loads it into *out, in one transaction. */
static od_err key_insert(od_app *a, const od_principal *who, const char *name, const char *integration,
                         const char *secret, json_t **out, od_error *e)
{
    char hash[OD_SECRET_HASH_HEX], prefix[16];
    od_secret_hash(secret, hash);
    snprintf(prefix, sizeof prefix, "%.10s", secret);
    int64_t now = od_app_now(a), id = 0;
    od_tx *tx = NULL;
    od_err rc = od_tx_begin(a->store, true, &tx, e);
    if (rc)
        return rc;
    rc = od_tx_insert(tx, OD_Q_KEY_INSERT, &id, e,
                      OD_BINDS(OD_TEXT(name), OD_TEXT(integration), OD_TEXT(hash), OD_TEXT(prefix),
                               OD_TEXT(who->username), OD_INT(now)));
    if (rc == OD_E_CONFLICT) {
        od_error_clear(e);
        rc = od_error_set(e, OD_E_CONFLICT, "name", "同名 API 密钥已存在 (an API key of this name exists)");
    }
    if (!rc)
        rc = key_load(tx, id, out, e);
    if (!rc)
        rc = od_audit_append(tx, now, who, "api_key.create", "api_key", id, NULL, *out, e);
    if (!rc)
        return od_tx_commit(tx, e);
    od_tx_rollback(tx);
    return rc;
}

od_err od_api_key_create(od_app *a, const od_principal *who, const char *name, const char *integration,
                         json_t **out, od_error *e)
{
    *out = NULL;
    od_err rc = key_input_check(name, integration, e);
    if (rc)
        return rc;
    char secret[OD_SECRET_LEN(4, 32)];
    if (!od_secret_new(secret, sizeof secret, OD_API_KEY_PREFIX, 32))
        return od_error_set(e, OD_E_INTERNAL, NULL, "libsodium");
    rc = key_insert(a, who, name, integration, secret, out, e);
    if (!rc)
        json_object_set_new(*out, "key", json_string(secret));
    else {
        json_decref(*out);
        *out = NULL;
    }
    sodium_memzero(secret, sizeof secret);
    return rc;
}

od_err od_api_key_list(od_app *a, int64_t limit, int64_t offset, json_t **out, od_error *e)
{
    *out = NULL;
    od_tx *tx = NULL;
    od_rows *r = NULL;
    int64_t total = 0;
    json_t *items = json_array();
    od_err rc = od_tx_begin(a->store, false, &tx, e);
    if (!rc)
        rc = od_tx_query(tx, OD_Q_KEY_LIST, &r, e, OD_BINDS(OD_INT(limit), OD_INT(offset)));
    bool row = false;
    while (!rc && !(rc = od_rows_step(r, &row)) && row)
        json_array_append_new(items, key_row(r));
    od_rows_close(r);
    if (!rc)
        rc = od_tx_scalar(tx, OD_Q_KEY_COUNT, &total, e, OD_NOBINDS);
    if (tx)
        od_tx_rollback(tx);
    return od_list_done(rc, items, total, limit, offset, out, e);
}

od_err od_api_key_revoke(od_app *a, const od_principal *who, int64_t id, json_t **out, od_error *e)
{
    *out = NULL;
    int64_t now = od_app_now(a);
    json_t *before = NULL;
    od_tx *tx = NULL;
    od_err rc = od_tx_begin(a->store, true, &tx, e);
    if (rc)
        return rc;
    rc = key_load(tx, id, &before, e);
    if (!rc && json_is_false(json_object_get(before, "active")))
        rc = od_error_set(e, OD_E_CONFLICT, NULL, "API 密钥已吊销 (the API key is already revoked)");
    if (!rc)
        rc = od_tx_exec(tx, OD_Q_KEY_REVOKE, e, OD_BINDS(OD_INT(now), OD_INT(id)));
    if (!rc)
        rc = key_load(tx, id, out, e);
    if (!rc)
        rc = od_audit_append(tx, now, who, "api_key.revoke", "api_key", id, before, *out, e);
    json_decref(before);
    if (rc) {
        od_tx_rollback(tx);
        json_decref(*out);
        *out = NULL;
        return rc;
    }
    od_key_cache *c = key_cache(a);
    key_cache_clear(c); /* before the commit: no request resolves it from the cache after */
    rc = od_tx_commit(tx, e);
    key_cache_clear(c); /* and none that read it before the commit keeps it */
    return rc;
}

/* Reads an active key by its hash: OD_OK, OD_E_UNAUTH, or the store's error. */
static od_err key_by_hash(od_app *a, const char *hash, od_api_key *k, od_error *e)
{
    od_tx *tx = NULL;
    od_rows *r = NULL;
    od_err rc = od_tx_begin(a->store, false, &tx, e);
    if (rc)
        return rc;
    rc = od_tx_query(tx, OD_Q_KEY_BY_HASH, &r, e, OD_BINDS(OD_TEXT(hash)));
    bool row = false;
    if (!rc)
        rc = od_rows_step(r, &row);
    if (row) {
        k->id = od_rows_int(r, 0);
        snprintf(k->name, sizeof k->name, "%s", od_rows_text(r, 1));
        snprintf(k->integration, sizeof k->integration, "%s", od_rows_text(r, 2));
    }
    od_rows_close(r);
    od_tx_rollback(tx);
    if (rc)
        return rc;
    return row ? OD_OK
               : od_error_set(e, OD_E_UNAUTH, NULL, "API 密钥无效或已吊销 (invalid or revoked API key)");
}

od_err od_api_key_resolve(od_app *a, const char *secret, od_api_key *k, od_error *e)
{
    memset(k, 0, sizeof *k);
    if (!secret || strncmp(secret, OD_API_KEY_PREFIX, 4) != 0 || strlen(secret) > 128)
        return od_error_set(e, OD_E_UNAUTH, NULL, "API 密钥无效 (invalid API key)");
    char hash[65];
    od_secret_hash(secret, hash);
    od_key_cache *c = key_cache(a);
    uint64_t gen = 0;
    if (c && key_cache_get(c, hash, k, &gen))
        return OD_OK;
    od_err rc = key_by_hash(a, hash, k, e);
    if (!rc && c)
        key_cache_put(c, hash, k, gen);
    return rc;
}
