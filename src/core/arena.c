#include "core/arena.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define ARENA_ALIGN 16
#define ARENA_FIRST_BLOCK 4096
#define ARENA_MAX_BLOCK (32u << 20)
/* Blocks from this size on are made of whole huge pages (below). */
#define HUGE_PAGE (2u << 20)

typedef struct block {
    struct block *prev;
    size_t size; /* usable bytes after the header */
    size_t used;
    _Alignas(ARENA_ALIGN) unsigned char data[];
} block;

struct gz_arena {
    block *head;
    size_t next_size;
    size_t total;
};

static void
out_of_memory(size_t size)
{
    fprintf(stderr, "gazette: out of memory (allocating %zu bytes)\n", size);
    abort();
}

void *
gz_xmalloc(size_t size)
{
    void *p = malloc(size ? size : 1);
    if (!p)
        out_of_memory(size);
    return p;
}

void *
gz_xcalloc(size_t count, size_t size)
{
    void *p = calloc(count ? count : 1, size ? size : 1);
    if (!p)
        out_of_memory(count * size);
    return p;
}

void *
gz_xrealloc(void *p, size_t size)
{
    void *q = realloc(p, size ? size : 1);
    if (!q)
        out_of_memory(size);
    return q;
}

char *
gz_xstrndup(const char *s, size_t len)
{
    char *p = gz_xmalloc(len + 1);
    memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

gz_arena *
gz_arena_new(void)
{
    gz_arena *a = gz_xcalloc(1, sizeof *a);
    a->next_size = ARENA_FIRST_BLOCK;
    return a;
}

void
gz_arena_free(gz_arena *a)
{
    if (!a)
        return;
    block *b = a->head;
    while (b) {
        block *prev = b->prev;
        free(b);
        b = prev;
    }
    free(a);
}

void
gz_arena_reset(gz_arena *a)
{
    block *b = a->head;
    if (!b)
        return;
    while (b->prev) {
        block *prev = b->prev;
        a->total -= b->size;
        free(b);
        b = prev;
    }
    b->used = 0;
    a->head = b;
}

static size_t
align_up(size_t n)
{
    return (n + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
}

/* A block of about `want` usable bytes and at least `need`. The arenas that hold a large
 * site's model grow to hundreds of megabytes, written once from start to
 * end; with 4 KiB pages, faulting them in costs more than filling them
 * (an eighth of a 1M-post load's CPU time). A large block is therefore
 * aligned and sized to huge pages and the kernel is asked to back it with
 * them (Linux honours this when transparent huge pages are "madvise" or
 * "always"; elsewhere it changes nothing). */
static block *
new_block(size_t want, size_t need)
{
    size_t bytes = sizeof(block) + want;
    block *b;
    if (want < HUGE_PAGE) {
        b = gz_xmalloc(bytes);
    } else {
        /* The header takes a few bytes of `want` rather than a page of
         * its own (want is mostly a power of 2). */
        bytes = (want + HUGE_PAGE - 1) & ~(size_t)(HUGE_PAGE - 1);
        if (bytes - sizeof(block) < need)
            bytes += HUGE_PAGE;
        void *p = NULL;
        if (posix_memalign(&p, HUGE_PAGE, bytes) != 0)
            out_of_memory(bytes);
#ifdef MADV_HUGEPAGE
        madvise(p, bytes, MADV_HUGEPAGE);
#endif
        b = p;
        want = bytes - sizeof(block);
    }
    b->size = want;
    b->used = 0;
    return b;
}

void *
gz_arena_alloc(gz_arena *a, size_t size)
{
    if (size > SIZE_MAX / 2)
        out_of_memory(size);
    size = align_up(size ? size : 1);
    block *b = a->head;
    if (!b || b->size - b->used < size) {
        size_t want = a->next_size;
        if (want < size)
            want = size;
        b = new_block(want, size);
        /* Large one-off allocations do not become the current block, so the
         * remaining space of the current one is not wasted. */
        if (a->head && want > a->next_size) {
            b->prev = a->head->prev;
            a->head->prev = b;
            b->used = size;
            a->total += b->size;
            return b->data;
        }
        b->prev = a->head;
        a->head = b;
        a->total += b->size;
        if (a->next_size < ARENA_MAX_BLOCK)
            a->next_size *= 2;
    }
    void *p = b->data + b->used;
    b->used += size;
    return p;
}

void *
gz_arena_calloc(gz_arena *a, size_t count, size_t size)
{
    if (size && count > SIZE_MAX / size)
        out_of_memory(SIZE_MAX);
    void *p = gz_arena_alloc(a, count * size);
    memset(p, 0, count * size);
    return p;
}

void *
gz_arena_realloc(gz_arena *a, void *old, size_t old_size, size_t new_size)
{
    if (!old || new_size > SIZE_MAX / 2)
        return gz_arena_alloc(a, new_size);
    block *b = a->head;
    size_t old_aligned = align_up(old_size ? old_size : 1);
    /* The last allocation of the current block can grow in place. */
    if (b && (unsigned char *)old + old_aligned == b->data + b->used &&
        (unsigned char *)old >= b->data) {
        size_t start = (size_t)((unsigned char *)old - b->data);
        size_t need = align_up(new_size ? new_size : 1);
        if (need <= b->size - start) {
            b->used = start + need;
            return old;
        }
    }
    if (new_size <= old_size)
        return old;
    void *p = gz_arena_alloc(a, new_size);
    memcpy(p, old, old_size);
    return p;
}

char *
gz_arena_strndup(gz_arena *a, const char *s, size_t len)
{
    char *p = gz_arena_alloc(a, len + 1);
    if (len)
        memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

size_t
gz_arena_bytes(const gz_arena *a)
{
    return a->total;
}

bool
gz_arena_owns(const gz_arena *a, const void *p)
{
    uintptr_t q = (uintptr_t)p;
    for (const block *b = a->head; b; b = b->prev)
        if (q >= (uintptr_t)b->data && q - (uintptr_t)b->data < b->size)
            return true;
    return false;
}
