/* Jekyll's text filters: slugify, xml_escape, normalize_whitespace,
 * number_of_words, array_to_sentence_string, jsonify, inspect,
 * to_integer, markdownify and smartify. */
#include <utf8proc.h>

#include "core/json.h"
#include "core/utf8.h"
#include "liquid/convert.h"
#include "liquid/decimal.h"
#include "liquid/filters_internal.h"

static bool
internal_error(liq_ctx *ctx)
{
    return liq_filter_error(ctx, "internal");
}

/* ---- slugify --------------------------------------------------------------- */

/* I18n's default transliterations (HashTransliterator::DEFAULT_APPROXIMATIONS,
 * i18n 1.10) for U+00C0..U+017F; NULL is I18n's "?". */
static const char *const latin_approximations[0x180 - 0xC0] = {
    "A", "A", "A", "A", "A", "A", "AE", "C", "E", "E", "E", "E",
    "I", "I", "I", "I", "D", "N", "O", "O", "O", "O", "O", "x",
    "O", "U", "U", "U", "U", "Y", "Th", "ss", "a", "a", "a", "a",
    "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
    "d", "n", "o", "o", "o", "o", "o", NULL, "o", "u", "u", "u",
    "u", "y", "th", "y", "A", "a", "A", "a", "A", "a", "C", "c",
    "C", "c", "C", "c", "C", "c", "D", "d", "D", "d", "E", "e",
    "E", "e", "E", "e", "E", "e", "E", "e", "G", "g", "G", "g",
    "G", "g", "G", "g", "H", "h", "H", "h", "I", "i", "I", "i",
    "I", "i", "I", "i", "I", "i", "IJ", "ij", "J", "j", "K", "k",
    "k", "L", "l", "L", "l", "L", "l", "L", "l", "L", "l", "N",
    "n", "N", "n", "N", "n", "'n", "NG", "ng", "O", "o", "O", "o",
    "O", "o", "OE", "oe", "R", "r", "R", "r", "R", "r", "S", "s",
    "S", "s", "S", "s", "S", "s", "T", "t", "T", "t", "T", "t",
    "U", "u", "U", "u", "U", "u", "U", "u", "U", "u", "U", "u",
    "W", "w", "Y", "y", "Y", "Z", "z", "Z", "z", "Z", "z", NULL,
};

/* I18n.transliterate: ASCII stays, the table above, "?" for the rest. */
static void
transliterate(gz_buf *out, gz_str s)
{
    for (size_t i = 0; i < s.len;) {
        int32_t cp;
        size_t n = gz_utf8_decode(s.p + i, s.len - i, &cp);
        if (cp < 0x80)
            gz_buf_putc(out, (char)cp);
        else if (cp >= 0xC0 && cp < 0x180 && latin_approximations[cp - 0xC0])
            gz_buf_puts(out, latin_approximations[cp - 0xC0]);
        else
            gz_buf_putc(out, '?');
        i += n;
    }
}

typedef enum { SLUG_RAW, SLUG_DEFAULT, SLUG_PRETTY, SLUG_ASCII } slug_mode;

/* Whether a character survives a mode's replacement: raw replaces runs of
 * \s, default keeps \p{M}\p{L}\p{Nd}, pretty those and ._~!$&'()+,;=@,
 * ascii [A-Za-z0-9]. */
static bool
slug_keeps(slug_mode mode, int32_t cp)
{
    if (mode == SLUG_RAW)
        return !(cp == ' ' || (cp >= '\t' && cp <= '\r'));
    if (mode == SLUG_ASCII)
        return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9');
    if (mode == SLUG_PRETTY && cp < 0x80 && cp && strchr("._~!$&'()+,;=@", (char)cp))
        return true;
    utf8proc_category_t c = utf8proc_category(cp);
    return (c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_ME) || c == UTF8PROC_CATEGORY_ND;
}

/* Utils.slugify: runs of replaced characters become one "-", one "-" at
 * each end goes, then the result is downcased. An unknown mode only
 * downcases. */
