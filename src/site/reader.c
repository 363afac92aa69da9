/* Reading a Jekyll source tree: the entry filter (exclude/include,
 * leading . _ # ~, backups), directories in order, _posts and _drafts in
 * every directory, collections, layouts and _data. Nothing here renders. */
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/json.h"
#include "site/internal.h"

/* ---- small dynamic lists ------------------------------------------------ */

/* Entry names, with what readdir said each one is (d_type; DT_UNKNOWN
 * when it did not say), so that most entries need no stat to tell a
 * folder from a file: a million posts, a million stats fewer. */
typedef struct names {
    char **v;
    unsigned char *type;
    size_t n, cap;
} names;

/* Adds s, which the list takes (to free). */
static void
names_take(names *l, char *s, unsigned char type)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 16;
        l->v = gz_xrealloc(l->v, l->cap * sizeof *l->v);
        l->type = gz_xrealloc(l->type, l->cap * sizeof *l->type);
    }
    l->type[l->n] = type;
    l->v[l->n++] = s;
}

static void
names_push(names *l, const char *s)
{
    names_take(l, gz_xstrndup(s, strlen(s)), DT_UNKNOWN);
}

static void
names_free(names *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
    free(l->type);
    *l = (names){ 0 };
}

static void
push_doc(site_doc ***v, size_t *n, size_t *cap, site_doc *d)
{
    if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 64;
        *v = gz_xrealloc(*v, *cap * sizeof **v);
    }
    (*v)[(*n)++] = d;
}

/* ---- paths ---------------------------------------------------------------- */

static void
join(gz_buf *b, const char *a, const char *c)
{
    gz_buf_clear(b);
    gz_buf_puts(b, a);
    if (*a && *c && a[strlen(a) - 1] != '/' && *c != '/')
        gz_buf_putc(b, '/');
    gz_buf_puts(b, c);
}

static bool is_dir(const char *p);

/* Whether entry i (at path p) is a folder: from d_type when readdir knew,
 * else (and for links, which a folder may hide behind) by stat. */
static bool
entry_is_dir(const names *l, size_t i, const char *p)
{
    if (l->type[i] == DT_DIR)
        return true;
    if (l->type[i] == DT_REG)
        return false;
    return is_dir(p);
}

static bool
is_dir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

bool
site_has_yaml_header(const char *abspath)
{
    FILE *f = fopen(abspath, "rb");
    if (!f)
        return false;
    char line[512];
    bool yes = false;
    if (fgets(line, sizeof line, f)) {
        char *p = line;
        if (!memcmp(p, "\xEF\xBB\xBF", 3))
            p += 3;
        if (!strncmp(p, "---", 3)) {
            p += 3;
            /* \A---\s*\r?\n on the first line */
            while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\f' || *p == '\v')
                p++;
            yes = *p == '\n';
        }
    }
    fclose(f);
    return yes;
}

/* ---- the entry filter ------------------------------------------------------- */

/* Each string of `list` joined to the source: once per load, not once per
 * entry tested. */
static site_globs
compile_globs(site *s, gz_value list)
{
    site_globs g = { 0 };
    if (list.type != GZ_ARRAY)
        return g;
    g.v = gz_arena_calloc(s->arena, list.u.a->len + 1, sizeof *g.v);
    gz_buf p = GZ_BUF_INIT;
    for (size_t i = 0; i < list.u.a->len; i++) {
        gz_value v = list.u.a->items[i];
        if (v.type != GZ_STRING)
            continue;
        join(&p, s->source, v.u.s);
        g.v[g.n++] = (site_glob){ gz_arena_strndup(s->arena, p.data, p.len), p.len,
                                  strpbrk(p.data, "*?[\\") == NULL };
    }
    gz_buf_free(&p);
    return g;
}

/* glob_include?: fnmatch without FNM_PATHNAME, or a plain prefix, or a
 * directory named with a trailing slash. Paths are relative here. A
 * pattern without wildcards matches only what it is a prefix of, so
 * fnmatch is skipped for it. */
