/* kramdown 2.4 (GFM parser, Jekyll's options) where its output differs
 * from cmark-gfm for the documents a news archive holds:
 *
 *  - block-level HTML: a line starting with a block tag is parsed as raw
 *    HTML elements and written back normalised (attributes double-quoted
 *    and lower-cased, stray '&' '<' '>' escaped, void elements as " />",
 *    one element per line even when the source had several on one line);
 *  - blank lines between blocks are kept as one empty line each run;
 *  - smart quotes and typographic symbols (-- --- ... << >>) in text;
 *  - GFM-style automatic header ids.
 *
 * Everything else goes through cmark-gfm; docs/markdown.md lists what
 * still differs from kramdown (lists, tables, code highlighting, ...). */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm.h>
#include <utf8proc.h>

#include "core/arena.h"
#include "core/utf8.h"
#include "site/markdown.h"

/* ---- HTML scanning -------------------------------------------------------- */

static const char *const span_elements[] = {
    "a", "abbr", "acronym", "b", "big", "bdo", "br", "button", "cite", "code", "del", "dfn",
    "em", "i", "img", "input", "ins", "kbd", "label", "mark", "option", "q", "rb", "rbc", "rp",
    "rt", "rtc", "ruby", "samp", "select", "small", "span", "strong", "sub", "sup", "tt", "u",
    "var", NULL,
};

static const char *const void_elements[] = {
    "area", "base", "br", "col", "command", "embed", "hr", "img", "input", "keygen", "link",
    "meta", "param", "source", "track", "wbr", NULL,
};

/* Every name kramdown knows as HTML (its HTML_ELEMENT table). */
static const char *const known_elements[] = {
    "a", "abbr", "acronym", "b", "big", "bdo", "br", "button", "cite", "code", "del", "dfn",
    "em", "i", "img", "input", "ins", "kbd", "label", "mark", "option", "q", "rb", "rbc", "rp",
    "rt", "rtc", "ruby", "samp", "select", "small", "span", "strong", "sub", "sup", "tt", "u",
    "var", "address", "article", "aside", "applet", "body", "blockquote", "caption", "col",
    "colgroup", "dd", "div", "dl", "dt", "fieldset", "figcaption", "footer", "form", "h1", "h2",
    "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "html", "head", "iframe", "legend", "menu",
    "li", "main", "map", "nav", "ol", "optgroup", "p", "pre", "section", "summary", "table",
    "tbody", "td", "th", "thead", "tfoot", "tr", "ul", "area", "base", "command", "embed",
    "keygen", "link", "meta", "param", "source", "track", "wbr", "details", "dl", "figure",
    "noscript", "object", "script", "style", "math", "textarea", "caption", "legend", NULL,
};

static bool
in_list(const char *const *list, gz_str name)
{
    if (!name.len)
        return false; /* no list holds "" */
    for (; *list; list++) /* the first byte rules out most names before a strlen */
        if ((*list)[0] == name.p[0] && gz_str_eq_c(name, *list))
            return true;
    return false;
}

static bool
lower_in_list(const char *const *list, gz_str name)
{
    char tmp[32];
    if (name.len >= sizeof tmp)
        return false;
    for (size_t i = 0; i < name.len; i++)
        tmp[i] = (char)((name.p[i] >= 'A' && name.p[i] <= 'Z') ? name.p[i] + 32 : name.p[i]);
    return in_list(list, gz_str_n(tmp, name.len));
}

static bool
is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static bool
name_start(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
}

static bool
name_char(unsigned char c)
{
    return name_start(c) || (c >= '0' && c <= '9') || c == '-' || c == '.';
}

/* UNAME_STR: NCName, optionally prefixed "ns:". Returns its length. */
static size_t
scan_name(gz_str s, size_t i)
{
    size_t j = i;
    if (j >= s.len || !name_start((unsigned char)s.p[j]))
        return 0;
    while (j < s.len && name_char((unsigned char)s.p[j]))
        j++;
    if (j + 1 < s.len && s.p[j] == ':' && name_start((unsigned char)s.p[j + 1])) {
        j++;
        while (j < s.len && name_char((unsigned char)s.p[j]))
            j++;
    }
    return j - i;
}

static bool
word_char(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_' || c >= 0x80;
}

typedef struct attr {
    gz_str name; /* lower-cased copy lives in `names` */
    gz_str value;
} attr;

typedef struct tag {
    gz_str name;
    size_t end;      /* offset after '>' */
    bool self_close; /* "/>" */
    gz_str attrs;    /* the attribute text */
} tag;

/* HTML_TAG_RE at s[i] ('<' expected). */
static bool
scan_tag(gz_str s, size_t i, tag *t)
{
    if (i >= s.len || s.p[i] != '<')
        return false;
    size_t n = scan_name(s, i + 1);
    if (!n)
        return false;
    t->name = gz_str_n(s.p + i + 1, n);
    size_t j = i + 1 + n;
    size_t astart = j;
    /* (\s+name(\s*=\s*(word+|"..."|'...'))?)* */
    for (;;) {
        size_t k = j;
        size_t ws = 0;
        while (k < s.len && is_ws(s.p[k]))
            k++, ws++;
        if (!ws)
            break;
        size_t an = scan_name(s, k);
        if (!an)
            break;
        k += an;
        size_t save = k;
        while (k < s.len && is_ws(s.p[k]))
            k++;
        if (k < s.len && s.p[k] == '=') {
            k++;
            while (k < s.len && is_ws(s.p[k]))
                k++;
            if (k < s.len && (s.p[k] == '"' || s.p[k] == '\'')) {
                const char *q = memchr(s.p + k + 1, s.p[k], s.len - k - 1);
                if (!q)
                    return false;
                k = (size_t)(q - s.p) + 1;
            } else if (k < s.len && word_char((unsigned char)s.p[k])) {
                while (k < s.len && word_char((unsigned char)s.p[k]))
                    k++;
            } else {
                k = save;
            }
        } else {
            k = save;
        }
        j = k;
    }
    t->attrs = gz_str_n(s.p + astart, j - astart);
    while (j < s.len && is_ws(s.p[j]))
        j++;
    t->self_close = false;
    if (j < s.len && s.p[j] == '/') {
        t->self_close = true;
        j++;
    }
    if (j >= s.len || s.p[j] != '>')
        return false;
    t->end = j + 1;
    return true;
}

/* HTML_TAG_CLOSE_RE at s[i]. */
static bool
scan_close(gz_str s, size_t i, gz_str *name, size_t *end)
{
    if (i + 1 >= s.len || s.p[i] != '<' || s.p[i + 1] != '/')
        return false;
    size_t n = scan_name(s, i + 2);
    if (!n)
        return false;
    size_t j = i + 2 + n;
    while (j < s.len && is_ws(s.p[j]))
        j++;
    if (j >= s.len || s.p[j] != '>')
        return false;
    *name = gz_str_n(s.p + i + 2, n);
    *end = j + 1;
    return true;
}

static bool
scan_comment(gz_str s, size_t i, size_t *end)
{
    if (i + 4 > s.len || memcmp(s.p + i, "<!--", 4))
        return false;
    long at = gz_str_find(s, gz_str_c("-->"), i + 4);
    if (at < 0)
        return false;
    *end = (size_t)at + 3;
    return true;
}

