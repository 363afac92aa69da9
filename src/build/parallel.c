/* Work over an index range on a few threads, in chunks taken in turn. */
#include <pthread.h>
#include <stdatomic.h>

#include "build/internal.h"

#define CHUNK 4096

typedef struct range {
    size_t n;
    bool (*each)(void *ctx, size_t i);
    void *ctx;
    _Atomic size_t next;
    _Atomic bool failed;
} range;

static void *
run(void *arg)
{
    range *r = arg;
    for (;;) {
        size_t from = atomic_fetch_add(&r->next, CHUNK);
        if (from >= r->n || atomic_load(&r->failed))
            break;
        size_t to = r->n - from < CHUNK ? r->n : from + CHUNK;
        for (size_t i = from; i < to; i++)
            if (!r->each(r->ctx, i)) {
                atomic_store(&r->failed, true);
                return NULL;
            }
    }
    return NULL;
}

bool
build_for_all(size_t n, int threads, bool (*each)(void *ctx, size_t i), void *ctx)
{
    range r = { .n = n, .each = each, .ctx = ctx };
    atomic_init(&r.next, 0);
    atomic_init(&r.failed, false);
    pthread_t t[16];
    int want = threads < 1 ? 1 : threads > 16 ? 16 : threads;
    if ((size_t)want > n / CHUNK + 1)
        want = (int)(n / CHUNK + 1);
    int started = 0;
    while (started < want - 1 && pthread_create(&t[started], NULL, run, &r) == 0)
        started++;
    run(&r); /* the calling thread works too */
    for (int i = 0; i < started; i++)
        pthread_join(t[i], NULL);
    return !atomic_load(&r.failed);
}
