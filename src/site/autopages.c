/* jekyll-paginate-v2's AutoPages: with `autopages: enabled: true`, one
 * page per tag, category and collection (in that order, each in the order
 * the keys first appear over every collection's documents), for each
 * layout the kind lists. An autopage is the layout file read as a page:
 * its front matter, plus the permalink and title made from the key, the
 * layout itself as `layout`, the pagination config with the key as a
 * filter, and `autopage` (layout_path, display_name). With pagination
 * enabled each autopage is then a template of paginate_v2.c; otherwise it
 * renders as it is, the layout's body being its content.
 *
 * Each layout file is read once, however many keys use it; the keys come
 * from one pass over the documents. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "site/internal.h"

static gz_str
S(const char *s)
{
    return gz_str_c(s);
}

static gz_value
hget(const gz_hash *h, const char *key)
{
    gz_value *v = h ? gz_hash_get(h, S(key)) : NULL;
    return v ? *v : gz_nil();
}

/* A layout as BaseAutoPage reads it: _layouts/NAME, always. */
typedef struct ap_layout {
    const char *name;     /* as configured: "autopage_category.html" */
    const char *relpath;  /* "_layouts/autopage_category.html" */
    const char *layout;   /* File.basename(name, File.extname(name)) */
    gz_hash *fm;          /* its front matter */
    const char *body;
    int body_line;
    struct ap_layout *next;
} ap_layout;

typedef struct ap_ctx {
    site *s;
    gz_diags *d;
    ap_layout *layouts;
    gz_hash *keys;        /* key -> raw (display name), first appearance */
} ap_ctx;

static ap_layout *
load_layout(ap_ctx *c, const char *name, const char *kind)
{
    site *s = c->s;
    for (ap_layout *l = c->layouts; l; l = l->next)
        if (!strcmp(l->name, name))
            return l;
    gz_buf rel = GZ_BUF_INIT, path = GZ_BUF_INIT, text = GZ_BUF_INIT;
    gz_buf_printf(&rel, "_layouts/%s", name);
    gz_buf_printf(&path, "%s/%s", s->source, rel.data);
    FILE *f = strstr(name, "..") ? NULL : fopen(path.data, "rb");
    ap_layout *l = NULL;
    if (!f) {
        int e = errno;
        int line = site_pv2_line(s, "_config.yml", name, false);
        if (!line)
            line = site_pv2_line(s, "_config.yml", kind, true);
        if (!line)
            line = site_pv2_line(s, "_config.yml", "autopages", true);
        gz_diags_add(c->d, GZ_ERROR, "_config.yml", line, 0,
                     "autopages: the %s layout '%s' cannot be read from %s (%s): add it, list "
                     "another under autopages.%s.layouts, or set autopages.%s.enabled: false",
                     kind, name, rel.data, strerror(e), kind, kind);
        goto done;
    }
    char tmp[65536];
    size_t n;
    while ((n = fread(tmp, 1, sizeof tmp, f)) > 0)
        gz_buf_put(&text, tmp, n);
    fclose(f);
    l = gz_arena_calloc(s->arena, 1, sizeof *l);
    l->name = name;
    l->relpath = gz_arena_strndup(s->arena, rel.data, rel.len);
    const char *base = strrchr(name, '/');
    base = base ? base + 1 : name;
    const char *dot = strrchr(base, '.');
    l->layout = gz_arena_strndup(s->arena, base, dot && dot != base ? (size_t)(dot - base)
                                                                    : strlen(base));
    gz_str all = gz_buf_str(&text), yaml;
    size_t off = 0;
    int line = 1;
    l->fm = gz_hash_new(s->arena, 4);
    if (site_front_split(all, &yaml, &off, &line) == GZ_FM_FOUND) {
        char *copy = gz_arena_strndup(s->arena, yaml.p, yaml.len);
        gz_value v;
        if (!site_yaml(s->arena, gz_str_n(copy, yaml.len), l->relpath, s->tz, &v, c->d)) {
            l = NULL;
            goto done;
        }
        if (v.type == GZ_HASH)
            l->fm = v.u.h;
    } else
        off = 0;
    l->body = gz_arena_strndup(s->arena, all.p ? all.p + off : "", all.len - off);
    l->body_line = line;
    static const char *const hashes[] = { "pagination", "autopages" };
    for (int k = 0; k < 2; k++) {
        gz_value v = hget(l->fm, hashes[k]);
        if (v.type != GZ_NIL && v.type != GZ_HASH) {
            int at = site_pv2_line(s, l->relpath, hashes[k], true);
            gz_diags_add(c->d, GZ_ERROR, l->relpath, at, 0,
                         "'%s' in the front matter of an autopage layout must be a mapping",
                         hashes[k]);
            l = NULL;
            goto done;
        }
    }
    l->next = c->layouts;
    c->layouts = l;
done:
    gz_buf_free(&rel);
    gz_buf_free(&path);
    gz_buf_free(&text);
    return l;
}

