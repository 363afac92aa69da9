/* The site part's small functions against what Jekyll 4.3.1's own return
 * for the same input (units/cases.tsv, written by units/jekyll-units.rb):
 * slugify in every mode, URL escaping, dates parsed in a time zone, the
 * deep merge of hashes, and the configuration made of a _config.yml. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/json.h"
#include "site/internal.h"
#include "test.h"

#define MAXF 8

/* One TSV line into fields, with \t \n \\ unescaped (in place). */
static int
split(char *line, char **f)
{
    int n = 0;
    f[n++] = line;
    char *w = line;
    for (char *r = line; *r; r++) {
        if (*r == '\t' && n < MAXF) {
            *w++ = 0;
            f[n++] = w;
        } else if (*r == '\\' && r[1]) {
            r++;
            *w++ = *r == 't' ? '\t' : *r == 'n' ? '\n' : *r;
        } else
            *w++ = *r;
    }
    *w = 0;
    return n;
}

static void
check_slugify(char **f, bool cased)
{
    gz_buf out = GZ_BUF_INIT;
    site_slugify(&out, gz_str_c(f[2]), f[1], cased);
    gz_buf_puts(&out, "");
    if (strcmp(out.data, f[3]))
        fprintf(stderr, "slugify(%s, mode %s, cased %d)\n", f[2], f[1], cased);
    CHECK_STR(out.data, f[3]);
    gz_buf_free(&out);
}

static void
check_escape(char **f, bool escape)
{
    gz_buf out = GZ_BUF_INIT;
    if (escape)
        site_url_escape_path(&out, gz_str_c(f[1]));
    else
        site_url_unescape(&out, gz_str_c(f[1]));
    gz_buf_puts(&out, "");
    CHECK_STR(out.data, f[2]);
    gz_buf_free(&out);
}

static void
check_date(char **f)
{
    site s = { 0 };
    s.tz = gz_tz_get(f[1]);
    CHECK(s.tz != NULL);
    gz_time t;
    gz_buf out = GZ_BUF_INIT;
    if (s.tz && site_parse_date(&s, gz_string(f[2], strlen(f[2])), &t))
        gz_strftime(&out, gz_str_c("%Y-%m-%d %H:%M:%S.%N %z %Z"), &t);
    gz_buf_puts(&out, "");
    if (strcmp(out.data, f[3]))
        fprintf(stderr, "parse_date(%s) in %s\n", f[2], f[1]);
    CHECK_STR(out.data, f[3]);
    gz_buf_free(&out);
}

static void
check_merge(char **f)
{
    gz_arena *a = gz_arena_new();
    gz_value x, y;
    gz_buf err = GZ_BUF_INIT, out = GZ_BUF_INIT;
    CHECK(gz_json_parse(a, gz_str_c(f[1]), &x, &err) && x.type == GZ_HASH);
    CHECK(gz_json_parse(a, gz_str_c(f[2]), &y, &err) && y.type == GZ_HASH);
    if (x.type == GZ_HASH && y.type == GZ_HASH)
        gz_json_write(&out, gz_hash_value(site_deep_merge(a, x.u.h, y.u.h)), NULL);
    gz_buf_puts(&out, "");
    CHECK_STR(out.data, f[3]);
    gz_buf_free(&err);
    gz_buf_free(&out);
    gz_arena_free(a);
}

/* Builds the configuration of a _config.yml in a temporary source. */
static void
check_config(char **f)
{
    static const char *const keys[] = { "permalink", "collections", "exclude", "include",
                                        "keep_files", "baseurl", "markdown_ext", "highlighter",
                                        "excerpt_separator", "limit_posts", "future",
                                        "show_drafts", NULL };
    char dir[] = "/tmp/gazette-units.XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    gz_buf path = GZ_BUF_INIT, out = GZ_BUF_INIT;
    gz_buf_printf(&path, "%s/_config.yml", dir);
    FILE *cf = fopen(path.data, "w");
    CHECK(cf != NULL);
    if (cf) {
        fputs(f[1], cf);
        fclose(cf);
    }
    site s = { 0 };
    s.arena = gz_arena_new();
    site_options o = { SITE_OPTIONS_FROM_CONFIG, .source = dir };
    gz_diags d = { 0 };
    CHECK(site_config_load(&s, &o, &d));
    if (s.config) {
        gz_hash *h = gz_hash_new(s.arena, 16);
        for (const char *const *k = keys; *k; k++)
            gz_hash_set(s.arena, h, gz_str_c(*k), site_cfg(&s, *k));
        gz_json_write(&out, gz_hash_value(h), NULL);
    }
    gz_buf_puts(&out, "");
    if (strcmp(out.data, f[2]))
        fprintf(stderr, "config of:\n%s", f[1]);
    CHECK_STR(out.data, f[2]);
    unlink(path.data);
    rmdir(dir);
    gz_diags_free(&d);
    free(s.watched.v); /* what the config load looked at */
    gz_arena_free(s.arena);
    gz_buf_free(&path);
    gz_buf_free(&out);
}

int
main(int argc, char **argv)
{
    const char *file = argc > 1 ? argv[1] : "units/cases.tsv";
    FILE *in = fopen(file, "r");
    CHECK(in != NULL);
    if (!in)
        return test_report("site-units");
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    while ((n = getline(&line, &cap, in)) > 0) {
        if (line[n - 1] == '\n')
            line[--n] = 0;
        if (!n || line[0] == '#')
            continue;
        char *f[MAXF];
        int nf = split(line, f);
        if (!strcmp(f[0], "slugify") && nf == 4)
            check_slugify(f, false);
        else if (!strcmp(f[0], "slugify_cased") && nf == 4)
            check_slugify(f, true);
        else if (!strcmp(f[0], "escape_path") && nf == 3)
            check_escape(f, true);
        else if (!strcmp(f[0], "unescape_path") && nf == 3)
            check_escape(f, false);
        else if (!strcmp(f[0], "parse_date") && nf == 4)
            check_date(f);
        else if (!strcmp(f[0], "deep_merge") && nf == 4)
            check_merge(f);
        else if (!strcmp(f[0], "config") && nf == 3)
            check_config(f);
        else {
            fprintf(stderr, "%s: unknown case %s (%d fields)\n", file, f[0], nf);
            CHECK(false);
        }
    }
    free(line);
    fclose(in);
    return test_report("site-units");
}
