/* main.c — the opsdesk binary: server (serve), administration (init,
 * policy check, audit verify, backup, restore) and, for every other command
 * word, the HTTP client in src/cli/.  Parses arguments and calls app/;
 * decides no rule. */
#include "app/app.h"
#include "app/audit.h"
#include "app/backups.h"
#include "app/cluster.h"
#include "app/demo.h"
#include "app/om_reports.h"
#include "ingest/demo_events.h"
#include "core/wf.h"
#include "policy/calendar_import.h"
#include "policy/config_file.h"
#include "policy/policy_load.h"
#include "cli/cli.h"
#include "http/http.h"
#include "notify/dispatcher.h" /* notification dispatcher */
#include "sched/sched.h"
#include "sched/wake.h"
#include "sched/node.h"         /* node heartbeat */
#include "sched/backup_sched.h" /* scheduled backups */
#include "sched/report_sched.h" /* scheduled O&M reports */
#include "util/embed.h"
#include "util/join.h"
#include "util/log.h"

#include "od_version.h" /* generated: VERSION and the git commit */

#include <errno.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <signal.h>
#include <stdatomic.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* --name VALUE lookup; flags (no value) via has_flag. */
static const char *opt(int argc, char **argv, const char *name)
{
    for (int i = 1; i < argc - 1; i++)
        if (strcmp(argv[i], name) == 0)
            return argv[i + 1];
    return NULL;
}

static bool has_flag(int argc, char **argv, const char *name)
{
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], name) == 0)
            return true;
    return false;
}

/* The options of init and serve, which are also the keys of the
 * configuration file (docs/configuration.md): --tls-cert FILE is
 * `tls_cert: FILE`.  An option not listed here is refused.  One a line. */
#define CONFIG_DEFAULT "/etc/opsdesk/opsdesk.yaml"
static const od_config_key server_keys[] = {
    {"db", OD_CONFIG_VALUE},
    {"listen", OD_CONFIG_VALUE},
    {"policy", OD_CONFIG_VALUE},
    {"channels", OD_CONFIG_VALUE},
    {"public-url", OD_CONFIG_VALUE},
    {"bot-allow", OD_CONFIG_VALUE},
    {"threads", OD_CONFIG_VALUE},
    {"tls-cert", OD_CONFIG_VALUE},
    {"tls-key", OD_CONFIG_VALUE},
    {"trusted-proxy", OD_CONFIG_LIST},
    {"max-conns-per-ip", OD_CONFIG_VALUE},
    {"request-timeout", OD_CONFIG_VALUE},
    {"metrics-public", OD_CONFIG_BOOL},
    {"log-level", OD_CONFIG_VALUE},
    {"log-format", OD_CONFIG_VALUE},
    {"audit-key-file", OD_CONFIG_VALUE},
    {"audit-anchor-log", OD_CONFIG_VALUE},
    {"audit-syslog", OD_CONFIG_BOOL},
    {"backup-dir", OD_CONFIG_VALUE},
    {"backup-key-file", OD_CONFIG_VALUE},
    {"backup-at", OD_CONFIG_VALUE},
    {"backup-keep", OD_CONFIG_VALUE},
    {"clock-step-tolerance", OD_CONFIG_VALUE},
    {"clock-step-confirm", OD_CONFIG_VALUE},
    {"test-clock", OD_CONFIG_BOOL},
    {"node-id", OD_CONFIG_VALUE},
    {"report-schedule", OD_CONFIG_BOOL},
    {"demo", OD_CONFIG_BOOL},
    {"refuse-config-mismatch", OD_CONFIG_BOOL},
};
#define N_SERVER_KEYS (sizeof server_keys / sizeof server_keys[0])

/* The arguments after the configuration file was read: the command line,
 * then `--key value` for each key of the file the command line does not
 * set (opt() takes the first match, so an option overrides the file). */
static struct {
    char **argv;
    char **owned; /* strings made here */
    size_t n_owned;
} merged;

static void merged_free(void)
{
    for (size_t i = 0; i < merged.n_owned; i++)
        free(merged.owned[i]);
    free(merged.owned);
    free(merged.argv);
    memset(&merged, 0, sizeof merged);
}

static const od_config_key *server_key(const char *arg)
{
    for (size_t i = 0; arg[0] == '-' && arg[1] == '-' && i < N_SERVER_KEYS; i++)
        if (strcmp(arg + 2, server_keys[i].name) == 0)
            return &server_keys[i];
    return NULL;
}

/* Checks the options of init or serve, reads the configuration file
 * (--config FILE, else CONFIG_DEFAULT if it exists) and merges it into
 * the arguments.  0, or the exit code after saying what is wrong. */
static int with_config(int *argc, char ***argv)
{
    const char *cfg_path = NULL;
    for (int i = 2; i < *argc; i++) {
        const char *a = (*argv)[i];
        const od_config_key *k = server_key(a);
        if (strcmp(a, "--config") != 0 && !k) {
            fprintf(stderr,
                    "错误 error: %s 不认识选项 %s (unknown option %s); 见 see opsdesk --help, "
                    "docs/configuration.md\n",
                    (*argv)[1], a, a);
            return 2;
        }
        if ((!k || k->kind != OD_CONFIG_BOOL) && ++i >= *argc) {
            fprintf(stderr, "错误 error: %s 缺少值 (%s needs a value)\n", a, a);
            return 2;
        }
        if (!k)
            cfg_path = (*argv)[i];
    }
    if (!cfg_path && access(CONFIG_DEFAULT, F_OK) != 0)
        return 0;
    const char *path = cfg_path ? cfg_path : CONFIG_DEFAULT;
    od_config *cfg = NULL;
    od_policy_diags *d = calloc(1, sizeof *d);
    od_err rc = d ? od_config_load_file(path, server_keys, N_SERVER_KEYS, &cfg, d) : OD_E_NOMEM;
    if (rc) {
        fprintf(stderr, "错误 error: 配置文件无效 (configuration file refused): %s\n", path);
        if (d)
            od_policy_diags_print(stderr, path, d);
        free(d);
        return rc == OD_E_IO ? 1 : 2;
    }
    free(d);
    merged.argv = calloc((size_t)*argc + 2 * cfg->n + 1, sizeof *merged.argv);
    merged.owned = calloc(2 * cfg->n + 1, sizeof *merged.owned);
    if (!merged.argv || !merged.owned) {
        od_config_free(cfg);
        fprintf(stderr, "错误 error: out of memory\n");
        return 1;
    }
    int n = *argc;
    memcpy(merged.argv, *argv, (size_t)n * sizeof *merged.argv);
    for (size_t i = 0; i < cfg->n; i++) {
        const od_config_key *k = &server_keys[cfg->items[i].key];
        char flag[64];
        snprintf(flag, sizeof flag, "--%s", k->name);
        if (has_flag(*argc, *argv, flag)) /* the command line wins (a list: all of it) */
            continue;
        merged.argv[n++] = merged.owned[merged.n_owned++] = strdup(flag);
        if (k->kind != OD_CONFIG_BOOL)
            merged.argv[n++] = merged.owned[merged.n_owned++] = strdup(cfg->items[i].value);
        if (!merged.argv[n - 1]) {
            od_config_free(cfg);
            fprintf(stderr, "错误 error: out of memory\n");
            return 1;
        }
    }
    od_config_free(cfg);
    *argc = n;
    *argv = merged.argv;
    return 0;
}

