/* libFuzzer target: front matter detection and the YAML loader, on any
 * bytes, must not crash, leak, hang or build a value too big to walk.
 *
 * Run with tests/fuzz/run yaml [SECONDS]; the suite replays corpus/yaml/. */
#include <stdint.h>

#include "core/frontmatter.h"
#include "core/yaml.h"

static void
load(gz_str text, const gz_tz *local)
{
    gz_arena *a = gz_arena_new();
    gz_diags d = { 0 };
    gz_value v;
    if (gz_yaml_parse(a, text, "fuzz.yml", 0, local, &v, &d)) {
        /* Walk the whole value, aliases expanded, as a template would. */
        gz_buf out = GZ_BUF_INIT;
        gz_value_inspect(&out, v, NULL);
        gz_buf_free(&out);
    } else if (d.len != 1) {
        __builtin_trap(); /* a failure always says why, once */
    }
    gz_diags_free(&d);
    gz_arena_free(a);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const gz_tz *shanghai;
    if (!shanghai)
        shanghai = gz_tz_get("Asia/Shanghai");
    gz_str text = gz_str_n((const char *)data, size);
    gz_str yaml, body;
    int line;
    gz_front_matter_has_header(text);
    if (gz_front_matter_split(text, &yaml, &body, &line) == GZ_FM_FOUND) {
        if (yaml.p + yaml.len > body.p || body.p + body.len != text.p + text.len)
            __builtin_trap();
        load(yaml, NULL);
    }
    load(text, shanghai);
    return 0;
}
