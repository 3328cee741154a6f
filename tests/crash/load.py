"""load.py — the pluggable load of the crash-consistency driver (crash.py).

A generator is one kind of write.  Each call of `step()` sends one request
(through `ctx.call`, which raises `Killed` when the server is gone) and, if
the server answered 2xx, returns a record of what must now be durable: a
dict with at least "gen" (the generator's name).  After the server has been
killed, `check(db, rec)` gets a sqlite3 connection to the database file and
returns None when the write is present as acknowledged, or a message.

To add a kind of load: write a class like the ones below (Events is the
event-ingestion one) and append an instance to GENERATORS; `--gens` of
crash.py picks a subset.  `setup(world)` runs once against the live server
before the first round (create users, CIs, sources); `step` must be safe to
run from several threads at once.
"""
import random
import threading
import uuid

CI_DEPT = "应用部"


class Killed(Exception):
    """The server went away during a request (the answer is unknown)."""


class ServerError(Exception):
    """A 5xx answer: a bug, whatever the load."""


class World:
    """What the generators share: users and tokens, CIs, incidents so far."""

    def __init__(self):
        self.lock = threading.Lock()
        self.uid, self.tok = {}, {}
        self.ci = {}                  # grade -> CI id
        self.incidents = []           # dicts: id, level, first (bool), recipients (set of usernames)
        self.own_ci = {}              # worker -> CI id patched only by that worker
        self.acked = set()            # (incident id, username)


# (username, role, department): everyone with a phone, so each message
# becomes an SMS outbox row (and one bot copy for the webhook channel).
USERS = [
    ("eng", "ops_engineer", "运行部"),
    ("mon", "monitoring_engineer", "客服部"),
    ("sechead", "ops_section_head", "运行部"),
    ("liaison", "liaison", "运行部"),
    ("leader", "ops_leader", "数据中心"),
    ("el", "emergency_leadership", "数据中心"),
    ("dh", "department_head", CI_DEPT),
]
# R-NOT-1 recipients per incident level (policy/default.yaml), for acks
RECIPIENTS = {"L1": ["el", "sechead", "liaison"], "L2": ["leader", "sechead", "liaison", "dh"]}


# Open incidents keep progress and re-notify deadlines coming back; past this
# many, the load writes only reports, acks and CIs, so 100 rounds stay bounded.
MAX_INCIDENTS = 300


def token():
    return uuid.uuid4().hex[:12]


class Generator:
    name = "?"
    weight = 1

    def setup(self, world, srv):
        pass

    def step(self, ctx, rng):
        raise NotImplementedError

    def check(self, db, rec):
        raise NotImplementedError


class IncidentCreate(Generator):
    name = "incident"
    weight = 3

    def step(self, ctx, rng):
        w = ctx.world
        with w.lock:
            if len(w.incidents) >= MAX_INCIDENTS:
                return None  # bounded: every open incident keeps deadlines re-arming
        grade = rng.choices(["L3", "NG", "L2", "L1"], [5, 2, 2, 1])[0]
        title = "crash %s %s" % (grade, token())
        r = ctx.call("POST", "/api/v1/incidents",
                     {"title": title, "ci_ids": [w.ci[grade]], "severity": rng.choice(["minor", "moderate"]),
                      "location": "机房A", "symptoms": "crash load", "impact_scope": "test"}, "eng")
        if r.status != 201:
            return None
        inc = {"id": r.json["id"], "level": r.json.get("level", grade), "first": False}
        with w.lock:
            w.incidents.append(inc)
        return {"gen": self.name, "id": inc["id"], "number": r.json["number"], "title": title}

    def check(self, db, rec):
        row = db.execute("SELECT number, title FROM incidents WHERE id = ?", (rec["id"],)).fetchone()
        if row != (rec["number"], rec["title"]):
            return "incident %d: got %r" % (rec["id"], row)
        n = db.execute("SELECT COUNT(*) FROM audit WHERE entity = 'incident' AND entity_id = ? "
                       "AND action = 'incident.create'", (rec["id"],)).fetchone()[0]
        return None if n == 1 else "incident %d: %d create audit entries" % (rec["id"], n)


def pick(rng, world, pred):
    with world.lock:
        c = [i for i in world.incidents[-40:] if pred(i)]
    return rng.choice(c) if c else None


class Report(Generator):
    """First report of a registered incident, else a progress report."""
    name = "report"
    weight = 3

    def step(self, ctx, rng):
        w = ctx.world
        inc = pick(rng, w, lambda i: not i["first"])
        tok = token()
        if inc:
            body = {"kind": "first", "location": "机房B", "symptoms": "sym " + tok, "impact_scope": "scope"}
            key = "symptoms"
        else:
            inc = pick(rng, w, lambda i: i["first"])
            if not inc:
                return None
            body = {"kind": "progress", "text": "progress " + tok}
            key = "text"
        r = ctx.call("POST", "/api/v1/incidents/%d/reports" % inc["id"], body, "eng")
        if r.status != 201:
            return None
        if body["kind"] == "first":
            inc["first"] = True
        return {"gen": self.name, "incident": inc["id"], "kind": body["kind"], "field": key, "value": body[key]}

    def check(self, db, rec):
        rows = db.execute("SELECT body FROM incident_reports WHERE incident_id = ? AND kind = ?",
                          (rec["incident"], rec["kind"])).fetchall()
        if not any(rec["value"] in b for (b,) in rows):
            return "report %s of incident %d with %r missing" % (rec["kind"], rec["incident"], rec["value"])
        if rec["kind"] == "progress":
            # R-NOT-5: every progress report reaches the recipients, even two in the same millisecond
            n = db.execute("SELECT COUNT(*) FROM outbox WHERE incident_id = ? AND kind = 'progress' AND "
                           "instr(body, ?) > 0", (rec["incident"], rec["value"])).fetchone()[0]
        else:
            n = db.execute("SELECT COUNT(*) FROM outbox WHERE incident_id = ? AND kind = ?",
                           (rec["incident"], rec["kind"])).fetchone()[0]
        return None if n > 0 else "report %s of incident %d (%r): no outbox message" % (
            rec["kind"], rec["incident"], rec["value"])


