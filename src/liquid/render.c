/* The renderer: one liq_ctx per render (scopes, registers, the error being
 * raised), bodies rendered node by node into one output buffer, render
 * errors printed inline or returned, and the context functions filters
 * use. */
#include <stdarg.h>

#include "liquid/convert.h"
#include "liquid/parse.h"

/* ---- errors ----------------------------------------------------------- */

static bool
raise(liq_ctx *ctx, bool syntax, const char *fmt, va_list ap)
{
    liq_error *e = ctx->err;
    gz_buf_clear(&e->message);
    gz_buf_vprintf(&e->message, fmt, ap);
    e->set = true;
    e->syntax = syntax;
    e->located = false;
    return false;
}

bool
liq_render_error(liq_ctx *ctx, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    raise(ctx, false, fmt, ap);
    va_end(ap);
    return false;
}

bool
liq_filter_error(liq_ctx *ctx, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    raise(ctx, false, fmt, ap);
    va_end(ap);
    return false;
}

/* "Liquid error (name line 3): message", as Ruby's Error#to_s. */
static void
format_error(const liq_error *e, gz_buf *out)
{
    gz_buf_puts(out, e->syntax ? "Liquid syntax error" : "Liquid error");
    if (e->line) {
        gz_buf_puts(out, " (");
        if (e->file)
            gz_buf_printf(out, "%s ", e->file);
        gz_buf_printf(out, "line %d)", e->line);
    }
    gz_buf_printf(out, ": %s", e->message.data ? e->message.data : "");
}

/* A node failed: attach its place to the error (the innermost node wins),
 * then either stop (errors_fatal) or print the message where the node
 * would have rendered, unless the node is a blank tag. */
static bool
node_failed(liq_ctx *ctx, const liq_node *node, gz_buf *out)
{
    liq_error *e = ctx->err;
    if (!e->located) {
        e->located = true;
        e->line = node->line;
        e->column = node->column;
        e->file = ctx->t->name;
    }
    if (ctx->errors_fatal || e->abort)
        return false;
    if (node->kind == LIQ_N_OUTPUT || !node->blank)
        format_error(e, out);
    e->set = false;
    ctx->failures++;
    return true;
}

/* ---- bodies ----------------------------------------------------------- */

bool
liq_spend(liq_ctx *ctx, size_t output)
{
    liq_budget *b = ctx->budget;
    if ((b->step_limit && ++b->steps > b->step_limit) ||
        (b->memory_limit &&
         gz_arena_bytes(b->arena) - b->memory_base + output > b->memory_limit)) {
        liq_render_error(ctx, "Memory limits exceeded");
        ctx->err->abort = true;
        return false;
    }
    return true;
}

bool
liq_fits(liq_ctx *ctx, size_t bytes)
{
    liq_budget *b = ctx->budget;
    if (!b->memory_limit || gz_arena_bytes(b->arena) - b->memory_base + bytes <= b->memory_limit)
        return true;
    liq_render_error(ctx, "Memory limits exceeded");
    ctx->err->abort = true;
    return false;
}

bool
liq_render_body(liq_ctx *ctx, const liq_body *body, gz_buf *out)
{
    bool limited = ctx->budget->step_limit || ctx->budget->memory_limit;
    if (limited && !liq_spend(ctx, out->len))
        return false;
    for (uint32_t i = 0; i < body->len; i++) {
        const liq_node *node = &body->nodes[i];
        bool ok;
        if (limited && !liq_spend(ctx, out->len))
            return false;
        switch (node->kind) {
        case LIQ_N_TEXT:
            gz_buf_put(out, node->u.text.p, node->u.text.len);
            continue;
        case LIQ_N_OUTPUT: {
            gz_value v;
            ok = liq_eval_variable(ctx, node->u.var, &v);
            if (ok)
                liq_to_s(out, v, ctx->env);
            break;
        }
        default:
            ok = node->tag->render(ctx, node, out);
            break;
        }
        if (!ok && !node_failed(ctx, node, out))
            return false;
        /* break and continue stop every body up to their loop */
        if (ctx->ninterrupts)
            return true;
    }
    return true;
}

void
liq_push_interrupt(liq_ctx *ctx, liq_interrupt what)
{
    if (ctx->ninterrupts == ctx->interrupts_cap) {
        uint32_t cap = ctx->interrupts_cap ? ctx->interrupts_cap * 2 : 4;
        ctx->interrupts = gz_arena_realloc(ctx->env->arena, ctx->interrupts,
                                           ctx->interrupts_cap * sizeof *ctx->interrupts,
                                           cap * sizeof *ctx->interrupts);
        ctx->interrupts_cap = cap;
    }
    ctx->interrupts[ctx->ninterrupts++] = what;
}

liq_interrupt
liq_pop_interrupt(liq_ctx *ctx)
{
    return ctx->ninterrupts ? ctx->interrupts[--ctx->ninterrupts] : LIQ_INT_NONE;
}

/* ---- scopes ----------------------------------------------------------- */

bool
liq_push_scope(liq_ctx *ctx)
{
    if (ctx->depth_base + ctx->nscopes + 1 > LIQ_MAX_DEPTH)
        return liq_render_error(ctx, "Nesting too deep");
    ctx->scopes[ctx->nscopes++] = NULL;
    return true;
}

void
liq_pop_scope(liq_ctx *ctx)
{
    ctx->nscopes--;
}

static void
set_in(liq_ctx *ctx, gz_hash **scope, gz_str name, gz_value v)
{
    if (!*scope)
        *scope = gz_hash_new(ctx->env->arena, 4);
    gz_hash_set(ctx->env->arena, *scope, name, v);
}

