"""test_bad_input.py — the bad input catalogue (DESIGN.md "Errors":
bad input never crashes the server and never leaves a partial write).

Every POST/PATCH/PUT route of the route table (src/http/routes.c, the same
list docs/api/openapi.yaml must hold) gets, from a sample body in SAMPLES:
malformed JSON, a truncated body, a raw NUL byte, a non-object body, huge
numbers (1e400, 2^63), deep nesting, an oversize body (413, by length and by
Content-Length), an unknown field, and for every field wrong types, huge
numbers, deep nesting, invalid UTF-8, NUL (\\u0000); and in every string
field (also strings inside arrays) SQL metacharacters, `{MACRO}` /
`{{macro}}` literals and a very long string.  Each is answered 4xx with
nothing written (row count of every table, the meta rows and the audit head
compared before and after), or — where the value is legitimately free text —
accepted and read back verbatim (a write-only secret is read back from the
database and must never appear in an answer).  Foreign webhook formats
(Alertmanager, Zabbix) follow their own documented rules: fields opsdesk does
not use are ignored (spec `ignored`, `unknown`), and Zabbix parameters may be
numbers written as numbers (spec `int_as_text`); docs/events.md.

Ingestion routes (R-EVT-1) authenticate with an integration API key, not a
user session, and answer 202 after the group commit with the event ids; the
event is read back with GET /api/v1/events/{id} (its `raw` is the original
JSON).  POST /ack/{token} (R-NOT-4) is a browser form POST without fields:
any body field is refused (400) before the token is looked up, an unknown
token is 404, and nothing is written for either.

Data-driven: a new write route without a sample body here fails
test_every_write_route_has_a_sample, naming the route.
"""
import hashlib
import json
import os
import re
import sqlite3
import itertools
import tempfile
import urllib.parse

import harness
from harness import ROOT

ROUTES = re.findall(r'\{\s*"(POST|PATCH|PUT)",\s*"([^"]+)",\s*P\((\w+)\)',
                    open(os.path.join(ROOT, "src", "http", "routes.c"), encoding="utf-8").read())
SEQ = itertools.count(1)

# Values every string field must survive: 4xx, or stored and read back equal.
STRING_VALUES = [
    "'; DROP TABLE x;--",
    "\" OR 1=1 -- ",
    "{MACRO}",
    "{{text}} {{secret}} ${HOME} %s%n",
    "<script>alert(1)</script>",
    "长" * 30000,          # 90 000 bytes: past every field cap
]
# Raw JSON spliced in place of a field's value.
RAW_NUMBERS = ["1e400", "-1e400", "9223372036854775808", "-9223372036854775809", "18446744073709551616",
               "1" + "0" * 400]
WRONG_TYPES = [123, 1.5, True, "text", [], {}, [1, "x"], {"a": 1}]
DEEP = "[" * 5000 + "]" * 5000
MIB = 1024 * 1024

PLACEHOLDER = "\x01PLACEHOLDER\x01"


def unique():
    return next(SEQ)


def retired_ci(t):
    """A new CI of its own, retired (the sample of POST /cis/{id}/unretire)."""
    cid = t.srv.post("/api/v1/cis", {"name": "bi-unretire-%d" % unique(), "category": "server", "grade": "L3",
                                     "department": "运行部"}, token=t.tok["eng"]).json["id"]
    assert t.srv.post("/api/v1/cis/%d/retire" % cid, {"reason": "下线"}, token=t.tok["eng"]).status == 200
    return cid


def bi_course(t):
    """A training course of its own (the samples of the course and session routes)."""
    if not getattr(type(t), "bi_course_id", None):
        r = t.srv.post("/api/v1/training/courses", {"title": "坏输入课程", "hours": 2}, token=t.tok["plan"])
        assert r.status == 201, r
        type(t).bi_course_id = r.json["id"]
    return type(t).bi_course_id


def bi_session(t):
    """A training session of bi_course, held in 2020, with the plan writer attending."""
    if not getattr(type(t), "bi_session_id", None):
        r = t.srv.post("/api/v1/training/sessions", {
            "course_id": bi_course(t), "starts_at": "2020-01-01T01:00:00Z", "ends_at": "2020-01-01T03:00:00Z",
            "trainer_id": t.uid["plan"], "attendees": [{"user_id": t.uid["plan"]}]}, token=t.tok["plan"])
        assert r.status == 201, r
        type(t).bi_session_id = r.json["id"]
    return type(t).bi_session_id


