/* Conditions of if, elsif and unless (case/when builds them too), and
 * their evaluation with Ruby Liquid's operators. */
#include "liquid/convert.h"
#include "liquid/filters_internal.h"
#include "liquid/lexer.h"
#include "liquid/scan.h"

static liq_op
op_from_text(gz_str op)
{
    static const struct {
        const char *text;
        liq_op op;
    } ops[] = {
        { "==", LIQ_OP_EQ }, { "!=", LIQ_OP_NE }, { "<>", LIQ_OP_NE },
        { "<", LIQ_OP_LT },  { ">", LIQ_OP_GT },  { "<=", LIQ_OP_LE },
        { ">=", LIQ_OP_GE }, { "contains", LIQ_OP_CONTAINS },
    };
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
        if (gz_str_eq_c(op, ops[i].text))
            return ops[i].op;
    return LIQ_OP_UNKNOWN;
}

static liq_cond *
new_cond(liq_parser *p, liq_expr *left, gz_str op, liq_expr *right)
{
    liq_cond *c = gz_arena_calloc(p->arena, 1, sizeof *c);
    c->left = left;
    c->right = right;
    c->op = op.len ? op_from_text(op) : LIQ_OP_NONE;
    c->op_text = op;
    return c;
}

/* ---- lax: If::ExpressionsAndOperators and If::Syntax ------------------ */

/* \b(?:\s?and\s?|\s?or\s?)\b at i: its end, or i. */
static size_t
match_andor(gz_str s, size_t i)
{
    if (i > s.len)
        return i;
    bool before = i > 0 && liq_is_word(s.p[i - 1]), here = i < s.len && liq_is_word(s.p[i]);
    if (before == here) /* no word boundary at i */
        return i;
    for (int lead = 1; lead >= 0; lead--) {
        size_t j = i;
        if (lead) {
            if (j >= s.len || !liq_is_space(s.p[j]))
                continue;
            j++;
        }
        static const char *const words[] = { "and", "or" };
        for (int w = 0; w < 2; w++) {
            size_t wl = strlen(words[w]);
            if (j + wl > s.len || memcmp(s.p + j, words[w], wl))
                continue;
            size_t k = j + wl;
            /* \s?\b: with the space if a boundary follows it, else without */
            if (k < s.len && liq_is_space(s.p[k]) && k + 1 < s.len && liq_is_word(s.p[k + 1]))
                return k + 1;
            if (k == s.len || !liq_is_word(s.p[k]))
                return k;
        }
    }
    return i;
}

/* The next chunk of the markup: an and/or, or a run of fragments. */
static bool
next_chunk(gz_str s, size_t *pos, gz_str *chunk)
{
    for (size_t i = *pos; i < s.len; i++) {
        size_t end = match_andor(s, i);
        if (end == i) {
            /* (?:\s*(?!andor)(?:QuotedFragment|\S+)\s*)+ */
            size_t q = i;
            for (;;) {
                size_t r = liq_skip_space(s, q);
                if (r >= s.len || match_andor(s, r) != r)
                    break;
                size_t m = liq_quoted_fragment(s, r);
                if (m == r)
                    while (m < s.len && !liq_is_space(s.p[m]))
                        m++;
                q = liq_skip_space(s, m);
            }
            end = q;
        }
        if (end > i) {
            *chunk = liq_substr(s, i, end);
            *pos = end;
            return true;
        }
    }
    *pos = s.len;
    return false;
}

/* /(QuotedFragment)\s*([=!<>a-z_]+)?\s*(QuotedFragment)?/ searched in a
 * chunk. */
static liq_cond *
lax_comparison(liq_parser *p, gz_str s)
{
    gz_str left, right = { NULL, 0 }, op = { NULL, 0 };
    if (!liq_find_quoted_fragment(s, 0, &left))
        return NULL;
    size_t i = liq_skip_space(s, (size_t)(left.p - s.p) + left.len), j = i;
    while (j < s.len && s.p[j] && (strchr("=!<>_", s.p[j]) || (s.p[j] >= 'a' && s.p[j] <= 'z')))
        j++;
    if (j > i) {
        op = liq_substr(s, i, j);
        i = liq_skip_space(s, j);
    }
    size_t k = liq_quoted_fragment(s, i);
    if (k > i)
        right = liq_substr(s, i, k);
    return new_cond(p, liq_cond_operand_parse(p, left),
                    op, right.len ? liq_cond_operand_parse(p, right) : NULL);
}