/* Every value of a repeatable option, comma-separated, into buf (""
 * when absent); false when they do not fit. */
static bool opt_join(int argc, char **argv, const char *name, char *buf, size_t n)
{
    od_join j = od_join_start(buf, n, ",");
    for (int i = 1; i < argc - 1; i++)
        if (strcmp(argv[i], name) == 0)
            od_join_add(&j, argv[i + 1]);
    return !j.cut;
}

/* --log-level and --log-format, before anything is logged. */
static int log_opts(int argc, char **argv)
{
    const char *lv = opt(argc, argv, "--log-level"), *fm = opt(argc, argv, "--log-format");
    od_log_level l = OD_LOG_INFO;
    od_log_format f = OD_LOG_TEXT;
    if ((lv && !od_log_parse_level(lv, &l)) || (fm && !od_log_parse_format(fm, &f))) {
        fprintf(stderr,
                "错误 error: --log-level 须为 debug|info|warn|error，--log-format 须为 text|logfmt|json "
                "(--log-level must be debug|info|warn|error, --log-format text|logfmt|json)\n");
        return 2;
    }
    od_log_set_level(l);
    od_log_set_format(f);
    return 0;
}

static void usage(FILE *f)
{
    fprintf(
        f,
        "opsdesk — 突发事件与应急响应平台 (incident and emergency-response desk)\n\n"
        "  opsdesk --version   (版本、提交与数据库结构版本 version, commit and schema)\n"
        "服务与管理 Server and administration:\n"
        "  opsdesk init --db PATH [--policy FILE] [--test-clock] [--audit-key-file FILE]\n"
        "               [--audit-anchor-log FILE] [--audit-syslog]\n"
        "               [--demo]   (装入演示数据，仅用于新数据库 load demo data into a new database)\n"
        "  opsdesk serve --db PATH --listen HOST:PORT [--policy FILE] [--channels FILE] [--test-clock]\n"
        "                [--public-url URL]   (base of acknowledgement links, e.g. "
        "https://opsdesk.example.com)\n"
        "                [--bot-allow CIDR,...] (internal ranges personal bots may reach; default none)\n"
        "                [--threads N] [--audit-key-file FILE] [--audit-anchor-log FILE] [--audit-syslog]\n"
        "                [--node-id ID]   (本节点标识，默认 主机名:端口 this node's id, default host:port)\n"
        "                [--refuse-config-mismatch]   (策略或渠道文件与集群不同时拒绝启动 refuse to start "
        "when the policy "
        "or channels file is not the cluster's)\n"
        "                [--tls-cert FILE --tls-key FILE]\n"
        "                [--max-conns-per-ip N] [--request-timeout SECONDS] [--metrics-public]\n"
        "                [--clock-step-tolerance SECONDS] [--clock-step-confirm SECONDS]   (default 60, "
        "600)\n"
        "                [--backup-dir DIR --backup-key-file FILE [--backup-at HH:MM[+08:00]] [--backup-keep "
        "N]]\n"
        "                [--report-schedule]   (weekly and monthly O&M reports, docs/service-levels.md)\n"
        "                [--trusted-proxy CIDR]... [--log-level debug|info|warn|error] [--log-format "
        "text|logfmt|json]\n"
        "                [--config FILE]   (默认 default " CONFIG_DEFAULT "; 键名同选项 keys as the options, "
        "docs/configuration.md)\n"
        "  opsdesk migrate --db PATH (--key-file FILE | --split-key) [--out FILE]   (先备份再迁移 backup, "
        "then migrate)\n"
        "  opsdesk policy check FILE\n"
        "  opsdesk calendar import FILE [--calendar KEY] [--policy FILE]   (显示导入节假日安排后的变化 show "
        "what "
        "a holiday list would change)\n"
        "  opsdesk policy reload (--db PATH | --pid-file FILE)   (运行中的服务重新加载其 --policy 文件 the "
        "running server reloads its --policy file)\n"
        "  opsdesk audit verify --db PATH [--audit-key-file FILE] [--anchor-log FILE]\n"
        "  opsdesk user unlock USER --db PATH   (解除登录锁定 lift a login lockout, on the server machine)\n"
        "  opsdesk user reset-password USER --db PATH   (新的随机密码，首次登录须修改 a new random password, "
        "changed at the next sign-in, on the server machine)\n"
        "    (both: [--audit-key-file FILE] [--audit-anchor-log FILE] [--audit-syslog], as the server's)\n"
        "  opsdesk backup --db PATH --out FILE (--split-key | --key-file FILE)\n"
        "  opsdesk backup-key new --key-file FILE\n"
        "  opsdesk restore --in FILE --db PATH (--key-file FILE | --share1 S --share2 S) [--force]\n"
        "  --db 也可以是 PostgreSQL 地址 (--db may be a PostgreSQL address): "
        "'postgresql://USER@HOST/DB' (口令 password: PGPASSFILE or OPSDESK_DB_PASSWORD; "
        "连接池 pool: OPSDESK_DB_POOL; docs/deploy/postgresql.md)\n\n");
    od_cli_usage(f);
}

/* The SHA-256 (hex) of the file at path; false when it cannot be read. */
static bool file_sha_hex(const char *path, char hex[65])
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return false;
    crypto_hash_sha256_state st;
    crypto_hash_sha256_init(&st);
    unsigned char buf[8192], sha[32];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        crypto_hash_sha256_update(&st, buf, n);
    bool ok = !ferror(f);
    fclose(f);
    crypto_hash_sha256_final(&st, sha);
    sodium_bin2hex(hex, 65, sha, sizeof sha);
    return ok;
}

/* The policy: a file, or the embedded seed default; sha_hex (may be NULL)
 * gets the SHA-256 of its bytes. */
static int load_policy(const char *path, od_policy **out, char **source, char *sha_hex)
{
    od_policy_diags d = {0};
    unsigned char sha[32] = {0};
    od_err rc;
    if (path) {
        rc = od_policy_load_file_sha(path, out, &d, sha);
        *source = strdup(path);
    } else {
        const struct od_embedded_file *f = od_embed_find(od_embedded_policy, "default.yaml");
        if (!f) {
            fprintf(stderr, "错误 error: embedded default policy missing\n");
            return 1;
        }
        crypto_hash_sha256(sha, f->data, f->len);
        rc = od_policy_load_buffer((const char *)f->data, f->len, out, &d);
        *source = strdup("embedded:policy/default.yaml");
    }
    if (sha_hex)
        od_policy_sha_hex(sha, sha_hex);
    if (rc) {
        od_policy_diags_print(stderr, path ? path : "policy/default.yaml", &d);
        free(*source);
        *source = NULL;
        return 1;
    }
    return 0;
}

/* The audit key file when --audit-key-file is not given: OPSDESK_AUDIT_KEY_FILE,
 * else beside a database file; a database server's address has none (told
 * on stderr, NULL). */
static const char *audit_key_default(const char *db, char *def, size_t n)
{
    const char *env = getenv("OPSDESK_AUDIT_KEY_FILE");
    if (env && *env)
        return env;
    const char *kf = od_audit_key_default_path(db, def, n);
    if (!kf && !od_app_db_is_file(db))
        fprintf(stderr, "错误 error: 使用 PostgreSQL 时须给出 --audit-key-file FILE，各节点用同一密钥 (with "
                        "PostgreSQL, --audit-key-file FILE (or OPSDESK_AUDIT_KEY_FILE) is required: the same "
                        "key on every "
                        "node)\n");
    else if (!kf)
        fprintf(stderr, "错误 error: --db path too long\n");
    return kf;
}

