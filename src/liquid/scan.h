/* The pieces of Ruby Liquid's regular expressions that its tags are
 * parsed with (liquid.rb: QuotedFragment, TagAttributes, ...), written as
 * small scanners. Each names the regex it stands for, because the lax
 * parsers' behaviour on odd input is exactly what those regexes accept.
 * Internal to the liquid part. */
#ifndef LIQ_SCAN_H
#define LIQ_SCAN_H

#include <stdbool.h>
#include <stddef.h>

#include "core/buf.h"

/* Ruby's \s (ASCII whitespace) and \w (ASCII letters, digits, _). */
static inline bool
liq_is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

static inline bool
liq_is_word(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_';
}

static inline size_t
liq_skip_space(gz_str s, size_t i)
{
    while (i < s.len && liq_is_space(s.p[i]))
        i++;
    return i;
}

static inline gz_str
liq_substr(gz_str s, size_t from, size_t to)
{
    return gz_str_n(s.p + from, to - from);
}

/* String#strip: whitespace and NUL at both ends. */
gz_str liq_strip(gz_str s);
/* String#lstrip / #rstrip. */
gz_str liq_lstrip(gz_str s);
gz_str liq_rstrip(gz_str s);

/* QuotedString /"[^"]*"|'[^']*'/ at i: its end, or i. */
size_t liq_quoted_string(gz_str s, size_t i);
/* QuotedFragment /"[^"]*"|'[^']*'|(?:[^\s,\|'"]|"[^"]*"|'[^']*')+/ at i:
 * its end, or i when it does not match there. */
size_t liq_quoted_fragment(gz_str s, size_t i);
/* QuotedFragment+ at i (also the whole-match form): its end, or i. */
size_t liq_quoted_fragments(gz_str s, size_t i);
/* The leftmost QuotedFragment at or after `from`. */
bool liq_find_quoted_fragment(gz_str s, size_t from, gz_str *frag);

/* Scans TagAttributes /(\w[\w-]*)\s*:\s*(QuotedFragment)/ like
 * String#scan: call repeatedly from *pos = 0. */
bool liq_next_attribute(gz_str s, size_t *pos, gz_str *key, gz_str *value);

/* /\A(\w[\w-]*)\s*:\s*(QuotedFragment)\z/ (a filter's keyword argument). */
bool liq_just_attribute(gz_str s, gz_str *key, gz_str *value);

#endif
