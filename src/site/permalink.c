/* URLs and output paths as Jekyll 4.3 makes them: permalink styles and
 * templates, placeholder values (UrlDrop), Addressable's escaping, the
 * "/#{url}" sanitising and index.html handling. */
#include <string.h>
#include <utf8proc.h>

#include "core/utf8.h"
#include "site/internal.h"

/* ---- escaping -------------------------------------------------------- */

static bool
unreserved(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '.' || c == '_' || c == '~';
}

static bool
sub_delim(unsigned char c)
{
    return c && strchr("!$&'()*+,;=", c) != NULL;
}

static void
encode_part(gz_buf *out, gz_str s, const char *extra)
{
    static const char hex[] = "0123456789ABCDEF";
    for (size_t i = 0; i < s.len; i++) {
        unsigned char c = (unsigned char)s.p[i];
        if (unreserved(c) || sub_delim(c) || (c && strchr(extra, c)))
            gz_buf_putc(out, (char)c);
        else {
            gz_buf_putc(out, '%');
            gz_buf_putc(out, hex[c >> 4]);
            gz_buf_putc(out, hex[c & 15]);
        }
    }
}

static bool
plain_path(gz_str s)
{
    for (size_t i = 0; i < s.len; i++) {
        unsigned char c = (unsigned char)s.p[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '/' || c == '-'))
            return false;
    }
    return true;
}

void
site_url_escape_path(gz_buf *out, gz_str s)
{
    if (s.len == 0 || plain_path(s)) {
        gz_buf_put_str(out, s);
        return;
    }
    /* Addressable::URI.encode splits path ? query # fragment and encodes
     * each with its own character class; Jekyll then turns the first '#'
     * into %23. */
    size_t q = s.len, h = s.len;
    for (size_t i = 0; i < s.len; i++) {
        if (s.p[i] == '#') {
            h = i;
            break;
        }
        if (s.p[i] == '?' && q == s.len)
            q = i;
    }
    if (q > h)
        q = h;
    encode_part(out, gz_str_n(s.p, q), ":@/");
    if (q < h) {
        gz_buf_putc(out, '?');
        encode_part(out, gz_str_n(s.p + q + 1, h - q - 1), ":@/?");
    }
    if (h < s.len) {
        gz_buf_puts(out, "%23");
        encode_part(out, gz_str_n(s.p + h + 1, s.len - h - 1), ":@/?");
    }
}

static int
hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

void
site_url_unescape(gz_buf *out, gz_str s)
{
    for (size_t i = 0; i < s.len; i++) {
        if (s.p[i] == '%' && i + 2 < s.len) {
            int a = hexval(s.p[i + 1]), b = hexval(s.p[i + 2]);
            if (a >= 0 && b >= 0) {
                gz_buf_putc(out, (char)(a * 16 + b));
                i += 2;
                continue;
            }
        }
        gz_buf_putc(out, s.p[i]);
    }
}

/* ---- slugify (Utils.slugify) ------------------------------------------ */

static bool
keep_char(int32_t cp, const char *mode)
{
    if (!strcmp(mode, "raw"))
        return !(cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == '\f' || cp == '\v');
    if (!strcmp(mode, "ascii"))
        return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9');
    utf8proc_category_t cat = utf8proc_category(cp);
    bool mln = cat == UTF8PROC_CATEGORY_MN || cat == UTF8PROC_CATEGORY_MC ||
               cat == UTF8PROC_CATEGORY_ME || cat == UTF8PROC_CATEGORY_LU ||
               cat == UTF8PROC_CATEGORY_LL || cat == UTF8PROC_CATEGORY_LT ||
               cat == UTF8PROC_CATEGORY_LM || cat == UTF8PROC_CATEGORY_LO ||
               cat == UTF8PROC_CATEGORY_ND;
    if (mln)
        return true;
    if (!strcmp(mode, "pretty"))
        return cp < 128 && cp > 0 && strchr("._~!$&'()+,;=@", (int)cp) != NULL;
    return false;
}

/* I18n.transliterate: Latin letters without their marks (é → e, ß → ss),
 * anything else that is not ASCII as "?". */
