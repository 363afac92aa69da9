/* Every NAME.md under kramdown/ converted by gazette's kramdown layer
 * must equal NAME.html, which kramdown 2.4 itself wrote (see
 * kramdown/regenerate). Cases named known-*.md are the documented
 * differences (docs/markdown.md): they must still differ, so that the
 * list stays true. */
#include <dirent.h>
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

int
main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : "kramdown";
    DIR *d = opendir(dir);
    CHECK(d != NULL);
    if (!d)
        return test_report("site-kramdown");
    struct dirent *e;
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
        gz_buf_free(&md);
        gz_buf_free(&want);
        gz_buf_free(&got);
        gz_buf_free(&p);
    }
    closedir(d);
    return test_report("site-kramdown");
}
