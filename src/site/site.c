/* The site as a whole: loading (config, time zone, Liquid engine, read,
 * indexes, generated pages) and the list of outputs the build writes. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "site/internal.h"

static gz_str
S(const char *s)
{
    return gz_str_c(s);
}

/* ---- Liquid hooks --------------------------------------------------------- */

static bool
load_include(void *self, gz_str name, gz_buf *source, char **path)
{
    site *s = self;
    /* Never leave the includes directory. */
    if (gz_str_find(name, S(".."), 0) >= 0 || (name.len && name.p[0] == '/'))
        return false;
    gz_buf p = GZ_BUF_INIT;
    const char *dir = site_cfg_str(s, "includes_dir", "_includes");
    gz_buf_printf(&p, "%s/%s/%.*s", s->source, dir, (int)name.len, name.p);
    FILE *f = fopen(p.data, "rb");
    if (!f) {
        gz_buf_free(&p);
        return false;
    }
    char tmp[65536];
    size_t n;
    while ((n = fread(tmp, 1, sizeof tmp, f)) > 0)
        gz_buf_put(source, tmp, n);
    fclose(f);
    gz_buf_clear(&p);
    gz_buf_printf(&p, "%s/%.*s", dir, (int)name.len, name.p);
    *path = gz_buf_detach(&p, NULL);
    return true;
}

static void
hook_markdownify(void *self, gz_str md, gz_buf *html)
{
    site_markdown(self, md, html);
}

/* Site#each_site_file order: pages, static files to write, documents to
 * write; a static file's relative path has a leading "/". */
static bool
hook_link(void *self, gz_str path, gz_buf *url)
{
    site *s = self;
    site_render *r = site_current_render();
    for (size_t i = 0; i < s->npages; i++)
        if (gz_str_eq_c(path, s->pages[i]->relpath)) {
            site_record(r, SITE_DEP_SOURCE, s->pages[i], gz_str_n(NULL, 0));
            gz_buf_puts(url, s->pages[i]->url);
            return true;
        }
    gz_str unslashed = path;
    if (unslashed.len && unslashed.p[0] == '/') {
        unslashed.p++;
        unslashed.len--;
    }
    for (size_t i = 0; i < s->nstatics; i++) {
        site_doc *d = s->statics[i];
        if ((!d->coll || d->coll->output) && gz_str_eq_c(unslashed, d->relpath)) {
            site_record(r, SITE_DEP_SOURCE, d, gz_str_n(NULL, 0));
            gz_buf_puts(url, d->url);
            return true;
        }
    }
    const char *cd = site_cfg_str(s, "collections_dir", "");
    size_t cdl = strlen(cd);
    for (size_t c = 0; c < s->ncolls; c++) {
        if (!s->colls[c]->output)
            continue;
        for (size_t i = 0; i < s->colls[c]->ndocs; i++) {
            const char *rel = s->colls[c]->docs[i]->relpath;
            if (cdl && !strncmp(rel, cd, cdl) && rel[cdl] == '/')
                rel += cdl + 1; /* Document#relative_path leaves collections_dir out */
            if (gz_str_eq_c(path, rel)) {
                site_record(r, SITE_DEP_SOURCE, s->colls[c]->docs[i], gz_str_n(NULL, 0));
                gz_buf_puts(url, s->colls[c]->docs[i]->url);
                return true;
            }
        }
    }
    return false;
}

/* \d+-\d+-\d+- at i: the end of the date (before its '-'), or 0. */
static size_t
date_at(gz_str n, size_t i)
{
    for (int part = 0; part < 3; part++) {
        size_t d = i;
        while (i < n.len && n.p[i] >= '0' && n.p[i] <= '9')
            i++;
        if (i == d || i >= n.len || n.p[i] != '-')
            return 0;
        if (part < 2)
            i++;
    }
    return i;
}

/* `rel` is prefix + date-slug + "." + [^.]+ (the start of a match). */
static bool
post_name_at(const char *rel, gz_str prefix, gz_str date_slug)
{
    gz_str r = gz_str_c(rel);
    if (!gz_str_starts_with(r, prefix))
        return false;
    r.p += prefix.len;
    r.len -= prefix.len;
    return gz_str_starts_with(r, date_slug) && r.len > date_slug.len + 1 &&
           r.p[date_slug.len] == '.' && r.p[date_slug.len + 1] != '.';
}

