/* The one value model of gazette (DESIGN.md "One value model"): front
 * matter, _config.yml, _data, JSON contexts and Liquid all speak gz_value.
 *
 * A gz_value is a small struct passed by value. Scalars live inside it;
 * strings, arrays, hashes, times, ranges and drops point to memory owned by
 * an arena (or, for strings, to any bytes that outlive the value, such as
 * a template's source). Nothing here frees anything: the owner of the arena
 * releases everything at once. Hashes keep insertion order, as Ruby's do.
 *
 * Values shared between threads (site data, parsed templates) are never
 * mutated after they are built. */
#ifndef GZ_VALUE_H
#define GZ_VALUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/buf.h"

typedef enum gz_type {
    GZ_NIL = 0,
    GZ_BOOL,
    GZ_INT,
    GZ_FLOAT,
    GZ_STRING,
    GZ_ARRAY,
    GZ_HASH,
    GZ_TIME,
    GZ_RANGE,
    GZ_DROP,
} gz_type;

typedef struct gz_array gz_array;
typedef struct gz_hash gz_hash;
typedef struct gz_drop gz_drop;

/* A point in time with the UTC offset it is shown in, like Ruby's Time.
 * `zone` is the abbreviation %Z prints ("CST", "UTC"), or NULL for a fixed
 * offset (Ruby prints "" then). `date_only` marks a YAML date (Ruby Date):
 * it prints as YYYY-MM-DD and sits at midnight of `utc_offset`. */
typedef struct gz_time {
    int64_t sec;        /* seconds since the Unix epoch, UTC */
    int32_t nsec;       /* 0..999999999 */
    int32_t utc_offset; /* seconds east of UTC */
    const char *zone;
    bool date_only;
} gz_time;

/* An inclusive integer range, Ruby's (first..last). */
typedef struct gz_range {
    int64_t first;
    int64_t last;
} gz_range;

typedef struct gz_value {
    gz_type type;
    union {
        bool b;
        int64_t i;
        double f;
        const char *s;
        gz_array *a;
        gz_hash *h;
        const gz_time *t;
        const gz_range *r;
        gz_drop *d;
    } u;
    size_t len; /* string length in bytes; unused otherwise */
} gz_value;

struct gz_array {
    gz_value *items;
    size_t len;
    size_t cap;
};

/* ---- drops: values whose fields are computed on demand --------------- */

/* What a drop callback may use: an arena for values it creates (owned by
 * the current render) and the embedder's context (the site, a recorder of
 * reads). */
typedef struct gz_drop_env {
    gz_arena *arena;
    void *user;
} gz_drop_env;

typedef struct gz_drop_class {
    const char *name;
    /* Hash-like access: sets *out and returns true when the key exists. */
    bool (*get)(const gz_drop *d, gz_str key, gz_value *out, gz_drop_env *env);
    /* List-like drops (site.posts) set both; others leave them NULL. */
    size_t (*length)(const gz_drop *d, gz_drop_env *env);
    bool (*at)(const gz_drop *d, size_t index, gz_value *out, gz_drop_env *env);
    /* Text when output with {{ }}; NULL prints the class name. */
    void (*to_s)(const gz_drop *d, gz_buf *out, gz_drop_env *env);
    /* For hash-like drops that can be iterated or serialised (jsonify):
     * returns every key/value in order as a plain hash, or NULL. */
    gz_hash *(*to_hash)(const gz_drop *d, gz_drop_env *env);
} gz_drop_class;

struct gz_drop {
    const gz_drop_class *cls;
    void *data;
};

/* ---- constructors ----------------------------------------------------- */