static liq_cond *
lax_parse(liq_parser *p, gz_str markup)
{
    gz_buf chunks = GZ_BUF_INIT;
    size_t pos = 0, n;
    gz_str c;
    while (next_chunk(markup, &pos, &c))
        gz_buf_put(&chunks, &c, sizeof c);
    gz_str *v = (gz_str *)chunks.data;
    n = chunks.len / sizeof c;
    /* read from the right: each operator joins the condition on its left
     * to everything already read on its right */
    liq_cond *cond = n ? lax_comparison(p, v[--n]) : NULL;
    while (cond && n) {
        gz_str op = liq_strip(v[--n]);
        liq_cond *left = n ? lax_comparison(p, v[--n]) : NULL;
        if (!left || !(gz_str_eq_c(op, "and") || gz_str_eq_c(op, "or"))) {
            cond = NULL;
            break;
        }
        left->rel = op.p[0] == 'a' ? LIQ_REL_AND : LIQ_REL_OR;
        left->next = cond;
        cond = left;
    }
    gz_buf_free(&chunks);
    if (!cond)
        liq_syntax_error(p, "Syntax Error in tag 'if' - Valid syntax: if [expression]");
    return cond;
}

/* ---- strict ----------------------------------------------------------- */

/* An operand: with `empty`/`blank` as method literals (if, unless), or
 * read by Expression.parse alone (Jekyll's where_exp). */
typedef liq_expr *(*operand_parser)(liq_parser *p, gz_str markup);

static liq_cond *
strict_comparison(liq_parser *p, liq_lexer *lx, operand_parser operand)
{
    gz_str a, b, op = { NULL, 0 };
    if (!liq_lex_expression(lx, &a))
        return NULL;
    liq_expr *left = operand(p, a), *right = NULL;
    if (liq_lex_accept(lx, LIQ_TK_COMPARISON, &op)) {
        if (!liq_lex_expression(lx, &b))
            return NULL;
        right = operand(p, b);
    }
    return new_cond(p, left, op, right);
}

/* Parses `a op b (and|or a op b)*` with the strict lexer; NULL with the
 * lexer's message. */
static liq_cond *
strict_parse(liq_parser *p, liq_lexer *lx, operand_parser operand)
{
    liq_cond *first = strict_comparison(p, lx, operand), *last = first;
    while (last) {
        liq_relation rel = liq_lex_id(lx, "and") ? LIQ_REL_AND
                           : liq_lex_id(lx, "or") ? LIQ_REL_OR
                                                  : LIQ_REL_NONE;
        if (rel == LIQ_REL_NONE)
            break;
        liq_cond *next = strict_comparison(p, lx, operand);
        if (!next)
            return NULL;
        last->rel = rel;
        last->next = next;
        last = next;
    }
    if (!first || !liq_lex_consume(lx, LIQ_TK_END, NULL))
        return NULL;
    return first;
}

liq_cond *
liq_cond_parse(liq_parser *p, gz_str markup)
{
    if (p->mode == LIQ_LAX)
        return lax_parse(p, markup);
    liq_lexer lx;
    liq_cond *c = NULL;
    if (liq_lexer_init(&lx, p->arena, &p->scratch, markup))
        c = strict_parse(p, &lx, liq_cond_operand_parse);
    if (!c) {
        gz_str m = liq_strip(markup);
        liq_syntax_error(p, "%s in \"%.*s\"", lx.error.data, (int)m.len, m.p);
    }
    liq_lexer_free(&lx);
    return c;
}

liq_cond *
liq_cond_parse_jekyll(liq_parser *p, gz_str markup, gz_buf *err)
{
    liq_lexer lx;
    liq_cond *c = NULL;
    if (liq_lexer_init(&lx, p->arena, &p->scratch, markup))
        c = strict_parse(p, &lx, liq_expr_parse);
    if (!c)
        gz_buf_puts(err, lx.error.data ? lx.error.data : "");
    liq_lexer_free(&lx);
    return c;
}

/* ---- evaluation ------------------------------------------------------- */

static bool
is_method_literal(const liq_expr *e)
{
    return e && (e->kind == LIQ_E_EMPTY || e->kind == LIQ_E_BLANK);
}

/* Ruby's Condition#equal_variables. A method literal asks the other side
 * empty? (strings, arrays, hashes) or blank? (undefined without Rails:
 * never equal). */
static bool
equal(liq_ctx *ctx, const liq_cond *c, gz_value a, gz_value b)
{
    const liq_expr *lit = is_method_literal(c->left) ? c->left
                          : is_method_literal(c->right) ? c->right
                                                        : NULL;
    if (lit) {
        if (is_method_literal(c->left) && is_method_literal(c->right))
            return false;
        gz_value other = lit == c->left ? b : a;
        return lit->kind == LIQ_E_EMPTY && liq_is_empty(other, ctx->env);
    }
    return liq_equal(a, b);
}

