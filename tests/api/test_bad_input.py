"""test_bad_input.py — the bad input catalogue (issue 7; DESIGN.md "Errors":
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
accepted and read back verbatim.

Data-driven: a new write route without a sample body here fails
test_every_write_route_has_a_sample, naming the route.
"""
import json
import os
import re
import sqlite3
import itertools

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


# ---- the samples: one per write route --------------------------------------
# key "METHOD pattern": user (a key of BadInput.tok), body(t) -> dict (t: the
# test case, for ids), read(t, resp) -> path to read the record back or None.
# expect: statuses a well-formed sample may get when a string field is
# replaced (e.g. 401 for login) — default any 2xx (then read back) or 4xx.
# writes_ok: tables a rejected request may still write (login.fail audits).
SAMPLES = {
    "POST /api/v1/test/clock": dict(user=None, body=lambda t: {"advance_seconds": 0}),
    "POST /api/v1/auth/login": dict(user=None, body=lambda t: {"username": "bi_eng", "password": "Wrong-pass-1!"},
                                    writes_ok={"audit"}, last=True),
    "POST /api/v1/auth/logout": dict(user="logout", body=lambda t: {}),
    "POST /api/v1/auth/password": dict(user="pw", body=lambda t: {"old_password": "Wrong-pass-1!",
                                                                   "new_password": "New-pass-1!x"}),
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
    "POST /api/v1/cis": dict(user="eng", body=lambda t: {
        "name": "bi-ci-%d" % unique(), "category": "application", "grade": "L3", "department": "运行部",
        "environment": "production", "location": "机房A", "attributes": {"k": "v"}},
        read=lambda t, r: "/api/v1/cis/%d" % r["id"]),
    "PATCH /api/v1/cis/{id}": dict(user="eng", ids=lambda t: [t.ci], body=lambda t: {
        "location": "机房B", "environment": "production"}, read=lambda t, r: "/api/v1/cis/%d" % t.ci),
    "POST /api/v1/cis/{id}/relations": dict(user="eng", ids=lambda t: [t.ci], body=lambda t: {
        "type": "depends_on", "target_id": t.ci2}, read=lambda t, r: "/api/v1/cis/%d" % t.ci),
    "POST /api/v1/cis/{id}/verify": dict(user="eng", ids=lambda t: [t.ci], body=lambda t: {}),
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
    "POST /api/v1/incidents/{id}/review": dict(user="eng", ids=lambda t: [t.inc], body=lambda t: {
        "cause_analysis": "a", "lessons": "b", "improvements": "c", "measures": "d", "result": "e"}),
}


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
    values, or inside a JSON-encoded string such as a report body)."""
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
        super().setUpClass()
        s = cls.srv
        cls.tok = {"sysadmin": s.admin("sysadmin"), "secadmin": s.admin("secadmin"), None: None}
        cls.uid = {}
        for name, roles in (("bi_eng", ["ops_engineer", "monitoring_engineer"]), ("bi_logout", ["ops_engineer"]),
                            ("bi_pw", ["ops_engineer"]), ("bi_victim", ["ops_engineer"]),
                            ("bi_lead", ["ops_section_head"])):
            uid, tok = s.make_user(name, roles, phone="13900000001")
            cls.uid[name[3:]] = uid
            cls.tok[name[3:]] = tok
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
        cls.db = sqlite3.connect("file:%s?mode=ro" % s.db, uri=True, timeout=30)
        cls.counts = {"sent": 0, "rejected": 0, "accepted": 0}

    @classmethod
    def tearDownClass(cls):
        cls.db.close()
        print("\nbad input: %(sent)d requests, %(rejected)d rejected with 4xx and nothing written, "
              "%(accepted)d accepted and read back verbatim" % cls.counts)
        super().tearDownClass()

    # ---- the "nothing written" snapshot ----
    def snapshot(self, writes_ok=()):
        db = self.db
        db.execute("BEGIN")  # one read transaction: a consistent picture
        try:
            tables = [t for (t,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                                "AND name NOT LIKE 'sqlite_%'")]
            snap = {}
            for t in tables:
                # deliveries and the fan-out watermark are the dispatcher's own
                # bookkeeping of earlier accepted messages, written in the background
                if t in ("deliveries",) or t in writes_ok:
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
        return re.sub(r"\{id\}", lambda m: str(next(it)), pattern)

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

    def expect_rejected(self, what, method, pattern, spec, raw, headers=None, statuses=None):
        path = self.route_path(pattern, spec)
        before = self.snapshot(spec.get("writes_ok", ()))
        r = self.send(method, path, spec, raw, headers)
        after = self.snapshot(spec.get("writes_ok", ()))
        ok = (r.status in statuses) if statuses else (400 <= r.status < 500)
        where = "%s %s, %s" % (method, pattern, what)
        if not ok:
            return self.problem("%s: expected %s, got %r" % (where, statuses or "4xx", r))
        if "error" not in (r.json or {}):
            return self.problem("%s: no JSON error body: %r" % (where, r))
        if before != after:
            diff = {k: (before.get(k), after.get(k)) for k in set(before) | set(after) if before.get(k) != after.get(k)}
            return self.problem("%s: answered %d but wrote %r" % (where, r.status, diff))
        self.counts["rejected"] += 1
        return r

    def expect_rejected_or_verbatim(self, what, method, pattern, spec, body, value):
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
        g = self.srv.get(read(self, r.json), token=self.tok[spec["user"]] or self.tok["eng"])
        if g.status != 200 or not contains(g.json, value):
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
                ("unknown field", json.dumps(dict(sample, zz_unknown_field=1)).encode()),
            ]
            if not sample:
                cases.append(("field on a body-less action", b'{"note": "x"}'))
            for what, raw in cases:
                self.expect_rejected(what, m, p, spec, raw)
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
                    self.expect_rejected("field %s wrong type %r" % (key, v), m, p, spec,
                                         json.dumps(replace(sample, path, v)).encode())
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
                                                     replace(spec["body"](self), path, val), val)

    def test_body_level_cases(self):
        self.body_level(last=False)
        self.check_problems()

    def test_field_level_cases(self):
        self.field_level(last=False)
        self.check_problems()

    def test_zz_login_last(self):
        """Login last: failed logins are audited (login.fail) and lock the
        address out after a while (429) — both are 4xx with only audit rows."""
        self.body_level(last=True)
        self.field_level(last=True)
        self.check_problems()


if __name__ == "__main__":
    harness.main()
