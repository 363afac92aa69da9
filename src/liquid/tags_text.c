/* Tags about literal text: raw, comment, and the inline comment {% # %}. */
#include "liquid/parse.h"
#include "liquid/scan.h"

/* ---- raw -------------------------------------------------------------- */

/* Raw's FullTokenPossiblyInvalid /\A(.*){%\s*(\w+)\s*(.*)?%}\z/m with the
 * tag name "endraw": the token's text before that last "{%" in *before. */
static bool
is_endraw(gz_str tok, gz_str *before)
{
    if (tok.len < 4 || tok.p[tok.len - 2] != '%' || tok.p[tok.len - 1] != '}')
        return false;
    for (size_t i = tok.len - 2; i-- > 0;) {
        if (tok.p[i] != '{' || tok.p[i + 1] != '%')
            continue;
        size_t j = liq_skip_space(tok, i + 2), k = j;
        while (k < tok.len && liq_is_word(tok.p[k]))
            k++;
        if (k == j)
            continue; /* no name here: an earlier "{%" may still match */
        if (!gz_str_eq_c(liq_substr(tok, j, k), "endraw"))
            return false;
        *before = liq_substr(tok, 0, i);
        return true;
    }
    return false;
}

static bool
parse_raw(liq_parser *p, liq_tokenizer *tk, liq_node *node, gz_str markup)
{
    for (size_t i = 0; i < markup.len; i++)
        if (!liq_is_space(markup.p[i]))
            return liq_syntax_error(p, "Syntax Error in 'raw' - Valid syntax: raw");
    /* the body is the tokens up to endraw, read as they are; they are
     * adjacent in the source except inside {% liquid %}, whose lines
     * Ruby joins without their newlines */
    gz_buf joined = GZ_BUF_INIT;
    const char *start = NULL, *stop = NULL;
    bool adjacent = true;
    liq_token tok;
    while (liq_tokenizer_next(tk, &tok)) {
        gz_str piece = tok.text;
        bool last = is_endraw(tok.text, &piece);
        if (piece.len) {
            if (!start)
                start = piece.p;
            else if (piece.p != stop)
                adjacent = false;
            stop = piece.p + piece.len;
            gz_buf_put_str(&joined, piece);
        }
        if (last) {
            gz_str *body = gz_arena_alloc(p->arena, sizeof *body);
            *body = adjacent ? gz_str_n(start, start ? (size_t)(stop - start) : 0)
                             : gz_str_n(gz_arena_strndup(p->arena, joined.data, joined.len),
                                        joined.len);
            gz_buf_free(&joined);
            node->u.data = body;
            node->blank = body->len == 0;
            return true;
        }
    }
    gz_buf_free(&joined);
    return liq_syntax_error(p, "'raw' tag was never closed");
}

static bool
render_raw(liq_ctx *ctx, const liq_node *node, gz_buf *out)
{
    (void)ctx;
    gz_buf_put_str(out, *(const gz_str *)node->u.data);
    return true;
}

const liq_tag_def liq_tag_raw = { "raw", parse_raw, render_raw, liq_reads_nothing };

/* ---- comment ---------------------------------------------------------- */

/* The body is parsed (its tags must be valid, unknown ones are ignored)
 * and then dropped. */
static bool
parse_comment(liq_parser *p, liq_tokenizer *tk, liq_node *node, gz_str markup)
{
    (void)markup;
    liq_body body = { 0 };
    for (;;) {
        liq_end end;
        if (!liq_parse_body(p, tk, &body, &end))
            return false;
        if (end.eof)
            return liq_syntax_error(p, "'comment' tag was never closed");
        if (gz_str_eq_c(end.name, "endcomment"))
            break;
    }
    node->blank = true;
    return true;
}

static bool
render_nothing(liq_ctx *ctx, const liq_node *node, gz_buf *out)
{
    (void)ctx, (void)node, (void)out;
    return true;
}

const liq_tag_def liq_tag_comment = { "comment", parse_comment, render_nothing, liq_reads_nothing };

/* ---- {% # inline comment %} ------------------------------------------- */

/* Every line after the first must start with "#": /\n\s*[^#\s]/ fails. */
static bool
parse_inline_comment(liq_parser *p, liq_tokenizer *tk, liq_node *node, gz_str markup)
{
    (void)tk;
    for (size_t i = 0; i < markup.len; i++) {
        if (markup.p[i] != '\n')
            continue;
        size_t j = liq_skip_space(markup, i + 1);
        if (j < markup.len && markup.p[j] != '#')
            return liq_syntax_error(p, "Syntax error in tag '#' - Each line of comments must "
                                       "be prefixed by the '#' character");
    }
    node->blank = true;
    return true;
}

const liq_tag_def liq_tag_inline_comment = { "#", parse_inline_comment, render_nothing,
                                              liq_reads_nothing };
