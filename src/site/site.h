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
    /* The posts' snapshot (see "Reusing the last load's posts" below):
     * the file to take posts from, when it can be used, and the file to
     * write after reading them; NULL: none. */
    const char *snapshot_read, *snapshot_write;
} site_options;

/* The initializers of options that leave future, drafts, unpublished and
 * limit_posts to the config: site_options o = { SITE_OPTIONS_FROM_CONFIG, ... }. */
#define SITE_OPTIONS_FROM_CONFIG .future = -1, .drafts = -1, .unpublished = -1, .limit_posts = -1

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

/* ---- Reusing the last load's posts --------------------------------------
 *
 * Reading posts (files, front matter, defaults, dates, URLs) is most of a
 * load. With options.snapshot_write, the load saves every post's model
 * with the status of its file; a later load given that file as
 * options.snapshot_read, under the same config, options and time zone,
 * takes each post whose file has the same size, mtime, ctime and inode
 * from it instead of reading the file. The result is the same model: a
 * post is only saved when its file had not changed for a clock tick
 * before the load, and a snapshot that is damaged or was made under
 * another config is ignored (damage with a warning). */

/* ---- What each output depends on (for incremental builds) ---------------
 *
 * Every file or generated page the model holds is a "source", numbered
 * 0..site_source_count()-1 for this load; two loads match their sources
 * by key. A render can report what it read as dependencies: a source as a
 * whole (its file, hence everything derived from it), its neighbour in its
 * collection (page.previous / page.next), its rendered content (read by
 * another render), or a named query of the site ("posts",
 * "categories:NAME", "file:PATH", ...) whose fingerprint changes when the
 * answer would. Everything else a render can see — config, layouts,
 * includes, data files — is covered by the global fingerprint. */
typedef struct site_source_info {
    const char *key;       /* relative path (unique within one load) */
    uint64_t hash;         /* of the file's bytes (static files: of size and mtime) */
    int64_t size, mtime_ns;
    size_t prev, next;     /* neighbours in the collection; SIZE_MAX: none */
    size_t output;         /* the output it renders to; SIZE_MAX: none */
    bool in_collection;    /* a post or collection document */
} site_source_info;

size_t site_source_count(const site *s);
site_source_info site_source_at(const site *s, size_t i);
/* The source output i is made from. */
size_t site_output_source(const site *s, size_t i);

typedef enum site_dep_kind {
    SITE_DEP_SOURCE,  /* the source itself */
    SITE_DEP_PREV,    /* which source is its previous neighbour */
    SITE_DEP_NEXT,    /* which source is its next neighbour */
    SITE_DEP_CONTENT, /* its rendered content or excerpt */
    SITE_DEP_NAMED,   /* a query of the site, by name */
} site_dep_kind;

typedef struct site_dep {
    site_dep_kind kind;
    size_t source; /* all kinds but SITE_DEP_NAMED */
    gz_str name;   /* SITE_DEP_NAMED; valid during the call only */
} site_dep;

typedef void (*site_dep_fn)(void *self, site_dep dep);

/* site_render_output, reporting every dependency to fn (called on the
 * rendering thread, possibly many times for the same dependency). */
bool site_render_output_deps(site *s, size_t i, gz_buf *out, gz_diags *diags, site_dep_fn fn,
                             void *self);

/* ---- Knowing without loading that nothing changed ------------------------
 *
 * Every file and folder a load looked at, with its status at that moment
 * (a folder also with a hash of its entries' names): when all of them
 * still have that status, a new load would read the same site. The
 * change time is kept too: a write that restores the old mtime (touch -d,
 * a copy with -p) still moves it. */
typedef struct site_watched {
    const char *path;  /* relative to the source when below it, else absolute */
    bool dir;
    int64_t size, mtime_ns, ctime_ns;
    uint64_t ino;
    uint64_t names;    /* folders: site_dir_names_hash of its entries */
} site_watched;

size_t site_watched_count(const site *s);
site_watched site_watched_at(const site *s, size_t i);
/* When the load began (CLOCK_REALTIME, ns). A file whose mtime or ctime
 * is later than that minus SITE_RACY_NS may have changed again, within
 * the file system's clock tick, after the load read it: its status does
 * not prove it unchanged. */
int64_t site_load_started(const site *s);
/* Coarser than any file system clock tick we know of. */
#define SITE_RACY_NS 50000000
/* When a post left out for being in the future would come in (seconds
 * since the epoch; INT64_MAX: never). */
int64_t site_valid_until(const site *s);
/* The folder's entries, hashed as a load sees them (leaving out the
 * build's own staging folders, its cache and `dest`); false if it
 * cannot be read. */
bool site_dir_names_hash(const char *dir, const char *dest, uint64_t *hash);
/* The source folder the options name, absolute (malloc'd). */
char *site_source_dir(const site_options *o);
/* A fingerprint of the options and environment a load depends on, other
 * than files. */
uint64_t site_options_fingerprint(const site_options *o);

/* The current answer's fingerprint of a named query; an unknown name
 * gets a fingerprint that matches nothing. Thread-safe. */
uint64_t site_named_fingerprint(site *s, gz_str name);
/* One fingerprint for everything every render may see: the merged config
 * and options, layouts, includes, data files, the environment. */
uint64_t site_global_fingerprint(site *s);

#endif
