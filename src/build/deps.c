/* Recording what renders read, deciding from an earlier build's record
 * what must be rendered again, and writing this build's record.
 *
 * An output needs no render when every atom it read is answered the same
 * way now: its source and the sources it read have the same bytes, the
 * neighbours it asked for are the same documents, the named queries have
 * the same fingerprints, and the documents whose rendered content it read
 * are themselves not rendered again (content depends on what *its* render
 * read, so that last rule is applied until nothing changes). */
#include <stdlib.h>
#include <string.h>

#include "build/deps.h"
#include "build/internal.h"
#include "core/arena.h"

enum { CHG_SOURCE = 1, CHG_PREV = 2, CHG_NEXT = 4, CHG_CONTENT = 8 };
enum { EVAL_UNKNOWN = 0, EVAL_CHANGED, EVAL_CLEAN, EVAL_CLEAN_CONTENT };

void
dep_table_init(dep_table *t, site *s)
{
    memset(t, 0, sizeof *t);
    t->site = s;
    t->noutputs = site_output_count(s);
    t->outputs = gz_xcalloc(t->noutputs + 1, sizeof *t->outputs);
    size_t ns = site_source_count(s);
    t->in_collection = gz_xcalloc(ns + 1, sizeof *t->in_collection);
    for (size_t i = 0; i < ns; i++)
        t->in_collection[i] = site_source_at(s, i).in_collection;
    pthread_mutex_init(&t->lock, NULL);
}

void
dep_table_free(dep_table *t)
{
    for (size_t i = 0; i < t->noutputs; i++)
        free(t->outputs[i].atoms);
    free(t->outputs);
    free(t->in_collection);
    for (size_t i = 0; i < t->names.n; i++)
        free((void *)t->names.keys[i].p);
    for (size_t i = 0; i < t->sets.n; i++)
        free((void *)t->sets.keys[i].p);
    for (size_t i = 0; i < t->fp_names.n; i++)
        free((void *)t->fp_names.keys[i].p);
    keymap_free(&t->names);
    keymap_free(&t->sets);
    keymap_free(&t->fp_names);
    free(t->fps);
    pthread_mutex_destroy(&t->lock);
}

/* Interns a copy of the key (NUL-terminated) when it is new. Locked. */
static uint32_t
intern(dep_table *t, keymap *m, const void *p, size_t len)
{
    pthread_mutex_lock(&t->lock);
    uint32_t id = keymap_find(m, p, len);
    if (id == UINT32_MAX) {
        char *copy = gz_xmalloc(len + 1);
        memcpy(copy, p, len);
        copy[len] = 0;
        id = keymap_intern(m, copy, len, NULL);
    }
    pthread_mutex_unlock(&t->lock);
    return id;
}

/* The site's answer to a named query, computed once per build: the plan
 * asks for the earlier build's names, the cache for this build's, mostly
 * the same ones, and for `posts` or a large category each answer walks
 * up to every post. Not locked: asked only outside the render. */
static uint64_t
named_fingerprint(dep_table *t, const char *name, size_t len)
{
    uint32_t id = keymap_find(&t->fp_names, name, len);
    if (id != UINT32_MAX)
        return t->fps[id];
    char *copy = gz_xstrndup(name, len);
    id = keymap_intern(&t->fp_names, copy, len, NULL);
    t->fps = gz_xrealloc(t->fps, t->fp_names.capkeys * sizeof *t->fps); /* grows with the keys */
    return t->fps[id] = site_named_fingerprint(t->site, gz_str_n(copy, len));
}

/* ---- recording ------------------------------------------------------------------ */

void
dep_record(void *self, site_dep dep)
{
    dep_recorder *r = self;
    uint32_t atom;
    if (dep.kind == SITE_DEP_NAMED)
        atom = CACHE_NAMED | intern(r->table, &r->table->names, dep.name.p, dep.name.len);
    else
        atom = (uint32_t)dep.source * 4 + (uint32_t)dep.kind;
    if (r->n && r->atoms[r->n - 1] == atom)
        return; /* the same field read twice in a row, the common case */
    if (r->n == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 64;
        r->atoms = gz_xrealloc(r->atoms, r->cap * sizeof *r->atoms);
    }
    r->atoms[r->n++] = atom;
}

static int
cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

static size_t
sort_unique(uint32_t *a, size_t n)
{
    if (n > 1)
        qsort(a, n, sizeof *a, cmp_u32);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (k == 0 || a[k - 1] != a[i])
            a[k++] = a[i];
    return k;
}