static void
transliterate(gz_buf *out, gz_str s)
{
    static const struct {
        int32_t cp;
        const char *ascii;
    } special[] = {
        { 0xC6, "AE" }, { 0xD0, "D" }, { 0xD8, "O" }, { 0xDE, "TH" }, { 0xDF, "ss" },
        { 0xE6, "ae" }, { 0xF0, "d" }, { 0xF8, "o" }, { 0xFE, "th" }, { 0x110, "D" },
        { 0x111, "d" }, { 0x126, "H" }, { 0x127, "h" }, { 0x131, "i" }, { 0x132, "IJ" },
        { 0x133, "ij" }, { 0x138, "q" }, { 0x13F, "L" }, { 0x140, "l" }, { 0x141, "L" },
        { 0x142, "l" }, { 0x149, "n" }, { 0x14A, "NG" }, { 0x14B, "ng" }, { 0x152, "OE" },
        { 0x153, "oe" }, { 0x166, "T" }, { 0x167, "t" },
    };
    for (size_t i = 0; i < s.len;) {
        int32_t cp;
        size_t n = gz_utf8_decode(s.p + i, s.len - i, &cp);
        if (cp < 0x80) {
            gz_buf_put(out, s.p + i, n);
            i += n;
            continue;
        }
        const char *rep = NULL;
        for (size_t k = 0; k < sizeof special / sizeof special[0] && !rep; k++)
            if (special[k].cp == cp)
                rep = special[k].ascii;
        utf8proc_int32_t dec[8];
        int options = UTF8PROC_DECOMPOSE | UTF8PROC_STRIPMARK;
        utf8proc_ssize_t nd = rep ? 0 : utf8proc_decompose_char(cp, dec, 8, options, NULL);
        if (!rep && nd > 0 && nd <= 8) {
            bool ascii = true;
            for (utf8proc_ssize_t k = 0; k < nd; k++)
                ascii = ascii && dec[k] < 0x80;
            if (ascii) {
                for (utf8proc_ssize_t k = 0; k < nd; k++)
                    gz_buf_putc(out, (char)dec[k]);
                i += n;
                continue;
            }
        }
        gz_buf_puts(out, rep ? rep : "?");
        i += n;
    }
}

void
site_slugify(gz_buf *out, gz_str s, const char *mode, bool cased)
{
    gz_buf latin = GZ_BUF_INIT;
    if (!mode)
        mode = "default";
    bool known = !strcmp(mode, "raw") || !strcmp(mode, "default") || !strcmp(mode, "pretty") ||
                 !strcmp(mode, "ascii") || !strcmp(mode, "latin");
    gz_buf tmp = GZ_BUF_INIT;
    if (!known) {
        gz_buf_put_str(&tmp, s);
    } else {
        if (!strcmp(mode, "latin")) {
            transliterate(&latin, s);
            s = gz_buf_str(&latin);
            mode = "ascii";
        }
        bool in_run = false;
        for (size_t i = 0; i < s.len;) {
            int32_t cp;
            size_t n = gz_utf8_decode(s.p + i, s.len - i, &cp);
            if (keep_char(cp, mode)) {
                gz_buf_put(&tmp, s.p + i, n);
                in_run = false;
            } else if (!in_run) {
                gz_buf_putc(&tmp, '-');
                in_run = true;
            }
            i += n;
        }
        /* gsub(/^-|-$/, ""): one leading and one trailing hyphen per line. */
        gz_str t = gz_buf_str(&tmp);
        if (t.len && t.p[0] == '-') {
            t.p++;
            t.len--;
        }
        if (t.len && t.p[t.len - 1] == '-')
            t.len--;
        gz_buf t2 = GZ_BUF_INIT;
        gz_buf_put_str(&t2, t);
        gz_buf_free(&tmp);
        tmp = t2;
    }
    if (cased)
        gz_buf_put_str(out, gz_buf_str(&tmp));
    else
        gz_utf8_downcase(out, gz_buf_str(&tmp));
    gz_buf_free(&tmp);
    gz_buf_free(&latin);
}

/* ---- URL templates ---------------------------------------------------- */

