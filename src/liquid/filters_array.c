/* Array filters of Liquid 5.4, and `default`. Most see their input through
 * Liquid's InputIterator (liq_f_input_list: arrays flattened, a hash as a
 * one-element list); first, last and slice see arrays as they are. */
#include "liquid/convert.h"
#include "liquid/filters_internal.h"

static gz_array *
new_list(liq_ctx *ctx, size_t cap)
{
    return gz_array_new(liq_ctx_arena(ctx), cap);
}

LIQ_FILTER(join)
{
    gz_array *list = liq_f_input_list(ctx, input);
    gz_str glue = liq_f_to_s(ctx, liq_f_arg(ctx, args, nargs, kwargs, 0, gz_string(" ", 1)));
    gz_buf b = GZ_BUF_INIT;
    for (size_t i = 0; i < list->len; i++) {
        if (i)
            gz_buf_put_str(&b, glue);
        gz_buf_put_str(&b, liq_f_to_s(ctx, list->items[i]));
    }
    *out = liq_f_take(ctx, &b);
    return true;
}

/* `array.first if array.respond_to?(:first)`: arrays and ranges; a hash's
 * first is its first [key, value] pair; Hash has no #last. */
static bool
first_or_last(liq_ctx *ctx, gz_value input, bool first, gz_value *out)
{
    *out = gz_nil();
    bool list = input.type == GZ_ARRAY || input.type == GZ_RANGE ||
                (input.type == GZ_DROP && input.u.d->cls->length);
    if (list || (first && input.type == GZ_HASH))
        liq_lookup_key(input, first ? GZ_STR("first") : GZ_STR("last"), out, liq_ctx_env(ctx));
    return true;
}

LIQ_FILTER(first)
{
    (void)args, (void)nargs, (void)kwargs;
    return first_or_last(ctx, input, true, out);
}

LIQ_FILTER(last)
{
    (void)args, (void)nargs, (void)kwargs;
    return first_or_last(ctx, input, false, out);
}

LIQ_FILTER(concat)
{
    (void)nargs, (void)kwargs;
    gz_value other = args[0];
    if (other.type != GZ_ARRAY && !(other.type == GZ_DROP && other.u.d->cls->length))
        return liq_filter_error(ctx, "concat filter requires an array argument");
    gz_array *a = liq_f_input_list(ctx, input);
    gz_array *b = liq_to_array(other, liq_ctx_env(ctx));
    gz_array *r = new_list(ctx, a->len + b->len);
    for (size_t i = 0; i < a->len; i++)
        gz_array_push(liq_ctx_arena(ctx), r, a->items[i]);
    for (size_t i = 0; i < b->len; i++)
        gz_array_push(liq_ctx_arena(ctx), r, b->items[i]);
    *out = gz_array_value(r);
    return true;
}

LIQ_FILTER(reverse)
{
    (void)args, (void)nargs, (void)kwargs;
    gz_array *list = liq_f_input_list(ctx, input);
    gz_array *r = new_list(ctx, list->len);
    for (size_t i = list->len; i-- > 0;)
        gz_array_push(liq_ctx_arena(ctx), r, list->items[i]);
    *out = gz_array_value(r);
    return true;
}

LIQ_FILTER(map)
{
    (void)nargs, (void)kwargs;
    gz_value property = args[0];
    gz_array *list = liq_f_input_list(ctx, input);
    gz_array *r = new_list(ctx, list->len);
    bool itself = property.type == GZ_STRING && gz_str_eq_c(gz_value_str(property), "to_liquid");
    for (size_t i = 0; i < list->len; i++) {
        gz_value v = list->items[i];
        if (!itself && liq_f_property(ctx, list->items[i], property, &v) == LIQ_PROP_TYPE_ERROR)
            return liq_f_property_error(ctx, property);
        gz_array_push(liq_ctx_arena(ctx), r, v);
    }
    *out = gz_array_value(r);
    return true;
}

/* ---- selecting by property ----------------------------------------------- */

typedef enum { KEEP_TRUTHY, KEEP_EQUAL, KEEP_NON_NIL } keep_rule;

/* where / compact with a property: items whose item[property] passes. An
 * item without [] makes the whole result nil (Liquid returns nil from its
 * rescue of NoMethodError). */
static bool
select_by_property(liq_ctx *ctx, gz_value input, gz_value property, keep_rule rule,
                   gz_value target, gz_value *out)
{
    gz_array *list = liq_f_input_list(ctx, input);
    gz_array *r = new_list(ctx, list->len);
    for (size_t i = 0; i < list->len; i++) {
        gz_value v;
        switch (liq_f_property(ctx, list->items[i], property, &v)) {
        case LIQ_PROP_TYPE_ERROR:
            return liq_f_property_error(ctx, property);
        case LIQ_PROP_NO_METHOD:
            *out = gz_nil();
            return true;
        case LIQ_PROP_OK:
            break;
        }
        bool keep = rule == KEEP_TRUTHY  ? gz_truthy(v)
                    : rule == KEEP_EQUAL ? liq_equal(v, target)
                                         : v.type != GZ_NIL;
        if (keep)
            gz_array_push(liq_ctx_arena(ctx), r, list->items[i]);
    }
    *out = gz_array_value(r);
    return true;
}

