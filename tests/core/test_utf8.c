/* UTF-8 validation and decoding against utf8proc (the library's own
 * utf8proc_iterate is the oracle): the first invalid byte of a string, and
 * each character's code point and length, on hand-picked edge cases
 * (overlongs, surrogates, past U+10FFFF, cut sequences, ASCII runs around
 * the eight-byte fast path) and on random strings biased to be nearly
 * valid. */
#include <stdlib.h>
#include <utf8proc.h>

#include "core/utf8.h"
#include "test.h"

/* What utf8proc says: valid, or the offset of the first bad sequence. */
static bool
oracle_valid(const char *s, size_t len, size_t *bad)
{
    size_t i = 0;
    while (i < len) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t n =
            utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(len - i), &cp);
        if (n < 1) {
            *bad = i;
            return false;
        }
        i += (size_t)n;
    }
    return true;
}

static int mismatches;

static void
check_same(const char *s, size_t len)
{
    size_t bad_want = 0, bad_got = 0;
    bool want = oracle_valid(s, len, &bad_want);
    bool got = gz_utf8_valid(gz_str_n(s, len), &bad_got);
    bool same = want == got && (want || bad_want == bad_got);
    /* and the decoder agrees character by character up to the first bad byte */
    for (size_t i = 0; same && i < (want ? len : bad_want);) {
        utf8proc_int32_t cp_want;
        utf8proc_ssize_t n_want = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
                                                   (utf8proc_ssize_t)(len - i), &cp_want);
        int32_t cp_got;
        size_t n_got = gz_utf8_decode(s + i, len - i, &cp_got);
        same = n_want > 0 && (size_t)n_want == n_got && cp_want == cp_got;
        i += n_got;
    }
    CHECK(same);
    if (!same && ++mismatches <= 5) {
        fprintf(stderr, "  differs from utf8proc on %zu bytes:", len);
        for (size_t i = 0; i < len && i < 40; i++)
            fprintf(stderr, " %02x", (unsigned char)s[i]);
        fprintf(stderr, "\n");
    }
}

#define CASE(lit) check_same(lit, sizeof(lit) - 1)

int
main(void)
{
    CASE("");
    CASE("plain ASCII, longer than eight bytes");
    CASE("新闻 archive");
    CASE("0123456\xe4\xb8\xad");         /* a CJK character right after 7 ASCII bytes */
    CASE("01234567\xe4\xb8\xad");        /* ... after 8 */
    CASE("0123456789abcdef\xff");        /* a bad byte after two ASCII words */
    CASE("\xc0\xaf");                    /* overlong '/' */
    CASE("\xe0\x80\xaf");                /* overlong, three bytes */
    CASE("\xf0\x80\x80\xaf");            /* overlong, four bytes */
    CASE("\xed\xa0\x80");                /* a surrogate */
    CASE("\xed\x9f\xbf");                /* U+D7FF, just below */
    CASE("\xf4\x8f\xbf\xbf");            /* U+10FFFF */
    CASE("\xf4\x90\x80\x80");            /* past it */
    CASE("\xef\xbf\xbd");                /* U+FFFD itself is valid */
    CASE("\xe4\xb8");                    /* cut short */
    CASE("abc\xe4\xb8");
    CASE("\x80");                        /* a lone continuation byte */
    CASE("\xc2\x80\xdf\xbf");            /* the two-byte range's ends */
    CASE("\xf5\x80\x80\x80");
    check_same("a\0b\xe4\xb8\xad", 6);   /* NUL is ASCII */

    /* Random strings from pieces that are mostly valid. */
    static const char *const pieces[] = {
        "a", "0123456789", " ", "\xe4\xb8\xad", "\xe6\x96\x87", "\xc3\xa9", "\xf0\x9f\x98\x80",
        "\xed\xa0\x80", "\xc0\x80", "\xe4\xb8", "\x80", "\xff", "\xf4\x90\x80\x80", "\xef\xbf\xbd",
    };
    size_t npieces = sizeof pieces / sizeof pieces[0];
    srand(20261129);
    char buf[256];
    for (int round = 0; round < 20000; round++) {
        size_t len = 0;
        int parts = rand() % 12;
        for (int k = 0; k < parts; k++) {
            /* bad pieces (the last seven) one time in eight */
            size_t pick = rand() % 8 ? (size_t)rand() % 7 : 7 + (size_t)rand() % (npieces - 7);
            size_t n = strlen(pieces[pick]);
            if (len + n > sizeof buf)
                break;
            memcpy(buf + len, pieces[pick], n);
            len += n;
        }
        check_same(buf, len);
    }
    return test_report("core-utf8");
}
