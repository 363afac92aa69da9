/* gazette side of bench/liquid: same contract as ruby-bench.rb — parses
 * and renders page.liquid with DATA.json, writes the output once, prints
 * "parse_us render_per_s". Usage: bench-liquid DIR DATA.json OUT SECONDS */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "core/json.h"
#include "liquid/liquid.h"

static double
now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static bool
read_file(const char *path, gz_buf *out)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return false;
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        gz_buf_put(out, chunk, n);
    fclose(f);
    return true;
}

static bool
load_partial(void *self, gz_str name, gz_buf *source, char **path)
{
    gz_buf p = GZ_BUF_INIT;
    gz_buf_printf(&p, "%s/partials/%.*s.liquid", (const char *)self, (int)name.len, name.p);
    bool ok = read_file(p.data, source);
    *path = gz_buf_detach(&p, NULL);
    return ok;
}

int
main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: bench-liquid DIR DATA.json OUT SECONDS\n");
        return 2;
    }
    const char *dir = argv[1];
    double seconds = atof(argv[4]);
    gz_buf path = GZ_BUF_INIT, source = GZ_BUF_INIT, json = GZ_BUF_INIT, err = GZ_BUF_INIT;
    gz_buf_printf(&path, "%s/page.liquid", dir);
    if (!read_file(path.data, &source) || !read_file(argv[2], &json)) {
        fprintf(stderr, "bench-liquid: cannot read inputs\n");
        return 1;
    }
    gz_arena *data_arena = gz_arena_new();
    gz_value data;
    if (!gz_json_parse(data_arena, gz_buf_str(&json), &data, &err) || data.type != GZ_HASH) {
        fprintf(stderr, "bench-liquid: bad data: %s\n", err.data ? err.data : "not an object");
        return 1;
    }

    liq_options opts = { .mode = LIQ_LAX, .loader = { load_partial, (void *)dir } };
    liq_engine *engine = liq_engine_new(&opts);
    gz_diags diags = { 0 };

    /* Parse time: the page alone (partials are parsed once and cached). */
    long n = 0;
    double start = now(), elapsed;
    do {
        liq_template_free(liq_parse(engine, gz_buf_str(&source), "page.liquid", &diags));
        n++;
    } while ((elapsed = now() - start) < seconds / 4);
    double parse_us = elapsed / (double)n * 1e6;

    liq_template *t = liq_parse(engine, gz_buf_str(&source), "page.liquid", &diags);
    if (!t) {
        gz_diag_print(stderr, &diags.items[0], gz_buf_str(&source));
        return 1;
    }
    gz_arena *render_arena = gz_arena_new();
    gz_drop_env env = { render_arena, NULL };
    liq_render_options ropts = { .env = &env, .errors_fatal = true };
    gz_buf out = GZ_BUF_INIT;
    if (!liq_render(t, data.u.h, &ropts, &out, &diags)) {
        gz_diag_print(stderr, &diags.items[0], gz_str_n(NULL, 0));
        return 1;
    }
    FILE *f = fopen(argv[3], "wb");
    if (!f || fwrite(out.data, 1, out.len, f) != out.len || fclose(f) != 0) {
        fprintf(stderr, "bench-liquid: cannot write %s\n", argv[3]);
        return 1;
    }

    n = 0;
    start = now();
    do {
        gz_buf_clear(&out);
        gz_arena_reset(render_arena);
        liq_render(t, data.u.h, &ropts, &out, &diags);
        n++;
    } while ((elapsed = now() - start) < seconds);
    printf("%.1f %.1f\n", parse_us, (double)n / elapsed);

    liq_template_free(t);
    liq_engine_free(engine);
    gz_arena_free(render_arena);
    gz_arena_free(data_arena);
    gz_buf_free(&out);
    gz_buf_free(&path);
    gz_buf_free(&source);
    gz_buf_free(&json);
    gz_buf_free(&err);
    gz_diags_free(&diags);
    return 0;
}
