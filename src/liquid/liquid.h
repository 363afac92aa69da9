/* liquid.h — the one door into gazette's Liquid engine.
 *
 * A library over core that knows nothing of sites. Templates are parsed
 * once into an immutable AST (liq_template) and rendered many times, from
 * many threads at once: all mutable state of a render lives in that render.
 *
 * Ownership: a liq_engine owns its parsed-template cache; a liq_template
 * returned by liq_parse is owned by the caller (liq_template_free); output
 * goes to a caller-owned gz_buf; diagnostics to a caller-owned gz_diags. */
#ifndef LIQ_LIQUID_H
#define LIQ_LIQUID_H

#include <stdbool.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/diag.h"
#include "core/value.h"

typedef enum liq_mode {
    LIQ_LAX,    /* Jekyll's default: unknown tags and filters are tolerated */
    LIQ_STRICT, /* every syntax error is an error */
} liq_mode;

/* Finds a partial's source for {% include %} / {% render %}. Returns true
 * and fills `source` (and `path`, a heap string the engine frees, used in
 * messages) when found. Must be thread-safe. */
typedef struct liq_loader {
    bool (*load)(void *self, gz_str name, gz_buf *source, char **path);
    void *self;
} liq_loader;

typedef struct liq_ctx liq_ctx; /* one render in progress */

/* A tag the embedder supplies, such as jekyll-feed's {% feed_meta %}: no
 * body; `render` appends its output, given the tag's markup, the
 * embedder's `self` and the render in progress (for its variables, see
 * liq_ctx_lookup). It returns false after liq_ctx_error. It is called from
 * many threads at once. Custom tags are found after Jekyll's and Liquid's
 * own, so they cannot replace them. */
typedef struct liq_custom_tag {
    const char *name;
    bool (*render)(void *self, liq_ctx *ctx, gz_str markup, gz_buf *out);
    void *self;
} liq_custom_tag;

/* What the embedding site supplies to Jekyll's filters and tags
 * (relative_url, markdownify, link, post_url, ...). Any member may be NULL:
 * the filter then behaves as it would with an empty site config. */
typedef struct liq_site_hooks {
    gz_str url;     /* site.url */
    gz_str baseurl; /* site.baseurl */
    /* Converts Markdown to HTML (markdownify). */
    void (*markdownify)(void *self, gz_str markdown, gz_buf *html);
    /* {% link path %}: the URL (without baseurl) of the page, static file
     * or written document whose relative path is `path`. */
    bool (*link)(void *self, gz_str path, gz_buf *url);
    /* {% post_url name %}: the URL (without baseurl) of the post `name`
     * ("2024-01-15-slug" or "dir/2024-01-15-slug") names, as Jekyll's
     * PostComparer matches it. */
    bool (*post_url)(void *self, gz_str name, gz_buf *url);
    /* {% include_relative %}: reads `path`, relative to the site's source;
     * false when it is not a readable file. */
    bool (*read_source)(void *self, gz_str path, gz_buf *source);
    const char *includes_dir; /* for messages: "_includes" */
    const char *highlighter;  /* config "highlighter": "rouge", "none", ... */
    /* The render read the clock ("now" | date); NULL: nobody asks. */
    void (*clock_read)(void *self);
    const liq_custom_tag *tags; /* the site's own tags */
    size_t ntags;
    void *self;
} liq_site_hooks;

typedef struct liq_engine liq_engine;
typedef struct liq_template liq_template;

typedef struct liq_options {
    liq_mode mode;
    liq_loader loader;         /* partials; zero = none available */
    const liq_site_hooks *site; /* NULL outside a site */
    bool jekyll;               /* enable Jekyll's filters and tags */
    /* Limits on each render, for untrusted templates (0 = none, as in
     * Jekyll): nodes rendered (each loop iteration counts too), and bytes
     * the render allocates plus bytes of output. Exceeding one stops the
     * render with Ruby's "Memory limits exceeded", even without
     * errors_fatal. */
    uint64_t step_limit;
    size_t memory_limit;
} liq_options;

liq_engine *liq_engine_new(const liq_options *opts);
void liq_engine_free(liq_engine *e);

/* Parses a template. `name` appears in messages ("Liquid syntax error
 * (name line 3): ..."). Returns NULL and adds diagnostics on a syntax
 * error. */
liq_template *liq_parse(liq_engine *e, gz_str source, const char *name, gz_diags *diags);
void liq_template_free(liq_template *t);

/* ---- fragments rendered once for many renders (memo.c) ---------------- *
 *
 * Across a site, every page's layout renders the same navigation: a loop
 * over site.pages, sorted and filtered the same way each time. A liq_memo
 * shares such fragments between the renders given it: a loop body and an
 * assign's value whose template part reads nothing but the memo's
 * `constants` (variables every one of those renders gives the same value,
 * such as `site`; none may be shadowed by the render) are computed once
 * and reused, output byte for byte the same.
 *
 * What a shared fragment read through drops is recorded by the embedder
 * (a build records each page's dependencies): the recorder captures those
 * reads while a fragment is computed and replays them into every render
 * that reuses it. A read whose answer depends on the render in progress
 * (the page's own content, related posts, the clock) makes the recorder
 * refuse, and the fragment is not shared. So does a render error.
 *
 * A memo refers to the nodes of the templates rendered with it: they, and
 * the engine (its partials), must outlive it. Thread-safe. */
typedef struct liq_memo liq_memo;

typedef struct liq_memo_recorder {
    /* Starts recording the reads of `user` (gz_drop_env.user); nests. */
    void (*begin)(void *user);
    /* Ends the innermost recording: what it recorded (released with
     * `release`), or NULL with *shareable false when a read depended on
     * the render in progress. */
    void *(*end)(void *user, bool *shareable);
    /* Reports recorded reads again, in another render. */
    void (*replay)(void *user, const void *reads);
    void (*release)(void *reads);
} liq_memo_recorder;

/* `constants`: NULL-terminated names, copied. */
liq_memo *liq_memo_new(const char *const *constants, const liq_memo_recorder *rec);
void liq_memo_free(liq_memo *m);
/* Fragments shared so far, refused ones not counted (for statistics and
 * tests). */
size_t liq_memo_count(liq_memo *m);

typedef struct liq_render_options {
    gz_drop_env *env;   /* arena for values created while rendering + embedder data */
    /* Stop with an error instead of inlining "Liquid error: ..." text. */
    bool errors_fatal;
    liq_memo *memo;     /* NULL: nothing is shared */
} liq_render_options;

/* Renders with `vars` as the top-level variables (may be NULL). Appends
 * to `out`. Returns false on a fatal render error (diagnostics added). */
bool liq_render(const liq_template *t, gz_hash *vars, const liq_render_options *opts,
                gz_buf *out, gz_diags *diags);

/* ---- for custom tags (tags_jekyll.c) ---------------------------------- */

/* A variable as {{ name }} finds it: the innermost scope first, then the
 * render's variables; nil when there is none. */
gz_value liq_ctx_lookup(liq_ctx *ctx, gz_str name);
/* The render's arena and embedder data. */
gz_drop_env *liq_ctx_env(liq_ctx *ctx);
/* Applies a registered filter without arguments ("absolute_url",
 * "xml_escape", ...); false when no such filter exists or it failed. */
bool liq_ctx_filter(liq_ctx *ctx, const char *name, gz_value input, gz_value *out);
/* Raises a render error ("Liquid error: <message>"); returns false. */
bool liq_ctx_error(liq_ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
