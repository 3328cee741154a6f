/* demo.c — `opsdesk init --demo`: a living desk for a newcomer, put in
 * through the real use cases (accounts, CMDB, incidents with their reports,
 * acknowledgements, activation, closure and review), so every row, timeline
 * entry, audit entry, deadline and message is what the product itself
 * writes.  A month is walked on a manual clock from 30 days ago to now,
 * firing the deadlines that fall due on the way, as the scheduler would.
 * Everything is marked as demo data: the people's names say 演示 in their
 * department, the incident titles start with 【演示】.  Only into a database
 * with no account besides the three administrators.  Called by main.c on
 * one thread before anything serves; it replaces the app's clock. */
#include "app/demo.h"

#include "app/incidents.h"

#include <stdio.h>
#include <string.h>

#define DAY_MS (24LL * 3600 * 1000)
#define MIN_MS (60LL * 1000)

typedef struct person {
    const char *username, *display_name, *department;
    od_role role;
    od_principal p;
} person;

enum { P_MON, P_ENG, P_ENG2, P_SECT, P_OPSDEPT, P_LEADER, P_EL, P_LIAISON, P_APPHEAD, P__COUNT };

typedef struct demo {
    od_app *a;
    person people[P__COUNT];
    int64_t ci[16];
    int64_t now;
} demo;

/* Moves the clock to t and fires every deadline due by then, one by one,
 * as the scheduler does. */
static od_err walk_to(demo *d, int64_t t, od_error *e)
{
    d->now = t;
    od_clock_set(&d->a->clock, t);
    for (int guard = 0; guard < 10000; guard++) {
        int64_t id = 0;
        bool fired = false;
        od_err rc = od_incident_fire_next(d->a, t, t, &id, &fired, e);
        if (rc || !fired)
            return rc;
    }
    return OD_OK;
}

static od_err make_people(demo *d, const char *password, od_error *e)
{
    static const struct {
        const char *u, *dn, *dept;
        od_role role;
    } who[P__COUNT] = {
        [P_MON] = {"wangjg", "王建国", "客服部", OD_ROLE_MONITORING_ENGINEER},
        [P_ENG] = {"zhangw", "张伟", "运行部", OD_ROLE_OPS_ENGINEER},
        [P_ENG2] = {"lina", "李娜", "运行部", OD_ROLE_OPS_ENGINEER},
        [P_SECT] = {"zhaoq", "赵强", "运行部", OD_ROLE_OPS_SECTION_HEAD},
        [P_OPSDEPT] = {"qianm", "钱敏", "运行部", OD_ROLE_OPS_DEPARTMENT_HEAD},
        [P_LEADER] = {"sunlx", "孙立新", "数据中心", OD_ROLE_OPS_LEADER},
        [P_EL] = {"zhouht", "周海涛", "数据中心", OD_ROLE_EMERGENCY_LEADERSHIP},
        [P_LIAISON] = {"wuf", "吴芳", "运行部", OD_ROLE_LIAISON},
        [P_APPHEAD] = {"zhengl", "郑磊", "应用部", OD_ROLE_DEPARTMENT_HEAD},
    };
    od_principal admin;
    od_principal_system(&admin);
    admin.roles = OD_ROLEBIT(OD_ROLE_SYSTEM_ADMIN) | OD_ROLEBIT(OD_ROLE_SECURITY_ADMIN);
    for (int i = 0; i < P__COUNT; i++) {
        person *p = &d->people[i];
        p->username = who[i].u;
        p->display_name = who[i].dn;
        p->department = who[i].dept;
        p->role = who[i].role;
        od_user_input in = {.username = p->username,
                            .password = password,
                            .display_name = p->display_name,
                            .department = p->department,
                            .lang = "zh-CN",
                            .roles = OD_ROLEBIT(p->role)};
        json_t *out = NULL;
        od_err rc = od_user_create(d->a, &admin, &in, &out, e);
        if (rc)
            return rc;
        int64_t id = (int64_t)json_integer_value(json_object_get(out, "id"));
        json_decref(out);
        rc = od_user_set_roles(d->a, &admin, id, OD_ROLEBIT(p->role), NULL, &out, e);
        json_decref(out);
        if (rc)
            return rc;
        memset(&p->p, 0, sizeof p->p);
        p->p.id = id;
        p->p.roles = OD_ROLEBIT(p->role);
        snprintf(p->p.username, sizeof p->p.username, "%s", p->username);
        snprintf(p->p.department, sizeof p->p.department, "%s", p->department);
    }
    return OD_OK;
}