# ---- the samples: one per write route --------------------------------------
# key "METHOD pattern": user (a key of BadInput.tok), body(t) -> dict (t: the
# test case, for ids), read(t, resp) -> path to read the record back or None.
# expect: statuses a well-formed sample may get when a string field is
# replaced (e.g. 401 for login) — default any 2xx (then read back) or 4xx.
# writes_ok: tables a rejected request may still write (login.fail audits).
# reader: who reads the record back (ingestion keys cannot read).
# token(t): the path token of /ack/{token}.
# write_only: {field: (t) -> (sql, args)} — a secret never answered; read
#   back from the database, and it must not appear in the answers.
# array_ok: the body may also be an array of samples (a batch).
# unknown: "stored" (kept verbatim in the record) or "ignored" (a foreign
#   format's field opsdesk does not use); default: refused.
# ignored: top-level fields of a foreign format opsdesk does not use: 4xx, or
#   2xx with the record readable.  int_as_text: a number for a string field
#   is taken as its decimal text (Zabbix).
# number: fields that are any JSON number (hours): an integer for a fraction is
#   not a wrong type.
SAMPLES = {
    "POST /api/v1/test/clock": dict(user=None, body=lambda t: {"advance_seconds": 0}),
    # a failed sign-in is audited and, on PostgreSQL, counted in the lockouts shared by every node
    "POST /api/v1/auth/login": dict(user=None, body=lambda t: {"username": "bi_eng", "password": "Wrong-pass-1!"},
                                    writes_ok={"audit", "login_lockouts"}, last=True),
    "POST /api/v1/auth/logout": dict(user="logout", body=lambda t: {}),
    # a wrong old password counts like a failed login: audited (password.fail),
    # then the account and the address are locked out (429) — so it runs last too
    "POST /api/v1/auth/password": dict(user="pw", body=lambda t: {"old_password": "Wrong-pass-1!",
                                                                   "new_password": "New-pass-1!x"},
                                       writes_ok={"audit", "login_lockouts"}, last=True),
    "POST /api/v1/users": dict(user="sysadmin", body=lambda t: {
        "username": "bi_u%d" % unique(), "password": harness.USER_PW, "display_name": "显示名",
        "department": "运行部", "phone": "13800000000", "email": "a@example.cn", "lang": "zh-CN"},
        read=lambda t, r: "/api/v1/users/%d" % r["id"]),
    "PATCH /api/v1/users/{id}": dict(user="sysadmin", ids=lambda t: [t.victim], body=lambda t: {
        "display_name": "改名", "department": "运行部", "phone": "1", "email": "b@example.cn", "lang": "en"},
        read=lambda t, r: "/api/v1/users/%d" % t.victim),
    "PUT /api/v1/users/{id}/roles": dict(user="secadmin", ids=lambda t: [t.victim], body=lambda t: {
        "roles": ["ops_engineer"], "scopes": ["运行部"]}, read=lambda t, r: "/api/v1/users/%d" % t.victim),
    "POST /api/v1/users/{id}/disable": dict(user="sysadmin", ids=lambda t: [t.victim], body=lambda t: {}),
    "POST /api/v1/users/{id}/enable": dict(user="sysadmin", ids=lambda t: [t.victim], body=lambda t: {}),
    "POST /api/v1/users/{id}/reset-password": dict(user="sysadmin", ids=lambda t: [t.victim], body=lambda t: {}),
    "POST /api/v1/cis": dict(user="eng", body=lambda t: {
        "name": "bi-ci-%d" % unique(), "category": "application", "grade": "L3", "department": "运行部",
        "environment": "production", "location": "机房A", "attributes": {"k": "v"}},
        read=lambda t, r: "/api/v1/cis/%d" % r["id"]),
    "PATCH /api/v1/cis/{id}": dict(user="eng", ids=lambda t: [t.ci], body=lambda t: {
        "location": "机房B", "environment": "production"}, read=lambda t, r: "/api/v1/cis/%d" % t.ci),
    "POST /api/v1/cis/{id}/relations": dict(user="eng", ids=lambda t: [t.ci], body=lambda t: {
        "type": "depends_on", "target_id": t.ci2}, read=lambda t, r: "/api/v1/cis/%d" % t.ci),
    "POST /api/v1/cis/{id}/verify": dict(user="eng", ids=lambda t: [t.ci], body=lambda t: {}),
    # a CI of its own each time: a retired CI is no longer usable by the other samples
    "POST /api/v1/cis/{id}/retire": dict(user="eng", ids=lambda t: [t.srv.post("/api/v1/cis", {
        "name": "bi-retire-%d" % unique(), "category": "server", "grade": "L3", "department": "运行部"},
        token=t.tok["eng"]).json["id"]], body=lambda t: {"reason": "下线"},
        read=lambda t, r: "/api/v1/cis/%d" % r["id"]),
    # the reason is kept by the audit entry (ci.unretire, after.reason)
    "POST /api/v1/cis/{id}/unretire": dict(user="eng", reader="auditor", ids=lambda t: [retired_ci(t)],
                                           body=lambda t: {"reason": "误下线"},
                                           read=lambda t, r: "/api/v1/audit?entity=ci&entity_id=%d" % r["id"]),
    "POST /api/v1/incidents": dict(user="eng", body=lambda t: {
        "title": "坏输入 %d" % unique(), "ci_ids": [t.ci], "severity": "minor", "location": "机房A",
        "symptoms": "慢", "impact_scope": "无", "drill": True, "detected_at": None},
        read=lambda t, r: "/api/v1/incidents/%d" % r["id"]),
    "PATCH /api/v1/incidents/{id}": dict(user="eng", ids=lambda t: [t.inc], body=lambda t: {
        "severity": "moderate", "reason": "理由", "response_level": None, "ci_ids": [t.ci]},
        read=lambda t, r: "/api/v1/incidents/%d" % t.inc),
    "POST /api/v1/incidents/{id}/reports": dict(user="eng", ids=lambda t: [t.inc], body=lambda t: {
        "kind": "progress", "text": "进展", "desk": "ops_security"},
        read=lambda t, r: "/api/v1/incidents/%d" % t.inc),
    "POST /api/v1/incidents/{id}/activate": dict(user="lead", ids=lambda t: [t.inc], body=lambda t: {}),
    "POST /api/v1/incidents/{id}/close": dict(user="lead", ids=lambda t: [t.inc], body=lambda t: {}),
    "POST /api/v1/incidents/{id}/ack": dict(user="eng", ids=lambda t: [t.inc], body=lambda t: {}),
    # a failed message sent again: no body fields at all (the id is enough)
    "POST /api/v1/messages/{id}/retry": dict(user="eng", ids=lambda t: [1], body=lambda t: {}),
    "POST /api/v1/incidents/{id}/review": dict(user="eng", ids=lambda t: [t.inc], body=lambda t: {
        "cause_analysis": "a", "lessons": "b", "improvements": "c", "measures": "d", "result": "e"}),
    # the incident's owner (负责人): an engineer who may handle incidents
    "PUT /api/v1/incidents/{id}/owner": dict(user="eng", ids=lambda t: [t.inc], body=lambda t: {"user_id": t.uid["eng"]},
                                             read=lambda t, r: "/api/v1/incidents/%d" % t.inc),
    # seed 000 ch. 8 §1: the handling department, by the R3 authority, with a reason
    "PUT /api/v1/incidents/{id}/handling-department": dict(user="opsdept", ids=lambda t: [t.inc], body=lambda t: {
        "department": "部门%d" % unique(), "reason": "理由"}, read=lambda t, r: "/api/v1/incidents/%d" % t.inc),
    # seed 000 ch. 7 §2.1 item 3: a desk's owner (接口负责人)
    "PUT /api/v1/desk-owners": dict(user="sysadmin", body=lambda t: {"desk": "ops_security", "user_id": t.uid["eng"]}),
    # seed 000 ch. 9 §4: vendor and key-customer contacts
    "POST /api/v1/contacts": dict(user="eng", body=lambda t: {
        "kind": "vendor", "name": "厂商 %d" % unique(), "organisation": "某厂商", "phone": "13900000002",
        "email": "v@example.cn", "ci_id": t.ci, "service": "服务", "levels": ["L1"], "note": "备注"},
        read=lambda t, r: "/api/v1/contacts?limit=500"),
    "PATCH /api/v1/contacts/{id}": dict(user="eng", ids=lambda t: [t.contact], body=lambda t: {
        "name": "改 %d" % unique(), "organisation": "某客户", "service": "服务"},
        read=lambda t, r: "/api/v1/contacts?limit=500"),
    # an internal work note: a timeline entry, notifies nobody
    "POST /api/v1/incidents/{id}/notes": dict(user="eng", ids=lambda t: [t.inc], body=lambda t: {"text": "工作记录"},
                                              read=lambda t, r: "/api/v1/incidents/%d" % t.inc),
    # R-NOT-4: the link's page posts a form without fields; the sample is that
    # empty body (never sent: it would acknowledge), so every case is a body
    # that no browser form of ours sends.
    "POST /ack/{token}": dict(user=None, token=lambda t: t.ack_token, body=lambda t: {}),
    # a decide link (docs/problems.md): an unknown token, so every variant is a 4xx writing nothing
    "POST /approve/{token}": dict(user=None, token=lambda t: "A" * 22,
                                  body=lambda t: {"decision": "approve", "comment": "同意"}),
    # the directory (R-NOT-1/R-NOT-7): an administrator sets another person's
    # channels and language; a personal bot only its owner (R-SEC-SYS-2, below)
    "PUT /api/v1/users/{id}/notify": dict(user="sysadmin", ids=lambda t: [t.uid["quiet"]], body=lambda t: {
        "channels": {"L1": ["sms", "email"]}, "lang": "zh-CN"},
        read=lambda t, r: "/api/v1/users/%d/notify" % t.uid["quiet"]),
    "PUT /api/v1/auth/me/notify": dict(user="quiet", body=lambda t: {
        "bot_kind": "wecom", "bot_url": "http://127.0.0.1:9/cgi-bin/webhook/send?key=bi",
        "bot_secret": "", "channels": {"NG": ["email"]}, "lang": "en"},
        read=lambda t, r: "/api/v1/auth/me/notify",
        write_only={"bot_secret": lambda t: ("SELECT bot_secret FROM user_notify WHERE user_id = ?",
                                             (t.uid["quiet"],))}),
    # `opsdesk notify test` over the e-mail channel of CHANNELS (nothing listens)
    "POST /api/v1/notify/test": dict(user="sysadmin", body=lambda t: {"channel": "bi-mail", "to": "noc@example.cn"},
                                     read=lambda t, r: "/api/v1/notify/test/%d" % r["id"]),
    # R-EVT-1 ingestion: API keys as bearer tokens; read back by an engineer.
    # The own format takes one event or an array of them (array_ok).
    "POST /api/v1/events": dict(user="key_api", reader="eng", array_ok=True, body=lambda t: {
        "source": "bi-mon", "dedup_key": "bi-ev-%d" % unique(), "status": "firing", "severity": "warning",
        "summary": "坏输入事件", "ci": "bi-base", "labels": {"alertname": "BiEvent", "team": "运行"},
        "annotations": {"description": "说明"}, "starts_at": "2026-01-01T00:00:00Z",
        "ends_at": "2026-01-01T01:00:00Z"},
        read=lambda t, r: "/api/v1/events/%d" % r["events"][0]["id"]),
    # Alertmanager v4: unknown top-level fields and `version`'s value are
    # ignored (docs/events.md); each alert object is kept as the event's raw
    "POST /api/v1/integrations/alertmanager": dict(user="key_am", reader="eng", unknown="ignored",
                                                   ignored={"version"}, body=lambda t: {
        "version": "4", "status": "firing", "alerts": [{
            "status": "firing", "labels": {"alertname": "BiAlert", "instance": "bi-am-%d:9100" % unique(),
                                           "severity": "warning"},
            "annotations": {"summary": "坏输入告警"}, "startsAt": "2026-01-01T00:00:00Z",
            "endsAt": "0001-01-01T00:00:00Z", "generatorURL": "http://prometheus.example/graph",
            "fingerprint": "%016x" % (0xb1000000 + unique())}]},
        read=lambda t, r: "/api/v1/events/%d" % r["events"][0]["id"]),
    # Zabbix media type: every parameter is a string, a number is taken as its
    # decimal text; the whole body is the event's raw
    "POST /api/v1/integrations/zabbix": dict(user="key_zbx", reader="eng", unknown="stored", int_as_text=True,
                                             body=lambda t: {
        "event_id": str(900000 + unique()), "event_value": "1", "event_update_status": "0",
        "event_status": "PROBLEM", "event_nseverity": "2", "event_severity": "Warning", "event_name": "BI problem",
        "event_source": "0", "event_tags": '[{"tag":"scope","value":"bi"}]', "event_ts": "1767225600",
        "host": "bi-zbx-host", "host_ip": "10.0.0.9", "trigger_id": "42", "zabbix_url": "http://zabbix.example",
        "subject": "Problem: BI", "message": "详情 details"},
        read=lambda t, r: "/api/v1/events/%d" % r["events"][0]["id"]),
    "POST /api/v1/maintenance-windows": dict(user="eng", body=lambda t: {
        "name": "bi-win-%d" % unique(), "starts_at": "2030-01-01T00:00:00Z", "ends_at": "2030-01-02T00:00:00Z",
        "matchers": [{"name": "alertname", "value": "BiNever"}], "ci_id": t.ci, "comment": "坏输入窗口"},
        read=lambda t, r: "/api/v1/maintenance-windows/%d" % r["id"]),
    "PATCH /api/v1/maintenance-windows/{id}": dict(user="eng", ids=lambda t: [t.win], body=lambda t: {
        "name": "bi-win-patched", "starts_at": "2030-02-01T00:00:00Z", "ends_at": "2030-02-02T00:00:00Z",
        "matchers": [{"name": "alertname", "value": "BiNever", "regex": False, "negative": False}],
        "comment": "改"}, read=lambda t, r: "/api/v1/maintenance-windows/%d" % t.win),
    "POST /api/v1/api-keys": dict(user="sysadmin", body=lambda t: {"name": "bi-key-%d" % unique(),
                                                                    "integration": "api"},
                                  read=lambda t, r: "/api/v1/api-keys?limit=500"),
    "POST /api/v1/api-keys/{id}/revoke": dict(user="sysadmin", ids=lambda t: [t.key_victim], body=lambda t: {}),
    # the workflow kernel's records (docs/internals/records.md) and committees
    # a problem is created by its workflow's create action (who: the problem roles; priority computed)
    "POST /api/v1/records": dict(user="pm", body=lambda t: {
        "kind": "problem", "title": "坏输入问题 %d" % unique(), "impact": "high", "urgency": "low",
        "tier": "line2", "group_key": "dba", "department": "运行部", "assignee_id": t.uid["pm"],
        "requester_id": t.uid["lead"], "drill": False}, read=lambda t, r: "/api/v1/records/%d" % r["id"]),
    # the version the record has now: a stale one is 409 by design
    "PATCH /api/v1/records/{id}": dict(user="eng", ids=lambda t: [t.rec], body=lambda t: {
        "version": t.srv.get("/api/v1/records/%d" % t.rec, token=t.tok["eng"]).json["version"], "title": "改",
        "impact": "low", "urgency": "high", "tier": "line1", "group_key": "net",
        "department": "运行部", "assignee_id": t.uid["lead"], "requester_id": None},
        read=lambda t, r: "/api/v1/records/%d" % t.rec),
    "POST /api/v1/records/{id}/timeline": dict(user="eng", ids=lambda t: [t.rec_note], body=lambda t: {
        "text": "备注 note"}, read=lambda t, r: "/api/v1/records/%d/timeline?limit=500" % t.rec_note),
    "POST /api/v1/records/{id}/links": dict(user="eng", ids=lambda t: [t.rec_link], body=lambda t: {
        "kind": "parent_of", "to_id": t.rec, "to_ref": None, "to_kind": None},
        read=lambda t, r: "/api/v1/records/%d/links" % t.rec_link),
    "POST /api/v1/records/{id}/cis": dict(user="eng", ids=lambda t: [t.rec_link], body=lambda t: {
        "ci_id": t.ci, "role": "inspected"}, read=lambda t, r: "/api/v1/records/%d/cis" % t.rec_link),
    "POST /api/v1/committees": dict(user="sysadmin", body=lambda t: {
        "key": "bi_c%d" % unique(), "name_zh": "委员会", "name_en": "Committee", "chair_id": t.uid["eng"],
        "deputies": [t.uid["lead"]], "members": [t.uid["quiet"]], "quorum": 2},
        read=lambda t, r: "/api/v1/committees/%d" % r["id"]),
    "PATCH /api/v1/committees/{id}": dict(user="sysadmin", ids=lambda t: [t.cmt], body=lambda t: {
        "name_zh": "改名", "name_en": "Renamed", "chair_id": t.uid["eng"], "deputies": [], "members": [t.uid["quiet"]],
        "quorum": 1}, read=lambda t, r: "/api/v1/committees/%d" % t.cmt),
    # the workflow kernel applied and problems (docs/problems.md): actions and
    # reviews carry the record's current version (a stale one is 409 by design)
    "POST /api/v1/records/{id}/actions/{action}": dict(user="pm", ids=lambda t: [t.prb_active], key="raise_change",
                                                       body=lambda t: {
        "version": t.version(t.prb_active), "reason": "提交变更", "fields": {"description": "描述 d"}},
        read=lambda t, r: "/api/v1/records/%d/timeline?limit=500" % t.prb_active),
    # more_info keeps the step waiting: the same approver may vote again
    "POST /api/v1/records/{id}/approvals/{round_id}/votes": dict(user="pm2", ids=lambda t: [t.prb_active, t.round],
                                                                 body=lambda t: {
        "step": "workaround_only", "decision": "more_info", "comment": "请补充 more"},
        read=lambda t, r: "/api/v1/records/%d/approvals" % t.prb_active),
    "PUT /api/v1/records/{id}/checklists/{checklist_id}/items/{item_key}": dict(
        user="pm", ids=lambda t: [t.prb_resolved, t.checklist], key="ke_updated", body=lambda t: {
            "value": True, "note": "备注 n", "finding": "发现 f"},
        read=lambda t, r: "/api/v1/records/%d/checklists" % t.prb_resolved),
    # emergency plans (docs/plans.md): edits carry the record's current version
    "POST /api/v1/plans": dict(user="plan", body=lambda t: {
        "title": "坏输入预案 %d" % unique(), "fields": {"owner_id": t.uid["plan"], "scope_classes": ["数据库故障"]}},
        read=lambda t, r: "/api/v1/plans/%d" % r["id"]),
    "PATCH /api/v1/plans/{id}": dict(user="plan", ids=lambda t: [t.plan], body=lambda t: {
        "version": t.version(t.plan), "fields": {"review_months": 3}},
        read=lambda t, r: "/api/v1/plans/%d" % t.plan),
    "POST /api/v1/plans/{id}/versions": dict(user="plan", ids=lambda t: [t.plan], body=lambda t: {
        "body": "# 坏输入预案\n\n步骤 %d" % unique()},
        read=lambda t, r: "/api/v1/plans/%d/versions/%d" % (t.plan, r["number"])),
    # drills (docs/drills.md): edits carry the record's current version; one simulated incident per drill
    "POST /api/v1/drills": dict(user="drill", body=lambda t: {
        "title": "坏输入演练 %d" % unique(), "fields": {"goals": "目标", "mode": "live", "participants": [t.uid["drill"]],
                                                      "planned_steps": ["run"], "scheduled_at": "2030-01-01T00:00:00Z"}},
        read=lambda t, r: "/api/v1/drills/%d" % r["id"]),
    "PATCH /api/v1/drills/{id}": dict(user="drill", ids=lambda t: [t.drill], body=lambda t: {
        "version": t.version(t.drill), "fields": {"scenario": "场景 s", "done_steps": ["goal"]}},
        read=lambda t, r: "/api/v1/drills/%d" % t.drill),
    "POST /api/v1/drills/{id}/inject": dict(user="drill", ids=lambda t: [t.drill_run], body=lambda t: {
        "title": "坏输入模拟事件", "ci_ids": [t.ci2], "severity": "minor", "symptoms": "现象"},
        read=lambda t, r: "/api/v1/incidents/%d" % r["id"]),
    "POST /api/v1/drills/{id}/findings": dict(user="drill", ids=lambda t: [t.drill_run], body=lambda t: {
        "title": "坏输入发现 %d" % unique(), "description": "演练发现"},
        read=lambda t, r: "/api/v1/drills/%d" % t.drill_run),
    "PUT /api/v1/drills/{id}/scores": dict(user="drill", ids=lambda t: [t.drill_run], body=lambda t: {
        "item": "command", "score": 4, "note": "坏输入评分"},
        read=lambda t, r: "/api/v1/drills/%d/scorecard" % t.drill_run),
    # risk assessments and content feedback (docs/upkeep.md); bi_plan is of 运行部
    "POST /api/v1/risk-assessments": dict(user="plan", body=lambda t: {
        "held_at": "2020-01-01T00:00:00Z", "scope": "坏输入范围", "findings": "发现 f", "risks": "风险 r",
        "actions": "措施 a"}, read=lambda t, r: "/api/v1/risk-assessments?limit=500"),
    "POST /api/v1/content-feedback": dict(user="plan", body=lambda t: {
        "topic": "坏输入培训", "source": "drill", "text": "反馈 t"},
        read=lambda t, r: "/api/v1/content-feedback?limit=500"),
    "POST /api/v1/content-feedback/{id}/address": dict(user="plan", ids=lambda t: [t.fb], body=lambda t: {
        "change": "focus", "resolution": "调整 r"}, read=lambda t, r: "/api/v1/content-feedback?limit=500"),
    # certificates for key positions (docs/plans.md): the default policy has no key position, so refused
    "POST /api/v1/certificates": dict(user="plan", body=lambda t: {
        "user_id": t.uid["plan"], "position": "duty_engineer", "name": "坏输入证书 %d" % unique(), "issuer": "i",
        "number": "n", "issued_at": "2020-01-01T00:00:00Z", "expires_at": "2031-01-01T00:00:00Z"},
        read=lambda t, r: "/api/v1/certificates?user_id=%d" % t.uid["plan"]),
    # training records (docs/plans.md "Training and readiness"): written as plans are
    "POST /api/v1/trainings": dict(user="plan", body=lambda t: {
        "user_id": t.uid["plan"], "topic": "坏输入培训 %d" % unique(), "hours": 1.5,
        "held_at": "2020-01-01T00:00:00Z"},
        read=lambda t, r: "/api/v1/trainings?user_id=%d" % t.uid["plan"]),
    # training courses and sessions (docs/plans.md "Courses and sessions"): written as plans are;
    # the default policy has no key position, so a course names none
    "POST /api/v1/training/courses": dict(user="plan", body=lambda t: {
        "title": "坏输入课程 %d" % unique(), "hours": 2.5, "positions": [], "description": "说明 d",
        "validity_months": 12, "active": True}, number={"hours"},
        read=lambda t, r: "/api/v1/training/courses/%d" % r["id"]),
    "PATCH /api/v1/training/courses/{id}": dict(user="plan", ids=lambda t: [bi_course(t)], body=lambda t: {
        "title": "坏输入课程改", "hours": 3, "description": "改 d", "active": True},
        number={"hours"}, read=lambda t, r: "/api/v1/training/courses/%d" % bi_course(t)),
    "POST /api/v1/training/sessions": dict(user="plan", body=lambda t: {
        "course_id": bi_course(t), "starts_at": "2020-01-02T01:00:00Z", "ends_at": "2020-01-02T03:00:00Z",
        "trainer_id": t.uid["plan"], "location": "地点 l", "materials": "资料 m",
        "attendees": [{"user_id": t.uid["plan"]}]}, read=lambda t, r: "/api/v1/training/sessions/%d" % r["id"]),
    "POST /api/v1/training/sessions/{id}/results": dict(user="plan", ids=lambda t: [bi_session(t)], body=lambda t: {
        "attendees": [{"user_id": t.uid["plan"], "attended": True, "assessment": "pass", "score": 80}]},
        read=lambda t, r: "/api/v1/training/sessions/%d" % bi_session(t)),
    "POST /api/v1/problems": dict(user="pm", body=lambda t: {
        "title": "坏输入问题 %d" % unique(), "tier": "line2", "department": "运行部", "requester_id": t.uid["lead"],
        "drill": False, "fields": {"description": "描述", "impact": "high", "urgency": "low", "domain": "database"}},
        read=lambda t, r: "/api/v1/problems/%d" % r["id"]),
    "PATCH /api/v1/problems/{id}": dict(user="pm", ids=lambda t: [t.prb_active], body=lambda t: {
        "version": t.version(t.prb_active), "fields": {"description": "改 d", "workaround": "重启"}},
        read=lambda t, r: "/api/v1/problems/%d" % t.prb_active),
    "POST /api/v1/problems/{id}/review": dict(user="pm", ids=lambda t: [t.prb_resolved], body=lambda t: {
        "version": t.version(t.prb_resolved), "review": "复盘 r", "major_reason": "影响大"},
        read=lambda t, r: "/api/v1/problems/%d" % t.prb_resolved),
    # problem entries (docs/problems.md "Entries"): a review entry with its structured review
    "POST /api/v1/problems/{id}/entries": dict(user="pm", ids=lambda t: [t.prb_active], body=lambda t: {
        "kind": "review", "text": "复盘 e", "review": {"what": "w", "why": "y", "prevent": "p",
                                                      "actions": ["a1", "a2"]}},
        read=lambda t, r: "/api/v1/problems/%d/entries?limit=500" % t.prb_active),
    # editing an entry (docs/problems.md "Entries"): pm wrote it, its current version
    "PATCH /api/v1/problems/{id}/entries/{entry_id}": dict(user="pm", ids=lambda t: [t.prb_active, t.prb_entry],
        body=lambda t: {"version": t.entry_version(), "text": "改 e", "reason": "补充",
                        "review": {"what": "w2", "why": "y2", "prevent": "p2", "actions": ["a3"]}},
        read=lambda t, r: "/api/v1/problems/%d/entries?limit=500" % t.prb_active),
    "POST /api/v1/approval-delegations": dict(user="pm", body=lambda t: {
        "delegate_id": t.uid["lead"], "from": "2026-01-01T00:00:00Z", "until": "2027-01-01T00:00:00Z"},
        read=lambda t, r: "/api/v1/approval-delegations?limit=500"),
    "POST /api/v1/incidents/{id}/problem": dict(user="pm", ids=lambda t: [t.inc], body=lambda t: {
        "title": "由事件创建 %d" % unique(), "tier": "line2", "department": "运行部", "requester_id": t.uid["lead"],
        "drill": False, "fields": {"description": "描述"}},
        read=lambda t, r: "/api/v1/problems/%d" % r["id"]),
    # service levels (docs/service-levels.md)
    "POST /api/v1/services": dict(user="eng", body=lambda t: {
        "key": "bi-s%d" % unique(), "name": "坏输入服务", "ci_id": t.ci2, "availability_target": "99.5%",
        "calendar": "24x7", "platform_member": False}, read=lambda t, r: "/api/v1/services?limit=500"),
    "POST /api/v1/incidents/{id}/impact-intervals": dict(user="eng", ids=lambda t: [t.inc], body=lambda t: {
        "service": "bi-svc", "kind": "unplanned", "starts_at": "2020-01-01T00:00:00Z",
        "ends_at": "2020-01-01T01:00:00Z", "note": "影响"},
        read=lambda t, r: "/api/v1/outage-intervals/%d" % r["id"]),
    "POST /api/v1/outage-intervals": dict(user="eng", body=lambda t: {
        "service": "bi-svc", "kind": "planned", "starts_at": "2020-01-01T00:00:00Z",
        "ends_at": "2020-01-01T01:00:00Z", "window_id": t.win, "note": "手工"},
        read=lambda t, r: "/api/v1/outage-intervals/%d" % r["id"]),
    "POST /api/v1/outage-intervals/{id}/correct": dict(user="eng", ids=lambda t: [t.outage], body=lambda t: {
        "starts_at": "2020-01-01T00:00:00Z", "ends_at": "2020-01-01T01:%02d:%02dZ" % divmod(unique() % 3600, 60),
        "reason": "更正"}, read=lambda t, r: "/api/v1/outage-intervals/%d" % t.outage),
    "POST /api/v1/outage-intervals/{id}/approve": dict(user="lead", ids=lambda t: [t.outage], body=lambda t: {}),
    "POST /api/v1/reports/runs": dict(user="eng", body=lambda t: {"kind": "weekly"},
                                      read=lambda t, r: "/api/v1/reports/runs/%d" % r["id"]),
    "POST /api/v1/reports/runs/{id}/manual": dict(user="eng", ids=lambda t: [t.report], body=lambda t: {
        "sections": {"next_week_plan": "下周计划"}}, read=lambda t, r: "/api/v1/reports/runs/%d" % t.report),
    # the baseline run stays a draft: filing, return and distribution answer 409 (or 403: not the
    # reviewer role); submission 422 (its manual section may be empty) or moves it to under_review
    "POST /api/v1/reports/runs/{id}/file": dict(user="lead", ids=lambda t: [t.report],
                                                body=lambda t: {"note": "同意归档"}),
    "POST /api/v1/reports/runs/{id}/distribute": dict(user="lead", ids=lambda t: [t.report], body=lambda t: {}),
    "POST /api/v1/reports/runs/{id}/return": dict(user="lead", ids=lambda t: [t.report],
                                                  body=lambda t: {"note": "补充数据"}),
    "POST /api/v1/reports/runs/{id}/submit": dict(user="eng", ids=lambda t: [t.report], body=lambda t: {}),
    "POST /api/v1/incidents/{id}/correct-time": dict(user="lead", ids=lambda t: [t.inc], body=lambda t: {
        "field": "detected_at", "value": "2020-01-0%dT00:00:00Z" % (1 + unique() % 9), "reason": "更正"},
        read=lambda t, r: "/api/v1/incidents/%d" % t.inc),
    "POST /api/v1/records/{id}/correct-time": dict(user="pm", ids=lambda t: [t.prb_active], body=lambda t: {
        "version": t.version(t.prb_active), "field": "recorded_at",
        "value": "2020-01-0%dT00:00:00Z" % (1 + unique() % 9), "reason": "更正"},
        read=lambda t, r: "/api/v1/records/%d/timeline?limit=500" % t.prb_active),
    # the known-error database (docs/known-errors.md): match rules are matchers, a bad one is 422
    "POST /api/v1/known-errors": dict(user="eng", body=lambda t: {
        "title": "坏输入已知错误 %d" % unique(), "department": "运行部", "symptoms": "症状", "root_cause": "原因",
        "workaround": "临时办法", "solution": "永久办法", "problem_id": t.rec, "ci_ids": [t.ci],
        "match_rules": ['alertname="BiKe"'], "published": True},
        read=lambda t, r: "/api/v1/known-errors/%d" % r["id"]),
    "PATCH /api/v1/known-errors/{id}": dict(user="eng", ids=lambda t: [t.ke], body=lambda t: {
        "version": t.srv.get("/api/v1/known-errors/%d" % t.ke, token=t.tok["eng"]).json["version"], "title": "改",
        "symptoms": "症状", "root_cause": "原因", "workaround": "办法", "solution": "方案", "problem_id": t.rec,
        "ci_ids": [t.ci], "match_rules": ['alertname="BiKe2"'], "published": True},
        read=lambda t, r: "/api/v1/known-errors/%d" % t.ke),
    "POST /api/v1/incidents/{id}/apply-known-error": dict(user="eng", ids=lambda t: [t.inc], body=lambda t: {
        "ke_id": t.ke}, read=lambda t, r: "/api/v1/incidents/%d/known-errors" % t.inc),
    "POST /api/v1/problems/candidates/scan": dict(user="eng", body=lambda t: {}),
    "POST /api/v1/problems/candidates/{id}/accept": dict(user="eng", ids=lambda t: [t.cand], body=lambda t: {
        "title": "候选问题"}, read=lambda t, r: "/api/v1/records/%d" % r["problem_id"]),
    "POST /api/v1/problems/candidates/{id}/dismiss": dict(user="eng", ids=lambda t: [t.cand], body=lambda t: {}),
}

