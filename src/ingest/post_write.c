/* Posts on disk: front matter that any YAML reader takes back exactly,
 * and files that appear whole or not at all. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ingest/internal.h"

#define TEMP_PREFIX ".gazette-tmp-"

/* A double-quoted YAML scalar: every string fits, whatever it holds. */
static void
put_quoted(gz_buf *out, gz_str s)
{
    gz_buf_putc(out, '"');
    for (size_t i = 0; i < s.len; i++) {
        unsigned char c = (unsigned char)s.p[i];
        if (c == '"' || c == '\\') {
            gz_buf_putc(out, '\\');
            gz_buf_putc(out, (char)c);
        } else if (c == '\n') {
            gz_buf_puts(out, "\\n");
        } else if (c == '\t') {
            gz_buf_puts(out, "\\t");
        } else if (c < 0x20 || c == 0x7F) {
            gz_buf_printf(out, "\\x%02X", c);
        } else if (c == 0xC2 && i + 1 < s.len && (unsigned char)s.p[i + 1] == 0x85) {
            gz_buf_puts(out, "\\N"), i++; /* NEL, a YAML line break */
        } else if (c == 0xE2 && i + 2 < s.len && (unsigned char)s.p[i + 1] == 0x80 &&
                   ((unsigned char)s.p[i + 2] == 0xA8 || (unsigned char)s.p[i + 2] == 0xA9)) {
            gz_buf_puts(out, (unsigned char)s.p[i + 2] == 0xA8 ? "\\L" : "\\P"), i += 2;
        } else if (c == 0xEF && i + 2 < s.len && (unsigned char)s.p[i + 1] == 0xBB &&
                   (unsigned char)s.p[i + 2] == 0xBF) {
            gz_buf_puts(out, "\\uFEFF"), i += 2;
        } else {
            gz_buf_putc(out, (char)c);
        }
    }
    gz_buf_putc(out, '"');
}

/* True when s reads back as the same string written plain: no indicator
 * first, nothing YAML would take for a number, a boolean, null or a date,
 * no comment or mapping marks, no control characters. Conservative. */
static bool
plain_safe(gz_str s)
{
    static const char *const words[] = { "true", "false", "yes", "no", "on", "off",
                                         "y", "n", "null" };
    if (s.len == 0 || strchr("-?:,[]{}#&*!|>'\"%@`~.+=<0123456789 ", s.p[0]))
        return false;
    if (s.p[s.len - 1] == ' ' || s.p[s.len - 1] == ':')
        return false;
    for (size_t i = 0; i < s.len; i++) {
        unsigned char c = (unsigned char)s.p[i];
        if (c < 0x20 || c == 0x7F || strchr(",[]{}#", c) ||
            (c == ':' && i + 1 < s.len && s.p[i + 1] == ' ') || c == 0xC2 || c == 0xE2 ||
            c == 0xEF)
            return false; /* 0xC2/0xE2/0xEF lead NEL, LS/PS, BOM: leave them to quoting */
    }
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (s.len == strlen(words[i]) && !strncasecmp(s.p, words[i], s.len))
            return false;
    return true;
}

static void
put_scalar(gz_buf *out, gz_str s)
{
    if (plain_safe(s))
        gz_buf_put_str(out, s);
    else
        put_quoted(out, s);
}

static bool
has_space(gz_str s)
{
    for (size_t i = 0; i < s.len; i++)
        if (s.p[i] == ' ' || s.p[i] == '\t' || s.p[i] == '\n' || s.p[i] == '\r' ||
            s.p[i] == '\f' || s.p[i] == '\v')
            return true;
    return false;
}

/* Jekyll splits a categories or tags string at whitespace; a one-element
 * list keeps a name with spaces whole. */
static void
put_name_list(gz_buf *out, gz_str s)
{
    if (has_space(s)) {
        gz_buf_putc(out, '[');
        put_quoted(out, s);
        gz_buf_putc(out, ']');
    } else {
        put_scalar(out, s);
    }
}

