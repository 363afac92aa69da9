#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include "core/arena.h"
#include "core/sealed.h"

#define BOM 0x01020304u

/* ---- writing ------------------------------------------------------------------ */

void
gz_sealed_put32(gz_buf *b, uint32_t v)
{
    gz_buf_put(b, (const char *)&v, sizeof v);
}

void
gz_sealed_put64(gz_buf *b, uint64_t v)
{
    gz_buf_put(b, (const char *)&v, sizeof v);
}

void
gz_sealed_putstr(gz_buf *b, const char *s, size_t n)
{
    gz_sealed_put32(b, (uint32_t)n);
    gz_buf_put(b, s, n);
    gz_buf_putc(b, 0);
}

void
gz_sealed_begin(gz_buf *b, const char magic[8], uint32_t version)
{
    gz_buf_put(b, magic, 8);
    gz_sealed_put32(b, BOM);
    gz_sealed_put32(b, version);
    gz_sealed_put64(b, 0); /* the body's length, set by gz_sealed_write */
}

static bool
write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t k = write(fd, p, n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return false;
        p += k;
        n -= (size_t)k;
    }
    return true;
}

bool
gz_sealed_write(gz_buf *b, const char *path, gz_buf *why)
{
    uint64_t body = b->len - GZ_SEALED_HEAD;
    memcpy(b->data + GZ_SEALED_HEAD - 8, &body, 8);
    gz_sealed_put64(b, XXH3_64bits(b->data + GZ_SEALED_HEAD, body));

    gz_buf tmp = GZ_BUF_INIT;
    gz_buf_printf(&tmp, "%s.tmp-%ld", path, (long)getpid());
    int fd = open(tmp.data, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    bool ok = fd >= 0 && write_all(fd, b->data, b->len);
    if (fd >= 0 && close(fd) != 0)
        ok = false;
    if (ok && rename(tmp.data, path) != 0)
        ok = false;
    if (!ok) {
        gz_buf_printf(why, "cannot write %s: %s", path, strerror(errno));
        unlink(tmp.data);
    }
    gz_buf_free(&tmp);
    return ok;
}

/* ---- reading ------------------------------------------------------------------ */

static bool
read_file(const char *path, char **data, size_t *len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return false;
    }
    size_t n = (size_t)st.st_size, got = 0;
    char *p = gz_xmalloc(n + 1);
    while (got < n) {
        ssize_t k = read(fd, p + got, n - got);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            break;
        got += (size_t)k;
    }
    close(fd);
    p[got] = 0;
    *data = p;
    *len = got;
    return true;
}

static bool
refuse(char **blob, gz_buf *why, const char *msg)
{
    gz_buf_puts(why, msg);
    free(*blob);
    *blob = NULL;
    return false;
}

bool
gz_sealed_read(const char *path, const char magic[8], uint32_t version, char **blob,
               size_t *body, gz_buf *why)
{
    size_t len;
    *blob = NULL;
    if (!read_file(path, blob, &len)) {
        if (errno != ENOENT)
            gz_buf_printf(why, "cannot read it: %s", strerror(errno));
        return false;
    }
    if (len < GZ_SEALED_HEAD + 8 || memcmp(*blob, magic, 8) != 0)
        return refuse(blob, why, "not a gazette cache, or cut short");
    uint32_t bom, v;
    uint64_t n;
    memcpy(&bom, *blob + 8, 4);
    memcpy(&v, *blob + 12, 4);
    memcpy(&n, *blob + 16, 8);
    if (bom != BOM || v != version)
        return refuse(blob, why, "written by another version of gazette");
    if (n != len - GZ_SEALED_HEAD - 8)
        return refuse(blob, why, "cut short");
    uint64_t sum;
    memcpy(&sum, *blob + GZ_SEALED_HEAD + n, 8);
    if (XXH3_64bits(*blob + GZ_SEALED_HEAD, n) != sum)
        return refuse(blob, why, "damaged (checksum mismatch)");
    *body = n;
    return true;
}

static bool
take(gz_sealed_reader *r, void *out, size_t n)
{
    if (!r->ok || (size_t)(r->end - r->p) < n) {
        r->ok = false;
        memset(out, 0, n);
        return false;
    }
    memcpy(out, r->p, n);
    r->p += n;
    return true;
}

uint32_t
gz_sealed_u32(gz_sealed_reader *r)
{
    uint32_t v;
    take(r, &v, sizeof v);
    return v;
}

uint64_t
gz_sealed_u64(gz_sealed_reader *r)
{
    uint64_t v;
    take(r, &v, sizeof v);
    return v;
}

const char *
gz_sealed_str(gz_sealed_reader *r, size_t *len)
{
    uint32_t n = gz_sealed_u32(r);
    if (!r->ok || (size_t)(r->end - r->p) < (size_t)n + 1 || r->p[n] != 0) {
        r->ok = false;
        if (len)
            *len = 0;
        return "";
    }
    const char *s = r->p;
    r->p += (size_t)n + 1;
    if (len)
        *len = n;
    return s;
}

uint32_t
gz_sealed_count(gz_sealed_reader *r, size_t min)
{
    uint32_t n = gz_sealed_u32(r);
    if (r->ok && (size_t)n > (size_t)(r->end - r->p) / min)
        r->ok = false;
    return r->ok ? n : 0;
}
