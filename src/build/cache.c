/* The cache file: a header, a body of length-prefixed records, and the
 * body's hash.
 *
 *   "GZCACHE\n"  u32 0x01020304 (byte order)  u32 version  u64 body length
 *   body:  str source  str dest  u64 global        (atoms below: after zero padding to a
 *                                      multiple of 4 bytes from the file's start)
 *          u64 options  i64 valid_until  u32 fast
 *          u32 n  { str path  u32 dir  i64 size  i64 mtime  i64 ctime  u64 ino  u64 names }
 *          u32 n  { str key  u64 hash  i64 size  i64 mtime  u32 prev next output }
 *          u32 n  { str name  u64 fingerprint }
 *          u32 n  { u32 count  u32 atoms[count] }                      shared sets
 *          u32 n  { str dest_rel  u32 source  u64 hash  i64 size  u32 set  u32 count
 *                   u32 atoms[count] }
 *   u64 XXH3 of the body
 *
 * str is u32 length, the bytes and a NUL (so that strings can be used in
 * place). Integers are in the writer's byte order; a reader with another
 * one sees a foreign byte-order mark and ignores the cache. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include "build/cache.h"
#include "build/internal.h"
#include "core/arena.h"

#define MAGIC "GZCACHE\n"
#define VERSION 5u
#define BOM 0x01020304u

/* ---- reading ---------------------------------------------------------------- */

typedef struct reader {
    char *p, *end;
    bool ok;
} reader;

static bool
take(reader *r, void *out, size_t n)
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

static uint32_t
u32(reader *r)
{
    uint32_t v;
    take(r, &v, sizeof v);
    return v;
}

static uint64_t
u64(reader *r)
{
    uint64_t v;
    take(r, &v, sizeof v);
    return v;
}

static const char *
str(reader *r)
{
    uint32_t n = u32(r);
    if (!r->ok || (size_t)(r->end - r->p) < (size_t)n + 1 || r->p[n] != 0) {
        r->ok = false;
        return "";
    }
    const char *s = r->p;
    r->p += (size_t)n + 1;
    return s;
}

/* n u32 atoms, used in place: the writer aligns them to 4 bytes from the
 * start of the file (and the file is read into a malloc'd block). */
static const uint32_t *
atoms(reader *r, const char *base, uint32_t n)
{
    size_t pad = (size_t)(-(r->p - base) & 3);
    size_t bytes = (size_t)n * sizeof(uint32_t);
    if (!r->ok || (size_t)(r->end - r->p) < pad + bytes) {
        r->ok = false;
        return NULL;
    }
    r->p += pad;
    const uint32_t *a = (const uint32_t *)(void *)r->p;
    r->p += bytes;
    return a;
}

/* A count that the rest of the body can hold (each record takes at least
 * `min` bytes): guards the allocations against a damaged count. */
static uint32_t
count(reader *r, size_t min)
{
    uint32_t n = u32(r);
    if (r->ok && (size_t)n > (size_t)(r->end - r->p) / min)
        r->ok = false;
    return r->ok ? n : 0;
}

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
    *data = p;
    *len = got;
    return true;
}

static bool
atoms_valid(const build_cache *c, uint32_t n, const uint32_t *a)
{
    for (uint32_t k = 0; k < n; k++)
        if (a[k] & CACHE_NAMED ? (a[k] & ~CACHE_NAMED) >= c->nnamed : a[k] / 4 >= c->nsources)
            return false;
    return true;
}

static bool
fail(build_cache *c, gz_buf *why, const char *msg)
{
    gz_buf_puts(why, msg);
    build_cache_free(c);
    return false;
}

