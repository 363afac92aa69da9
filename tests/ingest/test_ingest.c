/* Unit tests of the ingest part: names, dates, charsets, HTML, JSON
 * Pointers, and front matter that libyaml reads back exactly. */
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "core/json.h"
#include "core/time.h"
#include "ingest/internal.h"
#include "test.h"

static void
check_slug(const char *name, const char *want)
{
    gz_buf b = GZ_BUF_INIT;
    ingest_pinyin_slug(&b, gz_str_c(name));
    CHECK_STR(b.data ? b.data : "", want);
    gz_buf_free(&b);
}

static void
test_pinyin(void)
{
    /* From the issue and the archive's own categories. */
    check_slug("株洲日报", "zhuzhouribao");
    check_slug("21世纪经济报道", "21shijijingjibaodao");
    /* Latin kept and lowercased, full-width folded, accents and
     * punctuation dropped, ü written v. */
    check_slug("Reuters 中文", "reuterszhongwen");
    check_slug("２１世纪", "21shiji");
    check_slug("Café·新闻!", "cafexinwen");
    check_slug("绿色", "lvse");
    check_slug("🚀—", "");
}

static void
check_file_id(const char *id, const char *want)
{
    gz_buf b = GZ_BUF_INIT;
    ingest_file_id(&b, gz_str_c(id));
    CHECK_STR(b.data, want);
    gz_buf_free(&b);
}

static void
test_file_id(void)
{
    check_file_id("NW202202282290581788", "NW202202282290581788");
    check_file_id("tag:example.org,2022:wire/1", "tagexampleorg2022wire1");
    check_file_id("../../etc/passwd", "etcpasswd");
    gz_buf b = GZ_BUF_INIT;
    ingest_file_id(&b, gz_str_c("中文编号"));
    CHECK(b.len == 12 && strspn(b.data, "0123456789abcdef") == 12);
    gz_buf_clear(&b);
    char longid[300];
    memset(longid, 'a', sizeof longid - 1);
    longid[sizeof longid - 1] = '\0';
    ingest_file_id(&b, gz_str_c(longid));
    CHECK(b.len == 80 + 1 + 12);
    gz_buf_free(&b);
}

static void
test_duration(void)
{
    CHECK(ingest_parse_duration("20s") == 20000);
    CHECK(ingest_parse_duration("5m") == 300000);
    CHECK(ingest_parse_duration("1h30m") == 5400000);
    CHECK(ingest_parse_duration("500ms") == 500);
    CHECK(ingest_parse_duration("15") == 15000);
    CHECK(ingest_parse_duration("5 m") == -1);
    CHECK(ingest_parse_duration("m") == -1);
    CHECK(ingest_parse_duration("") == -1);
    CHECK(ingest_parse_duration("99999999999999s") == -1);
}

static void
check_date(const char *s, const char *zone, const char *want)
{
    gz_time t;
    gz_buf b = GZ_BUF_INIT;
    if (ingest_parse_date(gz_str_c(s), gz_tz_get(zone), &t)) {
        t = gz_time_in_zone(t, gz_tz_get("Asia/Shanghai"));
        gz_strftime(&b, GZ_STR("%Y-%m-%d %H:%M:%S %z"), &t);
    } else {
        gz_buf_puts(&b, "invalid");
    }
    CHECK_STR(b.data, want);
    gz_buf_free(&b);
}

