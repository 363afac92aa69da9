/* JSON Feed 1.0/1.1, and JSON APIs whose items and fields are named by
 * JSON Pointers (RFC 6901) in sources.yml. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/json.h"
#include "ingest/internal.h"

/* One reference token of a pointer, unescaped (~1 is /, ~0 is ~). */
static size_t
next_token(const char *p, gz_buf *tok)
{
    size_t i = 0;
    gz_buf_clear(tok);
    for (; p[i] && p[i] != '/'; i++) {
        if (p[i] == '~' && p[i + 1] == '1')
            gz_buf_putc(tok, '/'), i++;
        else if (p[i] == '~' && p[i + 1] == '0')
            gz_buf_putc(tok, '~'), i++;
        else
            gz_buf_putc(tok, p[i]);
    }
    return i;
}

/* An array index token: digits without a leading zero. */
static bool
array_index(gz_str t, size_t *out)
{
    if (t.len == 0 || t.len > 18 || (t.len > 1 && t.p[0] == '0'))
        return false;
    size_t n = 0;
    for (size_t i = 0; i < t.len; i++) {
        if (t.p[i] < '0' || t.p[i] > '9')
            return false;
        n = n * 10 + (size_t)(t.p[i] - '0');
    }
    *out = n;
    return true;
}

bool
ingest_json_pointer(gz_value root, const char *pointer, gz_value *out)
{
    gz_value v = root;
    gz_buf tok = GZ_BUF_INIT;
    bool found = true;
    const char *p = pointer;
    if (*p && *p != '/')
        found = false;
    while (found && *p == '/') {
        p += 1 + next_token(p + 1, &tok);
        gz_str t = gz_buf_str(&tok);
        size_t i;
        if (v.type == GZ_HASH) {
            gz_value *hit = gz_hash_get(v.u.h, t);
            if (hit)
                v = *hit;
            else
                found = false;
        } else if (v.type == GZ_ARRAY && array_index(t, &i) && i < v.u.a->len) {
            v = v.u.a->items[i];
        } else {
            found = false;
        }
    }
    gz_buf_free(&tok);
    if (found)
        *out = v;
    return found;
}

bool
ingest_json_text(gz_arena *a, gz_value v, gz_str *out)
{
    char num[64];
    switch (v.type) {
    case GZ_STRING:
        *out = gz_value_str(v);
        return true;
    case GZ_INT:
        snprintf(num, sizeof num, "%" PRId64, v.u.i);
        break;
    case GZ_FLOAT:
        /* Integral floats (1.6e9 from some APIs) as integers. */
        if (v.u.f == (double)(long long)v.u.f)
            snprintf(num, sizeof num, "%lld", (long long)v.u.f);
        else
            snprintf(num, sizeof num, "%.17g", v.u.f);
        break;
    case GZ_BOOL:
        snprintf(num, sizeof num, "%s", v.u.b ? "true" : "false");
        break;
    default:
        return false;
    }
    *out = gz_str_c(gz_arena_strndup(a, num, strlen(num)));
    return true;
}

static gz_str
field(gz_arena *a, gz_value item, const char *pointer)
{
    gz_value v;
    gz_str s = { NULL, 0 };
    if (pointer && ingest_json_pointer(item, pointer, &v))
        ingest_json_text(a, v, &s);
    return s;
}

static bool
parse(gz_arena *a, gz_str doc, gz_value *out, gz_buf *err)
{
    gz_buf why = GZ_BUF_INIT;
    bool ok = gz_json_parse(a, doc, out, &why);
    if (!ok)
        gz_buf_printf(err, "invalid JSON: %s", why.data);
    gz_buf_free(&why);
    return ok;
}

bool
ingest_parse_jsonfeed(gz_arena *a, gz_str doc, ingest_items *out, gz_buf *err)
{
    gz_value root, items;
    if (!parse(a, doc, &root, err))
        return false;
    if (!ingest_json_pointer(root, "/items", &items) || items.type != GZ_ARRAY) {
        gz_buf_puts(err, "not a JSON Feed: no \"items\" array");
        return false;
    }
    for (size_t i = 0; i < items.u.a->len; i++) {
        gz_value it = items.u.a->items[i];
        ingest_item *item = ingest_items_push(a, out);
        item->id = ingest_trim(field(a, it, "/id"));
        item->title = ingest_trim(field(a, it, "/title"));
        item->link = ingest_trim(field(a, it, "/url"));
        item->date = ingest_trim(field(a, it, "/date_published"));
        if (!item->date.len)
            item->date = ingest_trim(field(a, it, "/date_modified"));
        item->body = field(a, it, "/content_html");
        if (!item->body.p) {
            item->body = field(a, it, "/content_text");
            item->body_is_text = true;
        }
    }
    return true;
}

bool
ingest_parse_json_api(gz_arena *a, gz_str doc, const ingest_source *src, ingest_items *out,
                      gz_buf *err)
{
    gz_value root, items;
    if (!parse(a, doc, &root, err))
        return false;
    if (!ingest_json_pointer(root, src->items, &items)) {
        gz_buf_printf(err, "items: nothing at %s", src->items);
        return false;
    }
    if (items.type != GZ_ARRAY) {
        gz_buf_printf(err, "items: %s is a %s, not an array", src->items, gz_type_name(items.type));
        return false;
    }
    const ingest_fields *f = &src->fields;
    for (size_t i = 0; i < items.u.a->len; i++) {
        gz_value it = items.u.a->items[i];
        ingest_item *item = ingest_items_push(a, out);
        item->id = ingest_trim(field(a, it, f->id));
        item->title = ingest_trim(field(a, it, f->title));
        item->date = ingest_trim(field(a, it, f->date));
        item->body = field(a, it, f->body);
        item->link = ingest_trim(field(a, it, f->link));
        item->source = ingest_trim(field(a, it, f->source));
    }
    return true;
}
