/* The cache file: a sealed file (core/sealed.h) with magic "GZCACHE\n"
 * whose body is
 *
 *   head:  str source  str dest  u64 global        (atoms below: after zero padding to a
 *                                      multiple of 4 bytes from the file's start)
 *          u64 options  i64 valid_until  u32 fast  u32 noutputs  u32 unfoldered
 *          u32 n  { str path  u32 dir  i64 size  i64 mtime  i64 ctime  u64 ino  u64 names }
 *          u32 n  { str rel  u64 ino  i64 mtime  i64 ctime }            output folders
 *   rest:  u32 n  { str key  u64 hash  i64 size  i64 mtime  u32 prev next output }
 *          u32 n  { str name  u64 fingerprint }
 *          u32 n  { u32 count  u32 atoms[count] }                      shared sets
 *          noutputs × { str dest_rel  u32 source  u64 hash  i64 size  u32 set  u32 folder
 *                       u32 count  u32 atoms[count] }
 *
 * The head is all a build that finds nothing changed reads; the rest, a
 * million records at a million posts, is only parsed when one does not.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "build/cache.h"
#include "core/arena.h"
#include "core/sealed.h"

#define MAGIC "GZCACHE\n"
#define VERSION 7u

/* n u32 atoms, used in place: the writer aligns them to 4 bytes from the
 * start of the file, which is mapped at a page boundary. */
