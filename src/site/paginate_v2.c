/* jekyll-paginate-v2 3.0 (Debian's ruby-jekyll-paginate-v2), the part a
 * paginated listing needs. A page whose front matter has `pagination:
 * enabled: true` (and every autopage of autopages.c) is a template: it
 * leaves site.pages and pages 1..N take its place at the end of it, each
 * with a `paginator` over the documents of its collection(s) that pass its
 * category, tag and locale filters, sorted by its sort_field.
 *
 * The plugin indexes every collection again for each template and removes
 * each template with a scan of site.pages; here the documents of a
 * collection spec are indexed once (keys per document, documents per key),
 * a filter walks only the documents of its first key, and site.pages is
 * rebuilt once: 10,000 category listings over 50,000 posts cost what
 * their pages cost. What the plugin does is matched exactly, quirks
 * included (page 1 at index.html, `page.name` ".html", offset dropping the
 * last documents before sort_reverse); see docs/pagination.md. */
#include <stdlib.h>
#include <string.h>

#include "core/utf8.h"
#include "site/internal.h"

static gz_str
S(const char *s)
{
    return gz_str_c(s);
}

static gz_value
cstr(const char *s)
{
    return s ? gz_string(s, strlen(s)) : gz_nil();
}

static const char *
dup_str(site *s, gz_str x)
{
    return gz_arena_strndup(s->arena, x.p ? x.p : "", x.len);
}

static const char *
dup_buf(site *s, const gz_buf *b)
{
    return gz_arena_strndup(s->arena, b->data ? b->data : "", b->len);
}

static gz_value
hget(const gz_hash *h, const char *key)
{
    gz_value *v = h ? gz_hash_get(h, S(key)) : NULL;
    return v ? *v : gz_nil();
}

/* ---- Ruby's string functions, as the plugin calls them ------------------ */

static bool
rb_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r' || c == 0;
}

static gz_str
rb_strip(gz_str s)
{
    while (s.len && rb_space(s.p[0])) {
        s.p++;
        s.len--;
    }
    while (s.len && rb_space(s.p[s.len - 1]))
        s.len--;
    return s;
}

/* String#split(/;|,/) or, with ws, split(/;|,|\s/): empty trailing
 * fields are dropped. Calls fn for each field. */
typedef void (*piece_fn)(void *self, gz_str piece);
static void
rb_split(gz_str s, bool ws, piece_fn fn, void *self)
{
    size_t n = 0, cap = 0;
    gz_str *v = NULL;
    size_t start = 0;
    for (size_t i = 0; i <= s.len; i++) {
        bool sep = i < s.len && (s.p[i] == ';' || s.p[i] == ',' ||
                                 (ws && (s.p[i] == ' ' || s.p[i] == '\t' || s.p[i] == '\n' ||
                                         s.p[i] == '\v' || s.p[i] == '\f' || s.p[i] == '\r')));
        if (sep || i == s.len) {
            if (n == cap) {
                cap = cap ? cap * 2 : 8;
                v = gz_xrealloc(v, cap * sizeof *v);
            }
            v[n++] = gz_str_n(s.p + start, i - start);
            start = i + 1;
        }
    }
    while (n && v[n - 1].len == 0)
        n--;
    for (size_t i = 0; i < n; i++)
        fn(self, v[i]);
    free(v);
}

/* Object#to_s of a plain value. */
static void
rb_to_s(gz_buf *out, gz_value v)
{
    switch (v.type) {
    case GZ_NIL: break;
    case GZ_STRING: gz_buf_put_str(out, gz_value_str(v)); break;
    case GZ_INT: gz_format_int(out, v.u.i); break;
    case GZ_FLOAT: gz_format_float(out, v.u.f); break;
    case GZ_BOOL: gz_buf_puts(out, v.u.b ? "true" : "false"); break;
    case GZ_TIME: gz_time_to_s(out, v.u.t); break;
    default: gz_value_inspect(out, v, NULL); break;
    }
}

/* #to_i of a plain value (Integer, Float, String, nil). */
static int64_t
rb_to_i(gz_value v)
{
    if (v.type == GZ_INT)
        return v.u.i;
    if (v.type == GZ_FLOAT)
        return v.u.f >= 9.2e18 ? INT64_MAX : v.u.f <= -9.2e18 ? INT64_MIN : (int64_t)v.u.f;
    if (v.type != GZ_STRING)
        return 0;
    const char *p = v.u.s, *e = v.u.s + v.len;
    while (p < e && rb_space(*p))
        p++;
    bool neg = p < e && *p == '-';
    if (p < e && (*p == '-' || *p == '+'))
        p++;
    int64_t r = 0;
    for (; p < e; p++) {
        if (*p == '_' && p + 1 < e && p[1] >= '0' && p[1] <= '9' && p[-1] >= '0' && p[-1] <= '9')
            continue;
        if (*p < '0' || *p > '9')
            break;
        r = r > (INT64_MAX - 9) / 10 ? INT64_MAX : r * 10 + (*p - '0');
    }
    return neg ? -r : r;
}

void
site_pv2_join(gz_buf *out, gz_str a, gz_str b)
{
    /* rb_file_join: a's trailing slashes go when b starts with one;
     * otherwise one is added when a has none */
    size_t n = a.len;
    while (n && a.p[n - 1] == '/')
        n--;
    if (b.len && b.p[0] == '/')
        gz_buf_put(out, a.p, n);
    else {
        gz_buf_put(out, a.p, a.len);
        if (n == a.len)
            gz_buf_putc(out, '/');
    }
    gz_buf_put_str(out, b);
}

void
site_pv2_sub(gz_buf *out, gz_str s, gz_str pat, gz_str rep)
{
    long at = gz_str_find(s, pat, 0);
    if (at < 0) {
        gz_buf_put_str(out, s);
        return;
    }
    gz_buf_put(out, s.p, (size_t)at);
    /* the replacement's back-references: \0 \& the match, \` \' before
     * and after it, \1..\9 (no groups) nothing, \\ a backslash */
    for (size_t i = 0; i < rep.len; i++) {
        char c = rep.p[i];
        if (c != '\\' || i + 1 == rep.len) {
            gz_buf_putc(out, c);
            continue;
        }
        char n = rep.p[++i];
        if (n == '0' || n == '&')
            gz_buf_put_str(out, pat);
        else if (n == '`')
            gz_buf_put(out, s.p, (size_t)at);
        else if (n == '\'')
            gz_buf_put(out, s.p + at + pat.len, s.len - (size_t)at - pat.len);
        else if (n >= '1' && n <= '9') {
        } else if (n == '\\')
            gz_buf_putc(out, '\\');
        else {
            gz_buf_putc(out, '\\');
            gz_buf_putc(out, n);
        }
    }
    gz_buf_put(out, s.p + at + pat.len, s.len - (size_t)at - pat.len);
}

/* ---- keys ------------------------------------------------------------------- */

typedef struct keys_cb {
    site_pv2_key_fn fn;
    void *self;
} keys_cb;

static void
key_piece(void *self, gz_str raw)
{
    keys_cb *k = self;
    gz_buf low = GZ_BUF_INIT;
    gz_utf8_downcase(&low, raw);
    k->fn(k->self, rb_strip(gz_buf_str(&low)), raw);
    gz_buf_free(&low);
}

static void
key_item(void *self, gz_str item)
{
    rb_split(rb_strip(item), false, key_piece, self);
}

void
site_pv2_keys(gz_value v, site_pv2_key_fn fn, void *self)
{
    /* index_posts_by: skip nil, empty and blank values; a string is a
     * list split at ; , and white space */
    keys_cb k = { fn, self };
    if (v.type == GZ_STRING) {
        rb_split(gz_value_str(v), true, key_item, &k);
    } else if (v.type == GZ_ARRAY) {
        gz_buf b = GZ_BUF_INIT;
        for (size_t i = 0; i < v.u.a->len; i++) {
            gz_buf_clear(&b);
            rb_to_s(&b, v.u.a->items[i]);
            key_item(&k, gz_buf_str(&b));
        }
        gz_buf_free(&b);
    }
}

/* ---- destinations and lines ------------------------------------------------ */

