/* The quick answer to "has anything changed since the last build?": stat
 * every file and folder the last build's load looked at, and every output
 * it wrote (a file deleted from the destination must be written again),
 * on a few threads, without loading the site. A folder whose time changed is listed again
 * and passes when its entries are the same names (the build's own staging
 * folder, made beside the destination, touches the source folder when the
 * destination is inside it). */
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "build/internal.h"
#include "core/time.h"

typedef struct check {
    const build_cache *cache;
    int source_fd, dest_fd; /* paths are looked up from these: fewer components */
    _Atomic uint64_t next;
    _Atomic bool changed;
} check;

#define CHUNK 4096

static bool
same(const check *k, const cache_watched *w, gz_buf *abs)
{
    const build_cache *c = k->cache;
    struct stat st;
    /* relative paths are below the source */
    if (fstatat(w->path[0] == '/' ? AT_FDCWD : k->source_fd, w->path, &st, 0) != 0 ||
        (bool)S_ISDIR(st.st_mode) != (w->dir != 0) || (uint64_t)st.st_ino != w->ino)
        return false;
    int64_t mtime = gz_timespec_ns(st.st_mtim);
    int64_t ctime = gz_timespec_ns(st.st_ctim);
    bool times = mtime == w->mtime_ns && ctime == w->ctime_ns;
    if (!w->dir)
        return (int64_t)st.st_size == w->size && times;
    if (times)
        return true;
    const char *path = w->path;
    if (path[0] != '/') {
        gz_buf_clear(abs);
        gz_buf_printf(abs, "%s/%s", c->source, path);
        path = abs->data;
    }
    uint64_t names;
    return site_dir_names_hash(path, c->dest, &names) && names == w->names;
}

static bool
output_in_place(const check *k, const cache_output *o)
{
    struct stat st;
    return fstatat(k->dest_fd, o->dest_rel, &st, 0) == 0 && S_ISREG(st.st_mode) &&
           (int64_t)st.st_size == o->size;
}

static void *
run(void *arg)
{
    check *k = arg;
    const build_cache *c = k->cache;
    gz_buf abs = GZ_BUF_INIT;
    /* watched entries first, then outputs, as one range */
    uint64_t total = (uint64_t)c->nwatched + c->noutputs;
    for (;;) {
        uint64_t from = atomic_fetch_add(&k->next, CHUNK);
        if (from >= total || atomic_load(&k->changed))
            break;
        uint64_t to = total - from < CHUNK ? total : from + CHUNK;
        for (uint64_t i = from; i < to; i++) {
            bool ok = i < c->nwatched ? same(k, &c->watched[i], &abs)
                                      : output_in_place(k, &c->outputs[i - c->nwatched]);
            if (!ok) {
                atomic_store(&k->changed, true);
                break;
            }
        }
    }
    gz_buf_free(&abs);
    return NULL;
}

bool
build_nothing_changed(const build_cache *c, const site_options *o, int threads)
{
    if (!c->fast || c->options != site_options_fingerprint(o) || time(NULL) >= c->valid_until)
        return false;
    check k = { .cache = c };
    k.source_fd = open(c->source, O_PATH | O_DIRECTORY | O_CLOEXEC);
    k.dest_fd = open(c->dest, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (k.source_fd < 0 || k.dest_fd < 0) {
        if (k.source_fd >= 0)
            close(k.source_fd);
        if (k.dest_fd >= 0)
            close(k.dest_fd);
        return false;
    }
    atomic_init(&k.next, 0);
    atomic_init(&k.changed, false);
    pthread_t t[16];
    int n = threads < 1 ? 1 : threads > 16 ? 16 : threads;
    int started = 0;
    while (started < n - 1 && pthread_create(&t[started], NULL, run, &k) == 0)
        started++;
    run(&k);
    for (int i = 0; i < started; i++)
        pthread_join(t[i], NULL);
    close(k.source_fd);
    close(k.dest_fd);
    return !atomic_load(&k.changed);
}
