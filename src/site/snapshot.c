/* snapshot.c — the posts of the last load, kept so that the next one need
 * not read them again (site.h, "Reusing the last load's posts").
 *
 * A post's model — front matter merged with defaults, the data derived
 * from its file name, its date and URL — depends on its file and on what
 * site_model_fingerprint covers, and on nothing else but one case of the
 * clock (given_date in internal.h). The snapshot holds each post's model
 * with the status its file had (size, mtime, ctime, inode); a load under
 * the same fingerprint takes the model from it for every file whose
 * status is unchanged. A file is only kept when its last change is
 * older than the load by more than a clock tick, so a write after it was
 * read always moves its status.
 *
 * The file is sealed (core/sealed.h), magic "GZSNAPS\n"; its body:
 *
 *   u64 model fingerprint  { u32 length  record[length] } up to the end
 *   record: str relpath  i64 size mtime ctime  u64 ino hash
 *           u64 body_off  u32 body_line  u32 has_front  i64 given_date
 *           time date  str url dest_rel output_ext  value data
 *   value:  u8 type, then: BOOL u8 · INT i64 · FLOAT f64 · STRING str ·
 *           ARRAY u32 n value[n] · HASH u32 n { str key value }[n] · TIME time
 *   time:   i64 sec  u32 nsec  u32 utc_offset  u32 date_only  u32 has_zone  [str zone]
 *
 * Restored strings point into the snapshot, which the site keeps mapped. */
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "core/sealed.h"
#include "site/internal.h"

#define MAGIC "GZSNAPS\n"
#define VERSION 2u

struct site_snapshot {
    char *path;
    gz_sealed_file file;
    const char **records;     /* record i starts at records[i] ... */
    uint32_t *lens;           /* ... and has lens[i] bytes */
    uint32_t n;
    uint32_t *slots;          /* open addressing on relpath: record + 1, 0 empty */
    size_t mask;
    uint64_t serial;          /* tells this opening from every other (shared_key) */
};

uint64_t
site_model_fingerprint(const site *s)
{
    gz_buf b = GZ_BUF_INIT;
    gz_buf_printf(&b, "snapshot %u\n%s\n%s\nfuture=%d drafts=%d unpublished=%d limit=%ld\n",
                  VERSION, s->source, s->dest, s->future, s->show_drafts, s->unpublished,
                  s->limit_posts);
    gz_value_inspect(&b, gz_hash_value(s->config), NULL);
    /* The zone dates are read in: its offsets and names at a few instants. */
    static const int64_t probes[] = { 0, 946684800, 1700000000, 1720000000 };
    for (size_t i = 0; i < sizeof probes / sizeof probes[0]; i++) {
        gz_time t = gz_time_in_zone((gz_time){ .sec = probes[i] }, s->tz);
        gz_buf_printf(&b, "\n%d %s", (int)t.utc_offset, t.zone ? t.zone : "");
    }
    uint64_t fp = XXH3_64bits(b.data, b.len);
    gz_buf_free(&b);
    return fp;
}

/* ---- writing ------------------------------------------------------------------ */

/* A record is put together in memory (its length comes first). */
static void
put32(gz_buf *b, uint32_t v)
{
    gz_buf_put(b, (const char *)&v, sizeof v);
}

static void
put64(gz_buf *b, uint64_t v)
{
    gz_buf_put(b, (const char *)&v, sizeof v);
}

static void
putstrn(gz_buf *b, const char *s, size_t n)
{
    put32(b, (uint32_t)n);
    gz_buf_put(b, s, n);
    gz_buf_putc(b, 0);
}

static void
put_time(gz_buf *b, gz_time t)
{
    put64(b, (uint64_t)t.sec);
    put32(b, (uint32_t)t.nsec);
    put32(b, (uint32_t)t.utc_offset);
    put32(b, t.date_only);
    put32(b, t.zone != NULL);
    if (t.zone)
        putstrn(b, t.zone, strlen(t.zone));
}

