/* Jekyll's drops over the site model: site, documents and pages, static
 * files, collections, site.categories/site.tags, and jekyll. Every drop is
 * immutable and shared by all renders; per-render state comes through
 * gz_drop_env.user (a site_render), where reads are also recorded. */
#include <stdlib.h>
#include <string.h>

#include "site/internal.h"

static gz_str
S(const char *s)
{
    return gz_str_c(s);
}

static site_render *
render_of(gz_drop_env *env)
{
    return env ? env->user : NULL;
}

/* What reading `key` of a document depends on: which neighbour it has,
 * another document's rendered content, or else the document's source. */
static void
record_doc(gz_drop_env *env, const site_doc *doc, gz_str key)
{
    site_render *r = render_of(env);
    if (!r || (!r->record && !r->capture))
        return;
    bool content = gz_str_eq_c(key, "content") || gz_str_eq_c(key, "excerpt");
    /* A document's text reads differently in its own render (not yet
     * rendered, or in progress) than in the others. */
    if (r->capture && (content || gz_str_eq_c(key, "output")))
        site_render_taint(r);
    site_dep_kind kind = SITE_DEP_SOURCE;
    if (doc->kind == SITE_POST || doc->kind == SITE_DOC) {
        if (gz_str_eq_c(key, "next"))
            kind = SITE_DEP_NEXT;
        else if (gz_str_eq_c(key, "previous"))
            kind = SITE_DEP_PREV;
        else if (content && doc != r->doc)
            kind = SITE_DEP_CONTENT;
    }
    site_record(r, kind, doc, gz_str_n(NULL, 0));
}

/* A named query: PREFIX KEY ("categories:" "emnews"). */
static void
record_named(gz_drop_env *env, const char *prefix, gz_str key)
{
    site_render *r = render_of(env);
    if (!r || (!r->record && !r->capture))
        return;
    gz_buf b = GZ_BUF_INIT;
    gz_buf_puts(&b, prefix);
    gz_buf_put_str(&b, key);
    site_record(r, SITE_DEP_NAMED, NULL, gz_buf_str(&b));
    gz_buf_free(&b);
}

static gz_value
cstr(const char *s)
{
    return s ? gz_string(s, strlen(s)) : gz_nil();
}

/* ---- documents and pages ------------------------------------------------ */

static gz_value
doc_value(const site_doc *d)
{
    return d && d->drop ? gz_drop_value(d->drop) : gz_nil();
}

static bool
raw_content(site_render *r, site_doc *doc, gz_drop_env *env, gz_value *out)
{
    if (r && r->doc == doc) {
        *out = gz_str_value(r->raw_content);
        return true;
    }
    gz_buf b = GZ_BUF_INIT;
    gz_diags ignore = { 0 };
    site *s = r ? r->site : NULL;
    if (s)
        site_doc_body(s, doc, &b, &ignore);
    gz_diags_free(&ignore);
    *out = gz_string_from_buf(env->arena, &b);
    gz_buf_free(&b);
    return true;
}

static gz_value
page_dir(gz_drop_env *env, const site_doc *doc)
{
    /* url.end_with?("/") ? url : File.dirname(url) + "/" */
    size_t n = strlen(doc->url);
    if (n && doc->url[n - 1] == '/')
        return cstr(doc->url);
    const char *sl = strrchr(doc->url, '/');
    size_t k = sl ? (size_t)(sl - doc->url) : 0;
    gz_buf b = GZ_BUF_INIT;
    if (k == 0)
        gz_buf_putc(&b, '/');
    else {
        gz_buf_put(&b, doc->url, k);
        gz_buf_putc(&b, '/');
    }
    gz_value v = gz_string_from_buf(env->arena, &b);
    gz_buf_free(&b);
    return v;
}