void
liq_set_local(liq_ctx *ctx, gz_str name, gz_value v)
{
    set_in(ctx, &ctx->scopes[ctx->nscopes - 1], name, v);
}

void
liq_set_global(liq_ctx *ctx, gz_str name, gz_value v)
{
    set_in(ctx, &ctx->scopes[0], name, v);
}

gz_value
liq_find_variable(liq_ctx *ctx, gz_str name)
{
    for (int i = ctx->nscopes - 1; i >= 0; i--) {
        gz_value *v = ctx->scopes[i] ? gz_hash_get(ctx->scopes[i], name) : NULL;
        if (v)
            return *v;
    }
    gz_value *v = ctx->counters ? gz_hash_get(ctx->counters, name) : NULL;
    if (!v && ctx->vars)
        v = gz_hash_get(ctx->vars, name);
    return v ? *v : gz_nil();
}

/* ---- helpers for tags ------------------------------------------------- */

bool
liq_ctx_to_integer(liq_ctx *ctx, gz_value v, int64_t *out)
{
    if (liq_to_int(v, out))
        return true;
    return liq_render_error(ctx, "invalid integer");
}

gz_value
liq_ctx_string(liq_ctx *ctx, gz_value v)
{
    return liq_as_string(v, ctx->env);
}

/* ---- what filters see (filter.h) -------------------------------------- */

gz_arena *
liq_ctx_arena(liq_ctx *ctx)
{
    return ctx->env->arena;
}

gz_drop_env *
liq_ctx_env(liq_ctx *ctx)
{
    return ctx->env;
}

const liq_site_hooks *
liq_ctx_site(liq_ctx *ctx)
{
    return ctx->site;
}

liq_mode
liq_ctx_mode(liq_ctx *ctx)
{
    return ctx->mode;
}

void
liq_ctx_unshareable(liq_ctx *ctx)
{
    ctx->unshareable++;
}

const liq_cond *
liq_ctx_parse_condition(liq_ctx *ctx, gz_str expr)
{
    liq_parser p = { 0 };
    p.arena = ctx->env->arena;
    p.mode = LIQ_STRICT;
    gz_buf err = GZ_BUF_INIT;
    liq_cond *c = liq_cond_parse_jekyll(&p, expr, &err);
    gz_buf_free(&p.scratch);
    if (!c)
        liq_render_error(ctx, "%s", err.data);
    gz_buf_free(&err);
    return c;
}

const liq_variable *
liq_ctx_parse_expression(liq_ctx *ctx, gz_str expr)
{
    liq_parser p = { 0 };
    p.arena = ctx->env->arena;
    p.mode = LIQ_LAX; /* Jekyll builds it with a default ParseContext */
    p.jekyll = true;
    liq_variable *v = liq_variable_parse(&p, expr);
    gz_buf_free(&p.scratch);
    gz_buf_free(&p.error);
    if (!v)
        liq_filter_error(ctx, "invalid expression '%.*s'", (int)expr.len, expr.p);
    return v;
}

bool
liq_ctx_push_scope(liq_ctx *ctx)
{
    return liq_push_scope(ctx);
}

void
liq_ctx_pop_scope(liq_ctx *ctx)
{
    liq_pop_scope(ctx);
}

bool
liq_ctx_bound_condition(liq_ctx *ctx, const liq_cond *c, gz_str var, gz_value item, bool *out)
{
    liq_set_local(ctx, var, item);
    *out = false;
    return liq_eval_cond(ctx, c, out);
}

bool
liq_ctx_bound_expression(liq_ctx *ctx, const liq_variable *v, gz_str var, gz_value item,
                         gz_value *out)
{
    liq_set_local(ctx, var, item);
    return liq_eval_variable(ctx, v, out);
}

/* ---- rendering a template --------------------------------------------- */

void
liq_ctx_init(liq_ctx *ctx, const liq_template *t, gz_drop_env *env, liq_error *err,
             liq_budget *budget)
{
    memset(ctx, 0, sizeof *ctx);
    ctx->t = t;
    ctx->engine = t->engine;
    ctx->env = env;
    ctx->nscopes = 1;
    ctx->forloop = gz_nil();
    ctx->ifchanged = gz_nil();
    ctx->err = err;
    ctx->budget = budget;
    liq_engine_setup_ctx(t->engine, ctx);
}

bool
liq_render(const liq_template *t, gz_hash *vars, const liq_render_options *opts, gz_buf *out,
           gz_diags *diags)
{
    gz_drop_env own = { NULL, NULL }, *env = opts ? opts->env : NULL;
    if (!env) {
        own.arena = gz_arena_new();
        env = &own;
    }
    liq_error err = { 0 };
    liq_budget budget = { 0 };
    liq_engine_limits(t->engine, &budget);
    budget.arena = env->arena;
    budget.memory_base = gz_arena_bytes(env->arena);
    liq_ctx ctx;
    liq_ctx_init(&ctx, t, env, &err, &budget);
    ctx.vars = vars;
    ctx.errors_fatal = opts && opts->errors_fatal;
    ctx.memo = opts ? opts->memo : NULL;
    gz_buf_grow(out, 0);
    bool ok = liq_render_body(&ctx, &t->body, out);
    if (!ok) {
        gz_buf msg = GZ_BUF_INIT;
        format_error(&err, &msg);
        gz_diags_add(diags, GZ_ERROR, err.file, err.line, err.column, "%s", msg.data);
        gz_buf_free(&msg);
    }
    gz_buf_free(&err.message);
    if (own.arena)
        gz_arena_free(own.arena);
    return ok;
}
