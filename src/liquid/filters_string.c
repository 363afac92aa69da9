/* String filters of Liquid 5.4: each applies Ruby's #to_s to its input and
 * behaves as the Ruby String method it is built on (gsub, split, slice,
 * strip, ...), counting in UTF-8 characters where Ruby does. */
#include <stdint.h>

#include "core/utf8.h"
#include "liquid/convert.h"
#include "liquid/filters_internal.h"
#include "liquid/render.h"

/* ---- case and concatenation -------------------------------------------- */

typedef void (*case_fn)(gz_buf *out, gz_str s);

static bool
map_case(liq_ctx *ctx, gz_value input, case_fn fn, gz_value *out)
{
    gz_buf b = GZ_BUF_INIT;
    fn(&b, liq_f_to_s(ctx, input));
    *out = liq_f_take(ctx, &b);
    return true;
}

LIQ_FILTER(upcase)
{
    (void)args, (void)nargs, (void)kwargs;
    return map_case(ctx, input, gz_utf8_upcase, out);
}

LIQ_FILTER(downcase)
{
    (void)args, (void)nargs, (void)kwargs;
    return map_case(ctx, input, gz_utf8_downcase, out);
}

LIQ_FILTER(capitalize)
{
    (void)args, (void)nargs, (void)kwargs;
    return map_case(ctx, input, gz_utf8_capitalize, out);
}

static gz_value
concat2(liq_ctx *ctx, gz_str a, gz_str b)
{
    char *p = gz_arena_alloc(liq_ctx_arena(ctx), a.len + b.len + 1);
    if (a.len)
        memcpy(p, a.p, a.len);
    if (b.len)
        memcpy(p + a.len, b.p, b.len);
    p[a.len + b.len] = '\0';
    return gz_string(p, a.len + b.len);
}

LIQ_FILTER(append)
{
    (void)nargs, (void)kwargs;
    *out = concat2(ctx, liq_f_to_s(ctx, input), liq_f_to_s(ctx, args[0]));
    return true;
}

LIQ_FILTER(prepend)
{
    (void)nargs, (void)kwargs;
    *out = concat2(ctx, liq_f_to_s(ctx, args[0]), liq_f_to_s(ctx, input));
    return true;
}

/* ---- whitespace --------------------------------------------------------- */

/* String#strip family: Ruby 3.1 strips NUL as well as whitespace. */
static bool
is_strip_char(char c)
{
    return liq_f_is_space(c) || c == '\0';
}

static bool
strip_sides(liq_ctx *ctx, gz_value input, bool left, bool right, gz_value *out)
{
    gz_str s = liq_f_to_s(ctx, input);
    while (left && s.len && is_strip_char(s.p[0]))
        s.p++, s.len--;
    while (right && s.len && is_strip_char(s.p[s.len - 1]))
        s.len--;
    *out = gz_str_value(s); /* a view of the input: values are immutable */
    return true;
}

LIQ_FILTER(strip)
{
    (void)args, (void)nargs, (void)kwargs;
    return strip_sides(ctx, input, true, true, out);
}

LIQ_FILTER(lstrip)
{
    (void)args, (void)nargs, (void)kwargs;
    return strip_sides(ctx, input, true, false, out);
}

LIQ_FILTER(rstrip)
{
    (void)args, (void)nargs, (void)kwargs;
    return strip_sides(ctx, input, false, true, out);
}

/* gsub(/\r?\n/, with): a lone "\r" is kept. */
static bool
replace_newlines(liq_ctx *ctx, gz_value input, const char *with, gz_value *out)
{
    gz_str s = liq_f_to_s(ctx, input);
    gz_buf b = GZ_BUF_INIT;
    size_t start = 0;
    for (size_t i = 0; i < s.len; i++) {
        if (s.p[i] != '\n')
            continue;
        size_t end = i > start && s.p[i - 1] == '\r' ? i - 1 : i;
        gz_buf_put(&b, s.p + start, end - start);
        gz_buf_puts(&b, with);
        start = i + 1;
    }
    gz_buf_put(&b, s.p + start, s.len - start);
    *out = liq_f_take(ctx, &b);
    return true;
}

LIQ_FILTER(strip_newlines)
{
    (void)args, (void)nargs, (void)kwargs;
    return replace_newlines(ctx, input, "", out);
}