static void
test_dates(void)
{
    check_date("2022-02-28T00:32:46Z", "UTC", "2022-02-28 08:32:46 +0800");
    check_date("2022-02-28T08:32:46+08:00", "UTC", "2022-02-28 08:32:46 +0800");
    check_date("Mon, 28 Feb 2022 00:32:46 GMT", "UTC", "2022-02-28 08:32:46 +0800");
    check_date("Mon, 28 Feb 2022 08:32:46 +0800", "UTC", "2022-02-28 08:32:46 +0800");
    check_date("2022-02-28 08:32:46", "Asia/Shanghai", "2022-02-28 08:32:46 +0800");
    check_date("2022-02-28 00:32:46", "UTC", "2022-02-28 08:32:46 +0800");
    check_date("1646008366", "UTC", "2022-02-28 08:32:46 +0800");
    check_date("1646008366000", "UTC", "2022-02-28 08:32:46 +0800");
    check_date("", "UTC", "invalid");
    check_date("2022", "UTC", "invalid");
    check_date("not a date at all", "UTC", "invalid");
}

static void
test_charset(void)
{
    gz_arena *a = gz_arena_new();
    const char *gbk = "<?xml version=\"1.0\" encoding=\"GBK\"?><t>\xD6\xEA\xD6\xDE</t>"; /* 株洲 */
    CHECK_STR(ingest_charset(a, gz_str_c(gbk), "text/xml; charset=utf-8", true), "GBK");
    CHECK_STR(ingest_charset(a, GZ_STR("<rss/>"), "text/xml; charset=\"gb2312\"", true), "gb2312");
    CHECK(ingest_charset(a, GZ_STR("{}"), "application/json", false) == NULL);
    gz_buf b = GZ_BUF_INIT;
    CHECK(ingest_to_utf8(&b, gz_str_c(gbk), "GBK"));
    CHECK(strstr(b.data, "<t>株洲</t>") != NULL);
    gz_buf_clear(&b);
    CHECK(ingest_to_utf8(&b, GZ_STR("\xB4\xF3\xFF"), "gb2312")); /* 大 then a bad byte */
    CHECK_STR(b.data, "大\xEF\xBF\xBD");
    gz_buf_clear(&b);
    CHECK(ingest_to_utf8(&b, GZ_STR("\xEF\xBB\xBFok\xC3"), NULL));
    CHECK_STR(b.data, "ok\xEF\xBF\xBD");
    gz_buf_clear(&b);
    CHECK(ingest_to_utf8(&b, GZ_STR("\xA4\xA4\xA4\xE5"), "big5")); /* 中文 */
    CHECK_STR(b.data, "中文");
    CHECK(!ingest_to_utf8(&b, GZ_STR("x"), "no-such-charset"));
    gz_buf_free(&b);
    gz_arena_free(a);
}

static void
check_clean(const char *html, const char *want)
{
    gz_buf b = GZ_BUF_INIT;
    ingest_clean_html(&b, gz_str_c(html));
    CHECK_STR(b.data ? b.data : "", want);
    gz_buf_free(&b);
}

static void
test_html(void)
{
    check_clean("<p>　　正文</p>", "<p>正文</p>");
    check_clean("<p onclick=\"x()\" class=\"a\">t</p>", "<p class=\"a\">t</p>");
    check_clean("a<script>alert(1)</script>b<style>p{}</style>c", "abc");
    check_clean("<iframe src=\"x\"></iframe><object data=\"y\"></object>ok<embed src=\"z\">", "ok");
    check_clean("<a href=\" JaVa\tScript:alert(1)\">x</a>", "<a>x</a>");
    check_clean("<a href=\"http://e.org/\">x</a>", "<a href=\"http://e.org/\">x</a>");
    check_clean("<p>x<br>　　y</p>", "<p>x<br>y</p>");
    check_clean("<p>a　　b</p>", "<p>a　　b</p>");
    check_clean("<!-- keep --><p>{{ x }} {% y %}</p>", "<!-- keep --><p>&#123;{ x }} &#123;% y %}</p>");
    check_clean("<div><p>unclosed", "<div><p>unclosed</p></div>");

    gz_buf b = GZ_BUF_INIT;
    ingest_text_to_html(&b, GZ_STR("　　第一段。\n\n　　第二段 a<b & c\r\n"));
    CHECK_STR(b.data, "<p>第一段。</p>\n<p>第二段 a&lt;b &amp; c</p>");
    gz_buf_clear(&b);
    ingest_html_text(&b, GZ_STR("Markets <b>rally</b> &amp; <script>x</script>fall"));
    CHECK_STR(b.data, "Markets rally & fall");
    gz_buf_free(&b);

    /* Deep nesting and hostile markup terminate. */
    gz_buf deep = GZ_BUF_INIT;
    for (int i = 0; i < 100000; i++)
        gz_buf_puts(&deep, "<div>");
    ingest_clean_html(&b, gz_buf_str(&deep));
    CHECK(true);
    gz_buf_free(&deep);
    gz_buf_free(&b);
}

