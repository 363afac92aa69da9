/* The build pipeline: load the site; with a cache from an earlier build,
 * find the outputs whose recorded reads changed; render those (or all) on
 * worker threads, recording what each reads, each compared with what the
 * destination holds and staged only when its bytes changed; then — only
 * if nothing failed — commit the staged files, remove what no longer
 * belongs to the site, write the cache, the manifest and the summary. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <xxhash.h>

#include "build/deps.h"
#include "build/internal.h"
#include "core/arena.h"

typedef struct job {
    site *site;
    const build_stage *stage;
    int dest_fd; /* an O_PATH descriptor of the destination (incremental builds), or -1 */
    size_t n;
    _Atomic size_t next;
    _Atomic size_t done;
    build_fate *fates;
    dep_table *deps;
    const dep_plan *plan; /* NULL: render everything */
} job;

typedef struct worker {
    job *job;
    gz_diags diags;
    size_t rendered;
    dep_recorder recorder;
    pthread_t thread;
    FILE *progress; /* the calling thread draws progress here, or NULL */
} worker;

static double now_s(void);

/* "N/M" on a terminal once the render has taken more than a second, at
 * most ten times a second; erased at the end. */
static void
draw_progress(worker *w, double t0, double *last, bool done)
{
    double t = now_s();
    if (!done && (t - t0 < 1.0 || t - *last < 0.1))
        return;
    if (done) {
        if (*last > 0)
            fputs("\r\033[K", w->progress);
    } else {
        fprintf(w->progress, "\rgazette: rendering %zu/%zu",
                atomic_load(&w->job->done), w->job->n);
        *last = t;
    }
    fflush(w->progress);
}

/* Whether the destination still holds output i, a file of `size` bytes at
 * rel: an output deleted (or cut) by hand since the last build is written
 * again. The plan knows it from the folder's status when that is as the
 * last build left it. */
static bool
dest_holds(const job *j, size_t i, const char *rel, int64_t size)
{
    return j->plan->in_place[i] || build_output_in_place(j->dest_fd, rel, size);
}

static void *
work(void *arg)
{
    worker *w = arg;
    job *j = w->job;
    gz_buf out = GZ_BUF_INIT;
    double t0 = w->progress ? now_s() : 0, last = 0;
    for (;;) {
        if (w->progress)
            draw_progress(w, t0, &last, false);
        size_t i = atomic_fetch_add(&j->next, 1);
        if (i >= j->n)
            break;
        site_output o = site_output_at(j->site, i);
        if (j->plan && !j->plan->dirty[i] &&
            dest_holds(j, i, o.dest_rel, j->deps->outputs[i].size)) {
            /* nothing it read has changed: its record was carried over */
            j->fates[i] = FATE_UNCHANGED;
            atomic_fetch_add(&j->done, 1);
            continue;
        }
        w->recorder.table = j->deps;
        if (o.static_src) {
            j->fates[i] = build_stage_copy(j->stage, i, o.dest_rel, o.static_src, &w->diags);
            size_t src = site_output_source(j->site, i);
            site_source_info info = site_source_at(j->site, src);
            dep_record(&w->recorder, (site_dep){ .kind = SITE_DEP_SOURCE, .source = src });
            dep_recorder_finish(&w->recorder, i, info.hash, info.size);
        } else {
            gz_buf_clear(&out);
            if (site_render_output_deps(j->site, i, &out, &w->diags, dep_record, &w->recorder)) {
                uint64_t hash = XXH3_64bits(out.data, out.len);
                dep_recorder_finish(&w->recorder, i, hash, (int64_t)out.len);
                if (j->plan && j->plan->had_hash[i] && j->plan->old_hash[i] == hash &&
                    dest_holds(j, i, o.dest_rel, (int64_t)out.len))
                    j->fates[i] = FATE_UNCHANGED; /* the same bytes as last time */
                else
                    j->fates[i] = build_stage_bytes(j->stage, i, o.dest_rel, gz_buf_str(&out),
                                                    &w->diags);
            } else {
                j->fates[i] = FATE_FAILED;
                w->recorder.n = 0;
            }
            w->rendered++;
            /* A very large output is not kept around for the next one. */
            if (out.cap > (8u << 20))
                gz_buf_free(&out);
        }
        atomic_fetch_add(&j->done, 1);
    }
    if (w->progress)
        draw_progress(w, t0, &last, true);
    gz_buf_free(&out);
    dep_recorder_free(&w->recorder);
    return NULL;
}