bool
build_cache_read(build_cache *c, const char *path, gz_buf *why)
{
    memset(c, 0, sizeof *c);
    size_t len;
    if (!read_file(path, &c->blob, &len)) {
        if (errno != ENOENT)
            gz_buf_printf(why, "cannot read it: %s", strerror(errno));
        return false;
    }
    const size_t head = 8 + 4 + 4 + 8;
    if (len < head + 8 || memcmp(c->blob, MAGIC, 8) != 0)
        return fail(c, why, "not a gazette cache, or cut short");
    uint32_t bom, version;
    uint64_t body;
    memcpy(&bom, c->blob + 8, 4);
    memcpy(&version, c->blob + 12, 4);
    memcpy(&body, c->blob + 16, 8);
    if (bom != BOM || version != VERSION)
        return fail(c, why, "written by another version of gazette");
    if (body != len - head - 8)
        return fail(c, why, "cut short");
    uint64_t sum;
    memcpy(&sum, c->blob + head + body, 8);
    if (XXH3_64bits(c->blob + head, body) != sum)
        return fail(c, why, "damaged (checksum mismatch)");

    reader r = { c->blob + head, c->blob + head + body, true };
    c->source = str(&r);
    c->dest = str(&r);
    c->global = u64(&r);
    c->options = u64(&r);
    c->valid_until = (int64_t)u64(&r);
    c->fast = u32(&r);
    c->nwatched = count(&r, 4 + 1 + 4 + 8 * 5);
    c->watched = gz_xcalloc(c->nwatched + 1, sizeof *c->watched);
    for (uint32_t i = 0; i < c->nwatched && r.ok; i++) {
        cache_watched *w = &c->watched[i];
        w->path = str(&r);
        w->dir = u32(&r);
        w->size = (int64_t)u64(&r);
        w->mtime_ns = (int64_t)u64(&r);
        w->ctime_ns = (int64_t)u64(&r);
        w->ino = u64(&r);
        w->names = u64(&r);
    }
    c->nsources = count(&r, 4 + 1 + 8 * 3 + 4 * 3);
    c->sources = gz_xcalloc(c->nsources + 1, sizeof *c->sources);
    for (uint32_t i = 0; i < c->nsources && r.ok; i++) {
        cache_source *s = &c->sources[i];
        s->key = str(&r);
        s->hash = u64(&r);
        s->size = (int64_t)u64(&r);
        s->mtime_ns = (int64_t)u64(&r);
        s->prev = u32(&r);
        s->next = u32(&r);
        s->output = u32(&r);
    }
    c->nnamed = count(&r, 4 + 1 + 8);
    c->named = gz_xcalloc(c->nnamed + 1, sizeof *c->named);
    for (uint32_t i = 0; i < c->nnamed && r.ok; i++) {
        c->named[i].name = str(&r);
        c->named[i].fingerprint = u64(&r);
    }
    c->nsets = count(&r, 4);
    c->sets = gz_xcalloc(c->nsets + 1, sizeof *c->sets);
    for (uint32_t i = 0; i < c->nsets && r.ok; i++) {
        c->sets[i].n = u32(&r);
        c->sets[i].atoms = atoms(&r, c->blob, c->sets[i].n);
    }
    c->noutputs = count(&r, 4 + 1 + 4 + 8 + 8 + 4 + 4);
    c->outputs = gz_xcalloc(c->noutputs + 1, sizeof *c->outputs);
    for (uint32_t i = 0; i < c->noutputs && r.ok; i++) {
        cache_output *o = &c->outputs[i];
        o->dest_rel = str(&r);
        o->source = u32(&r);
        o->hash = u64(&r);
        o->size = (int64_t)u64(&r);
        o->set = u32(&r);
        o->n = u32(&r);
        o->atoms = atoms(&r, c->blob, o->n);
    }
    if (!r.ok || r.p != r.end)
        return fail(c, why, "malformed");

    /* Every index must point inside its table. */
    for (uint32_t i = 0; i < c->nsources; i++) {
        const cache_source *s = &c->sources[i];
        if ((s->prev != CACHE_NONE && s->prev >= c->nsources) ||
            (s->next != CACHE_NONE && s->next >= c->nsources) ||
            (s->output != CACHE_NONE && s->output >= c->noutputs))
            return fail(c, why, "malformed (source index)");
    }
    for (uint32_t i = 0; i < c->nsets; i++)
        if (!atoms_valid(c, c->sets[i].n, c->sets[i].atoms))
            return fail(c, why, "malformed (atom)");
    for (uint32_t i = 0; i < c->noutputs; i++)
        if (!atoms_valid(c, c->outputs[i].n, c->outputs[i].atoms))
            return fail(c, why, "malformed (atom)");
    for (uint32_t i = 0; i < c->noutputs; i++)
        if (c->outputs[i].source >= c->nsources || c->outputs[i].set >= c->nsets)
            return fail(c, why, "malformed (output)");
    return true;
}

void
build_cache_free(build_cache *c)
{
    free(c->blob);
    free(c->watched);
    free(c->sources);
    free(c->named);
    free(c->sets);
    free(c->outputs);
    memset(c, 0, sizeof *c);
}

/* ---- writing ---------------------------------------------------------------- */

