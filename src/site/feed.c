/* jekyll-feed 0.17.0 built in: when "jekyll-feed" is among the plugins,
 * feed.xml is a page rendered from jekyll-feed's own template (MIT
 * licensed, reproduced verbatim below), minified as the plugin does it
 * (whitespace after '>' or '}' removed), with the same page data. */
#include <stdlib.h>
#include <string.h>

#include "site/internal.h"

const char site_feed_template[] =
    "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
    "{% if page.xsl %}\n"
    "  <?xml-stylesheet type=\"text/xml\" href=\"{{ '/feed.xslt.xml' | absolute_url }}\"?>\n"
    "{% endif %}\n"
    "<feed xmlns=\"http://www.w3.org/2005/Atom\" {% if site.lang %}xml:lang=\"{{ site.lang }}\"{% endif %}>\n"
    "  <generator uri=\"https://jekyllrb.com/\" version=\"{{ jekyll.version }}\">Jekyll</generator>\n"
    "  <link href=\"{{ page.url | absolute_url }}\" rel=\"self\" type=\"application/atom+xml\" />\n"
    "  <link href=\"{{ '/' | absolute_url }}\" rel=\"alternate\" type=\"text/html\" {% if site.lang %}hreflang=\"{{ site.lang }}\" {% endif %}/>\n"
    "  <updated>{{ site.time | date_to_xmlschema }}</updated>\n"
    "  <id>{{ page.url | absolute_url | xml_escape }}</id>\n"
    "\n"
    "  {% assign title = site.title | default: site.name %}\n"
    "  {% if page.collection != \"posts\" %}\n"
    "    {% assign collection = page.collection | capitalize %}\n"
    "    {% assign title = title | append: \" | \" | append: collection %}\n"
    "  {% endif %}\n"
    "  {% if page.category %}\n"
    "    {% assign category = page.category | capitalize %}\n"
    "    {% assign title = title | append: \" | \" | append: category %}\n"
    "  {% endif %}\n"
    "\n"
    "  {% if title %}\n"
    "    <title type=\"html\">{{ title | smartify | xml_escape }}</title>\n"
    "  {% endif %}\n"
    "\n"
    "  {% if site.description %}\n"
    "    <subtitle>{{ site.description | xml_escape }}</subtitle>\n"
    "  {% endif %}\n"
    "\n"
    "  {% if site.author %}\n"
    "    <author>\n"
    "        <name>{{ site.author.name | default: site.author | xml_escape }}</name>\n"
    "      {% if site.author.email %}\n"
    "        <email>{{ site.author.email | xml_escape }}</email>\n"
    "      {% endif %}\n"
    "      {% if site.author.uri %}\n"
    "        <uri>{{ site.author.uri | xml_escape }}</uri>\n"
    "      {% endif %}\n"
    "    </author>\n"
    "  {% endif %}\n"
    "\n"
    "  {% if page.tags %}\n"
    "    {% assign posts = site.tags[page.tags] %}\n"
    "  {% else %}\n"
    "    {% assign posts = site[page.collection] %}\n"
    "  {% endif %}\n"
    "  {% if page.category %}\n"
    "    {% assign posts = posts | where: \"categories\", page.category %}\n"
    "  {% endif %}\n"
    "  {% unless site.show_drafts %}\n"
    "    {% assign posts = posts | where_exp: \"post\", \"post.draft != true\" %}\n"
    "  {% endunless %}\n"
    "  {% assign posts = posts | sort: \"date\" | reverse %}\n"
    "  {% assign posts_limit = site.feed.posts_limit | default: 10 %}\n"
    "  {% for post in posts limit: posts_limit %}\n"
    "    <entry{% if post.lang %}{{\" \"}}xml:lang=\"{{ post.lang }}\"{% endif %}>\n"
    "      {% assign post_title = post.title | smartify | strip_html | normalize_whitespace | xml_escape %}\n"
    "\n"
    "      <title type=\"html\">{{ post_title }}</title>\n"
    "      <link href=\"{{ post.url | absolute_url }}\" rel=\"alternate\" type=\"text/html\" title=\"{{ post_title }}\" />\n"
    "      <published>{{ post.date | date_to_xmlschema }}</published>\n"
    "      <updated>{{ post.last_modified_at | default: post.date | date_to_xmlschema }}</updated>\n"
    "      <id>{{ post.id | absolute_url | xml_escape }}</id>\n"
    "      {% assign excerpt_only = post.feed.excerpt_only | default: site.feed.excerpt_only %}\n"
    "      {% unless excerpt_only %}\n"
    "        <content type=\"html\" xml:base=\"{{ post.url | absolute_url | xml_escape }}\"><![CDATA[{{ post.content | strip }}]]></content>\n"
    "      {% endunless %}\n"
    "\n"
    "      {% assign post_author = post.author | default: post.authors[0] | default: site.author %}\n"
    "      {% assign post_author = site.data.authors[post_author] | default: post_author %}\n"
    "      {% assign post_author_email = post_author.email | default: nil %}\n"
    "      {% assign post_author_uri = post_author.uri | default: nil %}\n"
    "      {% assign post_author_name = post_author.name | default: post_author %}\n"
    "\n"
    "      <author>\n"
    "          <name>{{ post_author_name | default: \"\" | xml_escape }}</name>\n"
    "        {% if post_author_email %}\n"
    "          <email>{{ post_author_email | xml_escape }}</email>\n"
    "        {% endif %}\n"
    "        {% if post_author_uri %}\n"
    "          <uri>{{ post_author_uri | xml_escape }}</uri>\n"
    "        {% endif %}\n"
    "      </author>\n"
    "\n"
    "      {% if post.category %}\n"
    "        <category term=\"{{ post.category | xml_escape }}\" />\n"
    "      {% elsif post.categories %}\n"
    "        {% for category in post.categories %}\n"
    "          <category term=\"{{ category | xml_escape }}\" />\n"
    "        {% endfor %}\n"
    "      {% endif %}\n"
    "\n"
    "      {% for tag in post.tags %}\n"
    "        <category term=\"{{ tag | xml_escape }}\" />\n"
    "      {% endfor %}\n"
    "\n"
    "      {% assign post_summary = post.description | default: post.excerpt %}\n"
    "      {% if post_summary and post_summary != empty %}\n"
    "        <summary type=\"html\"><![CDATA[{{ post_summary | strip_html | normalize_whitespace }}]]></summary>\n"
    "      {% endif %}\n"
    "\n"
    "      {% assign post_image = post.image.path | default: post.image %}\n"
    "      {% if post_image %}\n"
    "        {% unless post_image contains \"://\" %}\n"
    "          {% assign post_image = post_image | absolute_url %}\n"
    "        {% endunless %}\n"
    "        <media:thumbnail xmlns:media=\"http://search.yahoo.com/mrss/\" url=\"{{ post_image | xml_escape }}\" />\n"
    "        <media:content medium=\"image\" url=\"{{ post_image | xml_escape }}\" xmlns:media=\"http://search.yahoo.com/mrss/\" />\n"
    "      {% endif %}\n"
    "    </entry>\n"
    "  {% endfor %}\n"
    "</feed>\n";

