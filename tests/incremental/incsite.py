"""Shared by tests/incremental/run and tests/incremental/kill: the gazette
binary and its options, the test site (bench/build/make-archive plus an
include, a data file and pages that read site.posts with a limit), the
random edits, and tree comparison.

Only the Python 3 standard library is used.
"""

import datetime as dt
import difflib
import hashlib
import os
import re
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
MAKE_ARCHIVE = os.path.join(ROOT, "bench", "build", "make-archive")
DEFAULT_GAZETTE = os.path.join(ROOT, "build", "gazette")
BEIJING = dt.timezone(dt.timedelta(hours=8))
# site.time is pinned by `time:` in _config.yml (Jekyll's own setting), so
# that a reference build a second later writes the same feed.xml; the edits
# sometimes unpin it (see Site.edit_config and reference_time()).
PINNED_TIME = "2030-01-01 00:00:00 +0800"
CACHE_NAME = ".gazette-cache"
SUMMARY = re.compile(r"gazette: (\d+) documents rendered, (\d+) files written, "
                     r"(\d+) unchanged, (\d+) removed in ([\d.]+) s")


class Failure(Exception):
    pass


# ---------------------------------------------------------------------------
# gazette
# ---------------------------------------------------------------------------
class Gazette:
    """The binary, and which of the incremental-build options it has. Until
    --cache/--full exist, every build is a full build and the tests check
    exactly that; they become meaningful without change once the options land."""

    def __init__(self, path):
        self.path = os.path.abspath(path)
        if not os.access(self.path, os.X_OK):
            raise Failure("no gazette binary at %s" % self.path)
        r = subprocess.run([self.path, "build", "--help"], capture_output=True, text=True)
        text = r.stdout + r.stderr
        self.has_full = re.search(r"(^|\s)--full\b", text) is not None
        self.has_cache = re.search(r"(^|\s)--cache\b", text) is not None
        if self.has_full != self.has_cache:
            raise Failure("gazette build --help mentions %s but not %s: the reference build "
                          "cannot be kept away from the incremental cache"
                          % (("--full", "--cache") if self.has_full else ("--cache", "--full")))
        self.incremental = self.has_full

    def describe(self):
        if self.incremental:
            return "gazette build has --full and --cache: builds into inc/ are incremental"
        return ("gazette build has no --full/--cache yet: every build is a full build "
                "(the checks hold today and bite once the cache lands)")

    def build(self, src, dest, cache=None, full=False, configs=None, extra=(), timeout=600):
        """Runs one build; returns (returncode, stderr text, wall seconds)."""
        cmd = [self.path, "build", "-s", src, "-d", dest]
        if configs:
            cmd += ["--config", ",".join(configs)]
        if self.incremental:
            if cache:
                cmd += ["--cache", cache]
            if full:
                cmd.append("--full")
        cmd += list(extra)
        t0 = time.monotonic()
        r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)
        return r.returncode, (r.stdout + r.stderr).decode("utf-8", "replace"), time.monotonic() - t0

    def popen(self, src, dest):
        return subprocess.Popen([self.path, "build", "-s", src, "-d", dest],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def summary(text):
    """(rendered, written, unchanged, removed) from gazette's summary line, or None."""
    m = SUMMARY.search(text)
    return tuple(int(m.group(i)) for i in range(1, 5)) if m else None


def cache_warnings(text):
    """Lines of the build's output that warn about the cache."""
    return [l for l in text.splitlines() if re.search(r"warn", l, re.I) and re.search(r"cache", l, re.I)]


# ---------------------------------------------------------------------------
# trees
# ---------------------------------------------------------------------------
def scan(root):
    """{relative path: kind} of everything under root ('f' file, 'd' folder,
    'l' symlink, 'o' other); root itself is not listed."""
    out = {}

    def walk(abs_dir, rel_dir):
        with os.scandir(abs_dir) as it:
            entries = sorted(it, key=lambda e: e.name)
        for e in entries:
            rel = rel_dir + e.name
            if e.is_symlink():
                out[rel] = "l"
            elif e.is_dir(follow_symlinks=False):
                out[rel] = "d"
                walk(e.path, rel + "/")
            elif e.is_file(follow_symlinks=False):
                out[rel] = "f"
            else:
                out[rel] = "o"

    if os.path.isdir(root):
        walk(root, "")
    return out


def read(path):
    with open(path, "rb") as f:
        return f.read()


def same_content(a, b):
    try:
        if os.lstat(a).st_size != os.lstat(b).st_size:
            return False
        return read(a) == read(b)
    except OSError:
        return False


def compare_trees(a, b):
    """Differences between trees a and b, as a sorted list of (rel, why);
    empty when they hold the same files and folders with the same bytes."""
    ta, tb = scan(a), scan(b)
    diffs = []
    for rel in sorted(set(ta) | set(tb)):
        ka, kb = ta.get(rel), tb.get(rel)
        if ka is None:
            diffs.append((rel, "only in %s" % b))
        elif kb is None:
            diffs.append((rel, "only in %s" % a))
        elif ka != kb:
            diffs.append((rel, "a %s in %s, a %s in %s" % (kind_name(ka), a, kind_name(kb), b)))
        elif ka == "f" and not same_content(os.path.join(a, rel), os.path.join(b, rel)):
            diffs.append((rel, "bytes differ"))
        elif ka == "l" and os.readlink(os.path.join(a, rel)) != os.readlink(os.path.join(b, rel)):
            diffs.append((rel, "symlink targets differ"))
    return diffs


def kind_name(k):
    return {"f": "file", "d": "folder", "l": "symlink", "o": "special file"}[k]


def snapshot_stats(root):
    """{rel: (sha1, inode, mtime_ns)} of the regular files under root."""
    out = {}
    for rel, k in scan(root).items():
        if k == "f":
            p = os.path.join(root, rel)
            st = os.lstat(p)
            out[rel] = (hashlib.sha1(read(p)).hexdigest(), st.st_ino, st.st_mtime_ns)
    return out


def tree_digest(root):
    """One hash of a whole tree (names, kinds, bytes); None if it does not exist."""
    if not os.path.lexists(root):
        return None
    h = hashlib.sha1()
    if not os.path.isdir(root):
        h.update(read(root))
        return h.hexdigest()
    for rel, k in sorted(scan(root).items()):
        h.update(("%s\0%s\0" % (rel, k)).encode())
        if k == "f":
            h.update(read(os.path.join(root, rel)))
    return h.hexdigest()


def _lines(data):
    text = data.decode("utf-8", "replace")
    lines = text.splitlines(keepends=True)
    if lines and max(len(l) for l in lines) > 300:
        # one-line HTML and feeds: one tag a line, so that the diff says something
        lines = text.replace(">", ">\n").splitlines(keepends=True)
    return lines


def short_diff(a_path, b_path, a_label, b_label, max_lines=30, width=200):
    try:
        da = read(a_path)
    except OSError:
        da = b""
    try:
        db = read(b_path)
    except OSError:
        db = b""
    out = []
    for line in difflib.unified_diff(_lines(da), _lines(db), a_label, b_label, n=2):
        line = line.rstrip("\n")
        out.append(line if len(line) <= width else line[:width] + " …")
        if len(out) >= max_lines:
            out.append("    … (diff cut)")
            break
    if not out and da != db:
        out.append("    (differ in bytes that are not text: %d vs %d bytes)" % (len(da), len(db)))
    return "\n".join(out)


def report_diffs(diffs, a, b, limit=5, file=sys.stdout):
    print("  %d differing paths (%s vs %s); the first %d:" % (len(diffs), a, b, min(limit, len(diffs))),
          file=file)
    for rel, why in diffs[:limit]:
        print("  - %s: %s" % (rel, why), file=file)
        if why == "bytes differ" or why.startswith("only in"):
            d = short_diff(os.path.join(a, rel), os.path.join(b, rel), "a/" + rel, "b/" + rel)
            if d:
                print("\n".join("      " + l for l in d.splitlines()), file=file)


def work_root():
    """Where work folders go: $TMPDIR if set, else /dev/shm when it is a
    writable tmpfs (on this project's machines the disk takes seconds to
    delete one built site, which would be most of a test's time), else the
    system's temporary folder."""
    if os.environ.get("TMPDIR"):
        return None
    if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK | os.X_OK):
        return "/dev/shm"
    return None


