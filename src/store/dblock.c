/* dblock.c — the single-instance lock of a database (dblock.h). */
#include "store/dblock.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

struct od_db_lock {
    int fd;
};

/* The pid recorded by the holder, or 0. */
static long holder_pid(int fd)
{
    char buf[32];
    ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
    if (n <= 0)
        return 0;
    buf[n] = 0;
    char *end = NULL;
    long pid = strtol(buf, &end, 10);
    return end != buf && pid > 0 ? pid : 0;
}

od_err od_db_lock_take(const char *db_path, od_db_lock **out, od_error *e)
{
    *out = NULL;
    char path[PATH_MAX];
    int n = snprintf(path, sizeof path, "%s.lock", db_path);
    if (n < 0 || (size_t)n >= sizeof path)
        return od_error_set(e, OD_E_INVALID, "db", "路径过长 (path too long: %.64s...)", db_path);
    int fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0)
        return od_error_set(e, OD_E_IO, "db", "无法创建锁文件 %s (cannot create lock file %s: %s)", path,
                            path, strerror(errno));
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        int err = errno;
        long pid = holder_pid(fd);
        close(fd);
        if (err == EWOULDBLOCK) {
            char who[48] = "";
            if (pid)
                snprintf(who, sizeof who, " (pid %ld)", pid);
            return od_error_set(e, OD_E_CONFLICT, "db",
                                "数据库 %s 正被另一个 opsdesk 进程使用%s；一个数据库只能由一个服务使用，"
                                "恢复等操作须先停止服务 (database %s is in use by another opsdesk process%s; "
                                "one server per database, and restore needs the server stopped)",
                                db_path, who, db_path, who);
        }
        return od_error_set(e, OD_E_IO, "db", "无法锁定 %s (cannot lock %s: %s)", path, path, strerror(err));
    }
    od_db_lock *l = malloc(sizeof *l);
    if (!l) {
        close(fd);
        return od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    }
    l->fd = fd;
    /* the holder's pid, for the message of a refused second process */
    char pid[32];
    int len = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
    if (ftruncate(fd, 0) != 0 || pwrite(fd, pid, (size_t)len, 0) != len) {
        /* the lock holds without the pid; only the message loses it */
    }
    *out = l;
    return OD_OK;
}

od_err od_db_lock_holder(const char *db_path, long *pid, od_error *e)
{
    *pid = 0;
    char path[PATH_MAX];
    int n = snprintf(path, sizeof path, "%s.lock", db_path);
    if (n < 0 || (size_t)n >= sizeof path)
        return od_error_set(e, OD_E_INVALID, "db", "路径过长 (path too long: %.64s...)", db_path);
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return od_error_set(e, OD_E_NOT_FOUND, "db",
                            "没有服务在使用数据库 %s (no server runs on database %s)", db_path, db_path);
    /* a lock taken here means nobody held it: the pid in the file is stale */
    if (flock(fd, LOCK_SH | LOCK_NB) == 0) {
        close(fd);
        return od_error_set(e, OD_E_NOT_FOUND, "db",
                            "没有服务在使用数据库 %s (no server runs on database %s)", db_path, db_path);
    }
    *pid = holder_pid(fd);
    close(fd);
    if (!*pid)
        return od_error_set(e, OD_E_NOT_FOUND, "db",
                            "锁文件未记录进程号 %s (the lock file records no pid: %s)", path, path);
    return OD_OK;
}

void od_db_lock_release(od_db_lock *l)
{
    if (!l)
        return;
    close(l->fd); /* closing the only descriptor releases the flock */
    free(l);
}
