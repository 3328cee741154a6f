#!/usr/bin/env python3
"""Black-box tests of the opsdesk command-line client.

A tiny fake API server (http.server in a thread) answers canned JSON; the
real binary (path in $OPSDESK_BIN) runs against it.  Each test checks what
the client sent (method, path, query, JSON body, Authorization header) and
what it printed (the human table and --json), plus the session file's mode
and the exit codes 0/1/2/3.  Python 3 standard library only.

Run: OPSDESK_BIN=build/opsdesk python3 tests/cli/test_cli.py [-v]
"""
import json
import os
import socket
import stat
import subprocess
import sys
import tempfile
import threading
import unicodedata
import unittest
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

BIN = os.environ.get("OPSDESK_BIN", "build/opsdesk")
TOKEN = "tok-0123456789abcdef"

CI = {
    "id": 5, "name": "核心交换机-A", "category": "network", "grade": "L1",
    "department": "网络部", "environment": "production", "location": "IDC-1 A-03",
    "attributes": {"vendor": "huawei"}, "created_at": "2026-01-01T00:00:00Z",
    "updated_at": "2026-01-01T00:00:00Z", "last_verified_at": None, "verified_by": None,
}
CI2 = dict(CI, id=6, name="db-01", category="database", grade="L2", department="dba")
POLICY_TABLE = {
    "name": "seed 000",
    "response_matrix": {
        "L1": {"severe": "R1", "moderate": "R1", "minor": "R2"},
        "L2": {"severe": "R1", "moderate": "R2", "minor": "R2"},
        "L3": {"severe": "R2", "moderate": "R3", "minor": "R3"},
        "NG": {"severe": "NG", "moderate": "NG", "minor": "NG"},
    },
    "levels": {
        lv: {"name_zh": zh, "first_report_within_minutes": mins,
             "recipient_roles": [{"key": "emergency_leadership", "name_zh": "应急领导小组"}],
             "owning_department_heads": lv == "L1", "ack_required": lv in ("L1", "L2"),
             "ack_within_minutes": 5 if lv in ("L1", "L2") else None}
        for lv, zh, mins in (("L1", "一级", 5), ("L2", "二级", 5), ("L3", "三级", 10), ("NG", "非定级", 10))
    },
    "responses": {
        r: {"name_zh": zh, "handling_limit_minutes": lim, "progress_every_minutes": prog,
            "activation_role": role, "activation_role_zh": rzh, "activation_required": r != "NG"}
        for r, zh, lim, prog, role, rzh in (
            ("R1", "一级响应", 120, 30, "emergency_leadership", "应急领导小组"),
            ("R2", "二级响应", 240, 60, "ops_leader", "运维分管领导"),
            ("R3", "三级响应", 480, 120, "ops_department_head", "运维部门负责人"),
            ("NG", "非定级响应", None, 120, "ops_section_head", "运维科室负责人"))
    },
}
INCIDENT = {
    "id": 9, "number": "INC-2026-000009", "title": "核心交换机宕机", "state": "reported",
    "level": "L1", "severity": "severe", "severity_provisional": False, "response_level": "R1",
    "handling_deadline": "2026-03-01T12:00:00Z", "first_report_due": "2026-03-01T10:05:00Z",
    "drill": False, "ci_ids": [5],
    "escalations": [{"from": "R2", "to": "R1", "at": "2026-03-01T10:30:00Z", "reason": "time"}],
    "deadlines": [
        {"kind": "first_report", "due_at": "2026-03-01T10:05:00Z", "met_at": "2026-03-01T10:03:00Z", "missed": False},
        {"kind": "ack", "due_at": "2026-03-01T10:10:00Z", "met_at": None, "missed": True},
        {"kind": "progress", "due_at": "2026-03-01T10:35:00Z", "met_at": None, "missed": False},
    ],
    "recipients": [{"user_id": 3, "username": "lead", "role": "emergency_leadership"}],
    "acks": [{"user_id": 3, "username": "lead", "at": "2026-03-01T10:04:00Z"}],
    "reports": [{"kind": "first", "at": "2026-03-01T10:03:00Z", "by": "ops1"}],
    "timeline": [],
}
GRADING = {
    "level": "L1", "response_level": "R1", "handling_limit_minutes": 120,
    "first_report_within_minutes": 5, "progress_every_minutes": 30,
    "recipient_roles": [{"key": "emergency_leadership", "name_zh": "应急领导小组"}],
    "activation_role": "emergency_leadership",
    "rules": [
        {"field": "level", "req": "R-INC-2", "text": "事件级别取受影响配置项的最高等级"},
        {"field": "response_level", "req": "R-INC-3", "text": "L1 + severe → R1"},
        {"field": "handling_limit_minutes", "req": "R-ESC-1", "text": "R1 处置时限 2 小时"},
    ],
}
USER = {"id": 4, "username": "zhang", "display_name": "张三", "department": "网络部", "phone": "",
        "email": "", "roles": ["ops_engineer"], "scopes": [], "disabled": False, "lang": "zh",
        "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z"}

