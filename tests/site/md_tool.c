/* Converts stdin with gazette's kramdown layer (or cmark with -c) to
 * stdout: a probe for comparing against kramdown itself. */
#include <stdio.h>
#include <string.h>

#include "site/markdown.h"

int
main(int argc, char **argv)
{
    gz_buf in = GZ_BUF_INIT, out = GZ_BUF_INIT;
    char tmp[65536];
    size_t n;
    while ((n = fread(tmp, 1, sizeof tmp, stdin)) > 0)
        gz_buf_put(&in, tmp, n);
    if (argc > 1 && !strcmp(argv[1], "-c"))
        site_cmark(gz_buf_str(&in), 1 << 17, true, &out);
    else
        site_kramdown(gz_buf_str(&in), true, &out);
    fwrite(out.data ? out.data : "", 1, out.len, stdout);
    gz_buf_free(&in);
    gz_buf_free(&out);
    return 0;
}
