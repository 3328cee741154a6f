"""test_static_files.py — the web UI's static files load cheaply and cleanly:
each answer carries an ETag of its bytes and a revalidation with
If-None-Match is 304 without a body (echarts, 1 MB, is not downloaded again
on every load); HEAD is answered like GET without a body; the favicon
exists, so no page load logs a 404.  Text files are sent brotli- or
gzip-compressed when Accept-Encoding allows, each coding with its own ETag
and Vary: Accept-Encoding; the bytes decompress to the file itself.
"""
import ctypes
import gzip
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

    def test_compressed(self):
        plain = {}
        for path in ("/vendor/echarts.min.js", "/js/main.js", "/app.css", "/", "/i18n/zh-CN.json"):
            st, h, body = self.raw("GET", path)
            self.assertEqual(st, 200)
            self.assertNotIn("content-encoding", h)
            self.assertEqual(h["vary"], "Accept-Encoding")
            self.assertEqual(h["cache-control"], "no-cache")  # names are not hashed: revalidated
            plain[path] = (h["etag"], body)
            # gzip only (an old client), q=0 for br refuses it
            for ae in ("gzip", "gzip, deflate", "br;q=0, gzip;q=0.5"):
                st, hg, gz = self.raw("GET", path, {"Accept-Encoding": ae})
                self.assertEqual((st, hg["content-encoding"]), (200, "gzip"), (path, ae))
                self.assertEqual(hg["etag"], h["etag"][:-1] + '-gzip"')
                self.assertEqual(gzip.decompress(gz), body)
                self.assertLess(len(gz), len(body))
            # a browser: brotli, smaller still
            st, hb, br = self.raw("GET", path, {"Accept-Encoding": "gzip, deflate, br"})
            self.assertEqual((st, hb["content-encoding"]), (200, "br"), path)
            self.assertEqual(hb["etag"], h["etag"][:-1] + '-br"')
            self.assertEqual(brotli_decompress(br, len(body)), body)
            self.assertLessEqual(len(br), len(gz))
            # revalidation per coding: 304 for the same one, 200 for another
            st, h304, b304 = self.raw("GET", path, {"Accept-Encoding": "br", "If-None-Match": hb["etag"]})
            self.assertEqual((st, b304), (304, b""))
            self.assertNotIn("content-encoding", h304)
            st, _, again = self.raw("GET", path, {"Accept-Encoding": "gzip", "If-None-Match": hb["etag"]})
            self.assertEqual(st, 200)
            self.assertEqual(gzip.decompress(again), body)
            # HEAD tells the coding and no body
            st, hh, hbody = self.raw("HEAD", path, {"Accept-Encoding": "br"})
            self.assertEqual((st, hh["content-encoding"], hbody), (200, "br", b""))
        # echarts (1 MB) goes out at under a third of its size
        st, h, br = self.raw("GET", "/vendor/echarts.min.js", {"Accept-Encoding": "br"})
        self.assertLess(len(br) * 3, len(plain["/vendor/echarts.min.js"][1]))
        # identity only, or a coding we do not make: the plain bytes
        for ae in ("identity", "deflate", "gzip;q=0", "*;q=0"):
            st, h, body = self.raw("GET", "/js/main.js", {"Accept-Encoding": ae})
            self.assertNotIn("content-encoding", h, ae)
            self.assertEqual((h["etag"], body), plain["/js/main.js"])
        # a small or binary file is never compressed
        st, h, body = self.raw("GET", "/favicon.svg", {"Accept-Encoding": "br, gzip"})
        self.assertEqual(st, 200)
        self.assertLess(len(body), 512)
        self.assertNotIn("content-encoding", h)


def brotli_decompress(data, size):
    """Brotli through the system's libbrotlidec (the encoder's sibling)."""
    lib = ctypes.CDLL("libbrotlidec.so.1")
    out = ctypes.create_string_buffer(size + 16)
    n = ctypes.c_size_t(size + 16)
    ok = lib.BrotliDecoderDecompress(ctypes.c_size_t(len(data)), data, ctypes.byref(n), out)
    if ok != 1:
        raise AssertionError("brotli: not a valid stream")
    return out.raw[:n.value]


if __name__ == "__main__":
    harness.main()
