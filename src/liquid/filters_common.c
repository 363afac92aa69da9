/* Conversions shared by every filter family: how Ruby's filter methods see
 * their input and arguments. */
#include "liquid/filters_internal.h"

#include "liquid/convert.h"

gz_value
liq_f_arg(liq_ctx *ctx, const gz_value *args, size_t nargs, const gz_hash *kwargs, size_t i,
          gz_value dflt)
{
    if (i < nargs)
        return args[i];
    if (i == nargs && kwargs) {
        /* The hash is shared by every render of the template: copy it. */
        return gz_value_clone(liq_ctx_arena(ctx), gz_hash_value((gz_hash *)kwargs));
    }
    return dflt;
}

gz_str
liq_f_to_s(liq_ctx *ctx, gz_value v)
{
    if (v.type == GZ_STRING)
        return gz_value_str(v);
    if (v.type == GZ_NIL)
        return gz_str_n("", 0);
    gz_buf b = GZ_BUF_INIT;
    if (v.type == GZ_ARRAY)
        gz_value_inspect(&b, v, liq_ctx_env(ctx));
    else
        liq_to_s(&b, v, liq_ctx_env(ctx));
    return gz_value_str(liq_f_take(ctx, &b));
}

gz_value
liq_f_take(liq_ctx *ctx, gz_buf *b)
{
    gz_value v = gz_string_from_buf(liq_ctx_arena(ctx), b);
    gz_buf_free(b);
    return v;
}

gz_value
liq_f_string(liq_ctx *ctx, gz_str s)
{
    return gz_string_copy(liq_ctx_arena(ctx), s.p, s.len);
}

bool
liq_f_to_integer(liq_ctx *ctx, gz_value v, int64_t *out)
{
    if (liq_to_int(v, out))
        return true;
    return liq_filter_error(ctx, "invalid integer");
}

/* Appends v to list, flattening nested arrays (Array#flatten) without
 * recursion: `stack` holds the arrays being walked and where. */
static void
flatten_into(gz_arena *arena, gz_array *list, const gz_array *top)
{
    typedef struct {
        const gz_array *a;
        size_t i;
    } frame;
    size_t cap = 8, depth = 0;
    frame *stack = gz_arena_alloc(arena, cap * sizeof *stack);
    stack[depth++] = (frame){ top, 0 };
    while (depth) {
        frame *f = &stack[depth - 1];
        if (f->i == f->a->len) {
            depth--;
            continue;
        }
        gz_value item = f->a->items[f->i++];
        if (item.type != GZ_ARRAY) {
            gz_array_push(arena, list, item);
            continue;
        }
        if (depth == cap) {
            stack = gz_arena_realloc(arena, stack, cap * sizeof *stack, 2 * cap * sizeof *stack);
            cap *= 2;
        }
        stack[depth++] = (frame){ item.u.a, 0 };
    }
}

static bool
is_flat(const gz_array *a)
{
    for (size_t i = 0; i < a->len; i++)
        if (a->items[i].type == GZ_ARRAY)
            return false;
    return true;
}

gz_array *
liq_f_input_list(liq_ctx *ctx, gz_value v)
{
    gz_arena *arena = liq_ctx_arena(ctx);
    switch (v.type) {
    case GZ_ARRAY: {
        if (is_flat(v.u.a))
            return v.u.a;
        gz_array *list = gz_array_new(arena, v.u.a->len);
        flatten_into(arena, list, v.u.a);
        return list;
    }
    case GZ_HASH: {
        gz_array *list = gz_array_new(arena, 1);
        gz_array_push(arena, list, v);
        return list;
    }
    case GZ_DROP:
        if (!v.u.d->cls->length) { /* not Enumerable: Array(drop) */
            gz_array *list = gz_array_new(arena, 1);
            gz_array_push(arena, list, v);
            return list;
        }
        return liq_to_array(v, liq_ctx_env(ctx));
    default: /* nil, ranges, scalars: as Array() sees them */
        return liq_to_array(v, liq_ctx_env(ctx));
    }
}

bool
liq_f_property(liq_ctx *ctx, gz_value item, gz_str property, gz_value *out)
{
    *out = gz_nil();
    switch (item.type) {
    case GZ_HASH: {
        gz_value *v = gz_hash_get(item.u.h, property);
        if (v)
            *out = *v;
        return true;
    }
    case GZ_DROP:
        if (item.u.d->cls->get)
            item.u.d->cls->get(item.u.d, property, out, liq_ctx_env(ctx));
        return true;
    case GZ_STRING: { /* String#[](str): the substring when present */
        if (gz_str_find(gz_value_str(item), property, 0) >= 0)
            *out = gz_str_value(property);
        return true;
    }
    default:
        return false;
    }
}
