/* cli_auth.c — the client commands that handle secrets: login (saves the
 * session), logout (revokes it and deletes the file), own password change,
 * and user creation (the new user's password).  Passwords come from
 * --password-stdin, $OPSDESK_PASSWORD (login only), or a prompt without
 * echo when stdin is a terminal; they are wiped from our buffers after use
 * and never printed.  Single-threaded. */
#include "cli/cli_int.h"

#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#define PASSWORD_MAX 1024

static void wipe(char *buf, size_t n)
{
    explicit_bzero(buf, n);
}

/* Reads one line from stdin into buf without its line end; false at end of
 * input or when the line does not fit. */
static bool read_line(char *buf, size_t n)
{
    if (!fgets(buf, (int)n, stdin))
        return false;
    size_t len = strlen(buf);
    if (len > 0 && buf[len - 1] == '\n')
        buf[--len] = '\0';
    else if (!feof(stdin))
        return false; /* longer than the buffer */
    if (len > 0 && buf[len - 1] == '\r')
        buf[--len] = '\0';
    return true;
}

/* Prompts on stderr and reads a line from the terminal on stdin with echo
 * off (restored before returning). */
static bool prompt_password(const char *prompt, char *buf, size_t n)
{
    struct termios old, quiet;
    bool echo_off = tcgetattr(STDIN_FILENO, &old) == 0;
    if (echo_off) { /* echo goes off before the prompt shows: nothing typed after it is echoed */
        quiet = old;
        quiet.c_lflag &= ~(tcflag_t)ECHO;
        quiet.c_lflag |= ECHONL;
        echo_off = tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) == 0;
    }
    fputs(prompt, stderr);
    fflush(stderr);
    bool ok = read_line(buf, n);
    if (echo_off)
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
    return ok;
}

static bool has_flag(const od_cli_inv *inv, const char *key)
{
    return json_is_true(json_object_get(inv->local, key));
}

static int no_password(const od_cli_ctx *c, const char *how)
{
    fprintf(c->err, "用法错误 usage error: 未提供密码 (no password): %s\n", how);
    return OD_CLI_EXIT_USAGE;
}

/* The login password: --password-stdin, else $OPSDESK_PASSWORD, else a
 * prompt when stdin is a terminal.  Returns an exit code. */
static int login_password(const od_cli_ctx *c, const od_cli_inv *inv, char *pw, size_t n)
{
    const char *env = getenv("OPSDESK_PASSWORD");
    if (has_flag(inv, "password_stdin")) {
        if (!read_line(pw, n))
            return no_password(c, "stdin 为空或过长 (stdin is empty or too long)");
    } else if (env && env[0]) {
        int w = snprintf(pw, n, "%s", env);
        if (w < 0 || (size_t)w >= n)
            return no_password(c, "$OPSDESK_PASSWORD 过长 (too long)");
    } else if (isatty(STDIN_FILENO)) {
        if (!prompt_password("密码 Password: ", pw, n))
            return no_password(c, "未输入 (nothing entered)");
    } else {
        return no_password(
            c, "用 --password-stdin 或 $OPSDESK_PASSWORD (use --password-stdin or $OPSDESK_PASSWORD)");
    }
    return OD_CLI_EXIT_OK;
}

int od_cli_login(od_cli_ctx *c, const od_cli_inv *inv)
{
    char pw[PASSWORD_MAX] = "";
    const char *user = json_string_value(json_object_get(inv->params, "username"));
    od_cli_answer a = {0};
    json_t *body = NULL, *sess = NULL;
    int rc = login_password(c, inv, pw, sizeof pw);
    if (rc) {
        wipe(pw, sizeof pw);
        return rc;
    }
    body = json_pack("{s:s, s:s}", "username", user, "password", pw);
    wipe(pw, sizeof pw);
    if (!body) {
        fputs("错误 error: 密码不是有效的 UTF-8 (password is not valid UTF-8)\n", c->err);
        return OD_CLI_EXIT_USAGE;
    }
    /* A login never carries an older token. */
    od_cli_ctx anon = *c;
    anon.token = NULL;
    rc = od_cli_call(&anon, "POST", inv->cmd->path, body, &a);
    if (rc)
        goto out;
    const json_t *token = json_object_get(a.json, "token");
    if (!json_is_string(token)) {
        fputs("错误 error: 服务器应答中没有令牌 (the answer holds no token)\n", c->err);
        rc = OD_CLI_EXIT_REFUSED;
        goto out;
    }
    json_t *exp = json_object_get(a.json, "expires_at");
    sess = json_pack("{s:s, s:O, s:s, s:O}", "server", c->server, "token", token, "username", user,
                     "expires_at", exp ? exp : json_null());
    od_error e;
    od_error_clear(&e);
    if (!sess || od_cli_session_save(sess, &e) != OD_OK) {
        fprintf(c->err, "错误 error: 无法保存会话 (cannot save the session): %s\n",
                sess ? e.message : "no memory");
        rc = OD_CLI_EXIT_REFUSED;
        goto out;
    }
    char path[4096] = "";
    od_cli_session_path(path, sizeof path);
    fprintf(c->out, "已登录 logged in: %s @ %s\n", user, c->server);
    if (json_is_string(exp))
        fprintf(c->out, "过期时间 expires: %s\n", json_string_value(exp));
    fprintf(c->out, "会话 session: %s\n", path);
out:
    json_decref(sess);
    json_decref(body);
    od_cli_answer_cleanup(&a);
    return rc;
}