LIQ_FILTER(where)
{
    gz_value target = liq_f_arg(ctx, args, nargs, kwargs, 1, gz_nil());
    return select_by_property(ctx, input, args[0], target.type == GZ_NIL ? KEEP_TRUTHY : KEEP_EQUAL,
                              target, out);
}

LIQ_FILTER(compact)
{
    gz_value property = liq_f_arg(ctx, args, nargs, kwargs, 0, gz_nil());
    if (property.type != GZ_NIL)
        return select_by_property(ctx, input, property, KEEP_NON_NIL, gz_nil(), out);
    gz_array *list = liq_f_input_list(ctx, input);
    gz_array *r = new_list(ctx, list->len);
    for (size_t i = 0; i < list->len; i++)
        if (list->items[i].type != GZ_NIL)
            gz_array_push(liq_ctx_arena(ctx), r, list->items[i]);
    *out = gz_array_value(r);
    return true;
}

/* ---- uniq: Ruby's eql? and hash ------------------------------------------ */

/* Object#eql?: no conversion between Integer and Float; containers by
 * their elements' eql?. */
static bool
eql(gz_value a, gz_value b)
{
    if (a.type != b.type)
        return false;
    switch (a.type) {
    case GZ_FLOAT: return a.u.f == b.u.f; /* 0.0 eql? -0.0 */
    case GZ_ARRAY:
        if (a.u.a->len != b.u.a->len)
            return false;
        for (size_t i = 0; i < a.u.a->len; i++)
            if (!eql(a.u.a->items[i], b.u.a->items[i]))
                return false;
        return true;
    case GZ_HASH: {
        if (a.u.h->len != b.u.h->len)
            return false;
        for (size_t i = 0; i < a.u.h->len; i++) {
            gz_value *v = gz_hash_get(b.u.h, a.u.h->entries[i].key);
            if (!v || !eql(a.u.h->entries[i].value, *v))
                return false;
        }
        return true;
    }
    default: return gz_value_equal(a, b);
    }
}

static uint64_t
mix(uint64_t h, uint64_t v)
{
    h ^= v + 0x9e3779b97f4a7c15u + (h << 6) + (h >> 2);
    return h;
}

static uint64_t
hash_bytes(const char *p, size_t n)
{
    uint64_t h = 1469598103934665603u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)p[i]) * 1099511628211u;
    return h;
}

/* A hash consistent with eql (hashes of hashes ignore key order). */
static uint64_t
value_hash(gz_value v)
{
    uint64_t h = (uint64_t)v.type;
    switch (v.type) {
    case GZ_BOOL: return mix(h, v.u.b);
    case GZ_INT: return mix(h, (uint64_t)v.u.i);
    case GZ_FLOAT: {
        double f = v.u.f == 0 ? 0 : v.u.f;
        uint64_t bits;
        memcpy(&bits, &f, sizeof bits);
        return mix(h, bits);
    }
    case GZ_STRING: return mix(h, hash_bytes(v.u.s, v.len));
    case GZ_ARRAY:
        for (size_t i = 0; i < v.u.a->len; i++)
            h = mix(h, value_hash(v.u.a->items[i]));
        return h;
    case GZ_HASH: {
        uint64_t sum = 0;
        for (size_t i = 0; i < v.u.h->len; i++)
            sum += mix(hash_bytes(v.u.h->entries[i].key.p, v.u.h->entries[i].key.len),
                       value_hash(v.u.h->entries[i].value));
        return mix(h, sum);
    }
    case GZ_TIME: return mix(mix(h, (uint64_t)v.u.t->sec), (uint64_t)v.u.t->nsec);
    case GZ_RANGE: return mix(mix(h, (uint64_t)v.u.r->first), (uint64_t)v.u.r->last);
    case GZ_DROP: return mix(h, (uint64_t)(uintptr_t)v.u.d->data);
    default: return h;
    }
}

LIQ_FILTER(uniq)
{
    gz_value property = liq_f_arg(ctx, args, nargs, kwargs, 0, gz_nil());
    gz_array *list = liq_f_input_list(ctx, input);
    gz_arena *arena = liq_ctx_arena(ctx);
    size_t nslots = 16;
    while (nslots < 2 * list->len)
        nslots *= 2;
    /* open addressing over the kept items: index + 1, 0 = empty */
    size_t *slots = gz_arena_calloc(arena, nslots, sizeof *slots);
    gz_value *keys = gz_arena_alloc(arena, (list->len ? list->len : 1) * sizeof *keys);
    gz_array *r = new_list(ctx, list->len);
    for (size_t i = 0; i < list->len; i++) {
        gz_value key = list->items[i];
        if (property.type != GZ_NIL) {
            switch (liq_f_property(ctx, list->items[i], property, &key)) {
            case LIQ_PROP_TYPE_ERROR:
                return liq_f_property_error(ctx, property);
            case LIQ_PROP_NO_METHOD:
                *out = gz_nil();
                return true;
            case LIQ_PROP_OK:
                break;
            }
        }
        size_t s = (size_t)value_hash(key) & (nslots - 1);
        bool seen = false;
        for (; slots[s]; s = (s + 1) & (nslots - 1))
            if ((seen = eql(keys[slots[s] - 1], key)))
                break;
        if (seen)
            continue;
        keys[r->len] = key;
        gz_array_push(arena, r, list->items[i]);
        slots[s] = r->len;
    }
    *out = gz_array_value(r);
    return true;
}