static bool
glob_include(site *s, const site_globs *g, const char *rel)
{
    if (!g->n)
        return false;
    gz_buf e = GZ_BUF_INIT;
    join(&e, s->source, rel);
    int dir = -1; /* looked up only for a pattern ending in '/' */
    bool hit = false;
    for (size_t i = 0; i < g->n && !hit; i++) {
        const site_glob *p = &g->v[i];
        hit = (p->len <= e.len && !memcmp(e.data, p->path, p->len)) ||
              (!p->literal && fnmatch(p->path, e.data, 0) == 0);
        if (!hit && p->len == e.len + 1 && p->path[e.len] == '/' &&
            !memcmp(p->path, e.data, e.len)) {
            if (dir < 0)
                dir = is_dir(e.data);
            hit = dir;
        }
    }
    gz_buf_free(&e);
    return hit;
}

static gz_value
exclude_minus_include(site *s)
{
    gz_value ex = site_cfg(s, "exclude"), in = site_cfg(s, "include");
    if (ex.type != GZ_ARRAY)
        return gz_nil();
    gz_array *out = gz_array_new(s->arena, ex.u.a->len);
    for (size_t i = 0; i < ex.u.a->len; i++) {
        bool drop = false;
        if (in.type == GZ_ARRAY)
            for (size_t j = 0; j < in.u.a->len && !drop; j++)
                drop = gz_value_equal(ex.u.a->items[i], in.u.a->items[j]);
        if (!drop)
            gz_array_push(s->arena, out, ex.u.a->items[i]);
    }
    return gz_array_value(out);
}

static bool
special(const char *name)
{
    return name[0] == '.' || name[0] == '_' || name[0] == '#' || name[0] == '~';
}

/* EntryFilter#filter for one entry. `base` is the entry's directory
 * relative to the source ("" at the top); `entry` may contain slashes. */
static bool
keep_entry(site *s, const char *base, const char *entry)
{
    size_t n = strlen(entry);
    if (n && entry[n - 1] == '.')
        return false;
    const char *bn = strrchr(entry, '/');
    bn = bn ? bn + 1 : entry;
    bool included = glob_include(s, &s->include_globs, entry) ||
                    glob_include(s, &s->include_globs, bn);
    gz_buf rel = GZ_BUF_INIT;
    join(&rel, base, entry);
    bool excluded = glob_include(s, &s->exclude_globs, rel.data);
    gz_buf_free(&rel);
    if (excluded && !included)
        return false;
    if (included)
        return true;
    return !(special(entry) || special(bn) || entry[n - 1] == '~');
}

static void
watch_open(site *s, const char *path, FILE *f)
{
    struct stat st;
    if (fstat(fileno(f), &st) == 0)
        site_watch(s, path, &st, NULL, 0);
}

typedef struct typed {
    char *name;
    unsigned char type;
} typed;

static int
cmp_typed(const void *a, const void *b)
{
    return strcmp(((const typed *)a)->name, ((const typed *)b)->name);
}

/* The folder's entries, sorted; the folder is watched (site_watch). */
static void
list_dir(site *s, const char *abs, names *out)
{
    struct stat st;
    if (stat(abs, &st) != 0)
        return;
    DIR *d = opendir(abs);
    if (!d)
        return;
    typed *all = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            all = gz_xrealloc(all, cap * sizeof *all);
        }
        all[n++] = (typed){ gz_xstrndup(e->d_name, strlen(e->d_name)), e->d_type };
    }
    closedir(d);
    if (n > 1)
        qsort(all, n, sizeof *all, cmp_typed);
    for (size_t i = 0; i < n; i++)
        names_take(out, all[i].name, all[i].type);
    free(all);
    site_watch(s, abs, &st, out->v, out->n);
}

/* Dir["**" "/ *"] below abs (no dot files unless dotmatch), relative names, files
 * and directories, depth-first in sorted order. */