/* PostComparer: name ^(.+/)*(\d+-\d+-\d+)-(.*)$ matched against each
 * post's relative path as ^_posts/PATH DATE-SLUG\.[^.]+ or
 * ^PATH_posts/?DATE-SLUG\.[^.]+ (the deprecated slug-and-date fallback,
 * which warns in Jekyll, is not taken). */
site_doc *
site_find_post(const site *s, gz_str name)
{
    if (name.len && name.p[0] == '/') {
        name.p++;
        name.len--;
    }
    /* (.+/)* is greedy: the path ends at the last slash a date follows */
    size_t cut = name.len + 1;
    for (size_t i = name.len; i-- > 1;)
        if (name.p[i - 1] == '/' && date_at(name, i)) {
            cut = i;
            break;
        }
    if (cut > name.len) {
        if (!date_at(name, 0))
            return NULL;
        cut = 0;
    }
    gz_str path = gz_str_n(name.p, cut), rest = gz_str_n(name.p + cut, name.len - cut);
    gz_buf a = GZ_BUF_INIT, b = GZ_BUF_INIT;
    gz_buf_puts(&a, "_posts/");
    gz_buf_put_str(&a, path);
    gz_buf_put_str(&b, path);
    gz_buf_puts(&b, "_posts/");
    site_doc *found = NULL;
    for (size_t i = 0; i < s->posts->ndocs && !found; i++) {
        site_doc *d = s->posts->docs[i];
        if (post_name_at(d->relpath, gz_buf_str(&a), rest) ||
            post_name_at(d->relpath, gz_buf_str(&b), rest) ||
            post_name_at(d->relpath, gz_str_n(b.data, b.len - 1), rest))
            found = d;
    }
    gz_buf_free(&a);
    gz_buf_free(&b);
    return found;
}

static bool
hook_post_url(void *self, gz_str name, gz_buf *url)
{
    site_doc *d = site_find_post(self, name);
    /* which post the name finds, and that post's url */
    site_render *r = site_current_render();
    gz_buf q = GZ_BUF_INIT;
    gz_buf_puts(&q, "post_url:");
    gz_buf_put_str(&q, name);
    site_record(r, SITE_DEP_NAMED, NULL, gz_buf_str(&q));
    gz_buf_free(&q);
    if (!d)
        return false;
    site_record(r, SITE_DEP_SOURCE, d, gz_str_n(NULL, 0));
    gz_buf_puts(url, d->url);
    return true;
}

/* include_relative: a regular file below the source. */
static bool
hook_read_source(void *self, gz_str path, gz_buf *source)
{
    site *s = self;
    if (gz_str_find(path, S(".."), 0) >= 0 || (path.len && path.p[0] == '/'))
        return false;
    gz_buf p = GZ_BUF_INIT;
    gz_buf_puts(&p, "file:");
    gz_buf_put_str(&p, path);
    site_record(site_current_render(), SITE_DEP_NAMED, NULL, gz_buf_str(&p));
    gz_buf_clear(&p);
    gz_buf_printf(&p, "%s/%.*s", s->source, (int)path.len, path.p);
    struct stat st;
    FILE *f = stat(p.data, &st) == 0 && S_ISREG(st.st_mode) ? fopen(p.data, "rb") : NULL;
    gz_buf_free(&p);
    if (!f)
        return false;
    char tmp[65536];
    size_t n;
    while ((n = fread(tmp, 1, sizeof tmp, f)) > 0)
        gz_buf_put(source, tmp, n);
    bool ok = !ferror(f);
    fclose(f);
    return ok;
}

/* "now" | date: the output is the clock's, different in every build. */
static void
hook_clock_read(void *self)
{
    (void)self;
    site_record(site_current_render(), SITE_DEP_NAMED, NULL, S("time"));
}

/* ---- loading ----------------------------------------------------------------- */

static const gz_tz *
local_zone(void)
{
    const char *tz = getenv("TZ");
    if (tz && *tz) {
        const gz_tz *z = gz_tz_get(tz[0] == ':' ? tz + 1 : tz);
        if (z)
            return z;
    }
    /* /etc/timezone names the zone on Debian. */
    FILE *f = fopen("/etc/timezone", "r");
    if (f) {
        char name[128] = { 0 };
        if (fgets(name, sizeof name, f)) {
            name[strcspn(name, "\r\n")] = 0;
            fclose(f);
            const gz_tz *z = gz_tz_get(name);
            if (z)
                return z;
        } else
            fclose(f);
    }
    return gz_tz_get("UTC");
}

