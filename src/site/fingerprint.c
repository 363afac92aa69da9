/* Fingerprints for incremental builds: the sources of a loaded site with
 * unique keys and content hashes, the answers of named queries, and one
 * global fingerprint of everything every render may see. Two loads of the
 * same tree give the same fingerprints; any change a render could observe
 * changes one of them. */
#include <dirent.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <xxhash.h>

#include "site/internal.h"

/* Bump when what the fingerprints cover changes meaning. */
#define FINGERPRINT_VERSION "gazette fingerprints 1"

void
site_doc_fingerprint(site_doc *doc, gz_str bytes, const struct stat *st)
{
    doc->size = (int64_t)st->st_size;
    doc->mtime_ns = gz_timespec_ns(st->st_mtim);
    doc->ctime_ns = gz_timespec_ns(st->st_ctim);
    doc->ino = (uint64_t)st->st_ino;
    if (bytes.p) {
        doc->hash = XXH3_64bits(bytes.p, bytes.len);
    } else {
        int64_t both[2] = { doc->size, doc->mtime_ns };
        doc->hash = XXH3_64bits(both, sizeof both);
    }
}

static void
add_source(site *s, size_t *cap, site_doc *d)
{
    if (s->nsources == *cap) {
        *cap = *cap ? *cap * 2 : 256;
        s->sources = gz_xrealloc(s->sources, *cap * sizeof *s->sources);
    }
    d->source = s->nsources;
    d->output = SIZE_MAX;
    s->sources[s->nsources++] = d;
}

void
site_sources_init(site *s)
{
    size_t cap = 0;
    for (size_t i = 0; i < s->npages; i++)
        add_source(s, &cap, s->pages[i]);
    for (size_t i = 0; i < s->nstatics; i++)
        add_source(s, &cap, s->statics[i]);
    for (size_t c = 0; c < s->ncolls; c++) {
        for (size_t i = 0; i < s->colls[c]->ndocs; i++)
            add_source(s, &cap, s->colls[c]->docs[i]);
        for (size_t i = 0; i < s->colls[c]->nfiles; i++)
            add_source(s, &cap, s->colls[c]->files[i]);
    }
    for (size_t i = 0; i < s->noutputs; i++)
        s->outputs[i]->output = i;

    /* Keys are relative paths; generated pages have paths of their own.
     * Should two sources share one anyway, the later ones get a suffix. */
    s->source_keys = gz_xmalloc((s->nsources + 1) * sizeof *s->source_keys);
    gz_hash *seen = gz_hash_new(s->arena, s->nsources);
    for (size_t i = 0; i < s->nsources; i++) {
        site_doc *d = s->sources[i];
        const char *key = d->relpath;
        if (gz_hash_get(seen, gz_str_c(key))) {
            gz_buf b = GZ_BUF_INIT;
            for (int n = 2; !b.len || gz_hash_get(seen, gz_buf_str(&b)); n++) {
                gz_buf_clear(&b);
                gz_buf_printf(&b, "%s\x01%d", d->relpath, n);
            }
            key = gz_arena_strndup(s->arena, b.data, b.len);
            gz_buf_free(&b);
        }
        gz_hash_set(s->arena, seen, gz_str_c(key), gz_nil());
        s->source_keys[i] = key;
        if (d->inline_body || d->listing) {
            /* a generated page: its template, which page of a pager it is,
             * and (jekyll-paginate-v2) which documents its paginator lists */
            XXH3_state_t *h = XXH3_createState();
            XXH3_64bits_reset(h);
            XXH3_64bits_update(h, &d->hash, sizeof d->hash); /* its file's, if any */
            if (d->inline_body)
                XXH3_64bits_update(h, d->inline_body, strlen(d->inline_body));
            long pos[3] = { d->page_num, d->page_total, d->page_per };
            XXH3_64bits_update(h, pos, sizeof pos);
            if (d->listing) {
                uint64_t lf = site_listing_fingerprint(d);
                XXH3_64bits_update(h, &lf, sizeof lf);
            }
            d->hash = XXH3_64bits_digest(h);
            XXH3_freeState(h);
        }
    }
}

size_t
site_source_count(const site *s)
{
    return s->nsources;
}

