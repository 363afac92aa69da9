/* Liquid's view of values, as Ruby Liquid 5.4 on Ruby 3.1 behaves: each
 * rule below names the Ruby method it mirrors, because that method (not a
 * Liquid rule) is where the behaviour comes from. */
#include "liquid/convert.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/time.h"
#include "core/utf8.h"

/* Array#join: nested arrays joined recursively, nil elements empty, every
 * other element by its to_s. */
static void
join_array(gz_buf *out, const gz_array *a, gz_drop_env *env)
{
    for (size_t i = 0; i < a->len; i++)
        liq_to_s(out, a->items[i], env);
}

void
liq_to_s(gz_buf *out, gz_value v, gz_drop_env *env)
{
    switch (v.type) {
    case GZ_NIL:
        break;
    case GZ_BOOL:
        gz_buf_puts(out, v.u.b ? "true" : "false");
        break;
    case GZ_INT:
        gz_format_int(out, v.u.i);
        break;
    case GZ_FLOAT:
        gz_format_float(out, v.u.f);
        break;
    case GZ_STRING:
        gz_buf_put(out, v.u.s, v.len);
        break;
    case GZ_ARRAY:
        join_array(out, v.u.a, env);
        break;
    case GZ_HASH: /* Hash#to_s is Hash#inspect */
        gz_value_inspect(out, v, env);
        break;
    case GZ_TIME:
        gz_time_to_s(out, v.u.t);
        break;
    case GZ_RANGE:
        gz_format_int(out, v.u.r->first);
        gz_buf_puts(out, "..");
        gz_format_int(out, v.u.r->last);
        break;
    case GZ_DROP:
        if (v.u.d->cls->to_s)
            v.u.d->cls->to_s(v.u.d, out, env);
        else /* Object#to_s of a Liquid::Drop subclass is its class name */
            gz_buf_puts(out, v.u.d->cls->name);
        break;
    }
}

gz_value
liq_as_string(gz_value v, gz_drop_env *env)
{
    if (v.type == GZ_STRING)
        return v;
    if (v.type == GZ_NIL)
        return gz_string("", 0);
    gz_buf b = GZ_BUF_INIT;
    liq_to_s(&b, v, env);
    gz_value s = gz_string_from_buf(env->arena, &b);
    gz_buf_free(&b);
    return s;
}

/* ---- numbers ---------------------------------------------------------- */

static bool
is_ruby_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

static bool
is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* String#strip (Ruby also strips trailing NULs). */
static gz_str
strip(gz_str s)
{
    while (s.len && is_ruby_space(s.p[0])) {
        s.p++;
        s.len--;
    }
    while (s.len && (is_ruby_space(s.p[s.len - 1]) || s.p[s.len - 1] == '\0'))
        s.len--;
    return s;
}

/* Accumulates v*base+digit, saturating instead of overflowing (Ruby would
 * grow a Bignum; numbers that large are not meaningful in a template). */
static int64_t
accumulate(int64_t v, int base, int digit)
{
    if (v > (INT64_MAX - digit) / base)
        return INT64_MAX;
    return v * base + digit;
}

/* String#to_i: leading whitespace, a sign, decimal digits with single
 * underscores between them; stops at the first other character. */
int64_t
liq_str_to_i(gz_str s)
{
    size_t i = 0;
    while (i < s.len && is_ruby_space(s.p[i]))
        i++;
    bool neg = false;
    if (i < s.len && (s.p[i] == '-' || s.p[i] == '+'))
        neg = s.p[i++] == '-';
    int64_t v = 0;
    for (; i < s.len; i++) {
        if (is_digit(s.p[i]))
            v = accumulate(v, 10, s.p[i] - '0');
        else if (!(s.p[i] == '_' && i > 0 && is_digit(s.p[i - 1]) && i + 1 < s.len &&
                   is_digit(s.p[i + 1])))
            break;
    }
    return neg ? -v : v;
}