/* A small data centre: power and cooling at the root, the network, servers,
 * databases and the applications people use. */
enum {
    C_UPS,
    C_CRAC,
    C_CORE,
    C_FW,
    C_SRV_DB,
    C_SRV_APP,
    C_SRV_WEB,
    C_DB_MAIN,
    C_DB_REPORT,
    C_APP_CUSTOMS,
    C_APP_PORTAL,
    C_APP_REPORT,
    C_APP_OA,
    C_DT,
    C__COUNT
};

static od_err make_cmdb(demo *d, od_error *e)
{
    static const struct {
        const char *name, *category, *grade, *dept, *env, *loc, *desc;
    } ci[C__COUNT] = {
        [C_UPS] = {"ups-01", "physical_env", "L1", "运行部", "production", "主机房 配电间",
                   "主机房 UPS 不间断电源"},
        [C_CRAC] = {"crac-01", "physical_env", "L1", "运行部", "production", "主机房", "主机房精密空调"},
        [C_CORE] = {"core-sw-01", "network", "L1", "运行部", "production", "主机房 A-01", "核心交换机"},
        [C_FW] = {"fw-01", "security_device", "L1", "运行部", "production", "主机房 A-02",
                  "互联网边界防火墙"},
        [C_SRV_DB] = {"srv-db-01", "server", "L1", "运行部", "production", "主机房 B-03", "数据库服务器"},
        [C_SRV_APP] = {"srv-app-01", "server", "L2", "运行部", "production", "主机房 B-05", "应用服务器"},
        [C_SRV_WEB] = {"srv-web-01", "server", "L3", "运行部", "production", "主机房 B-07", "门户服务器"},
        [C_DB_MAIN] = {"db-main", "database", "L1", "运行部", "production", "主机房 B-03", "报关主库"},
        [C_DB_REPORT] = {"db-report", "database", "L2", "运行部", "production", "主机房 B-03", "报表库"},
        [C_APP_CUSTOMS] = {"app-customs", "application", "L1", "应用部", "production", "", "通关业务系统"},
        [C_APP_PORTAL] = {"app-portal", "application", "L2", "应用部", "production", "", "门户网站"},
        [C_APP_REPORT] = {"app-report", "application", "L3", "应用部", "production", "", "统计报表系统"},
        [C_APP_OA] = {"app-oa", "application", "NG", "应用部", "production", "", "办公自动化系统"},
        [C_DT] = {"dt-exchange", "data_transfer", "L2", "运行部", "production", "", "数据交换平台"},
    };
    static const struct {
        int from;
        const char *type;
        int to;
    } rel[] = {
        {C_CORE, "depends_on", C_UPS},
        {C_SRV_DB, "depends_on", C_CORE},
        {C_SRV_APP, "depends_on", C_CORE},
        {C_SRV_WEB, "depends_on", C_CORE},
        {C_SRV_DB, "depends_on", C_CRAC},
        {C_DB_MAIN, "runs_on", C_SRV_DB},
        {C_DB_REPORT, "runs_on", C_SRV_DB},
        {C_APP_CUSTOMS, "runs_on", C_SRV_APP},
        {C_APP_CUSTOMS, "depends_on", C_DB_MAIN},
        {C_APP_PORTAL, "runs_on", C_SRV_WEB},
        {C_APP_PORTAL, "depends_on", C_APP_CUSTOMS},
        {C_APP_REPORT, "depends_on", C_DB_REPORT},
        {C_APP_OA, "runs_on", C_SRV_WEB},
        {C_DT, "depends_on", C_FW},
        {C_DT, "depends_on", C_DB_MAIN},
        {C_DB_REPORT, "backs_up", C_DB_MAIN},
    };
    const od_principal *eng = &d->people[P_ENG].p;
    for (int i = 0; i < C__COUNT; i++) {
        json_t *attrs = json_pack("{ss ss}", "描述", ci[i].desc, "数据", "演示数据");
        od_ci_input in = {.name = ci[i].name,
                          .category = ci[i].category,
                          .grade = ci[i].grade,
                          .department = ci[i].dept,
                          .environment = ci[i].env,
                          .location = *ci[i].loc ? ci[i].loc : NULL,
                          .attributes = attrs};
        json_t *out = NULL;
        od_err rc = od_ci_create(d->a, eng, &in, &out, e);
        json_decref(attrs);
        if (rc)
            return rc;
        d->ci[i] = (int64_t)json_integer_value(json_object_get(out, "id"));
        json_decref(out);
    }
    for (size_t i = 0; i < sizeof rel / sizeof *rel; i++) {
        json_t *out = NULL;
        od_err rc = od_ci_add_relation(d->a, eng, d->ci[rel[i].from], rel[i].type, d->ci[rel[i].to], &out, e);
        json_decref(out);
        if (rc)
            return rc;
    }
    return OD_OK;
}

