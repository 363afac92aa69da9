/* Jekyll's array filters: where and sort (which replace Liquid's), find,
 * the _exp filters, group_by, and the copying pop/push/shift/unshift and
 * sample. Jekyll reads item[property] its own way (item_property): dotted
 * paths, and numeric-looking strings read as numbers. */
#include <stdlib.h>
#include <time.h>

#include "liquid/convert.h"
#include "liquid/decimal.h"
#include "liquid/filters_internal.h"

/* ---- item_property ------------------------------------------------------- */

static bool
only_digits(gz_str s)
{
    if (!s.len)
        return false;
    for (size_t i = 0; i < s.len; i++)
        if (s.p[i] < '0' || s.p[i] > '9')
            return false;
    return true;
}

/* Jekyll's parse_sort_input: a value whose to_s is /\A\s*-?\d+\s*\Z/ is
 * read by to_i, one like /\A\s*-?(\d+\.?\d*|\.\d+)\s*\Z/ by to_f. */
static gz_value
parse_sort_input(liq_ctx *ctx, gz_value v)
{
    /* Nothing whose to_s cannot look like a number is worth formatting
     * (a date, the usual sort key, would be formatted for nothing). */
    if (v.type == GZ_NIL || v.type == GZ_BOOL || v.type == GZ_TIME || v.type == GZ_ARRAY ||
        v.type == GZ_HASH)
        return v;
    gz_str t = liq_f_to_s(ctx, v);
    while (t.len && liq_f_is_space(t.p[0]))
        t.p++, t.len--;
    while (t.len && liq_f_is_space(t.p[t.len - 1]))
        t.len--;
    gz_str num = t;
    if (num.len && num.p[0] == '-')
        num.p++, num.len--;
    const char *dot = memchr(num.p, '.', num.len);
    gz_str whole = dot ? gz_str_n(num.p, (size_t)(dot - num.p)) : num;
    gz_str frac = dot ? gz_str_n(dot + 1, num.len - whole.len - 1) : gz_str_n("", 0);
    gz_arena *a = liq_ctx_arena(ctx);
    if (only_digits(num)) { /* String#to_i, exact */
        liq_num n;
        liq_num_from_value(a, gz_str_value(t), &n);
        return liq_num_to_value(a, &n);
    }
    bool is_float = dot && (frac.len == 0 || only_digits(frac)) &&
                    (only_digits(whole) || (whole.len == 0 && frac.len > 0));
    if (is_float) /* String#to_f */
        return gz_float(strtod(gz_arena_strndup(a, t.p, t.len), NULL));
    return v;
}

/* Jekyll's item_property: item[property], a dotted property walked key by
 * key (a step into something without [] gives false), then
 * parse_sort_input. Returns false where Ruby raises (an Integer or Array
 * asked for a string key, nil asked anything). */
static bool
item_property(liq_ctx *ctx, gz_value item, gz_value property, gz_value *out)
{
    gz_str p = liq_f_to_s(ctx, property);
    gz_value key = gz_str_value(p);
    if (!memchr(p.p, '.', p.len)) {
        if (liq_f_property(ctx, item, key, out) != LIQ_PROP_OK)
            return false;
        *out = parse_sort_input(ctx, *out);
        return true;
    }
    gz_value v = item;
    for (size_t start = 0, i = 0; i <= p.len; i++) {
        if (i < p.len && p.p[i] != '.')
            continue;
        gz_value part = gz_string(p.p + start, i - start);
        start = i + 1;
        if (v.type == GZ_BOOL && !v.u.b)
            continue; /* `data.respond_to?(:[]) && data[key]` stays false */
        switch (liq_f_property(ctx, v, part, &v)) {
        case LIQ_PROP_OK: break;
        case LIQ_PROP_NO_METHOD: v = gz_bool(false); break;
        case LIQ_PROP_TYPE_ERROR: return false;
        }
    }
    *out = parse_sort_input(ctx, v);
    return true;
}

static bool
internal_error(liq_ctx *ctx)
{
    return liq_filter_error(ctx, "internal");
}