/* MINIFY_REGEX = /(?<=>|})\s+/ */
static char *
minify(gz_arena *a)
{
    size_t n = strlen(site_feed_template);
    char *out = gz_arena_alloc(a, n + 1);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        char c = site_feed_template[i];
        bool ws = c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
        if (ws && k > 0 && (out[k - 1] == '>' || out[k - 1] == '}'))
            continue;
        out[k++] = c;
    }
    out[k] = 0;
    return out;
}

static bool
file_exists(site *s, const char *rel)
{
    gz_buf p = GZ_BUF_INIT;
    gz_buf_printf(&p, "%s/%s", s->source, rel);
    FILE *f = fopen(p.data, "rb");
    gz_buf_free(&p);
    if (f)
        fclose(f);
    return f != NULL;
}

static gz_value
hash_at(gz_value h, const char *key)
{
    gz_value *v = h.type == GZ_HASH ? gz_hash_get(h.u.h, gz_str_c(key)) : NULL;
    return v ? *v : gz_nil();
}

/* A feed page (PageWithoutAFile) at `path` with jekyll-feed's data. */
static void
add_page(site *s, const char *path, const char *minified, gz_value collection,
         gz_value category, gz_value tags)
{
    gz_arena *a = s->arena;
    site_doc *doc = gz_arena_calloc(a, 1, sizeof *doc);
    doc->kind = SITE_PAGE;
    const char *rel = path;
    while (*rel == '/')
        rel++;
    doc->relpath = gz_arena_strndup(a, rel, strlen(rel));
    const char *slash = strrchr(doc->relpath, '/');
    doc->name = slash ? slash + 1 : doc->relpath;
    const char *dot = strrchr(doc->name, '.');
    doc->ext = dot ? dot : "";
    doc->output_ext = doc->ext;
    doc->dir = slash ? gz_arena_strndup(a, doc->relpath, (size_t)(slash - doc->relpath)) : "";
    doc->inline_body = minified;
    doc->body_line = 1;
    doc->data = gz_hash_new(a, 8);
    gz_hash_set(a, doc->data, gz_str_c("layout"), gz_nil());
    gz_hash_set(a, doc->data, gz_str_c("sitemap"), gz_bool(false));
    gz_hash_set(a, doc->data, gz_str_c("xsl"), gz_bool(file_exists(s, "feed.xslt.xml")));
    gz_hash_set(a, doc->data, gz_str_c("collection"), collection);
    gz_hash_set(a, doc->data, gz_str_c("category"), category);
    gz_hash_set(a, doc->data, gz_str_c("tags"), tags);
    doc->defaults = site_defaults_for(s, doc->relpath, "pages");
    site_doc_url(s, doc);
    if (s->npages == s->cappages) {
        s->cappages = s->cappages ? s->cappages * 2 : 16;
        s->pages = gz_xrealloc(s->pages, s->cappages * sizeof *s->pages);
    }
    s->pages[s->npages++] = doc;
}