/* The single-instance lock of db and the audit key (--audit-key-file, by
 * default opsdesk-audit.key next to the database), for the commands that
 * write the database: one process at a time (docs/backup.md). */
static int take_db(int argc, char **argv, bool key, od_db_lock **lock, bool *key_new)
{
    const char *db = opt(argc, argv, "--db");
    od_error e = {0};
    if (!db) {
        fprintf(stderr, "错误 error: --db PATH is required\n");
        return 2;
    }
    if (od_app_db_lock(db, lock, &e) != OD_OK) {
        fprintf(stderr, "错误 error: %s\n", e.message);
        return 1;
    }
    char def[4096];
    const char *kf = opt(argc, argv, "--audit-key-file");
    if (key && !kf && !(kf = audit_key_default(db, def, sizeof def))) {
        od_app_db_unlock(*lock);
        *lock = NULL;
        return 1;
    }
    /* committed anchors also to an append-only file and/or syslog */
    const char *alog = opt(argc, argv, "--audit-anchor-log");
    if (key && (od_audit_key_load(kf, true, key_new, &e) != OD_OK ||
                od_audit_anchor_sink_open(alog, has_flag(argc, argv, "--audit-syslog"), &e) != OD_OK)) {
        fprintf(stderr, "错误 error: %s\n", e.message);
        od_app_db_unlock(*lock);
        *lock = NULL;
        return 1;
    }
    return 0;
}

/* A key made just now anchors a chain from before anchors (audit.h). */
static int adopt_chain(od_app *a)
{
    od_error e = {0};
    bool adopted = false;
    if (od_app_audit_adopt(a, &adopted, &e) != OD_OK) {
        fprintf(stderr, "错误 error: %s\n", e.message);
        return 1;
    }
    if (adopted)
        od_warn("审计密钥是新建的，已为现有审计链建立锚点 (new audit key: the existing audit chain is "
                "anchored as "
                "of now; earlier tampering cannot be detected)");
    return 0;
}

static int open_app(const char *db, od_app_db_mode mode, od_app_schema *schema, const char *policy_path,
                    bool manual_clock, od_app **out, char *sha_hex)
{
    od_error e = {0};
    od_policy *pol = NULL;
    char *src = NULL;
    if (!db) {
        fprintf(stderr, "错误 error: --db PATH is required\n");
        return 2;
    }
    if (load_policy(policy_path, &pol, &src, sha_hex))
        return 1;
    od_err rc = od_app_open_mode(db, mode, schema, pol, src, manual_clock, out, &e);
    free(src);
    if (rc) {
        fprintf(stderr, "错误 error: %s\n", e.message);
        od_policy_free(pol);
        return 1;
    }
    return 0;
}

/* A database file this very init created, removed again when its
 * administrators could not be made (OPSDESK_ADMIN_PASSWORD refused by the
 * password policy): left behind, it would be served with nobody able to sign
 * in.  The lock file and the audit key (shared by the directory) stay. */
static void remove_fresh_db(const char *db)
{
    static const char *const sfx[] = {"", "-wal", "-shm", "-journal"};
    char path[4200];
    for (size_t i = 0; i < sizeof sfx / sizeof sfx[0]; i++) {
        snprintf(path, sizeof path, "%s%s", db, sfx[i]);
        if (unlink(path) != 0 && errno != ENOENT)
            od_warn("未能删除 could not remove %s: %s", path, strerror(errno));
    }
}

static int cmd_init(int argc, char **argv)
{
    od_app *a = NULL;
    od_db_lock *lock = NULL;
    bool key_new = false;
    const char *db = opt(argc, argv, "--db");
    struct stat st;
    bool fresh = db && strncmp(db, "postgres://", 11) != 0 && strncmp(db, "postgresql://", 13) != 0 &&
                 stat(db, &st) != 0 && errno == ENOENT;
    int rc = take_db(argc, argv, true, &lock, &key_new);
    /* --test-clock: a test database (cheap hashes with OPSDESK_PWHASH_COST=min) */
    if (!rc)
        rc = open_app(opt(argc, argv, "--db"), OD_APP_DB_CREATE, NULL, opt(argc, argv, "--policy"),
                      has_flag(argc, argv, "--test-clock"), &a, NULL);
    if (!rc && key_new && adopt_chain(a)) {
        od_app_free(a);
        rc = 1;
    }
    if (rc) {
        od_app_db_unlock(lock);
        return rc;
    }
    od_error e = {0};
    char *pw[3] = {0};
    const char *fixed = getenv("OPSDESK_ADMIN_PASSWORD");
    if (od_app_init_admins(a, fixed && *fixed ? fixed : NULL, pw, &e) != OD_OK) {
        fprintf(stderr, "错误 error: %s\n", e.message);
        od_app_free(a);
        od_audit_anchor_sink_close();
        /* with an anchor log the log holds the chain's first anchor: the file stays, the operator decides */
        if (fresh && !opt(argc, argv, "--audit-anchor-log")) {
            remove_fresh_db(db);
            fprintf(stderr, "未创建数据库 no database created: %s\n", db);
        }
        od_app_db_unlock(lock);
        return 1;
    }
    printf("数据库已就绪 database ready: %s (schema %d, policy %s)\n", opt(argc, argv, "--db"),
           od_app_schema_version(a), a->policy_source);
    static const char *const names[3] = {"sysadmin", "secadmin", "auditor"};
    for (int i = 0; i < 3; i++)
        if (pw[i]) {
            printf("初始密码 initial password  %-9s %s\n", names[i], pw[i]);
            free(pw[i]);
        }
    if (fixed && *fixed && fresh)
        printf("管理员账号使用 OPSDESK_ADMIN_PASSWORD (admin accounts use OPSDESK_ADMIN_PASSWORD)\n");
    else if (fixed && *fixed) /* an existing database: its administrators keep their passwords */
        printf("OPSDESK_ADMIN_PASSWORD 只用于尚不存在的管理员账号，已有的账号不变 (OPSDESK_ADMIN_PASSWORD is "
               "used only "
               "for administrator accounts that did not exist yet; existing ones are unchanged)\n");
    if (has_flag(argc, argv, "--demo")) {
        /* a living desk for a newcomer; OPSDESK_DEMO_PASSWORD chooses the accounts' password */
        const char *dpw = getenv("OPSDESK_DEMO_PASSWORD");
        if (!dpw || !*dpw)
            dpw = "Demo-pass-1!";
        if (od_app_demo_seed(a, dpw, &e) != OD_OK || od_ingest_demo_events(a, od_app_now(a), &e) != OD_OK) {
            fprintf(stderr, "错误 error: %s\n", e.message);
            od_app_free(a);
            od_app_db_unlock(lock);
            return 1;
        }
        printf(
            "演示数据已装入 demo data loaded: 9 位人员 people (wangjg 监控, zhangw 运维, zhaoq 科长, qianm "
            "运行部, sunlx 中心领导, zhouht 领导小组 …), 14 个配置项 CIs, 7 起事件 incidents, "
            "一天的监控告警 a day of monitoring events\n"
            "演示账号口令 demo password: %s\n",
            dpw);
    }
    od_app_free(a);
    od_audit_anchor_sink_close();
    od_app_db_unlock(lock);
    return 0;
}

/* The threads app's commits wake (od_app.on_commit); stored once each is
 * running, read by whichever thread commits. */