class Ack(Generator):
    """A recipient of an L1/L2 incident acknowledges (R-NOT-4)."""
    name = "ack"
    weight = 2

    def step(self, ctx, rng):
        w = ctx.world
        inc = pick(rng, w, lambda i: i["first"] and i["level"] in RECIPIENTS)
        if not inc:
            return None
        user = rng.choice(RECIPIENTS[inc["level"]])
        with w.lock:
            if (inc["id"], user) in w.acked:
                return None
        r = ctx.call("POST", "/api/v1/incidents/%d/ack" % inc["id"], None, user)
        if r.status != 200:
            return None
        with w.lock:
            w.acked.add((inc["id"], user))
        return {"gen": self.name, "incident": inc["id"], "user": w.uid[user]}

    def check(self, db, rec):
        row = db.execute("SELECT acked_at FROM incident_recipients WHERE incident_id = ? AND user_id = ?",
                         (rec["incident"], rec["user"])).fetchone()
        return None if row and row[0] is not None else "ack of incident %d by user %d missing" % (
            rec["incident"], rec["user"])


class CiWrite(Generator):
    """Creates a CI, or changes the location of the worker's own CI."""
    name = "ci"
    weight = 2

    def setup(self, world, srv):
        for wk in range(16):
            r = srv.post("/api/v1/cis", {"name": "crash-own-%d" % wk, "category": "application", "grade": "L3",
                                         "department": CI_DEPT}, token=world.tok["eng"])
            assert r.status == 201, r
            world.own_ci[wk] = r.json["id"]

    def step(self, ctx, rng):
        w = ctx.world
        tok = token()
        if rng.random() < 0.5:
            name = "crash-ci-" + tok
            r = ctx.call("POST", "/api/v1/cis", {"name": name, "category": "application", "grade": "L3",
                                                  "department": CI_DEPT}, "eng")
            if r.status != 201:
                return None
            return {"gen": self.name, "op": "create", "id": r.json["id"], "value": name}
        cid = w.own_ci[ctx.worker]
        ctx.pending_ci = tok  # in flight: may or may not be committed
        r = ctx.call("PATCH", "/api/v1/cis/%d" % cid, {"location": tok}, "eng")
        if r.status != 200:
            return None
        return {"gen": self.name, "op": "patch", "id": cid, "value": tok, "seq": ctx.next_seq()}

    def check(self, db, rec):
        if rec["op"] == "create":
            row = db.execute("SELECT name FROM cis WHERE id = ?", (rec["id"],)).fetchone()
            return None if row and row[0] == rec["value"] else "CI %d: got %r" % (rec["id"], row)
        # a later acknowledged (or in-flight) patch of the same CI may have replaced it
        row = db.execute("SELECT location FROM cis WHERE id = ?", (rec["id"],)).fetchone()
        ok = rec.get("allowed") or {rec["value"]}
        return None if row and row[0] in ok else "CI %d location %r, expected one of %r" % (rec["id"], row, ok)


class Events(Generator):
    """Event ingestion (POST /api/v1/events with an API key): a batch of 1–5
    events with unique dedup keys; the 202 comes only after the commit, so
    every event of an acknowledged batch must be there."""
    name = "events"
    weight = 2

    def setup(self, world, srv):
        r = srv.post("/api/v1/api-keys", {"name": "crash-load", "integration": "api"}, token=srv.admin())
        assert r.status == 201, r
        world.tok["ingest"] = r.json["secret"] if "secret" in r.json else r.json["key"]

    def step(self, ctx, rng):
        batch = [{"dedup_key": "crash-" + token(), "status": "firing", "severity": "warning",
                  "summary": "crash load event", "labels": {"job": "crash", "n": str(i)}}
                 for i in range(rng.randint(1, 5))]
        r = ctx.call("POST", "/api/v1/events", batch, "ingest")
        if r.status != 202:
            return None
        got = {e["dedup_key"]: e["id"] for e in r.json["events"]}
        return {"gen": self.name, "events": [(got[b["dedup_key"]], b["dedup_key"]) for b in batch]}

    def check(self, db, rec):
        for eid, key in rec["events"]:
            row = db.execute("SELECT dedup_key FROM events WHERE id = ?", (eid,)).fetchone()
            if not row or row[0] != key:
                return "event %d (%s): got %r" % (eid, key, row)
        return None


GENERATORS = [IncidentCreate(), Report(), Ack(), CiWrite(), Events()]


def world_setup(srv, gens, user_pw):
    """Users, CIs (one per grade), then each generator's own setup."""
    w = World()
    for i, (name, role, dept) in enumerate(USERS):
        uid, tok = srv.make_user(name, [role], department=dept, phone="1390000%04d" % i)
        w.uid[name], w.tok[name] = uid, tok
    for g in ("L1", "L2", "L3", "NG"):
        r = srv.post("/api/v1/cis", {"name": "crash-%s" % g, "category": "application", "grade": g,
                                     "department": CI_DEPT}, token=w.tok["eng"])
        assert r.status == 201, r
        w.ci[g] = r.json["id"]
    for g in gens:
        g.setup(w, srv)
    w.user_pw = user_pw
    return w


def choose(rng, gens):
    return rng.choices(gens, [g.weight for g in gens])[0]


__all__ = ["GENERATORS", "Generator", "Killed", "ServerError", "World", "world_setup", "choose", "random"]
