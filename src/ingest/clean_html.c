/* Body HTML made safe to publish: libxml2's HTML parser reads whatever a
 * news site sends, the tree loses what could run code, and is written out
 * again. Everything else is kept. */
#include <string.h>
#include <strings.h>

#include <libxml/HTMLparser.h>
#include <libxml/HTMLtree.h>

#include "core/utf8.h"
#include "ingest/internal.h"

#define IDEOGRAPHIC_SPACE "\xE3\x80\x80"
/* Deeper trees are cut here; libxml2 itself stops at 256 unless told. */
#define MAX_DEPTH 256

static const char *const removed_elements[] = {
    "script", "style", "iframe", "object", "embed", "applet", "frame", "frameset",
};

static const char *const block_elements[] = {
    "p", "div", "li", "td", "th", "dd", "dt", "blockquote", "section", "article",
    "h1", "h2", "h3", "h4", "h5", "h6", "center",
};

static bool
in_list(const xmlChar *name, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!strcasecmp((const char *)name, list[i]))
            return true;
    return false;
}

/* javascript: with any case, and with the spaces and control characters
 * browsers skip inside and before a scheme. */
static bool
is_script_url(const xmlChar *v)
{
    static const char scheme[] = "javascript:";
    size_t k = 0;
    for (const unsigned char *p = v; *p && k < sizeof scheme - 1; p++) {
        if (*p <= ' ')
            continue;
        if ((*p | 0x20) != (unsigned char)scheme[k] && *p != scheme[k])
            return false;
        k++;
    }
    return k == sizeof scheme - 1;
}

static void
clean_attributes(xmlNode *n)
{
    xmlAttr *at = n->properties;
    while (at) {
        xmlAttr *next = at->next;
        xmlChar *value = xmlNodeGetContent((xmlNode *)at);
        bool drop = !strncasecmp((const char *)at->name, "on", 2) || (value && is_script_url(value));
        xmlFree(value);
        if (drop)
            xmlRemoveProp(at);
        at = next;
    }
}

/* Drops ideographic spaces (and the blanks among them) that indent a
 * paragraph: the theme indents paragraphs itself. */