static void
walk_all(site *s, const char *abs, const char *prefix, bool dotmatch, names *out, int depth)
{
    if (depth > 64)
        return;
    names here = { 0 };
    list_dir(s, abs, &here);
    gz_buf p = GZ_BUF_INIT, r = GZ_BUF_INIT;
    for (size_t i = 0; i < here.n; i++) {
        if (!dotmatch && here.v[i][0] == '.')
            continue;
        join(&p, abs, here.v[i]);
        bool dir = entry_is_dir(&here, i, p.data);
        /* the type is known now, either way; a name at the top is its own relative name */
        char *rel = here.v[i];
        if (*prefix) {
            join(&r, prefix, here.v[i]);
            rel = gz_xstrndup(r.data, r.len);
        } else
            here.v[i] = NULL;
        names_take(out, rel, dir ? DT_DIR : DT_REG);
        if (dir)
            walk_all(s, p.data, rel, dotmatch, out, depth + 1);
    }
    gz_buf_free(&p);
    gz_buf_free(&r);
    names_free(&here);
}

/* ---- posts, pages, statics -------------------------------------------------- */

static bool
publishable(site *s, site_doc *doc)
{
    gz_value *pub = gz_hash_get(doc->data, gz_str_c("published"));
    if (pub && !gz_truthy(*pub) && !s->unpublished)
        return false;
    if (doc->kind == SITE_POST || doc->kind == SITE_DOC)
        if (!s->future && doc->date.sec > s->time.sec) {
            if (doc->date.sec < s->valid_until)
                s->valid_until = doc->date.sec;
            return false;
        }
    return true;
}

static bool
date_name(const char *entry)
{
    /* DATE_FILENAME_MATCHER on the entry: some segment starts with a date. */
    const char *seg = entry;
    for (;;) {
        const char *p = seg;
        int a = 0, b = 0, c = 0;
        while (p[a] >= '0' && p[a] <= '9')
            a++;
        if (a >= 2 && a <= 4 && p[a] == '-') {
            p += a + 1;
            while (p[b] >= '0' && p[b] <= '9')
                b++;
            if (b >= 1 && b <= 2 && p[b] == '-') {
                p += b + 1;
                while (p[c] >= '0' && p[c] <= '9')
                    c++;
                if (c >= 1 && c <= 2 && p[c] == '-') {
                    const char *rest = p + c + 1;
                    const char *dot = strrchr(rest, '.');
                    if (!strchr(rest, '/') && dot && dot[1])
                        return true;
                }
            }
        }
        const char *nx = strchr(seg, '/');
        if (!nx)
            return false;
        seg = nx + 1;
    }
}

/* ---- reading posts on several threads --------------------------------------- */

static _Thread_local site_reader *current_reader;

site_reader *
site_current_reader(void)
{
    return current_reader;
}

gz_arena *
site_arena(site *s)
{
    return current_reader ? current_reader->arena : s->arena;
}

gz_arena *
site_scratch(site *s)
{
    if (current_reader)
        return current_reader->scratch;
    if (!s->scratch)
        s->scratch = gz_arena_new();
    return s->scratch;
}

typedef struct post_batch {
    site *site;
    const char *dir;
    bool drafts;
    char **rels;
    site_doc **docs;
    size_t n;
    _Atomic size_t next;
} post_batch;

typedef struct post_reader {
    post_batch *batch;
    site_reader reader;
    gz_diags diags;
    pthread_t thread;
    bool running;
} post_reader;

/* The post at rel as the last load's snapshot has it, if its file has
 * not changed since. */
static site_doc *
from_snapshot(site *s, const char *rel, const char *dir)
{
    if (!s->snapshot)
        return NULL;
    struct stat st; /* relative to the source: two path components, not ten */
    if (fstatat(s->source_fd, rel, &st, 0) != 0)
        return NULL;
    site_doc *doc = site_snapshot_restore(s, rel, dir, &st);
    if (doc)
        site_watch_file(s, doc->relpath, &st);
    return doc;
}

static void *
read_posts(void *arg)
{
    post_reader *pr = arg;
    post_batch *b = pr->batch;
    current_reader = &pr->reader;
    for (;;) {
        size_t i = atomic_fetch_add(&b->next, 1);
        if (i >= b->n)
            break;
        b->docs[i] = b->drafts ? NULL : from_snapshot(b->site, b->rels[i], b->dir);
        if (b->docs[i])
            continue;
        size_t warnings = pr->diags.len;
        b->docs[i] = site_doc_read(b->site, SITE_POST, b->site->posts, b->rels[i], b->dir,
                                   b->drafts, &pr->diags);
        if (b->docs[i] && pr->diags.len > warnings)
            b->docs[i]->no_snapshot = true; /* so that the next load warns again */
    }
    current_reader = NULL;
    return NULL;
}

