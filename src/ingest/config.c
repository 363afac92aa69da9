/* sources.yml: read with core's YAML reader (Psych's view of the file),
 * checked field by field; every problem is reported, each at its line. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/yaml.h"
#include "ingest/internal.h"

#define DEFAULT_TIMEOUT_MS 20000
#define DEFAULT_RETRIES 2
#define DEFAULT_MAX_BYTES (16u << 20)

typedef struct loader {
    ingest_config *cfg;
    gz_arena *a;
    gz_str text; /* the file, for locating lines in messages */
    const char *file;
    gz_diags *diags;
} loader;

/* ---- where things are, for messages ----------------------------------- */

/* Start of line `line` (1-based) in text. */
static size_t
line_start(gz_str text, int line)
{
    size_t i = 0;
    for (int l = 1; l < line && i < text.len; i++)
        if (text.p[i] == '\n')
            l++;
    return i;
}

/* The line of `key:` between lines [from, to) (to = 0: the end) at the
 * smallest indentation seen there, or `from` when not found. The YAML is
 * already known to be valid; this only points messages at a line. */
static int
key_line(gz_str text, int from, int to, const char *key)
{
    size_t klen = strlen(key);
    int line = from;
    for (size_t i = line_start(text, from); i < text.len && (to == 0 || line < to); line++) {
        const char *nl = memchr(text.p + i, '\n', text.len - i);
        size_t end = nl ? (size_t)(nl - text.p) : text.len;
        size_t j = i;
        while (j < end && (text.p[j] == ' ' || text.p[j] == '-'))
            j++;
        if (end - j > klen && !memcmp(text.p + j, key, klen) && text.p[j + klen] == ':')
            return line;
        i = end + 1;
    }
    return from;
}

/* Line of each entry of the block sequence under `sources:` (its "- "
 * lines at one indentation); 0 for entries not found. */
static void
entry_lines(gz_str text, int *lines, size_t n)
{
    int start = key_line(text, 1, 0, "sources");
    int line = start + 1;
    size_t found = 0;
    long indent = -1;
    for (size_t i = line_start(text, line); i < text.len && found < n; line++) {
        const char *nl = memchr(text.p + i, '\n', text.len - i);
        size_t end = nl ? (size_t)(nl - text.p) : text.len;
        size_t j = i;
        while (j < end && text.p[j] == ' ')
            j++;
        if (j + 1 < end + 1 && j < end && text.p[j] == '-' && (j + 1 == end || text.p[j + 1] == ' ') &&
            (indent < 0 || (long)(j - i) == indent)) {
            indent = (long)(j - i);
            lines[found++] = line;
        } else if (j < end && text.p[j] != '#' && (long)(j - i) < indent) {
            break; /* back out of the list */
        }
        i = end + 1;
    }
    for (; found < n; found++)
        lines[found] = start;
}

