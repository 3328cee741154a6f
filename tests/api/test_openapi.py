"""test_openapi.py — docs/api/openapi.yaml lists exactly the routes of
src/http/routes.c, marks the public ones, and documents each body field the
handlers accept (their od_field tables).  No server needed; PyYAML is not
available, so the YAML is read line by line (the file keeps a fixed
two-space layout)."""
import os
import re
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SPEC = os.path.join(ROOT, "docs", "api", "openapi.yaml")
METHODS = ("get", "post", "put", "patch", "delete")


def read(*parts):
    with open(os.path.join(ROOT, *parts), encoding="utf-8") as f:
        return f.read()


def route_table():
    rows = re.findall(r'\{\s*"([A-Z]+)",\s*"([^"]+)",\s*P\((\w+)\),\s*(\w+),', read("src", "http", "routes.c"))
    assert len(rows) >= 30, rows
    return {(m, p): (perm, fn) for m, p, perm, fn in rows}


def handler_fields():
    """{handler function: set of body field names} from the od_field tables in src/http/h_*.c."""
    out = {}
    for name in sorted(os.listdir(os.path.join(ROOT, "src", "http"))):
        if not (name.startswith("h_") and name.endswith(".c")):
            continue
        src = read("src", "http", name)
        tables = {t: set(re.findall(r'\{"(\w+)",\s*OD_JT_', body))
                  for t, body in re.findall(r"static const od_field (\w+)\[\]\s*=\s*\{(.*?)\};", src, re.S)}
        for fn, body in re.findall(r"^od_err (od_h_\w+)\(od_req \*r\)\n\{\n(.*?)^\}", src, re.S | re.M):
            m = re.search(r"od_req_fields(?:_labelled)?\(r, (\w+)", body)
            if not m:
                continue
            local = re.search(r"static const od_field %s\[\]\s*=\s*\{(.*?)\};" % m.group(1), body, re.S)
            out[fn] = set(re.findall(r'\{"(\w+)",\s*OD_JT_', local.group(1))) if local else tables[m.group(1)]
    return out


def parse_spec():
    """{(METHOD, path): {"security_public": bool, "body_fields": set, "summary": str}}."""
    ops, path, cur, in_body, props_indent = {}, None, None, False, None
    for line in read("docs", "api", "openapi.yaml").splitlines():
        m = re.match(r"^  (/\S*):\s*$", line)
        if m:
            path, cur = m.group(1), None
            continue
        if re.match(r"^\S", line):
            path, cur = None, None
            continue
        m = re.match(r"^    (%s):\s*$" % "|".join(METHODS), line)
        if m and path:
            cur = {"public": False, "fields": set(), "summary": "", "has_body": False}
            key = (m.group(1).upper(), path)
            assert key not in ops, key
            ops[key] = cur
            in_body, props_indent = False, None
            continue
        if cur is None:
            continue
        if re.match(r"^      operationId:\s*(\S+)$", line):
            cur["operation_id"] = line.split(":", 1)[1].strip()
        elif re.match(r"^      summary:\s*(.+)$", line):
            cur["summary"] = line.split(":", 1)[1].strip()
        elif re.match(r"^      security:\s*\[\]\s*$", line):
            cur["public"] = True
        elif re.match(r"^      requestBody:", line):
            cur["has_body"] = in_body = True
        elif re.match(r"^      \S", line):
            in_body, props_indent = False, None
        elif in_body:
            m = re.match(r"^(\s*)properties:\s*$", line)
            if m and props_indent is None:
                props_indent = len(m.group(1)) + 2
                continue
            m = re.match(r"^(\s*)(\w+):\s*(?:\{.*\}\s*)?$", line)  # block or flow style
            if props_indent is not None and m and len(m.group(1)) == props_indent:
                cur["fields"].add(m.group(2))
    return ops


class OpenApi(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.routes = route_table()
        cls.ops = parse_spec()

    def test_header(self):
        text = read("docs", "api", "openapi.yaml")
        self.assertTrue(text.startswith("openapi: 3.0"))
        self.assertRegex(text, r"(?m)^components:\n  securitySchemes:\n    bearer:\n      type: http\n      scheme: bearer")
        self.assertRegex(text, r"(?m)^security:\n  - bearer: \[\]")
        for key in ("code:", "message:", "field:", "Error:"):
            self.assertIn(key, text)

    def test_same_routes(self):
        spec, table = set(self.ops), set(self.routes)
        self.assertEqual(sorted(table - spec), [], "routes missing from openapi.yaml")
        self.assertEqual(sorted(spec - table), [], "openapi.yaml lists routes the server does not have")

    def test_summaries_chinese_first(self):
        for key, op in self.ops.items():
            self.assertRegex(op["summary"], r'^"?[^(]*[\u4e00-\u9fff][^(]*\(', key)  # Chinese, then (English)
            self.assertRegex(op["summary"], r"\([A-Za-z].*\)\"?$", key)

    def test_security(self):
        for key, (perm, _) in self.routes.items():
            self.assertEqual(self.ops[key]["public"], perm in ("PUBLIC", "TEST_CLOCK"), key)

    def test_operation_ids_name_the_handlers(self):
        """operationId = the handler's name in camelCase (od_h_incident_create →
        incidentCreate): unique, stable, and a generated client's method name."""
        for key, (_perm, fn) in self.routes.items():
            parts = fn[len("od_h_"):].split("_")
            want = parts[0] + "".join(p[:1].upper() + p[1:] for p in parts[1:])
            self.assertEqual(self.ops[key].get("operation_id"), want, key)

    def test_request_bodies_match_handlers(self):
        fields = handler_fields()
        self.assertIn("od_h_ci_create", fields)
        self.assertIn("od_h_user_create", fields)
        for key, (perm, fn) in self.routes.items():
            if key[0] not in ("POST", "PUT", "PATCH"):
                continue
            if fn in fields:
                self.assertTrue(self.ops[key]["has_body"], key)
                self.assertEqual(self.ops[key]["fields"], fields[fn], key)
            else:
                self.assertFalse(self.ops[key]["fields"], key)


if __name__ == "__main__":
    unittest.main(verbosity=2)
