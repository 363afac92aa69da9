#!/usr/bin/env python3
"""The scenarios of issue 4, end to end: `gazette ingest` against the local
server (server.py, started here on 127.0.0.1 at a free port). Each scenario
asserts the exit status, the summary counts, the posts written byte for
byte against tests/ingest/expected/<scenario>/ (hand-checked files), and
reads every post's front matter back with libyaml.

usage: run_scenarios.py GAZETTE_INGEST INGEST_FRONTMATTER [--update]
  --update rewrites the expected files from this run (then check them by hand)
"""
import filecmp
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
EXPECTED = os.path.join(HERE, "expected")
GAZETTE, FRONTMATTER = sys.argv[1], sys.argv[2]
INGEST = [GAZETTE, "ingest"]
UPDATE = "--update" in sys.argv
passed = failed = 0


def check(cond, what):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print("FAIL: " + what, file=sys.stderr)


class Server:
    def __init__(self):
        self.proc = subprocess.Popen([sys.executable, os.path.join(HERE, "server.py")],
                                     stdout=subprocess.PIPE, text=True)
        self.port = int(self.proc.stdout.readline().split()[1])

    def hits(self):
        with urllib.request.urlopen("http://127.0.0.1:%d/hits" % self.port) as r:
            return json.load(r)

    def stop(self):
        self.proc.kill()
        self.proc.wait()


SUMMARY = re.compile(r"ingest: sources (\d+) ok, (\d+) failed; items (\d+) seen, (\d+) new, "
                     r"(\d+) updated, (\d+) unchanged, (\d+) duplicates, (\d+) skipped")
KEYS = ("ok", "failed", "seen", "new", "updated", "unchanged", "duplicates", "skipped")


class Site:
    def __init__(self, root, name, config, port):
        self.name = name
        self.dir = os.path.join(root, name)
        os.makedirs(self.dir)
        self.configure(config, port)

    def configure(self, config, port):
        with open(os.path.join(self.dir, "sources.yml"), "w") as f:
            f.write(config.replace("{port}", str(port)))

    def run(self, *args, timeout=60):
        p = subprocess.run([*INGEST, "--site", self.dir, *args], capture_output=True, text=True,
                           timeout=timeout)
        m = SUMMARY.search(p.stderr)
        self.stderr = p.stderr
        self.summary = dict(zip(KEYS, map(int, m.groups()))) if m else None
        return p.returncode

    def expect(self, what, rc, want_rc, **counts):
        check(rc == want_rc, "%s: exit status %d, want %d\n%s" % (what, rc, want_rc, self.stderr))
        if counts:
            got = {k: self.summary[k] for k in counts} if self.summary else None
            check(got == counts, "%s: summary %s, want %s\n%s" % (what, got, counts, self.stderr))

    def posts(self):
        d = os.path.join(self.dir, "_posts")
        return sorted(os.listdir(d)) if os.path.isdir(d) else []

    def compare(self, expected, subdir="_posts"):
        """The files of subdir, byte for byte, against expected/<expected>/."""
        got_dir = os.path.join(self.dir, subdir)
        want_dir = os.path.join(EXPECTED, expected)
        if UPDATE:
            shutil.rmtree(want_dir, ignore_errors=True)
            shutil.copytree(got_dir, want_dir)
        got = sorted(os.listdir(got_dir)) if os.path.isdir(got_dir) else []
        want = sorted(os.listdir(want_dir)) if os.path.isdir(want_dir) else []
        check(got == want, "%s: files %s, want %s" % (expected, got, want))
        for name in set(got) & set(want):
            same = filecmp.cmp(os.path.join(got_dir, name), os.path.join(want_dir, name), shallow=False)
            check(same, "%s/%s differs from the expected file" % (expected, name))

    def front_matter(self):
        files = [os.path.join(self.dir, "_posts", n) for n in self.posts()]
        if not files:
            return []
        out = subprocess.run([FRONTMATTER, *files], capture_output=True, text=True, check=True).stdout
        posts = [json.loads(line) for line in out.splitlines()]
        for p in posts:
            check(p["ok"], "%s: front matter is not valid YAML" % p["file"])
            for key in ("layout", "title", "date", "categories", "tags", "source", "source_id"):
                check(key in p, "%s: no %s in front matter" % (p["file"], key))
        return posts