static gz_value
doc_id(gz_drop_env *env, const site_doc *doc)
{
    /* File.join(File.dirname(url), (data["slug"] || basename_without_ext));
     * File.dirname ignores trailing slashes: dirname("/a/b/") is "/a" */
    gz_buf b = GZ_BUF_INIT;
    size_t n = strlen(doc->url);
    while (n > 1 && doc->url[n - 1] == '/')
        n--;
    while (n > 0 && doc->url[n - 1] != '/')
        n--;
    while (n > 1 && doc->url[n - 1] == '/')
        n--;
    if (n == 0)
        gz_buf_putc(&b, '.');
    else
        gz_buf_put(&b, doc->url, n);
    if (b.data[b.len - 1] != '/')
        gz_buf_putc(&b, '/');
    gz_value slug = site_data_get(doc, "slug");
    if (slug.type == GZ_STRING)
        gz_buf_put_str(&b, gz_value_str(slug));
    else
        gz_buf_put(&b, doc->name, strlen(doc->name) - strlen(doc->ext));
    gz_value v = gz_string_from_buf(env->arena, &b);
    gz_buf_free(&b);
    return v;
}

static bool
doc_get(const gz_drop *d, gz_str key, gz_value *out, gz_drop_env *env)
{
    site_doc *doc = d->data;
    site_render *r = env ? env->user : NULL;
    record_doc(env, doc, key);
#define K(lit) gz_str_eq_c(key, lit)
    if (doc->kind == SITE_PAGE) {
        if (K("content"))
            return raw_content(r, doc, env, out);
        if (K("dir")) {
            *out = page_dir(env, doc);
            return true;
        }
        if (K("name")) {
            *out = cstr(doc->name);
            return true;
        }
        if (K("path")) {
            gz_value *p = gz_hash_get(doc->data, S("path"));
            *out = p ? *p : cstr(doc->relpath);
            return true;
        }
        if (K("url")) {
            *out = cstr(doc->url);
            return true;
        }
        if (K("excerpt")) {
            gz_value *e = gz_hash_get(doc->data, S("excerpt"));
            *out = e ? *e : gz_nil();
            return true;
        }
    } else if (doc->kind == SITE_STATIC) {
        if (K("name")) {
            *out = cstr(doc->name);
            return true;
        }
        if (K("extname")) {
            *out = cstr(doc->ext);
            return true;
        }
        if (K("basename")) {
            *out = gz_string(doc->name, strlen(doc->name) - strlen(doc->ext));
            return true;
        }
        if (K("path")) {
            gz_buf b = GZ_BUF_INIT;
            gz_buf_printf(&b, "/%s", doc->relpath);
            *out = gz_string_from_buf(env->arena, &b);
            gz_buf_free(&b);
            return true;
        }
        if (K("collection")) {
            *out = doc->coll ? cstr(doc->coll->label) : gz_nil();
            return true;
        }
        if (K("modified_time")) {
            *out = gz_time_value(&doc->date);
            return true;
        }
    } else {
        if (K("content")) {
            if (r && r->doc == doc && r->stage == STAGE_BODY) {
                *out = gz_str_value(r->raw_content);
                return true;
            }
            if (r && r->doc == doc && r->stage == STAGE_LAYOUT) {
                *out = gz_str_value(r->converted);
                return true;
            }
            gz_str c;
            if (r && site_content(r, doc, &c)) {
                *out = gz_str_value(c);
                return true;
            }
            return raw_content(r, doc, env, out);
        }
        if (K("output")) {
            *out = gz_nil();
            return true;
        }
        if (K("excerpt")) {
            gz_str c;
            if (!gz_hash_get(doc->data, S("excerpt"))) {
                *out = cstr("");
                return true;
            }
            gz_value *given = gz_hash_get(doc->data, S("excerpt"));
            if (given && given->type != GZ_NIL) {
                *out = *given;
                return true;
            }
            if (r && site_excerpt(r, doc, &c)) {
                *out = gz_str_value(c);
                return true;
            }
            *out = cstr("");
            return true;
        }
        if (K("url")) {
            *out = cstr(doc->url);
            return true;
        }
        if (K("id")) {
            *out = doc_id(env, doc);
            return true;
        }
        if (K("date")) {
            *out = gz_time_value(&doc->date);
            return true;
        }
        if (K("path") || K("relative_path")) {
            *out = cstr(doc->relpath);
            return true;
        }
        if (K("collection")) {
            *out = cstr(doc->coll->label);
            return true;
        }
        if (K("name")) {
            gz_value *n = gz_hash_get(doc->data, S("name"));
            *out = n ? *n : cstr(doc->name);
            return true;
        }
        if (K("next") || K("previous")) {
            site_coll *c = doc->coll;
            size_t i = doc->index;
            const site_doc *o = NULL;
            if (K("next") && i + 1 < c->ndocs && c->docs[i] == doc)
                o = c->docs[i + 1];
            if (K("previous") && i > 0 && i < c->ndocs && c->docs[i] == doc)
                o = c->docs[i - 1];
            *out = doc_value(o);
            return true;
        }
    }
#undef K
    gz_value *v = gz_hash_get(doc->data, key);
    if (!v && doc->defaults)
        v = gz_hash_get(doc->defaults, key);
    if (v) {
        *out = *v;
        return true;
    }
    return false;
}

