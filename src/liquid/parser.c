/* The template parser: tokens into block bodies, tags dispatched by name,
 * whitespace control, the {% liquid %} tag, and Liquid's syntax errors.
 *
 * As in Ruby Liquid, a body stops at the first tag it does not know and
 * hands it to the enclosing block, which decides whether it is its end
 * tag, an else/when it understands, or an error. */
#include <stdarg.h>

#include "liquid/parse.h"
#include "liquid/scan.h"
#include "liquid/tags_jekyll.h"

/* ---- locations and errors -------------------------------------------- */

void
liq_locate(liq_parser *p, size_t offset, int *line, int *column)
{
    liq_tracker *w = &p->where;
    if (offset < w->offset) { /* rare: restart from the top */
        w->offset = 0;
        w->line = 1;
        w->column = 1;
    }
    const char *s = p->t->source.p;
    for (size_t i = w->offset; i < offset; i++) {
        if (s[i] == '\n') {
            w->line++;
            w->column = 1;
        } else if (((unsigned char)s[i] & 0xC0) != 0x80) {
            w->column++;
        }
    }
    w->offset = offset;
    *line = w->line;
    *column = w->column;
}

static bool
parse_error(liq_parser *p, bool syntax, const char *message)
{
    const char *kind = syntax ? "Liquid syntax error" : "Liquid error";
    int line, column;
    liq_locate(p, p->at, &line, &column);
    int ruby_line = p->at_line ? p->at_line : line;
    gz_buf_clear(&p->error);
    gz_buf_puts(&p->error, message);
    p->error_line = ruby_line;
    p->error_column = column;
    p->error_syntax = syntax;
    if (p->t->name)
        gz_diags_add(p->diags, GZ_ERROR, p->t->name, line, column, "%s (%s line %d): %s", kind,
                     p->t->name, ruby_line, message);
    else
        gz_diags_add(p->diags, GZ_ERROR, NULL, line, column, "%s (line %d): %s", kind,
                     ruby_line, message);
    return false;
}

bool
liq_syntax_error(liq_parser *p, const char *fmt, ...)
{
    gz_buf msg = GZ_BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    gz_buf_vprintf(&msg, fmt, ap);
    va_end(ap);
    parse_error(p, true, msg.data);
    gz_buf_free(&msg);
    return false;
}

/* Points messages at offset `at`; Ruby's line is that of `line_at`. */
static void
set_position(liq_parser *p, size_t at, size_t line_at)
{
    int line, column;
    liq_locate(p, at, &line, &column);
    p->at = at;
    p->at_line = line;
    if (line_at > at) {
        liq_locate(p, line_at, &line, &column);
        p->at_line = line;
    }
}

bool
liq_unknown_tag(liq_parser *p, gz_str tag, const char *block, const char *delimiter)
{
    if (gz_str_eq_c(tag, "else"))
        return liq_syntax_error(p, "%s tag does not expect 'else' tag", block);
    if (gz_str_starts_with(tag, GZ_STR("end")))
        return liq_syntax_error(p, "'%.*s' is not a valid delimiter for %s tags. use %s",
                                (int)tag.len, tag.p, block, delimiter);
    return liq_syntax_error(p, "Unknown tag '%.*s'", (int)tag.len, tag.p);
}

bool
liq_expect_end(liq_parser *p, const liq_end *end, const char *block)
{
    if (end->eof)
        return liq_syntax_error(p, "'%s' tag was never closed", block);
    char delimiter[64];
    snprintf(delimiter, sizeof delimiter, "end%s", block);
    if (gz_str_eq_c(end->name, delimiter))
        return true;
    return liq_unknown_tag(p, end->name, block, delimiter);
}

void *
liq_arena_dup(liq_parser *p, const gz_buf *b)
{
    if (!b->len)
        return NULL;
    void *m = gz_arena_alloc(p->arena, b->len);
    memcpy(m, b->data, b->len);
    return m;
}

/* ---- tags ------------------------------------------------------------- */

static const liq_tag_def *const tags[] = {
    &liq_tag_assign,  &liq_tag_break,    &liq_tag_capture,   &liq_tag_case,
    &liq_tag_comment, &liq_tag_continue, &liq_tag_cycle,     &liq_tag_decrement,
    &liq_tag_echo,    &liq_tag_for,      &liq_tag_if,        &liq_tag_ifchanged,
    &liq_tag_include, &liq_tag_increment, &liq_tag_raw,      &liq_tag_render,
    &liq_tag_tablerow, &liq_tag_unless,  &liq_tag_inline_comment,
};

const liq_tag_def *
liq_tag_find(gz_str name)
{
    for (size_t i = 0; i < sizeof tags / sizeof tags[0]; i++)
        if (gz_str_eq_c(name, tags[i]->name))
            return tags[i];
    return NULL;
}

