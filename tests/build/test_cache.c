/* The build cache file: what is written is read back the same; a file cut
 * at any length, any single flipped byte, or garbage is refused with a
 * reason (never read as a cache, never a crash); a missing file is no
 * reason at all. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "build/cache.h"
#include "test.h"

static const uint32_t set0[] = { 0, CACHE_NAMED | 1 };
static const uint32_t own1[] = { 4 * 1 + 1, 4 * 2 + 3 };

static build_cache
sample(void)
{
    static cache_source sources[] = {
        { "index.html", 11, 100, 1700000000123456789, CACHE_NONE, CACHE_NONE, 0 },
        { "_posts/2024-01-01-a.md", 22, 200, 5, CACHE_NONE, 2, 1 },
        { "_posts/2024-01-02-b.md", 33, 300, 6, 1, CACHE_NONE, CACHE_NONE },
    };
    static cache_named named[] = { { "posts", 77 }, { "categories:新闻", 88 } };
    static cache_set sets[] = { { 2, set0 }, { 0, NULL } };
    static cache_output outputs[] = {
        { "index.html", 0, 0xdeadbeefcafef00d, 1234, 0, 0, NULL, 0 },
        { "2024/01/01/a.html", 1, 42, 0, 1, 2, own1, CACHE_NONE },
    };
    static cache_folder folders[] = { { "", 99, 1700000000000000001, 1700000000000000002 } };
    static cache_watched watched[] = {
        { "/site", 1, 0, 1, 11, 2, 3 },
        { "/site/_posts/2024-01-01-a.md", 0, 200, 5, 6, 9, 0 },
    };
    build_cache c = { .source = "/site", .dest = "/site/_site", .global = 12345, .options = 678,
                      .valid_until = 2000000000, .fast = 1,
                      .watched = watched, .nwatched = 2,
                      .sources = sources, .nsources = 3,
                      .named = named, .nnamed = 2,
                      .sets = sets, .nsets = 2,
                      .folders = folders, .nfolders = 1,
                      .outputs = outputs, .noutputs = 2 };
    return c;
}

static void
check_same(const build_cache *a, const build_cache *b)
{
    CHECK_STR(b->source, a->source);
    CHECK_STR(b->dest, a->dest);
    CHECK(b->global == a->global && b->options == a->options);
    CHECK(b->valid_until == a->valid_until && b->fast == a->fast);
    CHECK(b->nwatched == a->nwatched && b->nsources == a->nsources);
    CHECK(b->nnamed == a->nnamed && b->nsets == a->nsets && b->noutputs == a->noutputs);
    for (uint32_t i = 0; i < a->nwatched && i < b->nwatched; i++) {
        CHECK_STR(b->watched[i].path, a->watched[i].path);
        CHECK(b->watched[i].dir == a->watched[i].dir && b->watched[i].size == a->watched[i].size);
        CHECK(b->watched[i].mtime_ns == a->watched[i].mtime_ns);
        CHECK(b->watched[i].ctime_ns == a->watched[i].ctime_ns);
        CHECK(b->watched[i].ino == a->watched[i].ino && b->watched[i].names == a->watched[i].names);
    }
    for (uint32_t i = 0; i < a->nsources && i < b->nsources; i++) {
        const cache_source *x = &a->sources[i], *y = &b->sources[i];
        CHECK_STR(y->key, x->key);
        CHECK(y->hash == x->hash && y->size == x->size && y->mtime_ns == x->mtime_ns);
        CHECK(y->prev == x->prev && y->next == x->next && y->output == x->output);
    }
    for (uint32_t i = 0; i < a->nnamed && i < b->nnamed; i++) {
        CHECK_STR(b->named[i].name, a->named[i].name);
        CHECK(b->named[i].fingerprint == a->named[i].fingerprint);
    }
    for (uint32_t i = 0; i < a->nsets && i < b->nsets; i++) {
        CHECK(b->sets[i].n == a->sets[i].n);
        CHECK(a->sets[i].n == 0 ||
              !memcmp(b->sets[i].atoms, a->sets[i].atoms, a->sets[i].n * sizeof(uint32_t)));
    }
    CHECK(b->nfolders == a->nfolders);
    for (uint32_t i = 0; i < a->nfolders && i < b->nfolders; i++) {
        const cache_folder *x = &a->folders[i], *y = &b->folders[i];
        CHECK_STR(y->rel, x->rel);
        CHECK(y->ino == x->ino && y->mtime_ns == x->mtime_ns && y->ctime_ns == x->ctime_ns);
    }
    for (uint32_t i = 0; i < a->noutputs && i < b->noutputs; i++) {
        const cache_output *x = &a->outputs[i], *y = &b->outputs[i];
        CHECK_STR(y->dest_rel, x->dest_rel);
        CHECK(y->source == x->source && y->hash == x->hash && y->size == x->size);
        CHECK(y->set == x->set && y->n == x->n && y->folder == x->folder);
        CHECK(x->n == 0 || !memcmp(y->atoms, x->atoms, x->n * sizeof(uint32_t)));
        CHECK(((uintptr_t)y->atoms & 3) == 0);
    }
}

static void
write_bytes(const char *path, const char *p, size_t n)
{
    FILE *f = fopen(path, "wb");
    fwrite(p, 1, n, f);
    fclose(f);
}

/* Reading must fail, with a reason. */
static bool
refused(const char *path)
{
    build_cache c;
    gz_buf why = GZ_BUF_INIT;
    bool ok = build_cache_read(&c, path, &why);
    bool reason = why.len > 0;
    if (ok)
        build_cache_free(&c);
    gz_buf_free(&why);
    return !ok && reason;
}

