/* libFuzzer target for the feed parsers of src/ingest/: the first byte
 * picks RSS/Atom, JSON Feed, a JSON API, the HTML cleaner or a charset
 * decode; the rest is the document. Every path must return without a
 * crash, a leak or a hang, whatever the bytes.
 *
 * Run with tests/fuzz/run feed [SECONDS]; the suite replays corpus/feed/.
 */
#include <stddef.h>
#include <stdint.h>

#include <libxml/parser.h>

#include "ingest/internal.h"

static void
quiet(void *ctx, const char *msg, ...)
{
    (void)ctx;
    (void)msg;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int initialized;
    if (!initialized) {
        xmlSetGenericErrorFunc(NULL, quiet);
        initialized = 1;
    }
    if (size < 1)
        return 0;
    gz_str doc = gz_str_n((const char *)data + 1, size - 1);
    gz_arena *a = gz_arena_new();
    ingest_items items = { 0 };
    gz_buf out = GZ_BUF_INIT, err = GZ_BUF_INIT;
    static const ingest_source api = {
        .name = "fuzz", .type = INGEST_JSON, .items = "/records",
        .fields = { "/id", "/title", "/date", "/body", "/link", "/from" },
    };
    switch (data[0] % 6) {
    case 0:
        ingest_parse_xml(a, doc, &items, &err);
        break;
    case 1:
        ingest_parse_jsonfeed(a, doc, &items, &err);
        break;
    case 2:
        ingest_parse_json_api(a, doc, &api, &items, &err);
        break;
    case 3:
        ingest_clean_html(&out, doc);
        break;
    case 4: {
        const char *cs = ingest_charset(a, doc, "text/xml; charset=gbk", true);
        if (ingest_to_utf8(&out, doc, cs))
            ingest_parse_xml(a, gz_buf_str(&out), &items, &err);
        break;
    }
    default:
        ingest_text_to_html(&out, doc);
        ingest_html_text(&out, doc);
        break;
    }
    /* What the pass does next with every item's fields. */
    for (size_t i = 0; i < items.len; i++) {
        gz_time t;
        ingest_parse_date(items.v[i].date, NULL, &t);
        gz_buf_clear(&out);
        ingest_clean_html(&out, items.v[i].body);
    }
    gz_buf_free(&out);
    gz_buf_free(&err);
    gz_arena_free(a);
    return 0;
}
