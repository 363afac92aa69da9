/* kramdown's footnotes, before the text goes to cmark: definitions
 * ([^label]: text, continued by indented lines) are taken out of the
 * text, and every marker [^label] with a definition becomes the HTML
 * kramdown writes for it (numbered in order of first use, repeats with
 * ":N" ids). kramdown.c writes the notes at the end of the document.
 * Fenced code blocks and code spans are left alone. */
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "site/markdown.h"

static bool
id_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_' || c == '-';
}

/* ALD_ID_NAME \w[\w-]* at s[i]; its length. */
static size_t
label_at(gz_str s, size_t i)
{
    if (i >= s.len || !id_char(s.p[i]) || s.p[i] == '-')
        return 0;
    size_t k = i;
    while (k < s.len && id_char(s.p[k]))
        k++;
    return k - i;
}

static gz_str
line_at(gz_str s, size_t i)
{
    const char *nl = memchr(s.p + i, '\n', s.len - i);
    return gz_str_n(s.p + i, nl ? (size_t)(nl - s.p) - i : s.len - i);
}

static bool
blank(gz_str l)
{
    for (size_t i = 0; i < l.len; i++)
        if (l.p[i] != ' ' && l.p[i] != '\t' && l.p[i] != '\r')
            return false;
    return true;
}

/* INDENT: four spaces or a tab. */
static size_t
indent_len(gz_str l)
{
    if (l.len >= 1 && l.p[0] == '\t')
        return 1;
    if (l.len >= 4 && !memcmp(l.p, "    ", 4))
        return 4;
    return 0;
}

/* A fence line ``` or ~~~ (up to three spaces first): its char, or 0. */
static char
fence(gz_str l)
{
    size_t i = 0;
    while (i < l.len && i < 3 && l.p[i] == ' ')
        i++;
    if (i + 3 <= l.len && (l.p[i] == '`' || l.p[i] == '~') && l.p[i + 1] == l.p[i] &&
        l.p[i + 2] == l.p[i])
        return l.p[i];
    return 0;
}

static site_kd_note *
find(site_kd_notes *n, gz_str label)
{
    for (size_t i = 0; i < n->len; i++)
        if (gz_str_eq(gz_buf_str(&n->v[i].label), label))
            return &n->v[i];
    return NULL;
}

/* FOOTNOTE_DEFINITION_START at a line: ^ {0,3}\[\^(label)\]: */
static bool
definition_line(gz_str l, gz_str *label, size_t *rest)
{
    size_t i = 0;
    while (i < l.len && i < 3 && l.p[i] == ' ')
        i++;
    if (i + 2 > l.len || l.p[i] != '[' || l.p[i + 1] != '^')
        return false;
    size_t n = label_at(l, i + 2);
    size_t e = i + 2 + n;
    if (!n || e + 1 >= l.len || l.p[e] != ']' || l.p[e + 1] != ':')
        return false;
    *label = gz_str_n(l.p + i + 2, n);
    *rest = e + 2;
    while (*rest < l.len && (l.p[*rest] == ' ' || l.p[*rest] == '\t'))
        (*rest)++;
    return true;
}

/* Pass 1: definitions out of the text (into notes), the rest into `text`. */
static void
take_definitions(gz_str s, gz_buf *text, site_kd_notes *notes)
{
    char in_fence = 0;
    for (size_t i = 0; i < s.len;) {
        gz_str l = line_at(s, i);
        size_t next = i + l.len + (i + l.len < s.len);
        gz_str label;
        size_t rest;
        char f = fence(l);
        if (in_fence) {
            if (f == in_fence)
                in_fence = 0;
        } else if (f) {
            in_fence = f;
        } else if (definition_line(l, &label, &rest)) {
            gz_buf content = GZ_BUF_INIT;
            gz_buf_put(&content, l.p + rest, l.len - rest);
            gz_buf_putc(&content, '\n');
            /* CODEBLOCK_MATCH: (blank line? indented non-blank lines)* */
            size_t j = next;
            for (;;) {
                size_t k = j;
                gz_str bl = k < s.len ? line_at(s, k) : gz_str_n("", 0);
                bool had_blank = false;
                if (k < s.len && blank(bl)) {
                    had_blank = true;
                    k += bl.len + (k + bl.len < s.len);
                    bl = k < s.len ? line_at(s, k) : gz_str_n("", 0);
                }
                size_t ind = k < s.len ? indent_len(bl) : 0;
                if (!ind || blank(bl))
                    break;
                if (had_blank)
                    gz_buf_putc(&content, '\n');
                while (k < s.len) {
                    gz_str cl = line_at(s, k);
                    size_t ci = indent_len(cl);
                    if (!ci || blank(cl))
                        break;
                    gz_buf_put(&content, cl.p + ci, cl.len - ci);
                    gz_buf_putc(&content, '\n');
                    k += cl.len + (k + cl.len < s.len);
                }
                j = k;
            }
            site_kd_note *n = find(notes, label);
            if (!n) {
                if (notes->len == notes->cap) {
                    notes->cap = notes->cap ? notes->cap * 2 : 8;
                    notes->v = gz_xrealloc(notes->v, notes->cap * sizeof *notes->v);
                }
                n = &notes->v[notes->len++];
                memset(n, 0, sizeof *n);
                gz_buf_put_str(&n->label, label);
            }
            gz_buf_free(&n->content); /* a duplicate overwrites */
            n->content = content;
            i = j;
            continue;
        }
        gz_buf_put(text, s.p + i, next - i);
        i = next;
    }
}

