/* Feeds in GBK, GB2312, GB18030 or Big5 become UTF-8 before any parser
 * sees them; so does any other charset iconv knows. */
#include <errno.h>
#include <iconv.h>
#include <strings.h>

#include "core/utf8.h"
#include "ingest/internal.h"

/* The value of `name="..."` / `name=...` after `key` within s, or {0}. */
static gz_str
attribute(gz_str s, const char *key)
{
    size_t klen = strlen(key);
    for (size_t i = 0; i + klen <= s.len; i++) {
        if (strncasecmp(s.p + i, key, klen))
            continue;
        size_t j = i + klen;
        while (j < s.len && (s.p[j] == ' ' || s.p[j] == '\t'))
            j++;
        if (j >= s.len || s.p[j] != '=')
            continue;
        j++;
        while (j < s.len && (s.p[j] == ' ' || s.p[j] == '\t'))
            j++;
        char quote = j < s.len && (s.p[j] == '"' || s.p[j] == '\'') ? s.p[j++] : 0;
        size_t k = j;
        while (k < s.len && (quote ? s.p[k] != quote : (s.p[k] != ';' && s.p[k] != ' ')))
            k++;
        return gz_str_n(s.p + j, k - j);
    }
    return (gz_str){ NULL, 0 };
}

const char *
ingest_charset(gz_arena *a, gz_str body, const char *content_type, bool xml)
{
    if (xml && body.len > 5 && !memcmp(body.p, "<?xml", 5)) {
        long end = gz_str_find(body, GZ_STR("?>"), 0);
        if (end > 0) {
            gz_str enc = attribute(gz_str_n(body.p, (size_t)end), "encoding");
            if (enc.len)
                return gz_arena_strndup(a, enc.p, enc.len);
        }
    }
    if (content_type) {
        gz_str cs = attribute(gz_str_c(content_type), "charset");
        if (cs.len)
            return gz_arena_strndup(a, cs.p, cs.len);
    }
    return NULL;
}

/* Labels as the WHATWG Encoding Standard reads them: every GB label means
 * GB18030 (a superset), Latin-1 means windows-1252. */
static const char *
iconv_name(const char *label)
{
    static const struct {
        const char *label, *name;
    } aliases[] = {
        { "gb2312", "GB18030" },      { "gbk", "GB18030" },      { "x-gbk", "GB18030" },
        { "cp936", "GB18030" },       { "gb_2312-80", "GB18030" }, { "big5", "BIG5-HKSCS" },
        { "iso-8859-1", "CP1252" },   { "latin1", "CP1252" },    { "us-ascii", "CP1252" },
    };
    for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
        if (!strcasecmp(label, aliases[i].label))
            return aliases[i].name;
    return label;
}

/* Copies valid UTF-8, replacing each invalid byte with U+FFFD. */
static void
put_utf8(gz_buf *out, gz_str in)
{
    size_t i = 0;
    while (i < in.len) {
        size_t bad;
        gz_str rest = gz_str_n(in.p + i, in.len - i);
        if (gz_utf8_valid(rest, &bad)) {
            gz_buf_put_str(out, rest);
            return;
        }
        gz_buf_put(out, rest.p, bad);
        gz_buf_puts(out, "\xEF\xBF\xBD");
        i += bad + 1;
    }
}

bool
ingest_to_utf8(gz_buf *out, gz_str in, const char *charset)
{
    if (!charset || !strcasecmp(charset, "utf-8") || !strcasecmp(charset, "utf8")) {
        if (in.len >= 3 && !memcmp(in.p, "\xEF\xBB\xBF", 3))
            in = gz_str_n(in.p + 3, in.len - 3);
        put_utf8(out, in);
        return true;
    }
    iconv_t cd = iconv_open("UTF-8", iconv_name(charset));
    if (cd == (iconv_t)-1)
        return false;
    char *src = (char *)in.p;
    size_t left = in.len;
    gz_buf_grow(out, in.len * 3 / 2 + 16);
    while (left > 0) {
        gz_buf_grow(out, left * 2 + 16);
        char *dst = out->data + out->len;
        size_t room = out->cap - out->len - 1;
        size_t r = iconv(cd, &src, &left, &dst, &room);
        out->len = (size_t)(dst - out->data);
        out->data[out->len] = '\0';
        if (r != (size_t)-1)
            break;
        if (errno == E2BIG)
            continue;
        /* EILSEQ, or EINVAL for a sequence cut short at the end */
        gz_buf_puts(out, "\xEF\xBF\xBD");
        src++;
        left--;
    }
    iconv(cd, NULL, NULL, NULL, NULL);
    iconv_close(cd);
    return true;
}