static void
error_at(loader *L, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void
error_at(loader *L, int line, const char *fmt, ...)
{
    gz_buf msg = GZ_BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    gz_buf_vprintf(&msg, fmt, ap);
    va_end(ap);
    gz_diags_add(L->diags, GZ_ERROR, L->file, line, 0, "%s", msg.data);
    gz_buf_free(&msg);
}

/* ---- values ------------------------------------------------------------ */

static const char *
dup_str(loader *L, gz_str s)
{
    return gz_arena_strndup(L->a, s.p ? s.p : "", s.len);
}

/* A string setting (numbers are taken as their text). NULL when absent;
 * an error when present but not a scalar. */
static const char *
get_str(loader *L, gz_hash *h, const char *key, int line)
{
    gz_value *v = gz_hash_get(h, gz_str_c(key));
    gz_str s;
    if (!v || v->type == GZ_NIL)
        return NULL;
    if (!ingest_json_text(L->a, *v, &s)) {
        error_at(L, line, "%s: expected a string, not a %s", key, gz_type_name(v->type));
        return NULL;
    }
    return dup_str(L, s);
}

static const char *
need_str(loader *L, gz_hash *h, const char *key, int line, const char *what)
{
    const char *s = get_str(L, h, key, line);
    if (!s || !*s) {
        if (!gz_hash_get(h, gz_str_c(key)) || s)
            error_at(L, line, "%s: missing %s", what, key);
        return NULL;
    }
    return s;
}

long long
ingest_parse_duration(const char *s)
{
    static const struct {
        const char *unit;
        long long ms;
    } units[] = { { "ms", 1 }, { "s", 1000 }, { "m", 60000 }, { "h", 3600000 }, { "d", 86400000 } };
    if (!s || !*s)
        return -1;
    long long total = 0;
    while (*s) {
        if (*s < '0' || *s > '9')
            return -1;
        long long n = 0;
        while (*s >= '0' && *s <= '9') {
            n = n * 10 + (*s++ - '0');
            if (n > 1000000000LL)
                return -1;
        }
        size_t u = 0, best = 0;
        long long mul = -1;
        for (; u < sizeof units / sizeof units[0]; u++) {
            size_t len = strlen(units[u].unit);
            if (!strncmp(s, units[u].unit, len) && len > best)
                best = len, mul = units[u].ms;
        }
        if (best == 0) {
            if (*s)
                return -1;
            mul = 1000; /* a bare number is seconds */
        }
        total += n * mul;
        s += best;
    }
    return total;
}

static long
get_duration(loader *L, gz_hash *h, const char *key, int line, long dflt)
{
    const char *s = get_str(L, h, key, line);
    if (!s)
        return dflt;
    long long ms = ingest_parse_duration(s);
    if (ms <= 0 || ms > 24LL * 3600000) {
        error_at(L, line, "%s: '%s' is not a duration like 500ms, 20s, 5m or 1h", key, s);
        return dflt;
    }
    return (long)ms;
}

/* Bytes: a number, or with a K/M/G, KB/MB/GB or KiB/MiB/GiB suffix. */
static size_t
get_size(loader *L, gz_hash *h, const char *key, int line, size_t dflt)
{
    const char *s = get_str(L, h, key, line);
    if (!s)
        return dflt;
    char *end;
    unsigned long long n = strtoull(s, &end, 10);
    const char *u = end;
    unsigned long long mul = 1;
    if (*u == 'K' || *u == 'k')
        mul = 1024, u++;
    else if (*u == 'M')
        mul = 1024 * 1024, u++;
    else if (*u == 'G')
        mul = 1024 * 1024 * 1024, u++;
    if (mul > 1 && (*u == 'B' || !strcmp(u, "iB")))
        u += *u == 'B' ? 1 : 2;
    if (end == s || *u || n == 0 || n > (1ULL << 40) / mul) {
        error_at(L, line, "%s: '%s' is not a size like 16MiB", key, s);
        return dflt;
    }
    return (size_t)(n * mul);
}

static const gz_tz *
get_zone(loader *L, gz_hash *h, const char *key, int line, const gz_tz *dflt)
{
    const char *name = get_str(L, h, key, line);
    if (!name)
        return dflt;
    const gz_tz *tz = gz_tz_get(name);
    if (!tz)
        error_at(L, line, "%s: unknown time zone '%s'", key, name);
    return tz ? tz : dflt;
}

static gz_hash *
get_hash(loader *L, gz_hash *h, const char *key, int line)
{
    gz_value *v = gz_hash_get(h, gz_str_c(key));
    if (!v || v->type == GZ_NIL)
        return NULL;
    if (v->type != GZ_HASH) {
        error_at(L, line, "%s: expected a mapping, not a %s", key, gz_type_name(v->type));
        return NULL;
    }
    return v->u.h;
}

static void
check_keys(loader *L, gz_hash *h, const char *const *known, size_t n, int from, int to,
           const char *where)
{
    for (size_t i = 0; i < h->len; i++) {
        size_t k = 0;
        while (k < n && !gz_str_eq_c(h->entries[i].key, known[k]))
            k++;
        if (k == n) {
            const char *key = dup_str(L, h->entries[i].key);
            error_at(L, key_line(L->text, from, to, key), "%sunknown setting '%s'", where, key);
        }
    }
}

static bool
valid_pointer(const char *p)
{
    return p && (*p == '\0' || *p == '/');
}

static bool
valid_slug(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              *s == '-' || *s == '_'))
            return false;
    return true;
}