/* The items Jekyll's select/find/group_by walk: an array as it is, a
 * hash's values. False for inputs without them (returned unchanged). */
static bool
enumerable(liq_ctx *ctx, gz_value input, gz_array **items)
{
    gz_arena *a = liq_ctx_arena(ctx);
    if (input.type == GZ_HASH) {
        *items = gz_array_new(a, input.u.h->len);
        for (size_t i = 0; i < input.u.h->len; i++)
            gz_array_push(a, *items, input.u.h->entries[i].value);
        return true;
    }
    if (input.type == GZ_ARRAY || input.type == GZ_RANGE ||
        (input.type == GZ_DROP && input.u.d->cls->length)) {
        *items = liq_to_array(input, liq_ctx_env(ctx));
        return true;
    }
    return false;
}

/* ---- where and find -------------------------------------------------------- */

/* compare_property_vs_target: nil matches nil; otherwise by to_s, a
 * string property as a whole, anything else element by element. */
static bool
property_matches(liq_ctx *ctx, gz_value prop, gz_value target)
{
    if (target.type == GZ_NIL)
        return prop.type == GZ_NIL;
    gz_str t = liq_f_to_s(ctx, target);
    if (prop.type == GZ_STRING)
        return gz_str_eq(gz_value_str(prop), t);
    if (prop.type == GZ_NIL)
        return false;
    if (prop.type == GZ_ARRAY) {
        for (size_t i = 0; i < prop.u.a->len; i++)
            if (gz_str_eq(liq_f_to_s(ctx, prop.u.a->items[i]), t))
                return true;
        return false;
    }
    if (prop.type == GZ_HASH) { /* Array(hash) is its [key, value] pairs */
        gz_array *pairs = liq_to_array(prop, liq_ctx_env(ctx));
        for (size_t i = 0; i < pairs->len; i++)
            if (gz_str_eq(liq_f_to_s(ctx, pairs->items[i]), t))
                return true;
        return false;
    }
    return gz_str_eq(liq_f_to_s(ctx, prop), t);
}

/* where / find: items whose property matches; `first` stops at one. */
static bool
select_matching(liq_ctx *ctx, gz_value input, gz_value property, gz_value target, bool first,
                gz_value *out)
{
    gz_array *items;
    if (!gz_truthy(property) || target.type == GZ_ARRAY || target.type == GZ_HASH ||
        !enumerable(ctx, input, &items)) {
        *out = input;
        return true;
    }
    gz_array *r = gz_array_new(liq_ctx_arena(ctx), first ? 1 : items->len);
    for (size_t i = 0; i < items->len; i++) {
        gz_value prop;
        if (!item_property(ctx, items->items[i], property, &prop))
            return internal_error(ctx);
        if (!property_matches(ctx, prop, target))
            continue;
        if (first) {
            *out = items->items[i];
            return true;
        }
        gz_array_push(liq_ctx_arena(ctx), r, items->items[i]);
    }
    *out = first ? gz_nil() : gz_array_value(r);
    return true;
}

LIQ_FILTER(jekyll_where)
{
    (void)nargs, (void)kwargs;
    return select_matching(ctx, input, args[0], args[1], false, out);
}

LIQ_FILTER(jekyll_find)
{
    (void)nargs, (void)kwargs;
    return select_matching(ctx, input, args[0], args[1], true, out);
}

/* where_exp / find_exp: items for which the condition holds with the
 * variable bound to the item. */
static bool
select_by_condition(liq_ctx *ctx, gz_value input, gz_value variable, gz_value expression,
                    bool first, gz_value *out)
{
    gz_array *items;
    if (input.type == GZ_STRING || !enumerable(ctx, input, &items)) {
        *out = input;
        return true;
    }
    gz_str var = liq_f_to_s(ctx, variable);
    const struct liq_cond *cond = liq_ctx_parse_condition(ctx, liq_f_to_s(ctx, expression));
    if (!cond || !liq_ctx_push_scope(ctx))
        return false;
    gz_array *r = gz_array_new(liq_ctx_arena(ctx), first ? 1 : items->len);
    *out = first ? gz_nil() : gz_array_value(r);
    bool ok = true;
    for (size_t i = 0; i < items->len && ok; i++) {
        bool hit;
        ok = liq_ctx_bound_condition(ctx, cond, var, items->items[i], &hit);
        if (!ok || !hit)
            continue;
        if (first) {
            *out = items->items[i];
            break;
        }
        gz_array_push(liq_ctx_arena(ctx), r, items->items[i]);
    }
    liq_ctx_pop_scope(ctx);
    return ok;
}