site_source_info
site_source_at(const site *s, size_t i)
{
    const site_doc *d = s->sources[i];
    site_source_info x = {
        .key = s->source_keys[i],
        .hash = d->hash,
        .size = d->size,
        .mtime_ns = d->mtime_ns,
        .prev = SIZE_MAX,
        .next = SIZE_MAX,
        .output = d->output,
        .in_collection = d->kind == SITE_POST || d->kind == SITE_DOC,
    };
    const site_coll *c = d->coll;
    if (x.in_collection && c && d->index < c->ndocs && c->docs[d->index] == d) {
        if (d->index > 0)
            x.prev = c->docs[d->index - 1]->source;
        if (d->index + 1 < c->ndocs)
            x.next = c->docs[d->index + 1]->source;
    }
    return x;
}

size_t
site_output_source(const site *s, size_t i)
{
    return s->outputs[i]->source;
}

/* ---- what the load looked at ---------------------------------------------------------- */

/* Entries the build itself makes beside or inside the source. */
static bool
own_entry(const char *dir, const char *name, const char *dest)
{
    if (strstr(name, ".gazette-staging-") || !strcmp(name, ".gazette-cache"))
        return true;
    const char *sl = dest ? strrchr(dest, '/') : NULL;
    if (!sl || strcmp(sl + 1, name) != 0)
        return false;
    size_t n = (size_t)(sl - dest);
    return strlen(dir) == n && !strncmp(dir, dest, n);
}

/* Order-free, so that nobody needs to sort a folder of a million names. */
static uint64_t
names_hash(const char *dir, char *const *names, size_t n, const char *dest)
{
    uint64_t sum = 0, count = 0;
    for (size_t i = 0; i < n; i++)
        if (!own_entry(dir, names[i], dest)) {
            sum += XXH3_64bits(names[i], strlen(names[i]));
            count++;
        }
    return sum ^ (count * 0x9E3779B97F4A7C15u);
}

void
site_watched_push(site_watched_list *l, site_watched w)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 256;
        l->v = gz_xrealloc(l->v, l->cap * sizeof *l->v);
    }
    l->v[l->n++] = w;
}

static site_watched
watched(const char *path, const struct stat *st)
{
    return (site_watched){
        .path = path,
        .dir = S_ISDIR(st->st_mode),
        .size = S_ISDIR(st->st_mode) ? 0 : (int64_t)st->st_size,
        .mtime_ns = gz_timespec_ns(st->st_mtim),
        .ctime_ns = gz_timespec_ns(st->st_ctim),
        .ino = (uint64_t)st->st_ino,
    };
}

static void
push_watched(site *s, site_watched w)
{
    site_reader *r = site_current_reader();
    site_watched_push(r ? &r->watched : &s->watched, w);
}

void
site_watch(site *s, const char *path, const struct stat *st, char *const *names, size_t n)
{
    const char *rel = path; /* below the source: relative, half the size */
    size_t srclen = s->source ? strlen(s->source) : 0; /* unknown while config is read */
    if (srclen && !strncmp(path, s->source, srclen) && path[srclen] == '/' && path[srclen + 1])
        rel = path + srclen + 1;
    site_watched w = watched(gz_arena_strndup(site_arena(s), rel, strlen(rel)), st);
    if (w.dir)
        w.names = names_hash(path, names, n, s->dest);
    push_watched(s, w);
}

void
site_watch_file(site *s, const char *rel, const struct stat *st)
{
    push_watched(s, watched(rel, st));
}

size_t
site_watched_count(const site *s)
{
    return s->watched.n;
}

site_watched
site_watched_at(const site *s, size_t i)
{
    return s->watched.v[i];
}

int64_t
site_valid_until(const site *s)
{
    return s->valid_until;
}

bool
site_dir_names_hash(const char *dir, const char *dest, uint64_t *hash)
{
    DIR *dp = opendir(dir);
    if (!dp)
        return false;
    uint64_t sum = 0, count = 0;
    struct dirent *e;
    while ((e = readdir(dp))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") || own_entry(dir, e->d_name, dest))
            continue;
        sum += XXH3_64bits(e->d_name, strlen(e->d_name));
        count++;
    }
    closedir(dp);
    *hash = sum ^ (count * 0x9E3779B97F4A7C15u);
    return true;
}

