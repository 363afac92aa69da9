/* `markdown: CommonMark` as jekyll-commonmark 1.4 renders it: cmark-gfm
 * parses with the `commonmark.options` and `commonmark.extensions` of the
 * config, and the HTML is written as commonmarker 0.23's *Ruby*
 * HtmlRenderer writes it (not cmark-gfm's C renderer), with
 * jekyll-commonmark's code blocks (Rouge's wrapper; the code as plain
 * text, since gazette has no Rouge lexers). The walk is iterative. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm.h>

#include "core/arena.h"
#include "site/markdown.h"

/* CommonMarker::Config::OPTS: the same bits as cmark-gfm's CMARK_OPT_*. */
static const struct {
    const char *name;
    int bit;
    bool parse, render;
} options[] = {
    { "SOURCEPOS", CMARK_OPT_SOURCEPOS, true, true },
    { "UNSAFE", CMARK_OPT_UNSAFE, true, true },
    { "VALIDATE_UTF8", CMARK_OPT_VALIDATE_UTF8, true, true },
    { "SMART", CMARK_OPT_SMART, true, true },
    { "LIBERAL_HTML_TAG", CMARK_OPT_LIBERAL_HTML_TAG, true, true },
    { "FOOTNOTES", CMARK_OPT_FOOTNOTES, true, true },
    { "STRIKETHROUGH_DOUBLE_TILDE", CMARK_OPT_STRIKETHROUGH_DOUBLE_TILDE, true, true },
    { "HARDBREAKS", CMARK_OPT_HARDBREAKS, false, true },
    { "NOBREAKS", CMARK_OPT_NOBREAKS, false, true },
    { "GITHUB_PRE_LANG", CMARK_OPT_GITHUB_PRE_LANG, false, true },
    { "TABLE_PREFER_STYLE_ATTRIBUTES", CMARK_OPT_TABLE_PREFER_STYLE_ATTRIBUTES, false, true },
    { "FULL_INFO_STRING", CMARK_OPT_FULL_INFO_STRING, false, true },
};

void
site_commonmark_option(site_commonmark_opts *o, gz_str name)
{
    for (size_t i = 0; i < sizeof options / sizeof options[0]; i++) {
        if (name.len != strlen(options[i].name) ||
            strncasecmp(name.p, options[i].name, name.len)) /* e.upcase */
            continue;
        if (options[i].parse)
            o->parse |= options[i].bit;
        if (options[i].render)
            o->render |= options[i].bit;
    }
}

void
site_commonmark_extension(site_commonmark_opts *o, gz_str name)
{
    static const char *const known[] = { "table", "strikethrough", "autolink", "tagfilter",
                                         "tasklist" };
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        if (gz_str_eq_c(name, known[i]) && o->nexts < sizeof o->exts / sizeof o->exts[0])
            o->exts[o->nexts++] = known[i];
}

/* ---- the writer ------------------------------------------------------------ */

typedef struct writer {
    gz_buf *out;
    int opts;          /* render options */
    bool tagfilter;
    bool in_tight;
    int plain;         /* inside an image's alt text */
    bool *tight_stack; /* in_tight saved by each open list */
    size_t ntight, captight;
    int footnote_ix, written_ix;
    uint8_t *aligns;   /* the current table's */
    int column;
    bool in_header, close_tbody;
} writer;

static bool
on(const writer *w, int opt)
{
    return (w->opts & opt) != 0;
}

static void
put(writer *w, const char *s)
{
    gz_buf_puts(w->out, s);
}

static void
cr(writer *w)
{
    if (w->out->len && w->out->data[w->out->len - 1] != '\n')
        gz_buf_putc(w->out, '\n');
}

/* houdini_escape_html: & < > " */
static void
escape_html(writer *w, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '&': put(w, "&amp;"); break;
        case '<': put(w, "&lt;"); break;
        case '>': put(w, "&gt;"); break;
        case '"': put(w, "&quot;"); break;
        default: gz_buf_putc(w->out, *s);
        }
    }
}