/* Pass 2: markers with a definition become kramdown's <sup>. */
static void
replace_markers(gz_str s, gz_buf *out, site_kd_notes *notes)
{
    char in_fence = 0;
    for (size_t i = 0; i < s.len;) {
        gz_str l = line_at(s, i);
        size_t next = i + l.len + (i + l.len < s.len);
        char f = fence(l);
        if (in_fence || f) {
            if (in_fence && f == in_fence)
                in_fence = 0;
            else if (!in_fence)
                in_fence = f;
            gz_buf_put(out, s.p + i, next - i);
            i = next;
            continue;
        }
        for (size_t k = 0; k < l.len;) {
            if (l.p[k] == '`') { /* a code span: copied as it is */
                size_t run = 0;
                while (k + run < l.len && l.p[k + run] == '`')
                    run++;
                size_t e = k + run;
                for (; e < l.len; e++) {
                    size_t r2 = 0;
                    while (e + r2 < l.len && l.p[e + r2] == '`')
                        r2++;
                    if (r2 == run)
                        break;
                    e += r2 ? r2 - 1 : 0;
                }
                size_t stop = e < l.len ? e + run : k + run;
                gz_buf_put(out, l.p + k, stop - k);
                k = stop;
                continue;
            }
            size_t n;
            site_kd_note *note;
            if (l.p[k] == '[' && k + 1 < l.len && l.p[k + 1] == '^' &&
                (n = label_at(l, k + 2)) && k + 2 + n < l.len && l.p[k + 2 + n] == ']' &&
                (note = find(notes, gz_str_n(l.p + k + 2, n)))) {
                const char *name = note->label.data;
                if (!note->number) {
                    note->number = ++notes->used;
                    gz_buf_printf(out, "<sup id=\"fnref:%s\" role=\"doc-noteref\">", name);
                } else {
                    gz_buf_printf(out, "<sup id=\"fnref:%s:%d\" role=\"doc-noteref\">", name,
                                  ++note->repeats);
                }
                gz_buf_printf(out, "<a href=\"#fn:%s\" class=\"footnote\" rel=\"footnote\">%d</a></sup>",
                              name, note->number);
                k += 3 + n;
                continue;
            }
            gz_buf_putc(out, l.p[k++]);
        }
        gz_buf_put(out, s.p + i + l.len, next - i - l.len);
        i = next;
    }
}

bool
site_kd_notes_extract(gz_str s, gz_buf *out, site_kd_notes *notes)
{
    /* cheap test first: most documents have no footnotes */
    if (s.len < 2)
        return false;
    bool any = false;
    for (const char *b = s.p, *end = s.p + s.len; !any && b < end; b++) {
        b = memchr(b, '[', (size_t)(end - b));
        if (!b)
            break;
        any = b + 1 < end && b[1] == '^';
    }
    if (!any)
        return false;
    gz_buf text = GZ_BUF_INIT;
    take_definitions(s, &text, notes);
    if (!notes->len) {
        gz_buf_free(&text);
        return false;
    }
    replace_markers(gz_buf_str(&text), out, notes);
    gz_buf_free(&text);
    return true;
}

void
site_kd_notes_free(site_kd_notes *notes)
{
    for (size_t i = 0; i < notes->len; i++) {
        gz_buf_free(&notes->v[i].label);
        gz_buf_free(&notes->v[i].content);
    }
    free(notes->v);
    *notes = (site_kd_notes){ 0 };
}
