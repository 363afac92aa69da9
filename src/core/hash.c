/* Insertion-ordered hash with string keys: entries live in an array in
 * insertion order (so iteration is Ruby's order); an open-addressing index
 * of entry positions is added once the hash outgrows a linear scan. */
#include <string.h>

#include "core/value.h"

#define LINEAR_MAX 8

static uint32_t
hash_bytes(gz_str key)
{
    uint32_t h = 2166136261u; /* FNV-1a */
    for (size_t i = 0; i < key.len; i++) {
        h ^= (unsigned char)key.p[i];
        h *= 16777619u;
    }
    return h;
}

gz_hash *
gz_hash_new(gz_arena *a, size_t cap)
{
    gz_hash *h = gz_arena_calloc(a, 1, sizeof *h);
    if (cap) {
        h->entries = gz_arena_alloc(a, cap * sizeof *h->entries);
        h->cap = cap;
    }
    return h;
}

static void
index_insert(gz_hash *h, uint32_t hash, size_t entry)
{
    size_t mask = h->nslots - 1;
    size_t i = hash & mask;
    while (h->slots[i])
        i = (i + 1) & mask;
    h->slots[i] = (uint32_t)entry + 1;
}

static void
reindex(gz_arena *a, gz_hash *h, size_t nslots)
{
    h->slots = gz_arena_calloc(a, nslots, sizeof *h->slots);
    h->nslots = nslots;
    for (size_t i = 0; i < h->len; i++)
        index_insert(h, h->entries[i].hash, i);
}

static long
find(const gz_hash *h, gz_str key, uint32_t hash)
{
    if (!h->nslots) {
        for (size_t i = 0; i < h->len; i++)
            if (h->entries[i].hash == hash && gz_str_eq(h->entries[i].key, key))
                return (long)i;
        return -1;
    }
    size_t mask = h->nslots - 1;
    for (size_t i = hash & mask; h->slots[i]; i = (i + 1) & mask) {
        const gz_hash_entry *e = &h->entries[h->slots[i] - 1];
        if (e->hash == hash && gz_str_eq(e->key, key))
            return (long)(h->slots[i] - 1);
    }
    return -1;
}

gz_value *
gz_hash_get(const gz_hash *h, gz_str key)
{
    if (!h || !h->len)
        return NULL;
    long i = find(h, key, hash_bytes(key));
    return i < 0 ? NULL : &h->entries[i].value;
}

static void
add(gz_arena *a, gz_hash *h, gz_str key, uint32_t hash, gz_value v)
{
    if (h->len == h->cap) {
        size_t cap = h->cap ? h->cap * 2 : 4;
        h->entries = gz_arena_realloc(a, h->entries, h->cap * sizeof *h->entries,
                                      cap * sizeof *h->entries);
        h->cap = cap;
    }
    h->entries[h->len] = (gz_hash_entry){ key, hash, v };
    h->len++;
    if (h->nslots) {
        if (h->len * 2 > h->nslots)
            reindex(a, h, h->nslots * 2);
        else
            index_insert(h, hash, h->len - 1);
    } else if (h->len > LINEAR_MAX) {
        reindex(a, h, 32);
    }
}

void
gz_hash_set(gz_arena *a, gz_hash *h, gz_str key, gz_value v)
{
    uint32_t hash = hash_bytes(key);
    long i = find(h, key, hash);
    if (i >= 0)
        h->entries[i].value = v;
    else
        add(a, h, key, hash, v);
}

void
gz_hash_add_new(gz_arena *a, gz_hash *h, gz_str key, gz_value v)
{
    add(a, h, key, hash_bytes(key), v);
}

bool
gz_hash_delete(gz_hash *h, gz_str key)
{
    long i = find(h, key, hash_bytes(key));
    if (i < 0)
        return false;
    memmove(&h->entries[i], &h->entries[i + 1],
            (h->len - (size_t)i - 1) * sizeof *h->entries);
    h->len--;
    if (h->nslots) {
        memset(h->slots, 0, h->nslots * sizeof *h->slots);
        for (size_t j = 0; j < h->len; j++)
            index_insert(h, h->entries[j].hash, j);
    }
    return true;
}
