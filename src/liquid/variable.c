/* Outputs: {{ expression | filter: arg, key: value }} and echo.
 *
 * Ruby Liquid reads an output with its strict parser first; in lax mode
 * whatever that rejects is read again by regular expressions that accept
 * almost anything (the part up to the first "|" names the value, each
 * "|"-separated chunk's first word names a filter, ":" or "," introduce
 * arguments). Both readings are reproduced here. */
#include "liquid/convert.h"
#include "liquid/lexer.h"
#include "liquid/scan.h"

/* Filter calls under construction (arrays grow in heap buffers, then
 * move into the template's arena). */
typedef struct filter_builder {
    gz_buf calls;
    gz_buf args, kw_names, kw_values;
} filter_builder;

static void
builder_free(filter_builder *b)
{
    gz_buf_free(&b->calls);
    gz_buf_free(&b->args);
    gz_buf_free(&b->kw_names);
    gz_buf_free(&b->kw_values);
}

static void
add_positional(filter_builder *b, liq_expr *e)
{
    gz_buf_put(&b->args, &e, sizeof e);
}

/* A later `key:` replaces the value of an earlier one in place, as
 * assigning into a Ruby Hash does. */
static void
add_keyword(liq_parser *p, filter_builder *b, gz_str key, gz_str value)
{
    liq_expr *e = liq_expr_parse(p, value);
    gz_str *names = (gz_str *)b->kw_names.data;
    size_t n = b->kw_names.len / sizeof *names;
    for (size_t i = 0; i < n; i++) {
        if (gz_str_eq(names[i], key)) {
            ((liq_expr **)b->kw_values.data)[i] = e;
            return;
        }
    }
    gz_buf_put(&b->kw_names, &key, sizeof key);
    gz_buf_put(&b->kw_values, &e, sizeof e);
}

/* One argument's markup: `key: value` (Liquid's JustTagAttributes) or a
 * positional expression. */
static void
add_argument(liq_parser *p, filter_builder *b, gz_str arg)
{
    gz_str key, value;
    if (liq_just_attribute(arg, &key, &value))
        add_keyword(p, b, key, value);
    else
        add_positional(b, liq_expr_parse(p, arg));
}

static void
finish_filter(liq_parser *p, filter_builder *b, gz_str name)
{
    liq_filter_call f = { 0 };
    f.name = name;
    f.def = liq_filter_find(name, p->jekyll);
    f.nargs = (uint32_t)(b->args.len / sizeof(liq_expr *));
    f.args = liq_arena_dup(p, &b->args);
    f.nkw = (uint32_t)(b->kw_names.len / sizeof(gz_str));
    f.kw_names = liq_arena_dup(p, &b->kw_names);
    f.kw_values = liq_arena_dup(p, &b->kw_values);
    gz_buf_clear(&b->args);
    gz_buf_clear(&b->kw_names);
    gz_buf_clear(&b->kw_values);
    gz_buf_put(&b->calls, &f, sizeof f);
}

static liq_variable *
finish_variable(liq_parser *p, filter_builder *b, liq_expr *expr)
{
    liq_variable *v = gz_arena_calloc(p->arena, 1, sizeof *v);
    v->expr = expr;
    v->nfilters = (uint32_t)(b->calls.len / sizeof(liq_filter_call));
    v->filters = liq_arena_dup(p, &b->calls);
    builder_free(b);
    return v;
}

/* ---- strict ----------------------------------------------------------- */

/* `key?: value` is not a keyword argument to Liquid (its keyword regex has
 * no "?"), so the text "key?: value" becomes a positional expression. */
static gz_str
joined_argument(liq_parser *p, gz_str key, gz_str expr)
{
    size_t len = key.len + 2 + expr.len;
    char *s = gz_arena_alloc(p->arena, len + 1);
    memcpy(s, key.p, key.len);
    memcpy(s + key.len, ": ", 2);
    memcpy(s + key.len + 2, expr.p, expr.len);
    s[len] = '\0';
    return gz_str_n(s, len);
}