int
main(void)
{
    char dir[] = "/tmp/gazette-test-cache-XXXXXX";
    if (!mkdtemp(dir))
        return 2;
    char path[256];
    snprintf(path, sizeof path, "%s/build.cache", dir);

    build_cache in = sample(), out;
    gz_buf why = GZ_BUF_INIT;
    CHECK(build_cache_write(&in, path, &why));
    CHECK(build_cache_read(&out, path, &why));
    CHECK(why.len == 0);
    check_same(&in, &out);
    build_cache_free(&out);

    /* In two steps: the head alone (watched files, folders), then the rest. */
    CHECK(build_cache_open(&out, path, &why));
    CHECK(out.rest != NULL && out.outputs == NULL && out.noutputs == in.noutputs);
    CHECK(out.nwatched == in.nwatched && out.nfolders == in.nfolders);
    CHECK(build_cache_read_rest(&out, &why));
    check_same(&in, &out);
    build_cache_free(&out);

    /* An index out of its table, sealed by a correct checksum: refused. */
    build_cache bad_index = in;
    cache_output outputs[2] = { in.outputs[0], in.outputs[1] };
    outputs[1].folder = in.nfolders;
    bad_index.outputs = outputs;
    CHECK(build_cache_write(&bad_index, path, &why));
    CHECK(refused(path));
    CHECK(build_cache_write(&in, path, &why));

    FILE *f = fopen(path, "rb");
    char whole[65536];
    size_t n = fread(whole, 1, sizeof whole, f);
    fclose(f);
    CHECK(n > 100 && n < sizeof whole);

    /* Cut short at every length. */
    size_t cut_refused = 0;
    for (size_t len = 0; len < n; len++) {
        write_bytes(path, whole, len);
        cut_refused += refused(path);
    }
    CHECK(cut_refused == n);

    /* Every single byte flipped. */
    size_t flip_refused = 0;
    for (size_t i = 0; i < n; i++) {
        whole[i] ^= 0x5a;
        write_bytes(path, whole, n);
        flip_refused += refused(path);
        whole[i] ^= 0x5a;
    }
    CHECK(flip_refused == n);

    /* Garbage of the right size, and an empty file. */
    char junk[4096];
    for (size_t i = 0; i < sizeof junk; i++)
        junk[i] = (char)(i * 131 + 7);
    write_bytes(path, junk, sizeof junk);
    CHECK(refused(path));
    write_bytes(path, "", 0);
    CHECK(refused(path));

    /* No file: no cache, and nothing to complain about. */
    unlink(path);
    CHECK(!build_cache_read(&out, path, &why) && why.len == 0);

    /* A write that cannot happen leaves no file and says why. */
    char bad[300];
    snprintf(bad, sizeof bad, "%s/missing-dir/build.cache", dir);
    CHECK(!build_cache_write(&in, bad, &why) && why.len > 0);
    CHECK(access(bad, F_OK) != 0);

    gz_buf_free(&why);
    rmdir(dir);
    return test_report("build-cache");
}
