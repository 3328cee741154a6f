/* cli_session.c — the client's saved session: the server, the bearer token,
 * the user name and the expiry, in ${XDG_CONFIG_HOME:-~/.config}/opsdesk/
 * session.json.  Invariants: the directory is 0700 and the file 0600 from
 * the moment it exists (created with O_EXCL under a restrictive mode, then
 * renamed into place), and a file larger than OD_CLI_SESSION_MAX is not
 * read.  Single-threaded. */
#include "cli/cli_int.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef PATH_MAX
#define PATH_MAX 4096
#endif

/* Writes the directory that holds the session file into buf. */
static bool session_dir(char *buf, size_t n)
{
    const char *xdg = getenv("XDG_CONFIG_HOME");
    const char *home = getenv("HOME");
    int w;
    if (xdg && xdg[0] == '/')
        w = snprintf(buf, n, "%s/opsdesk", xdg);
    else if (home && home[0])
        w = snprintf(buf, n, "%s/.config/opsdesk", home);
    else
        return false;
    return w > 0 && (size_t)w < n;
}

bool od_cli_session_path(char *buf, size_t n)
{
    char dir[PATH_MAX];
    if (!session_dir(dir, sizeof dir))
        return false;
    int w = snprintf(buf, n, "%s/session.json", dir);
    return w > 0 && (size_t)w < n;
}

json_t *od_cli_session_load(void)
{
    char path[PATH_MAX];
    struct stat st;
    if (!od_cli_session_path(path, sizeof path))
        return NULL;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return NULL;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || (size_t)st.st_size > OD_CLI_SESSION_MAX) {
        close(fd);
        return NULL;
    }
    json_t *s = json_loadfd(fd, JSON_REJECT_DUPLICATES, NULL);
    close(fd);
    if (s && !json_is_object(s)) {
        json_decref(s);
        s = NULL;
    }
    return s;
}

/* mkdir -p for the parents of dir, then dir itself with mode 0700 (an
 * existing opsdesk directory is tightened to 0700). */
static od_err make_dir(char *dir, od_error *e)
{
    for (char *p = dir + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        int r = mkdir(dir, 0700);
        *p = '/';
        if (r != 0 && errno != EEXIST)
            return od_error_set(e, OD_E_IO, NULL, "无法创建目录 (cannot create directory) %s: %s", dir,
                                strerror(errno));
    }
    if (mkdir(dir, 0700) != 0 && errno != EEXIST)
        return od_error_set(e, OD_E_IO, NULL, "无法创建目录 (cannot create directory) %s: %s", dir,
                            strerror(errno));
    if (chmod(dir, 0700) != 0)
        return od_error_set(e, OD_E_IO, NULL, "无法设置目录权限 (cannot chmod) %s: %s", dir, strerror(errno));
    return OD_OK;
}

od_err od_cli_session_save(const json_t *session, od_error *e)
{
    char dir[PATH_MAX], path[PATH_MAX], tmp[PATH_MAX];
    od_err rc = OD_OK;
    int fd = -1;
    if (!session_dir(dir, sizeof dir) || !od_cli_session_path(path, sizeof path))
        return od_error_set(e, OD_E_IO, NULL,
                            "未设置 HOME 或 XDG_CONFIG_HOME (neither HOME nor XDG_CONFIG_HOME is set)");
    int w = snprintf(tmp, sizeof tmp, "%s.%ld.tmp", path, (long)getpid());
    if (w < 0 || (size_t)w >= sizeof tmp)
        return od_error_set(e, OD_E_IO, NULL, "路径过长 (path too long)");
    rc = make_dir(dir, e);
    if (rc)
        return rc;
    unlink(tmp);
    fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) {
        rc = od_error_set(e, OD_E_IO, NULL, "无法写入 (cannot write) %s: %s", tmp, strerror(errno));
        goto out;
    }
    if (fchmod(fd, 0600) != 0 || json_dumpfd(session, fd, JSON_INDENT(2)) != 0 || write(fd, "\n", 1) != 1 ||
        fsync(fd) != 0) {
        rc = od_error_set(e, OD_E_IO, NULL, "无法写入 (cannot write) %s: %s", tmp, strerror(errno));
        goto out;
    }
    if (close(fd) != 0) {
        fd = -1;
        rc = od_error_set(e, OD_E_IO, NULL, "无法写入 (cannot write) %s: %s", tmp, strerror(errno));
        goto out;
    }
    fd = -1;
    if (rename(tmp, path) != 0)
        rc = od_error_set(e, OD_E_IO, NULL, "无法保存 (cannot save) %s: %s", path, strerror(errno));
out:
    if (fd >= 0)
        close(fd);
    if (rc)
        unlink(tmp);
    return rc;
}

od_err od_cli_session_delete(od_error *e)
{
    char path[PATH_MAX];
    if (!od_cli_session_path(path, sizeof path))
        return OD_OK;
    if (unlink(path) != 0 && errno != ENOENT)
        return od_error_set(e, OD_E_IO, NULL, "无法删除 (cannot delete) %s: %s", path, strerror(errno));
    return OD_OK;
}
