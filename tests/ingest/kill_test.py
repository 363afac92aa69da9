#!/usr/bin/env python3
"""Kills `gazette ingest` with SIGKILL while it writes thousands of posts
from a big local feed, several times at different moments, then lets it
finish. Asserts: every item present exactly once, every post complete, no
temporary file left.

usage: kill_test.py GAZETTE [ITEMS]
"""
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
INGEST = [sys.argv[1], "ingest"]
ITEMS = int(sys.argv[2]) if len(sys.argv) > 2 else 3000
passed = failed = 0


def check(cond, what):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print("FAIL: " + what, file=sys.stderr)


def post_files(posts):
    return [n for n in os.listdir(posts) if n.endswith(".md")] if os.path.isdir(posts) else []


def complete(path):
    with open(path, "rb") as f:
        text = f.read().decode()
    m = re.search(r"^source_id: \"(big-\d+)\"$", text, re.M)
    return m.group(1) if m and text.endswith("条新闻的正文。</p>\n") else None


def main():
    srv = subprocess.Popen([sys.executable, os.path.join(HERE, "server.py")], stdout=subprocess.PIPE, text=True)
    port = int(srv.stdout.readline().split()[1])
    site = tempfile.mkdtemp(prefix="gazette-kill-")
    posts = os.path.join(site, "_posts")
    with open(os.path.join(site, "sources.yml"), "w") as f:
        f.write("timezone: Asia/Shanghai\nsources:\n  - name: big\n    type: rss\n"
                "    url: http://127.0.0.1:%d/bigfeed?n=%d\n    max_size: 64MiB\n" % (port, ITEMS))
    try:
        kills = 0
        for target in (ITEMS // 10, ITEMS // 3, ITEMS * 2 // 3):
            p = subprocess.Popen([*INGEST, "--site", site, "--quiet"], stderr=subprocess.DEVNULL)
            deadline = time.monotonic() + 60
            while len(post_files(posts)) < target and p.poll() is None and time.monotonic() < deadline:
                time.sleep(0.005)
            if p.poll() is None:
                p.send_signal(signal.SIGKILL)
                kills += 1
            p.wait()
            # Whatever is on disk now is whole.
            for name in post_files(posts):
                check(complete(os.path.join(posts, name)) is not None, "partial post %s after SIGKILL" % name)
        check(kills >= 2, "the ingest was killed mid-run %d times" % kills)
        p = subprocess.run([*INGEST, "--site", site], capture_output=True, text=True, timeout=120)
        check(p.returncode == 0, "final run: exit status %d\n%s" % (p.returncode, p.stderr))
        names = post_files(posts)
        ids = [complete(os.path.join(posts, n)) for n in names]
        check(len(names) == ITEMS, "%d posts, want %d" % (len(names), ITEMS))
        check(sorted(ids) == sorted("big-%d" % i for i in range(ITEMS)), "every item exactly once")
        leftovers = [n for n in os.listdir(posts) if not n.endswith(".md")]
        check(leftovers == [], "temporary files left: %s" % leftovers[:5])
        p = subprocess.run([*INGEST, "--site", site], capture_output=True, text=True, timeout=120)
        check(" 0 new, 0 updated" in p.stderr, "another run writes nothing: %s" % p.stderr)
    finally:
        srv.kill()
        srv.wait()
        if failed == 0:
            shutil.rmtree(site, ignore_errors=True)
        else:
            print("site kept in " + site, file=sys.stderr)
    print("ingest-kill: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
