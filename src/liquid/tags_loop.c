/* Loops and what lives inside them: for (with else, limit, offset,
 * reversed, forloop), tablerow, cycle, break, continue, ifchanged. */
#include "liquid/convert.h"
#include "liquid/lexer.h"
#include "liquid/scan.h"

/* ---- the items a loop walks ------------------------------------------ */

/* Ruby's Utils.slice_collection: the items whose index is in [from, to)
 * (no upper bound when !bounded), without copying arrays or expanding
 * ranges. */
typedef struct segment {
    const gz_value *items; /* NULL: integers counting up from `first` */
    int64_t first;
    gz_value single;       /* storage for a string's one item */
    size_t len;
    bool reversed;
} segment;

static gz_value
segment_at(const segment *s, size_t i)
{
    size_t k = s->reversed ? s->len - 1 - i : i;
    /* in unsigned arithmetic: the sum is inside the range, the addend may not fit */
    return s->items ? s->items[k] : gz_int((int64_t)((uint64_t)s->first + k));
}

static void
slice(liq_ctx *ctx, gz_value v, int64_t from, bool bounded, int64_t to, segment *s)
{
    size_t n = 0;
    *s = (segment){ 0 };
    switch (v.type) {
    case GZ_STRING: /* one item, or none when empty; offset and limit ignored */
        s->single = v;
        s->items = &s->single;
        s->len = v.len ? 1 : 0;
        return;
    case GZ_ARRAY:
        s->items = v.u.a->items;
        n = v.u.a->len;
        break;
    case GZ_RANGE:
        s->first = v.u.r->first;
        n = (size_t)liq_range_size(v.u.r);
        break;
    case GZ_HASH:
    case GZ_DROP: {
        if (v.type == GZ_DROP && !v.u.d->cls->at && !v.u.d->cls->to_hash)
            break;
        gz_array *a = liq_to_array(v, ctx->env);
        s->items = a->items;
        n = a->len;
        break;
    }
    default: /* nothing else responds to each */
        break;
    }
    size_t lo = from > 0 ? (size_t)from : 0, hi = n;
    if (bounded)
        hi = to <= 0 ? 0 : (uint64_t)to < n ? (size_t)to : n;
    if (lo >= hi) {
        s->len = 0;
        return;
    }
    if (s->items)
        s->items += lo;
    else
        s->first = (int64_t)((uint64_t)s->first + lo);
    s->len = hi - lo;
}

/* Ruby's to_i as tablerow applies it to offset, limit and cols. */
static bool
ruby_to_i(liq_ctx *ctx, gz_value v, int64_t *out)
{
    switch (v.type) {
    case GZ_NIL: *out = 0; return true;
    case GZ_INT: *out = v.u.i; return true;
    case GZ_FLOAT:
        if (v.u.f != v.u.f || v.u.f - v.u.f != 0) /* FloatDomainError */
            return liq_render_error(ctx, "%s", v.u.f != v.u.f ? "NaN" : "Infinity");
        *out = liq_float_to_i(v.u.f);
        return true;
    case GZ_STRING: *out = liq_str_to_i(gz_value_str(v)); return true;
    case GZ_TIME: *out = v.u.t->sec; return true;
    default: return liq_render_error(ctx, "internal");
    }
}

/* ---- forloop and tablerowloop objects --------------------------------- */

typedef struct loop_state {
    gz_str name;
    int64_t length, index;
    int64_t cols, row, col; /* tablerow */
    gz_value parent;
} loop_state;

static bool
is_key(gz_str key, const char *name)
{
    return gz_str_eq_c(key, name);
}

/* The fields both loop objects have. */
static bool
common_field(const loop_state *s, gz_str key, gz_value *out)
{
    if (is_key(key, "length"))
        *out = gz_int(s->length);
    else if (is_key(key, "index"))
        *out = gz_int(s->index + 1);
    else if (is_key(key, "index0"))
        *out = gz_int(s->index);
    else if (is_key(key, "rindex"))
        *out = gz_int(s->length - s->index);
    else if (is_key(key, "rindex0"))
        *out = gz_int(s->length - s->index - 1);
    else if (is_key(key, "first"))
        *out = gz_bool(s->index == 0);
    else if (is_key(key, "last"))
        *out = gz_bool(s->index == s->length - 1);
    else
        return false;
    return true;
}

