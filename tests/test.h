/* A tiny test harness in the spirit of cmark's: each CHECK counts, a
 * failure prints where and why, and main ends with "N passed, N failed". */
#ifndef GZ_TEST_H
#define GZ_TEST_H

#include <stdio.h>
#include <string.h>

static int test_passed, test_failed;

#define CHECK(cond)                                                                  \
    do {                                                                             \
        if (cond) {                                                                  \
            test_passed++;                                                           \
        } else {                                                                     \
            test_failed++;                                                           \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
        }                                                                            \
    } while (0)

/* Compares two NUL-terminated strings (or buffers' data), showing both. */
#define CHECK_STR(got, want)                                                         \
    do {                                                                             \
        const char *got_ = (got), *want_ = (want);                                   \
        if (got_ && want_ && strcmp(got_, want_) == 0) {                             \
            test_passed++;                                                           \
        } else {                                                                     \
            test_failed++;                                                           \
            fprintf(stderr, "%s:%d: %s\n  got:  \"%s\"\n  want: \"%s\"\n", __FILE__, \
                    __LINE__, #got, got_ ? got_ : "(null)", want_ ? want_ : "(null)"); \
        }                                                                            \
    } while (0)

static inline int
test_report(const char *suite)
{
    printf("%s: %d passed, %d failed\n", suite, test_passed, test_failed);
    return test_failed ? 1 : 0;
}

#endif