LIQ_FILTER(slugify)
{
    (void)kwargs;
    if (input.type == GZ_NIL) {
        *out = gz_nil();
        return true;
    }
    if (input.type != GZ_STRING) /* Ruby calls String methods on it */
        return internal_error(ctx);
    gz_str s = gz_value_str(input);
    gz_value m = nargs ? args[0] : gz_nil();
    gz_str mode = m.type == GZ_NIL ? GZ_STR("default") : m.type == GZ_STRING ? gz_value_str(m) : GZ_STR("");
    static const struct {
        const char *name;
        slug_mode mode;
    } modes[] = {
        { "raw", SLUG_RAW }, { "default", SLUG_DEFAULT }, { "pretty", SLUG_PRETTY },
        { "ascii", SLUG_ASCII }, { "latin", SLUG_DEFAULT },
    };
    int k = -1;
    for (int i = 0; i < 5 && k < 0; i++)
        if (gz_str_eq_c(mode, modes[i].name))
            k = i;
    gz_buf b = GZ_BUF_INIT, t = GZ_BUF_INIT;
    if (k < 0) {
        gz_utf8_downcase(&b, s);
        *out = liq_f_take(ctx, &b);
        return true;
    }
    if (!gz_utf8_valid(s, NULL)) /* Ruby's gsub raises on it */
        return internal_error(ctx);
    if (gz_str_eq_c(mode, "latin")) {
        transliterate(&t, s);
        s = gz_buf_str(&t);
    }
    gz_buf slug = GZ_BUF_INIT;
    bool in_run = false;
    for (size_t i = 0; i < s.len;) {
        int32_t cp;
        size_t n = gz_utf8_decode(s.p + i, s.len - i, &cp);
        if (slug_keeps(modes[k].mode, cp)) {
            gz_buf_put(&slug, s.p + i, n);
            in_run = false;
        } else if (!in_run) {
            gz_buf_putc(&slug, '-');
            in_run = true;
        }
        i += n;
    }
    gz_str r = gz_buf_str(&slug);
    if (r.len && r.p[0] == '-')
        r.p++, r.len--;
    if (r.len && r.p[r.len - 1] == '-')
        r.len--;
    gz_utf8_downcase(&b, r);
    gz_buf_free(&slug);
    gz_buf_free(&t);
    *out = liq_f_take(ctx, &b);
    return true;
}

/* ---- escaping and whitespace ---------------------------------------------- */

static void
xml_escape(gz_buf *out, gz_str s)
{
    for (size_t i = 0; i < s.len; i++) {
        switch (s.p[i]) {
        case '&': gz_buf_puts(out, "&amp;"); break;
        case '<': gz_buf_puts(out, "&lt;"); break;
        case '>': gz_buf_puts(out, "&gt;"); break;
        case '"': gz_buf_puts(out, "&quot;"); break;
        case '\'': gz_buf_puts(out, "&apos;"); break;
        default: gz_buf_putc(out, s.p[i]); break;
        }
    }
}

/* String#encode(xml: :attr) without the quotes it adds. */
LIQ_FILTER(xml_escape)
{
    (void)args, (void)nargs, (void)kwargs;
    gz_buf b = GZ_BUF_INIT;
    xml_escape(&b, liq_f_to_s(ctx, input));
    *out = liq_f_take(ctx, &b);
    return true;
}

/* Runs of ASCII whitespace become one space, then String#strip. */
LIQ_FILTER(normalize_whitespace)
{
    (void)args, (void)nargs, (void)kwargs;
    gz_str s = liq_f_to_s(ctx, input);
    gz_buf b = GZ_BUF_INIT;
    gz_buf_grow(&b, s.len); /* never longer: runs are copied whole */
    for (size_t i = 0; i < s.len;) {
        size_t run = i;
        while (run < s.len && !liq_f_is_space(s.p[run]))
            run++;
        gz_buf_put(&b, s.p + i, run - i);
        if (run == s.len)
            break;
        while (run < s.len && liq_f_is_space(s.p[run]))
            run++;
        gz_buf_putc(&b, ' ');
        i = run;
    }
    gz_str r = gz_buf_str(&b);
    while (r.len && (liq_f_is_space(r.p[0]) || r.p[0] == '\0'))
        r.p++, r.len--;
    while (r.len && (liq_f_is_space(r.p[r.len - 1]) || r.p[r.len - 1] == '\0'))
        r.len--;
    *out = liq_f_string(ctx, r);
    gz_buf_free(&b);
    return true;
}

/* ---- number_of_words ------------------------------------------------------- */

