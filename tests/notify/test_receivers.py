#!/usr/bin/env python3
"""Self-test of receivers.py: the fake vendors accept correctly signed
requests, reject bad ones with the vendors' codes, replay canned answers and
count duplicates.  Run: python3 tests/notify/test_receivers.py"""
import base64
import hashlib
import hmac
import json
import os
import subprocess
import sys
import time
import unittest
import urllib.error
import urllib.parse
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))


def post(url, obj=None, raw=None, headers=None):
    data = raw if raw is not None else json.dumps(obj).encode()
    req = urllib.request.Request(url, data=data, headers=headers or {}, method="POST")
    try:
        with urllib.request.urlopen(req, timeout=5) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


class Receivers(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.proc = subprocess.Popen([sys.executable, os.path.join(HERE, "receivers.py"), "--no-smtp"],
                                    stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        ports = json.loads(cls.proc.stdout.readline())
        cls.base = f"http://127.0.0.1:{ports['http']}"

    @classmethod
    def tearDownClass(cls):
        cls.proc.stdin.close()
        cls.proc.wait(timeout=5)

    def setUp(self):
        post(self.base + "/_reset", {})

    def test_dingtalk_signature(self):
        secret = "SECtest"
        post(self.base + "/_config", {"path": "/dingtalk/a", "secret": secret})
        ts = str(int(time.time() * 1000))
        mac = hmac.new(secret.encode(), f"{ts}\n{secret}".encode(), hashlib.sha256).digest()
        sign = urllib.parse.quote(base64.b64encode(mac).decode(), safe="")
        body = {"msgtype": "markdown", "markdown": {"title": "t", "text": "x"}}
        self.assertEqual(post(f"{self.base}/dingtalk/a?access_token=x&timestamp={ts}&sign={sign}", body)[1],
                         {"errcode": 0, "errmsg": "ok"})
        self.assertEqual(post(f"{self.base}/dingtalk/a?timestamp={ts}&sign=AAAA", body)[1]["errcode"], 310000)
        old = str(int(time.time() * 1000) - 2 * 3600 * 1000)
        mac = hmac.new(secret.encode(), f"{old}\n{secret}".encode(), hashlib.sha256).digest()
        sign = urllib.parse.quote(base64.b64encode(mac).decode(), safe="")
        self.assertEqual(post(f"{self.base}/dingtalk/a?timestamp={old}&sign={sign}", body)[1]["errcode"], 310000)

    def test_feishu_signature(self):
        secret = "fs"
        post(self.base + "/_config", {"path": "/feishu/a", "secret": secret})
        ts = str(int(time.time()))
        sign = base64.b64encode(hmac.new(f"{ts}\n{secret}".encode(), b"", hashlib.sha256).digest()).decode()
        body = {"timestamp": ts, "sign": sign, "msg_type": "text", "content": {"text": "x"}}
        self.assertEqual(post(self.base + "/feishu/a", body)[1]["code"], 0)
        body["sign"] = base64.b64encode(hmac.new(secret.encode(), f"{ts}\n{secret}".encode(),
                                                 hashlib.sha256).digest()).decode()  # DingTalk-style: wrong
        self.assertEqual(post(self.base + "/feishu/a", body)[1]["code"], 19021)

    def test_webhook_signature_canned_and_dups(self):
        post(self.base + "/_config", {"path": "/webhook/a", "secret": "k",
                                      "responses": [{"status": 429, "headers": {"Retry-After": "3"}}]})
        raw = b'{"a":1}'
        sig = "sha256=" + hmac.new(b"k", raw, hashlib.sha256).hexdigest()
        hdr = {"X-Opsdesk-Signature": sig, "Idempotency-Key": "k1", "Content-Type": "application/json"}
        self.assertEqual(post(self.base + "/webhook/a", raw=raw, headers=hdr)[0], 429)
        self.assertEqual(post(self.base + "/webhook/a", raw=raw, headers=hdr)[0], 200)
        hdr["X-Opsdesk-Signature"] = "sha256=00"
        self.assertEqual(post(self.base + "/webhook/a", raw=raw, headers=hdr)[0], 401)
        with urllib.request.urlopen(self.base + "/_log") as r:
            log = json.loads(r.read())
        self.assertEqual(log["dups"], {"k1": 3})
        self.assertEqual([q["sig_ok"] for q in log["requests"]], [True, True, False])

    def test_wecom_limits(self):
        post(self.base + "/_config", {"path": "/wecom/a", "key": "K"})
        body = {"msgtype": "markdown", "markdown": {"content": "x" * 4097}}
        self.assertEqual(post(self.base + "/wecom/a?key=K", body)[1]["errcode"], 40058)
        self.assertEqual(post(self.base + "/wecom/a?key=Z", body)[1]["errcode"], 93000)
        body["markdown"]["content"] = "中" * 1365
        self.assertEqual(post(self.base + "/wecom/a?key=K", body)[1]["errcode"], 0)


if __name__ == "__main__":
    unittest.main()