LIQ_FILTER(newline_to_br)
{
    (void)args, (void)nargs, (void)kwargs;
    return replace_newlines(ctx, input, "<br />\n", out);
}

/* ---- replace and remove ------------------------------------------------- */

typedef enum { REPLACE_ALL, REPLACE_FIRST, REPLACE_LAST } replace_which;

/* Byte offset of the last occurrence of needle in hay (String#rindex). */
static long
find_last(gz_str hay, gz_str needle)
{
    if (needle.len > hay.len)
        return -1;
    for (size_t i = hay.len - needle.len + 1; i-- > 0;)
        if (memcmp(hay.p + i, needle.p, needle.len) == 0)
            return (long)i;
    return -1;
}

/* The replacement text of sub/gsub for one match at [at, at+len): Ruby
 * reads backslash sequences in it even when the pattern is a string:
 * \0 \& the match, \` before it, \' after it, \\ a backslash, \1-\9 and
 * \+ empty groups. Returns false on \k<name> (no such group). */
static bool
put_replacement(gz_buf *b, gz_str repl, gz_str s, size_t at, size_t len)
{
    for (size_t i = 0; i < repl.len; i++) {
        char c = repl.p[i];
        if (c != '\\' || i + 1 == repl.len) {
            gz_buf_putc(b, c);
            continue;
        }
        char n = repl.p[++i];
        if (n == '0' || n == '&')
            gz_buf_put(b, s.p + at, len);
        else if (n == '`')
            gz_buf_put(b, s.p, at);
        else if (n == '\'')
            gz_buf_put(b, s.p + at + len, s.len - at - len);
        else if (n == '\\')
            gz_buf_putc(b, '\\');
        else if ((n >= '1' && n <= '9') || n == '+')
            continue;
        else if (n == 'k' && i + 1 < repl.len && repl.p[i + 1] == '<' &&
                 memchr(repl.p + i + 1, '>', repl.len - i - 1))
            return false;
        else {
            gz_buf_putc(b, '\\');
            gz_buf_putc(b, n);
        }
    }
    return true;
}

/* replace, replace_first, replace_last and the remove_* filters: String#gsub,
 * #sub (with replacement escapes) and #rindex + []= (without). An empty
 * pattern matches before every character and at the end. */
static bool
replace_common(liq_ctx *ctx, gz_value input, gz_value pattern, gz_value with, replace_which which,
               gz_value *out)
{
    gz_str s = liq_f_to_s(ctx, input);
    gz_str pat = liq_f_to_s(ctx, pattern);
    gz_str repl = liq_f_to_s(ctx, with);
    gz_buf b = GZ_BUF_INIT;
    if (which == REPLACE_LAST) {
        long at = pat.len ? find_last(s, pat) : (long)s.len;
        if (at < 0) {
            *out = gz_str_value(s);
            return true;
        }
        gz_buf_put(&b, s.p, (size_t)at);
        gz_buf_put_str(&b, repl);
        gz_buf_put(&b, s.p + at + pat.len, s.len - (size_t)at - pat.len);
        *out = liq_f_take(ctx, &b);
        return true;
    }
    size_t from = 0, copied = 0;
    bool matched = false;
    for (;;) {
        long at = gz_str_find(s, pat, from);
        if (at < 0)
            break;
        matched = true;
        /* an empty pattern with a long replacement multiplies the text */
        if (!liq_fits(ctx, b.len)) {
            gz_buf_free(&b);
            return false;
        }
        gz_buf_put(&b, s.p + copied, (size_t)at - copied);
        if (!put_replacement(&b, repl, s, (size_t)at, pat.len)) {
            gz_buf_free(&b);
            return liq_filter_error(ctx, "internal");
        }
        copied = (size_t)at + pat.len;
        if (which == REPLACE_FIRST)
            break;
        if (pat.len) {
            from = copied;
        } else { /* step over one character, copying it */
            if ((size_t)at == s.len)
                break;
            int32_t cp;
            from = (size_t)at + gz_utf8_decode(s.p + at, s.len - (size_t)at, &cp);
        }
    }
    if (!matched) {
        gz_buf_free(&b);
        *out = gz_str_value(s);
        return true;
    }
    gz_buf_put(&b, s.p + copied, s.len - copied);
    *out = liq_f_take(ctx, &b);
    return true;
}

