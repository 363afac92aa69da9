/* _config.yml over Jekyll 4.3's Configuration::DEFAULTS, merged as
 * Jekyll merges them: DEFAULTS < each --config file in order < command
 * line, then the posts collection and the default excludes added. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "site/internal.h"

static gz_str
S(const char *lit)
{
    return gz_str_c(lit);
}

static gz_value
str(const char *s)
{
    return gz_string(s, strlen(s));
}

static gz_array *
arr_of(gz_arena *a, const char *const *items)
{
    gz_array *arr = gz_array_new(a, 4);
    for (; *items; items++)
        gz_array_push(a, arr, str(*items));
    return arr;
}

/* Configuration::DEFAULTS, in Jekyll's key order (site.* and jsonify
 * show it in this order). */
static gz_hash *
defaults(gz_arena *a, const char *source, const char *dest)
{
    gz_hash *h = gz_hash_new(a, 64);
    gz_hash_set(a, h, S("source"), str(source));
    gz_hash_set(a, h, S("destination"), str(dest));
    gz_hash_set(a, h, S("collections_dir"), str(""));
    gz_hash_set(a, h, S("cache_dir"), str(".jekyll-cache"));
    gz_hash_set(a, h, S("plugins_dir"), str("_plugins"));
    gz_hash_set(a, h, S("layouts_dir"), str("_layouts"));
    gz_hash_set(a, h, S("data_dir"), str("_data"));
    gz_hash_set(a, h, S("includes_dir"), str("_includes"));
    gz_hash_set(a, h, S("collections"), gz_hash_value(gz_hash_new(a, 2)));
    gz_hash_set(a, h, S("safe"), gz_bool(false));
    gz_hash_set(a, h, S("include"), gz_array_value(arr_of(a, (const char *[]){ ".htaccess", NULL })));
    gz_hash_set(a, h, S("exclude"), gz_array_value(gz_array_new(a, 0)));
    gz_hash_set(a, h, S("keep_files"),
                gz_array_value(arr_of(a, (const char *[]){ ".git", ".svn", NULL })));
    gz_hash_set(a, h, S("encoding"), str("utf-8"));
    gz_hash_set(a, h, S("markdown_ext"), str("markdown,mkdown,mkdn,mkd,md"));
    gz_hash_set(a, h, S("strict_front_matter"), gz_bool(false));
    gz_hash_set(a, h, S("show_drafts"), gz_nil());
    gz_hash_set(a, h, S("limit_posts"), gz_int(0));
    gz_hash_set(a, h, S("future"), gz_bool(false));
    gz_hash_set(a, h, S("unpublished"), gz_bool(false));
    gz_hash_set(a, h, S("whitelist"), gz_array_value(gz_array_new(a, 0)));
    gz_hash_set(a, h, S("plugins"), gz_array_value(gz_array_new(a, 0)));
    gz_hash_set(a, h, S("markdown"), str("kramdown"));
    gz_hash_set(a, h, S("highlighter"), str("rouge"));
    gz_hash_set(a, h, S("lsi"), gz_bool(false));
    gz_hash_set(a, h, S("excerpt_separator"), str("\n\n"));
    gz_hash_set(a, h, S("incremental"), gz_bool(false));
    gz_hash_set(a, h, S("detach"), gz_bool(false));
    gz_hash_set(a, h, S("port"), str("4000"));
    gz_hash_set(a, h, S("host"), str("127.0.0.1"));
    gz_hash_set(a, h, S("baseurl"), gz_nil());
    gz_hash_set(a, h, S("show_dir_listing"), gz_bool(false));
    gz_hash_set(a, h, S("permalink"), str("date"));
    gz_hash_set(a, h, S("paginate_path"), str("/page:num"));
    gz_hash_set(a, h, S("timezone"), gz_nil());
    gz_hash_set(a, h, S("quiet"), gz_bool(false));
    gz_hash_set(a, h, S("verbose"), gz_bool(false));
    gz_hash_set(a, h, S("defaults"), gz_array_value(gz_array_new(a, 0)));

    gz_hash *liq = gz_hash_new(a, 4);
    gz_hash_set(a, liq, S("error_mode"), str("warn"));
    gz_hash_set(a, liq, S("strict_filters"), gz_bool(false));
    gz_hash_set(a, liq, S("strict_variables"), gz_bool(false));
    gz_hash_set(a, h, S("liquid"), gz_hash_value(liq));

    gz_hash *kd = gz_hash_new(a, 10);
    gz_hash_set(a, kd, S("auto_ids"), gz_bool(true));
    gz_array *levels = gz_array_new(a, 6);
    for (int i = 1; i <= 6; i++)
        gz_array_push(a, levels, gz_int(i));
    gz_hash_set(a, kd, S("toc_levels"), gz_array_value(levels));
    gz_hash_set(a, kd, S("entity_output"), str("as_char"));
    gz_hash_set(a, kd, S("smart_quotes"), str("lsquo,rsquo,ldquo,rdquo"));
    gz_hash_set(a, kd, S("input"), str("GFM"));
    gz_hash_set(a, kd, S("hard_wrap"), gz_bool(false));
    gz_hash_set(a, kd, S("guess_lang"), gz_bool(true));
    gz_hash_set(a, kd, S("footnote_nr"), gz_int(1));
    gz_hash_set(a, kd, S("show_warnings"), gz_bool(false));
    gz_hash_set(a, h, S("kramdown"), gz_hash_value(kd));
    return h;
}