def rm_rf(path):
    if os.path.islink(path) or os.path.isfile(path):
        os.unlink(path)
    elif os.path.isdir(path):
        shutil.rmtree(path)


# ---------------------------------------------------------------------------
# the site
# ---------------------------------------------------------------------------
FOOTER_OLD = """\
  <footer class="colophon">
    <p>{{ site.description | escape }} · <a href="{{ "/feed.xml" | relative_url }}">订阅 Atom</a></p>
  </footer>
"""

FOOTER_INCLUDE = """\
  <footer class="colophon">
    <p>{{ site.description | escape }} · <a href="{{ "/feed.xml" | relative_url }}">订阅 Atom</a></p>
    {%- if page.layout != "post" %}
    <ul class="wires">
    {%- for wire in site.data.sources %}
      <li><a href="{{ wire.url }}">{{ wire.name | escape }}</a></li>
    {%- endfor %}
    </ul>
    {%- endif %}
    <!-- footer rev 0 -->
  </footer>
"""

LATEST = """\
<section class="latest">
  <h2>最新</h2>
  <ul class="stories">
  {%- for post in site.posts limit: 5 %}
    <li><a href="{{ post.url | relative_url }}">{{ post.title | escape }}</a></li>
  {%- endfor %}
  </ul>
</section>
"""

