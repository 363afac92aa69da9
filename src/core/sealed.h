/* sealed.h — files written whole and checked whole (the build cache, the
 * document snapshot): a header naming the format and its version, a body
 * of fixed-width integers and length-prefixed strings, and a checksum of
 * the body. A file cut short, damaged, foreign or of another version is
 * refused with a reason, never half-used.
 *
 *   MAGIC (8 bytes)  u32 0x01020304 (byte order)  u32 version  u64 body length
 *   body
 *   u64 XXH3 of the body
 *
 * Integers are in the writer's byte order; a reader with another one sees
 * a foreign byte-order mark and refuses the file. A string is a u32
 * length, the bytes and a NUL, so that it can be used in place. */
#ifndef GZ_SEALED_H
#define GZ_SEALED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

#define GZ_SEALED_HEAD (8 + 4 + 4 + 8)

/* ---- writing ---- */

/* Starts a file in b (which must be empty): the header, body length 0. */
void gz_sealed_begin(gz_buf *b, const char magic[8], uint32_t version);
void gz_sealed_put32(gz_buf *b, uint32_t v);
void gz_sealed_put64(gz_buf *b, uint64_t v);
void gz_sealed_putstr(gz_buf *b, const char *s, size_t n);
/* Sets the body's length, appends its checksum and writes b to path
 * through path.tmp-PID, renamed into place. No fsync: a file lost or cut
 * by a power failure is refused by its checksum. On failure returns false
 * with `why` set, and no file is left at path.tmp-PID. */
bool gz_sealed_write(gz_buf *b, const char *path, gz_buf *why);

/* ---- reading ---- */

/* Reads the file at path into *blob (malloc'd, NUL-terminated, the
 * caller frees it) and checks it; the body is (*blob)[GZ_SEALED_HEAD ..
 * GZ_SEALED_HEAD + *body). Returns false with `why` empty when there is
 * no file, or saying what is wrong with it (*blob is then NULL). */
bool gz_sealed_read(const char *path, const char magic[8], uint32_t version, char **blob,
                    size_t *body, gz_buf *why);

/* A cursor over a body. Any read past the end clears `ok` and yields
 * zeros (and "" for strings), so a parser checks `ok` once at the end. */
typedef struct gz_sealed_reader {
    const char *p, *end;
    bool ok;
} gz_sealed_reader;

uint32_t gz_sealed_u32(gz_sealed_reader *r);
uint64_t gz_sealed_u64(gz_sealed_reader *r);
/* A string in place; *len (when not NULL) its length. */
const char *gz_sealed_str(gz_sealed_reader *r, size_t *len);
/* A count of records of at least `min` bytes each that the rest of the
 * body can hold: guards allocations sized by a damaged count. */
uint32_t gz_sealed_count(gz_sealed_reader *r, size_t min);

#endif