const char *
site_pv2_dest(site *s, gz_str url, const char *output_ext)
{
    /* in_dest_dir(URL.unescape_path(url)): File.expand_path(path, "/") */
    gz_buf raw = GZ_BUF_INIT, out = GZ_BUF_INIT;
    site_url_unescape(&raw, url);
    gz_str r = gz_buf_str(&raw);
    for (size_t i = 0; i < r.len;) {
        size_t j = i;
        while (j < r.len && r.p[j] != '/')
            j++;
        gz_str seg = gz_str_n(r.p + i, j - i);
        if (!seg.len || gz_str_eq_c(seg, ".")) {
        } else if (gz_str_eq_c(seg, "..")) {
            while (out.len && out.data[out.len - 1] != '/')
                out.len--;
            if (out.len)
                out.len--;
        } else {
            if (out.len)
                gz_buf_putc(&out, '/');
            gz_buf_put_str(&out, seg);
        }
        i = j + 1;
    }
    if (url.len && url.p[url.len - 1] == '/')
        gz_buf_puts(&out, out.len ? "/index" : "index");
    if (!gz_str_ends_with(gz_buf_str(&out), S(output_ext)))
        gz_buf_puts(&out, output_ext);
    const char *d = dup_buf(s, &out);
    gz_buf_free(&raw);
    gz_buf_free(&out);
    return d;
}

int
site_pv2_line(site *s, const char *relpath, const char *key, bool as_key)
{
    gz_buf p = GZ_BUF_INIT;
    gz_buf_printf(&p, "%s/%s", s->source, relpath);
    FILE *f = fopen(p.data, "rb");
    gz_buf_free(&p);
    if (!f)
        return 0;
    char line[4096];
    size_t kl = strlen(key);
    int n = 0, found = 0;
    while (!found && fgets(line, sizeof line, f)) {
        n++;
        const char *q = line;
        while (*q == ' ' || *q == '\t' || *q == '-')
            q++;
        if (*q == '"' || *q == '\'')
            q++;
        if (as_key ? !strncmp(q, key, kl) && strchr(":\"' \t", q[kl]) : strstr(line, key) != NULL)
            found = n;
    }
    fclose(f);
    return found;
}

/* ---- configuration ------------------------------------------------------------ */

/* PaginateV2::Generator::DEFAULT, in its order. */
static gz_hash *
default_config(gz_arena *a)
{
    gz_hash *h = gz_hash_new(a, 16);
    gz_hash_set(a, h, S("enabled"), gz_bool(false));
    gz_hash_set(a, h, S("collection"), cstr("posts"));
    gz_hash_set(a, h, S("offset"), gz_int(0));
    gz_hash_set(a, h, S("per_page"), gz_int(10));
    gz_hash_set(a, h, S("permalink"), cstr("/page:num/"));
    gz_hash_set(a, h, S("title"), cstr(":title - page :num"));
    gz_hash_set(a, h, S("page_num"), gz_int(1));
    gz_hash_set(a, h, S("sort_reverse"), gz_bool(false));
    gz_hash_set(a, h, S("sort_field"), cstr("date"));
    gz_hash_set(a, h, S("limit"), gz_int(0));
    gz_hash *trail = gz_hash_new(a, 2);
    gz_hash_set(a, trail, S("before"), gz_int(0));
    gz_hash_set(a, trail, S("after"), gz_int(0));
    gz_hash_set(a, h, S("trail"), gz_hash_value(trail));
    gz_hash_set(a, h, S("indexpage"), gz_nil());
    gz_hash_set(a, h, S("extension"), cstr("html"));
    gz_hash_set(a, h, S("debug"), gz_bool(false));
    gz_hash_set(a, h, S("legacy"), gz_bool(false));
    return h;
}

/* PaginateV2::AutoPages::DEFAULT. */
static gz_hash *
default_autopages(gz_arena *a)
{
    static const struct {
        const char *kind, *layout, *title, *permalink;
    } k[] = {
        { "tags", "autopage_tags.html", "Posts tagged with :tag", "/tag/:tag" },
        { "categories", "autopage_category.html", "Posts in category :cat", "/category/:cat" },
        { "collections", "autopage_collection.html", "Posts in collection :coll",
          "/collection/:coll" },
    };
    gz_hash *h = gz_hash_new(a, 4);
    gz_hash_set(a, h, S("enabled"), gz_bool(false));
    for (int i = 0; i < 3; i++) {
        gz_hash *t = gz_hash_new(a, 6);
        gz_array *layouts = gz_array_new(a, 1);
        gz_array_push(a, layouts, cstr(k[i].layout));
        gz_hash_set(a, t, S("layouts"), gz_array_value(layouts));
        gz_hash_set(a, t, S("title"), cstr(k[i].title));
        gz_hash_set(a, t, S("permalink"), cstr(k[i].permalink));
        gz_hash_set(a, t, S("enabled"), gz_bool(true));
        gz_hash *slug = gz_hash_new(a, 2);
        gz_hash_set(a, slug, S("mode"), cstr("none"));
        gz_hash_set(a, slug, S("cased"), gz_bool(false));
        gz_hash_set(a, t, S("slugify"), gz_hash_value(slug));
        gz_hash_set(a, h, S(k[i].kind), gz_hash_value(t));
    }
    return h;
}

/* ---- documents of a collection spec, indexed once ------------------------- */

/* Keys of one kind (categories, tags, locale): per document its key ids,
 * per key the positions of its documents (ascending). */
typedef struct pv2_index {
    gz_hash *ids;       /* key -> GZ_INT id */
    size_t nkeys;
    uint32_t *doc_start; /* n + 1 */
    uint32_t *key_of;
    uint32_t *key_start; /* nkeys + 1 */
    uint32_t *pos_of;
} pv2_index;

enum { IX_CATEGORIES, IX_TAGS, IX_LOCALE, IX_N };
static const char *const ix_field[IX_N] = { "categories", "tags", "locale" };
static const char *const ix_config[IX_N] = { "category", "tag", "locale" };

typedef struct pv2_pool {
    const char *spec;   /* the collection names asked for, one per line */
    site_doc **docs;    /* get_docs_in_collections: hidden documents out */
    size_t n;
    uint32_t *canon;    /* position of the document's first occurrence */
    pv2_index ix[IX_N];
    struct pv2_pool *next;
} pv2_pool;

typedef struct pv2 {
    site *s;
    gz_diags *d;
    gz_hash *config;    /* DEFAULT merged with the site's pagination: */
    pv2_pool *pools;
    uint32_t *stamp;    /* scratch per pool position */
    size_t nstamp;
    uint32_t epoch;
    gz_hash *reported;  /* errors already given */
    size_t npaged;      /* listing pages made */
    const char *defaults_for; /* the page name `defaults` are for */
    gz_hash *defaults;
} pv2;

typedef struct vec32 {
    uint32_t *v;
    size_t n, cap;
} vec32;

static void
vec_push(vec32 *v, uint32_t x)
{
    if (v->n == v->cap) {
        v->cap = v->cap ? v->cap * 2 : 64;
        v->v = gz_xrealloc(v->v, v->cap * sizeof *v->v);
    }
    v->v[v->n++] = x;
}

typedef struct index_build {
    site *s;
    pv2_index *ix;
    vec32 *keys;
    size_t doc_from; /* this document's keys start here in keys */
} index_build;

static void
index_key(void *self, gz_str key, gz_str raw)
{
    (void)raw;
    index_build *b = self;
    gz_value *idv = gz_hash_get(b->ix->ids, key);
    uint32_t id;
    if (idv)
        id = (uint32_t)idv->u.i;
    else {
        id = (uint32_t)b->ix->nkeys++;
        gz_hash_set(b->s->arena, b->ix->ids, gz_str_c(dup_str(b->s, key)), gz_int(id));
    }
    for (size_t i = b->doc_from; i < b->keys->n; i++)
        if (b->keys->v[i] == id)
            return;
    vec_push(b->keys, id);
}