static inline gz_value gz_nil(void) { return (gz_value){ .type = GZ_NIL }; }
static inline gz_value gz_bool(bool b) { return (gz_value){ .type = GZ_BOOL, .u.b = b }; }
static inline gz_value gz_int(int64_t i) { return (gz_value){ .type = GZ_INT, .u.i = i }; }
static inline gz_value gz_float(double f) { return (gz_value){ .type = GZ_FLOAT, .u.f = f }; }
/* Borrows the bytes: they must outlive the value. */
static inline gz_value
gz_string(const char *s, size_t len)
{
    return (gz_value){ .type = GZ_STRING, .u.s = s, .len = len };
}
static inline gz_value gz_str_value(gz_str s) { return gz_string(s.p, s.len); }
static inline gz_value gz_array_value(gz_array *a) { return (gz_value){ .type = GZ_ARRAY, .u.a = a }; }
static inline gz_value gz_hash_value(gz_hash *h) { return (gz_value){ .type = GZ_HASH, .u.h = h }; }
static inline gz_value gz_time_value(const gz_time *t) { return (gz_value){ .type = GZ_TIME, .u.t = t }; }
static inline gz_value gz_range_value(const gz_range *r) { return (gz_value){ .type = GZ_RANGE, .u.r = r }; }
static inline gz_value gz_drop_value(gz_drop *d) { return (gz_value){ .type = GZ_DROP, .u.d = d }; }

gz_value gz_string_copy(gz_arena *a, const char *s, size_t len);
gz_value gz_string_from_buf(gz_arena *a, const gz_buf *b);
gz_value gz_time_new(gz_arena *a, gz_time t);
gz_value gz_range_new(gz_arena *a, int64_t first, int64_t last);
gz_value gz_drop_new(gz_arena *a, const gz_drop_class *cls, void *data);

static inline gz_str gz_value_str(gz_value v) { return (gz_str){ v.u.s, v.len }; }

/* ---- arrays ----------------------------------------------------------- */

gz_array *gz_array_new(gz_arena *a, size_t cap);
void gz_array_push(gz_arena *a, gz_array *arr, gz_value v);

/* ---- hashes (insertion-ordered, string keys) ------------------------- */

typedef struct gz_hash_entry {
    gz_str key;
    uint32_t hash;
    gz_value value;
} gz_hash_entry;

struct gz_hash {
    gz_hash_entry *entries; /* in insertion order */
    size_t len;
    size_t cap;
    uint32_t *slots; /* open addressing: entry index + 1, 0 = empty */
    size_t nslots;   /* a power of two, or 0 while the hash is small */
};

gz_hash *gz_hash_new(gz_arena *a, size_t cap);
/* Sets key to v. An existing key keeps its position (as in Ruby). The key
 * bytes are borrowed and must live as long as the hash. */
void gz_hash_set(gz_arena *a, gz_hash *h, gz_str key, gz_value v);
/* Returns a pointer to the stored value, or NULL. */
gz_value *gz_hash_get(const gz_hash *h, gz_str key);
/* Adds a key known not to be in h (a hash copied from one that had it
 * once), without looking for it first. */
void gz_hash_add_new(gz_arena *a, gz_hash *h, gz_str key, gz_value v);
bool gz_hash_delete(gz_hash *h, gz_str key);

/* ---- semantics shared by every part ---------------------------------- */

const char *gz_type_name(gz_type t);
/* Ruby truthiness: only nil and false are false. */
static inline bool
gz_truthy(gz_value v)
{
    return !(v.type == GZ_NIL || (v.type == GZ_BOOL && !v.u.b));
}
/* Ruby ==: 1 == 1.0, arrays and hashes by content, drops by identity. */
bool gz_value_equal(gz_value a, gz_value b);

/* Ruby's Integer#to_s / Float#to_s. */
void gz_format_int(gz_buf *out, int64_t i);
void gz_format_float(gz_buf *out, double f);

/* Ruby's #inspect of a plain value ({"a"=>1, "b"=>[nil, true]}). */
void gz_value_inspect(gz_buf *out, gz_value v, gz_drop_env *env);

/* Deep copy of plain values into another arena (drops are shared). */
gz_value gz_value_clone(gz_arena *a, gz_value v);

#endif
