#include "liquid/scan.h"

#include <string.h>

static bool
is_strip_space(char c)
{
    return liq_is_space(c) || c == '\0';
}

gz_str
liq_lstrip(gz_str s)
{
    while (s.len && is_strip_space(s.p[0])) {
        s.p++;
        s.len--;
    }
    return s;
}

gz_str
liq_rstrip(gz_str s)
{
    while (s.len && is_strip_space(s.p[s.len - 1]))
        s.len--;
    return s;
}

gz_str
liq_strip(gz_str s)
{
    return liq_rstrip(liq_lstrip(s));
}

size_t
liq_quoted_string(gz_str s, size_t i)
{
    if (i >= s.len || (s.p[i] != '"' && s.p[i] != '\''))
        return i;
    const char *close = memchr(s.p + i + 1, s.p[i], s.len - i - 1);
    return close ? (size_t)(close - s.p) + 1 : i;
}

size_t
liq_quoted_fragments(gz_str s, size_t i)
{
    while (i < s.len) {
        char c = s.p[i];
        if (c == '"' || c == '\'') {
            size_t end = liq_quoted_string(s, i);
            if (end == i)
                break;
            i = end;
        } else if (liq_is_space(c) || c == ',' || c == '|') {
            break;
        } else {
            i++;
        }
    }
    return i;
}

size_t
liq_quoted_fragment(gz_str s, size_t i)
{
    /* a quoted string alone wins over the longer run that may follow it */
    size_t end = liq_quoted_string(s, i);
    return end > i ? end : liq_quoted_fragments(s, i);
}

bool
liq_find_quoted_fragment(gz_str s, size_t from, gz_str *frag)
{
    for (size_t i = from; i < s.len; i++) {
        size_t end = liq_quoted_fragment(s, i);
        if (end > i) {
            *frag = liq_substr(s, i, end);
            return true;
        }
    }
    return false;
}

/* (\w[\w-]*)\s*:\s*(QuotedFragment) anchored at i; *word_end is where the
 * name run ends, so a failed attempt can skip the whole run. */
static bool
attribute_at(gz_str s, size_t i, size_t *word_end, gz_str *key, gz_str *value, size_t *end)
{
    size_t j = i + 1;
    while (j < s.len && (liq_is_word(s.p[j]) || s.p[j] == '-'))
        j++;
    *word_end = j;
    size_t k = liq_skip_space(s, j);
    if (k >= s.len || s.p[k] != ':')
        return false;
    k = liq_skip_space(s, k + 1);
    size_t v = liq_quoted_fragment(s, k);
    if (v == k)
        return false;
    *key = liq_substr(s, i, j);
    *value = liq_substr(s, k, v);
    *end = v;
    return true;
}

bool
liq_next_attribute(gz_str s, size_t *pos, gz_str *key, gz_str *value)
{
    size_t i = *pos;
    while (i < s.len) {
        if (!liq_is_word(s.p[i])) {
            i++;
            continue;
        }
        size_t word_end, end;
        if (attribute_at(s, i, &word_end, key, value, &end)) {
            *pos = end;
            return true;
        }
        /* every start inside this run reaches the same end and fails too */
        i = word_end;
    }
    *pos = s.len;
    return false;
}

bool
liq_just_attribute(gz_str s, gz_str *key, gz_str *value)
{
    size_t word_end, end;
    if (!s.len || !liq_is_word(s.p[0]) || !attribute_at(s, 0, &word_end, key, value, &end))
        return false;
    if (end == s.len)
        return true;
    /* anchored at \z, QuotedFragment may take its longer alternative */
    size_t start = (size_t)(value->p - s.p);
    if (liq_quoted_fragments(s, start) != s.len)
        return false;
    *value = liq_substr(s, start, s.len);
    return true;
}