static _Atomic(od_sched *) wake_sched;
static _Atomic(od_dispatcher *) wake_disp;

static void on_commit(void *arg, unsigned what)
{
    (void)arg;
    if (what & OD_COMMIT_DEADLINES)
        od_sched_wake(atomic_load(&wake_sched));
    if (what & OD_COMMIT_OUTBOX)
        od_dispatcher_wake(atomic_load(&wake_disp));
}

/* A whole number of seconds > 0 for a clock flag, as ms in *out (0 when absent). */
static bool clock_flag(int argc, char **argv, const char *name, int64_t *out)
{
    const char *v = opt(argc, argv, name);
    char *end = NULL;
    long long n = v ? strtoll(v, &end, 10) : 0;
    *out = 0;
    if (!v)
        return true;
    if (end == v || *end || n < 1 || n > 7 * 86400) {
        fprintf(stderr, "错误 error: %s 须为 1..604800 秒 (%s must be 1..604800 seconds)\n", name, name);
        return false;
    }
    *out = (int64_t)n * 1000;
    return true;
}

/* SIGHUP: the file the server was started with, validated, then put in
 * force whole; a bad file is refused and the old policy stays
 * (docs/policy.md "Reload"). */
static void reload_policy(od_app *a, const char *path)
{
    od_policy *p = NULL;
    char *src = NULL, sha[65];
    od_error e = {0};
    if (!path) {
        od_warn("未以 --policy 启动，没有可重新加载的策略文件 (started without --policy: no policy file to "
                "reload)");
        return;
    }
    if (load_policy(path, &p, &src, sha)) {
        od_warn("策略文件 %s 无效，已拒绝，原策略继续有效 (policy file %s refused; the old policy stays)",
                path, path);
        return;
    }
    free(src);
    if (od_app_policy_replace(a, p, sha, &e) != OD_OK) {
        od_policy_free(p);
        od_warn("策略未能重新加载，原策略继续有效 (policy not reloaded; the old policy stays): %s",
                e.message);
        return;
    }
    od_info("策略已重新加载 policy reloaded: %s (sha256 %s)", path, sha);
}

/* SIGHUP: the --channels file again, validated whole, then put in force
 * between two dispatcher passes; a bad file is refused and the old
 * channels stay.  *chs / *n_chs are the set in force (the caller frees it
 * at stop). */
static void reload_channels(od_dispatcher *d, const char *path, od_channel ***chs, size_t *n_chs)
{
    od_channel **nchs = NULL, **old = NULL;
    size_t n = 0, old_n = 0;
    od_error e = {0};
    if (!path)
        return;
    if (od_channels_load_file(path, &nchs, &n, &e) != OD_OK) {
        od_warn(
            "渠道文件 %s 无效，已拒绝，原渠道继续有效 (channels file %s refused; the old channels stay): %s",
            path, path, e.message);
        return;
    }
    if (od_dispatcher_replace_channels(d, nchs, n, &old, &old_n, &e) != OD_OK) {
        od_channels_free(nchs, n);
        od_warn("渠道未能重新加载，原渠道继续有效 (channels not reloaded; the old channels stay): %s",
                e.message);
        return;
    }
    od_channels_free(old, old_n);
    *chs = nchs;
    *n_chs = n;
    od_info("渠道已重新加载 channels reloaded: %s (%zu)", path, n);
}

/* SIGHUP: --tls-cert and --tls-key again (a renewed certificate); a bad
 * pair is refused and the old one stays. */
static void reload_tls(od_server *srv)
{
    od_error e = {0};
    if (!od_server_tls(srv))
        return;
    if (od_server_reload_tls(srv, &e) != OD_OK)
        od_warn("TLS 证书未能重新加载，原证书继续有效 (TLS certificate not reloaded; the old one stays): %s",
                e.message);
    else
        od_info("TLS 证书已重新加载 (TLS certificate reloaded)");
}