MORE_PAGE = """\
---
layout: default
title: 更早
---
<p class="count">共 {{ site.posts.size }} 篇</p>
<ul class="stories">
{%- for post in site.posts limit: 10 offset: 5 %}
  <li><time>{{ post.date | date: "%Y-%m-%d" }}</time> <a href="{{ post.url | relative_url }}">{{ post.title | escape }}</a></li>
{%- endfor %}
</ul>
"""

WIRES = [("新华社", "xinhua"), ("中新社", "chinanews"), ("路透", "reuters"), ("彭博", "bloomberg"),
         ("美联社", "ap"), ("法新社", "afp"), ("共同社", "kyodo"), ("塔斯社", "tass"),
         ("财新", "caixin"), ("第一财经", "yicai"), ("澎湃", "thepaper"), ("界面", "jiemian")]
CJK = "新闻经济市场金融发展增长企业投资政策银行证券指数公司数据季度同比环比报告"
EXTRA_WORDS = ["更正", "快讯", "独家", "追踪", "深度", "观察", "速递", "解读"]
PERMALINKS = ["/:categories/:year/:month/:day/:title:output_ext",  # Jekyll's "date": same URLs
              "date", "pretty", "/:categories/:year/:month/:title.html",
              "/:year/:month/:day/:title/", "/archive/:categories/:title:output_ext", "ordinal"]
POST_NAME = re.compile(r"^(\d{4})-(\d{2})-(\d{2})-(.+)\.md$")
FM = re.compile(r"\A---\n(.*?\n)---\n", re.S)


def write_text(path, text, atomic=False):
    d = os.path.dirname(path)
    os.makedirs(d, exist_ok=True)
    data = text.encode("utf-8") if isinstance(text, str) else text
    if atomic:
        tmp = os.path.join(d, ".%s.edit-tmp" % os.path.basename(path))
        with open(tmp, "wb") as f:
            f.write(data)
        os.rename(tmp, path)
    elif os.path.exists(path) and os.path.getsize(path) == len(data):
        with open(path, "r+b") as f:  # no moment at which the file is shorter
            f.write(data)
    else:
        with open(path, "wb") as f:
            f.write(data)


