/* Ruby Liquid's strict lexer and the Parser helpers built on it. An
 * expression is returned as the text Liquid would build from its tokens
 * (the tokens concatenated without the whitespace between them, ranges as
 * "(a..b)"), because Liquid then reads that text with Expression.parse. */
#include "liquid/lexer.h"

#include "core/utf8.h"
#include "liquid/scan.h"

static const char *const tok_names[] = {
    [LIQ_TK_END] = "end_of_string",  [LIQ_TK_COMPARISON] = "comparison",
    [LIQ_TK_STRING] = "string",      [LIQ_TK_NUMBER] = "number",
    [LIQ_TK_ID] = "id",              [LIQ_TK_DOTDOT] = "dotdot",
    [LIQ_TK_PIPE] = "pipe",          [LIQ_TK_DOT] = "dot",
    [LIQ_TK_COLON] = "colon",        [LIQ_TK_COMMA] = "comma",
    [LIQ_TK_OPEN_SQUARE] = "open_square", [LIQ_TK_CLOSE_SQUARE] = "close_square",
    [LIQ_TK_OPEN_ROUND] = "open_round",   [LIQ_TK_CLOSE_ROUND] = "close_round",
    [LIQ_TK_QUESTION] = "question",  [LIQ_TK_DASH] = "dash",
};

static bool
is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* The comparison operator at s[i..], or 0. */
static size_t
comparison_len(gz_str s, size_t i)
{
    const char *p = s.p + i;
    size_t left = s.len - i;
    if (left >= 2 && (p[1] == '=' && (p[0] == '=' || p[0] == '!' || p[0] == '<' || p[0] == '>')))
        return 2;
    if (left >= 2 && p[0] == '<' && p[1] == '>')
        return 2;
    if (p[0] == '<' || p[0] == '>')
        return 1;
    if (left > 8 && !memcmp(p, "contains", 8) && liq_is_space(p[8]))
        return 8;
    return 0;
}

static size_t
number_len(gz_str s, size_t i)
{
    size_t j = i;
    if (j < s.len && s.p[j] == '-')
        j++;
    size_t digits = j;
    while (j < s.len && is_digit(s.p[j]))
        j++;
    if (j == digits)
        return 0;
    if (j + 1 < s.len && s.p[j] == '.' && is_digit(s.p[j + 1])) {
        j++;
        while (j < s.len && is_digit(s.p[j]))
            j++;
    }
    return j - i;
}

static size_t
identifier_len(gz_str s, size_t i)
{
    char c = s.p[i];
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'))
        return 0;
    size_t j = i + 1;
    while (j < s.len && (liq_is_word(s.p[j]) || s.p[j] == '-'))
        j++;
    if (j < s.len && s.p[j] == '?')
        j++;
    return j - i;
}

static liq_tok
special(char c)
{
    switch (c) {
    case '|': return LIQ_TK_PIPE;
    case '.': return LIQ_TK_DOT;
    case ':': return LIQ_TK_COLON;
    case ',': return LIQ_TK_COMMA;
    case '[': return LIQ_TK_OPEN_SQUARE;
    case ']': return LIQ_TK_CLOSE_SQUARE;
    case '(': return LIQ_TK_OPEN_ROUND;
    case ')': return LIQ_TK_CLOSE_ROUND;
    case '?': return LIQ_TK_QUESTION;
    case '-': return LIQ_TK_DASH;
    default: return LIQ_TK_END;
    }
}

static void
push(gz_buf *b, liq_tok type, gz_str text)
{
    liq_mtoken t = { type, text };
    gz_buf_put(b, &t, sizeof t);
}

bool
liq_lexer_init(liq_lexer *lx, gz_arena *arena, gz_buf *tokbuf, gz_str s)
{
    lx->arena = arena;
    lx->tokbuf = tokbuf;
    lx->at = 0;
    lx->depth = 0;
    lx->error = (gz_buf)GZ_BUF_INIT;
    gz_buf_clear(tokbuf);
    size_t i = 0;
    for (;;) {
        i = liq_skip_space(s, i);
        if (i >= s.len)
            break;
        size_t n;
        liq_tok type;
        if ((n = comparison_len(s, i))) {
            type = LIQ_TK_COMPARISON;
        } else if (s.p[i] == '\'' || s.p[i] == '"') {
            size_t end = liq_quoted_string(s, i);
            if (end == i)
                goto unexpected;
            n = end - i;
            type = LIQ_TK_STRING;
        } else if ((n = number_len(s, i))) {
            type = LIQ_TK_NUMBER;
        } else if ((n = identifier_len(s, i))) {
            type = LIQ_TK_ID;
        } else if (i + 1 < s.len && s.p[i] == '.' && s.p[i + 1] == '.') {
            n = 2;
            type = LIQ_TK_DOTDOT;
        } else if ((type = special(s.p[i])) != LIQ_TK_END) {
            n = 1;
        } else {
            goto unexpected;
        }
        push(tokbuf, type, liq_substr(s, i, i + n));
        i += n;
    }
    push(tokbuf, LIQ_TK_END, liq_substr(s, s.len, s.len));
    lx->toks = (liq_mtoken *)tokbuf->data;
    lx->n = tokbuf->len / sizeof(liq_mtoken);
    return true;
unexpected:;
    int32_t cp;
    size_t len = gz_utf8_decode(s.p + i, s.len - i, &cp);
    gz_buf_printf(&lx->error, "Unexpected character %.*s", (int)len, s.p + i);
    lx->toks = NULL;
    lx->n = 0;
    return false;
}

