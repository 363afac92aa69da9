/* Reading a post back: its front matter (through core's YAML reader, as
 * Jekyll would read it) and its body. */
#include <stdio.h>
#include <string.h>

#include "core/time.h"
#include "core/yaml.h"
#include "ingest/internal.h"

/* Posts larger than this are not read back (no feed item is this big). */
#define MAX_POST_BYTES (64u << 20)

static bool
read_file(gz_arena *a, const char *path, gz_str *out)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return false;
    gz_buf b = GZ_BUF_INIT;
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0 && b.len <= MAX_POST_BYTES)
        gz_buf_put(&b, chunk, n);
    bool ok = !ferror(f) && b.len <= MAX_POST_BYTES;
    fclose(f);
    if (ok)
        *out = gz_str_n(gz_arena_strndup(a, b.data ? b.data : "", b.len), b.len);
    gz_buf_free(&b);
    return ok;
}

/* Length of a marker line ("---" or "..." then blanks and a newline) at
 * s, or 0. */
static size_t
marker_line(gz_str s, size_t at, const char *marker)
{
    if (s.len - at < 3 || memcmp(s.p + at, marker, 3))
        return 0;
    size_t i = at + 3;
    while (i < s.len && (s.p[i] == ' ' || s.p[i] == '\t' || s.p[i] == '\r'))
        i++;
    if (i == s.len)
        return i - at;
    return s.p[i] == '\n' ? i + 1 - at : 0;
}

bool
ingest_post_read(gz_arena *a, const char *path, ingest_post_file *out)
{
    gz_str text;
    out->front = gz_nil();
    out->body = (gz_str){ "", 0 };
    if (!read_file(a, path, &text))
        return false;
    size_t open = marker_line(text, 0, "---");
    if (!open || open == text.len) {
        out->body = text;
        return true;
    }
    for (size_t ls = open; ls < text.len;) {
        size_t close = marker_line(text, ls, "---");
        if (!close)
            close = marker_line(text, ls, "...");
        if (close) {
            gz_diags diags = { 0 };
            gz_value v;
            if (gz_yaml_parse(a, gz_str_n(text.p + open, ls - open), path, 1, NULL, &v, &diags) &&
                v.type == GZ_HASH)
                out->front = v;
            gz_diags_free(&diags);
            out->body = gz_str_n(text.p + ls + close, text.len - ls - close);
            return true;
        }
        const char *nl = memchr(text.p + ls, '\n', text.len - ls);
        ls = nl ? (size_t)(nl - text.p) + 1 : text.len;
    }
    out->body = text;
    return true;
}

gz_str
ingest_front_str(gz_arena *a, const ingest_post_file *pf, const char *key)
{
    gz_str none = { NULL, 0 };
    if (pf->front.type != GZ_HASH)
        return none;
    gz_value *v = gz_hash_get(pf->front.u.h, gz_str_c(key));
    if (!v)
        return none;
    gz_value one = *v;
    if (one.type == GZ_ARRAY) /* categories: [a], tags: [b] */
        one = one.u.a->len ? one.u.a->items[0] : gz_nil();
    gz_buf b = GZ_BUF_INIT;
    if (one.type == GZ_STRING)
        gz_buf_put_str(&b, gz_value_str(one));
    else if (one.type == GZ_TIME)
        gz_strftime(&b, GZ_STR("%Y-%m-%d %H:%M:%S %z"), one.u.t);
    else if (one.type == GZ_INT)
        gz_format_int(&b, one.u.i);
    gz_str r = none;
    if (b.len)
        r = gz_str_n(gz_arena_strndup(a, b.data, b.len), b.len);
    gz_buf_free(&b);
    return r;
}