static void
test_json_pointer(void)
{
    /* RFC 6901 section 5. */
    gz_arena *a = gz_arena_new();
    gz_value doc, v;
    gz_buf err = GZ_BUF_INIT;
    CHECK(gz_json_parse(a, GZ_STR("{\"foo\": [\"bar\", \"baz\"], \"\": 0, \"a/b\": 1, \"c%d\": 2, "
                                  "\"e^f\": 3, \"g|h\": 4, \"i\\\\j\": 5, \"k\\\"l\": 6, \" \": 7, \"m~n\": 8}"),
                        &doc, &err));
    CHECK(ingest_json_pointer(doc, "", &v) && v.type == GZ_HASH);
    CHECK(ingest_json_pointer(doc, "/foo", &v) && v.type == GZ_ARRAY);
    CHECK(ingest_json_pointer(doc, "/foo/0", &v) && gz_str_eq_c(gz_value_str(v), "bar"));
    CHECK(ingest_json_pointer(doc, "/", &v) && v.u.i == 0);
    CHECK(ingest_json_pointer(doc, "/a~1b", &v) && v.u.i == 1);
    CHECK(ingest_json_pointer(doc, "/c%d", &v) && v.u.i == 2);
    CHECK(ingest_json_pointer(doc, "/i\\j", &v) && v.u.i == 5);
    CHECK(ingest_json_pointer(doc, "/k\"l", &v) && v.u.i == 6);
    CHECK(ingest_json_pointer(doc, "/ ", &v) && v.u.i == 7);
    CHECK(ingest_json_pointer(doc, "/m~0n", &v) && v.u.i == 8);
    CHECK(!ingest_json_pointer(doc, "/foo/2", &v));
    CHECK(!ingest_json_pointer(doc, "/foo/01", &v));
    CHECK(!ingest_json_pointer(doc, "/foo/-", &v));
    CHECK(!ingest_json_pointer(doc, "foo", &v));
    gz_str s;
    CHECK(ingest_json_text(a, gz_int(202202282290600004LL), &s) && gz_str_eq_c(s, "202202282290600004"));
    CHECK(ingest_json_text(a, gz_float(1646011200.0), &s) && gz_str_eq_c(s, "1646011200"));
    CHECK(!ingest_json_text(a, gz_nil(), &s));
    gz_buf_free(&err);
    gz_arena_free(a);
}

/* The title scalar of rendered front matter, as libyaml reads it, and
 * whether it was plain (Psych would then resolve its type). */
static char *
yaml_title(const char *text)
{
    yaml_parser_t p;
    yaml_document_t doc;
    char *title = NULL;
    const char *end = strstr(text + 4, "\n---\n");
    yaml_parser_initialize(&p);
    yaml_parser_set_input_string(&p, (const unsigned char *)text + 4, (size_t)(end + 1 - text - 4));
    if (yaml_parser_load(&p, &doc)) {
        yaml_node_t *root = yaml_document_get_root_node(&doc);
        for (yaml_node_pair_t *kv = root ? root->data.mapping.pairs.start : NULL;
             kv && kv < root->data.mapping.pairs.top; kv++) {
            yaml_node_t *k = yaml_document_get_node(&doc, kv->key);
            yaml_node_t *v = yaml_document_get_node(&doc, kv->value);
            if (!strcmp((const char *)k->data.scalar.value, "title") && v->type == YAML_SCALAR_NODE &&
                v->data.scalar.style == YAML_DOUBLE_QUOTED_SCALAR_STYLE)
                title = strndup((const char *)v->data.scalar.value, v->data.scalar.length);
        }
        yaml_document_delete(&doc);
    }
    yaml_parser_delete(&p);
    return title;
}