/* Reads the posts at rels on up to one thread per core: reading (YAML,
 * dates, URLs) is most of a site's load. Each thread keeps its own arena,
 * given to the site, and its own diagnostics and watch list, merged here;
 * the documents come back in the order of rels. */
static void
read_post_files(site *s, const char *dir, bool drafts, char **rels, size_t n, gz_diags *d)
{
    post_batch b = { .site = s, .dir = dir, .drafts = drafts, .rels = rels, .n = n };
    b.docs = gz_xcalloc(n + 1, sizeof *b.docs);
    atomic_init(&b.next, 0);
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    int nt = n < 512 ? 1 : cores < 1 ? 1 : cores > 8 ? 8 : (int)cores;
    post_reader *prs = gz_xcalloc((size_t)nt, sizeof *prs);
    s->reader_arenas = gz_xrealloc(s->reader_arenas,
                                   (s->nreader_arenas + (size_t)nt) * sizeof *s->reader_arenas);
    for (int k = 0; k < nt; k++) {
        prs[k].batch = &b;
        prs[k].reader.arena = gz_arena_new();
        prs[k].reader.scratch = gz_arena_new();
        s->reader_arenas[s->nreader_arenas++] = prs[k].reader.arena;
        if (k > 0)
            prs[k].running = pthread_create(&prs[k].thread, NULL, read_posts, &prs[k]) == 0;
    }
    read_posts(&prs[0]); /* and whatever threads could not be started leave */
    for (int k = 1; k < nt; k++)
        if (prs[k].running)
            pthread_join(prs[k].thread, NULL);
    for (int k = 0; k < nt; k++) {
        for (size_t i = 0; i < prs[k].diags.len; i++) {
            gz_diag *x = &prs[k].diags.items[i];
            gz_diags_add(d, x->severity, x->file, x->line, x->column, "%s", x->message);
        }
        gz_diags_free(&prs[k].diags);
        for (size_t i = 0; i < prs[k].reader.watched.n; i++)
            site_watched_push(&s->watched, prs[k].reader.watched.v[i]);
        free(prs[k].reader.watched.v);
        gz_arena_free(prs[k].reader.scratch);
    }
    for (size_t i = 0; i < n; i++)
        if (b.docs[i] && publishable(s, b.docs[i]))
            push_doc(&s->posts->docs, &s->posts->ndocs, &s->posts->capdocs, b.docs[i]);
    free(prs);
    free(b.docs);
}

static void
read_publishable(site *s, const char *dir, const char *magic, bool drafts, gz_diags *d)
{
    gz_buf base = GZ_BUF_INIT, relbase = GZ_BUF_INIT, rel = GZ_BUF_INIT;
    join(&relbase, dir, magic);
    join(&base, s->source, relbase.data);
    if (!is_dir(base.data))
        goto done;
    names all = { 0 }, rels = { 0 };
    walk_all(s, base.data, "", false, &all, 0);
    for (size_t i = 0; i < all.n; i++) {
        const char *e = all.v[i];
        if (!keep_entry(s, relbase.data, e))
            continue;
        if (all.type[i] == DT_DIR) /* walk_all knows each entry's type */
            continue;
        if (drafts) {
            const char *dot = strrchr(e, '.');
            const char *sl = strrchr(e, '/');
            if (!dot || (sl && dot < sl) || !dot[1])
                continue;
        } else if (!date_name(e))
            continue;
        join(&rel, relbase.data, e);
        names_push(&rels, rel.data);
    }
    read_post_files(s, dir, drafts, rels.v, rels.n, d);
    names_free(&rels);
    names_free(&all);
done:
    gz_buf_free(&base);
    gz_buf_free(&relbase);
    gz_buf_free(&rel);
}

