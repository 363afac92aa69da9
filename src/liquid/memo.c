/* memo.c — fragments rendered once and shared by many renders (liquid.h,
 * "fragments rendered once for many renders").
 *
 * Two kinds of fragment are shared, both decided by what their template
 * part reads (refs.c, worked out while parsing):
 *   - an assign's value, or a loop's collection, that reads only the
 *     memo's constants: computed once, copied into the memo, and the copy
 *     (its arrays and hashes "held" by the memo) given to every render;
 *   - a loop whose body reads only constants, the loop variable and
 *     forloop, over a held collection: its text, per slice.
 * Entries are keyed by node address, which is why templates must outlive
 * the memo. Two threads may compute the same entry; the first stored
 * wins, and both computed the same thing. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "liquid/render.h"

typedef struct entry {
    gz_str text;
    gz_value value;
    void *reads;   /* the recorder's */
    bool refused;  /* not shareable: what refused it (a read of the page's own
                    * content, the clock, an error) would again */
} entry;

struct liq_memo {
    pthread_mutex_t lock;
    gz_arena *arena;      /* keys, texts, values: everything below */
    gz_str *constants;
    size_t nconstants;
    liq_memo_recorder rec;
    gz_hash *index;       /* key bytes -> entry number */
    entry *entries;
    size_t n, cap;
    size_t shared;        /* entries not refused */
    gz_hash *held;        /* address bytes of held arrays and hashes */
};

liq_memo *
liq_memo_new(const char *const *constants, const liq_memo_recorder *rec)
{
    liq_memo *m = gz_xcalloc(1, sizeof *m);
    pthread_mutex_init(&m->lock, NULL);
    m->arena = gz_arena_new();
    while (constants && constants[m->nconstants])
        m->nconstants++;
    m->constants = gz_arena_alloc(m->arena, (m->nconstants + 1) * sizeof *m->constants);
    for (size_t i = 0; i < m->nconstants; i++) {
        size_t len = strlen(constants[i]);
        m->constants[i] = gz_str_n(gz_arena_strndup(m->arena, constants[i], len), len);
    }
    m->rec = *rec;
    m->index = gz_hash_new(m->arena, 16);
    m->held = gz_hash_new(m->arena, 16);
    return m;
}

void
liq_memo_free(liq_memo *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->n; i++)
        if (m->entries[i].reads)
            m->rec.release(m->entries[i].reads);
    free(m->entries);
    gz_arena_free(m->arena);
    pthread_mutex_destroy(&m->lock);
    free(m);
}

size_t
liq_memo_count(liq_memo *m)
{
    pthread_mutex_lock(&m->lock);
    size_t n = m->shared;
    pthread_mutex_unlock(&m->lock);
    return n;
}

/* ---- when a part is the same in every render ------------------------------------ */

static bool
is_constant(const liq_memo *m, gz_str name)
{
    for (size_t i = 0; i < m->nconstants; i++)
        if (gz_str_eq(m->constants[i], name))
            return true;
    return false;
}

/* An assign, a loop variable or a counter of this render by that name
 * would be found before the render's variables. */
static bool
shadowed(const liq_ctx *ctx, gz_str name)
{
    for (int i = 0; i < ctx->nscopes; i++)
        if (ctx->scopes[i] && gz_hash_get(ctx->scopes[i], name))
            return true;
    return ctx->counters && gz_hash_get(ctx->counters, name);
}

bool
liq_memo_applies(liq_ctx *ctx, const liq_reads *reads)
{
    /* A shared fragment would not count against a render's limits. */
    if (!ctx->memo || !reads->known || ctx->budget->step_limit || ctx->budget->memory_limit)
        return false;
    for (uint32_t i = 0; i < reads->n; i++)
        if (!is_constant(ctx->memo, reads->names[i]) || shadowed(ctx, reads->names[i]))
            return false;
    return true;
}

/* The held set's key: the bytes of the address *p. */
static gz_str
address_key(const void *const *p)
{
    return gz_str_n((const char *)p, sizeof *p);
}

bool
liq_memo_holds(liq_ctx *ctx, gz_value v)
{
    liq_memo *m = ctx->memo;
    if (!m || (v.type != GZ_ARRAY && v.type != GZ_HASH))
        return false;
    const void *p = v.type == GZ_ARRAY ? (const void *)v.u.a : (const void *)v.u.h;
    pthread_mutex_lock(&m->lock);
    bool held = gz_hash_get(m->held, address_key(&p)) != NULL;
    pthread_mutex_unlock(&m->lock);
    return held;
}

/* ---- finding a shared fragment -------------------------------------------------- */

static gz_str
entry_key(const liq_memo_key *k)
{
    return gz_str_n((const char *)k, sizeof *k);
}

static liq_memo_found
find(liq_ctx *ctx, const liq_memo_key *k, entry *out)
{
    liq_memo *m = ctx->memo;
    pthread_mutex_lock(&m->lock);
    gz_value *at = gz_hash_get(m->index, entry_key(k));
    if (at)
        *out = m->entries[at->u.i];
    pthread_mutex_unlock(&m->lock);
    if (!at)
        return LIQ_MEMO_NONE;
    if (out->refused)
        return LIQ_MEMO_REFUSED;
    if (out->reads)
        m->rec.replay(ctx->env->user, out->reads);
    return LIQ_MEMO_FOUND;
}

liq_memo_found
liq_memo_find_text(liq_ctx *ctx, const liq_memo_key *k, gz_buf *out)
{
    entry e;
    liq_memo_found f = find(ctx, k, &e);
    if (f == LIQ_MEMO_FOUND)
        gz_buf_put_str(out, e.text);
    return f;
}