static bool
forloop_get(const gz_drop *d, gz_str key, gz_value *out, gz_drop_env *env)
{
    (void)env;
    const loop_state *s = d->data;
    if (common_field(s, key, out))
        return true;
    if (is_key(key, "name"))
        *out = gz_str_value(s->name);
    else if (is_key(key, "parentloop"))
        *out = s->parent;
    else
        *out = gz_nil(); /* a Drop answers every key, nil when unknown */
    return true;
}

static bool
tablerowloop_get(const gz_drop *d, gz_str key, gz_value *out, gz_drop_env *env)
{
    (void)env;
    const loop_state *s = d->data;
    if (common_field(s, key, out))
        return true;
    if (is_key(key, "col"))
        *out = gz_int(s->col);
    else if (is_key(key, "col0"))
        *out = gz_int(s->col - 1);
    else if (is_key(key, "row"))
        *out = gz_int(s->row);
    else if (is_key(key, "col_first"))
        *out = gz_bool(s->col == 1);
    else if (is_key(key, "col_last"))
        *out = gz_bool(s->col == s->cols);
    else
        *out = gz_nil();
    return true;
}

static const gz_drop_class forloop_class = { "Liquid::ForloopDrop", forloop_get, NULL, NULL,
                                             NULL, NULL };
static const gz_drop_class tablerowloop_class = { "Liquid::TablerowloopDrop", tablerowloop_get,
                                                  NULL, NULL, NULL, NULL };

gz_value
liq_forloop_new(liq_ctx *ctx, gz_str name, int64_t length, gz_value parent)
{
    loop_state *st = gz_arena_calloc(ctx->env->arena, 1, sizeof *st);
    st->name = name;
    st->length = length;
    st->parent = parent;
    return gz_drop_new(ctx->env->arena, &forloop_class, st);
}

void
liq_forloop_next(gz_value loop)
{
    ((loop_state *)loop.u.d->data)->index++;
}

/* ---- for -------------------------------------------------------------- */

typedef struct for_loop {
    gz_str var;
    gz_str name;      /* "var-collection", the key of offset: continue */
    liq_expr *collection;
    liq_expr *limit;  /* NULL: none */
    liq_expr *offset; /* NULL: none */
    bool offset_continue;
    bool reversed;
    liq_body body;
    liq_body *else_body;
    /* Sharing between renders (memo.c): the collection as an output
     * evaluates it, and what it and the body read. */
    liq_variable collection_var;
    liq_reads collection_reads, body_reads;
} for_loop;

static void
set_attribute(liq_parser *p, for_loop *f, gz_str key, gz_str value)
{
    if (is_key(key, "offset")) {
        f->offset_continue = gz_str_eq_c(value, "continue");
        f->offset = f->offset_continue ? NULL : liq_expr_parse(p, value);
    } else if (is_key(key, "limit")) {
        f->limit = liq_expr_parse(p, value);
    }
}

static gz_str
loop_name(liq_parser *p, gz_str var, gz_str collection)
{
    size_t len = var.len + 1 + collection.len;
    char *s = gz_arena_alloc(p->arena, len + 1);
    memcpy(s, var.p, var.len);
    s[var.len] = '-';
    memcpy(s + var.len + 1, collection.p, collection.len);
    s[len] = '\0';
    return gz_str_n(s, len);
}

