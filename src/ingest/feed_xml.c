/* RSS (0.9x, 1.0, 2.0) and Atom 1.0 through libxml2. Entities are never
 * expanded from a DTD and nothing is loaded from the network; text is
 * gathered by hand so that an entity reference cannot multiply it. */
#include <stdio.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "ingest/internal.h"

#define NS_ATOM "http://www.w3.org/2005/Atom"
#define NS_CONTENT "http://purl.org/rss/1.0/modules/content/"
#define NS_DC "http://purl.org/dc/elements/1.1/"
/* Element nesting deeper than this is not searched. */
#define MAX_DEPTH 64

static bool
is(const xmlNode *n, const char *name, const char *ns)
{
    if (n->type != XML_ELEMENT_NODE || strcmp((const char *)n->name, name))
        return false;
    if (!ns)
        return true;
    return n->ns && n->ns->href && !strcmp((const char *)n->ns->href, ns);
}

/* Plain RSS elements carry no namespace, except in RSS 1.0 (RDF). */
static bool
is_rss(const xmlNode *n, const char *name)
{
    if (!is(n, name, NULL))
        return false;
    return !n->ns || !strcmp((const char *)n->ns->href, "http://purl.org/rss/1.0/") ||
           !strcmp((const char *)n->ns->href, "http://backend.userland.com/rss2");
}

static const xmlNode *
child(const xmlNode *parent, bool (*match)(const xmlNode *, const char *, const char *),
      const char *name, const char *ns)
{
    for (const xmlNode *c = parent->children; c; c = c->next)
        if (match(c, name, ns))
            return c;
    return NULL;
}

static bool
match_ns(const xmlNode *n, const char *name, const char *ns)
{
    return is(n, name, ns);
}

static bool
match_rss(const xmlNode *n, const char *name, const char *ns)
{
    (void)ns;
    return is_rss(n, name);
}

/* Concatenated text and CDATA below n, iteratively, skipping entity
 * references (libxml2 has already turned the predefined ones into text). */
static void
gather_text(gz_buf *out, const xmlNode *n)
{
    const xmlNode *c = n->children;
    int depth = 0;
    while (c) {
        if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
            if (c->content)
                gz_buf_puts(out, (const char *)c->content);
        } else if (c->type == XML_ELEMENT_NODE && c->children && depth < MAX_DEPTH) {
            c = c->children;
            depth++;
            continue;
        }
        while (!c->next && depth > 0) {
            c = c->parent;
            depth--;
        }
        c = c->next;
    }
}

static gz_str
text_of(gz_arena *a, const xmlNode *n, bool trim)
{
    if (!n)
        return (gz_str){ NULL, 0 };
    gz_buf b = GZ_BUF_INIT;
    gather_text(&b, n);
    gz_str s = trim ? ingest_trim(gz_buf_str(&b)) : gz_buf_str(&b);
    gz_str r = gz_str_n(gz_arena_strndup(a, s.p, s.len), s.len);
    gz_buf_free(&b);
    return r;
}

static const char *
attr(const xmlNode *n, const char *name)
{
    for (const xmlAttr *at = n->properties; at; at = at->next)
        if (!strcmp((const char *)at->name, name) && at->children && at->children->content)
            return (const char *)at->children->content;
    return NULL;
}

static void
rss_item(gz_arena *a, const xmlNode *it, ingest_item *item)
{
    item->title = text_of(a, child(it, match_rss, "title", NULL), true);
    item->link = text_of(a, child(it, match_rss, "link", NULL), true);
    item->id = text_of(a, child(it, match_rss, "guid", NULL), true);
    if (!item->id.len && it->ns) /* RSS 1.0 names items by rdf:about */
        for (const xmlAttr *at = it->properties; at; at = at->next)
            if (!strcmp((const char *)at->name, "about") && at->children)
                item->id = gz_str_c(gz_arena_strndup(a, (const char *)at->children->content,
                                                     strlen((const char *)at->children->content)));
    if (!item->id.len)
        item->id = item->link;
    const xmlNode *date = child(it, match_rss, "pubDate", NULL);
    item->date = text_of(a, date ? date : child(it, match_ns, "date", NS_DC), true);
    const xmlNode *body = child(it, match_ns, "encoded", NS_CONTENT);
    item->body = text_of(a, body ? body : child(it, match_rss, "description", NULL), false);
}

/* Atom text constructs: type="html" holds escaped markup, type="xhtml" a
 * div of real markup, anything else plain text. */