/* houdini_escape_href: URL characters kept, & and ' as entities, the rest
 * percent-encoded. */
static void
escape_href(writer *w, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            strchr("-_.+!*(),%#@?=;:/$~", c))
            gz_buf_putc(w->out, (char)c);
        else if (c == '&')
            put(w, "&amp;");
        else if (c == '\'')
            put(w, "&#x27;");
        else {
            gz_buf_putc(w->out, '%');
            gz_buf_putc(w->out, hex[c >> 4]);
            gz_buf_putc(w->out, hex[c & 15]);
        }
    }
}

/* The tagfilter extension: "<" of a few dangerous tags as "&lt;". */
static void
raw_html(writer *w, const char *s)
{
    if (!on(w, CMARK_OPT_UNSAFE)) {
        put(w, "<!-- raw HTML omitted -->");
        return;
    }
    static const char *const tags[] = { "title", "textarea", "style", "xmp", "iframe",
                                        "noembed", "noframes", "script", "plaintext" };
    for (; s && *s; s++) {
        bool filtered = false;
        for (size_t k = 0; w->tagfilter && *s == '<' && k < sizeof tags / sizeof tags[0]; k++) {
            size_t n = strlen(tags[k]);
            const char *after = s + 1 + n;
            if (!strncasecmp(s + 1, tags[k], n) &&
                (*after == ' ' || *after == '\t' || *after == '\n' || *after == '\r' ||
                 *after == '\f' || *after == '\v' || *after == '>' ||
                 (after[0] == '/' && after[1] == '>')))
                filtered = true;
        }
        if (filtered)
            put(w, "&lt;");
        else
            gz_buf_putc(w->out, *s);
    }
}

static void
footnote_backref(writer *w, bool *wrote)
{
    *wrote = false;
    if (w->written_ix == w->footnote_ix)
        return;
    w->written_ix = w->footnote_ix;
    gz_buf_printf(w->out, "<a href=\"#fnref%d\" class=\"footnote-backref\">\xE2\x86\xA9</a>",
                  w->footnote_ix);
    *wrote = true;
}

static const char *
type_string(cmark_node *n)
{
    return cmark_node_get_type_string(n);
}

static bool
is_ext(cmark_node *n, const char *name)
{
    return !strcmp(type_string(n), name);
}

/* The table extension names its header row "table_header". */
static bool
is_header_row(cmark_node *n)
{
    return is_ext(n, "table_header") ||
           (is_ext(n, "table_row") && cmark_gfm_extensions_get_table_row_is_header(n));
}

/* jekyll-commonmark's code_block: Rouge's wrapper around the code. */
static void
code_block(writer *w, cmark_node *n)
{
    const char *info = cmark_node_get_fence_info(n);
    size_t skip = info ? strspn(info, " \t\n\r\f\v") : 0;
    size_t len = info ? strcspn(info + skip, " \t\n\r\f\v") : 0;
    gz_str lang = gz_str_n(info ? info + skip : "", len);
    cr(w);
    put(w, "<div class=\"");
    if (lang.len)
        gz_buf_printf(w->out, "language-%.*s ", (int)lang.len, lang.p);
    put(w, "highlighter-rouge\"><div class=\"highlight\"><pre class=\"highlight\"");
    if (on(w, CMARK_OPT_GITHUB_PRE_LANG)) {
        if (lang.len)
            gz_buf_printf(w->out, " data-lang=\"%.*s\"", (int)lang.len, lang.p);
        put(w, "><code>");
    } else {
        put(w, "><code");
        if (lang.len)
            gz_buf_printf(w->out, " data-lang=\"%.*s\"", (int)lang.len, lang.p);
        put(w, ">");
    }
    /* Rouge's formatter escapes & < > */
    for (const char *s = cmark_node_get_literal(n); s && *s; s++) {
        if (*s == '&')
            put(w, "&amp;");
        else if (*s == '<')
            put(w, "&lt;");
        else if (*s == '>')
            put(w, "&gt;");
        else
            gz_buf_putc(w->out, *s);
    }
    put(w, "</code></pre></div></div>");
    cr(w);
}