/* escape_html(:text / :attribute): entities stay, < > & (and ") escaped. */
static size_t
entity_len(gz_str s, size_t i)
{
    /* &name; &#123; &#x1F; */
    size_t j = i + 1;
    if (j < s.len && s.p[j] == '#') {
        j++;
        if (j < s.len && s.p[j] == 'x') {
            size_t k = j + 1;
            while (k < s.len && ((s.p[k] >= '0' && s.p[k] <= '9') || (s.p[k] >= 'a' && s.p[k] <= 'f') ||
                                 (s.p[k] >= 'A' && s.p[k] <= 'F')))
                k++;
            if (k > j + 1 && k < s.len && s.p[k] == ';')
                return k + 1 - i;
        }
        size_t k = j;
        while (k < s.len && s.p[k] >= '0' && s.p[k] <= '9')
            k++;
        if (k > j && k < s.len && s.p[k] == ';')
            return k + 1 - i;
        return 0;
    }
    if (j >= s.len || !(name_start((unsigned char)s.p[j]) || s.p[j] == ':'))
        return 0;
    while (j < s.len && (name_char((unsigned char)s.p[j]) || s.p[j] == ':'))
        j++;
    return j < s.len && s.p[j] == ';' ? j + 1 - i : 0;
}

/* The bytes escape_html may change; a table, because it looks at every
 * byte of every post's text. */
static const bool html_special[256] = { ['&'] = true, ['<'] = true, ['>'] = true, ['"'] = true };

static void
escape_html(gz_buf *out, gz_str s, bool attribute)
{
    for (size_t i = 0; i < s.len; i++) {
        /* the run up to the next byte that may need escaping, in one copy */
        size_t run = i;
        while (run < s.len && !html_special[(unsigned char)s.p[run]])
            run++;
        if (run > i) {
            gz_buf_put(out, s.p + i, run - i);
            i = run;
            if (i == s.len)
                break;
        }
        char c = s.p[i];
        size_t el;
        if (c == '&' && (el = entity_len(s, i)) > 0) {
            gz_buf_put(out, s.p + i, el);
            i += el - 1;
        } else if (c == '&')
            gz_buf_puts(out, "&amp;");
        else if (c == '<')
            gz_buf_puts(out, "&lt;");
        else if (c == '>')
            gz_buf_puts(out, "&gt;");
        else if (c == '"' && attribute)
            gz_buf_puts(out, "&quot;");
        else
            gz_buf_putc(out, c);
    }
}

/* escape_html(str, :all) for code: every & < > (Rouge's formatter too). */
static void
escape_all(gz_buf *out, gz_str s)
{
    for (size_t i = 0; i < s.len; i++) {
        char c = s.p[i];
        if (c == '&')
            gz_buf_puts(out, "&amp;");
        else if (c == '<')
            gz_buf_puts(out, "&lt;");
        else if (c == '>')
            gz_buf_puts(out, "&gt;");
        else
            gz_buf_putc(out, c);
    }
}

/* parse_html_attributes + html_attributes: ' name="value"' in first-seen
 * order, the last value winning, names lower-cased for known elements. */
static void write_attrs_but(gz_buf *out, gz_str a, bool lower, const char *skip);

static void
write_attrs(gz_buf *out, gz_str a, bool lower)
{
    write_attrs_but(out, a, lower, NULL);
}

/* write_attrs without the attribute `skip` (kramdown's "markdown"). */
static void
write_attrs_but(gz_buf *out, gz_str a, bool lower, const char *skip)
{
    enum { MAXA = 64 };
    gz_str names[MAXA], values[MAXA];
    char lowbuf[MAXA][64];
    size_t n = 0;
    size_t i = 0;
    while (i < a.len) {
        while (i < a.len && is_ws(a.p[i]))
            i++;
        size_t nl = scan_name(a, i);
        if (!nl)
            break;
        gz_str name = gz_str_n(a.p + i, nl);
        i += nl;
        gz_str value = gz_str_n("", 0);
        size_t save = i;
        while (i < a.len && is_ws(a.p[i]))
            i++;
        if (i < a.len && a.p[i] == '=') {
            i++;
            while (i < a.len && is_ws(a.p[i]))
                i++;
            if (i < a.len && (a.p[i] == '"' || a.p[i] == '\'')) {
                const char *q = memchr(a.p + i + 1, a.p[i], a.len - i - 1);
                size_t e = q ? (size_t)(q - a.p) : a.len;
                value = gz_str_n(a.p + i + 1, e - i - 1);
                i = e + 1;
            } else {
                size_t s0 = i;
                while (i < a.len && word_char((unsigned char)a.p[i]))
                    i++;
                value = gz_str_n(a.p + s0, i - s0);
            }
        } else
            i = save;
        if (lower && name.len < 64) {
            for (size_t k = 0; k < name.len; k++)
                lowbuf[n < MAXA ? n : 0][k] =
                    (char)((name.p[k] >= 'A' && name.p[k] <= 'Z') ? name.p[k] + 32 : name.p[k]);
            name = gz_str_n(lowbuf[n < MAXA ? n : 0], name.len);
        }
        size_t k;
        for (k = 0; k < n; k++)
            if (gz_str_eq(names[k], name))
                break;
        if (k < n)
            values[k] = value;
        else if (n < MAXA) {
            names[n] = name;
            values[n] = value;
            n++;
        }
    }
    for (size_t k = 0; k < n; k++) {
        if (skip && gz_str_eq_c(names[k], skip))
            continue;
        /* id="" with blank value is dropped */
        if (gz_str_eq_c(names[k], "id")) {
            bool blank = true;
            for (size_t q = 0; q < values[k].len && blank; q++)
                blank = is_ws(values[k].p[q]);
            if (blank)
                continue;
        }
        gz_buf_putc(out, ' ');
        gz_buf_put_str(out, names[k]);
        gz_buf_puts(out, "=\"");
        /* attribute values have newlines folded to spaces only in span HTML */
        escape_html(out, values[k], true);
        gz_buf_putc(out, '"');
    }
}

static void
put_name(gz_buf *out, gz_str name, bool lower)
{
    for (size_t i = 0; i < name.len; i++) {
        char c = name.p[i];
        gz_buf_putc(out, (char)(lower && c >= 'A' && c <= 'Z' ? c + 32 : c));
    }
}

/* parse_raw_html for the element whose start tag `t` ends at t->end:
 * writes the element, nested elements and text, and returns the offset
 * after its end tag (or the end of the text when it is never closed).
 * Nesting is tracked with an explicit stack, never by recursion. */
