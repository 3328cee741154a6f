#!/usr/bin/env python3
"""openapi_examples.py — fills docs/api/openapi.yaml's success answers with
a schema typed from a real answer and that answer as the example.

It starts a real server (tests/api/harness.py, test clock, an SMS channel
to a local receiver), walks every route of src/http/routes.c once with a
valid request (the README tour, events, windows, keys, notifications,
acknowledgement links …), and for each operation replaces an untyped
`schema: {type: object}` of its 2xx JSON answer with the schema inferred
from the answer, and sets `example:` (JSON is YAML) on every 2xx media type.
Idempotent: run again after changing a handler and review the diff.

    OPSDESK_BIN=build/opsdesk python3 scripts/dev/openapi_examples.py
"""
import http.server
import json
import os
import re
import sys
import threading
import urllib.parse
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "api"))
import harness  # noqa: E402

SPEC = os.path.join(ROOT, "docs", "api", "openapi.yaml")
BODIES = []


class Receiver(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        n = int(self.headers.get("Content-Length") or 0)
        BODIES.append(self.rfile.read(n).decode("utf-8", "replace"))
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b'{"code":0}')

    def log_message(self, *a):
        pass


def deadline_kinds():
    """The deadline kinds of src/core/incident.c (dl_keys), in its order."""
    with open(os.path.join(ROOT, "src", "core", "incident.c"), encoding="utf-8") as f:
        m = re.search(r"dl_keys\[OD_DL__COUNT\] = \{(.*?)\};", f.read(), re.S)
    return re.findall(r'"(\w+)"', m.group(1))


# Closed vocabularies a sample answer cannot show whole: (array or object
# name, property) -> the values the property may take.
ENUMS = {("deadlines", "kind"): deadline_kinds()}


def infer(v, name=None, parent=None):
    """A JSON schema for value v (arrays: from their first item); name is
    v's property name and parent the name of the object or array holding it
    (for ENUMS)."""
    if v is None:
        return {"nullable": True}
    if isinstance(v, bool):
        return {"type": "boolean"}
    if isinstance(v, int):
        return {"type": "integer"}
    if isinstance(v, float):
        return {"type": "number"}
    if isinstance(v, str):
        if re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$", v):
            return {"type": "string", "format": "date-time"}
        if (parent, name) in ENUMS:
            return {"type": "string", "enum": ENUMS[(parent, name)]}
        return {"type": "string"}
    if isinstance(v, list):
        return {"type": "array", "items": infer(v[0], parent=name) if v else {}}
    return {"type": "object", "properties": {k: infer(x, k, parent if name is None else name) for k, x in v.items()}}


def main():
    rcv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=rcv.serve_forever, daemon=True).start()
    srv = harness.Server()
    tmp = srv.tmp
    ch = os.path.join(tmp, "channels.yaml")
    with open(ch, "w") as f:
        f.write("channels:\n  - name: sms-gw\n    kind: sms\n    url: http://127.0.0.1:%d/sms\n"
                "    body: '{\"phone\": \"{{to}}\", \"content\": \"{{text}}\"}'\n" % rcv.server_address[1])
    srv.channels = ch
    srv.extra_args = ["--metrics-public"]
    srv.init()
    srv.start()
    samples = {}
    try:
        run(srv, samples)
    finally:
        srv.stop()
        srv.cleanup()
        rcv.shutdown()
    inject(samples)