/* /\A([\w-]+)\s+in\s+(QuotedFragment+)\s*(reversed)?/ and TagAttributes */
static bool
lax_for(liq_parser *p, for_loop *f, gz_str m)
{
    size_t i = 0;
    while (i < m.len && (liq_is_word(m.p[i]) || m.p[i] == '-'))
        i++;
    size_t j = liq_skip_space(m, i);
    if (i == 0 || j == i || j + 2 >= m.len || m.p[j] != 'i' || m.p[j + 1] != 'n' ||
        !liq_is_space(m.p[j + 2]))
        return liq_syntax_error(p, "Syntax Error in 'for loop' - Valid syntax: for [item] in "
                                   "[collection]");
    size_t k = liq_skip_space(m, j + 2), end = liq_quoted_fragments(m, k);
    if (end == k)
        return liq_syntax_error(p, "Syntax Error in 'for loop' - Valid syntax: for [item] in "
                                   "[collection]");
    f->var = liq_substr(m, 0, i);
    gz_str collection = liq_substr(m, k, end);
    size_t r = liq_skip_space(m, end);
    f->reversed = r + 8 <= m.len && !memcmp(m.p + r, "reversed", 8);
    f->name = loop_name(p, f->var, collection);
    f->collection = liq_expr_parse(p, collection);
    size_t pos = 0;
    gz_str key, value;
    while (liq_next_attribute(m, &pos, &key, &value))
        set_attribute(p, f, key, value);
    return true;
}

static bool
strict_for(liq_parser *p, for_loop *f, gz_str m)
{
    liq_lexer lx;
    gz_str collection, attr, value;
    bool ok = liq_lexer_init(&lx, p->arena, &p->scratch, m) &&
              liq_lex_consume(&lx, LIQ_TK_ID, &f->var);
    if (ok && !liq_lex_id(&lx, "in")) {
        gz_buf_clear(&lx.error);
        gz_buf_puts(&lx.error, "For loops require an 'in' clause");
        ok = false;
    }
    if (ok && (ok = liq_lex_expression(&lx, &collection))) {
        f->collection = liq_expr_parse(p, collection);
        f->name = loop_name(p, f->var, collection);
        f->reversed = liq_lex_id(&lx, "reversed");
    }
    while (ok && liq_lex_look(&lx, LIQ_TK_ID, 0) && liq_lex_look(&lx, LIQ_TK_COLON, 1)) {
        attr = lx.toks[lx.at].text;
        if (!liq_lex_id(&lx, "limit") && !liq_lex_id(&lx, "offset")) {
            gz_buf_clear(&lx.error);
            gz_buf_puts(&lx.error,
                        "Invalid attribute in for loop. Valid attributes are limit and offset");
            ok = false;
            break;
        }
        lx.at++; /* the colon */
        if ((ok = liq_lex_expression(&lx, &value)))
            set_attribute(p, f, attr, value);
    }
    ok = ok && liq_lex_consume(&lx, LIQ_TK_END, NULL);
    if (!ok) {
        gz_str s = liq_strip(m);
        liq_syntax_error(p, "%s in \"%.*s\"", lx.error.data, (int)s.len, s.p);
    }
    liq_lexer_free(&lx);
    return ok;
}

static bool
parse_for(liq_parser *p, liq_tokenizer *tk, liq_node *node, gz_str markup)
{
    for_loop *f = gz_arena_calloc(p->arena, 1, sizeof *f);
    if (!(p->mode == LIQ_STRICT ? strict_for(p, f, markup) : lax_for(p, f, markup)))
        return false;
    liq_end end;
    if (!liq_parse_body(p, tk, &f->body, &end))
        return false;
    bool blank = f->body.blank;
    if (!end.eof && is_key(end.name, "else")) {
        f->else_body = gz_arena_calloc(p->arena, 1, sizeof *f->else_body);
        if (!liq_parse_body(p, tk, f->else_body, &end))
            return false;
        blank = blank && f->else_body->blank;
        /* a second else starts an empty else and ends the tag there */
        if (!end.eof && is_key(end.name, "else"))
            f->else_body = gz_arena_calloc(p->arena, 1, sizeof *f->else_body);
        else if (!liq_expect_end(p, &end, "for"))
            return false;
    } else if (!liq_expect_end(p, &end, "for")) {
        return false;
    }
    node->blank = blank;
    if (blank) {
        liq_body_remove_blank_text(&f->body);
        if (f->else_body)
            liq_body_remove_blank_text(f->else_body);
    }
    node->u.data = f;
    f->collection_var = (liq_variable){ .expr = f->collection };
    liq_refs r = { 0 };
    liq_refs_expr(&r, f->collection);
    f->collection_reads = liq_refs_finish(p, &r);
    r = (liq_refs){ 0 };
    liq_refs_bind(&r, f->var);
    liq_refs_bind(&r, GZ_STR("forloop"));
    liq_refs_body(&r, &f->body);
    f->body_reads = liq_refs_finish(p, &r);
    return true;
}