static size_t
raw_element(gz_str s, const tag *t, gz_buf *out)
{
    enum { MAXD = 256 };
    struct frame {
        gz_str name;
        bool lower;
    } stack[MAXD];
    int depth = 0;
    bool lower = lower_in_list(known_elements, t->name);
    gz_buf_putc(out, '<');
    put_name(out, t->name, lower);
    write_attrs(out, t->attrs, lower);
    if (t->self_close || lower_in_list(void_elements, t->name)) {
        gz_buf_puts(out, " />");
        return t->end;
    }
    gz_buf_putc(out, '>');
    stack[depth++] = (struct frame){ t->name, lower };
    size_t i = t->end;
    size_t text_start = i;
    while (i < s.len && depth > 0) {
        if (s.p[i] != '<') {
            i++;
            continue;
        }
        /* flush text before this '<' */
        size_t ce;
        gz_str cname;
        tag nt;
        if (scan_comment(s, i, &ce)) {
            escape_html(out, gz_str_n(s.p + text_start, i - text_start), false);
            gz_buf_put(out, s.p + i, ce - i);
            i = text_start = ce;
        } else if (scan_tag(s, i, &nt)) {
            escape_html(out, gz_str_n(s.p + text_start, i - text_start), false);
            bool nl = lower_in_list(known_elements, nt.name);
            gz_buf_putc(out, '<');
            put_name(out, nt.name, nl);
            write_attrs(out, nt.attrs, nl);
            i = text_start = nt.end;
            if (nt.self_close || lower_in_list(void_elements, nt.name)) {
                gz_buf_puts(out, " />");
            } else if (lower_in_list((const char *const[]){ "script", "style", NULL }, nt.name)) {
                gz_buf_putc(out, '>');
                /* raw until </name\s*> */
                size_t k = i;
                size_t endk = s.len, after = s.len;
                for (; k < s.len; k++) {
                    gz_str cn;
                    size_t e2;
                    if (s.p[k] == '<' && scan_close(s, k, &cn, &e2) && gz_str_eq(cn, nt.name)) {
                        endk = k;
                        after = e2;
                        break;
                    }
                }
                gz_buf_put(out, s.p + i, endk - i);
                gz_buf_puts(out, "</");
                put_name(out, nt.name, nl);
                gz_buf_putc(out, '>');
                i = text_start = after;
            } else if (depth < MAXD) {
                gz_buf_putc(out, '>');
                stack[depth++] = (struct frame){ nt.name, nl };
            } else {
                gz_buf_putc(out, '>');
            }
        } else if (scan_close(s, i, &cname, &ce)) {
            escape_html(out, gz_str_n(s.p + text_start, i - text_start), false);
            struct frame *top = &stack[depth - 1];
            bool match;
            if (top->lower) {
                match = cname.len == top->name.len;
                for (size_t k = 0; match && k < cname.len; k++) {
                    char c = cname.p[k];
                    c = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
                    char d = top->name.p[k];
                    d = (char)(d >= 'A' && d <= 'Z' ? d + 32 : d);
                    match = c == d;
                }
            } else
                match = gz_str_eq(cname, top->name);
            if (match) {
                gz_buf_puts(out, "</");
                put_name(out, top->name, top->lower);
                gz_buf_putc(out, '>');
                depth--;
            } else {
                escape_html(out, gz_str_n(s.p + i, ce - i), false);
            }
            i = text_start = ce;
        } else {
            i++;
        }
    }
    if (depth > 0) {
        /* never closed: the rest is its content, auto-closed */
        escape_html(out, gz_str_n(s.p + text_start, s.len - text_start), false);
        while (depth > 0) {
            struct frame *top = &stack[--depth];
            gz_buf_puts(out, "</");
            put_name(out, top->name, top->lower);
            gz_buf_putc(out, '>');
        }
        return s.len;
    }
    return i;
}

/* ---- typography ---------------------------------------------------------- */

static bool
sq_punct(unsigned char c)
{
    return c && strchr("!\"#$%'()*+,-./:;<=>?@[\\]^_`{|}~", c) != NULL;
}

static bool
asc_word(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

static bool
asc_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static bool
is_quote(unsigned char c)
{
    return c == '"' || c == '\'';
}

static void
put_quote(gz_buf *out, char q, bool open)
{
    if (q == '"')
        gz_buf_puts(out, open ? "\xE2\x80\x9C" : "\xE2\x80\x9D");
    else
        gz_buf_puts(out, open ? "\xE2\x80\x98" : "\xE2\x80\x99");
}

/* SQ_RULES of kramdown's smart quotes, anchored at s[i]. Returns the
 * offset after what was consumed. */
static size_t
smart_quote(gz_str s, size_t i, gz_buf *out)
{
#define AT(k) ((k) < s.len ? (unsigned char)s.p[(k)] : 0)
    unsigned char c0 = AT(i);
    size_t n0 = 1;
    if (c0 >= 0x80) {
        int32_t cp;
        n0 = gz_utf8_decode(s.p + i, s.len - i, &cp);
    }
    /* 1: ("|')(?=[_*]{1,2}\S) */
    if (is_quote(c0) && (AT(i + 1) == '_' || AT(i + 1) == '*') && i + 2 < s.len &&
        !asc_space(AT(i + 2))) {
        put_quote(out, (char)c0, true);
        return i + 1;
    }
    /* 2: ("|')(?=SQ_PUNCT(?!\.\.)\B) */
    if (is_quote(c0) && sq_punct(AT(i + 1)) && !(AT(i + 2) == '.' && AT(i + 3) == '.')) {
        bool pw = asc_word(AT(i + 1)), nw = asc_word(AT(i + 2));
        if (pw == nw) {
            put_quote(out, (char)c0, false);
            return i + 1;
        }
    }
    /* 3, 4: (\s?)"'(?=\w) and (\s?)'"(?=\w) */
    size_t j = asc_space(c0) ? i + 1 : i;
    if (((AT(j) == '"' && AT(j + 1) == '\'') || (AT(j) == '\'' && AT(j + 1) == '"')) &&
        asc_word(AT(j + 2))) {
        gz_buf_put(out, s.p + i, j - i);
        put_quote(out, (char)AT(j), true);
        put_quote(out, (char)AT(j + 1), true);
        return j + 2;
    }
    /* 5: (\s?)'(?=\d\ds) */
    if (AT(j) == '\'' && AT(j + 1) >= '0' && AT(j + 1) <= '9' && AT(j + 2) >= '0' &&
        AT(j + 2) <= '9' && AT(j + 3) == 's') {
        gz_buf_put(out, s.p + i, j - i);
        put_quote(out, '\'', false);
        return j + 1;
    }
    /* 6: (\s)('|")(?=\w) */
    if (asc_space(c0) && is_quote(AT(i + 1)) && asc_word(AT(i + 2))) {
        gz_buf_putc(out, (char)c0);
        put_quote(out, (char)AT(i + 1), true);
        return i + 2;
    }
    /* 7: ([^\ \\\t\r\n\[{(-])('|") */
    if (i < s.len && !(c0 == ' ' || c0 == '\\' || c0 == '\t' || c0 == '\r' || c0 == '\n' ||
                       c0 == '[' || c0 == '{' || c0 == '(' || c0 == '-') &&
        is_quote(AT(i + n0))) {
        gz_buf_put(out, s.p + i, n0);
        put_quote(out, (char)AT(i + n0), false);
        return i + n0 + 1;
    }
    /* 8: ("|')(?=\s|s\b|$) */
    if (is_quote(c0) && (i + 1 >= s.len || asc_space(AT(i + 1)) ||
                         (AT(i + 1) == 's' && !asc_word(AT(i + 2))))) {
        put_quote(out, (char)c0, false);
        return i + 1;
    }
    /* 9, 10: (.?)' and (.?)" */
    for (int pass = 0; pass < 2; pass++) {
        char q = pass == 0 ? '\'' : '"';
        if (!is_quote(c0) || c0 != (unsigned char)q) {
            if (AT(i + n0) == (unsigned char)q) {
                gz_buf_put(out, s.p + i, n0);
                put_quote(out, q, true);
                return i + n0 + 1;
            }
        } else {
            if (AT(i + 1) == (unsigned char)q) {
                gz_buf_putc(out, q);
                put_quote(out, q, true);
                return i + 2;
            }
            put_quote(out, q, true);
            return i + 1;
        }
    }
#undef AT
    gz_buf_put(out, s.p + i, n0);
    return i + n0;
}

void
site_kramdown_typography(gz_str s, gz_buf *out)
{
    size_t i = 0;
    while (i < s.len) {
        unsigned char c0 = (unsigned char)s.p[i];
        size_t n0 = 1;
        if (c0 >= 0x80) {
            int32_t cp;
            n0 = gz_utf8_decode(s.p + i, s.len - i, &cp);
        }
        bool next_quote = i + n0 < s.len && is_quote((unsigned char)s.p[i + n0]);
        if (is_quote(c0) || (c0 != '\\' && next_quote)) {
            i = smart_quote(s, i, out);
            continue;
        }
        if (c0 == '-' && i + 2 < s.len + 0 && s.p[i + 1] == '-' && i + 2 < s.len && s.p[i + 2] == '-') {
            gz_buf_puts(out, "\xE2\x80\x94");
            i += 3;
        } else if (c0 == '-' && i + 1 < s.len && s.p[i + 1] == '-') {
            gz_buf_puts(out, "\xE2\x80\x93");
            i += 2;
        } else if (c0 == '.' && i + 2 < s.len && s.p[i + 1] == '.' && s.p[i + 2] == '.') {
            gz_buf_puts(out, "\xE2\x80\xA6");
            i += 3;
        } else if (c0 == '<' && i + 1 < s.len && s.p[i + 1] == '<') {
            gz_buf_puts(out, "\xC2\xAB");
            i += 2;
            if (i < s.len && s.p[i] == ' ') {
                gz_buf_puts(out, "\xC2\xA0");
                i++;
            }
        } else if (c0 == ' ' && i + 2 < s.len && s.p[i + 1] == '>' && s.p[i + 2] == '>') {
            gz_buf_puts(out, "\xC2\xA0\xC2\xBB");
            i += 3;
        } else if (c0 == '>' && i + 1 < s.len && s.p[i + 1] == '>') {
            gz_buf_puts(out, "\xC2\xBB");
            i += 2;
        } else {
            gz_buf_put(out, s.p + i, n0);
            i += n0;
        }
    }
}

/* ---- cmark chunks ------------------------------------------------------------ */

static pthread_once_t ext_once = PTHREAD_ONCE_INIT;

static void
ext_init(void)
{
    cmark_gfm_core_extensions_ensure_registered();
}

/* Applies typography to every maximal run of text and soft breaks. The
 * walk is iterative (cmark's iterator), never recursive. */
static void
typography(cmark_node *root)
{
    cmark_iter *it = cmark_iter_new(root);
    cmark_event_type ev;
    cmark_node **firsts = NULL;
    size_t nf = 0, cf = 0;
    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *n = cmark_iter_get_node(it);
        if (ev != CMARK_EVENT_ENTER)
            continue;
        cmark_node_type t = cmark_node_get_type(n);
        if (t != CMARK_NODE_TEXT)
            continue;
        cmark_node *prev = cmark_node_previous(n);
        if (prev && (cmark_node_get_type(prev) == CMARK_NODE_TEXT ||
                     cmark_node_get_type(prev) == CMARK_NODE_SOFTBREAK))
            continue; /* not the start of a run */
        if (nf == cf) {
            cf = cf ? cf * 2 : 64;
            firsts = gz_xrealloc(firsts, cf * sizeof *firsts);
        }
        firsts[nf++] = n;
    }
    cmark_iter_free(it);
    for (size_t k = 0; k < nf; k++) {
        cmark_node *first = firsts[k];
        gz_buf run = GZ_BUF_INIT, res = GZ_BUF_INIT;
        cmark_node *n = first;
        cmark_node *last_text = first;
        while (n && (cmark_node_get_type(n) == CMARK_NODE_TEXT ||
                     cmark_node_get_type(n) == CMARK_NODE_SOFTBREAK)) {
            if (cmark_node_get_type(n) == CMARK_NODE_TEXT) {
                gz_buf_puts(&run, cmark_node_get_literal(n));
                last_text = n;
            } else
                gz_buf_putc(&run, '\n');
            n = cmark_node_next(n);
        }
        /* A run ending in soft breaks keeps them as nodes. */
        site_kramdown_typography(gz_buf_str(&run), &res);
        /* Put the whole run into the first node; drop the rest up to last_text. */
        (void)last_text;
        gz_buf trail = GZ_BUF_INIT;
        cmark_node *m = cmark_node_next(first);
        while (m && (cmark_node_get_type(m) == CMARK_NODE_TEXT ||
                     cmark_node_get_type(m) == CMARK_NODE_SOFTBREAK)) {
            cmark_node *nx = cmark_node_next(m);
            cmark_node_free(m);
            m = nx;
        }
        gz_buf_free(&trail);
        cmark_node_set_literal(first, res.data ? res.data : "");
        gz_buf_free(&run);
        gz_buf_free(&res);
    }
    free(firsts);
}