/* ---- incidents ---- */

static od_err report(demo *d, int who, int64_t id, json_t *body, od_error *e)
{
    json_t *out = NULL;
    od_err rc = body ? od_incident_report(d->a, &d->people[who].p, id, body, &out, e)
                     : od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    json_decref(out);
    json_decref(body);
    return rc;
}

/* The engineer `who` takes incident id (负责人). */
static od_err own(demo *d, int who, int64_t id, od_error *e)
{
    json_t *out = NULL;
    od_err rc = od_incident_set_owner(d->a, &d->people[who].p, id, d->people[who].p.id, &out, e);
    json_decref(out);
    return rc;
}

static od_err lead(demo *d, int who, int64_t id, const char *what, od_error *e)
{
    json_t *out = NULL;
    const od_principal *p = &d->people[who].p;
    od_err rc = strcmp(what, "activate") == 0 ? od_incident_activate(d->a, p, id, &out, e)
                : strcmp(what, "close") == 0  ? od_incident_close(d->a, p, id, &out, e)
                                              : od_incident_ack(d->a, p, id, &out, e);
    json_decref(out);
    return rc;
}

static od_err second(demo *d, int64_t id, const char *level, const char *impact, od_error *e)
{
    char eta[OD_TIME_STR_MAX];
    od_time_format(d->now + 2 * 60 * MIN_MS, eta);
    return report(d, P_ENG, id,
                  json_pack("{ss ss ss ss}", "kind", "second", "response_level", level, "system_impact",
                            impact, "estimated_recovery_at", eta),
                  e);
}

static od_err final(demo *d, int64_t id, const char *cause, const char *process, int minutes, od_error *e)
{
    return report(d, P_ENG, id,
                  json_pack("{ss ss ss ss si ss}", "kind", "final", "cause", cause, "process", process,
                            "current_state", "业务已恢复正常", "business_impact_minutes", minutes,
                            "improvements", "纳入月度巡检，完善监控阈值"),
                  e);
}

static od_err review(demo *d, int64_t id, const char *cause, od_error *e)
{
    json_t *body = json_pack("{ss ss ss ss ss}", "cause_analysis", cause, "lessons",
                             "告警发现及时，处置按预案进行", "improvements", "补充巡检项，完善容量预警",
                             "measures", "已完成整改并验证", "result", "业务恢复，无数据丢失");
    json_t *out = NULL;
    od_err rc = body ? od_incident_review(d->a, &d->people[P_ENG].p, id, body, &out, e)
                     : od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    json_decref(body);
    json_decref(out);
    return rc;
}

/* Registers an incident on one CI at the current time; *id gets it. */
static od_err open_incident(demo *d, int who, const char *title, int ci, const char *severity, bool drill,
                            const char *location, const char *symptoms, const char *scope, int64_t *id,
                            od_error *e)
{
    json_t *cis = json_pack("[I]", (json_int_t)d->ci[ci]), *out = NULL;
    od_incident_input in = {.title = title,
                            .location = location,
                            .symptoms = symptoms,
                            .impact_scope = scope,
                            .ci_ids = cis,
                            .severity = severity,
                            .drill = drill};
    od_err rc = od_incident_create(d->a, &d->people[who].p, &in, &out, e);
    *id = rc ? 0 : (int64_t)json_integer_value(json_object_get(out, "id"));
    json_decref(out);
    json_decref(cis);
    return rc;
}

/* The month: cases filed, one closed awaiting review, one resolved awaiting
 * closure, one under way at R1, one just registered; and a drill. */