uint64_t
site_options_fingerprint(const site_options *o)
{
    char cwd[4096];
    if (!getcwd(cwd, sizeof cwd))
        strcpy(cwd, ".");
    gz_buf b = GZ_BUF_INIT;
    gz_buf_printf(&b, "%s\ncwd=%s\nsource=%s\ndest=%s\nfuture=%d drafts=%d unpublished=%d "
                      "limit=%ld\nenv=%s\n",
                  FINGERPRINT_VERSION, cwd, o->source ? o->source : ".", o->dest ? o->dest : "",
                  o->future, o->drafts, o->unpublished, o->limit_posts,
                  getenv("JEKYLL_ENV") ? getenv("JEKYLL_ENV") : "");
    for (size_t i = 0; i < o->nconfigs; i++)
        gz_buf_printf(&b, "config=%s\n", o->configs[i] ? o->configs[i] : "");
    uint64_t fp = XXH3_64bits(b.data, b.len);
    gz_buf_free(&b);
    return fp;
}

/* ---- named queries ---------------------------------------------------------------- */

static void
hash_key(XXH3_state_t *h, const site *s, const site_doc *d)
{
    const char *k = s->source_keys[d->source];
    XXH3_64bits_update(h, k, strlen(k) + 1);
}

static void
hash_array(XXH3_state_t *h, const site *s, const gz_array *a)
{
    size_t n = a ? a->len : 0;
    XXH3_64bits_update(h, &n, sizeof n);
    for (size_t i = 0; i < n; i++)
        if (a->items[i].type == GZ_DROP)
            hash_key(h, s, a->items[i].u.d->data);
}

static const site_coll *
coll_named(const site *s, gz_str label)
{
    for (size_t i = 0; i < s->ncolls; i++)
        if (gz_str_eq_c(label, s->colls[i]->label))
            return s->colls[i];
    return NULL;
}

static void
hash_index(XXH3_state_t *h, const site *s, const gz_hash *index, gz_str name)
{
    if (gz_str_eq_c(name, "*")) {
        for (size_t i = 0; i < index->len; i++) {
            XXH3_64bits_update(h, index->entries[i].key.p, index->entries[i].key.len + 1);
            hash_array(h, s, index->entries[i].value.u.a);
        }
        return;
    }
    gz_value *v = gz_hash_get(index, name);
    if (v && v->type == GZ_ARRAY)
        hash_array(h, s, v->u.a);
    else
        XXH3_64bits_update(h, "absent", 6);
}

static void
hash_file(XXH3_state_t *h, const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        XXH3_64bits_update(h, "absent", 6);
        return;
    }
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        XXH3_64bits_update(h, buf, n);
    fclose(f);
}

static bool
has_prefix(gz_str name, const char *prefix, gz_str *rest)
{
    size_t n = strlen(prefix);
    if (name.len < n || memcmp(name.p, prefix, n) != 0)
        return false;
    *rest = gz_str_n(name.p + n, name.len - n);
    return true;
}

uint64_t
site_named_fingerprint(site *s, gz_str name)
{
    XXH3_state_t *h = XXH3_createState();
    XXH3_64bits_reset(h);
    XXH3_64bits_update(h, name.p, name.len);
    gz_str arg;
    const site_coll *c;
    bool known = true;
    if (gz_str_eq_c(name, "posts"))
        hash_array(h, s, s->posts_desc);
    else if (gz_str_eq_c(name, "pages"))
        hash_array(h, s, s->pages_arr);
    else if (gz_str_eq_c(name, "html_pages"))
        hash_array(h, s, s->html_pages_arr);
    else if (gz_str_eq_c(name, "static_files"))
        hash_array(h, s, s->static_arr);
    else if (gz_str_eq_c(name, "documents"))
        hash_array(h, s, s->docs_arr);
    else if (has_prefix(name, "docs:", &arg) && (c = coll_named(s, arg))) {
        for (size_t i = 0; i < c->ndocs; i++)
            hash_key(h, s, c->docs[i]);
    } else if (has_prefix(name, "files:", &arg) && (c = coll_named(s, arg))) {
        for (size_t i = 0; i < c->nfiles; i++)
            hash_key(h, s, c->files[i]);
    } else if (has_prefix(name, "categories:", &arg))
        hash_index(h, s, s->categories, arg);
    else if (has_prefix(name, "tags:", &arg))
        hash_index(h, s, s->tags, arg);
    else if (has_prefix(name, "post_url:", &arg)) {
        const site_doc *d = site_find_post(s, arg);
        if (d)
            hash_key(h, s, d);
    } else if (has_prefix(name, "file:", &arg)) {
        gz_buf p = GZ_BUF_INIT;
        gz_buf_printf(&p, "%s/%.*s", s->source, (int)arg.len, arg.p);
        hash_file(h, p.data);
        gz_buf_free(&p);
    } else
        known = false; /* and "time", the clock, which no two builds share */
    uint64_t fp = XXH3_64bits_digest(h);
    XXH3_freeState(h);
    if (!known) {
        /* matches no earlier answer, nor any later one: seconds were not
         * enough, two builds within one second (and the same count of
         * such calls) gave the clock the same fingerprint */
        static _Atomic uint64_t unique;
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        uint64_t seed[4] = { (uint64_t)ts.tv_sec, (uint64_t)ts.tv_nsec, (uint64_t)getpid(),
                             ++unique };
        fp = XXH3_64bits_withSeed(seed, sizeof seed, XXH3_64bits(name.p, name.len));
    }
    return fp;
}

