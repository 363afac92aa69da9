/* Parsing internals shared by parser.c, the expression parsers and the
 * tags: the template tokenizer, the parser state, block bodies and syntax
 * errors. Internal to the liquid part. */
#ifndef LIQ_PARSE_H
#define LIQ_PARSE_H

#include "liquid/ast.h"
#include "liquid/render.h"

/* ---- template tokens -------------------------------------------------- */

typedef enum liq_token_kind { LIQ_T_TEXT, LIQ_T_TAG, LIQ_T_OUTPUT } liq_token_kind;

typedef struct liq_token {
    liq_token_kind kind;
    gz_str text; /* the whole token, e.g. "{%- if x -%}" */
} liq_token;

/* Splits a template the way Ruby Liquid does: "{%...%}", "{{...}" or
 * "{{...}}", a lone "{%" or "{{" when unterminated, and the text between.
 * Inside {% liquid %} it yields the markup line by line instead. */
typedef struct liq_close_memo {
    bool valid;
    size_t from, at;
} liq_close_memo;

typedef struct liq_tokenizer {
    gz_str src;
    size_t pos;
    bool for_liquid_tag;
    liq_close_memo tag_close, output_close; /* where "%}" and "}" were last found */
} liq_tokenizer;

void liq_tokenizer_init(liq_tokenizer *tk, gz_str src, bool for_liquid_tag);
/* False at the end of input. Empty tokens are skipped. */
bool liq_tokenizer_next(liq_tokenizer *tk, liq_token *tok);

/* ---- parser state ----------------------------------------------------- */

/* Line and column of byte offsets, advanced forward incrementally so that
 * locating every node stays linear in the size of the template. */
typedef struct liq_tracker {
    size_t offset;
    int line, column;
} liq_tracker;

typedef struct liq_refs liq_refs;

typedef struct liq_parser {
    liq_template *t;
    gz_arena *arena;
    liq_mode mode;
    bool jekyll;
    int depth;      /* nested block bodies; Liquid stops at 100 */
    bool trim_next; /* the previous tag ended with -%} or -}} */
    liq_tracker where;
    size_t at;      /* offset of the token being parsed, for messages */
    int at_line;    /* Ruby's line number of that token */
    gz_diags *diags;
    gz_buf scratch; /* reused by the strict lexer for its tokens */
    /* The last error, without the "Liquid syntax error (...)" prefix, for
     * a partial that fails to parse while rendering. */
    gz_buf error;
    int error_line, error_column;
    bool error_syntax;
} liq_parser;

/* Line/column of a byte offset of the template source. */
void liq_locate(liq_parser *p, size_t offset, int *line, int *column);

/* Adds "Liquid syntax error (name line N): <message>" at the current
 * token and returns false. */
bool liq_syntax_error(liq_parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A copy of a heap buffer's bytes in the template's arena (NULL when
 * empty): arrays built while parsing end up there. */
void *liq_arena_dup(liq_parser *p, const gz_buf *b);

/* Offset of a view into the template source. */
static inline size_t
liq_offset(const liq_parser *p, gz_str s)
{
    return (size_t)(s.p - p->t->source.p);
}

/* ---- block bodies ----------------------------------------------------- */

/* What stopped a body: the end of input, or a tag the body does not know
 * (an end tag, else, when, ...), left for the enclosing tag to judge. */
typedef struct liq_end {
    bool eof;
    gz_str name;
    gz_str markup;
} liq_end;

/* Parses nodes into `body` until `end`; enforces the nesting limit. */
bool liq_parse_body(liq_parser *p, liq_tokenizer *tk, liq_body *body, liq_end *end);

/* The verdict on an end tag for a block called `block`: true when it is
 * "end<block>"; false with Liquid's error otherwise (never closed,
 * unexpected else, wrong delimiter, unknown tag). */
bool liq_expect_end(liq_parser *p, const liq_end *end, const char *block);
/* Liquid's error for a tag a block does not accept. */
bool liq_unknown_tag(liq_parser *p, gz_str tag, const char *block, const char *delimiter);

/* Drops whitespace-only text from the body of a blank block tag. */
void liq_body_remove_blank_text(liq_body *body);

/* ---- what a part of a template reads (refs.c) ------------------------- */

/* Collects the names read while walking a part of a template. */
typedef struct liq_refs {
    gz_str names[16];
    uint32_t n;
    gz_str bound[8]; /* names the part binds itself (a loop's variable) */
    uint32_t nbound;
    bool opaque;
} liq_refs;

/* Binds a name for what is walked next (a loop variable, forloop). */
void liq_refs_bind(liq_refs *r, gz_str name);
void liq_refs_expr(liq_refs *r, const liq_expr *e);
void liq_refs_variable(liq_refs *r, const liq_variable *v);
void liq_refs_cond(liq_refs *r, const liq_cond *c);
void liq_refs_body(liq_refs *r, const liq_body *b);
/* A tag's `reads` for tags that read nothing and change nothing a loop
 * does not hold: raw, comments, break and continue. */
void liq_reads_nothing(const liq_node *node, liq_refs *r);
/* The result, copied into the template's arena. */
liq_reads liq_refs_finish(liq_parser *p, const liq_refs *r);

/* ---- tags ------------------------------------------------------------- */

struct liq_tag_def {
    const char *name;
    /* Parses the markup (and a block's body from `tk`) into node->u.data;
     * sets node->blank when the tag renders nothing visible. */
    bool (*parse)(liq_parser *p, liq_tokenizer *tk, liq_node *node, gz_str markup);
    /* Returns false on a render error (liq_render_error). */
    bool (*render)(liq_ctx *ctx, const liq_node *node, gz_buf *out);
    /* Reports what the tag reads (refs.c); NULL: a tag that changes the
     * render's state or reads more than its variables (assign, include,
     * cycle, ...), which nothing around it can be shared past. */
    void (*reads)(const liq_node *node, liq_refs *r);
};

const liq_tag_def *liq_tag_find(gz_str name);

extern const liq_tag_def liq_tag_if, liq_tag_unless, liq_tag_case;
extern const liq_tag_def liq_tag_for, liq_tag_tablerow, liq_tag_cycle, liq_tag_break,
    liq_tag_continue, liq_tag_ifchanged;
extern const liq_tag_def liq_tag_assign, liq_tag_capture, liq_tag_increment,
    liq_tag_decrement, liq_tag_echo;
extern const liq_tag_def liq_tag_include, liq_tag_render;
extern const liq_tag_def liq_tag_raw, liq_tag_comment, liq_tag_inline_comment;

/* ---- expressions and outputs ----------------------------------------- */

/* Ruby's Expression.parse: a literal, a range or a variable lookup from
 * the markup (surrounding whitespace ignored). Never fails. */
liq_expr *liq_expr_parse(liq_parser *p, gz_str markup);
/* Condition operands: `empty` and `blank` are method literals. */
liq_expr *liq_cond_operand_parse(liq_parser *p, gz_str markup);

/* {{ markup }} and echo: strict syntax first; in lax mode anything strict
 * rejects is read by the lax rules instead. */
liq_variable *liq_variable_parse(liq_parser *p, gz_str markup);

/* if/elsif/unless markup in the current mode. */
liq_cond *liq_cond_parse(liq_parser *p, gz_str markup);
/* Jekyll's where_exp/find_exp conditions: the strict syntax, operands by
 * Expression.parse (so `empty` is ""). NULL with Liquid's message in err. */
liq_cond *liq_cond_parse_jekyll(liq_parser *p, gz_str markup, gz_buf *err);

/* Parses p->t->source into p->t->body. */
bool liq_parse_document(liq_parser *p);

#endif