/* convert_codespan: kramdown escapes & < > only (cmark also "); with
 * Rouge the span is highlighted as plain text and classed. */
typedef struct strings {
    char **v;
    size_t n, cap;
} strings;

/* The HTML_INLINE nodes code_spans makes keep the code's text as their
 * user data (for header ids); `keep` owns those copies. New nodes come from
 * `mem`, the tree's own allocator: cmark frees a whole tree with its root's. */
static void
code_spans(cmark_node *root, bool rouge, cmark_mem *mem, strings *keep)
{
    cmark_iter *it = cmark_iter_new(root);
    cmark_event_type ev;
    cmark_node **codes = NULL;
    size_t n = 0, cap = 0;
    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *node = cmark_iter_get_node(it);
        if (ev != CMARK_EVENT_ENTER || cmark_node_get_type(node) != CMARK_NODE_CODE)
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            codes = gz_xrealloc(codes, cap * sizeof *codes);
        }
        codes[n++] = node;
    }
    cmark_iter_free(it);
    gz_buf html = GZ_BUF_INIT;
    for (size_t k = 0; k < n; k++) {
        gz_buf_clear(&html);
        gz_buf_puts(&html, rouge ? "<code class=\"language-plaintext highlighter-rouge\">" : "<code>");
        const char *lit = cmark_node_get_literal(codes[k]);
        escape_all(&html, gz_str_c(lit ? lit : ""));
        gz_buf_puts(&html, "</code>");
        cmark_node *h = cmark_node_new_with_mem(CMARK_NODE_HTML_INLINE, mem);
        cmark_node_set_literal(h, html.data);
        if (keep->n == keep->cap) {
            keep->cap = keep->cap ? keep->cap * 2 : 16;
            keep->v = gz_xrealloc(keep->v, keep->cap * sizeof *keep->v);
        }
        keep->v[keep->n] = gz_xstrndup(lit ? lit : "", lit ? strlen(lit) : 0);
        cmark_node_set_user_data(h, keep->v[keep->n++]);
        cmark_node_insert_before(codes[k], h);
        cmark_node_free(codes[k]);
    }
    gz_buf_free(&html);
    free(codes);
}

static void
text_content(cmark_node *root, gz_buf *out)
{
    cmark_iter *it = cmark_iter_new(root);
    cmark_event_type ev;
    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *n = cmark_iter_get_node(it);
        if (ev != CMARK_EVENT_ENTER)
            continue;
        cmark_node_type t = cmark_node_get_type(n);
        if (t == CMARK_NODE_TEXT || t == CMARK_NODE_CODE)
            gz_buf_puts(out, cmark_node_get_literal(n));
        else if (t == CMARK_NODE_HTML_INLINE && cmark_node_get_user_data(n))
            gz_buf_puts(out, cmark_node_get_user_data(n)); /* a code span */
        else if (t == CMARK_NODE_SOFTBREAK)
            gz_buf_putc(out, '\n');
    }
    cmark_iter_free(it);
}

typedef struct ids {
    char **names;
    int *counts;
    size_t n, cap;
} ids;

