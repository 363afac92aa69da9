/* The staging folder and the commit: outputs are compared with what the
 * destination holds, changed bytes are written to temporary files beside
 * it, and only after every output rendered are they renamed into place. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "build/internal.h"
#include "core/arena.h"

static void rm_rf(const char *path, int depth);

/* mkdir -p of rel, a path relative to dirfd, from the deepest folder that
 * exists: one mkdirat when the parent is there (the common case while
 * staging), back up only on ENOENT. */
static bool
mkdirs_at(int dirfd, char *rel)
{
    if (mkdirat(dirfd, rel, 0777) == 0 || errno == EEXIST)
        return true;
    if (errno != ENOENT)
        return false;
    size_t n = strlen(rel);
    size_t k = n;
    /* back up to a prefix whose mkdir does not fail with ENOENT (k = 0:
     * even the first component is missing) */
    for (;;) {
        while (k > 0 && rel[k - 1] != '/')
            k--;
        if (k == 0)
            break;
        rel[k - 1] = 0;
        int r = mkdirat(dirfd, rel, 0777), e = errno;
        rel[k - 1] = '/';
        if (r == 0 || e == EEXIST)
            break;
        if (e != ENOENT)
            return false;
        k--;
    }
    /* and forward again */
    for (size_t i = k; i <= n; i++) {
        if (rel[i] != '/' && rel[i] != 0)
            continue;
        char c = rel[i];
        rel[i] = 0;
        bool ok = mkdirat(dirfd, rel, 0777) == 0 || errno == EEXIST;
        rel[i] = c;
        if (!ok)
            return false;
    }
    return true;
}

static bool
mkdirs(char *path)
{
    /* mkdir -p of every parent component of `path` and path itself */
    size_t n = strlen(path);
    for (size_t i = 1; i <= n; i++) {
        if (path[i] == '/' || path[i] == 0) {
            char c = path[i];
            path[i] = 0;
            if (mkdir(path, 0777) != 0 && errno != EEXIST) {
                path[i] = c;
                return false;
            }
            struct stat st;
            if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) {
                path[i] = c;
                errno = ENOTDIR;
                return false;
            }
            path[i] = c;
        }
    }
    return true;
}

/* A destination that does not exist, or an empty folder. */
static bool
empty_or_missing(const char *dest)
{
    struct stat sb;
    if (lstat(dest, &sb) != 0)
        return errno == ENOENT;
    if (!S_ISDIR(sb.st_mode))
        return false;
    DIR *dd = opendir(dest);
    if (!dd)
        return false;
    struct dirent *e;
    bool empty = true;
    while (empty && (e = readdir(dd)))
        empty = !strcmp(e->d_name, ".") || !strcmp(e->d_name, "..");
    closedir(dd);
    return empty;
}

void
build_remove_orphans(const char *dir, const char *prefix)
{
    size_t n = strlen(prefix);
    gz_buf p = GZ_BUF_INIT;
    DIR *dd = opendir(dir);
    struct dirent *e;
    while (dd && (e = readdir(dd))) {
        if (strncmp(e->d_name, prefix, n) != 0)
            continue;
        char *end;
        long pid = strtol(e->d_name + n, &end, 10);
        if (*end || pid <= 0 || (kill((pid_t)pid, 0) != 0 && errno == ESRCH)) {
            gz_buf_clear(&p);
            gz_buf_printf(&p, "%s/%s", strcmp(dir, "/") ? dir : "", e->d_name);
            rm_rf(p.data, 0);
        }
    }
    if (dd)
        closedir(dd);
    gz_buf_free(&p);
}