void
liq_lexer_free(liq_lexer *lx)
{
    gz_buf_free(&lx->error);
}

bool
liq_lex_look(const liq_lexer *lx, liq_tok type, size_t ahead)
{
    return lx->at + ahead < lx->n && lx->toks[lx->at + ahead].type == type;
}

bool
liq_lex_accept(liq_lexer *lx, liq_tok type, gz_str *text)
{
    if (!liq_lex_look(lx, type, 0))
        return false;
    if (text)
        *text = lx->toks[lx->at].text;
    lx->at++;
    return true;
}

bool
liq_lex_consume(liq_lexer *lx, liq_tok type, gz_str *text)
{
    if (liq_lex_accept(lx, type, text))
        return true;
    gz_buf_clear(&lx->error);
    gz_buf_printf(&lx->error, "Expected %s but found %s", tok_names[type],
                  tok_names[lx->toks[lx->at].type]);
    return false;
}

bool
liq_lex_id(liq_lexer *lx, const char *word)
{
    if (!liq_lex_look(lx, LIQ_TK_ID, 0) || !gz_str_eq_c(lx->toks[lx->at].text, word))
        return false;
    lx->at++;
    return true;
}

/* "[:id, \"x\"] is not a valid expression": Ruby prints the token array. */
static bool
not_an_expression(liq_lexer *lx)
{
    const liq_mtoken *t = &lx->toks[lx->at];
    gz_buf_clear(&lx->error);
    gz_buf_printf(&lx->error, "[:%s", tok_names[t->type]);
    if (t->type != LIQ_TK_END) {
        gz_buf_puts(&lx->error, ", ");
        gz_value_inspect(&lx->error, gz_str_value(t->text), NULL);
    }
    gz_buf_puts(&lx->error, "] is not a valid expression");
    return false;
}

/* The serialised text of tokens [from, lx->at): the source span when the
 * tokens touch, else their concatenation copied into the arena. */
static gz_str
tokens_text(liq_lexer *lx, size_t from)
{
    const liq_mtoken *t = lx->toks;
    bool touching = true;
    for (size_t i = from + 1; i < lx->at && touching; i++)
        touching = t[i - 1].text.p + t[i - 1].text.len == t[i].text.p;
    if (touching)
        return gz_str_n(t[from].text.p, (size_t)(t[lx->at - 1].text.p + t[lx->at - 1].text.len -
                                                 t[from].text.p));
    size_t len = 0;
    for (size_t i = from; i < lx->at; i++)
        len += t[i].text.len;
    char *s = gz_arena_alloc(lx->arena, len + 1), *w = s;
    for (size_t i = from; i < lx->at; i++) {
        memcpy(w, t[i].text.p, t[i].text.len);
        w += t[i].text.len;
    }
    *w = '\0';
    return gz_str_n(s, len);
}

static bool expression(liq_lexer *lx);

static bool
variable_lookups(liq_lexer *lx)
{
    for (;;) {
        if (liq_lex_accept(lx, LIQ_TK_OPEN_SQUARE, NULL)) {
            if (!expression(lx) || !liq_lex_consume(lx, LIQ_TK_CLOSE_SQUARE, NULL))
                return false;
        } else if (liq_lex_accept(lx, LIQ_TK_DOT, NULL)) {
            if (!liq_lex_consume(lx, LIQ_TK_ID, NULL))
                return false;
        } else {
            return true;
        }
    }
}

/* Consumes one expression's tokens. */
static bool
expression(liq_lexer *lx)
{
    if (lx->depth >= LIQ_MAX_DEPTH) {
        gz_buf_clear(&lx->error);
        gz_buf_puts(&lx->error, "Nesting too deep");
        return false;
    }
    lx->depth++;
    bool ok;
    switch (lx->toks[lx->at].type) {
    case LIQ_TK_ID:
        lx->at++;
        ok = variable_lookups(lx);
        break;
    case LIQ_TK_OPEN_SQUARE:
        lx->at++;
        ok = expression(lx) && liq_lex_consume(lx, LIQ_TK_CLOSE_SQUARE, NULL) &&
             variable_lookups(lx);
        break;
    case LIQ_TK_STRING:
    case LIQ_TK_NUMBER:
        lx->at++;
        ok = true;
        break;
    case LIQ_TK_OPEN_ROUND:
        lx->at++;
        ok = expression(lx) && liq_lex_consume(lx, LIQ_TK_DOTDOT, NULL) && expression(lx) &&
             liq_lex_consume(lx, LIQ_TK_CLOSE_ROUND, NULL);
        break;
    default:
        ok = not_an_expression(lx);
    }
    lx->depth--;
    return ok;
}

bool
liq_lex_expression(liq_lexer *lx, gz_str *out)
{
    size_t from = lx->at;
    if (!expression(lx))
        return false;
    *out = tokens_text(lx, from);
    return true;
}

bool
liq_lex_argument(liq_lexer *lx, gz_str *key, gz_str *expr)
{
    *key = gz_str_n(NULL, 0);
    if (liq_lex_look(lx, LIQ_TK_ID, 0) && liq_lex_look(lx, LIQ_TK_COLON, 1)) {
        *key = lx->toks[lx->at].text;
        lx->at += 2;
    }
    return liq_lex_expression(lx, expr);
}
