/* The interface between the renderer and the filters (standard Liquid
 * filters in filters_*.c, Jekyll's in jekyll_filters.c). Internal to the
 * liquid part. */
#ifndef LIQ_FILTER_H
#define LIQ_FILTER_H

#include "liquid/liquid.h"

typedef struct liq_ctx liq_ctx; /* one render in progress (render.c) */

/* Everything a filter may touch while it runs. */
gz_arena *liq_ctx_arena(liq_ctx *ctx);
gz_drop_env *liq_ctx_env(liq_ctx *ctx);
const liq_site_hooks *liq_ctx_site(liq_ctx *ctx);
liq_mode liq_ctx_mode(liq_ctx *ctx);
/* where_exp, find_exp and group_by_exp as Jekyll runs them: the
 * expression is parsed once (NULL after a render error: a condition as
 * Liquid's strict parser reads it, an expression as Liquid::Variable, lax),
 * then evaluated for each item with `var` bound to it, in a scope the
 * filter opens (liq_ctx_push_scope) around the loop. */
const struct liq_cond *liq_ctx_parse_condition(liq_ctx *ctx, gz_str expr);
const struct liq_variable *liq_ctx_parse_expression(liq_ctx *ctx, gz_str expr);
bool liq_ctx_push_scope(liq_ctx *ctx);
void liq_ctx_pop_scope(liq_ctx *ctx);
bool liq_ctx_bound_condition(liq_ctx *ctx, const struct liq_cond *c, gz_str var, gz_value item,
                             bool *out);
bool liq_ctx_bound_expression(liq_ctx *ctx, const struct liq_variable *v, gz_str var,
                              gz_value item, gz_value *out);

/* The filter's result differs from render to render (it read the clock,
 * or chance): the fragment around it is not shared (memo.c). */
void liq_ctx_unshareable(liq_ctx *ctx);

/* Records a render error raised by a filter ("Liquid error: ..." text is
 * produced by the renderer from it). Always returns false, so a filter can
 * `return liq_filter_error(ctx, "...")`. The message is Liquid's wording
 * without the "Liquid error: " prefix, e.g. "divided by 0". */
bool liq_filter_error(liq_ctx *ctx, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* A filter: `input | name: args..., key: value...`. `kwargs` is NULL when
 * no keyword argument was given. Returns false after liq_filter_error. */
typedef bool (*liq_filter_fn)(liq_ctx *ctx, gz_value input, const gz_value *args, size_t nargs,
                              const gz_hash *kwargs, gz_value *out);

typedef struct liq_filter_def {
    const char *name;
    liq_filter_fn fn;
    /* Positional argument counts accepted; Liquid raises "wrong number of
     * arguments (given N, expected M)" outside them. max -1 = any. */
    int min_args;
    int max_args;
    bool jekyll; /* only when liq_options.jekyll */
    /* Evaluates an expression in the render's scope (where_exp): what it
     * reads is not known before it runs (refs.c). */
    bool scoped;
} liq_filter_def;

/* Looks a filter up by name; NULL when unknown (or Jekyll-only outside
 * Jekyll). The tables are static and shared by all threads. */
const liq_filter_def *liq_filter_find(gz_str name, bool jekyll);

#endif
