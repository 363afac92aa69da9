/* Tags that set or print variables: assign, capture, increment,
 * decrement, echo. */
#include "liquid/convert.h"
#include "liquid/parse.h"
#include "liquid/scan.h"

/* VariableSignature+ /(?:\(?[\w\-\.\[\]]\)?)+/ at i: its end, or i. */
static size_t
signature_end(gz_str s, size_t i)
{
    for (;;) {
        size_t k = i;
        if (k < s.len && s.p[k] == '(')
            k++;
        if (k >= s.len || !(liq_is_word(s.p[k]) || strchr("-.[]", s.p[k]) != NULL) || !s.p[k])
            return i;
        k++;
        if (k < s.len && s.p[k] == ')')
            k++;
        i = k;
    }
}

typedef struct assign {
    gz_str to;
    liq_variable *from;
    liq_reads reads; /* of `from` */
} assign;

/* /(VariableSignature+)\s*=\s*(.*)\s*\/m searched in the markup */
static bool
parse_assign(liq_parser *p, liq_tokenizer *tk, liq_node *node, gz_str m)
{
    (void)tk;
    for (size_t i = 0; i < m.len;) {
        size_t end = signature_end(m, i);
        if (end == i) {
            i++;
            continue;
        }
        size_t eq = liq_skip_space(m, end);
        if (eq < m.len && m.p[eq] == '=') {
            assign *a = gz_arena_alloc(p->arena, sizeof *a);
            a->to = liq_substr(m, i, end);
            size_t from = liq_skip_space(m, eq + 1);
            if (!(a->from = liq_variable_parse(p, liq_substr(m, from, m.len))))
                return false;
            liq_refs r = { 0 };
            liq_refs_variable(&r, a->from);
            a->reads = liq_refs_finish(p, &r);
            node->u.data = a;
            node->blank = true;
            return true;
        }
        i = end; /* starts inside this run end there too */
    }
    return liq_syntax_error(p, "Syntax Error in 'assign' - Valid syntax: assign [var] = [source]");
}

static bool
render_assign(liq_ctx *ctx, const liq_node *node, gz_buf *out)
{
    (void)out;
    const assign *a = node->u.data;
    gz_value v;
    if (!liq_eval_shared(ctx, node, &a->reads, a->from, &v))
        return false;
    liq_set_global(ctx, a->to, v);
    return true;
}

const liq_tag_def liq_tag_assign = { "assign", parse_assign, render_assign, NULL };

/* ---- capture ---------------------------------------------------------- */

typedef struct capture {
    gz_str to;
    liq_body body;
} capture;

static bool
parse_capture(liq_parser *p, liq_tokenizer *tk, liq_node *node, gz_str m)
{
    capture *c = gz_arena_calloc(p->arena, 1, sizeof *c);
    size_t i = 0;
    while (i < m.len && signature_end(m, i) == i)
        i++;
    if (i == m.len)
        return liq_syntax_error(p, "Syntax Error in 'capture' - Valid syntax: capture [var]");
    c->to = liq_substr(m, i, signature_end(m, i));
    liq_end end;
    if (!liq_parse_body(p, tk, &c->body, &end) || !liq_expect_end(p, &end, "capture"))
        return false;
    node->u.data = c;
    node->blank = true;
    return true;
}

/* Renders into the output, then moves that text into the variable. */
static bool
render_capture(liq_ctx *ctx, const liq_node *node, gz_buf *out)
{
    const capture *c = node->u.data;
    size_t start = out->len;
    if (!liq_render_body(ctx, &c->body, out))
        return false;
    gz_str all = gz_buf_str(out);
    liq_set_global(ctx, c->to, gz_string_copy(ctx->env->arena, all.p + start, all.len - start));
    gz_buf_truncate(out, start);
    return true;
}

const liq_tag_def liq_tag_capture = { "capture", parse_capture, render_capture, NULL };

/* ---- increment, decrement --------------------------------------------- */

static bool
parse_counter(liq_parser *p, liq_tokenizer *tk, liq_node *node, gz_str m)
{
    (void)tk;
    gz_str *name = gz_arena_alloc(p->arena, sizeof *name);
    *name = liq_strip(m);
    node->u.data = name;
    return true;
}

/* Ruby keeps counters in the template's variables (environments.first):
 * a counter starts from a variable of that name and shadows it after. */
static bool
count(liq_ctx *ctx, const liq_node *node, gz_buf *out, int step)
{
    gz_str name = *(const gz_str *)node->u.data;
    gz_value *cur = ctx->counters ? gz_hash_get(ctx->counters, name) : NULL;
    if (!cur && ctx->vars)
        cur = gz_hash_get(ctx->vars, name);
    gz_value v = cur && gz_truthy(*cur) ? *cur : gz_int(0), next;
    if (v.type == GZ_INT)
        next = gz_int(liq_add_sat(v.u.i, step));
    else if (v.type == GZ_FLOAT)
        next = gz_float(v.u.f + step);
    else /* String#+ or Array#+ with an Integer: a TypeError in Ruby */
        return liq_render_error(ctx, "internal");
    if (!ctx->counters)
        ctx->counters = gz_hash_new(ctx->env->arena, 4);
    gz_hash_set(ctx->env->arena, ctx->counters, name, next);
    liq_to_s(out, step > 0 ? v : next, ctx->env);
    return true;
}

static bool
render_increment(liq_ctx *ctx, const liq_node *node, gz_buf *out)
{
    return count(ctx, node, out, 1);
}

static bool
render_decrement(liq_ctx *ctx, const liq_node *node, gz_buf *out)
{
    return count(ctx, node, out, -1);
}

const liq_tag_def liq_tag_increment = { "increment", parse_counter, render_increment, NULL };
const liq_tag_def liq_tag_decrement = { "decrement", parse_counter, render_decrement, NULL };

/* ---- echo ------------------------------------------------------------- */

static bool
parse_echo(liq_parser *p, liq_tokenizer *tk, liq_node *node, gz_str m)
{
    (void)tk;
    return (node->u.var = liq_variable_parse(p, m)) != NULL;
}

static bool
render_echo(liq_ctx *ctx, const liq_node *node, gz_buf *out)
{
    gz_value v;
    if (!liq_eval_variable(ctx, node->u.var, &v))
        return false;
    liq_to_s(out, v, ctx->env);
    return true;
}

static void
reads_echo(const liq_node *node, liq_refs *r)
{
    liq_refs_variable(r, node->u.var);
}

const liq_tag_def liq_tag_echo = { "echo", parse_echo, render_echo, reads_echo };
