"""test_event_alerts.py — who is told about an event, and how (R-EVT-2 step 6,
R-NOT-1, R-NOT-7, seed 004 §6.2): every alert reaches the outbox under a
cause made of ids (two alerts never collapse into one), event alerts are
composed like incident messages (template, language, the person's channel
choice), nobody is cut off by a hidden cap, an incident opened by an event
tells the monitoring desk and the CI department's operations engineers at
once, and notifications reach only people whose scope covers the
incident's department."""
import sqlite3

import harness


def outbox(srv, where="1=1", args=()):
    db = sqlite3.connect(srv.db)
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


if __name__ == "__main__":
    harness.main()
