/* UTF-8: validation, decoding and character counts; case mapping through
 * utf8proc (Ruby's String#upcase/#downcase map all of Unicode). */
#ifndef GZ_UTF8_H
#define GZ_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

/* True when s is valid UTF-8; otherwise *bad is the offset of the first
 * invalid byte (when bad is not NULL). */
bool gz_utf8_valid(gz_str s, size_t *bad);

/* Decodes one character at s[0..len); returns its length in bytes (>= 1)
 * and sets *cp, or U+FFFD with length 1 for an invalid byte. */
size_t gz_utf8_decode(const char *s, size_t len, int32_t *cp);

void gz_utf8_encode(gz_buf *out, int32_t cp);

/* Number of characters (invalid bytes count one each). */
size_t gz_utf8_length(gz_str s);

/* Byte offset of character number `index` (clamped to s.len). */
size_t gz_utf8_offset(gz_str s, size_t index);

void gz_utf8_upcase(gz_buf *out, gz_str s);
void gz_utf8_downcase(gz_buf *out, gz_str s);
/* Ruby's String#capitalize: first character upcased, the rest downcased. */
void gz_utf8_capitalize(gz_buf *out, gz_str s);

#endif