static void
doc_to_s(const gz_drop *d, gz_buf *out, gz_drop_env *env)
{
    gz_value v;
    if (doc_get(d, S("content"), &v, env) && v.type == GZ_STRING)
        gz_buf_put_str(out, gz_value_str(v));
}

static gz_hash *
doc_to_hash(const gz_drop *d, gz_drop_env *env)
{
    site_doc *doc = d->data;
    gz_hash *h = gz_hash_new(env->arena, 24);
    static const char *doc_keys[] = { "content", "output", "excerpt", "url", "id", "date",
                                      "path", "relative_path", "collection", "name",
                                      "next", "previous", NULL };
    static const char *page_keys[] = { "content", "dir", "name", "path", "url", NULL };
    static const char *static_keys[] = { "name", "extname", "modified_time", "basename",
                                         "path", "collection", NULL };
    const char **keys = doc->kind == SITE_PAGE     ? page_keys
                        : doc->kind == SITE_STATIC ? static_keys
                                                   : doc_keys;
    if (doc->defaults)
        for (size_t i = 0; i < doc->defaults->len; i++)
            gz_hash_set(env->arena, h, doc->defaults->entries[i].key, doc->defaults->entries[i].value);
    for (const char **k = keys; *k; k++) {
        gz_value v;
        if (doc_get(d, S(*k), &v, env))
            gz_hash_set(env->arena, h, S(*k), v);
    }
    for (size_t i = 0; i < doc->data->len; i++) {
        gz_value v;
        gz_str k = doc->data->entries[i].key;
        if (doc_get(d, k, &v, env))
            gz_hash_set(env->arena, h, k, v);
    }
    return h;
}

static const gz_drop_class doc_class = {
    .name = "Jekyll::Drops::DocumentDrop",
    .get = doc_get,
    .to_s = doc_to_s,
    .to_hash = doc_to_hash,
};

gz_drop *
site_doc_drop(site *s, site_doc *doc)
{
    if (!doc->drop)
        doc->drop = gz_drop_new(s->arena, &doc_class, doc).u.d;
    return doc->drop;
}

/* ---- site.categories / site.tags ------------------------------------------ */

typedef struct index_drop {
    const char *what; /* "categories:" or "tags:", the prefix of its queries */
    gz_hash *h;
} index_drop;

static bool
index_get(const gz_drop *d, gz_str key, gz_value *out, gz_drop_env *env)
{
    const index_drop *x = d->data;
    record_named(env, x->what, key);
    gz_value *v = gz_hash_get(x->h, key);
    if (!v)
        return false;
    *out = *v;
    return true;
}

static gz_hash *
index_to_hash(const gz_drop *d, gz_drop_env *env)
{
    const index_drop *x = d->data;
    record_named(env, x->what, S("*"));
    return x->h;
}

static void
index_to_s(const gz_drop *d, gz_buf *out, gz_drop_env *env)
{
    gz_value_inspect(out, gz_hash_value(index_to_hash(d, env)), env);
}