static double
now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
cmp_diag(const void *a, const void *b)
{
    const gz_diag *x = a, *y = b;
    int c = strcmp(x->file ? x->file : "", y->file ? y->file : "");
    if (c)
        return c;
    if (x->line != y->line)
        return x->line < y->line ? -1 : 1;
    return x->column < y->column ? -1 : x->column > y->column;
}

static void
print_diags(FILE *log, gz_diags *d)
{
    if (d->len > 1)
        qsort(d->items, d->len, sizeof *d->items, cmp_diag);
    for (size_t i = 0; i < d->len; i++) {
        fputs(d->items[i].severity == GZ_ERROR ? "error: " : "warning: ", log);
        gz_diag_print(log, &d->items[i], gz_str_n(NULL, 0));
    }
}

typedef struct removal {
    FILE *manifest;
    FILE *log;
    bool verbose;
} removal;

static void
on_removed(void *self, const char *rel)
{
    removal *r = self;
    if (r->manifest)
        fprintf(r->manifest, "- %s\n", rel);
    if (r->verbose)
        fprintf(r->log, "  removed %s\n", rel);
}

typedef struct hashed_path {
    uint64_t hash;
    const char *rel;
} hashed_path;

static int
cmp_hashed(const void *a, const void *b)
{
    const hashed_path *x = a, *y = b;
    return (x->hash > y->hash) - (x->hash < y->hash);
}

/* Whether no two outputs are written to the same path (else they must be
 * committed one by one, in order, the last one winning as in Jekyll).
 * The paths' hashes are sorted rather than the paths themselves: a
 * million of them sort in a tenth of the time. */
static bool
distinct_outputs(site *s, size_t n)
{
    hashed_path *v = gz_xmalloc((n + 1) * sizeof *v);
    for (size_t i = 0; i < n; i++) {
        const char *rel = site_output_at(s, i).dest_rel;
        v[i] = (hashed_path){ XXH3_64bits(rel, strlen(rel)), rel };
    }
    if (n > 1)
        qsort(v, n, sizeof *v, cmp_hashed);
    bool distinct = true;
    for (size_t i = 1; i < n && distinct; i++)
        for (size_t k = i; k-- > 0 && v[k].hash == v[i].hash && distinct;)
            distinct = strcmp(v[k].rel, v[i].rel) != 0;
    free(v);
    return distinct;
}

/* The path of a cache file: DIR/name, DIR from --cache or SOURCE/.gazette-cache
 * (created when missing, before the site is read: its appearance changes
 * the source folder). */
static void
cache_path(const build_options *o, const char *name, gz_buf *path)
{
    if (o->cache_dir) {
        gz_buf_puts(path, o->cache_dir);
    } else {
        char *src = site_source_dir(&o->site);
        gz_buf_printf(path, "%s/.gazette-cache", src);
        free(src);
    }
    mkdir(path->data, 0755);
    gz_buf_printf(path, "/%s", name);
}

static bool
cache_unusable(const char *path, gz_buf *why, gz_diags *d)
{
    if (why->len)
        gz_diags_add(d, GZ_WARNING, path, 0, 0, "the build cache is %s; building everything",
                     why->data);
    gz_buf_free(why);
    return false;
}

/* Opens the earlier build's cache unless told not to (its head only:
 * read_cache_rest reads the rest); says why it cannot be used when it
 * exists but is damaged. */
static bool
open_cache(const build_options *o, const char *path, build_cache *old, gz_diags *d)
{
    gz_buf why = GZ_BUF_INIT;
    if (o->full || !build_cache_open(old, path, &why))
        return cache_unusable(path, &why, d);
    return true;
}

static bool
read_cache_rest(const char *path, build_cache *old, gz_diags *d)
{
    gz_buf why = GZ_BUF_INIT;
    if (!build_cache_read_rest(old, &why))
        return cache_unusable(path, &why, d);
    return true;
}

/* Whether the earlier build's record can tell what to render now: the
 * same global fingerprint (config, layouts, includes, data) and destination. */
static bool
cache_serves(const build_cache *old, site *s, uint64_t global, bool distinct)
{
    struct stat st;
    return distinct && old->global == global && strcmp(old->dest, site_dest(s)) == 0 &&
           stat(site_dest(s), &st) == 0;
}

