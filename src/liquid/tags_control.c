/* Conditional tags: if/elsif/else, unless, case/when/else. */
#include "liquid/parse.h"
#include "liquid/scan.h"

/* A condition and the body it guards; cond NULL is an else. Several
 * `when` values share one body. */
typedef struct branch {
    liq_cond *cond;
    liq_body *body;
} branch;

typedef struct branches {
    branch *items;
    uint32_t len, cap;
    liq_expr *subject; /* case only */
} branches;

static liq_body *
new_body(liq_parser *p)
{
    return gz_arena_calloc(p->arena, 1, sizeof(liq_body));
}

static void
add_branch(liq_parser *p, branches *b, liq_cond *cond, liq_body *body)
{
    if (b->len == b->cap) {
        uint32_t cap = b->cap ? b->cap * 2 : 2;
        b->items = gz_arena_realloc(p->arena, b->items, b->cap * sizeof *b->items,
                                    cap * sizeof *b->items);
        b->cap = cap;
    }
    b->items[b->len++] = (branch){ cond, body };
}

/* A blank block (only whitespace and blank tags) prints none of its
 * whitespace either. */
static void
finish_blank(branches *b, liq_node *node, bool blank)
{
    node->blank = blank;
    if (blank)
        for (uint32_t i = 0; i < b->len; i++)
            liq_body_remove_blank_text(b->items[i].body);
}

/* ---- if / unless ------------------------------------------------------ */

static bool
parse_if(liq_parser *p, liq_tokenizer *tk, liq_node *node, gz_str markup)
{
    const char *name = node->tag->name;
    branches *b = gz_arena_calloc(p->arena, 1, sizeof *b);
    liq_cond *cond = liq_cond_parse(p, markup);
    if (!cond)
        return false;
    add_branch(p, b, cond, new_body(p));
    bool blank = true;
    for (;;) {
        liq_end end;
        liq_body *body = b->items[b->len - 1].body;
        if (!liq_parse_body(p, tk, body, &end))
            return false;
        blank = blank && body->blank;
        if (!end.eof && gz_str_eq_c(end.name, "else")) {
            add_branch(p, b, NULL, new_body(p));
        } else if (!end.eof && gz_str_eq_c(end.name, "elsif")) {
            if (!(cond = liq_cond_parse(p, end.markup)))
                return false;
            add_branch(p, b, cond, new_body(p));
        } else if (liq_expect_end(p, &end, name)) {
            break;
        } else {
            return false;
        }
    }
    finish_blank(b, node, blank);
    node->u.data = b;
    return true;
}

static bool
render_branches(liq_ctx *ctx, const branches *b, uint32_t from, gz_buf *out)
{
    for (uint32_t i = from; i < b->len; i++) {
        bool yes = true;
        if (b->items[i].cond && !liq_eval_cond(ctx, b->items[i].cond, &yes))
            return false;
        if (yes)
            return liq_render_body(ctx, b->items[i].body, out);
    }
    return true;
}

static bool
render_if(liq_ctx *ctx, const liq_node *node, gz_buf *out)
{
    return render_branches(ctx, node->u.data, 0, out);
}

/* unless: the first condition reversed, then like if. */
static bool
render_unless(liq_ctx *ctx, const liq_node *node, gz_buf *out)
{
    const branches *b = node->u.data;
    bool yes;
    if (!liq_eval_cond(ctx, b->items[0].cond, &yes))
        return false;
    if (!yes)
        return liq_render_body(ctx, b->items[0].body, out);
    return render_branches(ctx, b, 1, out);
}

/* if, unless and case read their conditions and their bodies. */
static void
reads_branches(const liq_node *node, liq_refs *r)
{
    const branches *b = node->u.data;
    liq_refs_expr(r, b->subject);
    for (uint32_t i = 0; i < b->len; i++) {
        liq_refs_cond(r, b->items[i].cond);
        liq_refs_body(r, b->items[i].body);
    }
}

const liq_tag_def liq_tag_if = { "if", parse_if, render_if, reads_branches };
const liq_tag_def liq_tag_unless = { "unless", parse_if, render_unless, reads_branches };

/* ---- case ------------------------------------------------------------- */

/* WhenSyntax /(QuotedFragment)(?:(?:\s+or\s+|\s*,\s*)(QuotedFragment.*))?/m,
 * applied until no value is left. */
static bool
parse_when(liq_parser *p, branches *b, gz_str markup, liq_body *body)
{
    gz_str value;
    for (;;) {
        if (!liq_find_quoted_fragment(markup, 0, &value))
            return liq_syntax_error(p, "Syntax Error in tag 'case' - Valid when condition: "
                                       "{%% when [condition] [or condition2...] %%}");
        liq_cond *c = gz_arena_calloc(p->arena, 1, sizeof *c);
        c->left = b->subject;
        c->op = LIQ_OP_EQ;
        c->right = liq_cond_operand_parse(p, value);
        add_branch(p, b, c, body);
        /* the separator must follow the value directly */
        size_t i = (size_t)(value.p - markup.p) + value.len, j = liq_skip_space(markup, i);
        size_t next;
        if (j < markup.len && markup.p[j] == ',') {
            next = liq_skip_space(markup, j + 1);
        } else if (j > i && j + 2 < markup.len && markup.p[j] == 'o' && markup.p[j + 1] == 'r' &&
                   liq_is_space(markup.p[j + 2])) {
            next = liq_skip_space(markup, j + 2);
        } else {
            return true;
        }
        if (liq_quoted_fragment(markup, next) == next)
            return true;
        markup = liq_substr(markup, next, markup.len);
    }
}

static bool
parse_case(liq_parser *p, liq_tokenizer *tk, liq_node *node, gz_str markup)
{
    branches *b = gz_arena_calloc(p->arena, 1, sizeof *b);
    gz_str subject;
    if (!liq_find_quoted_fragment(markup, 0, &subject))
        return liq_syntax_error(p, "Syntax Error in 'case' - Valid syntax: case [condition]");
    b->subject = liq_expr_parse(p, subject);
    /* what precedes the first when is parsed, then never rendered */
    liq_body *body = new_body(p);
    bool blank = true;
    for (;;) {
        liq_end end;
        if (!liq_parse_body(p, tk, body, &end))
            return false;
        blank = blank && body->blank;
        if (!end.eof && gz_str_eq_c(end.name, "when")) {
            body = new_body(p);
            if (!parse_when(p, b, end.markup, body))
                return false;
        } else if (!end.eof && gz_str_eq_c(end.name, "else")) {
            if (liq_strip(end.markup).len)
                return liq_syntax_error(p, "Syntax Error in tag 'case' - Valid else condition: "
                                           "{%% else %%} (no parameters) ");
            body = new_body(p);
            add_branch(p, b, NULL, body);
        } else if (liq_expect_end(p, &end, "case")) {
            break;
        } else {
            return false;
        }
    }
    finish_blank(b, node, blank);
    node->u.data = b;
    return true;
}

/* Every matching when renders; else only if none matched before it. */
static bool
render_case(liq_ctx *ctx, const liq_node *node, gz_buf *out)
{
    const branches *b = node->u.data;
    bool run_else = true;
    for (uint32_t i = 0; i < b->len; i++) {
        const branch *br = &b->items[i];
        bool yes;
        if (!br->cond) {
            yes = run_else;
        } else {
            if (!liq_eval_cond(ctx, br->cond, &yes))
                return false;
            run_else = run_else && !yes;
        }
        if (yes && !liq_render_body(ctx, br->body, out))
            return false;
    }
    return true;
}

const liq_tag_def liq_tag_case = { "case", parse_case, render_case, reads_branches };
