/* Jekyll's smartify: kramdown 2.4's SmartyPants parser (smart quotes,
 * HTML entities, typographic symbols, span HTML) and its HTML output,
 * with entities as characters. Block-level HTML, which kramdown leaves
 * untouched, is treated as text here. */
#include <utf8proc.h>

#include "core/utf8.h"
#include "liquid/filters_internal.h"

/* kramdown's named entities (Kramdown::Utils::Entities), sorted. */
static const struct {
    const char *name;
    int32_t cp;
} entities[] = {
    { "AElig", 0xC6 }, { "Aacute", 0xC1 }, { "Acirc", 0xC2 }, { "Agrave", 0xC0 }, { "Alpha", 0x391 },
    { "Aring", 0xC5 }, { "Atilde", 0xC3 }, { "Auml", 0xC4 }, { "Beta", 0x392 }, { "Ccedil", 0xC7 },
    { "Chi", 0x3A7 }, { "Dagger", 0x2021 }, { "Delta", 0x394 }, { "ETH", 0xD0 }, { "Eacute", 0xC9 },
    { "Ecirc", 0xCA }, { "Egrave", 0xC8 }, { "Epsilon", 0x395 }, { "Eta", 0x397 }, { "Euml", 0xCB },
    { "Gamma", 0x393 }, { "Iacute", 0xCD }, { "Icirc", 0xCE }, { "Igrave", 0xCC }, { "Iota", 0x399 },
    { "Iuml", 0xCF }, { "Kappa", 0x39A }, { "Lambda", 0x39B }, { "Mu", 0x39C }, { "Ntilde", 0xD1 },
    { "Nu", 0x39D }, { "OElig", 0x152 }, { "Oacute", 0xD3 }, { "Ocirc", 0xD4 }, { "Ograve", 0xD2 },
    { "Omega", 0x3A9 }, { "Omicron", 0x39F }, { "Oslash", 0xD8 }, { "Otilde", 0xD5 }, { "Ouml", 0xD6 },
    { "Phi", 0x3A6 }, { "Pi", 0x3A0 }, { "Prime", 0x2033 }, { "Psi", 0x3A8 }, { "Rho", 0x3A1 },
    { "Scaron", 0x160 }, { "Sigma", 0x3A3 }, { "THORN", 0xDE }, { "Tau", 0x3A4 }, { "Theta", 0x398 },
    { "Uacute", 0xDA }, { "Ucirc", 0xDB }, { "Ugrave", 0xD9 }, { "Upsilon", 0x3A5 }, { "Uuml", 0xDC },
    { "Xi", 0x39E }, { "Yacute", 0xDD }, { "Yuml", 0x178 }, { "Zeta", 0x396 }, { "aacute", 0xE1 },
    { "acirc", 0xE2 }, { "acute", 0xB4 }, { "aelig", 0xE6 }, { "agrave", 0xE0 }, { "alefsym", 0x2135 },
    { "alpha", 0x3B1 }, { "amp", 0x26 }, { "and", 0x2227 }, { "ang", 0x2220 }, { "apos", 0x27 },
    { "aring", 0xE5 }, { "asymp", 0x2248 }, { "atilde", 0xE3 }, { "auml", 0xE4 }, { "bdquo", 0x201E },
    { "beta", 0x3B2 }, { "brvbar", 0xA6 }, { "bull", 0x2022 }, { "cap", 0x2229 }, { "ccedil", 0xE7 },
    { "cedil", 0xB8 }, { "cent", 0xA2 }, { "chi", 0x3C7 }, { "circ", 0x2C6 }, { "clubs", 0x2663 },
    { "cong", 0x2245 }, { "copy", 0xA9 }, { "crarr", 0x21B5 }, { "cup", 0x222A }, { "curren", 0xA4 },
    { "dArr", 0x21D3 }, { "dagger", 0x2020 }, { "darr", 0x2193 }, { "deg", 0xB0 }, { "delta", 0x3B4 },
    { "diams", 0x2666 }, { "divide", 0xF7 }, { "eacute", 0xE9 }, { "ecirc", 0xEA }, { "egrave", 0xE8 },
    { "empty", 0x2205 }, { "emsp", 0x2003 }, { "ensp", 0x2002 }, { "epsilon", 0x3B5 }, { "equiv", 0x2261 },
    { "eta", 0x3B7 }, { "eth", 0xF0 }, { "euml", 0xEB }, { "euro", 0x20AC }, { "exist", 0x2203 },
    { "fnof", 0x192 }, { "forall", 0x2200 }, { "frac12", 0xBD }, { "frac14", 0xBC }, { "frac34", 0xBE },
    { "frasl", 0x2044 }, { "gamma", 0x3B3 }, { "ge", 0x2265 }, { "gt", 0x3E }, { "hArr", 0x21D4 },
    { "harr", 0x2194 }, { "hearts", 0x2665 }, { "hellip", 0x2026 }, { "iacute", 0xED }, { "icirc", 0xEE },
    { "iexcl", 0xA1 }, { "igrave", 0xEC }, { "image", 0x2111 }, { "infin", 0x221E }, { "int", 0x222B },
    { "iota", 0x3B9 }, { "iquest", 0xBF }, { "isin", 0x2208 }, { "iuml", 0xEF }, { "kappa", 0x3BA },
    { "lArr", 0x21D0 }, { "lambda", 0x3BB }, { "lang", 0x232A }, { "laquo", 0xAB }, { "larr", 0x2190 },
    { "lceil", 0x2309 }, { "ldquo", 0x201C }, { "le", 0x2264 }, { "lfloor", 0x230A }, { "lowast", 0x2217 },
    { "loz", 0x25CA }, { "lrm", 0x200E }, { "lsaquo", 0x2039 }, { "lsquo", 0x2018 }, { "lt", 0x3C },
    { "macr", 0xAF }, { "mdash", 0x2014 }, { "micro", 0xB5 }, { "middot", 0xB7 }, { "minus", 0x2212 },
    { "mu", 0x3BC }, { "nabla", 0x2207 }, { "nbsp", 0xA0 }, { "ndash", 0x2013 }, { "ne", 0x2260 },
    { "ni", 0x220B }, { "not", 0xAC }, { "notin", 0x2209 }, { "nsub", 0x2284 }, { "ntilde", 0xF1 },
    { "nu", 0x3BD }, { "oacute", 0xF3 }, { "ocirc", 0xF4 }, { "oelig", 0x153 }, { "ograve", 0xF2 },
    { "oline", 0x203E }, { "omega", 0x3C9 }, { "omicron", 0x3BF }, { "oplus", 0x2295 }, { "or", 0x2228 },
    { "ordf", 0xAA }, { "ordm", 0xBA }, { "oslash", 0xF8 }, { "otilde", 0xF5 }, { "otimes", 0x2297 },
    { "ouml", 0xF6 }, { "para", 0xB6 }, { "part", 0x2202 }, { "permil", 0x2030 }, { "perp", 0x22A5 },
    { "phi", 0x3C6 }, { "pi", 0x3C0 }, { "piv", 0x3D6 }, { "plusmn", 0xB1 }, { "pound", 0xA3 },
    { "prime", 0x2032 }, { "prod", 0x220F }, { "prop", 0x221D }, { "psi", 0x3C8 }, { "quot", 0x22 },
    { "rArr", 0x21D2 }, { "radic", 0x221A }, { "rang", 0x2329 }, { "raquo", 0xBB }, { "rarr", 0x2192 },
    { "rceil", 0x2308 }, { "rdquo", 0x201D }, { "real", 0x211C }, { "reg", 0xAE }, { "rfloor", 0x230B },
    { "rho", 0x3C1 }, { "rlm", 0x200F }, { "rsaquo", 0x203A }, { "rsquo", 0x2019 }, { "sbquo", 0x201A },
    { "scaron", 0x161 }, { "sdot", 0x22C5 }, { "sect", 0xA7 }, { "shy", 0xAD }, { "sigma", 0x3C3 },
    { "sigmaf", 0x3C2 }, { "sim", 0x223C }, { "spades", 0x2660 }, { "sub", 0x2282 }, { "sube", 0x2286 },
    { "sum", 0x2211 }, { "sup", 0x2283 }, { "sup1", 0xB9 }, { "sup2", 0xB2 }, { "sup3", 0xB3 },
    { "supe", 0x2287 }, { "szlig", 0xDF }, { "tau", 0x3C4 }, { "there4", 0x2234 }, { "theta", 0x3B8 },
    { "thetasym", 0x3D1 }, { "thinsp", 0x2009 }, { "thorn", 0xFE }, { "tilde", 0x2DC }, { "times", 0xD7 },
    { "trade", 0x2122 }, { "uArr", 0x21D1 }, { "uacute", 0xFA }, { "uarr", 0x2191 }, { "ucirc", 0xFB },
    { "ugrave", 0xF9 }, { "uml", 0xA8 }, { "upsih", 0x3D2 }, { "upsilon", 0x3C5 }, { "uuml", 0xFC },
    { "vellip", 0x22EE }, { "weierp", 0x2118 }, { "xi", 0x3BE }, { "yacute", 0xFD }, { "yen", 0xA5 },
    { "yuml", 0xFF }, { "zeta", 0x3B6 }, { "zwj", 0x200D }, { "zwnj", 0x200C },
};

