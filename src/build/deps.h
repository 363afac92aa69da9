/* deps.h — the dependency graph of one build: what each output's render
 * read (recorded while it renders, or carried over from the cache for an
 * output that needs no render), which outputs an earlier build's cache
 * says need rendering again, and the cache this build leaves behind. */
#ifndef BUILD_DEPS_H
#define BUILD_DEPS_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "build/cache.h"
#include "build/keymap.h"
#include "site/site.h"

/* What is known of output i of this build. */
typedef struct dep_output {
    bool known;     /* recorded or carried over */
    uint64_t hash;  /* of its bytes */
    int64_t size;   /* their number */
    uint32_t set;   /* shared atoms */
    uint32_t n;     /* own atoms */
    uint32_t *atoms;
} dep_output;

typedef struct dep_table {
    site *site;
    size_t noutputs;
    dep_output *outputs;
    bool *in_collection; /* per source: its atoms are an output's own */
    pthread_mutex_t lock; /* the two interning tables below */
    keymap names;         /* named queries; keys are malloc'd */
    keymap sets;          /* shared sets; keys are malloc'd atom arrays */
    keymap fp_names;      /* named queries answered so far (the plan's and the cache's) */
    uint64_t *fps;        /* ...their fingerprints, by id */
} dep_table;

void dep_table_init(dep_table *t, site *s);
void dep_table_free(dep_table *t);

/* One render's recording (a site_dep_fn's self). */
typedef struct dep_recorder {
    dep_table *table;
    uint32_t *atoms;
    size_t n, cap;
} dep_recorder;

void dep_record(void *self, site_dep dep);
/* Files what was recorded as output i's, with the hash and size of its
 * bytes, and empties the recorder for the next render. */
void dep_recorder_finish(dep_recorder *r, size_t output, uint64_t hash, int64_t size);
void dep_recorder_free(dep_recorder *r);

/* The outcome of comparing this build's site with an earlier cache. */
typedef struct dep_plan {
    bool *dirty;          /* per output: must be rendered */
    size_t ndirty;
    bool *had_hash;       /* per output: the cache knew its bytes at this path... */
    uint64_t *old_hash;   /* ...with this hash */
    bool *in_place;       /* ...and that file is still there, by its folder's status */
    const char **removed; /* earlier outputs that are no longer written (into the cache) */
    size_t nremoved;
} dep_plan;

/* Marks dirty every output whose recorded reads the site now answers
 * differently (or that is new), and carries the records of the others
 * into t. `old` must match this site's global fingerprint and dest;
 * `intact` tells which of its folders are as it left them
 * (build_folders_intact). */
void dep_plan_make(dep_table *t, const build_cache *old, const bool *intact, dep_plan *p);
void dep_plan_free(dep_plan *p);

/* Writes the cache of this build (every output known) to path: `global`
 * and `options` are the site's fingerprints. A file that changed within
 * SITE_RACY_NS of the load's start may have changed again after it was
 * read, unseen: such a cache does not serve the nothing-changed check. */
bool dep_table_write(dep_table *t, uint64_t global, uint64_t options, const char *path,
                     gz_buf *why);

#endif