/* Splits sorted atoms into the output's own (collection documents) and
 * the shared set, which is interned; fills rec. */
static void
file_atoms(dep_table *t, dep_output *rec, uint32_t *atoms, size_t n)
{
    uint32_t *own = gz_xmalloc((n + 1) * sizeof *own);
    size_t nown = 0, nshared = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t a = atoms[i];
        if (!(a & CACHE_NAMED) && t->in_collection[a / 4])
            own[nown++] = a;
        else
            atoms[nshared++] = a; /* in place: nshared <= i */
    }
    rec->set = intern(t, &t->sets, atoms, nshared * sizeof *atoms);
    rec->n = (uint32_t)nown;
    rec->atoms = own;
    rec->known = true;
}

void
dep_recorder_finish(dep_recorder *r, size_t output, uint64_t hash, int64_t size)
{
    dep_output *rec = &r->table->outputs[output];
    free(rec->atoms);
    rec->hash = hash;
    rec->size = size;
    file_atoms(r->table, rec, r->atoms, sort_unique(r->atoms, r->n));
    r->n = 0;
}

void
dep_recorder_free(dep_recorder *r)
{
    free(r->atoms);
    r->atoms = NULL;
    r->n = r->cap = 0;
}

/* ---- planning ------------------------------------------------------------------- */

typedef struct planner {
    dep_table *t;
    const build_cache *old;
    uint32_t *new_of_old;   /* per old source: its index now, or CACHE_NONE */
    uint8_t *chg;           /* per old source: CHG_* */
    uint8_t *named_chg;     /* per old named query */
    uint8_t *set_eval;      /* per old set: EVAL_* */
    uint32_t *named_now;    /* per old named query: its id in t->names, or CACHE_NONE */
    uint32_t *set_now;      /* per old set: its id in t->sets, or CACHE_NONE */
} planner;

static int
eval_atoms(const planner *pl, const uint32_t *a, uint32_t n)
{
    int result = EVAL_CLEAN;
    for (uint32_t k = 0; k < n; k++) {
        uint32_t x = a[k];
        if (x & CACHE_NAMED) {
            if (pl->named_chg[x & ~CACHE_NAMED])
                return EVAL_CHANGED;
            continue;
        }
        uint8_t c = pl->chg[x / 4];
        switch (x % 4) {
        case SITE_DEP_SOURCE:
            if (c & CHG_SOURCE)
                return EVAL_CHANGED;
            break;
        case SITE_DEP_PREV:
            if (c & CHG_PREV)
                return EVAL_CHANGED;
            break;
        case SITE_DEP_NEXT:
            if (c & CHG_NEXT)
                return EVAL_CHANGED;
            break;
        default:
            if (c & (CHG_SOURCE | CHG_CONTENT))
                return EVAL_CHANGED;
            result = EVAL_CLEAN_CONTENT;
        }
    }
    return result;
}

/* Whether a content atom among a[] names a document rendered again now. */
static bool
content_dirty(const planner *pl, const bool *dirty, const uint32_t *a, uint32_t n)
{
    for (uint32_t k = 0; k < n; k++) {
        uint32_t x = a[k];
        if (x & CACHE_NAMED || x % 4 != SITE_DEP_CONTENT)
            continue;
        uint32_t now = pl->new_of_old[x / 4];
        size_t out = site_source_at(pl->t->site, now).output;
        if (out == SIZE_MAX || dirty[out])
            return true;
    }
    return false;
}

static uint32_t
remap_atom(planner *pl, uint32_t x)
{
    if (x & CACHE_NAMED) {
        uint32_t k = x & ~CACHE_NAMED;
        if (pl->named_now[k] == CACHE_NONE) {
            const char *name = pl->old->named[k].name;
            pl->named_now[k] = intern(pl->t, &pl->t->names, name, strlen(name));
        }
        return CACHE_NAMED | pl->named_now[k];
    }
    return pl->new_of_old[x / 4] * 4 + x % 4;
}

