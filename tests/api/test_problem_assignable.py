"""test_problem_assignable.py — GET /api/v1/problems/{id}/assignable, the
problem page's assignee picker (R-PRB-1; docs/problems.md): the enabled
accounts holding problem_solver or problem_manager, by id, for anyone who may
read the problem (an ops engineer cannot list accounts); 404 for a missing
record or one that is not a problem; 401 without a session.  Narrowed by
department scope: a scoped account is offered only for problems of a
department its scopes cover; an unscoped one for every problem."""
import harness


class Assignable(harness.ServerTest):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        s = cls.srv
        try:
            cls.pm_id, cls.pm = s.make_user("pm", ["problem_manager"])
            cls.solver_id, cls.solver = s.make_user("solver", ["problem_solver", "ops_engineer"])
            cls.gone_id, _ = s.make_user("gone", ["problem_solver"])
            cls.eng_id, cls.eng = s.make_user("eng", ["ops_engineer"])
        except Exception:
            cls.tearDownClass()
            raise

    def test_narrowed_by_department_scope(self):
        s = self.srv
        net_id, _ = s.make_user("netsolver", ["problem_solver"], department="网络部", scopes=["网络部"])
        both_id, _ = s.make_user("bothsolver", ["problem_solver"], department="网络部", scopes=["网络部", "运行部"])
        got = {}
        for dept in ("运行部", "网络部"):
            r = s.post("/api/v1/problems", {"title": "范围 " + dept, "department": dept}, token=self.pm)
            self.assertStatus(r, 201)
            self.assertEqual(r.json["department"], dept)
            r = s.get("/api/v1/problems/%d/assignable" % r.json["id"], token=self.pm)
            self.assertStatus(r, 200)
            got[dept] = [u["id"] for u in r.json["items"] if u["id"] in (net_id, both_id, self.pm_id)]
        self.assertEqual(got["运行部"], [self.pm_id, both_id])
        self.assertEqual(got["网络部"], [self.pm_id, net_id, both_id])
        for uid in (net_id, both_id):  # the other test counts the unscoped holders only
            self.assertStatus(s.post("/api/v1/users/%d/disable" % uid, {}, token=s.admin("sysadmin")), 200)

    def test_lists_problem_roles_only_enabled(self):
        r = self.srv.post("/api/v1/users/%d/disable" % self.gone_id, {}, token=self.srv.admin("sysadmin"))
        self.assertStatus(r, 200)
        r = self.srv.post("/api/v1/problems", {"title": "连接池耗尽"}, token=self.pm)
        self.assertStatus(r, 201)
        pid = r.json["id"]
        # the ops engineer reads it too (record.read), though user.read is refused to them
        self.assertError(self.srv.get("/api/v1/users", token=self.eng), 403)
        for tok in (self.pm, self.eng):
            r = self.srv.get("/api/v1/problems/%d/assignable" % pid, token=tok)
            self.assertStatus(r, 200)
            self.assertEqual([(u["id"], u["username"], u["department"]) for u in r.json["items"]],
                             [(self.pm_id, "pm", "运行部"), (self.solver_id, "solver", "运行部")])
            self.assertEqual(sorted(r.json["items"][0].keys()), ["department", "display_name", "id", "username"])
        self.assertError(self.srv.get("/api/v1/problems/999999/assignable", token=self.pm), 404)
        self.assertError(self.srv.get("/api/v1/problems/%d/assignable" % pid), 401)


if __name__ == "__main__":
    harness.main()
