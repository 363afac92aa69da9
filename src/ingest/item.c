/* Feed items: the growable list the parsers fill, and the readings of
 * their dates. */
#include <string.h>

#include "core/time.h"
#include "ingest/internal.h"

ingest_item *
ingest_items_push(gz_arena *a, ingest_items *items)
{
    if (items->len == items->cap) {
        size_t cap = items->cap ? items->cap * 2 : 32;
        items->v = gz_arena_realloc(a, items->v, items->cap * sizeof *items->v, cap * sizeof *items->v);
        items->cap = cap;
    }
    ingest_item *it = &items->v[items->len];
    memset(it, 0, sizeof *it);
    it->index = items->len++;
    return it;
}

/* Length of the whitespace character at s (ASCII, NBSP, U+3000), or 0. */
static size_t
space_at(const char *s, size_t len)
{
    if (len >= 1 && (s[0] == ' ' || s[0] == '\t' || s[0] == '\n' || s[0] == '\r' || s[0] == '\f' ||
                     s[0] == '\v'))
        return 1;
    if (len >= 2 && !memcmp(s, "\xC2\xA0", 2))
        return 2;
    if (len >= 3 && !memcmp(s, "\xE3\x80\x80", 3))
        return 3;
    return 0;
}

/* Length of the whitespace character ending at s[len). */
static size_t
space_before(const char *s, size_t len)
{
    if (len >= 1 && space_at(s + len - 1, 1))
        return 1;
    if (len >= 2 && space_at(s + len - 2, 2) == 2)
        return 2;
    if (len >= 3 && space_at(s + len - 3, 3) == 3)
        return 3;
    return 0;
}

gz_str
ingest_trim(gz_str s)
{
    if (!s.p)
        return s;
    size_t n;
    while ((n = space_at(s.p, s.len)))
        s.p += n, s.len -= n;
    while ((n = space_before(s.p, s.len)))
        s.len -= n;
    return s;
}

bool
ingest_parse_date(gz_str s, const gz_tz *local, gz_time *out)
{
    s = ingest_trim(s);
    if (s.len == 0)
        return false;
    size_t digits = 0;
    while (digits < s.len && s.p[digits] >= '0' && s.p[digits] <= '9')
        digits++;
    /* Unix time: 9 to 11 digits are seconds, 13 are milliseconds (what
     * many JavaScript-fed APIs send). */
    if (digits == s.len && ((digits >= 9 && digits <= 11) || digits == 13)) {
        long long v = 0;
        for (size_t i = 0; i < digits; i++)
            v = v * 10 + (s.p[i] - '0');
        if (digits == 13)
            v /= 1000;
        *out = (gz_time){ .sec = v, .zone = "UTC" };
        return true;
    }
    if (digits == s.len)
        return false; /* a bare year or a stray number is not a date here */
    return gz_time_parse(s, local, out);
}