static void
collect_key(void *self, gz_str key, gz_str raw)
{
    ap_ctx *c = self;
    if (gz_hash_get(c->keys, key))
        return;
    gz_arena *a = c->s->arena;
    gz_hash_set(a, c->keys, gz_str_c(gz_arena_strndup(a, key.p, key.len)),
                gz_string_copy(a, raw.p, raw.len));
}

/* Utils.format_*_macro: the first :cat (:tag, :coll) replaced by the key
 * slugified with the kind's slugify options. */
static bool
macro(ap_ctx *c, gz_buf *out, gz_value pattern, const char *mac, gz_str key, gz_value slug,
      const char *kind, const char *what)
{
    site *s = c->s;
    if (pattern.type != GZ_STRING) {
        gz_diags_add(c->d, GZ_ERROR, "_config.yml", site_pv2_line(s, "_config.yml", what, true), 0,
                     "autopages.%s.%s must be a string", kind, what);
        return false;
    }
    gz_value mode = slug.type == GZ_HASH ? hget(slug.u.h, "mode") : gz_nil();
    bool has_mode = slug.type == GZ_HASH && gz_hash_get(slug.u.h, S("mode"));
    bool cased = slug.type == GZ_HASH && gz_truthy(hget(slug.u.h, "cased"));
    gz_buf sl = GZ_BUF_INIT;
    const char *m = !has_mode || mode.type == GZ_NIL ? NULL
                    : mode.type == GZ_STRING         ? mode.u.s
                                                     : "(not a mode)";
    site_slugify(&sl, key, m, cased);
    site_pv2_sub(out, gz_value_str(pattern), S(mac), gz_buf_str(&sl));
    gz_buf_free(&sl);
    return true;
}

