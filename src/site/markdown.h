/* Internal to the site part: the Markdown engines behind site_markdown. */
#ifndef SITE_MARKDOWN_H
#define SITE_MARKDOWN_H

#include <stdbool.h>

#include "core/buf.h"

/* cmark-gfm over `text` with `options` (CMARK_OPT_*); `gfm` attaches the
 * table, strikethrough and autolink extensions. */
void site_cmark(gz_str text, int options, bool gfm, gz_buf *html);

/* Jekyll's default converter, kramdown 2.4 with the GFM parser and
 * Jekyll's options, for the documents gazette supports (docs/markdown.md).
 * `rouge`: Rouge is the syntax highlighter (Jekyll's default). */
void site_kramdown(gz_str text, bool rouge, gz_buf *html);

/* Whether Rouge::Lexer.find knows the language name (rouge_names.c). */
bool site_rouge_lexer_known(gz_str name);

/* kramdown's smart quotes and typographic symbols over one run of text. */
void site_kramdown_typography(gz_str text, gz_buf *out);

#endif
