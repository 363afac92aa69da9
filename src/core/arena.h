/* Arena allocation: memory that lives exactly as long as one render, one
 * document or one build phase, and is released all at once. Nothing
 * allocated from an arena is ever freed on its own. Allocation failure
 * aborts the process with a message: there is no sensible recovery in the
 * middle of a render, and a half-built value must never be observed. */
#ifndef GZ_ARENA_H
#define GZ_ARENA_H

#include <stdbool.h>
#include <stddef.h>

typedef struct gz_arena gz_arena;

gz_arena *gz_arena_new(void);
void gz_arena_free(gz_arena *a);

/* Releases everything allocated so far but keeps the first block for reuse. */
void gz_arena_reset(gz_arena *a);

/* Memory aligned for any type; never NULL. */
void *gz_arena_alloc(gz_arena *a, size_t size);
void *gz_arena_calloc(gz_arena *a, size_t count, size_t size);

/* Grows the most recent allocation in place when it can, else copies. */
void *gz_arena_realloc(gz_arena *a, void *old, size_t old_size, size_t new_size);

/* A NUL-terminated copy of `len` bytes. */
char *gz_arena_strndup(gz_arena *a, const char *s, size_t len);

/* Bytes currently held by the arena, for statistics. */
size_t gz_arena_bytes(const gz_arena *a);
/* Whether p points into memory the arena handed out. */
bool gz_arena_owns(const gz_arena *a, const void *p);

/* malloc/realloc/calloc that abort with a message instead of returning NULL. */
void *gz_xmalloc(size_t size);
void *gz_xcalloc(size_t count, size_t size);
void *gz_xrealloc(void *p, size_t size);
char *gz_xstrndup(const char *s, size_t len);

#endif
