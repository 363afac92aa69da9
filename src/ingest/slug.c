/* Names on disk: the id part of a post's file name, and category slugs
 * that stay distinct when two source names read the same in pinyin. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/internal.h"

/* Longest id kept in a file name; longer ones are cut and get a hash so
 * that two long ids sharing a prefix still differ. */
#define FILE_ID_MAX 80

void
ingest_hex_hash(gz_buf *out, gz_str s, int digits)
{
    char hex[17];
    snprintf(hex, sizeof hex, "%016llx", (unsigned long long)ingest_hash(s));
    gz_buf_put(out, hex, digits < 16 ? (size_t)digits : 16);
}

void
ingest_file_id(gz_buf *out, gz_str id)
{
    size_t start = out->len;
    for (size_t i = 0; i < id.len; i++) {
        char c = id.p[i];
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
            c == '-')
            gz_buf_putc(out, c);
    }
    size_t kept = out->len - start;
    if (kept == 0) {
        ingest_hex_hash(out, id, 12);
    } else if (kept > FILE_ID_MAX) {
        gz_buf_truncate(out, start + FILE_ID_MAX);
        gz_buf_putc(out, '-');
        ingest_hex_hash(out, id, 12);
    }
}

const char *
ingest_slug_resolve(ingest_state *st, gz_arena *a, const char *name, const char *fixed)
{
    char *known = ingest_state_slug_of(st, name);
    if (known && (!fixed || !strcmp(known, fixed))) {
        const char *r = gz_arena_strndup(a, known, strlen(known));
        free(known);
        return r;
    }
    free(known);

    gz_buf slug = GZ_BUF_INIT;
    if (fixed)
        gz_buf_puts(&slug, fixed);
    else
        ingest_pinyin_slug(&slug, gz_str_c(name));
    if (slug.len == 0)
        ingest_hex_hash(&slug, gz_str_c(name), 8);
    /* A configured slug is the user's choice even when shared; a derived
     * one must not merge two sources into one category. */
    char *owner = fixed ? NULL : ingest_state_slug_owner(st, slug.data);
    if (owner && strcmp(owner, name)) {
        gz_buf_putc(&slug, '-');
        ingest_hex_hash(&slug, gz_str_c(name), 6);
    }
    free(owner);
    ingest_state_set_slug(st, name, slug.data);
    const char *r = gz_arena_strndup(a, slug.data, slug.len);
    gz_buf_free(&slug);
    return r;
}
