#include "core/utf8.h"

#include <stdint.h>
#include <string.h>
#include <utf8proc.h>

/* The length of the well-formed sequence that starts with a byte from 0x80
 * up, or 0 (Unicode's table 3-7: the second byte's range depends on the
 * first, which rules out overlongs, surrogates and values past U+10FFFF). */
static size_t
sequence_len(const unsigned char *p, size_t avail)
{
    unsigned char c = p[0], lo = 0x80, hi = 0xBF;
    size_t n;
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        lo = c == 0xE0 ? 0xA0 : 0x80;
        hi = c == 0xED ? 0x9F : 0xBF;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        lo = c == 0xF0 ? 0x90 : 0x80;
        hi = c == 0xF4 ? 0x8F : 0xBF;
    } else {
        return 0;
    }
    if (avail < n || p[1] < lo || p[1] > hi)
        return 0;
    for (size_t k = 2; k < n; k++)
        if ((p[k] & 0xC0) != 0x80)
            return 0;
    return n;
}

/* Hand-decoded rather than through utf8proc_iterate: this runs once per
 * character of every string filter, and a call per character showed up
 * first in profiles of CJK pages. Well-formedness is sequence_len's, the
 * same rules as utf8proc's (tests/core/test_utf8.c compares them). */
size_t
gz_utf8_decode(const char *s, size_t len, int32_t *cp)
{
    const unsigned char *p = (const unsigned char *)s;
    if (p[0] < 0x80) {
        *cp = p[0];
        return 1;
    }
    size_t n = sequence_len(p, len);
    if (!n) {
        *cp = 0xFFFD;
        return 1;
    }
    int32_t v = p[0] & (0x7F >> n); /* the lead byte's payload: 5, 4 or 3 bits */
    for (size_t i = 1; i < n; i++)
        v = (v << 6) | (p[i] & 0x3F);
    *cp = v;
    return n;
}

bool
gz_utf8_valid(gz_str s, size_t *bad)
{
    size_t i = 0;
    while (i < s.len) {
        /* ASCII eight bytes at a time: every file read goes through here */
        uint64_t word;
        while (s.len - i >= sizeof word &&
               (memcpy(&word, s.p + i, sizeof word), !(word & 0x8080808080808080u)))
            i += sizeof word;
        if (i == s.len)
            break;
        if ((unsigned char)s.p[i] < 0x80) {
            i++;
            continue;
        }
        size_t n = sequence_len((const unsigned char *)s.p + i, s.len - i);
        if (!n) {
            if (bad)
                *bad = i;
            return false;
        }
        i += n;
    }
    return true;
}

void
gz_utf8_encode(gz_buf *out, int32_t cp)
{
    utf8proc_uint8_t tmp[4];
    utf8proc_ssize_t n = utf8proc_encode_char(cp, tmp);
    gz_buf_put(out, tmp, (size_t)n);
}

size_t
gz_utf8_length(gz_str s)
{
    size_t n = 0;
    for (size_t i = 0; i < s.len;) {
        int32_t cp;
        i += gz_utf8_decode(s.p + i, s.len - i, &cp);
        n++;
    }
    return n;
}

size_t
gz_utf8_offset(gz_str s, size_t index)
{
    size_t i = 0;
    while (index > 0 && i < s.len) {
        int32_t cp;
        i += gz_utf8_decode(s.p + i, s.len - i, &cp);
        index--;
    }
    return i;
}

static void
map_case(gz_buf *out, gz_str s, int upper_first, int upper_rest)
{
    for (size_t i = 0; i < s.len;) {
        unsigned char c = (unsigned char)s.p[i];
        int upper = i == 0 ? upper_first : upper_rest;
        if (c < 0x80) { /* fast path, and invalid bytes pass through */
            gz_buf_putc(out, (char)(upper ? (c >= 'a' && c <= 'z' ? c - 32 : c)
                                          : (c >= 'A' && c <= 'Z' ? c + 32 : c)));
            i++;
            continue;
        }
        utf8proc_int32_t cp;
        utf8proc_ssize_t n = utf8proc_iterate((const utf8proc_uint8_t *)s.p + i,
                                              (utf8proc_ssize_t)(s.len - i), &cp);
        if (n < 1) {
            gz_buf_putc(out, (char)c);
            i++;
            continue;
        }
        gz_utf8_encode(out, upper ? utf8proc_toupper(cp) : utf8proc_tolower(cp));
        i += (size_t)n;
    }
}

void
gz_utf8_upcase(gz_buf *out, gz_str s)
{
    map_case(out, s, 1, 1);
}

void
gz_utf8_downcase(gz_buf *out, gz_str s)
{
    map_case(out, s, 0, 0);
}

void
gz_utf8_capitalize(gz_buf *out, gz_str s)
{
    map_case(out, s, 1, 0);
}
