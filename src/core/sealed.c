#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include "core/arena.h"
#include "core/sealed.h"

#define BOM 0x01020304u
#define FLUSH_AT (1u << 20)

/* ---- writing ------------------------------------------------------------------ */

/* The body is hashed a buffer at a time, not field by field: a cache of
 * a million outputs is ten million fields. */
static void
hash_pending(gz_sealed_writer *w)
{
    if (w->buf.len > w->hashed) /* (data is NULL until the first put) */
        XXH3_64bits_update(w->hash, w->buf.data + w->hashed, w->buf.len - w->hashed);
    w->hashed = w->buf.len;
}

static void
flush(gz_sealed_writer *w)
{
    hash_pending(w);
    const char *p = w->buf.data;
    size_t n = w->buf.len;
    while (n > 0 && !w->error) {
        ssize_t k = write(w->fd, p, n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            w->error = k < 0 ? errno : EIO;
        else {
            p += k;
            n -= (size_t)k;
        }
    }
    gz_buf_clear(&w->buf);
    w->hashed = 0;
}

static void
put_raw(gz_sealed_writer *w, const void *p, size_t n)
{
    if (w->error)
        return;
    gz_buf_put(&w->buf, p, n);
    w->offset += n;
    if (w->buf.len >= FLUSH_AT)
        flush(w);
}

/* Header and checksum bytes are not part of the checksum. They are only
 * appended (no flush here), so that a flush cannot hash them with the body;
 * the next put or the commit writes them out. */
static void
put_unhashed(gz_sealed_writer *w, const void *p, size_t n)
{
    if (w->error)
        return;
    hash_pending(w);
    gz_buf_put(&w->buf, p, n);
    w->offset += n;
    w->hashed = w->buf.len;
}

void
gz_sealed_create(gz_sealed_writer *w, const char *path, const char magic[8], uint32_t version)
{
    memset(w, 0, sizeof *w);
    w->path = gz_xstrndup(path, strlen(path));
    gz_buf tmp = GZ_BUF_INIT;
    gz_buf_printf(&tmp, "%s.tmp-%ld", path, (long)getpid());
    w->tmp = tmp.data;
    w->fd = open(w->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (w->fd < 0)
        w->error = errno;
    w->hash = XXH3_createState();
    XXH3_64bits_reset(w->hash);
    uint32_t bom = BOM;
    uint64_t len = 0; /* the body's, set by gz_sealed_commit */
    put_unhashed(w, magic, 8);
    put_unhashed(w, &bom, 4);
    put_unhashed(w, &version, 4);
    put_unhashed(w, &len, 8);
}

void
gz_sealed_put(gz_sealed_writer *w, const void *p, size_t n)
{
    put_raw(w, p, n);
}

void
gz_sealed_put32(gz_sealed_writer *w, uint32_t v)
{
    put_raw(w, &v, sizeof v);
}

void
gz_sealed_put64(gz_sealed_writer *w, uint64_t v)
{
    put_raw(w, &v, sizeof v);
}

void
gz_sealed_putstr(gz_sealed_writer *w, const char *s, size_t n)
{
    gz_sealed_put32(w, (uint32_t)n);
    put_raw(w, s, n);
    put_raw(w, "", 1);
}

void
gz_sealed_pad(gz_sealed_writer *w, size_t align)
{
    static const char zeros[64];
    while (w->offset % align && !w->error)
        put_raw(w, zeros, align - w->offset % align);
}

bool
gz_sealed_commit(gz_sealed_writer *w, gz_buf *why)
{
    uint64_t body = w->offset - GZ_SEALED_HEAD;
    hash_pending(w);
    uint64_t sum = XXH3_64bits_digest(w->hash);
    put_unhashed(w, &sum, sizeof sum);
    flush(w);
    if (!w->error && pwrite(w->fd, &body, sizeof body, GZ_SEALED_HEAD - 8) != sizeof body)
        w->error = errno ? errno : EIO;
    if (w->fd >= 0 && close(w->fd) != 0 && !w->error)
        w->error = errno;
    if (!w->error && rename(w->tmp, w->path) != 0)
        w->error = errno;
    bool ok = !w->error;
    if (!ok) {
        gz_buf_printf(why, "cannot write %s: %s", w->path, strerror(w->error));
        unlink(w->tmp);
    }
    XXH3_freeState(w->hash);
    gz_buf_free(&w->buf);
    free(w->path);
    free(w->tmp);
    memset(w, 0, sizeof *w);
    return ok;
}

/* ---- reading ------------------------------------------------------------------ */

static bool
refuse(gz_sealed_file *f, gz_buf *why, const char *msg)
{
    gz_buf_puts(why, msg);
    gz_sealed_close(f);
    return false;
}

bool
gz_sealed_open(gz_sealed_file *f, const char *path, const char magic[8], uint32_t version,
               gz_buf *why)
{
    memset(f, 0, sizeof *f);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno != ENOENT)
            gz_buf_printf(why, "cannot read it: %s", strerror(errno));
        return false;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        gz_buf_puts(why, "not a regular file");
        close(fd);
        return false;
    }
    size_t len = (size_t)st.st_size;
    if (len < GZ_SEALED_HEAD + 8) {
        close(fd);
        gz_buf_puts(why, "not a gazette cache, or cut short");
        return false;
    }
    void *map = mmap(NULL, len, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
    close(fd);
    if (map == MAP_FAILED) {
        gz_buf_printf(why, "cannot map it: %s", strerror(errno));
        return false;
    }
    f->map = map;
    f->maplen = len;
    const char *p = map;
    if (memcmp(p, magic, 8) != 0)
        return refuse(f, why, "not a gazette cache, or cut short");
    uint32_t bom, v;
    uint64_t n;
    memcpy(&bom, p + 8, 4);
    memcpy(&v, p + 12, 4);
    memcpy(&n, p + 16, 8);
    if (bom != BOM || v != version)
        return refuse(f, why, "written by another version of gazette");
    if (n != len - GZ_SEALED_HEAD - 8)
        return refuse(f, why, "cut short");
    uint64_t sum;
    memcpy(&sum, p + GZ_SEALED_HEAD + n, 8);
    if (XXH3_64bits(p + GZ_SEALED_HEAD, n) != sum)
        return refuse(f, why, "damaged (checksum mismatch)");
    f->body = p + GZ_SEALED_HEAD;
    f->len = n;
    return true;
}

void
gz_sealed_close(gz_sealed_file *f)
{
    if (f->map)
        munmap(f->map, f->maplen);
    memset(f, 0, sizeof *f);
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
