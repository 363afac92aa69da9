/* The template tokenizer. Ruby Liquid splits a template with
 *   /({%.*?%}|{{.*?}}?|{%|{{)/m
 * so a tag runs to the first "%}", an output to the first "}" (plus one
 * more "}" if present), and an unterminated "{%" or "{{" is a token of its
 * own that the parser then rejects. Inside {% liquid %} every line is a
 * token. */
#include "liquid/parse.h"

void
liq_tokenizer_init(liq_tokenizer *tk, gz_str src, bool for_liquid_tag)
{
    tk->src = src;
    tk->pos = 0;
    tk->for_liquid_tag = for_liquid_tag;
    tk->tag_close.valid = tk->output_close.valid = false;
}

static bool
next_line(liq_tokenizer *tk, liq_token *tok)
{
    const char *s = tk->src.p;
    size_t n = tk->src.len;
    if (tk->pos >= n)
        return false;
    const char *nl = memchr(s + tk->pos, '\n', n - tk->pos);
    size_t end = nl ? (size_t)(nl - s) : n;
    tok->kind = LIQ_T_TEXT;
    tok->text = gz_str_n(s + tk->pos, end - tk->pos);
    tk->pos = nl ? end + 1 : n;
    return true;
}

/* The first occurrence of `close` (1 or 2 bytes) at or after `from`, or
 * src.len. Remembers its last answer: searches only move forward, so a
 * template full of unterminated "{%" is still scanned once, not once per
 * "{%". */
static size_t
find_close(const liq_tokenizer *tk, liq_close_memo *memo, const char *close, size_t from)
{
    if (memo->valid && from >= memo->from && from <= memo->at)
        return memo->at;
    const char *s = tk->src.p;
    size_t n = tk->src.len, i = from, at = n;
    while (i < n) {
        const char *c = memchr(s + i, close[0], n - i);
        if (!c)
            break;
        i = (size_t)(c - s);
        if (!close[1] || (i + 1 < n && s[i + 1] == close[1])) {
            at = i;
            break;
        }
        i++;
    }
    memo->valid = true;
    memo->from = from;
    memo->at = at;
    return at;
}

/* Offset just past the token starting with "{%" or "{{" at `start`. */
static size_t
delimited_end(liq_tokenizer *tk, size_t start)
{
    const char *s = tk->src.p;
    size_t n = tk->src.len;
    if (s[start + 1] == '%') {
        size_t at = find_close(tk, &tk->tag_close, "%}", start + 2);
        return at < n ? at + 2 : start + 2;
    }
    size_t at = find_close(tk, &tk->output_close, "}", start + 2);
    if (at == n)
        return start + 2;
    return at + 1 < n && s[at + 1] == '}' ? at + 2 : at + 1;
}

bool
liq_tokenizer_next(liq_tokenizer *tk, liq_token *tok)
{
    if (tk->for_liquid_tag)
        return next_line(tk, tok);
    const char *s = tk->src.p;
    size_t n = tk->src.len;
    if (tk->pos >= n)
        return false;
    /* the next "{%" or "{{" */
    size_t i = tk->pos;
    for (;;) {
        const char *brace = i < n ? memchr(s + i, '{', n - i) : NULL;
        if (!brace || (size_t)(brace - s) + 1 >= n) {
            i = n;
            break;
        }
        i = (size_t)(brace - s);
        if (s[i + 1] == '%' || s[i + 1] == '{')
            break;
        i++;
    }
    if (i > tk->pos) {
        tok->kind = LIQ_T_TEXT;
        tok->text = gz_str_n(s + tk->pos, i - tk->pos);
        tk->pos = i;
        return true;
    }
    size_t end = delimited_end(tk, i);
    tok->kind = s[i + 1] == '%' ? LIQ_T_TAG : LIQ_T_OUTPUT;
    tok->text = gz_str_n(s + i, end - i);
    tk->pos = end;
    return true;
}