/* Code points of \p{Han}, \p{Katakana}, \p{Hiragana} and \p{Hangul} as
 * Ruby 3.1 (Unicode 13.0) matches them, generated with Ruby by testing
 * every code point against /[\p{Han}\p{Katakana}\p{Hiragana}\p{Hangul}]/. */
static const struct {
    int32_t lo, hi;
} cjk_ranges[] = {
    { 0x1100, 0x11FF }, { 0x2E80, 0x2E99 }, { 0x2E9B, 0x2EF3 }, { 0x2F00, 0x2FD5 },
    { 0x3005, 0x3005 }, { 0x3007, 0x3007 }, { 0x3021, 0x3029 }, { 0x302E, 0x302F },
    { 0x3038, 0x303B }, { 0x3041, 0x3096 }, { 0x309D, 0x309F }, { 0x30A1, 0x30FA },
    { 0x30FD, 0x30FF }, { 0x3131, 0x318E }, { 0x31F0, 0x321E }, { 0x3260, 0x327E },
    { 0x32D0, 0x32FE }, { 0x3300, 0x3357 }, { 0x3400, 0x4DBF }, { 0x4E00, 0x9FFC },
    { 0xA960, 0xA97C }, { 0xAC00, 0xD7A3 }, { 0xD7B0, 0xD7C6 }, { 0xD7CB, 0xD7FB },
    { 0xF900, 0xFA6D }, { 0xFA70, 0xFAD9 }, { 0xFF66, 0xFF6F }, { 0xFF71, 0xFF9D },
    { 0xFFA0, 0xFFBE }, { 0xFFC2, 0xFFC7 }, { 0xFFCA, 0xFFCF }, { 0xFFD2, 0xFFD7 },
    { 0xFFDA, 0xFFDC }, { 0x16FF0, 0x16FF1 }, { 0x1B000, 0x1B11E }, { 0x1B150, 0x1B152 },
    { 0x1B164, 0x1B167 }, { 0x1F200, 0x1F200 }, { 0x20000, 0x2A6DD }, { 0x2A700, 0x2B734 },
    { 0x2B740, 0x2B81D }, { 0x2B820, 0x2CEA1 }, { 0x2CEB0, 0x2EBE0 }, { 0x2F800, 0x2FA1D },
    { 0x30000, 0x3134A },
};

static bool
is_cjk(int32_t cp)
{
    size_t lo = 0, hi = sizeof cjk_ranges / sizeof cjk_ranges[0];
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cp < cjk_ranges[mid].lo)
            hi = mid;
        else if (cp > cjk_ranges[mid].hi)
            lo = mid + 1;
        else
            return true;
    }
    return false;
}