void
ingest_footer_render(gz_buf *out, const char *footer, const ingest_post *p)
{
    static const struct {
        const char *key;
        size_t field;
    } keys[] = {
        { "{link}", offsetof(ingest_post, link) },
        { "{name}", offsetof(ingest_post, source) },
        { "{slug}", offsetof(ingest_post, slug) },
        { "{tag}", offsetof(ingest_post, tag) },
    };
    for (const char *s = footer; *s;) {
        size_t k = 0;
        for (; k < sizeof keys / sizeof keys[0]; k++)
            if (!strncmp(s, keys[k].key, strlen(keys[k].key)))
                break;
        if (k < sizeof keys / sizeof keys[0]) {
            gz_buf_put_str(out, *(const gz_str *)((const char *)p + keys[k].field));
            s += strlen(keys[k].key);
        } else {
            gz_buf_putc(out, *s++);
        }
    }
}

void
ingest_post_render(gz_buf *out, const ingest_post *p, const char *footer)
{
    gz_buf_puts(out, "---\nlayout: ");
    put_scalar(out, gz_str_c(p->layout));
    gz_buf_puts(out, "\ntitle: ");
    put_quoted(out, p->title);
    gz_buf_printf(out, "\ndate: %s\ncategories: ", p->date);
    put_name_list(out, p->slug);
    gz_buf_puts(out, "\ntags: ");
    put_name_list(out, p->tag);
    gz_buf_puts(out, "\nsource: ");
    put_scalar(out, p->source);
    gz_buf_puts(out, "\nsource_id: ");
    put_quoted(out, p->source_id);
    if (p->link.len) {
        gz_buf_puts(out, "\nlink: ");
        put_scalar(out, p->link);
    }
    gz_buf_puts(out, "\n---\n");
    gz_buf_put_str(out, p->body);
    if (footer && *footer) {
        if (p->body.len)
            gz_buf_puts(out, "\n\n");
        ingest_footer_render(out, footer, p);
    } else if (p->body.len) {
        gz_buf_putc(out, '\n');
    }
}

void
ingest_page_render(gz_buf *out, gz_str tag, gz_str slug)
{
    gz_buf_puts(out, "---\nlayout: category\ntitle: ");
    put_quoted(out, tag);
    gz_buf_puts(out, "\ncategory: ");
    put_scalar(out, slug);
    gz_buf_puts(out, "\n---\n");
}

static bool
same_bytes(const char *path, gz_str bytes)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    struct stat st;
    bool same = false;
    if (fstat(fd, &st) == 0 && (size_t)st.st_size == bytes.len) {
        char *old = gz_xmalloc(bytes.len + 1);
        same = read(fd, old, bytes.len + 1) == (ssize_t)bytes.len && !memcmp(old, bytes.p, bytes.len);
        free(old);
    }
    close(fd);
    return same;
}