/* generate_gfm_header_id */
static void
header_id(ids *seen, cmark_node *h, gz_buf *id)
{
    gz_buf text = GZ_BUF_INIT, low = GZ_BUF_INIT;
    text_content(h, &text);
    gz_utf8_downcase(&low, gz_buf_str(&text));
    for (size_t i = 0; i < low.len;) {
        int32_t cp;
        size_t n = gz_utf8_decode(low.data + i, low.len - i, &cp);
        utf8proc_category_t c = utf8proc_category(cp);
        bool word = (c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_LO) ||
                    (c >= UTF8PROC_CATEGORY_MN && c <= UTF8PROC_CATEGORY_ME) ||
                    (c >= UTF8PROC_CATEGORY_ND && c <= UTF8PROC_CATEGORY_NO) ||
                    c == UTF8PROC_CATEGORY_PC;
        if (cp == ' ' || cp == '\t')
            gz_buf_putc(id, '-');
        else if (word || cp == '-')
            gz_buf_put(id, low.data + i, n);
        i += n;
    }
    size_t k;
    for (k = 0; k < seen->n; k++)
        if (!strcmp(seen->names[k], id->data ? id->data : ""))
            break;
    if (k == seen->n) {
        if (seen->n == seen->cap) {
            seen->cap = seen->cap ? seen->cap * 2 : 8;
            seen->names = gz_xrealloc(seen->names, seen->cap * sizeof *seen->names);
            seen->counts = gz_xrealloc(seen->counts, seen->cap * sizeof *seen->counts);
        }
        seen->names[k] = gz_xstrndup(id->data ? id->data : "", id->len);
        seen->counts[k] = 0;
        seen->n++;
    } else {
        seen->counts[k]++;
        gz_buf_printf(id, "-%d", seen->counts[k]);
    }
    gz_buf_free(&text);
    gz_buf_free(&low);
}

static bool
blank_line(gz_str line)
{
    for (size_t i = 0; i < line.len; i++)
        if (!is_ws(line.p[i]))
            return false;
    return true;
}

typedef struct ctx {
    ids *seen;
    cmark_parser *p;
    int opts;
    bool *blank;   /* blank[l]: source line l (1-based) is blank once '>' markers are gone */
    int nlines;
    gz_str md;     /* the chunk's source */
    size_t *line_at; /* line_at[l]: offset of source line l; line_at[nlines + 1] = md.len + 1 */
    bool rouge;    /* Jekyll's default syntax_highlighter */
    cmark_mem *mem; /* the chunk's pool: what cmark hands back is freed with it */
} ctx;

/* cmark's HTML for node n, from the chunk's pool (release with c->mem->free). */
static char *
render_html(ctx *c, cmark_node *n)
{
    return cmark_render_html_with_mem(n, c->opts, cmark_parser_get_syntax_extensions(c->p), c->mem);
}

/* Source line l of the chunk, without its newline. */
static gz_str
source_line(const ctx *c, int l)
{
    if (l < 1 || l > c->nlines)
        return gz_str_n("", 0);
    size_t from = c->line_at[l], to = c->line_at[l + 1] - 1;
    return gz_str_n(c->md.p + from, to > from ? to - from : 0);
}

/* Whether a blank line separates a block starting at `start` from the
 * one before it. cmark counts trailing blank lines into some blocks, so
 * the line just above the next block is what tells. */
static bool
gap_before(const ctx *c, int start)
{
    return start > 1 && start - 1 <= c->nlines && c->blank[start - 1];
}

/* The setext underline of a heading starting at line `from` (cmark's end
 * line of such a heading is not reliable): the first later line of only
 * '=' or only '-', after up to three spaces. 0 for an ATX heading. */
static int
setext_underline(const ctx *c, int from)
{
    gz_str first = source_line(c, from);
    size_t i = 0;
    while (i < first.len && i < 3 && first.p[i] == ' ')
        i++;
    if (i < first.len && first.p[i] == '#')
        return 0;
    for (int l = from + 1; l <= c->nlines; l++) {
        gz_str line = source_line(c, l);
        size_t k = 0;
        while (k < line.len && k < 3 && line.p[k] == ' ')
            k++;
        if (k >= line.len || (line.p[k] != '-' && line.p[k] != '='))
            continue;
        char ch = line.p[k];
        while (k < line.len && line.p[k] == ch)
            k++;
        while (k < line.len && is_ws(line.p[k]))
            k++;
        if (k == line.len)
            return l;
    }
    return 0;
}

static void
indent_to(gz_buf *out, int n)
{
    for (int i = 0; i < n; i++)
        gz_buf_putc(out, ' ');
}

/* The inline content of a paragraph or heading: cmark's rendering of the
 * node without its enclosing tags. */
static void
inline_html(ctx *c, cmark_node *n, size_t open_len, size_t close_len, gz_buf *out)
{
    char *html = render_html(c, n);
    size_t len = strlen(html);
    if (html[0] != '<' || html[1] == '/' || (html[1] != 'p' && html[1] != 'h')) {
        /* a paragraph of a tight list comes without its <p> */
        open_len = 0;
        close_len = len && html[len - 1] == '\n' ? 1 : 0;
    }
    if (len >= open_len + close_len)
        gz_buf_put(out, html + open_len, len - open_len - close_len);
    c->mem->free(html);
}

static void block(ctx *c, cmark_node *n, int indent, int depth, bool transparent, gz_buf *out);
static void chunk(gz_str md, ids *seen, bool rouge, int indent, gz_buf *out);

/* DEFINITION_LIST_START ^ {0,3}:[\t ]: the offset of the definition's
 * text, or 0. */
static size_t
definition_start(gz_str line)
{
    size_t i = 0;
    while (i < line.len && i < 3 && line.p[i] == ' ')
        i++;
    if (i + 1 < line.len && line.p[i] == ':' && (line.p[i + 1] == ' ' || line.p[i + 1] == '\t'))
        return i + 2;
    return 0;
}

/* One term or definition: its text converted as a paragraph, unwrapped. */
static void
dl_item(ctx *c, const char *tag, gz_str text, int indent, gz_buf *out)
{
    gz_buf html = GZ_BUF_INIT;
    chunk(text, c->seen, c->rouge, 0, &html);
    gz_str h = gz_buf_str(&html);
    if (h.len >= 8 && !memcmp(h.p, "<p>", 3) && !memcmp(h.p + h.len - 5, "</p>\n", 5)) {
        h.p += 3;
        h.len -= 8;
    }
    indent_to(out, indent + 2);
    gz_buf_printf(out, "<%s>", tag);
    gz_buf_put_str(out, h);
    gz_buf_printf(out, "</%s>\n", tag);
    gz_buf_free(&html);
}

/* kramdown's definition list: a paragraph whose later lines start with
 * ": " is its terms (one per line) and definitions (with their lazy
 * continuation lines). False when the paragraph is not one. */
static bool
definition_list(ctx *c, cmark_node *n, int indent, gz_buf *out)
{
    int first = cmark_node_get_start_line(n), last = first;
    while (last < c->nlines && !c->blank[last + 1])
        last++;
    int def = 0;
    for (int l = first + 1; l <= last && !def; l++)
        if (definition_start(source_line(c, l)))
            def = l;
    if (!def)
        return false;
    indent_to(out, indent);
    gz_buf_puts(out, "<dl>\n");
    for (int l = first; l < def; l++)
        dl_item(c, "dt", source_line(c, l), indent, out);
    gz_buf text = GZ_BUF_INIT;
    for (int l = def; l <= last; l++) {
        gz_str line = source_line(c, l);
        size_t at = definition_start(line);
        if (at && text.len) {
            dl_item(c, "dd", gz_buf_str(&text), indent, out);
            gz_buf_clear(&text);
        }
        if (text.len)
            gz_buf_putc(&text, '\n');
        gz_buf_put(&text, line.p + at, line.len - at);
    }
    if (text.len)
        dl_item(c, "dd", gz_buf_str(&text), indent, out);
    gz_buf_free(&text);
    indent_to(out, indent);
    gz_buf_puts(out, "</dl>\n");
    return true;
}

