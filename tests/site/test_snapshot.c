/* The posts' snapshot (src/site/snapshot.c): a load that takes posts from
 * the snapshot must hold the same model as a load that reads every file.
 *
 * For each site given (the tests/compat fixtures, whose models the compat
 * suite checks against Jekyll), copied to a temporary folder: load A reads
 * every post and writes the snapshot; load B reads the snapshot and must
 * take every post from it, each equal field for field and value for value
 * (types, key order, float bits, time zones) to A's. Then one post is
 * rewritten and one is created just before a load: those two are read
 * from their files, not the snapshot, and the rewritten one's model is
 * the one its new text gives. A damaged snapshot is refused with a
 * warning and every post read. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "site/internal.h"
#include "test.h"

static bool
same_time(gz_time a, gz_time b)
{
    return a.sec == b.sec && a.nsec == b.nsec && a.utc_offset == b.utc_offset &&
           a.date_only == b.date_only &&
           (a.zone == b.zone || (a.zone && b.zone && !strcmp(a.zone, b.zone)));
}

/* Structural equality, stricter than Ruby's ==: same types, same key
 * order, floats bit for bit. */
static bool
same_value(gz_value a, gz_value b)
{
    if (a.type != b.type)
        return false;
    switch (a.type) {
    case GZ_NIL: return true;
    case GZ_BOOL: return a.u.b == b.u.b;
    case GZ_INT: return a.u.i == b.u.i;
    case GZ_FLOAT: return !memcmp(&a.u.f, &b.u.f, sizeof a.u.f);
    case GZ_STRING: return a.len == b.len && !memcmp(a.u.s, b.u.s, a.len);
    case GZ_ARRAY:
        if (a.u.a->len != b.u.a->len)
            return false;
        for (size_t i = 0; i < a.u.a->len; i++)
            if (!same_value(a.u.a->items[i], b.u.a->items[i]))
                return false;
        return true;
    case GZ_HASH:
        if (a.u.h->len != b.u.h->len)
            return false;
        for (size_t i = 0; i < a.u.h->len; i++)
            if (!gz_str_eq(a.u.h->entries[i].key, b.u.h->entries[i].key) ||
                !same_value(a.u.h->entries[i].value, b.u.h->entries[i].value))
                return false;
        return true;
    case GZ_TIME: return same_time(*a.u.t, *b.u.t);
    default: return false;
    }
}

static bool
same_doc(const site_doc *a, const site_doc *b)
{
    return !strcmp(a->relpath, b->relpath) && !strcmp(a->name, b->name) &&
           !strcmp(a->ext, b->ext) && !strcmp(a->url, b->url) &&
           !strcmp(a->dest_rel, b->dest_rel) && !strcmp(a->output_ext, b->output_ext) &&
           a->markdown == b->markdown && a->has_front == b->has_front &&
           a->body_off == b->body_off && a->body_line == b->body_line &&
           a->hash == b->hash && a->size == b->size && a->mtime_ns == b->mtime_ns &&
           a->given_date == b->given_date && same_time(a->date, b->date) &&
           same_value(gz_hash_value(a->data), gz_hash_value(b->data));
}

static site *
load(const char *src, const char *snap_in, const char *snap_out, gz_diags *d)
{
    gz_buf dest = GZ_BUF_INIT;
    gz_buf_printf(&dest, "%s/_site", src);
    site_options o = { SITE_OPTIONS_FROM_CONFIG, .source = src, .dest = dest.data,
                       .snapshot_read = snap_in, .snapshot_write = snap_out };
    site *s = site_load(&o, d);
    gz_buf_free(&dest);
    return s;
}

static size_t
restored(const site *s)
{
    size_t n = 0;
    for (size_t i = 0; i < s->posts->ndocs; i++)
        n += s->posts->docs[i]->snap_record != NULL;
    return n;
}

static const site_doc *
find(const site *s, const char *relpath)
{
    for (size_t i = 0; i < s->posts->ndocs; i++)
        if (!strcmp(s->posts->docs[i]->relpath, relpath))
            return s->posts->docs[i];
    return NULL;
}

/* Every post of a and b the same, in the same order. */
static void
check_same(const char *what, const site *a, const site *b)
{
    CHECK(a->posts->ndocs == b->posts->ndocs);
    for (size_t i = 0; i < a->posts->ndocs && i < b->posts->ndocs; i++)
        if (!same_doc(a->posts->docs[i], b->posts->docs[i])) {
            test_failed++;
            fprintf(stderr, "%s: %s differs from the snapshot's\n", what,
                    a->posts->docs[i]->relpath);
            return;
        }
    test_passed++;
}

static void
sleep_past_racy_window(void)
{
    struct timespec t = { 0, 120 * 1000000 };
    nanosleep(&t, NULL);
}

static void
append(const char *dir, const char *name, const char *mode, const char *text)
{
    gz_buf path = GZ_BUF_INIT;
    gz_buf_printf(&path, "%s/%s", dir, name);
    FILE *f = fopen(path.data, mode);
    CHECK(f != NULL);
    if (f) {
        fputs(text, f);
        fclose(f);
    }
    gz_buf_free(&path);
}