static bool
http_url(const char *u)
{
    return !strncmp(u, "http://", 7) || !strncmp(u, "https://", 8);
}

/* ---- one source --------------------------------------------------------- */

static void
load_fields(loader *L, ingest_source *s, gz_hash *h, int from, int to, const char *what)
{
    int line = key_line(L->text, from, to, "fields");
    gz_hash *f = get_hash(L, h, "fields", line);
    if (!f) {
        error_at(L, line, "%s: a json source needs fields: with id, title and date", what);
        return;
    }
    static const char *const names[] = { "id", "title", "date", "body", "link", "source" };
    const char **slots[] = { &s->fields.id, &s->fields.title, &s->fields.date,
                             &s->fields.body, &s->fields.link, &s->fields.source };
    check_keys(L, f, names, 6, line, to, "fields: ");
    for (size_t i = 0; i < 6; i++) {
        int kl = key_line(L->text, line, to, names[i]);
        *slots[i] = get_str(L, f, names[i], kl);
        if (!*slots[i] && i < 3)
            error_at(L, line, "%s: fields: missing %s", what, names[i]);
        else if (*slots[i] && !valid_pointer(*slots[i]))
            error_at(L, kl, "%s: fields: %s: '%s' is not a JSON Pointer (it starts with /)", what,
                     names[i], *slots[i]);
    }
}