static bool
mergeable(gz_value v)
{
    return v.type == GZ_HASH;
}

gz_hash *
site_deep_merge(gz_arena *a, const gz_hash *base, const gz_hash *over)
{
    gz_hash *out = gz_hash_new(a, (base ? base->len : 0) + (over ? over->len : 0));
    if (base)
        for (size_t i = 0; i < base->len; i++)
            gz_hash_set(a, out, base->entries[i].key, base->entries[i].value);
    if (!over)
        return out;
    for (size_t i = 0; i < over->len; i++) {
        gz_str k = over->entries[i].key;
        gz_value nv = over->entries[i].value;
        gz_value *old = gz_hash_get(out, k);
        if (old && nv.type == GZ_NIL)
            continue;
        if (old && mergeable(*old) && mergeable(nv))
            nv = gz_hash_value(site_deep_merge(a, old->u.h, nv.u.h));
        gz_hash_set(a, out, k, nv);
    }
    return out;
}

void
site_merge_into(gz_arena *a, gz_hash *into, const gz_hash *over)
{
    for (size_t i = 0; i < over->len; i++) {
        gz_str k = over->entries[i].key;
        gz_value nv = over->entries[i].value;
        gz_value *old = gz_hash_get(into, k);
        if (old && nv.type == GZ_NIL)
            continue;
        if (old && mergeable(*old) && mergeable(nv))
            nv = gz_hash_value(site_deep_merge(a, old->u.h, nv.u.h));
        gz_hash_set(a, into, k, nv);
    }
}

gz_value
site_cfg(const site *s, const char *key)
{
    gz_value *v = gz_hash_get(s->config, gz_str_c(key));
    return v ? *v : gz_nil();
}

const char *
site_cfg_str(const site *s, const char *key, const char *dflt)
{
    gz_value v = site_cfg(s, key);
    return v.type == GZ_STRING ? v.u.s : dflt;
}

static bool
read_file(const char *path, gz_buf *out)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return false;
    char tmp[65536];
    size_t n;
    while ((n = fread(tmp, 1, sizeof tmp, f)) > 0)
        gz_buf_put(out, tmp, n);
    bool ok = !ferror(f);
    fclose(f);
    return ok;
}

static char *
absolute(gz_arena *a, const char *base, const char *path)
{
    gz_buf b = GZ_BUF_INIT;
    if (path[0] == '/') {
        gz_buf_puts(&b, path);
    } else {
        gz_buf_puts(&b, base);
        gz_buf_putc(&b, '/');
        gz_buf_puts(&b, path);
    }
    /* Normalise "." and ".." segments and duplicate slashes. */
    char *p = b.data;
    size_t n = 0;
    char *out = gz_arena_alloc(a, b.len + 2);
    size_t i = 0;
    while (i < b.len) {
        while (i < b.len && p[i] == '/')
            i++;
        size_t j = i;
        while (j < b.len && p[j] != '/')
            j++;
        size_t seg = j - i;
        if (seg == 0) {
        } else if (seg == 1 && p[i] == '.') {
        } else if (seg == 2 && p[i] == '.' && p[i + 1] == '.') {
            while (n > 0 && out[n - 1] != '/')
                n--;
            if (n > 0)
                n--;
        } else {
            out[n++] = '/';
            memcpy(out + n, p + i, seg);
            n += seg;
        }
        i = j;
    }
    if (n == 0)
        out[n++] = '/';
    out[n] = 0;
    gz_buf_free(&b);
    return out;
}