static void
push_tight(writer *w, bool tight)
{
    if (w->ntight == w->captight) {
        w->captight = w->captight ? w->captight * 2 : 16;
        w->tight_stack = gz_xrealloc(w->tight_stack, w->captight * sizeof *w->tight_stack);
    }
    w->tight_stack[w->ntight++] = w->in_tight;
    w->in_tight = tight;
}

static void
enter(writer *w, cmark_node *n, cmark_iter *it)
{
    cmark_node *parent = cmark_node_parent(n);
    if (w->plain && cmark_node_get_type(n) != CMARK_NODE_TEXT &&
        cmark_node_get_type(n) != CMARK_NODE_SOFTBREAK && cmark_node_get_type(n) != CMARK_NODE_IMAGE)
        return; /* only the children's text */
    switch (cmark_node_get_type(n)) {
    case CMARK_NODE_DOCUMENT:
        return;
    case CMARK_NODE_HEADING:
        cr(w);
        gz_buf_printf(w->out, "<h%d>", cmark_node_get_heading_level(n));
        return;
    case CMARK_NODE_PARAGRAPH:
        if (w->in_tight && cmark_node_get_type(parent) != CMARK_NODE_BLOCK_QUOTE)
            return;
        cr(w);
        put(w, "<p>");
        return;
    case CMARK_NODE_LIST:
        push_tight(w, cmark_node_get_list_tight(n));
        cr(w);
        if (cmark_node_get_list_type(n) == CMARK_BULLET_LIST)
            put(w, "<ul>\n");
        else if (cmark_node_get_list_start(n) == 1)
            put(w, "<ol>\n");
        else
            gz_buf_printf(w->out, "<ol start=\"%d\">\n", cmark_node_get_list_start(n));
        return;
    case CMARK_NODE_ITEM:
        cr(w);
        put(w, "<li");
        if (is_ext(n, "tasklist"))
            gz_buf_printf(w->out, "><input type=\"checkbox\" %s /> ",
                          cmark_gfm_extensions_get_tasklist_item_checked(n)
                              ? "checked=\"\" disabled=\"\""
                              : "disabled=\"\"");
        else
            put(w, ">");
        return;
    case CMARK_NODE_BLOCK_QUOTE:
        cr(w);
        put(w, "<blockquote>\n");
        return;
    case CMARK_NODE_THEMATIC_BREAK:
        cr(w);
        put(w, "<hr />");
        cr(w);
        return;
    case CMARK_NODE_CODE_BLOCK:
        code_block(w, n);
        return;
    case CMARK_NODE_HTML_BLOCK:
        cr(w);
        raw_html(w, cmark_node_get_literal(n));
        cr(w);
        return;
    case CMARK_NODE_HTML_INLINE:
        raw_html(w, cmark_node_get_literal(n));
        return;
    case CMARK_NODE_TEXT:
        escape_html(w, cmark_node_get_literal(n));
        return;
    case CMARK_NODE_SOFTBREAK:
        put(w, on(w, CMARK_OPT_HARDBREAKS) ? "<br />\n" : on(w, CMARK_OPT_NOBREAKS) ? " " : "\n");
        return;
    case CMARK_NODE_LINEBREAK:
        put(w, "<br />\n");
        return;
    case CMARK_NODE_CODE:
        put(w, "<code>");
        escape_html(w, cmark_node_get_literal(n));
        put(w, "</code>");
        return;
    case CMARK_NODE_EMPH:
        put(w, "<em>");
        return;
    case CMARK_NODE_STRONG:
        put(w, "<strong>");
        return;
    case CMARK_NODE_LINK: {
        put(w, "<a href=\"");
        escape_href(w, cmark_node_get_url(n));
        put(w, "\"");
        const char *title = cmark_node_get_title(n);
        if (title && *title) {
            put(w, " title=\"");
            escape_html(w, title);
            put(w, "\"");
        }
        put(w, ">");
        return;
    }
    case CMARK_NODE_IMAGE:
        if (w->plain++)
            return; /* an image in alt text gives only its text */
        put(w, "<img src=\"");
        escape_href(w, cmark_node_get_url(n));
        put(w, "\" alt=\"");
        return;
    case CMARK_NODE_FOOTNOTE_REFERENCE: {
        const char *ix = cmark_node_get_literal(n);
        gz_buf_printf(w->out,
                      "<sup class=\"footnote-ref\"><a href=\"#fn%s\" id=\"fnref%s\">%s</a></sup>",
                      ix ? ix : "", ix ? ix : "", ix ? ix : "");
        return;
    }
    case CMARK_NODE_FOOTNOTE_DEFINITION:
        if (!w->footnote_ix)
            put(w, "<section class=\"footnotes\">\n<ol>\n");
        w->footnote_ix++;
        gz_buf_printf(w->out, "<li id=\"fn%d\">\n", w->footnote_ix);
        return;
    default:
        break;
    }
    if (is_ext(n, "table")) {
        w->aligns = cmark_gfm_extensions_get_table_alignments(n);
        w->close_tbody = false;
        put(w, "<table>\n");
    } else if (is_header_row(n)) {
        w->column = 0;
        w->in_header = true;
        put(w, "<thead>\n<tr>\n");
    } else if (is_ext(n, "table_row")) {
        w->column = 0;
        if (!w->in_header && !w->close_tbody) {
            w->close_tbody = true;
            put(w, "<tbody>\n");
        }
        put(w, "<tr>\n");
    } else if (is_ext(n, "table_cell")) {
        uint8_t al = w->aligns ? w->aligns[w->column] : 0;
        put(w, w->in_header ? "<th" : "<td");
        put(w, al == 'l' ? " align=\"left\"" : al == 'r' ? " align=\"right\"" : al == 'c' ? " align=\"center\"" : "");
        put(w, ">");
    } else if (is_ext(n, "strikethrough")) {
        put(w, "<del>");
    } else {
        /* unknown: its children are rendered, as nothing else would be */
        (void)it;
    }
}

