"""test_openapi_seed000.py — the typed response schemas of docs/api/openapi.yaml
carry the fields the seed 000 round added (issue: seed 000 to the letter):

- incidents: `activated_level`, `reactivation_due` (ch. 7 §2.2, §2.4;
  R-ACT-1, R-CLOSE-1), `level_provisional` (ch. 7 §1 item 3, 就高原则;
  R-INC-4), `handling_department` (ch. 8 §1; R-PIR-1), recipients' `unreachable_24h` (ch. 7 §1 item 6; R-NOT-7) and the
  deadline kinds, `activation` among them (ch. 7 §1 item 2), as an enum equal
  to src/core/incident.c's list;
- users: `unreachable_24h`; the policy table: `department_heads_of`
  (ch. 7 §2.1 item 6; R-NOT-1).
No server needed; the schema lines are JSON (scripts/dev/openapi_examples.py)."""
import json
import os
import re
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def read(*parts):
    with open(os.path.join(ROOT, *parts), encoding="utf-8") as f:
        return f.read()


def schemas():
    """{(METHOD, path): the JSON schema of its 2xx application/json answer}
    (a list's allOf: the typed second part)."""
    out, path, method = {}, None, None
    for line in read("docs", "api", "openapi.yaml").splitlines():
        m = re.match(r"^  (/\S*):\s*$", line)
        if m:
            path = m.group(1)
        m = re.match(r"^    (get|post|put|patch|delete):\s*$", line)
        if m:
            method = m.group(1).upper()
        m = re.match(r"^              schema: (\{.*\})$", line) or \
            re.match(r"^                  - (\{\"type\".*\})$", line)
        if m and path and (method, path) not in out:
            out[(method, path)] = json.loads(m.group(1))
    return out


def deadline_kinds():
    m = re.search(r"dl_keys\[OD_DL__COUNT\] = \{(.*?)\};", read("src", "core", "incident.c"), re.S)
    return re.findall(r'"(\w+)"', m.group(1))


class Seed000Schemas(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.s = schemas()

    def props(self, key):
        self.assertIn(key, self.s)
        return self.s[key]["properties"]

    def check_incident(self, p):
        self.assertIn(p["activated_level"], ({"nullable": True}, {"type": "string"}))  # null until activated
        self.assertEqual(p["reactivation_due"], {"type": "boolean"})
        self.assertEqual(p["level_provisional"], {"type": "boolean"})
        self.assertEqual(p["handling_department"], {"type": "string"})  # ch. 8 §1
        kind = p["deadlines"]["items"]["properties"]["kind"]
        self.assertEqual(kind["enum"], deadline_kinds())
        self.assertIn("activation", kind["enum"])

    def test_incident_answers_r_act_1_r_inc_4(self):
        ops = [k for k, v in self.s.items() if "reactivation_due" in v.get("properties", {})]
        # every operation answering with one incident: create, get, regrade, reports, activate,
        # close, ack, review, notes, owner, message retry, handling department (ch. 8 §1),
        # a drill's simulated incident
        self.assertEqual(len(ops), 13, ops)
        for key in ops:
            with self.subTest(op=key):
                self.check_incident(self.props(key))
        rec = self.props(("GET", "/api/v1/incidents/{id}"))["recipients"]["items"]["properties"]
        self.assertEqual(rec["unreachable_24h"], {"type": "boolean"})

    def test_incident_list_items_typed(self):
        items = self.props(("GET", "/api/v1/incidents"))["items"]["items"]["properties"]
        self.assertEqual(items["level_provisional"], {"type": "boolean"})
        self.assertIn("activated_level", items)
        self.assertEqual(items["handling_department"], {"type": "string"})

    def test_users_unreachable_24h_r_not_7(self):
        for key in (("GET", "/api/v1/users/{id}"), ("GET", "/api/v1/auth/me")):
            with self.subTest(op=key):
                self.assertEqual(self.props(key)["unreachable_24h"], {"type": "boolean"})
        items = self.props(("GET", "/api/v1/users"))["items"]["items"]["properties"]
        self.assertEqual(items["unreachable_24h"], {"type": "boolean"})

    def test_policy_table_department_heads_of_r_not_1(self):
        levels = self.props(("GET", "/api/v1/policy/table"))["levels"]["properties"]
        for g in ("L1", "L2", "L3"):
            with self.subTest(level=g):
                self.assertEqual(levels[g]["properties"]["department_heads_of"]["type"], "array")


if __name__ == "__main__":
    unittest.main()
