/* Rendering internals shared by render.c, the expression evaluator and
 * the tags: the render context (liq_ctx), scopes, errors and partials.
 * Internal to the liquid part. */
#ifndef LIQ_RENDER_H
#define LIQ_RENDER_H

#include "liquid/ast.h"

typedef enum liq_interrupt { LIQ_INT_NONE, LIQ_INT_BREAK, LIQ_INT_CONTINUE } liq_interrupt;

/* The error being raised, shared by a render and its partials' renders. */
typedef struct liq_error {
    bool set;
    bool syntax;       /* "Liquid syntax error" (a partial that fails to parse) */
    bool located;      /* line/column/file attached */
    gz_diags *warnings; /* inline errors are also reported here (may be NULL) */
    int line, column;
    const char *file;  /* template name, may be NULL */
    gz_buf message;    /* without the "Liquid error (...): " prefix */
    bool abort;        /* a resource limit: stops the render in any mode */
} liq_error;

/* What a render may still spend (liq_render_options' limits), shared by
 * a render and its partials' renders. */
typedef struct liq_budget {
    uint64_t steps, step_limit;
    const gz_arena *arena;
    size_t memory_base, memory_limit;
} liq_budget;

/* Registers (Ruby's context.registers): state tags keep across a render
 * (include shares them; a {% render %} partial starts with none). */
typedef struct liq_registers {
    gz_hash *cycles;  /* cycle group -> position */
    gz_hash *offsets; /* for-loop name -> next offset (offset: continue) */
} liq_registers;

struct liq_ctx {
    const liq_template *t; /* the template whose nodes are rendering */
    liq_engine *engine;
    gz_drop_env *env;
    liq_mode mode;
    bool errors_fatal;
    const liq_site_hooks *site;

    /* scopes[0] is the outermost (assign and capture write there); the
     * last one is the innermost (loop variables, include parameters). A
     * NULL entry is an empty scope not yet written. */
    gz_hash *scopes[LIQ_MAX_DEPTH + 1];
    int nscopes;
    int depth_base;     /* nesting of {% render %} contexts */
    gz_hash *vars;      /* the caller's variables, never written */
    gz_hash *counters;  /* increment/decrement, shadowing vars */

    /* Ruby keeps break/continue on a stack: a loop takes one per item, so
     * breaks that no loop takes (in tablerow, outside any loop) stay and
     * stop every enclosing body. */
    liq_interrupt *interrupts;
    uint32_t ninterrupts, interrupts_cap;
    gz_value forloop;   /* the innermost forloop object, for parentloop */
    liq_registers reg;
    gz_value ifchanged; /* last output of {% ifchanged %}, nil at first */
    int include_disabled; /* inside {% render %}: include is an error */

    liq_error *err;
    liq_budget *budget;

    liq_memo *memo;        /* NULL: nothing is shared (memo.c) */
    uint32_t failures;     /* node errors printed inline so far */
    uint32_t unshareable;  /* results that differ between renders (the clock) */
};

/* Raises a render error "Liquid error: <message>" (Ruby's wording, e.g.
 * "divided by 0"); always returns false. */