/* The HTML of a node's inline children. */
static void
inline_children(ctx *c, cmark_node *n, gz_buf *out)
{
    for (cmark_node *k = cmark_node_first_child(n); k; k = cmark_node_next(k)) {
        char *html = render_html(c, k);
        gz_buf_puts(out, html);
        c->mem->free(html);
    }
}

/* kramdown's table: thead/tbody/tr/cells each on their own line, indented
 * by two more per level, alignment as a style. */
static void
table(ctx *c, cmark_node *n, int indent, gz_buf *out)
{
    uint8_t *aligns = cmark_gfm_extensions_get_table_alignments(n);
    bool in_body = false;
    indent_to(out, indent);
    gz_buf_puts(out, "<table>\n");
    for (cmark_node *row = cmark_node_first_child(n); row; row = cmark_node_next(row)) {
        bool head = !strcmp(cmark_node_get_type_string(row), "table_header") ||
                    cmark_gfm_extensions_get_table_row_is_header(row);
        if (head) {
            indent_to(out, indent + 2);
            gz_buf_puts(out, "<thead>\n");
        } else if (!in_body) {
            in_body = true;
            indent_to(out, indent + 2);
            gz_buf_puts(out, "<tbody>\n");
        }
        indent_to(out, indent + 4);
        gz_buf_puts(out, "<tr>\n");
        int col = 0;
        for (cmark_node *cell = cmark_node_first_child(row); cell; cell = cmark_node_next(cell)) {
            uint8_t al = aligns ? aligns[col++] : 0;
            indent_to(out, indent + 6);
            gz_buf_puts(out, head ? "<th" : "<td");
            gz_buf_puts(out, al == 'l'   ? " style=\"text-align: left\">"
                             : al == 'c' ? " style=\"text-align: center\">"
                             : al == 'r' ? " style=\"text-align: right\">"
                                         : ">");
            inline_children(c, cell, out);
            gz_buf_puts(out, head ? "</th>\n" : "</td>\n");
        }
        indent_to(out, indent + 4);
        gz_buf_puts(out, "</tr>\n");
        if (head) {
            indent_to(out, indent + 2);
            gz_buf_puts(out, "</thead>\n");
        }
    }
    if (in_body) {
        indent_to(out, indent + 2);
        gz_buf_puts(out, "</tbody>\n");
    }
    indent_to(out, indent);
    gz_buf_puts(out, "</table>\n");
}

/* GFM task items: the checkbox kramdown writes goes first into the
 * item's paragraph. True when the list has one. */
static bool
task_boxes(cmark_node *list, cmark_mem *mem)
{
    bool any = false;
    for (cmark_node *it = cmark_node_first_child(list); it; it = cmark_node_next(it)) {
        if (strcmp(cmark_node_get_type_string(it), "tasklist"))
            continue;
        any = true;
        cmark_node *para = cmark_node_first_child(it);
        if (!para || cmark_node_get_type(para) != CMARK_NODE_PARAGRAPH)
            continue;
        cmark_node *box = cmark_node_new_with_mem(CMARK_NODE_HTML_INLINE, mem);
        cmark_node_set_literal(box, cmark_gfm_extensions_get_tasklist_item_checked(it)
                                        ? "<input type=\"checkbox\" class=\"task-list-item-checkbox\" "
                                          "disabled=\"disabled\" checked=\"checked\" />"
                                        : "<input type=\"checkbox\" class=\"task-list-item-checkbox\" "
                                          "disabled=\"disabled\" />");
        cmark_node_prepend_child(para, box);
    }
    return any;
}

/* Children of a container, one "\n" for each run of blank lines between
 * them (kramdown's :blank elements). */
static void
children(ctx *c, cmark_node *parent, int indent, int depth, bool tight_item, gz_buf *out)
{
    int prev_end = -1;
    bool first = true;
    for (cmark_node *n = cmark_node_first_child(parent); n; n = cmark_node_next(n)) {
        int start = cmark_node_get_start_line(n);
        if (prev_end >= 0 && gap_before(c, start))
            gz_buf_putc(out, '\n');
        block(c, n, indent, depth + 1,
              first && tight_item && cmark_node_get_type(n) == CMARK_NODE_PARAGRAPH, out);
        if (first && tight_item && cmark_node_get_type(n) == CMARK_NODE_PARAGRAPH &&
            cmark_node_next(n))
            gz_buf_putc(out, '\n');
        first = false;
        int end = cmark_node_get_end_line(n);
        prev_end = end < start ? start : end;
    }
}

