/* accounts.c — users, roles and scopes, login sessions (R-SEC-SYS-1, -2).
 * Passwords: argon2id (libsodium crypto_pwhash_str).  Tokens: 32 random
 * bytes, base64url to the client, SHA-256 hex in the database.  Failed
 * logins are limited per account and per address (limiter.c) and audited.
 *
 * Comparisons of secrets: a password is only ever checked by
 * crypto_pwhash_str_verify (constant time); an unknown user name is verified
 * against a dummy hash made once at start (od_auth_prepare), so it costs
 * exactly one verify, like a known name.  A wrong old password on the
 * password-change endpoint counts against the same lockout as a failed
 * login and is audited (password.fail).  A token is never compared: its SHA-256 is
 * looked up, so lookup timing can only tell about a hash of 256 random bits.
 * Session fixation: a token is minted by a successful login only (never
 * taken from the request), a new one every time; logout, a role change, a
 * disabled account and a password change revoke sessions for good. */
#include "app/app.h"
#include "app/limiter.h"
#include "app/login_limits.h"
#include "app/list.h"
#include "core/duties.h"
#include "core/lockout.h"
#include "core/password.h"
#include "util/log.h"
#include "util/secret.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

json_t *od_roles_to_json(od_roleset roles)
{
    json_t *a = json_array();
    for (int r = 0; r < OD_ROLE__COUNT; r++)
        if (roles & OD_ROLEBIT(r))
            json_array_append_new(a, json_string(od_role_key((od_role)r)));
    return a;
}

static od_err hash_password(od_app *a, const char *pw, char out[crypto_pwhash_STRBYTES], od_error *e)
{
    unsigned long long ops = a->pwhash_cost ? crypto_pwhash_OPSLIMIT_MIN : crypto_pwhash_OPSLIMIT_INTERACTIVE;
    size_t mem = a->pwhash_cost ? crypto_pwhash_MEMLIMIT_MIN : crypto_pwhash_MEMLIMIT_INTERACTIVE;
    if (crypto_pwhash_str_alg(out, pw, strlen(pw), ops, mem, crypto_pwhash_ALG_ARGON2ID13) != 0)
        return od_error_set(e, OD_E_NOMEM, NULL, "password hashing failed (out of memory)");
    return OD_OK;
}

static json_t *user_row_json(od_rows *r)
{
    char c[OD_TIME_STR_MAX], u[OD_TIME_STR_MAX];
    json_t *scopes = json_loads(od_rows_text(r, 7), 0, NULL);
    return json_pack("{sI ss ss ss ss ss so so sb ss ss ss}", "id", (json_int_t)od_rows_int(r, 0), "username",
                     od_rows_text(r, 1), "display_name", od_rows_text(r, 2), "department", od_rows_text(r, 3),
                     "phone", od_rows_text(r, 4), "email", od_rows_text(r, 5), "roles",
                     od_roles_to_json((od_roleset)od_rows_int(r, 6)), "scopes",
                     scopes ? scopes : json_array(), "disabled", (int)od_rows_int(r, 8), "lang",
                     od_rows_text(r, 9), "created_at", od_time_format(od_rows_int(r, 10), c), "updated_at",
                     od_time_format(od_rows_int(r, 11), u));
}

/* Seed 000 ch. 7 §1 item 6: unreachable_24h — the account holds a role
 * that must be reachable around the clock (duties.reachable_24h) and has
 * no mobile number. */
static json_t *reach_flag(const od_policy *p, json_t *u)
{
    od_roleset roles = 0;
    size_t i;
    json_t *k;
    json_array_foreach(json_object_get(u, "roles"), i, k)
    {
        int r = od_role_parse(json_string_value(k));
        if (r >= 0)
            roles |= OD_ROLEBIT(r);
    }
    const char *phone = json_string_value(json_object_get(u, "phone"));
    json_object_set_new(u, "unreachable_24h", json_boolean(od_unreachable_24h(p, roles, phone && *phone)));
    return u;
}

static od_err user_load(od_tx *tx, int64_t id, json_t **out, od_error *e)
{
    od_rows *r = NULL;
    od_err rc = od_tx_query(tx, OD_Q_USER_GET, &r, e, OD_BINDS(OD_INT(id)));
    if (rc)
        return rc;
    bool row = false;
    rc = od_rows_step(r, &row);
    if (row)
        *out = user_row_json(r);
    od_rows_close(r);
    if (rc)
        return rc;
    if (!rc && !row)
        return od_error_set(e, OD_E_NOT_FOUND, NULL, "用户 %lld 不存在 (user %lld not found)", (long long)id,
                            (long long)id);
    return OD_OK;
}

static od_err validate_username(const char *u, od_error *e)
{
    size_t n = u ? strlen(u) : 0;
    if (n < 2 || n >= OD_USERNAME_MAX)
        return od_error_set(e, OD_E_UNPROCESSABLE, "username",
                            "用户名须为2到63个字符 (username must be 2 to 63 characters)");
    for (const char *p = u; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_' ||
              *p == '.' || *p == '-'))
            return od_error_set(
                e, OD_E_UNPROCESSABLE, "username",
                "用户名只能包含字母、数字、_ . - (username may hold letters, digits, _ . - only)");
    return OD_OK;
}

/* Whether a session whose account still has its initial password must
 * change it first (policy login.initial_password_change; absent: on, except on a
 * test-clock server, which is a test).  Every new account is marked
 * anyway: the mark is the fact, the policy decides whether it binds. */
/* users.must_change_password: 1 for an initial password (changed first when
 * initial_change_required), MUST_CHANGE_RESET for a password an
 * administrator reset, which its holder always changes first. */
#define MUST_CHANGE_RESET 2