int od_cli_logout(od_cli_ctx *c, const od_cli_inv *inv)
{
    od_cli_answer a = {0};
    json_t *sess = od_cli_session_load();
    const char *saved = json_string_value(json_object_get(sess, "token"));
    /* The file goes only if it holds the token being logged out. */
    bool ours = saved && (!c->token || strcmp(saved, c->token) == 0);
    int rc = OD_CLI_EXIT_OK;
    od_error e;
    od_error_clear(&e);

    if (!c->token) {
        fputs("未登录 not logged in\n", c->out);
        goto out;
    }
    json_t *empty = json_object();
    rc = od_cli_request(c, "POST", inv->cmd->path, empty, &a);
    json_decref(empty);
    if (!rc && a.status >= 400 && a.status != 401) {
        od_cli_print_error(c, &a);
        rc = OD_CLI_EXIT_REFUSED;
    }
    if (rc)
        fputs("警告 warning: 令牌未能在服务器注销 (the token was not revoked on the server)\n", c->err);
    if (ours && od_cli_session_delete(&e) != OD_OK) {
        fprintf(c->err, "错误 error: %s\n", e.message);
        rc = rc ? rc : OD_CLI_EXIT_REFUSED;
        goto out;
    }
    fputs(rc ? "已删除本地会话 local session deleted\n" : "已注销 logged out\n", c->out);
out:
    json_decref(sess);
    od_cli_answer_cleanup(&a);
    return rc;
}

/* Reads a new password for a person: twice at a terminal, once otherwise. */
static int new_password(const od_cli_ctx *c, bool from_stdin, const char *label, char *pw, size_t n)
{
    char again[PASSWORD_MAX];
    if (from_stdin || !isatty(STDIN_FILENO)) {
        if (!read_line(pw, n))
            return no_password(c, "stdin 为空或过长 (stdin is empty or too long)");
        return OD_CLI_EXIT_OK;
    }
    if (!prompt_password(label, pw, n) || !prompt_password("再次输入 Repeat: ", again, sizeof again))
        return no_password(c, "未输入 (nothing entered)");
    bool same = strcmp(pw, again) == 0;
    wipe(again, sizeof again);
    if (!same) {
        fputs("用法错误 usage error: 两次输入不一致 (the passwords differ)\n", c->err);
        return OD_CLI_EXIT_USAGE;
    }
    return OD_CLI_EXIT_OK;
}

int od_cli_user_add(od_cli_ctx *c, const od_cli_inv *inv)
{
    char pw[PASSWORD_MAX] = "";
    const json_t *given = json_object_get(inv->local, "password");
    int rc;
    if (given && has_flag(inv, "password_stdin")) {
        fputs("用法错误 usage error: --password 与 --password-stdin 只能选一个 (use one of them)\n", c->err);
        return OD_CLI_EXIT_USAGE;
    }
    if (given) {
        int w = snprintf(pw, sizeof pw, "%s", json_string_value(given));
        if (w < 0 || (size_t)w >= sizeof pw)
            return no_password(c, "--password 过长 (too long)");
    } else if (!has_flag(inv, "password_stdin") && !isatty(STDIN_FILENO)) {
        return no_password(c, "用 --password-stdin 或 --password (use --password-stdin or --password)");
    } else if ((rc = new_password(c, has_flag(inv, "password_stdin"), "新用户密码 Password: ", pw,
                                  sizeof pw))) {
        return rc;
    }
    od_cli_inv with = *inv;
    with.params = json_deep_copy(inv->params);
    json_t *p = json_string(pw);
    wipe(pw, sizeof pw);
    if (!with.params || !p || json_object_set_new(with.params, "password", p) != 0) {
        json_decref(with.params); /* json_object_set_new took p even on failure */
        fputs("错误 error: 密码不是有效的 UTF-8 (password is not valid UTF-8)\n", c->err);
        return OD_CLI_EXIT_USAGE;
    }
    rc = od_cli_generic(c, &with);
    json_decref(with.params);
    return rc;
}

int od_cli_passwd(od_cli_ctx *c, const od_cli_inv *inv)
{
    char old_pw[PASSWORD_MAX] = "", new_pw[PASSWORD_MAX] = "";
    bool from_stdin = has_flag(inv, "password_stdin") || !isatty(STDIN_FILENO);
    od_cli_answer a = {0};
    int rc;
    if (from_stdin ? !read_line(old_pw, sizeof old_pw)
                   : !prompt_password("原密码 Old password: ", old_pw, sizeof old_pw))
        return no_password(c, "需要原密码 (the old password is needed: first line of stdin)");
    rc = new_password(c, from_stdin, "新密码 New password: ", new_pw, sizeof new_pw);
    if (rc) {
        wipe(old_pw, sizeof old_pw);
        return rc;
    }
    json_t *body = json_pack("{s:s, s:s}", "old_password", old_pw, "new_password", new_pw);
    wipe(old_pw, sizeof old_pw);
    wipe(new_pw, sizeof new_pw);
    if (!body) {
        fputs("错误 error: 密码不是有效的 UTF-8 (password is not valid UTF-8)\n", c->err);
        return OD_CLI_EXIT_USAGE;
    }
    rc = od_cli_call(c, "POST", inv->cmd->path, body, &a);
    if (!rc)
        fputs("密码已修改 password changed\n", c->out);
    json_decref(body);
    od_cli_answer_cleanup(&a);
    return rc;
}