/* False for what front matter cannot hold (ranges, drops). */
static bool
put_value(gz_buf *b, gz_value v)
{
    gz_buf_putc(b, (char)v.type);
    switch (v.type) {
    case GZ_NIL: return true;
    case GZ_BOOL: gz_buf_putc(b, v.u.b); return true;
    case GZ_INT: put64(b, (uint64_t)v.u.i); return true;
    case GZ_FLOAT: {
        uint64_t bits;
        memcpy(&bits, &v.u.f, sizeof bits);
        put64(b, bits);
        return true;
    }
    case GZ_STRING: putstrn(b, v.u.s ? v.u.s : "", v.len); return true;
    case GZ_ARRAY:
        put32(b, (uint32_t)v.u.a->len);
        for (size_t i = 0; i < v.u.a->len; i++)
            if (!put_value(b, v.u.a->items[i]))
                return false;
        return true;
    case GZ_HASH:
        put32(b, (uint32_t)v.u.h->len);
        for (size_t i = 0; i < v.u.h->len; i++) {
            const gz_hash_entry *e = &v.u.h->entries[i];
            putstrn(b, e->key.p, e->key.len);
            if (!put_value(b, e->value))
                return false;
        }
        return true;
    case GZ_TIME: put_time(b, *v.u.t); return true;
    case GZ_RANGE:
    case GZ_DROP: break;
    }
    return false;
}

static void
putstr(gz_buf *b, const char *s)
{
    putstrn(b, s, strlen(s));
}

/* Doc's record into b (cleared); false when the doc is not to be kept. */
static bool
put_record(const site *s, gz_buf *b, const site_doc *doc, int64_t cutoff_ns)
{
    gz_buf_clear(b);
    if (doc->kind != SITE_POST || doc->draft || doc->no_snapshot || !doc->data)
        return false;
    /* The file name's date replaced one equal to this load's clock. */
    if (doc->given_date == s->time.sec)
        return false;
    if (doc->snap_record) {
        gz_buf_put(b, doc->snap_record, doc->snap_len);
        return true;
    }
    if (doc->ctime_ns >= cutoff_ns || doc->mtime_ns >= cutoff_ns)
        return false;
    putstr(b, doc->relpath);
    put64(b, (uint64_t)doc->size);
    put64(b, (uint64_t)doc->mtime_ns);
    put64(b, (uint64_t)doc->ctime_ns);
    put64(b, doc->ino);
    put64(b, doc->hash);
    put64(b, (uint64_t)doc->body_off);
    put32(b, (uint32_t)doc->body_line);
    put32(b, doc->has_front);
    put64(b, (uint64_t)doc->given_date);
    put_time(b, doc->date);
    putstr(b, doc->url);
    putstr(b, doc->dest_rel);
    putstr(b, doc->output_ext);
    return put_value(b, gz_hash_value(doc->data));
}

void
site_snapshot_save(site *s, const char *path, gz_diags *d)
{
    site_coll *c = s->posts;
    size_t restored = 0;
    for (size_t i = 0; i < c->ndocs; i++)
        restored += c->docs[i]->snap_record != NULL;
    /* Every post came from the snapshot, which holds no others: it
     * would be written again byte for byte. */
    if (s->snapshot && !strcmp(s->snapshot->path, path) && restored == c->ndocs &&
        restored == s->snapshot->n)
        return;
    int64_t cutoff = s->load_start_ns - SITE_RACY_NS;
    gz_sealed_writer w;
    gz_sealed_create(&w, path, MAGIC, VERSION);
    gz_sealed_put64(&w, s->model_fp);
    gz_buf rec = GZ_BUF_INIT;
    for (size_t i = 0; i < c->ndocs; i++)
        if (put_record(s, &rec, c->docs[i], cutoff)) {
            gz_sealed_put32(&w, (uint32_t)rec.len);
            gz_sealed_put(&w, rec.data, rec.len);
        }
    gz_buf_free(&rec);
    gz_buf why = GZ_BUF_INIT;
    if (!gz_sealed_commit(&w, &why))
        gz_diags_add(d, GZ_WARNING, path, 0, 0, "the posts' snapshot was not saved: %s",
                     why.data);
    gz_buf_free(&why);
}

/* ---- reading ------------------------------------------------------------------ */

static uint32_t
name_hash(const char *p, size_t n)
{
    return (uint32_t)XXH3_64bits(p, n);
}

void
site_snapshot_close(site_snapshot *snap)
{
    if (!snap)
        return;
    gz_sealed_close(&snap->file);
    free(snap->path);
    free(snap->records);
    free(snap->lens);
    free(snap->slots);
    free(snap);
}