static gz_str
atom_text(gz_arena *a, const xmlNode *n, bool as_html, bool *is_text)
{
    if (!n)
        return (gz_str){ NULL, 0 };
    const char *type = attr(n, "type");
    if (type && !strcmp(type, "xhtml")) {
        xmlBufferPtr xb = xmlBufferCreate();
        for (const xmlNode *c = n->children; c; c = c->next) {
            if (c->type != XML_ELEMENT_NODE)
                continue;
            for (xmlNode *k = c->children; k; k = k->next)
                xmlNodeDump(xb, k->doc, k, 0, 0);
            break;
        }
        gz_buf b = GZ_BUF_INIT;
        gz_str markup = gz_str_n((const char *)xmlBufferContent(xb), (size_t)xmlBufferLength(xb));
        if (as_html)
            gz_buf_put_str(&b, markup);
        else
            ingest_html_text(&b, markup);
        xmlBufferFree(xb);
        gz_str r = gz_str_n(gz_arena_strndup(a, b.data ? b.data : "", b.len), b.len);
        gz_buf_free(&b);
        if (is_text)
            *is_text = false;
        return as_html ? r : ingest_trim(r);
    }
    gz_str s = text_of(a, n, !as_html);
    bool html = type && (!strcmp(type, "html") || !strcmp(type, "text/html"));
    if (is_text)
        *is_text = !html;
    if (html && !as_html) {
        gz_buf b = GZ_BUF_INIT;
        ingest_html_text(&b, s);
        gz_str t = ingest_trim(gz_buf_str(&b));
        s = gz_str_n(gz_arena_strndup(a, t.p, t.len), t.len);
        gz_buf_free(&b);
    }
    return s;
}

static void
atom_entry(gz_arena *a, const xmlNode *e, ingest_item *item)
{
    item->id = text_of(a, child(e, match_ns, "id", NS_ATOM), true);
    item->title = atom_text(a, child(e, match_ns, "title", NS_ATOM), false, NULL);
    const xmlNode *date = child(e, match_ns, "published", NS_ATOM);
    item->date = text_of(a, date ? date : child(e, match_ns, "updated", NS_ATOM), true);
    const xmlNode *body = child(e, match_ns, "content", NS_ATOM);
    if (!body || attr(body, "src"))
        body = child(e, match_ns, "summary", NS_ATOM);
    item->body = atom_text(a, body, true, &item->body_is_text);
    for (const xmlNode *c = e->children; c; c = c->next) {
        const char *rel = is(c, "link", NS_ATOM) ? attr(c, "rel") : "-";
        const char *href = is(c, "link", NS_ATOM) ? attr(c, "href") : NULL;
        if (href && (!rel || !strcmp(rel, "alternate"))) {
            item->link = gz_str_c(gz_arena_strndup(a, href, strlen(href)));
            break;
        }
    }
}

/* libxml2 reports every error; the first one is where the feed broke. */
typedef struct first_error {
    bool set;
    int line, column;
    char message[200];
} first_error;

static void
keep_first_error(void *user, xmlErrorPtr e)
{
    first_error *fe = ((xmlParserCtxtPtr)user)->_private;
    if (fe->set || e->level < XML_ERR_ERROR)
        return;
    fe->set = true;
    fe->line = e->line;
    fe->column = e->int2;
    gz_str msg = ingest_trim(gz_str_c(e->message ? e->message : "not well-formed XML"));
    snprintf(fe->message, sizeof fe->message, "%.*s", (int)msg.len, msg.p);
}

bool
ingest_parse_xml(gz_arena *a, gz_str doc, ingest_items *out, gz_buf *err)
{
    if (doc.len > INT32_MAX) {
        gz_buf_puts(err, "document too large");
        return false;
    }
    xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
    if (!ctxt) {
        gz_buf_puts(err, "out of memory");
        return false;
    }
    first_error fe = { 0 };
    ctxt->_private = &fe;
    ctxt->sax->serror = keep_first_error;
    /* The bytes are UTF-8 already (charset.c), whatever the prolog says. */
    xmlDocPtr xd = xmlCtxtReadMemory(ctxt, doc.p, (int)doc.len, NULL, "UTF-8",
                                     XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    bool ok = false;
    if (!xd || !ctxt->wellFormed) {
        if (fe.set)
            gz_buf_printf(err, "line %d column %d: %s", fe.line, fe.column, fe.message);
        else
            gz_buf_puts(err, "not well-formed XML");
        goto done;
    }
    const xmlNode *root = xmlDocGetRootElement(xd);
    if (root && is(root, "feed", NS_ATOM)) {
        for (const xmlNode *c = root->children; c; c = c->next)
            if (is(c, "entry", NS_ATOM)) {
                ingest_item *item = ingest_items_push(a, out);
                atom_entry(a, c, item);
            }
        ok = true;
    } else if (root && (is(root, "rss", NULL) || is(root, "RDF", NULL))) {
        const xmlNode *channel = child(root, match_rss, "channel", NULL);
        /* RSS 2.0 puts items in the channel, RSS 1.0 beside it. */
        for (int pass = 0; pass < 2; pass++)
            for (const xmlNode *c = pass ? root->children : channel ? channel->children : NULL; c;
                 c = c->next)
                if (is_rss(c, "item"))
                    rss_item(a, c, ingest_items_push(a, out));
        ok = true;
    } else {
        gz_buf_printf(err, "root element <%s> is neither RSS nor Atom",
                      root ? (const char *)root->name : "");
    }
done:
    if (xd)
        xmlFreeDoc(xd);
    xmlFreeParserCtxt(ctxt);
    return ok;
}
