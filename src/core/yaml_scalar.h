/* Internal to the YAML loader (yaml.c): how Psych 4 turns one scalar's
 * text into a Ruby object when Jekyll loads YAML with Psych.safe_load
 * (permitted classes Date and Time). Mirrors Psych::ScalarScanner#tokenize
 * and the tagged cases of Psych::Visitors::ToRuby#deserialize.
 *
 * Integers beyond int64 (Ruby Bignums) become strings of their decimal
 * digits, which print as Ruby prints the number. Every function returns
 * false with the message Jekyll reports in `err` where Psych raises.
 * frontmatter.c shares the Ruby character classes below. */
#ifndef GZ_YAML_SCALAR_H
#define GZ_YAML_SCALAR_H

#include "core/buf.h"
#include "core/time.h"
#include "core/value.h"

/* Ruby regexp classes: \d is ASCII, \s is [ \t\n\v\f\r]. */
static inline bool
gz_ruby_digit(char c)
{
    return c >= '0' && c <= '9';
}

static inline bool
gz_ruby_space(char c)
{
    return c == ' ' || (c >= '\t' && c <= '\r');
}

/* Moves *i past a run of digits in s; returns how many there were. */
static inline size_t
gz_skip_digits(gz_str s, size_t *i)
{
    size_t start = *i;
    while (*i < s.len && gz_ruby_digit(s.p[*i]))
        (*i)++;
    return *i - start;
}

/* What Jekyll reports for any ArgumentError out of Psych (Integer("0x"),
 * Float("abc")): Utils.safe_load_yaml then retries with the positional
 * arguments of Psych < 3.1, which Psych 4 refuses with this. */
#define GZ_YAML_ARGUMENT_ERROR "wrong number of arguments (given 2, expected 1)"

/* Longest integer, in digits, that is converted; Ruby has no limit, but a
 * megabyte of hex digits is no post's front matter. */
#define GZ_YAML_MAX_INT_DIGITS 10000

/* An untagged plain scalar (ScalarScanner#tokenize). Timestamps without an
 * offset are shown in `local` (Ruby's process time zone; NULL: UTC). */
bool gz_yaml_tokenize(gz_arena *a, gz_str s, const gz_tz *local, gz_value *out, gz_buf *err);

/* Psych's numbers other than .inf and .nan: sexagesimal "1:30", FLOAT
 * and INTEGER (yaml_number.c). */
typedef enum gz_yaml_number_kind {
    GZ_YAML_NOT_NUMBER,
    GZ_YAML_NUMBER,
    GZ_YAML_NUMBER_ERROR, /* Psych raises; the message is in err */
} gz_yaml_number_kind;

gz_yaml_number_kind gz_yaml_number(gz_arena *a, gz_str s, gz_value *out, gz_buf *err);

/* Ruby's Float(string): a float, or GZ_YAML_ARGUMENT_ERROR in err. */
bool gz_yaml_ruby_float(gz_str s, gz_value *out, gz_buf *err);

/* A scalar tagged !!float or !float: Float(tokenize(s)). */
bool gz_yaml_float_tag(gz_arena *a, gz_str s, const gz_tz *local, gz_value *out, gz_buf *err);

/* A scalar tagged !!binary or !binary: String#unpack("m"), lenient base64. */
gz_value gz_yaml_binary(gz_arena *a, gz_str s);

#endif
