/* ingest.h — the one door into gazette's collector (DESIGN.md "ingest").
 *
 * `gazette ingest` reads sources.yml, fetches every source in parallel,
 * turns each new item into one post under _posts/ and records what it has
 * seen in .gazette/ingest.db. The posts are the truth: the state can be
 * deleted and is rebuilt from their front matter.
 *
 * Ownership: an ingest_config owns everything it points to (one arena);
 * ingest_run_pass borrows the config and owns all memory of one pass. */
#ifndef INGEST_INGEST_H
#define INGEST_INGEST_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/arena.h"
#include "core/diag.h"
#include "core/time.h"

typedef enum ingest_type { INGEST_RSS, INGEST_ATOM, INGEST_JSONFEED, INGEST_JSON } ingest_type;

/* JSON Pointers (RFC 6901) into one item of a `type: json` source. */
typedef struct ingest_fields {
    const char *id, *title, *date, *body, *link, *source;
} ingest_fields;

typedef struct ingest_source {
    const char *name;
    ingest_type type;
    const char *url;
    const char *tag;  /* name + "新闻" unless configured */
    const char *slug; /* fixed category slug, or NULL for the pinyin of the name */
    const char *items;  /* JSON Pointer to the item array (json) */
    ingest_fields fields;
    const gz_tz *date_tz; /* zone of dates written without an offset */
    const char *detail_url;  /* template with {id}, or NULL */
    const char *detail_body; /* JSON Pointer into the detail document */
    const char **headers;    /* "Name: value" */
    size_t nheaders;
    long timeout_ms;
    int retries;
    size_t max_bytes;
    int line; /* of the entry in sources.yml, for messages */
} ingest_source;

typedef struct ingest_config {
    gz_arena *arena; /* owns everything below */
    const char *file;
    const char *site_dir;
    const char *posts_dir; /* a path (site_dir joined with posts_dir) */
    const gz_tz *tz;
    const char *layout;
    const char *category_page; /* pattern with {slug}, relative to site_dir, or NULL */
    const char *footer;        /* template with {link} {name} {slug} {tag}, or NULL */
    ingest_source *sources;
    size_t nsources;
} ingest_config;

/* Reads and checks `file` (sources.yml) of the site in `site_dir`. Returns
 * NULL with every problem, each with file:line, in `diags`. */
ingest_config *ingest_config_load(const char *site_dir, const char *file, gz_diags *diags);
void ingest_config_free(ingest_config *cfg);

/* "20s", "5m", "1h", "500ms", "1d" or a bare number of seconds, in ms;
 * -1 when not a duration. */
long long ingest_parse_duration(const char *s);

/* What one pass did; printed as the one-line summary. */
typedef struct ingest_summary {
    size_t sources_ok, sources_failed;
    size_t seen, added, updated, unchanged, duplicates, skipped;
    size_t skipped_invalid;  /* no id/title/date, unparseable date */
    size_t skipped_shrunk;   /* update refused: body empty or shorter by half */
    size_t skipped_detail;   /* detail request failed; retried next pass */
    size_t skipped_conflict; /* the file name is taken by a post gazette did not write */
} ingest_summary;

typedef struct ingest_options {
    /* Set (by a signal handler) to stop: transfers in flight are abandoned,
     * items already received are written, the pass ends cleanly. */
    const volatile sig_atomic_t *stop;
    bool quiet; /* no per-item warnings */
} ingest_options;

/* One pass over every source. Failures of single sources or items go to
 * stderr with the source's name and reason; returns false only when the
 * pass could not run at all (state unusable), with the reason in diags. */
bool ingest_run_pass(const ingest_config *cfg, const ingest_options *opt, ingest_summary *sum,
                     gz_diags *diags);

/* "ingest: sources 3 ok, 1 failed; items 120 seen, 7 new, ..." */
void ingest_summary_print(FILE *f, const ingest_summary *s);

#endif
