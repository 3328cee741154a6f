"""test_static_files.py — the web UI's static files load cheaply and cleanly:
each answer carries an ETag of its bytes and a revalidation with
If-None-Match is 304 without a body (echarts, 1 MB, is not downloaded again
on every load); HEAD is answered like GET without a body; the favicon
exists, so no page load logs a 404.
"""
import http.client
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402


class StaticFilesTest(harness.ServerTest):

    def raw(self, method, path, headers=None):
        c = http.client.HTTPConnection("127.0.0.1", self.srv.port, timeout=10)
        c.request(method, path, headers=headers or {})
        r = c.getresponse()
        body = r.read()
        c.close()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, body

    def test_etag_and_304(self):
        for path in ("/", "/vendor/echarts.min.js", "/js/main.js", "/app.css"):
            st, h, body = self.raw("GET", path)
            self.assertEqual(st, 200, path)
            self.assertRegex(h["etag"], r'^"[0-9a-f]{16}"$', path)
            self.assertGreater(len(body), 0)
            st2, h2, body2 = self.raw("GET", path, {"If-None-Match": h["etag"]})
            self.assertEqual((st2, body2), (304, b""), path)
            self.assertEqual(h2["etag"], h["etag"])
            st3, _, body3 = self.raw("GET", path, {"If-None-Match": '"0000000000000000"'})
            self.assertEqual(st3, 200)
            self.assertEqual(body3, body)
        self.assertGreater(len(self.raw("GET", "/vendor/echarts.min.js")[2]), 500000)

    def test_head_and_favicon(self):
        st, h, body = self.raw("HEAD", "/vendor/echarts.min.js")
        self.assertEqual((st, body), (200, b""))
        self.assertIn("javascript", h["content-type"])
        st, h, body = self.raw("GET", "/favicon.svg")
        self.assertEqual(st, 200)
        self.assertEqual(h["content-type"], "image/svg+xml")
        self.assertIn(b"<svg", body)
        self.assertIn(b'rel="icon" href="/favicon.svg"', self.raw("GET", "/")[2])
        self.assertEqual(self.raw("GET", "/no-such-file.js")[0], 404)


if __name__ == "__main__":
    harness.main()
