/* Markdown through cmark-gfm (tables, strikethrough, autolinks). For
 * `markdown: kramdown` (Jekyll's default) the kramdown layer
 * (kramdown.c) adjusts what kramdown does differently; for CommonMark the
 * text goes to cmark-gfm unchanged. docs/markdown.md lists what still
 * differs from kramdown. */
#include <string.h>

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm.h>

#include "site/internal.h"
#include "site/markdown.h"

static pthread_once_t once = PTHREAD_ONCE_INIT;

static void
init_extensions(void)
{
    cmark_gfm_core_extensions_ensure_registered();
}

void
site_cmark(gz_str text, int options, bool gfm, gz_buf *html)
{
    pthread_once(&once, init_extensions);
    cmark_parser *p = cmark_parser_new(options);
    if (gfm) {
        const char *exts[] = { "table", "strikethrough", "autolink" };
        for (int i = 0; i < 3; i++) {
            cmark_syntax_extension *e = cmark_find_syntax_extension(exts[i]);
            if (e)
                cmark_parser_attach_syntax_extension(p, e);
        }
    }
    cmark_parser_feed(p, text.p ? text.p : "", text.len);
    cmark_node *doc = cmark_parser_finish(p);
    char *out = cmark_render_html(doc, options, cmark_parser_get_syntax_extensions(p));
    gz_buf_puts(html, out);
    cmark_get_default_mem_allocator()->free(out);
    cmark_node_free(doc);
    cmark_parser_free(p);
}

void
site_markdown(const site *s, gz_str text, gz_buf *html)
{
    const char *m = s ? s->markdown : "kramdown";
    if (!strcasecmp(m, "CommonMark"))
        site_commonmark(&s->commonmark, text, html);
    else if (!strcasecmp(m, "CommonMarkGhPages"))
        site_cmark(text, CMARK_OPT_DEFAULT | CMARK_OPT_UNSAFE, true, html);
    else
        site_kramdown(text, s ? s->rouge : true, html);
}