static void
index_build_one(site *s, pv2_pool *p, int kind)
{
    pv2_index *ix = &p->ix[kind];
    ix->ids = gz_hash_new(s->arena, 64);
    ix->doc_start = gz_arena_alloc(s->arena, (p->n + 1) * sizeof *ix->doc_start);
    vec32 keys = { 0 };
    index_build b = { s, ix, &keys, 0 };
    for (size_t i = 0; i < p->n; i++) {
        ix->doc_start[i] = (uint32_t)keys.n;
        b.doc_from = keys.n;
        gz_value *v = gz_hash_get(p->docs[i]->data, S(ix_field[kind]));
        if (v)
            site_pv2_keys(*v, index_key, &b);
    }
    ix->doc_start[p->n] = (uint32_t)keys.n;
    ix->key_of = gz_arena_alloc(s->arena, (keys.n + 1) * sizeof *ix->key_of);
    if (keys.n)
        memcpy(ix->key_of, keys.v, keys.n * sizeof *keys.v);
    /* documents per key, by counting */
    ix->key_start = gz_arena_calloc(s->arena, ix->nkeys + 2, sizeof *ix->key_start);
    for (size_t i = 0; i < keys.n; i++)
        ix->key_start[keys.v[i] + 2]++;
    for (size_t k = 2; k < ix->nkeys + 2; k++)
        ix->key_start[k] += ix->key_start[k - 1];
    ix->pos_of = gz_arena_alloc(s->arena, (keys.n + 1) * sizeof *ix->pos_of);
    for (size_t i = 0; i < p->n; i++)
        for (uint32_t j = ix->doc_start[i]; j < ix->doc_start[i + 1]; j++)
            ix->pos_of[ix->key_start[ix->key_of[j] + 1]++] = (uint32_t)i;
    free(keys.v);
}

typedef struct names {
    gz_buf spec;
} names;

static void
name_piece(void *self, gz_str piece)
{
    names *n = self;
    gz_buf low = GZ_BUF_INIT;
    gz_utf8_downcase(&low, piece);
    gz_buf_put_str(&n->spec, rb_strip(gz_buf_str(&low)));
    gz_buf_putc(&n->spec, '\n');
    gz_buf_free(&low);
}

/* The collection names of a `collection` value, one per line (downcased,
 * stripped); false when it is neither a string nor a list. */
static bool
collection_spec(gz_value v, gz_buf *spec)
{
    names n = { GZ_BUF_INIT };
    if (v.type == GZ_STRING)
        rb_split(gz_value_str(v), true, name_piece, &n);
    else if (v.type == GZ_ARRAY) {
        gz_buf b = GZ_BUF_INIT;
        for (size_t i = 0; i < v.u.a->len; i++) {
            gz_buf_clear(&b);
            rb_to_s(&b, v.u.a->items[i]);
            name_piece(&n, gz_buf_str(&b));
        }
        gz_buf_free(&b);
    } else {
        gz_buf_free(&n.spec);
        return false;
    }
    gz_buf_put_str(spec, gz_buf_str(&n.spec));
    gz_buf_free(&n.spec);
    return true;
}

static void
pool_add_coll(site *s, site_coll *c, site_doc ***docs, size_t *n, size_t *cap)
{
    (void)s;
    for (size_t i = 0; i < c->ndocs; i++) {
        site_doc *d = c->docs[i];
        if (gz_hash_get(d->data, S("pagination")) || gz_truthy(site_data_get(d, "hidden")))
            continue;
        if (*n == *cap) {
            *cap = *cap ? *cap * 2 : 256;
            *docs = gz_xrealloc(*docs, *cap * sizeof **docs);
        }
        (*docs)[(*n)++] = d;
    }
}

static pv2_pool *
pool_for(pv2 *g, const char *spec)
{
    for (pv2_pool *p = g->pools; p; p = p->next)
        if (!strcmp(p->spec, spec))
            return p;
    site *s = g->s;
    pv2_pool *p = gz_arena_calloc(s->arena, 1, sizeof *p);
    p->spec = spec;
    site_doc **docs = NULL;
    size_t n = 0, cap = 0;
    /* a copy of the collections asked for, each time it is named: the
     * same collection named twice is listed twice, as in the plugin */
    site_coll **seen = gz_arena_calloc(s->arena, s->ncolls + 1, sizeof *seen);
    size_t *seen_at = gz_arena_calloc(s->arena, s->ncolls + 1, sizeof *seen_at);
    size_t nseen = 0;
    vec32 canon = { 0 };
    for (const char *l = spec; *l;) {
        const char *e = strchr(l, '\n');
        gz_str name = gz_str_n(l, (size_t)(e - l));
        l = e + 1;
        for (size_t c = 0; c < s->ncolls; c++) {
            site_coll *coll = s->colls[c];
            bool want = gz_str_eq_c(name, "all") ? coll != s->posts
                                                 : gz_str_eq_c(name, coll->label);
            if (!want)
                continue;
            size_t first = SIZE_MAX;
            for (size_t k = 0; k < nseen; k++)
                if (seen[k] == coll)
                    first = seen_at[k];
            size_t from = n;
            if (first == SIZE_MAX && nseen < s->ncolls) {
                seen[nseen] = coll;
                seen_at[nseen++] = from;
            }
            pool_add_coll(s, coll, &docs, &n, &cap);
            for (size_t k = from; k < n; k++)
                vec_push(&canon, (uint32_t)(first == SIZE_MAX ? k : first + (k - from)));
        }
    }
    p->n = n;
    p->docs = gz_arena_alloc(s->arena, (n + 1) * sizeof *p->docs);
    if (n)
        memcpy(p->docs, docs, n * sizeof *docs);
    p->canon = gz_arena_alloc(s->arena, (n + 1) * sizeof *p->canon);
    if (n)
        memcpy(p->canon, canon.v, n * sizeof *canon.v);
    free(docs);
    free(canon.v);
    for (int k = 0; k < IX_N; k++)
        index_build_one(s, p, k);
    p->next = g->pools;
    g->pools = p;
    if (g->nstamp < n + 1) {
        free(g->stamp);
        g->nstamp = n + 1;
        g->stamp = gz_xcalloc(g->nstamp, sizeof *g->stamp);
        g->epoch = 0;
    }
    return p;
}

static uint32_t
next_epoch(pv2 *g)
{
    if (++g->epoch == 0) {
        memset(g->stamp, 0, g->nstamp * sizeof *g->stamp);
        g->epoch = 1;
    }
    return g->epoch;
}

/* ---- filtering (read_config_value_and_filter_posts) ----------------------- */

typedef struct filter_keys {
    site *s;
    vec32 *kinds;
    gz_array *keys;
} filter_keys;

static void
filter_key_piece(void *self, gz_str piece)
{
    filter_keys *f = self;
    gz_buf low = GZ_BUF_INIT;
    gz_utf8_downcase(&low, piece);
    gz_str k = rb_strip(gz_buf_str(&low));
    gz_array_push(f->s->arena, f->keys, gz_string_copy(f->s->arena, k.p, k.len));
    gz_buf_free(&low);
}

/* Keeps in `list` (pool positions, unique) those that have key `key` of
 * kind `kind`; list == NULL means every document of the pool. */
static void
filter_by(pv2 *g, pv2_pool *p, int kind, gz_str key, vec32 *list, bool *all)
{
    pv2_index *ix = &p->ix[kind];
    if (kind == IX_CATEGORIES && gz_str_eq_c(key, "posts")) {
        /* all_categories['posts'] is every document */
        if (*all) {
            list->n = 0;
            for (size_t i = 0; i < p->n; i++)
                if (p->canon[i] == i)
                    vec_push(list, (uint32_t)i);
            *all = false;
        }
        return;
    }
    gz_value *idv = gz_hash_get(ix->ids, key);
    if (!idv) {
        list->n = 0;
        *all = false;
        return;
    }
    uint32_t id = (uint32_t)idv->u.i;
    if (*all) {
        /* posts & index[key]: the key's documents, each once */
        uint32_t ep = next_epoch(g);
        list->n = 0;
        for (uint32_t j = ix->key_start[id]; j < ix->key_start[id + 1]; j++) {
            uint32_t c = p->canon[ix->pos_of[j]];
            if (g->stamp[c] != ep) {
                g->stamp[c] = ep;
                vec_push(list, c);
            }
        }
        *all = false;
        return;
    }
    size_t w = 0;
    for (size_t i = 0; i < list->n; i++) {
        uint32_t pos = list->v[i];
        bool has = false;
        for (uint32_t j = ix->doc_start[pos]; j < ix->doc_start[pos + 1] && !has; j++)
            has = ix->key_of[j] == id;
        if (has)
            list->v[w++] = pos;
    }
    list->n = w;
}