LIQ_FILTER(where_exp)
{
    (void)nargs, (void)kwargs;
    return select_by_condition(ctx, input, args[0], args[1], false, out);
}

LIQ_FILTER(find_exp)
{
    (void)nargs, (void)kwargs;
    return select_by_condition(ctx, input, args[0], args[1], true, out);
}

/* ---- group_by -------------------------------------------------------------- */

/* Appends item to the group named by `key` (created on first sight) of
 * Jekyll's grouped_array: [{"name" => key, "items" => [...], "size" => n}]
 * in order of first appearance. `index` maps a group's identity to its
 * position in r. */
static void
add_to_group(gz_arena *a, gz_hash *index, gz_array *r, gz_str identity, gz_value key,
             gz_value item)
{
    gz_value *at = gz_hash_get(index, identity);
    gz_hash *group;
    if (at) {
        group = r->items[at->u.i].u.h;
    } else {
        gz_hash_set(a, index, identity, gz_int((int64_t)r->len));
        group = gz_hash_new(a, 3);
        gz_hash_set(a, group, GZ_STR("name"), key);
        gz_hash_set(a, group, GZ_STR("items"), gz_array_value(gz_array_new(a, 4)));
        gz_hash_set(a, group, GZ_STR("size"), gz_int(0));
        gz_array_push(a, r, gz_hash_value(group));
    }
    gz_array *members = gz_hash_get(group, GZ_STR("items"))->u.a;
    gz_array_push(a, members, item);
    gz_hash_set(a, group, GZ_STR("size"), gz_int((int64_t)members->len));
}

/* Keyed by item_property(item, property).to_s. */
LIQ_FILTER(group_by)
{
    (void)nargs, (void)kwargs;
    gz_array *items;
    /* Hash#group_by yields [key, value] pairs, which have no string keys */
    if (input.type == GZ_HASH && input.u.h->len)
        return internal_error(ctx);
    if (!enumerable(ctx, input, &items)) {
        *out = input;
        return true;
    }
    gz_arena *a = liq_ctx_arena(ctx);
    gz_hash *index = gz_hash_new(a, 8);
    gz_array *r = gz_array_new(a, 8);
    for (size_t i = 0; i < items->len; i++) {
        gz_value prop;
        if (!item_property(ctx, items->items[i], args[0], &prop))
            return internal_error(ctx);
        gz_str name = liq_f_to_s(ctx, prop);
        add_to_group(a, index, r, name, gz_str_value(name), items->items[i]);
    }
    *out = gz_array_value(r);
    return true;
}

/* Keyed by the value of the expression with the variable bound to the item
 * (Ruby's group_by: equal values, so 1 and "1" are two groups). */
LIQ_FILTER(group_by_exp)
{
    (void)nargs, (void)kwargs;
    gz_array *items;
    if (input.type == GZ_STRING || !enumerable(ctx, input, &items)) {
        *out = input;
        return true;
    }
    gz_arena *a = liq_ctx_arena(ctx);
    gz_str var = liq_f_to_s(ctx, args[0]);
    const struct liq_variable *expr = liq_ctx_parse_expression(ctx, liq_f_to_s(ctx, args[1]));
    if (!expr || !liq_ctx_push_scope(ctx))
        return false;
    gz_hash *index = gz_hash_new(a, 8);
    gz_array *r = gz_array_new(a, 8);
    gz_buf identity = GZ_BUF_INIT;
    bool ok = true;
    for (size_t i = 0; i < items->len && ok; i++) {
        gz_value key;
        ok = liq_ctx_bound_expression(ctx, expr, var, items->items[i], &key);
        if (!ok)
            break;
        gz_buf_clear(&identity);
        gz_value_inspect(&identity, key, liq_ctx_env(ctx));
        gz_str id = gz_buf_str(&identity);
        add_to_group(a, index, r, gz_str_n(gz_arena_strndup(a, id.p, id.len), id.len), key,
                     items->items[i]);
    }
    liq_ctx_pop_scope(ctx);
    gz_buf_free(&identity);
    *out = gz_array_value(r);
    return ok;
}

