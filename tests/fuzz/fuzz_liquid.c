/* libFuzzer target: parse and render arbitrary templates in both error
 * modes, with a small fixed context and partials that are themselves
 * templates taken from the input (so include/render recursion, cycles and
 * nesting are reached). Built by tests/fuzz/run; see tests/fuzz/README.md. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/json.h"
#include "liquid/liquid.h"

/* Input layout: TEMPLATE [ "\0" PARTIAL ]... ; partial i is named "p<i>". */
typedef struct partials {
    const char *part[4];
    size_t len[4];
    int n;
} partials;

static bool
load(void *self, gz_str name, gz_buf *source, char **path)
{
    const partials *p = self;
    if (name.len == 2 && name.p[0] == 'p' && name.p[1] >= '0' && name.p[1] < '0' + p->n) {
        int i = name.p[1] - '0';
        gz_buf_put(source, p->part[i], p->len[i]);
        *path = NULL;
        return true;
    }
    return false;
}

static const char context_json[] =
    "{\"s\":\"héllo wörld\",\"n\":5,\"f\":2.5,\"a\":[1,\"two\",3.0,null,true],"
    "\"h\":{\"k\":\"v\",\"x\":{\"y\":[1,2]}},\"posts\":[{\"title\":\"A\",\"n\":2},"
    "{\"title\":\"B\",\"n\":1}],\"e\":\"\",\"z\":0}";

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    partials p = { .n = 0 };
    const char *text = (const char *)data;
    const char *end = text + size;
    const char *nul = memchr(text, '\0', size);
    size_t tlen = nul ? (size_t)(nul - text) : size;
    for (const char *q = nul; q && q < end && p.n < 4;) {
        q++;
        const char *next = memchr(q, '\0', (size_t)(end - q));
        p.part[p.n] = q;
        p.len[p.n] = next ? (size_t)(next - q) : (size_t)(end - q);
        p.n++;
        q = next;
    }

    gz_arena *data_arena = gz_arena_new();
    gz_value ctx;
    gz_buf err = GZ_BUF_INIT;
    gz_json_parse(data_arena, gz_str_n(context_json, sizeof context_json - 1), &ctx, &err);

    for (int mode = 0; mode < 2; mode++) {
        /* templates may loop or recurse without end (a render in a loop
         * rendering itself is exponential): bound each render's work, low
         * enough that a bounded loop of slow steps (a date parsed 50,000
         * times) stays far below the timeout under ASan on a busy machine */
        liq_options opts = { .mode = mode ? LIQ_STRICT : LIQ_LAX, .loader = { load, &p },
                             .jekyll = true,
                             .step_limit = 50000, .memory_limit = 1 << 20 };
        liq_engine *e = liq_engine_new(&opts);
        gz_diags diags = { 0 };
        liq_template *t = liq_parse(e, gz_str_n(text, tlen), "fuzz", &diags);
        if (t) {
            gz_arena *render_arena = gz_arena_new();
            gz_drop_env env = { render_arena, NULL };
            liq_render_options ro = { .env = &env, .errors_fatal = mode == 1 };
            gz_buf out = GZ_BUF_INIT;
            liq_render(t, ctx.u.h, &ro, &out, &diags);
            gz_buf_free(&out);
            gz_arena_free(render_arena);
            liq_template_free(t);
        }
        gz_diags_free(&diags);
        liq_engine_free(e);
    }
    gz_buf_free(&err);
    gz_arena_free(data_arena);
    return 0;
}