bool
site_autopages_add(site *s, gz_hash *ap, gz_hash *pg, site_autopage **out, size_t *nout,
                   gz_diags *d)
{
    *out = NULL;
    *nout = 0;
    if (!gz_truthy(hget(ap, "enabled")))
        return true;
    gz_arena *a = s->arena;
    ap_ctx c = { .s = s, .d = d };
    size_t errs = d->errors;

    /* collect_all_docs: every collection's documents but those with a
     * `pagination` key, each told its collection (data "__coll") */
    size_t ndocs = 0;
    for (size_t i = 0; i < s->ncolls; i++)
        ndocs += s->colls[i]->ndocs;
    site_doc **docs = gz_xmalloc((ndocs + 1) * sizeof *docs);
    ndocs = 0;
    for (size_t i = 0; i < s->ncolls; i++)
        for (size_t k = 0; k < s->colls[i]->ndocs; k++) {
            site_doc *doc = s->colls[i]->docs[k];
            if (gz_hash_get(doc->data, S("pagination")))
                continue;
            gz_hash_set(a, doc->data, S("__coll"),
                        gz_string(s->colls[i]->label, strlen(s->colls[i]->label)));
            docs[ndocs++] = doc;
        }

    static const struct {
        const char *kind, *field, *macro, *filter;
        site_listing_kind lk;
    } kinds[] = {
        { "tags", "tags", ":tag", "tag", SITE_LISTING_TAG },
        { "categories", "categories", ":cat", "category", SITE_LISTING_CATEGORY },
        { "collections", "__coll", ":coll", "collection", SITE_LISTING_COLLECTION },
    };
    size_t cap = 0;
    gz_hash *defaults = site_defaults_for(s, "index.html", "pages");
    for (int k = 0; k < 3 && d->errors == errs; k++) {
        gz_value sub = hget(ap, kinds[k].kind);
        if (sub.type == GZ_NIL)
            continue;
        if (sub.type != GZ_HASH) {
            int line = site_pv2_line(s, "_config.yml", kinds[k].kind, true);
            gz_diags_add(d, GZ_ERROR, "_config.yml", line, 0, "autopages.%s must be a mapping",
                         kinds[k].kind);
            break;
        }
        if (!gz_truthy(hget(sub.u.h, "enabled")))
            continue;
        gz_value layouts = hget(sub.u.h, "layouts");
        bool good = layouts.type == GZ_ARRAY;
        for (size_t i = 0; good && i < layouts.u.a->len; i++)
            good = layouts.u.a->items[i].type == GZ_STRING;
        if (!good) {
            int line = site_pv2_line(s, "_config.yml", "layouts", true);
            gz_diags_add(d, GZ_ERROR, "_config.yml", line, 0,
                         "autopages.%s.layouts must be a list of layout file names", kinds[k].kind);
            break;
        }
        ap_layout **ls = gz_arena_calloc(a, layouts.u.a->len + 1, sizeof *ls);
        for (size_t i = 0; i < layouts.u.a->len; i++)
            ls[i] = load_layout(&c, layouts.u.a->items[i].u.s, kinds[k].kind);
        if (d->errors != errs)
            break;
        c.keys = gz_hash_new(a, 64);
        for (size_t i = 0; i < ndocs; i++) {
            gz_value *v = gz_hash_get(docs[i]->data, S(kinds[k].field));
            if (v)
                site_pv2_keys(*v, collect_key, &c);
        }
        gz_value slug = hget(sub.u.h, "slugify");
        for (size_t ki = 0; ki < c.keys->len && d->errors == errs; ki++) {
            gz_str key = c.keys->entries[ki].key;
            gz_value raw = c.keys->entries[ki].value;
            for (size_t li = 0; li < layouts.u.a->len; li++) {
                ap_layout *L = ls[li];
                gz_value lpg = hget(L->fm, "pagination"), lap = hget(L->fm, "autopages");
                gz_hash *pcfg = site_deep_merge(a, pg, lpg.type == GZ_HASH ? lpg.u.h : NULL);
                gz_hash *acfg = site_deep_merge(a, sub.u.h, lap.type == GZ_HASH ? lap.u.h : NULL);
                gz_hash_set(a, pcfg, S(kinds[k].filter), gz_str_value(key));
                gz_buf perm = GZ_BUF_INIT, title = GZ_BUF_INIT, url = GZ_BUF_INIT;
                if (!macro(&c, &perm, hget(acfg, "permalink"), kinds[k].macro, key, slug,
                           kinds[k].kind, "permalink") ||
                    !macro(&c, &title, hget(acfg, "title"), kinds[k].macro, key, slug,
                           kinds[k].kind, "title")) {
                    gz_buf_free(&perm);
                    gz_buf_free(&title);
                    break;
                }
                site_doc *p = gz_arena_calloc(a, 1, sizeof *p);
                p->kind = SITE_PAGE;
                p->name = "index.html";
                p->ext = ".html";
                p->output_ext = ".html";
                p->dir = "";
                p->has_front = true;
                p->inline_body = L->body;
                p->body_line = L->body_line;
                /* relative_path is taken (and kept) while the layout is
                 * read, before the page has a folder: "index.html" */
                p->relpath = "index.html";
                p->defaults = defaults;
                site_pv2_join(&url, gz_buf_str(&perm), S("index.html"));
                p->url = gz_arena_strndup(a, url.data, url.len);
                p->dest_rel = site_pv2_dest(s, gz_buf_str(&url), ".html");
                gz_hash *data = gz_hash_new(a, L->fm->len + 6);
                for (size_t i = 0; i < L->fm->len; i++)
                    gz_hash_set(a, data, L->fm->entries[i].key, L->fm->entries[i].value);
                gz_hash_set(a, data, S("permalink"), gz_string_from_buf(a, &perm));
                gz_hash_set(a, data, S("layout"), gz_string(L->layout, strlen(L->layout)));
                gz_hash_set(a, data, S("title"), gz_string_from_buf(a, &title));
                gz_hash_set(a, data, S("pagination"), gz_hash_value(pcfg));
                gz_hash *info = gz_hash_new(a, 2);
                gz_hash_set(a, info, S("layout_path"), gz_string(L->relpath, strlen(L->relpath)));
                gz_hash_set(a, info, S("display_name"), raw);
                gz_hash_set(a, data, S("autopage"), gz_hash_value(info));
                p->data = data;
                gz_buf_free(&perm);
                gz_buf_free(&title);
                gz_buf_free(&url);
                if (s->npages == s->cappages) {
                    s->cappages = s->cappages ? s->cappages * 2 : 16;
                    s->pages = gz_xrealloc(s->pages, s->cappages * sizeof *s->pages);
                }
                s->pages[s->npages++] = p;
                if (*nout == cap) {
                    cap = cap ? cap * 2 : 64;
                    *out = gz_xrealloc(*out, cap * sizeof **out);
                }
                (*out)[(*nout)++] = (site_autopage){
                    .doc = p,
                    .kind = kinds[k].lk,
                    .key = gz_arena_strndup(a, key.p, key.len),
                    .layout = L->relpath,
                    .own = lpg.type == GZ_HASH ? lpg.u.h : NULL,
                };
            }
        }
    }
    free(docs);
    return d->errors == errs;
}
