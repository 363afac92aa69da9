/* Front matter exactly as Jekyll 4.3 finds it. Documents and pages test
 * their text against Document::YAML_FRONT_MATTER_REGEXP,
 *     \A(---\s*\n.*?\n?)^((---|\.\.\.)\s*$\n?)      (multi-line mode)
 * after File.read with "bom|utf-8" has dropped a UTF-8 byte order mark;
 * the reader first decides whether a page is rendered or copied as a
 * static file with Utils.has_yaml_header?, on the raw first line. */
#ifndef GZ_FRONTMATTER_H
#define GZ_FRONTMATTER_H

#include <stdbool.h>

#include "core/buf.h"

typedef enum gz_fm_status {
    GZ_FM_NONE,     /* no front matter: *body is the whole text */
    GZ_FM_FOUND,
    GZ_FM_BAD_UTF8, /* Ruby's regexp raised "invalid byte sequence in
                     * UTF-8": Jekyll reports "Error reading file <path>:
                     * invalid byte sequence in UTF-8" and keeps the whole
                     * text as content, without data; *body is that text */
} gz_fm_status;

/* Splits `text` (a file's bytes). On GZ_FM_FOUND, *yaml is the regexp's
 * first group, from the opening "---" line to the closing line excluded:
 * Jekyll hands exactly that to Psych, so its line numbers are the file's
 * (gz_yaml_parse with line_offset 0). *body is what follows the closing
 * line, whose trailing blank lines the regexp also swallows, and
 * *body_line the file's line number where the body starts. Both point
 * into `text`. Lines end at "\n"; a "\r" before it is a blank. */
gz_fm_status gz_front_matter_split(gz_str text, gz_str *yaml, gz_str *body, int *body_line);

/* Utils.has_yaml_header?: the raw file (no BOM removed) starts with "---",
 * optional blanks and a newline. */
bool gz_front_matter_has_header(gz_str raw);

#endif