static void
put32(gz_buf *b, uint32_t v)
{
    gz_buf_put(b, (const char *)&v, sizeof v);
}

static void
put64(gz_buf *b, uint64_t v)
{
    gz_buf_put(b, (const char *)&v, sizeof v);
}

static void
putstr(gz_buf *b, const char *s)
{
    size_t n = strlen(s);
    put32(b, (uint32_t)n);
    gz_buf_put(b, s, n + 1);
}

static void
putatoms(gz_buf *b, uint32_t n, const uint32_t *a)
{
    put32(b, n);
    while (b->len & 3)
        gz_buf_putc(b, 0);
    if (n)
        gz_buf_put(b, (const char *)a, (size_t)n * sizeof *a);
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

/* Temporary files of writers that were killed are removed. */
static void
remove_stale_temporaries(const char *path)
{
    const char *slash = strrchr(path, '/');
    gz_buf dir = GZ_BUF_INIT, prefix = GZ_BUF_INIT;
    if (slash)
        gz_buf_put(&dir, path, (size_t)(slash - path));
    else
        gz_buf_puts(&dir, ".");
    gz_buf_printf(&prefix, "%s.tmp-", slash ? slash + 1 : path);
    build_remove_orphans(dir.data, prefix.data);
    gz_buf_free(&dir);
    gz_buf_free(&prefix);
}

bool
build_cache_write(const build_cache *c, const char *path, gz_buf *why)
{
    remove_stale_temporaries(path);
    gz_buf b = GZ_BUF_INIT;
    gz_buf_put(&b, MAGIC, 8);
    put32(&b, BOM);
    put32(&b, VERSION);
    put64(&b, 0); /* the body's length, set below */
    size_t start = b.len;
    putstr(&b, c->source);
    putstr(&b, c->dest);
    put64(&b, c->global);
    put64(&b, c->options);
    put64(&b, (uint64_t)c->valid_until);
    put32(&b, c->fast);
    put32(&b, c->nwatched);
    for (uint32_t i = 0; i < c->nwatched; i++) {
        const cache_watched *w = &c->watched[i];
        putstr(&b, w->path);
        put32(&b, w->dir);
        put64(&b, (uint64_t)w->size);
        put64(&b, (uint64_t)w->mtime_ns);
        put64(&b, (uint64_t)w->ctime_ns);
        put64(&b, w->ino);
        put64(&b, w->names);
    }
    put32(&b, c->nsources);
    for (uint32_t i = 0; i < c->nsources; i++) {
        const cache_source *s = &c->sources[i];
        putstr(&b, s->key);
        put64(&b, s->hash);
        put64(&b, (uint64_t)s->size);
        put64(&b, (uint64_t)s->mtime_ns);
        put32(&b, s->prev);
        put32(&b, s->next);
        put32(&b, s->output);
    }
    put32(&b, c->nnamed);
    for (uint32_t i = 0; i < c->nnamed; i++) {
        putstr(&b, c->named[i].name);
        put64(&b, c->named[i].fingerprint);
    }
    put32(&b, c->nsets);
    for (uint32_t i = 0; i < c->nsets; i++)
        putatoms(&b, c->sets[i].n, c->sets[i].atoms);
    put32(&b, c->noutputs);
    for (uint32_t i = 0; i < c->noutputs; i++) {
        const cache_output *o = &c->outputs[i];
        putstr(&b, o->dest_rel);
        put32(&b, o->source);
        put64(&b, o->hash);
        put64(&b, (uint64_t)o->size);
        put32(&b, o->set);
        putatoms(&b, o->n, o->atoms);
    }
    uint64_t body = b.len - start;
    memcpy(b.data + start - 8, &body, 8);
    put64(&b, XXH3_64bits(b.data + start, body));

    gz_buf tmp = GZ_BUF_INIT;
    gz_buf_printf(&tmp, "%s.tmp-%ld", path, (long)getpid());
    int fd = open(tmp.data, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    /* No fsync: a cache lost or cut short by a power failure is refused
     * by its checksum and costs one full build, not a wrong one. */
    bool ok = fd >= 0 && write_all(fd, b.data, b.len);
    if (fd >= 0 && close(fd) != 0)
        ok = false;
    if (ok && rename(tmp.data, path) != 0)
        ok = false;
    if (!ok) {
        gz_buf_printf(why, "cannot write %s: %s", path, strerror(errno));
        unlink(tmp.data);
    }
    gz_buf_free(&tmp);
    gz_buf_free(&b);
    return ok;
}