static bool
in_plugins(const site *s, const char *name)
{
    gz_value p = site_cfg(s, "plugins");
    if (p.type != GZ_ARRAY)
        return false;
    for (size_t i = 0; i < p.u.a->len; i++)
        if (p.u.a->items[i].type == GZ_STRING && !strcmp(p.u.a->items[i].u.s, name))
            return true;
    return false;
}

static void
push_output(site *s, site_doc *d)
{
    if (s->noutputs == s->capoutputs) {
        s->capoutputs = s->capoutputs ? s->capoutputs * 2 : 64;
        s->outputs = gz_xrealloc(s->outputs, s->capoutputs * sizeof *s->outputs);
    }
    s->outputs[s->noutputs++] = d;
}

static void
setup_collections(site *s)
{
    gz_arena *a = s->arena;
    gz_value cv = site_cfg(s, "collections");
    size_t n = cv.type == GZ_HASH ? cv.u.h->len : 0;
    s->colls = gz_arena_calloc(a, n + 1, sizeof *s->colls);
    for (size_t i = 0; i < n; i++) {
        gz_hash_entry *e = &cv.u.h->entries[i];
        site_coll *c = gz_arena_calloc(a, 1, sizeof *c);
        c->label = gz_arena_strndup(a, e->key.p, e->key.len);
        gz_buf rd = GZ_BUF_INIT;
        gz_buf_printf(&rd, "_%s", c->label);
        c->reldir = gz_arena_strndup(a, rd.data, rd.len);
        gz_buf_free(&rd);
        c->meta = e->value.type == GZ_HASH ? e->value.u.h : gz_hash_new(a, 1);
        gz_value *o = gz_hash_get(c->meta, S("output"));
        c->output = o && gz_truthy(*o);
        gz_value *p = gz_hash_get(c->meta, S("permalink"));
        if (p && p->type == GZ_STRING) {
            c->permalink = p->u.s;
        } else {
            /* add_permalink_suffix("/:collection/:path", style) */
            gz_buf t = GZ_BUF_INIT;
            const char *st = s->permalink_style;
            gz_buf_puts(&t, "/:collection/:path");
            if (!strcmp(st, "pretty"))
                gz_buf_putc(&t, '/');
            else if (!strcmp(st, "date") || !strcmp(st, "ordinal") || !strcmp(st, "none"))
                gz_buf_puts(&t, ":output_ext");
            else {
                size_t sl = strlen(st);
                if (sl && st[sl - 1] == '/')
                    gz_buf_putc(&t, '/');
                if (sl >= 11 && !strcmp(st + sl - 11, ":output_ext"))
                    gz_buf_puts(&t, ":output_ext");
            }
            c->permalink = gz_arena_strndup(a, t.data, t.len);
            gz_buf_free(&t);
        }
        if (!strcmp(c->label, "posts"))
            s->posts = c;
        s->colls[s->ncolls++] = c;
    }
}