static bool initial_change_required(const od_app *a)
{
    switch (a->policy->login.initial_password_change) {
    case OD_PWCHANGE_ON:
        return true;
    case OD_PWCHANGE_OFF:
        return false;
    default:
        return !a->clock.manual;
    }
}

static od_err insert_user(od_app *a, od_tx *tx, const od_principal *actor, const od_user_input *in,
                          int64_t *id, od_error *e)
{
    char h[crypto_pwhash_STRBYTES];
    od_err rc = validate_username(in->username, e);
    if (!rc)
        rc = od_password_check(&a->policy->password, in->password, e);
    if (!rc)
        rc = od_roles_check_separation(in->roles, e);
    if (!rc)
        rc = hash_password(a, in->password, h, e);
    if (rc)
        return rc;
    int64_t now = od_app_now(a);
    rc = od_tx_insert(tx, OD_Q_USER_INSERT, id, e,
                      OD_BINDS(OD_TEXT(in->username), OD_TEXT(h),
                               OD_TEXT(in->display_name ? in->display_name : ""),
                               OD_TEXT(in->department ? in->department : ""),
                               OD_TEXT(in->phone ? in->phone : ""), OD_TEXT(in->email ? in->email : ""),
                               OD_INT((int64_t)in->roles), OD_TEXT("[]"), OD_INT(now), OD_INT(now)));
    sodium_memzero(h, sizeof h);
    if (rc == OD_E_CONFLICT) {
        od_error_clear(e);
        return od_error_set(e, OD_E_CONFLICT, "username", "用户名 %s 已存在 (username %s is taken)",
                            in->username, in->username);
    }
    if (rc)
        return rc;
    if (in->lang) /* USER_INSERT has no lang column: set it the way an update does */
        rc = od_tx_exec(tx, OD_Q_USER_UPDATE, e,
                        OD_BINDS(OD_TEXT(in->display_name ? in->display_name : ""),
                                 OD_TEXT(in->department ? in->department : ""),
                                 OD_TEXT(in->phone ? in->phone : ""), OD_TEXT(in->email ? in->email : ""),
                                 OD_TEXT(in->lang), OD_INT(now), OD_INT(*id)));
    if (!rc)
        rc = od_tx_exec(tx, OD_Q_USER_MUST_CHANGE_SET, e, OD_BINDS(OD_INT(1), OD_INT(*id)));
    if (rc)
        return rc;
    json_t *after = NULL;
    rc = user_load(tx, *id, &after, e);
    if (!rc)
        rc = od_audit_append(tx, now, actor, "user.create", "user", *id, NULL, after, e);
    json_decref(after);
    return rc;
}