def read_text(path):
    return read(path).decode("utf-8")


def yaml_str(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def replace_once(text, old, new, what):
    if old not in text:
        raise Failure("cannot augment the site: %r not found in %s (has make-archive changed?)"
                      % (old[:60], what))
    return text.replace(old, new, 1)


def make_archive(args):
    r = subprocess.run([sys.executable, MAKE_ARCHIVE, "--quiet"] + args, capture_output=True, text=True)
    if r.returncode:
        raise Failure("make-archive %s failed:\n%s" % (" ".join(args), r.stderr))


class Site:
    """The test site and every edit the tests apply to it. Edits use the
    given random.Random only, so a seed gives the same sequence."""

    def __init__(self, root, work, rng):
        self.root = root
        self.rng = rng
        self.trash = os.path.join(work, "trash")        # deleted posts, for undelete
        self.versions = os.path.join(work, "versions")  # earlier versions of posts, for revert
        os.makedirs(self.trash, exist_ok=True)
        os.makedirs(self.versions, exist_ok=True)
        self.rev = 0
        self.cfg = None
        self.wires = list(WIRES[:5])
        self.extra_pages = 0
        self.racy = False
        self.dest = None  # set by tests/incremental/run: delete_outputs is one of its edits
        self.toggles = {"post_neighbours": False, "post_excerpt": False, "default_count": False,
                        "footer_all": False}

    # -- creation -----------------------------------------------------------
    def create(self, posts, seed):
        make_archive(["--posts", str(posts), "--seed", str(seed), "--out", self.root])
        p = self.path("_layouts/default.html")
        t = read_text(p)
        t = replace_once(t, FOOTER_OLD, "{% include footer.html %}\n", p)
        t = replace_once(t, "  {% feed_meta %}\n", "  {% feed_meta %}\n  <!-- default rev 0 -->\n", p)
        write_text(p, t)
        p = self.path("_layouts/post.html")
        t = read_text(p)
        t = replace_once(t, '<article class="story">\n',
                         '<article class="story">\n  <!-- post rev 0 -->\n', p)
        write_text(p, t)
        p = self.path("_layouts/category.html")
        t = read_text(p)
        write_text(p, replace_once(t, "<h1>", "<!-- category rev 0 -->\n<h1>", p))
        write_text(self.path("_includes/footer.html"), FOOTER_INCLUDE)
        self.write_wires()
        p = self.path("index.html")
        t = read_text(p)
        head, sep, body = t.partition("title: 首页\n---\n")
        if not sep:
            raise Failure("cannot augment the site: index.html has no front matter as expected")
        write_text(p, head + sep + LATEST + body)
        write_text(self.path("more.html"), MORE_PAGE)
        base = read_text(self.path("_config.yml"))
        m_title = re.search(r"^title: (.*)$", base, re.M)
        m_desc = re.search(r"^description: (.*)$", base, re.M)
        if not m_title or not m_desc:
            raise Failure("cannot augment the site: _config.yml has no title/description")
        self.cfg = {"base": base, "title": m_title.group(1), "description": m_desc.group(1),
                    "time": PINNED_TIME, "permalink": None, "feed_limit": None, "comment": None}
        self.write_config()

    def path(self, rel):
        return os.path.join(self.root, rel)

    def write_config(self):
        c = self.cfg
        t = re.sub(r"^title: .*$", lambda m: "title: " + c["title"], c["base"], count=1, flags=re.M)
        t = re.sub(r"^description: .*$", lambda m: "description: " + c["description"], t,
                   count=1, flags=re.M)
        if c["comment"]:
            t += "# %s\n" % c["comment"]
        if c["time"]:
            t += "time: %s\n" % c["time"]
        if c["permalink"]:
            t += "permalink: %s\n" % c["permalink"]
        if c["feed_limit"]:
            t += "feed:\n  posts_limit: %d\n" % c["feed_limit"]
        self.write(self.path("_config.yml"), t)

    def write_wires(self):
        lines = ["# news wires listed in the footer of every page but the posts"]
        for name, slug in self.wires:
            lines.append("- name: %s\n  url: %s" % (yaml_str(name), yaml_str("https://wires.example.org/" + slug)))
        self.write(self.path("_data/sources.yml"), "\n".join(lines) + "\n")

    @property
    def time_pinned(self):
        return bool(self.cfg["time"])

    # -- helpers ------------------------------------------------------------
    def posts(self):
        d = self.path("_posts")
        return sorted(n for n in os.listdir(d) if POST_NAME.match(n))

    def pick_post(self):
        posts = self.posts()
        if not posts:
            return None
        return self.rng.choice(posts)

    def next_rev(self):
        self.rev += 1
        return self.rev

    def same_size_cjk(self, text, start, end):
        """text with one CJK character in [start, end) replaced by another
        (the same number of bytes in UTF-8), or None if there is none."""
        spots = [i for i in range(start, end) if "\u4e00" <= text[i] <= "\u9fff"]
        if not spots:
            return None
        i = self.rng.choice(spots)
        c = self.rng.choice([ch for ch in CJK if ch != text[i]])
        return text[:i] + c + text[i + 1:]

    def write(self, path, text, atomic=False):
        """An edit's write: in place (the same inode; overwritten without
        truncation when the size stays), or to a dot file renamed over it;
        always the latter while a build runs (self.racy), unless the size
        stays, so that the build never reads a half-written file."""
        data = text.encode("utf-8") if isinstance(text, str) else text
        same_size = os.path.exists(path) and os.path.getsize(path) == len(data)
        write_text(path, data, atomic=atomic or (self.racy and not same_size))

    def save_version(self, name):
        shutil.copy2(self.path("_posts/" + name), os.path.join(self.versions, name))

    # -- edits: each returns a description ----------------------------------
    def add_posts(self, n=None):
        n = n or self.rng.randint(1, 50)
        make_archive(["--add", str(n), "--out", self.root])
        return "add %d posts" % n

    def delete_posts(self):
        posts = self.posts()
        n = min(self.rng.randint(1, 20), max(0, len(posts) - 50))
        gone = self.rng.sample(posts, n)
        for name in gone:
            os.rename(self.path("_posts/" + name), os.path.join(self.trash, name))
        return "delete %d posts (%s%s)" % (n, ", ".join(gone[:3]), ", …" if n > 3 else "")

    def undelete_post(self):
        names = sorted(os.listdir(self.trash))
        if not names:
            return self.delete_posts()
        name = self.rng.choice(names)
        src, dst = os.path.join(self.trash, name), self.path("_posts/" + name)
        if self.rng.random() < 0.5:
            shutil.copy2(src, dst)  # a new inode with the old mtime
            os.unlink(src)
            how = "copied back with its old mtime"
        else:
            os.rename(src, dst)     # the same inode and mtime
            how = "renamed back"
        return "undelete %s (%s)" % (name, how)

    def edit_title(self, atomic=False):
        name = self.pick_post()
        p = self.path("_posts/" + name)
        t = read_text(p)
        fm = FM.match(t)
        m = re.compile(r'^title: "(.*)"$', re.M).search(t, 0, fm.end())
        self.save_version(name)
        kind = self.rng.choice(["same-size", "suffix", "other"])
        new = None
        if kind == "same-size":
            new = self.same_size_cjk(t, m.start(1), m.end(1))
            if new is None:
                kind = "suffix"
        if new is None:
            old = m.group(1).replace('\\"', '"').replace("\\\\", "\\")
            if kind == "suffix":
                title = "%s（%s %d）" % (old, self.rng.choice(EXTRA_WORDS), self.next_rev())
            else:
                title = "%s %d" % (self.rng.choice(EXTRA_WORDS), self.next_rev())
            new = t[:m.start(0)] + "title: " + yaml_str(title) + t[m.end(0):]
        self.write(p, new, atomic)
        return "edit the title of %s (%s)" % (name, kind)

    def edit_body(self, atomic=False, kinds=("same-size", "first paragraph", "append", "markdown")):
        name = self.pick_post()
        p = self.path("_posts/" + name)
        t = read_text(p)
        body_at = FM.match(t).end()
        self.save_version(name)
        kind = self.rng.choice(kinds)
        new = None
        if kind == "same-size":
            new = self.same_size_cjk(t, body_at, len(t))
            if new is None:
                kind = "append"
        rev = self.next_rev()
        if kind == "first paragraph":  # a new excerpt
            new = t[:body_at] + "\n%s：第 %d 次更新。\n\n" % (self.rng.choice(EXTRA_WORDS), rev) + t[body_at:]
        elif kind == "append":
            new = t + "\n\n补充说明 %d。" % rev
        elif kind == "markdown":
            new = t + "\n\n## 小结 %d\n\n- 一是 *%s*\n- 二是 **%s**\n" % (
                rev, self.rng.choice(EXTRA_WORDS), self.rng.choice(EXTRA_WORDS))
        self.write(p, new, atomic)
        return "edit the body of %s (%s)" % (name, kind)

    def change_date(self):
        name = self.pick_post()
        m = POST_NAME.match(name)
        p = self.path("_posts/" + name)
        t = read_text(p)
        fm = FM.match(t)
        if self.rng.random() < 0.3:
            # the same day, another time: the order among that day's posts changes
            day = dt.datetime(int(m.group(1)), int(m.group(2)), int(m.group(3)), tzinfo=BEIJING)
            kind = "same day"
        else:
            day = dt.datetime(2025, 6, 30, tzinfo=BEIJING) - dt.timedelta(days=self.rng.randint(0, 729))
            kind = "another day"
        when = day.replace(hour=self.rng.randint(0, 23), minute=self.rng.randint(0, 59),
                           second=self.rng.randint(0, 59))
        new_fm = re.sub(r"^date: .*$", "date: " + when.strftime("%Y-%m-%d %H:%M:%S %z"),
                        fm.group(1), count=1, flags=re.M)
        text = "---\n" + new_fm + "---\n" + t[fm.end():]
        new_name = "%s-%s.md" % (when.strftime("%Y-%m-%d"), m.group(4))
        self.write(self.path("_posts/" + new_name), text)
        if new_name != name:
            os.unlink(p)
        return "move %s to %s (%s)" % (name, when.strftime("%Y-%m-%d %H:%M:%S"), kind)

    def touch_post(self):
        name = self.pick_post()
        p = self.path("_posts/" + name)
        kind = self.rng.choice(["now", "past", "rewrite"])
        if kind == "now":
            os.utime(p)
        elif kind == "past":
            t = self.rng.randint(1_500_000_000, 1_700_000_000) * 10**9 + self.rng.randint(0, 10**9 - 1)
            os.utime(p, ns=(t, t))
        else:
            self.write(p, read(p))
        return "touch %s (%s; no change of content)" % (name, kind)

    def revert_post(self):
        names = [n for n in sorted(os.listdir(self.versions)) if os.path.exists(self.path("_posts/" + n))]
        if not names:
            return self.edit_title()
        name = self.rng.choice(names)
        shutil.copy2(os.path.join(self.versions, name), self.path("_posts/" + name))
        os.unlink(os.path.join(self.versions, name))
        return "revert %s to an earlier version, with that version's mtime" % name

    def edit_layout(self, which=None, kind=None):
        which = which or self.rng.choice(["post", "post", "default", "default", "category"])
        p = self.path("_layouts/%s.html" % which)
        t = read_text(p)
        choices = ["rev"]
        if which == "post":
            choices += ["neighbours", "excerpt"]
        elif which == "default":
            choices += ["count"]
        kind = kind or self.rng.choice(choices)
        if kind == "rev":
            t = re.sub(r"<!-- %s rev \d+ -->" % which, "<!-- %s rev %d -->" % (which, self.next_rev()), t)
            what = "a new revision comment"
        elif kind == "neighbours":
            block = ('  <p class="neighbours">{{ page.previous.date | date: "%F" }} | '
                     '{{ page.next.date | date: "%F" }}</p>\n')
            t = self._toggle(t, "post_neighbours", block, "</article>\n")
            what = "neighbours' dates %s" % ("shown" if self.toggles["post_neighbours"] else "hidden")
        elif kind == "excerpt":
            block = '  <p class="lede">{{ page.excerpt | strip_html | strip | truncate: 40 }}</p>\n'
            t = self._toggle(t, "post_excerpt", block, '  <div class="body">\n')
            what = "excerpt %s" % ("shown" if self.toggles["post_excerpt"] else "hidden")
        else:
            block = '  <p class="total">{{ site.posts.size }} 篇</p>\n'
            t = self._toggle(t, "default_count", block, "  </main>\n")
            what = "site.posts.size %s" % ("shown" if self.toggles["default_count"] else "hidden")
        self.write(p, t)
        return "edit layout %s.html (%s)" % (which, what)

    def _toggle(self, text, key, block, before):
        if self.toggles[key]:
            text = replace_once(text, block, "", key)
        else:
            text = replace_once(text, before, block + before, key)
        self.toggles[key] = not self.toggles[key]
        return text

    def edit_include(self):
        p = self.path("_includes/footer.html")
        t = read_text(p)
        if self.rng.random() < 0.3:
            old, new = '{%- if page.layout != "post" %}', '{%- if true %}'
            if self.toggles["footer_all"]:
                old, new = new, old
            t = replace_once(t, old, new, p)
            self.toggles["footer_all"] = not self.toggles["footer_all"]
            what = "data list on %s" % ("every page" if self.toggles["footer_all"] else "all but posts")
        else:
            t = re.sub(r"<!-- footer rev \d+ -->", "<!-- footer rev %d -->" % self.next_rev(), t)
            what = "a new revision comment"
        self.write(p, t)
        return "edit include footer.html (%s)" % what

    def edit_config(self):
        c = self.cfg
        kind = self.rng.choice(["title", "description", "permalink", "permalink", "time", "time",
                                "feed", "comment"])
        rev = self.next_rev()
        if kind == "title":
            c["title"] = "金融消息 %d" % rev
            what = "title: " + c["title"]
        elif kind == "description":
            c["description"] = "财经与地方新闻滚动归档（第 %d 版）" % rev
            what = "description: " + c["description"]
        elif kind == "permalink":
            c["permalink"] = self.rng.choice([None] + [x for x in PERMALINKS if x != c["permalink"]])
            what = "permalink: %s" % (c["permalink"] or "(removed)")
        elif kind == "time":
            c["time"] = None if c["time"] else PINNED_TIME
            what = "time: %s" % (c["time"] or "(removed: site.time is the build's clock)")
        elif kind == "feed":
            c["feed_limit"] = self.rng.choice([None, 3, 7, 12])
            what = "feed.posts_limit: %s" % (c["feed_limit"] or "(removed)")
        else:
            c["comment"] = "revision %d" % rev
            what = "a comment only"
        self.write_config()
        return "edit _config.yml (%s)" % what

    def edit_data(self):
        kind = self.rng.choice(["add", "remove", "rename", "reorder", "touch"])
        if kind == "add" or (kind == "remove" and len(self.wires) < 2):
            spare = [w for w in WIRES if w not in self.wires]
            if spare:
                self.wires.insert(self.rng.randint(0, len(self.wires)), self.rng.choice(spare))
            kind = "add"
        elif kind == "remove":
            self.wires.pop(self.rng.randrange(len(self.wires)))
        elif kind == "rename":
            i = self.rng.randrange(len(self.wires))
            self.wires[i] = ("%s%d" % (self.wires[i][0], self.next_rev()), self.wires[i][1])
        elif kind == "reorder":
            self.rng.shuffle(self.wires)
        if kind == "touch":
            os.utime(self.path("_data/sources.yml"))
        else:
            self.write_wires()
        return "edit _data/sources.yml (%s)" % kind

    def edit_category_page(self):
        pages = sorted(os.listdir(self.path("category")))
        if self.rng.random() < 0.5 and len(pages) > 2:
            name = self.rng.choice(pages)
            os.unlink(self.path("category/" + name))
            return "remove category page %s" % name
        self.extra_pages += 1
        n = self.extra_pages
        if self.rng.random() < 0.5:
            cat = "nosuch%d" % n  # a category without posts
        else:
            posts = self.posts()
            t = read_text(self.path("_posts/" + self.rng.choice(posts))) if posts else ""
            m = re.search(r"^categories: (.*)$", t, re.M)
            cat = m.group(1) if m else "emnews"
        self.write(self.path("category/extra%d.html" % n),
                   "---\nlayout: category\ntitle: 专题%d\ncategory: %s\n---\n" % (n, cat))
        return "add category page category/extra%d.html (category %s)" % (n, cat)

    def delete_outputs(self):
        """Not an edit of the source: outputs deleted from the destination
        (as one does to force them to be written again). A clean full build
        has them, so the next build must write them back; Jekyll's own
        incremental mode does too."""
        tree = scan(self.dest)
        files = [rel for rel, k in sorted(tree.items()) if k == "f"]
        dirs = [rel for rel, k in sorted(tree.items()) if k == "d"]
        if dirs and self.rng.random() < 0.3:
            d = self.rng.choice(dirs)
            n = sum(1 for rel in files if rel.startswith(d + "/"))
            rm_rf(os.path.join(self.dest, d))
            return "delete the folder %s/ of the destination (%d outputs)" % (d, n)
        gone = self.rng.sample(files, min(len(files), self.rng.randint(1, 5)))
        for rel in gone:
            os.unlink(os.path.join(self.dest, rel))
        return "delete %d outputs from the destination (%s%s)" % (
            len(gone), ", ".join(gone[:3]), ", …" if len(gone) > 3 else "")

    # -- the random step ----------------------------------------------------
    SIMPLE = ["add_posts", "delete_posts", "undelete_post", "edit_title", "edit_body",
              "change_date", "touch_post", "revert_post", "edit_layout", "edit_include",
              "edit_config", "edit_data", "edit_category_page"]

    def random_edit(self):
        kinds = self.SIMPLE + (["delete_outputs"] if self.dest else [])
        return getattr(self, self.rng.choice(kinds))()

    def random_step(self):
        """One step's edits: usually one, sometimes several."""
        if self.rng.random() < 0.12:
            return "; ".join(self.random_edit() for _ in range(self.rng.randint(2, 4)))
        return self.random_edit()


# ---------------------------------------------------------------------------
# site.time when it is not pinned
# ---------------------------------------------------------------------------
UPDATED = re.compile(rb"<updated>(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})([+-]\d{2}):(\d{2})</updated>")


def feed_time(dest):
    """site.time as the build wrote it in feed.xml (the feed's own <updated>)."""
    try:
        data = read(os.path.join(dest, "feed.xml"))
    except OSError:
        return None
    m = UPDATED.search(data)
    if not m:
        return None
    s = b"%s %s %s%s" % (m.group(1), m.group(2), m.group(3), m.group(4))
    return dt.datetime.strptime(s.decode(), "%Y-%m-%d %H:%M:%S %z")