site_snapshot *
site_snapshot_open(const site *s, const char *path, gz_diags *d)
{
    site_snapshot *snap = gz_xcalloc(1, sizeof *snap);
    gz_buf why = GZ_BUF_INIT;
    if (!gz_sealed_open(&snap->file, path, MAGIC, VERSION, &why)) {
        if (why.len)
            gz_diags_add(d, GZ_WARNING, path, 0, 0,
                         "the posts' snapshot is ignored (%s); every post is read", why.data);
        gz_buf_free(&why);
        free(snap);
        return NULL;
    }
    gz_buf_free(&why);
    static _Atomic uint64_t openings;
    snap->serial = ++openings;
    snap->path = gz_xstrndup(path, strlen(path));
    gz_sealed_reader r = { snap->file.body, snap->file.body + snap->file.len, true };
    if (gz_sealed_u64(&r) != s->model_fp) { /* made under another config */
        site_snapshot_close(snap);
        return NULL;
    }
    size_t cap = 0;
    while (r.ok && r.p < r.end) {
        uint32_t len = gz_sealed_u32(&r);
        if (!r.ok || (size_t)(r.end - r.p) < len) {
            r.ok = false;
            break;
        }
        if (snap->n == cap) {
            cap = cap ? cap * 2 : 1024;
            snap->records = gz_xrealloc(snap->records, cap * sizeof *snap->records);
            snap->lens = gz_xrealloc(snap->lens, cap * sizeof *snap->lens);
        }
        snap->records[snap->n] = r.p;
        snap->lens[snap->n++] = len;
        r.p += len;
    }
    size_t nslots = 16;
    while (nslots < (size_t)snap->n * 2)
        nslots *= 2;
    snap->slots = gz_xcalloc(nslots, sizeof *snap->slots);
    snap->mask = nslots - 1;
    for (uint32_t i = 0; i < snap->n && r.ok; i++) {
        gz_sealed_reader rec = { snap->records[i], snap->records[i] + snap->lens[i], true };
        size_t klen;
        const char *key = gz_sealed_str(&rec, &klen);
        if (!rec.ok) {
            r.ok = false;
            break;
        }
        size_t k = name_hash(key, klen) & snap->mask;
        while (snap->slots[k])
            k = (k + 1) & snap->mask;
        snap->slots[k] = i + 1;
    }
    if (!r.ok) {
        gz_diags_add(d, GZ_WARNING, path, 0, 0,
                     "the posts' snapshot is ignored (malformed); every post is read");
        site_snapshot_close(snap);
        return NULL;
    }
    return snap;
}

static bool
get_time(gz_sealed_reader *r, gz_time *t)
{
    t->sec = (int64_t)gz_sealed_u64(r);
    t->nsec = (int32_t)gz_sealed_u32(r);
    t->utc_offset = (int32_t)gz_sealed_u32(r);
    t->date_only = gz_sealed_u32(r) != 0;
    t->zone = gz_sealed_u32(r) ? gz_sealed_str(r, NULL) : NULL;
    return r->ok && t->nsec >= 0 && t->nsec < 1000000000;
}

/* Front matter keys are few ("title", "date", "categories", ...) and the
 * same in every post; each restored post's keys are made to point to the
 * first copy of each, which stays in the cache, rather than to its own
 * record: a lookup of "draft" in a million posts (jekyll-feed's where_exp)
 * otherwise reads a million scattered pages of the snapshot. One table per
 * reading thread, for the snapshot it last read; keys past its size stay
 * where they are. */
enum { KEY_SLOTS = 256 };
typedef struct key_table {
    uint64_t serial; /* of the snapshot its keys point into; 0: none */
    struct { const char *p; size_t len; } slot[KEY_SLOTS];
} key_table;
static _Thread_local key_table keys;

static const char *
shared_key(const site_snapshot *snap, const char *p, size_t len)
{
    if (keys.serial != snap->serial) /* not its address: that can come back */
        keys = (key_table){ .serial = snap->serial };
    size_t h = (size_t)XXH3_64bits(p, len);
    for (size_t probe = 0; probe < 8; probe++) {
        size_t i = (h + probe) & (KEY_SLOTS - 1);
        if (!keys.slot[i].p) {
            keys.slot[i].p = p;
            keys.slot[i].len = len;
            return p;
        }
        if (keys.slot[i].len == len && !memcmp(keys.slot[i].p, p, len))
            return keys.slot[i].p;
    }
    return p;
}