static bool
strict_filter_args(liq_parser *p, liq_lexer *lx, filter_builder *b)
{
    do {
        gz_str key, expr;
        if (!liq_lex_argument(lx, &key, &expr))
            return false;
        if (!key.len)
            add_positional(b, liq_expr_parse(p, expr));
        else if (memchr(key.p, '?', key.len))
            add_positional(b, liq_expr_parse(p, joined_argument(p, key, expr)));
        else
            add_keyword(p, b, key, expr);
    } while (liq_lex_accept(lx, LIQ_TK_COMMA, NULL));
    return true;
}

static bool
strict_parse(liq_parser *p, liq_lexer *lx, filter_builder *b, liq_expr **expr)
{
    *expr = NULL;
    if (liq_lex_look(lx, LIQ_TK_END, 0))
        return true;
    gz_str text, name;
    if (!liq_lex_expression(lx, &text))
        return false;
    *expr = liq_expr_parse(p, text);
    while (liq_lex_accept(lx, LIQ_TK_PIPE, NULL)) {
        if (!liq_lex_consume(lx, LIQ_TK_ID, &name))
            return false;
        if (liq_lex_accept(lx, LIQ_TK_COLON, NULL) && !strict_filter_args(p, lx, b))
            return false;
        finish_filter(p, b, name);
    }
    return liq_lex_consume(lx, LIQ_TK_END, NULL);
}

/* ---- lax -------------------------------------------------------------- */

/* FilterParser /(?:\s+|QuotedFragment|,)+/ scanned: the chunks between
 * "|" (and stray quotes). */
static bool
next_filter_chunk(gz_str s, size_t *pos, gz_str *chunk)
{
    size_t i = *pos;
    for (; i < s.len; i++) {
        size_t start = i, j = i;
        for (;;) {
            size_t k;
            if (j < s.len && (liq_is_space(s.p[j]) || s.p[j] == ','))
                k = j + 1;
            else
                k = liq_quoted_fragment(s, j);
            if (k == j)
                break;
            j = k;
        }
        if (j > start) {
            *chunk = liq_substr(s, start, j);
            *pos = j;
            return true;
        }
    }
    *pos = s.len;
    return false;
}

/* FilterArgsRegex /(?::|,)\s*((?:\w+\s*:\s*)?QuotedFragment)/ scanned. */
static bool
next_filter_arg(gz_str s, size_t *pos, gz_str *arg)
{
    for (size_t i = *pos; i < s.len; i++) {
        if (s.p[i] != ':' && s.p[i] != ',')
            continue;
        size_t start = liq_skip_space(s, i + 1), k = start;
        /* optional `word:` prefix */
        while (k < s.len && liq_is_word(s.p[k]))
            k++;
        if (k > start) {
            size_t c = liq_skip_space(s, k);
            if (c < s.len && s.p[c] == ':') {
                size_t v = liq_skip_space(s, c + 1), end = liq_quoted_fragment(s, v);
                if (end > v) {
                    *arg = liq_substr(s, start, end);
                    *pos = end;
                    return true;
                }
            }
        }
        size_t end = liq_quoted_fragment(s, start);
        if (end > start) {
            *arg = liq_substr(s, start, end);
            *pos = end;
            return true;
        }
    }
    *pos = s.len;
    return false;
}

static void
lax_parse(liq_parser *p, gz_str markup, filter_builder *b, liq_expr **expr)
{
    gz_str name;
    *expr = NULL;
    if (!liq_find_quoted_fragment(markup, 0, &name))
        return;
    *expr = liq_expr_parse(p, name);
    size_t after = (size_t)(name.p - markup.p) + name.len;
    const char *pipe = memchr(markup.p + after, '|', markup.len - after);
    if (!pipe)
        return;
    gz_str filters = liq_substr(markup, (size_t)(pipe - markup.p) + 1, markup.len);
    filters = liq_substr(filters, liq_skip_space(filters, 0), filters.len);
    size_t pos = 0;
    gz_str chunk;
    while (next_filter_chunk(filters, &pos, &chunk)) {
        /* the filter's name is the chunk's first \w+ */
        size_t i = 0;
        while (i < chunk.len && !liq_is_word(chunk.p[i]))
            i++;
        if (i == chunk.len)
            continue;
        size_t j = i;
        while (j < chunk.len && liq_is_word(chunk.p[j]))
            j++;
        size_t apos = 0;
        gz_str arg;
        while (next_filter_arg(chunk, &apos, &arg))
            add_argument(p, b, arg);
        finish_filter(p, b, liq_substr(chunk, i, j));
    }
}