/* ---- sort and sort_natural ----------------------------------------------- */

typedef struct sort_by {
    liq_ctx *ctx;
    const gz_value *keys; /* item[property] per item, or the items */
} sort_by;

/* The sorted values are indexes (ints) into the items, so that sorting by
 * a property compares each item's key without looking it up again. */
static const gz_value *
key_of(const sort_by *s, gz_value index)
{
    return &s->keys[index.u.i];
}

/* Liquid's nil_safe_compare: <=>, with nil after everything; anything
 * else incomparable is an error. */
static int
nil_safe_compare(void *data, gz_value ia, gz_value ib, bool *failed)
{
    sort_by *s = data;
    gz_value a = *key_of(s, ia), b = *key_of(s, ib);
    int c;
    if (liq_f_spaceship(a, b, &c))
        return c;
    if (a.type == GZ_NIL)
        return 1;
    if (b.type == GZ_NIL)
        return -1;
    liq_filter_error(s->ctx, "cannot sort values of incompatible types");
    *failed = true;
    return 0;
}

/* Liquid's nil_safe_casecmp: to_s compared ignoring ASCII case, a nil
 * after everything (and after another nil). */
static int
nil_safe_casecmp(void *data, gz_value ia, gz_value ib, bool *failed)
{
    (void)failed;
    sort_by *s = data;
    gz_value a = *key_of(s, ia), b = *key_of(s, ib);
    if (a.type != GZ_NIL && b.type != GZ_NIL)
        return liq_f_casecmp(liq_f_to_s(s->ctx, a), liq_f_to_s(s->ctx, b));
    return a.type == GZ_NIL ? 1 : -1;
}

/* sort / sort_natural: by the items, or by item[property] when every item
 * has [] (else the result is nil). */
static bool
sort_common(liq_ctx *ctx, gz_value input, gz_value property, liq_f_cmp cmp, gz_value *out)
{
    gz_array *list = liq_f_input_list(ctx, input);
    gz_arena *arena = liq_ctx_arena(ctx);
    size_t n = list->len;
    gz_value *keys = list->items;
    if (n && property.type != GZ_NIL) {
        keys = gz_arena_alloc(arena, n * sizeof *keys);
        bool type_error = false;
        for (size_t i = 0; i < n; i++) {
            liq_prop p = liq_f_property(ctx, list->items[i], property, &keys[i]);
            if (p == LIQ_PROP_NO_METHOD) {
                *out = gz_nil();
                return true;
            }
            type_error |= p == LIQ_PROP_TYPE_ERROR;
        }
        /* Ruby reads item[property] inside the comparisons: one item is
         * never compared. */
        if (type_error && n > 1)
            return liq_f_property_error(ctx, property);
    }
    gz_value *order = gz_arena_alloc(arena, (n ? n : 1) * sizeof *order);
    for (size_t i = 0; i < n; i++)
        order[i] = gz_int((int64_t)i);
    sort_by s = { ctx, keys };
    if (!liq_f_sort(ctx, order, n, cmp, &s))
        return false;
    gz_array *r = new_list(ctx, n);
    for (size_t i = 0; i < n; i++)
        gz_array_push(arena, r, list->items[order[i].u.i]);
    *out = gz_array_value(r);
    return true;
}

LIQ_FILTER(sort)
{
    gz_value property = liq_f_arg(ctx, args, nargs, kwargs, 0, gz_nil());
    return sort_common(ctx, input, property, nil_safe_compare, out);
}

LIQ_FILTER(sort_natural)
{
    gz_value property = liq_f_arg(ctx, args, nargs, kwargs, 0, gz_nil());
    return sort_common(ctx, input, property, nil_safe_casecmp, out);
}

/* ---- default ------------------------------------------------------------- */

/* default: the fallback when the input is nil, false (unless allow_false)
 * or empty. Ruby's options hash is the second argument, so keyword
 * arguments land there. */
LIQ_FILTER(default)
{
    gz_value fallback = liq_f_arg(ctx, args, nargs, kwargs, 0, gz_string("", 0));
    gz_value options = liq_f_arg(ctx, args, nargs, kwargs, 1, gz_nil());
    bool allow_false = false;
    if (options.type == GZ_HASH) {
        gz_value *v = gz_hash_get(options.u.h, GZ_STR("allow_false"));
        allow_false = v && gz_truthy(*v);
    }
    bool missing = allow_false ? input.type == GZ_NIL : !gz_truthy(input);
    *out = missing || liq_is_empty(input, liq_ctx_env(ctx)) ? fallback : input;
    return true;
}
