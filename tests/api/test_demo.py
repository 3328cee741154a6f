"""test_demo.py — `opsdesk init --demo` (make demo): a newcomer's database
shows a living desk, put in through the real use cases: nine people with
the seed's roles, a graded CMDB of 14 CIs with dependencies, seven
incidents over a month in every state of their lifecycle (cases filed in
the library, one closed awaiting review, one resolved awaiting closure, one
under way at R1, one just registered, a drill), all marked as demo data; a
day of Alertmanager and Zabbix events, a cooling alarm with what depends on
it suppressed (R-EVT-4); the audit chain verifies; a second --demo on the same database is refused and
changes nothing.
"""
import os
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

DEMO_PW = "Demo-pass-1!"


class DemoTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.srv = harness.Server()
        try:
            cls.init_out = cls.demo_init()
            if cls.init_out.returncode != 0:
                raise RuntimeError(cls.init_out.stdout + cls.init_out.stderr)
            cls.srv.start()
            cls.tok = cls.srv.login("zhangw", DEMO_PW)
        except BaseException:
            cls.srv.cleanup()
            raise

    @classmethod
    def tearDownClass(cls):
        rc = cls.srv.stop()
        cls.srv.cleanup()
        if rc != 0:
            raise AssertionError("server exited with %d" % rc)

    @classmethod
    def demo_init(cls):
        args = [harness.BIN, "init", "--db", cls.srv.db, "--test-clock", "--demo"]
        return subprocess.run(args, env=cls.srv.env, capture_output=True, text=True, timeout=300)

    def get(self, path, token=None):
        r = self.srv.get(path, token or self.tok)
        self.assertEqual(r.status, 200, r)
        return r.json

    def test_people_and_cmdb(self):
        self.assertIn("演示数据已装入", self.init_out.stdout)
        users = self.get("/api/v1/users?limit=100", self.srv.admin("sysadmin"))
        self.assertEqual(users["total"], 12)  # the three administrators and nine people
        names = {u["username"]: u["display_name"] for u in users["items"]}
        self.assertEqual(names["zhouht"], "周海涛")
        for name in ("wangjg", "zhangw", "lina", "zhaoq", "qianm", "sunlx", "wuf", "zhengl"):
            self.assertEqual(self.srv.login(name, DEMO_PW)[:3], "od_")
        cis = self.get("/api/v1/cis?limit=100")
        self.assertEqual(cis["total"], 14)
        self.assertTrue(all(c["attributes"].get("数据") == "演示数据" for c in cis["items"]))
        ups = [c for c in cis["items"] if c["name"] == "ups-01"][0]
        impact = self.get("/api/v1/cis/%d/impact" % ups["id"])
        self.assertGreaterEqual(max(c["depth"] for c in impact["impacted"]), 4)  # a tree 4+ levels deep
        self.assertEqual(self.get("/api/v1/cis?q=%E6%A0%B8%E5%BF%83")["total"], 1)  # 核心: the core switch

    def test_a_month_of_incidents(self):
        incs = self.get("/api/v1/incidents?limit=50")["items"]
        self.assertEqual(len(incs), 7)
        self.assertTrue(all(i["title"].startswith("【演示】") for i in incs))
        states = sorted(i["state"] for i in incs)
        self.assertEqual(states, ["activated", "closed", "detected", "resolved", "reviewed", "reviewed",
                                  "reviewed"])
        self.assertEqual(len([i for i in incs if i["drill"]]), 1)
        self.assertEqual(self.get("/api/v1/cases?limit=50")["total"], 3)
        # the one under way: R1, activated by the emergency leadership, a progress report
        live = [i for i in incs if i["state"] == "activated"][0]
        g = self.get("/api/v1/incidents/%d" % live["id"])
        self.assertEqual(g["response_level"], "R1")
        self.assertIn("周海涛", [t["actor_name"] for t in g["timeline"] if t["kind"] == "activated"])
        self.assertEqual(len([r for r in g["reports"] if r["kind"] == "progress"]), 1)
        self.assertEqual(g["owner"]["display_name"], "张伟")
        # "待我处理": the section head acknowledged it, the liaison has not; the leadership member
        # is told and owes none (seed 000 ch. 7 §2.1 item 6, duties.ack_required)
        waiting = lambda who: [i["id"] for i in self.get("/api/v1/incidents?awaiting_my_ack=true",  # noqa: E731
                                                         self.srv.login(who, DEMO_PW))["items"]]
        self.assertNotIn(live["id"], waiting("zhaoq"))
        self.assertIn(live["id"], waiting("wuf"))
        self.assertNotIn(live["id"], waiting("zhouht"))

    def test_a_day_of_events_r_evt_1_r_evt_4(self):
        ev = self.get("/api/v1/events?limit=500")
        self.assertEqual(ev["total"], len(ev["items"]))
        self.assertEqual({e["source"] for e in ev["items"]}, {"alertmanager", "zabbix"})
        self.assertEqual(len([e for e in ev["items"] if e["class"] == "info"]), 24)  # one backup a hour
        state = {(e["ci"]["name"] if e.get("ci") else None, e["summary"]): e["state"] for e in ev["items"]}
        self.assertEqual(state[("crac-01", "主机房温度 29℃")], "open")
        self.assertEqual(state[("srv-db-01", "服务器进风温度高")], "suppressed")
        self.assertEqual(state[("db-main", "慢查询增多")], "suppressed")
        st = self.get("/api/v1/events/stats?hours=24")
        self.assertEqual(sum(b["suppressed"] for b in st["buckets"]), 2)
        self.assertEqual(self.get("/api/v1/incidents?limit=1")["total"], 7)  # no event opened one

    def test_audit_chain_verifies_and_second_demo_refused(self):
        auditor = self.srv.admin("auditor")
        v = self.get("/api/v1/audit/verify", auditor)
        self.assertTrue(v["ok"], v)
        before = self.get("/api/v1/audit?limit=1", auditor)["total"]
        self.assertGreater(before, 100)
        self.assertEqual(self.srv.stop(), 0)
        out = self.demo_init()
        self.assertNotEqual(out.returncode, 0)
        self.assertIn("演示数据只装入新的数据库", out.stderr)
        self.srv.start()
        self.srv.tokens = {}
        self.__class__.tok = self.srv.login("zhangw", DEMO_PW)
        self.assertEqual(self.get("/api/v1/users?limit=1", self.srv.admin("sysadmin"))["total"], 12)
        self.assertEqual(self.get("/api/v1/incidents?limit=1")["total"], 7)


if __name__ == "__main__":
    harness.main()