/* ---- sort ------------------------------------------------------------------ */

/* Ruby's "comparison of X with Y failed": X by class, Y by inspect when it
 * is nil, true, false, an Integer or a Float, else by class. */
static void
ruby_class(gz_buf *b, gz_value v)
{
    switch (v.type) {
    case GZ_INT: gz_buf_puts(b, "Integer"); break;
    case GZ_FLOAT: gz_buf_puts(b, "Float"); break;
    case GZ_STRING: gz_buf_puts(b, "String"); break;
    case GZ_ARRAY: gz_buf_puts(b, "Array"); break;
    case GZ_HASH: gz_buf_puts(b, "Hash"); break;
    case GZ_TIME: gz_buf_puts(b, "Time"); break;
    case GZ_RANGE: gz_buf_puts(b, "Range"); break;
    case GZ_DROP: gz_buf_puts(b, v.u.d->cls->name); break;
    case GZ_BOOL: gz_buf_puts(b, v.u.b ? "TrueClass" : "FalseClass"); break;
    case GZ_NIL: gz_buf_puts(b, "NilClass"); break;
    }
}

static int
compare_failed(liq_ctx *ctx, gz_value a, gz_value b, bool *failed)
{
    gz_buf x = GZ_BUF_INIT, y = GZ_BUF_INIT;
    ruby_class(&x, a);
    if (b.type == GZ_NIL || b.type == GZ_BOOL || b.type == GZ_INT || b.type == GZ_FLOAT)
        gz_value_inspect(&y, b, liq_ctx_env(ctx));
    else
        ruby_class(&y, b);
    liq_filter_error(ctx, "comparison of %s with %s failed", x.data, y.data);
    gz_buf_free(&x);
    gz_buf_free(&y);
    *failed = true;
    return 0;
}

typedef struct sort_state {
    liq_ctx *ctx;
    const gz_value *keys;
    int nils; /* -1: nils first, 1: nils last */
} sort_state;

/* Array#sort without a block: <=>, an error when Ruby's answer is nil. */
static int
plain_compare(void *data, gz_value ia, gz_value ib, bool *failed)
{
    sort_state *s = data;
    gz_value a = s->keys[ia.u.i], b = s->keys[ib.u.i];
    int c;
    return liq_f_spaceship(a, b, &c) ? c : compare_failed(s->ctx, a, b, failed);
}

/* Jekyll's sort_input: nils first or last, then <=>, then by to_s. */
static int
property_compare(void *data, gz_value ia, gz_value ib, bool *failed)
{
    (void)failed;
    sort_state *s = data;
    gz_value a = s->keys[ia.u.i], b = s->keys[ib.u.i];
    if (a.type != GZ_NIL && b.type == GZ_NIL)
        return -s->nils;
    if (a.type == GZ_NIL && b.type != GZ_NIL)
        return s->nils;
    int c;
    if (liq_f_spaceship(a, b, &c))
        return c;
    gz_str x = liq_f_to_s(s->ctx, a), y = liq_f_to_s(s->ctx, b);
    size_t n = x.len < y.len ? x.len : y.len;
    c = n ? memcmp(x.p, y.p, n) : 0;
    if (c == 0)
        c = (x.len > y.len) - (x.len < y.len);
    return (c > 0) - (c < 0);
}

