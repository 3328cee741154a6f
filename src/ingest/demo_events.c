/* demo_events.c — the monitoring side of `opsdesk init --demo`: a day of
 * events on the demo CMDB, as Alertmanager and Zabbix would post them,
 * through the real parsers (ingest/parse.c) and the event pipeline
 * (od_events_ingest), on the manual clock the demo walked: periodic CPU and
 * disk warnings, informational alerts, a cooling alarm with the warnings of
 * what depends on it suppressed, and Zabbix problems with their recoveries.
 * Warnings and info only: no critical alert opens an incident by itself.
 * Called by main.c on one thread before anything serves. */
#include "ingest/demo_events.h"

#include "app/events.h"
#include "ingest/batch.h"
#include "ingest/parse.h"

#include <stdio.h>
#include <string.h>

#define HOUR_MS (3600LL * 1000)

static od_err ingest(od_app *a, od_event_writer *w, json_t *body, bool zabbix, od_error *e)
{
    od_event_batch *b = body ? od_event_batch_new(zabbix ? "zabbix" : "alertmanager", 0) : NULL;
    od_err rc = b ? (zabbix ? od_ingest_parse_zabbix(body, b, e) : od_ingest_parse_alertmanager(body, b, e))
                  : od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    if (!rc)
        rc = od_events_ingest_batch(a, w, b, e);
    od_event_batch_free(b);
    json_decref(body);
    return rc;
}

/* One Alertmanager alert on a CI (label host), firing or resolved at t; n
 * tells apart repeated occurrences (a new fingerprint each). */
static json_t *am_alert(const char *name, const char *ci, int n, const char *severity, const char *summary,
                        bool firing, int64_t t)
{
    char ts[OD_TIME_STR_MAX], fp[64], seq[16];
    od_time_format(t, ts);
    snprintf(fp, sizeof fp, "demo-%s-%s-%d", name, ci, n);
    snprintf(seq, sizeof seq, "%d", n); /* a label too: the event's identity is its labels */
    return json_pack("{s:s s:s s:{s:s s:s s:s s:s s:s} s:{s:s} s:s s:s s:s}", "status",
                     firing ? "firing" : "resolved", "fingerprint", fp, "labels", "alertname", name, "host",
                     ci, "severity", severity, "job", "node", "seq", seq, "annotations", "summary", summary,
                     "startsAt", ts, "endsAt", firing ? "0001-01-01T00:00:00Z" : ts, "generatorURL",
                     "http://prometheus.demo/graph");
}

static json_t *am_body(json_t *alerts)
{
    return alerts ? json_pack("{s:s s:s s:o}", "version", "4", "status", "firing", "alerts", alerts) : NULL;
}

/* A Zabbix problem (value 1) or its recovery (value 0) on a host. */
static json_t *zbx(int id, const char *host, const char *name, bool problem, int64_t t)
{
    char sid[16], sts[24];
    snprintf(sid, sizeof sid, "%d", 700000 + id);
    snprintf(sts, sizeof sts, "%lld", (long long)(t / 1000));
    return json_pack("{s:s s:s s:s s:s s:s s:s s:s s:s s:s s:s}", "event_id", sid, "event_value",
                     problem ? "1" : "0", "event_status", problem ? "PROBLEM" : "RESOLVED", "event_nseverity",
                     "2", "event_severity", "Warning", "event_name", name, "event_source", "0", "host", host,
                     "event_ts", sts, "event_tags", "[{\"tag\":\"demo\",\"value\":\"演示\"}]");
}

od_err od_ingest_demo_events(od_app *a, int64_t now, od_error *e)
{
    od_event_writer *w = od_event_writer_new();
    if (!w)
        return od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    od_err rc = OD_OK;
    int64_t day = now - 24 * HOUR_MS;
    for (int h = 0; !rc && h < 24; h++) {
        int64_t t = day + h * HOUR_MS + 7 * 60 * 1000;
        od_clock_set(&a->clock, t);
        json_t *alerts = json_array();
        /* every hour: an informational heartbeat of the office system */
        json_array_append_new(alerts,
                              am_alert("BackupDone", "app-oa", h, "info", "办公系统备份完成", true, t));
        /* business hours: the portal's CPU runs hot, then cools down */
        if (h % 6 == 2)
            json_array_append_new(
                alerts, am_alert("HighCPU", "srv-web-01", h / 6, "warning", "CPU 使用率 92%", true, t));
        if (h % 6 == 4)
            json_array_append_new(
                alerts, am_alert("HighCPU", "srv-web-01", h / 6, "warning", "CPU 使用率 92%", false, t));
        if (h == 9)
            json_array_append_new(
                alerts, am_alert("DiskFilling", "db-report", 0, "warning", "磁盘使用率 85%", true, t));
        if (h == 15)
            json_array_append_new(
                alerts, am_alert("DiskFilling", "db-report", 0, "warning", "磁盘使用率 85%", false, t));
        rc = ingest(a, w, am_body(alerts), false, e);
        /* six hours ago the cooling alarms, still on: what depends on it is
         * suppressed, not paged (the dashboard's 依赖抑制 series) */
        if (!rc && h == 18) {
            json_t *storm = json_array();
            json_array_append_new(
                storm, am_alert("RoomTempHigh", "crac-01", 0, "warning", "主机房温度 29℃", true, t));
            rc = ingest(a, w, am_body(storm), false, e);
            storm = json_array();
            json_array_append_new(
                storm, am_alert("HighTemp", "srv-db-01", 0, "warning", "服务器进风温度高", true, t));
            json_array_append_new(storm,
                                  am_alert("SlowQueries", "db-main", 0, "warning", "慢查询增多", true, t));
            if (!rc)
                rc = ingest(a, w, am_body(storm), false, e);
        }
        /* Zabbix watches the hosts: an interface problem and its recovery */
        if (!rc && (h == 5 || h == 21))
            rc = ingest(a, w, zbx(h, "srv-app-01", "Interface eth1: link down", true, t), true, e);
        if (!rc && (h == 6 || h == 22))
            rc = ingest(a, w, zbx(h - 1, "srv-app-01", "Interface eth1: link down", false, t), true, e);
        if (!rc && h == 12)
            rc = ingest(a, w, zbx(h, "fw-01", "High number of sessions", true, t), true, e);
    }
    od_event_writer_free(w);
    od_clock_set(&a->clock, now);
    return rc;
}
