/* The quick answer to "has anything changed since the last build?": stat
 * every file and folder the last build's load looked at, on a few
 * threads, without loading the site; and check that every output is still
 * in place (a file deleted from the destination must be written again):
 * by its folder's status (build/folders.c), or by a stat of its own when
 * its folder changed or was not recorded. A source folder whose time
 * changed is listed again and passes when its entries are the same names
 * (the build's own staging folder, made beside the destination, touches
 * the source folder when the destination is inside it). */
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "build/internal.h"
#include "core/time.h"

typedef struct check {
    const build_cache *cache;
    const bool *intact; /* per output folder */
    int source_fd, dest_fd; /* paths are looked up from these: fewer components */
} check;

static bool
watched_same(const check *k, const cache_watched *w)
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
    gz_buf abs = GZ_BUF_INIT;
    const char *path = w->path;
    if (path[0] != '/') {
        gz_buf_printf(&abs, "%s/%s", c->source, path);
        path = abs.data;
    }
    uint64_t names;
    bool same = site_dir_names_hash(path, c->dest, &names) && names == w->names;
    gz_buf_free(&abs);
    return same;
}

static bool
output_in_place(const check *k, const cache_output *o)
{
    return (o->folder != CACHE_NONE && k->intact[o->folder]) ||
           build_output_in_place(k->dest_fd, o->dest_rel, o->size);
}

/* Item i of one range: the watched entries, then the outputs. */
static bool
unchanged(void *ctx, size_t i)
{
    const check *k = ctx;
    const build_cache *c = k->cache;
    return i < c->nwatched ? watched_same(k, &c->watched[i])
                           : output_in_place(k, &c->outputs[i - c->nwatched]);
}

bool
build_nothing_changed(const build_cache *c, const bool *intact, const site_options *o,
                      int threads)
{
    if (!c->fast || c->options != site_options_fingerprint(o) || time(NULL) >= c->valid_until)
        return false;
    check k = { .cache = c, .intact = intact };
    k.source_fd = open(c->source, O_PATH | O_DIRECTORY | O_CLOEXEC);
    k.dest_fd = open(c->dest, O_PATH | O_DIRECTORY | O_CLOEXEC);
    size_t outputs = build_folders_hold_all(c, intact) ? 0 : c->noutputs;
    bool same = k.source_fd >= 0 && k.dest_fd >= 0 &&
                build_for_all((size_t)c->nwatched + outputs, threads, unchanged, &k);
    if (k.source_fd >= 0)
        close(k.source_fd);
    if (k.dest_fd >= 0)
        close(k.dest_fd);
    return same;
}
