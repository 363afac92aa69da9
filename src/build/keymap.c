/* Open addressing with linear probing over a table kept at most half full. */
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "build/keymap.h"
#include "core/arena.h"

static size_t
probe(const keymap *m, const void *p, size_t len, uint64_t h, bool *found)
{
    size_t mask = m->cap - 1;
    for (size_t i = (size_t)h & mask;; i = (i + 1) & mask) {
        uint32_t s = m->slots[i];
        if (!s) {
            *found = false;
            return i;
        }
        const keymap_key *k = &m->keys[s - 1];
        if (k->hash == h && k->len == len && (len == 0 || memcmp(k->p, p, len) == 0)) {
            *found = true;
            return i;
        }
    }
}

uint32_t
keymap_find(const keymap *m, const void *p, size_t len)
{
    if (!m->cap)
        return UINT32_MAX;
    bool found;
    size_t i = probe(m, p, len, XXH3_64bits(p, len), &found);
    return found ? m->slots[i] - 1 : UINT32_MAX;
}

static void
grow(keymap *m)
{
    size_t cap = m->cap ? m->cap * 2 : 64;
    uint32_t *slots = gz_xcalloc(cap, sizeof *slots);
    for (size_t k = 0; k < m->n; k++) {
        size_t i = (size_t)m->keys[k].hash & (cap - 1);
        while (slots[i])
            i = (i + 1) & (cap - 1);
        slots[i] = (uint32_t)k + 1;
    }
    free(m->slots);
    m->slots = slots;
    m->cap = cap;
}

uint32_t
keymap_intern(keymap *m, const void *p, size_t len, bool *added)
{
    if ((m->n + 1) * 2 > m->cap)
        grow(m);
    uint64_t h = XXH3_64bits(p, len);
    bool found;
    size_t i = probe(m, p, len, h, &found);
    if (added)
        *added = !found;
    if (found)
        return m->slots[i] - 1;
    if (m->n == m->capkeys) {
        m->capkeys = m->capkeys ? m->capkeys * 2 : 64;
        m->keys = gz_xrealloc(m->keys, m->capkeys * sizeof *m->keys);
    }
    m->keys[m->n] = (keymap_key){ p, len, h };
    m->slots[i] = (uint32_t)++m->n;
    return (uint32_t)m->n - 1;
}

void
keymap_free(keymap *m)
{
    free(m->slots);
    free(m->keys);
    memset(m, 0, sizeof *m);
}