def scenario_rss(root, srv):
    config = """timezone: Asia/Shanghai
category_page: category/{slug}.html
footer: |
  <{link}>

  [返回{tag}](//finews.withounder.com/category/{slug}.html)｜[返回首页](//finews.withounder.com/)
sources:
  - name: 株洲日报
    type: rss
    url: http://127.0.0.1:{port}/f/zz.xml
"""
    s = Site(root, "rss", config, srv.port)
    s.expect("rss", s.run(), 0, ok=1, failed=0, seen=4, new=2, skipped=2)
    check("source '株洲日报' item 3: date 'not a date at all' is not a date; skipped" in s.stderr,
          "rss: located reason for the bad date\n" + s.stderr)
    check("source '株洲日报' item 4: no title; skipped" in s.stderr, "rss: located reason for no title")
    s.compare("rss")
    s.compare("rss-category", "category")
    s.front_matter()

    # Conditional GET: the server answers 304 and nothing is read.
    before = srv.hits().get("304", 0)
    s.expect("rss again", s.run(), 0, ok=1, seen=0, new=0)
    check(srv.hits().get("304", 0) == before + 1, "rss again: no conditional GET")
    s.compare("rss")

    # The feed changes: a new title is written in place; a body cut to a
    # fraction is refused with a warning.
    v2 = config.replace("/f/zz.xml", "/f/zz_v2.xml")
    s.configure(v2, srv.port)
    s.expect("rss v2", s.run(), 0, seen=2, new=0, updated=1, skipped=1)
    check("not updating 2022-02-28-httpwwwzzrbexample2html.md: the body would shrink" in s.stderr,
          "rss v2: warning for the shrunk body\n" + s.stderr)
    s.compare("rss-updated")

    # The state is only a cache: deleted, it is rebuilt from the posts.
    shutil.rmtree(os.path.join(s.dir, ".gazette"))
    s.expect("rss v2 without state", s.run(), 0, seen=2, new=0, updated=0, unchanged=1, skipped=1)
    s.compare("rss-updated")
    shutil.rmtree(os.path.join(s.dir, ".gazette"))
    s.configure(config, srv.port)
    s.expect("rss v1 without state", s.run(), 0, seen=4, new=0, updated=1, skipped=2)


def scenario_atom(root, srv):
    s = Site(root, "atom", """sources:
  - name: Example Wire
    type: atom
    url: http://127.0.0.1:{port}/f/atom.xml
    tag: wire
""", srv.port)
    s.expect("atom", s.run(), 0, ok=1, seen=2, new=2)
    s.compare("atom")
    s.front_matter()


def scenario_jsonfeed(root, srv):
    s = Site(root, "jsonfeed", """timezone: Europe/London
layout: article
sources:
  - name: JSON Wire
    type: jsonfeed
    url: http://127.0.0.1:{port}/redirect/feed.json
""", srv.port)
    s.expect("jsonfeed", s.run(), 0, ok=1, seen=3, new=2, skipped=1)
    check("source 'JSON Wire' item 3: no id; skipped" in s.stderr, "jsonfeed: reason for no id")
    s.compare("jsonfeed")
    s.front_matter()


def scenario_json_api(root, srv):
    s = Site(root, "json-api", """timezone: Asia/Shanghai
footer: |
  <{link}>

  [返回{tag}](//finews.withounder.com/{slug}/)｜[返回首页](//finews.withounder.com/)
sources:
  - name: 东财滚动新闻
    type: json
    url: http://127.0.0.1:{port}/f/api_list.json
    items: /records
    fields:
      id: /infoCode
      title: /title
      date: /showtime
      body: /digest
      link: /url_w
      source: /from
    date_timezone: Asia/Shanghai
    detail:
      url: http://127.0.0.1:{port}/api/text?id={id}
      body: /content
    slug: emnews
    headers: {User-Agent: gazette-test}
    timeout: 5s
""", srv.port)
    s.expect("json api", s.run(), 0, ok=1, seen=5, new=3, skipped=2)
    check("source '东财滚动新闻' item 3: no title (/title); skipped" in s.stderr,
          "json api: reason for the missing title\n" + s.stderr)
    check("item 4: detail" in s.stderr and "HTTP status 404" in s.stderr,
          "json api: reason for the failed detail\n" + s.stderr)
    s.compare("json-api")
    cats = {p["categories"]: p["tags"] for p in s.front_matter()}
    check(cats == {"zhuzhouribao": "株洲日报新闻", "21shijijingjibaodao": "21世纪经济报道新闻",
                   "emnews": "东财滚动新闻新闻"}, "json api: categories and tags %s" % cats)
    # The item whose detail failed is tried again: no validators were kept.
    s.expect("json api again", s.run(), 0, seen=5, new=0, unchanged=3, skipped=2)


