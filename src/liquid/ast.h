/* The parsed form of a template, internal to the liquid part.
 *
 * Everything here lives in the template's arena and is immutable once
 * liq_parse returns, so one template renders from many threads at once.
 * Strings (text, names, keys) point into the template's copy of its
 * source. */
#ifndef LIQ_AST_H
#define LIQ_AST_H

#include <stdint.h>

#include "liquid/filter.h"
#include "liquid/liquid.h"

/* Blocks nested deeper than this, and partials or scopes nested deeper,
 * are errors ("Nesting too deep"), as in Ruby Liquid. */
#define LIQ_MAX_DEPTH 100

/* ---- expressions ------------------------------------------------------ */

typedef enum liq_expr_kind {
    LIQ_E_LIT,   /* a literal value: string, number, true/false/nil, range */
    LIQ_E_VAR,   /* a variable lookup: name and segments */
    LIQ_E_RANGE, /* (a..b) with at least one non-literal end */
    LIQ_E_EMPTY, /* `empty` in a condition (Ruby's MethodLiteral :empty?) */
    LIQ_E_BLANK, /* `blank` in a condition (:blank?, never true in 5.4) */
} liq_expr_kind;

typedef struct liq_expr liq_expr;

/* One `.key` or `[expr]` after a variable's name. */
typedef struct liq_segment {
    gz_str key;      /* dot segment */
    liq_expr *index; /* bracket segment, else NULL */
    bool command;    /* dot segment named size, first or last */
} liq_segment;

struct liq_expr {
    liq_expr_kind kind;
    uint32_t nsegs;
    union {
        gz_value lit;
        struct {
            gz_str name;          /* plain name */
            liq_expr *name_expr;  /* [expr] as the name, else NULL */
            liq_segment *segs;
        } var;
        struct {
            liq_expr *first, *last;
        } range;
    } u;
};

/* ---- output: {{ expr | filter: args }} -------------------------------- */

typedef struct liq_filter_call {
    gz_str name;
    const liq_filter_def *def; /* NULL: unknown, the input passes through */
    liq_expr **args;
    uint32_t nargs;
    uint32_t nkw;
    gz_str *kw_names;
    liq_expr **kw_values;
} liq_filter_call;

typedef struct liq_variable {
    liq_expr *expr; /* NULL: empty markup, renders nil */
    liq_filter_call *filters;
    uint32_t nfilters;
} liq_variable;

/* The variables a part of a template reads from outside itself (by their
 * first name: `site` for site.pages), when that is all it depends on.
 * refs.c works it out while parsing; rendered fragments are shared on it
 * (memo.c). */
typedef struct liq_reads {
    bool known; /* false: it also depends on, or changes, something else */
    uint32_t n;
    gz_str *names; /* distinct */
} liq_reads;

/* ---- conditions ------------------------------------------------------- */

typedef enum liq_op {
    LIQ_OP_NONE, /* just `left`, by truthiness */
    LIQ_OP_EQ,
    LIQ_OP_NE,
    LIQ_OP_LT,
    LIQ_OP_GT,
    LIQ_OP_LE,
    LIQ_OP_GE,
    LIQ_OP_CONTAINS,
    LIQ_OP_UNKNOWN, /* lax mode accepts any [=!<>a-z_]+; rendering fails */
} liq_op;

typedef enum liq_relation { LIQ_REL_NONE, LIQ_REL_AND, LIQ_REL_OR } liq_relation;

/* `a op b` chained to the next condition by and/or. Liquid evaluates the
 * chain from the left but groups it to the right: a and b or c is
 * a and (b or c). */
typedef struct liq_cond {
    liq_expr *left, *right;
    liq_op op;
    gz_str op_text;
    liq_relation rel;
    struct liq_cond *next;
} liq_cond;

/* ---- nodes ------------------------------------------------------------ */

typedef struct liq_node liq_node;

typedef struct liq_body {
    liq_node *nodes;
    uint32_t len;
    uint32_t cap;
    bool blank; /* only whitespace text and blank tags */
} liq_body;

typedef struct liq_tag_def liq_tag_def;

typedef enum liq_node_kind { LIQ_N_TEXT, LIQ_N_OUTPUT, LIQ_N_TAG } liq_node_kind;

struct liq_node {
    liq_node_kind kind;
    bool blank;         /* a blank tag: its render errors are not printed */
    int line, column;   /* where Ruby Liquid reports it; column for diagnostics */
    const liq_tag_def *tag;
    union {
        gz_str text;
        liq_variable *var;
        void *data; /* the tag's own parsed form */
    } u;
};

/* ---- templates -------------------------------------------------------- */

struct liq_template {
    gz_arena *arena;
    gz_str source; /* the template's own copy */
    char *name;    /* for messages; may be NULL */
    liq_engine *engine;
    liq_body body;
};

#endif