/* Words: runs of characters that are neither whitespace nor (when
 * `cjk_apart`)     { 0x1100, 0x11FF }, { 0x2E80, 0x2E99 }, { 0x2E9B, 0x2EF3 }, { 0x2F00, 0x2FD5 },
    { 0x3005, 0x3005 }, { 0x3007, 0x3007 }, { 0x3021, 0x3029 }, { 0x302E, 0x302F },
    { 0x3038, 0x303B }, { 0x3041, 0x3096 }, { 0x309D, 0x309F }, { 0x30A1, 0x30FA },
    { 0x30FD, 0x30FF }, { 0x3131, 0x318E }, { 0x31F0, 0x321E }, { 0x3260, 0x327E },
    { 0x32D0, 0x32FE }, { 0x3300, 0x3357 }, { 0x3400, 0x4DBF }, { 0x4E00, 0x9FFC },
    { 0xA960, 0xA97C }, { 0xAC00, 0xD7A3 }, { 0xD7B0, 0xD7C6 }, { 0xD7CB, 0xD7FB },
    { 0xF900, 0xFA6D }, { 0xFA70, 0xFAD9 }, { 0xFF66, 0xFF6F }, { 0xFF71, 0xFF9D },
    { 0xFFA0, 0xFFBE }, { 0xFFC2, 0xFFC7 }, { 0xFFCA, 0xFFCF }, { 0xFFD2, 0xFFD7 },
    { 0xFFDA, 0xFFDC }, { 0x16FF0, 0x16FF1 }, { 0x1B000, 0x1B11E }, { 0x1B150, 0x1B152 },
    { 0x1B164, 0x1B167 }, { 0x1F200, 0x1F200 }, { 0x20000, 0x2A6DD }, { 0x2A700, 0x2B734 },
    { 0x2B740, 0x2B81D }, { 0x2B820, 0x2CEA1 }, { 0x2CEB0, 0x2EBE0 }, { 0x2F800, 0x2FA1D },
    { 0x30000, 0x3134A },;     { 0x1100, 0x11FF }, { 0x2E80, 0x2E99 }, { 0x2E9B, 0x2EF3 }, { 0x2F00, 0x2FD5 },
    { 0x3005, 0x3005 }, { 0x3007, 0x3007 }, { 0x3021, 0x3029 }, { 0x302E, 0x302F },
    { 0x3038, 0x303B }, { 0x3041, 0x3096 }, { 0x309D, 0x309F }, { 0x30A1, 0x30FA },
    { 0x30FD, 0x30FF }, { 0x3131, 0x318E }, { 0x31F0, 0x321E }, { 0x3260, 0x327E },
    { 0x32D0, 0x32FE }, { 0x3300, 0x3357 }, { 0x3400, 0x4DBF }, { 0x4E00, 0x9FFC },
    { 0xA960, 0xA97C }, { 0xAC00, 0xD7A3 }, { 0xD7B0, 0xD7C6 }, { 0xD7CB, 0xD7FB },
    { 0xF900, 0xFA6D }, { 0xFA70, 0xFAD9 }, { 0xFF66, 0xFF6F }, { 0xFF71, 0xFF9D },
    { 0xFFA0, 0xFFBE }, { 0xFFC2, 0xFFC7 }, { 0xFFCA, 0xFFCF }, { 0xFFD2, 0xFFD7 },
    { 0xFFDA, 0xFFDC }, { 0x16FF0, 0x16FF1 }, { 0x1B000, 0x1B11E }, { 0x1B150, 0x1B152 },
    { 0x1B164, 0x1B167 }, { 0x1F200, 0x1F200 }, { 0x20000, 0x2A6DD }, { 0x2A700, 0x2B734 },
    { 0x2B740, 0x2B81D }, { 0x2B820, 0x2CEA1 }, { 0x2CEB0, 0x2EBE0 }, { 0x2F800, 0x2FA1D },
    { 0x30000, 0x3134A }, characters count one each into *cjk. */
static int64_t
count_words(gz_str s, bool cjk_apart, int64_t *cjk)
{
    int64_t words = 0;
    bool in_word = false;
    *cjk = 0;
    for (size_t i = 0; i < s.len;) {
        int32_t cp;
        i += gz_utf8_decode(s.p + i, s.len - i, &cp);
        bool space = cp < 0x80 && liq_f_is_space((char)cp);
        bool han = is_cjk(cp);
        *cjk += han;
        if (space || (cjk_apart && han)) {
            in_word = false;
        } else if (!in_word) {
            words++;
            in_word = true;
        }
    }
    return words;
}