static bool
render_items(liq_ctx *ctx, const for_loop *f, const segment *seg, gz_buf *out)
{
    if (!liq_push_scope(ctx))
        return false;
    gz_value loop = liq_forloop_new(ctx, f->name, (int64_t)seg->len, ctx->forloop);
    gz_value outer = ctx->forloop;
    ctx->forloop = loop;
    liq_set_local(ctx, GZ_STR("forloop"), loop);
    bool ok = true;
    for (size_t i = 0; i < seg->len && ok; i++) {
        liq_set_local(ctx, f->var, segment_at(seg, i));
        ok = liq_render_body(ctx, &f->body, out);
        liq_forloop_next(loop);
        if (liq_pop_interrupt(ctx) == LIQ_INT_BREAK)
            break;
    }
    ctx->forloop = outer;
    liq_pop_scope(ctx);
    return ok;
}

static bool
render_for(liq_ctx *ctx, const liq_node *node, gz_buf *out)
{
    const for_loop *f = node->u.data;
    int64_t from = 0, limit = 0;
    gz_value v;
    if (!ctx->reg.offsets)
        ctx->reg.offsets = gz_hash_new(ctx->env->arena, 4);
    if (f->offset_continue) {
        gz_value *saved = gz_hash_get(ctx->reg.offsets, f->name);
        from = saved ? saved->u.i : 0;
    } else if (f->offset) {
        if (!liq_eval(ctx, f->offset, &v) || (v.type != GZ_NIL && !liq_ctx_to_integer(ctx, v, &from)))
            return false;
    }
    gz_value collection;
    bool shared = liq_memo_applies(ctx, &f->body_reads);
    if (!(shared ? liq_eval_shared(ctx, node, &f->collection_reads, &f->collection_var, &collection)
                 : liq_eval(ctx, f->collection, &collection)))
        return false;
    bool bounded = false;
    if (f->limit) {
        if (!liq_eval(ctx, f->limit, &v))
            return false;
        if (v.type != GZ_NIL) {
            if (!liq_ctx_to_integer(ctx, v, &limit))
                return false;
            bounded = true;
        }
    }
    segment seg;
    slice(ctx, collection, from, bounded, liq_add_sat(limit, from), &seg);
    seg.reversed = f->reversed;
    gz_hash_set(ctx->env->arena, ctx->reg.offsets, f->name, gz_int(liq_add_sat(from, (int64_t)seg.len)));
    if (!seg.len)
        return f->else_body ? liq_render_body(ctx, f->else_body, out) : true;
    /* The same items through the same body render the same text. */
    if (!shared || ctx->ninterrupts || !liq_memo_holds(ctx, collection))
        return render_items(ctx, f, &seg, out);
    const void *items = collection.type == GZ_ARRAY ? (void *)collection.u.a : (void *)collection.u.h;
    liq_memo_key k = { node, items, from, seg.len };
    switch (liq_memo_find_text(ctx, &k, out)) {
    case LIQ_MEMO_FOUND: return true;
    case LIQ_MEMO_REFUSED: return render_items(ctx, f, &seg, out);
    case LIQ_MEMO_NONE: break;
    }
    liq_memo_mark m = liq_memo_begin(ctx);
    size_t at = out->len;
    bool ok = render_items(ctx, f, &seg, out);
    liq_memo_end_text(ctx, m, &k, ok, gz_str_n(out->data + at, out->len - at));
    return ok;
}

const liq_tag_def liq_tag_for = { "for", parse_for, render_for, NULL };

/* ---- tablerow --------------------------------------------------------- */

typedef struct tablerow {
    gz_str var;
    liq_expr *collection;
    liq_expr *cols, *limit, *offset; /* NULL: not given */
    liq_body body;
} tablerow;

