#include "core/value.h"

#include <string.h>

#include "core/time.h"
#include "core/utf8.h"

gz_value
gz_string_copy(gz_arena *a, const char *s, size_t len)
{
    return gz_string(gz_arena_strndup(a, s, len), len);
}

gz_value
gz_string_from_buf(gz_arena *a, const gz_buf *b)
{
    return gz_string_copy(a, b->data ? b->data : "", b->len);
}

gz_value
gz_time_new(gz_arena *a, gz_time t)
{
    gz_time *p = gz_arena_alloc(a, sizeof *p);
    *p = t;
    return gz_time_value(p);
}

gz_value
gz_range_new(gz_arena *a, int64_t first, int64_t last)
{
    gz_range *r = gz_arena_alloc(a, sizeof *r);
    r->first = first;
    r->last = last;
    return gz_range_value(r);
}

gz_value
gz_drop_new(gz_arena *a, const gz_drop_class *cls, void *data)
{
    gz_drop *d = gz_arena_alloc(a, sizeof *d);
    d->cls = cls;
    d->data = data;
    return gz_drop_value(d);
}

gz_array *
gz_array_new(gz_arena *a, size_t cap)
{
    gz_array *arr = gz_arena_calloc(a, 1, sizeof *arr);
    if (cap) {
        arr->items = gz_arena_alloc(a, cap * sizeof *arr->items);
        arr->cap = cap;
    }
    return arr;
}

void
gz_array_push(gz_arena *a, gz_array *arr, gz_value v)
{
    if (arr->len == arr->cap) {
        size_t cap = arr->cap ? arr->cap * 2 : 4;
        arr->items = gz_arena_realloc(a, arr->items, arr->cap * sizeof *arr->items,
                                      cap * sizeof *arr->items);
        arr->cap = cap;
    }
    arr->items[arr->len++] = v;
}

const char *
gz_type_name(gz_type t)
{
    switch (t) {
    case GZ_NIL: return "nil";
    case GZ_BOOL: return "boolean";
    case GZ_INT: return "integer";
    case GZ_FLOAT: return "float";
    case GZ_STRING: return "string";
    case GZ_ARRAY: return "array";
    case GZ_HASH: return "hash";
    case GZ_TIME: return "time";
    case GZ_RANGE: return "range";
    case GZ_DROP: return "drop";
    }
    return "?";
}

bool
gz_value_equal(gz_value a, gz_value b)
{
    if (a.type == GZ_INT && b.type == GZ_FLOAT)
        return (double)a.u.i == b.u.f;
    if (a.type == GZ_FLOAT && b.type == GZ_INT)
        return a.u.f == (double)b.u.i;
    if (a.type != b.type)
        return false;
    switch (a.type) {
    case GZ_NIL: return true;
    case GZ_BOOL: return a.u.b == b.u.b;
    case GZ_INT: return a.u.i == b.u.i;
    case GZ_FLOAT: return a.u.f == b.u.f;
    case GZ_STRING: return gz_str_eq(gz_value_str(a), gz_value_str(b));
    case GZ_ARRAY:
        if (a.u.a->len != b.u.a->len)
            return false;
        for (size_t i = 0; i < a.u.a->len; i++)
            if (!gz_value_equal(a.u.a->items[i], b.u.a->items[i]))
                return false;
        return true;
    case GZ_HASH:
        if (a.u.h->len != b.u.h->len)
            return false;
        for (size_t i = 0; i < a.u.h->len; i++) {
            gz_value *other = gz_hash_get(b.u.h, a.u.h->entries[i].key);
            if (!other || !gz_value_equal(a.u.h->entries[i].value, *other))
                return false;
        }
        return true;
    case GZ_TIME:
        return a.u.t->sec == b.u.t->sec && a.u.t->nsec == b.u.t->nsec &&
               a.u.t->date_only == b.u.t->date_only;
    case GZ_RANGE:
        return a.u.r->first == b.u.r->first && a.u.r->last == b.u.r->last;
    case GZ_DROP:
        return a.u.d->data == b.u.d->data && a.u.d->cls == b.u.d->cls;
    }
    return false;
}