/* number_of_words: String#split's count; "cjk" counts     { 0x1100, 0x11FF }, { 0x2E80, 0x2E99 }, { 0x2E9B, 0x2EF3 }, { 0x2F00, 0x2FD5 },
    { 0x3005, 0x3005 }, { 0x3007, 0x3007 }, { 0x3021, 0x3029 }, { 0x302E, 0x302F },
    { 0x3038, 0x303B }, { 0x3041, 0x3096 }, { 0x309D, 0x309F }, { 0x30A1, 0x30FA },
    { 0x30FD, 0x30FF }, { 0x3131, 0x318E }, { 0x31F0, 0x321E }, { 0x3260, 0x327E },
    { 0x32D0, 0x32FE }, { 0x3300, 0x3357 }, { 0x3400, 0x4DBF }, { 0x4E00, 0x9FFC },
    { 0xA960, 0xA97C }, { 0xAC00, 0xD7A3 }, { 0xD7B0, 0xD7C6 }, { 0xD7CB, 0xD7FB },
    { 0xF900, 0xFA6D }, { 0xFA70, 0xFAD9 }, { 0xFF66, 0xFF6F }, { 0xFF71, 0xFF9D },
    { 0xFFA0, 0xFFBE }, { 0xFFC2, 0xFFC7 }, { 0xFFCA, 0xFFCF }, { 0xFFD2, 0xFFD7 },
    { 0xFFDA, 0xFFDC }, { 0x16FF0, 0x16FF1 }, { 0x1B000, 0x1B11E }, { 0x1B150, 0x1B152 },
    { 0x1B164, 0x1B167 }, { 0x1F200, 0x1F200 }, { 0x20000, 0x2A6DD }, { 0x2A700, 0x2B734 },
    { 0x2B740, 0x2B81D }, { 0x2B820, 0x2CEA1 }, { 0x2CEB0, 0x2EBE0 }, { 0x2F800, 0x2FA1D },
    { 0x30000, 0x3134A }, characters one
 * by one plus the other words; "auto" does that only when there are     { 0x1100, 0x11FF }, { 0x2E80, 0x2E99 }, { 0x2E9B, 0x2EF3 }, { 0x2F00, 0x2FD5 },
    { 0x3005, 0x3005 }, { 0x3007, 0x3007 }, { 0x3021, 0x3029 }, { 0x302E, 0x302F },
    { 0x3038, 0x303B }, { 0x3041, 0x3096 }, { 0x309D, 0x309F }, { 0x30A1, 0x30FA },
    { 0x30FD, 0x30FF }, { 0x3131, 0x318E }, { 0x31F0, 0x321E }, { 0x3260, 0x327E },
    { 0x32D0, 0x32FE }, { 0x3300, 0x3357 }, { 0x3400, 0x4DBF }, { 0x4E00, 0x9FFC },
    { 0xA960, 0xA97C }, { 0xAC00, 0xD7A3 }, { 0xD7B0, 0xD7C6 }, { 0xD7CB, 0xD7FB },
    { 0xF900, 0xFA6D }, { 0xFA70, 0xFAD9 }, { 0xFF66, 0xFF6F }, { 0xFF71, 0xFF9D },
    { 0xFFA0, 0xFFBE }, { 0xFFC2, 0xFFC7 }, { 0xFFCA, 0xFFCF }, { 0xFFD2, 0xFFD7 },
    { 0xFFDA, 0xFFDC }, { 0x16FF0, 0x16FF1 }, { 0x1B000, 0x1B11E }, { 0x1B150, 0x1B152 },
    { 0x1B164, 0x1B167 }, { 0x1F200, 0x1F200 }, { 0x20000, 0x2A6DD }, { 0x2A700, 0x2B734 },
    { 0x2B740, 0x2B81D }, { 0x2B820, 0x2CEA1 }, { 0x2CEB0, 0x2EBE0 }, { 0x2F800, 0x2FA1D },
    { 0x30000, 0x3134A },
 * characters. */
LIQ_FILTER(number_of_words)
{
    (void)kwargs;
    if (input.type != GZ_STRING)
        return internal_error(ctx);
    gz_str s = gz_value_str(input);
    gz_str mode = nargs && args[0].type == GZ_STRING ? gz_value_str(args[0]) : GZ_STR("");
    bool cjk_mode = gz_str_eq_c(mode, "cjk"), auto_mode = gz_str_eq_c(mode, "auto");
    int64_t cjk, words = count_words(s, cjk_mode || auto_mode, &cjk);
    if (auto_mode && cjk == 0)
        words = count_words(s, false, &cjk);
    *out = gz_int((cjk_mode || auto_mode) ? words + cjk : words);
    return true;
}

/* ---- array_to_sentence_string ------------------------------------------- */

/* "a", "a and b", "a, b, and c" (the connector given). Strings count their
 * characters (Ruby indexes them); a hash has no elements by index. */
