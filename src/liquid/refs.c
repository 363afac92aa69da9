/* refs.c — what a part of a template reads from outside itself.
 *
 * Worked out once, while parsing, for the parts whose output may be
 * shared between renders (memo.c): a loop's body, an assign's value. The
 * answer is the list of first names of the variables it reads that it
 * does not bind itself, or "unknown" (liq_reads.known false) when it
 * depends on more than variables: a tag that writes the render's state
 * (assign, cycle, increment, a nested loop's offset register) or reads
 * beyond its markup (include), a filter that evaluates an expression in
 * the render's scope, a name computed at render time, forloop.parentloop
 * (the enclosing loop's state). */
#include "liquid/parse.h"

void
liq_refs_bind(liq_refs *r, gz_str name)
{
    if (r->nbound == sizeof r->bound / sizeof r->bound[0])
        r->opaque = true;
    else
        r->bound[r->nbound++] = name;
}

static bool
in(const gz_str *names, uint32_t n, gz_str name)
{
    for (uint32_t i = 0; i < n; i++)
        if (gz_str_eq(names[i], name))
            return true;
    return false;
}

static void
add_name(liq_refs *r, gz_str name)
{
    if (in(r->bound, r->nbound, name) || in(r->names, r->n, name))
        return;
    if (r->n == sizeof r->names / sizeof r->names[0])
        r->opaque = true;
    else
        r->names[r->n++] = name;
}

void
liq_refs_expr(liq_refs *r, const liq_expr *e)
{
    if (!e || r->opaque)
        return;
    switch (e->kind) {
    case LIQ_E_LIT:
    case LIQ_E_EMPTY:
    case LIQ_E_BLANK:
        return;
    case LIQ_E_RANGE:
        liq_refs_expr(r, e->u.range.first);
        liq_refs_expr(r, e->u.range.last);
        return;
    case LIQ_E_VAR:
        break;
    }
    if (e->u.var.name_expr) { /* {{ [name] }}: any variable at all */
        r->opaque = true;
        return;
    }
    gz_str name = e->u.var.name;
    if (gz_str_eq_c(name, "forloop") && e->nsegs > 0 &&
        (e->u.var.segs[0].index || gz_str_eq_c(e->u.var.segs[0].key, "parentloop"))) {
        r->opaque = true;
        return;
    }
    add_name(r, name);
    for (uint32_t i = 0; i < e->nsegs; i++)
        liq_refs_expr(r, e->u.var.segs[i].index);
}

void
liq_refs_variable(liq_refs *r, const liq_variable *v)
{
    liq_refs_expr(r, v->expr);
    for (uint32_t i = 0; i < v->nfilters && !r->opaque; i++) {
        const liq_filter_call *f = &v->filters[i];
        if (!f->def || f->def->scoped) {
            r->opaque = true;
            return;
        }
        for (uint32_t k = 0; k < f->nargs; k++)
            liq_refs_expr(r, f->args[k]);
        for (uint32_t k = 0; k < f->nkw; k++)
            liq_refs_expr(r, f->kw_values[k]);
    }
}

void
liq_refs_cond(liq_refs *r, const liq_cond *c)
{
    for (; c && !r->opaque; c = c->next) {
        if (c->op == LIQ_OP_UNKNOWN) { /* renders an error */
            r->opaque = true;
            return;
        }
        liq_refs_expr(r, c->left);
        liq_refs_expr(r, c->right);
    }
}

void
liq_refs_body(liq_refs *r, const liq_body *b)
{
    for (uint32_t i = 0; b && i < b->len && !r->opaque; i++) {
        const liq_node *node = &b->nodes[i];
        switch (node->kind) {
        case LIQ_N_TEXT:
            break;
        case LIQ_N_OUTPUT:
            liq_refs_variable(r, node->u.var);
            break;
        case LIQ_N_TAG:
            if (node->tag->reads)
                node->tag->reads(node, r);
            else
                r->opaque = true;
            break;
        }
    }
}

void
liq_reads_nothing(const liq_node *node, liq_refs *r)
{
    (void)node, (void)r;
}

liq_reads
liq_refs_finish(liq_parser *p, const liq_refs *r)
{
    if (r->opaque)
        return (liq_reads){ .known = false };
    liq_reads out = { .known = true, .n = r->n };
    if (r->n) {
        out.names = gz_arena_alloc(p->arena, r->n * sizeof *out.names);
        memcpy(out.names, r->names, r->n * sizeof *out.names);
    }
    return out;
}
