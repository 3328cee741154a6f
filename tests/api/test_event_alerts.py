"""test_event_alerts.py — who is told about an event, and how (R-EVT-2 step 6,
R-NOT-1, R-NOT-7, seed 004 §6.2): every alert reaches the outbox under a
cause made of ids (two alerts never collapse into one), event alerts are
composed like incident messages (template, language, the person's channel
choice), nobody is cut off by a hidden cap, an incident opened by an event
tells the monitoring desk and the CI department's operations engineers at
once, and notifications reach only people whose scope covers the
incident's department."""
import datetime
import sqlite3

import harness

MIN = 60 * 1000


def outbox(srv, where="1=1", args=()):
    db = harness.db_connect(srv.db)
    try:
        return db.execute("SELECT cause, recipient_id, channel, address, kind, subject, body, incident_id "
                          "FROM outbox WHERE " + where + " ORDER BY id", args).fetchall()
    finally:
        db.close()


class LongKeys(harness.ServerTest):
    """review-code.md §5.1 item 2: the outbox cause was cut from the source and
    the dedup key at 160 bytes, so two events whose keys share a long prefix
    became one alert and the second was dropped by ON CONFLICT DO NOTHING."""

    def test_two_long_keys_are_two_alerts(self):
        s = self.srv
        key = s.post("/api/v1/api-keys", {"name": "long", "integration": "api"}, s.admin("sysadmin")).json["key"]
        uid, _ = s.make_user("lk_mon", ["monitoring_engineer"], phone="13800000001")
        ids = []
        for tail in ("-A", "-B"):
            r = s.request("POST", "/api/v1/events", {"status": "firing", "severity": "warning",
                                                     "dedup_key": "x" * 150 + tail}, token=key)
            self.assertStatus(r, 202)
            self.assertEqual(r.json["events"][0]["state"], "open")
            ids.append(r.json["events"][0]["id"])
        rows = outbox(s, "kind = 'event_alert'")
        self.assertEqual(len(rows), 2, rows)
        self.assertEqual([(x[1], x[2]) for x in rows], [(uid, "sms"), (uid, "sms")])
        # each cause is made of the event's id, not of its text
        for row, eid in zip(rows, ids):
            self.assertTrue(row[0].startswith("event:%d:" % eid), row[0])
            self.assertNotIn("x" * 20, row[0])
        self.assertIn("x" * 150 + "-A", rows[0][6])
        self.assertIn("x" * 150 + "-B", rows[1][6])