def scenario_gbk(root, srv):
    for kind in ("gbk", "gbk-header"):
        s = Site(root, kind, """timezone: Asia/Shanghai
sources:
  - name: 湖南日报
    type: rss
    url: http://127.0.0.1:{port}/%s/gbk.xml
""" % kind, srv.port)
        s.expect(kind, s.run(), 0, ok=1, seen=1, new=1)
        s.compare("gbk")


def scenario_hostile(root, srv):
    s = Site(root, "hostile", """timezone: Asia/Shanghai
sources:
  - name: "Hostile: #1"
    type: rss
    url: http://127.0.0.1:{port}/f/hostile.xml
""", srv.port)
    s.expect("hostile", s.run(), 0, ok=1, seen=24, new=24)
    s.compare("hostile")
    with open(os.path.join(HERE, "fixtures", "hostile-titles.json")) as f:
        want = json.load(f)
    got = {os.path.basename(p["file"]): p["title"] for p in s.front_matter()}
    for name, title in want.items():
        check(got.get(name) == title, "hostile: %s title %r, want %r" % (name, got.get(name), title))


def scenario_duplicates(root, srv):
    s = Site(root, "duplicates", """timezone: Asia/Shanghai
sources:
  - name: 甲报
    type: rss
    url: http://127.0.0.1:{port}/f/dup_a.xml
  - name: 乙报
    type: rss
    url: http://127.0.0.1:{port}/f/dup_b.xml
""", srv.port)
    s.expect("duplicates", s.run(), 0, ok=2, seen=6, new=3, duplicates=3)
    s.compare("duplicates")
    s.front_matter()


def scenario_failures(root, srv):
    s = Site(root, "failures", """timezone: Asia/Shanghai
sources:
  - name: good
    type: atom
    url: http://127.0.0.1:{port}/f/atom.xml
  - name: malformed
    type: rss
    url: http://127.0.0.1:{port}/f/malformed.xml
  - name: missing items
    type: json
    url: http://127.0.0.1:{port}/f/api_missing.json
    items: /records
    fields: {id: /id, title: /title, date: /date}
  - name: error 500
    type: rss
    url: http://127.0.0.1:{port}/status/500
    retries: 2
  - name: stall
    type: rss
    url: http://127.0.0.1:{port}/stall
    timeout: 1s
    retries: 1
  - name: huge
    type: rss
    url: http://127.0.0.1:{port}/big?length=1
  - name: huge unannounced
    type: rss
    url: http://127.0.0.1:{port}/big?length=0
  - name: missing
    type: rss
    url: http://127.0.0.1:{port}/f/nothing.xml
""", srv.port)
    start = time.monotonic()
    rc = s.run()
    took = time.monotonic() - start
    s.expect("failures", rc, 2, ok=1, failed=7, seen=2, new=2)
    check(took < 8, "failures: took %.1f s" % took)
    err = s.stderr
    for needle in ("source 'malformed' failed: http://127.0.0.1:%d/f/malformed.xml: line 3 column" % srv.port,
                   "source 'missing items' failed: ", "items: nothing at /records",
                   "source 'error 500' failed: ", "HTTP status 500 (3 attempts)",
                   "source 'stall' failed: ", "timed out after 1000 ms (2 attempts)",
                   "source 'huge' failed: ", "response larger than 16777216 bytes",
                   "source 'huge unannounced' failed: ",
                   "source 'missing' failed: ", "HTTP status 404"):
        check(needle in err, "failures: %r not in stderr\n%s" % (needle, err))
    hits = srv.hits()
    check(hits.get("/status/500") == 3, "failures: 500 tried %s times, want 3" % hits.get("/status/500"))
    check(hits.get("/stall") == 2, "failures: stall tried %s times, want 2" % hits.get("/stall"))
    check(hits.get("/f/nothing.xml") == 1, "failures: 404 is not retried")
    s.compare("failures")