/* /(\w+)\s+in\s+(QuotedFragment+)/ searched anywhere in the markup */
static bool
find_tablerow_syntax(gz_str m, gz_str *var, gz_str *collection)
{
    for (size_t i = 0; i < m.len; i++) {
        if (!liq_is_word(m.p[i]))
            continue;
        size_t j = i;
        while (j < m.len && liq_is_word(m.p[j]))
            j++;
        size_t k = liq_skip_space(m, j);
        if (k > j && k + 2 < m.len && m.p[k] == 'i' && m.p[k + 1] == 'n' &&
            liq_is_space(m.p[k + 2])) {
            size_t c = liq_skip_space(m, k + 2), end = liq_quoted_fragments(m, c);
            if (end > c) {
                *var = liq_substr(m, i, j);
                *collection = liq_substr(m, c, end);
                return true;
            }
        }
        i = j - 1; /* later starts in this word end at j too, and fail alike */
    }
    return false;
}

static bool
parse_tablerow(liq_parser *p, liq_tokenizer *tk, liq_node *node, gz_str markup)
{
    tablerow *t = gz_arena_calloc(p->arena, 1, sizeof *t);
    gz_str collection, key, value;
    if (!find_tablerow_syntax(markup, &t->var, &collection))
        return liq_syntax_error(p, "Syntax Error in 'table_row loop' - Valid syntax: table_row "
                                   "[item] in [collection] cols=3");
    t->collection = liq_expr_parse(p, collection);
    size_t pos = 0;
    while (liq_next_attribute(markup, &pos, &key, &value)) {
        liq_expr *e = liq_expr_parse(p, value);
        if (is_key(key, "cols"))
            t->cols = e;
        else if (is_key(key, "limit"))
            t->limit = e;
        else if (is_key(key, "offset"))
            t->offset = e;
    }
    liq_end end;
    if (!liq_parse_body(p, tk, &t->body, &end) || !liq_expect_end(p, &end, "tablerow"))
        return false;
    node->blank = t->body.blank;
    node->u.data = t;
    return true;
}

static bool
eval_to_i(liq_ctx *ctx, const liq_expr *e, int64_t *out)
{
    gz_value v = gz_nil();
    if (e && !liq_eval(ctx, e, &v))
        return false;
    return ruby_to_i(ctx, v, out);
}

static bool
render_tablerow(liq_ctx *ctx, const liq_node *node, gz_buf *out)
{
    const tablerow *t = node->u.data;
    gz_value collection;
    int64_t from = 0, limit = 0, cols = 0;
    if (!liq_eval(ctx, t->collection, &collection))
        return false;
    if (!gz_truthy(collection))
        return true;
    if ((t->offset && !eval_to_i(ctx, t->offset, &from)) ||
        (t->limit && !eval_to_i(ctx, t->limit, &limit)))
        return false;
    segment seg;
    slice(ctx, collection, from, t->limit != NULL, liq_add_sat(from, limit), &seg);
    if (!eval_to_i(ctx, t->cols, &cols))
        return false;
    gz_buf_puts(out, "<tr class=\"row1\">\n");
    if (!liq_push_scope(ctx))
        return false;
    loop_state *st = gz_arena_calloc(ctx->env->arena, 1, sizeof *st);
    st->length = (int64_t)seg.len;
    st->cols = cols;
    st->row = st->col = 1;
    liq_set_local(ctx, GZ_STR("tablerowloop"),
                  gz_drop_new(ctx->env->arena, &tablerowloop_class, st));
    bool ok = true;
    for (size_t i = 0; i < seg.len && ok; i++) {
        liq_set_local(ctx, t->var, segment_at(&seg, i));
        gz_buf_printf(out, "<td class=\"col%lld\">", (long long)st->col);
        ok = liq_render_body(ctx, &t->body, out);
        gz_buf_puts(out, "</td>");
        if (st->col == st->cols && st->index != st->length - 1)
            gz_buf_printf(out, "</tr>\n<tr class=\"row%lld\">", (long long)st->row + 1);
        st->index++;
        if (st->col == st->cols) {
            st->col = 1;
            st->row++;
        } else {
            st->col++;
        }
    }
    liq_pop_scope(ctx);
    if (ok)
        gz_buf_puts(out, "</tr>\n");
    return ok;
}