def iso(ms):
    return datetime.datetime.fromtimestamp(ms / 1000, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_ms(text):
    return int(datetime.datetime.strptime(text[:19], "%Y-%m-%dT%H:%M:%S")
               .replace(tzinfo=datetime.timezone.utc).timestamp() * 1000) + int(text[20:23])


def beijing(ms):
    """A time as messages print it (notify/message.h od_msg_time)."""
    t = datetime.datetime.fromtimestamp(ms / 1000, datetime.timezone.utc) + datetime.timedelta(hours=8)
    return t.strftime("%Y-%m-%d %H:%M") + " (UTC+08:00)"


def add_user(srv, username, roles, department="运行部", scopes=None, **extra):
    """Creates a user with roles without signing in; returns the id."""
    body = {"username": username, "password": harness.USER_PW, "display_name": username,
            "department": department}
    body.update(extra)
    r = srv.post("/api/v1/users", body, token=srv.admin("sysadmin"))
    assert r.status == 201, r
    rb = {"roles": roles}
    if scopes is not None:
        rb["scopes"] = scopes
    r = srv.request("PUT", "/api/v1/users/%d/roles" % r.json["id"], rb, token=srv.admin("secadmin"))
    assert r.status == 200, r
    return r.json["id"] if r.json and "id" in r.json else srv_user_id(srv, username)


def srv_user_id(srv, username):
    db = harness.db_connect(srv.db)
    try:
        return db.execute("SELECT id FROM users WHERE username = ?", (username,)).fetchone()[0]
    finally:
        db.close()


class Composer(harness.ServerTest):
    """Event alerts go through the path incident messages take (review §8
    item 3): the policy's event_alert template in each person's language,
    the person's own channel choice (R-NOT-7), every holder of the role."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        s = cls.srv
        cls.key = s.post("/api/v1/api-keys", {"name": "cmp", "integration": "api"},
                         s.admin("sysadmin")).json["key"]

    def send(self, dedup, summary="disk almost full", **kw):
        body = {"status": "firing", "severity": "warning", "dedup_key": dedup, "summary": summary,
                "labels": {"alertname": "A-" + dedup}}
        body.update(kw)
        r = self.srv.request("POST", "/api/v1/events", body, token=self.key)
        self.assertStatus(r, 202)
        return r.json["events"][0]["id"]

    def test_language_and_directory_choice(self):
        s = self.srv
        zh = add_user(s, "c_zh", ["monitoring_engineer"], phone="13800000011", email="zh@example.test")
        en = add_user(s, "c_en", ["monitoring_engineer"], phone="13800000012", lang="en")
        pref, tok = s.make_user("c_pref", ["monitoring_engineer"], phone="13800000013",
                                email="pref@example.test")
        # an event without a CI is alerted with the channels of level NG: this person wants e-mail only
        r = s.request("PUT", "/api/v1/auth/me/notify", {"channels": {"NG": ["email"]}}, token=tok)
        self.assertStatus(r, 200)
        eid = self.send("cmp-1", summary="磁盘将满 disk almost full")
        rows = [x for x in outbox(s, "cause LIKE ?", ("event:%d:%%" % eid,)) if x[1] in (zh, en, pref)]
        got = sorted((x[1], x[2], x[3]) for x in rows)
        self.assertEqual(got, sorted([(zh, "sms", "13800000011"), (zh, "email", "zh@example.test"),
                                      (en, "sms", "13800000012"), (pref, "email", "pref@example.test")]))
        self.assertEqual({x[4] for x in rows}, {"event_alert"})
        by = {(x[1], x[2]): x for x in rows}
        zh_body, en_body = by[(zh, "sms")][6], by[(en, "sms")][6]
        # the policy's template (policy/default.yaml templates.event_alert), per language
        self.assertTrue(zh_body.startswith("【告警 #%d】告警类 warning：磁盘将满 disk almost full" % eid), zh_body)
        self.assertIn("去重键：cmp-1", zh_body)
        self.assertTrue(en_body.startswith("[Alert #%d] warning warning: " % eid), en_body)
        self.assertIn("Dedup key: cmp-1", en_body)
        self.assertEqual(by[(en, "sms")][5], "[warning warning] 磁盘将满 disk almost full")

    def test_every_holder_is_alerted_no_cap(self):
        """The old path read at most 100 holders of the role, silently."""
        s = self.srv
        _, reader = s.make_user("c_reader", ["service_desk"])
        ids = [add_user(s, "many_%03d" % i, ["monitoring_engineer"]) for i in range(120)]
        db = harness.db_connect(s.db)
        holders = {i for (i,) in db.execute("SELECT id FROM users WHERE disabled = 0 AND (roles & 1) != 0")}
        db.close()
        self.assertTrue(set(ids) <= holders)
        eid = self.send("cmp-many")
        rows = outbox(s, "cause LIKE ?", ("event:%d:%%" % eid,))
        self.assertEqual({x[1] for x in rows}, holders)
        self.assertEqual(len([x for x in rows if x[1] in ids]), 120)  # one channel each: the inbox
        ev = s.get("/api/v1/events/%d" % eid, reader)
        self.assertStatus(ev, 200)
        resp = [d for d in ev.json["decisions"] if d["step"] == "respond"][0]
        self.assertIn(str(len(holders)), resp["result"])


class IncidentOpened(harness.ServerTest):
    """review §2 "Nobody is told": an incident an event opens tells the
    monitoring desk and the operations engineers of the CI's department at
    once, with the first report's deadline, which runs from detection
    (R-NOT-1: 5 min for L1/L2, 10 min for L3/NG)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        s = cls.srv
        cls.key = s.post("/api/v1/api-keys", {"name": "am", "integration": "alertmanager"},
                         s.admin("sysadmin")).json["key"]
        _, cls.eng = s.make_user("io_admin_eng", ["ops_engineer", "monitoring_engineer"], department="运行部")
        cls.u = {
            "mon": add_user(s, "io_mon", ["monitoring_engineer"], department="客服部", phone="13900000001"),
            "mon_net": add_user(s, "io_mon_net", ["monitoring_engineer"], department="客服部",
                                scopes=["网络部"], phone="13900000002"),
            "eng": add_user(s, "io_eng", ["ops_engineer"], department="运行部", email="eng@example.test"),
            "eng_en": add_user(s, "io_eng_en", ["ops_engineer"], department="运行部", lang="en"),
            "eng_net": add_user(s, "io_eng_net", ["ops_engineer"], department="网络部", phone="13900000003"),
            "head": add_user(s, "io_head", ["ops_section_head"], department="运行部", phone="13900000004"),
            "depthead": add_user(s, "io_dhead", ["department_head"], department="运行部"),
        }
        # the account that registered the CIs is an ops engineer of 运行部 and a monitoring engineer too
        cls.u["admin_eng"] = srv_user_id(s, "io_admin_eng")

    def ci(self, name, grade, category):
        r = self.srv.post("/api/v1/cis", {"name": name, "category": category, "grade": grade,
                                          "department": "运行部"}, self.eng)
        self.assertStatus(r, 201)
        return r.json["id"]

    def alert(self, name, instance, started_ms):
        body = {"version": "4", "status": "firing", "alerts": [{
            "status": "firing", "labels": {"alertname": name, "instance": instance + ":9100",
                                           "severity": "critical"},
            "annotations": {"summary": name + " on " + instance}, "startsAt": iso(started_ms)}]}
        r = self.srv.request("POST", "/api/v1/integrations/alertmanager", body, token=self.key)
        self.assertStatus(r, 202)
        ev = r.json["events"][0]
        self.assertEqual(ev["state"], "handled")
        return ev["incident_id"]

    def check(self, level, minutes):
        s = self.srv
        name = "open-" + level.lower()
        self.ci(name, level, "server" if level == "L3" else "database")
        now = s.now_ms()
        detected = now - 2 * MIN - (now % 1000)
        iid = self.alert("Down" + level, name, detected)
        inc = s.get("/api/v1/incidents/%d" % iid, self.eng).json
        self.assertEqual(inc["level"], level)
        due = detected + minutes * MIN
        self.assertEqual(parse_ms(inc["first_report_due"]), due)  # from detection, not from now
        first = [d for d in inc["deadlines"] if d["kind"] == "first_report"]
        self.assertEqual(len(first), 1)
        rows = outbox(s, "incident_id = ? AND kind = 'opened'", (iid,))
        u = self.u
        want = {(u["mon"], "sms"), (u["eng"], "email"), (u["eng_en"], "inbox"), (u["admin_eng"], "inbox")}
        self.assertEqual({(x[1], x[2]) for x in rows}, want)
        self.assertEqual(len(rows), len(want))
        for x in rows:
            self.assertEqual(x[0], "inc:%d:opened" % iid)
            lang_en = x[1] == u["eng_en"]
            self.assertIn(inc["number"], x[6])
            self.assertIn(beijing(due), x[6])
            if lang_en:
                self.assertIn("The first report is due within %d min of detection" % minutes, x[6])
            else:
                self.assertIn("首报须在发现后 %d 分钟内" % minutes, x[6])
                self.assertIn(name, x[6])  # the CI
        # the report recipients of R-NOT-1 are not told yet: that is the first report's
        self.assertEqual(outbox(s, "incident_id = ? AND kind != 'opened'", (iid,)), [])
        return iid

    def test_l1_incident_tells_desk_and_engineers_5_min(self):
        self.check("L1", 5)

    def test_l3_incident_tells_desk_and_engineers_10_min(self):
        self.check("L3", 10)

    def test_attached_event_tells_nobody_again(self):
        s = self.srv
        self.ci("open-again", "L1", "database")
        now = s.now_ms()
        iid = self.alert("Again", "open-again", now - MIN - (now % 1000))
        n = len(outbox(s, "incident_id = ?", (iid,)))
        self.assertEqual(self.alert("Again2", "open-again", now - (now % 1000)), iid)
        self.assertEqual(len(outbox(s, "incident_id = ?", (iid,))), n)


class ScopedRecipients(harness.ServerTest):
    """probe-security.md M7 (second half): a leader whose access is limited
    to 网络部 received the first report of a 运行部 incident.  Reports reach
    only the people the policy names for the level (R-NOT-1) whose scope
    covers the incident's department (R-SEC-SYS-2)."""

    def test_first_report_only_in_scope(self):
        s = self.srv
        _, eng = s.make_user("sr_eng", ["ops_engineer", "monitoring_engineer"], department="运行部")
        u = {
            "sec_all": add_user(s, "sr_sec_all", ["ops_section_head"], department="运行部", phone="13700000001"),
            "sec_ops": add_user(s, "sr_sec_ops", ["ops_section_head"], department="运行部", scopes=["运行部"],
                                phone="13700000002"),
            "sec_net": add_user(s, "sr_sec_net", ["ops_section_head"], department="网络部", scopes=["网络部"],
                                phone="13700000003"),
            "liaison": add_user(s, "sr_liaison", ["liaison"], department="客服部", email="l@example.test"),
            "head_ops": add_user(s, "sr_head_ops", ["department_head"], department="运行部", phone="13700000004"),
            "head_net": add_user(s, "sr_head_net", ["department_head"], department="网络部", phone="13700000005"),
            "head_net_wide": add_user(s, "sr_head_net2", ["department_head"], department="网络部",
                                      scopes=["运行部", "网络部"], phone="13700000006"),
        }
        r = s.post("/api/v1/cis", {"name": "sr-app", "category": "application", "grade": "L3",
                                   "department": "运行部"}, eng)
        self.assertStatus(r, 201)
        r = s.post("/api/v1/incidents", {"title": "应用缓慢", "ci_ids": [r.json["id"]], "severity": "moderate",
                                         "location": "机房A", "symptoms": "交易缓慢", "impact_scope": "柜面"}, eng)
        self.assertStatus(r, 201)
        iid = r.json["id"]
        self.assertEqual(r.json["level"], "L3")
        r = s.post("/api/v1/incidents/%d/reports" % iid, {"kind": "first"}, eng)
        self.assertStatus(r, 201)
        inc = s.get("/api/v1/incidents/%d" % iid, eng).json
        got = sorted(x["user_id"] if "user_id" in x else x["id"] for x in inc["recipients"])
        # L3: operations section heads and liaisons, and heads of the owning department (运行部);
        # never a leader limited to 网络部
        want = sorted([u["sec_all"], u["sec_ops"], u["liaison"], u["head_ops"]])
        self.assertEqual(got, want)
        sent = {x[1] for x in outbox(s, "incident_id = ? AND kind = 'first'", (iid,))}
        self.assertEqual(sent, set(want))
        self.assertNotIn(u["sec_net"], sent)


if __name__ == "__main__":
    harness.main()