static const gz_drop_class index_class = {
    .name = "Hash",
    .get = index_get,
    .to_s = index_to_s,
    .to_hash = index_to_hash,
};

/* ---- collections ------------------------------------------------------------ */

static bool
coll_get(const gz_drop *d, gz_str key, gz_value *out, gz_drop_env *env)
{
    const site_coll *c = d->data;
    site_render *r = env ? env->user : NULL;
    gz_arena *a = env->arena;
#define K(lit) gz_str_eq_c(key, lit)
    if (K("label")) {
        *out = cstr(c->label);
    } else if (K("docs")) {
        record_named(env, "docs:", gz_str_c(c->label));
        gz_array *arr = gz_array_new(a, c->ndocs);
        for (size_t i = 0; i < c->ndocs; i++)
            gz_array_push(a, arr, doc_value(c->docs[i]));
        *out = gz_array_value(arr);
    } else if (K("files")) {
        record_named(env, "files:", gz_str_c(c->label));
        gz_array *arr = gz_array_new(a, c->nfiles);
        for (size_t i = 0; i < c->nfiles; i++)
            gz_array_push(a, arr, doc_value(c->files[i]));
        *out = gz_array_value(arr);
    } else if (K("relative_directory")) {
        *out = cstr(c->reldir);
    } else if (K("directory")) {
        gz_buf b = GZ_BUF_INIT;
        gz_buf_printf(&b, "%s/%s", r ? r->site->source : "", c->reldir);
        *out = gz_string_from_buf(a, &b);
        gz_buf_free(&b);
    } else if (K("output")) {
        *out = gz_bool(c->output);
    } else {
        gz_value *v = c->meta ? gz_hash_get(c->meta, key) : NULL;
        if (!v)
            return false;
        *out = *v;
    }
#undef K
    return true;
}

static gz_hash *
coll_to_hash(const gz_drop *d, gz_drop_env *env)
{
    gz_hash *h = gz_hash_new(env->arena, 8);
    static const char *keys[] = { "label", "docs", "files", "relative_directory", "directory",
                                  "output", NULL };
    for (const char **k = keys; *k; k++) {
        gz_value v;
        if (coll_get(d, S(*k), &v, env))
            gz_hash_set(env->arena, h, S(*k), v);
    }
    const site_coll *c = d->data;
    if (c->meta)
        for (size_t i = 0; i < c->meta->len; i++)
            if (!gz_hash_get(h, c->meta->entries[i].key))
                gz_hash_set(env->arena, h, c->meta->entries[i].key, c->meta->entries[i].value);
    return h;
}

static const gz_drop_class coll_class = {
    .name = "Jekyll::Drops::CollectionDrop",
    .get = coll_get,
    .to_hash = coll_to_hash,
};

/* ---- site -------------------------------------------------------------------- */