static int32_t
entity_by_name(gz_str name)
{
    size_t lo = 0, hi = sizeof entities / sizeof entities[0];
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const char *k = entities[mid].name;
        size_t klen = strlen(k), m = klen < name.len ? klen : name.len;
        int c = memcmp(k, name.p, m);
        if (c == 0)
            c = (klen > name.len) - (klen < name.len);
        if (c == 0)
            return entities[mid].cp;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

typedef struct smarty {
    gz_str s;
    size_t pos;
    gz_buf *out;
} smarty;

static int
at(const smarty *sp, size_t i)
{
    return i < sp->s.len ? (unsigned char)sp->s.p[i] : -1;
}

static bool
is_space(int c)
{
    return c == ' ' || (c >= '\t' && c <= '\r');
}

static bool
is_quote(int c)
{
    return c == '"' || c == '\'';
}

/* Ruby's \w on UTF-8 text: letters, marks, numbers and connector
 * punctuation. */
static bool
is_word_at(const smarty *sp, size_t i)
{
    if (i >= sp->s.len)
        return false;
    int32_t cp;
    gz_utf8_decode(sp->s.p + i, sp->s.len - i, &cp);
    if (cp < 0x80)
        return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9') ||
               cp == '_';
    utf8proc_category_t c = utf8proc_category(cp);
    return (c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_NO) || c == UTF8PROC_CATEGORY_PC;
}

/* The text kramdown's HTML converter writes: <, > and & escaped. */
static void
put_text(smarty *sp, size_t from, size_t to)
{
    for (size_t i = from; i < to; i++) {
        char c = sp->s.p[i];
        if (c == '<')
            gz_buf_puts(sp->out, "&lt;");
        else if (c == '>')
            gz_buf_puts(sp->out, "&gt;");
        else if (c == '&')
            gz_buf_puts(sp->out, "&amp;");
        else
            gz_buf_putc(sp->out, c);
    }
}

/* An entity as kramdown writes it with entity_output :as_char: the
 * character, except <, > and & which keep their original spelling. */
static void
put_entity(smarty *sp, int32_t cp, gz_str original)
{
    if (cp == '<' || cp == '>' || cp == '&')
        gz_buf_put_str(sp->out, original);
    else
        gz_utf8_encode(sp->out, cp);
}

static void
put_quote(smarty *sp, char quote, bool left)
{
    static const char *const marks[2][2] = { { "\u2019", "\u2018" }, { "\u201D", "\u201C" } };
    gz_buf_puts(sp->out, marks[quote == '"'][left]);
}

static bool
isdigit_at(const smarty *sp, size_t i)
{
    return at(sp, i) >= '0' && at(sp, i) <= '9';
}

static int
hex_digit_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if ((c | 32) >= 'a' && (c | 32) <= 'f')
        return (c | 32) - 'a' + 10;
    return -1;
}