/* Liquid's /\A-?\d+\.\d+\z/ (applied to the stripped string). */
static bool
is_decimal(gz_str s)
{
    size_t i = 0;
    if (i < s.len && s.p[i] == '-')
        i++;
    size_t int_start = i;
    while (i < s.len && is_digit(s.p[i]))
        i++;
    if (i == int_start || i == s.len || s.p[i] != '.')
        return false;
    size_t frac_start = ++i;
    while (i < s.len && is_digit(s.p[i]))
        i++;
    return i > frac_start && i == s.len;
}

gz_value
liq_to_number(gz_value v)
{
    switch (v.type) {
    case GZ_INT:
    case GZ_FLOAT:
        return v;
    case GZ_STRING: {
        gz_str s = strip(gz_value_str(v));
        if (is_decimal(s)) {
            char tmp[64];
            if (s.len < sizeof tmp) {
                memcpy(tmp, s.p, s.len);
                tmp[s.len] = '\0';
                return gz_float(strtod(tmp, NULL));
            }
            /* Longer than any double needs: parse a bounded copy. */
            gz_buf b = GZ_BUF_INIT;
            gz_buf_put_str(&b, s);
            double f = strtod(b.data, NULL);
            gz_buf_free(&b);
            return gz_float(f);
        }
        return gz_int(liq_str_to_i(gz_value_str(v)));
    }
    default:
        return gz_int(0);
    }
}

static int
digit_value(char c)
{
    if (is_digit(c))
        return c - '0';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'Z')
        return c - 'A' + 10;
    return 99;
}

/* Kernel#Integer(string): whitespace around, a sign, an optional radix
 * prefix (0x 0b 0o 0d, or a bare leading 0 for octal), digits with single
 * underscores between them, and nothing else. */
static bool
ruby_integer(gz_str s, int64_t *out)
{
    s = strip(s);
    size_t i = 0;
    bool neg = false;
    if (i < s.len && (s.p[i] == '-' || s.p[i] == '+'))
        neg = s.p[i++] == '-';
    int base = 10;
    if (i + 1 < s.len && s.p[i] == '0') {
        char p = s.p[i + 1];
        if (p == 'x' || p == 'X')
            base = 16, i += 2;
        else if (p == 'b' || p == 'B')
            base = 2, i += 2;
        else if (p == 'o' || p == 'O')
            base = 8, i += 2;
        else if (p == 'd' || p == 'D')
            base = 10, i += 2;
        else
            base = 8, i += 1;
    }
    if (i == s.len)
        return false;
    int64_t v = 0;
    bool prev_digit = false;
    for (; i < s.len; i++) {
        if (s.p[i] == '_' && prev_digit) {
            prev_digit = false;
            continue;
        }
        int d = digit_value(s.p[i]);
        if (d >= base)
            return false;
        v = accumulate(v, base, d);
        prev_digit = true;
    }
    if (!prev_digit)
        return false;
    *out = neg ? -v : v;
    return true;
}

bool
liq_to_int(gz_value v, int64_t *out)
{
    if (v.type == GZ_INT) {
        *out = v.u.i;
        return true;
    }
    /* Liquid calls Integer(v.to_s): only strings can succeed ("2.0" fails). */
    if (v.type == GZ_STRING)
        return ruby_integer(gz_value_str(v), out);
    return false;
}

/* ---- comparison ------------------------------------------------------- */

bool
liq_compare(gz_value a, gz_value b, int *cmp)
{
    if (a.type == GZ_INT && b.type == GZ_INT) {
        *cmp = (a.u.i > b.u.i) - (a.u.i < b.u.i);
        return true;
    }
    if ((a.type == GZ_INT || a.type == GZ_FLOAT) && (b.type == GZ_INT || b.type == GZ_FLOAT)) {
        double x = a.type == GZ_INT ? (double)a.u.i : a.u.f;
        double y = b.type == GZ_INT ? (double)b.u.i : b.u.f;
        if (isnan(x) || isnan(y))
            return false; /* Ruby: NaN <=> anything is nil */
        *cmp = (x > y) - (x < y);
        return true;
    }
    if (a.type == GZ_STRING && b.type == GZ_STRING) {
        /* String#<=>: bytewise, then the shorter first */
        size_t n = a.len < b.len ? a.len : b.len;
        int c = n ? memcmp(a.u.s, b.u.s, n) : 0;
        if (c == 0)
            c = (a.len > b.len) - (a.len < b.len);
        *cmp = (c > 0) - (c < 0);
        return true;
    }
    if (a.type == GZ_TIME && b.type == GZ_TIME) {
        const gz_time *x = a.u.t, *y = b.u.t;
        *cmp = x->sec != y->sec ? (x->sec > y->sec) - (x->sec < y->sec)
                                : (x->nsec > y->nsec) - (x->nsec < y->nsec);
        return true;
    }
    return false;
}

