/* What makes two items the same: the hashes the state compares. */
#include <stdlib.h>

#include <utf8proc.h>
#include <xxhash.h>

#include "core/utf8.h"
#include "ingest/internal.h"

uint64_t
ingest_hash(gz_str s)
{
    return (uint64_t)XXH3_64bits(s.p, s.len);
}

/* Appends the letters, digits and ideographs of s, NFKC case-folded:
 * whitespace, punctuation and symbols say nothing about which article it
 * is and differ between syndicating sites. Tags are skipped when `html`. */
static void
normalized(gz_buf *out, gz_str s, bool html)
{
    gz_buf text = GZ_BUF_INIT;
    for (size_t i = 0; i < s.len; i++) {
        if (html && s.p[i] == '<') {
            const char *end = memchr(s.p + i, '>', s.len - i);
            if (end) {
                i = (size_t)(end - s.p);
                continue;
            }
        }
        gz_buf_putc(&text, s.p[i]);
    }
    utf8proc_uint8_t *folded = NULL;
    utf8proc_ssize_t n = utf8proc_map((const utf8proc_uint8_t *)gz_buf_str(&text).p,
                                      (utf8proc_ssize_t)text.len, &folded,
                                      UTF8PROC_STABLE | UTF8PROC_COMPAT | UTF8PROC_COMPOSE |
                                          UTF8PROC_CASEFOLD);
    gz_str f = n >= 0 ? gz_str_n((const char *)folded, (size_t)n) : gz_buf_str(&text);
    for (size_t i = 0; i < f.len;) {
        int32_t cp;
        size_t len = gz_utf8_decode(f.p + i, f.len - i, &cp);
        utf8proc_category_t cat = utf8proc_category(cp);
        if ((cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO) ||
            (cat >= UTF8PROC_CATEGORY_ND && cat <= UTF8PROC_CATEGORY_NO))
            gz_buf_put(out, f.p + i, len);
        i += len;
    }
    free(folded);
    gz_buf_free(&text);
}

uint64_t
ingest_content_key(gz_str title, gz_str body_html)
{
    gz_buf b = GZ_BUF_INIT;
    normalized(&b, body_html, true);
    uint64_t key = 0;
    if (b.len > 0) {
        gz_buf_putc(&b, '\0');
        normalized(&b, title, false);
        key = ingest_hash(gz_buf_str(&b));
        if (key == 0)
            key = 1; /* 0 means "no key" */
    }
    gz_buf_free(&b);
    return key;
}

static char *
dup_or_null(gz_str s)
{
    return s.len ? gz_xstrndup(s.p, s.len) : NULL;
}

void
ingest_record_fill(ingest_record *r, const ingest_post *p, const char *path)
{
    r->source = dup_or_null(p->source);
    r->source_id = dup_or_null(p->source_id);
    r->link = dup_or_null(p->link);
    r->path = gz_xstrndup(path, strlen(path));
    r->date = p->date ? gz_xstrndup(p->date, strlen(p->date)) : NULL;
    r->title_hash = ingest_hash(p->title);
    r->body_hash = ingest_hash(p->body);
    r->body_len = (int64_t)p->body.len;
    r->content_key = ingest_content_key(p->title, p->body);
}