/* ---- sorting (Utils.sort_values over sort_get_post_data) ------------------ */

typedef struct sort_key {
    gz_value v;
    gz_str low;   /* strings: downcased */
    int64_t sec;  /* times, as DateTime */
    int32_t nsec;
} sort_key;

typedef struct sorter {
    sort_key *keys;
    bool failed;
    size_t bad_a, bad_b;
} sorter;

static bool
is_num(gz_value v)
{
    return v.type == GZ_INT || v.type == GZ_FLOAT;
}

static int
cmp_num(gz_value a, gz_value b)
{
    if (a.type == GZ_INT && b.type == GZ_INT)
        return a.u.i < b.u.i ? -1 : a.u.i > b.u.i;
    long double x = a.type == GZ_INT ? (long double)a.u.i : (long double)a.u.f;
    long double y = b.type == GZ_INT ? (long double)b.u.i : (long double)b.u.f;
    return x < y ? -1 : x > y;
}

static int
cmp_bytes(gz_str a, gz_str b)
{
    size_t n = a.len < b.len ? a.len : b.len;
    int c = n ? memcmp(a.p, b.p, n) : 0;
    if (c)
        return c < 0 ? -1 : 1;
    return a.len < b.len ? -1 : a.len > b.len;
}

static int
sort_cmp(sorter *st, uint32_t ia, uint32_t ib)
{
    const sort_key *a = &st->keys[ia], *b = &st->keys[ib];
    bool an = a->v.type == GZ_NIL, bn = b->v.type == GZ_NIL;
    if (an && !bn)
        return -1;
    if (!an && bn)
        return 1;
    if (an && bn)
        return 0;
    if (a->v.type == GZ_STRING) {
        if (b->v.type == GZ_STRING)
            return cmp_bytes(a->low, b->low);
    } else if (a->v.type == GZ_TIME && b->v.type == GZ_TIME) {
        if (a->sec != b->sec)
            return a->sec < b->sec ? -1 : 1;
        return a->nsec < b->nsec ? -1 : a->nsec > b->nsec;
    } else if (is_num(a->v) && is_num(b->v)) {
        return cmp_num(a->v, b->v);
    } else if (a->v.type == GZ_BOOL && b->v.type == GZ_BOOL && a->v.u.b == b->v.u.b) {
        return 0;
    }
    /* Ruby raises (no downcase, or <=> gives nil): the build fails */
    if (!st->failed) {
        st->failed = true;
        st->bad_a = ia;
        st->bad_b = ib;
    }
    return 0;
}

/* glibc's msort, which Ruby's sort! uses on Linux: halves (the first
 * n/2), each sorted, merged taking from the left on ties. */
static void
msort(sorter *st, uint32_t *v, uint32_t *tmp, size_t n)
{
    if (n <= 1)
        return;
    size_t n1 = n / 2, n2 = n - n1;
    uint32_t *b1 = v, *b2 = v + n1;
    msort(st, b1, tmp, n1);
    msort(st, b2, tmp, n2);
    size_t k = 0;
    while (n1 > 0 && n2 > 0) {
        if (sort_cmp(st, *b1, *b2) <= 0) {
            tmp[k++] = *b1++;
            n1--;
        } else {
            tmp[k++] = *b2++;
            n2--;
        }
    }
    if (n1 > 0)
        memcpy(tmp + k, b1, n1 * sizeof *tmp);
    memcpy(v, tmp, (n - n2) * sizeof *tmp);
}

typedef struct field_parts {
    site *s;
    gz_array *parts;
} field_parts;

static void
field_piece(void *self, gz_str piece)
{
    field_parts *f = self;
    gz_buf low = GZ_BUF_INIT;
    gz_utf8_downcase(&low, piece);
    gz_str k = rb_strip(gz_buf_str(&low));
    gz_array_push(f->s->arena, f->parts, gz_string_copy(f->s->arena, k.p, k.len));
    gz_buf_free(&low);
}

/* String#split(":") */
static void
split_colon(gz_str s, piece_fn fn, void *self)
{
    size_t n = 0, cap = 0, start = 0;
    gz_str *v = NULL;
    for (size_t i = 0; i <= s.len; i++)
        if (i == s.len || s.p[i] == ':') {
            if (n == cap) {
                cap = cap ? cap * 2 : 8;
                v = gz_xrealloc(v, cap * sizeof *v);
            }
            v[n++] = gz_str_n(s.p + start, i - start);
            start = i + 1;
        }
    while (n && !v[n - 1].len)
        n--;
    for (size_t i = 0; i < n; i++)
        fn(self, v[i]);
    free(v);
}

/* ---- the templates ---------------------------------------------------------------- */

/* A bad pagination setting of a template: located in the file that sets
 * it (the page's front matter, or its layout's for an autopage) when that
 * file's own settings (`own`) have the key, else in _config.yml. */
typedef struct origin {
    const char *file;
    const gz_hash *own;
} origin;

static void
config_error(pv2 *g, origin o, const char *key, const char *fmt, const char *what)
{
    const char *file = o.own && gz_hash_get(o.own, S(key)) ? o.file : "_config.yml";
    gz_buf m = GZ_BUF_INIT;
    gz_buf_printf(&m, "%s: ", file);
    gz_buf_printf(&m, fmt, what);
    /* the same setting shared by many templates is reported once */
    gz_str msg = gz_buf_str(&m);
    if (!gz_hash_get(g->reported, msg)) {
        const char *copy = gz_arena_strndup(g->s->arena, m.data, m.len);
        gz_hash_set(g->s->arena, g->reported, gz_str_c(copy), gz_bool(true));
        gz_diags_add(g->d, GZ_ERROR, file, site_pv2_line(g->s, file, key, true), 0, "%s",
                     m.data + strlen(file) + 2);
    }
    gz_buf_free(&m);
}

static void
describe(gz_buf *b, gz_value v)
{
    if (v.type == GZ_STRING) {
        gz_buf_putc(b, '"');
        gz_buf_put_str(b, gz_value_str(v));
        gz_buf_putc(b, '"');
    } else
        gz_value_inspect(b, v, NULL);
}

/* Utils.format_page_number: the first :num, then the first :max. */
static void
page_number(gz_buf *out, const char *fmt, long num, long total)
{
    gz_buf a = GZ_BUF_INIT, n = GZ_BUF_INIT;
    gz_buf_printf(&n, "%ld", num);
    site_pv2_sub(&a, S(fmt), S(":num"), gz_buf_str(&n));
    gz_buf_clear(&n);
    gz_buf_printf(&n, "%ld", total);
    site_pv2_sub(out, gz_buf_str(&a), S(":max"), gz_buf_str(&n));
    gz_buf_free(&a);
    gz_buf_free(&n);
}

static const char *
page_number_s(site *s, const char *fmt, long num, long total)
{
    gz_buf b = GZ_BUF_INIT;
    page_number(&b, fmt, num, total);
    const char *r = dup_buf(s, &b);
    gz_buf_free(&b);
    return r;
}

/* Utils.ensure_full_path */
static void
full_path(gz_buf *out, gz_str url, gz_str index, gz_str ext)
{
    gz_buf_put_str(out, url);
    if (url.len && url.p[url.len - 1] == '/') {
        gz_buf_put_str(out, index);
        gz_buf_put_str(out, ext);
    } else if (!url.len || !memchr(url.p, '.', url.len))
        gz_buf_put_str(out, index);
}

static bool
is_md_ext(const site *s, gz_str ext)
{
    if (ext.len < 2)
        return false;
    gz_buf low = GZ_BUF_INIT;
    gz_utf8_downcase(&low, gz_str_n(ext.p + 1, ext.len - 1));
    bool hit = false;
    for (size_t i = 0; i < s->nmd_exts && !hit; i++)
        hit = gz_str_eq(s->md_exts[i], gz_buf_str(&low));
    gz_buf_free(&low);
    return hit;
}