static void
sanitize_url(gz_buf *out, gz_str url)
{
    /* "/#{str}".gsub("..", "/").gsub("./", "").squeeze("/") */
    gz_buf a = GZ_BUF_INIT, b = GZ_BUF_INIT;
    gz_buf_putc(&a, '/');
    for (size_t i = 0; i < url.len; i++) {
        if (url.p[i] == '.' && i + 1 < url.len && url.p[i + 1] == '.') {
            gz_buf_putc(&a, '/');
            i++;
        } else
            gz_buf_putc(&a, url.p[i]);
    }
    for (size_t i = 0; i < a.len; i++) {
        if (a.data[i] == '.' && i + 1 < a.len && a.data[i + 1] == '/') {
            i++;
            continue;
        }
        gz_buf_putc(&b, a.data[i]);
    }
    for (size_t i = 0; i < b.len; i++) {
        if (b.data[i] == '/' && out->len && out->data[out->len - 1] == '/')
            continue;
        gz_buf_putc(out, b.data[i]);
    }
    gz_buf_free(&a);
    gz_buf_free(&b);
}

static void
fmt_date(gz_buf *out, const site_doc *doc, const char *fmt)
{
    gz_strftime(out, gz_str_c(fmt), &doc->date);
}

static void
categories_placeholder(gz_buf *out, const site_doc *doc, bool slugified)
{
    gz_value cats = site_data_get(doc, "categories");
    gz_buf seen = GZ_BUF_INIT; /* "\0"-separated set of emitted items */
    size_t n = 0;
    gz_value one;
    const gz_value *items = NULL;
    size_t count = 0;
    if (cats.type == GZ_ARRAY) {
        items = cats.u.a->items;
        count = cats.u.a->len;
    } else if (cats.type != GZ_NIL) {
        one = cats;
        items = &one;
        count = 1;
    }
    for (size_t i = 0; i < count; i++) {
        gz_buf item = GZ_BUF_INIT, raw = GZ_BUF_INIT;
        if (items[i].type == GZ_STRING)
            gz_buf_put_str(&raw, gz_value_str(items[i]));
        else if (items[i].type == GZ_INT)
            gz_format_int(&raw, items[i].u.i);
        else if (items[i].type == GZ_FLOAT)
            gz_format_float(&raw, items[i].u.f);
        else if (items[i].type == GZ_BOOL)
            gz_buf_puts(&raw, items[i].u.b ? "true" : "false");
        if (slugified)
            site_slugify(&item, gz_buf_str(&raw), "default", false);
        else
            gz_utf8_downcase(&item, gz_buf_str(&raw));
        /* Set semantics: skip duplicates. */
        bool dup = false;
        for (size_t off = 0; off < seen.len && !dup;) {
            size_t l = strlen(seen.data + off);
            dup = l == item.len && memcmp(seen.data + off, item.data ? item.data : "", l) == 0;
            off += l + 1;
        }
        if (!dup) {
            if (n++)
                gz_buf_putc(out, '/');
            gz_buf_put_str(out, gz_buf_str(&item));
            gz_buf_put_str(&seen, gz_buf_str(&item));
            gz_buf_putc(&seen, 0);
            seen.len = seen.len; /* keep the NUL inside */
        }
        gz_buf_free(&item);
        gz_buf_free(&raw);
    }
    gz_buf_free(&seen);
}