/* An output that needs no render keeps its earlier record, renumbered. */
static void
carry(planner *pl, dep_output *rec, const cache_output *oo)
{
    const cache_set *set = &pl->old->sets[oo->set];
    if (pl->set_now[oo->set] == CACHE_NONE) {
        uint32_t *a = gz_xmalloc(((size_t)set->n + 1) * sizeof *a);
        for (uint32_t k = 0; k < set->n; k++)
            a[k] = remap_atom(pl, set->atoms[k]);
        size_t n = sort_unique(a, set->n);
        pl->set_now[oo->set] = intern(pl->t, &pl->t->sets, a, n * sizeof *a);
        free(a);
    }
    free(rec->atoms);
    rec->atoms = gz_xmalloc(((size_t)oo->n + 1) * sizeof *rec->atoms);
    for (uint32_t k = 0; k < oo->n; k++)
        rec->atoms[k] = remap_atom(pl, oo->atoms[k]);
    rec->n = (uint32_t)sort_unique(rec->atoms, oo->n);
    rec->set = pl->set_now[oo->set];
    rec->hash = oo->hash;
    rec->size = oo->size;
    rec->known = true;
}

static void
source_changes(planner *pl)
{
    const build_cache *old = pl->old;
    site *s = pl->t->site;
    for (uint32_t o = 0; o < old->nsources; o++) {
        const cache_source *was = &old->sources[o];
        uint32_t n = pl->new_of_old[o];
        if (n == CACHE_NONE) {
            pl->chg[o] = CHG_SOURCE | CHG_PREV | CHG_NEXT | CHG_CONTENT;
            continue;
        }
        site_source_info now = site_source_at(s, n);
        uint8_t c = 0;
        if (now.hash != was->hash)
            c |= CHG_SOURCE;
        uint32_t prev = was->prev == CACHE_NONE ? CACHE_NONE : pl->new_of_old[was->prev];
        uint32_t next = was->next == CACHE_NONE ? CACHE_NONE : pl->new_of_old[was->next];
        if (prev != (now.prev == SIZE_MAX ? CACHE_NONE : (uint32_t)now.prev))
            c |= CHG_PREV;
        if (next != (now.next == SIZE_MAX ? CACHE_NONE : (uint32_t)now.next))
            c |= CHG_NEXT;
        /* content without an output of its own: nothing recorded what it read */
        if (was->output == CACHE_NONE || now.output == SIZE_MAX)
            c |= CHG_CONTENT;
        pl->chg[o] = c;
    }
}

/* Which earlier source each of this build's is (CACHE_NONE: a new one),
 * into old_of_new and pl->new_of_old. Keys are unique on either side and
 * keep their order from build to build but for the few sources added,
 * removed or moved; so each is first looked for right after the last
 * match (or one further, past a removed one), and only the sources that
 * misses are matched by key, among the earlier ones nothing matched:
 * a million string comparisons instead of two million hashed keys. */
static void
match_sources(planner *pl, uint32_t *old_of_new, size_t ns)
{
    const build_cache *old = pl->old;
    site *s = pl->t->site;
    size_t missed = 0;
    uint32_t hint = 0;
    for (size_t n = 0; n < ns; n++) {
        const char *key = site_source_at(s, n).key;
        uint32_t o = CACHE_NONE;
        if (hint < old->nsources && !strcmp(old->sources[hint].key, key))
            o = hint;
        else if (hint + 1 < old->nsources && !strcmp(old->sources[hint + 1].key, key))
            o = hint + 1;
        old_of_new[n] = o;
        if (o == CACHE_NONE) {
            missed++;
            continue;
        }
        pl->new_of_old[o] = (uint32_t)n;
        hint = o + 1;
    }
    if (!missed)
        return;
    keymap keys = { 0 };
    uint32_t *ids = gz_xmalloc(((size_t)old->nsources + 1) * sizeof *ids);
    for (uint32_t o = 0; o < old->nsources; o++)
        if (pl->new_of_old[o] == CACHE_NONE) {
            const char *key = old->sources[o].key;
            ids[keymap_intern(&keys, key, strlen(key), NULL)] = o;
        }
    for (size_t n = 0; n < ns && keys.n; n++) {
        if (old_of_new[n] != CACHE_NONE)
            continue;
        const char *key = site_source_at(s, n).key;
        uint32_t id = keymap_find(&keys, key, strlen(key));
        if (id != UINT32_MAX) {
            old_of_new[n] = ids[id];
            pl->new_of_old[ids[id]] = (uint32_t)n;
        }
    }
    keymap_free(&keys);
    free(ids);
}