/* File.extname */
static const char *
extname(const char *name)
{
    const char *base = strrchr(name, '/');
    base = base ? base + 1 : name;
    while (*base == '.')
        base++;
    const char *dot = strrchr(base, '.');
    return dot ? dot : "";
}

/* Page#dir of the template: its URL if that ends in '/', else the URL's folder. */
static void
template_dir(gz_buf *out, const site_doc *t)
{
    size_t n = strlen(t->url);
    if (n && t->url[n - 1] == '/') {
        gz_buf_puts(out, t->url);
        return;
    }
    const char *sl = strrchr(t->url, '/');
    size_t k = sl ? (size_t)(sl - t->url) : 0;
    gz_buf_put(out, t->url, k);
    gz_buf_putc(out, '/');
}

/* PaginationModel#paginate for one template; false on an error. */
static bool
paginate(pv2 *g, site_doc *t, gz_hash *cfg, origin o, site_listing *L)
{
    site *s = g->s;
    gz_arena *a = s->arena;
    gz_buf b = GZ_BUF_INIT;

    /* per_page: a positive integer (the plugin divides by per_page.to_i) */
    gz_value per = hget(cfg, "per_page");
    long per_page = 0;
    if (per.type == GZ_INT && per.u.i > 0 && per.u.i <= 1000000000)
        per_page = (long)per.u.i;
    else if (per.type == GZ_STRING && per.len && per.len < 10 &&
             strspn(per.u.s, "0123456789") == per.len && rb_to_i(per) > 0)
        per_page = (long)rb_to_i(per);
    if (!per_page) {
        describe(&b, per);
        config_error(g, o, "per_page",
                     "pagination: per_page must be a positive integer, not %s", b.data);
        gz_buf_free(&b);
        return false;
    }
    static const char *const strings[] = { "permalink", "title" };
    for (int k = 0; k < 2; k++) {
        gz_value v = hget(cfg, strings[k]);
        if (v.type != GZ_STRING) {
            gz_buf_clear(&b);
            describe(&b, v);
            gz_buf m = GZ_BUF_INIT;
            gz_buf_printf(&m, "pagination: %s must be a string, not %%s", strings[k]);
            config_error(g, o, strings[k], m.data, b.data);
            gz_buf_free(&m);
            gz_buf_free(&b);
            return false;
        }
    }
    gz_value ip = hget(cfg, "indexpage"), ex = hget(cfg, "extension");
    if ((ip.type != GZ_NIL && (ip.type != GZ_STRING || !ip.len || ip.u.s[0] == '.')) ||
        (ex.type != GZ_NIL && ex.type != GZ_STRING)) {
        const char *key = ip.type != GZ_NIL && (ip.type != GZ_STRING || !ip.len || ip.u.s[0] == '.')
                              ? "indexpage"
                              : "extension";
        gz_buf_clear(&b);
        describe(&b, hget(cfg, key));
        gz_buf m = GZ_BUF_INIT;
        gz_buf_printf(&m, "pagination: %s must be a file name, not %%s", key);
        config_error(g, o, key, m.data, b.data);
        gz_buf_free(&m);
        gz_buf_free(&b);
        return false;
    }

    /* the documents: collection(s), then the filters */
    gz_buf spec = GZ_BUF_INIT;
    if (!collection_spec(hget(cfg, "collection"), &spec)) {
        gz_buf_clear(&b);
        describe(&b, hget(cfg, "collection"));
        config_error(g, o, "collection",
                     "pagination: collection must be a name or a list of names, not %s", b.data);
        gz_buf_free(&b);
        gz_buf_free(&spec);
        return false;
    }
    pv2_pool *p = pool_for(g, dup_buf(s, &spec));
    gz_buf_free(&spec);
    vec32 list = { 0 };
    bool all = true;
    gz_array *fkeys[IX_N];
    for (int k = 0; k < IX_N; k++) {
        fkeys[k] = gz_array_new(a, 2);
        gz_value v = hget(cfg, ix_config[k]);
        filter_keys f = { s, NULL, fkeys[k] };
        if (v.type == GZ_NIL)
            continue;
        if (v.type == GZ_STRING)
            rb_split(gz_value_str(v), false, filter_key_piece, &f);
        else if (v.type == GZ_ARRAY) {
            for (size_t i = 0; i < v.u.a->len; i++) {
                gz_buf_clear(&b);
                rb_to_s(&b, v.u.a->items[i]);
                filter_key_piece(&f, gz_buf_str(&b));
            }
        } else {
            gz_buf_clear(&b);
            describe(&b, v);
            gz_buf m = GZ_BUF_INIT;
            gz_buf_printf(&m, "pagination: %s must be a name or a list of names, not %%s",
                          ix_config[k]);
            config_error(g, o, ix_config[k], m.data, b.data);
            gz_buf_free(&m);
            gz_buf_free(&b);
            free(list.v);
            return false;
        }
        for (size_t i = 0; i < fkeys[k]->len; i++)
            filter_by(g, p, k, gz_value_str(fkeys[k]->items[i]), &list, &all);
    }
    if (all) {
        list.n = 0;
        for (size_t i = 0; i < p->n; i++)
            vec_push(&list, (uint32_t)i);
    }

    /* sort_field, offset (from the end, as Array#pop), sort_reverse */
    gz_value sf = hget(cfg, "sort_field");
    size_t n = list.n;
    if (gz_truthy(sf)) {
        gz_buf_clear(&b);
        rb_to_s(&b, sf);
        field_parts fp = { s, gz_array_new(a, 2) };
        split_colon(gz_buf_str(&b), field_piece, &fp);
        sort_key *keys = gz_xcalloc(n + 1, sizeof *keys);
        gz_buf lows = GZ_BUF_INIT;
        size_t *low_at = gz_xcalloc(n + 1, sizeof *low_at);
        bool bad = false;
        for (size_t i = 0; i < n && !bad; i++) {
            gz_value v = gz_hash_value(p->docs[list.v[i]]->data);
            for (size_t k = 0; k < fp.parts->len && v.type != GZ_NIL; k++) {
                if (v.type != GZ_HASH) {
                    bad = true;
                    break;
                }
                gz_value *nv = gz_hash_get(v.u.h, gz_value_str(fp.parts->items[k]));
                v = nv ? *nv : gz_nil();
            }
            if (bad) {
                gz_buf m = GZ_BUF_INIT;
                gz_buf_printf(&m, "pagination: sort_field '%s' goes through a value of %s that is "
                                  "not a mapping",
                              b.data, p->docs[list.v[i]]->relpath);
                config_error(g, o, "sort_field", "%s", m.data);
                gz_buf_free(&m);
                break;
            }
            if (v.type == GZ_HASH)
                v = gz_nil();
            keys[i].v = v;
            if (v.type == GZ_STRING) {
                low_at[i] = lows.len;
                gz_utf8_downcase(&lows, gz_value_str(v));
                keys[i].low.len = lows.len - low_at[i];
            } else if (v.type == GZ_TIME) {
                if (v.u.t->date_only) {
                    /* Date#to_datetime: midnight UTC of the date */
                    gz_civil c = gz_time_civil(v.u.t);
                    keys[i].sec = gz_days_from_civil(c.year, c.month, c.day) * 86400;
                } else {
                    keys[i].sec = v.u.t->sec;
                    keys[i].nsec = v.u.t->nsec;
                }
            }
        }
        for (size_t i = 0; i < n; i++)
            if (keys[i].v.type == GZ_STRING)
                keys[i].low.p = lows.data + low_at[i];
        if (!bad) {
            /* sort positions 0..n-1 of `list` by their keys */
            uint32_t *ord = gz_xmalloc((n + 1) * sizeof *ord);
            uint32_t *tmp = gz_xmalloc((n + 1) * sizeof *tmp);
            for (size_t i = 0; i < n; i++)
                ord[i] = (uint32_t)i;
            sorter st = { keys, false, 0, 0 };
            msort(&st, ord, tmp, n);
            if (st.failed) {
                gz_buf m = GZ_BUF_INIT;
                const site_doc *da = p->docs[list.v[st.bad_a]], *db = p->docs[list.v[st.bad_b]];
                gz_buf_printf(&m, "pagination: cannot sort by '%s': %s has %s and %s has %s",
                              b.data, da->relpath, gz_type_name(keys[st.bad_a].v.type),
                              db->relpath, gz_type_name(keys[st.bad_b].v.type));
                config_error(g, o, "sort_field", "%s", m.data);
                gz_buf_free(&m);
                bad = true;
            } else {
                for (size_t i = 0; i < n; i++)
                    tmp[i] = list.v[ord[i]];
                if (n)
                    memcpy(list.v, tmp, n * sizeof *tmp);
            }
            free(ord);
            free(tmp);
        }
        free(keys);
        free(low_at);
        gz_buf_free(&lows);
        if (bad) {
            gz_buf_free(&b);
            free(list.v);
            return false;
        }
        int64_t off = rb_to_i(hget(cfg, "offset"));
        n = off <= 0 ? n : (size_t)off >= n ? 0 : n - (size_t)off;
        if (gz_truthy(hget(cfg, "sort_reverse")))
            for (size_t i = 0, j = n; i + 1 < j; i++, j--) {
                uint32_t x = list.v[i];
                list.v[i] = list.v[j - 1];
                list.v[j - 1] = x;
            }
    }
    L->docs = gz_arena_alloc(a, (n + 1) * sizeof *L->docs);
    for (size_t i = 0; i < n; i++)
        L->docs[i] = p->docs[list.v[i]];
    L->ndocs = n;
    free(list.v);
    L->per_page = per_page;
    long total = (long)((n + (size_t)per_page - 1) / (size_t)per_page);
    int64_t limit = rb_to_i(hget(cfg, "limit"));
    if (limit > 0 && limit < total)
        total = (long)limit;
    if (total == 0)
        total = 1;
    L->total_pages = total;
    gz_value trail = hget(cfg, "trail");
    if (trail.type == GZ_HASH && total > 1) {
        int64_t tb = rb_to_i(hget(trail.u.h, "before")), ta = rb_to_i(hget(trail.u.h, "after"));
        L->trail_before = tb > 0 ? (long)(tb < 1000000 ? tb : 1000000) : 0;
        L->trail_after = ta > 0 ? (long)(ta < 1000000 ? ta : 1000000) : 0;
    }

    /* what it lists, for whoever needs to know (site_listing) */
    size_t ncoll = 0;
    for (const char *q = p->spec; *q; q++)
        ncoll += *q == '\n';
    L->collections = gz_arena_calloc(a, ncoll + 1, sizeof *L->collections);
    for (const char *q = p->spec; *q;) {
        const char *e = strchr(q, '\n');
        L->collections[L->ncollections++] = gz_arena_strndup(a, q, (size_t)(e - q));
        q = e + 1;
    }
    const char ***lists[IX_N] = { &L->categories, &L->tags, &L->locales };
    size_t *counts[IX_N] = { &L->ncategories, &L->ntags, &L->nlocales };
    for (int k = 0; k < IX_N; k++) {
        *lists[k] = gz_arena_calloc(a, fkeys[k]->len + 1, sizeof **lists[k]);
        for (size_t i = 0; i < fkeys[k]->len; i++)
            (*lists[k])[i] = fkeys[k]->items[i].u.s;
        *counts[k] = fkeys[k]->len;
    }

    /* URLs: page 1 at the template's permalink (or folder), the others at
     * the permalink setting below it */
    gz_value tperm = site_data_get(t, "permalink");
    gz_buf first = GZ_BUF_INIT, paged = GZ_BUF_INIT;
    if (gz_truthy(tperm)) {
        gz_buf_clear(&b);
        rb_to_s(&b, tperm);
        gz_buf_put_str(&first, gz_buf_str(&b));
        if (!first.len || first.data[first.len - 1] != '/')
            gz_buf_putc(&first, '/');
    } else
        template_dir(&first, t);
    site_pv2_join(&paged, gz_buf_str(&first), gz_value_str(hget(cfg, "permalink")));
    gz_buf iname = GZ_BUF_INIT, iext = GZ_BUF_INIT;
    if (ip.type == GZ_STRING) {
        const char *dot = memchr(ip.u.s, '.', ip.len);
        gz_buf_put(&iname, ip.u.s, dot ? (size_t)(dot - ip.u.s) : ip.len);
    }
    if (ex.type == GZ_STRING) {
        if (!ex.len || ex.u.s[0] != '.')
            gz_buf_putc(&iext, '.');
        gz_buf_put_str(&iext, gz_value_str(ex));
    }
    gz_buf name = GZ_BUF_INIT;
    gz_buf_put_str(&name, gz_buf_str(&iname));
    gz_buf_put_str(&name, gz_buf_str(&iext));
    gz_str def_index = iname.len ? gz_buf_str(&iname) : S("index");
    gz_str def_ext = iext.len ? gz_buf_str(&iext) : S(".html");
    gz_buf this_first = GZ_BUF_INIT, this_paged = GZ_BUF_INIT;
    full_path(&this_first, gz_buf_str(&first), def_index, def_ext);
    full_path(&this_paged, gz_buf_str(&paged), def_index, def_ext);
    if (iname.len) {
        gz_buf f2 = GZ_BUF_INIT, p2 = GZ_BUF_INIT;
        full_path(&f2, gz_buf_str(&first), gz_buf_str(&iname), gz_buf_str(&iext));
        full_path(&p2, gz_buf_str(&paged), gz_buf_str(&iname), gz_buf_str(&iext));
        gz_buf_free(&first);
        gz_buf_free(&paged);
        first = f2;
        paged = p2;
    }
    L->first_url = dup_buf(s, &first);
    L->paged_url = dup_buf(s, &paged);
    const char *this_first_s = dup_buf(s, &this_first), *this_paged_s = dup_buf(s, &this_paged);
    const char *page_name = dup_buf(s, &name);
    const char *ext = extname(page_name);
    bool md = is_md_ext(s, S(ext));
    /* Liquid sees the defaults of the page's own relative path (its name);
     * Jekyll's own lookups (the layout) follow the template's */
    if (!g->defaults_for || strcmp(g->defaults_for, page_name)) {
        g->defaults_for = page_name;
        g->defaults = site_defaults_for(s, page_name, "pages");
    }
    gz_hash *defaults = g->defaults;
    gz_value tlayout = site_data_get(t, "layout");
    bool keep_layout = !gz_hash_get(t->data, S("layout")) &&
                       !gz_value_equal(tlayout, hget(defaults, "layout"));

    /* the content every page renders: the template's, but nothing for an
     * autopage (its layout is what shows) */
    gz_value ap = site_data_get(t, "autopage");
    const char *body = "";
    if (!gz_truthy(ap)) {
        gz_buf_clear(&b);
        if (t->inline_body)
            gz_buf_puts(&b, t->inline_body);
        else if (!site_doc_body(s, t, &b, g->d)) {
            gz_buf *bufs[] = { &b, &first, &paged, &this_first, &this_paged, &iname, &iext, &name };
            for (size_t i = 0; i < sizeof bufs / sizeof *bufs; i++)
                gz_buf_free(bufs[i]);
            return false;
        }
        body = dup_buf(s, &b);
    }
    gz_value title0 = site_data_get(t, "title");
    if (!gz_truthy(title0))
        title0 = site_cfg(s, "title");
    gz_buf ttl = GZ_BUF_INIT;
    rb_to_s(&ttl, title0);
    gz_str title_s = gz_buf_str(&ttl);
    gz_value title_fmt = hget(cfg, "title");

    gz_value ap_copy = ap.type == GZ_HASH && gz_hash_get(ap.u.h, S("display_name"))
                           ? gz_hash_value(site_deep_merge(a, ap.u.h, NULL))
                           : gz_nil();
    L->pages = gz_arena_alloc(a, (size_t)total * sizeof *L->pages);
    L->paths = gz_arena_alloc(a, (size_t)total * sizeof *L->paths);
    for (long num = 1; num <= total; num++) {
        site_doc *np = gz_arena_calloc(a, 1, sizeof *np);
        np->kind = SITE_PAGE;
        np->name = page_name;
        np->relpath = page_name; /* PathManager.join(nil, name) */
        np->ext = ext;
        np->markdown = md;
        np->output_ext = md ? ".html" : ext;
        np->dir = "";
        np->has_front = true;
        np->defaults = defaults;
        np->inline_body = body;
        np->body_line = t->body_line;
        np->listing = L;
        np->listing_page = num;
        const char *path = page_number_s(s, num == 1 ? this_first_s : this_paged_s, num, total);
        L->paths[num - 1] = path;
        gz_buf u = GZ_BUF_INIT;
        gz_str ps = S(path);
        if (ps.len && ps.p[ps.len - 1] == '/')
            site_pv2_join(&u, ps, S(page_name));
        else {
            gz_buf_put_str(&u, ps);
            if (!gz_str_ends_with(ps, gz_buf_str(&iext)))
                gz_buf_put_str(&u, gz_buf_str(&iext));
        }
        np->url = dup_buf(s, &u);
        np->dest_rel = site_pv2_dest(s, gz_buf_str(&u), np->output_ext);
        gz_buf_free(&u);
        /* data: the template's, and what the plugin adds */
        gz_hash *data = gz_hash_new(a, t->data->len + 6);
        for (size_t i = 0; i < t->data->len; i++)
            gz_hash_set(a, data, t->data->entries[i].key, t->data->entries[i].value);
        if (ap_copy.type == GZ_HASH)
            gz_hash_set(a, data, S("autopages"), ap_copy);
        gz_hash *info = gz_hash_new(a, 2);
        gz_hash_set(a, info, S("curr_page"), gz_int(num));
        gz_hash_set(a, info, S("total_pages"), gz_int(total));
        gz_hash_set(a, data, S("pagination_info"), gz_hash_value(info));
        if (gz_truthy(tperm)) {
            gz_hash_set(a, data, S("permalink"), cstr(path));
            /* Renderer#output_ext: the permalink's extension first */
            const char *sl = strrchr(path, '/');
            const char *pe = extname(sl ? sl + 1 : path);
            if (*pe && path[strlen(path) - 1] != '/')
                np->output_ext = pe;
        }
        if (keep_layout)
            gz_hash_set(a, data, S("layout"), tlayout);
        if (num > 1) {
            gz_buf tb = GZ_BUF_INIT, tb2 = GZ_BUF_INIT;
            site_pv2_sub(&tb, gz_value_str(title_fmt), S(":title"), title_s);
            page_number(&tb2, tb.data ? tb.data : "", num, total);
            gz_hash_set(a, data, S("title"), gz_string_from_buf(a, &tb2));
            gz_buf_free(&tb);
            gz_buf_free(&tb2);
            gz_hash_set(a, data, S("autogen"), cstr("jekyll-paginate-v2"));
        } else
            gz_hash_set(a, data, S("title"), title0);
        np->data = data;
        L->pages[num - 1] = np;
    }
    gz_buf_free(&ttl);
    gz_buf_free(&b);
    gz_buf_free(&first);
    gz_buf_free(&paged);
    gz_buf_free(&this_first);
    gz_buf_free(&this_paged);
    gz_buf_free(&iname);
    gz_buf_free(&iext);
    gz_buf_free(&name);
    return true;
}