LIQ_FILTER(replace)
{
    gz_value with = liq_f_arg(ctx, args, nargs, kwargs, 1, gz_nil());
    return replace_common(ctx, input, args[0], with, REPLACE_ALL, out);
}

LIQ_FILTER(replace_first)
{
    gz_value with = liq_f_arg(ctx, args, nargs, kwargs, 1, gz_nil());
    return replace_common(ctx, input, args[0], with, REPLACE_FIRST, out);
}

LIQ_FILTER(replace_last)
{
    (void)nargs, (void)kwargs;
    return replace_common(ctx, input, args[0], args[1], REPLACE_LAST, out);
}

LIQ_FILTER(remove)
{
    (void)nargs, (void)kwargs;
    return replace_common(ctx, input, args[0], gz_nil(), REPLACE_ALL, out);
}

LIQ_FILTER(remove_first)
{
    (void)nargs, (void)kwargs;
    return replace_common(ctx, input, args[0], gz_nil(), REPLACE_FIRST, out);
}

LIQ_FILTER(remove_last)
{
    (void)nargs, (void)kwargs;
    return replace_common(ctx, input, args[0], gz_nil(), REPLACE_LAST, out);
}

/* ---- split -------------------------------------------------------------- */

static void
push_piece(liq_ctx *ctx, gz_array *list, const char *p, size_t len)
{
    gz_array_push(liq_ctx_arena(ctx), list, gz_string(p, len));
}

/* Awk-style String#split(" "): runs of whitespace separate fields, and
 * leading whitespace is skipped. At most `limit` fields (0 = no limit): the
 * last one then holds the rest of the string. */
static gz_array *
split_words(liq_ctx *ctx, gz_str s, size_t limit)
{
    gz_array *list = gz_array_new(liq_ctx_arena(ctx), 8);
    size_t i = 0;
    for (;;) {
        /* Anything after the last allowed separator, even only whitespace,
         * makes one more field ("a ".split(" ", 2) is ["a", ""]). */
        bool rest = limit && list->len && list->len + 1 == limit && i < s.len;
        while (i < s.len && liq_f_is_space(s.p[i]))
            i++;
        if (rest) {
            push_piece(ctx, list, s.p + i, s.len - i);
            break;
        }
        if (i == s.len)
            break;
        size_t start = i;
        while (i < s.len && !liq_f_is_space(s.p[i]))
            i++;
        push_piece(ctx, list, s.p + start, i - start);
    }
    return list;
}

/* String#split(str): "" splits into characters, " " into words; trailing
 * empty fields are dropped. */
static gz_array *
split_string(liq_ctx *ctx, gz_str s, gz_str sep)
{
    if (sep.len == 1 && sep.p[0] == ' ')
        return split_words(ctx, s, 0);
    gz_array *list = gz_array_new(liq_ctx_arena(ctx), 8);
    size_t i = 0;
    while (i < s.len) {
        if (sep.len == 0) {
            int32_t cp;
            size_t n = gz_utf8_decode(s.p + i, s.len - i, &cp);
            push_piece(ctx, list, s.p + i, n);
            i += n;
            continue;
        }
        long at = gz_str_find(s, sep, i);
        size_t end = at < 0 ? s.len : (size_t)at;
        push_piece(ctx, list, s.p + i, end - i);
        if (at < 0)
            break;
        i = end + sep.len;
    }
    while (list->len && list->items[list->len - 1].len == 0)
        list->len--;
    return list;
}

LIQ_FILTER(split)
{
    (void)nargs, (void)kwargs;
    *out = gz_array_value(split_string(ctx, liq_f_to_s(ctx, input), liq_f_to_s(ctx, args[0])));
    return true;
}

/* ---- size, slice, truncate ----------------------------------------------- */

LIQ_FILTER(size)
{
    (void)args, (void)nargs, (void)kwargs;
    int64_t n;
    *out = gz_int(liq_size(input, &n, liq_ctx_env(ctx)) ? n : 0);
    return true;
}

/* Ruby's (start, length) slicing of a sequence of `len` items: nil (false
 * here) when start is outside 0..len after counting negatives from the end
 * or when length is negative. */
