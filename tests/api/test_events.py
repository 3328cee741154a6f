"""test_events.py — event management end to end (R-EVT-1…4, seed 004
§6.2): the three ingestion formats (own, Alertmanager webhook v4, Zabbix media
type), de-duplication counts, resolve, filter, classification, maintenance
silence, dependency suppression over CMDB relations, exceptions opening one
incident at the level the incident rules give (and attaching the next),
API-key scope, bad payloads (4xx, nothing written) and the bounded
group-commit queue (503 + Retry-After)."""
import copy
import json
import os
import sqlite3
import tempfile
import threading
import time
import urllib.parse

import harness

# The Alertmanager webhook body as v0.34 emits it (../shared/research
# alerting-and-escalation-anchors.md §1.1); newer fields included.
AM = {
    "version": "4",
    "groupKey": "{}/{severity=\"critical\"}:{alertname=\"HighCPU\"}",
    "truncatedAlerts": 0,
    "status": "firing",
    "receiver": "oncall-webhook",
    "notification_reason": "first notification",
    "groupLabels": {"alertname": "HighCPU"},
    "commonLabels": {"alertname": "HighCPU", "instance": "web-1:9100", "severity": "critical"},
    "commonAnnotations": {"summary": "CPU > 90% for 5m on web-1"},
    "routeLabels": {},
    "externalURL": "http://alertmanager.example:9093",
    "alerts": [{
        "status": "firing",
        "labels": {"alertname": "HighCPU", "instance": "web-1:9100", "severity": "critical"},
        "annotations": {"summary": "CPU > 90% for 5m on web-1", "runbook_url": "https://wiki/runbooks/cpu"},
        "startsAt": "2026-05-01T10:00:00Z",
        "endsAt": "0001-01-01T00:00:00Z",
        "generatorURL": "http://prometheus.example:9090/graph?g0.expr=...",
        "fingerprint": "cc6e49118c0ea32b",
    }],
}

# What the media type of docs/integrations/zabbix.md sends (every value a string).
ZBX_PROBLEM = {
    "event_id": "4821", "event_value": "1", "event_update_status": "0", "event_status": "PROBLEM",
    "event_nseverity": "4", "event_severity": "High", "event_name": "High CPU utilization (over 90% for 5m)",
    "event_source": "0", "event_tags": "[{\"tag\":\"scope\",\"value\":\"performance\"}]", "event_ack": "No",
    "event_update_action": "{EVENT.UPDATE.ACTION}", "event_update_message": "{EVENT.UPDATE.MESSAGE}",
    "recovery_id": "{EVENT.RECOVERY.ID}", "event_ts": "1746093600", "host": "zbx-host-1", "host_ip": "10.0.0.11",
    "trigger_id": "23544", "zabbix_url": "https://zabbix.example", "subject": "Problem: High CPU", "message": "...",
}
ZBX_ACK = dict(ZBX_PROBLEM, event_update_status="1", event_ack="Yes", event_update_action="acknowledged",
               event_update_message="looking")
ZBX_RECOVERY = dict(ZBX_PROBLEM, event_value="0", event_status="RESOLVED", recovery_id="4907")


