#include "core/buf.h"

#include <stdio.h>
#include <stdlib.h>

#include "core/arena.h"

bool
gz_str_starts_with(gz_str s, gz_str prefix)
{
    return s.len >= prefix.len && memcmp(s.p, prefix.p, prefix.len) == 0;
}

bool
gz_str_ends_with(gz_str s, gz_str suffix)
{
    return s.len >= suffix.len &&
           memcmp(s.p + s.len - suffix.len, suffix.p, suffix.len) == 0;
}

long
gz_str_find(gz_str hay, gz_str needle, size_t from)
{
    if (from > hay.len || needle.len > hay.len - from)
        return -1;
    if (needle.len == 0)
        return (long)from;
    const char *p = memmem(hay.p + from, hay.len - from, needle.p, needle.len);
    return p ? (long)(p - hay.p) : -1;
}

void
gz_buf_grow(gz_buf *b, size_t extra)
{
    size_t need = b->len + extra + 1;
    if (need <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap = cap < ((size_t)-1) / 2 ? cap * 2 : need;
    b->data = gz_xrealloc(b->data, cap);
    b->cap = cap;
}

void
gz_buf_put(gz_buf *b, const void *data, size_t len)
{
    gz_buf_grow(b, len);
    if (len)
        memcpy(b->data + b->len, data, len);
    b->len += len;
    b->data[b->len] = '\0';
}

void
gz_buf_puts(gz_buf *b, const char *s)
{
    gz_buf_put(b, s, strlen(s));
}

void
gz_buf_put_str(gz_buf *b, gz_str s)
{
    gz_buf_put(b, s.p, s.len);
}

void
gz_buf_vprintf(gz_buf *b, const char *fmt, va_list ap)
{
    va_list copy;
    va_copy(copy, ap);
    int n = vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);
    if (n < 0)
        return;
    gz_buf_grow(b, (size_t)n);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
}

void
gz_buf_printf(gz_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    gz_buf_vprintf(b, fmt, ap);
    va_end(ap);
}

void
gz_buf_truncate(gz_buf *b, size_t len)
{
    if (len < b->len) {
        b->len = len;
        b->data[len] = '\0';
    }
}

void
gz_buf_clear(gz_buf *b)
{
    gz_buf_truncate(b, 0);
}

void
gz_buf_free(gz_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

char *
gz_buf_detach(gz_buf *b, size_t *len)
{
    if (!b->data)
        gz_buf_grow(b, 0);
    char *p = b->data;
    if (len)
        *len = b->len;
    b->data = NULL;
    b->len = b->cap = 0;
    return p;
}