bool liq_render_error(liq_ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Renders a body: text as is, nodes in order, stopping at break/continue.
 * A node's error is printed inline ("Liquid error (line N): ...") or,
 * with errors_fatal, returned as false. */
bool liq_render_body(liq_ctx *ctx, const liq_body *body, gz_buf *out);

/* Counts one step (a body, a node, a filter) against the limits of
 * liq_options, given the output's size so far; false after raising
 * "Memory limits exceeded". Only called when a limit is set. */
bool liq_spend(liq_ctx *ctx, size_t output);
/* Whether a value of `bytes` being built still fits the memory limit (no
 * step is counted): for filters whose output can outgrow the limit many
 * times over in one call. False after raising "Memory limits exceeded". */
bool liq_fits(liq_ctx *ctx, size_t bytes);

/* break and continue. */
void liq_push_interrupt(liq_ctx *ctx, liq_interrupt what);
liq_interrupt liq_pop_interrupt(liq_ctx *ctx);

/* Scopes. */
bool liq_push_scope(liq_ctx *ctx);
void liq_pop_scope(liq_ctx *ctx);
void liq_set_local(liq_ctx *ctx, gz_str name, gz_value v);  /* innermost scope */
void liq_set_global(liq_ctx *ctx, gz_str name, gz_value v); /* outermost scope */
/* Ruby's find_variable: scopes innermost first, then the variables. */
gz_value liq_find_variable(liq_ctx *ctx, gz_str name);

/* Evaluates an expression; false on a render error (e.g. "invalid integer"
 * in a range). Method literals (empty, blank) evaluate to "". */
bool liq_eval(liq_ctx *ctx, const liq_expr *e, gz_value *out);
/* Evaluates an output's expression and filters. */
bool liq_eval_variable(liq_ctx *ctx, const liq_variable *var, gz_value *out);
/* Evaluates a condition chain. */
bool liq_eval_cond(liq_ctx *ctx, const liq_cond *c, bool *out);

/* Liquid's to_integer for tag arguments (Integer(x.to_s)): false after
 * raising "invalid integer". */
bool liq_ctx_to_integer(liq_ctx *ctx, gz_value v, int64_t *out);

/* Loads a partial through the engine's loader and cache; false after
 * raising Liquid's error (not found, no file system, syntax error). */
bool liq_load_partial(liq_ctx *ctx, gz_str name, const liq_template **out);

/* Sets up a context to render t (its engine's mode and hooks). */
void liq_ctx_init(liq_ctx *ctx, const liq_template *t, gz_drop_env *env, liq_error *err,
                  liq_budget *budget);
/* engine.c: copies the engine's mode and site hooks into a context; the
 * site hooks alone; the limits into a render's budget. */
void liq_engine_setup_ctx(const liq_engine *e, liq_ctx *ctx);
const liq_site_hooks *liq_engine_site(const liq_engine *e);
void liq_engine_limits(const liq_engine *e, liq_budget *budget);

/* ---- sharing fragments between renders (memo.c) ---- */

/* Whether a template part reading `reads` renders the same in every
 * render of ctx's memo: it reads only the memo's constants, and none is
 * shadowed here. */
bool liq_memo_applies(liq_ctx *ctx, const liq_reads *reads);
/* Whether v is an array or hash the memo shares (an assign's shared
 * value, or part of one): a loop over it is the same in every render. */
bool liq_memo_holds(liq_ctx *ctx, gz_value v);

/* var's value (evaluated at `node`), computed once for every render of
 * the memo when liq_memo_applies to its reads. */
bool liq_eval_shared(liq_ctx *ctx, const void *node, const liq_reads *reads,
                     const liq_variable *var, gz_value *out);

/* A shared fragment: the node, what it is applied to (NULL for a value),
 * the slice. */
typedef struct liq_memo_key {
    const void *node;
    const void *of;
    int64_t from;
    uint64_t len;
} liq_memo_key;

/* A fragment already shared (FOUND): appends its text (or sets its value)
 * and replays its reads into this render. NONE: not computed yet; REFUSED:
 * computed and found not shareable, so only to be computed plainly. */
typedef enum liq_memo_found { LIQ_MEMO_NONE, LIQ_MEMO_FOUND, LIQ_MEMO_REFUSED } liq_memo_found;
liq_memo_found liq_memo_find_text(liq_ctx *ctx, const liq_memo_key *k, gz_buf *out);
liq_memo_found liq_memo_find_value(liq_ctx *ctx, const liq_memo_key *k, gz_value *out);

/* Computing a fragment to share: mark, render or evaluate it, then end
 * with how that went and what it made. A value is stored as a copy,
 * which *v becomes. After an error, or when the recorder refuses, the
 * fragment is remembered as refused instead. */
typedef struct liq_memo_mark {
    uint32_t failures, unshareable;
} liq_memo_mark;
liq_memo_mark liq_memo_begin(liq_ctx *ctx);
void liq_memo_end_text(liq_ctx *ctx, liq_memo_mark m, const liq_memo_key *k, bool ok,
                       gz_str text);
void liq_memo_end_value(liq_ctx *ctx, liq_memo_mark m, const liq_memo_key *k, bool ok,
                        gz_value *v);

/* A forloop object (Liquid::ForloopDrop) for `length` items; next moves
 * it to the following item. */
gz_value liq_forloop_new(liq_ctx *ctx, gz_str name, int64_t length, gz_value parent);
void liq_forloop_next(gz_value loop);

/* A value's text as {{ }} prints it, into the render arena. */
gz_value liq_ctx_string(liq_ctx *ctx, gz_value v);

#endif
