#include "core/diag.h"

#include <stdarg.h>
#include <stdlib.h>

#include "core/arena.h"

void
gz_diags_add(gz_diags *d, gz_severity sev, const char *file, int line, int column,
             const char *fmt, ...)
{
    if (d->len == d->cap) {
        d->cap = d->cap ? d->cap * 2 : 4;
        d->items = gz_xrealloc(d->items, d->cap * sizeof *d->items);
    }
    gz_buf msg = GZ_BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    gz_buf_vprintf(&msg, fmt, ap);
    va_end(ap);
    d->items[d->len++] = (gz_diag){
        .severity = sev,
        .file = file ? gz_xstrndup(file, strlen(file)) : NULL,
        .line = line,
        .column = column,
        .message = gz_buf_detach(&msg, NULL),
    };
    if (sev == GZ_ERROR)
        d->errors++;
}

void
gz_diags_free(gz_diags *d)
{
    for (size_t i = 0; i < d->len; i++) {
        free(d->items[i].file);
        free(d->items[i].message);
    }
    free(d->items);
    *d = (gz_diags){ 0 };
}

void
gz_line_col(gz_str text, size_t offset, int *line, int *column)
{
    int l = 1, c = 1;
    if (offset > text.len)
        offset = text.len;
    for (size_t i = 0; i < offset; i++) {
        unsigned char ch = (unsigned char)text.p[i];
        if (ch == '\n') {
            l++;
            c = 1;
        } else if ((ch & 0xC0) != 0x80) {
            c++;
        }
    }
    *line = l;
    *column = c;
}

void
gz_diag_print(FILE *f, const gz_diag *d, gz_str source)
{
    if (d->file)
        fprintf(f, "%s:", d->file);
    if (d->line)
        fprintf(f, "%d:", d->line);
    if (d->line && d->column)
        fprintf(f, "%d:", d->column);
    fprintf(f, "%s%s\n", (d->file || d->line) ? " " : "", d->message);
    if (!source.p || d->line <= 0)
        return;
    /* Show the line and a caret under the column. */
    const char *p = source.p, *end = source.p + source.len;
    for (int l = 1; l < d->line && p < end; l++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        p = nl ? nl + 1 : end;
    }
    const char *eol = memchr(p, '\n', (size_t)(end - p));
    if (!eol)
        eol = end;
    if (eol - p > 400) /* a 100 MB line is not worth echoing */
        return;
    fprintf(f, "  %.*s\n  ", (int)(eol - p), p);
    int col = 1;
    for (const char *q = p; q < eol && col < d->column; q++) {
        if (((unsigned char)*q & 0xC0) == 0x80)
            continue;
        fputc(*q == '\t' ? '\t' : ' ', f);
        col++;
    }
    fputs("^\n", f);
}
