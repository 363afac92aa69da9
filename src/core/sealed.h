/* sealed.h — files written whole and checked whole (the build cache, the
 * posts' snapshot): a header naming the format and its version, a body
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
 * length, the bytes and a NUL, so that it can be used in place.
 *
 * Files are large at scale (hundreds of MB for a million posts), so they
 * are written through a small buffer and read by mapping them: on some
 * virtual machines every page a process touches for the first time costs
 * more than the bytes it holds. */
#ifndef GZ_SEALED_H
#define GZ_SEALED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

#define GZ_SEALED_HEAD (8 + 4 + 4 + 8)

/* ---- writing ---- */

typedef struct gz_sealed_writer {
    int fd;
    char *path, *tmp;     /* the file, and path.tmp-PID written first */
    gz_buf buf;           /* what is not written yet */
    size_t hashed;        /* how much of buf is hashed, or is not body */
    uint64_t offset;      /* bytes put so far, header included */
    void *hash;           /* XXH3 state of the body */
    int error;            /* the first errno; 0 while all is well */
} gz_sealed_writer;

/* Starts writing path.tmp-PID with the header. Puts after a failure are
 * ignored; gz_sealed_commit reports it. */
void gz_sealed_create(gz_sealed_writer *w, const char *path, const char magic[8],
                      uint32_t version);
void gz_sealed_put(gz_sealed_writer *w, const void *p, size_t n);
void gz_sealed_put32(gz_sealed_writer *w, uint32_t v);
void gz_sealed_put64(gz_sealed_writer *w, uint64_t v);
void gz_sealed_putstr(gz_sealed_writer *w, const char *s, size_t n);
/* Zero bytes up to a multiple of `align` from the start of the file. */
void gz_sealed_pad(gz_sealed_writer *w, size_t align);
/* Finishes the file (body length, checksum) and renames it to path. No
 * fsync: a file lost or cut by a power failure is refused by its checksum.
 * On failure returns false with `why` set, and leaves no temporary file. */
bool gz_sealed_commit(gz_sealed_writer *w, gz_buf *why);

/* ---- reading ---- */

/* A sealed file mapped read-only: body[0..len) is its body, at offset
 * GZ_SEALED_HEAD of the file (alignment in the file is alignment here). */
typedef struct gz_sealed_file {
    const char *body;
    size_t len;
    void *map;
    size_t maplen;
} gz_sealed_file;

/* Maps and checks the file at path. Returns false with `why` empty when
 * there is no file, or saying what is wrong with it. The file must not be
 * truncated while mapped (writers replace it by renaming). */
bool gz_sealed_open(gz_sealed_file *f, const char *path, const char magic[8], uint32_t version,
                    gz_buf *why);
void gz_sealed_close(gz_sealed_file *f);

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