static bool
has_liquid(const char *text)
{
    return strstr(text, "{%") || strstr(text, "{{");
}

/* Jekyll parses a page's Liquid once per path (LiquidRenderer#file keys
 * its cache by document.path), and every page of a listing has the same
 * path (".html", or the indexpage), as has every unpaginated autopage
 * ("index.html", like the site's own index.html): each of them with Liquid
 * in its content renders the template of the first page of that path to
 * be rendered with Liquid, in site.pages order. Generated pages are the
 * ones with an inline body; `ours` holds their paths. */
static void
share_templates(site *s, gz_hash *ours, gz_diags *d)
{
    gz_hash *first = gz_hash_new(s->arena, 16);
    gz_buf b = GZ_BUF_INIT;
    for (size_t i = 0; i < s->npages; i++) {
        site_doc *p = s->pages[i];
        gz_str rel = S(p->relpath);
        if (!gz_hash_get(ours, rel))
            continue;
        gz_value rwl = site_data_get(p, "render_with_liquid");
        bool yaml = !strcmp(p->ext, ".yml") || !strcmp(p->ext, ".yaml");
        if ((rwl.type == GZ_BOOL && !rwl.u.b) || yaml)
            continue;
        const char *body = p->inline_body;
        if (!body) {
            gz_buf_clear(&b);
            if (!site_doc_body(s, p, &b, d))
                continue;
            body = gz_arena_strndup(s->arena, b.data ? b.data : "", b.len);
        }
        if (!has_liquid(body))
            continue;
        gz_value *f = gz_hash_get(first, rel);
        if (!f)
            gz_hash_set(s->arena, first, rel, gz_string(body, strlen(body)));
        else if (p->inline_body)
            p->inline_body = f->u.s;
    }
    gz_buf_free(&b);
}