static bool
is_punct(int c)
{
    return c >= 0 && c < 0x80 && c && strchr("!\"#$%'()*+,-./:;<=>?@[\\]^_`{|}~", c);
}

static size_t
char_len(const smarty *sp, size_t i)
{
    int32_t cp;
    return i < sp->s.len ? gz_utf8_decode(sp->s.p + i, sp->s.len - i, &cp) : 0;
}

/* Emits the text from pos to the quote at text_end, then the quote as a
 * left or right mark, and moves past it. */
static bool
quote_after(smarty *sp, size_t text_end, bool left)
{
    put_text(sp, sp->pos, text_end);
    put_quote(sp, sp->s.p[text_end], left);
    sp->pos = text_end + 1;
    return true;
}

/* The first of kramdown's SQ_RULES that matches at sp->pos, which is a
 * quote or the character before one. */
static bool
smart_quote(smarty *sp)
{
    size_t p = sp->pos, n0 = char_len(sp, p);
    int c0 = at(sp, p), c1 = at(sp, p + 1), c2 = at(sp, p + 2), c3 = at(sp, p + 3);
    bool q0 = is_quote(c0);
    /* ("|')(?=[_*]{1,2}\S) */
    if (q0 && (c1 == '_' || c1 == '*') && c2 >= 0 && !is_space(c2))
        return quote_after(sp, p, true);
    /* ("|')(?=PUNCT(?!\.\.)\B) */
    if (q0 && is_punct(c1) && !(c2 == '.' && c3 == '.') && !is_word_at(sp, p + 2))
        return quote_after(sp, p, false);
    /* (\s?)"'(?=\w) and (\s?)'"(?=\w): two opening quotes */
    size_t q = is_space(c0) ? p + 1 : p;
    if (is_quote(at(sp, q)) && is_quote(at(sp, q + 1)) && at(sp, q) != at(sp, q + 1) &&
        is_word_at(sp, q + 2))
        return quote_after(sp, q, true) && quote_after(sp, q + 1, true);
    /* (\s?)'(?=\d\ds): the '90s */
    if (at(sp, q) == '\'' && isdigit_at(sp, q + 1) && isdigit_at(sp, q + 2) && at(sp, q + 3) == 's')
        return quote_after(sp, q, false);
    /* (\s)('|")(?=\w) */
    if (is_space(c0) && is_quote(c1) && is_word_at(sp, p + 2))
        return quote_after(sp, p + 1, true);
    /* ([^ \\\t\r\n[{(-])('|") */
    if (c0 >= 0 && !(c0 && strchr(" \\\t\r\n[{(-", c0)) && is_quote(at(sp, p + n0)))
        return quote_after(sp, p + n0, false);
    /* ("|')(?=\s|s\b|$) */
    if (q0 && (c1 < 0 || is_space(c1) || (c1 == 's' && !is_word_at(sp, p + 2))))
        return quote_after(sp, p, false);
    /* (.?)' then (.?)" */
    if (at(sp, p + n0) == '\'')
        return quote_after(sp, p + n0, true);
    if (c0 == '\'')
        return quote_after(sp, p, true);
    if (at(sp, p + n0) == '"')
        return quote_after(sp, p + n0, true);
    return quote_after(sp, p, true);
}