site *
site_load(const site_options *o, gz_diags *d)
{
    site *s = gz_xcalloc(1, sizeof *s);
    s->source_fd = -1;
    s->load_start_ns = gz_realtime_ns();
    s->arena = gz_arena_new();
    s->valid_until = INT64_MAX;
    pthread_mutex_init(&s->arena_lock, NULL);
    if (!site_config_load(s, o, d)) {
        site_free(s);
        return NULL;
    }
    gz_value tz = site_cfg(s, "timezone");
    s->tz = NULL;
    if (tz.type == GZ_STRING && tz.len) {
        s->tz = gz_tz_get(tz.u.s);
        if (!s->tz) {
            gz_diags_add(d, GZ_ERROR, "_config.yml", 0, 0, "unknown timezone '%s'", tz.u.s);
            site_free(s);
            return NULL;
        }
        /* Jekyll.set_timezone: ENV["TZ"] = timezone, so that every local
         * time of the process (Liquid's date filters) is the site's */
        setenv("TZ", tz.u.s, 1);
        tzset();
    } else
        s->tz = local_zone();
    gz_value t = site_cfg(s, "time");
    if (t.type != GZ_NIL) {
        gz_value ts = t;
        if (!site_parse_date(s, ts, &s->time)) {
            gz_diags_add(d, GZ_ERROR, "_config.yml", 0, 0, "Invalid time in _config.yml.");
            site_free(s);
            return NULL;
        }
    } else if (o->now) {
        gz_time now = { .sec = o->now };
        s->time = gz_time_in_zone(now, s->tz);
    } else {
        s->time = gz_time_now(s->tz);
    }
    s->future = gz_truthy(site_cfg(s, "future"));
    s->show_drafts = gz_truthy(site_cfg(s, "show_drafts"));
    s->unpublished = gz_truthy(site_cfg(s, "unpublished"));
    gz_value lp = site_cfg(s, "limit_posts");
    s->limit_posts = lp.type == GZ_INT ? (long)lp.u.i : 0;
    if (s->limit_posts < 0) {
        gz_diags_add(d, GZ_ERROR, "_config.yml", 0, 0, "limit_posts must be a non-negative number");
        site_free(s);
        return NULL;
    }
    gz_value pl = site_cfg(s, "permalink");
    s->permalink_style = pl.type == GZ_STRING ? pl.u.s : "date";
    s->markdown = site_cfg_str(s, "markdown", "kramdown");
    /* kramdown.syntax_highlighter, else highlighter (KramdownParser#setup) */
    gz_value kd = site_cfg(s, "kramdown");
    gz_value *sh = kd.type == GZ_HASH ? gz_hash_get(kd.u.h, S("syntax_highlighter")) : NULL;
    const char *hl = sh && gz_truthy(*sh) ? (sh->type == GZ_STRING ? sh->u.s : "")
                                          : site_cfg_str(s, "highlighter", "rouge");
    s->rouge = !strcmp(hl, "rouge");
    gz_value cm = site_cfg(s, "commonmark");
    const char *lists[] = { "options", "extensions" };
    for (int k = 0; k < 2; k++) {
        gz_value *l = cm.type == GZ_HASH ? gz_hash_get(cm.u.h, S(lists[k])) : NULL;
        for (size_t i = 0; l && l->type == GZ_ARRAY && i < l->u.a->len; i++)
            if (l->u.a->items[i].type == GZ_STRING) {
                if (k == 0)
                    site_commonmark_option(&s->commonmark, gz_value_str(l->u.a->items[i]));
                else
                    site_commonmark_extension(&s->commonmark, gz_value_str(l->u.a->items[i]));
            }
    }
    gz_value es = site_cfg(s, "excerpt_separator");
    s->excerpt_sep = es.type == GZ_STRING ? es.u.s : "";
    /* markdown_ext: "markdown,mkdown,..." split on commas, stripped */
    const char *me = site_cfg_str(s, "markdown_ext", "markdown,mkdown,mkdn,mkd,md");
    for (const char *p = me; *p && s->nmd_exts < 16;) {
        while (*p == ' ' || *p == ',')
            p++;
        const char *q = p;
        while (*q && *q != ',')
            q++;
        const char *e = q;
        while (e > p && e[-1] == ' ')
            e--;
        if (e > p)
            s->md_exts[s->nmd_exts++] = gz_str_n(p, (size_t)(e - p));
        p = q;
    }
    s->feed = in_plugins(s, "jekyll-feed");
    s->paginate = in_plugins(s, "jekyll-paginate");
    gz_value keep = site_cfg(s, "keep_files");
    if (keep.type == GZ_ARRAY)
        for (size_t i = 0; i < keep.u.a->len && s->nkeep < 64; i++)
            if (keep.u.a->items[i].type == GZ_STRING)
                s->keep[s->nkeep++] = keep.u.a->items[i].u.s;

    gz_value url = site_cfg(s, "url"), base = site_cfg(s, "baseurl");
    s->hooks.url = url.type == GZ_STRING ? gz_value_str(url) : gz_str_n(NULL, 0);
    s->hooks.baseurl = base.type == GZ_STRING ? gz_value_str(base) : gz_str_n(NULL, 0);
    s->hooks.markdownify = hook_markdownify;
    s->hooks.link = hook_link;
    s->hooks.post_url = hook_post_url;
    s->hooks.read_source = hook_read_source;
    s->hooks.clock_read = hook_clock_read;
    s->hooks.includes_dir = site_cfg_str(s, "includes_dir", "_includes");
    s->hooks.highlighter = site_cfg_str(s, "highlighter", "");
    if (s->feed) {
        s->plugin_tags[0] = (liq_custom_tag){ "feed_meta", site_feed_meta, s };
        s->hooks.tags = s->plugin_tags;
        s->hooks.ntags = 1;
    }
    s->hooks.self = s;
    gz_value liq = site_cfg(s, "liquid");
    gz_value *mode = liq.type == GZ_HASH ? gz_hash_get(liq.u.h, S("error_mode")) : NULL;
    liq_options lo = {
        .mode = mode && mode->type == GZ_STRING && !strcmp(mode->u.s, "strict") ? LIQ_STRICT
                                                                                 : LIQ_LAX,
        .loader = { .load = load_include, .self = s },
        .site = &s->hooks,
        .jekyll = true,
    };
    s->liquid = liq_engine_new(&lo);
    /* What every page's render sees the same: a layout's fragment that
     * reads nothing else is rendered once (liquid.h). */
    static const char *const constants[] = { "site", "jekyll", NULL };
    s->memo = liq_memo_new(constants, &site_shared_reads);

    setup_collections(s);
    s->model_fp = site_model_fingerprint(s);
    if (o->snapshot_read)
        s->snapshot = site_snapshot_open(s, o->snapshot_read, d);
    /* A missing source is an empty site, as in Jekyll: nothing is read. */
    s->source_fd = open(s->source, O_PATH | O_DIRECTORY | O_CLOEXEC);
    site_read(s, d);
    if (o->snapshot_write)
        site_snapshot_save(s, o->snapshot_write, d);
    if (s->feed)
        site_feed_add(s);
    site_paginate_add(s, d);
    site_drops_init(s);
    site_paginate_payload(s);

    /* Outputs: pages, static files, then documents of written collections. */
    for (size_t i = 0; i < s->npages; i++)
        push_output(s, s->pages[i]);
    for (size_t i = 0; i < s->nstatics; i++)
        if (!s->statics[i]->coll || s->statics[i]->coll->output)
            push_output(s, s->statics[i]);
    for (size_t c = 0; c < s->ncolls; c++)
        if (s->colls[c]->output)
            for (size_t i = 0; i < s->colls[c]->ndocs; i++)
                push_output(s, s->colls[c]->docs[i]);
    site_sources_init(s);
    return s;
}