static bool
site_get(const gz_drop *d, gz_str key, gz_value *out, gz_drop_env *env)
{
    site *s = d->data;
    site_render *r = env ? env->user : NULL;
#define K(lit) gz_str_eq_c(key, lit)
    /* The lists of documents are queries; everything else the site drop
     * answers comes from the config (covered by the global fingerprint). */
    if (K("posts") || K("related_posts") || K("pages") || K("html_pages") ||
        K("static_files") || K("documents") || K("time"))
        record_named(env, "", K("related_posts") ? S("posts") : key);
    if (!K("posts"))
        for (size_t i = 0; i < s->ncolls; i++)
            if (gz_str_eq_c(key, s->colls[i]->label)) {
                site_coll *c = s->colls[i];
                record_named(env, "docs:", key);
                gz_array *arr = gz_array_new(env->arena, c->ndocs);
                for (size_t k = 0; k < c->ndocs; k++)
                    gz_array_push(env->arena, arr, doc_value(c->docs[k]));
                *out = gz_array_value(arr);
                return true;
            }
    if (K("posts"))
        *out = gz_array_value(s->posts_desc);
    else if (K("pages"))
        *out = gz_array_value(s->pages_arr);
    else if (K("html_pages"))
        *out = gz_array_value(s->html_pages_arr);
    else if (K("static_files"))
        *out = gz_array_value(s->static_arr);
    else if (K("documents"))
        *out = gz_array_value(s->docs_arr);
    else if (K("collections"))
        *out = gz_array_value(s->colls_arr);
    else if (K("data"))
        *out = s->data;
    else if (K("categories") || K("tags"))
        *out = gz_nil(); /* the index drop is made below */
    else if (K("time"))
        *out = gz_time_value(&s->time);
    else if (K("config"))
        *out = gz_nil();
    else if (K("related_posts")) {
        site_render_taint(r); /* the newest posts but the one rendered */
        if (!r || !r->doc || r->doc->kind != SITE_POST) {
            *out = gz_nil();
            return true;
        }
        /* Without lsi: the ten newest posts other than this one. */
        gz_array *arr = gz_array_new(env->arena, 10);
        size_t n = s->posts->ndocs;
        size_t from = n > 11 ? n - 11 : 0;
        for (size_t i = n; i > from && arr->len < 10; i--)
            if (s->posts->docs[i - 1] != r->doc)
                gz_array_push(env->arena, arr, doc_value(s->posts->docs[i - 1]));
        *out = gz_array_value(arr);
    } else {
        gz_value *v = gz_hash_get(s->config, key);
        if (!v)
            return false;
        *out = *v;
    }
    if (K("categories") || K("tags")) {
        index_drop *x = gz_arena_alloc(env->arena, sizeof *x);
        x->what = K("categories") ? "categories:" : "tags:";
        x->h = K("categories") ? s->categories : s->tags;
        *out = gz_drop_new(env->arena, &index_class, x);
    }
#undef K
    return true;
}

static gz_hash *
site_to_hash(const gz_drop *d, gz_drop_env *env)
{
    site *s = d->data;
    gz_hash *h = gz_hash_new(env->arena, s->config->len + 16);
    static const char *keys[] = { "data", "time", "pages", "static_files", "tags", "categories",
                                  "posts", "html_pages", "collections", "documents",
                                  "related_posts", NULL };
    for (size_t i = 0; i < s->config->len; i++)
        gz_hash_set(env->arena, h, s->config->entries[i].key, s->config->entries[i].value);
    for (const char **k = keys; *k; k++) {
        gz_value v;
        if (site_get(d, S(*k), &v, env))
            gz_hash_set(env->arena, h, S(*k), v);
    }
    return h;
}

static const gz_drop_class site_class = {
    .name = "Jekyll::Drops::SiteDrop",
    .get = site_get,
    .to_hash = site_to_hash,
};

/* ---- building the indexes ------------------------------------------------------ */

static void
index_add(gz_arena *a, gz_hash *h, gz_value key, gz_value post)
{
    gz_buf b = GZ_BUF_INIT;
    gz_str k;
    if (key.type == GZ_STRING)
        k = gz_value_str(key);
    else {
        /* Non-string tags (numbers) are keys by their text. */
        if (key.type == GZ_INT)
            gz_format_int(&b, key.u.i);
        else if (key.type == GZ_FLOAT)
            gz_format_float(&b, key.u.f);
        else if (key.type == GZ_BOOL)
            gz_buf_puts(&b, key.u.b ? "true" : "false");
        else
            gz_value_inspect(&b, key, NULL);
        k = gz_value_str(gz_string_from_buf(a, &b));
    }
    gz_value *slot = gz_hash_get(h, k);
    if (!slot) {
        gz_hash_set(a, h, k, gz_array_value(gz_array_new(a, 4)));
        slot = gz_hash_get(h, k);
    }
    gz_array_push(a, slot->u.a, post);
    gz_buf_free(&b);
}

static void
reverse(gz_array *arr)
{
    for (size_t i = 0, j = arr->len; i + 1 < j; i++, j--) {
        gz_value t = arr->items[i];
        arr->items[i] = arr->items[j - 1];
        arr->items[j - 1] = t;
    }
}

