/* Escaping filters of Liquid 5.4: HTML (CGI.escapeHTML, escape_once,
 * strip_html), URLs (CGI.escape / CGI.unescape) and Base64 (Ruby's strict
 * and URL-safe variants). */
#include "core/utf8.h"
#include "liquid/filters_internal.h"

/* ---- HTML ---------------------------------------------------------------- */

static const char *
html_entity(char c)
{
    switch (c) {
    case '&': return "&amp;";
    case '<': return "&lt;";
    case '>': return "&gt;";
    case '"': return "&quot;";
    case '\'': return "&#39;";
    default: return NULL;
    }
}

static bool
is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool
is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* True when s[i] is the '&' of an entity escape_once leaves alone:
 * /&([a-zA-Z]+|#\d+);/. */
static bool
is_entity(gz_str s, size_t i)
{
    size_t j = i + 1;
    if (j < s.len && s.p[j] == '#') {
        size_t start = ++j;
        while (j < s.len && is_digit(s.p[j]))
            j++;
        return j > start && j < s.len && s.p[j] == ';';
    }
    size_t start = j;
    while (j < s.len && is_alpha(s.p[j]))
        j++;
    return j > start && j < s.len && s.p[j] == ';';
}

static gz_value
html_escape(liq_ctx *ctx, gz_str s, bool once)
{
    gz_buf b = GZ_BUF_INIT;
    size_t copied = 0;
    for (size_t i = 0; i < s.len; i++) {
        const char *ent = html_entity(s.p[i]);
        if (!ent || (once && s.p[i] == '&' && is_entity(s, i)))
            continue;
        gz_buf_put(&b, s.p + copied, i - copied);
        gz_buf_puts(&b, ent);
        copied = i + 1;
    }
    if (copied == 0) {
        gz_buf_free(&b);
        return gz_str_value(s);
    }
    gz_buf_put(&b, s.p + copied, s.len - copied);
    return liq_f_take(ctx, &b);
}

LIQ_FILTER(escape)
{
    (void)args, (void)nargs, (void)kwargs;
    *out = input.type == GZ_NIL ? gz_nil() : html_escape(ctx, liq_f_to_s(ctx, input), false);
    return true;
}

LIQ_FILTER(escape_once)
{
    (void)args, (void)nargs, (void)kwargs;
    *out = html_escape(ctx, liq_f_to_s(ctx, input), true);
    return true;
}

/* Finds `open` at s[i] and the first `close` after it; on success sets
 * *end past the close. `no_close` remembers that `close` does not occur
 * from some offset on, so a long text with an unclosed "<script" stays
 * linear. */
static bool
match_block(gz_str s, size_t i, gz_str open, gz_str close, size_t *no_close, size_t *end)
{
    if (!gz_str_starts_with(gz_str_n(s.p + i, s.len - i), open))
        return false;
    size_t from = i + open.len;
    if (from >= *no_close)
        return false;
    long at = gz_str_find(s, close, from);
    if (at < 0) {
        *no_close = from;
        return false;
    }
    *end = (size_t)at + close.len;
    return true;
}

/* gsub(%r{<script.*?</script>|<!--.*?-->|<style.*?</style>}m, '') and then
 * gsub(/<.*?>/m, ''). */
LIQ_FILTER(strip_html)
{
    (void)args, (void)nargs, (void)kwargs;
    gz_str s = liq_f_to_s(ctx, input);
    static const struct {
        gz_str open, close;
    } blocks[] = {
        { GZ_STR("<script"), GZ_STR("</script>") },
        { GZ_STR("<!--"), GZ_STR("-->") },
        { GZ_STR("<style"), GZ_STR("</style>") },
    };
    size_t no_close[3] = { SIZE_MAX, SIZE_MAX, SIZE_MAX };
    gz_buf pass1 = GZ_BUF_INIT;
    /* Text between '<'s is copied in runs (memchr), not byte by byte. */
    for (size_t i = 0; i < s.len;) {
        const char *lt = memchr(s.p + i, '<', s.len - i);
        size_t at = lt ? (size_t)(lt - s.p) : s.len;
        gz_buf_put(&pass1, s.p + i, at - i);
        if (at == s.len)
            break;
        size_t end = 0;
        bool hit = false;
        for (size_t k = 0; k < 3 && !hit; k++)
            hit = match_block(s, at, blocks[k].open, blocks[k].close, &no_close[k], &end);
        if (hit) {
            i = end;
        } else {
            gz_buf_putc(&pass1, '<');
            i = at + 1;
        }
    }
    gz_str t = gz_buf_str(&pass1);
    gz_buf b = GZ_BUF_INIT;
    for (size_t i = 0; i < t.len;) {
        const char *lt = memchr(t.p + i, '<', t.len - i);
        const char *gt = lt ? memchr(lt + 1, '>', (size_t)(t.p + t.len - lt - 1)) : NULL;
        if (!gt) { /* no complete tag left */
            gz_buf_put(&b, t.p + i, t.len - i);
            break;
        }
        gz_buf_put(&b, t.p + i, (size_t)(lt - (t.p + i)));
        i = (size_t)(gt - t.p) + 1;
    }
    gz_buf_free(&pass1);
    *out = liq_f_take(ctx, &b);
    return true;
}

/* ---- URLs ---------------------------------------------------------------- */

static const char hex_upper[] = "0123456789ABCDEF";

/* CGI.escape: everything but [a-zA-Z0-9_.~-] percent-encoded, space as '+'. */
LIQ_FILTER(url_encode)
{
    (void)args, (void)nargs, (void)kwargs;
    if (input.type == GZ_NIL) {
        *out = gz_nil();
        return true;
    }
    gz_str s = liq_f_to_s(ctx, input);
    gz_buf b = GZ_BUF_INIT;
    gz_buf_grow(&b, s.len);
    for (size_t i = 0; i < s.len; i++) {
        unsigned char c = (unsigned char)s.p[i];
        if (is_alpha((char)c) || is_digit((char)c) || c == '_' || c == '.' || c == '-' || c == '~') {
            gz_buf_putc(&b, (char)c);
        } else if (c == ' ') {
            gz_buf_putc(&b, '+');
        } else {
            gz_buf_putc(&b, '%');
            gz_buf_putc(&b, hex_upper[c >> 4]);
            gz_buf_putc(&b, hex_upper[c & 15]);
        }
    }
    *out = liq_f_take(ctx, &b);
    return true;
}

static int
hex_value(char c)
{
    if (is_digit(c))
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* CGI.unescape: '+' is a space, %XX a byte, a malformed % stays; Liquid
 * then rejects a result that is not UTF-8. */
LIQ_FILTER(url_decode)
{
    (void)args, (void)nargs, (void)kwargs;
    if (input.type == GZ_NIL) {
        *out = gz_nil();
        return true;
    }
    gz_str s = liq_f_to_s(ctx, input);
    gz_buf b = GZ_BUF_INIT;
    for (size_t i = 0; i < s.len; i++) {
        int hi, lo;
        if (s.p[i] == '+') {
            gz_buf_putc(&b, ' ');
        } else if (s.p[i] == '%' && i + 2 < s.len && (hi = hex_value(s.p[i + 1])) >= 0 &&
                   (lo = hex_value(s.p[i + 2])) >= 0) {
            gz_buf_putc(&b, (char)(hi << 4 | lo));
            i += 2;
        } else {
            gz_buf_putc(&b, s.p[i]);
        }
    }
    if (!gz_utf8_valid(gz_buf_str(&b), NULL)) {
        gz_buf_free(&b);
        return liq_filter_error(ctx, "invalid byte sequence in UTF-8");
    }
    *out = liq_f_take(ctx, &b);
    return true;
}

/* ---- Base64 --------------------------------------------------------------- */

static const char b64_std[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char b64_url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* Base64.strict_encode64 / urlsafe_encode64: padded, no line breaks. */
static gz_value
b64_encode(liq_ctx *ctx, gz_str s, const char *alphabet)
{
    gz_buf b = GZ_BUF_INIT;
    gz_buf_grow(&b, (s.len + 2) / 3 * 4);
    const unsigned char *p = (const unsigned char *)s.p;
    size_t i = 0;
    for (; i + 2 < s.len; i += 3) {
        uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 | p[i + 2];
        for (int k = 3; k >= 0; k--)
            gz_buf_putc(&b, alphabet[(v >> (6 * k)) & 63]);
    }
    if (i < s.len) {
        uint32_t v = (uint32_t)p[i] << 16 | (i + 1 < s.len ? (uint32_t)p[i + 1] << 8 : 0);
        gz_buf_putc(&b, alphabet[v >> 18]);
        gz_buf_putc(&b, alphabet[(v >> 12) & 63]);
        gz_buf_putc(&b, i + 1 < s.len ? alphabet[(v >> 6) & 63] : '=');
        gz_buf_putc(&b, '=');
    }
    return liq_f_take(ctx, &b);
}

static int
b64_value(char c, const char *alphabet)
{
    const char *at = c ? strchr(alphabet, c) : NULL;
    return at ? (int)(at - alphabet) : -1;
}

/* Base64.strict_decode64: groups of four, '=' padding only at the end, and
 * the bits the padding drops must be zero. */
static bool
b64_decode(gz_str s, const char *alphabet, gz_buf *b)
{
    if (s.len % 4)
        return false;
    for (size_t i = 0; i < s.len; i += 4) {
        bool last = i + 4 == s.len;
        int v[4];
        int pad = 0;
        for (int k = 0; k < 4; k++) {
            char c = s.p[i + k];
            if (c == '=' && last && k >= 2 && (k == 3 || s.p[i + 3] == '=')) {
                v[k] = 0;
                pad++;
                continue;
            }
            if ((v[k] = b64_value(c, alphabet)) < 0)
                return false;
        }
        uint32_t bits = (uint32_t)v[0] << 18 | (uint32_t)v[1] << 12 | (uint32_t)v[2] << 6 | (uint32_t)v[3];
        if ((pad == 1 && (bits & 0xff)) || (pad == 2 && (bits & 0xffff)))
            return false;
        gz_buf_putc(b, (char)(bits >> 16));
        if (pad < 2)
            gz_buf_putc(b, (char)(bits >> 8));
        if (pad < 1)
            gz_buf_putc(b, (char)bits);
    }
    return true;
}

LIQ_FILTER(base64_encode)
{
    (void)args, (void)nargs, (void)kwargs;
    *out = b64_encode(ctx, liq_f_to_s(ctx, input), b64_std);
    return true;
}

LIQ_FILTER(base64_url_safe_encode)
{
    (void)args, (void)nargs, (void)kwargs;
    *out = b64_encode(ctx, liq_f_to_s(ctx, input), b64_url);
    return true;
}

LIQ_FILTER(base64_decode)
{
    (void)args, (void)nargs, (void)kwargs;
    gz_buf b = GZ_BUF_INIT;
    if (!b64_decode(liq_f_to_s(ctx, input), b64_std, &b)) {
        gz_buf_free(&b);
        return liq_filter_error(ctx, "invalid base64 provided to base64_decode");
    }
    *out = liq_f_take(ctx, &b);
    return true;
}

/* Base64.urlsafe_decode64 also accepts '+' and '/' (it translates '-_' to
 * them) and adds missing padding unless the text already ends in '='. */
LIQ_FILTER(base64_url_safe_decode)
{
    (void)args, (void)nargs, (void)kwargs;
    gz_str s = liq_f_to_s(ctx, input);
    gz_buf t = GZ_BUF_INIT, b = GZ_BUF_INIT;
    for (size_t i = 0; i < s.len; i++)
        gz_buf_putc(&t, s.p[i] == '-' ? '+' : s.p[i] == '_' ? '/' : s.p[i]);
    if (!(s.len && s.p[s.len - 1] == '='))
        while (t.len % 4)
            gz_buf_putc(&t, '=');
    bool ok = b64_decode(gz_buf_str(&t), b64_std, &b);
    gz_buf_free(&t);
    if (!ok) {
        gz_buf_free(&b);
        return liq_filter_error(ctx, "invalid base64 provided to base64_url_safe_decode");
    }
    *out = liq_f_take(ctx, &b);
    return true;
}
