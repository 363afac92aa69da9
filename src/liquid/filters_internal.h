/* What the filter families (filters_*.c, jekyll_filters_*.c) share: the
 * conversions every Ruby filter method applies to its arguments, and the
 * declarations the registry (filters_registry.c) points at. Internal to the
 * filters. */
#ifndef LIQ_FILTERS_INTERNAL_H
#define LIQ_FILTERS_INTERNAL_H

#include "core/time.h"
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

/* item[property] as the array filters read it (Ruby's item[property]):
 * hashes and drops by key, strings by substring or index, integers by
 * bit, arrays by index. A TypeError (an Integer or Array asked with a
 * string...) becomes "cannot select the property"; values without [] at
 * all (nil, floats, booleans) make where/uniq/compact return nil. */
typedef enum liq_prop { LIQ_PROP_OK, LIQ_PROP_TYPE_ERROR, LIQ_PROP_NO_METHOD } liq_prop;
liq_prop liq_f_property(liq_ctx *ctx, gz_value item, gz_value property, gz_value *out);
/* "cannot select the property '<property>'"; returns false. */
bool liq_f_property_error(liq_ctx *ctx, gz_value property);

/* ---- ordering ---------------------------------------------------------- */

/* Ruby's a <=> b: numbers, strings, times, arrays element by element, and
 * 0 for equal objects of any other kind; false when Ruby answers nil. */
bool liq_f_spaceship(gz_value a, gz_value b, int *cmp);

/* String#casecmp: bytewise after folding ASCII letters; -1, 0 or 1. */
int liq_f_casecmp(gz_str a, gz_str b);

/* A comparison for liq_f_sort; sets *failed (after liq_filter_error) to
 * stop the sort. */
typedef int (*liq_f_cmp)(void *data, gz_value a, gz_value b, bool *failed);

/* Sorts in place the way Ruby's Array#sort does on Linux (glibc's merge
 * sort: stable, and the same comparisons in the same order). Returns
 * false when the comparison failed. */
bool liq_f_sort(liq_ctx *ctx, gz_value *items, size_t n, liq_f_cmp cmp, void *data);

/* ---- dates -------------------------------------------------------------- */

/* The zone Ruby would read and show local times in (TZ, else
 * /etc/localtime); NULL is UTC. */
const gz_tz *liq_f_local_tz(void);
/* Liquid's Utils.to_date: a time as it is, an integer as Unix seconds,
 * a string as Time.parse reads it ("now", "today", digits as seconds);
 * false for anything else. */
bool liq_f_to_date(liq_ctx *ctx, gz_value v, gz_time *out);

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

/* filters_array.c */
LIQ_FILTER(compact);
LIQ_FILTER(concat);
LIQ_FILTER(default);
LIQ_FILTER(first);
LIQ_FILTER(join);
LIQ_FILTER(last);
LIQ_FILTER(map);
LIQ_FILTER(reverse);
LIQ_FILTER(sort);
LIQ_FILTER(sort_natural);
LIQ_FILTER(uniq);
LIQ_FILTER(where);

/* filters_date.c */
LIQ_FILTER(date);

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

/* jekyll_filters_url.c */
LIQ_FILTER(absolute_url);
LIQ_FILTER(cgi_escape);
LIQ_FILTER(relative_url);
LIQ_FILTER(strip_index);
LIQ_FILTER(uri_escape);

/* jekyll_filters_array.c */
LIQ_FILTER(find_exp);
LIQ_FILTER(group_by);
LIQ_FILTER(group_by_exp);
LIQ_FILTER(jekyll_find);
LIQ_FILTER(jekyll_sort);
LIQ_FILTER(jekyll_where);
LIQ_FILTER(pop);
LIQ_FILTER(push);
LIQ_FILTER(sample);
LIQ_FILTER(shift);
LIQ_FILTER(unshift);
LIQ_FILTER(where_exp);

/* jekyll_filters_date.c */
LIQ_FILTER(date_to_long_string);
LIQ_FILTER(date_to_rfc822);
LIQ_FILTER(date_to_string);
LIQ_FILTER(date_to_xmlschema);

/* jekyll_filters_smartify.c */
LIQ_FILTER(smartify);

/* jekyll_filters_text.c */
LIQ_FILTER(array_to_sentence_string);
LIQ_FILTER(inspect);
LIQ_FILTER(jsonify);
LIQ_FILTER(markdownify);
LIQ_FILTER(normalize_whitespace);
LIQ_FILTER(number_of_words);
LIQ_FILTER(slugify);
LIQ_FILTER(to_integer);
LIQ_FILTER(xml_escape);

#endif