static bool
load_one(site *s, const char *path, bool is_default, gz_hash **into, gz_diags *d)
{
    gz_buf text = GZ_BUF_INIT;
    struct stat st;
    if (stat(path, &st) == 0)
        site_watch(s, path, &st, NULL, 0);
    if (!read_file(path, &text)) {
        gz_buf_free(&text);
        if (is_default)
            return true; /* "Configuration file: none" */
        gz_diags_add(d, GZ_ERROR, path, 0, 0,
                     "The configuration file '%s' could not be found.", path);
        return false;
    }
    const char *ext = strrchr(path, '.');
    if (!ext || (strcmp(ext, ".yml") && strcmp(ext, ".yaml"))) {
        gz_diags_add(d, GZ_ERROR, path, 0, 0,
                     "No parser for '%s' is available. Use a .y(a)ml file instead.", path);
        gz_buf_free(&text);
        return false;
    }
    gz_value v;
    char *copy = gz_arena_strndup(s->arena, text.data ? text.data : "", text.len);
    bool ok = site_yaml(s->arena, gz_str_n(copy, text.len), path, NULL, &v, d);
    gz_buf_free(&text);
    if (!ok)
        return false;
    if (v.type == GZ_NIL || (v.type == GZ_BOOL && !v.u.b))
        return true;
    if (v.type != GZ_HASH) {
        gz_diags_add(d, GZ_ERROR, path, 1, 1, "Configuration file: (INVALID) %s", path);
        return false;
    }
    *into = site_deep_merge(s->arena, *into, v.u.h);
    return true;
}

static const char *const default_excludes[] = {
    ".sass-cache", ".jekyll-cache", "gemfiles", "Gemfile", "Gemfile.lock", "node_modules",
    "vendor/bundle/", "vendor/cache/", "vendor/gems/", "vendor/ruby/", NULL,
};

static const char *
style_to_permalink(const char *style)
{
    if (!strcmp(style, "none"))
        return "/:categories/:title:output_ext";
    if (!strcmp(style, "date"))
        return "/:categories/:year/:month/:day/:title:output_ext";
    if (!strcmp(style, "ordinal"))
        return "/:categories/:year/:y_day/:title:output_ext";
    if (!strcmp(style, "pretty"))
        return "/:categories/:year/:month/:day/:title/";
    if (!strcmp(style, "weekdate"))
        return "/:categories/:year/W:week/:short_day/:title:output_ext";
    return style;
}

char *
site_source_dir(const site_options *o)
{
    char cwd[4096];
    if (!getcwd(cwd, sizeof cwd))
        strcpy(cwd, ".");
    gz_arena *a = gz_arena_new();
    const char *abs = absolute(a, cwd, o->source ? o->source : ".");
    char *copy = gz_xstrndup(abs, strlen(abs));
    gz_arena_free(a);
    return copy;
}