const liq_tag_def liq_tag_tablerow = { "tablerow", parse_tablerow, render_tablerow, NULL };

/* ---- cycle ------------------------------------------------------------ */

typedef struct cycle {
    liq_expr *name;   /* named group: evaluated at render */
    gz_str group;     /* unnamed: the key, computed at parse */
    liq_expr **values;
    uint32_t nvalues;
} cycle;

/* variables_from_string: split on ",", the first QuotedFragment of each
 * piece. */
static void
parse_cycle_values(liq_parser *p, cycle *c, gz_str s)
{
    gz_buf vals = GZ_BUF_INIT;
    size_t start = 0;
    while (start <= s.len) {
        const char *comma = memchr(s.p + start, ',', s.len - start);
        size_t end = comma ? (size_t)(comma - s.p) : s.len;
        gz_str frag;
        if (liq_find_quoted_fragment(liq_substr(s, start, end), 0, &frag)) {
            liq_expr *e = liq_expr_parse(p, frag);
            gz_buf_put(&vals, &e, sizeof e);
        }
        start = end + 1;
    }
    c->nvalues = (uint32_t)(vals.len / sizeof(liq_expr *));
    c->values = liq_arena_dup(p, &vals);
    gz_buf_free(&vals);
}

/* An unnamed cycle's group is Ruby's @variables.to_s: cycles listing the
 * same literals share a position; any variable makes the group the tag's
 * own (Ruby prints an object address). */
static gz_str
unnamed_group(liq_parser *p, const cycle *c, const void *identity)
{
    gz_buf key = GZ_BUF_INIT;
    gz_array list = { 0 };
    bool literals = true;
    for (uint32_t i = 0; i < c->nvalues && literals; i++)
        literals = c->values[i]->kind == LIQ_E_LIT;
    if (literals) {
        for (uint32_t i = 0; i < c->nvalues; i++)
            gz_array_push(p->arena, &list, c->values[i]->u.lit);
        gz_value_inspect(&key, gz_array_value(&list), NULL);
    } else {
        gz_buf_printf(&key, "%c#<cycle %p>", '\0', identity);
    }
    gz_str s = gz_str_n(gz_arena_strndup(p->arena, key.data, key.len), key.len);
    gz_buf_free(&key);
    return s;
}

/* NamedSyntax /\A(QuotedFragment)\s*:\s*(.*)/m: the name may give back
 * characters to find its ":" (in "a: 1" the fragment "a:" becomes "a").
 * Sets *name and returns the offset after ":" and spaces, or 0. */
static size_t
named_cycle(gz_str m, gz_str *name)
{
    size_t q = liq_quoted_string(m, 0), run = liq_quoted_fragments(m, 0);
    size_t ends[2] = { q, run };
    for (int i = 0; i < 2; i++) {
        size_t c = liq_skip_space(m, ends[i]);
        if (ends[i] > 0 && c < m.len && m.p[c] == ':') {
            *name = liq_substr(m, 0, ends[i]);
            return liq_skip_space(m, c + 1);
        }
    }
    /* shorter prefixes of the run: the last ":" outside quotes in it */
    size_t colon = 0;
    for (size_t i = 0; i < run;) {
        size_t end = liq_quoted_string(m, i);
        if (end > i) {
            i = end;
            continue;
        }
        if (m.p[i] == ':' && i > 0)
            colon = i;
        i++;
    }
    if (!colon)
        return 0;
    *name = liq_substr(m, 0, colon);
    return liq_skip_space(m, colon + 1);
}

static bool
parse_cycle(liq_parser *p, liq_tokenizer *tk, liq_node *node, gz_str markup)
{
    (void)tk;
    cycle *c = gz_arena_calloc(p->arena, 1, sizeof *c);
    gz_str name;
    size_t rest = named_cycle(markup, &name);
    if (rest) {
        c->name = liq_expr_parse(p, name);
        parse_cycle_values(p, c, liq_substr(markup, rest, markup.len));
    } else if (liq_quoted_fragment(markup, 0) > 0) { /* SimpleSyntax */
        parse_cycle_values(p, c, markup);
    } else {
        return liq_syntax_error(p, "Syntax Error in 'cycle' - Valid syntax: cycle [name :] var "
                                   "[, var2, var3 ...]");
    }
    node->u.data = c;
    if (!c->name)
        c->group = unnamed_group(p, c, c);
    return true;
}