liq_memo_found
liq_memo_find_value(liq_ctx *ctx, const liq_memo_key *k, gz_value *out)
{
    entry e;
    liq_memo_found f = find(ctx, k, &e);
    if (f == LIQ_MEMO_FOUND)
        *out = e.value;
    return f;
}

/* ---- computing one ---------------------------------------------------------------- */

liq_memo_mark
liq_memo_begin(liq_ctx *ctx)
{
    ctx->memo->rec.begin(ctx->env->user);
    return (liq_memo_mark){ ctx->failures, ctx->unshareable };
}

/* The recorder's verdict and the render's: the reads to keep with the
 * entry, or false when the fragment is not to be shared. */
static bool
finish(liq_ctx *ctx, liq_memo_mark m, bool ok, void **reads)
{
    bool shareable = true;
    *reads = ctx->memo->rec.end(ctx->env->user, &shareable);
    if (ok && shareable && m.failures == ctx->failures && m.unshareable == ctx->unshareable)
        return true;
    if (*reads)
        ctx->memo->rec.release(*reads);
    return false;
}

/* Stores e under k unless an entry is there (then e's reads go). Called
 * with the lock held. */
static void
store(liq_memo *m, const liq_memo_key *k, entry e)
{
    if (gz_hash_get(m->index, entry_key(k))) {
        if (e.reads)
            m->rec.release(e.reads);
        return;
    }
    if (m->n == m->cap) {
        m->cap = m->cap ? m->cap * 2 : 16;
        m->entries = gz_xrealloc(m->entries, m->cap * sizeof *m->entries);
    }
    m->entries[m->n] = e;
    m->shared += !e.refused;
    char *key = gz_arena_alloc(m->arena, sizeof *k);
    memcpy(key, k, sizeof *k);
    gz_hash_set(m->arena, m->index, gz_str_n(key, sizeof *k), gz_int((int64_t)m->n++));
}

/* Remembers that k is not shareable, so that later renders compute it
 * without recording it again. */
static void
refuse(liq_memo *m, const liq_memo_key *k)
{
    pthread_mutex_lock(&m->lock);
    store(m, k, (entry){ .refused = true });
    pthread_mutex_unlock(&m->lock);
}

void
liq_memo_end_text(liq_ctx *ctx, liq_memo_mark mark, const liq_memo_key *k, bool ok, gz_str text)
{
    void *reads;
    liq_memo *m = ctx->memo;
    if (!finish(ctx, mark, ok, &reads)) {
        refuse(m, k);
        return;
    }
    pthread_mutex_lock(&m->lock);
    entry e = { .text = gz_str_n(gz_arena_strndup(m->arena, text.p, text.len), text.len),
                .reads = reads };
    store(m, k, e);
    pthread_mutex_unlock(&m->lock);
}

/* Whether v can outlive the render: the drops in it must, and those the
 * render made (in its arena) do not. */
static bool
lasting(const gz_arena *render, gz_value v)
{
    switch (v.type) {
    case GZ_DROP:
        return !gz_arena_owns(render, v.u.d);
    case GZ_ARRAY:
        for (size_t i = 0; i < v.u.a->len; i++)
            if (!lasting(render, v.u.a->items[i]))
                return false;
        return true;
    case GZ_HASH:
        for (size_t i = 0; i < v.u.h->len; i++)
            if (!lasting(render, v.u.h->entries[i].value))
                return false;
        return true;
    default:
        return true;
    }
}

static void
hold(liq_memo *m, gz_value v)
{
    if (v.type != GZ_ARRAY && v.type != GZ_HASH)
        return;
    const void **p = gz_arena_alloc(m->arena, sizeof *p);
    *p = v.type == GZ_ARRAY ? (const void *)v.u.a : (const void *)v.u.h;
    gz_hash_set(m->arena, m->held, address_key(p), gz_bool(true));
    if (v.type == GZ_ARRAY)
        for (size_t i = 0; i < v.u.a->len; i++)
            hold(m, v.u.a->items[i]);
    else
        for (size_t i = 0; i < v.u.h->len; i++)
            hold(m, v.u.h->entries[i].value);
}

void
liq_memo_end_value(liq_ctx *ctx, liq_memo_mark mark, const liq_memo_key *k, bool ok, gz_value *v)
{
    void *reads;
    liq_memo *m = ctx->memo;
    if (!finish(ctx, mark, ok && lasting(ctx->env->arena, *v), &reads)) {
        refuse(m, k);
        return;
    }
    pthread_mutex_lock(&m->lock);
    gz_value *at = gz_hash_get(m->index, entry_key(k));
    if (at && !m->entries[at->u.i].refused) { /* another render stored it first: use that */
        *v = m->entries[at->u.i].value;
        if (reads)
            m->rec.release(reads);
    } else {
        *v = gz_value_clone(m->arena, *v);
        hold(m, *v);
        store(m, k, (entry){ .value = *v, .reads = reads });
    }
    pthread_mutex_unlock(&m->lock);
}

bool
liq_eval_shared(liq_ctx *ctx, const void *node, const liq_reads *reads, const liq_variable *var,
                gz_value *out)
{
    if (!liq_memo_applies(ctx, reads))
        return liq_eval_variable(ctx, var, out);
    liq_memo_key k = { .node = node };
    switch (liq_memo_find_value(ctx, &k, out)) {
    case LIQ_MEMO_FOUND: return true;
    case LIQ_MEMO_REFUSED: return liq_eval_variable(ctx, var, out);
    case LIQ_MEMO_NONE: break;
    }
    liq_memo_mark m = liq_memo_begin(ctx);
    bool ok = liq_eval_variable(ctx, var, out);
    liq_memo_end_value(ctx, m, &k, ok, out);
    return ok;
}