static void
block(ctx *c, cmark_node *n, int indent, int depth, bool transparent, gz_buf *out)
{
    cmark_node_type t = cmark_node_get_type(n);
    if (depth > 64) {
        char *html = render_html(c, n);
        gz_buf_puts(out, html);
        c->mem->free(html);
        return;
    }
    switch (t) {
    case CMARK_NODE_PARAGRAPH:
        if (!transparent && cmark_node_get_type(cmark_node_parent(n)) == CMARK_NODE_DOCUMENT &&
            definition_list(c, n, indent, out))
            return;
        if (transparent) {
            inline_html(c, n, 3, 5, out);
        } else {
            indent_to(out, indent);
            gz_buf_puts(out, "<p>");
            inline_html(c, n, 3, 5, out);
            gz_buf_puts(out, "</p>\n");
        }
        return;
    case CMARK_NODE_HEADING: {
        int level = cmark_node_get_heading_level(n);
        int first_line = cmark_node_get_start_line(n), last_line = setext_underline(c, first_line);
        if (last_line - first_line >= 2) {
            /* kramdown makes a setext header of one line only: the lines
             * and the underline stay one paragraph ("---" becomes a dash) */
            gz_str under = source_line(c, last_line);
            size_t b = 0, e = under.len;
            while (b < e && is_ws(under.p[b]))
                b++;
            while (e > b && is_ws(under.p[e - 1]))
                e--;
            indent_to(out, indent);
            gz_buf_puts(out, "<p>");
            inline_html(c, n, 4, 6, out);
            gz_buf_putc(out, '\n');
            site_kramdown_typography(gz_str_n(under.p + b, e - b), out);
            gz_buf_puts(out, "</p>\n");
            return;
        }
        gz_buf id = GZ_BUF_INIT;
        header_id(c->seen, n, &id);
        indent_to(out, indent);
        gz_buf_printf(out, "<h%d id=\"", level);
        escape_html(out, gz_buf_str(&id), true);
        gz_buf_puts(out, "\">");
        inline_html(c, n, 4, 6, out);
        gz_buf_printf(out, "</h%d>\n", level);
        gz_buf_free(&id);
        return;
    }
    case CMARK_NODE_BLOCK_QUOTE:
        indent_to(out, indent);
        gz_buf_puts(out, "<blockquote>\n");
        children(c, n, indent + 2, depth, false, out);
        indent_to(out, indent);
        gz_buf_puts(out, "</blockquote>\n");
        return;
    case CMARK_NODE_LIST: {
        const char *tag = cmark_node_get_list_type(n) == CMARK_ORDERED_LIST ? "ol" : "ul";
        bool tight = cmark_node_get_list_tight(n);
        bool tasks = task_boxes(n, c->mem);
        indent_to(out, indent);
        gz_buf_printf(out, tasks ? "<%s class=\"task-list\">\n" : "<%s>\n", tag);
        bool seen_task = false;
        for (cmark_node *it = cmark_node_first_child(n); it; it = cmark_node_next(it)) {
            indent_to(out, indent + 2);
            /* GFM parser: every item from the first task item on is classed */
            seen_task = seen_task || !strcmp(cmark_node_get_type_string(it), "tasklist");
            gz_buf_puts(out, seen_task ? "<li class=\"task-list-item\">" : "<li>");
            cmark_node *first = cmark_node_first_child(it);
            if (!first) {
            } else if (tight && cmark_node_get_type(first) == CMARK_NODE_PARAGRAPH) {
                gz_buf res = GZ_BUF_INIT;
                children(c, it, indent + 4, depth + 1, true, &res);
                gz_buf_put_str(out, gz_buf_str(&res));
                if (res.len && res.data[res.len - 1] == '\n')
                    indent_to(out, indent + 2);
                gz_buf_free(&res);
            } else {
                gz_buf_putc(out, '\n');
                children(c, it, indent + 4, depth + 1, false, out);
                indent_to(out, indent + 2);
            }
            gz_buf_puts(out, "</li>\n");
        }
        indent_to(out, indent);
        gz_buf_printf(out, "</%s>\n", tag);
        return;
    }
    case CMARK_NODE_CODE_BLOCK: {
        const char *info = cmark_node_get_fence_info(n);
        const char *lit = cmark_node_get_literal(n);
        gz_str code = gz_str_c(lit ? lit : "");
        while (code.len && code.p[code.len - 1] == '\n')
            code.len--;
        indent_to(out, indent);
        gz_str lang = gz_str_n(info ? info : "", info ? strcspn(info, " \t") : 0);
        if (c->rouge && site_rouge_lexer_known(lang.len ? lang : gz_str_c("plaintext"))) {
            /* Rouge's HTMLLegacy formatter; its lexers' token spans are
             * not reproduced: the code is written as plain text */
            gz_buf_printf(out, "<div class=\"language-%.*s highlighter-rouge\"><div class=\"highlight\">"
                               "<pre class=\"highlight\"><code>",
                          (int)(lang.len ? lang.len : 9), lang.len ? lang.p : "plaintext");
            escape_all(out, gz_str_c(lit ? lit : ""));
            gz_buf_puts(out, "</code></pre></div></div>\n");
            return;
        }
        if (lang.len)
            gz_buf_printf(out, "<pre><code class=\"language-%.*s\">", (int)lang.len, lang.p);
        else
            gz_buf_puts(out, "<pre><code>");
        escape_all(out, code);
        gz_buf_puts(out, "\n</code></pre>\n");
        return;
    }
    case CMARK_NODE_THEMATIC_BREAK:
        indent_to(out, indent);
        gz_buf_puts(out, "<hr />\n");
        return;
    default: {
        if (!strcmp(cmark_node_get_type_string(n), "table")) {
            table(c, n, indent, out);
            return;
        }
        char *html = render_html(c, n);
        gz_buf_puts(out, html);
        c->mem->free(html);
        return;
    }
    }
}

static void
chunk(gz_str md, ids *seen, bool rouge, int indent, gz_buf *out)
{
    pthread_once(&ext_once, ext_init);
    int opts = CMARK_OPT_UNSAFE;
    site_cmark_pool pool;
    cmark_mem *mem = site_cmark_pool_open(&pool, md.len);
    cmark_parser *p = cmark_parser_new_with_mem(opts, mem);
    /* kramdown's GFM parser links no bare URLs: no autolink extension */
    const char *exts[] = { "strikethrough", "table", "tasklist" };
    for (int i = 0; i < 3; i++) {
        cmark_syntax_extension *e = cmark_find_syntax_extension(exts[i]);
        if (e)
            cmark_parser_attach_syntax_extension(p, e);
    }
    cmark_parser_feed(p, md.p, md.len);
    cmark_node *doc = site_cmark_finish(p);
    typography(doc);
    strings codes = { 0 };
    code_spans(doc, rouge, mem, &codes);
    int nlines = 1;
    for (size_t i = 0; i < md.len; i++)
        nlines += md.p[i] == '\n';
    bool *blank = gz_xcalloc((size_t)nlines + 2, sizeof *blank);
    size_t *line_at = gz_xcalloc((size_t)nlines + 2, sizeof *line_at);
    int l = 1;
    size_t ls = 0;
    for (size_t i = 0; i <= md.len; i++) {
        if (i == md.len || md.p[i] == '\n') {
            line_at[l] = ls;
            line_at[l + 1] = i + 1;
            size_t k = ls;
            while (k < i && (md.p[k] == ' ' || md.p[k] == '\t' || md.p[k] == '>'))
                k++;
            blank[l++] = blank_line(gz_str_n(md.p + k, i - k));
            ls = i + 1;
        }
    }
    ctx c = { .seen = seen, .p = p, .opts = opts, .blank = blank, .nlines = nlines,
              .md = md, .line_at = line_at, .rouge = rouge, .mem = mem };
    children(&c, doc, indent, 0, false, out);
    free(blank);
    free(line_at);
    for (size_t k = 0; k < codes.n; k++)
        free(codes.v[k]);
    free(codes.v);
    cmark_node_free(doc);
    cmark_parser_free(p);
    site_cmark_pool_close(&pool);
}

/* ---- the block loop ----------------------------------------------------------- */

/* A block HTML start at s[i]: up to three spaces, then a comment or a
 * start tag that is not a span element. Sets *at to the '<'. */
static bool
html_block_at(gz_str s, size_t i, size_t *at)
{
    size_t j = i, sp = 0;
    while (j < s.len && s.p[j] == ' ' && sp < 3)
        j++, sp++;
    if (j >= s.len || s.p[j] != '<')
        return false;
    size_t ce;
    tag t;
    if (scan_comment(s, j, &ce) || (scan_tag(s, j, &t) && !lower_in_list(span_elements, t.name))) {
        *at = j;
        return true;
    }
    return false;
}

static bool
fence_line(gz_str line, char *ch, size_t *len)
{
    size_t i = 0;
    while (i < line.len && i < 3 && line.p[i] == ' ')
        i++;
    if (i >= line.len || (line.p[i] != '`' && line.p[i] != '~'))
        return false;
    char c = line.p[i];
    size_t n = 0;
    while (i + n < line.len && line.p[i + n] == c)
        n++;
    if (n < 3)
        return false;
    *ch = c;
    *len = n;
    return true;
}

static void convert(gz_str s, bool rouge, int indent, ids *seen, int depth, gz_buf *out);

/* markdown="1" (or "block") on a block element: its content is Markdown. */
static bool
markdown_inside(const tag *t)
{
    gz_str a = t->attrs;
    for (size_t i = 0; i + 8 <= a.len; i++) {
        if (strncasecmp(a.p + i, "markdown", 8) || (i && !is_ws(a.p[i - 1])))
            continue;
        size_t k = i + 8;
        while (k < a.len && is_ws(a.p[k]))
            k++;
        if (k >= a.len || a.p[k] != '=')
            return false;
        k++;
        while (k < a.len && is_ws(a.p[k]))
            k++;
        if (k < a.len && (a.p[k] == '"' || a.p[k] == '\''))
            k++;
        return (k + 1 <= a.len && a.p[k] == '1') ||
               (k + 5 <= a.len && !strncmp(a.p + k, "block", 5));
    }
    return false;
}

/* The element with its content converted as Markdown, two spaces deeper:
 * "<div>\n  <p>…</p>\n</div>". Returns the offset after its end tag. */
