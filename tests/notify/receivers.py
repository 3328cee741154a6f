#!/usr/bin/env python3
"""Fake notification endpoints for opsdesk's channel tests (stdlib + aiosmtpd).

One HTTP server plays every vendor, chosen by the first path segment:
  /dingtalk/<any>  DingTalk robot: checks &timestamp=&sign= like DingTalk
                   (HMAC-SHA256 key=secret over "ts_ms\\n"+secret, base64,
                   URL-encoded; ts within 1 h), 20000-byte body limit,
                   answers {"errcode":..,"errmsg":..}
  /wecom/<any>     WeCom group robot: optional ?key= check (93000), markdown
                   content <= 4096 bytes (40058)
  /feishu/<any>    Feishu/Lark bot: checks body "timestamp"/"sign" like Feishu
                   (HMAC key = "ts_s\\n"+secret, empty message; 19021), 20 KB
                   body limit, answers {"code":..,"msg":..}
  /webhook/<any>   generic webhook: checks X-Opsdesk-Signature (401 if bad)
  /sms/<any>       SMS gateway: records body and query
An SMTP server (aiosmtpd, Debian python3-aiosmtpd) parses each mail with
Python's email parser (policy.default, so RFC 2047 subjects are decoded).

Control API (JSON):
  POST /_config {"path": "/dingtalk/a", "secret": "...", "key": "...",
                 "responses": [{"status": 429, "headers": {...}, "json": {...},
                                "delay_ms": 0}, ...]}
       responses are used once each, in order, then the vendor's success;
       {"smtp": ["451 4.3.0 try later", ...]} queues SMTP DATA replies.
  GET  /_log   {"requests": [...], "mails": [...], "dups": {key: count>1}}
  POST /_reset forget requests, mails and configs.
Start: receivers.py [--http-port N] [--smtp-port N]; prints one JSON line
{"http": port, "smtp": port-or-null} when ready and exits when stdin closes.
"""
import argparse
import base64
import email
import email.policy
import hashlib
import hmac
import json
import os
import socket
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LOCK = threading.Lock()
STATE = {"configs": {}, "requests": [], "mails": [], "smtp_replies": []}


def dingtalk_sign(secret, ts_ms):
    msg = f"{ts_ms}\n{secret}".encode()
    return base64.b64encode(hmac.new(secret.encode(), msg, hashlib.sha256).digest()).decode()


def feishu_sign(secret, ts_s):
    key = f"{ts_s}\n{secret}".encode()
    return base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()


def within_hour(ts_s):
    return abs(time.time() - ts_s) < 3600


def verify_dingtalk(secret, query):
    ts, sign = query.get("timestamp", [None])[0], query.get("sign", [None])[0]
    if not ts or not sign or not ts.isdigit():
        return False
    return within_hour(int(ts) / 1000) and hmac.compare_digest(sign, dingtalk_sign(secret, ts))


def verify_feishu(secret, body):
    if not isinstance(body, dict):
        return False
    ts, sign = body.get("timestamp"), body.get("sign")
    if not isinstance(ts, str) or not ts.isdigit() or not isinstance(sign, str):
        return False
    return within_hour(int(ts)) and hmac.compare_digest(sign, feishu_sign(secret, ts))


def verify_webhook(secret, raw, header):
    want = "sha256=" + hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()
    return header is not None and hmac.compare_digest(header, want)


def vendor(kind, code, msg):
    if kind == "feishu":
        return {"code": code, "msg": msg, "data": {}}
    return {"errcode": code, "errmsg": msg}