bool
build_stage_open(build_stage *st, const char *dest, bool fresh_ok, gz_diags *d)
{
    st->dir_fd = -1;
    st->fresh = fresh_ok && empty_or_missing(dest);
    const char *slash = strrchr(dest, '/');
    gz_buf parent = GZ_BUF_INIT, dir = GZ_BUF_INIT;
    if (slash && slash != dest)
        gz_buf_put(&parent, dest, (size_t)(slash - dest));
    else
        gz_buf_puts(&parent, "/");
    const char *name = slash ? slash + 1 : dest;
    if (!mkdirs(parent.data)) {
        gz_diags_add(d, GZ_ERROR, parent.data, 0, 0, "cannot create directory: %s",
                     strerror(errno));
        gz_buf_free(&parent);
        return false;
    }
    gz_buf_printf(&dir, "%s/.%s.gazette-staging-%ld", strcmp(parent.data, "/") ? parent.data : "",
                  name, (long)getpid());
    st->dir = gz_buf_detach(&dir, NULL);
    st->dest = gz_xstrndup(dest, strlen(dest));
    /* staging folders of builds that were killed */
    gz_buf_clear(&dir);
    gz_buf_printf(&dir, ".%s.gazette-staging-", name);
    build_remove_orphans(parent.data, dir.data);
    gz_buf_free(&dir);
    gz_buf_free(&parent);
    build_stage_discard(st); /* a leftover from a killed build of the same pid */
    if (mkdir(st->dir, 0777) != 0 ||
        (st->dir_fd = open(st->dir, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0) {
        gz_diags_add(d, GZ_ERROR, st->dir, 0, 0, "cannot create staging directory: %s",
                     strerror(errno));
        return false;
    }
    return true;
}

void
build_stage_close(build_stage *st)
{
    if (st->dir && st->dir_fd >= 0)
        close(st->dir_fd);
    free(st->dir);
    free(st->dest);
    memset(st, 0, sizeof *st);
}

static void
rm_rf(const char *path, int depth)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return;
    if (S_ISDIR(st.st_mode) && depth < 256) {
        DIR *dd = opendir(path);
        if (dd) {
            struct dirent *e;
            gz_buf p = GZ_BUF_INIT;
            while ((e = readdir(dd))) {
                if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
                    continue;
                gz_buf_clear(&p);
                gz_buf_printf(&p, "%s/%s", path, e->d_name);
                rm_rf(p.data, depth + 1);
            }
            gz_buf_free(&p);
            closedir(dd);
        }
        rmdir(path);
    } else {
        unlink(path);
    }
}

void
build_stage_discard(build_stage *st)
{
    if (st->dir)
        rm_rf(st->dir, 0);
}

void
build_stage_path(const build_stage *st, size_t i, gz_buf *path)
{
    gz_buf_printf(path, "%s/%zu", st->dir, i);
}

/* Where output i (dest/rel) is staged, relative to the staging folder:
 * its final path when fresh, else a file named by its index. */
static void
stage_path(const build_stage *st, size_t i, const char *rel, gz_buf *path)
{
    if (st->fresh)
        gz_buf_puts(path, rel);
    else
        gz_buf_printf(path, "%zu", i);
}

/* open(O_CREAT) of a staged file (relative to the staging folder, so that
 * the kernel walks only the output's own path); in a fresh stage its
 * folders are made on the first ENOENT (concurrent mkdirs of the same
 * folder are fine). */
static int
create(const build_stage *st, char *path)
{
    int fd = openat(st->dir_fd, path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (fd >= 0 || errno != ENOENT || !st->fresh)
        return fd;
    char *slash = strrchr(path, '/');
    if (!slash)
        return -1;
    *slash = 0;
    bool ok = mkdirs_at(st->dir_fd, path);
    *slash = '/';
    return ok ? openat(st->dir_fd, path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666) : -1;
}

static bool
same_bytes(const char *path, gz_str bytes)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return false;
    struct stat st;
    bool same = false;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (size_t)st.st_size == bytes.len) {
        char buf[65536];
        size_t off = 0;
        same = true;
        while (same && off < bytes.len) {
            ssize_t n = read(fd, buf, sizeof buf);
            if (n <= 0) {
                same = false;
                break;
            }
            if ((size_t)n > bytes.len - off || memcmp(buf, bytes.p + off, (size_t)n) != 0)
                same = false;
            off += (size_t)n;
        }
    }
    close(fd);
    return same;
}