def scenario_config(root, srv):
    s = Site(root, "config", "sources:\n  - name: x\n    type: rss\n    url: [unclosed\n", srv.port)
    s.expect("config syntax", s.run(), 1)
    check(re.search(r"sources\.yml:\d+:\d+: ", s.stderr) is not None, "config syntax: file:line\n" + s.stderr)
    s.configure("""timezone: Mars/Olympus
sources:
  - name: a
    type: rss
    url: http://127.0.0.1:{port}/f/zz.xml
  - name: b
    type: xml
    url: ftp://example.org/
    colour: blue
  - type: json
    url: http://127.0.0.1:{port}/f/api_list.json
    fields: {id: infoCode}
""", srv.port)
    s.expect("config invalid", s.run(), 1)
    for needle in ("sources.yml:1: timezone: unknown time zone 'Mars/Olympus'",
                   "sources.yml:7: source 'b': type 'xml' is not one of rss, atom, jsonfeed, json",
                   "sources.yml:8: source 'b': url 'ftp://example.org/' is not an http or https URL",
                   "sources.yml:9: unknown setting 'colour'",
                   "sources.yml:10: source 3: missing name",
                   "source 3: a json source needs items:",
                   "fields: missing title", "fields: id: 'infoCode' is not a JSON Pointer"):
        check(needle in s.stderr, "config invalid: %r not in stderr\n%s" % (needle, s.stderr))
    check(not os.path.exists(os.path.join(s.dir, "_posts")), "config invalid: nothing ran")
    s.expect("no config", subprocess.run([*INGEST, "--site", os.path.join(root, "nowhere")],
                                         capture_output=True).returncode, 1)


def scenario_cli(root, srv):
    s = Site(root, "cli", """sources:
  - name: JSON Wire
    type: jsonfeed
    url: http://127.0.0.1:{port}/f/feed.json
""", srv.port)
    # --build: a pass that wrote posts builds the site; each post gets its page.
    os.makedirs(os.path.join(s.dir, "_layouts"))
    with open(os.path.join(s.dir, "_layouts", "post.html"), "w") as f:
        f.write("<h1>{{ page.title }}</h1>\n{{ content }}")
    s.expect("--build", s.run("--build"), 0, new=2)
    pages = [os.path.join(d, n) for d, _, names in os.walk(os.path.join(s.dir, "_site"))
             for n in names if n.endswith(".html")]
    check(len(pages) == 2, "--build: pages %s" % pages)
    titles = sorted(p["title"] for p in s.front_matter())
    built = sorted(open(p, encoding="utf-8").read().split("</h1>")[0][len("<h1>"):] for p in pages)
    check(built == titles, "--build: page titles %s, want %s" % (built, titles))
    for n in s.posts():
        os.remove(os.path.join(s.dir, "_posts", n))
    shutil.rmtree(os.path.join(s.dir, ".gazette"))
    shutil.rmtree(os.path.join(s.dir, "_site"))
    s.expect("--every bad", s.run("--every", "soon"), 1)
    # --every polls until SIGTERM, then exits cleanly.
    p = subprocess.Popen([*INGEST, "--site", s.dir, "--every", "1s"], stderr=subprocess.PIPE, text=True)
    first = p.stderr.readline()
    while first and not first.startswith("ingest: "):
        first = p.stderr.readline()
    check(first.startswith("ingest: sources 1 ok"), "--every: first pass summary %r" % first)
    second = p.stderr.readline()
    while second and not second.startswith("ingest: "):
        second = p.stderr.readline()
    check("0 new" in second, "--every: second pass %r" % second)
    p.send_signal(signal.SIGTERM)
    try:
        rc = p.wait(timeout=5)
    except subprocess.TimeoutExpired:
        p.kill()
        rc = -1
    check(rc == 0, "--every: exit status %d after SIGTERM" % rc)
    check(len(s.posts()) == 2, "--every: posts %s" % s.posts())


def main():
    srv = Server()
    root = tempfile.mkdtemp(prefix="gazette-ingest-")
    try:
        for scenario in (scenario_rss, scenario_atom, scenario_jsonfeed, scenario_json_api,
                         scenario_gbk, scenario_hostile, scenario_duplicates, scenario_failures,
                         scenario_config, scenario_cli):
            scenario(root, srv)
    finally:
        srv.stop()
        if failed == 0:
            shutil.rmtree(root, ignore_errors=True)
        else:
            print("sites kept in " + root, file=sys.stderr)
    print("ingest-scenarios: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
