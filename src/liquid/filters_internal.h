/* What the filter families (filters_*.c, jekyll_filters_*.c) share: the
 * conversions every Ruby filter method applies to its arguments, and the
 * declarations the registry (filters_registry.c) points at. Internal to the
 * filters. */
#ifndef LIQ_FILTERS_INTERNAL_H
#define LIQ_FILTERS_INTERNAL_H

#include "liquid/filter.h"

/* ---- arguments --------------------------------------------------------- */

/* Ruby passes `key: value` arguments as one trailing Hash argument, so a
 * filter whose last parameter is optional receives them there
 * (`truncate: 5, x: 1` appends `{"x"=>1}`). This returns argument `i` with
 * that rule applied, or `dflt` when it was not given. */
gz_value liq_f_arg(liq_ctx *ctx, const gz_value *args, size_t nargs, const gz_hash *kwargs,
                   size_t i, gz_value dflt);

/* ---- strings ----------------------------------------------------------- */

/* Ruby's #to_s, as a filter applies it to its input: like {{ }} output,
 * except that arrays print as their #inspect ("[1, \"a\"]"). The view
 * points into the value or into the render's arena. */
gz_str liq_f_to_s(liq_ctx *ctx, gz_value v);

/* A string value holding b's bytes, copied into the render's arena; frees b. */
gz_value liq_f_take(liq_ctx *ctx, gz_buf *b);

/* A string value copied into the render's arena. */
gz_value liq_f_string(liq_ctx *ctx, gz_str s);

/* Ruby's whitespace for strip, split and Integer(): " \t\n\v\f\r". */
static inline bool
liq_f_is_space(char c)
{
    return c == ' ' || (c >= '\t' && c <= '\r');
}

/* Liquid's Utils.to_integer (Integer(v.to_s)); "invalid integer" error. */
bool liq_f_to_integer(liq_ctx *ctx, gz_value v, int64_t *out);

/* ---- collections ------------------------------------------------------- */

/* Liquid's InputIterator: arrays flattened, a hash as a one-element list,
 * nil as empty, list drops materialised, ranges expanded, anything else
 * as a one-element list. */
gz_array *liq_f_input_list(liq_ctx *ctx, gz_value v);

/* item[property] as the array filters read it (`respond_to?(:[])`):
 * hashes and drops by key; other values have no properties. Returns false
 * when item cannot be indexed by a string at all. */
bool liq_f_property(liq_ctx *ctx, gz_value item, gz_str property, gz_value *out);

/* ---- the filters ------------------------------------------------------- */

#define LIQ_FILTER(name)                                                               \
    bool liq_filter_##name(liq_ctx *ctx, gz_value input, const gz_value *args, size_t nargs, \
                           const gz_hash *kwargs, gz_value *out)

/* filters_string.c */
LIQ_FILTER(append);
LIQ_FILTER(capitalize);
LIQ_FILTER(downcase);
LIQ_FILTER(lstrip);
LIQ_FILTER(newline_to_br);
LIQ_FILTER(prepend);
LIQ_FILTER(remove);
LIQ_FILTER(remove_first);
LIQ_FILTER(remove_last);
LIQ_FILTER(replace);
LIQ_FILTER(replace_first);
LIQ_FILTER(replace_last);
LIQ_FILTER(rstrip);
LIQ_FILTER(size);
LIQ_FILTER(slice);
LIQ_FILTER(split);
LIQ_FILTER(strip);
LIQ_FILTER(strip_newlines);
LIQ_FILTER(truncate);
LIQ_FILTER(truncatewords);
LIQ_FILTER(upcase);

/* filters_math.c */
LIQ_FILTER(abs);
LIQ_FILTER(at_least);
LIQ_FILTER(at_most);
LIQ_FILTER(ceil);
LIQ_FILTER(divided_by);
LIQ_FILTER(floor);
LIQ_FILTER(minus);
LIQ_FILTER(modulo);
LIQ_FILTER(plus);
LIQ_FILTER(round);
LIQ_FILTER(times);

/* filters_html.c */
LIQ_FILTER(base64_decode);
LIQ_FILTER(base64_encode);
LIQ_FILTER(base64_url_safe_decode);
LIQ_FILTER(base64_url_safe_encode);
LIQ_FILTER(escape);
LIQ_FILTER(escape_once);
LIQ_FILTER(strip_html);
LIQ_FILTER(url_decode);
LIQ_FILTER(url_encode);

#endif