static const uint32_t *
atoms(gz_sealed_reader *r, uint32_t n)
{
    size_t pad = (size_t)(-(uintptr_t)r->p & 3);
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
build_cache_open(build_cache *c, const char *path, gz_buf *why)
{
    memset(c, 0, sizeof *c);
    if (!gz_sealed_open(&c->file, path, MAGIC, VERSION, why))
        return false;
    gz_sealed_reader r = { c->file.body, c->file.body + c->file.len, true };
    c->source = gz_sealed_str(&r, NULL);
    c->dest = gz_sealed_str(&r, NULL);
    c->global = gz_sealed_u64(&r);
    c->options = gz_sealed_u64(&r);
    c->valid_until = (int64_t)gz_sealed_u64(&r);
    c->fast = gz_sealed_u32(&r);
    c->noutputs = gz_sealed_count(&r, 4 + 1 + 4 + 8 + 8 + 4 + 4 + 4);
    c->unfoldered = gz_sealed_u32(&r);
    c->nwatched = gz_sealed_count(&r, 4 + 1 + 4 + 8 * 5);
    c->watched = gz_xcalloc(c->nwatched + 1, sizeof *c->watched);
    for (uint32_t i = 0; i < c->nwatched && r.ok; i++) {
        cache_watched *w = &c->watched[i];
        w->path = gz_sealed_str(&r, NULL);
        w->dir = gz_sealed_u32(&r);
        w->size = (int64_t)gz_sealed_u64(&r);
        w->mtime_ns = (int64_t)gz_sealed_u64(&r);
        w->ctime_ns = (int64_t)gz_sealed_u64(&r);
        w->ino = gz_sealed_u64(&r);
        w->names = gz_sealed_u64(&r);
    }
    c->nfolders = gz_sealed_count(&r, 4 + 1 + 8 * 3);
    c->folders = gz_xcalloc(c->nfolders + 1, sizeof *c->folders);
    for (uint32_t i = 0; i < c->nfolders && r.ok; i++) {
        cache_folder *f = &c->folders[i];
        f->rel = gz_sealed_str(&r, NULL);
        f->ino = gz_sealed_u64(&r);
        f->mtime_ns = (int64_t)gz_sealed_u64(&r);
        f->ctime_ns = (int64_t)gz_sealed_u64(&r);
    }
    if (!r.ok)
        return fail(c, why, "malformed");
    c->rest = r.p;
    return true;
}

bool
build_cache_read_rest(build_cache *c, gz_buf *why)
{
    gz_sealed_reader r = { c->rest, c->file.body + c->file.len, true };
    c->nsources = gz_sealed_count(&r, 4 + 1 + 8 * 3 + 4 * 3);
    c->sources = gz_xcalloc(c->nsources + 1, sizeof *c->sources);
    for (uint32_t i = 0; i < c->nsources && r.ok; i++) {
        cache_source *s = &c->sources[i];
        s->key = gz_sealed_str(&r, NULL);
        s->hash = gz_sealed_u64(&r);
        s->size = (int64_t)gz_sealed_u64(&r);
        s->mtime_ns = (int64_t)gz_sealed_u64(&r);
        s->prev = gz_sealed_u32(&r);
        s->next = gz_sealed_u32(&r);
        s->output = gz_sealed_u32(&r);
    }
    c->nnamed = gz_sealed_count(&r, 4 + 1 + 8);
    c->named = gz_xcalloc(c->nnamed + 1, sizeof *c->named);
    for (uint32_t i = 0; i < c->nnamed && r.ok; i++) {
        c->named[i].name = gz_sealed_str(&r, NULL);
        c->named[i].fingerprint = gz_sealed_u64(&r);
    }
    c->nsets = gz_sealed_count(&r, 4);
    c->sets = gz_xcalloc(c->nsets + 1, sizeof *c->sets);
    for (uint32_t i = 0; i < c->nsets && r.ok; i++) {
        c->sets[i].n = gz_sealed_u32(&r);
        c->sets[i].atoms = atoms(&r, c->sets[i].n);
    }
    c->outputs = gz_xcalloc(c->noutputs + 1, sizeof *c->outputs);
    for (uint32_t i = 0; i < c->noutputs && r.ok; i++) {
        cache_output *o = &c->outputs[i];
        o->dest_rel = gz_sealed_str(&r, NULL);
        o->source = gz_sealed_u32(&r);
        o->hash = gz_sealed_u64(&r);
        o->size = (int64_t)gz_sealed_u64(&r);
        o->set = gz_sealed_u32(&r);
        o->folder = gz_sealed_u32(&r);
        o->n = gz_sealed_u32(&r);
        o->atoms = atoms(&r, o->n);
    }
    if (!r.ok || r.p != r.end)
        return fail(c, why, "malformed");
    c->rest = NULL;

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
    uint32_t unfoldered = 0;
    for (uint32_t i = 0; i < c->noutputs; i++) {
        if (c->outputs[i].source >= c->nsources || c->outputs[i].set >= c->nsets ||
            (c->outputs[i].folder != CACHE_NONE && c->outputs[i].folder >= c->nfolders))
            return fail(c, why, "malformed (output)");
        unfoldered += c->outputs[i].folder == CACHE_NONE;
    }
    if (unfoldered != c->unfoldered)
        return fail(c, why, "malformed (outputs without a folder)");
    return true;
}

bool
build_cache_read(build_cache *c, const char *path, gz_buf *why)
{
    return build_cache_open(c, path, why) && build_cache_read_rest(c, why);
}

void
build_cache_free(build_cache *c)
{
    gz_sealed_close(&c->file);
    free(c->watched);
    free(c->sources);
    free(c->named);
    free(c->sets);
    free(c->folders);
    free(c->folder_names);
    free(c->outputs);
    memset(c, 0, sizeof *c);
}

/* ---- writing ---------------------------------------------------------------- */

static void
putstr(gz_sealed_writer *w, const char *s)
{
    gz_sealed_putstr(w, s, strlen(s));
}

static void
putatoms(gz_sealed_writer *w, uint32_t n, const uint32_t *a)
{
    gz_sealed_put32(w, n);
    gz_sealed_pad(w, 4);
    if (n)
        gz_sealed_put(w, a, (size_t)n * sizeof *a);
}

bool
build_cache_write(const build_cache *c, const char *path, gz_buf *why)
{
    gz_sealed_writer out;
    gz_sealed_create(&out, path, MAGIC, VERSION);
    putstr(&out, c->source);
    putstr(&out, c->dest);
    gz_sealed_put64(&out, c->global);
    gz_sealed_put64(&out, c->options);
    gz_sealed_put64(&out, (uint64_t)c->valid_until);
    gz_sealed_put32(&out, c->fast);
    gz_sealed_put32(&out, c->noutputs);
    uint32_t unfoldered = 0;
    for (uint32_t i = 0; i < c->noutputs; i++)
        unfoldered += c->outputs[i].folder == CACHE_NONE;
    gz_sealed_put32(&out, unfoldered);
    gz_sealed_put32(&out, c->nwatched);
    for (uint32_t i = 0; i < c->nwatched; i++) {
        const cache_watched *w = &c->watched[i];
        putstr(&out, w->path);
        gz_sealed_put32(&out, w->dir);
        gz_sealed_put64(&out, (uint64_t)w->size);
        gz_sealed_put64(&out, (uint64_t)w->mtime_ns);
        gz_sealed_put64(&out, (uint64_t)w->ctime_ns);
        gz_sealed_put64(&out, w->ino);
        gz_sealed_put64(&out, w->names);
    }
    gz_sealed_put32(&out, c->nfolders);
    for (uint32_t i = 0; i < c->nfolders; i++) {
        const cache_folder *f = &c->folders[i];
        putstr(&out, f->rel);
        gz_sealed_put64(&out, f->ino);
        gz_sealed_put64(&out, (uint64_t)f->mtime_ns);
        gz_sealed_put64(&out, (uint64_t)f->ctime_ns);
    }
    gz_sealed_put32(&out, c->nsources);
    for (uint32_t i = 0; i < c->nsources; i++) {
        const cache_source *s = &c->sources[i];
        putstr(&out, s->key);
        gz_sealed_put64(&out, s->hash);
        gz_sealed_put64(&out, (uint64_t)s->size);
        gz_sealed_put64(&out, (uint64_t)s->mtime_ns);
        gz_sealed_put32(&out, s->prev);
        gz_sealed_put32(&out, s->next);
        gz_sealed_put32(&out, s->output);
    }
    gz_sealed_put32(&out, c->nnamed);
    for (uint32_t i = 0; i < c->nnamed; i++) {
        putstr(&out, c->named[i].name);
        gz_sealed_put64(&out, c->named[i].fingerprint);
    }
    gz_sealed_put32(&out, c->nsets);
    for (uint32_t i = 0; i < c->nsets; i++)
        putatoms(&out, c->sets[i].n, c->sets[i].atoms);
    for (uint32_t i = 0; i < c->noutputs; i++) {
        const cache_output *o = &c->outputs[i];
        putstr(&out, o->dest_rel);
        gz_sealed_put32(&out, o->source);
        gz_sealed_put64(&out, o->hash);
        gz_sealed_put64(&out, (uint64_t)o->size);
        gz_sealed_put32(&out, o->set);
        gz_sealed_put32(&out, o->folder);
        putatoms(&out, o->n, o->atoms);
    }
    return gz_sealed_commit(&out, why);
}
