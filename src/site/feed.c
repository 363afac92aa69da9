/* jekyll-feed 0.17.0 built in: when "jekyll-feed" is among the plugins,
 * feed.xml is a page rendered from jekyll-feed's own template (MIT
 * licensed, reproduced verbatim below), minified as the plugin does it
 * (whitespace after '>' or '}' removed), with the same page data. */
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

void
site_feed_add(site *s)
{
    gz_arena *a = s->arena;
    gz_value feed = site_cfg(s, "feed");
    const char *path = "/feed.xml";
    if (feed.type == GZ_HASH) {
        gz_value *p = gz_hash_get(feed.u.h, gz_str_c("path"));
        if (p && p->type == GZ_STRING)
            path = p->u.s;
    }
    if (file_exists(s, path[0] == '/' ? path + 1 : path))
        return;
    site_doc *doc = gz_arena_calloc(a, 1, sizeof *doc);
    doc->kind = SITE_PAGE;
    const char *rel = path[0] == '/' ? path + 1 : path;
    doc->relpath = rel;
    const char *slash = strrchr(rel, '/');
    doc->name = slash ? slash + 1 : rel;
    const char *dot = strrchr(doc->name, '.');
    doc->ext = dot ? dot : "";
    doc->output_ext = doc->ext;
    if (slash) {
        doc->dir = gz_arena_strndup(a, rel, (size_t)(slash - rel));
    } else
        doc->dir = "";
    doc->inline_body = minify(a);
    doc->body_line = 1;
    doc->data = gz_hash_new(a, 8);
    gz_hash_set(a, doc->data, gz_str_c("layout"), gz_nil());
    gz_hash_set(a, doc->data, gz_str_c("sitemap"), gz_bool(false));
    gz_hash_set(a, doc->data, gz_str_c("xsl"), gz_bool(file_exists(s, "feed.xslt.xml")));
    gz_hash_set(a, doc->data, gz_str_c("collection"), gz_string("posts", 5));
    gz_hash_set(a, doc->data, gz_str_c("category"), gz_nil());
    gz_hash_set(a, doc->data, gz_str_c("tags"), gz_nil());
    doc->defaults = site_defaults_for(s, doc->relpath, "pages");
    site_doc_url(s, doc);
    if (s->npages == s->cappages) {
        s->cappages = s->cappages ? s->cappages * 2 : 16;
        s->pages = gz_xrealloc(s->pages, s->cappages * sizeof *s->pages);
    }
    s->pages[s->npages++] = doc;
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

/* absolute_url(path) through the engine's filter; without one, site.url,
 * baseurl and the path joined. */
static void
absolute_url(site *s, liq_ctx *ctx, const char *path, gz_buf *out)
{
    gz_value v;
    if (liq_ctx_filter(ctx, "absolute_url", gz_string(path, strlen(path)), &v) &&
        v.type == GZ_STRING) {
        gz_buf_put_str(out, gz_value_str(v));
        return;
    }
    gz_str base = s->hooks.baseurl;
    while (base.len && base.p[base.len - 1] == '/')
        base.len--;
    gz_buf_put_str(out, s->hooks.url);
    if (base.len && base.p[0] != '/')
        gz_buf_putc(out, '/');
    gz_buf_put_str(out, base);
    if (path[0] != '/')
        gz_buf_putc(out, '/');
    gz_buf_puts(out, path);
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
    gz_buf href = GZ_BUF_INIT;
    absolute_url(s, ctx, path, &href);
    gz_buf_puts(out, "<link type=\"application/atom+xml\" rel=\"alternate\" href=\"");
    xml_attr(out, gz_buf_str(&href));
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
    gz_buf_free(&href);
    return true;
}