/* &name; &#123; &#x1F; at sp->pos: the entity (an unknown name is "&amp;"
 * and its text). False when there is none. */
static bool
html_entity(smarty *sp)
{
    size_t p = sp->pos, i = p + 1;
    gz_str s = sp->s;
    int32_t cp = -1;
    bool numeric = i < s.len && s.p[i] == '#';
    if (numeric) {
        bool hex = i + 1 < s.len && s.p[i + 1] == 'x';
        size_t start = i + 1 + hex, j = start;
        int64_t v = 0;
        while (j < s.len && (hex ? hex_digit_value(s.p[j]) >= 0 : isdigit_at(sp, j))) {
            if (v < 0x7fffffff)
                v = v * (hex ? 16 : 10) + hex_digit_value(s.p[j]);
            j++;
        }
        if (j == start || j >= s.len || s.p[j] != ';')
            return false;
        i = j + 1;
        cp = v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF) ? -1 : (int32_t)v;
        gz_str original = gz_str_n(s.p + p, i - p);
        if (cp < 0)
            gz_buf_put_str(sp->out, original);
        else
            put_entity(sp, cp, original);
        sp->pos = i;
        return true;
    }
    size_t j = i;
    while (j < s.len && (is_word_at(sp, j) || s.p[j] == ':' || (j > i && strchr("-.", s.p[j]))))
        j += char_len(sp, j);
    if (j == i || j >= s.len || s.p[j] != ';')
        return false;
    gz_str name = gz_str_n(s.p + i, j - i);
    cp = entity_by_name(name);
    if (cp < 0) { /* kramdown: an "&amp;" entity, then the rest as text */
        gz_buf_puts(sp->out, "&amp;");
        put_text(sp, i, j + 1);
    } else {
        put_entity(sp, cp, gz_str_n(s.p + p, j + 1 - p));
    }
    sp->pos = j + 1;
    return true;
}