static void
test_front_matter(void)
{
    static const char *const titles[] = {
        "key: value", "- dash", "# hash", "\"q\" 'q'", "yes", "null", "123", "2022-02-28",
        "a\nb", "tab\there", "emoji 🚀", "back\\slash", "ctrl\x01\x7F", "nel\xC2\x85", "ls\xE2\x80\xA8",
        "bom\xEF\xBB\xBF", "---", "...", "  lead", "&a *b !c |d >e %f @g `h", "{[]}", "~",
    };
    for (size_t i = 0; i < sizeof titles / sizeof titles[0]; i++) {
        ingest_post p = { .title = gz_str_c(titles[i]), .body = GZ_STR("<p>x</p>"),
                          .link = GZ_STR("http://e.org/a?b=1#c"), .source = GZ_STR("- src: x"),
                          .source_id = GZ_STR("123"), .slug = GZ_STR("zhuzhouribao"),
                          .tag = GZ_STR("two words"), .layout = "post",
                          .date = "2022-02-28 08:32:46 +0800" };
        gz_buf b = GZ_BUF_INIT;
        ingest_post_render(&b, &p, "<{link}>\n");
        char *t = yaml_title(b.data);
        CHECK_STR(t, titles[i]);
        free(t);
        gz_buf_free(&b);
    }
    ingest_post p = { .title = GZ_STR("t"), .body = GZ_STR("<p>x</p>"), .link = GZ_STR("http://e.org/1"),
                      .source = GZ_STR("株洲日报"), .source_id = GZ_STR("NW1"),
                      .slug = GZ_STR("zhuzhouribao"), .tag = GZ_STR("株洲日报新闻"), .layout = "post",
                      .date = "2022-02-28 08:32:46 +0800" };
    gz_buf b = GZ_BUF_INIT;
    ingest_post_render(&b, &p, "<{link}>\n\n[返回{tag}](//example.org/category/{slug}.html)\n");
    CHECK_STR(b.data, "---\nlayout: post\ntitle: \"t\"\ndate: 2022-02-28 08:32:46 +0800\n"
                      "categories: zhuzhouribao\ntags: 株洲日报新闻\nsource: 株洲日报\n"
                      "source_id: \"NW1\"\nlink: http://e.org/1\n---\n<p>x</p>\n\n"
                      "<http://e.org/1>\n\n[返回株洲日报新闻](//example.org/category/zhuzhouribao.html)\n");
    gz_buf_free(&b);
}

static void
test_content_key(void)
{
    uint64_t a = ingest_content_key(GZ_STR("统计局发布2月PMI"), GZ_STR("<p>2月制造业PMI为50.2%。</p>"));
    uint64_t b = ingest_content_key(GZ_STR("统计局发布2月 PMI！"), GZ_STR("<div>2月制造业PMI为 50.2%</div>"));
    uint64_t c = ingest_content_key(GZ_STR("统计局发布3月PMI"), GZ_STR("<p>2月制造业PMI为50.2%。</p>"));
    CHECK(a != 0 && a == b);
    CHECK(a != c);
    CHECK(ingest_content_key(GZ_STR("标题"), GZ_STR("<p> </p>")) == 0);
}

int
main(void)
{
    test_pinyin();
    test_file_id();
    test_duration();
    test_dates();
    test_charset();
    test_html();
    test_json_pointer();
    test_front_matter();
    test_content_key();
    return test_report("ingest");
}