static void
read_directories(site *s, const char *dir, gz_diags *d, int depth)
{
    if (depth > 64)
        return;
    gz_buf base = GZ_BUF_INIT, p = GZ_BUF_INIT, rel = GZ_BUF_INIT;
    join(&base, s->source, dir);
    names entries = { 0 }, dirs = { 0 }, pages = { 0 }, statics = { 0 };
    list_dir(s, base.data, &entries);
    for (size_t i = 0; i < entries.n; i++) {
        if (!keep_entry(s, dir, entries.v[i]))
            continue;
        join(&p, base.data, entries.v[i]);
        if (entry_is_dir(&entries, i, p.data))
            names_push(&dirs, entries.v[i]);
        else if (site_has_yaml_header(p.data))
            names_push(&pages, entries.v[i]);
        else
            names_push(&statics, entries.v[i]);
    }
    /* retrieve_posts */
    const char *cd = site_cfg_str(s, "collections_dir", "");
    if (!*cd || gz_str_starts_with(gz_str_c(dir), gz_str_c(cd))) {
        read_publishable(s, dir, "_posts", false, d);
        if (s->show_drafts)
            read_publishable(s, dir, "_drafts", true, d);
    }
    for (size_t i = 0; i < dirs.n; i++) {
        join(&p, base.data, dirs.v[i]);
        if (!strcmp(p.data, s->dest))
            continue;
        join(&rel, dir, dirs.v[i]);
        char *r = gz_xstrndup(rel.data, rel.len);
        read_directories(s, r, d, depth + 1);
        free(r);
    }
    for (size_t i = 0; i < pages.n; i++) {
        join(&rel, dir, pages.v[i]);
        site_doc *doc = site_doc_read(s, SITE_PAGE, NULL, rel.data, dir, false, d);
        if (doc && publishable(s, doc))
            push_doc(&s->pages, &s->npages, &s->cappages, doc);
    }
    for (size_t i = 0; i < statics.n; i++) {
        join(&rel, dir, statics.v[i]);
        site_doc *doc = site_doc_read(s, SITE_STATIC, NULL, rel.data, dir, false, d);
        if (doc)
            push_doc(&s->statics, &s->nstatics, &s->capstatics, doc);
    }
    names_free(&entries);
    names_free(&dirs);
    names_free(&pages);
    names_free(&statics);
    gz_buf_free(&base);
    gz_buf_free(&p);
    gz_buf_free(&rel);
}

/* ---- collections other than posts -------------------------------------------- */

static void
read_collection(site *s, site_coll *c, gz_diags *d)
{
    gz_buf base = GZ_BUF_INIT, p = GZ_BUF_INIT, rel = GZ_BUF_INIT;
    const char *cd = site_cfg_str(s, "collections_dir", "");
    gz_buf reldir = GZ_BUF_INIT;
    join(&reldir, cd, c->reldir);
    join(&base, s->source, reldir.data);
    if (!is_dir(base.data))
        goto done;
    names all = { 0 };
    walk_all(s, base.data, "", true, &all, 0);
    for (size_t i = 0; i < all.n; i++) {
        if (!keep_entry(s, reldir.data, all.v[i]))
            continue;
        join(&p, base.data, all.v[i]);
        if (entry_is_dir(&all, i, p.data))
            continue;
        join(&rel, reldir.data, all.v[i]);
        if (site_has_yaml_header(p.data)) {
            site_doc *doc = site_doc_read(s, SITE_DOC, c, rel.data, "", false, d);
            if (doc && publishable(s, doc))
                push_doc(&c->docs, &c->ndocs, &c->capdocs, doc);
        } else {
            site_doc *doc = site_doc_read(s, SITE_STATIC, NULL, rel.data, "", false, d);
            if (doc) {
                doc->coll = c;
                push_doc(&c->files, &c->nfiles, &c->capfiles, doc);
            }
        }
    }
    names_free(&all);
done:
    gz_buf_free(&base);
    gz_buf_free(&p);
    gz_buf_free(&rel);
    gz_buf_free(&reldir);
}

/* ---- layouts ------------------------------------------------------------------- */