# The notification channel of this server: e-mail to a port where nothing
# listens (a send fails, retried only when the test clock advances).
CHANNELS = """channels:
  - name: bi-mail
    kind: email
    url: smtp://127.0.0.1:%d
    use_tls: none
    from: "opsdesk <noc@example.com>"
"""


def splice(body, path, raw):
    """JSON text of body with the value at path (a list of keys/indices)
    replaced by the raw JSON text `raw`."""
    b = json.loads(json.dumps(body))
    cur = b
    for k in path[:-1]:
        cur = cur[k]
    cur[path[-1]] = PLACEHOLDER
    text = json.dumps(b, ensure_ascii=False)
    return text.replace(json.dumps(PLACEHOLDER), raw).encode("utf-8")


def replace(body, path, value):
    b = json.loads(json.dumps(body))
    cur = b
    for k in path[:-1]:
        cur = cur[k]
    cur[path[-1]] = value
    return b


def string_paths(body):
    """Paths of every string in the body (top level and inside arrays/objects)."""
    out = []

    def walk(v, p):
        if isinstance(v, str):
            out.append(p)
        elif isinstance(v, dict):
            for k, x in v.items():
                walk(x, p + [k])
        elif isinstance(v, list):
            for i, x in enumerate(v):
                walk(x, p + [i])
    walk(body, [])
    return out