od_err od_app_init_admins(od_app *a, const char *password, char *out_passwords[3], od_error *e)
{
    static const struct {
        const char *name, *display;
        od_role role;
    } admins[3] = {
        {"sysadmin", "系统管理员 System administrator", OD_ROLE_SYSTEM_ADMIN},
        {"secadmin", "安全管理员 Security administrator", OD_ROLE_SECURITY_ADMIN},
        {"auditor", "审计员 Auditor", OD_ROLE_AUDITOR},
    };
    od_principal sys;
    od_principal_system(&sys);
    od_tx *tx = NULL;
    for (int i = 0; i < 3; i++)
        out_passwords[i] = NULL;
    od_err rc = od_tx_begin(a->store, true, &tx, e);
    if (rc)
        return rc;
    for (int i = 0; i < 3 && !rc; i++) {
        od_rows *r = NULL;
        rc = od_tx_query(tx, OD_Q_USER_BY_NAME, &r, e, OD_BINDS(OD_TEXT(admins[i].name)));
        if (rc)
            break;
        bool row = false;
        rc = od_rows_step(r, &row);
        od_rows_close(r);
        if (rc || row) /* a store error ends the loop */
            continue;
        char pw[40];
        if (password) {
            snprintf(pw, sizeof pw, "%s", password);
        } else {
            /* random: 16 url-safe chars plus fixed classes so the policy holds */
            unsigned char raw[12];
            randombytes_buf(raw, sizeof raw);
            char b64[sodium_base64_ENCODED_LEN(12, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
            sodium_bin2base64(b64, sizeof b64, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
            snprintf(pw, sizeof pw, "Od-%s-7a", b64);
        }
        od_user_input in = {.username = admins[i].name,
                            .password = pw,
                            .display_name = admins[i].display,
                            .roles = OD_ROLEBIT(admins[i].role)};
        int64_t id;
        rc = insert_user(a, tx, &sys, &in, &id, e);
        if (!rc && !password)
            out_passwords[i] = strdup(pw);
        sodium_memzero(pw, sizeof pw);
    }
    if (rc) {
        od_tx_rollback(tx);
        for (int i = 0; i < 3; i++)
            free(out_passwords[i]), out_passwords[i] = NULL;
        return rc;
    }
    return od_tx_commit(tx, e);
}

static od_err check_lang(const char *lang, od_error *e)
{
    if (lang && strcmp(lang, "zh-CN") != 0 && strcmp(lang, "en") != 0)
        return od_error_set(e, OD_E_UNPROCESSABLE, "lang",
                            "lang 须为 zh-CN 或 en (lang must be zh-CN or en)");
    return OD_OK;
}

od_err od_user_create(od_app *a, const od_principal *actor, const od_user_input *in, json_t **out,
                      od_error *e)
{
    od_tx *tx = NULL;
    int64_t id = 0;
    /* lang used to be ignored on create (found by tests/api/test_bad_input.py) */
    od_err rc = check_lang(in->lang, e);
    if (rc)
        return rc;
    rc = od_tx_begin(a->store, true, &tx, e);
    if (rc)
        return rc;
    rc = insert_user(a, tx, actor, in, &id, e);
    if (!rc)
        rc = user_load(tx, id, out, e);
    if (rc) {
        od_tx_rollback(tx);
        return rc;
    }
    rc = od_tx_commit(tx, e);
    if (rc) {
        json_decref(*out);
        *out = NULL;
    }
    return rc;
}

od_err od_user_get(od_app *a, int64_t id, json_t **out, od_error *e)
{
    od_tx *tx = NULL;
    od_err rc = od_tx_begin(a->store, false, &tx, e);
    if (rc)
        return rc;
    rc = user_load(tx, id, out, e);
    od_tx_rollback(tx);
    if (!rc)
        reach_flag(a->policy, *out);
    return rc;
}

od_err od_user_list(od_app *a, int64_t limit, int64_t offset, json_t **out, od_error *e)
{
    od_tx *tx = NULL;
    od_rows *r = NULL;
    int64_t total = 0;
    od_err rc = od_tx_begin(a->store, false, &tx, e);
    if (rc)
        return rc;
    json_t *items = json_array();
    rc = od_tx_scalar(tx, OD_Q_USER_COUNT, &total, e, OD_NOBINDS);
    if (!rc)
        rc = od_tx_query(tx, OD_Q_USER_LIST, &r, e, OD_BINDS(OD_INT(limit), OD_INT(offset)));
    bool row = false;
    while (!rc && !(rc = od_rows_step(r, &row)) && row)
        json_array_append_new(items, reach_flag(a->policy, user_row_json(r)));
    od_rows_close(r);
    od_tx_rollback(tx);
    return od_list_done(rc, items, total, limit, offset, out, e);
}

/* Runs fn(tx) between loading the user (before) and auditing (after). */
typedef od_err (*user_change_fn)(od_tx *tx, int64_t id, int64_t now, void *ctx, od_error *e);

static od_err change_user(od_app *a, const od_principal *actor, int64_t id, const char *action,
                          user_change_fn fn, void *ctx, json_t **out, od_error *e)
{
    od_tx *tx = NULL;
    json_t *before = NULL, *after = NULL;
    int64_t now = od_app_now(a);
    od_err rc = od_tx_begin(a->store, true, &tx, e);
    if (rc)
        return rc;
    rc = user_load(tx, id, &before, e);
    if (!rc)
        rc = fn(tx, id, now, ctx, e);
    if (!rc)
        rc = user_load(tx, id, &after, e);
    if (!rc)
        rc = od_audit_append(tx, now, actor, action, "user", id, before, after, e);
    json_decref(before);
    if (rc) {
        json_decref(after);
        od_tx_rollback(tx);
        return rc;
    }
    rc = od_tx_commit(tx, e);
    if (rc || !out)
        json_decref(after);
    else
        *out = after;
    return rc;
}

/* Applies core's decision on acts of one account on another (R-SEC-SYS-2,
 * od_authz_user_act); a refusal is audited (user.refused) in its own
 * transaction and returned. */
od_err od_user_guard(od_app *a, const od_principal *actor, int64_t id, od_user_act act, od_roleset new_roles,
                     od_error *e)
{
    od_tx *tx = NULL;
    od_rows *r = NULL;
    od_err rc = od_tx_begin(a->store, false, &tx, e);
    if (rc)
        return rc;
    rc = od_tx_query(tx, OD_Q_USER_GET, &r, e, OD_BINDS(OD_INT(id)));
    bool row = false;
    if (!rc)
        rc = od_rows_step(r, &row);
    od_roleset target = row ? (od_roleset)od_rows_int(r, 6) : 0;
    od_rows_close(r);
    od_tx_rollback(tx);
    if (rc)
        return rc;
    if (!rc && !row) /* the act itself answers 404 */
        return OD_OK;
    od_user_act_req q = {act, actor->id == id, target, new_roles};
    od_error why = {0};
    od_err refused = od_authz_user_act(&q, &why);
    if (!refused)
        return OD_OK;
    json_t *info = json_pack("{ss ss}", "act", od_user_act_key(act), "reason", why.message);
    if (act == OD_UA_SET_ROLES)
        json_object_set_new(info, "roles", od_roles_to_json(new_roles));
    int64_t now = od_app_now(a);
    if (od_tx_begin(a->store, true, &tx, e) == OD_OK) {
        if (od_audit_append(tx, now, actor, "user.refused", "user", id, NULL, info, e) == OD_OK)
            rc = od_tx_commit(tx, e);
        else {
            od_tx_rollback(tx);
            rc = OD_E_STORE;
        }
    }
    json_decref(info);
    if (rc)
        od_warn("cannot audit a refused %s on user %lld", od_user_act_key(act), (long long)id);
    *e = why;
    return refused;
}

typedef struct {
    od_roleset roles;
    json_t *scopes;
} roles_ctx;

static od_err do_set_roles(od_tx *tx, int64_t id, int64_t now, void *vctx, od_error *e)
{
    roles_ctx *c = vctx;
    char *sc = c->scopes ? json_dumps(c->scopes, JSON_COMPACT) : NULL;
    od_err rc;
    if (!sc) {
        /* keep the current scopes */
        od_rows *r = NULL;
        rc = od_tx_query(tx, OD_Q_USER_GET, &r, e, OD_BINDS(OD_INT(id)));
        if (rc)
            return rc;
        bool row = false;
        if (!rc && !(rc = od_rows_step(r, &row)) && row)
            sc = strdup(od_rows_text(r, 7));
        od_rows_close(r);
        if (rc)
            return rc;
        if (!sc)
            return od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    }
    rc = od_tx_exec(tx, OD_Q_USER_SET_ROLES, e,
                    OD_BINDS(OD_INT((int64_t)c->roles), OD_TEXT(sc), OD_INT(now), OD_INT(id)));
    if (!rc)
        rc = od_tx_exec(tx, OD_Q_SESSION_REVOKE_USER, e,
                        OD_BINDS(OD_INT(now), OD_INT(id))); /* new roles → sign in again */
    free(sc);
    return rc;
}

od_err od_user_set_roles(od_app *a, const od_principal *actor, int64_t id, od_roleset roles, json_t *scopes,
                         json_t **out, od_error *e)
{
    od_err rc = od_roles_check_separation(roles, e);
    if (!rc)
        rc = od_user_guard(a, actor, id, OD_UA_SET_ROLES, roles, e);
    if (rc)
        return rc;
    if (scopes) {
        size_t i;
        json_t *v;
        if (!json_is_array(scopes) || json_array_size(scopes) > OD_SCOPES_MAX)
            return od_error_set(e, OD_E_UNPROCESSABLE, "scopes",
                                "scopes 须为至多%d个部门名的数组 "
                                "(scopes must be an array of at most %d department names)",
                                OD_SCOPES_MAX, OD_SCOPES_MAX);
        json_array_foreach(scopes, i, v)
        {
            if (!json_is_string(v) || json_string_length(v) == 0 || json_string_length(v) >= OD_DEPT_MAX)
                return od_error_set(e, OD_E_UNPROCESSABLE, "scopes",
                                    "scopes 中的部门名无效 (invalid department name in scopes)");
        }
    }
    roles_ctx c = {roles, scopes};
    return change_user(a, actor, id, "user.set_roles", do_set_roles, &c, out, e);
}

static od_err do_set_disabled(od_tx *tx, int64_t id, int64_t now, void *ctx, od_error *e)
{
    bool dis = *(bool *)ctx;
    od_err rc = od_tx_exec(tx, OD_Q_USER_SET_DISABLED, e, OD_BINDS(OD_BOOL(dis), OD_INT(now), OD_INT(id)));
    if (!rc && dis)
        rc = od_tx_exec(tx, OD_Q_SESSION_REVOKE_USER, e, OD_BINDS(OD_INT(now), OD_INT(id)));
    return rc;
}

od_err od_user_set_disabled(od_app *a, const od_principal *actor, int64_t id, bool disabled, json_t **out,
                            od_error *e)
{
    if (actor && actor->id == id && disabled)
        return od_error_set(e, OD_E_CONFLICT, NULL,
                            "不能停用自己的账号 (you cannot disable your own account)");
    od_err rc = od_user_guard(a, actor, id, disabled ? OD_UA_DISABLE : OD_UA_ENABLE, 0, e);
    if (rc)
        return rc;
    return change_user(a, actor, id, disabled ? "user.disable" : "user.enable", do_set_disabled, &disabled,
                       out, e);
}

static od_err do_update(od_tx *tx, int64_t id, int64_t now, void *ctx, od_error *e)
{
    const od_user_input *in = ctx;
    od_rows *r = NULL;
    char *cur[5] = {0};
    od_err rc = od_tx_query(tx, OD_Q_USER_GET, &r, e, OD_BINDS(OD_INT(id)));
    if (rc)
        return rc;
    bool row = false;
    if (!rc && !(rc = od_rows_step(r, &row)) && row) {
        cur[0] = strdup(in->display_name ? in->display_name : od_rows_text(r, 2));
        cur[1] = strdup(in->department ? in->department : od_rows_text(r, 3));
        cur[2] = strdup(in->phone ? in->phone : od_rows_text(r, 4));
        cur[3] = strdup(in->email ? in->email : od_rows_text(r, 5));
        cur[4] = strdup(in->lang ? in->lang : od_rows_text(r, 9));
    }
    od_rows_close(r);
    if (!rc && (!cur[0] || !cur[1] || !cur[2] || !cur[3] || !cur[4]))
        rc = od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    if (!rc)
        rc = od_tx_exec(tx, OD_Q_USER_UPDATE, e,
                        OD_BINDS(OD_TEXT(cur[0]), OD_TEXT(cur[1]), OD_TEXT(cur[2]), OD_TEXT(cur[3]),
                                 OD_TEXT(cur[4]), OD_INT(now), OD_INT(id)));
    for (int i = 0; i < 5; i++)
        free(cur[i]);
    return rc;
}

od_err od_user_update(od_app *a, const od_principal *actor, int64_t id, const od_user_input *in, json_t **out,
                      od_error *e)
{
    od_err rc = check_lang(in->lang, e);
    if (!rc)
        rc = od_user_guard(a, actor, id, OD_UA_EDIT_CONTACT, 0, e);
    if (rc)
        return rc;
    return change_user(a, actor, id, "user.update", do_update, (void *)(uintptr_t)in, out, e);
}

static void audit_login_event(od_app *a, const char *action, const char *username, const char *addr)
{
    od_tx *tx = NULL;
    od_principal p;
    od_principal_system(&p);
    snprintf(p.username, sizeof p.username, "%s", username);
    json_t *info = json_pack("{ss ss}", "username", username, "addr", addr);
    if (od_tx_begin(a->store, true, &tx, NULL) == OD_OK) {
        if (od_audit_append(tx, od_app_now(a), &p, action, "session", 0, NULL, info, NULL) == OD_OK) {
            if (od_tx_commit(tx, NULL) != OD_OK)
                od_warn("cannot audit %s of %s", action, username);
        } else
            od_tx_rollback(tx);
    }
    json_decref(info);
}

/* True if the account signed in from addr's network within
 * OD_LOCKOUT_KNOWN_NETWORK_MS (its sessions, revoked or not). */
static bool known_network(od_app *a, const char *username, const char *addr, int64_t now)
{
    od_tx *tx = NULL;
    od_rows *r = NULL;
    bool known = false, row = false;
    if (od_tx_begin(a->store, false, &tx, NULL) != OD_OK)
        return false;
    if (od_tx_query(tx, OD_Q_SESSION_ADDRS_SINCE, &r, NULL,
                    OD_BINDS(OD_TEXT(username), OD_INT(now - OD_LOCKOUT_KNOWN_NETWORK_MS))) == OD_OK) {
        while (!known && od_rows_step(r, &row) == OD_OK && row) {
            const char *from = od_rows_text(r, 0);
            known = od_lockout_known_network(addr, &from, 1);
        }
        od_rows_close(r);
    }
    od_tx_rollback(tx);
    return known;
}

/* An administrator's unlock (opsdesk user unlock) recorded for username
 * lifts the account's lockouts it came after — from this network and from
 * every network; one unlock lifts once.  True if it lifted one. */
static bool lift_by_unlock(od_app *a, const char *username, const char *acct_key, int64_t now)
{
    od_tx *tx = NULL;
    int64_t unlocked_at = 0;
    if (od_tx_begin(a->store, false, &tx, NULL) == OD_OK) {
        if (od_tx_scalar(tx, OD_Q_LOGIN_UNLOCK_GET, &unlocked_at, NULL, OD_BINDS(OD_TEXT(username))) != OD_OK)
            unlocked_at = 0;
        od_tx_rollback(tx);
    }
    if (unlocked_at <= 0)
        return false;
    bool l1 = od_login_limit_lift(a, OD_LIMIT_LOGIN_ACCOUNT, acct_key, unlocked_at, now);
    bool l2 = od_login_limit_lift(a, OD_LIMIT_LOGIN_ACCOUNT_ANY, username, unlocked_at, now);
    if (!l1 && !l2)
        return false;
    /* used up: one unlock lifts one lockout */
    if (od_tx_begin(a->store, true, &tx, NULL) == OD_OK) {
        if (od_tx_exec(tx, OD_Q_LOGIN_UNLOCK_DEL, NULL, OD_BINDS(OD_TEXT(username), OD_INT(unlocked_at))) !=
            OD_OK)
            od_tx_rollback(tx);
        else if (od_tx_commit(tx, NULL) != OD_OK)
            od_warn("cannot clear the unlock of %s", username);
    }
    return true;
}

/* Refuses an attempt (429 with Retry-After) while the account is locked
 * from the client's network, or from every network and the client's
 * network is not one the account signed in from lately, or while the
 * client's network is locked, or while a table is full of live keys
 * (core/lockout.h, docs/accounts.md). */
static od_err limit_check(od_app *a, const char *username, const char *addr, int64_t now, od_error *e)
{
    char acct_key[OD_ADDR_BUCKET_MAX + OD_USERNAME_MAX + 2];
    od_lockout_account_key(username, addr, acct_key, sizeof acct_key);
    int64_t wait = od_login_limit_check(a, OD_LIMIT_LOGIN_ACCOUNT, acct_key, now);
    int64_t wait_any = od_login_limit_check(a, OD_LIMIT_LOGIN_ACCOUNT_ANY, username, now);
    if (wait_any > 0 && known_network(a, username, addr, now))
        wait_any = 0;
    if ((wait > 0 || wait_any > 0) && lift_by_unlock(a, username, acct_key, now)) {
        wait = od_login_limit_check(a, OD_LIMIT_LOGIN_ACCOUNT, acct_key, now);
        wait_any = od_login_limit_check(a, OD_LIMIT_LOGIN_ACCOUNT_ANY, username, now);
    }
    if (wait_any > wait)
        wait = wait_any;
    int64_t wait2 = od_login_limit_check(a, OD_LIMIT_LOGIN_ADDR, addr, now);
    if (wait2 > wait)
        wait = wait2;
    if (wait <= 0)
        return OD_OK;
    e->retry_after = (int)((wait + 999) / 1000);
    return od_error_set(e, OD_E_RATE_LIMIT, NULL,
                        "登录失败次数过多，请 %d 秒后再试 (too many failed logins; try again in %d s)",
                        e->retry_after, e->retry_after);
}

/* Counts one failed password check against the account from the client's
 * network, the account from every network and the client's network, and
 * audits it (`action`, then login.lockout if it locked). */
static void limit_fail(od_app *a, const char *action, const char *username, const char *addr, int64_t now)
{
    const od_login_policy *lp = &a->policy->login;
    char acct_key[OD_ADDR_BUCKET_MAX + OD_USERNAME_MAX + 2];
    od_lockout_account_key(username, addr, acct_key, sizeof acct_key);
    bool l1 = od_login_limit_record(a, OD_LIMIT_LOGIN_ACCOUNT, lp,
                                    od_lockout_allowance(lp, OD_LOCKOUT_ACCOUNT), acct_key, now);
    bool l2 = od_login_limit_record(a, OD_LIMIT_LOGIN_ACCOUNT_ANY, lp,
                                    od_lockout_allowance(lp, OD_LOCKOUT_ACCOUNT_ANY), username, now);
    bool l3 = od_login_limit_record(a, OD_LIMIT_LOGIN_ADDR, lp, od_lockout_allowance(lp, OD_LOCKOUT_ADDRESS),
                                    addr, now);
    audit_login_event(a, action, username, addr);
    const char *kv[] = {"event", action, "user", username, "addr", addr, NULL, NULL, NULL};
    od_log_kv(OD_LOG_WARN, "认证失败 (authentication failure)", kv);
    if (l1 || l2 || l3) {
        char locked[64];
        snprintf(locked, sizeof locked, "%s%s%s%s%s", l1 ? "account" : "", l1 && (l2 || l3) ? "," : "",
                 l2 ? "account_any_network" : "", l2 && l3 ? "," : "", l3 ? "network" : "");
        audit_login_event(a, "login.lockout", username, addr);
        kv[1] = "login.lockout";
        kv[6] = "locked";
        kv[7] = locked;
        od_log_kv(OD_LOG_WARN, "登录已锁定 (login locked out)", kv);
    }
}

/* A right password clears the account's count from this network (the
 * count from every network runs out with its window). */
static void limit_forget(od_app *a, const char *username, const char *addr)
{
    char acct_key[OD_ADDR_BUCKET_MAX + OD_USERNAME_MAX + 2];
    od_lockout_account_key(username, addr, acct_key, sizeof acct_key);
    od_login_limit_forget(a, OD_LIMIT_LOGIN_ACCOUNT, acct_key);
}

typedef struct {
    od_app *a;
    const char *old_pw, *new_pw;
    bool wrong_old;   /* set when the old password did not verify */
    bool must_change; /* the account still has its initial password */
} pw_ctx;

static od_err do_password(od_tx *tx, int64_t id, int64_t now, void *vctx, od_error *e)
{
    pw_ctx *c = vctx;
    od_rows *r = NULL;
    char h[crypto_pwhash_STRBYTES];
    bool ok = false;
    od_err rc = od_tx_query(tx, OD_Q_USER_GET, &r, e, OD_BINDS(OD_INT(id)));
    if (rc)
        return rc;
    bool row = false;
    rc = od_rows_step(r, &row);
    char uname[OD_USERNAME_MAX] = "";
    if (row)
        snprintf(uname, sizeof uname, "%s", od_rows_text(r, 1));
    od_rows_close(r);
    if (rc)
        return rc;
    rc = od_tx_query(tx, OD_Q_USER_BY_NAME, &r, e, OD_BINDS(OD_TEXT(uname)));
    if (rc)
        return rc;
    if (!rc && !(rc = od_rows_step(r, &row)) && row)
        ok = crypto_pwhash_str_verify(od_rows_text(r, 1), c->old_pw, strlen(c->old_pw)) == 0;
    od_rows_close(r);
    if (rc)
        return rc;
    if (!ok) {
        c->wrong_old = true;
        return od_error_set(e, OD_E_FORBIDDEN, "old_password",
                            "原密码不正确 (the current password is wrong)");
    }
    rc = od_password_check(&c->a->policy->password, c->new_pw, e);
    /* an initial password is replaced by a different one */
    if (!rc && c->must_change && strcmp(c->old_pw, c->new_pw) == 0)
        rc = od_error_set(e, OD_E_UNPROCESSABLE, "new_password",
                          "新密码不能与初始密码相同 (the new password must differ from the initial one)");
    if (!rc)
        rc = hash_password(c->a, c->new_pw, h, e);
    if (!rc)
        rc = od_tx_exec(tx, OD_Q_USER_SET_PASSWORD, e, OD_BINDS(OD_TEXT(h), OD_INT(now), OD_INT(id)));
    if (!rc)
        rc = od_tx_exec(tx, OD_Q_USER_MUST_CHANGE_SET, e, OD_BINDS(OD_INT(0), OD_INT(id)));
    /* every session of the account ends, this one included: a stolen token
     * does not survive the password change; sign in again */
    if (!rc)
        rc = od_tx_exec(tx, OD_Q_SESSION_REVOKE_USER, e, OD_BINDS(OD_INT(now), OD_INT(id)));
    sodium_memzero(h, sizeof h);
    return rc;
}

od_err od_user_change_password(od_app *a, const od_principal *actor, const char *old_pw, const char *new_pw,
                               od_error *e)
{
    int64_t now = od_app_now(a);
    const char *addr = actor->addr[0] ? actor->addr : "?";
    od_err rc = limit_check(a, actor->username, addr, now, e);
    if (rc)
        return rc;
    pw_ctx c = {a, old_pw, new_pw, false, actor->must_change_password};
    rc = change_user(a, actor, actor->id, "user.change_password", do_password, &c, NULL, e);
    if (rc && c.wrong_old)
        limit_fail(a, "password.fail", actor->username, addr, now);
    else if (!rc)
        limit_forget(a, actor->username, addr);
    return rc;
}

/* ---- sessions ---- */

od_err od_auth_prepare(od_app *a, od_error *e)
{
    /* a random password nobody knows, hashed at the cost real hashes use */
    unsigned char raw[18];
    char pw[sodium_base64_ENCODED_LEN(18, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
    char h[crypto_pwhash_STRBYTES];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2base64(pw, sizeof pw, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    od_err rc = hash_password(a, pw, h, e);
    sodium_memzero(pw, sizeof pw);
    if (rc)
        return rc;
    free(a->dummy_hash);
    a->dummy_hash = strdup(h);
    if (!a->dummy_hash)
        return od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    return OD_OK;
}

od_err od_auth_login(od_app *a, const char *username, const char *password, const char *addr, char **token,
                     int64_t *expires_at, od_error *e)
{
    *token = NULL;
    int64_t now = od_app_now(a);
    const od_login_policy *lp = &a->policy->login;
    od_err rc = limit_check(a, username, addr, now, e);
    if (rc)
        return rc;
    od_tx *tx = NULL;
    od_rows *r = NULL;
    rc = od_tx_begin(a->store, false, &tx, e);
    if (rc)
        return rc;
    rc = od_tx_query(tx, OD_Q_USER_BY_NAME, &r, e, OD_BINDS(OD_TEXT(username)));
    char hash[crypto_pwhash_STRBYTES] = "";
    int64_t uid = 0;
    bool disabled = false;
    bool row = false;
    if (!rc && !(rc = od_rows_step(r, &row)) && row) {
        uid = od_rows_int(r, 0);
        snprintf(hash, sizeof hash, "%s", od_rows_text(r, 1));
        disabled = od_rows_int(r, 2) != 0;
    }
    od_rows_close(r);
    od_tx_rollback(tx);
    if (rc)
        return rc;
    /* exactly one verify either way: an unknown name is checked against the
     * dummy hash, so timing does not tell which names exist */
    const char *against = uid ? hash : (a->dummy_hash ? a->dummy_hash : "");
    bool ok = crypto_pwhash_str_verify(against, password, strlen(password)) == 0 && uid != 0;
    sodium_memzero(hash, sizeof hash);
    if (!ok || disabled) {
        limit_fail(a, "login.fail", username, addr, now);
        return od_error_set(e, OD_E_UNAUTH, NULL,
                            "用户名或密码错误，或账号已停用 (wrong username or password, or "
                            "the account is disabled)");
    }
    limit_forget(a, username, addr);
    char *tok = malloc(OD_SECRET_LEN(3, 32));
    if (!tok || !od_secret_new(tok, OD_SECRET_LEN(3, 32), "od_", 32)) {
        free(tok);
        return od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    }
    char th[OD_SECRET_HASH_HEX];
    od_secret_hash(tok, th);
    int64_t exp = now + lp->session_ttl_ms, sid = 0;
    rc = od_tx_begin(a->store, true, &tx, e);
    if (!rc)
        rc = od_tx_insert(tx, OD_Q_SESSION_INSERT, &sid, e,
                          OD_BINDS(OD_TEXT(th), OD_INT(uid), OD_INT(now), OD_INT(exp), OD_TEXT(addr)));
    if (!rc) {
        od_principal p;
        od_principal_system(&p);
        p.id = uid;
        snprintf(p.username, sizeof p.username, "%s", username);
        json_t *info = json_pack("{ss}", "addr", addr);
        rc = od_audit_append(tx, now, &p, "login", "session", sid, NULL, info, e);
        json_decref(info);
    }
    if (!rc)
        rc = od_tx_commit(tx, e);
    else
        od_tx_rollback(tx);
    if (rc) {
        sodium_memzero(tok, strlen(tok));
        free(tok);
        return rc;
    }
    *token = tok;
    *expires_at = exp;
    return OD_OK;
}

od_err od_auth_resolve(od_app *a, const char *token, od_principal *p, od_error *e)
{
    memset(p, 0, sizeof *p);
    if (!token || strlen(token) > 128)
        return od_error_set(e, OD_E_UNAUTH, NULL, "需要登录 (authentication required)");
    char th[OD_SECRET_HASH_HEX];
    od_secret_hash(token, th);
    od_tx *tx = NULL;
    od_rows *r = NULL;
    od_err rc = od_tx_begin(a->store, false, &tx, e);
    if (rc)
        return rc;
    rc = od_tx_query(tx, OD_Q_SESSION_LOOKUP, &r, e, OD_BINDS(OD_TEXT(th)));
    bool row = false;
    if (!rc)
        rc = od_rows_step(r, &row);
    bool ok = false;
    if (row && od_rows_int(r, 2) > od_app_now(a) && od_rows_int(r, 6) == 0) {
        ok = true;
        p->session_id = od_rows_int(r, 0);
        p->id = od_rows_int(r, 1);
        snprintf(p->username, sizeof p->username, "%s", od_rows_text(r, 3));
        p->roles = (od_roleset)od_rows_int(r, 4);
        snprintf(p->department, sizeof p->department, "%s", od_rows_text(r, 7));
        json_t *sc = json_loads(od_rows_text(r, 5), 0, NULL);
        size_t i;
        json_t *v;
        json_array_foreach(sc, i, v)
        {
            if (p->n_scopes < OD_SCOPES_MAX && json_is_string(v))
                snprintf(p->scopes[p->n_scopes++], OD_DEPT_MAX, "%s", json_string_value(v));
        }
        json_decref(sc);
    }
    od_rows_close(r);
    if (!rc && ok) { /* the initial password still to change (migration 0022) */
        int64_t must = 0;
        rc = od_tx_scalar(tx, OD_Q_USER_MUST_CHANGE_GET, &must, e, OD_BINDS(OD_INT(p->id)));
        /* 1: an initial password (the policy decides); 2: a reset one, always */
        p->must_change_password = must == MUST_CHANGE_RESET || (must != 0 && initial_change_required(a));
    }
    od_tx_rollback(tx);
    if (rc)
        return rc;
    if (!ok)
        return od_error_set(e, OD_E_UNAUTH, NULL,
                            "登录已失效，请重新登录 (session expired or invalid; sign in again)");
    return OD_OK;
}

od_err od_auth_logout(od_app *a, const od_principal *p, od_error *e)
{
    od_tx *tx = NULL;
    int64_t now = od_app_now(a);
    od_err rc = od_tx_begin(a->store, true, &tx, e);
    if (rc)
        return rc;
    rc = od_tx_exec(tx, OD_Q_SESSION_REVOKE, e, OD_BINDS(OD_INT(now), OD_INT(p->session_id)));
    if (!rc)
        rc = od_audit_append(tx, now, p, "logout", "session", p->session_id, NULL, NULL, e);
    if (rc) {
        od_tx_rollback(tx);
        return rc;
    }
    return od_tx_commit(tx, e);
}

/* The reset itself: a new random password to change at the next sign-in,
 * sessions revoked, lockout lifted, audited as `actor` with how it came
 * (`via`). */
static od_err reset_password(od_app *a, const od_principal *actor, const char *username, const char *via,
                             char **out_pw, od_error *e)
{
    *out_pw = NULL;
    /* random, with the classes a default policy asks for, as od_app_init_admins makes them */
    unsigned char raw[12];
    randombytes_buf(raw, sizeof raw);
    char b64[sodium_base64_ENCODED_LEN(12, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
    sodium_bin2base64(b64, sizeof b64, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    char pw[40], h[crypto_pwhash_STRBYTES];
    snprintf(pw, sizeof pw, "Od-%s-7a", b64);
    od_err rc = od_password_check(&a->policy->password, pw, e);
    if (!rc)
        rc = hash_password(a, pw, h, e); /* outside the write transaction: it takes a while */
    od_tx *tx = NULL;
    od_rows *r = NULL;
    int64_t now = od_app_now(a), uid = 0;
    if (!rc)
        rc = od_tx_begin(a->store, true, &tx, e);
    if (rc) {
        sodium_memzero(pw, sizeof pw);
        return rc;
    }
    rc = od_tx_query(tx, OD_Q_USER_BY_NAME, &r, e, OD_BINDS(OD_TEXT(username)));
    bool row = false;
    if (!rc)
        rc = od_rows_step(r, &row);
    if (row)
        uid = od_rows_int(r, 0);
    od_rows_close(r);
    if (!rc && !row)
        rc = od_error_set(e, OD_E_NOT_FOUND, "username", "用户 %s 不存在 (no user %s)", username, username);
    if (!rc)
        rc = od_tx_exec(tx, OD_Q_USER_SET_PASSWORD, e, OD_BINDS(OD_TEXT(h), OD_INT(now), OD_INT(uid)));
    if (!rc)
        rc = od_tx_exec(tx, OD_Q_USER_MUST_CHANGE_SET, e, OD_BINDS(OD_INT(MUST_CHANGE_RESET), OD_INT(uid)));
    if (!rc)
        rc = od_tx_exec(tx, OD_Q_SESSION_REVOKE_USER, e, OD_BINDS(OD_INT(now), OD_INT(uid)));
    if (!rc)
        rc = od_tx_exec(tx, OD_Q_LOGIN_UNLOCK_PUT, e, OD_BINDS(OD_TEXT(username), OD_INT(now)));
    if (!rc) {
        json_t *info = json_pack("{ss ss}", "username", username, "via", via);
        rc = od_audit_append(tx, now, actor, "user.reset_password", "user", uid, NULL, info, e);
        json_decref(info);
    }
    if (!rc)
        rc = od_tx_commit(tx, e);
    else
        od_tx_rollback(tx);
    if (!rc && !(*out_pw = strdup(pw)))
        rc = od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    sodium_memzero(pw, sizeof pw);
    return rc;
}

od_err od_user_reset_password(od_app *a, const char *username, const char *by, char **out_pw, od_error *e)
{
    od_principal p;
    od_principal_system(&p);
    snprintf(p.username, sizeof p.username, "%s", by && by[0] ? by : "system");
    return reset_password(a, &p, username, "opsdesk user reset-password", out_pw, e);
}

od_err od_user_reset_password_api(od_app *a, const od_principal *actor, int64_t id, json_t **out, od_error *e)
{
    *out = NULL;
    od_err rc = od_user_guard(a, actor, id, OD_UA_RESET_PASSWORD, 0, e);
    if (rc)
        return rc;
    od_tx *tx = NULL;
    od_rows *r = NULL;
    char username[OD_USERNAME_MAX] = "";
    rc = od_tx_begin(a->store, false, &tx, e);
    if (rc)
        return rc;
    rc = od_tx_query(tx, OD_Q_USER_GET, &r, e, OD_BINDS(OD_INT(id)));
    bool row = false;
    if (!rc && !(rc = od_rows_step(r, &row)) && row)
        snprintf(username, sizeof username, "%s", od_rows_text(r, 1));
    od_rows_close(r);
    od_tx_rollback(tx);
    if (rc)
        return rc;
    if (!row)
        return od_error_set(e, OD_E_NOT_FOUND, NULL, "用户 %lld 不存在 (no user %lld)", (long long)id,
                            (long long)id);
    char *pw = NULL;
    rc = reset_password(a, actor, username, "api", &pw, e);
    if (rc)
        return rc;
    *out = json_pack("{sI ss ss sb}", "id", (json_int_t)id, "username", username, "temporary_password", pw,
                     "must_change_password", 1);
    sodium_memzero(pw, strlen(pw));
    free(pw);
    if (!*out)
        return od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    return OD_OK;
}

od_err od_user_unlock(od_app *a, const char *username, const char *by, od_error *e)
{
    od_tx *tx = NULL;
    od_rows *r = NULL;
    int64_t now = od_app_now(a), uid = 0;
    od_err rc = od_tx_begin(a->store, true, &tx, e);
    if (rc)
        return rc;
    rc = od_tx_query(tx, OD_Q_USER_BY_NAME, &r, e, OD_BINDS(OD_TEXT(username)));
    bool row = false;
    if (!rc)
        rc = od_rows_step(r, &row);
    if (row)
        uid = od_rows_int(r, 0);
    od_rows_close(r);
    if (!rc && !row)
        rc = od_error_set(e, OD_E_NOT_FOUND, "username", "用户 %s 不存在 (no user %s)", username, username);
    if (!rc)
        rc = od_tx_exec(tx, OD_Q_LOGIN_UNLOCK_PUT, e, OD_BINDS(OD_TEXT(username), OD_INT(now)));
    if (!rc) {
        od_principal p;
        od_principal_system(&p);
        snprintf(p.username, sizeof p.username, "%s", by && by[0] ? by : "system");
        json_t *info = json_pack("{ss ss}", "username", username, "via", "opsdesk user unlock");
        rc = od_audit_append(tx, now, &p, "user.unlock", "user", uid, NULL, info, e);
        json_decref(info);
    }
    if (rc) {
        od_tx_rollback(tx);
        return rc;
    }
    return od_tx_commit(tx, e);
}