static int serve(int argc, char **argv, bool key_new)
{
    bool test_clock = has_flag(argc, argv, "--test-clock");
    od_app *a = NULL;
    /* block the stop signals and SIGHUP (reload the policy file) before any
     * thread starts, the app's own included: only the main thread takes them,
     * in sigwait, also while it is busy reloading */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    int left = od_app_backup_leftovers_remove(opt(argc, argv, "--db"));
    if (left > 0)
        od_warn(
            "已删除 %d 个中断的备份或恢复留下的临时文件 (removed %d leftover files of interrupted backups or "
            "restores)",
            left, left);
    char sha[65];
    bool changed = false;
    od_app_schema schema;
    int rc = open_app(opt(argc, argv, "--db"), OD_APP_DB_UPGRADE, &schema, opt(argc, argv, "--policy"),
                      test_clock, &a, sha);
    if (!rc && schema.pending > 0)
        od_info("数据库结构已从版本 %d 迁移到 %d (database schema migrated from %d to %d)", schema.found,
                schema.newest, schema.found, schema.newest);
    if (!rc && key_new && adopt_chain(a)) {
        od_app_free(a);
        rc = 1;
    }
    if (rc)
        return rc;
    od_error e = {0};
    if (od_app_policy_record(a, sha, "start", &changed, &e) != OD_OK) { /* who loaded which policy */
        fprintf(stderr, "错误 error: %s\n", e.message);
        od_app_free(a);
        return 1;
    }
    if (test_clock) /* a restart never moves the test clock back; several nodes share one */
        od_app_join_test_clock(a);
    /* how far a step of the machine's clock is believed at once, and how long a
     * larger forward step must last before it is (docs/internals/architecture.md "Time") */
    int64_t step_tol = 0, step_confirm = 0;
    if (!clock_flag(argc, argv, "--clock-step-tolerance", &step_tol) ||
        !clock_flag(argc, argv, "--clock-step-confirm", &step_confirm)) {
        od_app_free(a);
        return 2;
    }
    od_clock_set_step_limits(&a->clock, step_tol, step_confirm);
    /* /healthz tells the truth from the first request: a corrupted page is
     * found now, not when a write fails */
    od_app_check_store(a);
    /* this node among several (docs/deploy/cluster.md): its id, first
     * heartbeat and clock offset, before anything claims work */
    char node_id[OD_NODE_ID_MAX];
    const char *listen = opt(argc, argv, "--listen") ? opt(argc, argv, "--listen") : "127.0.0.1:8080";
    if (opt(argc, argv, "--node-id"))
        snprintf(node_id, sizeof node_id, "%s", opt(argc, argv, "--node-id"));
    else {
        char host[64] = "localhost";
        const char *port = strrchr(listen, ':');
        if (gethostname(host, sizeof host) != 0)
            snprintf(host, sizeof host, "localhost");
        host[sizeof host - 1] = '\0';
        snprintf(node_id, sizeof node_id, "%s:%s", host, port ? port + 1 : listen);
    }
    od_node_runner *beat = NULL;
    char ch_sha[65] = ""; /* the channels file's hash, compared with the other nodes' */
    if (opt(argc, argv, "--channels") && !file_sha_hex(opt(argc, argv, "--channels"), ch_sha)) {
        fprintf(stderr, "错误 error: 无法读取渠道文件 (cannot read the channels file) %s\n",
                opt(argc, argv, "--channels"));
        od_app_free(a);
        return 1;
    }
    if (od_app_node_start(a, node_id, sha, ch_sha, &e) != OD_OK) {
        fprintf(stderr, "错误 error: %s%s%s\n", e.field[0] ? e.field : "", e.field[0] ? ": " : "", e.message);
        od_app_free(a);
        return 1;
    }
    /* --refuse-config-mismatch: a policy or channels file that is not the
     * cluster's stops the start instead of leaving the node not ready */
    od_app_readiness rd;
    od_app_ready(a, &rd);
    if (has_flag(argc, argv, "--refuse-config-mismatch") &&
        (rd.why & (OD_NODE_POLICY_DIFFERS | OD_NODE_CHANNELS_DIFFER))) {
        fprintf(stderr,
                "错误 error: 本节点的配置文件与集群不同，拒绝启动 (this node's configuration differs from "
                "the cluster's: refusing to start): %s\n",
                rd.reason);
        od_app_node_forget(a);
        od_app_free(a);
        return 1;
    }
    if (od_node_runner_start(a, &beat, &e) != OD_OK) {
        fprintf(stderr, "错误 error: %s%s%s\n", e.field[0] ? e.field : "", e.field[0] ? ": " : "", e.message);
        od_app_free(a);
        return 1;
    }
    /* commits wake the scheduler and the dispatcher through the app's hook;
     * set before any thread starts */
    a->on_commit = on_commit;
    a->on_commit_arg = NULL;
    signal(SIGPIPE, SIG_IGN);
    const char *threads = opt(argc, argv, "--threads");
    od_server_opts o = {.listen =
                            opt(argc, argv, "--listen") ? opt(argc, argv, "--listen") : "127.0.0.1:8080",
                        .test_clock = test_clock,
                        .threads = threads ? (unsigned)strtoul(threads, NULL, 10) : 0,
                        .tls_cert = opt(argc, argv, "--tls-cert"),
                        .tls_key = opt(argc, argv, "--tls-key")};
    /* the HTTP edge (README "Operations"): connections per address, the
     * request deadline, and who may read /metrics */
    const char *per_ip = opt(argc, argv, "--max-conns-per-ip"),
               *req_to = opt(argc, argv, "--request-timeout");
    o.per_ip_limit = per_ip ? (unsigned)strtoul(per_ip, NULL, 10) : 0;
    o.request_timeout = req_to ? (unsigned)strtoul(req_to, NULL, 10) : 0;
    o.metrics_token = getenv("OPSDESK_METRICS_TOKEN");
    o.metrics_public = has_flag(argc, argv, "--metrics-public");
    od_metrics_set_build(OD_VERSION, OD_GIT_COMMIT);
    char proxies[4096];
    if (!opt_join(argc, argv, "--trusted-proxy", proxies, sizeof proxies)) {
        fprintf(stderr, "错误 error: --trusted-proxy 太多 (too many --trusted-proxy ranges)\n");
        od_app_free(a);
        return 2;
    }
    o.trusted_proxies = proxies;
    /* scheduled daily backups (R-SEC-SYS-4): --backup-dir DIR --backup-key-file F */
    od_backup_sched *bsched = NULL;
    if (opt(argc, argv, "--backup-dir") && !od_app_db_is_file(opt(argc, argv, "--db"))) {
        fprintf(stderr, "错误 error: --backup-dir 只适用于 SQLite 数据库文件，PostgreSQL 请用 pg_dump 或 "
                        "pgBackRest (--backup-dir backs up a SQLite database file: back up PostgreSQL with "
                        "pg_dump or pgBackRest, docs/deploy/postgresql.md)\n");
        od_app_free(a);
        return 1;
    }
    if (opt(argc, argv, "--backup-dir")) {
        const char *keep = opt(argc, argv, "--backup-keep");
        char *kend = NULL;
        long kv = keep ? strtol(keep, &kend, 10) : 0;
        od_backup_sched_opts bo = {.dir = opt(argc, argv, "--backup-dir"),
                                   .key_file = opt(argc, argv, "--backup-key-file"),
                                   .at = opt(argc, argv, "--backup-at"),
                                   .keep = keep ? ((*kend || kv < 1 || kv > 100000) ? -1 : (int)kv) : 0};
        if (od_backup_sched_start(a, &bo, &bsched, &e) != OD_OK) {
            fprintf(stderr, "错误 error: %s%s%s\n", e.field[0] ? e.field : "", e.field[0] ? ": " : "",
                    e.message);
            od_node_runner_stop(beat);
            od_app_free(a);
            return 1;
        }
        a->backup_sched = bsched;
    }
    /* scheduled weekly and monthly O&M reports (docs/service-levels.md) */
    od_report_sched *rsched = NULL;
    if (has_flag(argc, argv, "--report-schedule")) {
        if (od_report_sched_start(a, &rsched, &e) != OD_OK) {
            fprintf(stderr, "错误 error: %s\n", e.message);
            a->backup_sched = NULL;
            od_backup_sched_stop(bsched);
            od_node_runner_stop(beat);
            od_app_free(a);
            return 1;
        }
        a->report_sched = rsched;
    }
    od_server *srv = NULL;
    /* notification dispatcher: --channels FILE, see docs/notify.md */
    od_channel **chs = NULL;
    size_t n_chs = 0;
    od_dispatcher *disp = NULL;
    const char *chfile = opt(argc, argv, "--channels");
    /* acknowledgement links (R-NOT-4): --public-url, else this server's own address */
    char own_url[300];
    snprintf(own_url, sizeof own_url, "%s://%s", o.tls_cert ? "https" : "http", o.listen);
    od_dispatcher_opts dopts = {
        .public_url = opt(argc, argv, "--public-url") ? opt(argc, argv, "--public-url") : own_url};
    /* O&M report messages: absolute links only with --public-url (else relative, docs/configuration.md) */
    od_report_set_links_base(opt(argc, argv, "--public-url"));
    dopts.bot_allow =
        opt(argc, argv, "--bot-allow"); /* personal bots: allowed internal ranges (docs/notify.md) */
    bool ok = !(chfile && od_channels_load_file(chfile, &chs, &n_chs, &e) != OD_OK) &&
              od_app_dispatcher_start(a, chs, n_chs, &dopts, &disp, &e) == OD_OK;
    if (ok) {
        atomic_store(&wake_disp, disp);
        ok = od_sched_start(a, &a->sched, &e) == OD_OK;
    }
    if (ok) {
        atomic_store(&wake_sched, a->sched);
        ok = od_server_start(a, &o, &srv, &e) == OD_OK;
    }
    if (!ok) {
        fprintf(stderr, "错误 error: %s%s%s\n", e.field[0] ? e.field : "", e.field[0] ? ": " : "", e.message);
        a->backup_sched = NULL;
        a->report_sched = NULL;
        atomic_store(&wake_sched, NULL);
        atomic_store(&wake_disp, NULL);
        od_backup_sched_stop(bsched); /* scheduled backups */
        od_report_sched_stop(rsched); /* scheduled O&M reports */
        od_sched_stop(a->sched);
        od_dispatcher_stop(disp);
        od_channels_free(chs, n_chs);
        od_node_runner_stop(beat);
        od_app_free(a);
        return 1;
    }
    a->dispatcher = disp;
    /* several nodes: another node's commit wakes this node's scheduler and
     * dispatcher (LISTEN/NOTIFY; polling is the fallback) */
    od_wake_runner *waker = NULL;
    if (od_wake_runner_start(a, &waker, &e) != OD_OK)
        od_warn("节点唤醒监听未启动，仅轮询 (wake-up listener not started, polling only): %s", e.message);
    /* the address as bound: HOST:0 names the port the kernel chose */
    char bound[300];
    const char *colon = strrchr(o.listen, ':');
    snprintf(bound, sizeof bound, "%.*s:%u", (int)(colon ? colon - o.listen : (ptrdiff_t)strlen(o.listen)),
             o.listen, od_server_port(srv));
    od_info("opsdesk serving on %s://%s (db %s, policy %s%s, node %s)", o.tls_cert ? "https" : "http", bound,
            od_app_store_path(a), a->policy_source, test_clock ? ", TEST CLOCK" : "", node_id);
    int sig = 0;
    while (sigwait(&set, &sig) == 0 && sig == SIGHUP) {
        reload_policy(a, opt(argc, argv, "--policy"));
        reload_channels(disp, chfile, &chs, &n_chs);
        if (chfile &&
            file_sha_hex(chfile, ch_sha)) /* compared with the other nodes' from the next heartbeat */
            od_app_node_set_channels(a, ch_sha);
        reload_tls(srv);
    }
    od_info("signal %d: stopping (finishing in-flight requests)", sig);
    od_server_stop(srv);
    od_wake_runner_stop(waker);
    atomic_store(&wake_sched, NULL);
    atomic_store(&wake_disp, NULL);
    a->backup_sched = NULL;
    od_backup_sched_stop(bsched); /* scheduled backups */
    a->report_sched = NULL;
    od_report_sched_stop(rsched); /* scheduled O&M reports */
    od_sched_stop(a->sched);
    a->sched = NULL;
    a->dispatcher = NULL;
    od_dispatcher_stop(disp); /* notification dispatcher */
    od_channels_free(chs, n_chs);
    od_node_runner_stop(beat);
    od_app_free(a);
    od_info("stopped cleanly");
    return 0;
}

