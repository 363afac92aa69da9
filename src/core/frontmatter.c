/* Jekyll's front matter regexp (frontmatter.h), matched by hand: its lazy
 * middle makes the first closing line win, and its greedy \s* on either
 * side of a marker runs to the last newline of the blank run after it. */
#include "core/frontmatter.h"

#include <string.h>

#include "core/utf8.h"
#include "core/yaml_scalar.h"

/* Where `---\s*$\n?` (or the "..." form) ends when the marker at `at`
 * closes the front matter: after the last newline of the blank run that
 * follows it, or at the end of the text; 0 when it does not close it. */
static size_t
closing_end(gz_str s, size_t at)
{
    size_t i = at + 3, end = i;
    while (end < s.len && gz_ruby_space(s.p[end]))
        end++;
    if (end == s.len)
        return s.len;
    while (end > i && s.p[end - 1] != '\n')
        end--;
    return end > i ? end : 0;
}

static bool
is_marker(gz_str s, size_t at)
{
    return s.len - at >= 3 &&
           (memcmp(s.p + at, "---", 3) == 0 || memcmp(s.p + at, "...", 3) == 0);
}

gz_fm_status
gz_front_matter_split(gz_str text, gz_str *yaml, gz_str *body, int *body_line)
{
    if (text.len >= 3 && memcmp(text.p, "\xEF\xBB\xBF", 3) == 0)
        text = gz_str_n(text.p + 3, text.len - 3);
    *yaml = gz_str_n(text.p, 0);
    *body = text;
    *body_line = 1;
    if (!gz_utf8_valid(text, NULL))
        return GZ_FM_BAD_UTF8;
    if (text.len < 3 || memcmp(text.p, "---", 3) != 0)
        return GZ_FM_NONE;
    /* ---\s*\n : the greedy blanks give back up to their last newline */
    size_t start = 3;
    while (start < text.len && gz_ruby_space(text.p[start]))
        start++;
    while (start > 3 && text.p[start - 1] != '\n')
        start--;
    if (start == 3)
        return GZ_FM_NONE;
    /* .*?\n?^ : the first line from there that is a closing marker */
    for (size_t line = start; line < text.len;) {
        size_t end = is_marker(text, line) ? closing_end(text, line) : 0;
        if (end) {
            *yaml = gz_str_n(text.p, line);
            *body = gz_str_n(text.p + end, text.len - end);
            for (size_t i = 0; i < end; i++)
                *body_line += text.p[i] == '\n';
            return GZ_FM_FOUND;
        }
        const char *nl = memchr(text.p + line, '\n', text.len - line);
        if (!nl)
            break;
        line = (size_t)(nl - text.p) + 1;
    }
    return GZ_FM_NONE;
}

bool
gz_front_matter_has_header(gz_str raw)
{
    /* \A---\s*\r?\n on the first line, newline included */
    if (raw.len < 4 || memcmp(raw.p, "---", 3) != 0)
        return false;
    const char *nl = memchr(raw.p + 3, '\n', raw.len - 3);
    if (!nl)
        return false;
    for (const char *c = raw.p + 3; c < nl; c++)
        if (!gz_ruby_space(*c))
            return false;
    return true;
}
