/* The folders of the destination that hold outputs: their status (inode,
 * modification and change times) recorded after a build, and compared by
 * the next one. Creating, removing or renaming an entry changes its
 * folder's times, so a folder found as it was still holds every file the
 * last build left in it: one stat per folder instead of one per output
 * (45,000 instead of a million for the large archive). A file rewritten
 * in place by hand is not noticed; one deleted, replaced or added is.
 *
 * A folder changed within SITE_RACY_NS of the recording is not recorded:
 * a change right after it could carry the same time (file system clocks
 * are coarse), and its outputs are checked one by one. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "build/internal.h"
#include "build/keymap.h"
#include "core/arena.h"
#include "core/time.h"
#include "site/site.h"

static size_t
folder_len(const char *rel)
{
    const char *slash = strrchr(rel, '/');
    return slash ? (size_t)(slash - rel) : 0;
}

void
build_folders_record(build_cache *c)
{
    c->folders = NULL;
    c->nfolders = 0;
    c->folder_names = NULL;
    int dest_fd = open(c->dest, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (dest_fd < 0) {
        for (uint32_t i = 0; i < c->noutputs; i++)
            c->outputs[i].folder = CACHE_NONE;
        return;
    }
    /* Outputs come grouped by folder more often than not: the last
     * folder's id is tried before the map. */
    keymap map = { 0 };
    uint32_t last = UINT32_MAX;
    const char *last_p = NULL;
    size_t last_len = 0;
    for (uint32_t i = 0; i < c->noutputs; i++) {
        const char *rel = c->outputs[i].dest_rel;
        size_t len = folder_len(rel);
        if (last == UINT32_MAX || len != last_len || memcmp(rel, last_p, len) != 0) {
            last = keymap_intern(&map, rel, len, NULL);
            last_p = rel;
            last_len = len;
        }
        c->outputs[i].folder = last;
    }

    gz_buf names = GZ_BUF_INIT;
    size_t *offset = gz_xmalloc((map.n + 1) * sizeof *offset);
    uint32_t *id = gz_xmalloc((map.n + 1) * sizeof *id); /* map id -> recorded index */
    c->folders = gz_xcalloc(map.n + 1, sizeof *c->folders);
    int64_t racy = gz_realtime_ns() - SITE_RACY_NS;
    for (size_t k = 0; k < map.n; k++) {
        const keymap_key *key = &map.keys[k];
        offset[c->nfolders] = names.len;
        gz_buf_put(&names, key->p, key->len);
        gz_buf_putc(&names, '\0');
        struct stat st;
        id[k] = CACHE_NONE;
        bool settled =
            fstatat(dest_fd, key->len ? names.data + offset[c->nfolders] : ".", &st, 0) == 0 &&
            S_ISDIR(st.st_mode) && gz_timespec_ns(st.st_mtim) < racy &&
            gz_timespec_ns(st.st_ctim) < racy;
        if (!settled) {
            gz_buf_truncate(&names, offset[c->nfolders]); /* not recorded: nor its name */
            continue;
        }
        c->folders[c->nfolders] = (cache_folder){ NULL, (uint64_t)st.st_ino,
                                                  gz_timespec_ns(st.st_mtim),
                                                  gz_timespec_ns(st.st_ctim) };
        id[k] = c->nfolders++;
    }
    c->folder_names = gz_buf_detach(&names, NULL);
    for (uint32_t f = 0; f < c->nfolders; f++)
        c->folders[f].rel = c->folder_names + offset[f];
    for (uint32_t i = 0; i < c->noutputs; i++)
        c->outputs[i].folder = id[c->outputs[i].folder];
    free(offset);
    free(id);
    keymap_free(&map);
    close(dest_fd);
}

bool
build_output_in_place(int dest_fd, const char *rel, int64_t size)
{
    struct stat st;
    return fstatat(dest_fd, rel, &st, 0) == 0 && S_ISREG(st.st_mode) &&
           (int64_t)st.st_size == size;
}

typedef struct check {
    const build_cache *c;
    int dest_fd;
    bool *intact;
} check;

static bool
check_one(void *ctx, size_t f)
{
    check *k = ctx;
    const cache_folder *w = &k->c->folders[f];
    struct stat st;
    k->intact[f] = fstatat(k->dest_fd, w->rel[0] ? w->rel : ".", &st, 0) == 0 &&
                   S_ISDIR(st.st_mode) && (uint64_t)st.st_ino == w->ino &&
                   gz_timespec_ns(st.st_mtim) == w->mtime_ns &&
                   gz_timespec_ns(st.st_ctim) == w->ctime_ns;
    return true;
}

bool
build_folders_hold_all(const build_cache *c, const bool *intact)
{
    if (c->unfoldered)
        return false;
    for (uint32_t f = 0; f < c->nfolders; f++)
        if (!intact[f])
            return false;
    return true;
}

bool *
build_folders_intact(const build_cache *c, int threads)
{
    check k = { .c = c, .intact = gz_xcalloc((size_t)c->nfolders + 1, sizeof *k.intact) };
    k.dest_fd = open(c->dest, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (k.dest_fd < 0)
        return k.intact; /* none intact */
    build_for_all(c->nfolders, threads, check_one, &k);
    close(k.dest_fd);
    return k.intact;
}
