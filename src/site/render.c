/* Rendering one document as Jekyll's Renderer does: Liquid over the
 * content (when it has a Liquid construct), the converter, then the
 * layout chain, each layout seeing `content` and the merged `layout`
 * data. Every render owns an arena released when it ends; content that
 * other renders read (post.content in a feed) is computed once and
 * published to the document's cache. */
#include <stdlib.h>
#include <string.h>

#include "site/internal.h"

static gz_str
S(const char *s)
{
    return gz_str_c(s);
}

/* Whether s has "{%" or "{{": one memchr pass (bodies are long, and two
 * memmem passes for two-byte needles were a visible part of a build). */
static bool
has_liquid(gz_str s)
{
    const char *p = s.p, *end = s.p + s.len;
    while (p && p + 1 < end) {
        p = memchr(p, '{', (size_t)(end - p - 1));
        if (p && (p[1] == '%' || p[1] == '{'))
            return true;
        if (p)
            p++;
    }
    return false;
}

static const site_layout *
find_layout(const site *s, gz_value name)
{
    if (name.type != GZ_STRING)
        return NULL;
    for (size_t i = 0; i < s->nlayouts; i++)
        if (gz_str_eq_c(gz_value_str(name), s->layouts[i].name))
            return &s->layouts[i];
    return NULL;
}

static gz_hash *
jekyll_vars(gz_arena *a)
{
    gz_hash *j = gz_hash_new(a, 2);
    gz_hash_set(a, j, S("version"), gz_string("4.3.1", 5));
    const char *env = getenv("JEKYLL_ENV");
    if (!env || !*env)
        env = "development";
    gz_hash_set(a, j, S("environment"), gz_string(env, strlen(env)));
    return j;
}

static gz_hash *
payload(site_render *r, gz_arena *a)
{
    site *s = r->site;
    gz_hash *vars = gz_hash_new(a, 8);
    gz_hash_set(a, vars, S("site"), gz_drop_value(s->site_drop));
    gz_hash_set(a, vars, S("jekyll"), gz_hash_value(jekyll_vars(a)));
    gz_hash_set(a, vars, S("page"), gz_drop_value(site_doc_drop(s, r->doc)));
    gz_hash_set(a, vars, S("paginator"), r->doc->pager ? gz_hash_value(r->doc->pager) : gz_nil());
    /* assign_highlighter_options!: the Markdown converter's "\n" */
    gz_value nl = r->doc->markdown ? gz_string("\n", 1) : gz_nil();
    gz_hash_set(a, vars, S("highlighter_prefix"), nl);
    gz_hash_set(a, vars, S("highlighter_suffix"), nl);
    return vars;
}

/* Liquid numbers lines from the start of the text it is given; the
 * document's content starts at body_line of its file. */
static void
shift_lines(gz_diags *d, size_t from, const char *file, int shift)
{
    for (size_t i = from; i < d->len; i++)
        if (d->items[i].file && !strcmp(d->items[i].file, file) && d->items[i].line > 0)
            d->items[i].line += shift;
}

static bool
render_liquid(site_render *r, gz_arena *a, gz_str text, gz_hash *vars, const char *file,
              int line0, gz_buf *out)
{
    size_t before = r->diags->len;
    size_t errs = r->diags->errors;
    liq_template *t = liq_parse(r->site->liquid, text, file, r->diags);
    bool ok = t != NULL;
    if (ok) {
        gz_drop_env env = { .arena = a, .user = r };
        liq_render_options ro = { .env = &env, .errors_fatal = true };
        ok = liq_render(t, vars, &ro, out, r->diags);
        liq_template_free(t);
    }
    shift_lines(r->diags, before, file, line0 - 1);
    return ok && r->diags->errors == errs;
}