void
dep_plan_make(dep_table *t, const build_cache *old, const bool *intact, dep_plan *p)
{
    site *s = t->site;
    size_t ns = site_source_count(s), no = t->noutputs;
    memset(p, 0, sizeof *p);
    p->dirty = gz_xcalloc(no + 1, sizeof *p->dirty);
    p->had_hash = gz_xcalloc(no + 1, sizeof *p->had_hash);
    p->old_hash = gz_xcalloc(no + 1, sizeof *p->old_hash);
    p->in_place = gz_xcalloc(no + 1, sizeof *p->in_place);

    planner pl = { .t = t, .old = old };
    pl.new_of_old = gz_xmalloc(((size_t)old->nsources + 1) * sizeof *pl.new_of_old);
    memset(pl.new_of_old, 0xff, ((size_t)old->nsources + 1) * sizeof *pl.new_of_old);
    uint32_t *old_of_new = gz_xmalloc((ns + 1) * sizeof *old_of_new);
    match_sources(&pl, old_of_new, ns);

    pl.chg = gz_xcalloc((size_t)old->nsources + 1, 1);
    source_changes(&pl);
    pl.named_chg = gz_xcalloc((size_t)old->nnamed + 1, 1);
    for (uint32_t k = 0; k < old->nnamed; k++) {
        const char *name = old->named[k].name;
        pl.named_chg[k] = named_fingerprint(t, name, strlen(name)) != old->named[k].fingerprint;
    }
    pl.set_eval = gz_xcalloc((size_t)old->nsets + 1, 1);
    pl.named_now = gz_xmalloc(((size_t)old->nnamed + 1) * sizeof *pl.named_now);
    memset(pl.named_now, 0xff, ((size_t)old->nnamed + 1) * sizeof *pl.named_now);
    pl.set_now = gz_xmalloc(((size_t)old->nsets + 1) * sizeof *pl.set_now);
    memset(pl.set_now, 0xff, ((size_t)old->nsets + 1) * sizeof *pl.set_now);

    /* Each output: its earlier record (same source, same path) or dirty. */
    const cache_output **was = gz_xcalloc(no + 1, sizeof *was);
    bool *kept = gz_xcalloc((size_t)old->noutputs + 1, sizeof *kept); /* its path is written now */
    size_t *pending = gz_xmalloc((no + 1) * sizeof *pending), npending = 0;
    for (size_t i = 0; i < no; i++) {
        uint32_t o = old_of_new[site_output_source(s, i)];
        const cache_output *oo = NULL;
        if (o != CACHE_NONE && old->sources[o].output != CACHE_NONE)
            oo = &old->outputs[old->sources[o].output];
        if (oo && strcmp(oo->dest_rel, site_output_at(s, i).dest_rel) != 0)
            oo = NULL;
        if (!oo) {
            p->dirty[i] = true;
            continue;
        }
        kept[oo - old->outputs] = true;
        p->had_hash[i] = true;
        p->old_hash[i] = oo->hash;
        p->in_place[i] = oo->folder != CACHE_NONE && intact[oo->folder];
        was[i] = oo;
        uint8_t *se = &pl.set_eval[oo->set];
        if (*se == EVAL_UNKNOWN)
            *se = (uint8_t)eval_atoms(&pl, old->sets[oo->set].atoms, old->sets[oo->set].n);
        int own = eval_atoms(&pl, oo->atoms, oo->n);
        if (*se == EVAL_CHANGED || own == EVAL_CHANGED)
            p->dirty[i] = true;
        else if (*se == EVAL_CLEAN_CONTENT || own == EVAL_CLEAN_CONTENT)
            pending[npending++] = i;
    }
    /* Content read from documents that render again, until nothing changes. */
    for (bool more = true; more;) {
        more = false;
        for (size_t k = 0; k < npending; k++) {
            size_t i = pending[k];
            const cache_output *oo = was[i];
            if (p->dirty[i])
                continue;
            const cache_set *set = &old->sets[oo->set];
            if (content_dirty(&pl, p->dirty, set->atoms, set->n) ||
                content_dirty(&pl, p->dirty, oo->atoms, oo->n))
                p->dirty[i] = more = true;
        }
    }
    for (size_t i = 0; i < no; i++) {
        if (p->dirty[i])
            p->ndirty++;
        else
            carry(&pl, &t->outputs[i], was[i]);
    }

    /* Earlier outputs whose path no output has now; the paths are only
     * gathered when some earlier output was not found at its own. */
    keymap paths = { 0 };
    bool gathered = false;
    p->removed = gz_xmalloc(((size_t)old->noutputs + 1) * sizeof *p->removed);
    for (uint32_t k = 0; k < old->noutputs; k++) {
        if (kept[k])
            continue;
        for (size_t i = 0; i < no && !gathered; i++) {
            const char *rel = site_output_at(s, i).dest_rel;
            keymap_intern(&paths, rel, strlen(rel), NULL);
        }
        gathered = true;
        const char *rel = old->outputs[k].dest_rel;
        if (keymap_find(&paths, rel, strlen(rel)) == UINT32_MAX)
            p->removed[p->nremoved++] = rel;
    }
    keymap_free(&paths);

    free(was);
    free(kept);
    free(pending);
    free(old_of_new);
    free(pl.new_of_old);
    free(pl.chg);
    free(pl.named_chg);
    free(pl.set_eval);
    free(pl.named_now);
    free(pl.set_now);
}