/* The lock is held until the server has stopped: a second server or a
 * restore is refused meanwhile. */
/* A long-running server's heap: blocks of 256 KiB or more (an answer of
 * megabytes, a CI impact of 10 000 dependents) are mapped and unmapped on
 * their own instead of staying in a thread's arena once freed (glibc raises
 * this threshold as such blocks are freed, which kept tens of megabytes of
 * freed answers resident); freed memory at the top of a heap beyond 1 MiB
 * goes back to the system. */
static void serve_heap(void)
{
#ifdef __GLIBC__
    mallopt(M_MMAP_THRESHOLD, 256 * 1024);
    mallopt(M_TRIM_THRESHOLD, 1024 * 1024);
#endif
}

static int cmd_serve(int argc, char **argv)
{
    serve_heap();
    od_db_lock *lock = NULL;
    bool key_new = false;
    od_error e = {0};
    const char *db = opt(argc, argv, "--db");
    if (db && od_app_db_must_exist(db, &e) != OD_OK) { /* before the lock and key files are made */
        fprintf(stderr, "错误 error: %s\n", e.message);
        return 1;
    }
    int rc = take_db(argc, argv, true, &lock, &key_new);
    if (!rc)
        rc = serve(argc, argv, key_new);
    od_audit_anchor_sink_close();
    od_app_db_unlock(lock);
    return rc;
}

static int cmd_policy_check(int argc, char **argv)
{
    if (argc < 4) { /* opsdesk policy check FILE */
        fprintf(stderr, "用法 usage: opsdesk policy check FILE\n");
        return 2;
    }
    od_policy *p = NULL;
    char *src = NULL;
    if (load_policy(argv[3], &p, &src, NULL))
        return 1;
    printf("%s: 策略有效 policy OK (%zu categories)\n", argv[3], p->n_categories);
    od_clock clk;
    od_clock_init_system(&clk);
    od_policy_kernel_print(stdout, p, od_clock_now(&clk));
    od_policy_reports_print(stdout, p);
    od_policy_free(p);
    free(src);
    return 0;
}

/* opsdesk calendar import FILE [--calendar KEY] [--policy FILE]: parses a
 * yearly holiday / 调休 list and prints what it would change in the
 * policy's calendar (default `business`).  It writes nothing: put the days
 * into the policy file's calendar (or, once stored lists exist, import
 * them there). */
static int cmd_calendar_import(int argc, char **argv)
{
    if (argc < 4 || argv[3][0] == '-') {
        fprintf(stderr, "用法 usage: opsdesk calendar import FILE [--calendar KEY] [--policy FILE]\n");
        return 2;
    }
    const char *key = opt(argc, argv, "--calendar");
    key = key ? key : "business";
    od_policy *p = NULL;
    char *src = NULL;
    if (load_policy(opt(argc, argv, "--policy"), &p, &src, NULL))
        return 1;
    free(src);
    int rc = 1;
    const od_calendar *cur = od_kernel_calendar(p->kernel, key);
    od_calendar *imp = malloc(sizeof *imp);
    od_policy_diags *d = malloc(sizeof *d);
    char *buf = malloc(OD_CAL_IMPORT_MAX + 1);
    FILE *f = NULL;
    if (!imp || !d || !buf) {
        fprintf(stderr, "错误 error: out of memory\n");
        goto out;
    }
    if (!cur || cur->always) {
        fprintf(stderr, "错误 error: 策略中没有工作日历 %s (the policy has no business calendar %s)\n", key,
                key);
        goto out;
    }
    f = fopen(argv[3], "rb");
    if (!f) {
        fprintf(stderr, "错误 error: %s: %s\n", argv[3], strerror(errno));
        goto out;
    }
    size_t len = fread(buf, 1, OD_CAL_IMPORT_MAX + 1, f);
    if (od_calendar_import_buffer(buf, len, imp, d) != OD_OK) {
        od_policy_diags_print(stderr, argv[3], d);
        goto out;
    }
    size_t n = od_calendar_import_diff(stdout, cur, imp);
    printf("%s: %zu 天 days, %zu 处变化 changes to calendar %s (未写入 nothing written)\n", argv[3],
           imp->n_days, n, key);
    rc = 0;
out:
    if (f)
        fclose(f);
    free(buf);
    free(d);
    free(imp);
    od_policy_free(p);
    return rc;
}

/* opsdesk policy reload (--db PATH | --pid-file FILE): SIGHUP to the server
 * holding the database (its lock file records its pid) or named by a pid
 * file; the server logs and audits the outcome. */
static int cmd_policy_reload(int argc, char **argv)
{
    const char *db = opt(argc, argv, "--db"), *pf = opt(argc, argv, "--pid-file");
    od_error e = {0};
    long pid = 0;
    if (!db == !pf) {
        fprintf(stderr, "用法 usage: opsdesk policy reload (--db PATH | --pid-file FILE)\n");
        return 2;
    }
    if (db && od_app_db_holder(db, &pid, &e) != OD_OK) {
        fprintf(stderr, "错误 error: %s\n", e.message);
        return 1;
    }
    FILE *f = pf ? fopen(pf, "r") : NULL;
    if (pf && (!f || fscanf(f, "%ld", &pid) != 1 || pid <= 0)) {
        fprintf(stderr, "错误 error: 无法从 %s 读取进程号 (cannot read a pid from %s)\n", pf, pf);
        if (f)
            fclose(f);
        return 1;
    }
    if (f)
        fclose(f);
    if (kill((pid_t)pid, SIGHUP) != 0) {
        fprintf(stderr, "错误 error: 无法通知进程 %ld (cannot signal pid %ld): %s\n", pid, pid,
                strerror(errno));
        return 1;
    }
    printf("已通知服务 (pid %ld) 重新加载策略；结果见服务日志与审计记录 (asked server pid %ld to reload its "
           "policy; the outcome is in its log and the audit trail)\n",
           pid, pid);
    return 0;
}