static void
leave(writer *w, cmark_node *n)
{
    cmark_node *parent = cmark_node_parent(n);
    cmark_node_type t = cmark_node_get_type(n);
    if (t == CMARK_NODE_IMAGE && --w->plain == 0) {
        put(w, "\"");
        const char *title = cmark_node_get_title(n);
        if (title && *title) {
            put(w, " title=\"");
            escape_html(w, title);
            put(w, "\"");
        }
        put(w, " />");
        return;
    }
    if (w->plain)
        return;
    bool wrote;
    switch (t) {
    case CMARK_NODE_DOCUMENT:
        if (w->written_ix)
            put(w, "</ol>\n</section>\n");
        return;
    case CMARK_NODE_HEADING:
        gz_buf_printf(w->out, "</h%d>", cmark_node_get_heading_level(n));
        cr(w);
        return;
    case CMARK_NODE_PARAGRAPH:
        if (w->in_tight && cmark_node_get_type(parent) != CMARK_NODE_BLOCK_QUOTE)
            return;
        if (cmark_node_get_type(parent) == CMARK_NODE_FOOTNOTE_DEFINITION && !cmark_node_next(n)) {
            put(w, " ");
            footnote_backref(w, &wrote);
        }
        put(w, "</p>");
        cr(w);
        return;
    case CMARK_NODE_LIST:
        put(w, cmark_node_get_list_type(n) == CMARK_BULLET_LIST ? "</ul>" : "</ol>");
        cr(w);
        w->in_tight = w->tight_stack[--w->ntight];
        return;
    case CMARK_NODE_ITEM:
        put(w, "</li>");
        cr(w);
        return;
    case CMARK_NODE_BLOCK_QUOTE:
        put(w, "</blockquote>");
        cr(w);
        return;
    case CMARK_NODE_EMPH:
        put(w, "</em>");
        return;
    case CMARK_NODE_STRONG:
        put(w, "</strong>");
        return;
    case CMARK_NODE_LINK:
        put(w, "</a>");
        return;
    case CMARK_NODE_FOOTNOTE_DEFINITION:
        footnote_backref(w, &wrote);
        if (wrote)
            put(w, "\n");
        put(w, "</li>\n");
        return;
    default:
        break;
    }
    if (is_ext(n, "table")) {
        if (w->close_tbody)
            put(w, "</tbody>\n");
        put(w, "</table>\n");
    } else if (is_header_row(n)) {
        put(w, "</tr>\n</thead>\n");
        w->in_header = false;
    } else if (is_ext(n, "table_row")) {
        put(w, "</tr>\n");
    } else if (is_ext(n, "table_cell")) {
        put(w, w->in_header ? "</th>\n" : "</td>\n");
        w->column++;
    } else if (is_ext(n, "strikethrough")) {
        put(w, "</del>");
    }
}