/* Jekyll's tags first when enabled (its include replaces Liquid's), then
 * Liquid's, then the embedder's custom tags (tags_jekyll.c). */
static const liq_tag_def *
find_tag(liq_parser *p, gz_str name)
{
    const liq_tag_def *def = liq_tag_find_jekyll(p, name);
    if (!def)
        def = liq_tag_find(name);
    return def ? def : liq_tag_find_custom(p, name);
}

/* ---- bodies ----------------------------------------------------------- */

static liq_node *
append(liq_parser *p, liq_body *body)
{
    if (body->len == body->cap) {
        uint32_t cap = body->cap ? body->cap * 2 : 4;
        body->nodes = gz_arena_realloc(p->arena, body->nodes, body->cap * sizeof *body->nodes,
                                       cap * sizeof *body->nodes);
        body->cap = cap;
    }
    liq_node *n = &body->nodes[body->len++];
    memset(n, 0, sizeof *n);
    return n;
}

void
liq_body_remove_blank_text(liq_body *body)
{
    uint32_t w = 0;
    for (uint32_t r = 0; r < body->len; r++)
        if (body->nodes[r].kind != LIQ_N_TEXT)
            body->nodes[w++] = body->nodes[r];
    body->len = w;
}

static bool
is_blank_text(gz_str s)
{
    for (size_t i = 0; i < s.len; i++)
        if (!liq_is_space(s.p[i]))
            return false;
    return true;
}

/* {%- and {{- strip the text before; -%} and -}} the text after. */
static void
whitespace_control(liq_parser *p, liq_body *body, gz_str token)
{
    if (token.len > 2 && token.p[2] == '-' && body->len &&
        body->nodes[body->len - 1].kind == LIQ_N_TEXT) {
        liq_node *prev = &body->nodes[body->len - 1];
        prev->u.text = liq_rstrip(prev->u.text);
    }
    p->trim_next = token.len >= 3 && token.p[token.len - 3] == '-';
}

static bool
parse_tag(liq_parser *p, liq_tokenizer *tk, liq_body *body, const liq_tag_def *def,
          gz_str markup)
{
    liq_node node = { 0 };
    node.kind = LIQ_N_TAG;
    node.tag = def;
    node.line = p->at_line;
    int line;
    liq_locate(p, p->at, &line, &node.column);
    if (!def->parse(p, tk, &node, markup))
        return false;
    *append(p, body) = node;
    body->blank = body->blank && node.blank;
    return true;
}

static bool parse_lines(liq_parser *p, liq_tokenizer *tk, liq_body *body, liq_end *end);

/* {% liquid %}: its lines are tags added to the current body. */
static bool
parse_liquid_tag(liq_parser *p, liq_body *body, gz_str markup)
{
    liq_tokenizer lines;
    liq_end end;
    liq_tokenizer_init(&lines, markup, true);
    if (!parse_lines(p, &lines, body, &end))
        return false;
    if (!end.eof)
        return liq_unknown_tag(p, end.name, "liquid", "%}");
    return true;
}

/* FullToken /\A{%-?(\s*)(#|\w+)(\s*)(.*?)-?%}\z/m */
static bool
split_tag(gz_str token, gz_str *name, gz_str *markup)
{
    if (token.len < 4 || token.p[token.len - 2] != '%' || token.p[token.len - 1] != '}')
        return false;
    gz_str inner = gz_str_n(token.p, token.len - 2);
    size_t i = 2;
    if (inner.p[i] == '-')
        i++;
    i = liq_skip_space(inner, i);
    size_t start = i;
    if (i < inner.len && inner.p[i] == '#')
        i++;
    else
        while (i < inner.len && liq_is_word(inner.p[i]))
            i++;
    if (i == start)
        return false;
    *name = liq_substr(inner, start, i);
    i = liq_skip_space(inner, i);
    size_t end = inner.len;
    if (end > i && inner.p[end - 1] == '-')
        end--;
    *markup = liq_substr(inner, i, end);
    return true;
}

/* ContentOfVariable /\A{{-?(.*?)-?}}\z/m */
static bool
split_output(gz_str token, gz_str *markup)
{
    if (token.len < 4 || token.p[token.len - 2] != '}' || token.p[token.len - 1] != '}')
        return false;
    size_t from = 2, to = token.len - 2;
    if (from < to && token.p[from] == '-')
        from++;
    if (to > from && token.p[to - 1] == '-')
        to--;
    *markup = liq_substr(token, from, to);
    return true;
}