void
dep_plan_free(dep_plan *p)
{
    free(p->dirty);
    free(p->had_hash);
    free(p->old_hash);
    free(p->in_place);
    free(p->removed);
    memset(p, 0, sizeof *p);
}

/* ---- the cache this build leaves ----------------------------------------------------- */

static uint32_t
u32_or_none(size_t v)
{
    return v == SIZE_MAX ? CACHE_NONE : (uint32_t)v;
}


bool
dep_table_write(dep_table *t, uint64_t global, uint64_t options, const char *path, gz_buf *why)
{
    site *s = t->site;
    int64_t racy = site_load_started(s) - SITE_RACY_NS;
    size_t ns = site_source_count(s);
    if (ns >= CACHE_MAX_SOURCES) {
        gz_buf_puts(why, "too many sources for the cache");
        return false;
    }
    build_cache c = { .source = site_source(s), .dest = site_dest(s), .global = global,
                      .options = options, .valid_until = site_valid_until(s), .fast = 1 };
    c.nwatched = (uint32_t)site_watched_count(s);
    c.watched = gz_xcalloc((size_t)c.nwatched + 1, sizeof *c.watched);
    for (uint32_t i = 0; i < c.nwatched; i++) {
        site_watched w = site_watched_at(s, i);
        c.watched[i] = (cache_watched){ w.path, w.dir, w.size, w.mtime_ns, w.ctime_ns, w.ino,
                                        w.names };
        if (w.mtime_ns >= racy || w.ctime_ns >= racy)
            c.fast = 0;
    }
    /* include_relative reads files nobody watched */
    for (size_t k = 0; k < t->names.n; k++)
        if (t->names.keys[k].len >= 5 && !memcmp(t->names.keys[k].p, "file:", 5))
            c.fast = 0;
    c.nsources = (uint32_t)ns;
    c.sources = gz_xcalloc(ns + 1, sizeof *c.sources);
    for (size_t i = 0; i < ns; i++) {
        site_source_info x = site_source_at(s, i);
        c.sources[i] = (cache_source){ x.key, x.hash, x.size, x.mtime_ns, u32_or_none(x.prev),
                                       u32_or_none(x.next), u32_or_none(x.output) };
    }
    c.nnamed = (uint32_t)t->names.n;
    c.named = gz_xcalloc(t->names.n + 1, sizeof *c.named);
    for (size_t k = 0; k < t->names.n; k++) {
        const keymap_key *key = &t->names.keys[k];
        c.named[k].name = key->p;
        c.named[k].fingerprint = named_fingerprint(t, key->p, key->len);
    }
    c.nsets = (uint32_t)t->sets.n;
    c.sets = gz_xcalloc(t->sets.n + 1, sizeof *c.sets);
    for (size_t k = 0; k < t->sets.n; k++)
        c.sets[k] = (cache_set){ (uint32_t)(t->sets.keys[k].len / sizeof(uint32_t)),
                                 t->sets.keys[k].p };
    c.noutputs = (uint32_t)t->noutputs;
    c.outputs = gz_xcalloc(t->noutputs + 1, sizeof *c.outputs);
    bool ok = true;
    for (size_t i = 0; i < t->noutputs && ok; i++) {
        const dep_output *r = &t->outputs[i];
        ok = r->known;
        c.outputs[i] = (cache_output){ site_output_at(s, i).dest_rel,
                                       (uint32_t)site_output_source(s, i), r->hash, r->size,
                                       r->set, r->n, r->atoms, CACHE_NONE };
    }
    if (ok) {
        build_folders_record(&c);
        ok = build_cache_write(&c, path, why);
    }
    else
        gz_buf_puts(why, "an output's dependencies are unknown");
    free(c.watched);
    free(c.sources);
    free(c.named);
    free(c.sets);
    free(c.folders);
    free(c.folder_names);
    free(c.outputs);
    return ok;
}