static bool
slice_bounds(int64_t start, int64_t length, size_t len, size_t *from, size_t *count)
{
    if (start < 0)
        start += (int64_t)len;
    if (start < 0 || (uint64_t)start > len || length < 0)
        return false;
    *from = (size_t)start;
    uint64_t rest = len - (uint64_t)start;
    *count = (uint64_t)length < rest ? (size_t)length : (size_t)rest;
    return true;
}

LIQ_FILTER(slice)
{
    (void)kwargs;
    int64_t start, length = 1;
    if (!liq_f_to_integer(ctx, args[0], &start))
        return false;
    if (nargs > 1 && args[1].type != GZ_NIL && !liq_f_to_integer(ctx, args[1], &length))
        return false;
    size_t from, count;
    if (input.type == GZ_ARRAY || (input.type == GZ_DROP && input.u.d->cls->length)) {
        gz_array *list = liq_to_array(input, liq_ctx_env(ctx));
        gz_array *res = gz_array_new(liq_ctx_arena(ctx), 0);
        if (slice_bounds(start, length, list->len, &from, &count) && count > 0) {
            res->items = list->items + from; /* shares the items: values are immutable */
            res->len = res->cap = count;
        }
        *out = gz_array_value(res);
        return true;
    }
    gz_str s = liq_f_to_s(ctx, input);
    *out = gz_string("", 0);
    if (slice_bounds(start, length, gz_utf8_length(s), &from, &count)) {
        size_t a = gz_utf8_offset(s, from);
        size_t n = gz_utf8_offset(gz_str_n(s.p + a, s.len - a), count);
        *out = gz_string(s.p + a, n);
    }
    return true;
}

LIQ_FILTER(truncate)
{
    if (input.type == GZ_NIL) {
        *out = gz_nil();
        return true;
    }
    gz_str s = liq_f_to_s(ctx, input);
    int64_t length;
    if (!liq_f_to_integer(ctx, liq_f_arg(ctx, args, nargs, kwargs, 0, gz_int(50)), &length))
        return false;
    gz_value ell_arg = liq_f_arg(ctx, args, nargs, kwargs, 1, gz_string("...", 3));
    gz_str ellipsis = liq_f_to_s(ctx, ell_arg);
    /* Walk at most `length` characters, not the whole text, to learn
     * whether it is longer. */
    if (length >= 0 && gz_utf8_offset(s, (size_t)length) == s.len) {
        *out = gz_str_value(s);
        return true;
    }
    /* Keep length - ellipsis characters (at least none), then the ellipsis. */
    int64_t ell_chars = (int64_t)gz_utf8_length(ellipsis), keep;
    if (__builtin_sub_overflow(length, ell_chars, &keep) || keep < 0)
        keep = 0;
    gz_buf b = GZ_BUF_INIT;
    gz_buf_put(&b, s.p, gz_utf8_offset(s, (size_t)keep));
    gz_buf_put_str(&b, ellipsis);
    *out = liq_f_take(ctx, &b);
    return true;
}

/* Liquid's truncatewords splits with a C int limit (words + 1). */
#define TRUNCATEWORDS_MAX 2147483646

LIQ_FILTER(truncatewords)
{
    if (input.type == GZ_NIL) {
        *out = gz_nil();
        return true;
    }
    gz_str s = liq_f_to_s(ctx, input);
    int64_t words;
    if (!liq_f_to_integer(ctx, liq_f_arg(ctx, args, nargs, kwargs, 0, gz_int(15)), &words))
        return false;
    if (words <= 0)
        words = 1;
    if (words > TRUNCATEWORDS_MAX)
        return liq_filter_error(ctx, "integer %lld too big for truncatewords", (long long)words);
    gz_array *list = split_words(ctx, s, (size_t)words + 1);
    if (list->len <= (size_t)words) {
        *out = gz_str_value(s);
        return true;
    }
    gz_buf b = GZ_BUF_INIT;
    for (size_t i = 0; i < (size_t)words; i++) {
        if (i)
            gz_buf_putc(&b, ' ');
        gz_buf_put_str(&b, gz_value_str(list->items[i]));
    }
    gz_buf_put_str(&b, liq_f_to_s(ctx, liq_f_arg(ctx, args, nargs, kwargs, 1, gz_string("...", 3))));
    *out = liq_f_take(ctx, &b);
    return true;
}