static int cmd_audit_verify(int argc, char **argv)
{
    const char *db = opt(argc, argv, "--db");
    if (!db) {
        fprintf(stderr,
                "用法 usage: opsdesk audit verify --db PATH [--audit-key-file FILE] [--anchor-log FILE]\n");
        return 2;
    }
    od_error e = {0};
    char def[4096];
    const char *kf = opt(argc, argv, "--audit-key-file");
    if (!kf && !(kf = audit_key_default(db, def, sizeof def)))
        return 1;
    if (od_audit_key_load(kf, false, NULL, &e) != OD_OK ||
        od_audit_anchor_log_check(opt(argc, argv, "--anchor-log"), &e) != OD_OK) {
        fprintf(stderr, "错误 error: %s\n", e.message);
        return 1;
    }
    od_audit_report rep;
    od_err rc = od_app_audit_verify_db(db, &rep, &e);
    od_audit_key_forget(); /* and the loaded anchor log */
    if (rc) {
        fprintf(stderr, "错误 error: %s\n", e.message);
        return 1;
    }
    if (rep.first_bad_id) {
        printf("审计链被破坏 audit chain BROKEN at entry %lld: %s\n", (long long)rep.first_bad_id,
               rep.reason);
        return 1;
    }
    printf("审计链完整 audit chain OK: %lld entries\n", (long long)rep.rows);
    if (rep.time_back_n)
        printf("警告 warning: %lld 个条目的时间早于前一条目，首个为条目 %lld，最多早 %lld "
               "秒：写入时机器时钟曾向后跳 "
               "(%lld entries are dated before the entry before them, first entry %lld, by up to %lld s: the "
               "machine's clock went back while they were written)\n",
               (long long)rep.time_back_n, (long long)rep.time_back_first_id,
               (long long)(rep.time_back_max_ms / 1000), (long long)rep.time_back_n,
               (long long)rep.time_back_first_id, (long long)(rep.time_back_max_ms / 1000));
    return 0;
}

static int cmd_backup(int argc, char **argv)
{
    const char *db = opt(argc, argv, "--db"), *out = opt(argc, argv, "--out"),
               *kf = opt(argc, argv, "--key-file");
    bool split = has_flag(argc, argv, "--split-key");
    if (!db || !out || (!kf && !split)) {
        fprintf(stderr, "用法 usage: opsdesk backup --db PATH --out FILE (--split-key | --key-file FILE)\n");
        return 2;
    }
    od_error e = {0};
    char s1[OD_APP_BACKUP_SHARE_MAX] = "", s2[OD_APP_BACKUP_SHARE_MAX] = "";
    od_err rc = od_app_backup_write(db, out, kf, split, s1, s2, &e);
    if (!rc && split) {
        printf("备份已写入 backup written: %s\n"
               "密钥分片，分别交给两位保管人；任一分片单独无法解密 (key shares for two custodians; "
               "neither alone "
               "decrypts):\n  分片1 share 1: %s\n  分片2 share 2: %s\n",
               out, s1, s2);
    } else if (!rc) {
        printf("备份已写入 backup written: %s (key %s)\n", out, kf);
    }
    sodium_memzero(s1, sizeof s1);
    sodium_memzero(s2, sizeof s2);
    if (rc) {
        fprintf(stderr, "错误 error: %s\n", e.message[0] ? e.message : od_err_str(rc));
        return 1;
    }
    return 0;
}

/* opsdesk backup-key new --key-file F: the key of scheduled
 * backups, written 0600 (never over an existing file), and its two shares
 * printed once for the custodians (docs/backup.md). */
static int cmd_backup_key(int argc, char **argv)
{
    const char *kf = opt(argc, argv, "--key-file");
    if (argc < 3 || strcmp(argv[2], "new") != 0 || !kf) {
        fprintf(stderr, "用法 usage: opsdesk backup-key new --key-file FILE\n");
        return 2;
    }
    od_error e = {0};
    char s1[OD_APP_BACKUP_SHARE_MAX], s2[OD_APP_BACKUP_SHARE_MAX];
    od_err rc = od_app_backup_key_new(kf, s1, s2, &e);
    if (rc) {
        fprintf(stderr, "错误 error: %s\n", e.message[0] ? e.message : od_err_str(rc));
        return 1;
    }
    printf("备份密钥已写入 backup key written: %s (0600)\n"
           "密钥分片，分别交给两位保管人；任一分片单独无法解密 (key shares for two custodians; neither alone "
           "decrypts):\n  分片1 share 1: %s\n  分片2 share 2: %s\n",
           kf, s1, s2);
    sodium_memzero(s1, sizeof s1);
    sodium_memzero(s2, sizeof s2);
    return 0;
}

static int cmd_restore(int argc, char **argv)
{
    const char *in = opt(argc, argv, "--in"), *db = opt(argc, argv, "--db"),
               *kf = opt(argc, argv, "--key-file");
    const char *s1 = opt(argc, argv, "--share1"), *s2 = opt(argc, argv, "--share2");
    if (!in || !db || (!kf && !(s1 && s2))) {
        fprintf(stderr,
                "用法 usage: opsdesk restore --in FILE --db PATH (--key-file FILE | --share1 S --share2 S) "
                "[--force]\n");
        return 2;
    }
    od_error e = {0};
    od_err rc = od_app_restore(in, db, kf, s1, s2, has_flag(argc, argv, "--force"), &e);
    if (rc) {
        fprintf(stderr, "错误 error: %s\n", e.message[0] ? e.message : od_err_str(rc));
        return 1;
    }
    printf("已恢复 restored: %s → %s\n", in, db);
    return 0;
}

/* opsdesk migrate --db PATH (--key-file FILE | --split-key) [--out FILE]:
 * applies the pending migrations of a stopped server's database after an
 * encrypted backup of it (docs/upgrade.md); nothing when it is current. */
static int cmd_migrate(int argc, char **argv)
{
    const char *db = opt(argc, argv, "--db"), *kf = opt(argc, argv, "--key-file"),
               *out = opt(argc, argv, "--out");
    bool split = has_flag(argc, argv, "--split-key");
    if (!db || (!kf == !split)) {
        fprintf(stderr,
                "用法 usage: opsdesk migrate --db PATH (--key-file FILE | --split-key) [--out FILE]\n");
        return 2;
    }
    od_db_lock *lock = NULL;
    int rc = take_db(argc, argv, false, &lock, NULL);
    if (rc)
        return rc;
    od_app *a = NULL;
    od_app_schema sc;
    od_error e = {0};
    od_policy *pol = od_policy_new_default();
    if (pol && od_app_open_mode(db, OD_APP_DB_CURRENT, &sc, pol, "embedded", false, &a, &e) == OD_OK) {
        printf("数据库已是最新结构版本 %d，无需迁移 (database is at schema %d: nothing to migrate)\n",
               sc.found, sc.found);
        od_app_free(a);
        od_app_db_unlock(lock);
        return 0;
    }
    if (!pol || sc.found <= 0 || sc.pending == 0) {
        fprintf(stderr, "错误 error: %s\n", pol ? e.message : "out of memory");
        od_policy_free(pol);
        od_app_db_unlock(lock);
        return 1;
    }
    char def[4200], s1[OD_APP_BACKUP_SHARE_MAX] = "", s2[OD_APP_BACKUP_SHARE_MAX] = "";
    snprintf(def, sizeof def, "%s.schema-%d.odbk", db, sc.found);
    out = out ? out : def;
    e = (od_error){0};
    rc = od_app_backup_write(db, out, kf, split, s1, s2, &e) != OD_OK;
    if (!rc) {
        printf("迁移前备份已写入 backup before migrating written: %s\n", out);
        if (split)
            printf("  分片1 share 1: %s\n  分片2 share 2: %s\n", s1, s2);
        rc = od_app_open_mode(db, OD_APP_DB_UPGRADE, &sc, pol, "embedded", false, &a, &e) != OD_OK;
    }
    sodium_memzero(s1, sizeof s1);
    sodium_memzero(s2, sizeof s2);
    if (rc) {
        fprintf(stderr, "错误 error: %s\n", e.message[0] ? e.message : "?");
        od_policy_free(pol);
    } else {
        printf("数据库结构已从版本 %d 迁移到 %d (database schema migrated from %d to %d)\n", sc.found,
               sc.newest, sc.found, sc.newest);
        od_app_free(a);
    }
    od_app_db_unlock(lock);
    return rc;
}