/* Liquid + converter: the document's `content` as other templates see it. */
static bool
convert_doc(site_render *r, gz_arena *a, gz_str raw, gz_buf *out)
{
    site *s = r->site;
    site_doc *doc = r->doc;
    gz_buf liquid = GZ_BUF_INIT;
    gz_str text = raw;
    gz_value rwl = site_data_get(doc, "render_with_liquid");
    bool yaml = !strcmp(doc->ext, ".yml") || !strcmp(doc->ext, ".yaml");
    if (!(rwl.type == GZ_BOOL && !rwl.u.b) && !yaml && has_liquid(raw)) {
        gz_hash *vars = payload(r, a);
        const site_layout *L = find_layout(s, site_data_get(doc, "layout"));
        gz_hash_set(a, vars, S("layout"), L ? gz_hash_value(L->data) : gz_nil());
        if (!render_liquid(r, a, raw, vars, doc->relpath, doc->body_line, &liquid)) {
            gz_buf_free(&liquid);
            return false;
        }
        text = gz_buf_str(&liquid);
    }
    if (doc->markdown)
        site_markdown(s, text, out);
    else
        gz_buf_put_str(out, text);
    gz_buf_free(&liquid);
    return true;
}

static bool
on_stack(const site_render *r, const site_doc *doc)
{
    for (int i = 0; i < r->depth; i++)
        if (r->stack[i] == doc)
            return true;
    return r->doc == doc;
}

/* Publishes text to the cache unless someone else did first; either way
 * *out is the cached text, which lives as long as the site. */
static void
publish(site *s, site_cache *c, gz_str text, gz_str *out)
{
    site_text *mine = gz_xmalloc(sizeof *mine + text.len + 1);
    mine->len = text.len;
    memcpy(mine->text, text.p, text.len);
    mine->text[text.len] = 0;
    site_text *expected = NULL;
    if (atomic_compare_exchange_strong(&c->p, &expected, mine)) {
        mine->next = atomic_load(&s->texts);
        while (!atomic_compare_exchange_weak(&s->texts, &mine->next, mine))
            ;
    } else {
        free(mine);
        mine = expected;
    }
    *out = gz_str_n(mine->text, mine->len);
}

static bool
cached(site_cache *c, gz_str *out)
{
    site_text *t = atomic_load(&c->p);
    if (!t)
        return false;
    *out = gz_str_n(t->text, t->len);
    return true;
}

