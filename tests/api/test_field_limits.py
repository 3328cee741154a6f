"""test_field_limits.py — the length limits of what people write count
characters, as the form's maxlength does, not bytes (R-INC-1, R-CI-1): a
Chinese title of 300 characters (900 bytes) is taken, 301 is refused with
an error that names the field and says 字符; a CI name of 200 Chinese
characters likewise.  Type errors say the type in Chinese.  A refused
request changes nothing.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402


class FieldLimitsTest(harness.ServerTest):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        try:
            cls.uid, cls.tok = cls.srv.make_user("eng", ["ops_engineer"])
            r = cls.srv.post("/api/v1/cis", {"name": "app-01", "category": "application", "grade": "L3",
                                             "department": "运行部"}, token=cls.tok)
            assert r.status == 201, r
            cls.ci = r.json["id"]
        except BaseException:
            cls.srv.cleanup()
            raise

    def incident(self, title, **kw):
        body = {"title": title, "ci_ids": [self.ci], "severity": "minor", "location": "机房A",
                "symptoms": "交易缓慢", "impact_scope": "柜面业务"}
        body.update(kw)
        return self.srv.post("/api/v1/incidents", body, token=self.tok)

    def count(self, path):
        r = self.srv.get(path + "?limit=1", token=self.tok)
        self.assertStatus(r, 200)
        return r.json["total"]

    def test_incident_title_counts_characters_r_inc_1(self):
        before = self.count("/api/v1/incidents")
        r = self.incident("中" * 300)
        self.assertStatus(r, 201)
        self.assertEqual(r.json["title"], "中" * 300)
        r = self.incident("中" * 301)
        self.assertError(r, 413, field="title", contains="超过 300 个字符")
        self.assertNotIn("字节", r.json["error"]["message"])
        # the Chinese half names the form's label, the English half the key (probe-ui #10)
        zh, en = r.json["error"]["message"].split(" (", 1)
        self.assertEqual(zh, "标题 超过 300 个字符")
        self.assertIn("field title", en)
        # the boundary holds for ASCII as well, and for the other texts
        self.assertStatus(self.incident("a" * 300), 201)
        self.assertError(self.incident("a" * 301), 413, field="title")
        self.assertStatus(self.incident("长", symptoms="症" * 4000), 201)
        self.assertError(self.incident("长", symptoms="症" * 4001), 413, field="symptoms")
        self.assertEqual(self.count("/api/v1/incidents"), before + 3)

    def test_ci_name_counts_characters_r_ci_1(self):
        before = self.count("/api/v1/cis")
        body = {"category": "application", "grade": "L3", "department": "运行部"}
        r = self.srv.post("/api/v1/cis", dict(body, name="库" * 200), token=self.tok)
        self.assertStatus(r, 201)
        r = self.srv.post("/api/v1/cis", dict(body, name="仓" * 201), token=self.tok)
        self.assertError(r, 413, field="name", contains="个字符")
        self.assertEqual(self.count("/api/v1/cis"), before + 1)

    def test_type_error_in_chinese_r_inc_1(self):
        r = self.incident(12)
        self.assertError(r, 400, field="title", contains="标题 须为字符串")
        self.assertIn("must be a string", r.json["error"]["message"])

    def test_missing_report_fields_named_in_chinese_r_not_2(self):
        r = self.incident("缺项", location="", symptoms="")
        self.assertStatus(r, 201)
        iid = r.json["id"]
        r = self.srv.post("/api/v1/incidents/%d/reports" % iid, {"kind": "first"}, token=self.tok)
        err = self.assertError(r, 422)
        # Chinese: the form's labels; English: the keys
        self.assertIn("报告缺少必填内容：发生地点、故障现象 (", err["message"])
        self.assertIn("missing required fields: location, symptoms)", err["message"])


if __name__ == "__main__":
    harness.main()


class UserFieldLimitsTest(harness.ServerTest):
    """A user's display name and department count characters, not bytes
    (probe-ui #11, R-SEC-SYS-1): 128 and 40 Chinese characters are taken,
    one more is refused naming the form's label; nothing is changed."""

    def users(self):
        r = self.srv.get("/api/v1/users?limit=1", token=self.srv.admin())
        self.assertStatus(r, 200)
        return r.json["total"]

    def create(self, name, **kw):
        body = {"username": name, "password": harness.USER_PW}
        body.update(kw)
        return self.srv.post("/api/v1/users", body, token=self.srv.admin())

    def test_display_name_and_department_count_characters(self):
        before = self.users()
        r = self.create("u128", display_name="张" * 128, department="部" * 40)
        self.assertStatus(r, 201)
        self.assertEqual(r.json["display_name"], "张" * 128)
        self.assertEqual(r.json["department"], "部" * 40)
        r = self.create("u129", display_name="张" * 129)
        err = self.assertError(r, 413, field="display_name")
        self.assertTrue(err["message"].startswith("姓名 超过 128 个字符 ("), err["message"])
        r = self.create("u41", department="部" * 41)
        err = self.assertError(r, 413, field="department")
        self.assertTrue(err["message"].startswith("部门 超过 40 个字符 ("), err["message"])
        self.assertEqual(self.users(), before + 1)

    def test_update_counts_characters_too(self):
        r = self.create("upd1")
        self.assertStatus(r, 201)
        uid = r.json["id"]
        r = self.srv.request("PATCH", "/api/v1/users/%d" % uid, {"department": "运" * 40},
                             token=self.srv.admin())
        self.assertStatus(r, 200)
        self.assertEqual(r.json["department"], "运" * 40)
        r = self.srv.request("PATCH", "/api/v1/users/%d" % uid, {"department": "运" * 41},
                             token=self.srv.admin())
        self.assertError(r, 413, field="department", contains="部门 超过 40 个字符")
        r = self.srv.get("/api/v1/users/%d" % uid, token=self.srv.admin())
        self.assertEqual(r.json["department"], "运" * 40)