LIQ_FILTER(array_to_sentence_string)
{
    (void)kwargs;
    gz_str conn = nargs ? liq_f_to_s(ctx, args[0]) : GZ_STR("and");
    gz_array *items;
    if (input.type == GZ_ARRAY || (input.type == GZ_DROP && input.u.d->cls->length)) {
        items = liq_to_array(input, liq_ctx_env(ctx));
    } else if (input.type == GZ_STRING && gz_utf8_length(gz_value_str(input)) <= 2) {
        items = gz_array_new(liq_ctx_arena(ctx), 2);
        gz_str s = gz_value_str(input);
        for (size_t i = 0; i < s.len;) {
            int32_t cp;
            size_t n = gz_utf8_decode(s.p + i, s.len - i, &cp);
            gz_array_push(liq_ctx_arena(ctx), items, gz_string(s.p + i, n));
            i += n;
        }
    } else if (input.type == GZ_HASH && input.u.h->len <= 2) {
        items = gz_array_new(liq_ctx_arena(ctx), 2);
        for (size_t i = 0; i < input.u.h->len; i++)
            gz_array_push(liq_ctx_arena(ctx), items, gz_nil());
    } else {
        return internal_error(ctx);
    }
    gz_buf b = GZ_BUF_INIT;
    size_t n = items->len;
    for (size_t i = 0; i < n; i++) {
        if (i && n == 2)
            gz_buf_printf(&b, " %.*s ", (int)conn.len, conn.p);
        else if (i && i == n - 1)
            gz_buf_printf(&b, ", %.*s ", (int)conn.len, conn.p);
        else if (i)
            gz_buf_puts(&b, ", ");
        gz_value item = items->items[i];
        if (n > 2 && i < n - 1 && item.type == GZ_ARRAY) { /* Array#join flattens */
            gz_value joined;
            gz_value glue = gz_string(", ", 2);
            if (!liq_filter_join(ctx, item, &glue, 1, NULL, &joined))
                return false;
            item = joined;
        }
        gz_buf_put_str(&b, liq_f_to_s(ctx, item));
    }
    *out = liq_f_take(ctx, &b);
    return true;
}

/* ---- jsonify, inspect, to_integer ------------------------------------------ */

static bool
has_nan(gz_value v)
{
    if (v.type == GZ_FLOAT)
        return v.u.f != v.u.f || v.u.f - v.u.f != 0;
    if (v.type == GZ_ARRAY)
        for (size_t i = 0; i < v.u.a->len; i++)
            if (has_nan(v.u.a->items[i]))
                return true;
    if (v.type == GZ_HASH)
        for (size_t i = 0; i < v.u.h->len; i++)
            if (has_nan(v.u.h->entries[i].value))
                return true;
    return false;
}

LIQ_FILTER(jsonify)
{
    (void)args, (void)nargs, (void)kwargs;
    if (has_nan(input)) /* JSON::GeneratorError */
        return internal_error(ctx);
    gz_buf b = GZ_BUF_INIT;
    gz_json_write(&b, input, liq_ctx_env(ctx));
    *out = liq_f_take(ctx, &b);
    return true;
}

/* xml_escape(input.inspect) */
LIQ_FILTER(inspect)
{
    (void)args, (void)nargs, (void)kwargs;
    gz_buf raw = GZ_BUF_INIT, b = GZ_BUF_INIT;
    gz_value_inspect(&raw, input, liq_ctx_env(ctx));
    xml_escape(&b, gz_buf_str(&raw));
    gz_buf_free(&raw);
    *out = liq_f_take(ctx, &b);
    return true;
}

/* true 1, false 0, anything else by its to_i (String#to_i, Float#to_i,
 * nil 0, a time's seconds); no to_i is an error. */
LIQ_FILTER(to_integer)
{
    (void)args, (void)nargs, (void)kwargs;
    gz_arena *a = liq_ctx_arena(ctx);
    liq_num n, r;
    switch (input.type) {
    case GZ_BOOL: *out = gz_int(input.u.b); return true;
    case GZ_NIL: *out = gz_int(0); return true;
    case GZ_TIME: *out = gz_int(input.u.t->sec); return true;
    case GZ_INT: case GZ_FLOAT: case GZ_STRING: break;
    default: return internal_error(ctx);
    }
    if (liq_num_from_value(a, input, &n) || !liq_num_round(a, &n, 0, LIQ_ROUND_DOWN, true, &r))
        return internal_error(ctx);
    *out = liq_num_to_value(a, &r);
    return true;
}

/* ---- markdownify ---------------------------------------------------------- */

/* The site's Markdown converter; without one the text is left as it is. */
LIQ_FILTER(markdownify)
{
    (void)args, (void)nargs, (void)kwargs;
    gz_str s = liq_f_to_s(ctx, input);
    const liq_site_hooks *site = liq_ctx_site(ctx);
    if (!site || !site->markdownify) {
        *out = gz_str_value(s);
        return true;
    }
    gz_buf b = GZ_BUF_INIT;
    site->markdownify(site->self, s, &b);
    *out = liq_f_take(ctx, &b);
    return true;
}