static od_err make_incidents(demo *d, int64_t start, int64_t now, od_error *e)
{
    int64_t id = 0;
    od_err rc = walk_to(d, start + 2 * DAY_MS, e);
    /* 1. L3 minor → R3, the whole path to the case library */
    if (!rc)
        rc = open_incident(d, P_MON, "【演示】统计报表查询缓慢", C_APP_REPORT, "minor", false, "主机房",
                           "报表查询超过 30 秒", "统计报表查询", &id, e);
    if (!rc)
        rc = walk_to(d, d->now + 4 * MIN_MS, e);
    if (!rc)
        rc = report(d, P_MON, id, json_pack("{ss}", "kind", "first"), e);
    if (!rc)
        rc = walk_to(d, d->now + 20 * MIN_MS, e);
    if (!rc)
        rc = second(d, id, "R3", "报表查询缓慢，不影响通关业务", e);
    if (!rc)
        rc = lead(d, P_OPSDEPT, id, "activate", e);
    if (!rc)
        rc = walk_to(d, d->now + 90 * MIN_MS, e);
    if (!rc)
        rc = report(d, P_ENG, id,
                    json_pack("{ss ss}", "kind", "progress", "text", "已定位为慢查询，正在优化索引"), e);
    if (!rc)
        rc = walk_to(d, d->now + 60 * MIN_MS, e);
    if (!rc)
        rc = final(d, id, "报表库缺少索引导致全表扫描", "新增索引并清理历史数据", 150, e);
    if (!rc)
        rc = lead(d, P_OPSDEPT, id, "close", e);
    if (!rc)
        rc = review(d, id, "报表库缺少索引", e);

    /* 2. L1 moderate → R1: acknowledgements, the leadership activates and closes */
    if (!rc)
        rc = walk_to(d, start + 9 * DAY_MS, e);
    if (!rc)
        rc = open_incident(d, P_MON, "【演示】报关主库连接数耗尽", C_DB_MAIN, "moderate", false,
                           "主机房 B-03", "应用报连接超时，主库连接数达到上限", "通关业务全部受影响", &id, e);
    if (!rc)
        rc = walk_to(d, d->now + 3 * MIN_MS, e);
    if (!rc)
        rc = report(d, P_MON, id, json_pack("{ss}", "kind", "first"), e);
    if (!rc)
        rc = walk_to(d, d->now + 2 * MIN_MS, e);
    for (int who = P_SECT; !rc && who <= P_LIAISON; who++)
        if (who == P_SECT || who == P_EL || who == P_LIAISON)
            rc = lead(d, who, id, "ack", e);
    if (!rc)
        rc = walk_to(d, d->now + 10 * MIN_MS, e);
    if (!rc)
        rc = second(d, id, "R1", "通关业务中断", e);
    if (!rc)
        rc = lead(d, P_EL, id, "activate", e);
    if (!rc)
        rc = walk_to(d, d->now + 25 * MIN_MS, e);
    if (!rc)
        rc = report(d, P_ENG, id,
                    json_pack("{ss ss}", "kind", "progress", "text", "已重启连接池，部分业务恢复"), e);
    if (!rc)
        rc = walk_to(d, d->now + 25 * MIN_MS, e);
    if (!rc)
        rc = final(d, id, "应用连接泄漏，连接池未回收", "重启应用连接池，修复连接泄漏", 55, e);
    if (!rc)
        rc = lead(d, P_EL, id, "close", e);
    if (!rc)
        rc = review(d, id, "应用连接泄漏", e);

    /* 3. a drill on the cooling, filed as a case too */
    if (!rc)
        rc = walk_to(d, start + 16 * DAY_MS, e);
    if (!rc)
        rc = open_incident(d, P_MON, "【演示】【演练】主机房精密空调停机", C_CRAC, "severe", true, "主机房",
                           "演练：精密空调停机，机房温度上升", "演练，不影响业务", &id, e);
    if (!rc)
        rc = report(d, P_MON, id, json_pack("{ss}", "kind", "first"), e);
    for (int who = P_SECT; !rc && who <= P_LIAISON; who++)
        if (who == P_SECT || who == P_EL || who == P_LIAISON)
            rc = lead(d, who, id, "ack", e);
    if (!rc)
        rc = walk_to(d, d->now + 10 * MIN_MS, e);
    if (!rc)
        rc = second(d, id, "R1", "演练：无实际影响", e);
    if (!rc)
        rc = lead(d, P_EL, id, "activate", e);
    if (!rc)
        rc = walk_to(d, d->now + 25 * MIN_MS, e);
    if (!rc)
        rc = final(d, id, "演练", "启动备用空调，开启机房门窗通风", 0, e);
    if (!rc)
        rc = lead(d, P_EL, id, "close", e);
    if (!rc)
        rc = review(d, id, "演练按预案完成", e);

    /* 4. L2 moderate → R2: closed, waiting for its review */
    if (!rc)
        rc = walk_to(d, start + 23 * DAY_MS, e);
    if (!rc)
        rc = open_incident(d, P_ENG2, "【演示】门户网站访问超时", C_APP_PORTAL, "moderate", false,
                           "主机房 B-07", "门户首页打开超过 10 秒", "对外门户访问", &id, e);
    if (!rc)
        rc = report(d, P_ENG2, id, json_pack("{ss}", "kind", "first"), e);
    for (int who = P_SECT; !rc && who <= P_APPHEAD; who++)
        if (who == P_SECT || who == P_LEADER || who == P_LIAISON || who == P_APPHEAD)
            rc = lead(d, who, id, "ack", e);
    if (!rc)
        rc = walk_to(d, d->now + 15 * MIN_MS, e);
    if (!rc)
        rc = second(d, id, "R2", "门户访问缓慢", e);
    if (!rc)
        rc = lead(d, P_LEADER, id, "activate", e);
    if (!rc)
        rc = walk_to(d, d->now + 50 * MIN_MS, e);
    if (!rc)
        rc = final(d, id, "门户服务器磁盘空间不足", "清理日志并扩容磁盘", 65, e);
    if (!rc)
        rc = lead(d, P_LEADER, id, "close", e);

    /* 5. L3 moderate: resolved, waiting for the authority to close it */
    if (!rc)
        rc = walk_to(d, now - 2 * DAY_MS, e);
    if (!rc)
        rc = open_incident(d, P_ENG, "【演示】门户服务器内存告警", C_SRV_WEB, "moderate", false,
                           "主机房 B-07", "内存使用率持续高于 95%", "门户访问偶发缓慢", &id, e);
    if (!rc)
        rc = report(d, P_ENG, id, json_pack("{ss}", "kind", "first"), e);
    if (!rc)
        rc = walk_to(d, d->now + 20 * MIN_MS, e);
    if (!rc)
        rc = second(d, id, "R3", "门户偶发缓慢", e);
    if (!rc)
        rc = lead(d, P_OPSDEPT, id, "activate", e);
    if (!rc)
        rc = walk_to(d, d->now + 60 * MIN_MS, e);
    if (!rc)
        rc = own(d, P_ENG2, id, e);
    if (!rc)
        rc = final(d, id, "应用内存泄漏", "重启应用并升级补丁", 0, e);

    /* 6. L1, severity not known yet (provisional severe): under way at R1 */
    if (!rc)
        rc = walk_to(d, now - 50 * MIN_MS, e);
    if (!rc)
        rc = open_incident(d, P_MON, "【演示】通关系统交易失败率升高", C_APP_CUSTOMS, NULL, false, "主机房",
                           "交易失败率 8%，持续上升", "通关申报", &id, e);
    if (!rc)
        rc = walk_to(d, d->now + 4 * MIN_MS, e);
    if (!rc)
        rc = report(d, P_MON, id, json_pack("{ss}", "kind", "first"), e);
    if (!rc)
        rc = lead(d, P_SECT, id, "ack", e);
    if (!rc)
        rc = walk_to(d, d->now + 10 * MIN_MS, e);
    if (!rc)
        rc = own(d, P_ENG, id, e);
    if (!rc)
        rc = second(d, id, "R1", "通关申报部分失败", e);
    if (!rc)
        rc = lead(d, P_EL, id, "activate", e);
    if (!rc)
        rc = walk_to(d, d->now + 20 * MIN_MS, e);
    if (!rc)
        rc = report(d, P_ENG, id,
                    json_pack("{ss ss}", "kind", "progress", "text", "已切换到备用应用服务器，观察中"), e);

    /* 7. just registered: the first report is still to be sent */
    if (!rc)
        rc = walk_to(d, now - 3 * MIN_MS, e);
    if (!rc)
        rc = open_incident(d, P_MON, "【演示】核心交换机端口频繁翻转", C_CORE, "minor", false, "主机房 A-01",
                           "端口 up/down 每分钟数次", "部分服务器网络抖动", &id, e);
    return rc;
}

od_err od_app_demo_seed(od_app *a, const char *password, od_error *e)
{
    json_t *users = NULL;
    od_err rc = od_user_list(a, 1, 0, &users, e);
    if (rc)
        return rc;
    json_int_t n = json_integer_value(json_object_get(users, "total"));
    json_decref(users);
    if (n > 3)
        return od_error_set(
            e, OD_E_CONFLICT, NULL,
            "数据库中已有账号，演示数据只装入新的数据库 (the database already has accounts; demo "
            "data goes only into a new database)");
    demo d;
    memset(&d, 0, sizeof d);
    d.a = a;
    int64_t now = od_clock_now(&a->clock), start = now - 30 * DAY_MS;
    od_clock_init_manual(&a->clock, start);
    d.now = start;
    rc = make_people(&d, password, e);
    if (!rc)
        rc = make_cmdb(&d, e);
    if (!rc)
        rc = make_incidents(&d, start, now, e);
    if (!rc)
        rc = walk_to(&d, now, e);
    return rc;
}
