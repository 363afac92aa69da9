/* shared_reads.c — the dependencies of fragments rendered once for the
 * whole build (liquid.h, "fragments rendered once for many renders").
 *
 * A layout's navigation over site.pages is computed in one page's render
 * and reused in all the others; each of them must still record what it
 * read, or an incremental build would not know to redo them. While a
 * shared fragment is computed its reads are captured here as well as
 * recorded, and every render that reuses it has them replayed.
 *
 * A read whose answer depends on the page being rendered (its own
 * content, related posts) taints the capture: that fragment is not
 * shared. */
#include <stdlib.h>
#include <string.h>

#include "site/internal.h"

#define MAX_NESTING 16

typedef struct captured {
    site_dep_kind kind;
    size_t source;
    size_t name_at, name_len; /* in the capture's names */
} captured;

struct site_capture {
    captured *items;
    size_t len, cap;
    gz_buf names;
    size_t marks[MAX_NESTING]; /* where each open recording starts */
    bool tainted[MAX_NESTING];
    int depth;
};

/* What a shared fragment read, deduplicated; one allocation. */
typedef struct shared_reads {
    size_t n;
    site_dep deps[]; /* names point after the array */
} shared_reads;

void
site_capture_free(site_capture *c)
{
    if (!c)
        return;
    free(c->items);
    gz_buf_free(&c->names);
    free(c);
}

void
site_capture_add(site_capture *c, site_dep dep)
{
    if (!c || !c->depth)
        return;
    if (c->len == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 64;
        c->items = gz_xrealloc(c->items, c->cap * sizeof *c->items);
    }
    c->items[c->len++] = (captured){ dep.kind, dep.source, c->names.len, dep.name.len };
    if (dep.name.len)
        gz_buf_put(&c->names, dep.name.p, dep.name.len);
}

void
site_render_taint(const site_render *r)
{
    site_capture *c = r ? r->capture : NULL;
    for (int i = 0; c && i < c->depth; i++)
        c->tainted[i] = true;
}

static void
begin(void *user)
{
    site_render *r = user;
    if (!r->capture)
        r->capture = gz_xcalloc(1, sizeof *r->capture);
    site_capture *c = r->capture;
    if (c->depth < MAX_NESTING) {
        c->marks[c->depth] = c->len;
        c->tainted[c->depth] = false;
    }
    c->depth++;
}

static int
by_dep(const void *pa, const void *pb)
{
    const site_dep *a = pa, *b = pb;
    if (a->kind != b->kind)
        return a->kind < b->kind ? -1 : 1;
    if (a->source != b->source)
        return a->source < b->source ? -1 : 1;
    if (a->name.len != b->name.len)
        return a->name.len < b->name.len ? -1 : 1;
    return a->name.len ? memcmp(a->name.p, b->name.p, a->name.len) : 0;
}

static void *
end(void *user, bool *shareable)
{
    site_capture *c = ((site_render *)user)->capture;
    int level = --c->depth;
    shared_reads *out = NULL;
    *shareable = level < MAX_NESTING && !c->tainted[level];
    if (*shareable) {
        /* A copy, sorted to drop repeats: the outer recordings still
         * need the items in place. */
        size_t from = c->marks[level], n = c->len - from, names = 0, k = 0;
        site_dep *v = gz_xmalloc((n ? n : 1) * sizeof *v);
        for (size_t i = 0; i < n; i++) {
            const captured *x = &c->items[from + i];
            gz_str name = gz_str_n(x->name_len ? c->names.data + x->name_at : NULL, x->name_len);
            v[i] = (site_dep){ x->kind, x->source, name };
        }
        qsort(v, n, sizeof *v, by_dep);
        for (size_t i = 0; i < n; i++)
            if (k == 0 || by_dep(&v[k - 1], &v[i]) != 0) {
                v[k++] = v[i];
                names += v[i].name.len;
            }
        out = gz_xmalloc(sizeof *out + k * sizeof *out->deps + names);
        out->n = k;
        char *text = (char *)(out->deps + k);
        for (size_t i = 0; i < k; i++) {
            if (v[i].name.len)
                memcpy(text, v[i].name.p, v[i].name.len);
            out->deps[i] = (site_dep){ v[i].kind, v[i].source, gz_str_n(text, v[i].name.len) };
            text += v[i].name.len;
        }
        free(v);
    }
    if (c->depth == 0) {
        c->len = 0;
        gz_buf_clear(&c->names);
    }
    return out;
}

static void
replay(void *user, const void *reads)
{
    const shared_reads *sr = reads;
    for (size_t i = 0; i < sr->n; i++)
        site_record_dep(user, sr->deps[i]);
}

static void
release(void *reads)
{
    free(reads);
}

const liq_memo_recorder site_shared_reads = { begin, end, replay, release };
