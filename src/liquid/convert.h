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
 * "1.5" -> 1.5, "12abc" -> 12 (String#to_i), anything unparsable -> 0;
 * nil, booleans, arrays -> 0. (Ruby 5.4 then computes with BigDecimal for
 * floats: 0.1 + 0.2 prints 0.3; that rounding is the math filters' job.) */
gz_value liq_to_number(gz_value v);
/* String#to_i: leading whitespace, a sign, digits (single underscores
 * between them); "12abc" -> 12, "abc" -> 0. */
int64_t liq_str_to_i(gz_str s);
/* Float#to_i, saturating where Ruby would grow a Bignum; NaN gives 0. */
int64_t liq_float_to_i(double f);
/* a + b, saturating instead of overflowing. */
int64_t liq_add_sat(int64_t a, int64_t b);
/* The number of items of (first..last), computed without overflow. */
uint64_t liq_range_size(const gz_range *r);
/* Integer conversion for arguments like truncate's length (Liquid's
 * Integer(v.to_s)): integers, and strings like " 12 ", "0x1A", "010"
 * (octal), "1_000". Returns false otherwise ("invalid integer"), also for
 * floats and nil. */
bool liq_to_int(gz_value v, int64_t *out);

/* Liquid's comparison for <, >, <=, >= : sets *cmp (-1, 0, 1) and returns
 * true when the two values are comparable (numbers with numbers, strings
 * with strings, times with times). */
bool liq_compare(gz_value a, gz_value b, int *cmp);
/* ==, with Liquid's special literals handled by the renderer. */
bool liq_equal(gz_value a, gz_value b);

/* The list view of a value for `for`, `map`, `join`, ...: arrays as they
 * are, ranges expanded, hashes as [key, value] pairs, list drops
 * materialised, nil as empty, anything else as a one-element list. A range
 * expands to at most LIQ_RANGE_MAX items (Ruby would exhaust memory on
 * (1..1000000000000) | join; gazette stops there instead). */
#define LIQ_RANGE_MAX ((size_t)1 << 24)
gz_array *liq_to_array(gz_value v, gz_drop_env *env);

/* Dot access `obj.key`: hash[key], drop.key, and when no such key exists
 * the commands size/first/last (array, range, hash.size, hash.first as a
 * [key, value] pair, string.size in characters, integer.size = 8).
 * Returns false when absent. */
bool liq_lookup_key(gz_value obj, gz_str key, gz_value *out, gz_drop_env *env);
/* Bracket access `obj[index]`: a string index is a plain key (never a
 * command: h["size"] is nil without a "size" key); an integer indexes
 * arrays and list drops, negative from the end. Anything else is absent
 * (Ruby: {"1"=>x}[1] is nil). */
bool liq_lookup_index(gz_value obj, gz_value index, gz_value *out, gz_drop_env *env);

/* Size as the `size` filter/property sees it (strings in characters,
 * integers 8 as Ruby's Integer#size); false when the value has no size. */
bool liq_size(gz_value v, int64_t *out, gz_drop_env *env);

/* `x == empty`: Ruby's empty? (strings, arrays, hashes, list drops).
 * There is no blank counterpart: Liquid 5.4 calls blank?, which plain
 * Ruby (Jekyll, without ActiveSupport) does not define, so `x == blank`
 * is always false. */
bool liq_is_empty(gz_value v, gz_drop_env *env);

#endif