/* The registers key of a named group's evaluated name: strings as they
 * are, other values tagged so that 1 and "1" stay apart. */
static gz_str
group_key(liq_ctx *ctx, gz_value name)
{
    if (name.type == GZ_STRING)
        return gz_value_str(name);
    gz_buf key = GZ_BUF_INIT;
    gz_buf_printf(&key, "%c%s:", '\0', gz_type_name(name.type));
    gz_value_inspect(&key, name, ctx->env);
    gz_str s = gz_str_n(gz_arena_strndup(ctx->env->arena, key.data, key.len), key.len);
    gz_buf_free(&key);
    return s;
}

static bool
render_cycle(liq_ctx *ctx, const liq_node *node, gz_buf *out)
{
    const cycle *c = node->u.data;
    gz_str group = c->group;
    if (c->name) {
        gz_value name;
        if (!liq_eval(ctx, c->name, &name))
            return false;
        group = group_key(ctx, name);
    }
    if (!ctx->reg.cycles)
        ctx->reg.cycles = gz_hash_new(ctx->env->arena, 4);
    gz_value *at = gz_hash_get(ctx->reg.cycles, group);
    int64_t i = at ? at->u.i : 0;
    if (i < (int64_t)c->nvalues) {
        gz_value v;
        if (!liq_eval(ctx, c->values[i], &v))
            return false;
        liq_to_s(out, v, ctx->env);
    }
    i = i + 1 >= (int64_t)c->nvalues ? 0 : i + 1;
    gz_hash_set(ctx->env->arena, ctx->reg.cycles, group, gz_int(i));
    return true;
}

const liq_tag_def liq_tag_cycle = { "cycle", parse_cycle, render_cycle, NULL };

/* ---- break, continue -------------------------------------------------- */

static bool
parse_nothing(liq_parser *p, liq_tokenizer *tk, liq_node *node, gz_str markup)
{
    (void)p, (void)tk, (void)node, (void)markup;
    return true;
}

static bool
render_break(liq_ctx *ctx, const liq_node *node, gz_buf *out)
{
    (void)node, (void)out;
    liq_push_interrupt(ctx, LIQ_INT_BREAK);
    return true;
}

static bool
render_continue(liq_ctx *ctx, const liq_node *node, gz_buf *out)
{
    (void)node, (void)out;
    liq_push_interrupt(ctx, LIQ_INT_CONTINUE);
    return true;
}

const liq_tag_def liq_tag_break = { "break", parse_nothing, render_break, liq_reads_nothing };
const liq_tag_def liq_tag_continue = { "continue", parse_nothing, render_continue,
                                       liq_reads_nothing };

/* ---- ifchanged -------------------------------------------------------- */

static bool
parse_ifchanged(liq_parser *p, liq_tokenizer *tk, liq_node *node, gz_str markup)
{
    (void)markup;
    liq_body *body = gz_arena_calloc(p->arena, 1, sizeof *body);
    liq_end end;
    if (!liq_parse_body(p, tk, body, &end) || !liq_expect_end(p, &end, "ifchanged"))
        return false;
    node->blank = body->blank;
    node->u.data = body;
    return true;
}

/* Renders into the output, then takes it back if it equals last time's. */
static bool
render_ifchanged(liq_ctx *ctx, const liq_node *node, gz_buf *out)
{
    size_t start = out->len;
    if (!liq_render_body(ctx, node->u.data, out))
        return false;
    gz_str all = gz_buf_str(out), now = gz_str_n(all.p + start, all.len - start);
    if (ctx->ifchanged.type == GZ_STRING && gz_str_eq(now, gz_value_str(ctx->ifchanged))) {
        gz_buf_truncate(out, start);
        return true;
    }
    ctx->ifchanged = gz_string_copy(ctx->env->arena, now.p, now.len);
    return true;
}

const liq_tag_def liq_tag_ifchanged = { "ifchanged", parse_ifchanged, render_ifchanged, NULL };
