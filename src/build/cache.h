/* cache.h — the incremental build cache: for every source the last build
 * read, its fingerprint; for every output it wrote, its hash and what its
 * render read (its dependencies). One file, written whole to a temporary
 * name and renamed into place; checked end to end when read, so a cache
 * cut short or damaged is noticed and ignored.
 *
 * A dependency ("atom") is a uint32: a source atom is source * 4 + kind
 * (kind: SITE_DEP_SOURCE, _PREV, _NEXT or _CONTENT); a named atom has the
 * top bit set and indexes the named queries. Each output's atoms are split
 * into a shared set (interned: most outputs read the same pages and
 * queries) and its own list (the collection documents it read). */
#ifndef BUILD_CACHE_H
#define BUILD_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/sealed.h"

#define CACHE_NAMED 0x80000000u
#define CACHE_NONE 0xffffffffu
/* Sources are numbered below this so that their atoms fit in 31 bits. */
#define CACHE_MAX_SOURCES (1u << 29)

typedef struct cache_source {
    const char *key;
    uint64_t hash;
    int64_t size, mtime_ns;
    uint32_t prev, next, output; /* CACHE_NONE: none */
} cache_source;

typedef struct cache_output {
    const char *dest_rel;
    uint32_t source;
    uint64_t hash;  /* of the bytes written */
    int64_t size;   /* their number */
    uint32_t set;   /* shared atoms: an index into the sets */
    uint32_t n;     /* own atoms */
    const uint32_t *atoms;
    uint32_t folder; /* its folder's recorded status, or CACHE_NONE */
} cache_output;

typedef struct cache_named {
    const char *name;
    uint64_t fingerprint;
} cache_named;

typedef struct cache_set {
    uint32_t n;
    const uint32_t *atoms;
} cache_set;

/* A file or folder the site's load looked at (site_watched). */
typedef struct cache_watched {
    const char *path; /* relative to the cache's source, or absolute */
    uint32_t dir;
    int64_t size, mtime_ns, ctime_ns;
    uint64_t ino, names;
} cache_watched;

/* A folder of the destination as the build left it (build/folders.c). */
typedef struct cache_folder {
    const char *rel; /* "" for the destination itself */
    uint64_t ino;
    int64_t mtime_ns, ctime_ns;
} cache_folder;

/* A cache read from disk, or one being assembled for writing. Read: every
 * pointer points into the mapped `file`. */
typedef struct build_cache {
    gz_sealed_file file;
    const char *source; /* absolute */
    const char *dest;
    uint64_t global;
    uint64_t options;     /* site_options_fingerprint */
    int64_t valid_until;  /* site_valid_until */
    uint32_t fast;        /* the watched list alone can tell that nothing changed */
    cache_watched *watched;
    uint32_t nwatched;
    cache_source *sources;
    uint32_t nsources;
    cache_named *named;
    uint32_t nnamed;
    cache_set *sets;
    uint32_t nsets;
    cache_folder *folders;
    uint32_t nfolders;
    char *folder_names; /* being written: the folders' names, owned */
    cache_output *outputs;
    uint32_t noutputs;
    uint32_t unfoldered;  /* outputs whose folder is not recorded */
    const char *rest;     /* being read: where the rest starts, until it is read */
} build_cache;

/* Reads the cache at path. Returns false with `why` empty when there is
 * none, or with `why` saying what is wrong with it (and c freed). */
bool build_cache_read(build_cache *c, const char *path, gz_buf *why);
/* The same in two steps: the whole file is checked, but only its head is
 * read (up to the folders: what tells that nothing changed), ... */
bool build_cache_open(build_cache *c, const char *path, gz_buf *why);
/* ... and then the rest (sources, named queries, sets, outputs). */
bool build_cache_read_rest(build_cache *c, gz_buf *why);
/* Frees what build_cache_read allocated. */
void build_cache_free(build_cache *c);
/* Writes c to path (through path.tmp-PID, renamed). On failure
 * returns false with `why` set and leaves no file at path. */
bool build_cache_write(const build_cache *c, const char *path, gz_buf *why);

#endif
