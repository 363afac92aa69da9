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

bool
ingest_write_file(const char *dir, const char *name, gz_str bytes, gz_buf *err)
{
    gz_buf path = GZ_BUF_INIT, tmp = GZ_BUF_INIT;
    gz_buf_printf(&path, "%s/%s", dir, name);
    gz_buf_printf(&tmp, "%s/" TEMP_PREFIX "XXXXXX", dir);
    bool ok = false;
    int fd = -1;
    if (same_bytes(path.data, bytes)) {
        ok = true;
        goto done;
    }
    fd = mkstemp(tmp.data);
    if (fd < 0)
        goto fail;
    if (fchmod(fd, 0644) != 0 || !write_all(fd, bytes) || fsync(fd) != 0)
        goto fail;
    if (close(fd) != 0) {
        fd = -1;
        goto fail;
    }
    fd = -1;
    if (rename(tmp.data, path.data) != 0)
        goto fail;
    ok = true;
    goto done;
fail:
    gz_buf_printf(err, "%s: %s", path.data, strerror(errno));
    if (fd >= 0)
        close(fd);
    unlink(tmp.data);
done:
    gz_buf_free(&path);
    gz_buf_free(&tmp);
    return ok;
}

bool
ingest_sync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return false;
    bool ok = fsync(fd) == 0;
    close(fd);
    return ok;
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