def run(s, samples):
    def call(method, path, body=None, token=None, raw=None, headers=None, key=None):
        r = s.request(method, path, body=body, token=token, raw=raw, headers=headers)
        if r.status >= 300:
            raise SystemExit("%s %s: %r" % (method, path, r))
        k = key or (method, re.sub(r"/\d+(?=/|$|\?)", "/{id}", path.split("?")[0]))
        if k not in samples:
            samples[k] = (r.status, r.json if r.json is not None else r.raw, r.headers.get("Content-Type", ""))
        return r.json

    sys_t, sec_t, aud_t = s.admin("sysadmin"), s.admin("secadmin"), s.admin("auditor")
    call("GET", "/healthz")
    call("GET", "/metrics")
    call("POST", "/api/v1/test/clock", {"advance_seconds": 0})
    call("POST", "/api/v1/auth/login", {"username": "auditor", "password": harness.ADMIN_PW})
    call("GET", "/api/v1/auth/me", token=sys_t)
    users = {}
    for name, roles, dept in (("zhang", ["ops_engineer", "monitoring_engineer"], "运行部"),
                              ("li", ["ops_section_head"], "运行部"), ("wang", ["ops_department_head"], "运行部"),
                              ("zhao", ["ops_leader"], "数据中心"), ("chen", ["emergency_leadership"], "数据中心")):
        u = call("POST", "/api/v1/users", {"username": name, "password": harness.USER_PW, "display_name": name,
                                           "department": dept, "phone": "1380000%04d" % len(users),
                                           "email": "%s@example.cn" % name}, token=sys_t)
        call("PUT", "/api/v1/users/%d/roles" % u["id"], {"roles": roles}, token=sec_t)
        users[name] = (u["id"], s.login(name, harness.USER_PW))
    zid, eng = users["zhang"]
    _, head = users["wang"]
    call("GET", "/api/v1/users?limit=2", token=sys_t)
    call("GET", "/api/v1/users/%d" % zid, token=sys_t)
    call("PATCH", "/api/v1/users/%d" % zid, {"display_name": "张工"}, token=sys_t)
    call("POST", "/api/v1/users/%d/disable" % users["zhao"][0], token=sys_t)
    call("POST", "/api/v1/users/%d/enable" % users["zhao"][0], token=sys_t)
    users["zhao"] = (users["zhao"][0], s.login("zhao", harness.USER_PW))
    call("GET", "/api/v1/users/%d/notify" % zid, token=sys_t)
    call("PUT", "/api/v1/users/%d/notify" % zid, {"lang": "zh-CN"}, token=sys_t)
    call("GET", "/api/v1/auth/me/notify", token=eng)
    call("PUT", "/api/v1/auth/me/notify", {"lang": "zh-CN"}, token=eng)
    ci = call("POST", "/api/v1/cis", {"name": "核心数据库 core-db", "category": "database", "grade": "L1",
                                      "department": "运行部", "attributes": {"vendor": "x"}}, token=eng)
    ci2 = call("POST", "/api/v1/cis", {"name": "报表服务器 report-srv", "category": "server", "grade": "L3",
                                       "department": "运行部"}, token=eng)
    call("GET", "/api/v1/cis?limit=2", token=eng)
    call("GET", "/api/v1/cis/unverified?limit=2", token=eng)
    call("GET", "/api/v1/cis/%d" % ci["id"], token=eng)
    call("PATCH", "/api/v1/cis/%d" % ci2["id"], {"location": "主机房 A-12"}, token=eng)
    call("POST", "/api/v1/cis/%d/relations" % ci2["id"], {"type": "depends_on", "target_id": ci["id"]}, token=eng)
    call("GET", "/api/v1/cis/%d/impact" % ci["id"], token=eng)
    old = call("POST", "/api/v1/cis", {"name": "old-report-srv", "category": "server", "grade": "L3",
                                       "department": "运行部"}, token=eng)
    call("POST", "/api/v1/cis/%d/retire" % old["id"], {"reason": "设备已下线，由 report-srv 替代"}, token=eng)
    call("POST", "/api/v1/cis/%d/unretire" % old["id"], {"reason": "误退役：设备仍在使用"}, token=eng)
    call("POST", "/api/v1/cis/%d/retire" % old["id"], {"reason": "设备已下线，由 report-srv 替代"}, token=eng)
    wrong = call("POST", "/api/v1/cis/%d/relations" % ci2["id"], {"type": "backs_up", "target_id": ci["id"]},
                 token=eng)
    call("DELETE", "/api/v1/cis/%d/relations/%d" % (ci2["id"], wrong["id"]), token=eng)
    call("POST", "/api/v1/cis/%d/verify" % ci["id"], token=eng)
    call("GET", "/api/v1/policy/categories", token=eng)
    call("GET", "/api/v1/policy/table", token=eng)
    call("GET", "/api/v1/grading?ci_id=%d&severity=moderate" % ci2["id"], token=eng)
    inc = call("POST", "/api/v1/incidents", {"title": "报表服务器不可用", "ci_ids": [ci2["id"]], "severity": "moderate",
                                             "location": "主机房", "symptoms": "连接超时", "impact_scope": "报表查询"},
               token=eng)
    i = inc["id"]
    call("GET", "/api/v1/incidents?limit=2", token=eng)
    call("POST", "/api/v1/incidents/%d/reports" % i, {"kind": "first"}, token=eng)
    now = s.now_ms()
    import datetime
    eta = datetime.datetime.fromtimestamp(now / 1000 + 3600, tz=datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    call("POST", "/api/v1/incidents/%d/reports" % i, {"kind": "second", "response_level": "R3",
                                                      "system_impact": "报表查询中断", "estimated_recovery_at": eta},
         token=eng)
    call("POST", "/api/v1/incidents/%d/activate" % i, token=head)
    call("POST", "/api/v1/incidents/%d/reports" % i, {"kind": "progress", "text": "已切换到备库"}, token=eng)
    call("POST", "/api/v1/incidents/%d/notes" % i, {"text": "已联系厂商，工程师 30 分钟到场"}, token=eng)
    call("PUT", "/api/v1/incidents/%d/owner" % i, {"user_id": zid}, token=eng)
    # seed 000 ch. 8 §1: the handling department changed (and back, so that 运行部 reviews below)
    call("PUT", "/api/v1/incidents/%d/handling-department" % i, {"department": "技术部", "reason": "故障定位在应用层"},
         token=head)
    call("PUT", "/api/v1/incidents/%d/handling-department" % i, {"department": "运行部", "reason": "应用层已排除"},
         token=head)
    # seed 000 ch. 7 §2.1 item 3 and ch. 9 §4: desk owners, vendor and customer contacts
    call("GET", "/api/v1/desks", token=eng)
    call("PUT", "/api/v1/desk-owners", {"desk": "ops_security", "user_id": zid}, token=sys_t)
    vc = call("POST", "/api/v1/contacts", {"kind": "vendor", "name": "赵工", "organisation": "数据库厂商",
                                           "phone": "13955556666", "email": "zhao@db.example", "ci_id": ci["id"]},
              token=eng)
    call("PATCH", "/api/v1/contacts/%d" % vc["id"], {"levels": ["L1", "L2", "L3"]}, token=eng)
    cc = call("POST", "/api/v1/contacts", {"kind": "customer", "name": "钱经理", "service": "报关数据交换"}, token=eng)
    call("GET", "/api/v1/contacts?ci_id=%d" % ci["id"], token=eng)
    call("DELETE", "/api/v1/contacts/%d" % cc["id"], token=eng)
    call("POST", "/api/v1/incidents/%d/reports" % i, {"kind": "final", "cause": "磁盘故障", "process": "切换备库",
                                                      "current_state": "已恢复", "business_impact_minutes": 35,
                                                      "improvements": "增加巡检"}, token=eng)
    call("POST", "/api/v1/incidents/%d/close" % i, token=head)
    call("POST", "/api/v1/incidents/%d/review" % i, {"cause_analysis": "磁盘老化", "lessons": "巡检未覆盖",
                                                     "improvements": "纳入月度巡检", "measures": "更换磁盘",
                                                     "result": "35 分钟恢复"}, token=eng)
    call("GET", "/api/v1/incidents/%d" % i, token=eng)
    call("GET", "/api/v1/incidents/%d/report.md" % i, token=eng)
    call("GET", "/api/v1/incidents/%d/report.html" % i, token=eng)
    call("GET", "/api/v1/incidents/%d/deliveries" % i, token=eng)
    call("GET", "/api/v1/deliveries?limit=2", token=eng)
    call("GET", "/api/v1/cases?q=%E7%A3%81%E7%9B%98", token=eng)
    call("GET", "/api/v1/dashboard", token=eng)
    # an L1 incident: the emergency leadership must acknowledge by link
    l1 = call("POST", "/api/v1/incidents", {"title": "核心数据库主库宕机", "ci_ids": [ci["id"]], "severity": "severe",
                                            "location": "主机房", "symptoms": "主库不可用", "impact_scope": "通关业务"},
              token=eng)
    call("POST", "/api/v1/incidents/%d/reports" % l1["id"], {"kind": "first"}, token=eng)
    call("PATCH", "/api/v1/incidents/%d" % l1["id"], {"severity": "moderate", "reason": "主库已部分恢复"}, token=eng)
    import time
    tokens = []
    for _ in range(100):
        tokens = list(dict.fromkeys(m.group(1) for m in (re.search(r"/ack/([A-Za-z0-9_-]{22})", b) for b in BODIES) if m))
        if tokens:
            break
        time.sleep(0.1)
    time.sleep(1)
    tokens = list(dict.fromkeys(m.group(1) for m in (re.search(r"/ack/([A-Za-z0-9_-]{22})", b) for b in BODIES) if m))
    for tk in tokens:
        call("GET", "/ack/" + tk, key=("GET", "/ack/{token}"))
        r = s.request("POST", "/ack/" + tk)
        if r.status == 200:
            samples[("POST", "/ack/{token}")] = (200, r.raw, r.headers.get("Content-Type", ""))
            break
    for who in ("chen", "li"):
        r = s.request("POST", "/api/v1/incidents/%d/ack" % l1["id"], token=users[who][1])
        if r.status == 200:
            samples[("POST", "/api/v1/incidents/{id}/ack")] = (r.status, r.json, "")
            break
    t = call("POST", "/api/v1/notify/test", {"channel": "sms-gw", "to": "13800000000"}, token=sys_t)
    call("GET", "/api/v1/notify/test/%d" % t["id"], token=sys_t)
    keys = {}
    for integ in ("api", "alertmanager", "zabbix"):
        keys[integ] = call("POST", "/api/v1/api-keys", {"name": "k-" + integ, "integration": integ}, token=sys_t)
    call("GET", "/api/v1/api-keys", token=sys_t)
    ev = call("POST", "/api/v1/events", {"source": "script", "dedup_key": "disk-1", "status": "firing",
                                         "severity": "warning", "summary": "磁盘使用率 85%", "ci": "报表服务器 report-srv",
                                         "labels": {"alertname": "DiskUsage"}}, token=keys["api"]["key"])
    call("POST", "/api/v1/integrations/alertmanager", {"version": "4", "status": "firing", "alerts": [{
        "status": "firing", "labels": {"alertname": "DiskFull", "instance": "核心数据库 core-db", "severity": "critical"},
        "annotations": {"summary": "磁盘满"}, "startsAt": "2026-11-21T08:00:00Z"}]}, token=keys["alertmanager"]["key"])
    call("POST", "/api/v1/integrations/zabbix", {"event_id": "4821", "event_value": "1", "event_update_status": "0",
                                                 "event_status": "PROBLEM", "event_nseverity": "4",
                                                 "event_severity": "High", "event_name": "CPU 过高",
                                                 "event_source": "0", "event_tags": "[]", "event_ts": "1767225600",
                                                 "host": "report-srv", "host_ip": "10.0.0.9", "trigger_id": "42",
                                                 "zabbix_url": "http://zabbix.example", "subject": "Problem",
                                                 "message": "详情"}, token=keys["zabbix"]["key"])
    call("GET", "/api/v1/events?limit=2", token=eng)
    call("GET", "/api/v1/events/stats", token=eng)
    call("GET", "/api/v1/events/review", token=eng)
    call("GET", "/api/v1/events/%d" % ev["events"][0]["id"], token=eng)
    w = call("POST", "/api/v1/maintenance-windows", {"name": "数据库升级", "starts_at": "2030-01-01T00:00:00Z",
                                                      "ends_at": "2030-01-01T04:00:00Z", "ci_id": ci["id"],
                                                      "matchers": [{"name": "alertname", "value": "DiskFull"}],
                                                      "comment": "CHG-1"}, token=eng)
    call("GET", "/api/v1/maintenance-windows", token=eng)
    call("GET", "/api/v1/maintenance-windows/%d" % w["id"], token=eng)
    call("PATCH", "/api/v1/maintenance-windows/%d" % w["id"], {"comment": "CHG-2"}, token=eng)
    call("DELETE", "/api/v1/maintenance-windows/%d" % w["id"], token=eng)
    call("POST", "/api/v1/api-keys/%d/revoke" % keys["api"]["id"], token=sys_t)
    call("GET", "/readyz")
    # the workflow kernel: records, their links, CIs and views; committees (a problem
    # manager: creating a problem runs its workflow's create action)
    u = call("POST", "/api/v1/users", {"username": "sun", "password": harness.USER_PW, "display_name": "孙经理",
                                       "department": "运行部"}, token=sys_t)
    call("PUT", "/api/v1/users/%d/roles" % u["id"], {"roles": ["problem_manager"]}, token=sec_t)
    mgr = s.login("sun", harness.USER_PW)
    pm = mgr
    prb = call("POST", "/api/v1/records", {"kind": "problem", "title": "报表服务器反复超时"}, token=pm)
    ke = call("POST", "/api/v1/known-errors", {"title": "磁盘老化导致 I/O 超时"}, token=pm)
    rid = prb["id"]
    call("GET", "/api/v1/records?kind=problem&limit=2", token=pm)
    call("GET", "/api/v1/records/%d" % rid, token=pm)
    call("PATCH", "/api/v1/records/%d" % rid, {"version": prb["version"], "urgency": "high"}, token=pm)
    call("POST", "/api/v1/records/%d/timeline" % rid, {"text": "已收集三次超时的日志"}, token=pm)
    call("GET", "/api/v1/records/%d/timeline" % rid, token=pm)
    lk = call("POST", "/api/v1/records/%d/links" % ke["id"], {"kind": "known_error_of", "to_id": rid}, token=pm)
    call("GET", "/api/v1/records/%d/links" % ke["id"], token=pm)
    call("DELETE", "/api/v1/records/%d/links/%d" % (ke["id"], lk["id"]), token=pm,
         key=("DELETE", "/api/v1/records/{id}/links/{link_id}"))
    call("POST", "/api/v1/records/%d/cis" % rid, {"ci_id": ci2["id"], "role": "affected"}, token=pm)
    call("GET", "/api/v1/records/%d/cis" % rid, token=pm)
    call("DELETE", "/api/v1/records/%d/cis/%d" % (rid, ci2["id"]), token=pm,
         key=("DELETE", "/api/v1/records/{id}/cis/{ci_id}"))
    for view in ("clocks", "approvals", "checklists"):
        call("GET", "/api/v1/records/%d/%s" % (rid, view), token=pm)
    cab = call("POST", "/api/v1/committees", {"key": "cab", "name_zh": "变更咨询委员会", "name_en": "Change advisory board",
                                              "members": [zid], "quorum": 1}, token=sys_t)
    call("GET", "/api/v1/committees", token=sys_t)
    call("GET", "/api/v1/committees/%d" % cab["id"], token=sys_t)
    call("PATCH", "/api/v1/committees/%d" % cab["id"], {"quorum": 1, "name_en": "CAB"}, token=sys_t)
    call("DELETE", "/api/v1/committees/%d" % cab["id"], token=sys_t)
    # the workflow kernel applied: problems, actions, votes, checklist items (docs/problems.md)
    u2 = call("POST", "/api/v1/users", {"username": "zhou", "password": harness.USER_PW, "display_name": "周经理",
                                        "department": "运行部"}, token=sys_t)
    call("PUT", "/api/v1/users/%d/roles" % u2["id"], {"roles": ["problem_manager"]}, token=sec_t)
    mgr2 = s.login("zhou", harness.USER_PW)
    p = call("POST", "/api/v1/problems", {"title": "报表服务器连接池耗尽", "fields": {
        "impact": "medium", "urgency": "high", "category": "database/pool", "domain": "database",
        "description": "高峰期连接池满，报表查询超时"}}, token=mgr)
    pid = p["id"]
    call("POST", "/api/v1/incidents/%d/problem" % i, {"fields": {"impact": "low", "urgency": "medium"}}, token=mgr)
    call("GET", "/api/v1/problems?limit=1", token=mgr)
    call("GET", "/api/v1/records/%d/actions" % pid, token=mgr)
    v = call("POST", "/api/v1/records/%d/actions/accept" % pid, {"version": p["version"]}, token=mgr,
             key=("POST", "/api/v1/records/{id}/actions/{action}"))
    v = call("POST", "/api/v1/records/%d/actions/assign" % pid, {"version": v["version"], "fields": {
        "assignee_id": u["id"]}}, token=mgr, key=("POST", "/api/v1/records/{id}/actions/{action}"))
    v = call("POST", "/api/v1/records/%d/actions/start" % pid, {"version": v["version"]}, token=mgr,
             key=("POST", "/api/v1/records/{id}/actions/{action}"))
    v = call("PATCH", "/api/v1/problems/%d" % pid, {"version": v["version"], "fields": {
        "workaround": "高峰前扩大连接池", "root_cause": "报表查询未释放连接"}}, token=mgr)
    v = call("POST", "/api/v1/records/%d/actions/resolve" % pid, {"version": v["version"], "fields": {
        "solution": "修复连接释放", "solution_evidence": "压测报告 RPT-7"}}, token=mgr,
             key=("POST", "/api/v1/records/{id}/actions/{action}"))
    v = call("POST", "/api/v1/problems/%d/review" % pid, {"version": v["version"], "review": "复盘：连接泄漏"},
             token=mgr)
    rounds = s.get("/api/v1/records/%d/approvals" % pid, token=mgr).json["items"]
    call("POST", "/api/v1/records/%d/approvals/%d/votes" % (pid, rounds[0]["id"]), {
        "step": "major_review", "decision": "more_info", "comment": "请补充时间线"}, token=mgr2,
         key=("POST", "/api/v1/records/{id}/approvals/{round_id}/votes"))
    cl = s.get("/api/v1/records/%d/checklists" % pid, token=mgr).json["items"]
    call("PUT", "/api/v1/records/%d/checklists/%d/items/ke_updated" % (pid, cl[0]["id"]), {
        "value": True, "note": "KE-2026-000001 已更新"}, token=mgr,
         key=("PUT", "/api/v1/records/{id}/checklists/{checklist_id}/items/{item_key}"))
    call("GET", "/api/v1/problems/%d" % pid, token=mgr)
    call("POST", "/api/v1/approval-delegations", {"delegate_id": u2["id"], "from": "2026-12-01T00:00:00Z",
                                                  "until": "2026-12-31T00:00:00Z"}, token=mgr)
    call("GET", "/api/v1/approval-delegations", token=mgr)
    # service levels: a service, an incident's impact interval, a manual one approved, a correction, figures
    def rfc(ms):
        return datetime.datetime.fromtimestamp(ms / 1000, tz=datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    call("POST", "/api/v1/services", {"key": "svc-report", "name": "报表服务", "ci_id": ci2["id"],
                                      "availability_target": "99.5%"}, token=eng)
    call("GET", "/api/v1/services", token=eng)
    t0 = s.now_ms()
    call("POST", "/api/v1/incidents/%d/impact-intervals" % i, {"service": "svc-report", "kind": "unplanned",
                                                               "starts_at": rfc(t0 - 2 * 3600000),
                                                               "ends_at": rfc(t0 - 3600000)}, token=eng)
    call("GET", "/api/v1/incidents/%d/impact-intervals" % i, token=eng)
    mi = call("POST", "/api/v1/outage-intervals", {"service": "svc-report", "kind": "degraded",
                                                   "starts_at": rfc(t0 - 30 * 60000), "ends_at": rfc(t0 - 20 * 60000),
                                                   "note": "报表查询变慢"}, token=eng)
    call("POST", "/api/v1/outage-intervals/%d/approve" % mi["id"], token=head)
    call("POST", "/api/v1/outage-intervals/%d/correct" % mi["id"], {"ends_at": rfc(t0 - 10 * 60000),
                                                                    "reason": "监控显示 10 分钟前才恢复"}, token=eng)
    call("GET", "/api/v1/outage-intervals/%d" % mi["id"], token=eng)
    call("GET", "/api/v1/service-levels?from=%s&to=%s" % (rfc(t0 - 86400000), rfc(t0 + 60000)), token=eng)
    call("POST", "/api/v1/incidents/%d/correct-time" % i, {"field": "detected_at", "value": rfc(t0 - 7 * 86400000),
                                                           "reason": "监控告警记录更早"}, token=head)
    run = call("POST", "/api/v1/reports/runs", {"kind": "weekly"}, token=eng)
    call("GET", "/api/v1/reports/runs?limit=2", token=eng)
    call("GET", "/api/v1/reports/definitions?limit=2", token=eng)
    call("POST", "/api/v1/reports/runs/%d/manual" % run["id"], {"sections": {"next_week_plan": "下周升级报表服务"}},
         token=eng)
    call("POST", "/api/v1/reports/runs/%d/submit" % run["id"], token=eng)
    call("POST", "/api/v1/reports/runs/%d/return" % run["id"], {"note": "请补充下周计划的责任人"}, token=head)
    call("POST", "/api/v1/reports/runs/%d/manual" % run["id"],
         {"sections": {"next_week_plan": "下周升级报表服务（负责人：张工）"}}, token=eng)
    call("POST", "/api/v1/reports/runs/%d/submit" % run["id"], token=eng)
    call("POST", "/api/v1/reports/runs/%d/file" % run["id"], {"note": "同意分发"}, token=head)
    call("GET", "/api/v1/reports/runs/%d" % run["id"], token=eng)
    for view in ("report.md", "report.html", "report.json", "services.csv", "incidents.csv"):
        call("GET", "/api/v1/reports/runs/%d/%s" % (run["id"], view), token=eng)
    call("POST", "/api/v1/reports/runs/%d/distribute" % run["id"], token=users["li"][1])
    # the known-error database and problem candidates
    kerr = call("POST", "/api/v1/known-errors", {"title": "数据盘写满导致入库失败", "symptoms": "入库任务报 ENOSPC",
                                                  "root_cause": "归档日志未轮转", "workaround": "清理 /data/tmp 下的归档日志",
                                                  "solution": "启用 logrotate", "problem_id": rid,
                                                  "ci_ids": [ci2["id"]], "match_rules": ['alertname!="Watchdog"']},
                token=pm)
    call("GET", "/api/v1/known-errors?limit=2", token=pm)
    call("GET", "/api/v1/known-errors/%d" % kerr["id"], token=pm)
    call("PATCH", "/api/v1/known-errors/%d" % kerr["id"], {"version": kerr["version"], "published": True}, token=pm)
    call("GET", "/api/v1/known-errors/search?q=" + urllib.parse.quote("归档日志"), token=pm)
    call("GET", "/api/v1/incidents/%d/known-errors" % i, token=pm)
    call("GET", "/api/v1/events/%d/known-errors" % ev["events"][0]["id"], token=pm)
    call("POST", "/api/v1/incidents/%d/apply-known-error" % i, {"ke_id": kerr["id"]}, token=pm)
    for n in range(3):
        call("POST", "/api/v1/incidents", {"title": "报表服务器超时 %d" % n, "ci_ids": [ci2["id"]], "severity": "minor"},
             token=eng)
    call("POST", "/api/v1/problems/candidates/scan", token=pm)
    cands = call("GET", "/api/v1/problems/candidates?state=open", token=pm)
    call("POST", "/api/v1/problems/candidates/%d/accept" % cands["items"][0]["id"], {}, token=pm)
    call("POST", "/api/v1/problems/candidates/scan", token=pm)
    cands = call("GET", "/api/v1/problems/candidates?state=open", token=pm)
    if cands["items"]:
        call("POST", "/api/v1/problems/candidates/%d/dismiss" % cands["items"][0]["id"], token=pm)
    # emergency plans: versions, the leadership group's approval, the review cycle
    pe_id = call("POST", "/api/v1/users", {"username": "qian", "password": harness.USER_PW, "display_name": "孙工",
                                           "department": "运行部"}, token=sys_t)["id"]
    call("PUT", "/api/v1/users/%d/roles" % pe_id, {"roles": ["emergency_engineering"]}, token=sec_t)
    l2_id = call("POST", "/api/v1/users", {"username": "wu", "password": harness.USER_PW, "display_name": "周总",
                                           "department": "数据中心"}, token=sys_t)["id"]
    call("PUT", "/api/v1/users/%d/roles" % l2_id, {"roles": ["emergency_leadership"]}, token=sec_t)
    pe, l2 = s.login("qian", harness.USER_PW), s.login("wu", harness.USER_PW)
    l1_inc = l1["id"]
    l1_id, l1 = users["chen"]
    call("POST", "/api/v1/committees", {"key": "emergency_leadership", "name_zh": "应急领导小组",
                                        "name_en": "Emergency leadership group", "chair_id": l1_id,
                                        "members": [l2_id], "quorum": 2}, token=sys_t)
    pl = call("POST", "/api/v1/plans", {"title": "核心数据库故障专项应急预案",
                                        "fields": {"owner_id": pe_id, "scope_classes": ["database"],
                                                   "scope_ci_ids": [ci["id"]], "scope_services": ["网上银行"]}},
              token=pe)
    pid = pl["id"]
    call("POST", "/api/v1/plans/%d/versions" % pid,
         {"body": "# 核心数据库故障专项应急预案\n\n1. 值班工程师确认故障并报告\n2. 启动 **一级响应**\n"}, token=pe)

    def plan_act(action, token, **kw):
        body = {"version": call("GET", "/api/v1/plans/%d" % pid, token=pe)["version"]}
        body.update(kw)
        call("POST", "/api/v1/records/%d/actions/%s" % (pid, action), body, token=token)
    plan_act("evaluate", pe, fields={"evaluation": "桌面推演通过，联系人已核对"})
    plan_act("submit", pe)
    rnd = call("GET", "/api/v1/records/%d/approvals" % pid, token=pe)["items"][-1]["id"]
    for tok in (l1, l2):
        call("POST", "/api/v1/records/%d/approvals/%d/votes" % (pid, rnd),
             {"step": "plan_approval", "decision": "approve"}, token=tok)
    plan_act("approve", pe)
    plan_act("publish", l1)
    call("GET", "/api/v1/plans/%d/versions/1" % pid, token=pe, key=("GET", "/api/v1/plans/{id}/versions/{n}"))
    call("GET", "/api/v1/plans?limit=2", token=pe)
    call("GET", "/api/v1/incidents/%d/plans" % l1_inc, token=pe)
    pl = call("GET", "/api/v1/plans/%d" % pid, token=pe)
    call("PATCH", "/api/v1/plans/%d" % pid, {"version": pl["version"], "fields": {"review_months": 1}}, token=pe)
    call("POST", "/api/v1/trainings", {"user_id": pe_id, "topic": "数据库故障应急预案培训", "hours": 3.5,
                                       "held_at": "2026-01-05T09:00:00Z", "plan_id": pid}, token=pe)
    call("GET", "/api/v1/trainings?user_id=%d" % pe_id, token=pe)
    call("GET", "/api/v1/readiness", token=pe)
    call("GET", "/api/v1/training/hours", token=pe)
    call("GET", "/api/v1/readiness/roster", token=pe)
    # training courses and sessions (docs/plans.md "Courses and sessions")
    crs = call("POST", "/api/v1/training/courses", {"title": "数据库故障应急处置", "hours": 8, "positions": [],
                                                    "description": "预案要点、主备切换与恢复验证",
                                                    "validity_months": 12}, token=pe)
    call("GET", "/api/v1/training/courses", token=pe)
    call("GET", "/api/v1/training/courses/%d" % crs["id"], token=pe)
    call("PATCH", "/api/v1/training/courses/%d" % crs["id"], {"description": "预案要点、主备切换、恢复验证与复盘"},
         token=pe)
    ses = call("POST", "/api/v1/training/sessions", {
        "course_id": crs["id"], "starts_at": "2026-01-06T01:00:00Z", "ends_at": "2026-01-06T09:00:00Z",
        "trainer_id": pe_id, "location": "三楼培训室", "materials": "https://wiki.example.cn/db-failover",
        "attendees": [{"user_id": zid}, {"user_id": users["li"][0]}]}, token=pe)
    call("POST", "/api/v1/training/sessions/%d/results" % ses["id"], {"attendees": [
        {"user_id": zid, "attended": True, "assessment": "pass", "score": 92},
        {"user_id": users["li"][0], "attended": False, "assessment": "absent"}]}, token=pe)
    call("GET", "/api/v1/training/sessions", token=pe)
    call("GET", "/api/v1/training/sessions/%d" % ses["id"], token=pe)
    # upkeep: the risk assessment of 运行部 and content feedback (docs/upkeep.md)
    call("POST", "/api/v1/risk-assessments", {"held_at": "2026-11-30T09:00:00Z", "scope": "核心数据库与存储",
                                              "findings": "主库磁盘使用率 85%", "risks": "磁盘写满导致业务中断",
                                              "actions": "一周内扩容；增加 80% 告警"}, token=pe)
    call("GET", "/api/v1/risk-assessments", token=pe)
    call("GET", "/api/v1/risk-assessments/due", token=pe)
    fb = call("POST", "/api/v1/content-feedback", {"plan_id": pid, "source": "drill",
                                                   "text": "演练中切换步骤顺序有误"}, token=pe)
    call("GET", "/api/v1/content-feedback?open=true", token=pe)
    call("POST", "/api/v1/content-feedback/%d/address" % fb["id"], {"change": "plan",
                                                                     "resolution": "预案第 3 步顺序已修订"},
         token=pe, key=("POST", "/api/v1/content-feedback/{id}/address"))
    # a drill of the plan: sandbox, its simulated incident, the scorecard (docs/drills.md)
    dr = call("POST", "/api/v1/drills", {"title": "核心数据库故障功能演练", "fields": {
        "plan_id": pid, "goals": "检验一级响应的通知与启动", "participants": [l1_id, pe_id],
        "planned_steps": ["goal", "plan", "resources", "run", "evaluate", "lessons", "review"]}}, token=l1)
    did = dr["id"]
    call("PATCH", "/api/v1/drills/%d" % did, {"version": dr["version"], "fields": {
        "scenario": "主库磁盘故障，业务中断", "scheduled_at": "2026-12-20T02:00:00Z"}}, token=l1)

    def drill_act(action, **kw):
        body = {"version": call("GET", "/api/v1/drills/%d" % did, token=l1)["version"]}
        body.update(kw)
        call("POST", "/api/v1/records/%d/actions/%s" % (did, action), body, token=l1)
    drill_act("prepare")
    drill_act("start")
    dinc = call("POST", "/api/v1/drills/%d/inject" % did, {"title": "【演练】核心数据库不可用", "ci_ids": [ci["id"]],
                                                    "severity": "severe", "location": "主机房",
                                                    "symptoms": "连接超时", "impact_scope": "全部业务"}, token=eng)
    call("GET", "/api/v1/drills/%d" % did, token=pe)
    call("GET", "/api/v1/drills?limit=2", token=pe)
    call("GET", "/api/v1/drills/%d/scorecard" % did, token=pe)
    call("POST", "/api/v1/drills/%d/findings" % did, {"kind": "problem", "title": "部门负责人未确认告警",
                                                      "description": "演练中部门负责人未在期限内确认"}, token=l1)
    call("PUT", "/api/v1/drills/%d/scores" % did, {"item": "communication", "score": 4, "note": "通报及时"}, token=l1)
    call("POST", "/api/v1/incidents/%d/reports" % dinc["id"], {"kind": "first"}, token=eng)
    call("POST", "/api/v1/incidents/%d/reports" % dinc["id"], {
        "kind": "second", "response_level": "R1", "system_impact": "核心业务中断",
        "estimated_recovery_at": "2026-12-31T00:00:00Z"}, token=eng)
    call("POST", "/api/v1/incidents/%d/activate" % dinc["id"], {"plan_id": pid}, token=l1)
    call("GET", "/api/v1/incidents/%d/activations" % dinc["id"], token=pe)
    call("GET", "/api/v1/audit?limit=2", token=aud_t)
    call("GET", "/api/v1/audit/verify", token=aud_t)
    call("POST", "/api/v1/auth/password", {"old_password": harness.USER_PW, "new_password": "New-pass-12"},
         token=users["li"][1])
    call("POST", "/api/v1/auth/logout", token=users["zhao"][1])
    # last: a month later the plan's review is due (sessions expire on the way)
    call("POST", "/api/v1/test/clock", {"advance_seconds": 32 * 86400})
    call("GET", "/api/v1/plans/overdue", token=s.login("qian", harness.USER_PW))
    call("POST", "/api/v1/test/clock", {"advance_seconds": 366 * 86400})
    call("GET", "/api/v1/drills/overdue", token=s.login("qian", harness.USER_PW))


def inject(samples):
    # a retried message answers with its incident (GET /api/v1/incidents/{id})
    samples.setdefault(("POST", "/api/v1/messages/{id}/retry"), samples[("GET", "/api/v1/incidents/{id}")])
    with open(SPEC, encoding="utf-8") as f:
        lines = f.read().split("\n")
    out, path, method, i, done, wrong = [], None, None, 0, set(), []
    while i < len(lines):
        line = lines[i]
        m = re.match(r"^  (/\S*):\s*$", line)
        if m:
            path = m.group(1)
        m = re.match(r"^    (get|post|put|patch|delete):\s*$", line)
        if m:
            method = m.group(1).upper()
        m = re.match(r'^        "(2\d\d)":\s*$', line)
        key = (method, path)
        if m and key in samples:
            # copy the response block, rewriting its media types
            out.append(line)
            i += 1
            status, body, _ctype = samples[key]
            if status != int(m.group(1)):
                wrong.append("%s %s: documented %s, answered %d" % (method, path, m.group(1), status))
            while i < len(lines) and (lines[i].startswith("          ") or not lines[i].strip()):
                l2 = lines[i]
                mm = re.match(r"^            ([\w/+.-]+):\s*$", l2)
                if mm:
                    out.append(l2)
                    i += 1
                    media = []
                    while i < len(lines) and lines[i].startswith("              "):
                        media.append(lines[i])
                        i += 1
                    text = "\n".join(media)
                    text = re.sub(r"(?m)^              example: .*$\n?", "", text).rstrip("\n")
                    if mm.group(1) == "application/json" and isinstance(body, (dict, list)):
                        if re.fullmatch(r"              schema:\n                type: object", text) or \
                                text.startswith("              schema: {\"type\""):
                            text = "              schema: " + json.dumps(infer(body), ensure_ascii=False)
                        text += "\n              example: " + json.dumps(body, ensure_ascii=False)
                    elif not isinstance(body, (dict, list)):
                        text += "\n              example: " + json.dumps(body[:600], ensure_ascii=False)
                    out.extend(text.split("\n"))
                    done.add(key)
                    continue
                out.append(l2)
                i += 1
            continue
        out.append(line)
        i += 1
    with open(SPEC, "w", encoding="utf-8") as f:
        f.write("\n".join(out))
    missing = sorted(set(samples) - done)
    print("examples for %d operations; sampled but not placed: %s" % (len(done), missing))
    for w in wrong:
        print("status differs:", w)


if __name__ == "__main__":
    main()
