/* One ingest pass: fetch every source at once, turn each item into a post
 * or recognise it as seen, fetch the full text of new items of sources
 * that have a detail endpoint, then commit what was written. Files are
 * written (and synced) before the state that remembers them, so a pass
 * killed at any instant loses nothing: a post on disk that the state does
 * not know is adopted by the next pass. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/json.h"
#include "core/time.h"
#include "ingest/internal.h"

typedef struct source_run {
    const ingest_source *src;
    ingest_fetch fetch;
    char *etag, *modified; /* validators from the state (heap) */
    bool failed;
    bool deferred; /* an item waits for a later pass: keep the old validators */
    ingest_items items;
} source_run;

/* A new item of a source with a detail endpoint, waiting for its body. */
typedef struct pending {
    source_run *run;
    const ingest_item *item;
    ingest_post post;
} pending;

typedef struct pass {
    const ingest_config *cfg;
    const ingest_options *opt;
    ingest_summary *sum;
    ingest_state *st;
    gz_arena *a;
    gz_hash *written; /* "source\x1Fid" of posts written this pass */
    gz_hash *pages;   /* category pages ensured this pass */
    ingest_writer *writer;
    pending *pend;
    size_t npend, cappend;
} pass;

static void
warn(pass *P, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
warn(pass *P, const char *fmt, ...)
{
    if (P->opt->quiet)
        return;
    va_list ap;
    va_start(ap, fmt);
    fputs("gazette: ingest: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

static const char *
cstr(pass *P, gz_str s)
{
    return gz_arena_strndup(P->a, s.p ? s.p : "", s.len);
}

/* A title on one logical line of text: control characters other than
 * newline and tab dropped, CRLF made LF. */
static gz_str
clean_title(pass *P, gz_str t)
{
    char *out = gz_arena_alloc(P->a, t.len + 1);
    size_t n = 0;
    for (size_t i = 0; i < t.len; i++) {
        unsigned char c = (unsigned char)t.p[i];
        if (c >= 0x20 || c == '\n' || c == '\t')
            out[n++] = (char)c;
    }
    out[n] = '\0';
    return ingest_trim(gz_str_n(out, n));
}

static bool
looks_like_html(gz_str s)
{
    for (size_t i = 0; i + 1 < s.len; i++)
        if (s.p[i] == '<' && ((s.p[i + 1] | 0x20) >= 'a' && (s.p[i + 1] | 0x20) <= 'z'))
            return true;
        else if (s.p[i] == '<' && (s.p[i + 1] == '/' || s.p[i + 1] == '!'))
            return true;
    return false;
}

static gz_str
clean_body(pass *P, gz_str body, bool is_text)
{
    gz_buf b = GZ_BUF_INIT;
    gz_str trimmed = ingest_trim(body);
    if (is_text || !looks_like_html(trimmed))
        ingest_text_to_html(&b, trimmed);
    else
        ingest_clean_html(&b, trimmed);
    gz_str r = gz_str_n(gz_arena_strndup(P->a, b.data ? b.data : "", b.len), b.len);
    gz_buf_free(&b);
    return r;
}

static gz_str
seen_key(pass *P, const ingest_post *p)
{
    gz_buf k = GZ_BUF_INIT;
    gz_buf_printf(&k, "%.*s\x1F%.*s", (int)p->source.len, p->source.p, (int)p->source_id.len,
                  p->source_id.p);
    gz_str r = gz_str_n(gz_arena_strndup(P->a, k.data, k.len), k.len);
    gz_buf_free(&k);
    return r;
}

/* Creates the category page of a slug when configured and missing. */
static void
ensure_category_page(pass *P, const ingest_post *p)
{
    if (!P->cfg->category_page || gz_hash_get(P->pages, p->slug))
        return;
    gz_hash_set(P->a, P->pages, p->slug, gz_bool(true));
    gz_buf rel = GZ_BUF_INIT, path = GZ_BUF_INIT, page = GZ_BUF_INIT, err = GZ_BUF_INIT;
    ingest_post slug_only = { .slug = p->slug };
    ingest_footer_render(&rel, P->cfg->category_page, &slug_only);
    gz_buf_printf(&path, "%s/%s", P->cfg->site_dir, rel.data);
    struct stat sb;
    if (stat(path.data, &sb) != 0) {
        /* make the folders on the way */
        for (char *s = path.data + strlen(P->cfg->site_dir) + 1; *s; s++)
            if (*s == '/') {
                *s = '\0';
                mkdir(path.data, 0755);
                *s = '/';
            }
        char *slash = strrchr(path.data, '/');
        *slash = '\0';
        ingest_page_render(&page, p->tag, p->slug);
        if (!ingest_write_file(path.data, slash + 1, gz_buf_str(&page), &err))
            warn(P, "category page: %s", err.data);
    }
    gz_buf_free(&rel);
    gz_buf_free(&path);
    gz_buf_free(&page);
    gz_buf_free(&err);
}

/* Writes a post to posts_dir/name and records it. */
static bool
write_post(pass *P, const ingest_post *p, const char *name, bool is_new)
{
    gz_buf text = GZ_BUF_INIT, err = GZ_BUF_INIT;
    ingest_post_render(&text, p, P->cfg->footer);
    bool ok = ingest_writer_add(P->writer, name, is_new, gz_buf_str(&text), &err);
    if (ok) {
        ingest_record r;
        ingest_record_fill(&r, p, name);
        ingest_state_put(P->st, &r);
        ingest_record_release(&r);
        gz_hash_set(P->a, P->written, seen_key(P, p), gz_bool(true));
    } else {
        warn(P, "%s", err.data);
    }
    gz_buf_free(&text);
    gz_buf_free(&err);
    return ok;
}

/* An item already in the archive: rewritten in place when its title or
 * body changed, unless the body would shrink to nothing or by half. */
static void
update_post(pass *P, const ingest_source *src, const ingest_item *it, ingest_post *p,
            const ingest_record *prev)
{
    if (ingest_hash(p->title) == prev->title_hash && ingest_hash(p->body) == prev->body_hash) {
        P->sum->unchanged++;
        return;
    }
    if ((p->body.len == 0 && prev->body_len > 0) || (int64_t)p->body.len * 2 < prev->body_len) {
        warn(P, "source '%s' item %zu: not updating %s: the body would shrink from %lld to %zu bytes",
             src->name, it->index + 1, prev->path, (long long)prev->body_len, p->body.len);
        P->sum->skipped++;
        P->sum->skipped_shrunk++;
        return;
    }
    if (prev->date) /* the post keeps its date, and with it its URL */
        p->date = prev->date;
    if (write_post(P, p, prev->path, false))
        P->sum->updated++;
}

/* A new item with its body: written unless the same article is already
 * in the archive under another source. */
static void
add_post(pass *P, source_run *R, const ingest_item *it, ingest_post *p)
{
    const ingest_source *src = R->src;
    ingest_record prev = { 0 };
    if (ingest_state_by_content(P->st, ingest_content_key(p->title, p->body), &prev)) {
        P->sum->duplicates++;
        ingest_record_release(&prev);
        return;
    }
    gz_buf name = GZ_BUF_INIT;
    gz_buf_put(&name, p->date, 10);
    gz_buf_putc(&name, '-');
    ingest_file_id(&name, p->source_id);
    size_t stem = name.len;
    for (int attempt = 0;; attempt++) {
        gz_buf_puts(&name, ".md");
        gz_buf path = GZ_BUF_INIT;
        gz_buf_printf(&path, "%s/%s", P->cfg->posts_dir, name.data);
        struct stat sb;
        if (ingest_writer_pending(P->writer, name.data)) {
            /* another item of this pass took the name */
            gz_buf_free(&path);
            if (attempt > 0) {
                P->sum->skipped++;
                P->sum->skipped_conflict++;
                gz_buf_free(&name);
                return;
            }
            gz_buf_truncate(&name, stem);
            gz_buf_putc(&name, '-');
            ingest_hex_hash(&name, p->source, 6);
            continue;
        }
        if (stat(path.data, &sb) != 0) {
            gz_buf_free(&path);
            break;
        }
        /* A post the state does not know: a run killed before its commit,
         * or a deleted state. Adopt it when it is this item. */
        gz_arena *fa = gz_arena_new();
        ingest_post_file pf;
        bool read = ingest_post_read(fa, path.data, &pf);
        gz_buf_free(&path);
        gz_str fsrc = ingest_front_str(fa, &pf, "source"), fid = ingest_front_str(fa, &pf, "source_id");
        bool mine = read && gz_str_eq(fsrc, p->source) && gz_str_eq(fid, p->source_id);
        bool foreign = !read || !fid.len;
        gz_arena_free(fa);
        if (mine && ingest_state_index_post(P->st, P->cfg, name.data) &&
            ingest_state_by_path(P->st, name.data, &prev)) {
            update_post(P, src, it, p, &prev);
            ingest_record_release(&prev);
            gz_buf_free(&name);
            return;
        }
        if (foreign || attempt > 0) {
            warn(P, "source '%s' item %zu: %s/%s exists and is not a post of this item; skipped",
                 src->name, it->index + 1, P->cfg->posts_dir, name.data);
            P->sum->skipped++;
            P->sum->skipped_conflict++;
            gz_buf_free(&name);
            return;
        }
        /* Another source's item with the same id and day. */
        gz_buf_truncate(&name, stem);
        gz_buf_putc(&name, '-');
        ingest_hex_hash(&name, p->source, 6);
    }
    if (write_post(P, p, name.data, true)) {
        P->sum->added++;
        ensure_category_page(P, p);
    }
    gz_buf_free(&name);
}

static void
skip_item(pass *P, const ingest_source *src, const ingest_item *it, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void
skip_item(pass *P, const ingest_source *src, const ingest_item *it, const char *fmt, ...)
{
    gz_buf why = GZ_BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    gz_buf_vprintf(&why, fmt, ap);
    va_end(ap);
    warn(P, "source '%s' item %zu: %s; skipped", src->name, it->index + 1, why.data);
    gz_buf_free(&why);
    P->sum->skipped++;
    P->sum->skipped_invalid++;
}

/* Where a required field was looked for, for messages. */
static const char *
field_where(const ingest_source *src, const char *field)
{
    if (src->type != INGEST_JSON)
        return "";
    if (!strcmp(field, "id"))
        return src->fields.id;
    return !strcmp(field, "title") ? src->fields.title : src->fields.date;
}

static void
take_item(pass *P, source_run *R, const ingest_item *it)
{
    const ingest_source *src = R->src;
    P->sum->seen++;
    gz_str title = clean_title(P, it->title);
    const char *missing = !it->id.len ? "id" : !title.len ? "title" : !it->date.len ? "date" : NULL;
    if (missing) {
        const char *where = field_where(src, missing);
        skip_item(P, src, it, "no %s%s%s%s", missing, *where ? " (" : "", where, *where ? ")" : "");
        return;
    }
    gz_time t;
    if (!ingest_parse_date(it->date, src->date_tz, &t)) {
        skip_item(P, src, it, "date '%.*s' is not a date", (int)(it->date.len > 60 ? 60 : it->date.len),
                  it->date.p);
        return;
    }
    t = gz_time_in_zone(t, P->cfg->tz);
    gz_buf date = GZ_BUF_INIT;
    gz_strftime(&date, GZ_STR("%Y-%m-%d %H:%M:%S %z"), &t);

    ingest_post p = { .title = title, .link = it->link, .source_id = it->id,
                      .layout = P->cfg->layout, .date = cstr(P, gz_buf_str(&date)) };
    gz_buf_free(&date);
    if (it->source.len) {
        /* one API, many papers: the item's own source names its category */
        p.source = it->source;
        gz_buf tag = GZ_BUF_INIT;
        gz_buf_printf(&tag, "%.*s新闻", (int)it->source.len, it->source.p);
        p.tag = gz_str_c(cstr(P, gz_buf_str(&tag)));
        gz_buf_free(&tag);
    } else {
        p.source = gz_str_c(src->name);
        p.tag = gz_str_c(src->tag);
    }
    const char *name = cstr(P, p.source);
    p.slug = gz_str_c(ingest_slug_resolve(P->st, P->a, name, it->source.len ? NULL : src->slug));

    if (gz_hash_get(P->written, seen_key(P, &p))) {
        P->sum->duplicates++;
        return;
    }
    ingest_record prev = { 0 };
    const char *link = cstr(P, p.link);
    bool by_id = ingest_state_by_id(P->st, name, cstr(P, p.source_id), &prev);
    if (!by_id && ingest_state_by_link(P->st, link, &prev) &&
        !(prev.source && !strcmp(prev.source, name))) {
        P->sum->duplicates++; /* the same link, ingested from another source */
        ingest_record_release(&prev);
        return;
    }
    if (prev.path) {
        /* Seen before. With a detail endpoint the list only has a digest,
         * so it says nothing about changes to the full text. */
        if (src->detail_url) {
            P->sum->unchanged++;
        } else {
            p.body = clean_body(P, it->body, it->body_is_text);
            update_post(P, src, it, &p, &prev);
        }
        ingest_record_release(&prev);
        return;
    }
    if (src->detail_url) {
        if (P->npend == P->cappend) {
            size_t cap = P->cappend ? P->cappend * 2 : 64;
            P->pend = gz_arena_realloc(P->a, P->pend, P->cappend * sizeof *P->pend, cap * sizeof *P->pend);
            P->cappend = cap;
        }
        P->pend[P->npend++] = (pending){ R, it, p };
        return;
    }
    p.body = clean_body(P, it->body, it->body_is_text);
    add_post(P, R, it, &p);
}

/* ---- sources ------------------------------------------------------------ */

static void
source_failed(pass *P, source_run *R, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void
source_failed(pass *P, source_run *R, const char *fmt, ...)
{
    gz_buf why = GZ_BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    gz_buf_vprintf(&why, fmt, ap);
    va_end(ap);
    fprintf(stderr, "gazette: ingest: source '%s' failed: %s\n", R->src->name, why.data);
    ingest_state_set_status(P->st, R->src->name, false, why.data);
    gz_buf_free(&why);
    R->failed = true;
}

/* Decodes and parses a fetched document of the source. */
static bool
parse_source(pass *P, source_run *R, gz_buf *err)
{
    const ingest_source *src = R->src;
    bool xml = src->type == INGEST_RSS || src->type == INGEST_ATOM;
    gz_str raw = gz_buf_str(&R->fetch.body);
    const char *charset = ingest_charset(P->a, raw, R->fetch.content_type, xml);
    gz_buf text = GZ_BUF_INIT;
    bool ok = ingest_to_utf8(&text, raw, charset);
    if (!ok)
        gz_buf_printf(err, "unknown charset '%s'", charset);
    else if (xml)
        ok = ingest_parse_xml(P->a, gz_buf_str(&text), &R->items, err);
    else if (src->type == INGEST_JSONFEED)
        ok = ingest_parse_jsonfeed(P->a, gz_buf_str(&text), &R->items, err);
    else
        ok = ingest_parse_json_api(P->a, gz_buf_str(&text), src, &R->items, err);
    gz_buf_free(&text);
    return ok;
}

static void
put_url_escaped(gz_buf *out, gz_str s)
{
    for (size_t i = 0; i < s.len; i++) {
        unsigned char c = (unsigned char)s.p[i];
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
            strchr("-._~", c))
            gz_buf_putc(out, (char)c);
        else
            gz_buf_printf(out, "%%%02X", c);
    }
}

/* Fetches the full text of every waiting item at once, then adds them. */
static void
run_details(pass *P)
{
    if (P->npend == 0)
        return;
    ingest_fetch *reqs = gz_xcalloc(P->npend, sizeof *reqs);
    for (size_t i = 0; i < P->npend; i++) {
        const ingest_source *src = P->pend[i].run->src;
        gz_buf url = GZ_BUF_INIT;
        const char *at = strstr(src->detail_url, "{id}");
        gz_buf_put(&url, src->detail_url, (size_t)(at - src->detail_url));
        put_url_escaped(&url, P->pend[i].post.source_id);
        gz_buf_puts(&url, at + 4);
        reqs[i] = (ingest_fetch){ .url = cstr(P, gz_buf_str(&url)), .headers = src->headers,
                                  .nheaders = src->nheaders, .timeout_ms = src->timeout_ms,
                                  .retries = src->retries, .max_bytes = src->max_bytes };
        gz_buf_free(&url);
    }
    ingest_fetch_run(reqs, P->npend, P->opt->stop);
    for (size_t i = 0; i < P->npend; i++) {
        pending *w = &P->pend[i];
        const ingest_source *src = w->run->src;
        gz_buf text = GZ_BUF_INIT, err = GZ_BUF_INIT;
        gz_value doc, body;
        gz_str s = { NULL, 0 };
        if (!reqs[i].ok || reqs[i].not_modified) {
            gz_buf_printf(&err, "%s", reqs[i].not_modified ? "HTTP status 304" : reqs[i].error);
        } else {
            gz_str raw = gz_buf_str(&reqs[i].body);
            const char *cs = ingest_charset(P->a, raw, reqs[i].content_type, false);
            if (!ingest_to_utf8(&text, raw, cs))
                gz_buf_printf(&err, "unknown charset '%s'", cs);
            else if (!gz_json_parse(P->a, gz_buf_str(&text), &doc, &err))
                ;
            else if (!ingest_json_pointer(doc, src->detail_body, &body) ||
                     !ingest_json_text(P->a, body, &s))
                gz_buf_printf(&err, "no text at %s", src->detail_body);
        }
        if (err.len) {
            warn(P, "source '%s' item %zu: detail %s: %s; tried again next pass", src->name,
                 w->item->index + 1, reqs[i].url, err.data);
            P->sum->skipped++;
            P->sum->skipped_detail++;
            w->run->deferred = true;
        } else {
            w->post.body = clean_body(P, s, false);
            add_post(P, w->run, w->item, &w->post);
        }
        gz_buf_free(&text);
        gz_buf_free(&err);
        ingest_fetch_release(&reqs[i]);
    }
    free(reqs);
}

bool
ingest_run_pass(const ingest_config *cfg, const ingest_options *opt, ingest_summary *sum,
                gz_diags *diags)
{
    memset(sum, 0, sizeof *sum);
    if (mkdir(cfg->posts_dir, 0755) != 0 && errno != EEXIST) {
        gz_diags_add(diags, GZ_ERROR, cfg->posts_dir, 0, 0, "cannot create: %s", strerror(errno));
        return false;
    }
    ingest_remove_temp(cfg->posts_dir);
    gz_buf err = GZ_BUF_INIT;
    pass P = { cfg, opt, sum, NULL, gz_arena_new(), NULL, NULL, NULL, NULL, 0, 0 };
    P.st = ingest_state_open(cfg, &err);
    if (!P.st) {
        gz_diags_add(diags, GZ_ERROR, NULL, 0, 0, "ingest state: %s", err.data);
        gz_buf_free(&err);
        gz_arena_free(P.a);
        return false;
    }
    P.writer = ingest_writer_new(cfg->posts_dir);
    P.written = gz_hash_new(P.a, 64);
    P.pages = gz_hash_new(P.a, 8);

    source_run *runs = gz_xcalloc(cfg->nsources, sizeof *runs);
    ingest_fetch *reqs = gz_xcalloc(cfg->nsources, sizeof *reqs);
    for (size_t i = 0; i < cfg->nsources; i++) {
        const ingest_source *src = &cfg->sources[i];
        runs[i].src = src;
        ingest_state_validators(P.st, src->url, &runs[i].etag, &runs[i].modified);
        reqs[i] = (ingest_fetch){ .url = src->url, .headers = src->headers,
                                  .nheaders = src->nheaders, .timeout_ms = src->timeout_ms,
                                  .retries = src->retries, .max_bytes = src->max_bytes,
                                  .etag = runs[i].etag, .last_modified = runs[i].modified };
    }
    ingest_fetch_run(reqs, cfg->nsources, opt->stop);

    ingest_state_begin(P.st);
    for (size_t i = 0; i < cfg->nsources; i++) {
        source_run *R = &runs[i];
        R->fetch = reqs[i];
        gz_buf_clear(&err);
        if (!R->fetch.ok)
            source_failed(&P, R, "%s: %s", R->src->url, R->fetch.error);
        else if (!R->fetch.not_modified && !parse_source(&P, R, &err))
            source_failed(&P, R, "%s: %s", R->src->url, err.data);
        else
            for (size_t k = 0; k < R->items.len; k++)
                take_item(&P, R, &R->items.v[k]);
    }
    run_details(&P);
    /* Posts first, then the state that remembers them. */
    gz_buf_clear(&err);
    bool flushed = ingest_writer_flush(P.writer, &err);
    if (!flushed)
        gz_diags_add(diags, GZ_ERROR, NULL, 0, 0, "writing posts: %s", err.data);
    for (size_t i = 0; i < cfg->nsources; i++) {
        source_run *R = &runs[i];
        if (R->failed) {
            sum->sources_failed++;
            continue;
        }
        sum->sources_ok++;
        ingest_state_set_status(P.st, R->src->name, true, NULL);
        if (!R->deferred && !R->fetch.not_modified)
            ingest_state_set_validators(P.st, R->src->url, R->fetch.etag_out,
                                        R->fetch.last_modified_out);
    }
    bool ok = flushed && ingest_state_commit(P.st);
    if (flushed && !ok)
        gz_diags_add(diags, GZ_ERROR, NULL, 0, 0, "ingest state: the pass could not be recorded");
    for (size_t i = 0; i < cfg->nsources; i++) {
        ingest_fetch_release(&runs[i].fetch);
        free(runs[i].etag);
        free(runs[i].modified);
    }
    free(runs);
    free(reqs);
    gz_buf_free(&err);
    ingest_writer_free(P.writer);
    ingest_state_close(P.st);
    gz_arena_free(P.a);
    return ok;
}

void
ingest_summary_print(FILE *f, const ingest_summary *s)
{
    fprintf(f,
            "ingest: sources %zu ok, %zu failed; items %zu seen, %zu new, %zu updated, "
            "%zu unchanged, %zu duplicates, %zu skipped",
            s->sources_ok, s->sources_failed, s->seen, s->added, s->updated, s->unchanged,
            s->duplicates, s->skipped);
    if (s->skipped) {
        const char *sep = " (";
        const struct {
            size_t n;
            const char *why;
        } reasons[] = { { s->skipped_invalid, "invalid" },
                        { s->skipped_shrunk, "shrunk" },
                        { s->skipped_detail, "detail failed" },
                        { s->skipped_conflict, "name taken" } };
        for (size_t i = 0; i < sizeof reasons / sizeof reasons[0]; i++)
            if (reasons[i].n) {
                fprintf(f, "%s%zu %s", sep, reasons[i].n, reasons[i].why);
                sep = ", ";
            }
        fputc(')', f);
    }
    fputc('\n', f);
}
