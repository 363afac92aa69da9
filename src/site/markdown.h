/* Internal to the site part: the Markdown engines behind site_markdown. */
#ifndef SITE_MARKDOWN_H
#define SITE_MARKDOWN_H

#include <stdbool.h>

#include <cmark-gfm.h>

#include "core/arena.h"
#include "core/buf.h"

/* cmark allocates every node, string and list cell of a tree on its own
 * (thousands for one post) and frees them one by one with the tree: a
 * tenth of a full build's time went to malloc and free. A pool hands them
 * out of one arena for the length of a parse instead and releases them
 * together. Pools nest: a definition list's items are parsed while their
 * list's tree is still in use. */
typedef struct site_cmark_pool {
    gz_arena *arena; /* NULL: the text is too long to pool (see markdown.c) */
    gz_arena *outer; /* the pool this one interrupts, back in use on close */
} site_cmark_pool;

/* Opens a pool on this thread for the parse of `text_len` bytes; what is
 * allocated with the returned allocator lives until site_cmark_pool_close. */
cmark_mem *site_cmark_pool_open(site_cmark_pool *pool, size_t text_len);
void site_cmark_pool_close(site_cmark_pool *pool);

/* cmark_parser_finish under the process-wide lock its inline parser needs. */
cmark_node *site_cmark_finish(cmark_parser *p);

/* cmark-gfm over `text` with `options` (CMARK_OPT_*); `gfm` attaches the
 * table, strikethrough and autolink extensions. */
void site_cmark(gz_str text, int options, bool gfm, gz_buf *html);

/* jekyll-commonmark's configuration: commonmarker's parse and render
 * options (CMARK_OPT_* bits) and the extensions to attach. */
typedef struct site_commonmark_opts {
    int parse, render;
    const char *exts[8];
    size_t nexts;
} site_commonmark_opts;

/* Adds an option name of `commonmark.options` ("SMART", "unsafe", ...). */
void site_commonmark_option(site_commonmark_opts *o, gz_str name);
/* Adds an extension name of `commonmark.extensions` ("table", ...). */
void site_commonmark_extension(site_commonmark_opts *o, gz_str name);
/* `markdown: CommonMark` as jekyll-commonmark 1.4 writes it. */
void site_commonmark(const site_commonmark_opts *o, gz_str text, gz_buf *html);

/* Jekyll's default converter, kramdown 2.4 with the GFM parser and
 * Jekyll's options, for the documents gazette supports (docs/markdown.md).
 * `rouge`: Rouge is the syntax highlighter (Jekyll's default). */
void site_kramdown(gz_str text, bool rouge, gz_buf *html);

/* Whether Rouge::Lexer.find knows the language name (rouge_names.c). */
bool site_rouge_lexer_known(gz_str name);

/* kramdown's footnotes (kramdown_notes.c). */
typedef struct site_kd_note {
    gz_buf label;   /* the [^label] */
    gz_buf content; /* the definition's Markdown, de-indented */
    int number;     /* 1.. in order of first use; 0 = never used */
    int repeats;    /* uses after the first */
} site_kd_note;
typedef struct site_kd_notes {
    site_kd_note *v;
    size_t len, cap;
    int used;
} site_kd_notes;
/* Takes the definitions out of `s` and writes the rest to `out` with the
 * markers as kramdown's HTML. False (and `out` untouched) when `s` has
 * no footnote definitions. */
bool site_kd_notes_extract(gz_str s, gz_buf *out, site_kd_notes *notes);
void site_kd_notes_free(site_kd_notes *notes);

/* kramdown's smart quotes and typographic symbols over one run of text. */
void site_kramdown_typography(gz_str text, gz_buf *out);

#endif