static void
inspect_string(gz_buf *out, gz_str s)
{
    gz_buf_putc(out, '"');
    for (size_t i = 0; i < s.len; i++) {
        unsigned char c = (unsigned char)s.p[i];
        switch (c) {
        case '"': gz_buf_puts(out, "\\\""); break;
        case '\\': gz_buf_puts(out, "\\\\"); break;
        case '\n': gz_buf_puts(out, "\\n"); break;
        case '\t': gz_buf_puts(out, "\\t"); break;
        case '\r': gz_buf_puts(out, "\\r"); break;
        case '\f': gz_buf_puts(out, "\\f"); break;
        case '\v': gz_buf_puts(out, "\\v"); break;
        case '\a': gz_buf_puts(out, "\\a"); break;
        case '\b': gz_buf_puts(out, "\\b"); break;
        case 27: gz_buf_puts(out, "\\e"); break;
        case '#':
            /* Ruby escapes '#' only where it would start interpolation. */
            if (i + 1 < s.len && (s.p[i + 1] == '{' || s.p[i + 1] == '$' || s.p[i + 1] == '@'))
                gz_buf_puts(out, "\\#");
            else
                gz_buf_putc(out, '#');
            break;
        default:
            if (c < 0x20 || c == 0x7f) {
                gz_buf_printf(out, "\\u%04X", c);
            } else if (c >= 0x80) {
                /* Valid UTF-8 prints as is; a stray byte as \xNN, as Ruby does. */
                int32_t cp;
                size_t n = gz_utf8_decode(s.p + i, s.len - i, &cp);
                if (cp == 0xFFFD && n == 1) /* an invalid byte, not U+FFFD itself */
                    gz_buf_printf(out, "\\x%02X", c);
                else
                    gz_buf_put(out, s.p + i, n);
                i += n - 1;
            } else {
                gz_buf_putc(out, (char)c);
            }
        }
    }
    gz_buf_putc(out, '"');
}

void
gz_value_inspect(gz_buf *out, gz_value v, gz_drop_env *env)
{
    switch (v.type) {
    case GZ_NIL: gz_buf_puts(out, "nil"); break;
    case GZ_BOOL: gz_buf_puts(out, v.u.b ? "true" : "false"); break;
    case GZ_INT: gz_format_int(out, v.u.i); break;
    case GZ_FLOAT: gz_format_float(out, v.u.f); break;
    case GZ_STRING: inspect_string(out, gz_value_str(v)); break;
    case GZ_ARRAY:
        gz_buf_putc(out, '[');
        for (size_t i = 0; i < v.u.a->len; i++) {
            if (i)
                gz_buf_puts(out, ", ");
            gz_value_inspect(out, v.u.a->items[i], env);
        }
        gz_buf_putc(out, ']');
        break;
    case GZ_HASH:
        gz_buf_putc(out, '{');
        for (size_t i = 0; i < v.u.h->len; i++) {
            if (i)
                gz_buf_puts(out, ", ");
            inspect_string(out, v.u.h->entries[i].key);
            gz_buf_puts(out, "=>");
            gz_value_inspect(out, v.u.h->entries[i].value, env);
        }
        gz_buf_putc(out, '}');
        break;
    case GZ_TIME: gz_time_to_s(out, v.u.t); break;
    case GZ_RANGE:
        gz_format_int(out, v.u.r->first);
        gz_buf_puts(out, "..");
        gz_format_int(out, v.u.r->last);
        break;
    case GZ_DROP:
        if (v.u.d->cls->to_hash && env) {
            gz_hash *h = v.u.d->cls->to_hash(v.u.d, env);
            if (h) {
                gz_value_inspect(out, gz_hash_value(h), env);
                break;
            }
        }
        gz_buf_printf(out, "#<%s>", v.u.d->cls->name);
        break;
    }
}

gz_value
gz_value_clone(gz_arena *a, gz_value v)
{
    switch (v.type) {
    case GZ_STRING: return gz_string_copy(a, v.u.s, v.len);
    case GZ_ARRAY: {
        gz_array *arr = gz_array_new(a, v.u.a->len);
        for (size_t i = 0; i < v.u.a->len; i++)
            gz_array_push(a, arr, gz_value_clone(a, v.u.a->items[i]));
        return gz_array_value(arr);
    }
    case GZ_HASH: {
        gz_hash *h = gz_hash_new(a, v.u.h->len);
        for (size_t i = 0; i < v.u.h->len; i++) {
            gz_str k = v.u.h->entries[i].key;
            gz_hash_set(a, h, gz_str_n(gz_arena_strndup(a, k.p, k.len), k.len),
                        gz_value_clone(a, v.u.h->entries[i].value));
        }
        return gz_hash_value(h);
    }
    case GZ_TIME: return gz_time_new(a, *v.u.t);
    case GZ_RANGE: return gz_range_new(a, v.u.r->first, v.u.r->last);
    default: return v;
    }
}