static bool
write_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return false;
        }
        p += w;
        n -= (size_t)w;
    }
    return true;
}

build_fate
build_stage_bytes(const build_stage *st, size_t i, const char *rel, gz_str bytes, gz_diags *d)
{
    gz_buf dest = GZ_BUF_INIT, tmp = GZ_BUF_INIT;
    gz_buf_printf(&dest, "%s/%s", st->dest, rel);
    build_fate fate = FATE_UNCHANGED;
    if (st->fresh || !same_bytes(dest.data, bytes)) {
        stage_path(st, i, rel, &tmp);
        int fd = create(st, tmp.data);
        if (fd < 0 || !write_all(fd, bytes.p, bytes.len) || close(fd) != 0) {
            gz_diags_add(d, GZ_ERROR, rel, 0, 0, "cannot write %s: %s", tmp.data, strerror(errno));
            fate = FATE_FAILED;
        } else
            fate = FATE_STAGED;
    }
    gz_buf_free(&dest);
    gz_buf_free(&tmp);
    return fate;
}

static bool
same_file(const char *a, const char *b)
{
    struct stat sa, sb;
    if (stat(a, &sa) != 0 || stat(b, &sb) != 0 || !S_ISREG(sb.st_mode) ||
        sa.st_size != sb.st_size)
        return false;
    if (sa.st_mtim.tv_sec == sb.st_mtim.tv_sec && sa.st_mtim.tv_nsec == sb.st_mtim.tv_nsec)
        return true;
    int fa = open(a, O_RDONLY), fb = open(b, O_RDONLY);
    bool same = fa >= 0 && fb >= 0;
    char x[65536], y[65536];
    while (same) {
        ssize_t n = read(fa, x, sizeof x);
        if (n < 0) {
            same = false;
            break;
        }
        if (n == 0)
            break;
        ssize_t got = 0;
        while (got < n) {
            ssize_t m = read(fb, y + got, (size_t)(n - got));
            if (m <= 0)
                break;
            got += m;
        }
        same = got == n && memcmp(x, y, (size_t)n) == 0;
    }
    if (fa >= 0)
        close(fa);
    if (fb >= 0)
        close(fb);
    return same;
}

build_fate
build_stage_copy(const build_stage *st, size_t i, const char *rel, const char *src, gz_diags *d)
{
    gz_buf dest = GZ_BUF_INIT, tmp = GZ_BUF_INIT;
    gz_buf_printf(&dest, "%s/%s", st->dest, rel);
    build_fate fate = FATE_UNCHANGED;
    if (st->fresh || !same_file(src, dest.data)) {
        stage_path(st, i, rel, &tmp);
        int in = open(src, O_RDONLY);
        int out = in >= 0 ? create(st, tmp.data) : -1;
        bool ok = in >= 0 && out >= 0;
        char buf[65536];
        while (ok) {
            ssize_t n = read(in, buf, sizeof buf);
            if (n < 0)
                ok = false;
            if (n <= 0)
                break;
            ok = write_all(out, buf, (size_t)n);
        }
        struct stat sst;
        if (ok && fstat(in, &sst) == 0) {
            struct timespec ts[2] = { sst.st_mtim, sst.st_mtim };
            futimens(out, ts);
        }
        if (out >= 0 && close(out) != 0)
            ok = false;
        if (in >= 0)
            close(in);
        if (!ok) {
            gz_diags_add(d, GZ_ERROR, rel, 0, 0, "cannot copy %s: %s", src, strerror(errno));
            fate = FATE_FAILED;
        } else
            fate = FATE_STAGED;
    }
    gz_buf_free(&dest);
    gz_buf_free(&tmp);
    return fate;
}

