/* Jekyll's tags and the embedder's custom tags, for the parser's tag
 * lookup. Internal to the liquid part. */
#ifndef LIQ_TAGS_JEKYLL_H
#define LIQ_TAGS_JEKYLL_H

#include "liquid/parse.h"

/* The tag called `name` that comes before Liquid's own: one of Jekyll's
 * (include, include_relative, link, post_url, highlight) when the engine
 * has liq_options.jekyll; else NULL. */
const liq_tag_def *liq_tag_find_jekyll(const liq_parser *p, gz_str name);
/* A custom tag of the engine's site hooks, looked up after Liquid's own;
 * the definition lives in the template's arena. NULL when unknown. */
const liq_tag_def *liq_tag_find_custom(liq_parser *p, gz_str name);

#endif
