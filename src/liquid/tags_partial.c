/* Partials: include (shares the caller's variables) and render (an
 * isolated context that sees only what it is given). */
#include "liquid/convert.h"
#include "liquid/parse.h"
#include "liquid/scan.h"

typedef struct partial {
    liq_expr *name;      /* include: any expression; render: a string */
    liq_expr *variable;  /* with/for: NULL when absent */
    bool is_for;
    gz_str alias;        /* as: empty when absent */
    gz_str *keys;        /* key: value parameters */
    liq_expr **values;
    uint32_t nparams;
} partial;

/* (\s+(?:with|for)\s+(QuotedFragment+))?(\s+as\s+([\w-]+))? after the
 * template name ending at i. */
static void
parse_clauses(liq_parser *p, partial *pt, gz_str m, size_t i)
{
    size_t j = liq_skip_space(m, i);
    if (j > i) {
        size_t w = j + 4 <= m.len && !memcmp(m.p + j, "with", 4) ? 4
                   : j + 3 <= m.len && !memcmp(m.p + j, "for", 3) ? 3
                                                                  : 0;
        size_t k = liq_skip_space(m, j + w), end = liq_quoted_fragments(m, k);
        if (w && k > j + w && end > k) {
            pt->variable = liq_expr_parse(p, liq_substr(m, k, end));
            pt->is_for = w == 3;
            i = end;
            j = liq_skip_space(m, i);
        }
    }
    if (j > i && j + 2 <= m.len && !memcmp(m.p + j, "as", 2)) {
        size_t k = liq_skip_space(m, j + 2), end = k;
        while (end < m.len && (liq_is_word(m.p[end]) || m.p[end] == '-'))
            end++;
        if (k > j + 2 && end > k)
            pt->alias = liq_substr(m, k, end);
    }
    gz_buf keys = GZ_BUF_INIT, values = GZ_BUF_INIT;
    gz_str key, value;
    size_t pos = 0;
    while (liq_next_attribute(m, &pos, &key, &value)) {
        liq_expr *e = liq_expr_parse(p, value);
        gz_buf_put(&keys, &key, sizeof key);
        gz_buf_put(&values, &e, sizeof e);
    }
    pt->nparams = (uint32_t)(keys.len / sizeof key);
    pt->keys = liq_arena_dup(p, &keys);
    pt->values = liq_arena_dup(p, &values);
    gz_buf_free(&keys);
    gz_buf_free(&values);
}

static bool
parse_include(liq_parser *p, liq_tokenizer *tk, liq_node *node, gz_str m)
{
    (void)tk;
    partial *pt = gz_arena_calloc(p->arena, 1, sizeof *pt);
    size_t i = 0, end = 0;
    while (i < m.len && (end = liq_quoted_fragments(m, i)) == i)
        i++;
    if (i >= m.len)
        return liq_syntax_error(p, "Error in tag 'include' - Valid syntax: include "
                                   "'[template]' (with|for) [object|collection]");
    pt->name = liq_expr_parse(p, liq_substr(m, i, end));
    parse_clauses(p, pt, m, end);
    node->u.data = pt;
    return true;
}

static bool
parse_render(liq_parser *p, liq_tokenizer *tk, liq_node *node, gz_str m)
{
    (void)tk;
    partial *pt = gz_arena_calloc(p->arena, 1, sizeof *pt);
    size_t i = 0, end = 0;
    while (i < m.len && liq_quoted_string(m, i) == i)
        i++;
    if (i >= m.len)
        return liq_syntax_error(p, "Syntax error in tag 'render' - Template name must be a "
                                   "quoted string");
    for (end = i; liq_quoted_string(m, end) > end;)
        end = liq_quoted_string(m, end);
    pt->name = liq_expr_parse(p, liq_substr(m, i, end));
    parse_clauses(p, pt, m, end);
    node->u.data = pt;
    return true;
}

/* The variable the partial's item is bound to: `as` name, else the
 * template name's last path segment. */
static gz_str
item_name(const partial *pt, gz_str template)
{
    if (pt->alias.len)
        return pt->alias;
    for (size_t i = template.len; i > 0; i--)
        if (template.p[i - 1] == '/')
            return liq_substr(template, i, template.len);
    return template;
}

static bool
set_params(liq_ctx *from, liq_ctx *to, const partial *pt)
{
    for (uint32_t i = 0; i < pt->nparams; i++) {
        gz_value v;
        if (!liq_eval(from, pt->values[i], &v))
            return false;
        liq_set_local(to, pt->keys[i], v);
    }
    return true;
}