liq_variable *
liq_variable_parse(liq_parser *p, gz_str markup)
{
    filter_builder b = { GZ_BUF_INIT, GZ_BUF_INIT, GZ_BUF_INIT, GZ_BUF_INIT };
    liq_expr *expr;
    liq_lexer lx;
    bool ok = liq_lexer_init(&lx, p->arena, &p->scratch, markup) &&
              strict_parse(p, &lx, &b, &expr);
    if (!ok) {
        if (p->mode == LIQ_STRICT) {
            liq_syntax_error(p, "%s in \"{{%.*s}}\"", lx.error.data, (int)markup.len, markup.p);
            liq_lexer_free(&lx);
            builder_free(&b);
            return NULL;
        }
        builder_free(&b);
        b = (filter_builder){ GZ_BUF_INIT, GZ_BUF_INIT, GZ_BUF_INIT, GZ_BUF_INIT };
        lax_parse(p, markup, &b, &expr);
    }
    liq_lexer_free(&lx);
    return finish_variable(p, &b, expr);
}

/* ---- rendering -------------------------------------------------------- */

/* Ruby's ArgumentError for a method called with the wrong arity; counts
 * include the input. */
static bool
wrong_arity(liq_ctx *ctx, const liq_filter_def *def, size_t given)
{
    if (def->max_args < 0)
        return liq_render_error(ctx, "wrong number of arguments (given %zu, expected %d+)",
                                given + 1, def->min_args + 1);
    if (def->min_args == def->max_args)
        return liq_render_error(ctx, "wrong number of arguments (given %zu, expected %d)",
                                given + 1, def->min_args + 1);
    return liq_render_error(ctx, "wrong number of arguments (given %zu, expected %d..%d)",
                            given + 1, def->min_args + 1, def->max_args + 1);
}

static bool
apply_filter(liq_ctx *ctx, const liq_filter_call *f, gz_value *v)
{
    gz_value argv[8], *args = argv;
    if (f->nargs > 8)
        args = gz_arena_alloc(ctx->env->arena, f->nargs * sizeof *args);
    for (uint32_t i = 0; i < f->nargs; i++)
        if (!liq_eval(ctx, f->args[i], &args[i]))
            return false;
    gz_hash *kwargs = NULL;
    if (f->nkw) {
        kwargs = gz_hash_new(ctx->env->arena, f->nkw);
        for (uint32_t i = 0; i < f->nkw; i++) {
            gz_value kv;
            if (!liq_eval(ctx, f->kw_values[i], &kv))
                return false;
            gz_hash_set(ctx->env->arena, kwargs, f->kw_names[i], kv);
        }
    }
    if (!f->def) /* unknown filters return their input (Liquid 5.4) */
        return true;
    size_t given = f->nargs + (kwargs ? 1 : 0);
    if (given < (size_t)f->def->min_args ||
        (f->def->max_args >= 0 && given > (size_t)f->def->max_args))
        return wrong_arity(ctx, f->def, given);
    return f->def->fn(ctx, *v, args, f->nargs, kwargs, v);
}

bool
liq_eval_variable(liq_ctx *ctx, const liq_variable *var, gz_value *out)
{
    gz_value v = gz_nil();
    if (var->expr && !liq_eval(ctx, var->expr, &v))
        return false;
    bool limited = ctx->budget->step_limit || ctx->budget->memory_limit;
    for (uint32_t i = 0; i < var->nfilters; i++) {
        /* a chain of filters can grow a value exponentially by itself */
        if (!apply_filter(ctx, &var->filters[i], &v) || (limited && !liq_spend(ctx, 0)))
            return false;
    }
    *out = v;
    return true;
}