static void
read_layouts(site *s, gz_diags *d)
{
    gz_buf base = GZ_BUF_INIT, p = GZ_BUF_INIT, rel = GZ_BUF_INIT, text = GZ_BUF_INIT;
    const char *ld = site_cfg_str(s, "layouts_dir", "_layouts");
    join(&base, s->source, ld);
    names all = { 0 };
    if (is_dir(base.data))
        walk_all(s, base.data, "", false, &all, 0);
    s->layouts = gz_arena_calloc(s->arena, all.n + 1, sizeof *s->layouts);
    for (size_t i = 0; i < all.n; i++) {
        const char *e = all.v[i];
        const char *sl = strrchr(e, '/');
        if (!strchr(sl ? sl : e, '.') || !keep_entry(s, "", e))
            continue;
        join(&p, base.data, e);
        if (entry_is_dir(&all, i, p.data))
            continue;
        /* name: file.split(".")[0..-2].join(".") */
        const char *dot = strrchr(e, '.');
        gz_str name = gz_str_n(e, (size_t)(dot - e));
        join(&rel, ld, e);
        gz_buf_clear(&text);
        FILE *f = fopen(p.data, "rb");
        if (!f) {
            gz_diags_add(d, GZ_ERROR, rel.data, 0, 0, "could not read file: %s", strerror(errno));
            continue;
        }
        watch_open(s, p.data, f);
        char tmp[65536];
        size_t n;
        while ((n = fread(tmp, 1, sizeof tmp, f)) > 0)
            gz_buf_put(&text, tmp, n);
        fclose(f);
        site_layout *L = NULL;
        for (size_t k = 0; k < s->nlayouts; k++)
            if (gz_str_eq_c(name, s->layouts[k].name))
                L = &s->layouts[k];
        if (!L)
            L = &s->layouts[s->nlayouts++];
        memset(L, 0, sizeof *L);
        L->name = gz_arena_strndup(s->arena, name.p, name.len);
        L->relpath = gz_arena_strndup(s->arena, rel.data, rel.len);
        L->data = gz_hash_new(s->arena, 2);
        gz_str all_text = gz_buf_str(&text), yaml;
        size_t off = 0;
        int line = 1;
        if (site_front_split(all_text, &yaml, &off, &line)) {
            gz_value v;
            char *copy = gz_arena_strndup(s->arena, yaml.p, yaml.len);
            if (site_yaml(s->arena, gz_str_n(copy, yaml.len), L->relpath, s->tz, &v, d) &&
                v.type == GZ_HASH)
                L->data = v.u.h;
        } else {
            off = 0;
        }
        L->body_line = line;
        gz_value *parent = gz_hash_get(L->data, gz_str_c("layout"));
        if (parent && parent->type == GZ_STRING)
            L->parent = parent->u.s;
        gz_str body = gz_str_n(all_text.p + off, all_text.len - off);
        L->tmpl = liq_parse(s->liquid, body, L->relpath, d);
    }
    names_free(&all);
    gz_buf_free(&base);
    gz_buf_free(&p);
    gz_buf_free(&rel);
    gz_buf_free(&text);
}

/* ---- _data ----------------------------------------------------------------------- */

static void
sanitize_filename(gz_buf *out, const char *name)
{
    /* gsub(/[^\w\s-]+|.../, "").gsub(/\s+/, "_"), approximately: drop
     * characters that are not word characters, spaces or '-'; spaces to _. */
    bool in_space = false;
    for (const char *p = name; *p; p++) {
        unsigned char c = (unsigned char)*p;
        bool word = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                    (c >= '0' && c <= '9') || c == '_';
        if (c == ' ' || c == '\t' || c == '\n') {
            if (!in_space)
                gz_buf_putc(out, '_');
            in_space = true;
            continue;
        }
        in_space = false;
        if (word || c == '-')
            gz_buf_putc(out, (char)c);
    }
}

