/* Liquid's view of values: how each type prints, compares, counts and
 * turns into numbers, as Ruby Liquid 5.4 does it. Shared by the renderer
 * and the filters. */
#ifndef LIQ_CONVERT_H
#define LIQ_CONVERT_H

#include "core/value.h"

/* {{ v }}: nil "", arrays concatenated element by element, hashes as
 * Ruby's inspect, floats as Ruby prints them, drops by their to_s. */
void liq_to_s(gz_buf *out, gz_value v, gz_drop_env *env);
/* A string value: v itself when it is a string, else liq_to_s copied into
 * the arena. */
gz_value liq_as_string(gz_value v, gz_drop_env *env);

/* Ruby's to_number used by the math filters: strings "12" -> 12,
 * "1.5" -> 1.5, anything unparsable -> 0; nil -> 0. */
gz_value liq_to_number(gz_value v);
/* Integer conversion for arguments like truncate's length (Ruby's Integer()):
 * returns false when v is not convertible. */
bool liq_to_int(gz_value v, int64_t *out);

/* Liquid's comparison for <, >, <=, >= : sets *cmp (-1, 0, 1) and returns
 * true when the two values are comparable (numbers with numbers, strings
 * with strings, times with times). */
bool liq_compare(gz_value a, gz_value b, int *cmp);
/* ==, with Liquid's special literals handled by the renderer. */
bool liq_equal(gz_value a, gz_value b);

/* The list view of a value for `for`, `map`, `join`, ...: arrays as they
 * are, ranges expanded, hashes as [key, value] pairs, list drops
 * materialised, nil as empty, anything else as a one-element list. */
gz_array *liq_to_array(gz_value v, gz_drop_env *env);

/* Member access: hash[key], drop.key, array.first/last/size, string.size,
 * hash.size (when no "size" key). Returns false when absent. */
bool liq_lookup_key(gz_value obj, gz_str key, gz_value *out, gz_drop_env *env);
/* array[i] with negative indexes from the end; hash[int] via key text. */
bool liq_lookup_index(gz_value obj, gz_value index, gz_value *out, gz_drop_env *env);

/* Size as the `size` filter/property sees it (strings in characters). */
bool liq_size(gz_value v, int64_t *out, gz_drop_env *env);

/* `empty` and `blank` comparisons. */
bool liq_is_empty(gz_value v, gz_drop_env *env);
bool liq_is_blank(gz_value v, gz_drop_env *env);

#endif
