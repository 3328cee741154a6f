"""test_delivery_log.py — the global delivery log, GET /api/v1/deliveries
(R-NOT-7: failed messages are found without opening each incident).

A real server with the SMS gateway, the SMTP relay and a DingTalk robot of
tests/notify/receivers.py on loopback (test_delivery.py's world).  Two
incidents: the SMS gateway refuses the first one's messages for good.
Checked: the log holds exactly the attempts of both incidents' own logs,
newest first; status / channel / recipient / time filters give exact sets;
before_id pages walk the whole log (list envelope, docs/internals/lists.md);
bad filters are 400 with the field named and read nothing; a scoped reader
sees only the attempts of incidents in scope; a role without incident.read
is refused.
"""
import datetime
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from test_delivery import DeliveryWorld  # noqa: E402


class DeliveryLog(DeliveryWorld):

    def log(self, query="", who="eng", status=200):
        r = self.srv.get("/api/v1/deliveries" + query, token=self.tok[who] if who in self.tok else who)
        self.assertEqual(r.status, status, r)
        return r.json

    def walk(self, query, limit):
        """Every page through next_before_id; the items in order."""
        out, cursor, pages = [], None, 0
        while True:
            sep = "&" if query else "?"
            q = query + sep + "limit=%d" % limit + ("&before_id=%d" % cursor if cursor else "")
            page = self.log(q)
            pages += 1
            out += page["items"]
            cursor = page["next_before_id"]
            if cursor is None:
                return out, pages
            self.assertEqual(cursor, page["items"][-1]["id"])
            self.assertLess(pages, 100)

    def test_global_log_filters_and_pages_r_not_7(self):
        bad = self.create(title="短信网关拒绝 SMS refused")
        self.rcv.config(path="/sms/gw", responses=[{"status": 400, "json": {"error": "bad number"}}] * 2)
        self.report(bad["id"], "first")
        self.flush()
        good = self.create(title="一切正常 all fine")
        self.report(good["id"], "first")
        self.flush()
        per_incident = self.deliveries(bad["id"]) + self.deliveries(good["id"])
        ids = sorted((d["id"] for d in per_incident), reverse=True)
        self.assertGreater(len(ids), 4)

        whole = self.log("?limit=500")
        self.assertEqual(whole["total"], len(ids))
        self.assertFalse(whole["total_estimated"])
        self.assertIsNone(whole["next_before_id"])  # not a full page
        self.assertEqual([d["id"] for d in whole["items"]], ids)  # newest first, nothing else
        by_id = {d["id"]: d for d in whole["items"]}
        for d in per_incident:  # the same attempt as the incident's own log shows, plus where it belongs
            mine = by_id[d["id"]]
            self.assertEqual({k: mine[k] for k in d}, d)
            self.assertIn(mine["incident_id"], (bad["id"], good["id"]))
            self.assertEqual(mine["incident_number"], bad["number"] if mine["incident_id"] == bad["id"]
                             else good["number"])
            if mine["recipient_id"] is None:  # a group robot: nobody by name
                self.assertIsNone(mine["recipient_name"])
                self.assertIn("bot_message_id", mine)
            else:
                self.assertIn(mine["recipient_name"], ("lead", "head", "liaison", "mon", "eng"))

        # state: the two refused SMS, nothing of the good incident
        failed = self.log("?status=failed")
        self.assertEqual(failed["total"], 2, failed)
        want = [d for d in per_incident if d["status"] == "failed"]
        self.assertEqual(sorted(d["id"] for d in failed["items"]), sorted(d["id"] for d in want))
        self.assertEqual({(d["channel"], d["channel_kind"], d["incident_id"]) for d in failed["items"]},
                         {("sms-gw", "sms", bad["id"])})
        self.assertEqual(len({d["recipient_id"] for d in failed["items"]}), 2)
        self.assertTrue(all(d["http_status"] == 400 for d in failed["items"]))
        self.assertEqual(self.log("?status=failed&channel=sms")["total"], 2)  # by kind
        self.assertEqual(self.log("?status=failed&channel=sms-gw")["total"], 2)  # by name
        self.assertEqual(self.log("?status=failed&channel=email")["total"], 0)
        self.assertEqual(self.log("?status=interrupted")["total"], 0)
        sent = self.log("?status=sent&limit=500")
        self.assertEqual(sent["total"], len([d for d in per_incident if d["status"] == "sent"]))
        self.assertEqual(sent["total"] + 2, len(ids))
        one = failed["items"][0]["recipient_id"]
        self.assertEqual(self.log("?status=failed&recipient_id=%d" % one)["total"], 1)

        # channel, recipient
        sms = self.log("?channel=sms&limit=500")
        self.assertEqual(sorted(d["id"] for d in sms["items"]),
                         sorted(d["id"] for d in per_incident if d["channel"] == "sms-gw"))
        self.assertTrue(sms["items"])
        bots = self.log("?channel=group_bot&limit=500")
        self.assertEqual(sorted(d["id"] for d in bots["items"]),
                         sorted(d["id"] for d in per_incident if d.get("bot_message_id")))
        self.assertTrue(bots["items"])
        lead = self.log("?recipient_id=%d&limit=500" % self.uid["lead"])
        self.assertEqual(sorted(d["id"] for d in lead["items"]),
                         sorted(d["id"] for d in per_incident if d["recipient_id"] == self.uid["lead"]))
        self.assertTrue(lead["items"])
        self.assertEqual(self.log("?recipient_id=%d" % self.uid["eng"])["total"], 0)  # the writer is not told

        # time range: from is inclusive, to exclusive
        ats = sorted({d["at"] for d in per_incident})
        first_at, last_at = ats[0], ats[-1]
        self.assertEqual(self.log("?limit=500&from=" + first_at)["total"], len(ids))
        self.assertEqual(self.log("?limit=500&to=" + first_at)["total"], 0)
        if first_at != last_at:
            self.assertEqual(self.log("?limit=500&from=%s&to=%s" % (first_at, last_at))["total"],
                             len([d for d in per_incident if d["at"] < last_at]))
        after_last = iso_plus_ms(last_at, 1)  # 1 ms after the last attempt: it is inside
        self.assertEqual(self.log("?limit=500&from=%s&to=%s" % (first_at, after_last))["total"], len(ids))
        self.assertEqual(self.log("?limit=500&from=" + after_last)["total"], 0)
        self.assertEqual(self.log("?from=2099-01-01T00:00:00Z")["total"], 0)

        # keyset pages: limit 2 walks the log exactly; with a filter too
        items, pages = self.walk("", 2)
        self.assertEqual([d["id"] for d in items], ids)
        self.assertEqual(pages, len(ids) // 2 + 1)  # a full last page still has a cursor
        items, _ = self.walk("?status=failed", 1)
        self.assertEqual([d["id"] for d in items], [d["id"] for d in failed["items"]])
        page = self.log("?limit=3&before_id=%d" % ids[1])
        self.assertEqual([d["id"] for d in page["items"]], ids[2:5])
        self.assertEqual(page["total"], len(ids))  # the total ignores the cursor

        # bad filters: 400 naming the field
        for q, field in (("?status=lost", "status"), ("?from=yesterday", "from"), ("?to=2026-13-01", "to"),
                         ("?recipient_id=x", "recipient_id"), ("?recipient_id=0", "recipient_id"),
                         ("?before_id=-1", "before_id"), ("?limit=0", "limit"),
                         ("?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z", "to")):
            r = self.log(q, status=400)
            self.assertEqual(r["error"]["field"], field, q)

        # scopes (R-SEC-SYS-2): a reader scoped to another department sees none of these
        uid, tok = self.srv.make_user("scoped-reader", ["ops_engineer"], scopes=["客服部"])
        self.assertEqual(self.log("", who=tok)["total"], 0)
        uid2, tok2 = self.srv.make_user("ops-reader", ["ops_engineer"], scopes=["运行部"])
        self.assertEqual([d["id"] for d in self.log("?limit=500", who=tok2)["items"]], ids)
        self.assertEqual(self.log("?status=failed", who=tok2)["total"], 2)
        # no incident.read: refused
        self.log("", who=self.srv.admin("sysadmin"), status=403)


def iso_plus_ms(iso, ms):
    t = datetime.datetime.strptime(iso, "%Y-%m-%dT%H:%M:%S.%fZ") + datetime.timedelta(milliseconds=ms)
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (t.microsecond // 1000)


if __name__ == "__main__":
    harness.main()
