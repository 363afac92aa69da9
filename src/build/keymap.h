/* keymap.h — byte strings to dense ids (0, 1, 2, ... in order of first
 * insertion), by open addressing. The map does not copy keys: they must
 * outlive it. */
#ifndef BUILD_KEYMAP_H
#define BUILD_KEYMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct keymap_key {
    const void *p;
    size_t len;
    uint64_t hash;
} keymap_key;

typedef struct keymap {
    uint32_t *slots; /* id + 1; 0 = empty */
    size_t cap;      /* a power of two */
    keymap_key *keys;
    size_t n, capkeys;
} keymap;

/* The id of the key, or UINT32_MAX when absent. */
uint32_t keymap_find(const keymap *m, const void *p, size_t len);
/* The key's id, adding it (without copying) when absent; *added tells. */
uint32_t keymap_intern(keymap *m, const void *p, size_t len, bool *added);
void keymap_free(keymap *m);

#endif