static void
unindent(xmlNode *text)
{
    const char *s = (const char *)text->content;
    if (!s)
        return;
    size_t i = 0;
    bool ideographic = false;
    for (;;) {
        if (!strncmp(s + i, IDEOGRAPHIC_SPACE, 3))
            i += 3, ideographic = true;
        else if (!strncmp(s + i, "\xC2\xA0", 2))
            i += 2;
        else if (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')
            i++;
        else
            break;
    }
    if (ideographic) {
        xmlChar *rest = xmlStrdup((const xmlChar *)(s + i)); /* SetContent frees s */
        xmlNodeSetContent(text, rest);
        xmlFree(rest);
    }
}

/* The first text node where a paragraph starts: at the start of a block
 * element, after a <br>, or at the start of the fragment. */
static bool
starts_paragraph(const xmlNode *text)
{
    const xmlNode *prev = text->prev;
    if (prev)
        return prev->type == XML_ELEMENT_NODE && !strcasecmp((const char *)prev->name, "br");
    const xmlNode *parent = text->parent;
    return !parent || parent->type != XML_ELEMENT_NODE ||
           !strcasecmp((const char *)parent->name, "body") ||
           in_list(parent->name, block_elements, sizeof block_elements / sizeof block_elements[0]);
}

/* The node after n in document order below root: its first child when
 * `descend`, else the next sibling of n or of its nearest ancestor. */
static xmlNode *
next_node(xmlNode *n, const xmlNode *root, bool descend, int *depth)
{
    if (descend && n->children) {
        (*depth)++;
        return n->children;
    }
    while (n != root && !n->next) {
        n = n->parent;
        (*depth)--;
    }
    return n == root ? NULL : n->next;
}

/* Walks the tree without recursion, removing as it goes. */
static void
clean_tree(xmlNode *root)
{
    int depth = 0;
    xmlNode *n = root->children;
    while (n) {
        bool element = n->type == XML_ELEMENT_NODE;
        bool remove = element && in_list(n->name, removed_elements,
                                         sizeof removed_elements / sizeof removed_elements[0]);
        if (element && !remove)
            clean_attributes(n);
        else if (n->type == XML_TEXT_NODE && starts_paragraph(n))
            unindent(n);
        xmlNode *next = next_node(n, root, element && !remove && depth < MAX_DEPTH, &depth);
        if (remove) {
            xmlUnlinkNode(n);
            xmlFreeNode(n);
        }
        n = next;
    }
}

static htmlDocPtr
parse_fragment(gz_str html)
{
    gz_buf doc = GZ_BUF_INIT;
    gz_buf_puts(&doc, "<html><head><meta charset=\"utf-8\"></head><body>");
    gz_buf_put_str(&doc, html);
    gz_buf_puts(&doc, "</body></html>");
    htmlDocPtr d = NULL;
    if (doc.len < INT32_MAX)
        d = htmlReadMemory(doc.data, (int)doc.len, NULL, "UTF-8",
                           HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET |
                               HTML_PARSE_NOIMPLIED);
    gz_buf_free(&doc);
    return d;
}

static xmlNode *
body_of(htmlDocPtr d)
{
    xmlNode *n = d ? xmlDocGetRootElement(d) : NULL;
    while (n) {
        if (n->type == XML_ELEMENT_NODE && !strcasecmp((const char *)n->name, "body"))
            return n;
        if (n->type == XML_ELEMENT_NODE && !strcasecmp((const char *)n->name, "html"))
            n = n->children;
        else
            n = n->next;
    }
    return NULL;
}

/* Liquid would read {{ and {% in a post body as template code; an entity
 * for the brace renders the same and keeps Liquid out. */
static void
put_liquid_safe(gz_buf *out, gz_str s)
{
    size_t from = 0;
    for (size_t i = 0; i + 1 < s.len; i++)
        if (s.p[i] == '{' && (s.p[i + 1] == '{' || s.p[i + 1] == '%')) {
            gz_buf_put(out, s.p + from, i - from);
            gz_buf_puts(out, "&#123;");
            from = i + 1;
        }
    gz_buf_put(out, s.p + from, s.len - from);
}

void
ingest_clean_html(gz_buf *out, gz_str html)
{
    htmlDocPtr d = parse_fragment(html);
    xmlNode *body = body_of(d);
    if (body) {
        clean_tree(body);
        xmlBufferPtr xb = xmlBufferCreate();
        xmlOutputBufferPtr ob = xmlOutputBufferCreateBuffer(xb, NULL);
        for (xmlNode *c = body->children; c; c = c->next)
            htmlNodeDumpFormatOutput(ob, d, c, "UTF-8", 0);
        xmlOutputBufferClose(ob);
        gz_str s = ingest_trim(gz_str_n((const char *)xmlBufferContent(xb), (size_t)xmlBufferLength(xb)));
        put_liquid_safe(out, s);
        xmlBufferFree(xb);
    }
    if (d)
        xmlFreeDoc(d);
}

static void
put_escaped(gz_buf *out, gz_str s)
{
    for (size_t i = 0; i < s.len; i++) {
        switch (s.p[i]) {
        case '&': gz_buf_puts(out, "&amp;"); break;
        case '<': gz_buf_puts(out, "&lt;"); break;
        case '>': gz_buf_puts(out, "&gt;"); break;
        default: gz_buf_putc(out, s.p[i]);
        }
    }
}

void
ingest_text_to_html(gz_buf *out, gz_str text)
{
    gz_buf html = GZ_BUF_INIT;
    /* News text has no hard wraps: every non-blank line is a paragraph. */
    size_t i = 0;
    while (i < text.len) {
        const char *nl = memchr(text.p + i, '\n', text.len - i);
        size_t end = nl ? (size_t)(nl - text.p) : text.len;
        gz_str line = ingest_trim(gz_str_n(text.p + i, end - i));
        if (line.len) {
            if (html.len)
                gz_buf_putc(&html, '\n');
            gz_buf_puts(&html, "<p>");
            put_escaped(&html, line);
            gz_buf_puts(&html, "</p>");
        }
        i = end + 1;
    }
    put_liquid_safe(out, gz_buf_str(&html));
    gz_buf_free(&html);
}

void
ingest_html_text(gz_buf *out, gz_str html)
{
    htmlDocPtr d = parse_fragment(html);
    xmlNode *body = body_of(d);
    if (body) {
        clean_tree(body);
        xmlChar *text = xmlNodeGetContent(body);
        if (text)
            gz_buf_puts(out, (const char *)text);
        xmlFree(text);
    }
    if (d)
        xmlFreeDoc(d);
}
