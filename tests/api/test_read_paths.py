"""test_read_paths.py — read paths at scale (docs/internals/lists.md
"The dashboard, the response level filter and the CI impact"), checked for the
same answers as before:

- the incident list filtered by response_level alone (its own statement, led
  by incidents(response_level, id)): order, exact total, cursor, residual
  filters (R-INC-LIST);
- the dashboard's unmet deadlines read as two walks (missed: due before now;
  upcoming: due at or after now): a deadline due exactly now is upcoming, one
  millisecond later it is missed (R-NOT-6);
- the CI impact loaded by one recursive statement: depth, via (the first
  dependent by relation order), relation, no CI twice over two paths,
  backs_up not followed (R-CI-4)."""
import datetime
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import ServerTest, main  # noqa: E402


def iso_ms(ms):
    t = datetime.datetime.fromtimestamp(ms / 1000, tz=datetime.timezone.utc)
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (ms % 1000)


class ReadPathsTest(ServerTest):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        s = cls.srv
        cls.uid, cls.eng = s.make_user("rp_eng", ["ops_engineer", "monitoring_engineer"])

    def ci(self, name):
        r = self.srv.post("/api/v1/cis", {"name": name, "category": "server", "grade": "L3",
                                           "department": "运行部"}, token=self.eng)
        self.assertStatus(r, 201)
        return r.json["id"]

    def relate(self, src, typ, dst):
        r = self.srv.post("/api/v1/cis/%d/relations" % src, {"type": typ, "target_id": dst}, token=self.eng)
        self.assertStatus(r, 201)

    def incident(self, ci, title, drill=False):
        r = self.srv.post("/api/v1/incidents", {"title": title, "ci_ids": [ci], "severity": "minor",
                                                "drill": drill, "location": "机房", "symptoms": "s",
                                                "impact_scope": "i"}, token=self.eng)
        self.assertStatus(r, 201)
        return r.json

    def get(self, path):
        r = self.srv.get(path, token=self.eng)
        self.assertStatus(r, 200)
        return r.json

    def test_1_response_level_alone(self):
        ci = self.ci("rp-inc")
        made = [self.incident(ci, "rp %d" % i, drill=(i == 1))["id"] for i in range(3)]
        everything = self.get("/api/v1/incidents?limit=100")["items"]
        rl = {i["id"]: i["response_level"] for i in everything}
        level = rl[made[0]]
        want = [i["id"] for i in everything if i["response_level"] == level]
        self.assertEqual(len(want), 3)
        page = self.get("/api/v1/incidents?response_level=%s&limit=2" % level)
        self.assertEqual([i["id"] for i in page["items"]], want[:2], "newest first")
        self.assertEqual(page["total"], 3)
        self.assertFalse(page["total_estimated"])
        rest = self.get("/api/v1/incidents?response_level=%s&limit=2&before_id=%d" % (level, page["next_before_id"]))
        self.assertEqual([i["id"] for i in rest["items"]], want[2:])
        self.assertEqual(rest["total"], 3, "the total ignores the cursor")
        # a residual filter on the response level's walk
        drills = self.get("/api/v1/incidents?response_level=%s&drill=true" % level)
        self.assertEqual([i["id"] for i in drills["items"]], [made[1]])
        self.assertEqual(drills["total"], 1)
        other = "R1" if level != "R1" else "R2"
        none = self.get("/api/v1/incidents?response_level=%s" % other)
        self.assertEqual((none["items"], none["total"]), ([], 0))

    def test_2_deadline_due_now_is_upcoming(self):
        ci = self.ci("rp-dl")
        inc = self.incident(ci, "rp deadline")
        d = self.get("/api/v1/dashboard")
        mine = [x for x in d["deadlines"]["upcoming"] if x["incident"]["id"] == inc["id"]]
        self.assertTrue(mine)
        due = min(x["due_ms"] for x in mine)
        self.srv.clock(set_to=iso_ms(due))
        d = self.get("/api/v1/dashboard")
        self.assertEqual(d["now_ms"], due)
        at = [x for x in d["deadlines"]["upcoming"] if x["incident"]["id"] == inc["id"] and x["due_ms"] == due]
        self.assertTrue(at, "due exactly now: upcoming")
        self.assertFalse([x for x in d["deadlines"]["missed"] if x["incident"]["id"] == inc["id"]])
        self.srv.clock(set_to=iso_ms(due + 1))
        d = self.get("/api/v1/dashboard")
        late = [x for x in d["deadlines"]["missed"] if x["incident"]["id"] == inc["id"] and x["due_ms"] == due]
        self.assertTrue(late, "one millisecond after: missed")
        self.assertTrue(all(x["missed"] for x in late))
        self.assertFalse([x for x in d["deadlines"]["upcoming"] if x["due_ms"] == due
                          and x["incident"]["id"] == inc["id"]])

    def test_3_impact_diamond(self):
        d, b, c, a, bk = (self.ci("rp-%s" % n) for n in ("d", "b", "c", "a", "bk"))
        self.relate(b, "depends_on", d)
        self.relate(c, "runs_on", d)
        self.relate(a, "depends_on", c)
        self.relate(a, "connects_to", b)
        self.relate(bk, "backs_up", d)
        r = self.get("/api/v1/cis/%d/impact" % d)
        got = [(x["id"], x["depth"], x["via"], x["relation"]) for x in r["impacted"]]
        self.assertEqual(got, [(b, 1, d, "depends_on"), (c, 1, d, "runs_on"), (a, 2, b, "connects_to")])
        self.assertEqual(r["count"], 3)
        self.assertEqual(r["ci"]["id"], d)
        self.assertEqual(r["impacted"][0]["name"], "rp-b")
        self.assertIsNone(r["impacted"][0]["retired_at"])
        self.assertEqual(self.get("/api/v1/cis/%d/impact" % a)["impacted"], [])


if __name__ == "__main__":
    main()
