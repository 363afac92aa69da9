/* Pinyin slugs of source names (株洲日报 → zhuzhouribao), from the Unihan
 * kMandarin readings that gen_pinyin.py turns into a table at build time. */
#include <stdint.h>
#include <stdlib.h>

#include <utf8proc.h>

#include "core/utf8.h"
#include "ingest/internal.h"

/* Generated: pinyin_table.c */
extern const char *const ingest_pinyin_syllables[];
extern const uint16_t ingest_pinyin_index[];
extern const uint32_t ingest_pinyin_runs[][3];
extern const unsigned ingest_pinyin_nruns;

static const char *
syllable(int32_t cp)
{
    size_t lo = 0, hi = ingest_pinyin_nruns;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const uint32_t *run = ingest_pinyin_runs[mid];
        if ((uint32_t)cp < run[0])
            hi = mid;
        else if ((uint32_t)cp >= run[0] + run[1])
            lo = mid + 1;
        else
            return ingest_pinyin_syllables[ingest_pinyin_index[run[2] + (uint32_t)cp - run[0]]];
    }
    return NULL;
}

void
ingest_pinyin_slug(gz_buf *out, gz_str name)
{
    /* Compatibility decomposition folds full-width letters and digits
     * (２１ → 21) and splits é into e + accent, which is then dropped. */
    utf8proc_uint8_t *norm = NULL;
    utf8proc_ssize_t n = utf8proc_map((const utf8proc_uint8_t *)name.p, (utf8proc_ssize_t)name.len,
                                      &norm, UTF8PROC_COMPAT | UTF8PROC_DECOMPOSE | UTF8PROC_STRIPMARK);
    gz_str s = n >= 0 ? gz_str_n((const char *)norm, (size_t)n) : name;
    for (size_t i = 0; i < s.len;) {
        int32_t cp;
        i += gz_utf8_decode(s.p + i, s.len - i, &cp);
        if ((cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z'))
            gz_buf_putc(out, (char)cp);
        else if (cp >= 'A' && cp <= 'Z')
            gz_buf_putc(out, (char)(cp - 'A' + 'a'));
        else if (cp >= 0x2E80) {
            const char *syl = syllable(cp);
            if (syl)
                gz_buf_puts(out, syl);
        }
    }
    free(norm);
}
