/* Internal to the build part. */
#ifndef BUILD_INTERNAL_H
#define BUILD_INTERNAL_H

#include <stdatomic.h>

#include "build/build.h"
#include "build/cache.h"
#include "core/buf.h"
#include "core/diag.h"

/* What became of one output during the render phase. */
typedef enum build_fate {
    FATE_PENDING = 0,
    FATE_UNCHANGED, /* bytes equal to what the destination holds */
    FATE_STAGED,    /* new bytes in the staging folder, to be renamed */
    FATE_FAILED,
} build_fate;

/* The staging area: a folder beside the destination, on the same file
 * system, so that commit is a series of renames. */
typedef struct build_stage {
    char *dir;  /* "<parent>/.<name>.gazette-staging-<pid>" */
    char *dest; /* the destination, absolute */
    /* The destination does not exist or is empty: outputs are staged at
     * their final paths and the whole folder is renamed into place. */
    bool fresh;
    int dir_fd; /* an O_PATH descriptor of dir, which files are created relative to */
} build_stage;

/* Opens the staging folder; `fresh_ok` allows the fresh layout (no two
 * outputs share a path). */
bool build_stage_open(build_stage *st, const char *dest, bool fresh_ok, gz_diags *d);
/* Removes the staging folder and everything in it. */
void build_stage_discard(build_stage *st);
/* Frees what build_stage_open made (after a commit or a discard). */
void build_stage_close(build_stage *st);
/* Path of output i's staged bytes. */
void build_stage_path(const build_stage *st, size_t i, gz_buf *path);

/* Compares `bytes` with dest/rel; stages them (as file i) when they
 * differ. Returns the fate, or FATE_FAILED with a diagnostic. */
build_fate build_stage_bytes(const build_stage *st, size_t i, const char *rel, gz_str bytes,
                             gz_diags *d);
/* The same for a static file copied from `src` (mtime preserved). */
build_fate build_stage_copy(const build_stage *st, size_t i, const char *rel, const char *src,
                            gz_diags *d);

/* Moves staged file i to dest/rel, creating directories and replacing a
 * file or folder in the way. */
bool build_commit_one(const build_stage *st, size_t i, const char *rel, gz_diags *d);
/* A fresh stage: the staging folder becomes the destination (one rename). */
bool build_commit_fresh(build_stage *st, gz_diags *d);

/* Removes from the destination every file and folder that is neither an
 * output, a parent of one, nor kept (keep_files). Calls `removed` for each
 * file removed. */
typedef void (*build_removed_fn)(void *self, const char *rel);
size_t build_clean(const char *dest, const char *const *outputs, size_t noutputs,
                   const char *const *keep, size_t nkeep, build_removed_fn removed, void *self);

/* Removes the entries of dir named PREFIX<pid> whose process is gone:
 * what builds killed midway left (staging folders, cache temporaries). */
void build_remove_orphans(const char *dir, const char *prefix);
/* The same for the temporaries of the sealed file at path (PATH.tmp-<pid>). */
void build_remove_temporaries(const char *path);

/* Calls each(ctx, i) for every i in [0, n) on up to `threads` threads;
 * stops early when a call returns false, and then returns false. */
bool build_for_all(size_t n, int threads, bool (*each)(void *ctx, size_t i), void *ctx);

/* Records in c the status of the destination's folders that hold its
 * outputs, and each output's folder (build/folders.c). */
void build_folders_record(build_cache *c);
/* Per folder of c (malloc'd, for free()): whether it is as c's build left
 * it, so that the outputs it held are still there. */
bool *build_folders_intact(const build_cache *c, int threads);
/* Whether every output of c is vouched for by an intact folder (then
 * the outputs themselves need not be read from the cache, nor looked at). */
bool build_folders_hold_all(const build_cache *c, const bool *intact);
/* Where a folder cannot tell: whether dest (an O_PATH descriptor) holds a
 * file of `size` bytes at rel. */
bool build_output_in_place(int dest_fd, const char *rel, int64_t size);

/* Whether every file and folder the cache's build looked at is as it was,
 * every output still in place (`intact`: build_folders_intact; c's
 * outputs must have been read unless build_folders_hold_all) and the
 * options and the clock still give the same site: then a build has
 * nothing to do. Stats on `threads` threads. */
bool build_nothing_changed(const build_cache *c, const bool *intact, const site_options *o,
                           int threads);

/* Removes the files at rels (earlier outputs), and the folders that
 * leaves empty, unless kept. Calls `removed` for each file removed. */
size_t build_remove(const char *dest, const char *const *rels, size_t nrels,
                    const char *const *keep, size_t nkeep, build_removed_fn removed, void *self);

#endif