static bool
write_all(int fd, gz_str bytes)
{
    size_t done = 0;
    while (done < bytes.len) {
        ssize_t n = write(fd, bytes.p + done, bytes.len - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        done += (size_t)n;
    }
    return true;
}

/* Writes bytes to a new temporary file in dir; its path goes to tmp.
 * Named by process and counter, created exclusively with the usual mode
 * (mkstemp would need an fchmod more per post). */
static bool
write_temp(const char *dir, gz_str bytes, bool sync, gz_buf *tmp)
{
    static unsigned long counter;
    int fd = -1;
    for (int tries = 0; fd < 0 && tries < 100; tries++) {
        gz_buf_clear(tmp);
        gz_buf_printf(tmp, "%s/" TEMP_PREFIX "%ld-%lu", dir, (long)getpid(), counter++);
        fd = open(tmp->data, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        if (fd < 0 && errno != EEXIST)
            break;
    }
    if (fd < 0)
        return false;
    bool ok = write_all(fd, bytes) && (!sync || fsync(fd) == 0);
    ok = close(fd) == 0 && ok;
    if (!ok)
        unlink(tmp->data);
    return ok;
}

bool
ingest_write_file(const char *dir, const char *name, gz_str bytes, gz_buf *err)
{
    gz_buf path = GZ_BUF_INIT, tmp = GZ_BUF_INIT;
    gz_buf_printf(&path, "%s/%s", dir, name);
    bool ok = same_bytes(path.data, bytes) ||
              (write_temp(dir, bytes, true, &tmp) && rename(tmp.data, path.data) == 0);
    if (!ok) {
        gz_buf_printf(err, "%s: %s", path.data, strerror(errno));
        if (tmp.len)
            unlink(tmp.data);
    }
    gz_buf_free(&path);
    gz_buf_free(&tmp);
    return ok;
}

/* ---- batches ----------------------------------------------------------- */

/* Posts waiting in a batch before they are made durable together. */
#define BATCH_MAX 512

typedef struct pending_file {
    char *tmp, *name;
} pending_file;

struct ingest_writer {
    const char *dir;
    pending_file *v;
    size_t len;
    bool failed; /* a batch was lost: the pass must not be recorded */
};

ingest_writer *
ingest_writer_new(const char *dir)
{
    ingest_writer *w = gz_xcalloc(1, sizeof *w);
    w->dir = dir;
    w->v = gz_xcalloc(BATCH_MAX, sizeof *w->v);
    return w;
}

bool
ingest_writer_pending(const ingest_writer *w, const char *name)
{
    for (size_t i = 0; i < w->len; i++)
        if (!strcmp(w->v[i].name, name))
            return true;
    return false;
}

bool
ingest_writer_flush(ingest_writer *w, gz_buf *err)
{
    if (w->len == 0)
        return true;
    /* One syncfs makes every temporary file of the batch durable; only
     * then are they renamed into place, and the folder synced. */
    int fd = open(w->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    bool ok = fd >= 0 && syncfs(fd) == 0;
    gz_buf path = GZ_BUF_INIT;
    for (size_t i = 0; i < w->len; i++) {
        gz_buf_clear(&path);
        gz_buf_printf(&path, "%s/%s", w->dir, w->v[i].name);
        if (ok && rename(w->v[i].tmp, path.data) != 0) {
            gz_buf_printf(err, "%s: %s", path.data, strerror(errno));
            ok = false;
        }
        if (!ok)
            unlink(w->v[i].tmp);
        free(w->v[i].tmp);
        free(w->v[i].name);
    }
    if (ok && fsync(fd) != 0)
        ok = false;
    if (!ok && err->len == 0)
        gz_buf_printf(err, "%s: %s", w->dir, strerror(errno));
    if (fd >= 0)
        close(fd);
    gz_buf_free(&path);
    w->len = 0;
    w->failed |= !ok;
    return !w->failed;
}

bool
ingest_writer_add(ingest_writer *w, const char *name, bool is_new, gz_str bytes, gz_buf *err)
{
    gz_buf path = GZ_BUF_INIT, tmp = GZ_BUF_INIT;
    gz_buf_printf(&path, "%s/%s", w->dir, name);
    bool ok = true;
    if (is_new || !same_bytes(path.data, bytes)) {
        ok = write_temp(w->dir, bytes, false, &tmp);
        if (ok) {
            w->v[w->len++] = (pending_file){ gz_buf_detach(&tmp, NULL), gz_xstrndup(name, strlen(name)) };
            if (w->len == BATCH_MAX)
                ok = ingest_writer_flush(w, err);
        } else {
            gz_buf_printf(err, "%s: %s", path.data, strerror(errno));
        }
    }
    gz_buf_free(&path);
    gz_buf_free(&tmp);
    return ok;
}

void
ingest_writer_free(ingest_writer *w)
{
    if (!w)
        return;
    for (size_t i = 0; i < w->len; i++) {
        unlink(w->v[i].tmp);
        free(w->v[i].tmp);
        free(w->v[i].name);
    }
    free(w->v);
    free(w);
}

void
ingest_remove_temp(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    gz_buf path = GZ_BUF_INIT;
    while ((e = readdir(d)))
        if (!strncmp(e->d_name, TEMP_PREFIX, strlen(TEMP_PREFIX))) {
            gz_buf_clear(&path);
            gz_buf_printf(&path, "%s/%s", dir, e->d_name);
            unlink(path.data);
        }
    gz_buf_free(&path);
    closedir(d);
}