static void
load_source(loader *L, ingest_source *s, gz_value v, int from, int to, size_t index)
{
    static const char *const known[] = { "name", "type", "url", "tag", "items", "fields",
                                         "date_timezone", "detail", "slug", "headers",
                                         "timeout", "retries", "max_size" };
    char what[64];
    snprintf(what, sizeof what, "source %zu", index + 1);
    s->line = from;
    if (v.type != GZ_HASH) {
        error_at(L, from, "%s: expected a mapping with name, type and url", what);
        return;
    }
    gz_hash *h = v.u.h;
    check_keys(L, h, known, sizeof known / sizeof known[0], from, to, "");
#define LINE(key) key_line(L->text, from, to, key)
    s->name = need_str(L, h, "name", LINE("name"), what);
    if (s->name)
        snprintf(what, sizeof what, "source '%s'", s->name);
    const char *type = need_str(L, h, "type", LINE("type"), what);
    static const char *const types[] = { "rss", "atom", "jsonfeed", "json" };
    if (type) {
        size_t t = 0;
        while (t < 4 && strcmp(type, types[t]))
            t++;
        if (t == 4)
            error_at(L, LINE("type"), "%s: type '%s' is not one of rss, atom, jsonfeed, json",
                     what, type);
        s->type = (ingest_type)(t < 4 ? t : 0);
    }
    s->url = need_str(L, h, "url", LINE("url"), what);
    if (s->url && !http_url(s->url))
        error_at(L, LINE("url"), "%s: url '%s' is not an http or https URL", what, s->url);
    s->tag = get_str(L, h, "tag", LINE("tag"));
    if (!s->tag && s->name) {
        gz_buf t = GZ_BUF_INIT;
        gz_buf_printf(&t, "%s新闻", s->name);
        s->tag = dup_str(L, gz_buf_str(&t));
        gz_buf_free(&t);
    }
    s->slug = get_str(L, h, "slug", LINE("slug"));
    if (s->slug && !valid_slug(s->slug))
        error_at(L, LINE("slug"), "%s: slug '%s' may hold only letters, digits, - and _", what,
                 s->slug);
    s->date_tz = get_zone(L, h, "date_timezone", LINE("date_timezone"), L->cfg->tz);
    s->timeout_ms = get_duration(L, h, "timeout", LINE("timeout"), DEFAULT_TIMEOUT_MS);
    s->max_bytes = get_size(L, h, "max_size", LINE("max_size"), DEFAULT_MAX_BYTES);
    s->retries = DEFAULT_RETRIES;
    gz_value *r = gz_hash_get(h, GZ_STR("retries"));
    if (r && (r->type != GZ_INT || r->u.i < 0 || r->u.i > 10))
        error_at(L, LINE("retries"), "%s: retries: expected a number from 0 to 10", what);
    else if (r)
        s->retries = (int)r->u.i;

    gz_hash *hd = get_hash(L, h, "headers", LINE("headers"));
    if (hd) {
        s->headers = gz_arena_calloc(L->a, hd->len, sizeof *s->headers);
        for (size_t i = 0; i < hd->len; i++) {
            gz_str val;
            gz_str key = hd->entries[i].key;
            if (!ingest_json_text(L->a, hd->entries[i].value, &val) || memchr(key.p, '\n', key.len) ||
                memchr(val.p, '\n', val.len) || memchr(key.p, ':', key.len)) {
                error_at(L, LINE("headers"), "%s: headers: bad header '%.*s'", what, (int)key.len,
                         key.p);
                continue;
            }
            gz_buf line = GZ_BUF_INIT;
            gz_buf_printf(&line, "%.*s: %.*s", (int)key.len, key.p, (int)val.len, val.p);
            s->headers[s->nheaders++] = dup_str(L, gz_buf_str(&line));
            gz_buf_free(&line);
        }
    }

    gz_hash *detail = get_hash(L, h, "detail", LINE("detail"));
    if (detail) {
        int dl = LINE("detail");
        s->detail_url = get_str(L, detail, "url", key_line(L->text, dl, to, "url"));
        s->detail_body = get_str(L, detail, "body", key_line(L->text, dl, to, "body"));
        if (!s->detail_url || !http_url(s->detail_url) || !strstr(s->detail_url, "{id}"))
            error_at(L, dl, "%s: detail: url must be an http(s) URL with {id}", what);
        if (!valid_pointer(s->detail_body))
            error_at(L, dl, "%s: detail: body must be a JSON Pointer", what);
    }
    if (type && !strcmp(type, "json")) {
        s->items = get_str(L, h, "items", LINE("items"));
        if (!valid_pointer(s->items))
            error_at(L, LINE("items"), "%s: a json source needs items: a JSON Pointer such as /data/list",
                     what);
        load_fields(L, s, h, from, to, what);
    } else if (detail) {
        error_at(L, LINE("detail"), "%s: detail: is for json sources", what);
    }
#undef LINE
}

/* ---- the file -------------------------------------------------------- */

static bool
read_text(gz_arena *a, const char *path, gz_str *out)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return false;
    gz_buf b = GZ_BUF_INIT;
    char chunk[8192];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0 && b.len < (64u << 20))
        gz_buf_put(&b, chunk, n);
    bool ok = !ferror(f);
    fclose(f);
    *out = gz_str_n(gz_arena_strndup(a, b.data ? b.data : "", b.len), b.len);
    gz_buf_free(&b);
    return ok;
}

/* The site's _config.yml timezone, or UTC. */
static const gz_tz *
site_zone(gz_arena *a, const char *site_dir)
{
    gz_buf path = GZ_BUF_INIT;
    gz_buf_printf(&path, "%s/_config.yml", site_dir);
    gz_str text;
    const gz_tz *tz = NULL;
    gz_diags d = { 0 };
    gz_value v;
    if (read_text(a, path.data, &text) && gz_yaml_parse(a, text, path.data, 0, NULL, &v, &d) &&
        v.type == GZ_HASH) {
        gz_value *z = gz_hash_get(v.u.h, GZ_STR("timezone"));
        if (z && z->type == GZ_STRING)
            tz = gz_tz_get(gz_arena_strndup(a, z->u.s, z->len));
    }
    gz_diags_free(&d);
    gz_buf_free(&path);
    return tz ? tz : gz_tz_get("UTC");
}