static pthread_once_t once = PTHREAD_ONCE_INIT;

static void
init_extensions(void)
{
    cmark_gfm_core_extensions_ensure_registered();
}

void
site_commonmark(const site_commonmark_opts *o, gz_str text, gz_buf *html)
{
    pthread_once(&once, init_extensions);
    site_cmark_pool pool;
    cmark_parser *p = cmark_parser_new_with_mem(o->parse, site_cmark_pool_open(&pool, text.len));
    bool tagfilter = false;
    for (size_t i = 0; i < o->nexts; i++) {
        cmark_syntax_extension *e = cmark_find_syntax_extension(o->exts[i]);
        if (e)
            cmark_parser_attach_syntax_extension(p, e);
        tagfilter = tagfilter || !strcmp(o->exts[i], "tagfilter");
    }
    cmark_parser_feed(p, text.p ? text.p : "", text.len);
    cmark_node *doc = site_cmark_finish(p);
    writer w = { .out = html, .opts = o->render, .tagfilter = tagfilter };
    cmark_iter *it = cmark_iter_new(doc);
    cmark_event_type ev;
    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *n = cmark_iter_get_node(it);
        /* leaf nodes come with ENTER only */
        bool leaf = cmark_node_first_child(n) == NULL &&
                    (cmark_node_get_type(n) == CMARK_NODE_TEXT ||
                     cmark_node_get_type(n) == CMARK_NODE_SOFTBREAK ||
                     cmark_node_get_type(n) == CMARK_NODE_LINEBREAK ||
                     cmark_node_get_type(n) == CMARK_NODE_CODE ||
                     cmark_node_get_type(n) == CMARK_NODE_HTML_INLINE ||
                     cmark_node_get_type(n) == CMARK_NODE_HTML_BLOCK ||
                     cmark_node_get_type(n) == CMARK_NODE_CODE_BLOCK ||
                     cmark_node_get_type(n) == CMARK_NODE_THEMATIC_BREAK ||
                     cmark_node_get_type(n) == CMARK_NODE_FOOTNOTE_REFERENCE);
        if (ev == CMARK_EVENT_ENTER) {
            enter(&w, n, it);
            if (leaf)
                continue;
        } else if (!leaf) {
            leave(&w, n);
        }
    }
    cmark_iter_free(it);
    free(w.tight_stack);
    cmark_node_free(doc);
    cmark_parser_free(p);
    site_cmark_pool_close(&pool);
}