static bool
get_value(const site_snapshot *snap, gz_sealed_reader *r, gz_arena *a, gz_value *out, int depth)
{
    if (!r->ok || r->p >= r->end || depth > 200)
        return false;
    gz_type type = (gz_type)(unsigned char)*r->p++;
    switch (type) {
    case GZ_NIL: *out = gz_nil(); return true;
    case GZ_BOOL:
        if (r->p >= r->end)
            return false;
        *out = gz_bool(*r->p++ != 0);
        return true;
    case GZ_INT: *out = gz_int((int64_t)gz_sealed_u64(r)); return r->ok;
    case GZ_FLOAT: {
        uint64_t bits = gz_sealed_u64(r);
        double f;
        memcpy(&f, &bits, sizeof f);
        *out = gz_float(f);
        return r->ok;
    }
    case GZ_STRING: {
        size_t n;
        const char *p = gz_sealed_str(r, &n);
        *out = gz_string(p, n);
        return r->ok;
    }
    case GZ_ARRAY: {
        uint32_t n = gz_sealed_count(r, 1);
        gz_array *arr = gz_array_new(a, n);
        for (uint32_t i = 0; i < n; i++) {
            gz_value v;
            if (!get_value(snap, r, a, &v, depth + 1))
                return false;
            gz_array_push(a, arr, v);
        }
        *out = gz_array_value(arr);
        return r->ok;
    }
    case GZ_HASH: {
        uint32_t n = gz_sealed_count(r, 6);
        gz_hash *h = gz_hash_new(a, n);
        for (uint32_t i = 0; i < n; i++) {
            size_t klen;
            const char *k = gz_sealed_str(r, &klen);
            if (!r->ok)
                return false;
            k = shared_key(snap, k, klen);
            gz_value v;
            if (!get_value(snap, r, a, &v, depth + 1))
                return false;
            gz_hash_add_new(a, h, gz_str_n(k, klen), v); /* the keys were a hash's */
        }
        *out = gz_hash_value(h);
        return r->ok;
    }
    case GZ_TIME: {
        gz_time t;
        if (!get_time(r, &t))
            return false;
        *out = gz_time_new(a, t);
        return true;
    }
    default: return false;
    }
}

site_doc *
site_snapshot_restore(site *s, const char *relpath, const char *dir, const struct stat *st)
{
    const site_snapshot *snap = s->snapshot;
    if (!snap)
        return NULL;
    size_t klen = strlen(relpath);
    size_t k = name_hash(relpath, klen) & snap->mask;
    uint32_t i;
    gz_sealed_reader r;
    for (;; k = (k + 1) & snap->mask) {
        i = snap->slots[k];
        if (!i)
            return NULL;
        i--;
        r = (gz_sealed_reader){ snap->records[i], snap->records[i] + snap->lens[i], true };
        size_t n;
        const char *key = gz_sealed_str(&r, &n);
        if (n == klen && !memcmp(key, relpath, n))
            break;
    }
    int64_t size = (int64_t)gz_sealed_u64(&r);
    int64_t mtime = (int64_t)gz_sealed_u64(&r);
    int64_t ctime = (int64_t)gz_sealed_u64(&r);
    uint64_t ino = gz_sealed_u64(&r);
    if (size != (int64_t)st->st_size || mtime != gz_timespec_ns(st->st_mtim) ||
        ctime != gz_timespec_ns(st->st_ctim) ||
        ino != (uint64_t)st->st_ino)
        return NULL;
    gz_arena *a = site_arena(s);
    site_doc *doc = site_doc_new(s, SITE_POST, s->posts, relpath, dir, false);
    doc->size = size;
    doc->mtime_ns = mtime;
    doc->ctime_ns = ctime;
    doc->ino = ino;
    doc->hash = gz_sealed_u64(&r);
    doc->body_off = (size_t)gz_sealed_u64(&r);
    doc->body_line = (int)gz_sealed_u32(&r);
    doc->has_front = gz_sealed_u32(&r) != 0;
    doc->given_date = (int64_t)gz_sealed_u64(&r);
    bool ok = get_time(&r, &doc->date);
    doc->url = gz_sealed_str(&r, NULL);
    doc->dest_rel = gz_sealed_str(&r, NULL);
    doc->output_ext = gz_sealed_str(&r, NULL);
    gz_value data;
    ok = ok && get_value(snap, &r, a, &data, 0) && data.type == GZ_HASH && r.p == r.end;
    /* The file name's date would replace the given one under this clock. */
    if (!ok || doc->given_date == s->time.sec)
        return NULL;
    doc->data = data.u.h;
    doc->snap_record = snap->records[i];
    doc->snap_len = snap->lens[i];
    return doc;
}