static const char *
join(gz_arena *a, const char *dir, const char *rel)
{
    gz_buf b = GZ_BUF_INIT;
    if (rel[0] == '/')
        gz_buf_puts(&b, rel);
    else
        gz_buf_printf(&b, "%s/%s", dir, rel);
    const char *r = gz_arena_strndup(a, b.data, b.len);
    gz_buf_free(&b);
    return r;
}

ingest_config *
ingest_config_load(const char *site_dir, const char *file, gz_diags *diags)
{
    gz_arena *a = gz_arena_new();
    ingest_config *cfg = gz_arena_calloc(a, 1, sizeof *cfg);
    cfg->arena = a;
    cfg->site_dir = gz_arena_strndup(a, site_dir, strlen(site_dir));
    cfg->file = file ? gz_arena_strndup(a, file, strlen(file)) : join(a, site_dir, "sources.yml");
    loader L = { cfg, a, { "", 0 }, cfg->file, diags };
    size_t errors = diags->errors;

    gz_value root;
    if (!read_text(a, cfg->file, &L.text)) {
        gz_diags_add(diags, GZ_ERROR, cfg->file, 0, 0, "cannot read: %s", strerror(errno));
        goto fail;
    }
    if (!gz_yaml_parse(a, L.text, cfg->file, 0, NULL, &root, diags) || diags->errors > errors)
        goto fail;
    if (root.type != GZ_HASH) {
        error_at(&L, 1, "expected a mapping with sources:");
        goto fail;
    }
    gz_hash *h = root.u.h;
    static const char *const known[] = { "timezone", "posts_dir", "layout", "category_page",
                                         "footer", "sources" };
    check_keys(&L, h, known, sizeof known / sizeof known[0], 1, 0, "");
#define LINE(key) key_line(L.text, 1, 0, key)
    cfg->tz = get_zone(&L, h, "timezone", LINE("timezone"), NULL);
    if (!cfg->tz)
        cfg->tz = site_zone(a, site_dir);
    const char *posts = get_str(&L, h, "posts_dir", LINE("posts_dir"));
    cfg->posts_dir = join(a, site_dir, posts && *posts ? posts : "_posts");
    cfg->layout = get_str(&L, h, "layout", LINE("layout"));
    if (!cfg->layout)
        cfg->layout = "post";
    cfg->category_page = get_str(&L, h, "category_page", LINE("category_page"));
    if (cfg->category_page && (!strstr(cfg->category_page, "{slug}") || cfg->category_page[0] == '/' ||
                               strstr(cfg->category_page, "..")))
        error_at(&L, LINE("category_page"),
                 "category_page: '%s' must be a path inside the site with {slug}", cfg->category_page);
    cfg->footer = get_str(&L, h, "footer", LINE("footer"));

    gz_value *srcs = gz_hash_get(h, GZ_STR("sources"));
    if (!srcs || srcs->type != GZ_ARRAY || srcs->u.a->len == 0) {
        error_at(&L, LINE("sources"), "sources: expected a list of sources");
        goto fail;
    }
#undef LINE
    size_t n = srcs->u.a->len;
    int *lines = gz_arena_calloc(a, n + 1, sizeof *lines);
    entry_lines(L.text, lines, n);
    cfg->sources = gz_arena_calloc(a, n, sizeof *cfg->sources);
    cfg->nsources = n;
    for (size_t i = 0; i < n; i++) {
        int to = i + 1 < n ? lines[i + 1] : 0;
        load_source(&L, &cfg->sources[i], srcs->u.a->items[i], lines[i], to, i);
        for (size_t j = 0; j < i; j++)
            if (cfg->sources[i].name && cfg->sources[j].name &&
                !strcmp(cfg->sources[i].name, cfg->sources[j].name))
                error_at(&L, lines[i], "source '%s': the name is already used at line %d",
                         cfg->sources[i].name, lines[j]);
    }
    if (diags->errors > errors)
        goto fail;
    return cfg;
fail:
    gz_arena_free(a);
    return NULL;
}

void
ingest_config_free(ingest_config *cfg)
{
    if (cfg)
        gz_arena_free(cfg->arena);
}
