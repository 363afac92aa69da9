/* Markdown through cmark-gfm (tables, strikethrough, autolinks). For
 * `markdown: kramdown` (Jekyll's default) the kramdown layer
 * (kramdown.c) adjusts what kramdown does differently; for CommonMark the
 * text goes to cmark-gfm unchanged. docs/markdown.md lists what still
 * differs from kramdown. */
#include <pthread.h>
#include <stdint.h>
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

/* ---- the pool behind cmark's allocator ---------------------------------------- */

/* cmark_mem's functions take no context: they allocate from the innermost
 * pool open on the calling thread. */
static _Thread_local gz_arena *pool_arena;

/* Each allocation carries its size in front (cmark's realloc needs it),
 * in 16 bytes so that what follows stays aligned for any type. */
#define POOL_HEADER 16

static void *
pool_realloc(void *p, size_t size)
{
    unsigned char *old = p ? (unsigned char *)p - POOL_HEADER : NULL;
    size_t old_size = old ? *(size_t *)old : 0;
    if (old && size <= old_size)
        return p;
    /* an impossible size asks the arena for SIZE_MAX, which aborts with a
     * message as every failed allocation does */
    size_t bytes = size <= SIZE_MAX - POOL_HEADER ? size + POOL_HEADER : SIZE_MAX;
    unsigned char *b = gz_arena_realloc(pool_arena, old, old ? old_size + POOL_HEADER : 0, bytes);
    *(size_t *)b = size;
    return b + POOL_HEADER;
}

static void *
pool_calloc(size_t count, size_t size)
{
    size_t bytes = size && count > SIZE_MAX / size ? SIZE_MAX : count * size;
    void *p = pool_realloc(NULL, bytes);
    memset(p, 0, bytes);
    return p;
}

/* Nothing is freed on its own: the pool goes at once. */
static void
pool_free(void *p)
{
    (void)p;
}

static cmark_mem pool_mem = { pool_calloc, pool_realloc, pool_free };

/* A pool never reuses what cmark frees during a parse (inline delimiters,
 * replaced text): memory grows with everything the parse allocated. That is
 * a few times the text for a post; a text beyond this size is parsed with
 * malloc, which gives it back as it goes. */
#define POOL_MAX_TEXT (1u << 20)

cmark_mem *
site_cmark_pool_open(site_cmark_pool *pool, size_t text_len)
{
    pool->outer = pool_arena;
    pool->arena = text_len <= POOL_MAX_TEXT ? gz_arena_new() : NULL;
    if (!pool->arena)
        return cmark_get_default_mem_allocator();
    pool_arena = pool->arena;
    return &pool_mem;
}

void
site_cmark_pool_close(site_cmark_pool *pool)
{
    gz_arena_free(pool->arena);
    pool->arena = NULL;
    pool_arena = pool->outer;
}

/* cmark-gfm keeps the extensions' special inline characters ('~' for
 * strikethrough, ':' and 'w' for autolinks) in one process-wide table that
 * cmark_parser_finish adds to before parsing inlines and removes from after
 * (cmark_manage_extensions_special_characters), so two parses at once can
 * lose each other's characters. Finishing is serialized; feeding the
 * blocks and rendering the tree stay parallel. */
static pthread_mutex_t finish_lock = PTHREAD_MUTEX_INITIALIZER;

cmark_node *
site_cmark_finish(cmark_parser *p)
{
    pthread_mutex_lock(&finish_lock);
    cmark_node *doc = cmark_parser_finish(p);
    pthread_mutex_unlock(&finish_lock);
    return doc;
}

/* ---- the engines ----------------------------------------------------------------- */

void
site_cmark(gz_str text, int options, bool gfm, gz_buf *html)
{
    pthread_once(&once, init_extensions);
    site_cmark_pool pool;
    cmark_mem *mem = site_cmark_pool_open(&pool, text.len);
    cmark_parser *p = cmark_parser_new_with_mem(options, mem);
    if (gfm) {
        const char *exts[] = { "table", "strikethrough", "autolink" };
        for (int i = 0; i < 3; i++) {
            cmark_syntax_extension *e = cmark_find_syntax_extension(exts[i]);
            if (e)
                cmark_parser_attach_syntax_extension(p, e);
        }
    }
    cmark_parser_feed(p, text.p ? text.p : "", text.len);
    cmark_node *doc = site_cmark_finish(p);
    char *out = cmark_render_html_with_mem(doc, options, cmark_parser_get_syntax_extensions(p), mem);
    gz_buf_puts(html, out);
    mem->free(out);
    cmark_node_free(doc);
    cmark_parser_free(p);
    site_cmark_pool_close(&pool);
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
