/* Strings: `gz_str` is a borrowed view (pointer + length into someone
 * else's bytes, not NUL-terminated); `gz_buf` owns a growable heap buffer
 * that is always NUL-terminated. A function taking a gz_str never frees
 * it; a gz_buf is released with gz_buf_free by whoever declared it. */
#ifndef GZ_BUF_H
#define GZ_BUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

typedef struct gz_str {
    const char *p;
    size_t len;
} gz_str;

#define GZ_STR(lit) ((gz_str){ (lit), sizeof(lit) - 1 })

static inline gz_str
gz_str_c(const char *s)
{
    return (gz_str){ s, s ? strlen(s) : 0 };
}

static inline gz_str
gz_str_n(const char *s, size_t len)
{
    return (gz_str){ s, len };
}

static inline bool
gz_str_eq(gz_str a, gz_str b)
{
    return a.len == b.len && (a.len == 0 || memcmp(a.p, b.p, a.len) == 0);
}

static inline bool
gz_str_eq_c(gz_str a, const char *lit)
{
    return gz_str_eq(a, gz_str_c(lit));
}

bool gz_str_starts_with(gz_str s, gz_str prefix);
bool gz_str_ends_with(gz_str s, gz_str suffix);
/* Byte offset of the first occurrence of `needle`, or -1. */
long gz_str_find(gz_str hay, gz_str needle, size_t from);

typedef struct gz_buf {
    char *data; /* NUL-terminated when non-NULL */
    size_t len;
    size_t cap;
} gz_buf;

#define GZ_BUF_INIT { NULL, 0, 0 }

void gz_buf_grow(gz_buf *b, size_t extra);
void gz_buf_put(gz_buf *b, const void *data, size_t len);
void gz_buf_puts(gz_buf *b, const char *s);
void gz_buf_put_str(gz_buf *b, gz_str s);
void gz_buf_printf(gz_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void gz_buf_vprintf(gz_buf *b, const char *fmt, va_list ap);
void gz_buf_truncate(gz_buf *b, size_t len);
void gz_buf_clear(gz_buf *b);
void gz_buf_free(gz_buf *b);
/* Hands the bytes to the caller (free() them); the buffer becomes empty. */
char *gz_buf_detach(gz_buf *b, size_t *len);

/* Inline: renderers and filters append byte by byte on their hot paths. */
static inline void
gz_buf_putc(gz_buf *b, char c)
{
    if (b->len + 1 >= b->cap)
        gz_buf_grow(b, 1);
    b->data[b->len++] = c;
    b->data[b->len] = '\0';
}

static inline gz_str
gz_buf_str(const gz_buf *b)
{
    return (gz_str){ b->data ? b->data : "", b->len };
}

#endif
