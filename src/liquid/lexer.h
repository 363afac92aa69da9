/* The strict markup lexer and parser helpers (Ruby Liquid's Lexer and
 * Parser classes): markup becomes tokens, and expressions are read back
 * as the text Liquid gives Expression.parse. Internal to the liquid part. */
#ifndef LIQ_LEXER_H
#define LIQ_LEXER_H

#include "liquid/parse.h"

typedef enum liq_tok {
    LIQ_TK_END,
    LIQ_TK_COMPARISON,
    LIQ_TK_STRING,
    LIQ_TK_NUMBER,
    LIQ_TK_ID,
    LIQ_TK_DOTDOT,
    LIQ_TK_PIPE,
    LIQ_TK_DOT,
    LIQ_TK_COLON,
    LIQ_TK_COMMA,
    LIQ_TK_OPEN_SQUARE,
    LIQ_TK_CLOSE_SQUARE,
    LIQ_TK_OPEN_ROUND,
    LIQ_TK_CLOSE_ROUND,
    LIQ_TK_QUESTION,
    LIQ_TK_DASH,
} liq_tok;

typedef struct liq_mtoken {
    liq_tok type;
    gz_str text;
} liq_mtoken;

typedef struct liq_lexer {
    gz_arena *arena; /* for expression text that is not a source span */
    liq_mtoken *toks;
    size_t n, at;
    int depth;
    gz_buf *tokbuf; /* storage of toks */
    gz_buf error;   /* Ruby's message when a call fails */
} liq_lexer;

/* Tokenizes `markup`; false with "Unexpected character X". Tokens are
 * stored in `tokbuf` (reused between calls). */
bool liq_lexer_init(liq_lexer *lx, gz_arena *arena, gz_buf *tokbuf, gz_str markup);
void liq_lexer_free(liq_lexer *lx);

bool liq_lex_look(const liq_lexer *lx, liq_tok type, size_t ahead);
/* consume(type): false with "Expected X but found Y". */
bool liq_lex_consume(liq_lexer *lx, liq_tok type, gz_str *text);
/* consume?(type) */
bool liq_lex_accept(liq_lexer *lx, liq_tok type, gz_str *text);
/* id?(word) */
bool liq_lex_id(liq_lexer *lx, const char *word);

/* Parser#expression: the expression's text as Liquid serialises it. */
bool liq_lex_expression(liq_lexer *lx, gz_str *out);
/* Parser#argument: `key: expression` sets *key, else key->len == 0. */
bool liq_lex_argument(liq_lexer *lx, gz_str *key, gz_str *expr);

#endif
