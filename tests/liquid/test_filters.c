/* The filters against Ruby Liquid 5.4 and Jekyll 4.3.1: every case in
 * tests/liquid/filters/NAME.cases is rendered as
 * `{{ input | FILTER: a0, a1, key: k0 }}` and compared with the line of
 * NAME.expected that Ruby rendered (filters/expect.rb, under
 * TZ=Asia/Shanghai; see that script for the formats). jekyll_*.cases run
 * with the Jekyll filters and the case's site url and baseurl.
 *
 * usage: test_filters DIR NAME... */
#include <stdlib.h>

#include "core/json.h"
#include "liquid/filter.h"
#include "liquid/liquid.h"
#include "test.h"

static char *
read_file(const char *dir, const char *name, const char *ext)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s.%s", dir, name, ext);
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "cannot read %s\n", path);
        exit(2);
    }
    gz_buf b = GZ_BUF_INIT;
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        gz_buf_put(&b, chunk, n);
    fclose(f);
    gz_buf_putc(&b, '\0'); /* an empty file still has data */
    return b.data;
}

/* Splits s at `sep` in place: the next field, or NULL at the end. */
static char *
next_field(char **s, char sep)
{
    if (!*s)
        return NULL;
    char *field = *s, *end = strchr(field, sep);
    if (end) {
        *end = '\0';
        *s = end + 1;
    } else {
        *s = NULL;
    }
    return field;
}

static void
unescape(gz_buf *out, const char *s)
{
    for (; *s; s++) {
        if (*s != '\\' || !s[1]) {
            gz_buf_putc(out, *s);
            continue;
        }
        switch (*++s) {
        case 'n': gz_buf_putc(out, '\n'); break;
        case 'r': gz_buf_putc(out, '\r'); break;
        case 't': gz_buf_putc(out, '\t'); break;
        case '0': gz_buf_putc(out, '\0'); break;
        default: gz_buf_putc(out, *s); break;
        }
    }
}

static bool
parse_json(gz_arena *a, const char *text, gz_value *out)
{
    gz_buf err = GZ_BUF_INIT;
    bool ok = gz_json_parse(a, gz_str_c(text), out, &err);
    if (!ok)
        fprintf(stderr, "bad JSON %s: %s\n", text, err.data);
    gz_buf_free(&err);
    return ok;
}

static gz_str
site_string(const gz_value *site, const char *key)
{
    gz_value *v = site && site->type == GZ_HASH ? gz_hash_get(site->u.h, gz_str_c(key)) : NULL;
    return v && v->type == GZ_STRING ? gz_value_str(*v) : gz_str_n(NULL, 0);
}

/* One case: the template and variables expect.rb builds from the line. */
static void
run_case(bool jekyll, char *line, const char *expected_escaped)
{
    gz_arena *arena = gz_arena_new();
    char *rest = line;
    const char *filter = next_field(&rest, '\t'), *input = next_field(&rest, '\t');
    const char *args = next_field(&rest, '\t'), *kwargs = next_field(&rest, '\t');
    const char *site_json = next_field(&rest, '\t');
    gz_value site_config = gz_nil();
    liq_site_hooks site = { 0 };
    if (site_json && parse_json(arena, site_json, &site_config)) {
        site.url = site_string(&site_config, "url");
        site.baseurl = site_string(&site_config, "baseurl");
    }
    liq_options opts = { .mode = LIQ_LAX, .site = &site, .jekyll = jekyll };
    liq_engine *engine = liq_engine_new(&opts);
    gz_hash *vars = gz_hash_new(arena, 8);
    gz_buf src = GZ_BUF_INIT, out = GZ_BUF_INIT, want = GZ_BUF_INIT;
    gz_value v;
    if (!parse_json(arena, input, &v))
        goto fail;
    gz_hash_set(arena, vars, GZ_STR("input"), v);
    gz_buf_printf(&src, "{{ input | %s", filter);
    int nparts = 0;
    if (args) {
        if (!parse_json(arena, args, &v) || v.type != GZ_ARRAY)
            goto fail;
        for (size_t i = 0; i < v.u.a->len; i++) {
            char *name = gz_arena_alloc(arena, 16);
            snprintf(name, 16, "a%zu", i);
            gz_hash_set(arena, vars, gz_str_c(name), v.u.a->items[i]);
            gz_buf_printf(&src, "%s %s", nparts++ ? "," : ":", name);
        }
    }
    if (kwargs && strcmp(kwargs, "{}") != 0) {
        if (!parse_json(arena, kwargs, &v) || v.type != GZ_HASH)
            goto fail;
        for (size_t i = 0; i < v.u.h->len; i++) {
            char *name = gz_arena_alloc(arena, 16);
            snprintf(name, 16, "k%zu", i);
            gz_hash_set(arena, vars, gz_str_c(name), v.u.h->entries[i].value);
            gz_str key = v.u.h->entries[i].key;
            gz_buf_printf(&src, "%s %.*s: %s", nparts++ ? "," : ":", (int)key.len, key.p, name);
        }
    }
    gz_buf_puts(&src, " }}");

    gz_diags diags = { 0 };
    liq_template *t = liq_parse(engine, gz_buf_str(&src), NULL, &diags);
    if (t) {
        gz_drop_env env = { arena, NULL };
        liq_render_options ropts = { .env = &env };
        liq_render(t, vars, &ropts, &out, &diags);
        liq_template_free(t);
    }
    gz_diags_free(&diags);
    unescape(&want, expected_escaped);
    if (out.len == want.len && (out.len == 0 || memcmp(out.data, want.data, out.len) == 0)) {
        test_passed++;
    } else {
        test_failed++;
        fprintf(stderr, "%s\n  got:  \"%s\"\n  want: \"%s\"\n", src.data, out.data ? out.data : "",
                want.data ? want.data : "");
    }
    goto done;
fail:
    test_failed++;
done:
    liq_engine_free(engine);
    gz_buf_free(&src);
    gz_buf_free(&out);
    gz_buf_free(&want);
    gz_arena_free(arena);
}

