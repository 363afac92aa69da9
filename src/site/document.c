/* Documents (posts, drafts, collection documents) and pages: front
 * matter, defaults by scope, the data Jekyll derives from the file name
 * (date, slug, title, ext), categories and tags. The content itself is
 * not kept: site_doc_body reads it again when the document renders. */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/utf8.h"
#include "site/internal.h"

static gz_str
S(const char *s)
{
    return gz_str_c(s);
}

gz_value
site_data_get(const site_doc *doc, const char *key)
{
    gz_value *v = doc->data ? gz_hash_get(doc->data, gz_str_c(key)) : NULL;
    if (v)
        return *v;
    v = doc->defaults ? gz_hash_get(doc->defaults, gz_str_c(key)) : NULL;
    return v ? *v : gz_nil();
}

/* The whole file at `rel` (relative to the source, which resolves two
 * path components instead of a dozen), read straight into `out` (sized
 * by fstat first); *st is the file's status. */
static bool
read_all(const site *s, const char *rel, gz_buf *out, struct stat *st_out)
{
    int fd = openat(s->source_fd, rel, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    struct stat st;
    bool ok = fstat(fd, &st) == 0;
    if (ok && st_out)
        *st_out = st;
    if (ok && S_ISDIR(st.st_mode)) {
        errno = EISDIR;
        ok = false;
    }
    if (ok && st.st_size > 0)
        gz_buf_grow(out, (size_t)st.st_size + 1);
    while (ok) {
        if (out->cap - out->len <= 1)
            gz_buf_grow(out, 65536);
        ssize_t n = read(fd, out->data + out->len, out->cap - out->len - 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            ok = n == 0;
            break;
        }
        out->len += (size_t)n;
        out->data[out->len] = 0;
        /* all the bytes the status promised: no read just to see the end
         * (a file that grew since has a newer status, seen next build) */
        if (S_ISREG(st.st_mode) && out->len == (size_t)st.st_size)
            break;
    }
    int e = errno;
    close(fd);
    errno = e;
    return ok;
}

/* ---- dates ---------------------------------------------------------------- */

bool
site_parse_date(site *s, gz_value v, gz_time *out)
{
    gz_time t;
    if (v.type == GZ_TIME && !v.u.t->date_only) {
        t = *v.u.t;
    } else if (v.type == GZ_TIME) {
        gz_civil c = gz_time_civil(v.u.t);
        t = gz_time_from_local(s->tz, c.year, c.month, c.day, 0, 0, 0);
    } else if (v.type == GZ_STRING) {
        if (!gz_time_parse(gz_value_str(v), s->tz, &t))
            return false;
    } else {
        return false;
    }
    *out = gz_time_in_zone(t, s->tz);
    return true;
}

/* ---- front matter defaults --------------------------------------------- */

static gz_str
sanitize_scope(gz_str p)
{
    /* path.gsub(/\A\/|(?<=[^\/])\z/, "") removes one leading slash. */
    if (p.len && p.p[0] == '/') {
        p.p++;
        p.len--;
    }
    return p;
}

static bool
glob_scope(site *s, gz_str rel_path, gz_str scope)
{
    gz_buf pat = GZ_BUF_INIT;
    gz_buf_printf(&pat, "%s/%.*s", s->source, (int)scope.len, scope.p);
    glob_t g;
    bool hit = false;
    if (glob(pat.data, 0, NULL, &g) == 0) {
        size_t sl = strlen(s->source) + 1;
        for (size_t i = 0; i < g.gl_pathc && !hit; i++) {
            const char *r = g.gl_pathv[i];
            if (strlen(r) >= sl)
                r += sl;
            hit = gz_str_starts_with(rel_path, gz_str_c(r));
        }
        globfree(&g);
    }
    gz_buf_free(&pat);
    return hit;
}

static const char *
scope_type(gz_value scope)
{
    gz_value *t = scope.type == GZ_HASH ? gz_hash_get(scope.u.h, S("type")) : NULL;
    if (!t || t->type != GZ_STRING)
        return NULL;
    if (!strcmp(t->u.s, "page"))
        return "pages";
    if (!strcmp(t->u.s, "post"))
        return "posts";
    if (!strcmp(t->u.s, "draft"))
        return "drafts";
    return t->u.s;
}

static gz_str
scope_path(gz_value scope)
{
    gz_value *p = scope.type == GZ_HASH ? gz_hash_get(scope.u.h, S("path")) : NULL;
    if (!p || p->type != GZ_STRING)
        return gz_str_n("", 0);
    return gz_value_str(*p);
}

static bool
applies(site *s, gz_value scope, const char *relpath, const char *type)
{
    const char *st = scope_type(scope);
    bool has_type = scope.type == GZ_HASH && gz_hash_get(scope.u.h, S("type"));
    if (has_type && (!st || !type || strcmp(st, type)))
        return false;
    gz_value *pv = scope.type == GZ_HASH ? gz_hash_get(scope.u.h, S("path")) : NULL;
    if (!pv || pv->type != GZ_STRING || pv->len == 0)
        return true;
    gz_str sp = gz_value_str(*pv);
    gz_str rel = gz_str_c(relpath);
    if (memchr(sp.p, '*', sp.len))
        return glob_scope(s, rel, sp);
    return gz_str_starts_with(rel, sanitize_scope(sp));
}

static bool
has_precedence(gz_value old_scope, bool have_old, gz_value new_scope)
{
    if (!have_old)
        return true;
    gz_str np = sanitize_scope(scope_path(new_scope));
    gz_str op = sanitize_scope(scope_path(old_scope));
    if (np.len != op.len)
        return np.len >= op.len;
    if (new_scope.type == GZ_HASH && gz_hash_get(new_scope.u.h, S("type")))
        return true;
    return !(old_scope.type == GZ_HASH && gz_hash_get(old_scope.u.h, S("type")));
}

gz_hash *
site_defaults_for(site *s, const char *relpath, const char *type)
{
    gz_value sets = site_cfg(s, "defaults");
    if (sets.type != GZ_ARRAY || sets.u.a->len == 0)
        return NULL;
    gz_hash *acc = NULL;
    gz_value old_scope = gz_nil();
    bool have_old = false;
    for (size_t i = 0; i < sets.u.a->len; i++) {
        gz_value set = sets.u.a->items[i];
        if (set.type != GZ_HASH)
            continue;
        gz_value *values = gz_hash_get(set.u.h, S("values"));
        if (!values || values->type != GZ_HASH)
            continue;
        gz_value *sc = gz_hash_get(set.u.h, S("scope"));
        gz_value scope = sc ? *sc : gz_nil();
        if (sc && !applies(s, scope, relpath, type))
            continue;
        if (has_precedence(old_scope, have_old, scope)) {
            acc = site_deep_merge(site_arena(s), acc, values->u.h);
            old_scope = scope;
            have_old = true;
        } else {
            acc = site_deep_merge(site_arena(s), values->u.h, acc);
        }
    }
    if (acc) {
        gz_value *d = gz_hash_get(acc, S("date"));
        gz_time t;
        if (d && site_parse_date(s, *d, &t))
            *d = gz_time_new(site_arena(s), t);
    }
    return acc;
}

/* ---- merging as Document#merge_data! does ------------------------------- */

static gz_array *
split_ws(gz_arena *a, gz_str s)
{
    gz_array *arr = gz_array_new(a, 2);
    size_t i = 0;
    while (i < s.len) {
        while (i < s.len && (s.p[i] == ' ' || s.p[i] == '\t' || s.p[i] == '\n' ||
                             s.p[i] == '\r' || s.p[i] == '\f' || s.p[i] == '\v'))
            i++;
        size_t j = i;
        while (j < s.len && !(s.p[j] == ' ' || s.p[j] == '\t' || s.p[j] == '\n' ||
                              s.p[j] == '\r' || s.p[j] == '\f' || s.p[j] == '\v'))
            j++;
        if (j > i)
            gz_array_push(a, arr, gz_string(s.p + i, j - i));
        i = j;
    }
    return arr;
}

static void
array_union_push(gz_arena *a, gz_array *into, gz_value v)
{
    for (size_t i = 0; i < into->len; i++)
        if (gz_value_equal(into->items[i], v))
            return;
    gz_array_push(a, into, v);
}

static bool
merge_data(site *s, site_doc *doc, gz_hash *other, const char *source, gz_diags *d)
{
    gz_arena *a = site_arena(s);
    gz_value *oc = gz_hash_get(other, S("categories"));
    gz_value cats = gz_nil();
    if (oc && oc->type != GZ_NIL) {
        gz_value nv = *oc;
        if (nv.type == GZ_STRING)
            nv = gz_array_value(split_ws(a, gz_value_str(nv)));
        gz_value *dc = gz_hash_get(doc->data, S("categories"));
        if (dc && dc->type == GZ_ARRAY) {
            gz_array *u = gz_array_new(a, dc->u.a->len + 2);
            for (size_t i = 0; i < dc->u.a->len; i++)
                array_union_push(a, u, dc->u.a->items[i]);
            if (nv.type == GZ_ARRAY)
                for (size_t i = 0; i < nv.u.a->len; i++)
                    array_union_push(a, u, nv.u.a->items[i]);
            else
                array_union_push(a, u, nv);
            nv = gz_array_value(u);
        }
        cats = nv;
    }
    /* doc->data is the document's own: merged in place, not copied */
    site_merge_into(a, doc->data, other);
    if (cats.type != GZ_NIL)
        gz_hash_set(a, doc->data, S("categories"), cats);
    gz_value *dv = gz_hash_get(doc->data, S("date"));
    if (dv) {
        gz_time t;
        gz_buf txt = GZ_BUF_INIT;
        if (!site_parse_date(s, *dv, &t)) {
            if (dv->type == GZ_STRING)
                gz_buf_put_str(&txt, gz_value_str(*dv));
            gz_diags_add(d, GZ_ERROR, doc->relpath, 0, 0,
                         "Invalid date '%s': Document '%s' does not have a valid date in the %s.",
                         txt.data ? txt.data : "", doc->relpath, source);
            gz_buf_free(&txt);
            return false;
        }
        *dv = gz_time_new(a, t);
        doc->date = t;
    }
    return true;
}

/* pluralized_array_from_hash(hash, singular, plural) */
static gz_array *
pluralized(site *s, site_doc *doc, const char *singular, const char *plural)
{
    gz_arena *a = site_arena(s);
    gz_array *out = gz_array_new(a, 2);
    gz_value v = site_data_get(doc, singular);
    bool have = gz_hash_get(doc->data, gz_str_c(singular)) || v.type != GZ_NIL;
    if (!have || v.type == GZ_NIL) {
        v = gz_nil();
        gz_value pv = site_data_get(doc, plural);
        if (pv.type == GZ_STRING)
            v = gz_array_value(split_ws(a, gz_value_str(pv)));
        else if (pv.type == GZ_ARRAY)
            v = pv;
    }
    /* [value].flatten.compact, iteratively with a bounded depth */
    if (v.type == GZ_ARRAY) {
        size_t idx[32] = { 0 };
        gz_array *arrs[32];
        int depth = 0;
        arrs[0] = v.u.a;
        while (depth >= 0) {
            if (idx[depth] >= arrs[depth]->len) {
                depth--;
                continue;
            }
            gz_value it = arrs[depth]->items[idx[depth]++];
            if (it.type == GZ_ARRAY && depth < 31) {
                depth++;
                arrs[depth] = it.u.a;
                idx[depth] = 0;
            } else if (it.type != GZ_NIL)
                gz_array_push(a, out, it);
        }
    } else if (v.type != GZ_NIL) {
        gz_array_push(a, out, v);
    }
    return out;
}

static gz_value
to_s_value(gz_arena *a, gz_value v)
{
    gz_buf b = GZ_BUF_INIT;
    switch (v.type) {
    case GZ_STRING: return v;
    case GZ_INT: gz_format_int(&b, v.u.i); break;
    case GZ_FLOAT: gz_format_float(&b, v.u.f); break;
    case GZ_BOOL: gz_buf_puts(&b, v.u.b ? "true" : "false"); break;
    case GZ_TIME: gz_time_to_s(&b, v.u.t); break;
    case GZ_NIL: break;
    default: gz_value_inspect(&b, v, NULL); break;
    }
    gz_value r = gz_string_from_buf(a, &b);
    gz_buf_free(&b);
    return r;
}

static bool
is_markdown_ext(site *s, const char *ext)
{
    if (!*ext)
        return false;
    gz_buf low = GZ_BUF_INIT;
    gz_utf8_downcase(&low, gz_str_c(ext + 1));
    bool hit = false;
    for (size_t i = 0; i < s->nmd_exts && !hit; i++)
        hit = gz_str_eq(s->md_exts[i], gz_buf_str(&low));
    gz_buf_free(&low);
    return hit;
}

static bool
match_date_name(const char *rel, gz_str *date, gz_str *slug, gz_str *ext)
{
    /* ^(?>.+/)*?(\d{2,4}-\d{1,2}-\d{1,2})-([^/]*)(\.[^.]+)$ : the date is
     * at the start of some path segment; the rest of the name has no '/'. */
    const char *last_slash = strrchr(rel, '/');
    const char *seg = rel;
    for (;;) {
        /* try at seg */
        const char *p = seg;
        int n1 = 0, n2 = 0, n3 = 0;
        while (p[n1] >= '0' && p[n1] <= '9')
            n1++;
        if (n1 >= 2 && n1 <= 4 && p[n1] == '-') {
            const char *q = p + n1 + 1;
            while (q[n2] >= '0' && q[n2] <= '9')
                n2++;
            if (n2 >= 1 && n2 <= 2 && q[n2] == '-') {
                const char *r = q + n2 + 1;
                while (r[n3] >= '0' && r[n3] <= '9')
                    n3++;
                if (n3 >= 1 && n3 <= 2 && r[n3] == '-') {
                    const char *rest = r + n3 + 1;
                    if (!strchr(rest, '/')) {
                        const char *dot = strrchr(rest, '.');
                        if (dot && dot[1]) {
                            *date = gz_str_n(p, (size_t)(r + n3 - p));
                            *slug = gz_str_n(rest, (size_t)(dot - rest));
                            *ext = gz_str_c(dot);
                            return true;
                        }
                    }
                }
            }
        }
        if (!last_slash || seg > last_slash)
            return false;
        const char *nx = strchr(seg, '/');
        if (!nx)
            return false;
        seg = nx + 1;
    }
}

static void
titleize(gz_buf *out, gz_str slug)
{
    /* slug.split("-").map(&:capitalize).join(" ") (split drops trailing empties) */
    size_t end = slug.len;
    while (end && slug.p[end - 1] == '-')
        end--;
    size_t i = 0;
    bool first = true;
    while (i <= end) {
        size_t j = i;
        while (j < end && slug.p[j] != '-')
            j++;
        if (!first)
            gz_buf_putc(out, ' ');
        gz_utf8_capitalize(out, gz_str_n(slug.p + i, j - i));
        first = false;
        i = j + 1;
        if (j >= end)
            break;
    }
}

bool
site_doc_body(site *s, const site_doc *doc, gz_buf *out, gz_diags *d)
{
    if (doc->inline_body) {
        gz_buf_puts(out, doc->inline_body);
        return true;
    }
    gz_buf all = GZ_BUF_INIT;
    bool ok = read_all(s, doc->relpath, &all, NULL);
    if (!ok)
        gz_diags_add(d, GZ_ERROR, doc->relpath, 0, 0, "could not read file: %s", strerror(errno));
    else if (doc->body_off <= all.len)
        gz_buf_put(out, all.data + doc->body_off, all.len - doc->body_off);
    gz_buf_free(&all);
    return ok;
}

/* Reads the file's front matter into doc->data; checks UTF-8. */
static bool
read_front(site *s, site_doc *doc, gz_hash **fm, gz_diags *d)
{
    gz_buf all = GZ_BUF_INIT;
    struct stat st;
    bool ok = read_all(s, doc->relpath, &all, &st);
    if (ok)
        site_watch_file(s, doc->relpath, &st);
    *fm = NULL;
    if (!ok) {
        gz_diags_add(d, GZ_ERROR, doc->relpath, 0, 0, "could not read file: %s", strerror(errno));
        gz_buf_free(&all);
        return false;
    }
    gz_str text = gz_buf_str(&all);
    site_doc_fingerprint(doc, text, &st);
    gz_str yaml;
    size_t off;
    int line;
    doc->body_off = 0;
    doc->body_line = 1;
    gz_fm_status split = site_front_split(text, &yaml, &off, &line);
    if (split == GZ_FM_BAD_UTF8) { /* where: looked for only now, the text being checked once */
        size_t bad = 0;
        gz_utf8_valid(text, &bad);
        int col;
        gz_line_col(text, bad, &line, &col);
        gz_diags_add(d, GZ_ERROR, doc->relpath, line, col,
                     "invalid UTF-8 (byte 0x%02X); the file must be UTF-8",
                     (unsigned char)text.p[bad]);
        gz_buf_free(&all);
        return false;
    }
    if (split == GZ_FM_FOUND) {
        doc->has_front = true;
        doc->body_off = off;
        doc->body_line = line;
        /* The parser's own allocations and the text it reads go to a
         * scratch arena; only the values are kept. */
        gz_arena *scratch = site_scratch(s);
        gz_arena_reset(scratch);
        char *copy = gz_arena_strndup(scratch, yaml.p, yaml.len);
        gz_value v;
        if (!site_yaml(scratch, gz_str_n(copy, yaml.len), doc->relpath, s->tz, &v, d)) {
            gz_buf_free(&all);
            return false;
        }
        v = gz_value_clone(site_arena(s), v);
        if (v.type == GZ_HASH)
            *fm = v.u.h;
        else if (!(v.type == GZ_NIL || (v.type == GZ_BOOL && !v.u.b))) {
            gz_diags_add(d, GZ_ERROR, doc->relpath, 1, 1,
                         "Invalid YAML front matter in %s: it must be a mapping", doc->relpath);
            gz_buf_free(&all);
            return false;
        }
    } else if (text.len >= 3 && memcmp(text.p, "---", 3) == 0 && doc->kind != SITE_STATIC) {
        /* A "---" header with no closing line: Jekyll silently treats the
         * whole file as content; name it, since it is almost always a typo. */
        gz_diags_add(d, GZ_ERROR, doc->relpath, 1, 1,
                     "front matter starts with '---' but has no closing '---' line");
        gz_buf_free(&all);
        return false;
    }
    gz_buf_free(&all);
    return true;
}

site_doc *
site_doc_new(site *s, site_kind kind, site_coll *c, const char *relpath, const char *dir,
             bool draft)
{
    gz_arena *a = site_arena(s);
    site_doc *doc = gz_arena_calloc(a, 1, sizeof *doc);
    doc->kind = kind;
    doc->coll = c;
    doc->draft = draft;
    doc->relpath = gz_arena_strndup(a, relpath, strlen(relpath));
    const char *slash = strrchr(doc->relpath, '/');
    doc->name = slash ? slash + 1 : doc->relpath;
    const char *dot = strrchr(doc->name, '.');
    doc->ext = dot && dot != doc->name ? dot : "";
    if (dot == doc->name && dot[1])
        doc->ext = dot; /* File.extname(".htaccess") is "" in Ruby */
    if (dot == doc->name)
        doc->ext = "";
    doc->dir = dir ? gz_arena_strndup(a, dir, strlen(dir)) : "";
    doc->markdown = is_markdown_ext(s, doc->ext);
    doc->output_ext = doc->markdown ? ".html" : doc->ext;
    return doc;
}

site_doc *
site_doc_read(site *s, site_kind kind, site_coll *c, const char *relpath, const char *dir,
              bool draft, gz_diags *d)
{
    gz_arena *a = site_arena(s);
    site_doc *doc = site_doc_new(s, kind, c, relpath, dir, draft);
    doc->data = gz_hash_new(a, 12);
    doc->given_date = INT64_MIN;

    if (kind == SITE_STATIC) {
        struct stat st;
        if (fstatat(s->source_fd, doc->relpath, &st, 0) == 0) {
            site_doc_fingerprint(doc, gz_str_n(NULL, 0), &st);
            site_watch_file(s, doc->relpath, &st);
        }
        site_doc_url(s, doc);
        return doc;
    }

    gz_hash *fm = NULL;
    if (kind == SITE_PAGE) {
        if (!read_front(s, doc, &fm, d))
            return NULL;
        if (fm)
            doc->data = fm;
        doc->defaults = site_defaults_for(s, doc->relpath, "pages");
        gz_value *pl = gz_hash_get(doc->data, S("permalink"));
        if (pl && pl->type == GZ_STRING && pl->len == 0) {
            gz_diags_add(d, GZ_ERROR, doc->relpath, 1, 1, "Invalid permalink in %s", doc->relpath);
            return NULL;
        }
    } else {
        const char *type = c->label;
        /* Document#initialize asks draft? first, which sets data["draft"]
         * for every document (true only for posts outside _posts). */
        gz_hash_set(a, doc->data, S("draft"), gz_bool(draft && kind == SITE_POST));
        /* categories_from_path */
        const char *special = draft ? "_drafts" : c->reldir;
        gz_array *superdirs = gz_array_new(a, 2);
        if (!gz_str_starts_with(gz_str_c(doc->relpath), gz_str_c(special))) {
            const char *at = strstr(doc->relpath, special);
            size_t upto = at ? (size_t)(at - doc->relpath) : strlen(doc->relpath);
            size_t i = 0;
            while (i < upto) {
                size_t j = i;
                while (j < upto && doc->relpath[j] != '/')
                    j++;
                gz_str part = gz_str_n(doc->relpath + i, j - i);
                if (part.len && !gz_str_eq_c(part, special) && !gz_str_eq_c(part, doc->name))
                    gz_array_push(a, superdirs, gz_str_value(part));
                i = j + 1;
            }
        }
        /* merge_data!({"categories" => superdirs}) into data that has no
         * categories yet: the list itself */
        gz_hash_set(a, doc->data, S("categories"), gz_array_value(superdirs));
        gz_hash *defs = site_defaults_for(s, doc->relpath, type);
        if (defs && defs->len && !merge_data(s, doc, defs, "front matter defaults", d))
            return NULL;
        if (!read_front(s, doc, &fm, d))
            return NULL;
        if (fm && !merge_data(s, doc, fm, "YAML front matter", d))
            return NULL;

        /* populate_title */
        gz_str dstr, slug, ext;
        gz_buf tmp = GZ_BUF_INIT;
        if (match_date_name(doc->relpath, &dstr, &slug, &ext)) {
            gz_value *cur = gz_hash_get(doc->data, S("date"));
            if (cur && cur->type == GZ_TIME)
                doc->given_date = cur->u.t->sec;
            bool set = !cur || !gz_truthy(*cur) ||
                       (cur->type == GZ_TIME && cur->u.t->sec == s->time.sec);
            if (set) {
                gz_hash *dh = gz_hash_new(a, 1);
                gz_hash_set(a, dh, S("date"), gz_string_copy(a, dstr.p, dstr.len));
                if (!merge_data(s, doc, dh, "filename", d))
                    return NULL;
            }
        } else {
            const char *bn = doc->name;
            const char *dt = strrchr(bn, '.');
            if (dt && dt != bn) {
                slug = gz_str_n(bn, (size_t)(dt - bn));
                ext = gz_str_c(dt);
            } else {
                slug = gz_str_c(bn);
                ext = gz_str_n("", 0);
            }
        }
        while (slug.len && slug.p[slug.len - 1] == '.')
            slug.len--;
        gz_value *tv = gz_hash_get(doc->data, S("title"));
        if (!tv || !gz_truthy(*tv)) {
            titleize(&tmp, slug);
            gz_hash_set(a, doc->data, S("title"), gz_string_from_buf(a, &tmp));
        }
        tv = gz_hash_get(doc->data, S("slug"));
        if (!tv || !gz_truthy(*tv))
            gz_hash_set(a, doc->data, S("slug"), gz_string_copy(a, slug.p, slug.len));
        tv = gz_hash_get(doc->data, S("ext"));
        if (!tv || !gz_truthy(*tv))
            gz_hash_set(a, doc->data, S("ext"),
                        ext.len ? gz_string_copy(a, ext.p, ext.len) : gz_nil());
        gz_buf_free(&tmp);

        /* populate_categories */
        gz_array *cats = gz_array_new(a, 4);
        gz_value cv = site_data_get(doc, "categories");
        if (cv.type == GZ_ARRAY)
            for (size_t i = 0; i < cv.u.a->len; i++)
                gz_array_push(a, cats, cv.u.a->items[i]);
        else if (cv.type != GZ_NIL)
            gz_array_push(a, cats, cv);
        gz_array *pl = pluralized(s, doc, "category", "categories");
        for (size_t i = 0; i < pl->len; i++)
            gz_array_push(a, cats, pl->items[i]);
        gz_array *uniq = gz_array_new(a, cats->len);
        for (size_t i = 0; i < cats->len; i++)
            array_union_push(a, uniq, to_s_value(a, cats->items[i]));
        gz_hash_set(a, doc->data, S("categories"), gz_array_value(uniq));
        /* populate_tags */
        gz_array *tags = pluralized(s, doc, "tag", "tags");
        gz_hash_set(a, doc->data, S("tags"), gz_array_value(tags));
        /* generate_excerpt: the key exists; the drop renders it. */
        gz_value es = site_data_get(doc, "excerpt_separator");
        const char *sep = es.type == GZ_STRING ? es.u.s : s->excerpt_sep;
        if (sep && *sep && !gz_hash_get(doc->data, S("excerpt")))
            gz_hash_set(a, doc->data, S("excerpt"), gz_nil());

        gz_value *date = gz_hash_get(doc->data, S("date"));
        if (!date || date->type != GZ_TIME) {
            gz_time t = s->time;
            if (draft) {
                struct stat st;
                gz_buf p = GZ_BUF_INIT;
                gz_buf_printf(&p, "%s/%s", s->source, doc->relpath);
                if (stat(p.data, &st) == 0) {
                    t.sec = st.st_mtim.tv_sec;
                    t.nsec = (int32_t)st.st_mtim.tv_nsec;
                    t = gz_time_in_zone(t, s->tz);
                }
                gz_buf_free(&p);
            }
            gz_hash_set(a, doc->data, S("date"), gz_time_new(a, t));
            doc->date = t;
        }
    }
    /* Permalink-given extension overrides the converter's. */
    gz_value perm = site_data_get(doc, "permalink");
    if (perm.type == GZ_STRING && perm.len && perm.u.s[perm.len - 1] != '/') {
        const char *pslash = strrchr(perm.u.s, '/');
        const char *pdot = strrchr(perm.u.s, '.');
        if (pdot && (!pslash || pdot > pslash + 1) && pdot[1])
            doc->output_ext = pdot;
    }
    site_doc_url(s, doc);
    return doc;
}