def judge(kind, cfg, raw, body, query, headers):
    """Returns (sig_ok, status, json answer) as the vendor would."""
    secret = cfg.get("secret")
    sig_ok = None
    if kind == "dingtalk":
        if secret:
            sig_ok = verify_dingtalk(secret, query)
            if not sig_ok:
                return sig_ok, 200, vendor(kind, 310000, "sign not match")
        if len(raw) > 20000:
            return sig_ok, 200, vendor(kind, 460101, "message too long, exceed 20000 bytes")
        if not isinstance(body, dict) or body.get("msgtype") not in ("markdown", "text"):
            return sig_ok, 200, vendor(kind, 40035, "missing msgtype")
    elif kind == "wecom":
        if cfg.get("key") and query.get("key", [None])[0] != cfg["key"]:
            return None, 200, vendor(kind, 93000, "invalid webhook url")
        content = ((body or {}).get("markdown") or {}).get("content", "") if isinstance(body, dict) else ""
        if len(content.encode()) > 4096:
            return None, 200, vendor(kind, 40058, "markdown.content exceed max length 4096")
    elif kind == "feishu":
        if secret:
            sig_ok = verify_feishu(secret, body)
            if not sig_ok:
                return sig_ok, 200, vendor(kind, 19021, "sign match fail or timestamp is not within one hour")
        if len(raw) > 20 * 1024 or not isinstance(body, dict) or "msg_type" not in body:
            return sig_ok, 400, vendor(kind, 9499, "Bad Request")
        return sig_ok, 200, {"StatusCode": 0, "StatusMessage": "success", "code": 0, "msg": "success", "data": {}}
    elif kind == "webhook":
        if secret:
            sig_ok = verify_webhook(secret, raw, headers.get("X-Opsdesk-Signature"))
            if not sig_ok:
                return sig_ok, 401, {"error": "bad signature"}
        return sig_ok, 200, {"ok": True}
    elif kind == "sms":
        return None, 200, {"ok": True}
    else:
        return None, 404, {"error": "unknown endpoint kind"}
    return sig_ok, 200, vendor(kind, 0, "ok")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):  # quiet
        pass

    def answer(self, status, obj, headers=None):
        data = json.dumps(obj, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def read_body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""

    def do_GET(self):
        if self.path == "/_log":
            with LOCK:
                counts = {}
                for r in STATE["requests"]:
                    if r["idempotency_key"]:
                        counts[r["idempotency_key"]] = counts.get(r["idempotency_key"], 0) + 1
                out = {"requests": STATE["requests"], "mails": STATE["mails"],
                       "dups": {k: v for k, v in counts.items() if v > 1}}
            return self.answer(200, out)
        self.endpoint(b"")

    def do_PUT(self):
        self.endpoint(self.read_body())

    def do_POST(self):
        raw = self.read_body()
        if self.path == "/_config":
            cfg = json.loads(raw)
            with LOCK:
                if "smtp" in cfg:
                    STATE["smtp_replies"].extend(cfg["smtp"])
                if "path" in cfg:
                    STATE["configs"][cfg["path"]] = cfg
            return self.answer(200, {"ok": True})
        if self.path == "/_reset":
            with LOCK:
                STATE.update(configs={}, requests=[], mails=[], smtp_replies=[])
            return self.answer(200, {"ok": True})
        self.endpoint(raw)

    def endpoint(self, raw):
        url = urllib.parse.urlsplit(self.path)
        query = urllib.parse.parse_qs(url.query)
        kind = url.path.strip("/").split("/")[0]
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = None
        with LOCK:
            cfg = STATE["configs"].get(url.path, {})
            canned = cfg.get("responses") or []
            resp = canned.pop(0) if canned else None
        sig_ok, status, answer = judge(kind, cfg, raw, body, query, self.headers)
        headers = {}
        if resp:
            time.sleep(resp.get("delay_ms", 0) / 1000)
            if "status" in resp or "json" in resp:
                status = resp.get("status", 200)
                answer = resp.get("json", {})
            headers = resp.get("headers", {})
        rec = {"path": url.path, "kind": kind, "method": self.command,
               "query": {k: v[0] for k, v in query.items()},
               "headers": {k: v for k, v in self.headers.items()},
               "raw": raw.decode("utf-8", "replace"), "raw_len": len(raw), "json": body,
               "sig_ok": sig_ok, "status": status,
               "idempotency_key": self.headers.get("Idempotency-Key")}
        with LOCK:
            STATE["requests"].append(rec)
        self.answer(status, answer, headers)


def start_smtp(port):
    try:
        from aiosmtpd.controller import Controller
    except ImportError:
        return None

    class Mailbox:
        async def handle_DATA(self, server, session, envelope):
            with LOCK:
                reply = STATE["smtp_replies"].pop(0) if STATE["smtp_replies"] else None
            if reply:
                return reply
            # Store as a local delivery agent would: Unix line endings.
            content = envelope.content.replace(b"\r\n", b"\n")
            msg = email.message_from_bytes(content, policy=email.policy.default)
            rec = {"mail_from": envelope.mail_from, "rcpt_tos": envelope.rcpt_tos,
                   "subject": str(msg["subject"]), "raw_subject": msg.get("subject", "").__str__(),
                   "message_id": str(msg["message-id"]), "date": str(msg["date"]),
                   "content_type": msg.get_content_type(), "charset": msg.get_content_charset(),
                   "cte": str(msg["content-transfer-encoding"]),
                   "body": msg.get_content(), "defects": [type(d).__name__ for d in msg.defects],
                   "raw": envelope.content.decode("utf-8", "replace")}
            with LOCK:
                STATE["mails"].append(rec)
            return "250 OK"

    if port == 0:
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        s.close()
    ctl = Controller(Mailbox(), hostname="127.0.0.1", port=port)
    ctl.start()
    return port


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--http-port", type=int, default=0)
    ap.add_argument("--smtp-port", type=int, default=0)
    ap.add_argument("--no-smtp", action="store_true")
    a = ap.parse_args()
    ThreadingHTTPServer.request_queue_size = 128  # a gateway's backlog: senders connect at once
    httpd = ThreadingHTTPServer(("127.0.0.1", a.http_port), Handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    smtp = None if a.no_smtp else start_smtp(a.smtp_port)
    print(json.dumps({"http": httpd.server_address[1], "smtp": smtp}), flush=True)
    sys.stdin.read()  # until the parent closes our stdin (or dies)
    os._exit(0)


if __name__ == "__main__":
    main()