static bool
contains(liq_ctx *ctx, const liq_cond *c, gz_value a, gz_value b)
{
    if (!gz_truthy(a) || !gz_truthy(b))
        return false;
    /* a method literal has no include?; as the needle only a string's
     * include? (of its to_s, "") can match it */
    if (is_method_literal(c->left) || (is_method_literal(c->right) && a.type != GZ_STRING))
        return false;
    switch (a.type) {
    case GZ_STRING: {
        /* right.to_s; a method literal's to_s is "" */
        gz_str needle = is_method_literal(c->right) ? gz_str_n("", 0) : liq_f_to_s(ctx, b);
        return gz_str_find(gz_value_str(a), needle, 0) >= 0;
    }
    case GZ_ARRAY:
        for (size_t i = 0; i < a.u.a->len; i++)
            if (liq_equal(a.u.a->items[i], b))
                return true;
        return false;
    case GZ_HASH:
        return b.type == GZ_STRING && gz_hash_get(a.u.h, gz_value_str(b)) != NULL;
    case GZ_RANGE:
        if (b.type == GZ_INT)
            return b.u.i >= a.u.r->first && b.u.i <= a.u.r->last;
        if (b.type == GZ_FLOAT)
            return b.u.f >= (double)a.u.r->first && b.u.f <= (double)a.u.r->last;
        return false;
    case GZ_DROP: {
        if (!a.u.d->cls->length || !a.u.d->cls->at)
            return false;
        gz_array *items = liq_to_array(a, ctx->env);
        for (size_t i = 0; i < items->len; i++)
            if (liq_equal(items->items[i], b))
                return true;
        return false;
    }
    default:
        return false;
    }
}

/* Ruby's class name for "comparison of X with Y failed". */
static const char *
ruby_class(gz_value v)
{
    switch (v.type) {
    case GZ_INT: return "Integer";
    case GZ_FLOAT: return "Float";
    case GZ_STRING: return "String";
    case GZ_TIME: return "Time";
    default: return "Object";
    }
}

static bool
orderable(gz_value v)
{
    return v.type == GZ_INT || v.type == GZ_FLOAT || v.type == GZ_STRING || v.type == GZ_TIME;
}

/* <, >, <=, >= as Ruby sends them: nil unless both sides have the
 * operator, an ArgumentError when they cannot be compared. */
static bool
order(liq_ctx *ctx, liq_op op, gz_value a, gz_value b, bool *out)
{
    *out = false;
    if (!orderable(a) || !orderable(b))
        return true;
    int cmp;
    if (!liq_compare(a, b, &cmp)) {
        if ((a.type == GZ_INT || a.type == GZ_FLOAT) && (b.type == GZ_INT || b.type == GZ_FLOAT))
            return true; /* NaN */
        /* Integer and Float name the other class; String and Time (via
         * Comparable) show the other value */
        if (a.type == GZ_INT || a.type == GZ_FLOAT)
            return liq_render_error(ctx, "comparison of %s with %s failed", ruby_class(a),
                                    ruby_class(b));
        gz_buf shown = GZ_BUF_INIT;
        gz_value_inspect(&shown, b, ctx->env);
        liq_render_error(ctx, "comparison of %s with %s failed", ruby_class(a), shown.data);
        gz_buf_free(&shown);
        return false;
    }
    switch (op) {
    case LIQ_OP_LT: *out = cmp < 0; break;
    case LIQ_OP_GT: *out = cmp > 0; break;
    case LIQ_OP_LE: *out = cmp <= 0; break;
    default: *out = cmp >= 0; break;
    }
    return true;
}

static bool
interpret(liq_ctx *ctx, const liq_cond *c, bool *out)
{
    gz_value a, b = gz_nil();
    if (c->op == LIQ_OP_NONE) {
        /* a bare method literal is an object, hence true */
        if (is_method_literal(c->left)) {
            *out = true;
            return true;
        }
        if (!liq_eval(ctx, c->left, &a))
            return false;
        *out = gz_truthy(a);
        return true;
    }
    if (!liq_eval(ctx, c->left, &a) || (c->right && !liq_eval(ctx, c->right, &b)))
        return false;
    switch (c->op) {
    case LIQ_OP_EQ: *out = equal(ctx, c, a, b); return true;
    case LIQ_OP_NE: *out = !equal(ctx, c, a, b); return true;
    case LIQ_OP_CONTAINS: *out = contains(ctx, c, a, b); return true;
    case LIQ_OP_UNKNOWN:
        return liq_render_error(ctx, "Unknown operator %.*s", (int)c->op_text.len, c->op_text.p);
    default:
        if (is_method_literal(c->left) || is_method_literal(c->right)) {
            *out = false;
            return true;
        }
        return order(ctx, c->op, a, b, out);
    }
}

bool
liq_eval_cond(liq_ctx *ctx, const liq_cond *c, bool *out)
{
    for (;;) {
        if (!interpret(ctx, c, out))
            return false;
        if (!c->next || (c->rel == LIQ_REL_OR && *out) || (c->rel == LIQ_REL_AND && !*out))
            return true;
        c = c->next;
    }
}