static gz_value
read_csv(site *s, gz_str text, char sep)
{
    /* CSV.read(headers: true).map(&:to_hash): rows of header => field. */
    gz_arena *a = s->arena;
    gz_array *rows = gz_array_new(a, 8);
    gz_array *header = NULL;
    size_t i = 0;
    while (i < text.len) {
        gz_array *fields = gz_array_new(a, 8);
        for (;;) {
            gz_buf f = GZ_BUF_INIT;
            bool quoted = false;
            if (i < text.len && text.p[i] == '"') {
                quoted = true;
                i++;
                while (i < text.len) {
                    if (text.p[i] == '"') {
                        if (i + 1 < text.len && text.p[i + 1] == '"') {
                            gz_buf_putc(&f, '"');
                            i += 2;
                            continue;
                        }
                        i++;
                        break;
                    }
                    gz_buf_putc(&f, text.p[i++]);
                }
            }
            while (i < text.len && text.p[i] != sep && text.p[i] != '\n' && text.p[i] != '\r')
                gz_buf_putc(&f, text.p[i++]);
            gz_value v = (f.len || quoted) ? gz_string_from_buf(a, &f) : gz_nil();
            gz_array_push(a, fields, v);
            gz_buf_free(&f);
            if (i < text.len && text.p[i] == sep) {
                i++;
                continue;
            }
            if (i < text.len && text.p[i] == '\r')
                i++;
            if (i < text.len && text.p[i] == '\n')
                i++;
            break;
        }
        if (!header) {
            header = fields;
            continue;
        }
        gz_hash *row = gz_hash_new(a, header->len);
        for (size_t k = 0; k < header->len; k++) {
            gz_value key = header->items[k];
            gz_str ks = key.type == GZ_STRING ? gz_value_str(key) : gz_str_n("", 0);
            if (!gz_hash_get(row, ks))
                gz_hash_set(a, row, ks, k < fields->len ? fields->items[k] : gz_nil());
        }
        gz_array_push(a, rows, gz_hash_value(row));
    }
    return gz_array_value(rows);
}

static void
read_data_dir(site *s, const char *abs, const char *rel, gz_hash *into, gz_diags *d, int depth)
{
    if (depth > 32)
        return;
    names entries = { 0 };
    list_dir(s, abs, &entries);
    gz_buf p = GZ_BUF_INIT, key = GZ_BUF_INIT, r = GZ_BUF_INIT, text = GZ_BUF_INIT;
    /* Files with data extensions first, then directories (Jekyll's order). */
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < entries.n; i++) {
            const char *e = entries.v[i];
            if (e[0] == '.')
                continue;
            join(&p, abs, e);
            join(&r, rel, e);
            bool dir = entry_is_dir(&entries, i, p.data);
            gz_buf_clear(&key);
            if (pass == 1 && dir) {
                sanitize_filename(&key, e);
                gz_hash *sub = gz_hash_new(s->arena, 4);
                char *kk = gz_arena_strndup(s->arena, key.data ? key.data : "", key.len);
                gz_hash_set(s->arena, into, gz_str_n(kk, key.len), gz_hash_value(sub));
                read_data_dir(s, p.data, r.data, sub, d, depth + 1);
                continue;
            }
            if (pass == 1 || dir)
                continue;
            const char *dot = strrchr(e, '.');
            if (!dot)
                continue;
            char ext[8] = { 0 };
            for (int k = 0; k < 7 && dot[k + 1]; k++)
                ext[k] = (char)((dot[k + 1] >= 'A' && dot[k + 1] <= 'Z') ? dot[k + 1] + 32 : dot[k + 1]);
            bool yaml = !strcmp(ext, "yml") || !strcmp(ext, "yaml");
            bool json = !strcmp(ext, "json"), csv = !strcmp(ext, "csv"), tsv = !strcmp(ext, "tsv");
            /* Dir["*.{yaml,yml,json,csv,tsv}"] is case-sensitive */
            if (!(!strcmp(dot + 1, "yml") || !strcmp(dot + 1, "yaml") || !strcmp(dot + 1, "json") ||
                  !strcmp(dot + 1, "csv") || !strcmp(dot + 1, "tsv")))
                continue;
            gz_buf bn = GZ_BUF_INIT;
            gz_buf_put(&bn, e, (size_t)(dot - e));
            sanitize_filename(&key, bn.data);
            gz_buf_free(&bn);
            gz_buf_clear(&text);
            FILE *f = fopen(p.data, "rb");
            if (!f) {
                gz_diags_add(d, GZ_ERROR, r.data, 0, 0, "could not read file: %s", strerror(errno));
                continue;
            }
            watch_open(s, p.data, f);
            char tmp[65536];
            size_t n;
            while ((n = fread(tmp, 1, sizeof tmp, f)) > 0)
                gz_buf_put(&text, tmp, n);
            fclose(f);
            char *copy = gz_arena_strndup(s->arena, text.data ? text.data : "", text.len);
            gz_str t = gz_str_n(copy, text.len);
            gz_value v = gz_nil();
            if (csv || tsv) {
                v = read_csv(s, t, csv ? ',' : '\t');
            } else if (json && !yaml) {
                /* JSON is YAML to Psych; the JSON reader gives the same values. */
                gz_buf err = GZ_BUF_INIT;
                if (!gz_json_parse(s->arena, t, &v, &err))
                    site_yaml(s->arena, t, r.data, s->tz, &v, d);
                gz_buf_free(&err);
            } else {
                site_yaml(s->arena, t, r.data, s->tz, &v, d);
            }
            char *k = gz_arena_strndup(s->arena, key.data ? key.data : "", key.len);
            gz_hash_set(s->arena, into, gz_str_n(k, key.len), v);
        }
    }
    names_free(&entries);
    gz_buf_free(&p);
    gz_buf_free(&key);
    gz_buf_free(&r);
    gz_buf_free(&text);
}