def contains(doc, value):
    """True if the string `value` occurs as a string anywhere in doc (JSON
    values, or inside a JSON-encoded string such as a report body); a
    non-string value must occur as an equal JSON value."""
    if not isinstance(value, str):
        if type(doc) is type(value) and doc == value:
            return True
        if isinstance(doc, dict):
            return any(contains(v, value) for v in doc.values())
        if isinstance(doc, list):
            return any(contains(v, value) for v in doc)
        return False
    if isinstance(doc, str):
        if value in doc:  # free text may be quoted inside a sentence (a regrade reason in the timeline)
            return True
        if doc[:1] in "{[":
            try:
                return contains(json.loads(doc), value)
            except ValueError:
                return False
        return False
    if isinstance(doc, dict):
        return any(contains(v, value) or k == value for k, v in doc.items())
    if isinstance(doc, list):
        return any(contains(v, value) for v in doc)
    return False


class BadInput(harness.ServerTest):
    @classmethod
    def setUpClass(cls):
        tmp = tempfile.mkdtemp(prefix="opsdesk-badin-")
        channels = os.path.join(tmp, "channels.yaml")
        with open(channels, "w", encoding="utf-8") as f:
            f.write(CHANNELS % harness.free_port())
        # the personal-bot samples point at loopback (nothing listens): an
        # administrator's allowed range, else they are refused (probe M9)
        cls.srv = harness.Server(test_clock=True, tmp=tmp, channels=channels,
                                 extra_args=["--bot-allow", "127.0.0.0/8"])
        cls.srv.owns_tmp = True
        cls.srv.init()
        cls.srv.start()
        s = cls.srv
        cls.tok = {"sysadmin": s.admin("sysadmin"), "secadmin": s.admin("secadmin"), None: None}
        cls.tok["auditor"] = s.admin("auditor")  # reads back what only the audit trail keeps
        cls.uid = {}
        for name, roles in (("bi_eng", ["ops_engineer", "monitoring_engineer"]), ("bi_logout", ["ops_engineer"]),
                            ("bi_pw", ["ops_engineer"]), ("bi_victim", ["ops_engineer"]),
                            ("bi_lead", ["ops_section_head"]), ("bi_quiet", []),
                            ("bi_pm", ["problem_manager"]), ("bi_pm2", ["problem_manager"]),
                            ("bi_plan", ["emergency_engineering"]), ("bi_opsdept", ["ops_department_head"]),
                            ("bi_drill", ["emergency_leadership", "ops_engineer"])):
            uid, tok = s.make_user(name, roles, phone="13900000001")
            cls.uid[name[3:]] = uid
            cls.tok[name[3:]] = tok
        # integration API keys (docs/events.md): the ingestion routes take them as bearer tokens
        cls.key_id = {}
        for name, integration in (("key_api", "api"), ("key_am", "alertmanager"), ("key_zbx", "zabbix"),
                                  ("key_victim", "api")):
            r = s.post("/api/v1/api-keys", {"name": "bi-" + name.replace("_", "-"), "integration": integration},
                       token=cls.tok["sysadmin"])
            assert r.status == 201 and r.json["key"].startswith("odk_"), r
            cls.tok[name] = r.json["key"]
            cls.key_id[name] = r.json["id"]
        cls.key_victim = cls.key_id["key_victim"]
        cls.victim = cls.uid["victim"]
        r = s.post("/api/v1/cis", {"name": "bi-base", "category": "application", "grade": "L3",
                                   "department": "运行部"}, token=cls.tok["eng"])
        cls.ci = r.json["id"]
        r = s.post("/api/v1/cis", {"name": "bi-target", "category": "application", "grade": "L3",
                                   "department": "运行部"}, token=cls.tok["eng"])
        cls.ci2 = r.json["id"]
        r = s.post("/api/v1/incidents", {"title": "坏输入基线", "ci_ids": [cls.ci], "severity": "minor",
                                         "location": "A", "symptoms": "B", "impact_scope": "C"}, token=cls.tok["eng"])
        assert r.status == 201, r
        cls.inc = r.json["id"]
        r = s.post("/api/v1/incidents/%d/reports" % cls.inc, {"kind": "first"}, token=cls.tok["eng"])
        assert r.status == 201, r
        r = s.post("/api/v1/maintenance-windows", {"name": "bi-win", "starts_at": "2030-01-01T00:00:00Z",
                                                   "ends_at": "2030-01-02T00:00:00Z", "ci_id": cls.ci},
                   token=cls.tok["eng"])
        assert r.status == 201, r
        cls.win = r.json["id"]
        cls.ack_token = cls.plant_ack_link(cls.inc)
        r = s.post("/api/v1/contacts", {"kind": "customer", "name": "坏输入客户", "ci_id": cls.ci}, token=cls.tok["eng"])
        assert r.status == 201, r
        cls.contact = r.json["id"]
        for name in ("rec", "rec_note", "rec_link"):
            r = s.post("/api/v1/records", {"kind": "problem", "title": "坏输入 " + name}, token=cls.tok["pm"])
            assert r.status == 201, r
            setattr(cls, name, r.json["id"])
        r = s.post("/api/v1/committees", {"key": "bi_cab", "name_zh": "变更咨询委员会", "name_en": "CAB",
                                          "members": [cls.uid["eng"]], "quorum": 1}, token=cls.tok["sysadmin"])
        assert r.status == 201, r
        cls.cmt = r.json["id"]
        cls.problems_world()
        r = s.post("/api/v1/services", {"key": "bi-svc", "name": "坏输入基线服务"}, token=cls.tok["eng"])
        assert r.status == 201, r
        r = s.post("/api/v1/outage-intervals", {"service": "bi-svc", "kind": "degraded",
                                                "starts_at": "2020-01-01T00:00:00Z"}, token=cls.tok["eng"])
        assert r.status == 201, r
        cls.outage = r.json["id"]
        r = s.post("/api/v1/content-feedback", {"topic": "坏输入基线培训", "source": "assessment", "text": "基线"},
                   token=cls.tok["plan"])
        assert r.status == 201, r
        cls.fb = r.json["id"]
        r = s.post("/api/v1/reports/runs", {"kind": "weekly"}, token=cls.tok["eng"])
        assert r.status == 201, r
        cls.report = r.json["id"]
        r = s.post("/api/v1/known-errors", {"title": "坏输入基线已知错误", "published": True, "ci_ids": [cls.ci]},
                   token=cls.tok["eng"])
        assert r.status == 201, r
        cls.ke = r.json["id"]
        for n in range(3):  # a problem candidate: three incidents on one CI
            r = s.post("/api/v1/incidents", {"title": "坏输入候选 %d" % n, "ci_ids": [cls.ci2], "severity": "minor"},
                       token=cls.tok["eng"])
            assert r.status == 201, r
        r = s.post("/api/v1/problems/candidates/scan", token=cls.tok["eng"])
        assert r.status == 200, r
        cand = [c for c in s.get("/api/v1/problems/candidates?limit=500", token=cls.tok["eng"]).json["items"]
                if c["ci_ids"] == [cls.ci2]]
        assert len(cand) == 1, cand
        cls.cand = cand[0]["id"]
        cls.db = harness.db_connect("file:%s?mode=ro" % s.db, uri=True, timeout=30)
        cls.counts = {"sent": 0, "rejected": 0, "accepted": 0}

    @classmethod
    def problems_world(cls):
        """An active problem with a waiting workaround_only round (opened by
        pm, pm2 votes) and a resolved one with its closure checklist."""
        s, pm = cls.srv, cls.tok["pm"]

        def act(pid, action, **body):
            body["version"] = s.get("/api/v1/problems/%d" % pid, token=pm).json["version"]
            r = s.post("/api/v1/records/%d/actions/%s" % (pid, action), body, token=pm)
            assert r.status == 200, (action, r)

        ids = []
        for name in ("active", "resolved"):
            r = s.post("/api/v1/problems", {"title": "坏输入 " + name, "fields": {
                "impact": "low", "urgency": "low", "category": "db"}}, token=pm)
            assert r.status == 201, r
            pid = r.json["id"]
            act(pid, "accept")
            act(pid, "assign", fields={"assignee_id": cls.uid["pm"]})
            act(pid, "start")
            ids.append(pid)
        cls.prb_active, cls.prb_resolved = ids
        act(cls.prb_active, "decide_workaround_only", reason="成本高", fields={"workaround": "重启"})
        cls.round = s.get("/api/v1/records/%d/approvals" % cls.prb_active, token=pm).json["items"][0]["id"]
        r = s.post("/api/v1/problems/%d/entries" % cls.prb_active, {"kind": "review", "text": "复盘 0", "review": {
            "what": "w", "why": "y", "prevent": "p", "actions": ["a1"]}}, token=pm)
        assert r.status == 201, r
        cls.prb_entry = r.json["id"]
        # an emergency plan in draft (docs/plans.md): its fields and versions take bodies
        r = s.post("/api/v1/plans", {"title": "坏输入预案", "fields": {"owner_id": cls.uid["plan"]}},
                   token=cls.tok["plan"])
        assert r.status == 201, r
        cls.plan = r.json["id"]
        # drills (docs/drills.md): one planned (its fields take bodies), one running (its simulated incident)
        dt = cls.tok["drill"]
        for name in ("drill", "drill_run"):
            r = s.post("/api/v1/drills", {"title": "坏输入演练", "fields": {
                "plan_id": cls.plan, "goals": "g", "scenario": "s", "participants": [cls.uid["drill"]],
                "scheduled_at": "2030-01-01T00:00:00Z"}}, token=dt)
            assert r.status == 201, r
            setattr(cls, name, r.json["id"])
        for action in ("prepare", "start"):
            v = s.get("/api/v1/drills/%d" % cls.drill_run, token=dt).json["version"]
            r = s.post("/api/v1/records/%d/actions/%s" % (cls.drill_run, action), {"version": v}, token=dt)
            assert r.status == 200, (action, r)
        act(cls.prb_resolved, "resolve", fields={"root_cause": "x", "solution": "y", "solution_evidence": "z"})
        cls.checklist = s.get("/api/v1/records/%d/checklists" % cls.prb_resolved, token=pm).json["items"][0]["id"]

    def entry_version(self):
        items = self.srv.get("/api/v1/problems/%d/entries?limit=500" % self.prb_active, token=self.tok["pm"]).json
        return [e for e in items["items"] if e["id"] == self.prb_entry][0]["version"]

    def version(self, rid):
        return self.srv.get("/api/v1/records/%d" % rid, token=self.tok["pm"]).json["version"]

    @classmethod
    def plant_ack_link(cls, incident_id):
        """An acknowledgement link (R-NOT-4) of a recipient of the incident,
        valid for a day.  The dispatcher mints links only when it sends a
        message over a channel (tests/api/test_delivery.py covers that); here
        the row is written as mint_link writes it — the SHA-256 hex of a
        base64url token — so that no send runs during the catalogue."""
        token = "bi" + hashlib.sha256(b"%d-%d" % (incident_id, unique())).hexdigest()[:20]
        now = cls.srv.now_ms()
        db = harness.db_connect(cls.srv.db, timeout=30)
        try:
            with db:
                row = db.execute("SELECT user_id FROM incident_recipients WHERE incident_id = ? ORDER BY id",
                                 (incident_id,)).fetchone()
                assert row, "incident %d has no recipient" % incident_id
                db.execute("INSERT INTO ack_links(token_hash, incident_id, user_id, outbox_id, created_at, "
                           "expires_at) VALUES (?, ?, ?, NULL, ?, ?)",
                           (hashlib.sha256(token.encode()).hexdigest(), incident_id, row[0], now,
                            now + 24 * 3600 * 1000))
        finally:
            db.close()
        return token

    @classmethod
    def tearDownClass(cls):
        cls.db.close()
        print("\nbad input: %(sent)d requests, %(rejected)d rejected with 4xx and nothing written, "
              "%(accepted)d accepted and read back verbatim" % cls.counts)
        super().tearDownClass()

    # ---- the "nothing written" snapshot ----
    def snapshot(self, writes_ok=()):
        db = self.db
        db.execute("BEGIN ISOLATION LEVEL REPEATABLE READ" if harness.PG else "BEGIN")  # one consistent picture
        try:
            tables = harness.db_tables(db)
            snap = {}
            for t in tables:
                # deliveries and the fan-out watermark are the dispatcher's own
                # bookkeeping of earlier accepted messages, written in the background
                if t in ("deliveries",) or t in writes_ok:
                    continue
                if t == "ack_links":
                    # the dispatcher mints a link in the background each time it
                    # sends an alarm over a channel (e-mail to a recipient with an
                    # address); what a request writes is a link's use
                    snap["ack_links used"] = db.execute("SELECT COUNT(*), COALESCE(SUM(used_at), 0) "
                                                        "FROM ack_links WHERE used_at IS NOT NULL").fetchone()
                    continue
                snap[t] = db.execute('SELECT COUNT(*) FROM "%s"' % t).fetchone()[0]
            if "outbox" in tables:
                snap["outbox content"] = db.execute("SELECT COALESCE(SUM(length(body)), 0), COUNT(*) FROM outbox"
                                                    ).fetchone()
            snap["meta"] = sorted(r for r in db.execute("SELECT key, value FROM meta")
                                  if r[0] not in ("dispatch_fanout_outbox_id",) and
                                  not ("audit" in writes_ok and r[0].startswith("audit")))
        finally:
            db.execute("COMMIT")
        return snap

    def route_path(self, pattern, spec):
        ids = spec["ids"](self) if "ids" in spec else []
        it = iter(ids)
        path = re.sub(r"\{\w*id\}", lambda m: str(next(it)), pattern)  # {id}, {round_id}, {checklist_id}
        path = re.sub(r"\{(action|item_key)\}", lambda m: spec["key"], path)
        if "{token}" in path:  # /ack/{token}: an opaque path token, not an id
            path = path.replace("{token}", spec["token"](self))
        return path

    def send(self, method, path, spec, raw, headers=None):
        self.counts["sent"] += 1
        return self.srv.request(method, path, raw=raw, token=self.tok[spec["user"]], headers=headers)

    def problem(self, msg):
        self.problems.append(msg)

    def setUp(self):
        self.problems = []

    def check_problems(self):
        if self.problems:
            self.fail("%d bad-input problems:\n  " % len(self.problems) + "\n  ".join(self.problems[:60]))

    def expect_rejected(self, what, method, pattern, spec, raw, headers=None, statuses=None, error_body=True):
        path = self.route_path(pattern, spec)
        before = self.snapshot(spec.get("writes_ok", ()))
        r = self.send(method, path, spec, raw, headers)
        after = self.snapshot(spec.get("writes_ok", ()))
        ok = (r.status in statuses) if statuses else (400 <= r.status < 500)
        where = "%s %s, %s" % (method, pattern, what)
        if not ok:
            return self.problem("%s: expected %s, got %r" % (where, statuses or "4xx", r))
        if error_body and "error" not in (r.json or {}):
            return self.problem("%s: no JSON error body: %r" % (where, r))
        if before != after:
            diff = {k: (before.get(k), after.get(k)) for k in set(before) | set(after) if before.get(k) != after.get(k)}
            return self.problem("%s: answered %d but wrote %r" % (where, r.status, diff))
        self.counts["rejected"] += 1
        return r

    def expect_rejected_or_verbatim(self, what, method, pattern, spec, body, value, field=None, ignored=False,
                                    check=None):
        """4xx with nothing written, or 2xx and `value` read back verbatim.
        field: the top-level field changed (a write-only secret is read back
        from the database and must not be in any answer).  ignored: a field
        the format defines and opsdesk does not use — 2xx needs only the
        record itself to be readable.  check(doc): the read-back test, when
        `value` is not a string to find."""
        path = self.route_path(pattern, spec)
        before = self.snapshot(spec.get("writes_ok", ()))
        r = self.send(method, path, spec, json.dumps(body, ensure_ascii=False).encode())
        where = "%s %s, %s" % (method, pattern, what)
        if 400 <= r.status < 500:
            if "error" not in (r.json or {}):
                return self.problem("%s: no JSON error body: %r" % (where, r))
            if before != self.snapshot(spec.get("writes_ok", ())):
                return self.problem("%s: answered %d but wrote something" % (where, r.status))
            self.counts["rejected"] += 1
            return
        if not 200 <= r.status < 300:
            return self.problem("%s: expected 2xx or 4xx, got %r" % (where, r))
        read = spec.get("read")
        if read is None:
            return self.problem("%s: accepted, but the sample has no read-back path: %r" % (where, r))
        g = self.srv.get(read(self, r.json), token=self.tok[spec.get("reader", spec["user"])] or self.tok["eng"])
        secret = spec.get("write_only", {}).get(field)
        if secret:
            sql, args = secret(self)
            stored = self.db.execute(sql, args).fetchone()
            if g.status != 200 or stored is None or stored[0] != value:
                return self.problem("%s: accepted but not stored verbatim: %r" % (where, stored and stored[0][:100]))
            if value and (contains(g.json, value) or contains(r.json, value)):
                return self.problem("%s: the write-only secret is in an answer: %s" % (where, g.raw[:300]))
        elif g.status != 200 or not (ignored or (check(g.json) if check else contains(g.json, value))):
            return self.problem("%s: accepted but not read back verbatim: %s" % (where, g.raw[:300]))
        self.counts["accepted"] += 1

    # ---- the tests ----
    def test_every_write_route_has_a_sample(self):
        self.assertGreaterEqual(len(ROUTES), 15)
        missing = ["%s %s" % (m, p) for m, p, _ in ROUTES if "%s %s" % (m, p) not in SAMPLES]
        self.assertEqual(missing, [], "write routes without a sample body in tests/api/test_bad_input.py "
                                      "SAMPLES (add one): " + ", ".join(missing))
        stale = sorted(set(SAMPLES) - {"%s %s" % (m, p) for m, p, _ in ROUTES})
        self.assertEqual(stale, [], "SAMPLES for routes that no longer exist")

    def routes(self, last=False):
        for m, p, _ in ROUTES:
            spec = SAMPLES.get("%s %s" % (m, p))
            if spec and bool(spec.get("last")) == last:
                yield m, p, spec

    def body_level(self, last):
        for m, p, spec in self.routes(last):
            sample = spec["body"](self)
            text = json.dumps(sample, ensure_ascii=False).encode()
            cases = [
                ("malformed JSON", b'{"a": '),
                ("malformed JSON (single quotes)", b"{'a': 1}"),
                ("trailing garbage", text + b" x"),
                ("truncated body", text[:max(1, len(text) // 2)]),
                ("raw NUL byte", text[:1] + b"\x00" + text[1:]),
                ("duplicate key", b'{"a": 1, "a": 2}'),
                ("array body", b"[]"),
                ("string body", b'"x"'),
                ("number body 1e400", b"1e400"),
                ("number body 2^63", b"9223372036854775808"),
                ("deep nesting body", DEEP.encode()),
                ("deep nesting in a field", ('{"zz": %s}' % DEEP).encode()),
                ("invalid UTF-8 body", b'{"\xff\xfe": 1}'),
            ]
            if not sample:
                cases.append(("field on a body-less action", b'{"note": "x"}'))
            if spec.get("array_ok"):
                # a batch: one bad event refuses the whole request (no partial write)
                cases = [c for c in cases if c[0] != "array body"]
                ok = spec["body"](self)
                for what, bad in (("a number", 1), ("a string", "x"), ("an array", []), ("an empty object", {}),
                                  ("an unknown field", dict(spec["body"](self), zz_unknown_field=1)),
                                  ("a wrong status", dict(spec["body"](self), status="burning"))):
                    cases.append(("batch with a good event and %s" % what,
                                  json.dumps([ok, bad], ensure_ascii=False).encode()))
                # an empty batch is well-formed: nothing to write, whatever the answer
                self.expect_rejected("empty batch", m, p, spec, b"[]", error_body=False,
                                     statuses=set(range(200, 300)) | set(range(400, 500)))
            for what, raw in cases:
                self.expect_rejected(what, m, p, spec, raw)
            unknown = dict(spec["body"](self), zz_unknown_field=1)
            if spec.get("unknown") == "stored":  # kept verbatim in the record (Zabbix: the raw body)
                self.expect_rejected_or_verbatim("unknown field", m, p, spec, unknown, "zz_unknown_field")
            elif spec.get("unknown") == "ignored":  # a foreign format's newer fields (Alertmanager)
                self.expect_rejected_or_verbatim("unknown field", m, p, spec, unknown, None, ignored=True)
            else:
                self.expect_rejected("unknown field", m, p, spec, json.dumps(unknown).encode())
            big = json.dumps(dict(sample, zz_pad="x" * (MIB + 10))).encode()
            self.expect_rejected("oversize body", m, p, spec, big, statuses={413})

    def field_level(self, last):
        for m, p, spec in self.routes(last):
            sample = spec["body"](self)
            for key in list(sample):
                path = [key]
                orig = sample[key]
                for v in WRONG_TYPES:
                    if type(v) is type(orig) or (orig is None and key != "zz"):
                        continue
                    if isinstance(orig, list) and isinstance(v, list):
                        continue
                    if key in spec.get("number", ()) and type(v) in (int, float) and type(orig) in (int, float):
                        continue  # a JSON number: an integer and a fraction are both the right type
                    what = "field %s wrong type %r" % (key, v)
                    if spec.get("int_as_text") and isinstance(orig, str) and type(v) is int:
                        # Zabbix: a parameter sent as a number is its decimal text; the raw body keeps it
                        self.expect_rejected_or_verbatim(what, m, p, spec, replace(spec["body"](self), path, v),
                                                         {key: v}, check=lambda doc, k=key, x=v: doc["raw"][k] == x)
                    elif key in spec.get("ignored", ()):
                        self.expect_rejected_or_verbatim(what, m, p, spec, replace(spec["body"](self), path, v),
                                                         None, ignored=True)
                    else:
                        self.expect_rejected(what, m, p, spec, json.dumps(replace(sample, path, v)).encode())
                if isinstance(orig, list) and orig and isinstance(orig[0], int):
                    for v in (["x"], [1.5], [None], [[1]], [{}], [0], [-1]):
                        self.expect_rejected("field %s = %r" % (key, v), m, p, spec,
                                             json.dumps(replace(sample, path, v)).encode())
                for raw in RAW_NUMBERS:
                    self.expect_rejected("field %s = %s" % (key, raw[:30]), m, p, spec, splice(sample, path, raw))
                    if isinstance(orig, list):
                        self.expect_rejected("field %s = [%s]" % (key, raw[:30]), m, p, spec,
                                             splice(sample, path, "[%s]" % raw))
                self.expect_rejected("field %s deeply nested" % key, m, p, spec, splice(sample, path, DEEP))
            for path in string_paths(sample):
                name = ".".join(map(str, path))
                self.expect_rejected("field %s lone surrogate \\udcff" % name, m, p, spec,
                                     splice(sample, path, '"a\\udcff"'))
                self.expect_rejected("field %s raw invalid UTF-8 bytes" % name, m, p, spec,
                                     splice(sample, path, '"aPLACEB"').replace(b"PLACEB", b"\xff\xc3\x28"))
                self.expect_rejected("field %s with \\u0000" % name, m, p, spec,
                                     splice(sample, path, '"a\\u0000b"'))
                for val in STRING_VALUES:
                    self.expect_rejected_or_verbatim("field %s = %r" % (name, val[:40]), m, p, spec,
                                                     replace(spec["body"](self), path, val), val, field=path[0],
                                                     ignored=path[0] in spec.get("ignored", ()))

    def test_body_level_cases(self):
        self.body_level(last=False)
        self.check_problems()

    def test_field_level_cases(self):
        self.field_level(last=False)
        self.check_problems()

    def test_ack_link_unknown_token_and_form_post(self):
        """R-NOT-4: POST /ack/{unknown} is 404 with nothing written, with or
        without an empty JSON object; a body with fields is refused (400)
        before the lookup, for an unknown token as for a valid one; the
        browser's form POST (no fields, form content type) acknowledges."""
        unknown = "bi" + "x" * 20
        spec = dict(user=None, token=lambda t: unknown)
        for raw, ctype in ((None, None), (b"", "application/x-www-form-urlencoded"), (b"{}", "application/json")):
            for accept in ("application/json", "text/html"):
                before = self.snapshot()
                headers = {"Accept": accept}
                if ctype:
                    headers["Content-Type"] = ctype
                r = self.srv.request("POST", "/ack/" + unknown, raw=raw, headers=headers)
                self.assertEqual(r.status, 404, r)
                self.assertEqual(before, self.snapshot(), "POST /ack/{unknown} wrote something")
                if accept == "application/json":
                    self.assertEqual(r.json["status"], "unknown", r)
                else:
                    self.assertIn('data-state="unknown"', r.raw)
        self.expect_rejected("field on an unknown link", "POST", "/ack/{token}", spec, b'{"note": "x"}',
                             statuses={400})
        self.expect_rejected("form fields on a valid link", "POST", "/ack/{token}", SAMPLES["POST /ack/{token}"],
                             b"note=x", headers={"Content-Type": "application/x-www-form-urlencoded"},
                             statuses={400})
        self.check_problems()
        # the form of GET /ack/{token}: method=post, no fields → acknowledged once
        r = self.srv.post("/api/v1/incidents", {"title": "坏输入确认", "ci_ids": [self.ci], "severity": "minor",
                                                "location": "A", "symptoms": "B", "impact_scope": "C"},
                          token=self.tok["eng"])
        self.assertEqual(r.status, 201, r)
        inc = r.json["id"]
        self.assertEqual(self.srv.post("/api/v1/incidents/%d/reports" % inc, {"kind": "first"},
                                       token=self.tok["eng"]).status, 201)
        token = self.plant_ack_link(inc)
        r = self.srv.request("POST", "/ack/" + token, raw=b"",
                             headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": "text/html"})
        self.assertEqual(r.status, 200, r)
        self.assertIn('data-state="acknowledged"', r.raw)
        r = self.srv.request("POST", "/ack/" + token, raw=b"", headers={"Accept": "application/json"})
        self.assertEqual((r.status, r.json["status"]), (200, "already_acknowledged"), r)

    def test_zz_login_last(self):
        """Login and password change last: failed password checks are audited
        (login.fail, password.fail) and lock the address out after a while
        (429) — both are 4xx with only audit rows."""
        self.body_level(last=True)
        self.field_level(last=True)
        self.check_problems()


# ---- events and maintenance windows: scope and matcher bounds ----
# (R-SEC-SYS-2, probe-security.md H1 and H4) Appended to the catalogue: a
# window naming a CI outside the caller's scope, a matcher-only window from a
# scoped user, regexes too complex for RE2's bounds and malformed matchers are
# each refused with nothing written; bad query values on the event reads are
# 400.
CATASTROPHIC_REGEXES = ["((a{1,50}){1,50}){1,50}", "(a{1,100}){1,100}", "a{1001}", "(x{2,}){1000}",
                        "((((a{1,10}){1,10}){1,10}){1,10})", "(", "a)|(b", "\\1(a)", "(?P<n>a)(?P=n)",
                        "a" * 1100]
BAD_MATCHERS = [[{"name": "1bad", "value": "x"}], [{"name": "a", "value": 1}], [{"name": "a"}],
                [{"name": "a", "value": "x", "regex": "yes"}], [{"name": "a", "value": "x", "op": "="}],
                [{"name": "a", "value": "x"}] * 17, ["a=x"]]


def _test_events_and_windows_scope_catalogue(self):
    s = self.srv
    _, scoped = s.make_user("bi_netb", ["ops_engineer", "monitoring_engineer"], department="网络部",
                            scopes=["网络部"])
    self.tok["netb"] = scoped
    win = SAMPLES["POST /api/v1/maintenance-windows"]
    netb = dict(win, user="netb")
    body = lambda **kw: json.dumps(dict(win["body"](self), **kw), ensure_ascii=False).encode()
    # a CI of 运行部 is as unknown to a 网络部 user as a missing one; no CI at all: unscoped roles only
    self.expect_rejected("scoped user, CI of another department", "POST", "/api/v1/maintenance-windows", netb,
                         body(ci_id=self.ci), statuses={422})
    self.expect_rejected("scoped user, matcher-only window", "POST", "/api/v1/maintenance-windows", netb,
                         body(ci_id=None), statuses={403})
    patch = dict(SAMPLES["PATCH /api/v1/maintenance-windows/{id}"], user="netb")
    for what, raw in (("scoped user edits another department's window", b'{"comment": "x"}'),):
        self.expect_rejected(what, "PATCH", "/api/v1/maintenance-windows/{id}", patch, raw, statuses={404})
    self.expect_rejected("scoped user deletes another department's window", "DELETE",
                         "/api/v1/maintenance-windows/{id}", patch, None, statuses={404})
    for rx in CATASTROPHIC_REGEXES:
        m = [{"name": "alertname", "value": rx, "regex": True}]
        self.expect_rejected("regex %r" % rx[:40], "POST", "/api/v1/maintenance-windows", win, body(matchers=m),
                             statuses={422})
        self.expect_rejected("regex %r (edit)" % rx[:40], "PATCH", "/api/v1/maintenance-windows/{id}",
                             SAMPLES["PATCH /api/v1/maintenance-windows/{id}"], json.dumps({"matchers": m}).encode(),
                             statuses={422})
    for ms in BAD_MATCHERS:
        self.expect_rejected("matchers %r" % json.dumps(ms)[:60], "POST", "/api/v1/maintenance-windows", win,
                             body(matchers=ms))
    for path in ("/api/v1/events?class=bogus", "/api/v1/events/stats?hours=0", "/api/v1/events/stats?hours=745",
                 "/api/v1/events/review?week=2026-W99", "/api/v1/events?limit=-1",
                 "/api/v1/training/hours?year=abc", "/api/v1/training/hours?year=1999"):
        r = s.get(path, self.tok["eng"])
        if r.status != 400 or "error" not in (r.json or {}):
            self.problem("GET %s: expected 400 with an error body, got %r" % (path, r))
    for path in ("/api/v1/events/999999999", "/api/v1/maintenance-windows/999999999"):
        r = s.get(path, self.tok["eng"])
        if r.status != 404 or "error" not in (r.json or {}):
            self.problem("GET %s: expected 404, got %r" % (path, r))
    self.check_problems()


BadInput.test_events_and_windows_scope_catalogue = _test_events_and_windows_scope_catalogue



# ---- every error answer has the JSON error shape, whatever the input -------
# (DESIGN.md "Errors"): status 4xx/5xx, Content-Type application/json, body
# {"error": {"code": <name of the status>, "message": <non-empty text>,
# "field": <text or null>}}.  Messages echo input (field names, URL-decoded
# paths, the parser's "near '...'" excerpt); a message cut inside a UTF-8
# character, or one carrying invalid bytes, once made the JSON encoder fail
# and the answer had an empty body (a 400 with 0 bytes for an unknown field
# named "字"*160).
ERROR_CODES = {400: "invalid", 401: "unauthenticated", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
               413: "too_large", 415: "unsupported_media_type", 422: "unprocessable", 429: "rate_limited"}


class ErrorShape(harness.ServerTest):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tok = cls.srv.admin("sysadmin")

    def assertErrorShape(self, r, status, what):
        self.assertEqual(r.status, status, "%s: %r" % (what, r))
        self.assertTrue(r.raw, "%s: %d with an empty body" % (what, r.status))
        self.assertTrue((r.headers.get("Content-Type") or "").startswith("application/json"), "%s: %r" % (what, r))
        self.assertIsInstance(r.json, dict, "%s: not JSON: %r" % (what, r))
        self.assertEqual(set(r.json), {"error"}, what)
        err = r.json["error"]
        self.assertEqual(set(err), {"code", "message", "field"}, "%s: %r" % (what, r))
        self.assertEqual(err["code"], ERROR_CODES[status], "%s: %r" % (what, r))
        self.assertIsInstance(err["message"], str, what)
        self.assertTrue(err["message"], what)
        self.assertTrue(err["field"] is None or isinstance(err["field"], str), what)
        return err

    def test_unknown_field_of_480_bytes(self):
        """The reproduction: POST /api/v1/users with an unknown field named
        "字"*160 (480 bytes; the message holds it twice, so the 512-byte
        buffer ended inside a character)."""
        for pad in ("", "a", "aa"):
            name = pad + "字" * 160
            body = {"username": "es_u", "password": harness.USER_PW, "display_name": "x", "department": "运行部",
                    name: 1}
            r = self.srv.post("/api/v1/users", body, token=self.tok)
            err = self.assertErrorShape(r, 400, "unknown field %r*160" % (pad + "字"))
            self.assertTrue(err["message"].startswith("未知字段 " + pad + "字字"), r.raw[:200])
            self.assertNotIn("\ufffd", err["message"])  # cut whole, not replaced
            self.assertTrue(name.startswith(err["field"]) and len(err["field"]) >= 20, r.raw[:200])
        r = self.srv.post("/api/v1/users", {"字" * 20: 1}, token=self.tok)
        self.assertEqual(self.assertErrorShape(r, 400, "short CJK field")["field"], "字" * 20)

    def test_hostile_inputs(self):
        s = self.srv
        long_cjk = "字" * 400
        cases = [
            # a URL-decoded path echoed in the 404 message: invalid UTF-8, overlong "/", a long CJK path
            ("path %FF%FE", "GET", "/api/v1/%FF%FE", None, {}, 404),
            ("path overlong /", "GET", "/api/v1/x%C0%AFy", None, {}, 404),
            ("path truncated 字", "GET", "/api/v1/x%E5%AD", None, {}, 404),
            ("path of 1200 bytes CJK", "GET", "/api/v1/" + urllib.parse.quote(long_cjk), None, {}, 404),
            ("method not allowed", "PUT", "/api/v1/users", b"{}", {}, 405),
            # the parser's excerpt ("near '\"字字…'") cut at its own buffer's end
            ("control byte after 100 CJK", "POST", "/api/v1/users", ('{"a": "' + "字" * 100).encode() + b'\x01"}',
             {}, 400),
            ("invalid UTF-8 key", "POST", "/api/v1/users", b'{"\xe5\xad": 1}', {}, 400),
            ("lone surrogate key", "POST", "/api/v1/users", b'{"\\udcff": 1}', {}, 400),
            ("control characters in a key", "POST", "/api/v1/users", b'{"\\u0001\\u007f": 1}', {}, 400),
            ("wrong type", "POST", "/api/v1/users", json.dumps({"username": 1}).encode(), {}, 400),
            ("query with invalid UTF-8", "GET", "/api/v1/users?limit=%FF", None, {}, 400),
            ("query of 1200 bytes CJK", "GET", "/api/v1/users?offset=" + urllib.parse.quote(long_cjk), None, {},
             400),
            ("bearer token with 0xFF bytes", "GET", "/api/v1/users", None, {"Authorization": "Bearer \xff\xfe"},
             401),
            ("body over the cap", "POST", "/api/v1/users", b'{"a": "' + b"x" * (MIB + 10) + b'"}', {}, 413),
            ("body sent as text/plain", "POST", "/api/v1/users", b'{"username": "x"}', {"Content-Type": "text/plain"},
             415),
            ("form-encoded body with CJK", "POST", "/api/v1/users", "字=字".encode(),
             {"Content-Type": "application/x-www-form-urlencoded"}, 415),
        ]
        for what, method, path, raw, headers, status in cases:
            hdrs = dict(headers)
            token = None if "Authorization" in hdrs else self.tok
            with self.subTest(what):
                r = s.request(method, path, raw=raw, token=token, headers=hdrs)
                self.assertErrorShape(r, status, what)


if __name__ == "__main__":
    harness.main()