/* Whether the keys compare as a total preorder: every key other than nil
 * of one type among times, integers and strings, whose <=> never fails
 * and is transitive. Any stable sort then gives the same order, Ruby's
 * included, so a list already in order, or in reverse order, need not go
 * through the merge sort: a list of posts sorted by date (jekyll-feed
 * sorts site.posts, newest first, by date on every feed) mostly is. */
static bool
keys_totally_ordered(const sort_state *s, size_t n)
{
    gz_type type = GZ_NIL;
    for (size_t i = 0; i < n; i++) {
        gz_type t = s->keys[i].type;
        if (t == GZ_NIL)
            continue;
        if (t != GZ_TIME && t != GZ_INT && t != GZ_STRING)
            return false;
        if (type != GZ_NIL && t != type)
            return false;
        type = t;
    }
    return true;
}

static int
compare_keys(sort_state *s, size_t i, size_t k)
{
    return property_compare(s, gz_int((int64_t)i), gz_int((int64_t)k), NULL);
}

/* The stable order of keys that are in order (order[i] = i, as it is) or
 * in reverse order (runs of equal keys, from the last run to the first,
 * each in its own order); false when they are neither. */
static bool
presorted(sort_state *s, size_t n, gz_value *order)
{
    if (!keys_totally_ordered(s, n))
        return false;
    bool ascending = true, descending = true;
    for (size_t i = 1; i < n && (ascending || descending); i++) {
        int c = compare_keys(s, i - 1, i);
        ascending = ascending && c <= 0;
        descending = descending && c >= 0;
    }
    if (ascending)
        return true;
    if (!descending)
        return false;
    size_t k = 0;
    for (size_t end = n; end > 0;) {
        size_t start = end - 1;
        while (start > 0 && compare_keys(s, start - 1, end - 1) == 0)
            start--;
        for (size_t i = start; i < end; i++)
            order[k++] = gz_int((int64_t)i);
        end = start;
    }
    return true;
}

LIQ_FILTER(jekyll_sort)
{
    (void)kwargs;
    if (input.type == GZ_NIL)
        return liq_filter_error(ctx, "Cannot sort a null object.");
    gz_value property = nargs > 0 ? args[0] : gz_nil();
    gz_str nils = nargs > 1 ? liq_f_to_s(ctx, args[1]) : GZ_STR("first");
    gz_arena *a = liq_ctx_arena(ctx);
    gz_array *items;
    if (!enumerable(ctx, input, &items)) /* String#sort and the like */
        return internal_error(ctx);
    if (input.type == GZ_HASH) /* Hash#sort sorts [key, value] pairs */
        items = liq_to_array(input, liq_ctx_env(ctx));
    sort_state s = { ctx, items->items, -1 };
    liq_f_cmp cmp = plain_compare;
    if (property.type != GZ_NIL) {
        if (!gz_str_eq_c(nils, "first") && !gz_str_eq_c(nils, "last"))
            return liq_filter_error(ctx,
                                    "Invalid nils order: '%.*s' is not a valid nils order. It "
                                    "must be 'first' or 'last'.",
                                    (int)nils.len, nils.p);
        s.nils = gz_str_eq_c(nils, "first") ? -1 : 1;
        gz_value *keys = gz_arena_alloc(a, (items->len ? items->len : 1) * sizeof *keys);
        for (size_t i = 0; i < items->len; i++)
            if (!item_property(ctx, items->items[i], property, &keys[i]))
                return internal_error(ctx);
        s.keys = keys;
        cmp = property_compare;
    }
    gz_value *order = gz_arena_alloc(a, (items->len ? items->len : 1) * sizeof *order);
    for (size_t i = 0; i < items->len; i++)
        order[i] = gz_int((int64_t)i);
    bool done = cmp == property_compare && presorted(&s, items->len, order);
    if (!done && !liq_f_sort(ctx, order, items->len, cmp, &s))
        return false;
    gz_array *r = gz_array_new(a, items->len);
    for (size_t i = 0; i < items->len; i++)
        gz_array_push(a, r, items->items[order[i].u.i]);
    *out = gz_array_value(r);
    return true;
}