bool
liq_equal(gz_value a, gz_value b)
{
    return gz_value_equal(a, b);
}

/* ---- collections ------------------------------------------------------ */

static gz_value
pair(gz_arena *arena, gz_str key, gz_value value)
{
    gz_array *p = gz_array_new(arena, 2);
    gz_array_push(arena, p, gz_str_value(key));
    gz_array_push(arena, p, value);
    return gz_array_value(p);
}

static gz_array *
hash_pairs(const gz_hash *h, gz_arena *arena)
{
    gz_array *a = gz_array_new(arena, h->len);
    for (size_t i = 0; i < h->len; i++)
        gz_array_push(arena, a, pair(arena, h->entries[i].key, h->entries[i].value));
    return a;
}

static bool
is_list_drop(const gz_drop *d)
{
    return d->cls->length && d->cls->at;
}

gz_array *
liq_to_array(gz_value v, gz_drop_env *env)
{
    gz_arena *arena = env->arena;
    switch (v.type) {
    case GZ_NIL:
        return gz_array_new(arena, 0);
    case GZ_ARRAY:
        return v.u.a;
    case GZ_HASH:
        return hash_pairs(v.u.h, arena);
    case GZ_RANGE: {
        uint64_t n = liq_range_size(v.u.r);
        if (n > LIQ_RANGE_MAX)
            n = LIQ_RANGE_MAX;
        gz_array *a = gz_array_new(arena, (size_t)n);
        for (uint64_t i = 0; i < n; i++)
            a->items[i] = gz_int(v.u.r->first + (int64_t)i);
        a->len = (size_t)n;
        return a;
    }
    case GZ_DROP: {
        const gz_drop *d = v.u.d;
        if (is_list_drop(d)) {
            size_t n = d->cls->length(d, env);
            gz_array *a = gz_array_new(arena, n);
            for (size_t i = 0; i < n; i++) {
                gz_value item = gz_nil();
                d->cls->at(d, i, &item, env);
                gz_array_push(arena, a, item);
            }
            return a;
        }
        gz_hash *h = d->cls->to_hash ? d->cls->to_hash(d, env) : NULL;
        if (h)
            return hash_pairs(h, arena);
        break;
    }
    default:
        break;
    }
    gz_array *a = gz_array_new(arena, 1);
    gz_array_push(arena, a, v);
    return a;
}

/* Array#[] / Range#[]-like indexing with Ruby's negative indexes. */
static bool
wrap_index(int64_t i, size_t len, size_t *at)
{
    if (i < 0)
        i += (int64_t)len;
    if (i < 0 || (uint64_t)i >= len)
        return false;
    *at = (size_t)i;
    return true;
}

uint64_t
liq_range_size(const gz_range *r)
{
    if (r->last < r->first)
        return 0;
    uint64_t span = (uint64_t)r->last - (uint64_t)r->first;
    return span == UINT64_MAX ? span : span + 1;
}

int64_t
liq_float_to_i(double f)
{
    if (f != f)
        return 0;
    if (f >= 9223372036854775807.0)
        return INT64_MAX;
    if (f <= -9223372036854775808.0)
        return INT64_MIN;
    return (int64_t)f;
}

int64_t
liq_add_sat(int64_t a, int64_t b)
{
    if (b > 0 && a > INT64_MAX - b)
        return INT64_MAX;
    if (b < 0 && a < INT64_MIN - b)
        return INT64_MIN;
    return a + b;
}

