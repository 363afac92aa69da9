/* The engine: options shared by every template it parses, parsing
 * (liq_parse), and the cache of parsed partials, shared by all renders
 * and threads behind one mutex. Parsed templates are immutable, so a
 * cached partial is used without holding the lock. */
#include <pthread.h>
#include <stdlib.h>

#include "liquid/parse.h"

struct liq_engine {
    liq_options opts;
    pthread_mutex_t lock;
    gz_arena *arena;  /* the cache's keys */
    gz_hash *cache;   /* partial name -> index in partials */
    liq_template **partials;
    size_t npartials, cap;
};

liq_engine *
liq_engine_new(const liq_options *opts)
{
    liq_engine *e = gz_xcalloc(1, sizeof *e);
    if (opts)
        e->opts = *opts;
    pthread_mutex_init(&e->lock, NULL);
    e->arena = gz_arena_new();
    e->cache = gz_hash_new(e->arena, 16);
    return e;
}

void
liq_engine_free(liq_engine *e)
{
    if (!e)
        return;
    for (size_t i = 0; i < e->npartials; i++)
        liq_template_free(e->partials[i]);
    free(e->partials);
    gz_arena_free(e->arena);
    pthread_mutex_destroy(&e->lock);
    free(e);
}

void
liq_engine_setup_ctx(const liq_engine *e, liq_ctx *ctx)
{
    ctx->mode = e->opts.mode;
    ctx->site = e->opts.site;
}

const liq_site_hooks *
liq_engine_site(const liq_engine *e)
{
    return e->opts.site;
}

void
liq_engine_limits(const liq_engine *e, liq_budget *budget)
{
    budget->step_limit = e->opts.step_limit;
    budget->memory_limit = e->opts.memory_limit;
}

static liq_template *
parse(liq_engine *e, gz_str source, const char *name, gz_diags *diags, liq_parser *p)
{
    liq_template *t = gz_xcalloc(1, sizeof *t);
    t->arena = gz_arena_new();
    t->engine = e;
    t->source = gz_str_n(gz_arena_strndup(t->arena, source.p ? source.p : "", source.len),
                         source.len);
    t->name = name ? gz_arena_strndup(t->arena, name, strlen(name)) : NULL;
    p->t = t;
    p->arena = t->arena;
    p->mode = e->opts.mode;
    p->jekyll = e->opts.jekyll;
    p->where = (liq_tracker){ 0, 1, 1 };
    p->diags = diags;
    bool ok = liq_parse_document(p);
    gz_buf_free(&p->scratch);
    if (!ok) {
        liq_template_free(t);
        return NULL;
    }
    return t;
}

liq_template *
liq_parse(liq_engine *e, gz_str source, const char *name, gz_diags *diags)
{
    liq_parser p = { 0 };
    liq_template *t = parse(e, source, name, diags, &p);
    gz_buf_free(&p.error);
    return t;
}

void
liq_template_free(liq_template *t)
{
    if (!t)
        return;
    gz_arena_free(t->arena);
    free(t);
}

static liq_template *
cached(liq_engine *e, gz_str name)
{
    pthread_mutex_lock(&e->lock);
    gz_value *v = gz_hash_get(e->cache, name);
    liq_template *t = v ? e->partials[v->u.i] : NULL;
    pthread_mutex_unlock(&e->lock);
    return t;
}

/* Adds t unless another thread cached the same name first; returns the
 * one to use. */
static liq_template *
remember(liq_engine *e, gz_str name, liq_template *t)
{
    pthread_mutex_lock(&e->lock);
    gz_value *v = gz_hash_get(e->cache, name);
    if (v) {
        liq_template *first = e->partials[v->u.i];
        pthread_mutex_unlock(&e->lock);
        liq_template_free(t);
        return first;
    }
    if (e->npartials == e->cap) {
        e->cap = e->cap ? e->cap * 2 : 8;
        e->partials = gz_xrealloc(e->partials, e->cap * sizeof *e->partials);
    }
    e->partials[e->npartials] = t;
    gz_str key = gz_str_n(gz_arena_strndup(e->arena, name.p, name.len), name.len);
    gz_hash_set(e->arena, e->cache, key, gz_int((int64_t)e->npartials++));
    pthread_mutex_unlock(&e->lock);
    return t;
}

bool
liq_load_partial(liq_ctx *ctx, gz_str name, const liq_template **out)
{
    liq_engine *e = ctx->engine;
    if (!e->opts.loader.load)
        return liq_render_error(ctx, "This liquid context does not allow includes.");
    liq_template *t = cached(e, name);
    if (t) {
        *out = t;
        return true;
    }
    gz_buf source = GZ_BUF_INIT;
    char *path = NULL;
    if (!e->opts.loader.load(e->opts.loader.self, name, &source, &path)) {
        gz_buf_free(&source);
        free(path);
        return liq_render_error(ctx, "No such template '%.*s'", (int)name.len, name.p);
    }
    gz_diags diags = { 0 };
    liq_parser p = { 0 };
    char *label = path ? path : gz_xstrndup(name.p, name.len);
    t = parse(e, gz_buf_str(&source), label, &diags, &p);
    gz_buf_free(&source);
    if (!t) {
        /* the partial's own syntax error, located in the partial */
        liq_error *err = ctx->err;
        gz_buf_clear(&err->message);
        gz_buf_puts(&err->message, p.error.data ? p.error.data : "");
        err->set = err->located = true;
        err->syntax = p.error_syntax;
        err->line = p.error_line;
        err->column = p.error_column;
        err->file = gz_arena_strndup(ctx->env->arena, label, strlen(label));
    }
    free(label);
    gz_buf_free(&p.error);
    gz_diags_free(&diags);
    if (!t)
        return false;
    *out = remember(e, name, t);
    return true;
}