/* [a-zA-Z0-9_]+ (tag feeds are made only for such tags) */
static bool
simple_tag(gz_value t)
{
    if (t.type != GZ_STRING || !t.len)
        return false;
    for (size_t i = 0; i < t.len; i++) {
        char c = t.u.s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_'))
            return false;
    }
    return true;
}

static bool
contains(const gz_array *list, gz_value v)
{
    for (size_t i = 0; list && i < list->len; i++)
        if (gz_value_equal(list->items[i], v))
            return true;
    return false;
}

/* Tag feeds: `only` (else every tag of the posts, in Jekyll's site.tags
 * order) minus `except`. */
static void
add_tag_feeds(site *s, gz_value tags_cfg, const char *minified)
{
    gz_arena *a = s->arena;
    gz_array *all = gz_array_new(a, 16);
    for (size_t i = 0; i < s->posts->ndocs; i++) {
        gz_value *t = gz_hash_get(s->posts->docs[i]->data, gz_str_c("tags"));
        if (t && t->type == GZ_ARRAY)
            for (size_t k = 0; k < t->u.a->len; k++)
                if (!contains(all, t->u.a->items[k]))
                    gz_array_push(a, all, t->u.a->items[k]);
    }
    if (!all->len)
        return;
    gz_value only = hash_at(tags_cfg, "only"), except = hash_at(tags_cfg, "except");
    gz_value tp = hash_at(tags_cfg, "path");
    const char *tags_path = tp.type == GZ_STRING ? tp.u.s : "/feed/by_tag/";
    gz_array *pool = only.type == GZ_ARRAY ? only.u.a : all;
    gz_array *seen = gz_array_new(a, pool->len);
    for (size_t i = 0; i < pool->len; i++) {
        gz_value tag = pool->items[i];
        /* Array#- keeps duplicates' first position only once each */
        if (contains(seen, tag) || (except.type == GZ_ARRAY && contains(except.u.a, tag)))
            continue;
        gz_array_push(a, seen, tag);
        if (!simple_tag(tag))
            continue;
        gz_buf p = GZ_BUF_INIT;
        gz_buf_printf(&p, "%s%s.xml", tags_path, tag.u.s);
        if (!file_exists(s, p.data[0] == '/' ? p.data + 1 : p.data))
            add_page(s, gz_arena_strndup(a, p.data, p.len), minified, gz_string("posts", 5),
                     gz_nil(), tag);
        gz_buf_free(&p);
    }
}

/* JekyllFeed::Generator#generate: a feed per collection (posts unless
 * configured otherwise) and per configured category, then tag feeds. */