/* ---- sorting ----------------------------------------------------------------------- */

static int
cmp_doc_date(const void *a, const void *b)
{
    const site_doc *x = *(site_doc *const *)a, *y = *(site_doc *const *)b;
    if (x->date.sec != y->date.sec)
        return x->date.sec < y->date.sec ? -1 : 1;
    if (x->date.nsec != y->date.nsec)
        return x->date.nsec < y->date.nsec ? -1 : 1;
    return strcmp(x->relpath, y->relpath);
}

static int
cmp_page_name(const void *a, const void *b)
{
    const site_doc *x = *(site_doc *const *)a, *y = *(site_doc *const *)b;
    int c = strcmp(x->name, y->name);
    return c ? c : strcmp(x->relpath, y->relpath);
}

static int
cmp_relpath(const void *a, const void *b)
{
    const site_doc *x = *(site_doc *const *)a, *y = *(site_doc *const *)b;
    return strcmp(x->relpath, y->relpath);
}

/* qsort, which must not be given a NULL array even when empty. */
static void
sort_docs(site_doc **v, size_t n, int (*cmp)(const void *, const void *))
{
    if (n > 1)
        qsort(v, n, sizeof *v, cmp);
}

bool
site_read(site *s, gz_diags *d)
{
    s->include_globs = compile_globs(s, site_cfg(s, "include"));
    s->exclude_globs = compile_globs(s, exclude_minus_include(s));
    read_layouts(s, d);
    read_directories(s, "", d, 0);
    /* read_included_excludes: included files at the top that the walk skipped */
    sort_docs(s->posts->docs, s->posts->ndocs, cmp_doc_date);
    sort_docs(s->pages, s->npages, cmp_page_name);
    for (size_t i = 0; i < s->ncolls; i++) {
        site_coll *c = s->colls[i];
        if (c == s->posts)
            continue;
        read_collection(s, c, d);
        sort_docs(c->docs, c->ndocs, cmp_doc_date);
        for (size_t k = 0; k < c->nfiles; k++)
            push_doc(&s->statics, &s->nstatics, &s->capstatics, c->files[k]);
    }
    sort_docs(s->statics, s->nstatics, cmp_relpath);
    /* limit_posts keeps the newest N */
    if (s->limit_posts > 0 && (size_t)s->limit_posts < s->posts->ndocs) {
        size_t drop = s->posts->ndocs - (size_t)s->limit_posts;
        memmove(s->posts->docs, s->posts->docs + drop, (size_t)s->limit_posts * sizeof *s->posts->docs);
        s->posts->ndocs = (size_t)s->limit_posts;
    }
    for (size_t i = 0; i < s->ncolls; i++)
        for (size_t k = 0; k < s->colls[i]->ndocs; k++)
            s->colls[i]->docs[k]->index = k;

    gz_hash *data = gz_hash_new(s->arena, 8);
    gz_buf base = GZ_BUF_INIT;
    join(&base, s->source, site_cfg_str(s, "data_dir", "_data"));
    if (is_dir(base.data))
        read_data_dir(s, base.data, site_cfg_str(s, "data_dir", "_data"), data, d, 0);
    gz_buf_free(&base);
    s->data = gz_hash_value(data);
    return d->errors == 0;
}
