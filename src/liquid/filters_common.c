/* Conversions shared by every filter family: how Ruby's filter methods see
 * their input and arguments. */
#include "liquid/filters_internal.h"

#include "core/utf8.h"
#include "liquid/convert.h"

gz_value
liq_f_arg(liq_ctx *ctx, const gz_value *args, size_t nargs, const gz_hash *kwargs, size_t i,
          gz_value dflt)
{
    if (i < nargs)
        return args[i];
    (void)ctx;
    if (i == nargs && kwargs) /* values are never mutated: sharing is safe */
        return gz_hash_value((gz_hash *)kwargs);
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

/* String#[] with an Integer: the character at that index (negative from
 * the end), or nil. */
static gz_value
char_at(gz_str s, int64_t i)
{
    int64_t len = (int64_t)gz_utf8_length(s);
    if (i < 0)
        i += len;
    if (i < 0 || i >= len)
        return gz_nil();
    size_t at = gz_utf8_offset(s, (size_t)i);
    int32_t cp;
    return gz_string(s.p + at, gz_utf8_decode(s.p + at, s.len - at, &cp));
}

liq_prop
liq_f_property(liq_ctx *ctx, gz_value item, gz_value property, gz_value *out)
{
    *out = gz_nil();
    switch (item.type) {
    case GZ_HASH: /* keys are strings: any other key is absent */
        if (property.type == GZ_STRING) {
            gz_value *v = gz_hash_get(item.u.h, gz_value_str(property));
            if (v)
                *out = *v;
        }
        return LIQ_PROP_OK;
    case GZ_DROP:
        if (item.u.d->cls->get)
            item.u.d->cls->get(item.u.d, liq_f_to_s(ctx, property), out, liq_ctx_env(ctx));
        return LIQ_PROP_OK;
    case GZ_STRING: /* String#[]: a substring, or a character by index */
        if (property.type == GZ_STRING) {
            if (gz_str_find(gz_value_str(item), gz_value_str(property), 0) >= 0)
                *out = property;
            return LIQ_PROP_OK;
        }
        if (property.type == GZ_INT) {
            *out = char_at(gz_value_str(item), property.u.i);
            return LIQ_PROP_OK;
        }
        if (property.type == GZ_FLOAT) { /* truncated; out of range is nil */
            double f = property.u.f;
            bool fits = f > -9.2e18 && f < 9.2e18; /* false for NaN too */
            *out = fits ? char_at(gz_value_str(item), (int64_t)f) : gz_nil();
            return LIQ_PROP_OK;
        }
        return LIQ_PROP_TYPE_ERROR;
    case GZ_INT: { /* Integer#[]: a bit by index, a TypeError otherwise */
        if (property.type != GZ_INT)
            return LIQ_PROP_TYPE_ERROR;
        int64_t bit = property.u.i;
        *out = gz_int(bit < 0 ? 0 : bit > 63 ? item.u.i < 0 : (item.u.i >> bit) & 1);
        return LIQ_PROP_OK;
    }
    case GZ_ARRAY: /* Array#[]: an element by index */
        if (property.type != GZ_INT)
            return LIQ_PROP_TYPE_ERROR;
        liq_lookup_index(item, property, out, liq_ctx_env(ctx));
        return LIQ_PROP_OK;
    default: /* nil, booleans, floats, times, ranges have no [] */
        return LIQ_PROP_NO_METHOD;
    }
}

bool
liq_f_property_error(liq_ctx *ctx, gz_value property)
{
    gz_str p = liq_f_to_s(ctx, property);
    return liq_filter_error(ctx, "cannot select the property '%.*s'", (int)p.len, p.p);
}

/* ---- ordering ---------------------------------------------------------- */

bool
liq_f_spaceship(gz_value a, gz_value b, int *cmp)
{
    if (liq_compare(a, b, cmp))
        return true;
    if (a.type == GZ_ARRAY && b.type == GZ_ARRAY) { /* Array#<=>: element by element */
        const gz_array *x = a.u.a, *y = b.u.a;
        for (size_t i = 0; i < x->len && i < y->len; i++) {
            if (!liq_f_spaceship(x->items[i], y->items[i], cmp))
                return false;
            if (*cmp)
                return true;
        }
        *cmp = (x->len > y->len) - (x->len < y->len);
        return true;
    }
    /* Object#<=>: 0 for equal objects, nil otherwise */
    *cmp = 0;
    return gz_value_equal(a, b);
}

int
liq_f_casecmp(gz_str a, gz_str b)
{
    size_t n = a.len < b.len ? a.len : b.len;
    for (size_t i = 0; i < n; i++) {
        unsigned char x = (unsigned char)a.p[i], y = (unsigned char)b.p[i];
        if (x >= 'A' && x <= 'Z')
            x += 32;
        if (y >= 'A' && y <= 'Z')
            y += 32;
        if (x != y)
            return x < y ? -1 : 1;
    }
    return (a.len > b.len) - (a.len < b.len);
}

/* glibc's msort, which Ruby's Array#sort uses on Linux: split in halves
 * (the first n/2), sort each, merge taking from the left on ties. */
static void
merge_sort(gz_value *v, gz_value *tmp, size_t n, liq_f_cmp cmp, void *data, bool *failed)
{
    if (n <= 1 || *failed)
        return;
    size_t n1 = n / 2, n2 = n - n1;
    gz_value *b1 = v, *b2 = v + n1;
    merge_sort(b1, tmp, n1, cmp, data, failed);
    merge_sort(b2, tmp, n2, cmp, data, failed);
    size_t k = 0;
    while (n1 > 0 && n2 > 0 && !*failed) {
        if (cmp(data, *b1, *b2, failed) <= 0) {
            tmp[k++] = *b1++;
            n1--;
        } else {
            tmp[k++] = *b2++;
            n2--;
        }
    }
    if (*failed)
        return;
    while (n1 > 0) {
        tmp[k++] = *b1++;
        n1--;
    }
    memcpy(v, tmp, k * sizeof *v); /* what is left of b2 is in place */
}

bool
liq_f_sort(liq_ctx *ctx, gz_value *items, size_t n, liq_f_cmp cmp, void *data)
{
    gz_value *tmp = gz_arena_alloc(liq_ctx_arena(ctx), (n ? n : 1) * sizeof *tmp);
    bool failed = false;
    merge_sort(items, tmp, n, cmp, data, &failed);
    return !failed;
}