static int
thread_count(const build_options *o)
{
    int nw = o->jobs > 0 ? o->jobs : (int)sysconf(_SC_NPROCESSORS_ONLN);
    return nw < 1 ? 1 : nw > 256 ? 256 : nw;
}

/* Nothing to do: the summary and an empty manifest. */
static int
report_unchanged(const build_options *o, FILE *log, const build_cache *old, double t0,
                 build_stats *stats)
{
    build_stats st = { .unchanged = old->noutputs, .seconds = now_s() - t0 };
    int status = 0;
    if (o->manifest) {
        FILE *m = fopen(o->manifest, "w");
        if (!m || fclose(m) != 0) {
            fprintf(log, "error: %s: cannot write the manifest\n", o->manifest);
            status = 1;
        }
    }
    if (!o->quiet)
        fprintf(log,
                "gazette: 0 documents rendered, 0 files written, %zu unchanged, 0 removed "
                "in %.2f s -> %s (nothing changed)\n",
                st.unchanged, st.seconds, old->dest);
    if (stats)
        *stats = st;
    return status;
}

int
build_run(const build_options *o, FILE *log, build_stats *stats)
{
    double t0 = now_s();
    build_stats st = { 0 };
    gz_diags d = { 0 };
    int status = 1;
    build_stage stage = { 0 };
    worker *ws = NULL;
    int nw = thread_count(o);
    build_fate *fates = NULL;
    FILE *manifest = NULL;
    dep_table deps = { 0 };
    dep_plan plan = { 0 };
    build_cache old = { 0 };
    bool have_old, incremental = false;
    bool *intact = NULL; /* per folder of the old cache */
    int dest_fd = -1;
    gz_buf cpath = GZ_BUF_INIT, spath = GZ_BUF_INIT;
    site *s = NULL;

    cache_path(o, "build.cache", &cpath);
    have_old = open_cache(o, cpath.data, &old, &d);
    if (have_old)
        intact = build_folders_intact(&old, nw);
    /* The outputs' records (most of the cache) are only read when a
     * folder cannot vouch for them, or when something changed. */
    if (have_old && !build_folders_hold_all(&old, intact) &&
        !read_cache_rest(cpath.data, &old, &d))
        have_old = false;
    if (have_old && build_nothing_changed(&old, intact, &o->site, nw)) {
        print_diags(log, &d);
        status = report_unchanged(o, log, &old, t0, stats);
        build_cache_free(&old);
        free(intact);
        gz_buf_free(&cpath);
        gz_diags_free(&d);
        return status;
    }
    if (have_old && old.rest && !read_cache_rest(cpath.data, &old, &d))
        have_old = false;

    /* The posts' snapshot is read unless --full, and always written. */
    site_options so = o->site;
    cache_path(o, "posts.snapshot", &spath);
    build_remove_temporaries(cpath.data);
    build_remove_temporaries(spath.data);
    so.snapshot_read = o->full ? NULL : spath.data;
    so.snapshot_write = spath.data;
    s = site_load(&so, &d);
    if (!s || d.errors)
        goto fail;
    size_t n = site_output_count(s);
    bool distinct = distinct_outputs(s, n);
    uint64_t global = site_global_fingerprint(s);
    dep_table_init(&deps, s);
    incremental = have_old && cache_serves(&old, s, global, distinct);
    if (incremental) {
        dep_plan_make(&deps, &old, intact, &plan);
        dest_fd = open(site_dest(s), O_PATH | O_DIRECTORY | O_CLOEXEC);
    }
    if (!build_stage_open(&stage, site_dest(s), distinct, &d))
        goto fail;

    if ((size_t)nw > n && n > 0)
        nw = (int)n;
    fates = gz_xcalloc(n + 1, sizeof *fates);
    job j = { .site = s, .stage = &stage, .dest_fd = dest_fd, .n = n, .fates = fates,
              .deps = &deps, .plan = incremental ? &plan : NULL };
    atomic_init(&j.next, 0);
    atomic_init(&j.done, 0);
    ws = gz_xcalloc((size_t)nw + 1, sizeof *ws);
    for (int k = 0; k < nw; k++) {
        ws[k].job = &j;
        if (k > 0 && pthread_create(&ws[k].thread, NULL, work, &ws[k]) != 0)
            nw = k; /* run with the threads we have */
    }
    /* The calling thread works too, and draws the progress on a terminal. */
    if (o->progress && !o->quiet && isatty(fileno(log)))
        ws[0].progress = log;
    work(&ws[0]);
    for (int k = 1; k < nw; k++)
        pthread_join(ws[k].thread, NULL);
    for (int k = 0; k < nw; k++) {
        st.documents += ws[k].rendered;
        for (size_t i = 0; i < ws[k].diags.len; i++) {
            gz_diag *x = &ws[k].diags.items[i];
            gz_diags_add(&d, x->severity, x->file, x->line, x->column, "%s", x->message);
        }
        gz_diags_free(&ws[k].diags);
    }
    if (d.errors)
        goto fail;

    /* Commit: every render succeeded. */
    if (o->manifest) {
        manifest = fopen(o->manifest, "w");
        if (!manifest) {
            gz_diags_add(&d, GZ_ERROR, o->manifest, 0, 0, "cannot write the manifest");
            goto fail;
        }
    }
    /* From the first change to the destination until the new cache is in
     * place, no cache describes it: a build killed meanwhile is followed
     * by a full one. */
    size_t staged = 0;
    for (size_t i = 0; i < n; i++)
        staged += fates[i] == FATE_STAGED;
    if ((staged || (incremental && plan.nremoved)) && unlink(cpath.data) != 0 && errno != ENOENT) {
        gz_diags_add(&d, GZ_ERROR, cpath.data, 0, 0, "cannot remove the old build cache: %s",
                     strerror(errno));
        goto fail;
    }
    const char **rels = gz_xmalloc((n + 1) * sizeof *rels);
    if (stage.fresh && !build_commit_fresh(&stage, &d)) {
        free(rels);
        goto fail;
    }
    for (size_t i = 0; i < n; i++) {
        site_output out = site_output_at(s, i);
        rels[i] = out.dest_rel;
        if (fates[i] == FATE_STAGED) {
            if (!stage.fresh && !build_commit_one(&stage, i, out.dest_rel, &d))
                continue;
            st.written++;
            if (manifest)
                fprintf(manifest, "+ %s\n", out.dest_rel);
            if (o->verbose)
                fprintf(log, "  written %s\n", out.dest_rel);
        } else
            st.unchanged++;
    }
    const char *keep[64];
    size_t nkeep = site_keep_count(s);
    for (size_t i = 0; i < nkeep && i < 64; i++)
        keep[i] = site_keep_at(s, i);
    removal rm = { .manifest = manifest, .log = log, .verbose = o->verbose };
    if (incremental)
        st.removed = build_remove(site_dest(s), plan.removed, plan.nremoved, keep, nkeep,
                                  on_removed, &rm);
    else if (!stage.fresh)
        st.removed = build_clean(site_dest(s), rels, n, keep, nkeep, on_removed, &rm);
    free(rels);
    gz_buf why = GZ_BUF_INIT;
    if (!dep_table_write(&deps, global, site_options_fingerprint(&o->site), cpath.data, &why))
        gz_diags_add(&d, GZ_WARNING, cpath.data, 0, 0, "no build cache written: %s", why.data);
    gz_buf_free(&why);
    if (manifest && fclose(manifest) != 0)
        gz_diags_add(&d, GZ_ERROR, o->manifest, 0, 0, "cannot write the manifest");
    manifest = NULL;
    status = d.errors ? 1 : 0;
    st.seconds = now_s() - t0;
    print_diags(log, &d);
    if (!o->quiet)
        fprintf(log,
                "gazette: %zu documents rendered, %zu files written, %zu unchanged, %zu removed "
                "in %.2f s -> %s\n",
                st.documents, st.written, st.unchanged, st.removed, st.seconds, site_dest(s));
    goto done;

fail:
    st.seconds = now_s() - t0;
    print_diags(log, &d);
    fprintf(log, "gazette: build failed with %zu error%s; %s left as it was\n", d.errors,
            d.errors == 1 ? "" : "s", s ? site_dest(s) : "the destination");
    status = 1;
done:
    st.errors = d.errors;
    if (manifest)
        fclose(manifest);
    build_stage_discard(&stage);
    build_stage_close(&stage);
    if (dest_fd >= 0)
        close(dest_fd);
    free(ws);
    free(fates);
    gz_diags_free(&d);
    dep_plan_free(&plan);
    build_cache_free(&old);
    free(intact);
    if (deps.site)
        dep_table_free(&deps);
    gz_buf_free(&cpath);
    gz_buf_free(&spath);
    site_free(s);
    if (stats)
        *stats = st;
    return status;
}