static int
cmp_label(const void *a, const void *b)
{
    const site_coll *x = *(site_coll *const *)a, *y = *(site_coll *const *)b;
    return strcmp(x->label, y->label);
}

void
site_drops_init(site *s)
{
    gz_arena *a = s->arena;
    for (size_t i = 0; i < s->ncolls; i++) {
        site_coll *c = s->colls[i];
        c->drop = gz_drop_new(a, &coll_class, c).u.d;
        for (size_t k = 0; k < c->ndocs; k++)
            site_doc_drop(s, c->docs[k]);
    }
    for (size_t i = 0; i < s->npages; i++)
        site_doc_drop(s, s->pages[i]);
    for (size_t i = 0; i < s->nstatics; i++)
        site_doc_drop(s, s->statics[i]);

    site_coll *p = s->posts;
    s->posts_desc = gz_array_new(a, p->ndocs);
    for (size_t i = p->ndocs; i > 0; i--)
        gz_array_push(a, s->posts_desc, doc_value(p->docs[i - 1]));

    /* post_attr_hash: keys in order of first appearance over ascending
     * posts; each list sorted newest first. */
    s->categories = gz_hash_new(a, 64);
    s->tags = gz_hash_new(a, 64);
    for (size_t i = 0; i < p->ndocs; i++) {
        site_doc *d = p->docs[i];
        gz_value v = doc_value(d);
        const char *attrs[] = { "categories", "tags" };
        gz_hash *into[] = { s->categories, s->tags };
        for (int k = 0; k < 2; k++) {
            gz_value *l = gz_hash_get(d->data, gz_str_c(attrs[k]));
            if (!l || l->type != GZ_ARRAY)
                continue;
            for (size_t j = 0; j < l->u.a->len; j++)
                index_add(a, into[k], l->u.a->items[j], v);
        }
    }
    for (size_t i = 0; i < s->categories->len; i++)
        reverse(s->categories->entries[i].value.u.a);
    for (size_t i = 0; i < s->tags->len; i++)
        reverse(s->tags->entries[i].value.u.a);

    s->pages_arr = gz_array_new(a, s->npages);
    s->html_pages_arr = gz_array_new(a, s->npages);
    for (size_t i = 0; i < s->npages; i++) {
        site_doc *d = s->pages[i];
        gz_array_push(a, s->pages_arr, doc_value(d));
        const char *oe = d->output_ext;
        size_t ul = strlen(d->url);
        if (!strcmp(oe, ".html") || !strcmp(oe, ".xhtml") || !strcmp(oe, ".htm") ||
            (ul && d->url[ul - 1] == '/'))
            gz_array_push(a, s->html_pages_arr, doc_value(d));
    }
    s->static_arr = gz_array_new(a, s->nstatics);
    for (size_t i = 0; i < s->nstatics; i++)
        gz_array_push(a, s->static_arr, doc_value(s->statics[i]));
    size_t ndocs = 0;
    for (size_t i = 0; i < s->ncolls; i++)
        ndocs += s->colls[i]->ndocs;
    s->docs_arr = gz_array_new(a, ndocs);
    for (size_t i = 0; i < s->ncolls; i++)
        for (size_t k = 0; k < s->colls[i]->ndocs; k++)
            gz_array_push(a, s->docs_arr, doc_value(s->colls[i]->docs[k]));
    site_coll **sorted = gz_arena_alloc(a, (s->ncolls + 1) * sizeof *sorted);
    memcpy(sorted, s->colls, s->ncolls * sizeof *sorted);
    qsort(sorted, s->ncolls, sizeof *sorted, cmp_label);
    s->colls_arr = gz_array_new(a, s->ncolls);
    for (size_t i = 0; i < s->ncolls; i++)
        gz_array_push(a, s->colls_arr, gz_drop_value(sorted[i]->drop));
    s->site_drop = gz_drop_new(a, &site_class, s).u.d;
}