bool
build_commit_one(const build_stage *st, size_t i, const char *rel, gz_diags *d)
{
    gz_buf dest = GZ_BUF_INIT, tmp = GZ_BUF_INIT;
    gz_buf_printf(&dest, "%s/%s", st->dest, rel);
    build_stage_path(st, i, &tmp);
    bool ok = true;
    /* Most of the time the folders exist and nothing is in the way. */
    if (rename(tmp.data, dest.data) == 0)
        goto done;
    /* Parents: a file standing where a directory must be is replaced. */
    char *slash = strrchr(dest.data, '/');
    if (slash) {
        *slash = 0;
        if (!mkdirs(dest.data)) {
            /* find the offending file component and remove it */
            char *p = dest.data + strlen(st->dest);
            while (p && *p) {
                char *nx = strchr(p + 1, '/');
                if (nx)
                    *nx = 0;
                struct stat s2;
                if (lstat(dest.data, &s2) == 0 && !S_ISDIR(s2.st_mode))
                    unlink(dest.data);
                if (nx)
                    *nx = '/';
                p = nx;
            }
            ok = mkdirs(dest.data);
        }
        *slash = '/';
    }
    struct stat s3;
    if (ok && lstat(dest.data, &s3) == 0 && S_ISDIR(s3.st_mode))
        rm_rf(dest.data, 0);
    if (!ok || rename(tmp.data, dest.data) != 0) {
        gz_diags_add(d, GZ_ERROR, rel, 0, 0, "cannot move into place %s: %s", dest.data,
                     strerror(errno));
        ok = false;
    }
done:
    gz_buf_free(&dest);
    gz_buf_free(&tmp);
    return ok;
}

bool
build_commit_fresh(build_stage *st, gz_diags *d)
{
    /* rename(2) replaces an empty folder; a missing one needs its parent,
     * which build_stage_open made */
    if (rename(st->dir, st->dest) != 0) {
        gz_diags_add(d, GZ_ERROR, st->dest, 0, 0, "cannot move the built site into place: %s",
                     strerror(errno));
        return false;
    }
    return true;
}

/* ---- clean ------------------------------------------------------------------ */

static int
cmp_cstr(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static bool
has(const char *const *sorted, size_t n, const char *key)
{
    return bsearch(&key, sorted, n, sizeof *sorted, cmp_cstr) != NULL;
}

static bool
kept(const char *rel, const char *const *keep, size_t nkeep)
{
    /* keep_file_regex: \A<dest>/(k1|k2|...) — a prefix of the relative path */
    for (size_t i = 0; i < nkeep; i++)
        if (!strncmp(rel, keep[i], strlen(keep[i])))
            return true;
    return false;
}

static bool
keep_parent(const char *rel, const char *const *keep, size_t nkeep)
{
    /* keep_dirs: the parent directories of kept paths are not removed */
    size_t n = strlen(rel);
    for (size_t i = 0; i < nkeep; i++)
        if (!strncmp(keep[i], rel, n) && keep[i][n] == '/')
            return true;
    return false;
}

typedef struct walk {
    const char *dest;
    const char *const *files; /* sorted outputs */
    size_t nfiles;
    const char **dirs; /* sorted parent dirs of outputs */
    size_t ndirs;
    const char *const *keep;
    size_t nkeep;
    build_removed_fn removed;
    void *self;
    size_t count;
} walk;

static void
clean_dir(walk *w, const char *rel, int depth)
{
    if (depth > 256)
        return;
    gz_buf abs = GZ_BUF_INIT, child = GZ_BUF_INIT, crel = GZ_BUF_INIT;
    gz_buf_printf(&abs, "%s%s%s", w->dest, *rel ? "/" : "", rel);
    DIR *dd = opendir(abs.data);
    if (!dd) {
        gz_buf_free(&abs);
        return;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(dd))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 32;
            names = gz_xrealloc(names, cap * sizeof *names);
        }
        names[n++] = gz_xstrndup(e->d_name, strlen(e->d_name));
    }
    closedir(dd);
    for (size_t i = 0; i < n; i++) {
        gz_buf_clear(&crel);
        gz_buf_printf(&crel, "%s%s%s", rel, *rel ? "/" : "", names[i]);
        gz_buf_clear(&child);
        gz_buf_printf(&child, "%s/%s", w->dest, crel.data);
        if (kept(crel.data, w->keep, w->nkeep)) {
            free(names[i]);
            continue;
        }
        struct stat st;
        bool dir = lstat(child.data, &st) == 0 && S_ISDIR(st.st_mode);
        if (dir) {
            if (has((const char *const *)w->dirs, w->ndirs, crel.data) ||
                keep_parent(crel.data, w->keep, w->nkeep))
                clean_dir(w, crel.data, depth + 1);
            else {
                /* a whole folder no output lives in */
                clean_dir(w, crel.data, depth + 1);
                rmdir(child.data);
            }
        } else if (!has(w->files, w->nfiles, crel.data)) {
            if (unlink(child.data) == 0) {
                w->count++;
                if (w->removed)
                    w->removed(w->self, crel.data);
            }
        }
        free(names[i]);
    }
    free(names);
    gz_buf_free(&abs);
    gz_buf_free(&child);
    gz_buf_free(&crel);
}