static bool
in_plugins(const site *s, const char *name, size_t *at)
{
    gz_value p = site_cfg(s, "plugins");
    if (p.type != GZ_ARRAY)
        return false;
    for (size_t i = 0; i < p.u.a->len; i++)
        if (p.u.a->items[i].type == GZ_STRING && !strcmp(p.u.a->items[i].u.s, name)) {
            *at = i;
            return true;
        }
    return false;
}

static void
push_page(site *s, site_doc ***pages, size_t *n, size_t *cap, site_doc *p)
{
    (void)s;
    if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 64;
        *pages = gz_xrealloc(*pages, *cap * sizeof **pages);
    }
    (*pages)[(*n)++] = p;
}

void
site_paginate_v2_add(site *s, gz_diags *d)
{
    size_t at_v2, at_feed;
    if (!in_plugins(s, "jekyll-paginate-v2", &at_v2))
        return;
    gz_arena *a = s->arena;
    gz_value legacy = site_cfg(s, "paginate"), pcfg = site_cfg(s, "pagination"),
             acfg = site_cfg(s, "autopages");
    if (legacy.type != GZ_NIL) {
        int line = site_pv2_line(s, "_config.yml", "paginate", true);
        if (pcfg.type != GZ_NIL)
            gz_diags_add(d, GZ_ERROR, "_config.yml", line, 0,
                         "The new jekyll-paginate-v2 and the old jekyll-paginate logic cannot both "
                         "be configured in the site config at the same time: remove 'paginate:'");
        else
            gz_diags_add(d, GZ_ERROR, "_config.yml", line, 0,
                         "jekyll-paginate-v2 no longer reads the legacy 'paginate:' setting "
                         "(its compatibility mode expired on 2018-01-01): use 'pagination:' "
                         "(see docs/pagination.md)");
        return;
    }
    static const char *const keys[] = { "pagination", "autopages" };
    gz_value vals[] = { pcfg, acfg };
    for (int k = 0; k < 2; k++)
        if (vals[k].type != GZ_NIL && vals[k].type != GZ_HASH) {
            int line = site_pv2_line(s, "_config.yml", keys[k], true);
            gz_diags_add(d, GZ_ERROR, "_config.yml", line, 0,
                         "'%s' must be a mapping (jekyll-paginate-v2)", keys[k]);
            return;
        }
    pv2 g = { .s = s, .d = d, .reported = gz_hash_new(a, 4) };
    g.config = site_deep_merge(a, default_config(a), pcfg.type == GZ_HASH ? pcfg.u.h : NULL);
    gz_hash *ap = site_deep_merge(a, default_autopages(a), acfg.type == GZ_HASH ? acfg.u.h : NULL);

    /* jekyll-feed's pages: made before these when it comes first among
     * the plugins (generators of one priority run in that order) */
    size_t nfeed = 0;
    bool feed_after = s->feed && in_plugins(s, "jekyll-feed", &at_feed) && at_feed > at_v2;
    site_doc **feed = NULL;
    if (feed_after) {
        feed = gz_xmalloc((s->npages + 1) * sizeof *feed);
        size_t w = 0;
        for (size_t i = 0; i < s->npages; i++) {
            if (s->pages[i]->inline_body && !s->pages[i]->page_num)
                feed[nfeed++] = s->pages[i];
            else
                s->pages[w++] = s->pages[i];
        }
        s->npages = w;
    }

    site_autopage *aps = NULL;
    size_t naps = 0, ap_first = s->npages;
    bool ok = site_autopages_add(s, ap, g.config, &aps, &naps, d);
    if (ok && gz_truthy(hget(g.config, "enabled"))) {
        site_doc **out = NULL;
        size_t nout = 0, capout = 0;
        site_doc **made = NULL;
        size_t nmade = 0, capmade = 0;
        for (size_t i = 0; i < s->npages; i++) {
            site_doc *t = s->pages[i];
            gz_value pg = site_data_get(t, "pagination");
            if (pg.type != GZ_HASH || !gz_truthy(hget(pg.u.h, "enabled"))) {
                push_page(s, &out, &nout, &capout, t);
                continue;
            }
            gz_hash *cfg = site_deep_merge(a, g.config, pg.u.h);
            /* title_suffix (deprecated): ":title" + suffix when there is no title */
            gz_value suffix = hget(cfg, "title_suffix");
            if (suffix.type != GZ_NIL) {
                if (hget(cfg, "title").type == GZ_NIL) {
                    gz_buf tb = GZ_BUF_INIT;
                    gz_buf_puts(&tb, ":title");
                    rb_to_s(&tb, suffix);
                    gz_hash_set(a, cfg, S("title"), gz_string_from_buf(a, &tb));
                    gz_buf_free(&tb);
                }
                gz_hash_delete(cfg, S("title_suffix"));
            }
            site_listing *L = gz_arena_calloc(a, 1, sizeof *L);
            L->tmpl = t;
            L->kind = SITE_LISTING_PAGE;
            L->source = t->relpath;
            gz_value *own = gz_hash_get(t->data, S("pagination"));
            origin o = { t->relpath, own && own->type == GZ_HASH ? own->u.h : NULL };
            if (i >= ap_first && i - ap_first < naps && aps[i - ap_first].doc == t) {
                const site_autopage *x = &aps[i - ap_first];
                L->kind = x->kind;
                L->key = x->key;
                L->source = x->layout;
                o = (origin){ x->layout, x->own };
            }
            if (!paginate(&g, t, cfg, o, L)) {
                ok = false;
                continue;
            }
            for (long k = 0; k < L->total_pages; k++)
                push_page(s, &made, &nmade, &capmade, L->pages[k]);
            g.npaged += (size_t)L->total_pages;
        }
        if (ok) {
            /* the templates leave site.pages; their pages follow the rest */
            size_t total = nout + nmade;
            if (total > s->cappages) {
                s->cappages = total;
                s->pages = gz_xrealloc(s->pages, s->cappages * sizeof *s->pages);
            }
            if (nout)
                memcpy(s->pages, out, nout * sizeof *out);
            if (nmade)
                memcpy(s->pages + nout, made, nmade * sizeof *made);
            s->npages = total;
        }
        free(out);
        free(made);
    }
    for (size_t i = 0; i < nfeed; i++) {
        if (s->npages == s->cappages) {
            s->cappages = s->cappages ? s->cappages * 2 : 16;
            s->pages = gz_xrealloc(s->pages, s->cappages * sizeof *s->pages);
        }
        s->pages[s->npages++] = feed[i];
    }
    if (ok && naps + g.npaged) {
        gz_hash *ours = gz_hash_new(a, 8);
        for (size_t i = 0; i < s->npages; i++)
            if (s->pages[i]->listing || (s->pages[i]->inline_body && !s->pages[i]->page_num &&
                                         !strcmp(s->pages[i]->relpath, "index.html")))
                gz_hash_set(a, ours, S(s->pages[i]->relpath), gz_bool(true));
        share_templates(s, ours, d);
    }
    free(feed);
    free(aps);
    free(g.stamp);
}