/* Every filter is found by its name (the tables are binary-searched, so
 * an entry out of order would go missing), Jekyll's only for Jekyll, and
 * Jekyll's where and sort replace Liquid's there. */
static void
check_registry(void)
{
    static const char *const standard[] = {
        "abs", "append", "at_least", "at_most", "base64_decode", "base64_encode",
        "base64_url_safe_decode", "base64_url_safe_encode", "capitalize", "ceil", "compact",
        "concat", "date", "default", "divided_by", "downcase", "escape", "escape_once", "first",
        "floor", "h", "join", "last", "lstrip", "map", "minus", "modulo", "newline_to_br", "plus",
        "prepend", "remove", "remove_first", "remove_last", "replace", "replace_first",
        "replace_last", "reverse", "round", "rstrip", "size", "slice", "sort", "sort_natural",
        "split", "strip", "strip_html", "strip_newlines", "times", "truncate", "truncatewords",
        "uniq", "upcase", "url_decode", "url_encode", "where",
    };
    static const char *const jekyll[] = {
        "absolute_url", "array_to_sentence_string", "cgi_escape", "date_to_long_string",
        "date_to_rfc822", "date_to_string", "date_to_xmlschema", "find", "find_exp", "group_by",
        "inspect", "jsonify", "markdownify", "normalize_whitespace", "number_of_words", "pop",
        "push", "relative_url", "sample", "shift", "slugify", "smartify", "sort", "strip_index",
        "to_integer", "unshift", "uri_escape", "where", "where_exp", "xml_escape",
    };
    for (size_t i = 0; i < sizeof standard / sizeof standard[0]; i++) {
        const liq_filter_def *d = liq_filter_find(gz_str_c(standard[i]), false);
        CHECK(d && !d->jekyll && strcmp(d->name, standard[i]) == 0);
    }
    for (size_t i = 0; i < sizeof jekyll / sizeof jekyll[0]; i++) {
        const liq_filter_def *d = liq_filter_find(gz_str_c(jekyll[i]), true);
        CHECK(d && d->jekyll);
        if (strcmp(jekyll[i], "where") && strcmp(jekyll[i], "sort"))
            CHECK(liq_filter_find(gz_str_c(jekyll[i]), false) == NULL);
    }
    CHECK(liq_filter_find(GZ_STR("has"), true) == NULL); /* newer than Liquid 5.4 */
    CHECK(liq_filter_find(GZ_STR(""), false) == NULL);
}

int
main(int argc, char **argv)
{
    check_registry();
    if (argc < 3) {
        fprintf(stderr, "usage: test_filters DIR NAME...\n");
        return 2;
    }
    /* the zone the expected dates were rendered in (filters/expect.rb) */
    setenv("TZ", "Asia/Shanghai", 1);
    for (int i = 2; i < argc; i++) {
        bool jekyll = strncmp(argv[i], "jekyll_", 7) == 0;
        char *cases = read_file(argv[1], argv[i], "cases");
        char *expected = read_file(argv[1], argv[i], "expected");
        char *c = cases, *e = expected, *line;
        while ((line = next_field(&c, '\n'))) {
            if (!*line)
                continue;
            const char *want = next_field(&e, '\n');
            if (!want) {
                fprintf(stderr, "%s.expected: too few lines\n", argv[i]);
                return 2;
            }
            run_case(jekyll, line, want);
        }
        free(cases);
        free(expected);
    }
    return test_report("liquid-filters");
}