/* The UrlDrop of a document: returns false for an unknown key. */
static bool
doc_placeholder(site *s, const site_doc *doc, gz_str key, gz_buf *val)
{
    (void)s;
    const char *base = doc->name;
    size_t blen = strlen(base) - strlen(doc->ext);
    gz_str basename = gz_str_n(base, blen);
    gz_value slug = site_data_get(doc, "slug");
#define K(lit) gz_str_eq_c(key, lit)
    if (K("collection"))
        gz_buf_puts(val, doc->coll ? doc->coll->label : "");
    else if (K("name"))
        site_slugify(val, basename, "default", false);
    else if (K("title")) {
        if (slug.type == GZ_STRING)
            site_slugify(val, gz_value_str(slug), "pretty", true);
        else
            site_slugify(val, basename, "pretty", true);
    } else if (K("slug")) {
        if (slug.type == GZ_STRING)
            site_slugify(val, gz_value_str(slug), "default", false);
        else
            site_slugify(val, basename, "default", false);
    } else if (K("categories"))
        categories_placeholder(val, doc, false);
    else if (K("slugified_categories"))
        categories_placeholder(val, doc, true);
    else if (K("year"))
        fmt_date(val, doc, "%Y");
    else if (K("month"))
        fmt_date(val, doc, "%m");
    else if (K("day"))
        fmt_date(val, doc, "%d");
    else if (K("hour"))
        fmt_date(val, doc, "%H");
    else if (K("minute"))
        fmt_date(val, doc, "%M");
    else if (K("second"))
        fmt_date(val, doc, "%S");
    else if (K("i_day"))
        fmt_date(val, doc, "%-d");
    else if (K("i_month"))
        fmt_date(val, doc, "%-m");
    else if (K("short_month"))
        fmt_date(val, doc, "%b");
    else if (K("long_month"))
        fmt_date(val, doc, "%B");
    else if (K("short_year"))
        fmt_date(val, doc, "%y");
    else if (K("w_year"))
        fmt_date(val, doc, "%G");
    else if (K("week"))
        fmt_date(val, doc, "%V");
    else if (K("w_day"))
        fmt_date(val, doc, "%u");
    else if (K("short_day"))
        fmt_date(val, doc, "%a");
    else if (K("long_day"))
        fmt_date(val, doc, "%A");
    else if (K("y_day"))
        fmt_date(val, doc, "%j");
    else if (K("output_ext"))
        gz_buf_puts(val, doc->output_ext);
    else if (K("path")) {
        /* cleaned_relative_path */
        gz_str rel = gz_str_n(doc->relpath, strlen(doc->relpath) - strlen(doc->ext));
        gz_buf tmp = GZ_BUF_INIT;
        const char *rd = doc->coll ? doc->coll->reldir : "";
        long at = *rd ? gz_str_find(rel, gz_str_c(rd), 0) : -1;
        if (at >= 0) {
            gz_buf_put(&tmp, rel.p, (size_t)at);
            gz_buf_put(&tmp, rel.p + at + strlen(rd), rel.len - (size_t)at - strlen(rd));
        } else
            gz_buf_put_str(&tmp, rel);
        while (tmp.len && tmp.data[tmp.len - 1] == '.')
            tmp.len--;
        gz_buf_put(val, tmp.data ? tmp.data : "", tmp.len);
        gz_buf_free(&tmp);
    } else
        return false;
#undef K
    return true;
}

/* generate_url_from_drop: every :name ([a-z_]+) replaced by its escaped
 * value; a trailing "_" may be dropped (":title_" -> title). */
static bool
expand_doc(site *s, const site_doc *doc, gz_str tmpl, gz_buf *out, gz_str *bad)
{
    for (size_t i = 0; i < tmpl.len;) {
        if (tmpl.p[i] != ':') {
            gz_buf_putc(out, tmpl.p[i++]);
            continue;
        }
        size_t j = i + 1;
        while (j < tmpl.len && ((tmpl.p[j] >= 'a' && tmpl.p[j] <= 'z') || tmpl.p[j] == '_'))
            j++;
        if (j == i + 1) {
            gz_buf_putc(out, tmpl.p[i++]);
            continue;
        }
        gz_str name = gz_str_n(tmpl.p + i + 1, j - i - 1);
        gz_buf val = GZ_BUF_INIT;
        bool ok = doc_placeholder(s, doc, name, &val);
        size_t used = name.len;
        if (!ok && name.p[name.len - 1] == '_') {
            gz_buf_clear(&val);
            ok = doc_placeholder(s, doc, gz_str_n(name.p, name.len - 1), &val);
            used = name.len - 1;
        }
        if (!ok) {
            *bad = name;
            gz_buf_free(&val);
            return false;
        }
        site_url_escape_path(out, gz_buf_str(&val));
        gz_buf_free(&val);
        /* The match may have been shortened by the dropped "_". */
        gz_buf_put(out, name.p + used, name.len - used);
        i = j;
    }
    return true;
}

/* generate_url_from_hash for pages: path, basename, output_ext in turn;
 * a nil value removes "/:key". */
static void
gsub_all(gz_buf *b, const char *pat, gz_str rep)
{
    gz_buf out = GZ_BUF_INIT;
    size_t pl = strlen(pat);
    for (size_t i = 0; i < b->len;) {
        if (i + pl <= b->len && memcmp(b->data + i, pat, pl) == 0) {
            gz_buf_put_str(&out, rep);
            i += pl;
        } else
            gz_buf_putc(&out, b->data[i++]);
    }
    gz_buf_free(b);
    *b = out;
}