/* The content or excerpt of another document, computed in a nested render. */
static bool
nested(site_render *r, site_doc *doc, bool excerpt, gz_str *out)
{
    site_cache *c = excerpt ? &doc->excerpt : &doc->content;
    bool own = excerpt && doc == r->doc && r->stage != STAGE_EXCERPT;
    if (own && r->own_excerpt) {
        *out = gz_str_n(r->own_excerpt->text, r->own_excerpt->len);
        return true;
    }
    if (cached(c, out))
        return true;
    if ((!excerpt && on_stack(r, doc)) || r->depth >= 15)
        return false;
    gz_arena *a = gz_arena_new();
    site_render sub = *r;
    sub.doc = doc;
    sub.stage = excerpt ? STAGE_EXCERPT : STAGE_BODY;
    sub.stack[sub.depth++] = r->doc;
    sub.own_excerpt = NULL;
    gz_buf raw = GZ_BUF_INIT, conv = GZ_BUF_INIT;
    bool ok = true;
    /* The document's own body is already in hand (not in an excerpt,
     * whose raw_content is only the head). */
    if (doc == r->doc && r->stage != STAGE_EXCERPT && r->raw_content.p)
        gz_buf_put_str(&raw, r->raw_content);
    else
        ok = site_doc_body(r->site, doc, &raw, r->diags);
    if (ok && excerpt) {
        /* Excerpt#extract_excerpt: the head before the separator, with
         * reference-style link definitions from the tail that it uses. */
        gz_value es = site_data_get(doc, "excerpt_separator");
        gz_str sep = es.type == GZ_STRING ? gz_value_str(es) : S(r->site->excerpt_sep);
        gz_str all = gz_buf_str(&raw);
        long at = sep.len ? gz_str_find(all, sep, 0) : -1;
        gz_buf head = GZ_BUF_INIT;
        if (at < 0 || (size_t)at + sep.len == all.len) {
            gz_buf_put(&head, all.p, at < 0 ? all.len : (size_t)at);
        } else {
            gz_buf_put(&head, all.p, (size_t)at);
            gz_str tail = gz_str_n(all.p + at + sep.len, all.len - (size_t)at - sep.len);
            gz_buf defs = GZ_BUF_INIT;
            size_t ndefs = 0;
            for (size_t i = 0; i < tail.len;) {
                const char *nl = memchr(tail.p + i, '\n', tail.len - i);
                size_t e = nl ? (size_t)(nl - tail.p) : tail.len;
                gz_str line = gz_str_n(tail.p + i, e - i);
                size_t sp = 0;
                while (sp < line.len && sp < 3 && line.p[sp] == ' ')
                    sp++;
                if (sp < line.len && line.p[sp] == '[') {
                    const char *rb = memchr(line.p + sp, ']', line.len - sp);
                    if (rb && rb > line.p + sp + 1 && (size_t)(rb - line.p) + 2 < line.len + 1 &&
                        rb + 1 < line.p + line.len && rb[1] == ':' && rb + 2 < line.p + line.len) {
                        gz_str label = gz_str_n(line.p + sp, (size_t)(rb - line.p) - sp + 1);
                        if (gz_str_find(gz_buf_str(&head), label, 0) >= 0) {
                            if (ndefs++)
                                gz_buf_putc(&defs, '\n');
                            gz_buf_put(&defs, line.p + sp, line.len - sp);
                        }
                    }
                }
                i = e + 1;
            }
            if (ndefs) {
                gz_buf_puts(&head, "\n\n");
                gz_buf_put_str(&head, gz_buf_str(&defs));
            }
            gz_buf_free(&defs);
        }
        gz_buf_free(&raw);
        raw = head;
    }
    if (ok) {
        sub.raw_content = gz_buf_str(&raw);
        ok = convert_doc(&sub, a, gz_buf_str(&raw), &conv);
    }
    if (ok && own && !cached(c, out)) {
        /* only this render reads it (again, perhaps); another render that
         * asks computes the same text */
        gz_str t = gz_buf_str(&conv);
        r->own_excerpt = gz_xmalloc(sizeof *r->own_excerpt + t.len + 1);
        r->own_excerpt->len = t.len;
        memcpy(r->own_excerpt->text, t.p, t.len);
        r->own_excerpt->text[t.len] = 0;
        *out = gz_str_n(r->own_excerpt->text, t.len);
    } else if (ok && !own) {
        publish(r->site, c, gz_buf_str(&conv), out);
    }
    free(sub.own_excerpt);
    if (sub.capture != r->capture)
        site_capture_free(sub.capture);
    gz_buf_free(&raw);
    gz_buf_free(&conv);
    gz_arena_free(a);
    return ok;
}

bool
site_content(site_render *r, site_doc *doc, gz_str *out)
{
    if (doc->kind != SITE_POST && doc->kind != SITE_DOC)
        return false;
    return nested(r, doc, false, out);
}

bool
site_excerpt(site_render *r, site_doc *doc, gz_str *out)
{
    return nested(r, doc, true, out);
}

/* ---- dependencies ------------------------------------------------------------ */

static _Thread_local site_render *current_render;

site_render *
site_current_render(void)
{
    return current_render;
}

void
site_record_dep(const site_render *r, site_dep dep)
{
    if (!r)
        return;
    site_capture_add(r->capture, dep);
    if (r->record)
        r->record(r->record_self, dep);
}

void
site_record(const site_render *r, site_dep_kind kind, const site_doc *doc, gz_str name)
{
    site_record_dep(r, (site_dep){ kind, doc ? doc->source : SIZE_MAX, name });
}

bool
site_render_output(site *s, size_t i, gz_buf *out, gz_diags *d)
{
    return site_render_output_deps(s, i, out, d, NULL, NULL);
}