/* ---- the paginator ------------------------------------------------------------ */

static uint64_t
fnv(uint64_t h, const void *p, size_t n)
{
    const unsigned char *c = p;
    for (size_t i = 0; i < n; i++)
        h = (h ^ c[i]) * 1099511628211ull;
    return h;
}

uint64_t
site_listing_fingerprint(const site_doc *d)
{
    const site_listing *L = d->listing;
    uint64_t h = 14695981039346656037ull;
    if (!L)
        return h;
    h = fnv(h, d->url, strlen(d->url) + 1);
    long nums[3] = { d->listing_page, L->total_pages, L->per_page };
    h = fnv(h, nums, sizeof nums);
    h = fnv(h, &L->ndocs, sizeof L->ndocs);
    size_t init = (size_t)(d->listing_page - 1) * (size_t)L->per_page;
    for (size_t k = init; k < L->ndocs && k < init + (size_t)L->per_page; k++)
        h = fnv(h, L->docs[k]->relpath, strlen(L->docs[k]->relpath) + 1);
    return h;
}

void
site_paginate_v2_payload(site *s)
{
    gz_arena *a = s->arena;
    for (size_t i = 0; i < s->npages; i++) {
        site_doc *p = s->pages[i];
        const site_listing *L = p->listing;
        if (!L)
            continue;
        long num = p->listing_page, total = L->total_pages, per = L->per_page;
        size_t init = (size_t)(num - 1) * (size_t)per;
        gz_array *posts = gz_array_new(a, (size_t)per);
        for (size_t k = init; k < L->ndocs && k < init + (size_t)per; k++)
            gz_array_push(a, posts, gz_drop_value(site_doc_drop(s, L->docs[k])));
        gz_hash *h = gz_hash_new(a, 16);
        gz_hash_set(a, h, S("per_page"), gz_int(per));
        gz_hash_set(a, h, S("posts"), gz_array_value(posts));
        gz_hash_set(a, h, S("total_posts"), gz_int((int64_t)L->ndocs));
        gz_hash_set(a, h, S("total_pages"), gz_int(total));
        gz_hash_set(a, h, S("page"), gz_int(num));
        gz_hash_set(a, h, S("page_path"), cstr(L->paths[num - 1]));
        gz_hash_set(a, h, S("previous_page"), num != 1 ? gz_int(num - 1) : gz_nil());
        const char *prev = num == 1   ? NULL
                           : num == 2 ? page_number_s(s, L->first_url, 1, total)
                                      : page_number_s(s, L->paged_url, num - 1, total);
        gz_hash_set(a, h, S("previous_page_path"), cstr(prev));
        gz_hash_set(a, h, S("next_page"), num != total ? gz_int(num + 1) : gz_nil());
        const char *next = num != total ? page_number_s(s, L->paged_url, num + 1, total) : NULL;
        gz_hash_set(a, h, S("next_page_path"), cstr(next));
        gz_hash_set(a, h, S("first_page"), gz_int(1));
        gz_hash_set(a, h, S("first_page_path"), cstr(page_number_s(s, L->first_url, 1, total)));
        gz_hash_set(a, h, S("last_page"), gz_int(total));
        gz_hash_set(a, h, S("last_page_path"), cstr(page_number_s(s, L->paged_url, total, total)));
        /* page_trail: `before` pages before this one and `after` after it,
         * the window shifted to keep its length at the ends */
        gz_value trail = gz_nil();
        if (L->trail_before > 0 || L->trail_after > 0) {
            long len = L->trail_before + L->trail_after + 1;
            long from = num - L->trail_before - 1 > 0 ? num - L->trail_before - 1 : 0;
            long to = from + len < total ? from + len : total;
            if (to - from < len)
                from = from - (len - (to - from)) > 0 ? from - (len - (to - from)) : 0;
            gz_array *arr = gz_array_new(a, (size_t)(to - from));
            for (long k = from; k < to; k++) {
                gz_hash *e = gz_hash_new(a, 3);
                gz_hash_set(a, e, S("num"), gz_int(k + 1));
                gz_hash_set(a, e, S("path"), cstr(L->paths[k]));
                gz_hash_set(a, e, S("title"), hget(L->pages[k]->data, "title"));
                gz_array_push(a, arr, gz_hash_value(e));
            }
            trail = gz_array_value(arr);
        }
        gz_hash_set(a, h, S("page_trail"), trail);
        p->pager = h;
    }
}