static size_t
markdown_element(gz_str s, const tag *t, bool rouge, int indent, ids *seen, int depth, gz_buf *out)
{
    bool lower = lower_in_list(known_elements, t->name);
    /* the matching end tag, counting nested elements of the same name */
    size_t i = t->end, inner_end = s.len, after = s.len;
    int open = 1;
    while (i < s.len) {
        tag nt;
        gz_str cname;
        size_t ce;
        if (s.p[i] == '<' && scan_tag(s, i, &nt)) {
            if (gz_str_eq(nt.name, t->name) && !nt.self_close)
                open++;
            i = nt.end;
        } else if (s.p[i] == '<' && scan_close(s, i, &cname, &ce)) {
            if (gz_str_eq(cname, t->name) && --open == 0) {
                inner_end = i;
                after = ce;
                break;
            }
            i = ce;
        } else
            i++;
    }
    size_t from = t->end;
    size_t k = from;
    while (k < inner_end && (s.p[k] == ' ' || s.p[k] == '\t'))
        k++;
    if (k < inner_end && s.p[k] == '\n')
        from = k + 1; /* the rest of the start tag's line */
    indent_to(out, indent);
    gz_buf_putc(out, '<');
    put_name(out, t->name, lower);
    write_attrs_but(out, t->attrs, lower, "markdown");
    gz_buf_puts(out, ">\n");
    convert(gz_str_n(s.p + from, inner_end - from), rouge, indent + 2, seen, depth + 1, out);
    indent_to(out, indent);
    gz_buf_puts(out, "</");
    put_name(out, t->name, lower);
    gz_buf_putc(out, '>');
    return after;
}

/* The block loop over a whole text: blank lines, block HTML, and the
 * Markdown between them in cmark chunks, blocks indented by `indent`. */
static void
convert(gz_str s, bool rouge, int indent, ids *seen, int depth, gz_buf *out)
{
    size_t i = 0;
    bool line_start = true;
    while (i < s.len) {
        size_t at;
        /* blank lines */
        if (line_start) {
            size_t j = i, runs = 0;
            for (;;) {
                const char *nl = memchr(s.p + j, '\n', s.len - j);
                size_t e = nl ? (size_t)(nl - s.p) : s.len;
                if (!blank_line(gz_str_n(s.p + j, e - j)) || (e == s.len && e == j && runs == 0 && j == s.len))
                    break;
                runs++;
                j = nl ? e + 1 : s.len;
                if (!nl)
                    break;
            }
            if (runs) {
                gz_buf_putc(out, '\n');
                i = j;
                continue;
            }
        }
        if (html_block_at(s, i, &at)) {
            size_t ce;
            tag t;
            if (scan_comment(s, at, &ce)) {
                gz_buf_put(out, s.p + at, ce - at);
                i = ce;
            } else {
                scan_tag(s, at, &t);
                if (depth < 16 && markdown_inside(&t))
                    i = markdown_element(s, &t, rouge, indent, seen, depth, out);
                else
                    i = raw_element(s, &t, out);
            }
            gz_buf_putc(out, '\n');
            /* TRAILING_WHITESPACE: [ \t]*\n */
            size_t j = i;
            while (j < s.len && (s.p[j] == ' ' || s.p[j] == '\t'))
                j++;
            if (j < s.len && s.p[j] == '\n') {
                i = j + 1;
                line_start = true;
            } else if (j >= s.len) {
                i = j;
            } else {
                line_start = false; /* more on the same line */
            }
            continue;
        }
        /* Markdown lines up to the next block HTML start (outside fences). */
        size_t j = i;
        char fch = 0;
        size_t flen = 0;
        bool first = true;
        for (;;) {
            const char *nl = memchr(s.p + j, '\n', s.len - j);
            size_t e = nl ? (size_t)(nl - s.p) : s.len;
            gz_str line = gz_str_n(s.p + j, e - j);
            char c;
            size_t n;
            if (!first && !fch && html_block_at(s, j, &at))
                break;
            if (fence_line(line, &c, &n)) {
                if (!fch) {
                    fch = c;
                    flen = n;
                } else if (c == fch && n >= flen)
                    fch = 0;
            }
            first = false;
            j = nl ? e + 1 : s.len;
            if (!nl)
                break;
        }
        /* Trailing blank lines belong to the block loop. */
        size_t end = j;
        while (end > i) {
            size_t ls = end;
            if (ls > i && s.p[ls - 1] == '\n')
                ls--;
            size_t b = ls;
            while (b > i && s.p[b - 1] != '\n')
                b--;
            if (b < end && blank_line(gz_str_n(s.p + b, ls - b)) && b > i)
                end = b;
            else
                break;
        }
        chunk(gz_str_n(s.p + i, end - i), seen, rouge, indent, out);
        i = end;
        line_start = true;
    }
}

/* footnote_content: the notes in order of first use, each converted at
 * indent 6 with its back links (kramdown's &#8617;, nbsp-separated) at
 * the end of its last paragraph, or in a paragraph of their own. */
static void
write_notes(site_kd_notes *notes, bool rouge, ids *seen, gz_buf *out)
{
    gz_buf_puts(out, "<div class=\"footnotes\" role=\"doc-endnotes\">\n  <ol>\n");
    for (int number = 1; number <= notes->used; number++) {
        site_kd_note *n = NULL;
        for (size_t k = 0; k < notes->len && !n; k++)
            if (notes->v[k].number == number)
                n = &notes->v[k];
        if (!n)
            continue;
        const char *name = n->label.data;
        gz_buf body = GZ_BUF_INIT, links = GZ_BUF_INIT;
        convert(gz_buf_str(&n->content), rouge, 6, seen, 0, &body);
        bool para = body.len >= 5 && !memcmp(body.data + body.len - 5, "</p>\n", 5);
        gz_buf_printf(&links, "%s<a href=\"#fnref:%s\" class=\"reversefootnote\" "
                              "role=\"doc-backlink\">&#8617;</a>",
                      para ? "\xC2\xA0" : "", name);
        for (int r = 1; r <= n->repeats; r++)
            gz_buf_printf(&links, "\xC2\xA0<a href=\"#fnref:%s:%d\" class=\"reversefootnote\" "
                                  "role=\"doc-backlink\">&#8617;<sup>%d</sup></a>",
                          name, r, r + 1);
        gz_buf_printf(out, "    <li id=\"fn:%s\" role=\"doc-endnote\">\n", name);
        if (para) {
            gz_buf_put(out, body.data, body.len - 5);
            gz_buf_put_str(out, gz_buf_str(&links));
            gz_buf_puts(out, "</p>\n");
        } else {
            gz_buf_put_str(out, gz_buf_str(&body));
            gz_buf_puts(out, "      <p>");
            gz_buf_put_str(out, gz_buf_str(&links));
            gz_buf_puts(out, "</p>\n");
        }
        gz_buf_puts(out, "    </li>\n");
        gz_buf_free(&body);
        gz_buf_free(&links);
    }
    gz_buf_puts(out, "  </ol>\n</div>\n");
}

void
site_kramdown(gz_str s, bool rouge, gz_buf *out)
{
    ids seen = { 0 };
    site_kd_notes notes = { 0 };
    gz_buf text = GZ_BUF_INIT;
    bool has_notes = site_kd_notes_extract(s, &text, &notes);
    convert(has_notes ? gz_buf_str(&text) : s, rouge, 0, &seen, 0, out);
    if (has_notes && notes.used)
        write_notes(&notes, rouge, &seen, out);
    site_kd_notes_free(&notes);
    gz_buf_free(&text);
    for (size_t k = 0; k < seen.n; k++)
        free(seen.names[k]);
    free(seen.names);
    free(seen.counts);
}
