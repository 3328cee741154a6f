"""test_list_envelope.py — every list endpoint answers with the one envelope
{items, total, limit, offset} (src/app/list.h; docs/api/openapi.yaml
ListPage): walks every GET route of src/http/routes.c, and any answer with
"items" must carry the four keys, total counting beyond the page.  The set
of list endpoints is pinned, so a new one shows up here."""
import os
import re

import harness
from harness import ROOT

# every GET route that answers with a list (path as in routes.c)
LISTS = {
    "/api/v1/users",
    "/api/v1/audit",
    "/api/v1/cis",
    "/api/v1/cis/unverified",
    "/api/v1/incidents",
    "/api/v1/incidents/{id}/deliveries",
    "/api/v1/cases",
    "/api/v1/events",
    "/api/v1/maintenance-windows",
    "/api/v1/api-keys",
    "/api/v1/records",
    "/api/v1/records/{id}/timeline",
    "/api/v1/records/{id}/links",
    "/api/v1/records/{id}/cis",
    "/api/v1/records/{id}/clocks",
    "/api/v1/records/{id}/approvals",
    "/api/v1/records/{id}/checklists",
    "/api/v1/committees",
    "/api/v1/problems",
    "/api/v1/approval-delegations",
    "/api/v1/services",
    "/api/v1/incidents/{id}/impact-intervals",
    "/api/v1/reports/runs",
    "/api/v1/known-errors",
    "/api/v1/known-errors/search",
    "/api/v1/incidents/{id}/known-errors",
    "/api/v1/problems/candidates",
    "/api/v1/plans",
    "/api/v1/plans/overdue",
    "/api/v1/incidents/{id}/plans",
    "/api/v1/trainings",
    "/api/v1/desks",
    "/api/v1/contacts",
    "/api/v1/deliveries",
    "/api/v1/drills",
    "/api/v1/drills/overdue",
    "/api/v1/incidents/{id}/activations",
    "/api/v1/certificates",
    "/api/v1/cis/{id}/retirements",
    "/api/v1/risk-assessments",
    "/api/v1/content-feedback",
    "/api/v1/problems/{id}/entries",
    "/api/v1/training/hours",
    "/api/v1/training/courses",
    "/api/v1/training/sessions",
    "/api/v1/reports/definitions",
}
# lists that hold at least two rows in this world, so limit=1 shows total > 1
MANY = {"/api/v1/users", "/api/v1/audit", "/api/v1/cis", "/api/v1/cis/unverified", "/api/v1/incidents",
        "/api/v1/incidents/{id}/deliveries", "/api/v1/records", "/api/v1/records/{id}/timeline",
        "/api/v1/deliveries", "/api/v1/problems/{id}/entries",
        "/api/v1/reports/definitions"}


def get_routes():
    src = open(os.path.join(ROOT, "src", "http", "routes.c"), encoding="utf-8").read()
    rows = re.findall(r'\{\s*"GET",\s*"([^"]+)",\s*P\((\w+)\)', src)
    assert len(rows) >= 20, rows
    return [(p, perm) for p, perm in rows if perm != "PUBLIC"]


class ListEnvelope(harness.ServerTest):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        s = cls.srv
        try:
            cls.tokens = [s.admin("sysadmin"), s.admin("secadmin"), s.admin("auditor")]
            cls.eng_id, eng = s.make_user("eng", ["ops_engineer"], phone="13800000001", email="eng@example.cn")
            cls.tokens.append(eng)
            for role in ("ops_section_head", "monitoring_engineer"):
                cls.tokens.append(s.make_user("u_" + role, [role], phone="13800000002",
                                              email="%s@example.cn" % role)[1])
            cis = []
            for name in ("env-a", "env-b"):
                r = s.post("/api/v1/cis", {"name": name, "category": "application", "grade": "L3",
                                           "department": "运行部", "attributes": {}}, token=eng)
                assert r.status == 201, r
                cis.append(r.json["id"])
            cls.ci_id = cis[0]
            cls.inc_ids = []
            for title in ("一号故障", "二号故障"):
                r = s.post("/api/v1/incidents", {"title": title, "ci_ids": cis, "severity": "moderate",
                                                 "location": "机房A", "symptoms": "慢", "impact_scope": "柜面"},
                           token=eng)
                assert r.status == 201, r
                cls.inc_ids.append(r.json["id"])
            # a first report puts messages into the outbox; the dispatcher's
            # attempts are the delivery log
            r = s.post("/api/v1/incidents/%d/reports" % cls.inc_ids[0], {"kind": "first"}, token=eng)
            assert r.status == 201, r
            # a problem with two entries (docs/problems.md "Entries")
            pm = s.make_user("pm", ["problem_manager"])[1]
            r = s.post("/api/v1/problems", {"title": "列表问题"}, token=pm)
            assert r.status == 201, r
            cls.prb_id = r.json["id"]
            for text in ("查看日志", "重启"):
                r = s.post("/api/v1/problems/%d/entries" % cls.prb_id, {"kind": "investigation", "text": text},
                           token=pm)
                assert r.status == 201, r
            s.clock(60)
        except BaseException:
            s.cleanup()
            raise

    def concrete(self, path):
        if path.startswith("/api/v1/incidents/"):
            return path.replace("{id}", str(self.inc_ids[0]))
        if path.startswith("/api/v1/cis/"):
            return path.replace("{id}", str(self.ci_id))
        if path == "/api/v1/problems/{id}/entries":
            return path.replace("{id}", str(self.prb_id))
        if path.startswith("/api/v1/users/"):
            return path.replace("{id}", str(self.eng_id))
        return path.replace("{id}", "1")

    def fetch(self, path):
        """The first 200 answer among the tokens, or None."""
        for tok in self.tokens:
            r = self.srv.get(path, tok)
            if r.status == 200:
                return r
        return None

    def assertEnvelope(self, route, body, limit, offset):
        self.assertEqual(set(body) & {"items", "total", "limit", "offset"},
                         {"items", "total", "limit", "offset"}, route)
        self.assertIsInstance(body["items"], list, route)
        self.assertIsInstance(body["total"], int, route)
        self.assertEqual((body["limit"], body["offset"]), (limit, offset), route)
        self.assertGreaterEqual(body["total"], offset + len(body["items"]), route)

    def test_every_list_endpoint_has_the_envelope(self):
        seen = set()
        for route, _ in get_routes():
            path = self.concrete(route)
            if "{" in path:
                continue
            r = self.fetch(path)
            if r is None or not isinstance(r.json, dict) or "items" not in r.json:
                continue
            seen.add(route)
            self.assertEnvelope(route, r.json, 50, 0)
        self.assertEqual(seen, LISTS)

    def test_total_counts_beyond_the_page(self):
        # sanity: the delivery log has rows in this world
        d = self.fetch(self.concrete("/api/v1/incidents/{id}/deliveries") + "?limit=500").json
        self.assertGreaterEqual(len(d["items"]), 2, d)
        for route in sorted(LISTS):
            path = self.concrete(route)
            r = self.fetch(path + "?limit=1&offset=0")
            self.assertIsNotNone(r, route)
            self.assertEnvelope(route, r.json, 1, 0)
            self.assertLessEqual(len(r.json["items"]), 1, route)
            full = self.fetch(path + "?limit=500").json
            self.assertEqual(r.json["total"], len(full["items"]), route)
            if route in MANY:
                self.assertGreater(r.json["total"], 1, route)
                self.assertEqual(len(r.json["items"]), 1, route)


if __name__ == "__main__":
    harness.main()