size_t
build_clean(const char *dest, const char *const *outputs, size_t noutputs,
            const char *const *keep, size_t nkeep, build_removed_fn removed, void *self)
{
    const char **files = gz_xmalloc((noutputs + 1) * sizeof *files);
    memcpy(files, outputs, noutputs * sizeof *files);
    qsort(files, noutputs, sizeof *files, cmp_cstr);
    /* parent directories of every output */
    gz_arena *a = gz_arena_new();
    const char **dirs = NULL;
    size_t nd = 0, cd = 0;
    for (size_t i = 0; i < noutputs; i++) {
        const char *f = files[i];
        for (const char *p = strchr(f, '/'); p; p = strchr(p + 1, '/')) {
            if (nd == cd) {
                cd = cd ? cd * 2 : 64;
                dirs = gz_xrealloc(dirs, cd * sizeof *dirs);
            }
            dirs[nd++] = gz_arena_strndup(a, f, (size_t)(p - f));
        }
    }
    qsort(dirs, nd, sizeof *dirs, cmp_cstr);
    size_t u = 0;
    for (size_t i = 0; i < nd; i++)
        if (!u || strcmp(dirs[u - 1], dirs[i]))
            dirs[u++] = dirs[i];
    walk w = { .dest = dest, .files = files, .nfiles = noutputs, .dirs = dirs, .ndirs = u,
               .keep = keep, .nkeep = nkeep, .removed = removed, .self = self };
    clean_dir(&w, "", 0);
    free(files);
    free(dirs);
    gz_arena_free(a);
    return w.count;
}

size_t
build_remove(const char *dest, const char *const *rels, size_t nrels, const char *const *keep,
             size_t nkeep, build_removed_fn removed, void *self)
{
    size_t count = 0;
    gz_buf p = GZ_BUF_INIT;
    for (size_t i = 0; i < nrels; i++) {
        if (kept(rels[i], keep, nkeep))
            continue;
        gz_buf_clear(&p);
        gz_buf_printf(&p, "%s/%s", dest, rels[i]);
        if (unlink(p.data) != 0)
            continue;
        count++;
        if (removed)
            removed(self, rels[i]);
        /* folders left empty go too, as a clean build would not make them */
        for (char *sl = strrchr(p.data, '/'); sl && sl > p.data + strlen(dest);
             sl = strrchr(p.data, '/')) {
            *sl = 0;
            if (keep_parent(p.data + strlen(dest) + 1, keep, nkeep) || rmdir(p.data) != 0)
                break;
        }
    }
    gz_buf_free(&p);
    return count;
}

void
build_remove_temporaries(const char *path)
{
    const char *slash = strrchr(path, '/');
    gz_buf dir = GZ_BUF_INIT, prefix = GZ_BUF_INIT;
    if (slash)
        gz_buf_put(&dir, path, (size_t)(slash - path));
    else
        gz_buf_puts(&dir, ".");
    gz_buf_printf(&prefix, "%s.tmp-", slash ? slash + 1 : path);
    build_remove_orphans(dir.data, prefix.data);
    gz_buf_free(&dir);
    gz_buf_free(&prefix);
}