/* ---- the global fingerprint ---------------------------------------------------------- */

static int
cmp_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every file below dir (names and bytes), in a stable order; each file
 * and folder watched. */
static void
hash_tree(site *s, XXH3_state_t *h, const char *dir, int depth)
{
    struct stat dst;
    if (depth >= 32 || stat(dir, &dst) != 0)
        return;
    DIR *dp = opendir(dir);
    if (!dp)
        return;
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(dp))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 32;
            names = gz_xrealloc(names, cap * sizeof *names);
        }
        names[n++] = strdup(e->d_name);
    }
    closedir(dp);
    if (n > 1)
        qsort(names, n, sizeof *names, cmp_name);
    site_watch(s, dir, &dst, names, n);
    gz_buf p = GZ_BUF_INIT;
    for (size_t i = 0; i < n; i++) {
        gz_buf_clear(&p);
        gz_buf_printf(&p, "%s/%s", dir, names[i]);
        XXH3_64bits_update(h, names[i], strlen(names[i]) + 1);
        struct stat st;
        bool ok = stat(p.data, &st) == 0;
        if (ok && S_ISDIR(st.st_mode)) {
            hash_tree(s, h, p.data, depth + 1);
        } else {
            if (ok)
                site_watch(s, p.data, &st, NULL, 0);
            hash_file(h, p.data);
        }
        free(names[i]);
    }
    gz_buf_free(&p);
    free(names);
}

uint64_t
site_global_fingerprint(site *s)
{
    XXH3_state_t *h = XXH3_createState();
    XXH3_64bits_reset(h);
    gz_buf b = GZ_BUF_INIT;
    /* The model's fingerprint covers source, dest, options, config and
     * time zone (site_model_fingerprint); the rest is what renders see. */
    gz_buf_printf(&b, "%s\nmodel %016llx\nenv=%s\n", FINGERPRINT_VERSION,
                  (unsigned long long)s->model_fp,
                  getenv("JEKYLL_ENV") ? getenv("JEKYLL_ENV") : "");
    gz_value_inspect(&b, s->data, NULL);
    XXH3_64bits_update(h, b.data, b.len);
    gz_buf_free(&b);
    gz_buf p = GZ_BUF_INIT;
    for (size_t i = 0; i < s->nlayouts; i++) {
        gz_buf_clear(&p);
        gz_buf_printf(&p, "%s/%s", s->source, s->layouts[i].relpath);
        XXH3_64bits_update(h, s->layouts[i].relpath, strlen(s->layouts[i].relpath) + 1);
        hash_file(h, p.data);
    }
    gz_buf_clear(&p);
    gz_buf_printf(&p, "%s/%s", s->source, s->hooks.includes_dir);
    hash_tree(s, h, p.data, 0);
    gz_buf_free(&p);
    uint64_t fp = XXH3_64bits_digest(h);
    XXH3_freeState(h);
    return fp;
}

int64_t
site_load_started(const site *s)
{
    return s->load_start_ns;
}