class Events(harness.ServerTest):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        s = cls.srv
        cls.uid, cls.eng = s.make_user("ev_eng", ["monitoring_engineer", "ops_engineer"])
        _, cls.reader = s.make_user("ev_read", ["service_desk"])
        cls.keys = {}
        for integ in ("api", "alertmanager", "zabbix"):
            r = s.post("/api/v1/api-keys", {"name": "k-" + integ, "integration": integ}, s.admin("sysadmin"))
            assert r.status == 201, r
            cls.keys[integ] = r.json["key"]

    # ---- helpers ----
    def ingest(self, path, body, key=None, integ="api", raw=None):
        return self.srv.request("POST", path, body, token=key or self.keys[integ], raw=raw)

    def own(self, body, key=None):
        return self.ingest("/api/v1/events", body, key)

    def am(self, body):
        return self.ingest("/api/v1/integrations/alertmanager", body, integ="alertmanager")

    def zbx(self, body):
        return self.ingest("/api/v1/integrations/zabbix", body, integ="zabbix")

    def event(self, eid):
        r = self.srv.get("/api/v1/events/%d" % eid, self.eng)
        self.assertStatus(r, 200)
        return r.json

    def events(self, query=""):
        r = self.srv.get("/api/v1/events" + query, self.eng)
        self.assertStatus(r, 200)
        return r.json

    def total(self):
        return self.events("?limit=1")["total"]

    def ci(self, name, grade="L2", category="server"):
        r = self.srv.post("/api/v1/cis", {"name": name, "category": category, "grade": grade,
                                          "department": "运行部"}, self.eng)
        self.assertStatus(r, 201)
        return r.json["id"]

    def steps(self, ev):
        return {d["step"]: d for d in ev["decisions"]}

    # ---- formats (R-EVT-1) ----
    def test_alertmanager_webhook_v4(self):
        body = copy.deepcopy(AM)
        body["someFutureField"] = {"x": 1}  # unknown fields are ignored
        r = self.am(body)
        self.assertStatus(r, 202)
        self.assertEqual(r.json["accepted"], 1)
        ev = self.event(r.json["events"][0]["id"])
        self.assertEqual(ev["source"], "alertmanager")
        self.assertEqual(ev["dedup_key"], "cc6e49118c0ea32b")
        self.assertEqual(ev["status"], "firing")
        self.assertEqual(ev["severity"], "critical")
        self.assertEqual(ev["summary"], "CPU > 90% for 5m on web-1")
        self.assertEqual(ev["first_seen"], "2026-05-01T10:00:00.000Z")
        self.assertEqual(ev["raw"]["generatorURL"], AM["alerts"][0]["generatorURL"])
        self.assertEqual(ev["labels"], AM["alerts"][0]["labels"])
        for k in ("id", "source", "dedup_key", "status", "state", "class", "severity", "summary", "ci", "count",
                  "flapping", "first_seen", "last_seen", "received_at", "incident", "window", "decisions"):
            self.assertIn(k, ev)
        # without a fingerprint (and without the newer fields) the same key is computed as Alertmanager does
        old = copy.deepcopy(AM)
        for k in ("truncatedAlerts", "notification_reason", "routeLabels"):
            del old[k]
        del old["alerts"][0]["fingerprint"]
        r = self.am(old)
        self.assertStatus(r, 202)
        self.assertEqual(r.json["events"][0]["dedup_key"], "cc6e49118c0ea32b")
        self.assertEqual(r.json["events"][0]["action"], "repeat")
        self.assertEqual(self.event(ev["id"])["count"], 2)
        # a message mixing firing and resolved alerts: status per alert
        mixed = copy.deepcopy(AM)
        mixed["alerts"].append({"status": "resolved", "labels": {"alertname": "Other", "severity": "warning"}})
        r = self.am(mixed)
        self.assertEqual([e["action"] for e in r.json["events"]], ["repeat", "new_resolved"])

    def test_own_format_single_and_array(self):
        r = self.own({"source": "nagios", "status": "firing", "severity": "warning", "summary": "disk 85%",
                      "labels": {"alertname": "DiskOwn", "host": "nowhere-1"}, "annotations": {"d": "x"}})
        self.assertStatus(r, 202)
        ev = self.event(r.json["events"][0]["id"])
        self.assertEqual(ev["source"], "api:k-api")
        self.assertEqual(ev["labels"]["origin"], "nagios")
        self.assertEqual(len(ev["dedup_key"]), 16)  # fingerprint of the labels
        r = self.own([{"status": "firing", "dedup_key": "own-a", "summary": "a"},
                      {"status": "firing", "dedup_key": "own-b", "summary": "b", "starts_at": "2026-01-01T00:00:00Z"}])
        self.assertStatus(r, 202)
        self.assertEqual(r.json["accepted"], 2)
        self.assertEqual([e["dedup_key"] for e in r.json["events"]], ["own-a", "own-b"])

    def test_zabbix_problem_update_recovery(self):
        r = self.zbx(ZBX_PROBLEM)
        self.assertStatus(r, 202)
        eid = r.json["events"][0]["id"]
        ev = self.event(eid)
        self.assertEqual(ev["dedup_key"], "4821")
        self.assertEqual(ev["source"], "zabbix")
        self.assertEqual(ev["severity"], "high")
        self.assertEqual(ev["status"], "firing")
        self.assertEqual(ev["labels"]["scope"], "performance")
        self.assertEqual(ev["labels"]["host"], "zbx-host-1")
        self.assertEqual(ev["first_seen"], "2025-05-01T10:00:00.000Z")
        # acknowledge: same event, recorded, still firing
        r = self.zbx(ZBX_ACK)
        self.assertEqual(r.json["events"][0]["action"], "repeat")
        ev = self.event(eid)
        self.assertEqual(ev["count"], 2)
        self.assertEqual(ev["status"], "firing")
        self.assertTrue(any("acknowledged" in d["result"] and "looking" in d["result"] for d in ev["decisions"]))
        # recovery keyed by the same {EVENT.ID}
        r = self.zbx(ZBX_RECOVERY)
        self.assertEqual(r.json["events"][0]["action"], "resolve")
        ev = self.event(eid)
        self.assertEqual((ev["status"], ev["state"]), ("resolved", "closed"))
        # unresolved macros elsewhere are tolerated (the "Test" button sends them)
        lit = {k: "{%s}" % k.upper() for k in ZBX_PROBLEM}
        lit["event_id"] = "9001"
        r = self.zbx(lit)
        self.assertStatus(r, 202)
        ev = self.event(r.json["events"][0]["id"])
        self.assertEqual((ev["status"], ev["severity"], ev["labels"]), ("firing", "", {}))
        # but not as the key: 422, nothing written
        before = self.total()
        r = self.zbx(dict(ZBX_PROBLEM, event_id="{EVENT.ID}"))
        self.assertError(r, 422, field="event_id", contains="macro")
        self.assertEqual(self.total(), before)

    # ---- dedup and resolve (R-EVT-3) ----
    def test_flood_of_duplicates_is_one_row_r_evt_3(self):
        ev = {"status": "firing", "dedup_key": "flood-1", "severity": "warning", "summary": "flood"}
        n = 0
        for _ in range(20):
            r = self.own([ev] * 5000)
            self.assertStatus(r, 202)
            n += 5000
        rows = self.events("?q=flood-1")
        self.assertEqual(rows["total"], 1)
        self.assertEqual(rows["items"][0]["count"], 100000)

    def test_resolve_closes_and_refire_reopens(self):
        ev = {"status": "firing", "dedup_key": "res-1", "severity": "warning", "labels": {"alertname": "ResOne"}}
        eid = self.own(ev).json["events"][0]["id"]
        self.assertEqual(self.event(eid)["state"], "open")
        r = self.own(dict(ev, status="resolved"))
        self.assertEqual(r.json["events"][0]["action"], "resolve")
        got = self.event(eid)
        self.assertEqual((got["status"], got["state"]), ("resolved", "closed"))
        self.assertIsNotNone(got["closed_at"])
        r = self.own(ev)
        self.assertEqual(r.json["events"][0]["action"], "reopen")
        self.assertEqual(self.event(eid)["status"], "firing")

    def test_flapping_marked(self):
        ev = {"status": "firing", "dedup_key": "flap-1", "severity": "warning", "labels": {"alertname": "Flap"}}
        self.own(ev)
        for i in range(5):  # 5 changes > 4 within 30 min
            self.own(dict(ev, status="resolved" if i % 2 == 0 else "firing"))
        got = self.events("?q=flap-1")["items"][0]
        self.assertTrue(got["flapping"])
        self.assertIn("flapping", [d["rule"] for d in self.event(got["id"])["decisions"]])

    # ---- filter and classification (R-EVT-2) ----
    def test_filter_logged_r_evt_2(self):
        r = self.am({"alerts": [{"status": "firing", "labels": {"alertname": "Watchdog", "severity": "none"}}]})
        ev = self.event(r.json["events"][0]["id"])
        self.assertEqual((ev["state"], ev["class"]), ("filtered", None))
        self.assertEqual(self.steps(ev)["filter"]["rule"], "watchdog")
        self.assertIn(ev["id"], [e["id"] for e in self.events("?status=filtered")["items"]])

    def test_classification(self):
        graded = self.ci("cls-db-1", "L1", "database")
        cases = [
            ({"severity": "info", "dedup_key": "cls-info"}, "info", "closed", "informational"),
            ({"severity": "warning", "dedup_key": "cls-warn", "labels": {"alertname": "ClsW"}}, "warning", "open",
             "default"),
            # critical without a CI: exception, no incident possible → a person is alerted
            ({"severity": "critical", "dedup_key": "cls-crit"}, "exception", "open", "critical"),
            # high on an L1 CI: exception by the grade rule
            ({"severity": "high", "dedup_key": "cls-high", "ci": "cls-db-1"}, "exception", "handled",
             "severe-on-graded-ci"),
            # high without a CI: a warning
            ({"severity": "high", "dedup_key": "cls-high2", "labels": {"alertname": "ClsH"}}, "warning", "open",
             "default"),
        ]
        for body, cls, state, rule in cases:
            r = self.own(dict(body, status="firing", summary=body["dedup_key"]))
            self.assertStatus(r, 202)
            ev = self.event(r.json["events"][0]["id"])
            self.assertEqual((ev["class"], ev["state"]), (cls, state), body)
            self.assertEqual(self.steps(ev)["classify"]["rule"], rule, body)
        ev = self.events("?q=cls-crit")["items"][0]
        self.assertIn("no CI", self.steps(self.event(ev["id"]))["incident"]["result"])
        self.assertEqual(self.steps(self.event(ev["id"]))["respond"]["rule"], "default")
        ev = self.events("?q=cls-high&ci=%d" % graded)["items"][0]
        self.assertEqual(ev["ci"], {"id": graded, "name": "cls-db-1"})
        self.assertIsNotNone(ev["incident"])

    # ---- correlation (R-EVT-4) ----
    def test_maintenance_window_silences_r_evt_4(self):
        cid = self.ci("mw-web-1")
        now = self.srv.now_ms()
        iso = lambda ms: time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ms / 1000)) + "Z"
        r = self.srv.post("/api/v1/maintenance-windows", {"name": "upgrade web", "ci_id": cid,
                                                          "starts_at": iso(now - 60000), "ends_at": iso(now + 3600000),
                                                          "comment": "CHG-1"}, self.eng)
        self.assertStatus(r, 201)
        win = r.json
        self.assertEqual(win["ci"], {"id": cid, "name": "mw-web-1"})
        self.assertEqual(win["created_by"], "ev_eng")
        ev = {"status": "firing", "dedup_key": "mw-1", "severity": "warning", "ci": "mw-web-1"}
        eid = self.own(ev).json["events"][0]["id"]
        got = self.event(eid)
        self.assertEqual(got["state"], "silenced")
        self.assertEqual(got["window"], {"id": win["id"], "name": "upgrade web"})
        self.assertEqual(self.steps(got)["maintenance"]["rule"], "upgrade web")
        # a matcher window silences by label, a regex fully anchored
        r = self.srv.post("/api/v1/maintenance-windows", {"starts_at": iso(now - 1000), "ends_at": iso(now + 60000),
                                                          "matchers": [{"name": "alertname", "value": "Mw.*",
                                                                        "regex": True}]}, self.eng)
        self.assertStatus(r, 201)
        r1 = self.own({"status": "firing", "dedup_key": "mw-2", "labels": {"alertname": "MwDisk"}})
        r2 = self.own({"status": "firing", "dedup_key": "mw-3", "labels": {"alertname": "XMwDisk"}})
        self.assertEqual(r1.json["events"][0]["state"], "silenced")
        self.assertEqual(r2.json["events"][0]["state"], "open")
        # after the window ends a repeat is evaluated again
        self.srv.clock(advance_seconds=3700)
        r = self.own(ev)
        self.assertEqual(self.event(eid)["state"], "open")
        self.assertIsNone(self.event(eid)["window"])
        # a window must name a CI or a matcher; bad regex refused
        r = self.srv.post("/api/v1/maintenance-windows", {"starts_at": iso(now), "ends_at": iso(now + 1000)},
                          self.eng)
        self.assertError(r, 422, field="matchers")
        r = self.srv.post("/api/v1/maintenance-windows", {"starts_at": iso(now), "ends_at": iso(now + 1000),
                                                          "matchers": [{"name": "a", "value": "(", "regex": True}]},
                          self.eng)
        self.assertError(r, 422)
        # CRUD
        r = self.srv.request("PATCH", "/api/v1/maintenance-windows/%d" % win["id"], {"comment": "CHG-2"},
                             token=self.eng)
        self.assertStatus(r, 200)
        self.assertEqual((r.json["comment"], r.json["name"]), ("CHG-2", "upgrade web"))
        self.assertStatus(self.srv.request("DELETE", "/api/v1/maintenance-windows/%d" % win["id"], token=self.eng),
                          200)
        self.assertError(self.srv.get("/api/v1/maintenance-windows/%d" % win["id"], self.eng), 404,
                         code="not_found", contains="maintenance window %d not found" % win["id"])
        self.assertError(self.srv.request("POST", "/api/v1/api-keys/999999/revoke", token=self.srv.admin()), 404,
                         code="not_found", contains="API key 999999 not found")
        self.assertEqual(self.event(eid)["decisions"][-1]["step"], "respond")

    def test_dependency_suppression_r_evt_4(self):
        db = self.ci("dep-db-1")
        app = self.ci("dep-app-1")
        r = self.srv.post("/api/v1/cis/%d/relations" % app, {"type": "depends_on", "target_id": db}, self.eng)
        self.assertStatus(r, 201)
        # the application first, alone: answered
        a0 = self.own({"status": "firing", "dedup_key": "dep-0", "severity": "warning", "ci": "dep-app-1",
                       "labels": {"alertname": "Latency"}})
        self.assertEqual(a0.json["events"][0]["state"], "open")
        self.own({"status": "resolved", "dedup_key": "dep-0", "severity": "warning", "ci": "dep-app-1"})
        # the database is in trouble
        d = self.own({"status": "firing", "dedup_key": "dep-db", "severity": "warning", "ci": "dep-db-1",
                      "labels": {"alertname": "DbSlow"}})
        self.assertEqual(d.json["events"][0]["state"], "open")
        a = self.own({"status": "firing", "dedup_key": "dep-app", "severity": "warning", "ci": "dep-app-1",
                      "labels": {"alertname": "AppErrors"}})
        ev = self.event(a.json["events"][0]["id"])
        self.assertEqual(ev["state"], "suppressed")
        self.assertIn("dep-db-1", self.steps(ev)["correlate"]["result"])
        # once the database recovers, the application's alerts go through again
        self.own({"status": "resolved", "dedup_key": "dep-db", "severity": "warning", "ci": "dep-db-1"})
        a2 = self.own({"status": "firing", "dedup_key": "dep-app-2", "severity": "warning", "ci": "dep-app-1",
                       "labels": {"alertname": "AppErrors2"}})
        self.assertNotEqual(a2.json["events"][0]["state"], "suppressed")

    def test_grouping_window(self):
        b = {"status": "firing", "severity": "warning", "labels": {"alertname": "GroupMe"}}
        r1 = self.own(dict(b, dedup_key="grp-1"))
        r2 = self.own(dict(b, dedup_key="grp-2"))
        e2 = self.event(r2.json["events"][0]["id"])
        self.assertEqual(self.steps(e2)["correlate"]["rule"], "group")
        self.assertIn("#%d" % r1.json["events"][0]["id"], self.steps(e2)["correlate"]["result"])
        self.assertNotIn("respond", self.steps(e2))

    # ---- exceptions → incidents ----
    def test_exception_opens_one_incident_with_the_rules_level(self):
        cid = self.ci("inc-core-db", "L1", "database")
        crit = {"status": "firing", "severity": "critical", "summary": "主库不可用 primary down",
                "labels": {"alertname": "DbDown", "instance": "inc-core-db:9100"}}
        # concurrent duplicates: exactly one incident
        results = []

        def send():
            results.append(self.own(dict(crit, dedup_key="inc-1")))
        threads = [threading.Thread(target=send) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(sorted(r.status for r in results), [202] * 8)
        ev = self.events("?q=inc-1")["items"][0]
        self.assertEqual(ev["count"], 8)
        self.assertEqual(ev["ci"]["id"], cid)
        self.assertEqual(ev["state"], "handled")
        inc_id = ev["incident"]["id"]
        self.assertTrue(ev["incident"]["number"].startswith("INC-"))
        inc = self.srv.get("/api/v1/incidents/%d" % inc_id, self.eng).json
        # L1 CI, severity severe by rule critical-severe → level L1, response R1
        self.assertEqual((inc["level"], inc["severity"], inc["response_level"]), ("L1", "severe", "R1"))
        self.assertEqual(self.steps(self.event(ev["id"]))["incident"]["rule"], "critical-severe")
        # a second exception of the same CI and rule attaches instead of opening another
        r = self.own(dict(crit, dedup_key="inc-2", summary="复制中断 replication broken"))
        ev2 = self.event(r.json["events"][0]["id"])
        self.assertEqual(ev2["incident"]["id"], inc_id)
        self.assertIn("attached", self.steps(ev2)["incident"]["result"])
        before = self.srv.get("/api/v1/incidents?limit=500", self.eng).json["total"]
        # another rule (high → moderate) on the same CI is another incident
        r = self.own(dict(crit, dedup_key="inc-3", severity="high"))
        ev3 = self.event(r.json["events"][0]["id"])
        self.assertNotEqual(ev3["incident"]["id"], inc_id)
        inc3 = self.srv.get("/api/v1/incidents/%d" % ev3["incident"]["id"], self.eng).json
        self.assertEqual((inc3["level"], inc3["severity"], inc3["response_level"]), ("L1", "moderate", "R1"))
        self.assertEqual(self.srv.get("/api/v1/incidents?limit=500", self.eng).json["total"], before + 1)
        # both found by the text search: their full-text entries are written at the commit of the
        # ingestion's group (od_tx_defer_search), by title and by number
        found = self.srv.get("/api/v1/incidents?q=" + urllib.parse.quote("主库不可用"), self.eng).json
        self.assertEqual(sorted(i["id"] for i in found["items"]), sorted([inc_id, inc3["id"]]))
        rec = self.srv.get("/api/v1/records?q=" + urllib.parse.quote(inc3["number"]), self.eng).json
        self.assertEqual([x["number"] for x in rec["items"]], [inc3["number"]])
        # resolving every attached event is shown on the incident, which stays open
        self.own(dict(crit, dedup_key="inc-1", status="resolved"))
        self.own(dict(crit, dedup_key="inc-2", status="resolved"))
        inc = self.srv.get("/api/v1/incidents/%d" % inc_id, self.eng).json
        kinds = [t["kind"] for t in inc["timeline"]]
        self.assertIn("event", kinds)
        self.assertEqual(kinds.count("event_resolved"), 2)
        self.assertIn("events_resolved", kinds)
        self.assertNotIn(inc["state"], ("closed", "reviewed", "resolved"))

    # ---- API keys: scope and management ----
    def test_api_key_scope(self):
        s = self.srv
        body = {"status": "firing", "dedup_key": "scope-1"}
        # anonymous, a user session, a key of another integration, a key on another route
        self.assertError(s.request("POST", "/api/v1/events", body), 401)
        self.assertError(s.request("POST", "/api/v1/events", body, token=self.eng), 403, code="forbidden")
        self.assertError(s.request("POST", "/api/v1/events", body, token=s.admin("sysadmin")), 403)
        self.assertError(self.own(body, key=self.keys["zabbix"]), 403)
        self.assertError(self.ingest("/api/v1/integrations/alertmanager", AM, key=self.keys["api"]), 403)
        for path in ("/api/v1/events", "/api/v1/users", "/api/v1/api-keys", "/api/v1/auth/me"):
            self.assertError(s.get(path, self.keys["api"]), 403)
        # management: sysadmin only; the secret is never listed
        r = s.post("/api/v1/api-keys", {"name": "tmp", "integration": "api"}, s.admin("sysadmin"))
        self.assertStatus(r, 201)
        key, kid = r.json["key"], r.json["id"]
        self.assertTrue(key.startswith("odk_"))
        lst = s.get("/api/v1/api-keys", s.admin("sysadmin"))
        self.assertNotIn(key, lst.raw)
        self.assertIn("tmp", lst.raw)
        self.assertError(s.post("/api/v1/api-keys", {"name": "x", "integration": "api"}, self.eng), 403)
        self.assertError(s.post("/api/v1/api-keys", {"name": "tmp", "integration": "api"}, s.admin("sysadmin")),
                         409)
        self.assertError(s.post("/api/v1/api-keys", {"name": "y", "integration": "nagios"}, s.admin("sysadmin")),
                         422)
        self.assertStatus(self.own(body, key=key), 202)
        self.assertStatus(s.post("/api/v1/api-keys/%d/revoke" % kid, None, s.admin("sysadmin")), 200)
        self.assertError(self.own(body, key=key), 401)
        self.assertError(s.post("/api/v1/api-keys/%d/revoke" % kid, None, s.admin("sysadmin")), 409)
        audit = s.get("/api/v1/audit?entity=api_key", s.admin("auditor")).json
        self.assertIn("api_key.revoke", [a["action"] for a in audit["items"]])

    # ---- bad payloads: 4xx, nothing written ----
    def test_bad_payloads_write_nothing(self):
        before = self.total()
        cases = [
            ("/api/v1/events", b'{"status": "firing", ', 400),  # truncated
            ("/api/v1/events", b'not json', 400),
            ("/api/v1/events", b'"a string"', 400),
            ("/api/v1/events", b'{"status": "burning"}', 400),
            ("/api/v1/events", b'{"status": "firing", "labels": {"a": 1}}', 400),
            ("/api/v1/events", b'{"status": "firing", "labels": {"bad-name": "x"}}', 400),
            ("/api/v1/events", b'{"status": "firing", "colour": "red"}', 400),
            ("/api/v1/events", b'{"status": "firing", "starts_at": "yesterday"}', 400),
            # one bad event in an array: none of them is written
            ("/api/v1/events", b'[{"status": "firing", "dedup_key": "bad-ok"}, {"status": 3}]', 400),
            ("/api/v1/events", json.dumps([{"status": "firing"}] * 5001).encode(), 413),
            ("/api/v1/integrations/alertmanager", b'{"alerts": "many"}', 400),
            ("/api/v1/integrations/alertmanager", b'{"alerts": [{"status": "firing", "labels": {}}]}', 400),
            ("/api/v1/integrations/alertmanager", b'{"alerts": [{"status": "firing", "labels": {"a": ["x"]}}]}', 400),
            ("/api/v1/integrations/alertmanager", b'{"alerts": [{"labels": {"a": "b"}}]}', 400),
            ("/api/v1/integrations/alertmanager", b'{"alerts": [{"status": "firing", "labels": {"a": "b"}', 400),
            ("/api/v1/integrations/zabbix", b'{"event_value": "1"}', 400),
            ("/api/v1/integrations/zabbix", b'{"event_id": {"x": 1}}', 400),
            ("/api/v1/integrations/zabbix", b'[]', 400),
        ]
        for path, raw, status in cases:
            integ = path.rsplit("/", 1)[-1] if "integrations" in path else "api"
            r = self.ingest(path, None, integ=integ, raw=raw)
            self.assertEqual(r.status, status, (path, raw[:80], r))
            self.assertIn("error", r.json or {}, r.raw)
        self.assertEqual(self.total(), before)
        self.assertEqual(self.events("?q=bad-ok")["total"], 0)

    # ---- read API ----
    def test_list_filters_stats_review(self):
        self.own([{"status": "firing", "dedup_key": "lst-%d" % i, "severity": "warning", "summary": "list me %d" % i,
                   "labels": {"alertname": "ListMe"}} for i in range(3)])
        r = self.events("?q=list+me&limit=2")
        self.assertEqual(r["total"], 3)
        self.assertEqual(len(r["items"]), 2)
        r = self.events("?q=list+me&limit=2&offset=2")
        self.assertEqual(len(r["items"]), 1)
        self.assertEqual(self.events("?q=list+me&class=warning")["total"], 3)
        self.assertEqual(self.events("?q=list+me&class=info")["total"], 0)
        self.assertEqual(self.events("?q=list+me&status=firing")["total"], 3)
        self.assertEqual(self.events("?q=list+me&status=resolved")["total"], 0)
        self.assertEqual(self.events("?q=list+me&ci=no-such-ci")["total"], 0)
        self.assertEqual(self.events("?q=list+me&source=api:k-api")["total"], 3)
        self.assertError(self.srv.get("/api/v1/events?class=fatal", self.eng), 400)
        st = self.srv.get("/api/v1/events/stats?hours=3", self.eng)
        self.assertStatus(st, 200)
        self.assertEqual(len(st.json["buckets"]), 3)
        self.assertGreaterEqual(st.json["buckets"][-1]["warning"], 3)
        self.assertIn("capacity", st.json["ingest"])
        self.assertError(self.srv.get("/api/v1/events/stats?hours=0", self.eng), 400)
        rv = self.srv.get("/api/v1/events/review", self.eng)
        self.assertStatus(rv, 200)
        for k in ("week", "handover", "sample", "closed_total", "sample_size"):
            self.assertIn(k, rv.json)
        self.assertLessEqual(len(rv.json["sample"]), rv.json["sample_size"])
        self.assertStatus(self.srv.get("/api/v1/events/review?week=2026-W18", self.eng), 200)
        self.assertError(self.srv.get("/api/v1/events/review?week=W18", self.eng), 400)
        self.assertError(self.srv.get("/api/v1/events/999999", self.eng), 404)
        # read permission: service desk yes, a role without it no
        self.assertStatus(self.srv.get("/api/v1/events", self.reader), 200)


class QueueFull(harness.ServerTest):
    """The group-commit queue is bounded (OPSDESK_INGEST_QUEUE events): past
    it, 503 with Retry-After and nothing written; the waiting request is
    answered after its commit."""

    @classmethod
    def setUpClass(cls):
        cls.srv = harness.Server(extra_env={"OPSDESK_INGEST_QUEUE": "1"})
        cls.srv.init()
        cls.srv.start()
        s = cls.srv
        r = s.post("/api/v1/api-keys", {"name": "q", "integration": "api"}, s.admin("sysadmin"))
        cls.key = r.json["key"]
        _, cls.eng = s.make_user("q_eng", ["monitoring_engineer"])

    def pending(self):
        return self.srv.get("/api/v1/events/stats?hours=1", self.eng).json["ingest"]["pending"]

    def test_503_when_full(self):
        s = self.srv
        self.assertStatus(s.request("POST", "/api/v1/events", {"status": "firing", "dedup_key": "q-0"},
                                    token=self.key), 202)
        # hold the database's write lock so the writer cannot commit
        db = harness.db_connect(s.db, timeout=30, isolation_level=None)
        db.execute("BEGIN IMMEDIATE")
        out = {}

        def first():
            out["a"] = s.request("POST", "/api/v1/events", {"status": "firing", "dedup_key": "q-a"}, token=self.key)
        t = threading.Thread(target=first)
        t.start()
        deadline = time.time() + 30
        while self.pending() != 1:
            self.assertLess(time.time(), deadline, "request A never reached the queue")
            time.sleep(0.02)
        r = s.request("POST", "/api/v1/events", {"status": "firing", "dedup_key": "q-b"}, token=self.key)
        db.execute("ROLLBACK")
        db.close()
        t.join()
        self.assertError(r, 503, code="unavailable")
        self.assertEqual(r.headers.get("Retry-After"), "1")
        self.assertStatus(out["a"], 202)
        rows = s.get("/api/v1/events?q=q-", self.eng).json
        self.assertEqual(sorted(e["dedup_key"] for e in rows["items"]), ["q-0", "q-a"])


def policy_with_webhook_response():
    """policy/default.yaml with one automatic response: ServiceDown → the channel "restarter"."""
    text = open(os.path.join(harness.ROOT, "policy", "default.yaml"), encoding="utf-8").read()
    rule = ("rules:\n      - name: restart-service\n        match: ['alertname=ServiceDown']\n"
            "        webhook: restarter\n")
    assert text.count("rules: []") == 1
    path = os.path.join(tempfile.mkdtemp(prefix="opsdesk-pol-"), "policy.yaml")
    with open(path, "w", encoding="utf-8") as f:
        f.write(text.replace("rules: []\n", rule))
    return path


class Responses(harness.ServerTest):
    """Step 6 (seed 004 table 6.2.2-1 items 6-8): a rule's automatic response
    calls a configured webhook through the outbox and marks the event handled;
    otherwise the on-duty role is alerted through the outbox (SMS, e-mail or
    inbox per person)."""
    policy = policy_with_webhook_response()

    def test_webhook_and_role_alert_through_the_outbox(self):
        s = self.srv
        key = s.post("/api/v1/api-keys", {"name": "resp", "integration": "api"}, s.admin("sysadmin")).json["key"]
        s.make_user("duty_mon", ["monitoring_engineer"], phone="13800000009")
        _, eng = s.make_user("resp_eng", ["ops_engineer"])
        r = s.request("POST", "/api/v1/events", {"status": "firing", "dedup_key": "svc-1", "severity": "warning",
                                                 "summary": "nginx down", "labels": {"alertname": "ServiceDown"}},
                      token=key)
        ev = s.get("/api/v1/events/%d" % r.json["events"][0]["id"], eng).json
        self.assertEqual(ev["state"], "handled")
        resp = [d for d in ev["decisions"] if d["step"] == "respond"][0]
        self.assertEqual(resp["rule"], "restart-service")
        r = s.request("POST", "/api/v1/events", {"status": "firing", "dedup_key": "svc-2", "severity": "warning",
                                                 "summary": "queue slow", "labels": {"alertname": "QueueSlow"}},
                      token=key)
        ev2 = s.get("/api/v1/events/%d" % r.json["events"][0]["id"], eng).json
        self.assertEqual(ev2["state"], "open")
        self.assertIn("monitoring_engineer", [d for d in ev2["decisions"] if d["step"] == "respond"][0]["result"])
        db = harness.db_connect(s.db)
        rows = db.execute("SELECT channel, address, kind, body FROM outbox WHERE incident_id IS NULL "
                          "ORDER BY id").fetchall()
        db.close()
        hook = [x for x in rows if x[2] == "event_response"]
        self.assertEqual(len(hook), 1)
        self.assertEqual(hook[0][0], "restarter")
        self.assertEqual(json.loads(hook[0][3])["dedup_key"], "svc-1")
        alerts = [x for x in rows if x[2] == "event_alert"]
        self.assertEqual([(x[0], x[1]) for x in alerts], [("sms", "13800000009")])
        self.assertIn("queue slow", alerts[0][3])


class KillNine(harness.ServerTest):
    """kill -9 during a load run loses no acknowledged event: every dedup key
    answered 202 is in the database after the crash (DESIGN.md: durable before
    the answer)."""

    def test_no_acknowledged_event_lost(self):
        s = self.srv
        key = s.post("/api/v1/api-keys", {"name": "k9", "integration": "api"}, s.admin("sysadmin")).json["key"]
        acked, lock, stop = [], threading.Lock(), threading.Event()

        def client(c):
            i = 0
            while not stop.is_set():
                batch = [{"status": "firing", "dedup_key": "k9-%d-%d-%d" % (c, i, j)} for j in range(10)]
                i += 1
                try:
                    r = s.request("POST", "/api/v1/events", batch, token=key)
                except OSError:
                    return  # the server is gone
                if r.status == 202:
                    with lock:
                        acked.extend(e["dedup_key"] for e in r.json["events"])
        threads = [threading.Thread(target=client, args=(c,)) for c in range(8)]
        for t in threads:
            t.start()
        deadline = time.time() + 60
        while True:  # until a few hundred events are acknowledged
            with lock:
                if len(acked) >= 500:
                    break
            self.assertLess(time.time(), deadline, "no load reached the server")
            time.sleep(0.01)
        s.kill9()
        stop.set()
        for t in threads:
            t.join()
        db = harness.db_connect(s.db)
        stored = {k for (k,) in db.execute("SELECT dedup_key FROM events WHERE dedup_key LIKE 'k9-%'")}
        db.close()
        missing = [k for k in acked if k not in stored]
        self.assertEqual(missing, [], "%d of %d acknowledged events lost" % (len(missing), len(acked)))
        s.start()  # the database opens again after the crash
        self.assertStatus(s.get("/healthz"), 200)


if __name__ == "__main__":
    harness.main()
