/* Every NAME.md under kramdown/ converted by gazette's kramdown layer
 * must equal NAME.html, which kramdown 2.4 itself wrote (see
 * kramdown/regenerate). Cases named known-*.md are the documented
 * differences (docs/markdown.md): they must still differ, so that the
 * list stays true.
 *
 * Two cases take a fixture further, both with table-strike (a table and a
 * strikethrough): copies of it joined by blank lines, which kramdown
 * converts to copies of its HTML joined by blank lines (checked with
 * kramdown 2.4 for three copies):
 *   - a text of over 1 MiB, which cmark parses with malloc instead of a
 *     pool (markdown.c);
 *   - the fixture converted by several threads at once: cmark's inline
 *     parser keeps the strikethrough character in a process-wide table
 *     that every parse edits, so unserialized parses lose <del>s. */
#include <dirent.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "site/markdown.h"
#include "test.h"

static bool
slurp(const char *path, gz_buf *out)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return false;
    char tmp[65536];
    size_t n;
    while ((n = fread(tmp, 1, sizeof tmp, f)) > 0)
        gz_buf_put(out, tmp, n);
    fclose(f);
    return true;
}

/* `n` copies of s joined by "\n" */
static void
copies(gz_str s, size_t n, gz_buf *out)
{
    for (size_t i = 0; i < n; i++) {
        if (i)
            gz_buf_putc(out, '\n');
        gz_buf_put_str(out, s);
    }
}

static void
check_large_text(const gz_buf *md, const gz_buf *html)
{
    size_t n = (1u << 20) / (md->len + 1) + 2;
    gz_buf text = GZ_BUF_INIT, want = GZ_BUF_INIT, got = GZ_BUF_INIT;
    copies(gz_buf_str(md), n, &text);
    copies(gz_buf_str(html), n, &want);
    CHECK(text.len > (1u << 20));
    site_kramdown(gz_buf_str(&text), true, &got);
    CHECK(gz_str_eq(gz_buf_str(&got), gz_buf_str(&want)));
    gz_buf_free(&text);
    gz_buf_free(&want);
    gz_buf_free(&got);
}

typedef struct parallel_case {
    gz_str md, html;
    pthread_t thread;
    int wrong;
} parallel_case;

static void *
convert_repeatedly(void *arg)
{
    parallel_case *c = arg;
    for (int i = 0; i < 2000; i++) {
        gz_buf got = GZ_BUF_INIT;
        site_kramdown(c->md, true, &got);
        c->wrong += !gz_str_eq(gz_buf_str(&got), c->html);
        gz_buf_free(&got);
    }
    return NULL;
}

static void
check_parallel(const gz_buf *md, const gz_buf *html)
{
    parallel_case cs[4];
    for (int k = 0; k < 4; k++) {
        cs[k] = (parallel_case){ gz_buf_str(md), gz_buf_str(html), 0, 0 };
        CHECK(pthread_create(&cs[k].thread, NULL, convert_repeatedly, &cs[k]) == 0);
    }
    int wrong = 0;
    for (int k = 0; k < 4; k++) {
        pthread_join(cs[k].thread, NULL);
        wrong += cs[k].wrong;
    }
    if (wrong)
        fprintf(stderr, "table-strike: %d of 8000 parallel conversions differ\n", wrong);
    CHECK(wrong == 0);
}

int
main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : "kramdown";
    DIR *d = opendir(dir);
    CHECK(d != NULL);
    if (!d)
        return test_report("site-kramdown");
    struct dirent *e;
    bool strike = false;
    while ((e = readdir(d))) {
        size_t n = strlen(e->d_name);
        if (n < 4 || strcmp(e->d_name + n - 3, ".md"))
            continue;
        gz_buf md = GZ_BUF_INIT, want = GZ_BUF_INIT, got = GZ_BUF_INIT, p = GZ_BUF_INIT;
        gz_buf_printf(&p, "%s/%s", dir, e->d_name);
        CHECK(slurp(p.data, &md));
        gz_buf_clear(&p);
        gz_buf_printf(&p, "%s/%.*s.html", dir, (int)(n - 3), e->d_name);
        CHECK(slurp(p.data, &want));
        site_kramdown(gz_buf_str(&md), true, &got);
        bool same = gz_str_eq(gz_buf_str(&got), gz_buf_str(&want));
        if (!strncmp(e->d_name, "known-", 6)) {
            if (same)
                fprintf(stderr, "%s: now matches kramdown; update docs/markdown.md\n", e->d_name);
            CHECK(!same);
        } else {
            if (!same)
                fprintf(stderr, "%s:\n--- kramdown\n%s--- gazette\n%s", e->d_name,
                        want.data ? want.data : "", got.data ? got.data : "");
            CHECK(same);
        }
        if (!strcmp(e->d_name, "table-strike.md")) {
            strike = true;
            check_large_text(&md, &want);
            check_parallel(&md, &want);
        }
        gz_buf_free(&md);
        gz_buf_free(&want);
        gz_buf_free(&got);
        gz_buf_free(&p);
    }
    closedir(d);
    CHECK(strike);
    return test_report("site-kramdown");
}