void
site_free(site *s)
{
    if (!s)
        return;
    for (site_text *t = atomic_load(&s->texts), *next; t; t = next) {
        next = t->next;
        free(t);
    }
    for (size_t c = 0; c < s->ncolls; c++) {
        free(s->colls[c]->docs);
        free(s->colls[c]->files);
    }
    for (size_t i = 0; i < s->nlayouts; i++)
        if (s->layouts[i].tmpl)
            liq_template_free(s->layouts[i].tmpl);
    liq_memo_free(s->memo); /* refers to the engine's partials */
    if (s->source_fd >= 0)
        close(s->source_fd);
    if (s->liquid)
        liq_engine_free(s->liquid);
    free(s->pages);
    free(s->statics);
    free(s->outputs);
    free(s->sources);
    free(s->source_keys);
    free(s->watched.v);
    for (size_t i = 0; i < s->nreader_arenas; i++)
        gz_arena_free(s->reader_arenas[i]);
    free(s->reader_arenas);
    site_snapshot_close(s->snapshot); /* restored posts' strings point into it */
    pthread_mutex_destroy(&s->arena_lock);
    gz_arena_free(s->arena);
    gz_arena_free(s->scratch);
    free(s);
}

const char *
site_source(const site *s)
{
    return s->source;
}

const char *
site_dest(const site *s)
{
    return s->dest;
}

size_t
site_keep_count(const site *s)
{
    return s->nkeep;
}

const char *
site_keep_at(const site *s, size_t i)
{
    return s->keep[i];
}

size_t
site_output_count(const site *s)
{
    return s->noutputs;
}

site_output
site_output_at(const site *s, size_t i)
{
    site_doc *d = s->outputs[i];
    site_output o = { .dest_rel = d->dest_rel, .what = d->relpath };
    if (d->kind == SITE_STATIC) {
        /* the absolute source path is kept in the arena on first use */
        static _Thread_local char buf[8192];
        snprintf(buf, sizeof buf, "%s/%s", s->source, d->relpath);
        o.static_src = buf;
    }
    return o;
}

size_t
site_document_count(const site *s)
{
    size_t n = 0;
    for (size_t i = 0; i < s->noutputs; i++)
        n += s->outputs[i]->kind != SITE_STATIC;
    return n;
}