/* ---, --, ..., \<<, \>>, "<< ", " >>", <<, >> at sp->pos. */
static bool
typographic_sym(smarty *sp)
{
    static const struct {
        const char *text, *out;
    } syms[] = {
        { "---", "\u2014" }, { "--", "\u2013" }, { "...", "\u2026" }, { "\\<<", "&lt;&lt;" },
        { "\\>>", "&gt;&gt;" }, { "<< ", "\u00AB\u00A0" }, { " >>", "\u00A0\u00BB" },
        { "<<", "\u00AB" }, { ">>", "\u00BB" },
    };
    gz_str rest = gz_str_n(sp->s.p + sp->pos, sp->s.len - sp->pos);
    for (size_t k = 0; k < sizeof syms / sizeof syms[0]; k++) {
        if (gz_str_starts_with(rest, gz_str_c(syms[k].text))) {
            gz_buf_puts(sp->out, syms[k].out);
            sp->pos += strlen(syms[k].text);
            return true;
        }
    }
    return false;
}

/* A tag, end tag, comment or instruction at sp->pos, copied as it is. */
static bool
span_html(smarty *sp)
{
    int c1 = at(sp, sp->pos + 1);
    if (!((c1 >= 'a' && c1 <= 'z') || (c1 >= 'A' && c1 <= 'Z') || c1 == '/' || c1 == '!' || c1 == '?'))
        return false;
    const char *gt = memchr(sp->s.p + sp->pos, '>', sp->s.len - sp->pos);
    if (!gt)
        return false;
    size_t end = (size_t)(gt - sp->s.p) + 1;
    gz_buf_put(sp->out, sp->s.p + sp->pos, end - sp->pos);
    sp->pos = end;
    return true;
}

/* Where one of the span parsers could start at i (kramdown's span_start). */
static bool
span_start(const smarty *sp, size_t i)
{
    int c = at(sp, i);
    if (is_quote(c) || (c != '\\' && is_quote(at(sp, i + char_len(sp, i)))))
        return true;
    if (c == '&' || c == '<')
        return true;
    gz_str rest = gz_str_n(sp->s.p + i, sp->s.len - i);
    return gz_str_starts_with(rest, GZ_STR("--")) || gz_str_starts_with(rest, GZ_STR("...")) ||
           gz_str_starts_with(rest, GZ_STR(">>")) || gz_str_starts_with(rest, GZ_STR("\\<<")) ||
           gz_str_starts_with(rest, GZ_STR("\\>>")) || gz_str_starts_with(rest, GZ_STR(" <<")) ||
           gz_str_starts_with(rest, GZ_STR(" >>"));
}

LIQ_FILTER(smartify)
{
    (void)args, (void)nargs, (void)kwargs;
    gz_str in = liq_f_to_s(ctx, input);
    gz_buf src = GZ_BUF_INIT, b = GZ_BUF_INIT;
    for (size_t i = 0; i < in.len; i++) { /* kramdown reads \r\n and \r as \n */
        if (in.p[i] == '\r' && i + 1 < in.len && in.p[i + 1] == '\n')
            continue;
        gz_buf_putc(&src, in.p[i] == '\r' ? '\n' : in.p[i]);
    }
    smarty sp = { gz_buf_str(&src), 0, &b };
    while (sp.pos < sp.s.len) {
        size_t i = sp.pos;
        while (i < sp.s.len && !span_start(&sp, i))
            i += char_len(&sp, i);
        put_text(&sp, sp.pos, i);
        sp.pos = i;
        if (i == sp.s.len)
            break;
        bool smart = is_quote(at(&sp, i)) || (at(&sp, i) != '\\' && is_quote(at(&sp, i + char_len(&sp, i))));
        if (smart) {
            smart_quote(&sp);
        } else if (!(at(&sp, i) == '&' && html_entity(&sp)) && !typographic_sym(&sp) &&
                   !(at(&sp, i) == '<' && span_html(&sp))) {
            size_t n = char_len(&sp, i);
            put_text(&sp, i, i + n);
            sp.pos = i + n;
        }
    }
    if (b.len && b.data[b.len - 1] == '\n') /* to_html.chomp */
        gz_buf_truncate(&b, b.len - 1);
    gz_buf_free(&src);
    *out = liq_f_take(ctx, &b);
    return true;
}
