/* site.h — the one door into the site part: a Jekyll source tree read
 * into a model (config, documents, layouts, indexes) and rendered one
 * output at a time, from many threads at once.
 *
 * Ownership: site_load returns a site the caller frees with site_free.
 * Everything the model holds lives in the site's arena and is immutable
 * after site_load returns, except the per-document caches of rendered
 * content, which are published atomically. site_render_output may be
 * called concurrently for different (or the same) outputs. */
#ifndef SITE_SITE_H
#define SITE_SITE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/diag.h"

typedef struct site site;

typedef struct site_options {
    const char *source;          /* default "." */
    const char *dest;            /* default: config "destination" or SOURCE/_site */
    const char *const *configs;  /* --config files, in order; NULL = _config.yml */
    size_t nconfigs;
    int future;      /* -1: from config; 0/1 override */
    int drafts;      /* -1: from config (show_drafts) */
    int unpublished; /* -1: from config */
    long limit_posts; /* -1: from config */
    /* The clock for site.time and for "future" (seconds since the epoch);
     * 0 = now. Tests pin it. */
    int64_t now;
} site_options;

/* Reads config and the source tree. Returns NULL when nothing sensible
 * can be built (unreadable config); per-document errors are added to
 * diags and the site is still returned so that every error is reported. */
site *site_load(const site_options *opts, gz_diags *diags);
void site_free(site *s);

const char *site_source(const site *s);
const char *site_dest(const site *s);
/* keep_files from the config (paths relative to the destination). */
size_t site_keep_count(const site *s);
const char *site_keep_at(const site *s, size_t i);

/* One file of the finished site. */
typedef struct site_output {
    const char *dest_rel;   /* path relative to the destination, unescaped */
    const char *static_src; /* absolute source path for a static file; NULL for rendered */
    const char *what;       /* relative source path, for messages */
} site_output;

size_t site_output_count(const site *s);
site_output site_output_at(const site *s, size_t i);
/* Renders output i (not a static file) into `out`. Returns false and adds
 * located diagnostics on error. Thread-safe. */
bool site_render_output(site *s, size_t i, gz_buf *out, gz_diags *diags);

/* Counts for the summary line. */
size_t site_document_count(const site *s);

#endif
