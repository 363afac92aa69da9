#!/usr/bin/env python3
"""The ingest tests' HTTP server, on 127.0.0.1 at a free port.

Prints "PORT <n>" on its first line of output, then serves until killed:
  /f/NAME             fixtures/NAME, with an ETag and Last-Modified;
                      answers 304 to a matching If-None-Match
  /gbk/NAME           fixtures/NAME re-encoded to GBK (the XML prolog says so)
  /gbk-header/NAME    the same, the charset only in the Content-Type header
  /redirect/NAME      302 to /f/NAME
  /api/text?id=ID     {"content": ...} from fixtures/api_text.json
  /status/CODE        an empty response with that status
  /stall              headers never come (sleeps 30 s)
  /big?length=0|1     50 MB of XML generated on the fly (with or without
                      Content-Length)
  /bigfeed?n=N        an RSS feed of N generated items
  /hits               JSON: requests per path, and 304s sent
"""
import hashlib
import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures")
HITS = {}
LOCK = threading.Lock()
TYPES = {".xml": "application/xml", ".json": "application/json"}


def count(key):
    with LOCK:
        HITS[key] = HITS.get(key, 0) + 1


def big_feed(n):
    yield b'<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>big</title>\n'
    for i in range(n):
        yield ("<item><title>\u5927\u91cf\u65b0\u95fb %d</title><guid>big-%d</guid>"
               "<link>http://example.org/big/%d</link>"
               "<pubDate>Mon, 28 Feb 2022 08:%02d:%02d +0800</pubDate>"
               "<description>&lt;p&gt;\u7b2c %d \u6761\u65b0\u95fb\u7684\u6b63\u6587\u3002&lt;/p&gt;</description></item>\n"
               % (i, i, i, (i // 60) % 60, i % 60, i)).encode()
    yield b"</channel></rss>\n"


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def send(self, status, body=b"", ctype="application/xml", headers=()):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def fixture(self, name):
        path = os.path.normpath(os.path.join(FIXTURES, name))
        if not path.startswith(FIXTURES + os.sep) or not os.path.isfile(path):
            return None
        with open(path, "rb") as f:
            return f.read()

    def do_GET(self):
        url = urlparse(self.path)
        q = parse_qs(url.query)
        parts = url.path.split("/", 2)
        kind = parts[1] if len(parts) > 1 else ""
        name = parts[2] if len(parts) > 2 else ""
        count(url.path)
        if kind == "hits":
            return self.send(200, json.dumps(HITS).encode(), "application/json")
        if kind == "status":
            return self.send(int(name))
        if kind == "stall":
            time.sleep(30)
            return
        if kind == "big":
            size = 50 * 1024 * 1024
            chunk = b"<!-- " + b"x" * 65526 + b" -->\n"
            self.send_response(200)
            self.send_header("Content-Type", "application/xml")
            if q.get("length", ["1"])[0] == "1":
                self.send_header("Content-Length", str(size))
            else:
                self.send_header("Connection", "close")
            self.end_headers()
            try:
                for _ in range(size // len(chunk)):
                    self.wfile.write(chunk)
            except (BrokenPipeError, ConnectionResetError):
                pass
            self.close_connection = True
            return
        if kind == "bigfeed":
            body = b"".join(big_feed(int(q.get("n", ["1000"])[0])))
            return self.send(200, body)
        if kind == "redirect":
            return self.send(302, headers=[("Location", "/f/" + name)])
        if kind == "api" and name == "text":
            texts = json.loads(self.fixture("api_text.json"))
            item = q.get("id", [""])[0]
            if item not in texts:
                return self.send(404, b"{}", "application/json")
            return self.send(200, json.dumps({"content": texts[item]}).encode(), "application/json")
        body = self.fixture(name) if kind in ("f", "gbk", "gbk-header") else None
        if body is None:
            return self.send(404, b"not found", "text/plain")
        ctype = TYPES.get(os.path.splitext(name)[1], "application/octet-stream")
        if kind == "gbk":
            body = body.decode().replace('encoding="UTF-8"', 'encoding="GBK"').encode("gbk")
        elif kind == "gbk-header":
            body = body.decode().replace(' encoding="UTF-8"', "").encode("gbk")
            ctype += "; charset=GBK"
        etag = '"%s"' % hashlib.sha1(body).hexdigest()[:16]
        if self.headers.get("If-None-Match") == etag:
            count("304")
            return self.send(304, headers=[("ETag", etag)])
        self.send(200, body, ctype, [("ETag", etag),
                                     ("Last-Modified", "Mon, 28 Feb 2022 00:00:00 GMT")])


def main():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    print("PORT %d" % server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