bool
site_render_output_deps(site *s, size_t i, gz_buf *out, gz_diags *d, site_dep_fn fn, void *self)
{
    site_doc *doc = s->outputs[i];
    gz_arena *a = gz_arena_new();
    site_render r = { .site = s, .doc = doc, .stage = STAGE_BODY, .diags = d,
                      .record = fn, .record_self = self };
    current_render = &r;
    site_record(&r, SITE_DEP_SOURCE, doc, gz_str_n(NULL, 0));
    /* A paginator lists posts without asking a drop for them. */
    if (doc->pager)
        site_record(&r, SITE_DEP_NAMED, NULL, S("posts"));
    gz_buf raw = GZ_BUF_INIT, conv = GZ_BUF_INIT, cur = GZ_BUF_INIT, next = GZ_BUF_INIT;
    bool ok = site_doc_body(s, doc, &raw, d);
    if (!ok)
        goto done;
    r.raw_content = gz_buf_str(&raw);
    gz_str c;
    /* Content another render computed is reused, unless this render
     * records its dependencies: then it must see what the content reads. */
    if ((doc->kind == SITE_POST || doc->kind == SITE_DOC) && !fn && cached(&doc->content, &c)) {
        gz_buf_put_str(&conv, c);
    } else if (!(ok = convert_doc(&r, a, gz_buf_str(&raw), &conv)))
        goto done;
    r.converted = gz_buf_str(&conv);
    r.stage = STAGE_LAYOUT;

    /* place_in_layouts */
    gz_value lname = site_data_get(doc, "layout");
    bool yaml = !strcmp(doc->ext, ".yml") || !strcmp(doc->ext, ".yaml");
    bool no_layout = lname.type == GZ_STRING && !strcmp(lname.u.s, "none");
    bool asset = !strcmp(doc->ext, ".sass") || !strcmp(doc->ext, ".scss") ||
                 !strcmp(doc->ext, ".coffee");
    const site_layout *L = find_layout(s, lname);
    gz_buf_put_str(&cur, gz_buf_str(&conv));
    if (yaml || no_layout || asset) {
    } else if (!L && lname.type != GZ_NIL) {
        gz_buf nm = GZ_BUF_INIT;
        if (lname.type == GZ_STRING)
            gz_buf_put_str(&nm, gz_value_str(lname));
        else
            gz_value_inspect(&nm, lname, NULL);
        gz_diags_add(d, GZ_ERROR, doc->relpath, 1, 1,
                     "Layout '%s' requested in %s does not exist.", nm.data ? nm.data : "",
                     doc->relpath);
        gz_buf_free(&nm);
        ok = false;
        goto done;
    } else {
        const site_layout *used[64];
        size_t nused = 0;
        gz_hash *layout_data = NULL;
        gz_hash *vars = payload(&r, a);
        while (L) {
            layout_data = site_deep_merge(a, L->data, layout_data);
            gz_hash_set(a, vars, S("content"), gz_str_value(gz_buf_str(&cur)));
            gz_hash_set(a, vars, S("layout"), gz_hash_value(layout_data));
            gz_buf_clear(&next);
            if (!L->tmpl) {
                ok = false;
                goto done;
            }
            gz_drop_env env = { .arena = a, .user = &r };
            liq_render_options ro = { .env = &env, .errors_fatal = true, .memo = s->memo };
            size_t errs = d->errors;
            size_t before = d->len;
            if (!liq_render(L->tmpl, vars, &ro, &next, d) || d->errors > errs) {
                shift_lines(d, before, L->relpath, L->body_line - 1);
                ok = false;
                goto done;
            }
            gz_buf t = cur;
            cur = next;
            next = t;
            if (nused < 64)
                used[nused++] = L;
            L = L->parent ? find_layout(s, gz_string(L->parent, strlen(L->parent))) : NULL;
            for (size_t k = 0; L && k < nused; k++)
                if (used[k] == L)
                    L = NULL;
        }
    }
    gz_buf_put_str(out, gz_buf_str(&cur));
done:
    current_render = NULL;
    free(r.own_excerpt);
    site_capture_free(r.capture);
    gz_buf_free(&raw);
    gz_buf_free(&conv);
    gz_buf_free(&cur);
    gz_buf_free(&next);
    gz_arena_free(a);
    return ok;
}