# (method, path) -> (status, JSON answer | bytes)
ROUTES = {
    ("POST", "/api/v1/auth/login"): (200, {"token": TOKEN, "expires_at": "2026-12-31T00:00:00Z"}),
    ("POST", "/api/v1/auth/logout"): (200, {"ok": True}),
    ("GET", "/api/v1/auth/me"): (200, USER),
    ("POST", "/api/v1/auth/password"): (200, {"ok": True}),
    ("GET", "/api/v1/cis"): (200, {"items": [CI, CI2], "total": 2, "limit": 50, "offset": 0}),
    ("POST", "/api/v1/cis"): (201, CI),
    ("GET", "/api/v1/cis/5"): (200, dict(CI, relations=[
        {"id": 1, "source_id": 6, "type": "depends_on", "target_id": 5, "source_name": "db-01",
         "target_name": "核心交换机-A"}])),
    ("POST", "/api/v1/cis/6/relations"): (201, {"id": 1, "source_id": 6, "type": "depends_on", "target_id": 5}),
    ("GET", "/api/v1/cis/5/impact"): (200, {"ci": CI, "impacted": [dict(CI2, depth=1, via=5, relation="depends_on")],
                                           "count": 1}),
    ("POST", "/api/v1/cis/5/verify"): (200, dict(CI, last_verified_at="2026-03-01T00:00:00Z", verified_by=2)),
    ("GET", "/api/v1/cis/unverified"): (200, {"items": [CI2], "total": 1, "limit": 50, "offset": 0,
                                             "period": "month", "since": "2026-03-01T00:00:00Z"}),
    ("GET", "/api/v1/cis/404"): (404, {"error": {"code": "not_found", "message": "配置项不存在 (no such CI)",
                                                 "field": None}}),
    ("POST", "/api/v1/users"): (201, USER),
    ("GET", "/api/v1/users"): (200, {"items": [USER], "total": 1, "limit": 50, "offset": 0}),
    ("PUT", "/api/v1/users/4/roles"): (200, dict(USER, roles=["ops_engineer", "liaison"], scopes=["网络部"])),
    ("POST", "/api/v1/users/4/disable"): (200, dict(USER, disabled=True)),
    ("POST", "/api/v1/users/4/enable"): (200, USER),
    ("POST", "/api/v1/incidents"): (201, {k: INCIDENT[k] for k in (
        "id", "number", "state", "level", "severity", "severity_provisional", "response_level",
        "handling_deadline", "first_report_due")}),
    ("GET", "/api/v1/incidents"): (200, {"items": [INCIDENT], "total": 1}),
    ("GET", "/api/v1/incidents/9"): (200, INCIDENT),
    ("PATCH", "/api/v1/incidents/9"): (200, INCIDENT),
    ("POST", "/api/v1/incidents/9/reports"): (201, INCIDENT),
    ("POST", "/api/v1/incidents/9/ack"): (200, INCIDENT),
    ("POST", "/api/v1/incidents/9/activate"): (403, {"error": {
        "code": "forbidden", "message": "启动 R1 响应需要 应急领导小组 (activation needs emergency_leadership)",
        "field": ""}}),
    ("POST", "/api/v1/incidents/9/close"): (200, dict(INCIDENT, state="closed")),
    ("POST", "/api/v1/incidents/9/review"): (200, dict(INCIDENT, state="reviewed")),
    ("GET", "/api/v1/incidents/9/report.md"): (200, b"# INC-2026-000009\n\n**cause**: fibre cut\n"),
    ("GET", "/api/v1/incidents/9/report.html"): (200, b"<html><body>INC-2026-000009</body></html>"),
    ("GET", "/api/v1/grading"): (200, GRADING),
    ("GET", "/api/v1/policy/table"): (200, POLICY_TABLE),
    ("GET", "/api/v1/events"): (200, {"items": [{"id": 1, "source": "zabbix", "ci": {"id": 5, "name": "sw1"},
                                                 "severity": "high", "status": "firing", "state": "open",
                                                 "class": "warning", "summary": "link down", "count": 3,
                                                 "last_seen": "2026-03-01T00:00:00Z"}], "total": 1}),
    ("POST", "/api/v1/maintenance-windows"): (201, {"id": 2, "name": "upgrade", "ci": {"id": 5, "name": "sw1"},
                                                   "starts_at": "2026-03-01T00:00:00Z",
                                                   "ends_at": "2026-03-01T02:00:00Z", "matchers": [],
                                                   "comment": "upgrade", "created_by": "zhang"}),
    ("GET", "/api/v1/test/unauth"): (401, {"error": {"code": "unauthenticated", "message": "令牌无效 (bad token)",
                                                     "field": None}}),
}


class FakeAPI:
    """The fake server: records every request, answers from ROUTES."""

    def __init__(self):
        self.requests = []
        self.huge = 0          # when > 0, GET /api/v1/cis answers this many bytes
        self.huge_declared = False
        api = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a):
                pass

            def _serve(self):
                n = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(n) if n else b""
                url = urlsplit(self.path)
                rec = {"method": self.command, "path": url.path, "query": parse_qs(url.query, keep_blank_values=True),
                       "auth": self.headers.get("Authorization"), "raw": raw,
                       "ctype": self.headers.get("Content-Type")}
                try:
                    rec["body"] = json.loads(raw) if raw else None
                except ValueError:
                    rec["body"] = "<not json>"
                api.requests.append(rec)
                if api.huge and url.path == "/api/v1/cis":
                    return self._huge()
                status, ans = ROUTES.get((self.command, url.path),
                                         (404, {"error": {"code": "not_found", "message": "no route", "field": None}}))
                data = ans if isinstance(ans, bytes) else json.dumps(ans).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json" if not isinstance(ans, bytes) else "text/plain")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _huge(self):
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                if api.huge_declared:
                    self.send_header("Content-Length", str(api.huge))
                else:
                    self.send_header("Connection", "close")
                self.end_headers()
                chunk = b" " * (1 << 20)
                sent = 0
                try:
                    while sent < api.huge:
                        self.wfile.write(chunk)
                        sent += len(chunk)
                except OSError:
                    pass
                self.close_connection = True

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = "http://127.0.0.1:%d" % self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def width(s):
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)


class CliTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not os.path.exists(BIN):
            raise unittest.SkipTest("no binary at %s (set OPSDESK_BIN)" % BIN)
        cls.api = FakeAPI()

    @classmethod
    def tearDownClass(cls):
        cls.api.stop()

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.cfg = os.path.join(self.tmp.name, "cfg")
        self.api.requests.clear()
        self.api.huge = 0
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("OPSDESK_") or k == "OPSDESK_BIN"}
        self.env.update(XDG_CONFIG_HOME=self.cfg, HOME=self.tmp.name, OPSDESK_SERVER=self.api.url)

    def tearDown(self):
        self.tmp.cleanup()

    def run_cli(self, *args, stdin="", env=None, code=0):
        e = dict(self.env)
        e.update(env or {})
        p = subprocess.run([BIN, *args], input=stdin.encode(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           env=e, timeout=60)
        out, err = p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")
        if code is not None:
            self.assertEqual(p.returncode, code, "exit %d for %s\nstdout:\n%s\nstderr:\n%s" % (
                p.returncode, args, out, err))
        return out, err

    def login(self):
        self.run_cli("login", "--user", "alice", "--password-stdin", stdin="S3cret!pass\n")
        self.api.requests.clear()

    def last(self):
        self.assertTrue(self.api.requests, "no request was sent")
        return self.api.requests[-1]

    def assert_aligned(self, out, header_a, header_b):
        """The column after header_a starts at the same display column on every table line."""
        lines = out.splitlines()
        hdr = next(i for i, l in enumerate(lines) if header_a in l and header_b in l)
        col = width(lines[hdr][:lines[hdr].index(header_b)])
        self.assertGreater(col, 0)
        for l in lines[hdr + 1:]:
            if not l.strip() or l.startswith("共"):
                break
            # the character before the column is a space, the one at it is not
            prefix, acc = "", 0
            for ch in l:
                if acc >= col:
                    break
                prefix += ch
                acc += width(ch)
            self.assertEqual(acc, col, "line not aligned: %r" % l)
            self.assertTrue(prefix.endswith("  "), "no gap before column in %r" % l)
            self.assertNotEqual(l[len(prefix):len(prefix) + 1], " ", "column misplaced in %r" % l)

    # ---- session ----

    def test_login_saves_session_0600(self):
        out, _ = self.run_cli("login", "--user", "alice", "--password-stdin", stdin="S3cret!pass\n")
        r = self.last()
        self.assertEqual((r["method"], r["path"]), ("POST", "/api/v1/auth/login"))
        self.assertEqual(r["body"], {"username": "alice", "password": "S3cret!pass"})
        self.assertIsNone(r["auth"])
        self.assertEqual(r["ctype"], "application/json")
        path = os.path.join(self.cfg, "opsdesk", "session.json")
        self.assertEqual(stat.S_IMODE(os.stat(path).st_mode), 0o600)
        self.assertEqual(stat.S_IMODE(os.stat(os.path.dirname(path)).st_mode), 0o700)
        with open(path) as f:
            sess = json.load(f)
        self.assertEqual(sess, {"server": self.api.url, "token": TOKEN, "username": "alice",
                                "expires_at": "2026-12-31T00:00:00Z"})
        self.assertIn("alice", out)
        self.assertNotIn(TOKEN, out)

    def test_login_password_from_env_and_default_config_dir(self):
        env = {"OPSDESK_PASSWORD": "Env!pass1"}
        del self.env["XDG_CONFIG_HOME"]
        self.run_cli("login", "--user", "bob", env=env)
        self.assertEqual(self.last()["body"], {"username": "bob", "password": "Env!pass1"})
        path = os.path.join(self.tmp.name, ".config", "opsdesk", "session.json")
        self.assertEqual(stat.S_IMODE(os.stat(path).st_mode), 0o600)

    def test_login_prompts_without_echo_on_a_tty(self):
        import pty
        import select
        master, slave = pty.openpty()
        try:
            p = subprocess.Popen([BIN, "login", "--user", "tty"], stdin=slave, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, env=self.env)
            os.close(slave)
            slave = None
            prompt = b""
            while b"Password" not in prompt:
                chunk = os.read(p.stderr.fileno(), 256)
                self.assertTrue(chunk, "no prompt")
                prompt += chunk
            os.write(master, b"Tty!pass9\n")
            out, _ = p.communicate(timeout=30)
            self.assertEqual(p.returncode, 0)
            echoed = b""
            while select.select([master], [], [], 0.2)[0]:
                try:
                    data = os.read(master, 4096)
                except OSError:
                    break
                if not data:
                    break
                echoed += data
            self.assertNotIn(b"Tty!pass9", echoed)
            self.assertEqual(self.last()["body"], {"username": "tty", "password": "Tty!pass9"})
        finally:
            os.close(master)
            if slave is not None:
                os.close(slave)

    def test_login_without_password_is_usage_error(self):
        _, err = self.run_cli("login", "--user", "bob", code=2)
        self.assertIn("--password-stdin", err)
        self.assertEqual(self.api.requests, [])

    def test_saved_token_is_sent(self):
        self.login()
        self.run_cli("whoami")
        r = self.last()
        self.assertEqual((r["method"], r["path"], r["auth"]), ("GET", "/api/v1/auth/me", "Bearer " + TOKEN))

    def test_saved_server_is_used_without_env(self):
        self.login()
        del self.env["OPSDESK_SERVER"]
        self.run_cli("whoami")
        self.assertEqual(self.last()["auth"], "Bearer " + TOKEN)

    def test_token_flag_and_env_override(self):
        self.login()
        self.run_cli("whoami", "--token", "flagtok")
        self.assertEqual(self.last()["auth"], "Bearer flagtok")
        self.run_cli("whoami", env={"OPSDESK_TOKEN": "envtok"})
        self.assertEqual(self.last()["auth"], "Bearer envtok")

    def test_saved_token_not_sent_to_other_server(self):
        self.login()
        other = FakeAPI()
        try:
            self.run_cli("whoami", "--server", other.url)
            self.assertIsNone(other.requests[-1]["auth"])
        finally:
            other.stop()

    def test_logout_revokes_and_deletes(self):
        self.login()
        path = os.path.join(self.cfg, "opsdesk", "session.json")
        self.assertTrue(os.path.exists(path))
        self.run_cli("logout")
        r = self.last()
        self.assertEqual((r["method"], r["path"], r["auth"]), ("POST", "/api/v1/auth/logout", "Bearer " + TOKEN))
        self.assertFalse(os.path.exists(path))

    def test_logout_when_not_logged_in(self):
        self.run_cli("logout")
        self.assertEqual(self.api.requests, [])

    # ---- CIs ----

    def test_ci_list_table(self):
        self.login()
        out, _ = self.run_cli("ci", "list", "--category", "network", "--grade", "L1", "-q", "核心 A",
                              "--limit", "10", "--offset", "0")
        r = self.last()
        self.assertEqual((r["method"], r["path"]), ("GET", "/api/v1/cis"))
        self.assertEqual(r["query"], {"category": ["network"], "grade": ["L1"], "q": ["核心 A"], "limit": ["10"],
                                      "offset": ["0"]})
        self.assertEqual(r["auth"], "Bearer " + TOKEN)
        lines = out.splitlines()
        self.assertTrue(lines[0].startswith("编号 ID"), out)
        self.assertIn("名称 Name", lines[0])
        self.assertIn("核心交换机-A", out)
        self.assertIn("db-01", out)
        self.assertIn("total 2", out)
        self.assert_aligned(out, "编号 ID", "名称 Name")
        self.assert_aligned(out, "名称 Name", "类别 Category")
        self.assert_aligned(out, "部门 Department", "环境 Environment")

    def test_ci_list_json(self):
        self.login()
        out, _ = self.run_cli("ci", "list", "--json")
        self.assertEqual(json.loads(out), ROUTES[("GET", "/api/v1/cis")][1])
        self.assertIn("\n  ", out)  # pretty-printed

    def test_ci_add_body(self):
        self.login()
        out, _ = self.run_cli("ci", "add", "--name", "核心交换机-A", "--category", "network", "--grade", "L1",
                              "--department", "网络部", "--environment", "production", "--location", "IDC-1",
                              "--attr", "vendor=huawei", "--attr", "model=S12700")
        r = self.last()
        self.assertEqual((r["method"], r["path"]), ("POST", "/api/v1/cis"))
        self.assertEqual(r["body"], {"name": "核心交换机-A", "category": "network", "grade": "L1",
                                     "department": "网络部", "environment": "production", "location": "IDC-1",
                                     "attributes": {"vendor": "huawei", "model": "S12700"}})
        self.assertIn("编号 ID", out)
        self.assertIn("vendor=huawei", out)

    def test_ci_show_with_relations(self):
        self.login()
        out, _ = self.run_cli("ci", "show", "5")
        self.assertEqual(self.last()["path"], "/api/v1/cis/5")
        self.assertIn("关系 Relations (1)", out)
        self.assertIn("depends_on", out)
        self.assert_aligned(out, "源编号 Source ID", "源名称 Source")
        out, _ = self.run_cli("ci", "show", "5", "--json")
        self.assertEqual(json.loads(out)["relations"][0]["source_name"], "db-01")

    def test_ci_relate_impact_verify_unverified(self):
        self.login()
        self.run_cli("ci", "relate", "6", "--type", "depends_on", "--target", "5")
        r = self.last()
        self.assertEqual((r["method"], r["path"], r["body"]),
                         ("POST", "/api/v1/cis/6/relations", {"type": "depends_on", "target_id": 5}))
        out, _ = self.run_cli("ci", "impact", "5")
        self.assertEqual(self.last()["path"], "/api/v1/cis/5/impact")
        self.assertIn("受影响的配置项 Impacted CIs (1)", out)
        self.assertIn("深度 Depth", out)
        self.assertIn("db-01", out)
        self.run_cli("ci", "verify", "5")
        self.assertEqual((self.last()["method"], self.last()["path"]), ("POST", "/api/v1/cis/5/verify"))
        out, _ = self.run_cli("ci", "unverified", "--period", "month")
        r = self.last()
        self.assertEqual((r["path"], r["query"]), ("/api/v1/cis/unverified", {"period": ["month"]}))
        self.assertIn("db-01", out)
        self.assertIn("共 1 条 (total 1, shown 1)", out)  # the list envelope's total

    # ---- users ----

    def test_user_commands(self):
        self.login()
        out, _ = self.run_cli("user", "add", "--username", "zhang", "--password-stdin", "--display-name", "张三",
                              "--department", "网络部", stdin="N3w!passw0rd\n")
        r = self.last()
        self.assertEqual((r["method"], r["path"]), ("POST", "/api/v1/users"))
        self.assertEqual(r["body"], {"username": "zhang", "password": "N3w!passw0rd", "display_name": "张三",
                                     "department": "网络部"})
        self.assertNotIn("N3w!passw0rd", out)
        self.run_cli("user", "add", "--username", "li", "--password", "P4ss!word")
        self.assertEqual(self.last()["body"], {"username": "li", "password": "P4ss!word"})
        out, _ = self.run_cli("user", "list")
        self.assertTrue(out.startswith("编号 ID"))
        self.assertIn("ops_engineer", out)
        self.run_cli("user", "roles", "4", "--set", "ops_engineer,liaison", "--scopes", "网络部")
        r = self.last()
        self.assertEqual((r["method"], r["path"], r["body"]),
                         ("PUT", "/api/v1/users/4/roles", {"roles": ["ops_engineer", "liaison"], "scopes": ["网络部"]}))
        self.run_cli("user", "disable", "4")
        self.assertEqual((self.last()["method"], self.last()["path"]), ("POST", "/api/v1/users/4/disable"))
        self.run_cli("user", "enable", "4")
        self.assertEqual(self.last()["path"], "/api/v1/users/4/enable")
        self.run_cli("user", "passwd", stdin="Old!pass1\nNew!pass2\n")
        r = self.last()
        self.assertEqual((r["path"], r["body"]),
                         ("/api/v1/auth/password", {"old_password": "Old!pass1", "new_password": "New!pass2"}))

    # ---- incidents ----

    def test_incident_new_and_list(self):
        self.login()
        out, _ = self.run_cli("incident", "new", "--title", "核心交换机宕机", "--ci", "5,6", "--severity", "severe",
                              "--detected-at", "2026-03-01T10:00:00+08:00", "--symptoms", "ping 不通", "--drill")
        r = self.last()
        self.assertEqual((r["method"], r["path"]), ("POST", "/api/v1/incidents"))
        self.assertEqual(r["body"], {"title": "核心交换机宕机", "ci_ids": [5, 6], "severity": "severe",
                                     "detected_at": "2026-03-01T10:00:00+08:00", "symptoms": "ping 不通",
                                     "drill": True})
        self.assertIn("INC-2026-000009", out)
        self.assertIn("R1", out)
        self.run_cli("incident", "list", "--state", "reported", "--level", "L1", "--response-level", "R1",
                     "-q", "交换机", "--drill", "false")
        self.assertEqual(self.last()["query"], {"state": ["reported"], "level": ["L1"], "response_level": ["R1"],
                                                "q": ["交换机"], "drill": ["false"]})

    def test_incident_show_human(self):
        self.login()
        out, _ = self.run_cli("incident", "show", "9")
        for s in ("INC-2026-000009", "期限 Deadlines (3)", "已完成 met", "已超时 missed", "待完成 pending",
                  "升级 Escalations (1)", "报告对象 Recipients (1)", "确认 Acknowledgements (1)", "报告 Reports (1)",
                  "emergency_leadership"):
            self.assertIn(s, out)
        self.assert_aligned(out, "种类 Kind", "期限 Due")
        out, _ = self.run_cli("incident", "show", "9", "--json")
        self.assertEqual(json.loads(out), INCIDENT)

    def test_incident_report_fields(self):
        self.login()
        self.run_cli("incident", "report", "9", "--kind", "final", "--cause", "光纤中断", "--process", "切换",
                     "--current-state", "恢复", "--business-impact-minutes", "42", "--improvements", "双路由")
        r = self.last()
        self.assertEqual((r["method"], r["path"]), ("POST", "/api/v1/incidents/9/reports"))
        self.assertEqual(r["body"], {"kind": "final", "cause": "光纤中断", "process": "切换", "current_state": "恢复",
                                     "business_impact_minutes": 42, "improvements": "双路由"})
        self.run_cli("incident", "report", "9", "--kind", "second", "--response-level", "R2",
                     "--system-impact", "x", "--estimated-recovery-at", "2026-03-01T12:00:00Z")
        self.assertEqual(self.last()["body"], {"kind": "second", "response_level": "R2", "system_impact": "x",
                                               "estimated_recovery_at": "2026-03-01T12:00:00Z"})

    def test_incident_actions(self):
        self.login()
        for verb in ("ack", "close"):
            self.run_cli("incident", verb, "9")
            r = self.last()
            self.assertEqual((r["method"], r["path"], r["body"]), ("POST", "/api/v1/incidents/9/" + verb, {}))
        self.run_cli("incident", "review", "9", "--cause-analysis", "a", "--lessons", "b", "--improvements", "c",
                     "--measures", "d", "--result", "e")
        self.assertEqual(self.last()["body"], {"cause_analysis": "a", "lessons": "b", "improvements": "c",
                                               "measures": "d", "result": "e"})
        self.run_cli("incident", "regrade", "9", "--severity", "minor", "--ci", "5", "--reason", "误报")
        r = self.last()
        self.assertEqual((r["method"], r["path"], r["body"]),
                         ("PATCH", "/api/v1/incidents/9", {"severity": "minor", "ci_ids": [5], "reason": "误报"}))

    def test_incident_export(self):
        self.login()
        out, _ = self.run_cli("incident", "export", "9", "--format", "md")
        self.assertEqual(self.last()["path"], "/api/v1/incidents/9/report.md")
        self.assertEqual(out, "# INC-2026-000009\n\n**cause**: fibre cut\n")
        out, _ = self.run_cli("incident", "export", "9", "--format", "html")
        self.assertIn("<html>", out)

    # ---- grading and policy ----

    def test_grade(self):
        self.login()
        out, _ = self.run_cli("grade", "--ci", "5", "--severity", "severe")
        r = self.last()
        self.assertEqual((r["path"], r["query"]), ("/api/v1/grading", {"ci_id": ["5"], "severity": ["severe"]}))
        lines = out.splitlines()
        i = next(i for i, l in enumerate(lines) if l.startswith("事件级别 Level"))
        self.assertIn("L1", lines[i])
        self.assertIn("R-INC-2", lines[i + 1])
        self.assertIn("事件级别取受影响配置项的最高等级", lines[i + 1])
        self.assertIn("应急领导小组(emergency_leadership)", out)
        self.run_cli("grade", "--category", "network", "--grade", "L2", "--severity", "minor")
        self.assertEqual(self.last()["query"], {"category": ["network"], "grade": ["L2"], "severity": ["minor"]})
        out, _ = self.run_cli("grade", "--ci", "5", "--severity", "severe", "--json")
        self.assertEqual(json.loads(out), GRADING)

    def test_grade_needs_ci_or_category(self):
        self.login()
        self.run_cli("grade", "--severity", "severe", code=2)
        self.run_cli("grade", "--ci", "5", "--category", "network", "--grade", "L1", "--severity", "severe", code=2)
        self.run_cli("grade", "--category", "network", "--severity", "severe", code=2)
        self.assertEqual(self.api.requests, [])

    def test_policy_table(self):
        self.login()
        out, _ = self.run_cli("policy", "table")
        self.assertEqual(self.last()["path"], "/api/v1/policy/table")
        lines = out.splitlines()
        hdr = next(i for i, l in enumerate(lines) if "严重 severe" in l)
        rows = [l.split() for l in lines[hdr + 1:hdr + 5]]
        self.assertEqual(rows, [["L1", "R1", "R1", "R2"], ["L2", "R1", "R2", "R2"], ["L3", "R2", "R3", "R3"],
                                ["NG", "NG", "NG", "NG"]])
        self.assertIn("所属部门负责人", out)
        self.assertIn("无 none", out)  # NG has no handling limit
        self.assertIn("运维分管领导(ops_leader)", out)
        # duties.activation_required: the plan first at R1–R3, the light path at NG
        acts = {l.split()[0]: l for l in lines if l.split() and l.split()[0] in ("R1", "R2", "R3", "NG")}
        for r in ("R1", "R2", "R3"):
            self.assertIn("须先启动 required", acts[r])
        self.assertIn("无须启动 not required", acts["NG"])
        self.assert_aligned(out, "响应级别 Response", "中文名 Name")
        out, _ = self.run_cli("policy", "table", "--json")
        self.assertEqual(json.loads(out), POLICY_TABLE)

    # ---- events ----

    def test_events(self):
        self.login()
        out, _ = self.run_cli("event", "list", "--source", "zabbix")
        self.assertEqual(self.last()["query"], {"source": ["zabbix"]})
        self.assertIn("link down", out)
        self.run_cli("event", "silence", "--ci", "5", "--start", "2026-03-01T00:00:00Z",
                     "--end", "2026-03-01T02:00:00Z", "--reason", "upgrade")
        r = self.last()
        self.assertEqual((r["method"], r["path"], r["body"]),
                         ("POST", "/api/v1/maintenance-windows", {"ci_id": 5, "starts_at": "2026-03-01T00:00:00Z",
                                                                  "ends_at": "2026-03-01T02:00:00Z",
                                                                  "comment": "upgrade"}))

    # ---- known errors (docs/known-errors.md) ----

    def test_known_errors(self):
        self.login()
        ke = {"id": 9, "number": "KE-2026-000009", "title": "连接池耗尽", "state": "published", "published": True,
              "symptoms": "502", "root_cause": "泄漏", "workaround": "重启 app-7", "solution": "升级驱动",
              "problem_number": "PRB-2026-000001", "ci_ids": [5], "match_rules": ['alertname="DbPool"'], "uses": 2,
              "department": "运行部", "version": 1, "updated_at": "2026-03-01T00:00:00Z"}
        ROUTES[("POST", "/api/v1/known-errors")] = (201, ke)
        ROUTES[("GET", "/api/v1/known-errors/9")] = (200, ke)
        ROUTES[("GET", "/api/v1/known-errors")] = (200, {"items": [ke], "total": 1, "limit": 50, "offset": 0})
        ROUTES[("GET", "/api/v1/known-errors/search")] = (200, {"items": [dict(ke, snippet="…连接池耗尽…")],
                                                                "total": 1, "limit": 50, "offset": 0})
        self.run_cli("ke", "create", "--title", "连接池耗尽", "--workaround", "重启 app-7", "--ci", "5,6",
                     "--rules", 'alertname="DbPool",instance=~"db-.*"', "--problem", "3", "--publish")
        r = self.last()
        self.assertEqual((r["method"], r["path"], r["body"]),
                         ("POST", "/api/v1/known-errors", {"title": "连接池耗尽", "workaround": "重启 app-7",
                                                           "ci_ids": [5, 6], "problem_id": 3, "published": True,
                                                           "match_rules": ['alertname="DbPool"',
                                                                           'instance=~"db-.*"']}))
        out, _ = self.run_cli("ke", "show", "9")
        self.assertIn("重启 app-7", out)
        self.assertIn("KE-2026-000009", out)
        out, _ = self.run_cli("ke", "list", "--published", "true")
        self.assertEqual(self.last()["query"], {"published": ["true"]})
        self.assertIn("KE-2026-000009", out)
        out, _ = self.run_cli("ke", "search", "-q", "连接池", "--event", "4")
        self.assertEqual(self.last()["query"], {"q": ["连接池"], "event": ["4"]})
        self.assertIn("…连接池耗尽…", out)

    # ---- drills (docs/drills.md) ----

    def test_drills(self):
        self.login()
        dr = {"id": 21, "number": "DRL-2026-000001", "title": "数据库故障演练", "state": "planned", "version": 1,
              "department": "运行部", "updated_at": "2026-03-01T00:00:00Z",
              "drill": {"plan_id": 12, "drill_type": "functional", "mode": "sandbox", "goals": "检验一级响应",
                        "scenario": "", "participants": [3, 4], "scheduled_at": "2026-03-05T02:00:00.000Z",
                        "started_at": None, "incident": None, "evaluation": "", "lessons": "", "closed_at": None}}
        card = {"drill_id": 21, "number": "DRL-2026-000001",
                "incident": {"id": 7, "number": "INC-2026-000007", "level": "L1", "state": "closed"},
                "items": [{"kind": "first_report", "recipient_id": None, "due_at": "2026-03-05T02:05:00.000Z",
                           "met_at": "2026-03-05T02:04:00.000Z", "verdict": "pass"},
                          {"kind": "ack", "recipient_id": 4, "due_at": "2026-03-05T02:10:00.000Z",
                           "met_at": None, "verdict": "fail"}],
                "participants": [], "passed": 1, "failed": 1, "pending": 0, "not_judged": 0, "score_pct": 50,
                "to_ack_ms": None, "to_activate_ms": 240000, "steps_planned": 7, "steps_done": 5}
        ROUTES[("POST", "/api/v1/drills")] = (201, dr)
        ROUTES[("GET", "/api/v1/drills/21")] = (200, dr)
        ROUTES[("GET", "/api/v1/drills")] = (200, {"items": [dr], "total": 1, "limit": 50, "offset": 0})
        ROUTES[("GET", "/api/v1/drills/21/scorecard")] = (200, card)
        self.run_cli("drill", "create", "--title", "数据库故障演练", "--plan", "12", "--mode", "sandbox",
                     "--goals", "检验一级响应", "--participants", "3,4", "--at", "2026-03-05T02:00:00Z")
        r = self.last()
        self.assertEqual((r["method"], r["path"], r["body"]),
                         ("POST", "/api/v1/drills", {"title": "数据库故障演练", "fields": {
                             "plan_id": 12, "mode": "sandbox", "goals": "检验一级响应", "participants": [3, 4],
                             "scheduled_at": "2026-03-05T02:00:00Z"}}))
        out, _ = self.run_cli("drill", "show", "21")
        self.assertIn("DRL-2026-000001", out)
        self.assertIn("sandbox", out)
        out, _ = self.run_cli("drill", "list", "--state", "planned")
        self.assertEqual(self.last()["query"], {"state": ["planned"]})
        self.assertIn("数据库故障演练", out)
        out, _ = self.run_cli("drill", "scorecard", "21")
        self.assertIn("INC-2026-000007", out)
        self.assertIn("fail", out)
        self.assertIn("50", out)
        # R-PLAN-2: a finding becomes its follow-up record in one step
        ROUTES[("POST", "/api/v1/drills/21/findings")] = (201, {
            "id": 30, "number": "PRB-2026-000004", "kind": "problem", "title": "部门负责人未确认告警",
            "state": "new", "department": "运行部", "requester_id": 3})
        out, _ = self.run_cli("drill", "finding", "21", "--title", "部门负责人未确认告警", "--kind", "problem",
                              "--description", "演练中未确认")
        r = self.last()
        self.assertEqual((r["method"], r["path"], r["body"]),
                         ("POST", "/api/v1/drills/21/findings", {"title": "部门负责人未确认告警", "kind": "problem",
                                                                 "description": "演练中未确认"}))
        self.assertIn("PRB-2026-000004", out)
        # manual 1–5 scores per scorecard item, for the drill or a participant
        ROUTES[("PUT", "/api/v1/drills/21/scores")] = (200, card)
        self.run_cli("drill", "score", "21", "--item", "command", "--score", "4", "--user", "3", "--note", "指挥清晰")
        r = self.last()
        self.assertEqual((r["method"], r["path"], r["body"]),
                         ("PUT", "/api/v1/drills/21/scores", {"item": "command", "score": 4, "user_id": 3,
                                                              "note": "指挥清晰"}))

    def test_plans_training_readiness(self):
        self.login()
        plan = {"id": 12, "number": "PLN-2026-000001", "title": "数据库故障专项预案", "state": "published", "version": 6,
                "department": "运行部", "plan": {"owner_id": 3, "current_version": 1, "review_months": 6,
                                               "published_at": "2026-03-01T00:00:00.000Z", "reviewed_at": None,
                                               "next_review_at": "2026-04-01T00:00:00.000Z", "review_due": True,
                                               "review_trigger": "drill"}}
        cert = {"id": 1, "user_id": 4, "username": "zhang", "display_name": "张工", "position": "db_emergency",
                "name": "数据库应急资格", "issuer": "运行部", "number": "DBE-1", "issued_at": "2026-01-01T00:00:00.000Z",
                "expires_at": "2027-01-01T00:00:00.000Z", "created_by": "qian", "created_at": "2026-03-01T00:00:00.000Z"}
        ROUTES[("GET", "/api/v1/plans/12")] = (200, plan)
        ROUTES[("GET", "/api/v1/plans/overdue")] = (200, {"items": [plan], "total": 1, "limit": 50, "offset": 0})
        ROUTES[("POST", "/api/v1/certificates")] = (201, cert)
        ROUTES[("GET", "/api/v1/certificates")] = (200, {"items": [cert], "total": 1, "limit": 50, "offset": 0})
        ROUTES[("GET", "/api/v1/readiness")] = (200, {
            "positions": [{"key": "db_emergency", "min_qualified": 2, "qualified": 1, "gap": True,
                           "certificate_required": True}],
            "plans": [{"number": "PLN-2026-000001", "current_version": 1, "next_review_at": "2026-04-01T00:00:00.000Z",
                       "review_due": True, "drill_due_at": "2027-03-01T00:00:00.000Z", "drill_due": False}]})
        out, _ = self.run_cli("plan", "show", "12")
        self.assertIn("PLN-2026-000001", out)
        self.assertIn("drill", out)
        out, _ = self.run_cli("plan", "overdue")
        self.assertIn("数据库故障专项预案", out)
        self.run_cli("training", "cert-add", "--user", "4", "--position", "db_emergency", "--name", "数据库应急资格",
                     "--issued", "2026-01-01T00:00:00Z", "--expires", "2027-01-01T00:00:00Z")
        r = self.last()
        self.assertEqual((r["method"], r["path"], r["body"]),
                         ("POST", "/api/v1/certificates", {"user_id": 4, "position": "db_emergency",
                                                           "name": "数据库应急资格", "issued_at": "2026-01-01T00:00:00Z",
                                                           "expires_at": "2027-01-01T00:00:00Z"}))
        out, _ = self.run_cli("training", "certs", "--user", "4")
        self.assertEqual(self.last()["query"], {"user_id": ["4"]})
        self.assertIn("DBE-1", out)
        out, _ = self.run_cli("training", "readiness")
        self.assertIn("db_emergency", out)
        self.assertIn("PLN-2026-000001", out)

    # ---- errors and exit codes ----

    def test_server_error_exit_1(self):
        self.login()
        _, err = self.run_cli("incident", "activate", "9", code=1)
        self.assertIn("错误 error: 启动 R1 响应需要 应急领导小组", err)
        _, err = self.run_cli("ci", "show", "404", code=1)
        self.assertIn("配置项不存在", err)

    def test_error_field_is_printed(self):
        ROUTES[("POST", "/api/v1/test/field")] = (422, {"error": {
            "code": "unprocessable", "message": "缺少必需字段 (missing fields): cause", "field": "cause"}})
        try:
            self.login()
            # export is the only raw path; reach the route through --server path trick is not possible,
            # so use a command whose route we point at it: incident report with a 422 answer.
            ROUTES[("POST", "/api/v1/incidents/10/reports")] = ROUTES[("POST", "/api/v1/test/field")]
            _, err = self.run_cli("incident", "report", "10", "--kind", "final", code=1)
            self.assertIn("错误 error: 缺少必需字段 (missing fields): cause", err)
            self.assertIn("field: cause", err)
        finally:
            ROUTES.pop(("POST", "/api/v1/test/field"), None)
            ROUTES.pop(("POST", "/api/v1/incidents/10/reports"), None)

    def test_401_hints_login(self):
        ROUTES[("GET", "/api/v1/users/77")] = ROUTES[("GET", "/api/v1/test/unauth")]
        try:
            _, err = self.run_cli("user", "show", "77", code=1)
            self.assertIn("令牌无效", err)
            self.assertIn("opsdesk login", err)
        finally:
            ROUTES.pop(("GET", "/api/v1/users/77"))

    def test_non_json_error(self):
        ROUTES[("GET", "/api/v1/users/78")] = (502, b"Bad Gateway")
        try:
            _, err = self.run_cli("user", "show", "78", code=1)
            self.assertIn("502", err)
        finally:
            ROUTES.pop(("GET", "/api/v1/users/78"))

    def test_connection_refused_exit_3(self):
        _, err = self.run_cli("ci", "list", "--server", "http://127.0.0.1:%d" % free_port(), code=3)
        self.assertIn("无法连接服务器", err)
        self.assertIn("cannot connect", err)

    def test_usage_errors_exit_2(self):
        cases = [
            ("ci",),
            ("ci", "frobnicate"),
            ("ci", "list", "--bogus"),
            ("ci", "show"),
            ("ci", "show", "abc"),
            ("ci", "show", "0"),
            ("ci", "show", "5", "6"),
            ("ci", "add", "--name", "x", "--category", "network"),
            ("ci", "add", "--name", "x", "--category", "network", "--grade", "L9"),
            ("ci", "add", "--name", "x", "--category", "network", "--grade", "L1", "--attr", "novalue"),
            ("ci", "list", "--limit", "ten"),
            ("ci", "list", "--limit", "-1"),
            ("ci", "list", "--limit", "99999999999999999999999"),
            ("incident", "new", "--title", "t", "--ci", "1,x"),
            ("incident", "new", "--title", "t", "--ci", "1,,2"),
            ("incident", "list", "--drill", "maybe"),
            ("incident", "report", "9", "--kind", "first", "--business-impact-minutes", "4x"),
            ("incident", "report", "9", "--kind", "weekly"),
            ("incident", "regrade", "9", "--severity", "minor"),
            ("incident", "export", "9", "--format", "pdf"),
            ("ci", "list", "--server"),
            ("ci", "list", "--server", "ftp://127.0.0.1/"),
            ("ci", "list", "--category", "a", "--category", "b"),
            ("user", "add", "--username", "u"),  # no password, stdin not a TTY
        ]
        self.login()
        for args in cases:
            with self.subTest(args=args):
                _, err = self.run_cli(*args, code=2)
                self.assertIn("usage", err)
        self.assertEqual(self.api.requests, [], "a usage error sent a request")

    def test_help_exit_0(self):
        out, _ = self.run_cli("ci", "--help")
        self.assertIn("opsdesk ci list", out)
        out, _ = self.run_cli("incident", "report", "--help")
        self.assertIn("--business-impact-minutes", out)

    def test_unknown_answer_shape_is_still_shown(self):
        ROUTES[("GET", "/api/v1/events/3")] = (200, {"fingerprint": "abc123", "labels": {"host": "sw1"}})
        try:
            out, _ = self.run_cli("event", "show", "3", "--token", "t")
            self.assertIn("fingerprint", out)
            self.assertIn("abc123", out)
            self.assertIn("host=sw1", out)
        finally:
            ROUTES.pop(("GET", "/api/v1/events/3"))

    def test_global_options_anywhere(self):
        self.login()
        out, _ = self.run_cli("--json", "ci", "list")
        self.assertEqual(json.loads(out)["total"], 2)
        self.run_cli("ci", "--token", "t2", "list")
        self.assertEqual(self.last()["auth"], "Bearer t2")
        self.run_cli("ci", "list", "--token=t3")
        self.assertEqual(self.last()["auth"], "Bearer t3")

    def test_answer_over_64_mib_refused(self):
        self.login()
        for declared in (True, False):
            with self.subTest(declared=declared):
                self.api.huge = 64 * 1024 * 1024 + 1024 * 1024
                self.api.huge_declared = declared
                _, err = self.run_cli("ci", "list", code=1)
                self.assertIn("64 MiB", err)

    def test_event_show_decisions_and_bilingual_columns(self):
        """`event show` prints the rule behind each step (decisions) without
        --json, and the event columns are labelled Chinese first."""
        self.login()
        ev = {"id": 4, "source": "alertmanager", "status": "firing", "state": "incident", "class": "exception",
              "severity": "critical", "summary": "db down", "count": 1, "last_seen": "2026-03-01T00:00:00Z",
              "decisions": [{"step": "classify", "rule": "severe-on-graded-ci", "result": "异常 (exception)",
                             "at": "2026-03-01T00:00:00Z"},
                            {"step": "incident", "rule": "critical-severe", "result": "开立事件 (incident opened)",
                             "at": "2026-03-01T00:00:01Z"}]}
        ROUTES[("GET", "/api/v1/events/4")] = (200, ev)
        try:
            out, _ = self.run_cli("event", "show", "4")
        finally:
            ROUTES.pop(("GET", "/api/v1/events/4"))
        for s in ("判定 Decisions", "severe-on-graded-ci", "critical-severe", "开立事件", "步骤 Step", "规则 Rule",
                  "事件分类 Class", "摘要 Summary", "最近出现 Last seen"):
            self.assertIn(s, out)
        out, _ = self.run_cli("event", "list")
        for s in ("事件分类 Class", "摘要 Summary", "最近出现 Last seen"):
            self.assertIn(s, out)


if __name__ == "__main__":
    unittest.main(verbosity=2 if "-v" in sys.argv else 1, argv=[a for a in sys.argv if a != "-v"])