bool
site_config_load(site *s, const site_options *o, gz_diags *d)
{
    gz_arena *a = s->arena;
    char cwd[4096];
    if (!getcwd(cwd, sizeof cwd))
        strcpy(cwd, ".");
    const char *src_opt = o->source ? o->source : ".";
    char *source = absolute(a, cwd, src_opt);

    gz_hash *cfg = defaults(a, source, absolute(a, cwd, "_site"));
    size_t before = d->errors;
    if (o->nconfigs == 0) {
        gz_buf p = GZ_BUF_INIT;
        const char *exts[] = { "yml", "yaml" };
        const char *pick = "yml";
        for (int i = 0; i < 2; i++) {
            gz_buf_clear(&p);
            gz_buf_printf(&p, "%s/_config.%s", source, exts[i]);
            if (access(p.data, F_OK) == 0) {
                pick = exts[i];
                break;
            }
        }
        gz_buf_clear(&p);
        gz_buf_printf(&p, "%s/_config.%s", source, pick);
        load_one(s, p.data, true, &cfg, d);
        gz_buf_free(&p);
    } else {
        for (size_t i = 0; i < o->nconfigs; i++) {
            if (!o->configs[i] || !*o->configs[i])
                continue;
            load_one(s, absolute(a, cwd, o->configs[i]), false, &cfg, d);
        }
    }
    if (d->errors > before)
        return false;

    /* Command-line overrides. */
    gz_hash_set(a, cfg, S("source"), str(source));
    if (o->dest)
        gz_hash_set(a, cfg, S("destination"), str(absolute(a, cwd, o->dest)));
    if (o->future >= 0)
        gz_hash_set(a, cfg, S("future"), gz_bool(o->future));
    if (o->drafts >= 0)
        gz_hash_set(a, cfg, S("show_drafts"), gz_bool(o->drafts));
    if (o->unpublished >= 0)
        gz_hash_set(a, cfg, S("unpublished"), gz_bool(o->unpublished));
    if (o->limit_posts >= 0)
        gz_hash_set(a, cfg, S("limit_posts"), gz_int(o->limit_posts));

    /* include/exclude must be arrays. */
    const char *lists[] = { "include", "exclude" };
    for (int i = 0; i < 2; i++) {
        gz_value *v = gz_hash_get(cfg, gz_str_c(lists[i]));
        if (v && v->type != GZ_ARRAY && v->type != GZ_NIL) {
            gz_diags_add(d, GZ_ERROR, "_config.yml", 0, 0,
                         "'%s' should be set as an array.", lists[i]);
            return false;
        }
    }
    gz_value *plugins = gz_hash_get(cfg, S("plugins"));
    if (plugins && plugins->type != GZ_ARRAY && plugins->type != GZ_NIL) {
        gz_diags_add(d, GZ_ERROR, "_config.yml", 0, 0,
                     "'plugins' should be set as an array.");
        return false;
    }

    /* add_default_excludes: exclude.concat(DEFAULT_EXCLUDES).uniq! */
    gz_value *ex = gz_hash_get(cfg, S("exclude"));
    if (ex && ex->type == GZ_ARRAY) {
        gz_array *na = gz_array_new(a, ex->u.a->len + 10);
        for (size_t i = 0; i < ex->u.a->len; i++)
            gz_array_push(a, na, ex->u.a->items[i]);
        for (const char *const *e = default_excludes; *e; e++)
            gz_array_push(a, na, str(*e));
        gz_array *uniq = gz_array_new(a, na->len);
        for (size_t i = 0; i < na->len; i++) {
            bool dup = false;
            for (size_t j = 0; j < uniq->len && !dup; j++)
                dup = gz_value_equal(uniq->items[j], na->items[i]);
            if (!dup)
                gz_array_push(a, uniq, na->items[i]);
        }
        *ex = gz_array_value(uniq);
    }

    /* add_default_collections */
    gz_value *cv = gz_hash_get(cfg, S("collections"));
    if (cv && cv->type == GZ_ARRAY) {
        gz_hash *h = gz_hash_new(a, cv->u.a->len);
        for (size_t i = 0; i < cv->u.a->len; i++)
            if (cv->u.a->items[i].type == GZ_STRING)
                gz_hash_set(a, h, gz_value_str(cv->u.a->items[i]),
                            gz_hash_value(gz_hash_new(a, 2)));
        *cv = gz_hash_value(h);
    }
    if (cv && cv->type == GZ_HASH) {
        gz_hash *posts0 = gz_hash_new(a, 1);
        gz_hash_set(a, posts0, S("posts"), gz_hash_value(gz_hash_new(a, 2)));
        gz_hash *colls = site_deep_merge(a, posts0, cv->u.h);
        gz_value *pv = gz_hash_get(colls, S("posts"));
        gz_hash *ph = pv->type == GZ_HASH ? site_deep_merge(a, pv->u.h, NULL) : gz_hash_new(a, 2);
        gz_hash_set(a, ph, S("output"), gz_bool(true));
        gz_value perm = *gz_hash_get(cfg, S("permalink"));
        gz_value *pp = gz_hash_get(ph, S("permalink"));
        if (gz_truthy(perm) && (!pp || !gz_truthy(*pp)) && perm.type == GZ_STRING)
            gz_hash_set(a, ph, S("permalink"), str(style_to_permalink(perm.u.s)));
        gz_hash_set(a, colls, S("posts"), gz_hash_value(ph));
        *cv = gz_hash_value(colls);
    }
    s->config = cfg;
    s->source = source;
    /* Relative destinations are relative to the working directory, as
     * Jekyll's File.expand_path makes them. */
    s->dest = absolute(a, cwd, site_cfg_str(s, "destination", "_site"));
    return true;
}
