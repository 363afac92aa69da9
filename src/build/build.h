/* build.h — the one door into the build part: read a site, render every
 * output on worker threads into a staging folder beside the destination,
 * and only when everything succeeded move the changed files into place and
 * remove the ones that no longer belong to the site. A failed build leaves
 * the previous destination exactly as it was. */
#ifndef BUILD_BUILD_H
#define BUILD_BUILD_H

#include <stdbool.h>
#include <stdio.h>

#include "site/site.h"

typedef struct build_options {
    site_options site;
    int jobs;             /* worker threads; <= 0: the number of cores */
    bool quiet;           /* no summary line */
    bool verbose;         /* one line per written/removed file */
    bool progress;        /* progress on a terminal when the build takes > 1 s */
    const char *manifest; /* write "+ path" / "- path" lines here; NULL: none */
    const char *cache_dir; /* NULL: SOURCE/.gazette-cache */
    bool full;            /* render everything, whatever the cache says */
} build_options;

typedef struct build_stats {
    size_t documents; /* rendered */
    size_t written, unchanged, removed;
    size_t errors;
    double seconds;
} build_stats;

/* Runs a build; diagnostics and the summary go to `log`. Returns the
 * process exit status (0 ok, 1 failure). */
int build_run(const build_options *o, FILE *log, build_stats *stats);

#endif