static bool
parse_document(liq_parser *p, liq_tokenizer *tk, liq_body *body, liq_end *end)
{
    liq_token tok;
    while (liq_tokenizer_next(tk, &tok)) {
        size_t at = liq_offset(p, tok.text);
        if (tok.kind == LIQ_T_TEXT) {
            gz_str text = tok.text;
            if (p->trim_next)
                text = liq_lstrip(text);
            p->trim_next = false;
            liq_node *n = append(p, body);
            n->kind = LIQ_N_TEXT;
            n->u.text = text;
            body->blank = body->blank && is_blank_text(text);
            continue;
        }
        whitespace_control(p, body, tok.text);
        if (tok.kind == LIQ_T_OUTPUT) {
            gz_str markup;
            set_position(p, at, at);
            if (!split_output(tok.text, &markup))
                return liq_syntax_error(p,
                                        "Variable '%.*s' was not properly terminated with "
                                        "regexp: /\\}\\}/",
                                        (int)tok.text.len, tok.text.p);
            liq_node node = { 0 };
            node.kind = LIQ_N_OUTPUT;
            node.line = p->at_line;
            int line;
            liq_locate(p, at, &line, &node.column);
            if (!(node.u.var = liq_variable_parse(p, markup)))
                return false;
            *append(p, body) = node;
            body->blank = false;
            continue;
        }
        gz_str name, markup;
        if (!split_tag(tok.text, &name, &markup)) {
            set_position(p, at, at);
            return liq_syntax_error(p,
                                    "Tag '%.*s' was not properly terminated with regexp: "
                                    "/\\%%\\}/",
                                    (int)tok.text.len, tok.text.p);
        }
        set_position(p, liq_offset(p, name), liq_offset(p, markup));
        if (gz_str_eq_c(name, "liquid")) {
            if (!parse_liquid_tag(p, body, markup))
                return false;
            continue;
        }
        const liq_tag_def *def = find_tag(p, name);
        if (!def) {
            *end = (liq_end){ false, name, markup };
            return true;
        }
        if (!parse_tag(p, tk, body, def, markup))
            return false;
    }
    set_position(p, liq_offset(p, tk->src) + tk->src.len, 0);
    *end = (liq_end){ true, { NULL, 0 }, { NULL, 0 } };
    return true;
}

/* LiquidTagToken /\A\s*(#|\w+)\s*(.*?)\z/ */
static bool
split_line(gz_str line, gz_str *name, gz_str *markup)
{
    size_t i = liq_skip_space(line, 0), start = i;
    if (i < line.len && line.p[i] == '#')
        i++;
    else
        while (i < line.len && liq_is_word(line.p[i]))
            i++;
    if (i == start)
        return false;
    *name = liq_substr(line, start, i);
    *markup = liq_substr(line, liq_skip_space(line, i), line.len);
    return true;
}

static bool
parse_lines(liq_parser *p, liq_tokenizer *tk, liq_body *body, liq_end *end)
{
    liq_token tok;
    while (liq_tokenizer_next(tk, &tok)) {
        if (is_blank_text(tok.text))
            continue;
        gz_str name, markup;
        if (!split_line(tok.text, &name, &markup)) {
            set_position(p, liq_offset(p, tok.text), 0);
            *end = (liq_end){ false, tok.text, tok.text };
            return true;
        }
        set_position(p, liq_offset(p, name), 0);
        const liq_tag_def *def = find_tag(p, name);
        if (!def) {
            *end = (liq_end){ false, name, markup };
            return true;
        }
        if (!parse_tag(p, tk, body, def, markup))
            return false;
    }
    set_position(p, liq_offset(p, tk->src) + tk->src.len, 0);
    *end = (liq_end){ true, { NULL, 0 }, { NULL, 0 } };
    return true;
}

static bool
parse_nodes(liq_parser *p, liq_tokenizer *tk, liq_body *body, liq_end *end)
{
    return tk->for_liquid_tag ? parse_lines(p, tk, body, end) : parse_document(p, tk, body, end);
}

bool
liq_parse_body(liq_parser *p, liq_tokenizer *tk, liq_body *body, liq_end *end)
{
    if (p->depth >= LIQ_MAX_DEPTH)
        return parse_error(p, false, "Nesting too deep");
    if (!body->cap)
        body->blank = true;
    p->depth++;
    bool ok = parse_nodes(p, tk, body, end);
    p->depth--;
    return ok;
}

/* The template's top level: unknown tags are errors here. */
bool
liq_parse_document(liq_parser *p)
{
    liq_tokenizer tk;
    liq_end end;
    liq_tokenizer_init(&tk, p->t->source, false);
    p->t->body.blank = true;
    if (!parse_nodes(p, &tk, &p->t->body, &end))
        return false;
    if (end.eof)
        return true;
    if (gz_str_eq_c(end.name, "else") || gz_str_eq_c(end.name, "end"))
        return liq_syntax_error(p, "Unexpected outer '%.*s' tag", (int)end.name.len, end.name.p);
    return liq_syntax_error(p, "Unknown tag '%.*s'", (int)end.name.len, end.name.p);
}
