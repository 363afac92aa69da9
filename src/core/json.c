#include "core/json.h"

#include <jansson.h>

#include "core/time.h"
#include "core/utf8.h"

/* Depth beyond which input is refused rather than recursed into. */
#define JSON_MAX_DEPTH 512

static gz_value
from_jansson(gz_arena *a, json_t *j, int depth)
{
    if (depth > JSON_MAX_DEPTH)
        return gz_nil();
    switch (json_typeof(j)) {
    case JSON_NULL: return gz_nil();
    case JSON_TRUE: return gz_bool(true);
    case JSON_FALSE: return gz_bool(false);
    case JSON_INTEGER: return gz_int(json_integer_value(j));
    case JSON_REAL: return gz_float(json_real_value(j));
    case JSON_STRING: return gz_string_copy(a, json_string_value(j), json_string_length(j));
    case JSON_ARRAY: {
        size_t n = json_array_size(j);
        gz_array *arr = gz_array_new(a, n);
        for (size_t i = 0; i < n; i++)
            gz_array_push(a, arr, from_jansson(a, json_array_get(j, i), depth + 1));
        return gz_array_value(arr);
    }
    case JSON_OBJECT: {
        gz_hash *h = gz_hash_new(a, json_object_size(j));
        const char *key;
        size_t klen;
        json_t *v;
        json_object_keylen_foreach(j, key, klen, v) {
            gz_hash_set(a, h, gz_str_n(gz_arena_strndup(a, key, klen), klen),
                        from_jansson(a, v, depth + 1));
        }
        return gz_hash_value(h);
    }
    }
    return gz_nil();
}

bool
gz_json_parse(gz_arena *a, gz_str text, gz_value *out, gz_buf *err)
{
    json_error_t je;
    json_t *j = json_loadb(text.p, text.len, JSON_DECODE_ANY | JSON_ALLOW_NUL, &je);
    if (!j) {
        gz_buf_printf(err, "line %d column %d: %s", je.line, je.column, je.text);
        return false;
    }
    *out = from_jansson(a, j, 0);
    json_decref(j);
    return true;
}

static void
write_string(gz_buf *out, gz_str s)
{
    gz_buf_putc(out, '"');
    for (size_t i = 0; i < s.len; i++) {
        unsigned char c = (unsigned char)s.p[i];
        switch (c) {
        case '"': gz_buf_puts(out, "\\\""); break;
        case '\\': gz_buf_puts(out, "\\\\"); break;
        case '\n': gz_buf_puts(out, "\\n"); break;
        case '\r': gz_buf_puts(out, "\\r"); break;
        case '\t': gz_buf_puts(out, "\\t"); break;
        case '\f': gz_buf_puts(out, "\\f"); break;
        case '\b': gz_buf_puts(out, "\\b"); break;
        default:
            if (c < 0x20)
                gz_buf_printf(out, "\\u%04x", c);
            else
                gz_buf_putc(out, (char)c);
        }
    }
    gz_buf_putc(out, '"');
}

void
gz_json_write(gz_buf *out, gz_value v, gz_drop_env *env)
{
    switch (v.type) {
    case GZ_NIL: gz_buf_puts(out, "null"); break;
    case GZ_BOOL: gz_buf_puts(out, v.u.b ? "true" : "false"); break;
    case GZ_INT: gz_format_int(out, v.u.i); break;
    case GZ_FLOAT: gz_format_float(out, v.u.f); break;
    case GZ_STRING: write_string(out, gz_value_str(v)); break;
    case GZ_ARRAY:
        gz_buf_putc(out, '[');
        for (size_t i = 0; i < v.u.a->len; i++) {
            if (i)
                gz_buf_putc(out, ',');
            gz_json_write(out, v.u.a->items[i], env);
        }
        gz_buf_putc(out, ']');
        break;
    case GZ_HASH:
        gz_buf_putc(out, '{');
        for (size_t i = 0; i < v.u.h->len; i++) {
            if (i)
                gz_buf_putc(out, ',');
            write_string(out, v.u.h->entries[i].key);
            gz_buf_putc(out, ':');
            gz_json_write(out, v.u.h->entries[i].value, env);
        }
        gz_buf_putc(out, '}');
        break;
    case GZ_TIME:
    case GZ_RANGE: {
        gz_buf tmp = GZ_BUF_INIT;
        gz_value_inspect(&tmp, v, env);
        write_string(out, gz_buf_str(&tmp));
        gz_buf_free(&tmp);
        break;
    }
    case GZ_DROP: {
        gz_hash *h = v.u.d->cls->to_hash && env ? v.u.d->cls->to_hash(v.u.d, env) : NULL;
        if (h) {
            gz_json_write(out, gz_hash_value(h), env);
            break;
        }
        gz_buf tmp = GZ_BUF_INIT;
        if (v.u.d->cls->to_s && env)
            v.u.d->cls->to_s(v.u.d, &tmp, env);
        else
            gz_buf_puts(&tmp, v.u.d->cls->name);
        write_string(out, gz_buf_str(&tmp));
        gz_buf_free(&tmp);
        break;
    }
    }
}