static void
expand_page(gz_str tmpl, const char *dir, gz_str basename, const char *ext, gz_buf *out)
{
    gz_buf r = GZ_BUF_INIT;
    gz_buf_put_str(&r, tmpl);
    struct {
        const char *key;
        gz_str val;
    } subs[] = { { ":path", gz_str_c(dir) }, { ":basename", basename }, { ":output_ext", gz_str_c(ext) } };
    for (int k = 0; k < 3; k++) {
        if (!memchr(r.data ? r.data : "", ':', r.len))
            break;
        gz_buf esc = GZ_BUF_INIT;
        site_url_escape_path(&esc, subs[k].val);
        gz_buf_put_str(&esc, gz_str_c("")); /* keep esc.data valid */
        gsub_all(&r, subs[k].key, gz_buf_str(&esc));
        gz_buf_free(&esc);
    }
    gz_buf_put_str(out, gz_buf_str(&r));
    gz_buf_free(&r);
}

static const char *
style_suffix_template(const char *base, const char *style, gz_buf *b)
{
    gz_buf_puts(b, base);
    if (!strcmp(style, "pretty"))
        gz_buf_putc(b, '/');
    else if (!strcmp(style, "date") || !strcmp(style, "ordinal") || !strcmp(style, "none"))
        gz_buf_puts(b, ":output_ext");
    else {
        size_t n = strlen(style);
        if (n && style[n - 1] == '/')
            gz_buf_putc(b, '/');
        if (n >= 11 && !strcmp(style + n - 11, ":output_ext"))
            gz_buf_puts(b, ":output_ext");
    }
    return b->data;
}

void
site_doc_url(site *s, site_doc *doc)
{
    gz_buf url = GZ_BUF_INIT, raw = GZ_BUF_INIT, tb = GZ_BUF_INIT;
    gz_value perm = site_data_get(doc, "permalink");
    bool has_perm = perm.type == GZ_STRING && perm.len > 0;
    if (doc->kind == SITE_PAGE) {
        size_t el = strlen(doc->ext);
        gz_str basename = gz_str_n(doc->name, strlen(doc->name) - el);
        while (basename.len && basename.p[basename.len - 1] == '.')
            basename.len--;
        const char *oe = doc->output_ext;
        bool html = !strcmp(oe, ".html") || !strcmp(oe, ".xhtml") || !strcmp(oe, ".htm");
        const char *tmpl;
        if (has_perm)
            tmpl = perm.u.s;
        else if (!html)
            tmpl = "/:path/:basename:output_ext";
        else if (gz_str_eq_c(basename, "index"))
            tmpl = "/:path/";
        else
            tmpl = style_suffix_template("/:path/:basename", s->permalink_style, &tb);
        expand_page(gz_str_c(tmpl), doc->dir, basename, oe, &raw);
    } else if (doc->kind == SITE_STATIC) {
        /* cleaned_relative_path + extname (plain static files) */
        gz_buf_putc(&raw, '/');
        gz_buf_puts(&raw, doc->relpath);
    } else {
        const char *tmpl = has_perm ? perm.u.s : doc->coll->permalink;
        gz_str bad;
        if (!expand_doc(s, doc, gz_str_c(tmpl), &raw, &bad)) {
            gz_buf_clear(&raw);
            gz_buf_puts(&raw, "/");
        }
    }
    sanitize_url(&url, gz_buf_str(&raw));
    doc->url = gz_arena_strndup(site_arena(s), url.data, url.len);

    /* destination */
    gz_buf dest = GZ_BUF_INIT;
    site_url_unescape(&dest, gz_buf_str(&url));
    bool slash = url.len && url.data[url.len - 1] == '/';
    if (doc->kind == SITE_STATIC) {
    } else if (doc->kind == SITE_PAGE) {
        if (slash)
            gz_buf_puts(&dest, "index");
        if (!gz_str_ends_with(gz_buf_str(&dest), gz_str_c(doc->output_ext)))
            gz_buf_puts(&dest, doc->output_ext);
    } else {
        if (slash)
            gz_buf_puts(&dest, "index.html");
        else if (!gz_str_ends_with(gz_buf_str(&dest), gz_str_c(doc->output_ext)))
            gz_buf_puts(&dest, doc->output_ext);
    }
    /* in_dest_dir: relative, without leading slashes, no ".." */
    const char *d = dest.data ? dest.data : "";
    while (*d == '/')
        d++;
    doc->dest_rel = gz_arena_strndup(site_arena(s), d, strlen(d));
    gz_buf_free(&dest);
    gz_buf_free(&url);
    gz_buf_free(&raw);
    gz_buf_free(&tb);
}
