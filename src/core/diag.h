/* Diagnostics: every error names its file, line and column (DESIGN.md
 * "Errors name the place"). A gz_diags list collects all the errors found
 * in one pass; it owns its strings on the heap so it outlives any arena. */
#ifndef GZ_DIAG_H
#define GZ_DIAG_H

#include <stdbool.h>
#include <stdio.h>

#include "core/buf.h"

typedef enum gz_severity { GZ_ERROR, GZ_WARNING } gz_severity;

typedef struct gz_diag {
    gz_severity severity;
    char *file;    /* may be NULL */
    int line;      /* 1-based; 0 = unknown */
    int column;    /* 1-based, in characters; 0 = unknown */
    char *message; /* complete message, e.g. "Liquid syntax error (t.html line 3): ..." */
} gz_diag;

typedef struct gz_diags {
    gz_diag *items;
    size_t len;
    size_t cap;
    size_t errors;
} gz_diags;

void gz_diags_add(gz_diags *d, gz_severity sev, const char *file, int line, int column,
                  const char *fmt, ...) __attribute__((format(printf, 6, 7)));
void gz_diags_free(gz_diags *d);

/* Prints "file:line:col: message", and when `source` is given the offending
 * line with a caret under the column. */
void gz_diag_print(FILE *f, const gz_diag *d, gz_str source);

/* 1-based line and column (in UTF-8 characters) of a byte offset. */
void gz_line_col(gz_str text, size_t offset, int *line, int *column);

#endif