void
site_feed_add(site *s)
{
    gz_arena *a = s->arena;
    gz_value feed = site_cfg(s, "feed");
    const char *env = getenv("JEKYLL_ENV");
    if (gz_truthy(hash_at(feed, "disable_in_development")) && (!env || !*env ||
                                                              !strcmp(env, "development")))
        return;
    const char *minified = minify(a);
    /* collections: an array of names or a hash of name => meta; "posts"
     * gets the top-level path and categories (normalize_posts_meta) */
    gz_value cv = hash_at(feed, "collections");
    gz_hash *colls = gz_hash_new(a, 4);
    if (cv.type == GZ_ARRAY) {
        for (size_t i = 0; i < cv.u.a->len; i++)
            if (cv.u.a->items[i].type == GZ_STRING)
                gz_hash_set(a, colls, gz_value_str(cv.u.a->items[i]),
                            gz_hash_value(gz_hash_new(a, 2)));
    } else if (cv.type == GZ_HASH) {
        for (size_t i = 0; i < cv.u.h->len; i++)
            gz_hash_set(a, colls, cv.u.h->entries[i].key, cv.u.h->entries[i].value);
    }
    if (!gz_hash_get(colls, gz_str_c("posts")))
        gz_hash_set(a, colls, gz_str_c("posts"), gz_hash_value(gz_hash_new(a, 2)));
    for (size_t c = 0; c < colls->len; c++) {
        gz_str name = colls->entries[c].key;
        gz_value meta = colls->entries[c].value;
        gz_value path = hash_at(meta, "path"), cats = hash_at(meta, "categories");
        bool posts = gz_str_eq_c(name, "posts");
        if (posts && !gz_truthy(path))
            path = hash_at(feed, "path");
        if (posts && !gz_truthy(cats))
            cats = hash_at(feed, "categories");
        gz_array *list = gz_array_new(a, 4);
        if (cats.type == GZ_ARRAY)
            for (size_t i = 0; i < cats.u.a->len; i++)
                if (!contains(list, cats.u.a->items[i]))
                    gz_array_push(a, list, cats.u.a->items[i]);
        gz_array_push(a, list, gz_nil());
        gz_value coll = gz_string(name.p, name.len);
        for (size_t i = 0; i < list->len; i++) {
            gz_value cat = list->items[i];
            gz_buf p = GZ_BUF_INIT;
            if (posts)
                gz_buf_puts(&p, "/feed");
            else
                gz_buf_printf(&p, "/feed/%.*s", (int)name.len, name.p);
            if (cat.type != GZ_NIL) {
                gz_buf_putc(&p, '/');
                if (cat.type == GZ_STRING)
                    gz_buf_put_str(&p, gz_value_str(cat));
                else
                    gz_value_inspect(&p, cat, NULL);
                gz_buf_puts(&p, ".xml");
            } else if (path.type == GZ_STRING) {
                gz_buf_clear(&p);
                gz_buf_put_str(&p, gz_value_str(path));
            } else
                gz_buf_puts(&p, ".xml");
            if (!file_exists(s, p.data[0] == '/' ? p.data + 1 : p.data))
                add_page(s, gz_arena_strndup(a, p.data, p.len), minified, coll, cat, gz_nil());
            gz_buf_free(&p);
        }
    }
    gz_value tags = hash_at(feed, "tags");
    if (gz_truthy(tags))
        add_tag_feeds(s, tags, minified);
}

/* ---- {% feed_meta %} ------------------------------------------------------ */

/* String#encode(xml: :attr) without the surrounding quotes. */
static void
xml_attr(gz_buf *out, gz_str s)
{
    for (size_t i = 0; i < s.len; i++) {
        switch (s.p[i]) {
        case '&': gz_buf_puts(out, "&amp;"); break;
        case '<': gz_buf_puts(out, "&lt;"); break;
        case '>': gz_buf_puts(out, "&gt;"); break;
        case '"': gz_buf_puts(out, "&quot;"); break;
        default: gz_buf_putc(out, s.p[i]);
        }
    }
}

/* JekyllFeed::MetaTag: <link type=... rel=... href=... title=... /> */
bool
site_feed_meta(void *self, liq_ctx *ctx, gz_str markup, gz_buf *out)
{
    (void)markup;
    site *s = self;
    gz_value feed = site_cfg(s, "feed");
    const char *path = "feed.xml";
    if (feed.type == GZ_HASH) {
        gz_value *p = gz_hash_get(feed.u.h, gz_str_c("path"));
        if (p && p->type == GZ_STRING)
            path = p->u.s;
    }
    gz_value title = site_cfg(s, "title");
    if (!gz_truthy(title))
        title = site_cfg(s, "name");
    gz_value href;
    if (!liq_ctx_filter(ctx, "absolute_url", gz_string(path, strlen(path)), &href) ||
        href.type != GZ_STRING)
        return liq_ctx_error(ctx, "feed_meta: no absolute_url filter");
    gz_buf_puts(out, "<link type=\"application/atom+xml\" rel=\"alternate\" href=\"");
    xml_attr(out, gz_value_str(href));
    gz_buf_putc(out, '"');
    if (gz_truthy(title)) {
        gz_buf t = GZ_BUF_INIT;
        if (title.type == GZ_STRING)
            gz_buf_put_str(&t, gz_value_str(title));
        else
            gz_value_inspect(&t, title, liq_ctx_env(ctx));
        gz_buf_puts(out, " title=\"");
        xml_attr(out, gz_buf_str(&t));
        gz_buf_putc(out, '"');
        gz_buf_free(&t);
    }
    gz_buf_puts(out, " />");
    return true;
}