/* Renders t in ctx as the current template (for messages). */
static bool
render_partial(liq_ctx *ctx, const liq_template *t, gz_buf *out)
{
    const liq_template *outer = ctx->t;
    ctx->t = t;
    bool ok = liq_render_body(ctx, &t->body, out);
    ctx->t = outer;
    return ok;
}

static bool
render_include(liq_ctx *ctx, const liq_node *node, gz_buf *out)
{
    const partial *pt = node->u.data;
    if (ctx->include_disabled)
        return liq_render_error(ctx, "include usage is not allowed in this context");
    gz_value name, item;
    if (!liq_eval(ctx, pt->name, &name))
        return false;
    if (!gz_truthy(name))
        return liq_render_error(ctx, "Argument error in tag 'include' - Illegal template name");
    const liq_template *t;
    if (!liq_load_partial(ctx, gz_value_str(liq_ctx_string(ctx, name)), &t))
        return false;
    if (name.type != GZ_STRING) /* Ruby then fails on name.split('/') */
        return liq_render_error(ctx, "internal");
    gz_str as = item_name(pt, gz_value_str(name));
    if (pt->variable) {
        if (!liq_eval(ctx, pt->variable, &item))
            return false;
    } else {
        item = liq_find_variable(ctx, gz_value_str(name));
    }
    if (!liq_push_scope(ctx))
        return false;
    bool ok = set_params(ctx, ctx, pt);
    if (ok && item.type == GZ_ARRAY) {
        for (size_t i = 0; i < item.u.a->len && ok; i++) {
            liq_set_local(ctx, as, item.u.a->items[i]);
            ok = render_partial(ctx, t, out);
        }
    } else if (ok) {
        liq_set_local(ctx, as, item);
        ok = render_partial(ctx, t, out);
    }
    liq_pop_scope(ctx);
    return ok;
}

/* One rendering of a {% render %} partial in a fresh context: nothing of
 * the caller's variables, counters or registers (cycle positions, for
 * offsets, parentloop, ifchanged) is visible; only the error is shared. */
static bool
render_isolated(liq_ctx *ctx, const partial *pt, const liq_template *t, gz_str as,
                gz_value item, gz_value forloop, gz_buf *out)
{
    if (ctx->depth_base + ctx->nscopes > LIQ_MAX_DEPTH)
        return liq_render_error(ctx, "Nesting too deep");
    liq_ctx sub;
    liq_ctx_init(&sub, t, ctx->env, ctx->err, ctx->budget);
    sub.errors_fatal = ctx->errors_fatal;
    sub.depth_base = ctx->depth_base + 1;
    sub.include_disabled = ctx->include_disabled + 1;
    if (forloop.type != GZ_NIL)
        liq_set_local(&sub, GZ_STR("forloop"), forloop);
    if (!set_params(ctx, &sub, pt))
        return false;
    if (item.type != GZ_NIL)
        liq_set_local(&sub, as, item);
    return liq_render_body(&sub, &t->body, out);
}

static bool
render_render(liq_ctx *ctx, const liq_node *node, gz_buf *out)
{
    const partial *pt = node->u.data;
    /* a name like "a"'b' reads as a variable; Ruby then raises ArgumentError */
    if (pt->name->kind != LIQ_E_LIT || pt->name->u.lit.type != GZ_STRING)
        return liq_render_error(ctx, "internal");
    gz_str name = gz_value_str(pt->name->u.lit);
    const liq_template *t;
    if (!liq_load_partial(ctx, name, &t))
        return false;
    gz_str as = item_name(pt, name);
    gz_value item = gz_nil();
    if (pt->variable && !liq_eval(ctx, pt->variable, &item))
        return false;
    bool iterable = item.type == GZ_ARRAY || item.type == GZ_HASH || item.type == GZ_RANGE ||
                    (item.type == GZ_DROP && item.u.d->cls->at);
    if (!pt->is_for || !iterable)
        return render_isolated(ctx, pt, t, as, item, gz_nil(), out);
    gz_array *items = liq_to_array(item, ctx->env);
    gz_value loop = liq_forloop_new(ctx, name, (int64_t)items->len, gz_nil());
    for (size_t i = 0; i < items->len; i++) {
        if (!render_isolated(ctx, pt, t, as, items->items[i], loop, out))
            return false;
        liq_forloop_next(loop);
    }
    return true;
}

const liq_tag_def liq_tag_include = { "include", parse_include, render_include, NULL };
const liq_tag_def liq_tag_render = { "render", parse_render, render_render, NULL };
