/* JSON to gz_value (through jansson) and gz_value to JSON text exactly as
 * Ruby's JSON.generate writes it (Jekyll's `jsonify`). */
#ifndef GZ_JSON_H
#define GZ_JSON_H

#include "core/buf.h"
#include "core/value.h"

/* Parses `text`; on failure returns false and writes "line L column C:
 * reason" to `err`. Numbers without fraction or exponent become ints.
 * Strings and keys are copied into the arena. */
bool gz_json_parse(gz_arena *a, gz_str text, gz_value *out, gz_buf *err);

/* Compact JSON; times as their Ruby to_s string, ranges as "1..3", drops
 * through to_hash (or their to_s as a string). */
void gz_json_write(gz_buf *out, gz_value v, gz_drop_env *env);

#endif