static void
run(const char *fixture, const char *tmp)
{
    gz_buf cmd = GZ_BUF_INIT, srcb = GZ_BUF_INIT, snapb = GZ_BUF_INIT;
    gz_buf_printf(&srcb, "%s/site", tmp);
    gz_buf_printf(&snapb, "%s/posts.snapshot", tmp);
    /* -L: some fixtures' site/ is a symlink, which would dangle in the copy */
    gz_buf_printf(&cmd, "rm -rf '%s' && mkdir -p '%s' && cp -rL '%s' '%s'", tmp, tmp, fixture,
                  srcb.data);
    const char *src = srcb.data, *snap = snapb.data;
    if (system(cmd.data) != 0) {
        fprintf(stderr, "%s: cannot copy\n", fixture);
        test_failed++;
        goto out;
    }
    sleep_past_racy_window();

    gz_diags da = { 0 }, db = { 0 };
    site *a = load(src, NULL, snap, &da);
    site *b = a ? load(src, snap, snap, &db) : NULL;
    CHECK(a && b && !da.errors && !db.errors);
    if (!a || !b)
        goto done;
    CHECK(restored(a) == 0);
    if (restored(b) != b->posts->ndocs) {
        fprintf(stderr, "%s: %zu of %zu posts from the snapshot\n", fixture, restored(b),
                b->posts->ndocs);
        test_failed++;
    }
    check_same(fixture, a, b);
    if (!a->posts->ndocs)
        goto done;

    /* One post rewritten (its text and status change) and one new, both
     * just before the load: read from their files. */
    const site_doc *first = a->posts->docs[0];
    append(src, first->relpath, "a", "\nappended\n");
    append(src, "_posts/2001-02-03-fresh.md", "w",
           "---\ntitle: Fresh\nrate: 0.1\nwhen: 2001-02-03 04:05:06.5 +01:00\n"
           "list: [1, -2.5e3, true, ~, {k: v}]\n---\nnew\n");
    gz_diags dc = { 0 }, dd = { 0 };
    site *c = load(src, snap, snap, &dc);
    site *ref = load(src, NULL, NULL, &dd);
    CHECK(c && ref);
    if (c && ref) {
        const site_doc *edited = find(c, first->relpath);
        const site_doc *added = find(c, "_posts/2001-02-03-fresh.md");
        CHECK(edited && !edited->snap_record && edited->hash != first->hash);
        CHECK(added && !added->snap_record);
        CHECK(restored(c) == c->posts->ndocs - 2);
        check_same(fixture, ref, c);
    }
    site_free(c);
    site_free(ref);
    gz_diags_free(&dc);
    gz_diags_free(&dd);

    /* The two were changed within a clock tick of that load: it left them
     * out of the snapshot it wrote. Now they are old enough to be kept. */
    sleep_past_racy_window();
    gz_diags de = { 0 }, dg = { 0 }, dr = { 0 };
    site *e = load(src, snap, snap, &de);
    CHECK(e && restored(e) == e->posts->ndocs - 2);
    site_free(e);
    e = load(src, snap, snap, &dg);
    ref = load(src, NULL, NULL, &dr);
    CHECK(e && ref && restored(e) == e->posts->ndocs);
    if (e && ref)
        check_same(fixture, ref, e);
    site_free(e);
    site_free(ref);
    gz_diags_free(&de);
    gz_diags_free(&dg);
    gz_diags_free(&dr);

    /* A damaged snapshot: refused with a warning, every post read. */
    FILE *w = fopen(snap, "r+b");
    CHECK(w != NULL);
    if (w) {
        fseek(w, 40, SEEK_SET);
        int ch = fgetc(w);
        fseek(w, 40, SEEK_SET);
        fputc(ch ^ 0x20, w);
        fclose(w);
    }
    gz_diags dh = { 0 };
    e = load(src, snap, NULL, &dh);
    CHECK(e && restored(e) == 0 && dh.len >= 1 && !dh.errors);
    if (dh.len)
        CHECK(strstr(dh.items[0].message, "snapshot is ignored") != NULL);
    site_free(e);
    gz_diags_free(&dh);
done:
    site_free(a);
    site_free(b);
    gz_diags_free(&da);
    gz_diags_free(&db);
out:
    gz_buf_free(&cmd);
    gz_buf_free(&srcb);
    gz_buf_free(&snapb);
}

int
main(int argc, char **argv)
{
    char tmp[] = "/tmp/gazette-snapshot-XXXXXX";
    if (!mkdtemp(tmp)) {
        perror("mkdtemp");
        return 1;
    }
    gz_buf work = GZ_BUF_INIT, cmd = GZ_BUF_INIT;
    gz_buf_printf(&work, "%s/work", tmp);
    for (int i = 1; i < argc; i++)
        run(argv[i], work.data);
    gz_buf_printf(&cmd, "rm -rf '%s'", tmp);
    if (system(cmd.data) != 0)
        fprintf(stderr, "cannot remove %s\n", tmp);
    gz_buf_free(&work);
    gz_buf_free(&cmd);
    return test_report("site-snapshot");
}