/* The audit key (and anchor sinks) of a command that writes an audit entry
 * next to a running server without taking the database (user unlock,
 * user reset-password): without it the entry would be appended outside the
 * anchor, and `audit verify` would report the chain broken. */
static int audit_key_for_write(int argc, char **argv, const char *db)
{
    char def[4096];
    od_error e = {0};
    const char *kf = opt(argc, argv, "--audit-key-file");
    if (!kf && !(kf = audit_key_default(db, def, sizeof def)))
        return 1;
    if (od_audit_key_load(kf, false, NULL, &e) != OD_OK ||
        od_audit_anchor_sink_open(opt(argc, argv, "--audit-anchor-log"),
                                  has_flag(argc, argv, "--audit-syslog"), &e) != OD_OK) {
        fprintf(stderr, "错误 error: %s\n", e.message);
        return 1;
    }
    return 0;
}

/* opsdesk user unlock USER --db PATH: lifts USER's login lockout on the
 * server machine, with the server running (docs/operations.md).  Needs
 * write access to the database, i.e. the server's OS account. */
static int cmd_user_unlock(int argc, char **argv)
{
    const char *db = opt(argc, argv, "--db");
    if (argc < 4 || argv[3][0] == '-' || !db) {
        fprintf(stderr, "用法 usage: opsdesk user unlock USER --db PATH [--audit-key-file FILE]\n");
        return 2;
    }
    od_app *a = NULL;
    int rc = audit_key_for_write(argc, argv, db);
    if (!rc)
        rc = open_app(db, OD_APP_DB_CURRENT, NULL, opt(argc, argv, "--policy"), false, &a, NULL);
    if (rc)
        return rc;
    od_error e = {0};
    char by[64];
    const char *os_user = getenv("USER");
    snprintf(by, sizeof by, "cli:%s", os_user && os_user[0] ? os_user : "?");
    od_err err = od_user_unlock(a, argv[3], by, &e);
    od_app_free(a);
    od_audit_anchor_sink_close();
    if (err) {
        fprintf(stderr, "错误 error: %s\n", e.message[0] ? e.message : od_err_str(err));
        return 1;
    }
    printf("已解除登录锁定 login lockout lifted: %s\n", argv[3]);
    return 0;
}

/* opsdesk user reset-password USER --db PATH: the recovery of a lost
 * password (an administrator's too), on the server machine, with the server
 * running or not (docs/accounts.md).  Prints the new password once. */
static int cmd_user_reset_password(int argc, char **argv)
{
    const char *db = opt(argc, argv, "--db");
    if (argc < 4 || argv[3][0] == '-' || !db) {
        fprintf(stderr, "用法 usage: opsdesk user reset-password USER --db PATH [--audit-key-file FILE]\n");
        return 2;
    }
    od_app *a = NULL;
    int rc = audit_key_for_write(argc, argv, db);
    if (!rc)
        rc = open_app(db, OD_APP_DB_CURRENT, NULL, opt(argc, argv, "--policy"), false, &a, NULL);
    if (rc)
        return rc;
    od_error e = {0};
    char by[64], *pw = NULL;
    const char *os_user = getenv("USER");
    snprintf(by, sizeof by, "cli:%s", os_user && os_user[0] ? os_user : "?");
    od_err err = od_user_reset_password(a, argv[3], by, &pw, &e);
    od_app_free(a);
    od_audit_anchor_sink_close();
    if (err) {
        fprintf(stderr, "错误 error: %s\n", e.message[0] ? e.message : od_err_str(err));
        return 1;
    }
    printf("新密码 new password  %s %s\n"
           "只打印这一次；下次登录时须修改，原有会话已注销 (printed once; it must be changed at the next "
           "sign-in; "
           "the account's sessions were revoked)\n",
           argv[3], pw);
    sodium_memzero(pw, strlen(pw));
    free(pw);
    return 0;
}

int main(int argc, char **argv)
{
    /* whatever this process creates (database, keys, backups, anchor log,
     * session file) is private to its account, whatever the caller's umask */
    umask(S_IRWXG | S_IRWXO);
    if (argc < 2 || has_flag(2, argv, "--help") || has_flag(2, argv, "-h")) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
        printf("opsdesk %s (commit %s, schema %d)\n", OD_VERSION, OD_GIT_COMMIT, od_app_schema_newest());
        return 0;
    }
    if (strcmp(cmd, "init") == 0 || strcmp(cmd, "serve") == 0) {
        int rc = with_config(&argc, &argv);
        if (!rc)
            rc = log_opts(argc, argv);
        if (!rc)
            rc = strcmp(cmd, "init") == 0 ? cmd_init(argc, argv) : cmd_serve(argc, argv);
        merged_free();
        return rc;
    }
    if (strcmp(cmd, "migrate") == 0)
        return cmd_migrate(argc, argv);
    if (strcmp(cmd, "policy") == 0 && argc >= 3 && strcmp(argv[2], "check") == 0)
        return cmd_policy_check(argc, argv);
    if (strcmp(cmd, "calendar") == 0 && argc >= 3 && strcmp(argv[2], "import") == 0)
        return cmd_calendar_import(argc, argv);
    if (strcmp(cmd, "policy") == 0 && argc >= 3 && strcmp(argv[2], "reload") == 0)
        return cmd_policy_reload(argc, argv);
    if (strcmp(cmd, "audit") == 0 && argc >= 3 && strcmp(argv[2], "verify") == 0)
        return cmd_audit_verify(argc, argv);
    if (strcmp(cmd, "backup") == 0)
        return cmd_backup(argc, argv);
    if (strcmp(cmd, "restore") == 0)
        return cmd_restore(argc, argv);
    if (strcmp(cmd, "backup-key") == 0)
        return cmd_backup_key(argc, argv);
    if (strcmp(cmd, "user") == 0 && argc >= 3 && strcmp(argv[2], "unlock") == 0)
        return cmd_user_unlock(argc, argv);
    if (strcmp(cmd, "user") == 0 && argc >= 3 && strcmp(argv[2], "reset-password") == 0)
        return cmd_user_reset_password(argc, argv);
    if (od_cli_handles(argc - 1, argv + 1))
        return od_cli_run(argc - 1, argv + 1);
    fprintf(stderr, "未知命令 unknown command: %s\n\n", cmd);
    usage(stderr);
    return 2;
}