bool
liq_size(gz_value v, int64_t *out, gz_drop_env *env)
{
    switch (v.type) {
    case GZ_STRING:
        *out = (int64_t)gz_utf8_length(gz_value_str(v));
        return true;
    case GZ_ARRAY:
        *out = (int64_t)v.u.a->len;
        return true;
    case GZ_HASH:
        *out = (int64_t)v.u.h->len;
        return true;
    case GZ_RANGE: {
        uint64_t n = liq_range_size(v.u.r);
        *out = n > INT64_MAX ? INT64_MAX : (int64_t)n;
        return true;
    }
    case GZ_INT: /* Integer#size: bytes in the machine word */
        *out = 8;
        return true;
    case GZ_DROP:
        if (is_list_drop(v.u.d)) {
            *out = (int64_t)v.u.d->cls->length(v.u.d, env);
            return true;
        }
        return false;
    default:
        return false;
    }
}

/* The methods a dot lookup falls back to when no key of that name exists
 * (Liquid's COMMAND_METHODS), as each Ruby class answers them. */
static bool
lookup_command(gz_value obj, gz_str key, gz_value *out, gz_drop_env *env)
{
    bool first = gz_str_eq_c(key, "first"), last = gz_str_eq_c(key, "last");
    if (gz_str_eq_c(key, "size")) {
        int64_t n;
        if (!liq_size(obj, &n, env))
            return false;
        *out = gz_int(n);
        return true;
    }
    if (!first && !last)
        return false;
    switch (obj.type) {
    case GZ_ARRAY: {
        const gz_array *a = obj.u.a;
        *out = a->len ? a->items[first ? 0 : a->len - 1] : gz_nil();
        return true;
    }
    case GZ_RANGE: /* Range#first/#last are the bounds, even when empty */
        *out = gz_int(first ? obj.u.r->first : obj.u.r->last);
        return true;
    case GZ_HASH: /* Hash#first is the first [key, value]; no Hash#last */
        if (!first)
            return false;
        *out = obj.u.h->len ? pair(env->arena, obj.u.h->entries[0].key, obj.u.h->entries[0].value)
                            : gz_nil();
        return true;
    case GZ_DROP: {
        const gz_drop *d = obj.u.d;
        if (!is_list_drop(d))
            return false;
        size_t n = d->cls->length(d, env);
        *out = gz_nil();
        if (n)
            d->cls->at(d, first ? 0 : n - 1, out, env);
        return true;
    }
    default:
        return false;
    }
}

/* hash["key"] and drop["key"]: the key itself, never a command. */
static bool
lookup_member(gz_value obj, gz_str key, gz_value *out, gz_drop_env *env)
{
    if (obj.type == GZ_HASH) {
        gz_value *v = gz_hash_get(obj.u.h, key);
        if (v)
            *out = *v;
        return v != NULL;
    }
    if (obj.type == GZ_DROP && obj.u.d->cls->get)
        return obj.u.d->cls->get(obj.u.d, key, out, env);
    return false;
}

bool
liq_lookup_key(gz_value obj, gz_str key, gz_value *out, gz_drop_env *env)
{
    return lookup_member(obj, key, out, env) || lookup_command(obj, key, out, env);
}

bool
liq_lookup_index(gz_value obj, gz_value index, gz_value *out, gz_drop_env *env)
{
    if (index.type == GZ_STRING)
        return lookup_member(obj, gz_value_str(index), out, env);
    if (index.type != GZ_INT)
        return false;
    size_t at;
    if (obj.type == GZ_ARRAY) {
        if (!wrap_index(index.u.i, obj.u.a->len, &at))
            return false;
        *out = obj.u.a->items[at];
        return true;
    }
    if (obj.type == GZ_DROP && is_list_drop(obj.u.d)) {
        const gz_drop *d = obj.u.d;
        if (!wrap_index(index.u.i, d->cls->length(d, env), &at))
            return false;
        return d->cls->at(d, at, out, env);
    }
    return false;
}

bool
liq_is_empty(gz_value v, gz_drop_env *env)
{
    switch (v.type) {
    case GZ_STRING: return v.len == 0;
    case GZ_ARRAY: return v.u.a->len == 0;
    case GZ_HASH: return v.u.h->len == 0;
    case GZ_DROP: return is_list_drop(v.u.d) && v.u.d->cls->length(v.u.d, env) == 0;
    default: return false;
    }
}