/* ---- pop, push, shift, unshift, sample ------------------------------------ */

/* A copy of an array's items without `drop` of them at the front or back
 * (Array#pop(n) / #shift(n) on a dup). */
static bool
without(liq_ctx *ctx, gz_value input, const gz_value *args, size_t nargs, bool front, gz_value *out)
{
    if (input.type != GZ_ARRAY) {
        *out = input;
        return true;
    }
    int64_t n;
    if (!liq_f_to_integer(ctx, nargs ? args[0] : gz_int(1), &n))
        return false;
    if (n < 0)
        return liq_filter_error(ctx, "negative array size");
    const gz_array *src = input.u.a;
    size_t drop = (uint64_t)n < src->len ? (size_t)n : src->len;
    gz_array *r = gz_array_new(liq_ctx_arena(ctx), src->len - drop);
    for (size_t i = front ? drop : 0; i < (front ? src->len : src->len - drop); i++)
        gz_array_push(liq_ctx_arena(ctx), r, src->items[i]);
    *out = gz_array_value(r);
    return true;
}

LIQ_FILTER(pop)
{
    (void)kwargs;
    return without(ctx, input, args, nargs, false, out);
}

LIQ_FILTER(shift)
{
    (void)kwargs;
    return without(ctx, input, args, nargs, true, out);
}

/* A copy of the array with one more item, at the back or the front. */
static bool
with(liq_ctx *ctx, gz_value input, gz_value item, bool front, gz_value *out)
{
    if (input.type != GZ_ARRAY) {
        *out = input;
        return true;
    }
    gz_arena *a = liq_ctx_arena(ctx);
    gz_array *r = gz_array_new(a, input.u.a->len + 1);
    if (front)
        gz_array_push(a, r, item);
    for (size_t i = 0; i < input.u.a->len; i++)
        gz_array_push(a, r, input.u.a->items[i]);
    if (!front)
        gz_array_push(a, r, item);
    *out = gz_array_value(r);
    return true;
}

LIQ_FILTER(push)
{
    (void)nargs, (void)kwargs;
    return with(ctx, input, args[0], false, out);
}

LIQ_FILTER(unshift)
{
    (void)nargs, (void)kwargs;
    return with(ctx, input, args[0], true, out);
}

/* A random number for sample: Ruby's differs anyway; only the spread
 * matters. Seeded per call from the clock and the arena's address. */
static uint64_t
next_random(uint64_t *state)
{
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    return *state;
}

/* sample: one random item (nil for an empty array), or n distinct ones;
 * an unreadable n counts as 1. */
LIQ_FILTER(sample)
{
    (void)kwargs;
    if (input.type != GZ_ARRAY) {
        *out = input;
        return true;
    }
    int64_t n = 1;
    if (nargs && !liq_to_int(args[0], &n))
        n = 1;
    const gz_array *src = input.u.a;
    liq_ctx_unshareable(ctx);
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    uint64_t state = ((uint64_t)ts.tv_nsec << 20) ^ (uint64_t)ts.tv_sec ^ (uintptr_t)ctx ^ 0x9e3779b97f4a7c15u;
    if (n == 1) {
        *out = src->len ? src->items[next_random(&state) % src->len] : gz_nil();
        return true;
    }
    if (n < 0)
        return liq_filter_error(ctx, "negative sample number");
    gz_arena *a = liq_ctx_arena(ctx);
    size_t k = (uint64_t)n < src->len ? (size_t)n : src->len;
    gz_value *pool = gz_arena_alloc(a, (src->len ? src->len : 1) * sizeof *pool);
    memcpy(pool, src->items, src->len * sizeof *pool);
    gz_array *r = gz_array_new(a, k);
    for (size_t i = 0; i < k; i++) { /* a partial Fisher-Yates shuffle */
        size_t j = i + (size_t)(next_random(&state) % (src->len - i));
        gz_value t = pool[i];
        pool[i] = pool[j];
        pool[j] = t;
        gz_array_push(a, r, pool[i]);
    }
    *out = gz_array_value(r);
    return true;
}
